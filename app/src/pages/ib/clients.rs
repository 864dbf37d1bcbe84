//! My Clients: the IB's whole tree as a list (level, group, KYC, joined; search, level filter,
//! CSV) or as a tree whose nodes open on demand. Clients deeper than the IB's group shows
//! appear without their details.
use super::IbNav;
use crate::api::ib::ib_tree;
use crate::i18n::use_i18n;
use crate::model::{DownlineRow, ListQuery};
use crate::pages::PageHeader;
use crate::ui::badge::KycBadge;
use crate::ui::resource::resource;
use crate::ui::table::{ListBody, ListState, SortHeader};
use crate::ui::toolbar::ListToolbar;
use leptos::prelude::*;

fn level_filters() -> Vec<(&'static str, &'static str)> {
    vec![
        ("", "ib.all_levels"),
        ("1", "ib.level_1"),
        ("2", "ib.level_2"),
        ("3", "ib.level_3"),
        ("4", "ib.level_4"),
        ("5", "ib.level_5"),
    ]
}

#[component]
pub fn IbClientsPage() -> impl IntoView {
    let i18n = use_i18n();
    let tree_view = RwSignal::new(false);
    view! {
        <PageHeader title="ib.nav_clients" subtitle="ib.clients_sub"/>
        <IbNav/>
        <div class="card">
            <div class="cluster" role="group" aria-label=move || i18n.t("ib.view")>
                <button type="button" class="btn btn-sm" aria-pressed=move || (!tree_view.get()).to_string()
                    on:click=move |_| tree_view.set(false)>{move || i18n.t("ib.view_list")}</button>
                <button type="button" class="btn btn-sm" aria-pressed=move || tree_view.get().to_string()
                    data-testid="tree-view" on:click=move |_| tree_view.set(true)>{move || i18n.t("ib.view_tree")}</button>
            </div>
            <Show when=move || tree_view.get() fallback=|| view! { <ClientList/> }>
                <ul class="tree" data-testid="ib-tree">
                    <TreeLevel parent=0/>
                </ul>
            </Show>
        </div>
    }
}

#[component]
fn ClientList() -> impl IntoView {
    let i18n = use_i18n();
    let state = ListState::new("level", false);
    let data = resource(move || state.get(), |q| ib_tree(q, 0));
    let export =
        Signal::derive(move || format!("/export/ib-clients.csv?{}", state.get().to_query_string()));
    view! {
        <ListToolbar state search="ib.search_clients" filters=level_filters() filter_label="ib.level" export/>
        <div class="table-wrap">
            <table class="table prop-table" data-testid="ib-clients">
                <thead>
                    <tr>
                        <th class="num">{move || i18n.t("common.id")}</th>
                        <SortHeader state col="level" label="ib.level" num=true/>
                        <th>{move || i18n.t("common.name")}</th>
                        <th>{move || i18n.t("common.type")}</th>
                        <th>{move || i18n.t("ib.group")}</th>
                        <th>{move || i18n.t("ib.kyc")}</th>
                        <SortHeader state col="joined" label="common.joined"/>
                        <th class="num">{move || i18n.t("ib.direct")}</th>
                    </tr>
                </thead>
                <ListBody state data cols=8 row=move |c: DownlineRow| view! { <ClientLine c/> }/>
            </table>
        </div>
    }
}

#[component]
fn ClientLine(c: DownlineRow) -> impl IntoView {
    let i18n = use_i18n();
    let kind = if c.is_ib {
        "auth.kind_ib"
    } else {
        "auth.kind_trader"
    };
    view! {
        <tr data-testid=format!("downline-{}", c.id) data-level=c.level>
            <td class="num mono">{c.id}</td>
            <td class="num">{c.level}</td>
            <td>
                {if c.visible {
                    view! { <span class="cell-main">{c.name.clone()}</span><span class="cell-sub">{c.email.clone()}</span> }.into_any()
                } else {
                    view! { <span class="muted">{move || i18n.t("ib.hidden_client")}</span> }.into_any()
                }}
            </td>
            <td>{move || i18n.t(kind)}</td>
            <td>{crate::ui::prop::or_dash(&c.group)}</td>
            <td>{c.kyc.map(|k| view! { <KycBadge status=k/> })}</td>
            <td class="nowrap">{c.joined.clone()}</td>
            <td class="num">{c.direct}</td>
        </tr>
    }
}

/// One level of the tree view: the direct clients of `parent` (0: the IB), each opening its
/// own clients when clicked.
#[component]
fn TreeLevel(parent: i64) -> impl IntoView {
    let i18n = use_i18n();
    // The IB's own clients are level 1 of the whole tree; anyone else's, their direct clients.
    let q = ListQuery {
        per_page: ListQuery::MAX_PER_PAGE,
        sort: "joined".into(),
        filter: if parent == 0 {
            "1".into()
        } else {
            String::new()
        },
        ..Default::default()
    };
    let data = resource(move || (), move |_| ib_tree(q.clone(), parent));
    view! {
        <Transition fallback=|| view! { <li><div class="spinner"></div></li> }>
            {move || data.get().map(|r| match r {
                Ok(page) if page.rows.is_empty() => view! { <li class="muted">{move || i18n.t("ib.no_clients")}</li> }.into_any(),
                Ok(page) => {
                    let more = page.total > page.rows.len() as u64;
                    view! {
                        {page.rows.into_iter().map(|c| view! { <TreeNode c/> }).collect_view()}
                        {more.then(|| view! { <li class="muted">{move || i18n.t("ib.tree_more")}</li> })}
                    }.into_any()
                }
                Err(e) => view! { <li class="form-error">{move || i18n.t(e.key())}</li> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn TreeNode(c: DownlineRow) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let id = c.id;
    let label = if c.visible {
        format!("{} · {}", c.name, c.email)
    } else {
        format!("#{}", c.id)
    };
    view! {
        <li data-testid=format!("node-{id}")>
            <div class="tree-node">
                {if c.direct > 0 {
                    view! {
                        <button type="button" class="btn btn-sm btn-ghost" aria-expanded=move || open.get().to_string()
                            aria-label=move || i18n.t("ib.open_node") on:click=move |_| open.update(|o| *o = !*o)>
                            {move || if open.get() { "▾" } else { "▸" }}
                        </button>
                    }.into_any()
                } else {
                    view! { <span class="tree-leaf" aria-hidden="true">"·"</span> }.into_any()
                }}
                <span>{label}</span>
                <span class="muted small">{move || i18n.t("ib.level")}" "{c.level}" · "{c.direct}" "{move || i18n.t("ib.direct")}</span>
            </div>
            <Show when=move || open.get()>
                <ul class="tree">
                    <TreeLevel parent=id/>
                </ul>
            </Show>
        </li>
    }
}
