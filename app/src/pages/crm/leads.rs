//! Leads: prospects before they register, by status, with their owner and notes. A lead whose
//! email registers is converted by the system and links to the client.
use crate::api::crm::{SaveLead, list_leads};
use crate::api::identity::staff::staff_choices;
use crate::domain::crm::LeadStatus;
use crate::domain::permission::Permission;
use crate::i18n::use_i18n;
use crate::model::{LeadForm, LeadRow};
use crate::pages::PageHeader;
use crate::ui::form::{FormError, SelectField, Submit, TextField, last_error, tlabel};
use crate::ui::layout::MeCtx;
use crate::ui::resource::resource;
use crate::ui::table::{ListBody, ListState, SortHeader, Toolbar};
use leptos::prelude::*;

#[component]
pub fn LeadsPage() -> impl IntoView {
    let i18n = use_i18n();
    let MeCtx(me) = expect_context();
    let manage = move || {
        me.get()
            .and_then(|r| r.ok().flatten())
            .is_some_and(|m| m.can(Permission::ClientsManage))
    };
    let state = ListState::new("id", true);
    let version = RwSignal::new(0u32);
    let leads = resource(move || (state.get(), version.get()), |(q, _)| list_leads(q));
    let editing: RwSignal<Option<LeadRow>> = RwSignal::new(None);
    let creating = RwSignal::new(false);
    let done = Callback::new(move |_| {
        editing.set(None);
        creating.set(false);
        version.update(|v| *v += 1);
    });
    let mut filters = vec![("", "common.all")];
    filters.extend(LeadStatus::ALL.iter().map(|s| (s.as_str(), status_key(*s))));
    view! {
        <PageHeader title="nav.leads" subtitle="crm.leads_sub">
            <Show when=manage>
                <button type="button" class="btn btn-primary" data-testid="new-lead" on:click=move |_| { editing.set(None); creating.set(true); }>
                    {move || i18n.t("crm.new_lead")}
                </button>
            </Show>
        </PageHeader>
        <div class="stack">
            {move || {
                let current = editing.get();
                (creating.get() || current.is_some()).then(|| view! {
                    <LeadEditor lead=current on_done=done on_cancel=Callback::new(move |_| { editing.set(None); creating.set(false); })/>
                })
            }}
            <div class="card">
                <Toolbar state filters/>
                <div class="table-wrap">
                    <table class="table" data-testid="leads">
                        <thead>
                            <tr>
                                <SortHeader state col="name" label="common.name"/>
                                <th>{move || i18n.t("crm.contact")}</th>
                                <SortHeader state col="source" label="crm.source"/>
                                <SortHeader state col="status" label="common.status"/>
                                <th>{move || i18n.t("crm.owner")}</th>
                                <th>{move || i18n.t("common.actions")}</th>
                            </tr>
                        </thead>
                        <ListBody state data=leads cols=6 row=move |l: LeadRow| {
                            let status = status_key(l.status);
                            let converted = l.status == LeadStatus::Converted;
                            let row = l.clone();
                            view! {
                                <tr data-testid=format!("lead-{}", l.email)>
                                    <td>
                                        {match l.client_id {
                                            Some(c) => view! { <a href=format!("/admin/clients/{c}")>{l.name.clone()}</a> }.into_any(),
                                            None => l.name.clone().into_any(),
                                        }}
                                    </td>
                                    <td><span class="cell-main">{l.email.clone()}</span><span class="cell-sub">{l.phone.clone()}</span></td>
                                    <td>{l.source.clone()}</td>
                                    <td><span class="badge" class:badge-success=converted data-testid="lead-status">{move || i18n.t(status)}</span></td>
                                    <td>{if l.owner.is_empty() { i18n.t("crm.unowned").to_string() } else { l.owner.clone() }}</td>
                                    <td>
                                        {(!converted).then(|| view! {
                                            <Show when=manage>
                                                <button type="button" class="btn btn-sm" on:click={
                                                    let row = row.clone();
                                                    move |_| { creating.set(false); editing.set(Some(row.clone())); }
                                                }>{move || i18n.t("common.edit")}</button>
                                            </Show>
                                        })}
                                    </td>
                                </tr>
                            }
                        }/>
                    </table>
                </div>
            </div>
        </div>
    }
}

