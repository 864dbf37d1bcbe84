//! The back office's client page: one place for everything about a client. The overview (details,
//! owner, group, tags, notes) belongs to the CRM; the other tabs read the areas that keep the
//! data (money, approvals, prop, the IB programme), each shown to staff who may see it.
use crate::api::crm::{
    AddClientNote, AssignOwner, DepositForClient, EditClient, MoveClientsGroup,
    ResetClientPassword, SuspendClient, TagClients, client_challenges, client_deposit_methods,
    client_groups, client_requests, get_client_record,
};
use crate::api::identity::staff::staff_choices;
use crate::api::money::wallets::transactions_report;
use crate::domain::permission::Permission;
use crate::i18n::use_i18n;
use crate::model::{ClientEdit, ClientRecord, ParticipantRow, RequestRow};
use crate::pages::PageHeader;
use crate::pages::money::transactions::TransactionsTable;
use crate::ui::form::{
    FormError, SelectField, Submit, TextField, first_error, last_error, loading, tlabel,
};
use crate::ui::in_browser::InBrowser;
use crate::ui::layout::MeCtx;
use crate::ui::resource::resource;
use crate::ui::route_id;
use crate::ui::table::{ListBody, ListState, SortHeader, Toolbar};
use crate::ui::tabs::TabBar;
use crate::ui::{date, datetime, new_idempotency_key};
use leptos::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Overview,
    Money,
    Requests,
    Challenges,
    Activity,
}

#[component]
pub fn ClientPage() -> impl IntoView {
    let i18n = use_i18n();
    let MeCtx(me) = expect_context();
    let can = move |p: Permission| {
        me.get()
            .and_then(|r| r.ok().flatten())
            .is_some_and(|m| m.can(p))
    };
    let id = route_id();
    let version = RwSignal::new(0u32);
    let record = resource(
        move || (id.get(), version.get()),
        |(id, _)| get_client_record(id),
    );
    let changed = Callback::new(move |_| version.update(|v| *v += 1));
    let tab = RwSignal::new(Tab::Overview);
    view! {
        <PageHeader title="crm.client_title" subtitle="crm.client_sub">
            <a class="btn btn-ghost" href="/admin/clients">{move || i18n.t("crm.back_to_clients")}</a>
        </PageHeader>
        <Transition fallback=loading>
            {move || record.get().map(|r| match r {
                Ok(c) => {
                    let manage = can(Permission::ClientsManage);
                    let mut tabs = vec![(Tab::Overview, "crm.tab_overview")];
                    if can(Permission::FundsView) {
                        tabs.push((Tab::Money, "crm.tab_money"));
                    }
                    if can(Permission::RequestsView) {
                        tabs.push((Tab::Requests, "crm.tab_requests"));
                    }
                    if can(Permission::ParticipantsView) {
                        tabs.push((Tab::Challenges, "crm.tab_challenges"));
                    }
                    tabs.push((Tab::Activity, "crm.tab_activity"));
                    let client = c.clone();
                    view! {
                        <div class="stack" data-testid="client-page">
                            <ClientHeader c=c.clone() manage on_change=changed/>
                            <TabBar tab tabs label="crm.client_title"/>
                            {move || match tab.get() {
                                Tab::Overview => view! { <Overview c=client.clone() manage on_change=changed/> }.into_any(),
                                Tab::Money => view! { <MoneyTab id=client.id manage/> }.into_any(),
                                Tab::Requests => view! { <RequestsTab id=client.id/> }.into_any(),
                                Tab::Challenges => view! { <ChallengesTab id=client.id/> }.into_any(),
                                Tab::Activity => view! { <ActivityTab c=client.clone()/> }.into_any(),
                            }}
                        </div>
                    }
                        .into_any()
                }
                Err(e) => view! { <div class="card"><FormError error=Signal::derive(move || Some(e.clone()))/></div> }.into_any(),
            })}
        </Transition>
    }
}

