//! The approval queues: a tab per request kind with its pending count, the staff member's own
//! to-do or every request, filters, paging and CSV export.
use crate::api::approvals::{list_requests, queue_counts};
use crate::domain::approval::{RequestKind, RequestStatus};
use crate::domain::live::Topic;
use crate::i18n::use_i18n;
use crate::model::{QueueCount, RequestRow};
use crate::pages::PageHeader;
use crate::ui::badge::{PaymentBadge, StatusBadge};
use crate::ui::live::changes;
use crate::ui::resource::resource;
use crate::ui::table::{ListBody, ListState, SortHeader};
use crate::ui::text::{level_text, opt_money};
use crate::ui::toolbar::ListToolbar;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

// ---------------------------------------------------------------------------------------------
// The queues
// ---------------------------------------------------------------------------------------------

const STATUS_FILTERS: [(&str, &str); 5] = [
    ("", "appr.all_statuses"),
    ("pending", "appr.status_pending"),
    ("approved", "appr.status_approved"),
    ("rejected", "appr.status_rejected"),
    ("cancelled", "appr.status_cancelled"),
];

#[component]
pub fn ApprovalsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    // The kind comes from the URL (`?kind=deposit`), so a queue can be bookmarked and shared.
    let kind = Memo::new(move |_| {
        query
            .with(|q| q.get("kind"))
            .filter(|k| RequestKind::parse(k).is_some())
            .unwrap_or_default()
    });
    let mine = RwSignal::new(true);
    let state = ListState::new("id", true);
    state.0.update(|q| q.filter = "pending".into());
    let version = RwSignal::new(0u32);
    // A request submitted or moved by anyone arrives on the live stream.
    let live = changes(Topic::Request);
    let counts = resource(move || (version.get(), live.get()), |_| queue_counts());
    let requests = resource(
        move || {
            (
                kind.get(),
                mine.get(),
                state.get(),
                version.get(),
                live.get(),
            )
        },
        |(kind, mine, query, _, _)| list_requests(kind, mine, query),
    );
    let set_mine = move |on: bool| {
        mine.set(on);
        // My to-do is what waits for me; "all" starts with every status.
        state.0.update(|q| {
            q.filter = if on { "pending".into() } else { String::new() };
            q.page = 0;
        });
    };
    let export = Signal::derive(move || {
        format!(
            "/export/requests.csv?{}&kind={}&mine={}",
            state.get().to_query_string(),
            kind.get(),
            mine.get()
        )
    });
    let tabs = move |counts: Option<Vec<QueueCount>>| {
        let count = move |k: Option<&str>| -> Option<u64> {
            let counts = counts.as_ref()?;
            let n = |c: &QueueCount| if mine.get() { c.mine } else { c.pending };
            Some(match k {
                Some(k) => counts.iter().filter(|c| c.kind == k).map(n).sum(),
                None => counts.iter().map(n).sum(),
            })
        };
        let tab = move |value: &'static str, label: String, n: Option<u64>| {
            let href = if value.is_empty() {
                "/admin/approvals".to_string()
            } else {
                format!("/admin/approvals?kind={value}")
            };
            let active = move || kind.get() == value;
            view! {
                <a
                    href=href
                    class="tab"
                    class:is-active=active
                    aria-current=move || active().then_some("page")
                    data-testid=format!("queue-{}", if value.is_empty() { "all" } else { value })
                    on:click=move |_| state.0.update(|q| q.page = 0)
                >
                    {move || i18n.t(&label)}
                    {n.map(|n| {
                        view! {
                            <span class="badge tab-count" class:badge-accent={n > 0} class:badge-muted={n == 0}>
                                {n}
                            </span>
                        }
                    })}
                </a>
            }
        };
        view! {
            <nav class="tabs queue-tabs" aria-label=move || i18n.t("appr.queues")>
                {tab("", "appr.all_kinds".to_string(), count(None))}
                {RequestKind::ALL
                    .iter()
                    .map(|k| tab(k.as_str(), k.label_key(), count(Some(k.as_str()))))
                    .collect_view()}
            </nav>
        }
    };
    view! {
        <PageHeader title="nav.approvals" subtitle="appr.queues_sub">
            <div class="segmented" role="group" aria-label=move || i18n.t("appr.show")>
                <button type="button" aria-pressed=move || mine.get().to_string() on:click=move |_| set_mine(true)>
                    {move || i18n.t("appr.my_todo")}
                </button>
                <button type="button" aria-pressed=move || (!mine.get()).to_string() on:click=move |_| set_mine(false)>
                    {move || i18n.t("appr.all_requests")}
                </button>
            </div>
            <button type="button" class="btn btn-ghost" on:click=move |_| version.update(|v| *v += 1)>
                {move || i18n.t("appr.refresh")}
            </button>
        </PageHeader>
        <Transition fallback=move || tabs(None)>
            {move || counts.get().map(|r| tabs(r.ok()))}
        </Transition>
        <div class="card">
            <ListToolbar
                state
                search="appr.search_placeholder"
                filters=STATUS_FILTERS.to_vec()
                filter_label="appr.filter_status"
                export
            />
            <div class="table-wrap">
                <table class="table queue-table">
                    <thead>
                        <tr>
                            <SortHeader state col="id" label="common.id"/>
                            <th>{move || i18n.t("appr.client")}</th>
                            <th>{move || i18n.t("appr.kind")}</th>
                            <SortHeader state col="amount" label="appr.amount" num=true/>
                            <th class="num">{move || i18n.t("appr.fee")}</th>
                            <th>{move || i18n.t("appr.payment")}</th>
                            <th>{move || i18n.t("appr.level")}</th>
                            <SortHeader state col="status" label="common.status"/>
                            <SortHeader state col="created" label="appr.created"/>
                        </tr>
                    </thead>
                    <ListBody state data=requests cols=9 row=move |r: RequestRow| {
                        let href = format!("/admin/approvals/{}", r.id);
                        let kind = r.kind.label_key();
                        let fee = r.fee.as_deref().filter(|f| !f.is_empty()).map(|f| opt_money(Some(f), r.currency.as_deref()));
                        let (l, n) = (r.level, r.levels);
                        let level = move || level_text(i18n, l, n);
                        let yours = r.actionable && r.status == RequestStatus::Pending;
                        view! {
                            <tr data-testid=format!("request-{}", r.id) class:is-actionable=yours>
                                <td class="mono"><a href=href title=move || i18n.t("appr.open")>{format!("#{}", r.id)}</a></td>
                                <td class="nowrap">
                                    <div class="cell-main">{r.client.clone()}</div>
                                    <div class="cell-sub muted">{r.email.clone()}</div>
                                </td>
                                <td class="nowrap">{move || i18n.t(&kind)}</td>
                                <td class="num">{opt_money(r.amount.as_deref(), r.currency.as_deref())}</td>
                                <td class="num">{fee.unwrap_or_else(|| "—".to_string())}</td>
                                <td><PaymentBadge status=r.payment_status/></td>
                                <td>
                                    <span class="nowrap">{level}</span>
                                    {yours.then(|| view! { " " <span class="badge badge-accent">{move || i18n.t("appr.your_turn")}</span> })}
                                </td>
                                <td><StatusBadge status=r.status/></td>
                                <td class="when">{crate::ui::datetime(&r.created_at)}</td>
                            </tr>
                        }
                    }/>
                </table>
            </div>
        </div>
    }
}
