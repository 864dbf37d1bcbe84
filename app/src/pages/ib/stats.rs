//! Prop Trading Statistics: the IB's whole tree's challenges over a period (participants by
//! status and stage, funded traders, fees, pass rate) beside what the IB earned from them (fee
//! commissions, drawn by day, and profit shares).
use super::IbNav;
use super::commission::PeriodChart;
use crate::api::ib::ib_prop_statistics;
use crate::domain::bps::Bps;
use crate::domain::live::Topic;
use crate::i18n::use_i18n;
use crate::model::IbPropStats;
use crate::pages::PageHeader;
use crate::ui::chart::BarChart;
use crate::ui::form::FormProblem;
use crate::ui::live::changes;
use crate::ui::prop::ParticipantBadge;
use crate::ui::resource::resource;
use crate::ui::table::ListState;
use crate::ui::text::monies;
use crate::ui::toolbar::ListToolbar;
use leptos::prelude::*;

#[component]
pub fn IbStatsPage() -> impl IntoView {
    let state = ListState::new("id", true);
    let live = changes(Topic::Commission);
    let data = resource(
        move || (state.get(), live.get()),
        |(q, _)| ib_prop_statistics(q),
    );
    view! {
        <PageHeader title="ib.nav_stats" subtitle="ib.stats_sub"/>
        <IbNav/>
        <div class="card">
            <ListToolbar state dates=true/>
        </div>
        <Transition fallback=|| view! { <div class="spinner"></div> }>
            {move || data.get().map(|r| match r {
                Ok(s) => view! { <Stats s/> }.into_any(),
                Err(e) => view! { <FormProblem error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Stats(s: IbPropStats) -> impl IntoView {
    let i18n = use_i18n();
    let by_stage = s.by_stage.clone();
    // Drawn again when the language changes: its labels are words.
    let stages = move || {
        let data: Vec<(String, u64)> = by_stage
            .iter()
            .map(|(stage, n)| (format!("{} {stage}", i18n.t("ib.stage")), *n))
            .collect();
        view! { <BarChart data title=Signal::derive(move || i18n.t("ib.by_stage")) full_labels=true/> }
    };
    let pass = s
        .pass_rate_bps
        .map(|b| Bps(b).to_string())
        .unwrap_or_else(|| "—".into());
    view! {
        <div class="grid-cards" data-testid="ib-stats">
            <div class="card stat">
                <span class="stat-label">{move || i18n.t("ib.participants")}</span>
                <span class="stat-value" data-testid="stat-participants">{s.participants}</span>
            </div>
            <div class="card stat">
                <span class="stat-label">{move || i18n.t("ib.funded")}</span>
                <span class="stat-value">{s.funded}</span>
            </div>
            <div class="card stat">
                <span class="stat-label">{move || i18n.t("ib.fees_collected")}</span>
                <span class="stat-value" data-testid="stat-fees">{monies(&s.fees)}</span>
            </div>
            <div class="card stat">
                <span class="stat-label">{move || i18n.t("ib.fee_commissions")}</span>
                <span class="stat-value" data-testid="stat-commissions">{monies(&s.commissions)}</span>
            </div>
            <div class="card stat">
                <span class="stat-label">{move || i18n.t("ib.profit_shares")}</span>
                <span class="stat-value">{monies(&s.profit_shares)}</span>
            </div>
            <div class="card stat">
                <span class="stat-label">{move || i18n.t("ib.pass_rate")}</span>
                <span class="stat-value">{pass}</span>
            </div>
        </div>
        <div class="grid-2">
            <div class="card">
                <h2 class="card-title">{move || i18n.t("ib.commissions_by_day")}</h2>
                <PeriodChart periods=s.daily.clone()/>
            </div>
            <div class="card">
                <h2 class="card-title">{move || i18n.t("ib.by_stage")}</h2>
                {stages}
                <div class="cluster">
                    {s.by_status.iter().map(|(st, n)| view! {
                        <span class="cluster"><ParticipantBadge status=*st/><span class="muted small">{format!("× {n}")}</span></span>
                    }).collect_view()}
                </div>
            </div>
        </div>
    }
}
