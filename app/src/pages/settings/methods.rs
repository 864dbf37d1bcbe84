//! Deposit and withdrawal methods: limits, fees, the groups that see them, instructions.
use super::with_groups;
use crate::api::settings::{list_methods, save_method};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::model::{GroupDto, MethodDto};
use crate::ui::form::{CheckField, FormError, SelectField, TextField, last_error, tlabel};
use crate::ui::form::{currency_options, keyed_options};
use crate::ui::resource::resource;
use crate::ui::settings::{Editing, SettingsList};
use crate::ui::table::{Col, RowsTable};
use leptos::prelude::*;
use std::collections::BTreeSet;

const DIRECTIONS: &[(&str, &str)] = &[
    ("deposit", "settings.direction_deposit"),
    ("withdrawal", "settings.direction_withdrawal"),
];
const DEPOSIT_KINDS: &[(&str, &str)] = &[
    ("bank_transfer", "settings.kind_bank_transfer"),
    ("test_psp", "settings.kind_test_psp"),
];
const WITHDRAWAL_KINDS: &[(&str, &str)] = &[
    ("bank_card", "settings.kind_bank_card"),
    ("crypto", "settings.kind_crypto"),
];

fn kinds_of(direction: &str) -> &'static [(&'static str, &'static str)] {
    if direction == "withdrawal" {
        WITHDRAWAL_KINDS
    } else {
        DEPOSIT_KINDS
    }
}

/// "1.50% + 2.00, cap 10.00" for a method's fee.
pub fn fee_text(m: &MethodDto, i18n: crate::i18n::I18n) -> String {
    let mut parts = Vec::new();
    if m.fee_bps != 0 {
        parts.push(format!(
            "{}.{:02}%",
            m.fee_bps / 100,
            (m.fee_bps % 100).abs()
        ));
    }
    let fixed = m.fee_fixed.trim();
    if !fixed.trim_matches(|c| c == '0' || c == '.').is_empty() {
        parts.push(crate::ui::money(fixed, &m.currency));
    }
    if parts.is_empty() {
        return i18n.t("settings.no_fee").to_string();
    }
    let mut s = parts.join(" + ");
    if !m.fee_cap.trim().is_empty() {
        s.push_str(
            &i18n
                .t("settings.fee_cap_of")
                .replace("{cap}", &crate::ui::money(m.fee_cap.trim(), &m.currency)),
        );
    }
    s
}

#[component]
pub fn MethodsSection() -> impl IntoView {
    let editing = Editing::<MethodDto>::new();
    let data = resource(
        move || editing.version.get(),
        |_| with_groups(list_methods()),
    );
    let new_item = || MethodDto {
        direction: "deposit".into(),
        kind: "bank_transfer".into(),
        currency: "USD".into(),
        fee_fixed: String::new(),
        enabled: true,
        ..Default::default()
    };
    view! {
        <SettingsList
            title="settings.tab_methods"
            add="settings.add_method"
            editing
            data
            new_item
            list=move |(list, groups)| view! { <MethodsTable list groups editing/> }
            editor=move |method, (_, groups)| {
                view! { <MethodEditor method groups on_done=editing.on_saved() on_cancel=editing.on_cancel()/> }
            }
        />
    }
}

