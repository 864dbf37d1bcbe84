//! The built-in simulated platform: a deterministic price feed, market orders with optional
//! stop loss and take profit, margin and leverage, and equity marked to market on every price.
//! Every change of an account goes through the rules engine (`risk::apply`) as it happens.
use crate::domain::trading::{self, SYMBOLS, Side, Symbol};
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::entity::{deal, setting, sim_position, sim_price, trading_account};
use crate::server::infra::{db::Write, jobs};
use crate::server::trading::platform::Snapshot;
use crate::server::trading::risk::{self, Happened};
use chrono::{DateTime, Utc};
use sea_orm::ExprTrait;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

const FEED_KEY: &str = "sim_feed";

/// Whether the feed moves prices on its own, the seed it moves them from, and how many days
/// the simulator's clock runs ahead of the real one (staff move it forward to replay
/// scenarios that span days: daily limits, passing at the end of a day, period ends).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Feed {
    pub running: bool,
    pub seed: u64,
    #[serde(default)]
    pub day_offset: i64,
}

impl Feed {
    /// The simulator's time: every simulated account is judged and dated by it.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::days(self.day_offset)
    }
}

pub async fn feed(db: &impl ConnectionTrait) -> Result<Feed, AppError> {
    Ok(setting::Entity::find_by_id(FEED_KEY)
        .one(db)
        .await?
        .and_then(|s| serde_json::from_str(&s.value).ok())
        .unwrap_or(Feed {
            running: true,
            seed: 7,
            day_offset: 0,
        }))
}

pub async fn set_feed(db: &impl ConnectionTrait, f: Feed) -> Result<(), AppError> {
    crate::server::settings::store(db, FEED_KEY, &f).await
}

/// The current price of every symbol (created at its start price on first use).
pub async fn prices(db: &impl ConnectionTrait) -> Result<HashMap<String, i64>, AppError> {
    let mut out: HashMap<String, i64> = sim_price::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.symbol, p.price))
        .collect();
    for s in SYMBOLS {
        if !out.contains_key(s.code) {
            sim_price::Entity::insert(sim_price::ActiveModel {
                symbol: Set(s.code.into()),
                price: Set(s.start),
                tick: Set(0),
                updated_at: Set(Utc::now()),
            })
            .on_conflict_do_nothing_on([sim_price::Column::Symbol])
            .exec(db)
            .await?;
            out.insert(s.code.into(), s.start);
        }
    }
    Ok(out)
}

fn eurusd(prices: &HashMap<String, i64>) -> i64 {
    prices.get("EURUSD").copied().unwrap_or(108_500)
}

fn symbol_of(code: &str) -> Result<Symbol, AppError> {
    trading::symbol(code).ok_or_else(|| AppError::field("symbol", "err.symbol_unknown"))
}

fn profit_of(
    p: &sim_position::Model,
    acc: &trading_account::Model,
    prices: &HashMap<String, i64>,
    at: i64,
) -> i64 {
    match (trading::symbol(&p.symbol), Side::parse(&p.side)) {
        (Some(sym), Some(side)) => trading::profit(
            sym,
            side,
            p.volume,
            p.open_price,
            at,
            &acc.currency,
            eurusd(prices),
        ),
        _ => 0,
    }
}

/// The account's figures at the current prices.
fn marked(
    acc: &trading_account::Model,
    balance: i64,
    positions: &[sim_position::Model],
    prices: &HashMap<String, i64>,
) -> Snapshot {
    let mut floating = 0;
    let mut margin = 0;
    for p in positions {
        let price = prices.get(&p.symbol).copied().unwrap_or(p.open_price);
        floating += profit_of(p, acc, prices, price);
        if let Some(sym) = trading::symbol(&p.symbol) {
            margin += trading::margin(
                sym,
                p.volume,
                p.open_price,
                std::cmp::max(acc.leverage, 1) as u32,
                &acc.currency,
                eurusd(prices),
            );
        }
    }
    Snapshot {
        balance,
        equity: balance + floating,
        margin,
        open_positions: positions.len() as i32,
    }
}

async fn positions_of(
    db: &impl ConnectionTrait,
    account_id: i64,
) -> Result<Vec<sim_position::Model>, AppError> {
    Ok(sim_position::Entity::find()
        .filter(sim_position::Column::AccountId.eq(account_id))
        .order_by_asc(sim_position::Column::Id)
        .all(db)
        .await?)
}

