//! Settings › Security: session limits, the lockout, verified sign-up, the unfamiliar sign-in
//! alert, and the blacklist (add, remove, import from CSV, export).
use crate::api::settings::{
    AddBlacklist, ImportBlacklist, RemoveBlacklist, SaveSecuritySettings, list_blacklist,
    security_settings,
};
use crate::domain::security::{BlockKind, SecuritySettings};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::form::{
    CheckField, FormError, SelectField, Submit, TextField, first_error, last_error, loading, tlabel,
};
use crate::ui::resource::resource;
use crate::ui::table::EmptyRow;
use leptos::prelude::*;

#[component]
pub fn SecuritySection() -> impl IntoView {
    let i18n = use_i18n();
    let settings = resource(|| (), |_| security_settings());
    view! {
        <Transition fallback=loading>
            {move || settings.get().map(|r| match r {
                Ok(s) => view! { <LimitsForm settings=s/> }.into_any(),
                Err(e) => view! { <div class="form-error" role="alert">{move || i18n.t(e.key())}</div> }.into_any(),
            })}
        </Transition>
        <Blacklist/>
    }
}

#[component]
fn LimitsForm(settings: SecuritySettings) -> impl IntoView {
    let i18n = use_i18n();
    let num = |v: u32| RwSignal::new(v.to_string());
    let staff_idle = num(settings.staff_idle_minutes);
    let staff_abs = num(settings.staff_absolute_hours);
    let client_idle = num(settings.client_idle_hours);
    let client_abs = num(settings.client_absolute_days);
    let failures = num(settings.lockout_failures);
    let minutes = num(settings.lockout_minutes);
    let verify = RwSignal::new(settings.verify_email);
    let alert = RwSignal::new(settings.alert_new_sign_in);
    let save = ServerAction::<SaveSecuritySettings>::new();
    let local_error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let server_error = last_error(save.value());
    let error = Signal::derive(move || local_error.get().or_else(|| server_error.get()));
    let saved =
        move || local_error.with(Option::is_none) && matches!(save.value().get(), Some(Ok(())));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let fields = [
            ("staff_idle_minutes", staff_idle),
            ("staff_absolute_hours", staff_abs),
            ("client_idle_hours", client_idle),
            ("client_absolute_days", client_abs),
            ("lockout_failures", failures),
            ("lockout_minutes", minutes),
        ];
        let mut values = [0u32; 6];
        for (i, (name, sig)) in fields.iter().enumerate() {
            match sig.get_untracked().trim().parse::<u32>() {
                Ok(v) => values[i] = v,
                Err(_) => {
                    local_error.set(Some(AppError::field(name, "err.setting_range")));
                    return;
                }
            }
        }
        local_error.set(None);
        save.dispatch(SaveSecuritySettings {
            s: SecuritySettings {
                staff_idle_minutes: values[0],
                staff_absolute_hours: values[1],
                client_idle_hours: values[2],
                client_absolute_days: values[3],
                lockout_failures: values[4],
                lockout_minutes: values[5],
                verify_email: verify.get_untracked(),
                alert_new_sign_in: alert.get_untracked(),
            },
        });
    };
    let field = move |label: &'static str,
                      id: &'static str,
                      name: &'static str,
                      value: RwSignal<String>| {
        view! { <TextField label=tlabel(label) id value field=name kind="number" inputmode="numeric" error/> }
    };
    view! {
        <div class="card">
            <h2 class="card-title">{move || i18n.t("settings.security_title")}</h2>
            <form id="security-settings-form" class="form" on:submit=submit novalidate>
                <FormError error/>
                <p class="hint">{move || i18n.t("settings.security_hint")}</p>
                <div class="form-row">
                    {field("settings.staff_idle_minutes", "sec-staff-idle", "staff_idle_minutes", staff_idle)}
                    {field("settings.staff_absolute_hours", "sec-staff-abs", "staff_absolute_hours", staff_abs)}
                </div>
                <div class="form-row">
                    {field("settings.client_idle_hours", "sec-client-idle", "client_idle_hours", client_idle)}
                    {field("settings.client_absolute_days", "sec-client-abs", "client_absolute_days", client_abs)}
                </div>
                <div class="form-row">
                    {field("settings.lockout_failures", "sec-failures", "lockout_failures", failures)}
                    {field("settings.lockout_minutes", "sec-lock-minutes", "lockout_minutes", minutes)}
                </div>
                <CheckField label=tlabel("settings.verify_email") checked=verify/>
                <CheckField label=tlabel("settings.alert_new_sign_in") checked=alert/>
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("common.save")) pending=save.pending()/>
                    <Show when=saved>
                        <span class="text-success" role="status">{move || i18n.t("settings.saved")}</span>
                    </Show>
                </div>
            </form>
        </div>
    }
}

