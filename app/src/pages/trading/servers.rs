//! Trading servers: where challenge stages run. The built-in simulator and each external
//! platform's bridge, with what it offers and how it is doing (its last message and snapshot,
//! the commands waiting for it and how long the oldest has waited). Registering a bridge shows
//! its secret once.
use crate::api::trading::servers::{SaveServer, trading_servers};
use crate::i18n::use_i18n;
use crate::model::{ServerForm, ServerRow};
use crate::pages::PageHeader;
use crate::ui::datetime;
use crate::ui::form::{
    CheckField, FormError, SelectField, Submit, TextField, keyed_options, last_error, tlabel,
};
use crate::ui::resource::resource;
use crate::ui::settings::{Editing, SettingsList};
use crate::ui::table::{Col, RowsTable};
use leptos::prelude::*;

const ENVIRONMENTS: &[(&str, &str)] = &[("demo", "prop.env_demo"), ("live", "prop.env_live")];

#[component]
pub fn ServersPage() -> impl IntoView {
    let editing = Editing::<ServerForm>::new();
    let data = resource(move || editing.version.get(), |_| trading_servers());
    // The secret of the bridge registered last, shown until the page is left.
    let secret = RwSignal::new(None::<(String, String)>);
    let new_server = || ServerForm {
        environment: "demo".into(),
        currencies: "USD".into(),
        leverages: "30, 100".into(),
        enabled: true,
        silence_secs: "120".into(),
        stale_secs: "300".into(),
        command_ttl_secs: "3600".into(),
        ..Default::default()
    };
    view! {
        <PageHeader title="nav.servers" subtitle="servers.sub"/>
        <SecretShown secret/>
        <SettingsList
            title="servers.title"
            add="servers.add"
            editing
            data
            new_item=new_server
            list=move |list| view! { <ServersTable list editing/> }
            editor=move |form, _| view! { <ServerEditor form editing secret/> }
        />
    }
}

#[component]
fn SecretShown(secret: RwSignal<Option<(String, String)>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        secret.get().map(|(name, s)| {
            view! {
                <div class="alert" role="status" data-testid="server-secret">
                    <p>{i18n.t("servers.secret_once").replace("{name}", &name)}</p>
                    <code class="mono wrap">{s}</code>
                </div>
            }
        })
    }
}

fn form_of(s: &ServerRow) -> ServerForm {
    let join = |v: Vec<String>| v.join(", ");
    ServerForm {
        id: s.id,
        name: s.name.clone(),
        environment: s.environment.clone(),
        currencies: join(s.currencies.clone()),
        leverages: join(s.leverages.iter().map(u32::to_string).collect()),
        groups: join(s.groups.clone()),
        enabled: s.enabled,
        silence_secs: s.silence_secs.to_string(),
        stale_secs: s.stale_secs.to_string(),
        command_ttl_secs: s.command_ttl_secs.to_string(),
    }
}

#[component]
fn ServersTable(list: Vec<ServerRow>, editing: Editing<ServerForm>) -> impl IntoView {
    let i18n = use_i18n();
    let cols = vec![
        Col::text("common.name"),
        Col::text("servers.kind"),
        Col::text("servers.offers"),
        Col::num("servers.accounts"),
        Col::text("servers.last_message"),
        Col::text("servers.last_snapshot"),
        Col::num("servers.commands_waiting"),
        Col::text("common.status"),
        Col::actions(),
    ];
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| t.as_ref().map_or("—".into(), datetime);
    view! {
        <RowsTable cols rows=list testid="servers" row=move |s| {
            let form = form_of(&s);
            let is_sim = s.kind == "simulator";
            let any = i18n.t("servers.any");
            let currencies = if s.currencies.is_empty() { any.to_string() } else { s.currencies.join(", ") };
            let leverages = if s.leverages.is_empty() {
                any.to_string()
            } else {
                s.leverages.iter().map(|l| format!("1:{l}")).collect::<Vec<_>>().join(", ")
            };
            let h = s.health.clone();
            let lag = h.lag_secs.map(|l| format!(" ({l} s)")).unwrap_or_default();
            let (badge, status) = if !s.enabled {
                ("badge badge-muted", "servers.disabled")
            } else if h.silent {
                ("badge badge-danger", "servers.silent")
            } else {
                ("badge badge-success", "servers.ok")
            };
            view! {
                <tr data-testid=format!("server-{}", s.name)>
                    <td class="nowrap">
                        <strong>{s.name.clone()}</strong>
                        {(!s.bridge_name.is_empty()).then(|| view! {
                            <div class="muted small mono">{s.bridge_name.clone()}</div>
                        })}
                    </td>
                    <td class="nowrap">
                        {i18n.t(if is_sim { "servers.simulator" } else { "servers.bridge" })}
                        " · "
                        {i18n.t(if is_sim { "servers.any_environment" } else if s.environment == "live" { "prop.env_live" } else { "prop.env_demo" })}
                    </td>
                    <td class="small nowrap">
                        <div>{currencies}</div>
                        <div class="muted">{leverages}</div>
                        {(!s.groups.is_empty()).then(|| view! { <div class="muted mono">{s.groups.join(", ")}</div> })}
                    </td>
                    <td class="num">{h.accounts}</td>
                    <td class="small nowrap">{if is_sim { "—".to_string() } else { when(h.last_message) }}</td>
                    <td class="small nowrap">{if is_sim { "—".to_string() } else { when(h.last_snapshot) }}</td>
                    <td class="num">
                        <span data-testid="commands-waiting">{format!("{}{lag}", h.commands_waiting)}</span>
                        {(h.commands_failed > 0).then(|| view! {
                            <div class="text-danger small" data-testid="commands-failed">
                                {i18n.t("servers.failed_n").replace("{n}", &h.commands_failed.to_string())}
                            </div>
                        })}
                    </td>
                    <td><span class=badge>{i18n.t(status)}</span></td>
                    <td>
                        <button type="button" class="btn btn-sm" on:click=move |_| editing.edit(form.clone())>
                            {move || i18n.t("common.edit")}
                        </button>
                    </td>
                </tr>
            }
        }/>
    }
}