fn status_key(s: LeadStatus) -> &'static str {
    match s {
        LeadStatus::New => "crm.lead_new",
        LeadStatus::Contacted => "crm.lead_contacted",
        LeadStatus::Qualified => "crm.lead_qualified",
        LeadStatus::Converted => "crm.lead_converted",
        LeadStatus::Lost => "crm.lead_lost",
    }
}

#[component]
fn LeadEditor(
    lead: Option<LeadRow>,
    on_done: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveLead>::new();
    let error = last_error(save.value());
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            on_done.run(());
        }
    });
    let l = lead.clone();
    let text = |f: fn(&LeadRow) -> String| RwSignal::new(l.as_ref().map(f).unwrap_or_default());
    let name = text(|l| l.name.clone());
    let email = text(|l| l.email.clone());
    let phone = text(|l| l.phone.clone());
    let country = text(|l| l.country.clone());
    let source = text(|l| l.source.clone());
    let notes = text(|l| l.notes.clone());
    let status = RwSignal::new(
        l.as_ref()
            .map(|l| l.status.as_str())
            .unwrap_or("new")
            .to_string(),
    );
    let owner = RwSignal::new(l.as_ref().and_then(|l| l.owner_id).unwrap_or(0).to_string());
    let id = l.as_ref().map(|l| l.id).unwrap_or(0);
    let people = resource(|| (), |_| staff_choices());
    let statuses = Signal::derive(move || {
        LeadStatus::ALL
            .iter()
            .filter(|s| **s != LeadStatus::Converted)
            .map(|s| (s.as_str().to_string(), i18n.t(status_key(*s)).to_string()))
            .collect::<Vec<_>>()
    });
    let owners = Signal::derive(move || {
        let mut o = vec![("0".to_string(), i18n.t("crm.unowned").to_string())];
        o.extend(
            people
                .get()
                .and_then(|r| r.ok())
                .unwrap_or_default()
                .into_iter()
                .map(|p| (p.id.to_string(), p.name)),
        );
        o
    });
    view! {
        <div class="card">
            <h2 class="card-title">{move || if id == 0 { i18n.t("crm.new_lead") } else { i18n.t("crm.edit_lead") }}</h2>
            <form class="form" data-testid="lead-form" on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(SaveLead { form: LeadForm {
                    id,
                    name: name.get_untracked(),
                    email: email.get_untracked(),
                    phone: phone.get_untracked(),
                    country: country.get_untracked(),
                    source: source.get_untracked(),
                    status: status.get_untracked(),
                    owner_id: owner.get_untracked().parse().unwrap_or(0),
                    notes: notes.get_untracked(),
                } });
            }>
                <FormError error/>
                <div class="form-row">
                    <TextField label=tlabel("common.name") id="f-lead-name" field="name" value=name error required=true/>
                    <TextField label=tlabel("crm.source") id="f-lead-source" field="source" value=source error hint=tlabel("crm.source_hint")/>
                </div>
                <div class="form-row-3">
                    <TextField label=tlabel("auth.email") id="f-lead-email" field="email" value=email error kind="email"/>
                    <TextField label=tlabel("auth.phone") id="f-lead-phone" field="phone" value=phone error kind="tel"/>
                    <TextField label=tlabel("auth.country") id="f-lead-country" field="country" value=country error/>
                </div>
                <div class="form-row">
                    <SelectField label=tlabel("common.status") id="f-lead-status" field="status" value=status options=statuses error/>
                    <Transition fallback=|| ()>
                        {move || people.get().map(|_| view! {
                            <SelectField label=tlabel("crm.owner") id="f-lead-owner" field="owner_id" value=owner options=owners error/>
                        })}
                    </Transition>
                </div>
                <TextField label=tlabel("crm.notes") id="f-lead-notes" field="notes" value=notes error multiline=true/>
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("common.save")) pending=save.pending()/>
                    <button type="button" class="btn btn-ghost" on:click=move |_| on_cancel.run(())>{move || i18n.t("common.cancel")}</button>
                </div>
            </form>
        </div>
    }
}