#[component]
fn MethodsTable(
    list: Vec<MethodDto>,
    groups: Vec<GroupDto>,
    editing: Editing<MethodDto>,
) -> impl IntoView {
    let i18n = use_i18n();
    let cols = vec![
        Col::text("settings.direction"),
        Col::text("settings.method_kind"),
        Col::text("common.name"),
        Col::text("appr.currency"),
        Col::num("settings.min"),
        Col::num("settings.max"),
        Col::text("appr.fee"),
        Col::text("settings.groups"),
        Col::text("common.status"),
        Col::actions(),
    ];
    view! {
        <RowsTable
            cols
            rows=list
            row=move |m| {
                let direction = format!("settings.direction_{}", m.direction);
                let kind = format!("settings.kind_{}", m.kind);
                let fee_of = m.clone();
                let fee = move || fee_text(&fee_of, i18n);
                let group_names: Vec<String> = groups
                    .iter()
                    .filter(|g| m.group_ids.contains(&g.id))
                    .map(|g| g.name.clone())
                    .collect();
                let row = m.clone();
                let enabled = m.enabled;
                view! {
                    <tr data-testid=format!("method-{}", m.name)>
                        <td>{move || i18n.t(&direction)}</td>
                        <td>{move || i18n.t(&kind)}</td>
                        <td>{m.name.clone()}</td>
                        <td>{m.currency.clone()}</td>
                        <td class="num">{if m.min.is_empty() { "—".to_string() } else { m.min.clone() }}</td>
                        <td class="num">{if m.max.is_empty() { "—".to_string() } else { m.max.clone() }}</td>
                        <td class="nowrap">{fee}</td>
                        <td>
                            {move || {
                                if group_names.is_empty() {
                                    i18n.t("settings.all_groups").to_string()
                                } else {
                                    group_names.join(", ")
                                }
                            }}
                        </td>
                        <td>
                            <span class="badge" class:badge-success=enabled class:badge-muted=!enabled>
                                {move || if enabled { i18n.t("settings.enabled") } else { i18n.t("settings.disabled") }}
                            </span>
                        </td>
                        <td>
                            <button type="button" class="btn btn-sm" on:click=move |_| editing.edit(row.clone())>
                                {move || i18n.t("common.edit")}
                            </button>
                        </td>
                    </tr>
                }
            }
        />
    }
}

