//! The approval queues: a tab per request kind with its pending count, the staff member's own
//! to-do or every request, filters, paging and CSV export.
//!
//! Also the small pieces the back office's money pages share (badges, select options, the list
//! toolbar with currency and date filters).
use crate::api::approvals::{list_requests, queue_counts};
use crate::domain::approval::RequestKind;
use crate::domain::money::CURRENCIES;
use crate::i18n::{I18n, use_i18n};
use crate::model::{QueueCount, RequestRow};
use crate::pages::PageHeader;
use crate::ui::table::{ListBody, ListState, SortHeader};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

// ---------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------

/// The i18n key of a request kind's name.
pub fn kind_key(kind: &str) -> String {
    format!("appr.kind_{kind}")
}

/// A key for a label the server sent: translated when it is a known key, shown as is otherwise
/// (labels typed by the firm, such as a KYC form's fields).
pub fn label_text(i18n: I18n, label: &str) -> String {
    let looks_like_key = label.contains('.')
        && label
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_');
    if looks_like_key {
        i18n.t(label).to_string()
    } else {
        label.to_string()
    }
}

/// An optional amount with its currency, or a dash.
pub fn opt_money(amount: Option<&str>, currency: Option<&str>) -> String {
    match (amount, currency) {
        (Some(a), Some(c)) if !a.is_empty() => crate::ui::money(a, c),
        (Some(a), None) if !a.is_empty() => a.to_string(),
        _ => "—".to_string(),
    }
}

/// "k of n" for a request's approval level, or a dash when its kind has no levels.
pub fn level_text(i18n: I18n, level: i32, levels: i32) -> String {
    if levels <= 0 {
        "—".to_string()
    } else {
        i18n.t("appr.level_k_of_n")
            .replace("{level}", &level.min(levels).to_string())
            .replace("{levels}", &levels.to_string())
    }
}

/// A request's status as a coloured badge.
#[component]
pub fn StatusBadge(status: String) -> impl IntoView {
    let i18n = use_i18n();
    let class = match status.as_str() {
        "pending" => "badge badge-warn",
        "approved" => "badge badge-success",
        "rejected" => "badge badge-danger",
        _ => "badge badge-muted",
    };
    let key = format!("appr.status_{status}");
    view! { <span class=class data-status=status>{move || i18n.t(&key)}</span> }
}

