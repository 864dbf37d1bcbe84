//! The board. Each account update the rules engine stores reaches `on_update` in the same
//! transaction: a competition account's entry takes its new equity and score, and the time it
//! reached that score (ties go to whoever got there first). The board reads the top of the
//! ranked entries by index; a reader's own place is a count of the entries above them.
use super::*;
use crate::domain::competition::{EntryStatus, Standing, flag, mask_name, rank};
use crate::domain::live::Topic;
use crate::model::{Board, BoardRow, MyEntry};
use crate::server::entity::{competition, competition_entry, trading_account, user};
use crate::server::infra::live::{self, Audience};
use sea_orm::sea_query::{CaseStatement, Condition, Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{HashMap, HashSet};

crate::register_update_listener!(|txn, accounts| Box::pin(on_update(txn, accounts)));

/// Entries moved by one statement: three CASEs of two parameters an entry stay far below
/// SQLite's and PostgreSQL's limits on parameters.
const MOVES_PER_STATEMENT: usize = 1000;

/// An entry's new figures.
struct Move {
    entry: i64,
    equity: i64,
    score: i64,
    reached: DateTime<Utc>,
}

/// Moves the entries of the competition accounts among `accounts` (accounts no challenge
/// participant holds), while their competition is trading.
async fn on_update(
    txn: &sea_orm::DatabaseTransaction,
    accounts: &[&trading_account::Model],
) -> Result<(), AppError> {
    let ours: HashMap<i64, &trading_account::Model> = accounts
        .iter()
        .filter(|a| a.participant_id.is_none())
        .map(|a| (a.id, *a))
        .collect();
    if ours.is_empty() {
        return Ok(());
    }
    let entries = competition_entry::Entity::find()
        .filter(competition_entry::Column::AccountId.is_in(ours.keys().copied()))
        .all(txn)
        .await?;
    if entries.is_empty() {
        return Ok(());
    }
    let comps: HashMap<i64, competition::Model> = competition::Entity::find()
        .filter(competition::Column::Id.is_in(entries.iter().map(|e| e.competition_id)))
        .all(txn)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let now = Utc::now();
    let mut moved = HashSet::new();
    let mut moves = Vec::new();
    for e in entries {
        let (Some(c), Some(acc)) = (comps.get(&e.competition_id), ours.get(&e.account_id)) else {
            continue;
        };
        // The board is fixed outside the trading period.
        if !dates(c).trading(now) || c.settled_at.is_some() || acc.equity == e.equity_minor {
            continue;
        }
        let score = score_of(c, acc.equity);
        // The time a score was reached moves only with the score.
        let reached = if score == e.score {
            e.reached_at
        } else {
            acc.updated_at
        };
        moves.push(Move {
            entry: e.id,
            equity: acc.equity,
            score,
            reached,
        });
        if e.status == EntryStatus::Active {
            moved.insert(c.id);
        }
    }
    // One statement for a batch's entries rather than one each (a bridge batch is hundreds).
    for chunk in moves.chunks(MOVES_PER_STATEMENT) {
        use competition_entry::Column as C;
        let case = |value: fn(&Move) -> sea_orm::Value, column: C| -> Expr {
            chunk
                .iter()
                .fold(CaseStatement::new(), |case, m| {
                    case.case(Expr::col(C::Id).eq(m.entry), Expr::value(value(m)))
                })
                .finally(Expr::col(column))
                .into()
        };
        competition_entry::Entity::update_many()
            .col_expr(C::EquityMinor, case(|m| m.equity.into(), C::EquityMinor))
            .col_expr(C::Score, case(|m| m.score.into(), C::Score))
            .col_expr(C::ReachedAt, case(|m| m.reached.into(), C::ReachedAt))
            .filter(C::Id.is_in(chunk.iter().map(|m| m.entry)))
            .exec(txn)
            .await?;
    }
    // One event a competition, however many of its accounts moved.
    live::emit_many(
        txn,
        moved
            .into_iter()
            .map(|id| (Audience::everyone(), Topic::Leaderboard, Some(id))),
    )
    .await
}

/// The places of the active entries: their final rank once fixed, else by score, then the time
/// it was reached, then entry.
pub fn ranks(entries: &[competition_entry::Model]) -> HashMap<i64, u32> {
    if entries.iter().any(|e| e.final_rank.is_some()) {
        return entries
            .iter()
            .filter_map(|e| e.final_rank.map(|r| (e.id, r as u32)))
            .collect();
    }
    let active: Vec<Standing> = entries
        .iter()
        .filter(|e| e.status == EntryStatus::Active)
        .map(standing)
        .collect();
    rank(active)
        .into_iter()
        .zip(1u32..)
        .map(|(s, r)| (s.entry, r))
        .collect()
}

pub fn standing(e: &competition_entry::Model) -> Standing {
    Standing {
        entry: e.id,
        score: e.score,
        reached_at: e.reached_at.timestamp_micros(),
    }
}

/// The active entries in board order, as a query (the index `idx_competition_entry_board`).
pub fn ordered(competition: i64) -> sea_orm::Select<competition_entry::Entity> {
    use competition_entry::Column as C;
    competition_entry::Entity::find()
        .filter(C::CompetitionId.eq(competition))
        .filter(C::Status.eq(EntryStatus::Active))
        .order_by_desc(C::Score)
        .order_by_asc(C::ReachedAt)
        .order_by_asc(C::Id)
}

/// Where `e` stands among the active entries now: one more than those above it.
async fn place_of(
    db: &impl ConnectionTrait,
    e: &competition_entry::Model,
) -> Result<u32, AppError> {
    use competition_entry::Column as C;
    let above = competition_entry::Entity::find()
        .filter(C::CompetitionId.eq(e.competition_id))
        .filter(C::Status.eq(EntryStatus::Active))
        .filter(
            Condition::any()
                .add(C::Score.gt(e.score))
                .add(C::Score.eq(e.score).and(C::ReachedAt.lt(e.reached_at)))
                .add(
                    C::Score
                        .eq(e.score)
                        .and(C::ReachedAt.eq(e.reached_at))
                        .and(C::Id.lt(e.id)),
                ),
        )
        .count(db)
        .await?;
    Ok(above as u32 + 1)
}

/// The board as `reader` sees it: a client (names masked, their own line and place marked; a
/// competition their group may not see is "not found" unless they joined), or staff (`None`).
pub async fn board(
    db: &impl ConnectionTrait,
    id: i64,
    reader: Option<i64>,
) -> Result<Board, AppError> {
    let c = competition::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let (locale, mine) = match reader {
        Some(client) => {
            let u = user::Entity::find_by_id(client)
                .one(db)
                .await?
                .ok_or(AppError::NotFound)?;
            let mine = competition_entry::Entity::find()
                .filter(competition_entry::Column::CompetitionId.eq(id))
                .filter(competition_entry::Column::UserId.eq(client))
                .one(db)
                .await?;
            if !open_to(&c, u.group_id) && mine.is_none() {
                return Err(AppError::NotFound);
            }
            (Locale::from_code(&u.locale), mine)
        }
        None => (Locale::En, None),
    };
    let settled = c.settled_at.is_some();
    let top = if settled {
        competition_entry::Entity::find()
            .filter(competition_entry::Column::CompetitionId.eq(id))
            .filter(competition_entry::Column::FinalRank.is_not_null())
            .order_by_asc(competition_entry::Column::FinalRank)
            .limit(c.board_size as u64)
            .all(db)
            .await?
    } else {
        ordered(id).limit(c.board_size as u64).all(db).await?
    };
    let people =
        crate::server::identity::accounts::by_id(db, top.iter().map(|e| e.user_id)).await?;
    let rows = top
        .iter()
        .zip(1u32..)
        .map(|(e, place)| {
            let u = people.get(&e.user_id);
            let name = match (u, reader) {
                (Some(u), Some(_)) => mask_name(&u.first_name, &u.last_name),
                (Some(u), None) => crate::server::identity::accounts::full_name(u),
                (None, _) => String::new(),
            };
            Ok(BoardRow {
                rank: e.final_rank.map(|r| r as u32).unwrap_or(place),
                entry_id: e.id,
                name,
                flag: u.map(|u| flag(&u.country)).unwrap_or_default(),
                score: score_text(&c, e.score),
                equity: money(e.equity_minor, &c)?,
                prize: e.prize_minor.map(|p| money(p, &c)).transpose()?,
                paid: e.paid_at.is_some(),
                mine: mine.as_ref().is_some_and(|m| m.id == e.id),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let entrants = competition_entry::Entity::find()
        .filter(competition_entry::Column::CompetitionId.eq(id))
        .count(db)
        .await? as i64;
    let mine = match mine {
        None => None,
        Some(m) => {
            let rank = match (m.status, m.final_rank) {
                (EntryStatus::Suspended, _) => None,
                (_, Some(r)) => Some(r as u32),
                _ if settled => None,
                _ => Some(place_of(db, &m).await?),
            };
            let acc = trading_account::Entity::find_by_id(m.account_id)
                .one(db)
                .await?
                .or_internal("an entry's account")?;
            let positions = if acc.platform == "sim" {
                crate::server::trading::sim::position_views(db, &acc).await?
            } else {
                Vec::new()
            };
            Some(MyEntry {
                entry_id: m.id,
                status: m.status,
                suspend_reason: m.suspend_reason.clone(),
                rank,
                score: score_text(&c, m.score),
                equity: money(m.equity_minor, &c)?,
                account_id: m.account_id,
                login: acc.login.clone(),
                trading: acc.enabled
                    && m.status == EntryStatus::Active
                    && dates(&c).trading(Utc::now()),
                positions,
                prize: m.prize_minor.map(|p| money(p, &c)).transpose()?,
                paid: m.paid_at.is_some(),
            })
        }
    };
    Ok(Board {
        competition: row(&c, locale, entrants, mine.is_some())?,
        rows,
        mine,
    })
}
