//! The client's history: wallet transactions, and requests (deposits, withdrawals, transfers,
//! KYC, IB upgrade) with their status, and cancelling a pending one.
use crate::api::money::funds::{CancelRequest, my_requests, my_transactions};
use crate::domain::approval::{PaymentStatus, RequestKind, RequestStatus};
use crate::domain::live::Topic;
use crate::domain::money::CURRENCIES;
use crate::i18n::use_i18n;
use crate::model::{RequestRow, TransactionRow};
use crate::pages::PageHeader;
use crate::ui::badge::{PaymentBadge, StatusBadge};
use crate::ui::form::{FormProblem, last_error};
use crate::ui::live::changes;
use crate::ui::resource::resource;
use crate::ui::table::{ListBody, ListState, SortHeader, Toolbar};
use crate::ui::text::{label_or, request_amount};
use crate::ui::{datetime, money as fmt_money};
use leptos::prelude::*;

#[component]
pub fn TransactionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = ListState::new("at", true);
    // A request approved (a deposit paid in, a withdrawal paid out) moves the history.
    let live = changes(Topic::Request);
    let data = resource(
        move || (state.get(), live.get()),
        |(q, _)| my_transactions(q),
    );
    let filters = vec![
        ("", "funds.all_types"),
        ("deposit", "funds.tx_deposit"),
        ("withdrawal", "funds.tx_withdrawal"),
        ("transfer", "funds.tx_transfer"),
        ("conversion", "funds.tx_conversion"),
        ("adjustment", "funds.tx_adjustment"),
        ("fee", "funds.tx_fee"),
    ];
    let set_currency = move |ev| {
        let v = event_target_value(&ev);
        state.0.update(|q| {
            q.currency = v;
            q.page = 0;
        });
    };
    let set_from = move |ev| {
        let v = event_target_value(&ev);
        state.0.update(|q| {
            q.from = v;
            q.page = 0;
        });
    };
    let set_to = move |ev| {
        let v = event_target_value(&ev);
        state.0.update(|q| {
            q.to = v;
            q.page = 0;
        });
    };
    view! {
        <PageHeader title="nav.transactions" subtitle="funds.transactions_sub">
            <a class="btn" href="/funds">{move || i18n.t("nav.funds")}</a>
        </PageHeader>
        <div class="card">
            <Toolbar state filters export="/export/my-transactions.csv">
                <select class="toolbar-select" aria-label=move || i18n.t("funds.currency") on:change=set_currency>
                    <option value="">{move || i18n.t("funds.all_currencies")}</option>
                    {CURRENCIES.iter().map(|c| view! { <option value=c.code>{c.code}</option> }).collect_view()}
                </select>
                <label class="toolbar-date">
                    <span>{move || i18n.t("funds.date_from")}</span>
                    <input type="date" on:change=set_from/>
                </label>
                <label class="toolbar-date">
                    <span>{move || i18n.t("funds.date_to")}</span>
                    <input type="date" on:change=set_to/>
                </label>
            </Toolbar>
            <div class="table-wrap">
                <table class="table" data-testid="transactions">
                    <thead>
                        <tr>
                            <SortHeader state col="id" label="common.id"/>
                            <SortHeader state col="at" label="funds.date"/>
                            <SortHeader state col="kind" label="common.type"/>
                            <SortHeader state col="currency" label="funds.currency"/>
                            <SortHeader state col="amount" label="funds.amount" num=true/>
                            <th>{move || i18n.t("funds.description")}</th>
                        </tr>
                    </thead>
                    <ListBody state data cols=6 row=move |t: TransactionRow| {
                        let negative = t.amount.trim_start().starts_with('-');
                        let zero = t.amount.trim_start_matches(['-', '+']).chars().all(|c| c == '0' || c == '.');
                        let shown = if negative || zero { t.amount.clone() } else { format!("+{}", t.amount) };
                        let kind = t.kind.clone();
                        view! {
                            <tr data-testid=format!("tx-{}", t.id)>
                                <td class="mono">{t.id}</td>
                                <td>{datetime(&t.at)}</td>
                                <td>{move || label_or(i18n, &format!("funds.tx_{kind}"), &kind)}</td>
                                <td>{t.currency.clone()}</td>
                                <td class="num amount" class:text-success=!negative && !zero class:text-danger=negative>
                                    {fmt_money(&shown, &t.currency)}
                                </td>
                                <td class="muted">{t.memo.clone()}</td>
                            </tr>
                        }
                    }/>
                </table>
            </div>
        </div>
    }
}

