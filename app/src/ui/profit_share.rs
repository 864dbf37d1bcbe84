//! Profit-sharing views shared by the trader's challenge page and the staff's participant
//! page: the funded stage's terms with the running period, and the table of settlements.
use crate::domain::bps::Bps;
use crate::domain::profit_share::SettlementStatus;
use crate::i18n::{I18n, use_i18n};
use crate::model::{ProfitShareDto, ProfitShareTerms};
use crate::ui::table::{Col, RowsTable};
use crate::ui::text::label_text;
use leptos::prelude::*;

pub fn share_status_class(s: SettlementStatus) -> &'static str {
    match s {
        SettlementStatus::Paid => "badge badge-success",
        SettlementStatus::PendingReview => "badge badge-warn",
        SettlementStatus::Rejected => "badge badge-danger",
        SettlementStatus::NoProfit => "badge badge-muted",
    }
}

/// A settlement's status as a badge.
#[component]
pub fn ShareStatus(status: SettlementStatus) -> impl IntoView {
    let i18n = use_i18n();
    let key = format!("prop.ps_status_{status}");
    view! { <span class=share_status_class(status) data-status=status.as_str()>{move || label_text(i18n, &key)}</span> }
}

fn frequency_text(i18n: I18n, f: &str) -> String {
    label_text(i18n, &format!("chal.settle_{f}"))
}

#[component]
pub fn ProfitTerms(t: ProfitShareTerms, currency: String) -> impl IntoView {
    let i18n = use_i18n();
    let money = move |s: &str| format!("{s} {currency}");
    let frequency = t.frequency.clone();
    let distribution = format!("prop.ps_dist_{}", t.distribution);
    let settled = t.period_settled;
    view! {
        <dl class="kv-grid" data-testid="ps-terms">
            <div><dt>{move || i18n.t("prop.ps_trader_share")}</dt><dd class="kv-strong" data-testid="ps-terms-share">{Bps(t.trader_bps).to_string()}</dd></div>
            <div><dt>{move || i18n.t("prop.ps_frequency")}</dt><dd>{move || frequency_text(i18n, &frequency)}</dd></div>
            <div><dt>{move || i18n.t("prop.ps_distribution")}</dt><dd>{move || label_text(i18n, &distribution)}</dd></div>
            <div><dt>{move || i18n.t("prop.ps_current_period")}</dt><dd>{format!("{} – {}", t.period_start, t.period_end)}</dd></div>
            <div>
                <dt>{move || i18n.t("prop.ps_next")}</dt>
                <dd>{t.next_settlement.clone()} {settled.then(|| view! { " " <span class="badge badge-muted">{move || i18n.t("prop.ps_period_done")}</span> })}</dd>
            </div>
            <div><dt>{move || i18n.t("prop.ps_base")}</dt><dd>{money(&t.base)}</dd></div>
            <div><dt>{move || i18n.t("prop.ps_unsettled")}</dt><dd class="kv-strong" data-testid="ps-unsettled">{money(&t.unsettled)}</dd></div>
        </dl>
    }
}

/// The settlements, newest first. Staff also see the firm's part and a link to the review.
#[component]
pub fn ProfitSharesTable(
    rows: Vec<ProfitShareDto>,
    testid: &'static str,
    #[prop(optional)] staff: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let staff_only = |c: Col| staff.then_some(c);
    let cols = [
        Some(Col::text("prop.ps_period")),
        Some(Col::num("prop.ps_profit")),
        Some(Col::num("prop.ps_share")),
        Some(Col::num("prop.ps_trader_share")),
        staff_only(Col::num("prop.ps_firm_share")),
        Some(Col::text("common.status")),
        Some(Col::text("prop.ps_settled_at")),
        Some(Col::text("prop.ps_decided_at")),
        staff_only(Col::actions()),
    ]
    .into_iter()
    .flatten()
    .collect();
    view! {
        <RowsTable
            cols
            rows
            empty="prop.ps_none"
            testid=testid
            row=move |s| {
                let period = if s.is_final {
                    format!("{} – {} ({})", s.period_start, s.period_end, i18n.t("prop.ps_final"))
                } else {
                    format!("{} – {}", s.period_start, s.period_end)
                };
                let review = s.request_id.filter(|_| s.status == SettlementStatus::PendingReview);
                view! {
                    <tr data-testid=format!("ps-{}", s.id) data-status=s.status.as_str()>
                        <td class="nowrap">{period}</td>
                        <td class="num" data-testid="ps-profit">{s.profit.to_string()}</td>
                        <td class="num">{Bps(s.trader_bps).to_string()}</td>
                        <td class="num kv-strong" data-testid="ps-trader-share">{s.trader_share.to_string()}</td>
                        {staff.then(|| view! { <td class="num" data-testid="ps-firm-share">{s.firm_share.to_string()}</td> })}
                        <td><ShareStatus status=s.status/></td>
                        <td class="nowrap">{s.created_at.clone()}</td>
                        <td class="nowrap">{if s.decided_at.is_empty() { "—".to_string() } else { s.decided_at.clone() }}</td>
                        {staff.then(|| view! {
                            <td>
                                {review.map(|r| view! {
                                    <a class="btn btn-sm btn-primary" href=format!("/admin/approvals/{r}") data-testid="ps-review">{move || i18n.t("prop.ps_review")}</a>
                                })}
                            </td>
                        })}
                    </tr>
                }
            }
        />
    }
}
