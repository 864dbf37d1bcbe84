//! The back office's participants: everyone taking a challenge, with their stage, status and
//! progress, and one participant's page: where they stand, why a stage ended (the rules
//! engine's decisions with their figures), the balance and equity chart, the stage accounts,
//! positions and deals, and the manual "advance to the next stage".
use crate::api::prop::participants::SetParticipantDataType;
use crate::api::prop::participants::{AdvanceParticipant, get_participant, get_participants};
use crate::api::prop::profit_shares::SettleParticipant;
use crate::domain::live::Topic;
use crate::domain::permission::Permission;
use crate::i18n::{I18n, use_i18n};
use crate::model::{ParticipantDetail, ParticipantRow, PropFilter};
use crate::pages::PageHeader;
use crate::ui::form::loading;
use crate::ui::form::{FormProblem, TextField, last_error, tlabel};
use crate::ui::layout::MeCtx;
use crate::ui::live::{LiveDot, changes, changes_of, steady};
use crate::ui::profit_share::{ProfitSharesTable, ProfitTerms};
use crate::ui::prop::{
    AccountsTable, DataTypeBadge, DealsTable, DecisionsTable, EquityChart, ParticipantBadge,
    PositionsTable, ProgressBars, StageRules, or_dash, trading_days_text,
};
use crate::ui::prop_filter::{Offer, PropFilterBar};
use crate::ui::resource::resource;
use crate::ui::route_id;
use crate::ui::table::{ListBody, ListState, SortHeader};
use crate::ui::text::{label_text, money_or_dash};
use crate::ui::toolbar::ListToolbar;
use leptos::prelude::*;

/// The statuses a participant can be in, in the order of a participation's life.
pub const STATUSES: [&str; 9] = [
    "awaiting_payment",
    "pending_approval",
    "in_progress",
    "pending_live",
    "retry_pending",
    "completed",
    "failed",
    "rejected",
    "cancelled",
];

/// The status filter: (value, label key), "all" first.
fn status_filters() -> Vec<(&'static str, &'static str)> {
    vec![
        ("", "prop.all_statuses"),
        ("awaiting_payment", "prop.status_awaiting_payment"),
        ("pending_approval", "prop.status_pending_approval"),
        ("in_progress", "prop.status_in_progress"),
        ("pending_live", "prop.status_pending_live"),
        ("retry_pending", "prop.status_retry_pending"),
        ("completed", "prop.status_completed"),
        ("failed", "prop.status_failed"),
        ("rejected", "prop.status_rejected"),
        ("cancelled", "prop.status_cancelled"),
    ]
}

/// A value, or a dash when there is none.
/// "2/3 · Demo": the 1-based stage of all, and its environment.
fn stage_text(i18n: I18n, r: &ParticipantRow) -> String {
    let n = i18n
        .t("prop.stage_n_of")
        .replace("{n}", &r.stage.to_string())
        .replace("{total}", &r.stages.to_string());
    match r.environment.as_str() {
        "demo" => format!("{n} · {}", i18n.t("prop.env_demo")),
        "live" => format!("{n} · {}", i18n.t("prop.env_live")),
        _ => n,
    }
}

// ---------------------------------------------------------------------------------------------
// The list
// ---------------------------------------------------------------------------------------------

#[component]
pub fn ParticipantsPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = ListState::new("id", true);
    let filter = RwSignal::new(PropFilter::default());
    // A new filter starts again from the first page.
    Effect::new(move |prev: Option<PropFilter>| {
        let now = filter.get();
        if prev.is_some_and(|p| p != now) {
            state.0.update(|q| q.page = 0);
        }
        now
    });
    let live = changes(Topic::Participant);
    let rows = resource(
        move || (state.get(), filter.get(), live.get()),
        |(q, f, _)| get_participants(q, f),
    );
    let export = Signal::derive(move || {
        format!(
            "/export/participants.csv?{}&{}",
            state.get().to_query_string(),
            filter.get().to_query_string()
        )
    });
    view! {
        <PageHeader title="nav.participants" subtitle="prop.participants_sub"/>
        <div class="card">
            <ListToolbar state search="prop.search" filters=status_filters() filter_label="prop.filter_status" dates=true export/>
            <PropFilterBar filter offer=Offer::ALL/>
            <div class="table-wrap">
                <table class="table prop-table" data-testid="participants">
                    <thead>
                        <tr>
                            <SortHeader state col="id" label="common.id" num=true/>
                            <th>{move || i18n.t("appr.client")}</th>
                            <SortHeader state col="challenge" label="prop.challenge"/>
                            <SortHeader state col="stage" label="prop.stage"/>
                            <SortHeader state col="status" label="common.status"/>
                            <th>{move || i18n.t("prop.login")}</th>
                            <th class="num">{move || i18n.t("prop.equity")}</th>
                            <th>{move || i18n.t("prop.progress")}</th>
                            <th><span class="sr-only">{move || i18n.t("common.actions")}</span></th>
                        </tr>
                    </thead>
                    <ListBody state data=rows cols=9 row=move |r: ParticipantRow| participant_row(i18n, r)/>
                </table>
            </div>
        </div>
    }
}

