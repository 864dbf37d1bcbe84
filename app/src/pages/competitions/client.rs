//! The client's competitions: those open to their group (`/competitions`), and one
//! competition's page (`/competitions/:id`) with its rules and prizes, joining (the fee from the
//! wallet), the trader's own place and account, an order ticket, and the board, which moves on
//! the live stream as prices do.
use super::{PhaseBadge, PrizeTable, measure_key};
use crate::api::competitions::{JoinCompetition, competition_board, open_competitions};
use crate::api::trading::positions::{ClosePosition, OpenPosition, get_quotes};
use crate::domain::competition::{EntryStatus, Phase};
use crate::domain::live::Topic;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::model::{Board, BoardRow, CompetitionRow, MyEntry};
use crate::pages::PageHeader;
use crate::ui::datetime;
use crate::ui::form::{FormProblem, SelectField, TextField, first_error, last_error, tlabel};
use crate::ui::live::{changes, changes_of, steady};
use crate::ui::prop::PositionsTable;
use crate::ui::resource::{Json, resource};
use crate::ui::route_id;
use leptos::prelude::*;

#[component]
pub fn CompetitionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let live = changes(Topic::Leaderboard);
    let list = resource(move || live.get(), |_| open_competitions());
    view! {
        <PageHeader title="nav.competitions" subtitle="comp.mine_sub"/>
        <Suspense fallback=move || view! { <div class="spinner"></div> }>
            {move || list.get().map(|r| match r {
                Err(e) => view! { <p class="alert alert-error">{i18n.t(e.key())}</p> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="card muted">{move || i18n.t("comp.none")}</p> }.into_any(),
                Ok(list) => view! {
                    <div class="download-grid" data-testid="competitions">
                        {list.into_iter().map(|c| view! { <Card c/> }).collect_view()}
                    </div>
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Card(c: CompetitionRow) -> impl IntoView {
    let i18n = use_i18n();
    let fee = if c.fee.minor() == 0 {
        None
    } else {
        Some(c.fee.to_string())
    };
    view! {
        <a class="card download-card competition-card" href=format!("/competitions/{}", c.id) data-testid=format!("competition-{}", c.name)>
            {(!c.banner_url.is_empty()).then(|| view! { <img class="competition-banner" src=c.banner_url.clone() alt=""/> })}
            <div class="thread-head">
                <strong>{c.name.clone()}</strong>
                <PhaseBadge phase=c.phase/>
                {c.joined.then(|| view! { <span class="badge badge-accent">{move || i18n.t("comp.joined")}</span> })}
            </div>
            <p class="muted">{datetime(&c.start_at)}" → "{datetime(&c.end_at)}</p>
            <p>
                {move || i18n.t("comp.fee")}": "{move || fee.clone().unwrap_or_else(|| i18n.t("comp.free").to_string())}
                " · "{move || i18n.t("comp.entrants")}": "{c.entrants}
            </p>
        </a>
    }
}

#[component]
pub fn CompetitionPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = route_id();
    let live = changes_of(Topic::Leaderboard, id);
    let version = RwSignal::new(0u32);
    let board = resource(
        move || (id.get(), live.get(), version.get()),
        |(id, _, _)| competition_board(id),
    );
    let join = ServerAction::<JoinCompetition>::new();
    let join_error = last_error(join.value());
    // Kept here, above the board's refreshes, so a live update does not wipe what was typed.
    let promo = RwSignal::new(String::new());
    let ticket = Ticket {
        symbol: RwSignal::new("EURUSD".to_string()),
        volume: RwSignal::new("1".to_string()),
    };
    let refresh = Callback::new(move |_| version.update(|v| *v += 1));
    Effect::new(move |_| {
        if matches!(join.value().get(), Some(Ok(_))) {
            refresh.run(());
        }
    });
    let loaded = move || board.get().and_then(|r| r.ok());
    // Every board move comes live and draws the board anew: the join and the order ticket are
    // drawn apart from it, anew only when what they stand on changes, so typing and focus stay.
    let joinable = move || {
        read_board(board, |b| {
            let c = &b.competition;
            let now = crate::ui::now();
            let open = b.mine.is_none()
                && !matches!(c.phase, Phase::Ended | Phase::Finished)
                && c.registration_start <= now
                && now < c.registration_end;
            open.then_some((c.id, c.fee))
        })
    };
    let trading = move || {
        read_board(board, |b| {
            b.mine.as_ref().filter(|m| m.trading).map(|m| m.account_id)
        })
    };
    let positions = Signal::derive(move || {
        read_board(board, |b| b.mine.as_ref().map(|m| m.positions.clone())).unwrap_or_default()
    });
    view! {
        <PageHeader title="comp.title">
            <a class="btn btn-ghost" href="/competitions">{move || i18n.t("comp.all")}</a>
        </PageHeader>
        <Transition fallback=move || view! { <div class="spinner"></div> }>
            {move || board.get().and_then(|r| r.err()).map(|e| view! { <p class="alert alert-error">{i18n.t(e.key())}</p> })}
            <Show when=move || read_board(board, |_| Some(())).is_some()>
                <div class="stack">
                    {move || loaded().map(|b| {
                        let c = b.competition;
                        let fee = c.fee;
                        view! {
                            <div class="card stack">
                                {(!c.banner_url.is_empty()).then(|| view! { <img class="competition-banner" src=c.banner_url.clone() alt=""/> })}
                                <div class="thread-head">
                                    <h2 class="card-title" data-testid="competition-name">{c.name.clone()}</h2>
                                    <PhaseBadge phase=c.phase/>
                                </div>
                                <dl class="kv-grid">
                                    <div><dt>{move || i18n.t("comp.registration")}</dt><dd>{datetime(&c.registration_start)}" → "{datetime(&c.registration_end)}</dd></div>
                                    <div><dt>{move || i18n.t("comp.trading")}</dt><dd>{datetime(&c.start_at)}" → "{datetime(&c.end_at)}</dd></div>
                                    <div><dt>{move || i18n.t("comp.fee")}</dt><dd>{move || if fee.minor() == 0 { i18n.t("comp.free").to_string() } else { fee.to_string() }}</dd></div>
                                    <div><dt>{move || i18n.t("comp.starting_balance")}</dt><dd>{c.starting_balance.to_string()}</dd></div>
                                    <div><dt>{move || i18n.t("comp.ranked_by")}</dt><dd>{move || i18n.t(measure_key(c.measure))}</dd></div>
                                    {(!c.symbols.is_empty()).then(|| view! { <div><dt>{move || i18n.t("comp.symbols")}</dt><dd>{c.symbols.clone()}</dd></div> })}
                                </dl>
                                <p class="thread-body">{c.rules.clone()}</p>
                                <PrizeTable prizes=c.prizes.clone()/>
                            </div>
                        }
                    })}
                    {steady(joinable, move |(cid, fee)| {
                        let button = view! {
                            <button type="button" class="btn btn-primary" data-testid="join" disabled=move || join.pending().get()
                                on:click=move |_| { join.dispatch(JoinCompetition { id: cid, promo_code: promo.get_untracked() }); }>
                                {move || if fee.minor() == 0 { i18n.t("comp.join_free").to_string() } else { i18n.t("comp.join_for").replace("{fee}", &fee.to_string()) }}
                            </button>
                        };
                        view! {
                            <div class="card stack">
                                <FormProblem error=join_error shown=vec!["promo_code".into()]/>
                                // A fee may take a promo code, typed beside the button as at a challenge's checkout.
                                {if fee.minor() == 0 {
                                    button.into_any()
                                } else {
                                    view! {
                                        <div class="promo-field">
                                            <TextField label=tlabel("prop.promo_code") id="c-promo" field="promo_code" value=promo error=join_error autocomplete="off"/>
                                            {button}
                                        </div>
                                    }.into_any()
                                }}
                            </div>
                        }
                    })}
                    {move || loaded().and_then(|b| b.mine).map(|m| view! { <Mine m/> })}
                    {steady(trading, move |account_id| view! { <OrderTicket account_id positions ticket on_done=refresh/> })}
                    {move || loaded().map(|b| view! { <BoardTable rows=b.rows/> })}
                </div>
            </Show>
        </Transition>
    }
}

/// The loaded board, read in place: the parts of the page read it on every board move, and a
/// clone each would copy every entrant's row each time.
fn read_board<R>(
    board: Resource<Result<Board, AppError>, Json>,
    f: impl FnOnce(&Board) -> Option<R>,
) -> Option<R> {
    board.with(|r| r.as_ref()?.as_ref().ok().and_then(f))
}

/// What the order ticket holds, kept by the page: the ticket is drawn anew when trading opens
/// or closes, and what was typed stays.
#[derive(Clone, Copy)]
struct Ticket {
    symbol: RwSignal<String>,
    volume: RwSignal<String>,
}

#[component]
fn Mine(m: MyEntry) -> impl IntoView {
    let i18n = use_i18n();
    let suspended = m.status == EntryStatus::Suspended;
    view! {
        <div class="card" data-testid="my-entry">
            <h3 class="card-title">{move || i18n.t("comp.my_entry")}</h3>
            {suspended.then(|| view! {
                <p class="alert alert-error" data-testid="suspended">{move || i18n.t("comp.suspended_because")}" "{m.suspend_reason.clone()}</p>
            })}
            <div class="grid-cards">
                <div class="stat"><span class="stat-label">{move || i18n.t("comp.my_rank")}</span><span class="stat-value" data-testid="my-rank">{m.rank.map(|r| format!("#{r}")).unwrap_or_else(|| "—".into())}</span></div>
                <div class="stat"><span class="stat-label">{move || i18n.t("comp.score")}</span><span class="stat-value" data-testid="my-score">{m.score.clone()}</span></div>
                <div class="stat"><span class="stat-label">{move || i18n.t("prop.equity")}</span><span class="stat-value">{m.equity.to_string()}</span></div>
                <div class="stat"><span class="stat-label">{move || i18n.t("comp.account")}</span><span class="stat-value mono" data-testid="my-login">{m.login.clone()}</span></div>
            </div>
            {m.prize.map(|p| view! {
                <p class="alert alert-success" data-testid="my-prize">{move || i18n.t("comp.you_won")}" "{p.to_string()}{m.paid.then(|| view! { " · "{move || i18n.t("comp.paid")} })}</p>
            })}
        </div>
    }
}

/// Market orders on the competition account, and its open positions (which follow the board).
#[component]
fn OrderTicket(
    account_id: i64,
    positions: Signal<Vec<crate::model::PositionDto>>,
    ticket: Ticket,
    on_done: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    // Drawn inside the board's transition: loaded in the browser.
    let quotes = LocalResource::new(get_quotes);
    let Ticket { symbol, volume } = ticket;
    let open = ServerAction::<OpenPosition>::new();
    let close = ServerAction::<ClosePosition>::new();
    let error = first_error([last_error(open.value()), last_error(close.value())]);
    Effect::new(move |_| {
        if matches!(open.value().get(), Some(Ok(()))) || matches!(close.value().get(), Some(Ok(())))
        {
            on_done.run(());
        }
    });
    let symbols = Signal::derive(move || {
        quotes
            .get()
            .and_then(|r| r.ok())
            .unwrap_or_default()
            .into_iter()
            .map(|q| (q.symbol.clone(), format!("{} · {}", q.symbol, q.price)))
            .collect::<Vec<_>>()
    });
    let send = move |side: &'static str| {
        open.dispatch(OpenPosition {
            account_id,
            symbol: symbol.get_untracked(),
            side: side.into(),
            volume: volume.get_untracked(),
            stop_loss: String::new(),
            take_profit: String::new(),
        });
    };
    let on_close = Callback::new(move |position_id| {
        close.dispatch(ClosePosition { position_id });
    });
    view! {
        <div class="card stack" data-testid="order-ticket">
        <h3 class="card-title">{move || i18n.t("prop.new_order")}</h3>
        <form class="form" novalidate on:submit=|ev| ev.prevent_default()>
            <FormProblem error shown=vec!["symbol".into(), "volume".into()]/>
            <div class="form-row">
                <SelectField label=tlabel("prop.symbol") id="c-symbol" field="symbol" value=symbol options=symbols error/>
                <TextField label=tlabel("prop.volume") id="c-volume" field="volume" value=volume error inputmode="decimal" required=true/>
            </div>
            <div class="form-actions">
                <button type="button" class="btn btn-success" data-testid="buy" disabled=move || open.pending().get() on:click=move |_| send("buy")>{move || i18n.t("prop.buy")}</button>
                <button type="button" class="btn btn-danger" data-testid="sell" disabled=move || open.pending().get() on:click=move |_| send("sell")>{move || i18n.t("prop.sell")}</button>
            </div>
        </form>
        {move || view! { <PositionsTable rows=positions.get() testid="positions" on_close closing=close.pending()/> }}
        </div>
    }
}

#[component]
pub fn BoardTable(rows: Vec<BoardRow>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="card">
            <h3 class="card-title">{move || i18n.t("comp.board")}</h3>
            <div class="table-wrap">
                <table class="table" data-testid="board">
                    <thead>
                        <tr>
                            <th>"#"</th>
                            <th>{move || i18n.t("comp.trader")}</th>
                            <th>{move || i18n.t("comp.score")}</th>
                            <th>{move || i18n.t("prop.equity")}</th>
                            <th>{move || i18n.t("comp.prize")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows.is_empty().then(|| view! { <tr><td colspan="5" class="muted">{move || i18n.t("comp.no_entrants")}</td></tr> })}
                        {rows.into_iter().map(|r| view! {
                            <tr data-testid=format!("board-{}", r.rank) class:is-mine=r.mine data-entry=r.entry_id>
                                <td>{r.rank}</td>
                                <td>{r.flag.clone()}" "{r.name.clone()}{r.mine.then(|| view! { " "<span class="badge badge-accent">{move || i18n.t("comp.you")}</span> })}</td>
                                <td class="amount">{r.score.clone()}</td>
                                <td class="amount">{r.equity.to_string()}</td>
                                <td class="amount">{r.prize.map(|p| p.to_string()).unwrap_or_default()}{r.paid.then_some(view! { " ✓" })}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
}