#[component]
fn MethodEditor(
    method: MethodDto,
    groups: Vec<GroupDto>,
    on_done: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = method.id;
    let direction = RwSignal::new(method.direction.clone());
    let kind = RwSignal::new(method.kind.clone());
    let name = RwSignal::new(method.name.clone());
    let currency = RwSignal::new(method.currency.clone());
    let min = RwSignal::new(method.min.clone());
    let max = RwSignal::new(method.max.clone());
    let fee_bps = RwSignal::new(method.fee_bps.to_string());
    let fee_fixed = RwSignal::new(method.fee_fixed.clone());
    let fee_cap = RwSignal::new(method.fee_cap.clone());
    let group_ids: RwSignal<BTreeSet<i64>> =
        RwSignal::new(method.group_ids.iter().copied().collect());
    let instructions = RwSignal::new(method.instructions.clone());
    let enabled = RwSignal::new(method.enabled);
    // A kind that does not fit the direction is replaced by the direction's first kind.
    Effect::new(move |_| {
        let d = direction.get();
        let kinds = kinds_of(&d);
        if !kinds.iter().any(|(v, _)| *v == kind.get_untracked()) {
            kind.set(kinds[0].0.to_string());
        }
    });
    let kind_options = Signal::derive(move || {
        kinds_of(&direction.get())
            .iter()
            .map(|(v, k)| (v.to_string(), i18n.t(k).to_string()))
            .collect::<Vec<_>>()
    });
    let save = Action::new(move |m: &MethodDto| {
        let m = m.clone();
        async move { save_method(m).await }
    });
    // Client-side check of the one number the form parses itself.
    let local_error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let server_error = last_error(save.value());
    let error = Signal::derive(move || local_error.get().or_else(|| server_error.get()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            on_done.run(());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let bps = fee_bps.get_untracked();
        let bps = bps.trim();
        let fee_bps = if bps.is_empty() {
            Ok(0)
        } else {
            bps.parse::<i64>()
        };
        let Ok(fee_bps) = fee_bps else {
            local_error.set(Some(AppError::field("fee_bps", "settings.fee_bps_invalid")));
            return;
        };
        local_error.set(None);
        save.dispatch(MethodDto {
            id,
            direction: direction.get_untracked(),
            kind: kind.get_untracked(),
            name: name.get_untracked().trim().to_string(),
            currency: currency.get_untracked(),
            min: min.get_untracked().trim().to_string(),
            max: max.get_untracked().trim().to_string(),
            fee_bps,
            fee_fixed: fee_fixed.get_untracked().trim().to_string(),
            fee_cap: fee_cap.get_untracked().trim().to_string(),
            group_ids: group_ids.get_untracked().into_iter().collect(),
            instructions: instructions.get_untracked(),
            enabled: enabled.get_untracked(),
        });
    };
    let groups_code = move || {
        error
            .get()
            .and_then(|e| e.field_code("group_ids").map(str::to_string))
    };
    view! {
        <div class="card">
            <h2 class="card-title">{move || if id == 0 { i18n.t("settings.add_method") } else { i18n.t("settings.edit_method") }}</h2>
            <form id="method-form" class="form" on:submit=submit novalidate>
                <FormError error/>
                <div class="form-row">
                    <SelectField label=tlabel("settings.direction") id="method-direction" value=direction options=keyed_options(i18n, DIRECTIONS) field="direction" error/>
                    <SelectField label=tlabel("settings.method_kind") id="method-kind" value=kind options=kind_options field="kind" error/>
                </div>
                <div class="form-row">
                    <TextField label=tlabel("settings.method_name") id="method-name" value=name field="name" error required=true autocomplete="off"/>
                    <SelectField label=tlabel("appr.currency") id="method-currency" value=currency options=currency_options() field="currency" error/>
                </div>
                <div class="form-row">
                    <TextField label=tlabel("settings.min_amount") id="method-min" value=min field="min" error inputmode="decimal" hint=tlabel("settings.empty_no_limit") autocomplete="off"/>
                    <TextField label=tlabel("settings.max_amount") id="method-max" value=max field="max" error inputmode="decimal" hint=tlabel("settings.empty_no_limit") autocomplete="off"/>
                </div>
                <div class="form-row form-row-3">
                    <TextField label=tlabel("settings.fee_bps") id="method-fee-bps" value=fee_bps field="fee_bps" error inputmode="numeric" hint=tlabel("settings.fee_bps_hint") autocomplete="off"/>
                    <TextField label=tlabel("settings.fee_fixed") id="method-fee-fixed" value=fee_fixed field="fee_fixed" error inputmode="decimal" autocomplete="off"/>
                    <TextField label=tlabel("settings.fee_cap") id="method-fee-cap" value=fee_cap field="fee_cap" error inputmode="decimal" hint=tlabel("settings.empty_no_cap") autocomplete="off"/>
                </div>
                <fieldset class="field" class:has-error=move || groups_code().is_some()>
                    <legend>{move || i18n.t("settings.groups")}</legend>
                    <p class="hint">{move || i18n.t("settings.groups_hint")}</p>
                    <div class="checkbox-grid">
                        {groups
                            .into_iter()
                            .map(|g| {
                                let gid = g.id;
                                view! {
                                    <label class="checkbox">
                                        <input
                                            type="checkbox"
                                            prop:checked=move || group_ids.with(|s| s.contains(&gid))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                group_ids.update(|s| {
                                                    if on {
                                                        s.insert(gid);
                                                    } else {
                                                        s.remove(&gid);
                                                    }
                                                });
                                            }
                                        />
                                        <span>{g.name}</span>
                                    </label>
                                }
                            })
                            .collect_view()}
                    </div>
                    <span class="field-error" role="alert">{move || groups_code().map(|c| i18n.t(&c))}</span>
                </fieldset>
                <TextField
                    label=tlabel("settings.instructions")
                    id="method-instructions"
                    value=instructions
                    field="instructions"
                    error
                    multiline=true
                    hint=tlabel("settings.instructions_hint")
                />
                <CheckField label=tlabel("settings.method_enabled") checked=enabled/>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" class:is-loading=move || save.pending().get() disabled=move || save.pending().get()>
                        {move || i18n.t("common.save")}
                    </button>
                    <button type="button" class="btn btn-ghost" on:click=move |_| on_cancel.run(())>{move || i18n.t("common.cancel")}</button>
                </div>
            </form>
        </div>
    }
}