/// The client's name, status and badges, and the actions on the account (suspend or
/// reactivate, reset the password).
#[component]
fn ClientHeader(c: ClientRecord, manage: bool, on_change: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let suspend = ServerAction::<SuspendClient>::new();
    let reset = ServerAction::<ResetClientPassword>::new();
    let error = first_error([last_error(suspend.value()), last_error(reset.value())]);
    Effect::new(move |_| {
        if matches!(suspend.value().get(), Some(Ok(()))) {
            on_change.run(());
        }
    });
    let asking = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let id = c.id;
    let suspended = c.status == "disabled";
    let active = c.status == "active";
    let kind = format!("auth.kind_{}", c.kind.as_str());
    let status = format!("common.status_{}", c.status);
    let kyc = format!("kyc.status_{}", c.kyc_status);
    view! {
        <div class="card">
            <div class="card-header">
                <div>
                    <h2 class="card-title" data-testid="client-name">{format!("{} {}", c.first_name, c.last_name)}</h2>
                    <span class="muted">{c.email.clone()} " · #" {c.id}</span>
                </div>
                <div class="cluster">
                    <span class="badge">{move || i18n.t(&kind)}</span>
                    <span class="badge" class:badge-danger=suspended class:badge-success=active data-testid="client-status">{move || i18n.t(&status)}</span>
                    <span class="badge badge-muted">"KYC: " {move || i18n.t(&kyc)}</span>
                </div>
            </div>
            <FormError error/>
            <Show when=move || matches!(reset.value().get(), Some(Ok(())))>
                <div class="alert alert-success" role="status">{move || i18n.t("crm.reset_sent")}</div>
            </Show>
            {manage.then(|| view! {
                <div class="cluster">
                    {active.then(|| view! {
                        <button type="button" class="btn btn-sm btn-danger" data-testid="suspend" on:click=move |_| asking.set(true)>
                            {move || i18n.t("crm.suspend")}
                        </button>
                        <button type="button" class="btn btn-sm" data-testid="reset-password" disabled=move || reset.pending().get()
                            on:click=move |_| { reset.dispatch(ResetClientPassword { id }); }>
                            {move || i18n.t("crm.reset_password")}
                        </button>
                    })}
                    <a class="btn btn-sm btn-ghost" data-testid="add-task" href=format!("/admin/tasks?client={id}")>{move || i18n.t("crm.add_task")}</a>
                    {suspended.then(|| view! {
                        <button type="button" class="btn btn-sm btn-success" data-testid="reactivate" disabled=move || suspend.pending().get()
                            on:click=move |_| { suspend.dispatch(SuspendClient { id, suspended: false, reason: String::new() }); }>
                            {move || i18n.t("crm.reactivate")}
                        </button>
                    })}
                </div>
                <Show when=move || asking.get()>
                    <form class="form" on:submit=move |ev| {
                        ev.prevent_default();
                        suspend.dispatch(SuspendClient { id, suspended: true, reason: reason.get_untracked() });
                    }>
                        <TextField label=tlabel("crm.suspend_reason") id="f-suspend-reason" field="reason" value=reason error required=true
                            hint=tlabel("crm.suspend_hint")/>
                        <div class="form-actions">
                            <Submit label=Signal::derive(move || i18n.t("crm.suspend_confirm")) pending=suspend.pending()/>
                            <button type="button" class="btn btn-ghost" on:click=move |_| asking.set(false)>{move || i18n.t("common.cancel")}</button>
                        </div>
                    </form>
                </Show>
            })}
        </div>
    }
}

#[component]
fn Overview(c: ClientRecord, manage: bool, on_change: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let editing = RwSignal::new(false);
    let details = c.clone();
    view! {
        <div class="grid-2">
            <div class="card stack">
                <div class="card-header">
                    <h2 class="card-title">{move || i18n.t("crm.details")}</h2>
                    {(manage && !c.masked).then(|| view! {
                        <button type="button" class="btn btn-sm" data-testid="edit-client" on:click=move |_| editing.update(|e| *e = !*e)>
                            {move || i18n.t("common.edit")}
                        </button>
                    })}
                </div>
                {move || if editing.get() {
                    let done = Callback::new(move |_| {
                        editing.set(false);
                        on_change.run(());
                    });
                    view! { <EditForm c=details.clone() on_done=done/> }.into_any()
                } else {
                    view! { <Details c=details.clone()/> }.into_any()
                }}
            </div>
            <div class="stack">
                <OwnerCard c=c.clone() manage on_change/>
                <TagsCard c=c.clone() manage on_change/>
            </div>
        </div>
        <NotesCard c manage on_change/>
    }
}

