//! Commission: every rebate the IB earned (or lost to a refund) with its source, totals by
//! month and a chart by day, CSV; updated the moment a new one is paid. The table and its
//! summation bar are shared with the back office's Fee Commission Report.
use super::IbNav;
use crate::api::ib::ib_commissions;
use crate::domain::ib::Structure;
use crate::domain::live::Topic;
use crate::error::AppError;
use crate::i18n::{I18n, use_i18n};
use crate::model::{CommissionPeriod, CommissionReport, CommissionRow};
use crate::pages::PageHeader;
use crate::ui::chart::BarChart;
use crate::ui::form::FormProblem;
use crate::ui::live::changes;
use crate::ui::prop::or_dash;
use crate::ui::resource::{Json, resource};
use crate::ui::table::{Col, EmptyRow, ListState, Pager, RowsTable, SortHeader};
use crate::ui::toolbar::ListToolbar;
use leptos::prelude::*;

pub fn structure_filters() -> Vec<(&'static str, &'static str)> {
    vec![
        ("", "ib.all_structures"),
        ("level", "ib.structure_level"),
        ("rank", "ib.structure_rank"),
        ("override", "ib.structure_override"),
        ("same_rank", "ib.structure_same_rank"),
    ]
}

fn structure_key(s: Structure) -> &'static str {
    match s {
        Structure::Level => "ib.structure_level",
        Structure::Rank => "ib.structure_rank",
        Structure::Override => "ib.structure_override",
        Structure::SameRank => "ib.structure_same_rank",
    }
}

#[component]
pub fn IbCommissionPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = ListState::new("id", true);
    let live = changes(Topic::Commission);
    let data = resource(
        move || (state.get(), live.get()),
        |(q, _)| ib_commissions(q),
    );
    let export = Signal::derive(move || {
        format!(
            "/export/ib-commissions.csv?{}",
            state.get().to_query_string()
        )
    });
    view! {
        <PageHeader title="ib.nav_commission" subtitle="ib.commission_sub"/>
        <IbNav/>
        <div class="card">
            <ListToolbar state search="ib.search_clients" filters=structure_filters() filter_label="ib.structure" dates=true export/>
            <CommissionTable state data staff=false/>
        </div>
        <Transition fallback=|| ()>
            {move || data.get().and_then(Result::ok).map(|r| view! {
                <div class="grid-2">
                    <div class="card">
                        <h2 class="card-title">{move || i18n.t("ib.by_day")}</h2>
                        <PeriodChart periods=r.by_day.clone()/>
                    </div>
                    <div class="card">
                        <h2 class="card-title">{move || i18n.t("ib.by_month")}</h2>
                        <PeriodTable periods=r.by_month.clone()/>
                    </div>
                </div>
            })}
        </Transition>
    }
}

/// The commissions of a report, with their summation bar and pager. `staff` shows the
/// recipient (the back office); otherwise the client whose fee it was.
#[component]
pub fn CommissionTable(
    state: ListState,
    data: Resource<Result<CommissionReport, AppError>, Json>,
    staff: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-wrap">
            <table class="table prop-table" data-testid="commissions">
                <thead>
                    <tr>
                        <SortHeader state col="id" label="common.id" num=true/>
                        <th>{move || i18n.t("prop.when")}</th>
                        <th>{move || i18n.t(if staff { "ib.recipient" } else { "appr.client" })}</th>
                        <th>{move || i18n.t("prop.challenge")}</th>
                        <th>{move || i18n.t("ib.structure")}</th>
                        <th>{move || i18n.t("ib.level_or_tier")}</th>
                        <th class="num">{move || i18n.t("ib.fee_before_discount")}</th>
                        <th class="num">{move || i18n.t("ib.fee_paid")}</th>
                        <SortHeader state col="amount" label="ib.commission" num=true/>
                        <th>{move || i18n.t("common.status")}</th>
                    </tr>
                </thead>
                <Transition fallback=|| view! { <tbody><tr><td colspan="10"><div class="spinner"></div></td></tr></tbody> }>
                    {move || data.get().map(|r| match r {
                        Ok(r) => {
                            let page = r.page.clone();
                            view! {
                                <tbody>
                                    {page.rows.is_empty().then(|| view! { <EmptyRow cols=10/> })}
                                    {page.rows.clone().into_iter().map(|c| commission_line(i18n, c, staff)).collect_view()}
                                </tbody>
                                <tfoot>
                                    <tr><td colspan="10"><Totals r/><Pager state page/></td></tr>
                                </tfoot>
                            }.into_any()
                        }
                        Err(e) => view! { <tbody><tr><td colspan="10"><FormProblem error=Signal::derive(move || Some(e.clone()))/></td></tr></tbody> }.into_any(),
                    })}
                </Transition>
            </table>
        </div>
    }
}

