//! The back office's client list: search, filter, sort, export, and bulk actions on the
//! selected clients (assign an owner, move group, tag).
use crate::api::crm::{AssignOwner, MoveClientsGroup, TagClients, client_groups};
use crate::api::identity::clients::list_clients;
use crate::api::identity::staff::staff_choices;
use crate::domain::access::UserKind;
use crate::domain::permission::Permission;
use crate::i18n::use_i18n;
use crate::model::ClientRow;
use crate::pages::PageHeader;
use crate::ui::form::{FormError, first_error, last_error};
use crate::ui::layout::MeCtx;
use crate::ui::resource::resource;
use crate::ui::table::{ListBody, ListState, SortHeader, Toolbar};
use leptos::prelude::*;
use std::collections::BTreeSet;

#[component]
pub fn ClientsPage() -> impl IntoView {
    let i18n = use_i18n();
    let MeCtx(me) = expect_context();
    let manage = move || {
        me.get()
            .and_then(|r| r.ok().flatten())
            .is_some_and(|m| m.can(Permission::ClientsManage))
    };
    let state = ListState::new("id", true);
    let version = RwSignal::new(0u32);
    let clients = resource(
        move || (state.get(), version.get()),
        |(q, _)| list_clients(q),
    );
    let selected: RwSignal<BTreeSet<i64>> = RwSignal::new(BTreeSet::new());
    // A new page of rows starts a new selection.
    Effect::new(move |_| {
        state.get();
        selected.set(BTreeSet::new());
    });
    let done = Callback::new(move |_| {
        selected.set(BTreeSet::new());
        version.update(|v| *v += 1);
    });
    let filters = vec![
        ("", "common.all"),
        ("trader", "auth.kind_trader"),
        ("ib", "auth.kind_ib"),
        ("active", "common.status_active"),
        ("disabled", "common.status_disabled"),
        ("unowned", "crm.unowned"),
    ];
    let page_ids = move || {
        clients
            .get()
            .and_then(|r| r.ok())
            .map(|p| p.rows.iter().map(|c| c.id).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    view! {
        <PageHeader title="nav.clients" subtitle="admin.clients_sub"/>
        <div class="stack">
            <Show when=move || manage() && !selected.with(BTreeSet::is_empty)>
                <BulkBar selected on_done=done/>
            </Show>
            <div class="card">
                <Toolbar state filters export="/export/clients.csv"/>
                <div class="table-wrap">
                    <table class="table" data-testid="clients">
                        <thead>
                            <tr>
                                <Show when=manage>
                                    <th>
                                        <input type="checkbox" aria-label=move || i18n.t("crm.select_page")
                                            prop:checked=move || { let ids = page_ids(); !ids.is_empty() && selected.with(|s| ids.iter().all(|i| s.contains(i))) }
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                let ids = page_ids();
                                                selected.update(|s| for i in ids { if on { s.insert(i); } else { s.remove(&i); } });
                                            }/>
                                    </th>
                                </Show>
                                <SortHeader state col="id" label="common.id"/>
                                <SortHeader state col="name" label="common.name"/>
                                <SortHeader state col="email" label="auth.email"/>
                                <SortHeader state col="kind" label="common.type"/>
                                <SortHeader state col="country" label="auth.country"/>
                                <th>{move || i18n.t("crm.owner")}</th>
                                <th>{move || i18n.t("admin.referred_by")}</th>
                                <th>{move || i18n.t("common.status")}</th>
                                <th>{move || i18n.t("common.joined")}</th>
                            </tr>
                        </thead>
                        <ListBody state data=clients cols=10 row=move |c: ClientRow| {
                            let kind = if c.kind == UserKind::Ib { "auth.kind_ib" } else { "auth.kind_trader" };
                            let status = format!("common.status_{}", c.status);
                            let id = c.id;
                            view! {
                                <tr data-testid=format!("client-{}", c.id)>
                                    <Show when=manage>
                                        <td>
                                            <input type="checkbox" aria-label=move || i18n.t("crm.select")
                                                prop:checked=move || selected.with(|s| s.contains(&id))
                                                on:change=move |ev| {
                                                    let on = event_target_checked(&ev);
                                                    selected.update(|s| { if on { s.insert(id); } else { s.remove(&id); } });
                                                }/>
                                        </td>
                                    </Show>
                                    <td class="mono">{c.id}</td>
                                    <td><a href=format!("/admin/clients/{}", c.id)>{format!("{} {}", c.first_name, c.last_name)}</a></td>
                                    <td>{c.email.clone()}</td>
                                    <td>{move || i18n.t(kind)}</td>
                                    <td>{c.country.clone()}</td>
                                    <td>{if c.owner.is_empty() { view! { <span class="muted">{move || i18n.t("crm.unowned")}</span> }.into_any() } else { c.owner.clone().into_any() }}</td>
                                    <td>{c.referrer.clone().unwrap_or_default()}</td>
                                    <td><span class="badge">{move || i18n.t(&status)}</span></td>
                                    <td>{crate::ui::date(&c.created_at)}</td>
                                </tr>
                            }
                        }/>
                    </table>
                </div>
            </div>
        </div>
    }
}

/// What staff can do to every selected client at once.
#[component]
fn BulkBar(selected: RwSignal<BTreeSet<i64>>, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let assign = ServerAction::<AssignOwner>::new();
    let regroup = ServerAction::<MoveClientsGroup>::new();
    let tag = ServerAction::<TagClients>::new();
    let error = first_error([
        last_error(assign.value()),
        last_error(regroup.value()),
        last_error(tag.value()),
    ]);
    Effect::new(move |_| {
        if matches!(assign.value().get(), Some(Ok(_)))
            || matches!(regroup.value().get(), Some(Ok(_)))
            || matches!(tag.value().get(), Some(Ok(())))
        {
            on_done.run(());
        }
    });
    let people = resource(|| (), |_| staff_choices());
    let groups = resource(|| (), |_| client_groups());
    let owner = RwSignal::new("0".to_string());
    let group = RwSignal::new(String::new());
    let tag_text = RwSignal::new(String::new());
    let ids = move || selected.get_untracked().into_iter().collect::<Vec<_>>();
    view! {
        <div class="card stack" data-testid="bulk-bar">
            <strong>{move || i18n.t("crm.selected").replace("{n}", &selected.with(|s| s.len()).to_string())}</strong>
            <FormError error/>
            <div class="cluster">
                <select aria-label=move || i18n.t("crm.owner") data-testid="bulk-owner" on:change=move |ev| owner.set(event_target_value(&ev))>
                    <option value="0">{move || i18n.t("crm.unowned")}</option>
                    <Transition fallback=|| ()>
                        {move || people.get().and_then(|r| r.ok()).unwrap_or_default().into_iter()
                            .map(|p| view! { <option value=p.id.to_string()>{p.name}</option> }).collect_view()}
                    </Transition>
                </select>
                <button type="button" class="btn btn-sm" data-testid="bulk-assign" disabled=move || assign.pending().get()
                    on:click=move |_| { assign.dispatch(AssignOwner { ids: ids(), owner_id: owner.get_untracked().parse().unwrap_or(0) }); }>
                    {move || i18n.t("crm.assign_owner")}
                </button>
                <select aria-label=move || i18n.t("appr.group") data-testid="bulk-group" on:change=move |ev| group.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t("crm.choose_group")}</option>
                    <Transition fallback=|| ()>
                        {move || groups.get().and_then(|r| r.ok()).unwrap_or_default().into_iter()
                            .map(|g| view! { <option value=g.id.to_string()>{g.name}</option> }).collect_view()}
                    </Transition>
                </select>
                <button type="button" class="btn btn-sm" disabled=move || regroup.pending().get() || group.get().is_empty()
                    on:click=move |_| {
                        if let Ok(group_id) = group.get_untracked().parse() {
                            regroup.dispatch(MoveClientsGroup { ids: ids(), group_id });
                        }
                    }>
                    {move || i18n.t("crm.move_group")}
                </button>
                <input type="text" aria-label=move || i18n.t("crm.new_tag") placeholder=move || i18n.t("crm.new_tag") data-testid="bulk-tag"
                    prop:value=move || tag_text.get() on:input=move |ev| tag_text.set(event_target_value(&ev))/>
                <button type="button" class="btn btn-sm" disabled=move || tag.pending().get()
                    on:click=move |_| { tag.dispatch(TagClients { ids: ids(), tag: tag_text.get_untracked(), on: true }); }>
                    {move || i18n.t("crm.add_tag")}
                </button>
                <button type="button" class="btn btn-sm btn-ghost" disabled=move || tag.pending().get()
                    on:click=move |_| { tag.dispatch(TagClients { ids: ids(), tag: tag_text.get_untracked(), on: false }); }>
                    {move || i18n.t("crm.remove_tag")}
                </button>
                <button type="button" class="btn btn-sm btn-ghost" on:click=move |_| selected.set(BTreeSet::new())>{move || i18n.t("crm.clear_selection")}</button>
            </div>
        </div>
    }
}
