//! The prop dashboard: what the challenges earn and lose over a period (broker's profit and
//! loss, profit-share payouts, participation fees, the funded amount), participants by status
//! and stage with each stage's pass rate, fees and payouts per day, and the same per challenge.
//! Demo-tagged participants are left out.
use crate::api::prop::dashboard::get_prop_dashboard;
use crate::domain::bps::Bps;
use crate::domain::participant::ParticipantStatus;
use crate::i18n::{I18n, use_i18n};
use crate::model::PropFilter;
use crate::model::{DashboardQuery, PropDashboard};
use crate::pages::PageHeader;
use crate::ui::chart::BarChart;
use crate::ui::form::FormProblem;
use crate::ui::prop_filter::{Offer, PropFilterBar};
use crate::ui::resource::resource;
use crate::ui::text::label_text;
use leptos::prelude::*;

/// A money value in minor units as the chart's labels show it (two decimals, no currency).
fn money_label(v: u64) -> String {
    format!("{}.{:02}", v / 100, v % 100)
}

#[component]
pub fn PropDashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let filter = RwSignal::new(PropFilter::default());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let currency = RwSignal::new(String::new());
    let query = move || DashboardQuery {
        challenge: filter.with(|f| f.challenge),
        from: from.get(),
        to: to.get(),
        currency: currency.get(),
    };
    let data = resource(query, get_prop_dashboard);
    let preset = move |days: Option<i64>| {
        let today = crate::ui::today();
        match days {
            Some(d) => {
                from.set((today - chrono::Duration::days(d - 1)).to_string());
                to.set(today.to_string());
            }
            None => {
                from.set(String::new());
                to.set(String::new());
            }
        }
    };
    view! {
        <PageHeader title="nav.prop_dashboard" subtitle="prop.dash_sub"/>
        <div class="card">
            <div class="table-toolbar">
                <label class="toolbar-date">
                    <span>{move || i18n.t("wallets.date_from")}</span>
                    <input type="date" data-testid="dash-from" prop:value=move || from.get() on:change=move |ev| from.set(event_target_value(&ev))/>
                </label>
                <label class="toolbar-date">
                    <span>{move || i18n.t("wallets.date_to")}</span>
                    <input type="date" data-testid="dash-to" prop:value=move || to.get() on:change=move |ev| to.set(event_target_value(&ev))/>
                </label>
                <span class="cluster">
                    <button type="button" class="btn btn-sm" on:click=move |_| preset(Some(7))>{move || i18n.t("prop.dash_7d")}</button>
                    <button type="button" class="btn btn-sm" on:click=move |_| preset(Some(30))>{move || i18n.t("prop.dash_30d")}</button>
                    <button type="button" class="btn btn-sm" data-testid="dash-all-time" on:click=move |_| preset(None)>{move || i18n.t("prop.dash_all_time")}</button>
                </span>
            </div>
            <PropFilterBar filter offer=Offer::default()/>
        </div>
        <Transition fallback=|| view! { <div class="progress indeterminate"><div class="progress-bar"></div></div> }>
            {move || data.get().map(|r| match r {
                Ok(d) => view! { <Dashboard d currency/> }.into_any(),
                Err(e) => view! { <div class="card"><FormProblem error=Signal::derive(move || Some(e.clone()))/></div> }.into_any(),
            })}
        </Transition>
    }
}

fn status_label(i18n: I18n, s: ParticipantStatus) -> String {
    label_text(i18n, &format!("prop.status_{s}"))
}

