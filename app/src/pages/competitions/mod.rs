//! Trading competitions' screens: staff's list and editor and one competition's desk
//! (`/admin/competitions`), the client's competitions and board (`/competitions`).
pub mod admin;
pub mod client;
pub mod desk;

use crate::domain::competition::{Measure, Phase};
use crate::i18n::use_i18n;
use crate::model::PrizeRow;
use leptos::prelude::*;

pub fn measure_key(m: Measure) -> &'static str {
    match m {
        Measure::ReturnPct => "comp.measure_return",
        Measure::Profit => "comp.measure_profit",
        Measure::Equity => "comp.measure_equity",
    }
}

#[component]
pub fn PhaseBadge(phase: Phase) -> impl IntoView {
    let i18n = use_i18n();
    let (class, key) = match phase {
        Phase::Upcoming => ("badge badge-muted", "comp.phase_upcoming"),
        Phase::Registration => ("badge badge-accent", "comp.phase_registration"),
        Phase::Running => ("badge badge-success", "comp.phase_running"),
        Phase::Ended => ("badge badge-warn", "comp.phase_ended"),
        Phase::Finished => ("badge badge-muted", "comp.phase_finished"),
    };
    view! { <span class=class data-testid="phase" data-phase=phase.as_str()>{move || i18n.t(key)}</span> }
}

#[component]
pub fn PrizeTable(prizes: Vec<PrizeRow>) -> impl IntoView {
    let i18n = use_i18n();
    (!prizes.is_empty()).then(|| {
        view! {
            <table class="table prize-table" data-testid="prizes">
                <thead><tr><th>{move || i18n.t("comp.ranks")}</th><th>{move || i18n.t("comp.prize")}</th></tr></thead>
                <tbody>
                    {prizes.into_iter().map(|p| view! {
                        <tr>
                            <td>{if p.from == p.to { format!("#{}", p.from) } else { format!("#{}–#{}", p.from, p.to) }}</td>
                            <td class="amount">{p.amount.to_string()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    })
}
