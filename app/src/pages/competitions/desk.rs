//! One competition for staff (`/admin/competitions/:id`): entrants, fees, active traders and
//! prizes paid; every entrant with their place, suspension with a reason, ending trading now
//! and releasing prizes that wait for review.
use super::{PhaseBadge, PrizeTable};
use crate::api::competitions::{
    EndCompetition, PayCompetition, SuspendEntrant, competition_overview,
};
use crate::domain::competition::{EntryStatus, PayoutMode, Phase};
use crate::domain::live::Topic;
use crate::i18n::use_i18n;
use crate::model::EntrantRow;
use crate::pages::PageHeader;
use crate::ui::datetime;
use crate::ui::form::{FormProblem, first_error, last_error};
use crate::ui::live::changes_of;
use crate::ui::resource::resource;
use crate::ui::route_id;
use leptos::prelude::*;

#[component]
pub fn CompetitionDeskPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = route_id();
    let live = changes_of(Topic::Leaderboard, id);
    let version = RwSignal::new(0u32);
    let desk = resource(
        move || (id.get(), live.get(), version.get()),
        |(id, _, _)| competition_overview(id),
    );
    let suspend = ServerAction::<SuspendEntrant>::new();
    let end = ServerAction::<EndCompetition>::new();
    let pay = ServerAction::<PayCompetition>::new();
    let error = first_error([
        last_error(suspend.value()),
        last_error(end.value()),
        last_error(pay.value()),
    ]);
    Effect::new(move |_| {
        if matches!(suspend.value().get(), Some(Ok(())))
            || matches!(end.value().get(), Some(Ok(())))
            || matches!(pay.value().get(), Some(Ok(_)))
        {
            version.update(|v| *v += 1);
        }
    });
    let reason = RwSignal::new(String::new());
    let loaded = move || desk.get().and_then(|r| r.ok());
    view! {
        <PageHeader title="comp.title">
            <a class="btn btn-ghost" href="/admin/competitions">{move || i18n.t("comp.all")}</a>
        </PageHeader>
        <Transition fallback=move || view! { <div class="spinner"></div> }>
            {move || desk.get().and_then(|r| r.err()).map(|e| view! { <p class="alert alert-error">{i18n.t(e.key())}</p> })}
            <Show when=move || loaded().is_some()>
                <div class="stack">
                    {move || loaded().map(|d| {
                        let c = d.competition.clone();
                        let s = d.stats.clone();
                        let cid = c.id;
                        let running = c.phase == Phase::Running;
                        let releasable = c.settled && c.payout == PayoutMode::Review && s.prizes_due.minor() > 0;
                        view! {
                            <div class="card">
                                <div class="thread-head">
                                    <h2 class="card-title" data-testid="competition-name">{c.name.clone()}</h2>
                                    <PhaseBadge phase=c.phase/>
                                </div>
                                <p class="muted">{datetime(&c.start_at)}" → "{datetime(&c.end_at)}</p>
                                <PrizeTable prizes=c.prizes.clone()/>
                                <FormProblem error/>
                                <div class="form-actions">
                                    {running.then(|| view! {
                                        <button type="button" class="btn" data-testid="end-now" on:click=move |_| { end.dispatch(EndCompetition { id: cid }); }>{move || i18n.t("comp.end_now")}</button>
                                    })}
                                    {releasable.then(|| view! {
                                        <button type="button" class="btn btn-primary" data-testid="pay-prizes" on:click=move |_| { pay.dispatch(PayCompetition { id: cid }); }>{move || i18n.t("comp.pay_prizes")}</button>
                                    })}
                                </div>
                            </div>
                            <div class="grid-cards" data-testid="competition-stats">
                                <div class="card stat"><span class="stat-label">{move || i18n.t("comp.entrants")}</span><span class="stat-value">{s.entrants}</span></div>
                                <div class="card stat"><span class="stat-label">{move || i18n.t("comp.active_traders")}</span><span class="stat-value">{s.active_traders}</span></div>
                                <div class="card stat"><span class="stat-label">{move || i18n.t("comp.fees_collected")}</span><span class="stat-value">{s.fees.to_string()}</span></div>
                                <div class="card stat"><span class="stat-label">{move || i18n.t("comp.prizes_paid")}</span><span class="stat-value" data-testid="prizes-paid">{s.prizes_paid.to_string()}</span></div>
                            </div>
                        }
                    })}
                    // Apart from the table, which every board move draws anew: the reason being
                    // typed keeps its focus.
                    <div class="card">
                        <h3 class="card-title">{move || i18n.t("comp.entrants")}</h3>
                        <label class="field">
                            <span>{move || i18n.t("comp.suspend_reason")}</span>
                            <input class="input" data-testid="suspend-reason" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/>
                        </label>
                        {move || loaded().map(|d| {
                            let settled = d.competition.settled;
                            view! {
                                <div class="table-wrap">
                                    <table class="table" data-testid="entrants">
                                        <thead>
                                            <tr>
                                                <th>"#"</th>
                                                <th>{move || i18n.t("comp.trader")}</th>
                                                <th>{move || i18n.t("comp.account")}</th>
                                                <th>{move || i18n.t("comp.score")}</th>
                                                <th>{move || i18n.t("prop.equity")}</th>
                                                <th>{move || i18n.t("comp.prize")}</th>
                                                <th>{move || i18n.t("common.actions")}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {d.entrants.into_iter().map(|e: EntrantRow| {
                                                let suspended = e.status == EntryStatus::Suspended;
                                                let entry = e.entry_id;
                                                view! {
                                                    <tr data-testid=format!("entrant-{}", e.email)>
                                                        <td>{e.rank.map(|r| r.to_string()).unwrap_or_else(|| "—".into())}</td>
                                                        <td><span class="cell-main">{e.name.clone()}</span><span class="cell-sub">{e.email.clone()}" · "{e.country.clone()}</span></td>
                                                        <td class="mono">{e.login.clone()}</td>
                                                        <td class="amount">{e.score.clone()}</td>
                                                        <td class="amount">{e.equity.to_string()}</td>
                                                        <td class="amount">{e.prize.map(|p| p.to_string()).unwrap_or_default()}{e.paid.then_some(view! { " ✓" })}</td>
                                                        <td>
                                                            {if suspended {
                                                                view! {
                                                                    <span class="badge badge-danger" title=e.suspend_reason.clone()>{move || i18n.t("comp.suspended")}</span>
                                                                    " "
                                                                    <button type="button" class="btn btn-sm" disabled=settled on:click=move |_| { suspend.dispatch(SuspendEntrant { entry, suspended: false, reason: String::new() }); }>{move || i18n.t("comp.reinstate")}</button>
                                                                }.into_any()
                                                            } else {
                                                                view! {
                                                                    <button type="button" class="btn btn-sm btn-ghost" data-testid="suspend" disabled=settled on:click=move |_| { suspend.dispatch(SuspendEntrant { entry, suspended: true, reason: reason.get_untracked() }); }>{move || i18n.t("comp.suspend")}</button>
                                                                }.into_any()
                                                            }}
                                                        </td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }
                        })}
                    </div>
                </div>
            </Show>
        </Transition>
    }
}