fn participant_row(i18n: I18n, r: ParticipantRow) -> impl IntoView {
    let href = format!("/admin/participants/{}", r.id);
    let stage_row = r.clone();
    let stage = move || stage_text(i18n, &stage_row);
    let reason = r.reason.clone();
    view! {
        <tr data-testid=format!("participant-{}", r.id) data-email=r.email.clone() data-status=r.status.as_str()>
            <td class="num mono">{r.id}</td>
            <td class="client-cell">
                <span class="cell-main">{or_dash(&r.client)}</span>
                <span class="cell-sub">{r.email.clone()}</span>
                {(!r.ib.is_empty()).then(|| {
                    let ib = r.ib.clone();
                    view! { <span class="cell-sub">{move || i18n.t("prop.via_ib").replace("{ib}", &ib)}</span> }
                })}
            </td>
            <td>
                <span class="cell-main">{r.challenge.clone()}</span>
                <span class="cell-sub">{r.package.clone()}</span>
            </td>
            <td class="nowrap">{stage}</td>
            <td>
                <span class="prop-status">
                    <ParticipantBadge status=r.status/>
                    // Only the exception is marked: demo participants are left out of the figures.
                    {(r.data_type == "demo").then(|| view! { <DataTypeBadge data_type=r.data_type.clone()/> })}
                    {(!reason.is_empty()).then(|| {
                        let key = reason.clone();
                        view! { <span class="cell-sub text-danger" data-testid="participant-row-reason">{move || label_text(i18n, &key)}</span> }
                    })}
                </span>
            </td>
            <td class="mono">{or_dash(&r.login)}</td>
            <td class="num">
                <span class="cell-main">{money_or_dash(r.equity)}</span>
                <span class="cell-sub">{money_or_dash(r.balance)}</span>
            </td>
            <td class="prop-bars-cell"><ProgressBars bars=r.bars.clone() compact=true/></td>
            <td><a class="btn btn-sm" href=href>{move || i18n.t("appr.open")}</a></td>
        </tr>
    }
}

// ---------------------------------------------------------------------------------------------
// One participant
// ---------------------------------------------------------------------------------------------

