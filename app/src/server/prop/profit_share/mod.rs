//! Profit-share settlements of funded accounts. A settlement takes the profit above the
//! high-water mark (the stage's initial balance: every payout brings the balance back to it),
//! splits it between its recipients and the firm, and in one transaction:
//!
//! - posts the profit out of the funded account (funded trading → shares payable + firm part),
//! - brings the account's balance back to its base (and moves the engine's reference points
//!   with it, so the payout is never judged a loss),
//! - pays each recipient's share into their wallet (automatic distribution), or files a
//!   `profit_share` request that a person reviews first (manual distribution): approval pays,
//!   rejection gives the share to the firm.
//!
//! A period (in the challenge's time zone) is settled once: the `(account, period)` key is
//! unique, so neither a double click nor two instances of the job can pay it twice.
use crate::domain::challenge::{Environment, StageDef};
use crate::domain::money::{self, Currency};
use crate::domain::profit_share::{self as ps, Claim, Period, Recipient, SettlementStatus};
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::entity::{bridge_command, participant, profit_share, trading_account};
use crate::server::identity::referrals;
use crate::server::trading::platform::Platform;
use crate::server::{prop::participation, trading::sim};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

mod settle;
pub use settle::*;
mod review;
pub use review::*;
mod triggers;
pub use triggers::*;
mod queries;
pub use queries::*;

/// The key of the settlement made when a funded stage ends (staff advance it).
const FINAL: &str = "final";

/// Which period a settlement takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// The running period, now (staff settle on request).
    Now,
    /// The latest period that has ended (the scheduled run).
    Ended,
    /// Everything up to now, as the stage ends.
    Final,
}

fn cur(code: &str) -> Result<Currency, AppError> {
    money::currency(code).or_internal("a stored currency is unknown")
}

/// The stage's profit-share terms, when the account is on a funded stage that has them.
pub fn terms_of(p: &participant::Model, acc: &trading_account::Model) -> Option<StageDef> {
    let b = participation::bought(p).ok()?;
    b.package
        .stages
        .get(acc.stage as usize)
        .filter(|s| s.environment == Environment::Live && s.profit_share_bps.is_some())
        .cloned()
}

/// Who is owed a share of a settlement's profit besides the firm: the trader, and the
/// referrers the stage gives a share (the trader's referrer first, then up the tree as it
/// stands at the settlement; a level with nobody on it stays with the firm).
pub async fn claims(
    db: &impl ConnectionTrait,
    p: &participant::Model,
    stage: &StageDef,
) -> Result<Vec<Claim>, AppError> {
    let mut out = vec![Claim {
        recipient: Recipient::Trader,
        user_id: p.user_id,
        bps: stage.profit_share_bps.unwrap_or(0),
    }];
    if !stage.referrer_share_bps.is_empty() {
        let levels = stage.referrer_share_bps.len() as u64;
        let upline = referrals::upline(db, p.user_id, Some(levels)).await?;
        out.extend(
            upline
                .into_iter()
                .zip(&stage.referrer_share_bps)
                .map(|(user_id, bps)| Claim {
                    recipient: Recipient::Referrer,
                    user_id,
                    bps: *bps,
                }),
        );
    }
    Ok(out)
}

/// The account's "now": simulated accounts live on the simulator's clock.
async fn now_of(
    db: &impl ConnectionTrait,
    acc: &trading_account::Model,
) -> Result<DateTime<Utc>, AppError> {
    Ok(match Platform::of(acc) {
        Platform::Simulated => sim::feed(db).await?.now(),
        Platform::Bridge(_) => Utc::now(),
    })
}

/// The period `when` names on `today` (the account's local day), and its key.
fn period_for(
    stage: &StageDef,
    start_day: NaiveDate,
    today: NaiveDate,
    when: When,
) -> Option<(Period, String)> {
    match when {
        When::Now => {
            let p = ps::period_of(stage.settlement, start_day, today);
            Some((p, p.key()))
        }
        When::Ended => ps::last_ended(stage.settlement, start_day, today).map(|p| (p, p.key())),
        When::Final => {
            let p = ps::period_of(stage.settlement, start_day, today);
            Some((
                Period {
                    start: p.start,
                    end: today,
                },
                FINAL.to_string(),
            ))
        }
    }
}

async fn settled(
    db: &impl ConnectionTrait,
    account_id: i64,
    key: &str,
) -> Result<Option<profit_share::Model>, AppError> {
    Ok(profit_share::Entity::find()
        .filter(profit_share::Column::AccountId.eq(account_id))
        .filter(profit_share::Column::PeriodKey.eq(key))
        .one(db)
        .await?)
}

/// A bridge has not yet carried out an earlier balance change: its snapshots still show the
/// old balance, and settling on them could pay the same profit twice.
async fn platform_pending(
    db: &impl ConnectionTrait,
    acc: &trading_account::Model,
) -> Result<bool, AppError> {
    if !matches!(Platform::of(acc), Platform::Bridge(_)) {
        return Ok(false);
    }
    Ok(bridge_command::Entity::find()
        .filter(bridge_command::Column::AccountId.eq(acc.id))
        .filter(bridge_command::Column::Kind.eq("withdraw"))
        .filter(bridge_command::Column::Status.eq("pending"))
        .count(db)
        .await?
        > 0)
}