#[component]
fn Blacklist() -> impl IntoView {
    let i18n = use_i18n();
    let add = ServerAction::<AddBlacklist>::new();
    let remove = ServerAction::<RemoveBlacklist>::new();
    let import = ServerAction::<ImportBlacklist>::new();
    let entries = resource(
        move || {
            (
                add.version().get(),
                remove.version().get(),
                import.version().get(),
            )
        },
        |_| list_blacklist(),
    );
    let error = first_error([
        last_error(add.value()),
        last_error(remove.value()),
        last_error(import.value()),
    ]);
    let kind = RwSignal::new("email".to_string());
    let value = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let csv = RwSignal::new(String::new());
    Effect::new(move |_| {
        if matches!(add.value().get(), Some(Ok(_))) {
            value.set(String::new());
            note.set(String::new());
        }
    });
    let kinds = Signal::derive(move || {
        BlockKind::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str().to_string(),
                    i18n.t(&format!("settings.block_{}", k.as_str()))
                        .to_string(),
                )
            })
            .collect::<Vec<_>>()
    });
    view! {
        <div class="card stack" data-testid="blacklist">
            <h2 class="card-title">{move || i18n.t("settings.blacklist")}</h2>
            <p class="hint">{move || i18n.t("settings.blacklist_hint")}</p>
            <FormError error/>
            <form class="form-row" on:submit=move |ev| {
                ev.prevent_default();
                add.dispatch(AddBlacklist { kind: kind.get_untracked(), value: value.get_untracked(), note: note.get_untracked() });
            }>
                <SelectField label=tlabel("settings.block_kind") id="f-block-kind" field="kind" value=kind options=kinds error/>
                <TextField label=tlabel("settings.block_value") id="f-block-value" field="value" value=value error required=true/>
                <TextField label=tlabel("settings.block_note") id="f-block-note" field="note" value=note error/>
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("settings.block_add")) pending=add.pending()/>
                </div>
            </form>
            <div class="table-wrap">
                <table class="table" data-testid="blacklist-table">
                    <thead>
                        <tr>
                            <th>{move || i18n.t("settings.block_kind")}</th>
                            <th>{move || i18n.t("settings.block_value")}</th>
                            <th>{move || i18n.t("settings.block_note")}</th>
                            <th><span class="sr-only">{move || i18n.t("common.actions")}</span></th>
                        </tr>
                    </thead>
                    <Transition fallback=|| view! { <tbody><tr><td colspan="4"><div class="spinner"></div></td></tr></tbody> }>
                        {move || entries.get().map(|r| {
                            let list = r.unwrap_or_default();
                            view! {
                                <tbody>
                                    {list.is_empty().then(|| view! { <EmptyRow cols=4/> })}
                                    {list.into_iter().map(|b| {
                                        let id = b.id;
                                        let k = format!("settings.block_{}", b.kind);
                                        view! {
                                            <tr>
                                                <td>{move || i18n.t(&k)}</td>
                                                <td class="mono">{b.value.clone()}</td>
                                                <td class="muted">{b.note.clone()}</td>
                                                <td><button type="button" class="btn btn-sm btn-ghost" on:click=move |_| { remove.dispatch(RemoveBlacklist { id }); }>{move || i18n.t("common.delete")}</button></td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            }
                        })}
                    </Transition>
                </table>
            </div>
            <form class="form" on:submit=move |ev| {
                ev.prevent_default();
                import.dispatch(ImportBlacklist { csv: csv.get_untracked() });
            }>
                <TextField label=tlabel("settings.block_import") id="f-block-csv" field="csv" value=csv error multiline=true
                    hint=tlabel("settings.block_import_hint") placeholder=tlabel("settings.block_import_example")/>
                {move || import.value().get().and_then(|r| r.ok()).map(|r| view! {
                    <div class="alert alert-success" role="status" data-testid="import-result">
                        {i18n.t("settings.block_imported")
                            .replace("{added}", &r.added.to_string())
                            .replace("{existing}", &r.existing.to_string())
                            .replace("{refused}", &r.refused.len().to_string())}
                        {(!r.refused.is_empty()).then(|| view! {
                            <ul class="list-plain small">
                                {r.refused.into_iter().map(|(line, code)| view! {
                                    <li>{i18n.t("settings.block_line").replace("{line}", &line.to_string())} " " {i18n.t(&code)}</li>
                                }).collect_view()}
                            </ul>
                        })}
                    </div>
                })}
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("settings.block_import_submit")) pending=import.pending()/>
                </div>
            </form>
        </div>
    }
}
