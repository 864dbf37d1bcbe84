//! How each request kind is decided: automatic, manual or partial (online deposits below a
//! threshold approve themselves), and the ordered levels of reviewers (roles and staff users).
use crate::api::identity::staff::{list_roles, list_staff};
use crate::api::settings::{approval_settings, save_approval_setting};
use crate::domain::approval::RequestKind;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::model::{ApprovalSettingDto, LevelDto, ListQuery, RoleDto, StaffRow};
use crate::ui::form::{FormError, SelectField, TextField, last_error, tlabel};
use crate::ui::form::{keyed_options, loading};
use crate::ui::resource::resource;
use leptos::prelude::*;
use std::collections::BTreeSet;

#[component]
pub fn ApprovalSettingsSection() -> impl IntoView {
    let i18n = use_i18n();
    let settings = resource(|| (), |_| approval_settings());
    let roles = resource(|| (), |_| list_roles());
    let staff = resource(
        || (),
        |_| {
            list_staff(ListQuery {
                per_page: ListQuery::MAX_PER_PAGE,
                sort: "name".into(),
                filter: "active".into(),
                ..Default::default()
            })
        },
    );
    view! {
        <div class="stack">
            <p class="muted">{move || i18n.t("settings.approvals_intro")}</p>
            <Transition fallback=loading>
                {move || {
                    // Read all three so the transition waits for each.
                    let (s, r, st) = (settings.get(), roles.get(), staff.get());
                    let (s, r, st) = (s?, r?, st?);
                    let pickers_error = r.as_ref().err().or(st.as_ref().err()).cloned();
                    let roles = r.unwrap_or_default();
                    let staff = st.map(|p| p.rows).unwrap_or_default();
                    Some(match s {
                        Ok(list) => {
                            view! {
                                {pickers_error
                                    .map(|e| view! { <div class="alert alert-warn">{move || i18n.t("settings.reviewers_unavailable")} " " {move || i18n.t(e.key())}</div> })}
                                {RequestKind::ALL
                                    .iter()
                                    .map(|k| {
                                        let setting = list.iter().find(|s| s.kind == k.as_str()).cloned();
                                        view! { <KindEditor kind=*k setting roles=roles.clone() staff=staff.clone()/> }
                                    })
                                    .collect_view()}
                            }
                                .into_any()
                        }
                        Err(e) => view! { <div class="form-error" role="alert">{move || i18n.t(e.key())}</div> }.into_any(),
                    })
                }}
            </Transition>
        </div>
    }
}

/// One level while it is edited: stable key for the list, chosen roles and users.
#[derive(Clone, Copy)]
struct LevelRow {
    key: u64,
    roles: RwSignal<BTreeSet<i64>>,
    users: RwSignal<BTreeSet<i64>>,
}

impl LevelRow {
    fn new(key: u64, l: &LevelDto) -> Self {
        Self {
            key,
            roles: RwSignal::new(l.role_ids.iter().copied().collect()),
            users: RwSignal::new(l.user_ids.iter().copied().collect()),
        }
    }
    fn dto(&self) -> LevelDto {
        LevelDto {
            role_ids: self.roles.get_untracked().into_iter().collect(),
            user_ids: self.users.get_untracked().into_iter().collect(),
        }
    }
}

const METHODS: &[(&str, &str)] = &[
    ("automatic", "appr.method_automatic"),
    ("manual", "appr.method_manual"),
    ("partial", "appr.method_partial"),
];

type SaveInput = (String, String, String, Vec<LevelDto>);