#[component]
fn Details(c: ClientRecord) -> impl IntoView {
    let i18n = use_i18n();
    let dash = |s: &str| {
        if s.is_empty() {
            "—".to_string()
        } else {
            s.to_string()
        }
    };
    view! {
        <dl class="kv-grid" data-testid="client-details">
            <div><dt>{move || i18n.t("auth.email")}</dt><dd>{c.email.clone()}</dd></div>
            <div><dt>{move || i18n.t("auth.phone")}</dt><dd>{dash(&c.phone)}</dd></div>
            <div><dt>{move || i18n.t("auth.country")}</dt><dd>{dash(&c.country)}</dd></div>
            <div><dt>{move || i18n.t("crm.language")}</dt><dd>{c.locale.clone()}</dd></div>
            <div><dt>{move || i18n.t("appr.group")}</dt><dd>{dash(&c.group)}</dd></div>
            <div><dt>{move || i18n.t("dash.referral_code")}</dt><dd class="mono">{dash(&c.referral_code)}</dd></div>
            <div>
                <dt>{move || i18n.t("admin.referred_by")}</dt>
                <dd>{match c.referrer_id {
                    Some(r) => view! { <a href=format!("/admin/clients/{r}")>{c.referrer.clone()}</a> }.into_any(),
                    None => "—".into_any(),
                }}</dd>
            </div>
            <div><dt>{move || i18n.t("common.joined")}</dt><dd>{date(&c.created_at)}</dd></div>
            <div><dt>{move || i18n.t("admin.last_login")}</dt><dd>{c.last_login_at.as_ref().map(datetime).unwrap_or_else(|| "—".into())}</dd></div>
        </dl>
        {(c.kind == crate::domain::access::UserKind::Ib).then(|| view! {
            <a class="btn btn-sm btn-ghost" href=format!("/admin/ib/clients/{}", c.id)>{move || i18n.t("crm.ib_programme")}</a>
        })}
    }
}

#[component]
fn EditForm(c: ClientRecord, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<EditClient>::new();
    let error = last_error(save.value());
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(()))) {
            on_done.run(());
        }
    });
    let first = RwSignal::new(c.first_name.clone());
    let last = RwSignal::new(c.last_name.clone());
    let email = RwSignal::new(c.email.clone());
    let country = RwSignal::new(c.country.clone());
    let phone = RwSignal::new(c.phone.clone());
    let locale = RwSignal::new(c.locale.clone());
    let locales = Signal::derive(|| {
        crate::i18n::Locale::ALL
            .iter()
            .map(|l| (l.code().to_string(), l.native_name().to_string()))
            .collect::<Vec<_>>()
    });
    let id = c.id;
    view! {
        <form class="form" data-testid="client-edit" on:submit=move |ev| {
            ev.prevent_default();
            save.dispatch(EditClient {
                id,
                edit: ClientEdit {
                    first_name: first.get_untracked(),
                    last_name: last.get_untracked(),
                    email: email.get_untracked(),
                    country: country.get_untracked(),
                    phone: phone.get_untracked(),
                    locale: locale.get_untracked(),
                },
            });
        }>
            <FormError error/>
            <div class="form-row">
                <TextField label=tlabel("auth.first_name") id="f-client-first" field="first_name" value=first error required=true/>
                <TextField label=tlabel("auth.last_name") id="f-client-last" field="last_name" value=last error required=true/>
            </div>
            <TextField label=tlabel("auth.email") id="f-client-email" field="email" value=email error kind="email" required=true/>
            <div class="form-row">
                <TextField label=tlabel("auth.country") id="f-client-country" field="country" value=country error/>
                <TextField label=tlabel("auth.phone") id="f-client-phone" field="phone" value=phone error kind="tel"/>
            </div>
            <SelectField label=tlabel("crm.language") id="f-client-locale" field="locale" value=locale options=locales error/>
            <div class="form-actions">
                <Submit label=Signal::derive(move || i18n.t("common.save")) pending=save.pending()/>
            </div>
        </form>
    }
}

