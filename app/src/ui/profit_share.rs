//! Profit-sharing views shared by the trader's challenge page and the staff's participant
//! page: the funded stage's terms with the running period, and the table of settlements.
use crate::domain::bps::Bps;
use crate::i18n::{I18n, use_i18n};
use crate::model::{ProfitShareDto, ProfitShareTerms};
use crate::ui::prop::empty_row;
use crate::ui::text::label_text;
use leptos::prelude::*;

pub fn share_status_class(s: &str) -> &'static str {
    match s {
        "paid" => "badge badge-success",
        "pending_review" => "badge badge-warn",
        "rejected" => "badge badge-danger",
        _ => "badge badge-muted",
    }
}

/// A settlement's status as a badge.
#[component]
pub fn ShareStatus(status: String) -> impl IntoView {
    let i18n = use_i18n();
    let key = format!("prop.ps_status_{status}");
    view! { <span class=share_status_class(&status) data-status=status.clone()>{move || label_text(i18n, &key)}</span> }
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
    let cols = if staff { 9 } else { 7 };
    view! {
        <div class="table-wrap">
            <table class="table" data-testid=testid>
                <thead>
                    <tr>
                        <th>{move || i18n.t("prop.ps_period")}</th>
                        <th class="num">{move || i18n.t("prop.ps_profit")}</th>
                        <th class="num">{move || i18n.t("prop.ps_share")}</th>
                        <th class="num">{move || i18n.t("prop.ps_trader_share")}</th>
                        {staff.then(|| view! { <th class="num">{move || i18n.t("prop.ps_firm_share")}</th> })}
                        <th>{move || i18n.t("common.status")}</th>
                        <th>{move || i18n.t("prop.ps_settled_at")}</th>
                        <th>{move || i18n.t("prop.ps_decided_at")}</th>
                        {staff.then(|| view! { <th><span class="sr-only">{move || i18n.t("common.actions")}</span></th> })}
                    </tr>
                </thead>
                <tbody>
                    {rows.is_empty().then(|| empty_row(cols, "prop.ps_none"))}
                    {rows
                        .into_iter()
                        .map(|s| {
                            let with = |v: &str| format!("{v} {}", s.currency);
                            let period = if s.is_final {
                                format!("{} – {} ({})", s.period_start, s.period_end, i18n.t("prop.ps_final"))
                            } else {
                                format!("{} – {}", s.period_start, s.period_end)
                            };
                            let review = s.request_id.filter(|_| s.status == "pending_review");
                            view! {
                                <tr data-testid=format!("ps-{}", s.id) data-status=s.status.clone()>
                                    <td class="nowrap">{period}</td>
                                    <td class="num" data-testid="ps-profit">{with(&s.profit)}</td>
                                    <td class="num">{Bps(s.trader_bps).to_string()}</td>
                                    <td class="num kv-strong" data-testid="ps-trader-share">{with(&s.trader_share)}</td>
                                    {staff.then(|| view! { <td class="num" data-testid="ps-firm-share">{with(&s.firm_share)}</td> })}
                                    <td><ShareStatus status=s.status.clone()/></td>
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
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