#[component]
fn KindEditor(
    kind: RequestKind,
    setting: Option<ApprovalSettingDto>,
    roles: Vec<RoleDto>,
    staff: Vec<StaffRow>,
) -> impl IntoView {
    let i18n = use_i18n();
    let k = kind.as_str();
    let setting = setting.unwrap_or(ApprovalSettingDto {
        kind: k.to_string(),
        method: "manual".into(),
        threshold: String::new(),
        levels: Vec::new(),
    });
    let method = RwSignal::new(setting.method.clone());
    let threshold = RwSignal::new(setting.threshold.clone());
    let next_key = StoredValue::new(setting.levels.len() as u64);
    let levels = RwSignal::new(
        setting
            .levels
            .iter()
            .enumerate()
            .map(|(i, l)| LevelRow::new(i as u64, l))
            .collect::<Vec<_>>(),
    );
    let roles = StoredValue::new(roles);
    let staff = StoredValue::new(staff);
    let save = Action::new(move |x: &SaveInput| {
        let x = x.clone();
        async move { save_approval_setting(x.0, x.1, x.2, x.3).await }
    });
    let error: Signal<Option<AppError>> = last_error(save.value());
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    let dirty = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        dirty.set(false);
        let m = method.get_untracked();
        let t = if m == "partial" {
            threshold.get_untracked().trim().to_string()
        } else {
            String::new()
        };
        let ls = levels.get_untracked().iter().map(LevelRow::dto).collect();
        save.dispatch((k.to_string(), m, t, ls));
    };
    let add_level = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        levels.update(|v| v.push(LevelRow::new(key, &LevelDto::default())));
        dirty.set(true);
    };
    let levels_code = move || {
        error
            .get()
            .and_then(|e| e.field_code("levels").map(str::to_string))
    };
    let form_id = format!("approval-setting-{k}");
    let kind_label = kind.label_key();
    view! {
        <form id=form_id class="card form" on:submit=submit on:input=move |_| dirty.set(true) on:change=move |_| dirty.set(true) novalidate>
            <div class="card-header">
                <h2 class="card-title">{move || i18n.t(&kind_label)}</h2>
                <span class="badge badge-muted">
                    {move || {
                        let n = levels.with(Vec::len);
                        if method.get() == "automatic" {
                            i18n.t("appr.method_automatic").to_string()
                        } else {
                            i18n.t("settings.n_levels").replace("{n}", &n.to_string())
                        }
                    }}
                </span>
            </div>
            <FormError error/>
            <div class="form-row">
                <SelectField
                    label=tlabel("settings.method")
                    id=format!("method-{k}")
                    value=method
                    options=keyed_options(i18n, METHODS)
                    field="method"
                    error
                    hint=Signal::derive(move || {
                        match (k, method.get().as_str()) {
                            ("withdrawal", _) => i18n.t("settings.method_hint_withdrawal"),
                            ("deposit", "automatic") => i18n.t("settings.method_hint_deposit"),
                            (_, "automatic") => i18n.t("settings.method_hint"),
                            (_, "partial") => i18n.t("settings.method_hint_partial"),
                            _ => i18n.t("settings.method_hint_manual"),
                        }
                        .to_string()
                    })
                />
                <Show when=move || method.get() == "partial">
                    <TextField
                        label=tlabel("settings.threshold")
                        id=format!("threshold-{k}")
                        value=threshold
                        field="threshold"
                        autocomplete="off"
                        error
                        inputmode="decimal"
                        hint=tlabel("settings.threshold_hint")
                    />
                </Show>
            </div>
            <Show when=move || method.get() != "automatic">
                <fieldset class="field" class:has-error=move || levels_code().is_some()>
                    <legend>{move || i18n.t("settings.levels")}</legend>
                    <p class="hint">{move || i18n.t("settings.levels_hint")}</p>
                    <ol class="level-list">
                        <For
                            each=move || levels.get()
                            key=|l| l.key
                            children=move |l: LevelRow| {
                                let pos = move || levels.with(|v| v.iter().position(|x| x.key == l.key).unwrap_or(0));
                                let n = move || (pos() + 1).to_string();
                                let title = move || i18n.t("settings.level_n").replace("{n}", &n());
                                let remove = move |_| {
                                    levels.update(|v| v.retain(|x| x.key != l.key));
                                    dirty.set(true);
                                };
                                let up = move |_| {
                                    levels.update(|v| {
                                        if let Some(i) = v.iter().position(|x| x.key == l.key)
                                            && i > 0
                                        {
                                            v.swap(i, i - 1);
                                        }
                                    });
                                    dirty.set(true);
                                };
                                view! {
                                    <li class="level" data-testid=move || format!("level-{}", n())>
                                        <div class="level-head">
                                            <strong>{title}</strong>
                                            <div class="cluster">
                                                <Show when=move || { pos() > 0 }>
                                                    <button type="button" class="btn btn-sm btn-ghost" on:click=up aria-label=move || i18n.t("settings.level_up").replace("{n}", &n())>
                                                        "↑"
                                                    </button>
                                                </Show>
                                                <button type="button" class="btn btn-sm btn-ghost" on:click=remove aria-label=move || i18n.t("settings.level_remove").replace("{n}", &n())>
                                                    {move || i18n.t("settings.remove")}
                                                </button>
                                            </div>
                                        </div>
                                        <div class="level-pickers">
                                            <fieldset class="field">
                                                <legend>{move || i18n.t("settings.roles")}</legend>
                                                <div class="check-list">
                                                    {roles
                                                        .get_value()
                                                        .into_iter()
                                                        .map(|r| view! { <IdCheck label=r.name.clone() id=r.id set=l.roles/> })
                                                        .collect_view()}
                                                </div>
                                            </fieldset>
                                            <fieldset class="field">
                                                <legend>{move || i18n.t("settings.staff_users")}</legend>
                                                <div class="check-list">
                                                    {staff
                                                        .get_value()
                                                        .into_iter()
                                                        .map(|s| {
                                                            let label = format!("{} {} ({})", s.first_name, s.last_name, s.email);
                                                            view! { <IdCheck label id=s.id set=l.users/> }
                                                        })
                                                        .collect_view()}
                                                </div>
                                            </fieldset>
                                        </div>
                                        <Show when=move || l.roles.with(BTreeSet::is_empty) && l.users.with(BTreeSet::is_empty)>
                                            <p class="hint">{move || i18n.t("settings.level_empty")}</p>
                                        </Show>
                                    </li>
                                }
                            }
                        />
                    </ol>
                    <Show when=move || levels.with(Vec::is_empty)>
                        <p class="muted">{move || i18n.t("settings.no_levels")}</p>
                    </Show>
                    <span class="field-error" role="alert">{move || levels_code().map(|c| i18n.t(&c))}</span>
                    <div>
                        <button type="button" class="btn btn-sm" on:click=add_level>{move || i18n.t("settings.add_level")}</button>
                    </div>
                </fieldset>
            </Show>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" class:is-loading=move || save.pending().get() disabled=move || save.pending().get()>
                    {move || i18n.t("common.save")}
                </button>
                <Show when=move || saved() && !dirty.get()>
                    <span class="text-success" role="status">{move || i18n.t("settings.saved")}</span>
                </Show>
            </div>
        </form>
    }
}

/// A checkbox that adds or removes an id from a set.
#[component]
fn IdCheck(label: String, id: i64, set: RwSignal<BTreeSet<i64>>) -> impl IntoView {
    view! {
        <label class="checkbox">
            <input
                type="checkbox"
                prop:checked=move || set.with(|s| s.contains(&id))
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    set.update(|s| {
                        if on {
                            s.insert(id);
                        } else {
                            s.remove(&id);
                        }
                    });
                }
            />
            <span>{label}</span>
        </label>
    }
}