#[component]
pub fn RequestsPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = ListState::new("created", true);
    let version = RwSignal::new(0u32);
    let live = changes(Topic::Request);
    let data = resource(
        move || (state.get(), version.get(), live.get()),
        |(q, _, _)| my_requests(q),
    );
    let cancel = ServerAction::<CancelRequest>::new();
    let cancel_error = last_error(cancel.value());
    // The row whose cancellation is being confirmed.
    let confirming = RwSignal::new(None::<i64>);
    let cancelled = move || matches!(cancel.value().get(), Some(Ok(())));
    Effect::new(move |_| {
        if cancel.version().get() > 0 {
            confirming.set(None);
            version.update(|v| *v += 1);
        }
    });
    let filters = vec![
        ("", "common.all"),
        ("pending", "appr.status_pending"),
        ("approved", "appr.status_approved"),
        ("rejected", "appr.status_rejected"),
        ("cancelled", "appr.status_cancelled"),
    ];
    view! {
        <PageHeader title="nav.requests" subtitle="funds.requests_sub">
            <a class="btn" href="/funds">{move || i18n.t("nav.funds")}</a>
        </PageHeader>
        <div class="stack">
            <FormProblem error=cancel_error/>
            <Show when=cancelled>
                <div class="alert alert-success" role="status">{move || i18n.t("funds.request_cancelled")}</div>
            </Show>
            <div class="card">
                <Toolbar state filters export="/export/my-requests.csv"/>
                <div class="table-wrap">
                    <table class="table" data-testid="requests">
                        <thead>
                            <tr>
                                <SortHeader state col="id" label="common.id"/>
                                <SortHeader state col="kind" label="common.type"/>
                                <SortHeader state col="amount" label="funds.amount" num=true/>
                                <th class="num">{move || i18n.t("funds.fee")}</th>
                                <SortHeader state col="status" label="common.status"/>
                                <SortHeader state col="created" label="funds.created"/>
                                <th>{move || i18n.t("funds.decided")}</th>
                                <th>{move || i18n.t("funds.details")}</th>
                                <th>{move || i18n.t("common.actions")}</th>
                            </tr>
                        </thead>
                        <ListBody state data cols=9 row=move |r: RequestRow| view! { <RequestLine r cancel confirming/> }/>
                    </table>
                </div>
            </div>
        </div>
    }
}

#[component]
fn RequestLine(
    r: RequestRow,
    cancel: ServerAction<CancelRequest>,
    confirming: RwSignal<Option<i64>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = r.id;
    let kind = r.kind.as_str();
    let payment = r.payment_status;
    let can_pay = r.kind == RequestKind::Deposit
        && r.status == RequestStatus::Pending
        && payment == Some(PaymentStatus::Pending);
    let fee = match (&r.fee, &r.currency) {
        (Some(f), Some(c)) if !f.trim_start_matches(['0', '.']).is_empty() => fmt_money(f, c),
        _ => String::new(),
    };
    let note = if matches!(r.status, RequestStatus::Rejected | RequestStatus::Cancelled) {
        r.reason.clone()
    } else {
        String::new()
    };
    let method = r.method.clone().unwrap_or_default();
    let pending_here = move || cancel.pending().get() && confirming.get() == Some(id);
    view! {
        <tr data-testid=format!("request-{id}")>
            <td class="mono">{id}</td>
            <td>
                {move || label_or(i18n, &format!("appr.kind_{kind}"), kind)}
                {(!method.is_empty()).then(|| view! { <div class="muted small-text">{method.clone()}</div> })}
            </td>
            <td class="num">{request_amount(&r)}</td>
            <td class="num muted">{fee}</td>
            <td>
                <div class="cluster">
                    <StatusBadge status=r.status testid="request-status"/>
                    {payment.map(|p| view! { <PaymentBadge status=Some(p) testid="payment-status"/> })}
                </div>
            </td>
            <td>{datetime(&r.created_at)}</td>
            <td>{r.decided_at.as_ref().map(datetime).unwrap_or_default()}</td>
            <td class="muted">{note}</td>
            <td>
                <div class="cluster">
                    {can_pay
                        .then(|| {
                            view! {
                                <a class="btn btn-sm btn-primary" href=format!("/pay/{id}")>
                                    {move || i18n.t("funds.pay")}
                                </a>
                            }
                        })}
                    {r.actionable
                        .then(|| {
                            view! {
                                <Show
                                    when=move || confirming.get() == Some(id)
                                    fallback=move || {
                                        view! {
                                            <button type="button" class="btn btn-sm" on:click=move |_| confirming.set(Some(id))>
                                                {move || i18n.t("funds.cancel_request")}
                                            </button>
                                        }
                                    }
                                >
                                    <button
                                        type="button"
                                        class="btn btn-sm btn-danger"
                                        class:is-loading=pending_here
                                        disabled=move || cancel.pending().get()
                                        on:click=move |_| {
                                            cancel.dispatch(CancelRequest { id });
                                        }
                                    >
                                        {move || i18n.t("funds.confirm_cancel")}
                                    </button>
                                    <button type="button" class="btn btn-sm btn-ghost" on:click=move |_| confirming.set(None)>
                                        {move || i18n.t("funds.keep_request")}
                                    </button>
                                </Show>
                            }
                        })}
                </div>
            </td>
        </tr>
    }
}
