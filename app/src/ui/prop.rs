//! The prop area's shared views, used by the trader's challenge page and the staff's
//! participant page alike: status badges, progress bars, each stage's rules, the balance and
//! equity chart, and the tables of rule decisions, stage accounts, positions and deals.
use crate::domain::participant::ParticipantStatus;
use crate::i18n::{I18n, use_i18n};
use crate::model::{
    AccountDto, DealDto, DecisionDto, EquityPoint, PositionDto, ProgressBar, StageCard,
};
use crate::ui::chart::LineChart;
use crate::ui::form::tlabel;
use crate::ui::table::{Col, RowsTable};
use crate::ui::text::label_text;
use leptos::prelude::*;
use rust_decimal::Decimal;

pub fn or_dash(s: &str) -> String {
    if s.trim().is_empty() {
        "—".to_string()
    } else {
        s.to_string()
    }
}

/// Days traded against the stage's minimum, in words: "2 of 4 required", or "1 traded · no
/// minimum" when the stage has none (never "1 / 0").
pub fn trading_days_text(i18n: I18n, traded: u32, min: u32) -> String {
    let key = if min == 0 {
        "prop.days_no_min"
    } else {
        "prop.days_of_min"
    };
    i18n.t(key)
        .replace("{n}", &traded.to_string())
        .replace("{min}", &min.to_string())
}

pub fn env_text(i18n: I18n, env: &str) -> String {
    match env {
        "demo" => i18n.t("prop.env_demo").to_string(),
        "live" => i18n.t("prop.env_live").to_string(),
        other => or_dash(other),
    }
}

/// A participant's status as a coloured badge.
#[component]
pub fn ParticipantBadge(
    status: ParticipantStatus,
    #[prop(optional)] testid: Option<&'static str>,
) -> impl IntoView {
    use ParticipantStatus as S;
    let i18n = use_i18n();
    let class = match status {
        S::InProgress => "badge badge-accent",
        S::Completed => "badge badge-success",
        S::Failed | S::Rejected => "badge badge-danger",
        S::Cancelled => "badge badge-muted",
        S::AwaitingPayment | S::PendingApproval | S::PendingLive | S::RetryPending => {
            "badge badge-warn"
        }
    };
    let key = format!("prop.status_{status}");
    view! {
        <span class=class data-status=status.as_str() data-testid=testid>
            {move || label_text(i18n, &key)}
        </span>
    }
}

/// Whether a participant counts in the firm's figures (real) or is a test (demo).
#[component]
pub fn DataTypeBadge(data_type: String) -> impl IntoView {
    let i18n = use_i18n();
    let (class, key) = if data_type == "demo" {
        ("badge badge-warn", "prop.data_demo")
    } else {
        ("badge badge-muted", "prop.data_real")
    };
    view! { <span class=class data-testid="data-type" data-type=data_type>{move || i18n.t(key)}</span> }
}