/// Closes one position at `price`: the deal is recorded and the profit booked to the balance.
/// Returns the profit.
async fn close_position(
    db: &impl ConnectionTrait,
    acc: &trading_account::Model,
    p: &sim_position::Model,
    price: i64,
    prices: &HashMap<String, i64>,
    at: DateTime<Utc>,
) -> Result<i64, AppError> {
    let profit = profit_of(p, acc, prices, price);
    let digits = trading::symbol(&p.symbol).map_or(0, |s| s.digits) as i32;
    deal::ActiveModel {
        account_id: Set(acc.id),
        ticket: Set(p.id.to_string()),
        symbol: Set(p.symbol.clone()),
        side: Set(p.side.clone()),
        volume: Set(p.volume),
        open_price: Set(p.open_price),
        close_price: Set(price),
        digits: Set(digits),
        profit_minor: Set(profit),
        opened_at: Set(p.opened_at),
        closed_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    sim_position::Entity::delete_by_id(p.id).exec(db).await?;
    Ok(profit)
}

fn tradable(acc: &trading_account::Model) -> Result<(), AppError> {
    if acc.status != "active" || !acc.enabled {
        return Err(AppError::field("account", "err.account_not_tradable"));
    }
    Ok(())
}

pub struct Order {
    pub symbol: String,
    pub side: String,
    pub volume: String,
    pub stop_loss: String,
    pub take_profit: String,
}

fn optional_price(text: &str, sym: Symbol, field: &str) -> Result<Option<i64>, AppError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    trading::parse_price(text, sym)
        .map(Some)
        .map_err(|code| AppError::field(field, code))
}