#[component]
fn Dashboard(d: PropDashboard, currency: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let cur = d.currency.clone();
    let by_status = d.by_status.clone();
    let any_status = by_status.iter().any(|s| s.count > 0);
    // Drawn again when the language changes: its labels are words.
    let statuses = move || {
        let data: Vec<(String, u64)> = by_status
            .iter()
            .filter(|s| s.count > 0)
            .map(|s| (status_label(i18n, s.status), s.count))
            .collect();
        view! { <BarChart data title=Signal::derive(move || i18n.t("prop.dash_by_status")) full_labels=true/> }
    };
    let fees: Vec<(String, u64)> = d
        .daily
        .iter()
        .map(|x| (x.day.clone(), x.fees_minor.max(0) as u64))
        .collect();
    let payouts: Vec<(String, u64)> = d
        .daily
        .iter()
        .map(|x| (x.day.clone(), x.payouts_minor.max(0) as u64))
        .collect();
    let many_currencies = d.currencies.len() > 1;
    let currencies = d.currencies.clone();
    let selected = d.currency.clone();
    view! {
        <div class="stack" data-testid="prop-dashboard" data-currency=d.currency.clone()>
            {many_currencies.then(|| view! {
                <div class="cluster">
                    <label class="toolbar-date">
                        <span>{move || i18n.t("wallets.filter_currency")}</span>
                        <select on:change=move |ev| currency.set(event_target_value(&ev))>
                            {currencies.iter().map(|c| view! { <option value=c.clone() selected=*c == selected>{c.clone()}</option> }).collect_view()}
                        </select>
                    </label>
                </div>
            })}
            <div class="grid-cards dash-figures">
                {d.figures.iter().map(|f| {
                    let key = f.key.clone();
                    let hint = format!("{}_hint", f.key);
                    let hint2 = hint.clone();
                    let id = f.key.split_once('.').map_or(f.key.as_str(), |(_, k)| k).replace('_', "-");
                    let negative = f.minor < 0;
                    view! {
                        <div class="card stat" data-testid=id data-minor=f.minor.to_string()>
                            <span class="stat-label">
                                {move || i18n.t(&key)}
                                <span class="help-tip" tabindex="0" title=move || i18n.t(&hint) aria-label=move || i18n.t(&hint2)>"?"</span>
                            </span>
                            <span class="stat-value" class:text-danger=negative>{f.value.clone()}" "<small class="muted">{cur.clone()}</small></span>
                        </div>
                    }
                }).collect_view()}
            </div>
            <div class="grid-2">
                <div class="card">
                    <div class="card-header">
                        <h2 class="card-title">{move || i18n.t("prop.dash_by_status")}</h2>
                        <span class="badge badge-accent" data-testid="dash-participants">{d.participants}</span>
                    </div>
                    {if any_status {
                        statuses.into_any()
                    } else {
                        view! { <p class="empty">{move || i18n.t("common.no_rows")}</p> }.into_any()
                    }}
                </div>
                <div class="card">
                    <h2 class="card-title">{move || i18n.t("prop.dash_by_stage")}</h2>
                    <div class="table-wrap">
                        <table class="table" data-testid="dash-stages">
                            <thead>
                                <tr>
                                    <th>{move || i18n.t("prop.stage")}</th>
                                    <th class="num">{move || i18n.t("prop.status_in_progress")}</th>
                                    <th class="num">{move || i18n.t("prop.dash_passed")}</th>
                                    <th class="num">{move || i18n.t("prop.dash_failed")}</th>
                                    <th>{move || i18n.t("prop.dash_pass_rate")}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {d.by_stage.is_empty().then(|| view! { <tr><td colspan="5" class="empty">{move || i18n.t("common.no_rows")}</td></tr> })}
                                {d.by_stage.clone().into_iter().map(|s| {
                                    let rate = s.pass_rate_bps;
                                    let width = format!("width:{}%", rate.unwrap_or(0) as f64 / 100.0);
                                    view! {
                                        <tr data-testid=format!("dash-stage-{}", s.stage) data-rate=rate.map(|r| r.to_string()).unwrap_or_default()>
                                            <td class="nowrap">{move || i18n.t("prop.stage_n").replace("{n}", &s.stage.to_string())}</td>
                                            <td class="num">{s.in_progress}</td>
                                            <td class="num">{s.passed}</td>
                                            <td class="num">{s.failed}</td>
                                            <td class="pass-rate">
                                                {match rate {
                                                    Some(r) => view! {
                                                        <span class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=(r / 100).to_string()><span class="progress-bar" style=width></span></span>
                                                        <span class="mono">{Bps(r).to_string()}</span>
                                                    }.into_any(),
                                                    None => view! { <span class="muted">"—"</span> }.into_any(),
                                                }}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </div>
            </div>
            <div class="grid-2">
                <div class="card">
                    <h2 class="card-title">{move || i18n.t("prop.dash_fees_daily")}</h2>
                    <BarChart data=fees title=Signal::derive(move || i18n.t("prop.dash_fees_daily")) format=money_label/>
                </div>
                <div class="card">
                    <h2 class="card-title">{move || i18n.t("prop.dash_payouts_daily")}</h2>
                    <BarChart data=payouts title=Signal::derive(move || i18n.t("prop.dash_payouts_daily")) format=money_label/>
                </div>
            </div>
            <div class="card">
                <h2 class="card-title">{move || i18n.t("prop.dash_per_challenge")}</h2>
                <div class="table-wrap">
                    <table class="table" data-testid="dash-challenges">
                        <thead>
                            <tr>
                                <th>{move || i18n.t("prop.challenge")}</th>
                                <th class="num">{move || i18n.t("nav.participants")}</th>
                                <th class="num">{move || i18n.t("prop.dash_fees")}</th>
                                <th class="num">{move || i18n.t("prop.dash_payouts")}</th>
                                <th class="num">{move || i18n.t("prop.dash_broker_profit")}</th>
                                <th class="num">{move || i18n.t("prop.dash_funded")}</th>
                                {d.more_columns.iter().map(|k| {
                                    let k = k.clone();
                                    view! { <th class="num">{move || i18n.t(&k)}</th> }
                                }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {d.per_challenge.is_empty().then(|| view! { <tr><td colspan=(6 + d.more_columns.len()).to_string() class="empty">{move || i18n.t("common.no_rows")}</td></tr> })}
                            {d.per_challenge.clone().into_iter().map(|c| view! {
                                <tr>
                                    <td>{c.name.clone()}</td>
                                    <td class="num">{c.participants}</td>
                                    <td class="num">{c.fees.clone()}</td>
                                    <td class="num">{c.payouts.clone()}</td>
                                    <td class="num">{c.broker_profit.clone()}</td>
                                    <td class="num">{c.funded.clone()}</td>
                                    {c.more.iter().map(|v| view! { <td class="num">{v.clone()}</td> }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </div>
        </div>
    }
}