/// The progress bars of a stage: each rule's value of its limit, as a small horizontal bar.
/// The profit target is good when full; the loss limits are bad.
#[component]
pub fn ProgressBars(bars: Vec<ProgressBar>, #[prop(optional)] compact: bool) -> impl IntoView {
    let i18n = use_i18n();
    if bars.is_empty() {
        return view! { <span class="muted">"—"</span> }.into_any();
    }
    view! {
        <ul class="prop-bars" class:is-compact=compact>
            {bars
                .into_iter()
                .map(|b| {
                    let share = b.share_bps.clamp(0, 10_000);
                    let pct = Decimal::new(share, 2).round_dp(1).normalize().to_string();
                    let good = b.rule == "rule.profit_target";
                    let tone = if good {
                        if share >= 10_000 { "is-good" } else { "" }
                    } else if share >= 10_000 {
                        "is-bad"
                    } else if share >= 7_000 {
                        "is-warn"
                    } else {
                        ""
                    };
                    let rule = b.rule.clone();
                    let label = move || label_text(i18n, &rule);
                    let aria = label.clone();
                    view! {
                        <li class=format!("prop-bar {tone}") data-rule=b.rule.clone() data-testid=format!("bar-{}", b.rule.trim_start_matches("rule."))>
                            <div class="prop-bar-head">
                                <span class="prop-bar-label">{label}</span>
                                <span class="prop-bar-value">{format!("{} / {} · {pct}%", b.value, b.limit)}</span>
                            </div>
                            <div
                                class="progress"
                                role="progressbar"
                                aria-label=aria
                                aria-valuemin="0"
                                aria-valuemax="100"
                                aria-valuenow=pct.clone()
                            >
                                <div class="progress-bar" style=format!("width:{pct}%")></div>
                            </div>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// Each stage's rules as clients see them, the current stage marked.
#[component]
pub fn StageRules(stages: Vec<StageCard>, current: i32) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h3 class="section-title">{move || i18n.t("prop.stage_rules")}</h3>
        <div class="prop-stage-rules">
            {stages
                .into_iter()
                .enumerate()
                .map(|(k, s)| {
                    let n = k + 1;
                    let is_current = n as i32 == current;
                    let env = s.environment.clone();
                    view! {
                        <div class="prop-stage-card" class:is-current=is_current>
                            <div class="prop-stage-head">
                                {move || i18n.t("chal.stage_n").replace("{n}", &n.to_string())}
                                " · "
                                {move || env_text(i18n, &env)}
                            </div>
                            <dl class="kv-list">
                                {s.rules
                                    .into_iter()
                                    .map(|l| {
                                        let label = l.label.clone();
                                        view! {
                                            <div>
                                                <dt>{move || label_text(i18n, &label)}</dt>
                                                <dd>{l.value}</dd>
                                            </div>
                                        }
                                    })
                                    .collect_view()}
                            </dl>
                        </div>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// Balance and equity over time, as two lines (minor units; every wallet currency has two
/// decimals, so the axis shows them as such, the currency beside the legend).
#[component]
pub fn EquityChart(points: Vec<EquityPoint>, currency: String) -> impl IntoView {
    let i18n = use_i18n();
    if points.is_empty() {
        return view! { <p class="muted">{move || i18n.t("common.no_rows")}</p> }.into_any();
    }
    let values: Vec<(String, i64, i64)> = points
        .into_iter()
        .map(|p| (p.at, p.balance, p.equity))
        .collect();
    view! {
        <figure class="prop-chart" data-testid="participant-chart">
            <LineChart values title=tlabel("prop.chart_title") format=axis_amount/>
            <figcaption class="legend">
                <span class="swatch a" aria-hidden="true"></span>
                {move || i18n.t("prop.balance")}
                " "
                <span class="swatch b" aria-hidden="true"></span>
                {move || i18n.t("prop.equity")}
                <span class="muted">{format!(" ({currency})")}</span>
            </figcaption>
        </figure>
    }
    .into_any()
}

/// An axis label: minor units with two decimals.
fn axis_amount(v: i64) -> String {
    Decimal::new(v, 2).to_string()
}

pub fn outcome_class(o: &str) -> &'static str {
    match o {
        "breach" => "badge badge-danger",
        "passed" | "advanced" => "badge badge-success",
        "expired" => "badge badge-warn",
        _ => "badge badge-muted",
    }
}

#[component]
pub fn DecisionsTable(rows: Vec<DecisionDto>, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let cols = vec![
        Col::text("prop.when"),
        Col::text("prop.login"),
        Col::text("prop.outcome"),
        Col::text("prop.rule"),
        Col::num("prop.value"),
        Col::text("prop.limit"),
        Col::text("prop.day"),
        Col::text("appr.comment"),
    ];
    view! {
        <RowsTable
            cols
            rows
            empty="prop.no_decisions"
            testid=testid
            row=move |d| {
                let outcome = format!("prop.outcome_{}", d.outcome);
                let rule = d.rule.clone();
                view! {
                    <tr data-outcome=d.outcome.clone() data-rule=d.rule.clone()>
                        <td class="nowrap">{d.at.clone()}</td>
                        <td class="mono nowrap">{or_dash(&d.login)}</td>
                        <td><span class=outcome_class(&d.outcome)>{move || label_text(i18n, &outcome)}</span></td>
                        <td>{move || label_text(i18n, &rule)}</td>
                        <td class="num">{or_dash(&d.value)}</td>
                        <td>{or_dash(&d.limit)}</td>
                        <td class="nowrap">{or_dash(&d.day)}</td>
                        <td class="pre-wrap">{or_dash(&d.comment)}</td>
                    </tr>
                }
            }
        />
    }
}

#[component]
pub fn AccountsTable(rows: Vec<AccountDto>, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let cols = vec![
        Col::text("prop.login"),
        Col::text("prop.server"),
        Col::text("prop.stage"),
        Col::num("prop.attempt"),
        Col::text("common.status"),
        Col::num("prop.initial_balance"),
        Col::num("prop.balance"),
        Col::num("prop.equity"),
        Col::text("prop.created"),
    ];
    view! {
        <RowsTable
            cols
            rows
            testid=testid
            row=move |a| {
                let status = format!("prop.account_status_{}", a.status);
                let class = match a.status.as_str() {
                    "active" => "badge badge-accent",
                    "opening" => "badge badge-warn",
                    "passed" => "badge badge-success",
                    "failed" => "badge badge-danger",
                    _ => "badge badge-muted",
                };
                let env = a.environment.clone();
                let stage = a.stage;
                view! {
                    <tr data-login=a.login.clone()>
                        <td class="mono">{a.login.clone()}</td>
                        <td>{a.server.clone()}</td>
                        <td class="nowrap">{move || format!("{} · {}", stage, env_text(i18n, &env))}</td>
                        <td class="num">{a.attempt}</td>
                        <td><span class=class data-status=a.status.clone()>{move || label_text(i18n, &status)}</span></td>
                        <td class="num">{a.initial_balance.amount()}</td>
                        <td class="num">{a.balance.amount()}</td>
                        <td class="num">
                            {a.equity.amount()}
                            {a.as_of.clone().map(|t| view! { <div class="muted small">{t}</div> })}
                            {a.stale.then(|| view! { <span class="badge badge-warn">{move || i18n.t("prop.stale")}</span> })}
                        </td>
                        <td class="nowrap">{a.created_at.clone()}</td>
                    </tr>
                }
            }
        />
    }
}

pub fn side_text(i18n: I18n, side: &str) -> String {
    match side {
        "buy" => i18n.t("prop.buy").to_string(),
        "sell" => i18n.t("prop.sell").to_string(),
        other => other.to_string(),
    }
}

/// A profit with its sign's colour.
pub fn profit_class(p: &str) -> &'static str {
    if p.trim_start().starts_with('-') {
        "num text-danger"
    } else {
        "num"
    }
}

#[component]
pub fn PositionsTable(
    rows: Vec<PositionDto>,
    testid: &'static str,
    /// The trader's panel closes positions; staff only look.
    #[prop(optional)]
    on_close: Option<Callback<i64>>,
    #[prop(optional, into)] closing: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let mut cols = vec![
        Col::text("prop.symbol"),
        Col::text("prop.side"),
        Col::num("prop.volume"),
        Col::num("prop.open_price"),
        Col::num("prop.price"),
        Col::num("prop.stop_loss"),
        Col::num("prop.take_profit"),
        Col::num("prop.profit"),
        Col::text("prop.opened"),
    ];
    if on_close.is_some() {
        cols.push(Col::actions());
    }
    view! {
        <RowsTable
            cols
            rows
            empty="prop.no_positions"
            testid=testid
            row=move |p| {
                let side = p.side.clone();
                view! {
                    <tr data-symbol=p.symbol.clone()>
                        <td class="mono">{p.symbol.clone()}</td>
                        <td>{move || side_text(i18n, &side)}</td>
                        <td class="num">{p.volume.clone()}</td>
                        <td class="num">{p.open_price.clone()}</td>
                        <td class="num">{p.price.clone()}</td>
                        <td class="num">{or_dash(&p.stop_loss)}</td>
                        <td class="num">{or_dash(&p.take_profit)}</td>
                        <td class=profit_class(&p.profit)>{p.profit.clone()}</td>
                        <td class="nowrap">{p.opened_at.clone()}</td>
                        {on_close.map(|close| {
                            let id = p.id;
                            view! {
                                <td>
                                    <button type="button" class="btn btn-sm" data-testid=format!("close-{id}") disabled=move || closing.get() on:click=move |_| close.run(id)>
                                        {move || i18n.t("prop.close")}
                                    </button>
                                </td>
                            }
                        })}
                    </tr>
                }
            }
        />
    }
}

#[component]
pub fn DealsTable(rows: Vec<DealDto>, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let cols = vec![
        Col::text("prop.ticket"),
        Col::text("prop.symbol"),
        Col::text("prop.side"),
        Col::num("prop.volume"),
        Col::num("prop.open_price"),
        Col::num("prop.close_price"),
        Col::num("prop.profit"),
        Col::text("prop.opened"),
        Col::text("prop.closed_at"),
    ];
    view! {
        <RowsTable
            cols
            rows
            empty="prop.no_deals"
            testid=testid
            row=move |d| {
                let side = d.side.clone();
                view! {
                    <tr data-ticket=d.ticket.clone()>
                        <td class="mono">{d.ticket.clone()}</td>
                        <td class="mono">{d.symbol.clone()}</td>
                        <td>{move || side_text(i18n, &side)}</td>
                        <td class="num">{d.volume.clone()}</td>
                        <td class="num">{d.open_price.clone()}</td>
                        <td class="num">{d.close_price.clone()}</td>
                        <td class=profit_class(&d.profit)>{d.profit.clone()}</td>
                        <td class="nowrap">{d.opened_at.clone()}</td>
                        <td class="nowrap">{d.closed_at.clone()}</td>
                    </tr>
                }
            }
        />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashes_and_profits() {
        assert_eq!(or_dash(" "), "—");
        assert_eq!(or_dash("1.00"), "1.00");
        assert_eq!(profit_class("-5.00"), "num text-danger");
        assert_eq!(profit_class("5.00"), "num");
    }
}