/// The payment status of money moving outside the firm, or a dash.
#[component]
pub fn PaymentBadge(status: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    match status.filter(|s| !s.is_empty()) {
        Some(s) => {
            let class = match s.as_str() {
                "success" => "badge badge-success",
                "failed" => "badge badge-danger",
                _ => "badge badge-warn",
            };
            let key = format!("appr.payment_{s}");
            view! { <span class=class>{move || i18n.t(&key)}</span> }.into_any()
        }
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

/// Options whose text is an i18n key.
pub fn keyed_options(
    i18n: I18n,
    opts: &'static [(&'static str, &'static str)],
) -> Signal<Vec<(String, String)>> {
    Signal::derive(move || {
        opts.iter()
            .map(|(v, k)| (v.to_string(), i18n.t(k).to_string()))
            .collect()
    })
}

/// The wallet currencies as select options.
pub fn currency_options() -> Signal<Vec<(String, String)>> {
    Signal::derive(|| {
        CURRENCIES
            .iter()
            .map(|c| (c.code.to_string(), c.code.to_string()))
            .collect()
    })
}

/// A success message that appears after an action.
#[component]
pub fn Notice(#[prop(into)] text: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || text.with(|t| t.is_some())>
            <div class="alert alert-success" role="status">{move || text.get()}</div>
        </Show>
    }
}

/// A list's toolbar: search, a filter select, a currency select, a date range and the CSV link.
/// Every control shows the list's current query, so changes made elsewhere show here too.
#[component]
pub fn ListToolbar(
    state: ListState,
    /// Placeholder key of the search box; no search box without it.
    #[prop(optional)]
    search: Option<&'static str>,
    /// (value, i18n key) pairs of `query.filter`; the first is "all".
    #[prop(optional)]
    filters: Vec<(&'static str, &'static str)>,
    /// The accessible name of the filter select.
    #[prop(default = "common.filter")]
    filter_label: &'static str,
    #[prop(optional)] currency: bool,
    #[prop(optional)] dates: bool,
    /// The export URL with its query string.
    #[prop(optional, into)]
    export: Option<Signal<String>>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let i18n = use_i18n();
    let set = move |f: fn(&mut crate::model::ListQuery, String), v: String| {
        state.0.update(|q| {
            f(q, v);
            q.page = 0;
        });
    };
    let current = state.0.get_untracked();
    view! {
        <div class="table-toolbar">
            {search
                .map(|placeholder| {
                    view! {
                        <input
                            type="search"
                            class="search"
                            placeholder=move || i18n.t(placeholder)
                            aria-label=move || i18n.t("common.search")
                            prop:value=move || state.0.with(|q| q.q.clone())
                            on:input=move |ev| set(|q, v| q.q = v, event_target_value(&ev))
                        />
                    }
                })}
            {(!filters.is_empty())
                .then(|| {
                    view! {
                        <select
                            aria-label=move || i18n.t(filter_label)
                            prop:value=move || state.0.with(|q| q.filter.clone())
                            on:change=move |ev| set(|q, v| q.filter = v, event_target_value(&ev))
                        >
                            {filters
                                .into_iter()
                                .map(|(v, k)| view! { <option value=v selected=current.filter == v>{move || i18n.t(k)}</option> })
                                .collect_view()}
                        </select>
                    }
                })}
            {currency
                .then(|| {
                    view! {
                        <select
                            aria-label=move || i18n.t("wallets.filter_currency")
                            prop:value=move || state.0.with(|q| q.currency.clone())
                            on:change=move |ev| set(|q, v| q.currency = v, event_target_value(&ev))
                        >
                            <option value="">{move || i18n.t("wallets.all_currencies")}</option>
                            {CURRENCIES
                                .iter()
                                .map(|c| view! { <option value=c.code selected=current.currency == c.code>{c.code}</option> })
                                .collect_view()}
                        </select>
                    }
                })}
            {dates
                .then(|| {
                    view! {
                        <label class="toolbar-date">
                            <span>{move || i18n.t("wallets.date_from")}</span>
                            <input
                                type="date"
                                prop:value=move || state.0.with(|q| q.from.clone())
                                on:change=move |ev| set(|q, v| q.from = v, event_target_value(&ev))
                            />
                        </label>
                        <label class="toolbar-date">
                            <span>{move || i18n.t("wallets.date_to")}</span>
                            <input
                                type="date"
                                prop:value=move || state.0.with(|q| q.to.clone())
                                on:change=move |ev| set(|q, v| q.to = v, event_target_value(&ev))
                            />
                        </label>
                    }
                })}
            <span class="cluster" style="margin-left:auto">
                {children.map(|c| c())}
                {export
                    .map(|href| {
                        view! {
                            <a class="btn btn-sm" href=move || href.get() download="">
                                {move || i18n.t("common.export_csv")}
                            </a>
                        }
                    })}
            </span>
        </div>
    }
}

/// The spinner row shown while a section loads.
pub fn loading() -> impl IntoView {
    view! { <div class="progress indeterminate"><div class="progress-bar"></div></div> }
}

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
    let counts = Resource::new(move || version.get(), |_| queue_counts());
    let requests = Resource::new(
        move || (kind.get(), mine.get(), state.get(), version.get()),
        |(kind, mine, query, _)| list_requests(kind, mine, query),
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
                        let kind = kind_key(&r.kind);
                        let fee = r.fee.as_deref().filter(|f| !f.is_empty()).map(|f| opt_money(Some(f), r.currency.as_deref()));
                        let (l, n) = (r.level, r.levels);
                        let level = move || level_text(i18n, l, n);
                        let yours = r.actionable && r.status == "pending";
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
                                <td><PaymentBadge status=r.payment_status.clone()/></td>
                                <td>
                                    <span class="nowrap">{level}</span>
                                    {yours.then(|| view! { " " <span class="badge badge-accent">{move || i18n.t("appr.your_turn")}</span> })}
                                </td>
                                <td><StatusBadge status=r.status.clone()/></td>
                                <td class="when">{crate::ui::datetime(&r.created_at)}</td>
                            </tr>
                        }
                    }/>
                </table>
            </div>
        </div>
    }
}