/// The client's owner (account manager) and group, each changeable by staff who manage clients.
#[component]
fn OwnerCard(c: ClientRecord, manage: bool, on_change: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let assign = ServerAction::<AssignOwner>::new();
    let regroup = ServerAction::<MoveClientsGroup>::new();
    let error = first_error([last_error(assign.value()), last_error(regroup.value())]);
    Effect::new(move |_| {
        if matches!(assign.value().get(), Some(Ok(_)))
            || matches!(regroup.value().get(), Some(Ok(_)))
        {
            on_change.run(());
        }
    });
    let id = c.id;
    let owner = RwSignal::new(c.owner_id.unwrap_or(0).to_string());
    let group = RwSignal::new(c.group_id.unwrap_or(0).to_string());
    // Loaded in the browser (`InBrowser`): the card is drawn inside the page's transition.
    let people = LocalResource::new(staff_choices);
    let groups = LocalResource::new(move || async move {
        if manage {
            client_groups().await
        } else {
            Ok(Vec::new())
        }
    });
    let owner_options = Signal::derive(move || {
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
    let group_options = Signal::derive(move || {
        groups
            .get()
            .and_then(|r| r.ok())
            .unwrap_or_default()
            .into_iter()
            .map(|g| (g.id.to_string(), g.name))
            .collect::<Vec<_>>()
    });
    let owner_name = if c.owner.is_empty() {
        i18n.t("crm.unowned").to_string()
    } else {
        c.owner.clone()
    };
    view! {
        <div class="card stack">
            <h2 class="card-title">{move || i18n.t("crm.owner_and_group")}</h2>
            <FormError error/>
            {if manage {
                view! {
                    <InBrowser>
                    <form class="cluster" on:submit=move |ev| {
                        ev.prevent_default();
                        assign.dispatch(AssignOwner { ids: vec![id], owner_id: owner.get_untracked().parse().unwrap_or(0) });
                    }>
                        <Transition fallback=loading>
                            {move || people.get().map(|_| view! {
                                <SelectField label=tlabel("crm.owner") id="f-owner" field="owner_id" value=owner options=owner_options error/>
                            })}
                        </Transition>
                        <button type="submit" class="btn btn-sm" data-testid="assign-owner" disabled=move || assign.pending().get()>{move || i18n.t("crm.assign")}</button>
                    </form>
                    <form class="cluster" on:submit=move |ev| {
                        ev.prevent_default();
                        if let Ok(group_id) = group.get_untracked().parse() {
                            regroup.dispatch(MoveClientsGroup { ids: vec![id], group_id });
                        }
                    }>
                        <Transition fallback=loading>
                            {move || groups.get().map(|_| view! {
                                <SelectField label=tlabel("appr.group") id="f-client-group" field="group_id" value=group options=group_options error/>
                            })}
                        </Transition>
                        <button type="submit" class="btn btn-sm" disabled=move || regroup.pending().get()>{move || i18n.t("crm.move")}</button>
                    </form>
                    </InBrowser>
                }
                    .into_any()
            } else {
                view! {
                    <dl class="kv-list">
                        <div><dt>{move || i18n.t("crm.owner")}</dt><dd data-testid="client-owner">{owner_name}</dd></div>
                        <div><dt>{move || i18n.t("appr.group")}</dt><dd>{c.group.clone()}</dd></div>
                    </dl>
                }
                    .into_any()
            }}
        </div>
    }
}

#[component]
fn TagsCard(c: ClientRecord, manage: bool, on_change: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let tag = ServerAction::<TagClients>::new();
    let error = last_error(tag.value());
    let new_tag = RwSignal::new(String::new());
    Effect::new(move |_| {
        if matches!(tag.value().get(), Some(Ok(()))) {
            new_tag.set(String::new());
            on_change.run(());
        }
    });
    let id = c.id;
    view! {
        <div class="card stack">
            <h2 class="card-title">{move || i18n.t("crm.tags")}</h2>
            <div class="chips" data-testid="client-tags">
                {c.tags.into_iter().map(|t| {
                    let name = t.name.clone();
                    view! {
                        <span class="chip" class:badge-muted=t.system title=move || if t.system { i18n.t("crm.system_tag") } else { "" }>
                            {t.name.clone()}
                            {(manage && !t.system).then(|| view! {
                                <button type="button" class="icon-btn" aria-label=move || i18n.t("crm.remove_tag")
                                    on:click=move |_| { tag.dispatch(TagClients { ids: vec![id], tag: name.clone(), on: false }); }>"×"</button>
                            })}
                        </span>
                    }
                }).collect_view()}
            </div>
            {manage.then(|| view! {
                <form class="cluster" on:submit=move |ev| {
                    ev.prevent_default();
                    tag.dispatch(TagClients { ids: vec![id], tag: new_tag.get_untracked(), on: true });
                }>
                    <TextField label=tlabel("crm.new_tag") id="f-new-tag" field="tag" value=new_tag error/>
                    <button type="submit" class="btn btn-sm" disabled=move || tag.pending().get()>{move || i18n.t("crm.add_tag")}</button>
                </form>
            })}
        </div>
    }
}

#[component]
fn NotesCard(c: ClientRecord, manage: bool, on_change: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let add = ServerAction::<AddClientNote>::new();
    let error = last_error(add.value());
    let body = RwSignal::new(String::new());
    Effect::new(move |_| {
        if matches!(add.value().get(), Some(Ok(_))) {
            body.set(String::new());
            on_change.run(());
        }
    });
    let id = c.id;
    let empty = c.notes.is_empty();
    view! {
        <div class="card stack">
            <h2 class="card-title">{move || i18n.t("crm.notes")}</h2>
            {manage.then(|| view! {
                <form class="form" on:submit=move |ev| {
                    ev.prevent_default();
                    add.dispatch(AddClientNote { id, body: body.get_untracked() });
                }>
                    <TextField label=tlabel("crm.new_note") id="f-note" field="body" value=body error multiline=true/>
                    <div class="form-actions">
                        <Submit label=Signal::derive(move || i18n.t("crm.add_note")) pending=add.pending()/>
                    </div>
                </form>
            })}
            {empty.then(|| view! { <p class="muted">{move || i18n.t("crm.no_notes")}</p> })}
            <ul class="list-plain stack" data-testid="client-notes">
                {c.notes.into_iter().map(|n| view! {
                    <li>
                        <div class="muted small">{n.author.clone()} " · " {datetime(&n.created_at)}</div>
                        <div class="pre-wrap">{n.body.clone()}</div>
                    </li>
                }).collect_view()}
            </ul>
        </div>
    }
}

/// The client's wallet movements, and a deposit made on their behalf.
#[component]
fn MoneyTab(id: i64, manage: bool) -> impl IntoView {
    let i18n = use_i18n();
    let state = ListState::new("at", true);
    let version = RwSignal::new(0u32);
    let data = resource(
        move || {
            let mut q = state.get();
            q.q = id.to_string();
            (q, version.get())
        },
        |(q, _)| transactions_report(q),
    );
    view! {
        <div class="card stack">
            <div class="card-header">
                <h2 class="card-title">{move || i18n.t("nav.transactions")}</h2>
                <a class="btn btn-sm" href=format!("/admin/wallets/{id}")>{move || i18n.t("crm.open_wallets")}</a>
            </div>
            <TransactionsTable state data/>
        </div>
        {manage.then(|| view! { <DepositForm id on_done=Callback::new(move |_| version.update(|v| *v += 1))/> })}
    }
}

#[component]
fn DepositForm(id: i64, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let deposit = ServerAction::<DepositForClient>::new();
    let error = last_error(deposit.value());
    let key = RwSignal::new(new_idempotency_key());
    let method = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let reference = RwSignal::new(String::new());
    Effect::new(move |_| {
        if matches!(deposit.value().get(), Some(Ok(_))) {
            key.set(new_idempotency_key());
            amount.set(String::new());
            reference.set(String::new());
            on_done.run(());
        }
    });
    let methods = resource(move || id, client_deposit_methods);
    let options = Signal::derive(move || {
        methods
            .get()
            .and_then(|r| r.ok())
            .unwrap_or_default()
            .into_iter()
            .map(|m| (m.id.to_string(), format!("{} ({})", m.name, m.currency)))
            .collect::<Vec<_>>()
    });
    view! {
        <div class="card stack">
            <h2 class="card-title">{move || i18n.t("crm.deposit_for")}</h2>
            <p class="muted small">{move || i18n.t("crm.deposit_for_hint")}</p>
            <form class="form" data-testid="deposit-for" on:submit=move |ev| {
                ev.prevent_default();
                deposit.dispatch(DepositForClient {
                    id,
                    idempotency_key: key.get_untracked(),
                    method_id: method.get_untracked().parse().unwrap_or(0),
                    amount: amount.get_untracked(),
                    reference: reference.get_untracked(),
                });
            }>
                <FormError error/>
                <Show when=move || matches!(deposit.value().get(), Some(Ok(_)))>
                    <div class="alert alert-success" role="status">{move || i18n.t("crm.deposit_for_done")}</div>
                </Show>
                <Transition fallback=loading>
                    {move || methods.get().map(|_| view! {
                        <SelectField label=tlabel("funds.method") id="f-dep-method" field="method_id" value=method options error/>
                    })}
                </Transition>
                <div class="form-row">
                    <TextField label=tlabel("funds.amount") id="f-dep-amount" field="amount" value=amount error inputmode="decimal" required=true/>
                    <TextField label=tlabel("funds.reference") id="f-dep-reference" field="reference" value=reference error/>
                </div>
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("crm.deposit_for_submit")) pending=deposit.pending()/>
                </div>
            </form>
        </div>
    }
}

#[component]
fn RequestsTab(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let state = ListState::new("created", true);
    let data = resource(move || state.get(), move |q| client_requests(id, q));
    let filters = vec![
        ("", "common.all"),
        ("pending", "appr.status_pending"),
        ("approved", "appr.status_approved"),
        ("rejected", "appr.status_rejected"),
        ("cancelled", "appr.status_cancelled"),
    ];
    view! {
        <div class="card">
            <Toolbar state filters/>
            <div class="table-wrap">
                <table class="table" data-testid="client-requests">
                    <thead>
                        <tr>
                            <SortHeader state col="id" label="common.id"/>
                            <SortHeader state col="kind" label="common.type"/>
                            <SortHeader state col="amount" label="funds.amount" num=true/>
                            <SortHeader state col="status" label="common.status"/>
                            <SortHeader state col="created" label="funds.created"/>
                        </tr>
                    </thead>
                    <ListBody state data cols=5 row=move |r: RequestRow| {
                        let kind = format!("appr.kind_{}", r.kind.as_str());
                        let status = format!("appr.status_{}", r.status.as_str());
                        let amount = match (&r.amount, &r.currency) {
                            (Some(a), Some(c)) => crate::ui::money(a, c),
                            _ => String::new(),
                        };
                        view! {
                            <tr>
                                <td class="mono"><a href=format!("/admin/approvals/{}", r.id)>{r.id}</a></td>
                                <td>{move || i18n.t(&kind)}</td>
                                <td class="num">{amount}</td>
                                <td><span class="badge">{move || i18n.t(&status)}</span></td>
                                <td class="nowrap">{datetime(&r.created_at)}</td>
                            </tr>
                        }
                    }/>
                </table>
            </div>
        </div>
    }
}

#[component]
fn ChallengesTab(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let rows = resource(move || id, client_challenges);
    view! {
        <div class="card">
            <div class="table-wrap">
                <table class="table" data-testid="client-challenges">
                    <thead>
                        <tr>
                            <th>{move || i18n.t("common.id")}</th>
                            <th>{move || i18n.t("prop.challenge")}</th>
                            <th>{move || i18n.t("prop.stage")}</th>
                            <th>{move || i18n.t("prop.login")}</th>
                            <th class="num">{move || i18n.t("prop.equity")}</th>
                            <th>{move || i18n.t("common.status")}</th>
                        </tr>
                    </thead>
                    <Transition fallback=|| view! { <tbody><tr><td colspan="6"><div class="spinner"></div></td></tr></tbody> }>
                        {move || rows.get().map(|r| match r {
                            Ok(list) if list.is_empty() => view! { <tbody><crate::ui::table::EmptyRow cols=6/></tbody> }.into_any(),
                            Ok(list) => view! {
                                <tbody>
                                    {list.into_iter().map(|p: ParticipantRow| {
                                        let status = format!("prop.status_{}", p.status.as_str());
                                        view! {
                                            <tr>
                                                <td class="mono"><a href=format!("/admin/participants/{}", p.id)>{p.id}</a></td>
                                                <td>{p.challenge.clone()} " · " {p.package.clone()}</td>
                                                <td>{format!("{} / {}", p.stage, p.stages)}</td>
                                                <td class="mono">{p.login.clone()}</td>
                                                <td class="num">{p.equity.map(|m| m.to_string()).unwrap_or_default()}</td>
                                                <td><span class="badge">{move || i18n.t(&status)}</span></td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            }.into_any(),
                            Err(e) => view! { <tbody><tr><td colspan="6"><FormError error=Signal::derive(move || Some(e.clone()))/></td></tr></tbody> }.into_any(),
                        })}
                    </Transition>
                </table>
            </div>
        </div>
    }
}

/// Sign-ins (with address and device) and the audit records about the client.
#[component]
fn ActivityTab(c: ClientRecord) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="card stack">
            <h2 class="card-title">{move || i18n.t("crm.sign_ins")}</h2>
            <div class="table-wrap">
                <table class="table" data-testid="client-sign-ins">
                    <thead>
                        <tr>
                            <th>{move || i18n.t("wallets.time")}</th>
                            <th>{move || i18n.t("crm.ip")}</th>
                            <th>{move || i18n.t("crm.device")}</th>
                            <th>{move || i18n.t("common.status")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {c.sign_ins.is_empty().then(|| view! { <crate::ui::table::EmptyRow cols=4/> })}
                        {c.sign_ins.into_iter().map(|s| view! {
                            <tr>
                                <td class="nowrap">{datetime(&s.at)}</td>
                                <td class="mono">{s.ip.clone()}</td>
                                <td class="small">{s.device.clone()}</td>
                                <td>{move || if s.success { i18n.t("crm.sign_in_ok") } else { i18n.t("crm.sign_in_failed") }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
        <div class="card stack">
            <h2 class="card-title">{move || i18n.t("crm.admin_activity")}</h2>
            <div class="table-wrap">
                <table class="table" data-testid="client-activity">
                    <thead>
                        <tr>
                            <th>{move || i18n.t("wallets.time")}</th>
                            <th>{move || i18n.t("crm.by")}</th>
                            <th>{move || i18n.t("crm.action")}</th>
                            <th>{move || i18n.t("crm.detail")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {c.activity.is_empty().then(|| view! { <crate::ui::table::EmptyRow cols=4/> })}
                        {c.activity.into_iter().map(|a| view! {
                            <tr>
                                <td class="nowrap">{datetime(&a.at)}</td>
                                <td>{a.actor.clone().unwrap_or_default()}</td>
                                <td class="mono">{a.action.clone()}</td>
                                <td class="small mono">{a.detail.clone()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
}
