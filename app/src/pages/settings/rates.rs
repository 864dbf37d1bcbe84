//! Exchange rates between wallet currencies, firm-wide or for one client group.
use super::with_groups;
use crate::api::settings::{DeleteRate, SaveRate, list_rates};
use crate::i18n::use_i18n;
use crate::model::{GroupDto, RateDto};
use crate::ui::form::currency_options;
use crate::ui::form::{FormError, SelectField, Submit, TextField, last_error, tlabel};
use crate::ui::resource::resource;
use crate::ui::settings::{Editing, SettingsList};
use crate::ui::table::{Col, RowsTable};
use leptos::prelude::*;

/// Rates are added and deleted, never edited: a changed rate is a new one, so the editor only
/// ever holds a new rate.
#[component]
pub fn RatesSection() -> impl IntoView {
    let editing = Editing::<()>::new();
    let data = resource(move || editing.version.get(), |_| with_groups(list_rates()));
    let delete = ServerAction::<DeleteRate>::new();
    let delete_error = last_error(delete.value());
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            editing.reload();
        }
    });
    view! {
        <SettingsList
            title="settings.tab_rates"
            add="settings.add_rate"
            editing
            data
            new_item=|| ()
            list=move |(list, groups)| view! { <FormError error=delete_error/><RatesTable list groups delete/> }
            editor=move |(), (_, groups)| view! { <RateForm groups on_done=editing.on_saved() on_cancel=editing.on_cancel()/> }
        />
    }
}

fn group_name(groups: &[GroupDto], id: i64) -> Option<String> {
    (id != 0).then(|| {
        groups
            .iter()
            .find(|g| g.id == id)
            .map(|g| g.name.clone())
            .unwrap_or_else(|| format!("#{id}"))
    })
}

#[component]
fn RatesTable(
    list: Vec<RateDto>,
    groups: Vec<GroupDto>,
    delete: ServerAction<DeleteRate>,
) -> impl IntoView {
    let i18n = use_i18n();
    let cols = vec![
        Col::text("settings.rate_from"),
        Col::text("settings.rate_to"),
        Col::num("settings.rate"),
        Col::text("settings.group"),
        Col::actions(),
    ];
    view! {
        <RowsTable
            cols
            rows=list
            row=move |r| {
                let id = r.id;
                let group = group_name(&groups, r.group_id);
                view! {
                    <tr data-testid=format!("rate-{}-{}-{}", r.from, r.to, r.group_id)>
                        <td>{r.from.clone()}</td>
                        <td>{r.to.clone()}</td>
                        <td class="num mono">{r.rate.clone()}</td>
                        <td>{move || group.clone().unwrap_or_else(|| i18n.t("settings.all_groups").to_string())}</td>
                        <td>
                            <button
                                type="button"
                                class="btn btn-sm btn-danger"
                                class:is-loading=move || delete.input().with(|i| i.as_ref().is_some_and(|d| d.id == id))
                                on:click=move |_| {
                                    delete.dispatch(DeleteRate { id });
                                }
                            >
                                {move || i18n.t("common.delete")}
                            </button>
                        </td>
                    </tr>
                }
            }
        />
    }
}

#[component]
fn RateForm(
    groups: Vec<GroupDto>,
    on_done: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveRate>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            on_done.run(());
        }
    });
    let from = RwSignal::new("USD".to_string());
    let to = RwSignal::new("EUR".to_string());
    let rate = RwSignal::new(String::new());
    let group = RwSignal::new("0".to_string());
    let error = last_error(save.value());
    let group_options = Signal::derive(move || {
        std::iter::once(("0".to_string(), i18n.t("settings.all_groups").to_string()))
            .chain(groups.iter().map(|g| (g.id.to_string(), g.name.clone())))
            .collect::<Vec<_>>()
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveRate {
            from: from.get_untracked(),
            to: to.get_untracked(),
            rate: rate.get_untracked().trim().to_string(),
            group_id: group.get_untracked().parse().unwrap_or(0),
        });
    };
    let hint = move || {
        i18n.t("settings.rate_hint")
            .replace("{from}", &from.get())
            .replace("{to}", &to.get())
            .replace(
                "{rate}",
                &rate.with(|r| {
                    if r.trim().is_empty() {
                        "…".to_string()
                    } else {
                        r.trim().to_string()
                    }
                }),
            )
    };
    view! {
        <div class="card">
            <h2 class="card-title">{move || i18n.t("settings.add_rate")}</h2>
            <form id="rate-form" class="form" on:submit=submit novalidate>
                <FormError error/>
                <div class="form-row">
                    <SelectField label=tlabel("settings.rate_from") id="rate-from" value=from options=currency_options() field="from" error/>
                    <SelectField label=tlabel("settings.rate_to") id="rate-to" value=to options=currency_options() field="to" error/>
                </div>
                <div class="form-row">
                    <TextField label=tlabel("settings.rate") id="rate-rate" value=rate field="rate" error inputmode="decimal" required=true autocomplete="off"/>
                    <SelectField label=tlabel("settings.group") id="rate-group" value=group options=group_options field="group_id" error/>
                </div>
                <p class="muted small">{hint}</p>
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("settings.save_rate")) pending=save.pending()/>
                    <button type="button" class="btn btn-ghost" on:click=move |_| on_cancel.run(())>{move || i18n.t("common.cancel")}</button>
                </div>
            </form>
        </div>
    }
}