#[component]
fn ServerEditor(
    form: ServerForm,
    editing: Editing<ServerForm>,
    secret: RwSignal<Option<(String, String)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = form.id;
    let name = RwSignal::new(form.name);
    let environment = RwSignal::new(form.environment);
    let currencies = RwSignal::new(form.currencies);
    let leverages = RwSignal::new(form.leverages);
    let groups = RwSignal::new(form.groups);
    let enabled = RwSignal::new(form.enabled);
    let silence = RwSignal::new(form.silence_secs);
    let stale = RwSignal::new(form.stale_secs);
    let ttl = RwSignal::new(form.command_ttl_secs);
    let save = ServerAction::<SaveServer>::new();
    let error = last_error(save.value());
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            if let Some(s) = saved.secret {
                secret.set(Some((saved.bridge_name, s)));
            }
            editing.on_saved().run(());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveServer {
            form: ServerForm {
                id,
                name: name.get_untracked(),
                environment: environment.get_untracked(),
                currencies: currencies.get_untracked(),
                leverages: leverages.get_untracked(),
                groups: groups.get_untracked(),
                enabled: enabled.get_untracked(),
                silence_secs: silence.get_untracked(),
                stale_secs: stale.get_untracked(),
                command_ttl_secs: ttl.get_untracked(),
            },
        });
    };
    view! {
        <div class="card">
            <h2 class="card-title">{move || i18n.t(if id == 0 { "servers.add" } else { "servers.edit" })}</h2>
            {(id == 0).then(|| view! { <p class="muted">{move || i18n.t("servers.add_hint")}</p> })}
            <form id="server-form" class="form" on:submit=submit novalidate>
                <FormError error/>
                <div class="form-row">
                    <TextField label=tlabel("common.name") id="server-name" value=name field="name" error required=true autocomplete="off"/>
                    <SelectField label=tlabel("chal.environment") id="server-environment" field="environment" value=environment options=keyed_options(i18n, ENVIRONMENTS) error/>
                </div>
                <div class="form-row">
                    <TextField label=tlabel("servers.currencies") id="server-currencies" value=currencies field="currencies" error autocomplete="off" hint=tlabel("servers.currencies_hint")/>
                    <TextField label=tlabel("servers.leverages") id="server-leverages" value=leverages field="leverages" error autocomplete="off" hint=tlabel("servers.leverages_hint")/>
                </div>
                <TextField label=tlabel("servers.groups") id="server-groups" value=groups field="groups" error autocomplete="off" hint=tlabel("servers.groups_hint")/>
                <div class="form-row">
                    <TextField label=tlabel("servers.silence_secs") id="server-silence" value=silence field="silence_secs" error inputmode="numeric" autocomplete="off"/>
                    <TextField label=tlabel("servers.stale_secs") id="server-stale" value=stale field="stale_secs" error inputmode="numeric" autocomplete="off"/>
                    <TextField label=tlabel("servers.command_ttl_secs") id="server-ttl" value=ttl field="command_ttl_secs" error inputmode="numeric" autocomplete="off"/>
                </div>
                <CheckField label=tlabel("servers.enabled") checked=enabled/>
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("common.save")) pending=save.pending()/>
                    <button type="button" class="btn btn-ghost" on:click=move |_| editing.on_cancel().run(())>{move || i18n.t("common.cancel")}</button>
                </div>
            </form>
        </div>
    }
}