/// Opens a market position for the account's owner.
pub async fn open(
    db: &DatabaseConnection,
    user_id: i64,
    account_id: i64,
    o: Order,
) -> Result<(), AppError> {
    let sym = symbol_of(&o.symbol)?;
    let side = Side::parse(&o.side).ok_or_else(|| AppError::field("side", "err.side_unknown"))?;
    let volume = trading::parse_volume(&o.volume).map_err(|c| AppError::field("volume", c))?;
    let sl = optional_price(&o.stop_loss, sym, "stop_loss")?;
    let tp = optional_price(&o.take_profit, sym, "take_profit")?;
    let txn = db.write().await?;
    let acc = risk::lock(&txn, account_id).await?;
    if acc.user_id != user_id || acc.platform != "sim" {
        return Err(AppError::NotFound);
    }
    tradable(&acc)?;
    let prices = prices(&txn).await?;
    let price = prices.get(sym.code).copied().unwrap_or(sym.start);
    trading::check_levels(side, price, sl, tp).map_err(|(f, c)| AppError::field(f, c))?;
    let mut positions = positions_of(&txn, acc.id).await?;
    let now = feed(&txn).await?.now();
    let new = sim_position::ActiveModel {
        account_id: Set(acc.id),
        symbol: Set(sym.code.into()),
        side: Set(side.as_str().into()),
        volume: Set(volume),
        open_price: Set(price),
        stop_loss: Set(sl),
        take_profit: Set(tp),
        opened_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    positions.push(new);
    let snap = marked(&acc, acc.balance, &positions, &prices);
    // The margin must be covered by the equity.
    if snap.margin > snap.equity {
        return Err(AppError::field("volume", "err.not_enough_margin"));
    }
    risk::apply(&txn, &acc, snap, Happened::Opened, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Closes one of the owner's positions at the current price.
pub async fn close(
    db: &DatabaseConnection,
    user_id: i64,
    position_id: i64,
) -> Result<(), AppError> {
    let Some(pos) = sim_position::Entity::find_by_id(position_id)
        .one(db)
        .await?
    else {
        return Err(closed_or_unknown(db, user_id, position_id).await);
    };
    let txn = db.write().await?;
    let acc = risk::lock(&txn, pos.account_id).await?;
    if acc.user_id != user_id {
        return Err(AppError::NotFound);
    }
    tradable(&acc)?;
    // Re-read under the lock: a stop may have closed it meanwhile.
    let Some(pos) = sim_position::Entity::find_by_id(position_id)
        .one(&txn)
        .await?
    else {
        return Err(AppError::field("position", "err.position_closed"));
    };
    let prices = prices(&txn).await?;
    let price = prices.get(&pos.symbol).copied().unwrap_or(pos.open_price);
    let now = feed(&txn).await?.now();
    let profit = close_position(&txn, &acc, &pos, price, &prices, now).await?;
    let positions = positions_of(&txn, acc.id).await?;
    let snap = marked(&acc, acc.balance + profit, &positions, &prices);
    risk::apply(&txn, &acc, snap, Happened::Closed(profit), now).await?;
    txn.commit().await?;
    Ok(())
}

/// A position that is gone was either closed (it left a deal with its ticket on one of the
/// client's accounts) or never the client's.
async fn closed_or_unknown(db: &DatabaseConnection, user_id: i64, position_id: i64) -> AppError {
    let owned = async {
        let Some(d) = deal::Entity::find()
            .filter(deal::Column::Ticket.eq(position_id.to_string()))
            .one(db)
            .await?
        else {
            return Ok::<_, AppError>(false);
        };
        Ok(trading_account::Entity::find_by_id(d.account_id)
            .one(db)
            .await?
            .is_some_and(|a| a.user_id == user_id && a.platform == "sim"))
    };
    match owned.await {
        Ok(true) => AppError::field("position", "err.position_closed"),
        Ok(false) => AppError::NotFound,
        Err(e) => e,
    }
}

/// Closes every position of an account whose stage just ended (no engine: it has decided).
pub async fn close_all(
    txn: &impl ConnectionTrait,
    account_id: i64,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    let acc = trading_account::Entity::find_by_id(account_id)
        .one(txn)
        .await?
        .or_internal("the simulated account is not there")?;
    let positions = positions_of(txn, account_id).await?;
    if positions.is_empty() {
        return Ok(());
    }
    let prices = prices(txn).await?;
    let mut balance = acc.balance;
    for p in &positions {
        let price = prices.get(&p.symbol).copied().unwrap_or(p.open_price);
        balance += close_position(txn, &acc, p, price, &prices, at).await?;
    }
    trading_account::Entity::update_many()
        .col_expr(trading_account::Column::Balance, Expr::value(balance))
        .col_expr(trading_account::Column::Equity, Expr::value(balance))
        .col_expr(trading_account::Column::Margin, Expr::value(0))
        .col_expr(trading_account::Column::OpenPositions, Expr::value(0))
        .filter(trading_account::Column::Id.eq(account_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Takes money out of an account's balance (and so its equity): a profit-share payout.
pub async fn withdraw(
    db: &impl ConnectionTrait,
    account_id: i64,
    amount: i64,
) -> Result<(), AppError> {
    use trading_account::Column as C;
    trading_account::Entity::update_many()
        .col_expr(C::Balance, Expr::col(C::Balance).sub(amount))
        .col_expr(C::Equity, Expr::col(C::Equity).sub(amount))
        .filter(C::Id.eq(account_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Marks every account holding one of `symbols` to market: stops and targets that the price
/// reached close their positions, and the engine judges each account's new equity.
pub async fn mark(
    db: &DatabaseConnection,
    symbols: &BTreeSet<String>,
    at: DateTime<Utc>,
) -> Result<usize, AppError> {
    let accounts: BTreeSet<i64> = sim_position::Entity::find()
        .filter(sim_position::Column::Symbol.is_in(symbols.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.account_id)
        .collect();
    let prices = prices(db).await?;
    for id in &accounts {
        let txn = db.write().await?;
        let acc = risk::lock(&txn, *id).await?;
        if acc.status != "active" {
            continue;
        }
        let mut positions = positions_of(&txn, acc.id).await?;
        let mut balance = acc.balance;
        let mut closed = None;
        let mut kept = Vec::with_capacity(positions.len());
        for p in positions.drain(..) {
            let price = prices.get(&p.symbol).copied().unwrap_or(p.open_price);
            let hit = Side::parse(&p.side)
                .and_then(|side| trading::triggered(side, price, p.stop_loss, p.take_profit));
            match hit {
                Some(level) => {
                    let profit = close_position(&txn, &acc, &p, level, &prices, at).await?;
                    balance += profit;
                    closed = Some(closed.unwrap_or(0) + profit);
                }
                None => kept.push(p),
            }
        }
        let snap = marked(&acc, balance, &kept, &prices);
        let happened = closed.map_or(Happened::Mark, Happened::Closed);
        risk::apply(&txn, &acc, snap, happened, at).await?;
        txn.commit().await?;
    }
    Ok(accounts.len())
}

/// Sets a symbol's price (staff and tests replay scenarios this way) and marks the accounts
/// holding it at once.
pub async fn set_price(db: &DatabaseConnection, code: &str, text: &str) -> Result<i64, AppError> {
    let sym = symbol_of(code)?;
    let price = trading::parse_price(text, sym).map_err(|c| AppError::field("price", c))?;
    prices(db).await?;
    let now = feed(db).await?.now();
    sim_price::Entity::update_many()
        .col_expr(sim_price::Column::Price, Expr::value(price))
        .col_expr(sim_price::Column::UpdatedAt, Expr::value(now))
        .filter(sim_price::Column::Symbol.eq(sym.code))
        .exec(db)
        .await?;
    mark(db, &BTreeSet::from([sym.code.to_string()]), now).await?;
    Ok(price)
}

crate::register_job!(jobs::Schedule::Feed, 10, "sim_feed", |db| Box::pin(
    async move { tick(db).await.map(|()| 0) }
));

/// One step of the feed: every symbol moves, then the accounts holding them are marked.
pub async fn tick(db: &DatabaseConnection) -> Result<(), AppError> {
    let f = feed(db).await?;
    if !f.running {
        return Ok(());
    }
    prices(db).await?;
    let now = f.now();
    for p in sim_price::Entity::find().all(db).await? {
        let Some(sym) = trading::symbol(&p.symbol) else {
            continue;
        };
        let next = trading::next_price(sym, f.seed, p.tick, p.price);
        sim_price::Entity::update_many()
            .col_expr(sim_price::Column::Price, Expr::value(next))
            .col_expr(sim_price::Column::Tick, Expr::value(p.tick + 1))
            .col_expr(sim_price::Column::UpdatedAt, Expr::value(now))
            .filter(sim_price::Column::Symbol.eq(p.symbol.clone()))
            .filter(sim_price::Column::Tick.eq(p.tick))
            .exec(db)
            .await?;
    }
    let all = SYMBOLS.iter().map(|s| s.code.to_string()).collect();
    mark(db, &all, now).await?;
    Ok(())
}

/// The open positions of an account with their current price and profit.
pub async fn open_positions(
    db: &impl ConnectionTrait,
    acc: &trading_account::Model,
) -> Result<Vec<(sim_position::Model, i64, i64)>, AppError> {
    let prices = prices(db).await?;
    Ok(positions_of(db, acc.id)
        .await?
        .into_iter()
        .map(|p| {
            let price = prices.get(&p.symbol).copied().unwrap_or(p.open_price);
            let profit = profit_of(&p, acc, &prices, price);
            (p, price, profit)
        })
        .collect())
}

/// A price as people read it, with the symbol's decimals.
pub fn price_text(price: i64, symbol: &str) -> String {
    trading::symbol(symbol).map_or_else(
        || price.to_string(),
        |s| trading::price_decimal(price, s).to_string(),
    )
}

/// Lots, from hundredths.
pub fn volume_text(v: i64) -> String {
    rust_decimal::Decimal::new(v, 2).to_string()
}

/// The open positions of an account as the pages show them.
pub async fn position_views(
    db: &impl ConnectionTrait,
    acc: &trading_account::Model,
) -> Result<Vec<crate::model::PositionDto>, AppError> {
    let cur = crate::domain::money::currency(&acc.currency);
    Ok(open_positions(db, acc)
        .await?
        .into_iter()
        .map(|(p, price, profit)| crate::model::PositionDto {
            id: p.id,
            symbol: p.symbol.clone(),
            side: p.side.clone(),
            volume: volume_text(p.volume),
            open_price: price_text(p.open_price, &p.symbol),
            price: price_text(price, &p.symbol),
            stop_loss: p
                .stop_loss
                .map(|x| price_text(x, &p.symbol))
                .unwrap_or_default(),
            take_profit: p
                .take_profit
                .map(|x| price_text(x, &p.symbol))
                .unwrap_or_default(),
            profit: cur.map_or_else(
                || profit.to_string(),
                |c| crate::domain::money::format(profit, c),
            ),
            opened_at: p.opened_at.format("%Y-%m-%d %H:%M").to_string(),
        })
        .collect())
}

/// Moves the simulator's clock forward by a day and runs the day's jobs at once (closing the
/// day of every account, then settling the profit-share periods that ended), as the job runner
/// would within half a minute. Returns how many stages it decided.
pub async fn advance_day(db: &DatabaseConnection) -> Result<usize, AppError> {
    let mut f = feed(db).await?;
    f.day_offset += 1;
    set_feed(db, f).await?;
    let done = jobs::run(db, jobs::Schedule::Day).await?;
    Ok(done
        .iter()
        .find(|(name, _)| *name == risk::DAY_CLOSE)
        .map_or(0, |(_, n)| *n))
}
