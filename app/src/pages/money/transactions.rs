//! The transactions report: every wallet posting, signed, with filters by type, client, currency
//! and dates, and CSV export. The table is shared with a client's wallet page.
use crate::api::money::wallets::transactions_report;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::model::{Page, TransactionRow};
use crate::pages::PageHeader;
use crate::ui::resource::{Json, resource};
use crate::ui::table::{ListBody, ListState, SortHeader};
use crate::ui::toolbar::ListToolbar;
use leptos::prelude::*;

/// Posting types the report can filter by, with their labels.
pub const TX_TYPES: [(&str, &str); 7] = [
    ("", "wallets.all_types"),
    ("deposit", "wallets.tx_deposit"),
    ("withdrawal", "wallets.tx_withdrawal"),
    ("transfer", "wallets.tx_transfer"),
    ("adjustment", "wallets.tx_adjustment"),
    ("fee", "wallets.tx_fee"),
    ("conversion", "wallets.tx_conversion"),
];

/// A signed amount: "+100.00 USD" in green, "−40.00 USD" in red.
#[component]
pub fn SignedAmount(amount: String, currency: String) -> impl IntoView {
    let (negative, digits) = match amount.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, amount.trim_start_matches('+').to_string()),
    };
    let zero = digits.chars().all(|c| c == '0' || c == '.');
    let sign = if negative {
        "−"
    } else if zero {
        ""
    } else {
        "+"
    };
    view! {
        <span class="amount" class:text-danger=negative class:text-success={!negative && !zero}>
            {format!("{sign}{}", crate::ui::money(&digits, &currency))}
        </span>
    }
}

/// The postings table with its pager; `client` adds the client column.
#[component]
pub fn TransactionsTable(
    state: ListState,
    data: Resource<Result<Page<TransactionRow>, AppError>, Json>,
    #[prop(optional)] client: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let cols = if client { 7 } else { 6 };
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="transactions">
                <thead>
                    <tr>
                        <SortHeader state col="id" label="common.id"/>
                        <SortHeader state col="at" label="wallets.time"/>
                        {client.then(|| view! { <th>{move || i18n.t("appr.client")}</th> })}
                        <th>{move || i18n.t("appr.currency")}</th>
                        <th>{move || i18n.t("common.type")}</th>
                        <SortHeader state col="amount" label="appr.amount" num=true/>
                        <th>{move || i18n.t("wallets.memo")}</th>
                    </tr>
                </thead>
                <ListBody state data cols row=move |t: TransactionRow| {
                    let known = TX_TYPES.iter().any(|(v, _)| !v.is_empty() && *v == t.kind);
                    let kind_key = format!("wallets.tx_{}", t.kind);
                    let kind = t.kind.clone();
                    view! {
                        <tr data-testid=format!("tx-{}", t.id)>
                            <td class="mono" title=format!("#{}", t.entry_id)>{t.id}</td>
                            <td class="nowrap">{crate::ui::datetime(&t.at)}</td>
                            {client.then(|| view! { <td><a href=format!("/admin/wallets/{}", t.user_id)>{t.client.clone()}</a></td> })}
                            <td>{t.currency.clone()}</td>
                            <td>{move || if known { i18n.t(&kind_key).to_string() } else { kind.clone() }}</td>
                            <td class="num"><SignedAmount amount=t.amount.clone() currency=t.currency.clone()/></td>
                            <td class="memo">{t.memo.clone()}</td>
                        </tr>
                    }
                }/>
            </table>
        </div>
    }
}

#[component]
pub fn TransactionsReportPage() -> impl IntoView {
    let state = ListState::new("at", true);
    let data = resource(move || state.get(), transactions_report);
    let export = Signal::derive(move || {
        format!("/export/transactions.csv?{}", state.get().to_query_string())
    });
    view! {
        <PageHeader title="nav.transactions" subtitle="wallets.tx_sub"/>
        <div class="card">
            <ListToolbar
                state
                search="wallets.tx_search"
                filters=TX_TYPES.to_vec()
                filter_label="wallets.filter_type"
                currency=true
                dates=true
                export
            />
            <TransactionsTable state data client=true/>
        </div>
    }
}