fn commission_line(i18n: I18n, c: CommissionRow, staff: bool) -> impl IntoView {
    let who = if staff {
        c.recipient.clone()
    } else {
        c.client.clone()
    };
    let hidden = !staff && who.is_empty();
    let level = if c.level == 0 {
        i18n.t("ib.self_rebate").to_string()
    } else {
        format!("{} {}", i18n.t("ib.level"), c.level)
    };
    let place = if c.tier.is_empty() {
        level
    } else {
        format!("{level} · {}", c.tier)
    };
    let status_key = format!("ib.status_{}", c.status);
    let negative = c.amount.minor() < 0;
    view! {
        <tr data-testid=format!("commission-{}", c.id) data-amount=c.amount.amount() data-structure=c.structure.as_str()>
            <td class="num mono">{c.id}</td>
            <td class="nowrap">{c.at.clone()}</td>
            <td>{if hidden { i18n.t("ib.hidden_client").to_string() } else { or_dash(&who) }}</td>
            <td>{or_dash(&c.challenge)}</td>
            <td>{move || i18n.t(structure_key(c.structure))}</td>
            <td>{place}</td>
            <td class="num">{c.fee_before_discount.to_string()}</td>
            <td class="num">{c.fee_paid.to_string()}</td>
            <td class="num" class:text-danger=negative>{c.amount.to_string()}</td>
            <td>{move || i18n.t(&status_key)}</td>
        </tr>
    }
}

/// The summation bar: per currency, the fees and the commissions of everything the filter keeps.
#[component]
fn Totals(r: CommissionReport) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="grid-cards" data-testid="commission-totals">
            {r.totals.into_iter().map(|t| view! {
                <div class="card stat" data-testid=format!("commission-total-{}", t.commissions.code()) data-total=t.commissions.amount()>
                    <span class="stat-label">{move || i18n.t("ib.total_commissions")}" · "{t.commissions.code()}</span>
                    <span class="stat-value">{t.commissions.to_string()}</span>
                    <span class="muted small">
                        {move || i18n.t("ib.fee_before_discount")}" "{t.fees_before_discount.to_string()}" · "{move || i18n.t("ib.fee_paid")}" "{t.fees_paid.to_string()}
                    </span>
                </div>
            }).collect_view()}
        </div>
    }
}

/// Commissions by day as bars (the first currency's; amounts in whole units).
#[component]
pub fn PeriodChart(periods: Vec<CommissionPeriod>) -> impl IntoView {
    let i18n = use_i18n();
    let first = periods.first().map(|p| p.amount.code());
    let data: Vec<(String, u64)> = periods
        .into_iter()
        .filter(|p| Some(p.amount.code()) == first)
        .map(|p| (p.period, p.amount.minor().max(0) as u64))
        .collect();
    if data.is_empty() {
        return view! { <p class="muted">{move || i18n.t("common.no_rows")}</p> }.into_any();
    }
    view! {
        // Every currency the firm holds has two decimals (`domain::money::CURRENCIES`).
        <BarChart data title=Signal::derive(move || i18n.t("ib.by_day")) format=|v| format!("{}.{:02}", v / 100, v % 100)/>
    }
    .into_any()
}

#[component]
fn PeriodTable(periods: Vec<CommissionPeriod>) -> impl IntoView {
    let cols = vec![Col::text("ib.month"), Col::num("ib.commission")];
    let rows: Vec<CommissionPeriod> = periods.into_iter().rev().collect();
    view! {
        <RowsTable cols rows testid="commission-months" row=|p: CommissionPeriod| view! {
            <tr><td>{p.period}</td><td class="num">{p.amount.to_string()}</td></tr>
        }/>
    }
}