#[component]
pub fn ParticipantPage() -> impl IntoView {
    let i18n = use_i18n();
    let MeCtx(me) = expect_context();
    let may = move |p: Permission| {
        Signal::derive(move || {
            me.get()
                .and_then(|r| r.ok().flatten())
                .is_some_and(|m| m.can(p))
        })
    };
    let perms = Perms {
        advance: may(Permission::ParticipantsAdvance),
        tag: may(Permission::ParticipantsTag),
        settle: may(Permission::ProfitShareSettle),
    };
    let id = route_id();
    let version = RwSignal::new(0u32);
    let live = changes_of(Topic::Participant, id);
    let detail = resource(
        move || (id.get(), version.get(), live.get()),
        |(id, _, _)| get_participant(id),
    );
    let notice = RwSignal::new(false);
    // The body's actions belong to the page, not to the body every live tick draws anew: a
    // settlement in flight stays disabled and an error stays shown through the redraw.
    let acts = Acts {
        tag: ServerAction::new(),
        settle: ServerAction::new(),
    };
    Effect::new(move |_| {
        if let Some(Ok(())) = acts.tag.value().get() {
            version.update(|v| *v += 1);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = acts.settle.value().get() {
            version.update(|v| *v += 1);
        }
    });
    Effect::new(move |prev: Option<i64>| {
        let now = id.get();
        if prev.is_some_and(|p| p != now) {
            notice.set(false);
            acts.tag.value().set(None);
            acts.settle.value().set(None);
        }
        now
    });
    let on_advanced = Callback::new(move |_| {
        notice.set(true);
        version.update(|v| *v += 1);
    });
    view! {
        <PageHeader title="prop.participant_title" subtitle="prop.participant_sub">
            <LiveDot/>
            <a class="btn btn-ghost" href="/admin/participants">{move || i18n.t("prop.back")}</a>
        </PageHeader>
        <div class="stack">
            <Show when=move || notice.get()>
                <div class="alert alert-success" role="status" data-testid="participant-advanced">
                    {move || i18n.t("prop.advance_done")}
                </div>
            </Show>
            <Transition fallback=loading>
                {move || {
                    detail
                        .get()
                        .map(|r| match r {
                            Ok(d) => view! { <ParticipantBody d perms acts/> }.into_any(),
                            Err(e) => view! { <div class="form-error" role="alert">{move || i18n.t(e.key())}</div> }.into_any(),
                        })
                }}
                // Apart from the body, which every tick of the account draws anew: the reason
                // being typed stays, and so does the focus.
                {steady(
                    move || detail.get().and_then(|r| r.ok()).map(|d| (d.row.id, d.advanceable)),
                    move |(id, advanceable)| view! {
                        <Show when=move || advanceable && perms.advance.get()>
                            <AdvanceForm id on_done=on_advanced/>
                        </Show>
                    },
                )}
            </Transition>
        </div>
    }
}

/// What the staff member may do on the page.
#[derive(Clone, Copy)]
struct Perms {
    advance: Signal<bool>,
    tag: Signal<bool>,
    settle: Signal<bool>,
}

/// The changes made on the page's body; the page re-reads itself after each.
#[derive(Clone, Copy)]
struct Acts {
    tag: ServerAction<SetParticipantDataType>,
    settle: ServerAction<SettleParticipant>,
}

#[component]
fn ParticipantBody(d: ParticipantDetail, perms: Perms, acts: Acts) -> impl IntoView {
    let i18n = use_i18n();
    let r = d.row.clone();
    let stage_row = r.clone();
    let stage = move || stage_text(i18n, &stage_row);
    let reason = r.reason.clone();
    let has_reason = !reason.is_empty();
    let (traded, min_days) = (d.trading_days, d.min_trading_days);
    let trading_days = move || trading_days_text(i18n, traded, min_days);
    let (start, end) = (d.period_start.clone(), d.period_end.clone());
    let period_end = move || {
        if end.is_empty() {
            i18n.t("prop.unlimited").to_string()
        } else {
            end.clone()
        }
    };
    let participant_id = r.id;
    let challenge_href = format!("/admin/challenges/{}", r.challenge_id);
    let fee = r.fee.to_string();
    let account = d.account.clone();
    let data_type = r.data_type.clone();
    let sharing = d.profit_terms.is_some() || !d.profit_shares.is_empty();
    view! {
        <div class="grid-2 prop-detail-top">
            <div class="card" data-testid="participant-overview">
                <div class="card-header">
                    <div>
                        <h2 class="card-title">{or_dash(&r.client)}</h2>
                        <span class="muted">{r.email.clone()} " · #" {r.id}</span>
                    </div>
                    <div class="cluster">
                        <ParticipantBadge status=r.status testid="participant-status"/>
                        {has_reason.then(|| {
                            let key = reason.clone();
                            view! {
                                <span class="badge badge-danger" data-testid="participant-reason" data-reason=reason.clone()>
                                    {move || label_text(i18n, &key)}
                                </span>
                            }
                        })}
                    </div>
                </div>
                <dl class="kv-grid">
                    <div>
                        <dt>{move || i18n.t("prop.challenge")}</dt>
                        <dd><a href=challenge_href>{r.challenge.clone()}</a></dd>
                    </div>
                    <div><dt>{move || i18n.t("prop.package")}</dt><dd>{or_dash(&r.package)}</dd></div>
                    <div><dt>{move || i18n.t("prop.stage")}</dt><dd data-testid="participant-stage">{stage}</dd></div>
                    <div><dt>{move || i18n.t("prop.attempt")}</dt><dd>{r.attempt}</dd></div>
                    <div><dt>{move || i18n.t("prop.fee")}</dt><dd>{fee}</dd></div>
                    <div><dt>{move || i18n.t("prop.created")}</dt><dd>{or_dash(&r.created_at)}</dd></div>
                    <div><dt>{move || i18n.t("prop.started")}</dt><dd>{or_dash(&r.started_at)}</dd></div>
                    <div><dt>{move || i18n.t("prop.ended")}</dt><dd>{or_dash(&r.ended_at)}</dd></div>
                    <div><dt>{move || i18n.t("prop.ib")}</dt><dd>{or_dash(&r.ib)}</dd></div>
                    <div>
                        <dt>{move || i18n.t("prop.data_type")}</dt>
                        <dd>
                            {move || if perms.tag.get() {
                                view! { <DataTypeForm id=participant_id current=data_type.clone() tag=acts.tag/> }.into_any()
                            } else {
                                view! { <DataTypeBadge data_type=data_type.clone()/> }.into_any()
                            }}
                        </dd>
                    </div>
                </dl>
                <h3 class="section-title">{move || i18n.t("prop.current_account")}</h3>
                {match account {
                    Some(a) => {
                        view! {
                            <dl class="kv-grid" data-testid="participant-account">
                                <div><dt>{move || i18n.t("prop.login")}</dt><dd class="mono" data-testid="participant-login">{a.login.clone()}</dd></div>
                                <div><dt>{move || i18n.t("prop.platform")}</dt><dd>{a.platform.clone()}</dd></div>
                                <div><dt>{move || i18n.t("prop.balance")}</dt><dd class="kv-strong" data-testid="participant-balance">{a.balance.to_string()}</dd></div>
                                <div><dt>{move || i18n.t("prop.equity")}</dt><dd class="kv-strong" data-testid="participant-equity">{a.equity.to_string()}</dd></div>
                                <div><dt>{move || i18n.t("prop.margin")}</dt><dd>{a.margin.to_string()}</dd></div>
                                <div><dt>{move || i18n.t("prop.free_margin")}</dt><dd>{a.free_margin.to_string()}</dd></div>
                                <div><dt>{move || i18n.t("prop.positions")}</dt><dd>{a.open_positions}</dd></div>
                                <div><dt>{move || i18n.t("prop.leverage")}</dt><dd>{format!("1:{}", a.leverage)}</dd></div>
                            </dl>
                        }
                            .into_any()
                    }
                    None => view! { <p class="muted">{move || i18n.t("prop.no_account")}</p> }.into_any(),
                }}
            </div>
            <div class="card" data-testid="participant-progress">
                <h2 class="card-title">{move || i18n.t("prop.progress")}</h2>
                <ProgressBars bars=r.bars.clone()/>
                <dl class="kv-grid prop-days">
                    <div><dt>{move || i18n.t("prop.trading_days")}</dt><dd class="kv-strong" data-testid="participant-trading-days">{trading_days}</dd></div>
                    <div><dt>{move || i18n.t("prop.period_start")}</dt><dd>{or_dash(&start)}</dd></div>
                    <div><dt>{move || i18n.t("prop.period_end")}</dt><dd>{period_end}</dd></div>
                </dl>
                <StageRules stages=d.stage_rules.clone() current=r.stage/>
            </div>
        </div>
        <div class="card">
            <h2 class="card-title">{move || i18n.t("prop.chart_title")}</h2>
            <EquityChart points=d.points.clone() currency=r.currency().to_string()/>
        </div>
        {sharing.then(|| view! {
            <ProfitSharing id=participant_id d=d.clone() may_settle=perms.settle settle=acts.settle/>
        })}
        <div class="card">
            <h2 class="card-title">{move || i18n.t("prop.decisions")}</h2>
            <DecisionsTable rows=d.decisions.clone() testid="participant-decisions"/>
        </div>
        <div class="card">
            <h2 class="card-title">{move || i18n.t("prop.accounts")}</h2>
            <AccountsTable rows=d.accounts.clone() testid="participant-accounts"/>
        </div>
        <div class="card">
            <h2 class="card-title">{move || i18n.t("prop.positions")}</h2>
            <PositionsTable rows=d.positions.clone() testid="participant-positions"/>
        </div>
        <div class="card">
            <h2 class="card-title">{move || i18n.t("prop.trade_history")}</h2>
            <DealsTable rows=d.deals.clone() testid="participant-deals"/>
        </div>
    }
}

/// Real or demo: a demo participant is left out of the firm's figures.
#[component]
fn DataTypeForm(
    id: i64,
    current: String,
    tag: ServerAction<SetParticipantDataType>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = last_error(tag.value());
    let is_demo = current == "demo";
    view! {
        <span class="cluster">
            <select
                class="inline-select"
                aria-label=move || i18n.t("prop.data_type")
                data-testid="participant-data-type"
                disabled=move || tag.pending().get()
                on:change=move |ev| {
                    tag.dispatch(SetParticipantDataType { id, data_type: event_target_value(&ev) });
                }
            >
                <option value="real" selected=!is_demo>{move || i18n.t("prop.data_real")}</option>
                <option value="demo" selected=is_demo>{move || i18n.t("prop.data_demo")}</option>
            </select>
            <FormProblem error/>
        </span>
    }
}

/// The funded stage's terms, the settlements, and "settle now" for staff who may.
#[component]
fn ProfitSharing(
    id: i64,
    d: ParticipantDetail,
    may_settle: Signal<bool>,
    settle: ServerAction<SettleParticipant>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = last_error(settle.value());
    let settleable = d.profit_terms.as_ref().is_some_and(|t| t.settleable);
    let currency = d.row.currency().to_string();
    let pending = settle.pending();
    view! {
        <div class="card" data-testid="participant-profit-sharing">
            <div class="card-header">
                <h2 class="card-title">{move || i18n.t("prop.ps_title")}</h2>
                <Show when=move || settleable && may_settle.get()>
                    <button
                        type="button"
                        class="btn btn-primary"
                        data-testid="participant-settle"
                        class:is-loading=move || pending.get()
                        disabled=move || pending.get()
                        on:click=move |_| { settle.dispatch(SettleParticipant { id }); }
                    >
                        {move || i18n.t("prop.ps_settle_now")}
                    </button>
                </Show>
            </div>
            <div data-testid="settle-error"><FormProblem error/></div>
            {d.profit_terms.clone().map(|t| view! { <ProfitTerms t currency=currency.clone()/> })}
            <ProfitSharesTable rows=d.profit_shares.clone() testid="participant-profit-shares" staff=true/>
        </div>
    }
}

/// Ends the current stage as passed, with the staff member's reason (required).
#[component]
fn AdvanceForm(id: i64, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let comment = RwSignal::new(String::new());
    let advance = ServerAction::<AdvanceParticipant>::new();
    let local: RwSignal<Option<crate::error::AppError>> = RwSignal::new(None);
    let server = last_error(advance.value());
    let error = Signal::derive(move || local.get().or_else(|| server.get()));
    Effect::new(move |_| {
        if let Some(Ok(())) = advance.value().get() {
            comment.set(String::new());
            on_done.run(());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = comment.get_untracked().trim().to_string();
        if text.is_empty() {
            local.set(Some(crate::error::AppError::field(
                "comment",
                "err.comment_required",
            )));
            return;
        }
        local.set(None);
        advance.dispatch(AdvanceParticipant { id, comment: text });
    };
    let pending = advance.pending();
    view! {
        <div class="card">
            <h2 class="card-title">{move || i18n.t("prop.advance_title")}</h2>
            <form id="advance-form" class="form narrow-form" on:submit=submit novalidate>
                <p class="muted small">{move || i18n.t("prop.advance_hint")}</p>
                <FormProblem error shown=vec!["comment".to_string()]/>
                <TextField
                    label=tlabel("appr.comment")
                    id="advance-comment"
                    field="comment"
                    value=comment
                    error
                    multiline=true
                    required=true
                />
                <div class="form-actions">
                    <button
                        type="submit"
                        class="btn btn-primary"
                        data-testid="participant-advance"
                        class:is-loading=move || pending.get()
                        disabled=move || pending.get()
                    >
                        {move || i18n.t("prop.advance_submit")}
                    </button>
                </div>
            </form>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_a_filter() {
        let filters = status_filters();
        assert_eq!(filters.len(), STATUSES.len() + 1);
        for s in STATUSES {
            assert!(filters.iter().any(|(v, k)| *v == s && k.ends_with(s)));
        }
    }
}
