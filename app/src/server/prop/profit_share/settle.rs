//! Settling a period: the profit above the line, the parts owed, and the request that waits
//! for a reviewer (or decides itself, by the firm's setting).
use super::*;
use crate::domain::approval::RequestKind;
use crate::domain::challenge::Distribution;
use crate::domain::clock;
use crate::domain::profit_share::{self as ps, Split};
use crate::domain::rules;
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::approvals::{self, Submission};
use crate::server::entity::{equity_point, profit_share, profit_share_part, trading_account};
use crate::server::infra::origin::Origin;
use crate::server::money::ledger::{self, AccountKind, Entry, Leg};
use crate::server::trading::platform::{Platform, TradingPlatform};
use crate::server::{infra::audit, prop::participation, trading::risk};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

/// What a settlement attempt came to.
#[derive(Debug)]
pub enum Outcome {
    Settled(Box<profit_share::Model>),
    /// Nothing is due yet (the scheduled run skips the account for now).
    NotDue,
}

/// Settles the account's period `when` inside the caller's transaction. Staff asking for a
/// settlement that cannot be made get the reason; the scheduled run gets `NotDue` and tries
/// again later (an account with open positions waits until it is flat).
pub async fn settle_in(
    txn: &sea_orm::DatabaseTransaction,
    account_id: i64,
    when: When,
    actor: Option<i64>,
    from: &Origin,
) -> Result<Outcome, AppError> {
    let scheduled = when == When::Ended;
    let refuse = |code: &str| {
        if scheduled {
            Ok(Outcome::NotDue)
        } else {
            Err(AppError::field("settlement", code))
        }
    };
    let acc = risk::lock(txn, account_id).await?;
    let p = participation::find(txn, acc.participant_id.ok_or(AppError::NotFound)?).await?;
    let Some(stage) = terms_of(&p, &acc) else {
        return refuse("err.settlement_no_terms");
    };
    if acc.status != "active" || p.account_id != Some(acc.id) {
        return refuse("err.settlement_not_running");
    }
    let mut state = risk::state_of(&acc)?;
    let at = now_of(txn, &acc).await?;
    let today = clock::local_day(at, crate::server::trading::risk::zone_of(&acc));
    let Some((period, key)) = period_for(&stage, state.start_day, today, when) else {
        return Ok(Outcome::NotDue);
    };
    if settled(txn, acc.id, &key).await?.is_some() {
        return refuse("err.period_settled");
    }
    if acc.open_positions > 0 {
        return refuse("err.settlement_open_positions");
    }
    if platform_pending(txn, &acc).await? {
        return refuse("err.settlement_platform_pending");
    }
    let base = acc.initial_balance;
    let profit = ps::profit_above(acc.balance, base);
    if profit == 0 && !scheduled {
        return Err(AppError::field("settlement", "err.settlement_no_profit"));
    }
    let split = ps::split(profit, &claims(txn, &p, &stage).await?)
        .map_err(|e| AppError::field("settlement", e.code()))?;
    let now = Utc::now();
    let manual = stage.distribution == Distribution::Manual;
    let share = profit_share::ActiveModel {
        participant_id: Set(p.id),
        account_id: Set(acc.id),
        user_id: Set(p.user_id),
        challenge_id: Set(p.challenge_id),
        currency: Set(acc.currency.clone()),
        period_key: Set(key),
        period_start: Set(period.start),
        period_end: Set(period.end),
        base_minor: Set(base),
        balance_minor: Set(acc.balance),
        profit_minor: Set(profit),
        firm_minor: Set(split.firm),
        distribution: Set(stage.distribution.as_str().into()),
        status: Set(if profit == 0 {
            SettlementStatus::NoProfit
        } else {
            SettlementStatus::PendingReview
        }),
        request_id: Set(None),
        entry_id: Set(None),
        payout_entry_id: Set(None),
        created_by: Set(actor),
        created_at: Set(now),
        decided_at: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    if profit == 0 {
        tell(txn, &p, &share, "notice.profit_share_none").await?;
        return Ok(Outcome::Settled(Box::new(share)));
    }
    for part in &split.parts {
        profit_share_part::ActiveModel {
            profit_share_id: Set(share.id),
            recipient: Set(part.claim.recipient.as_str().into()),
            user_id: Set(part.claim.user_id),
            bps: Set(part.claim.bps),
            amount_minor: Set(part.amount),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    let entry = take_profit(txn, &share, &split, actor).await?;
    // The balance returns to its base; the engine's day and trailing marks move with it.
    Platform::of(&acc).withdraw(txn, &acc, profit).await?;
    rules::withdraw(&mut state, profit);
    trading_account::Entity::update_many()
        .col_expr(
            trading_account::Column::State,
            Expr::value(
                serde_json::to_string(&state).or_internal("encoding an account's rule state")?,
            ),
        )
        .col_expr(
            trading_account::Column::Version,
            Expr::value(acc.version + 1),
        )
        .filter(trading_account::Column::Id.eq(acc.id))
        .exec(txn)
        .await?;
    equity_point::ActiveModel {
        account_id: Set(acc.id),
        at: Set(at),
        balance: Set(acc.balance - profit),
        equity: Set(acc.equity - profit),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    profit_share::Entity::update_many()
        .col_expr(profit_share::Column::EntryId, Expr::value(Some(entry)))
        .filter(profit_share::Column::Id.eq(share.id))
        .exec(txn)
        .await?;
    audit::record(
        txn,
        actor,
        "profit_share.settled",
        "profit_share",
        Some(share.id),
        serde_json::json!({
            "participant_id": p.id, "login": acc.login, "period": share.period_key,
            "profit_minor": profit, "firm_minor": split.firm, "distribution": share.distribution,
        }),
        &from.ip,
    )
    .await?;
    if manual {
        let paid_out = split.paid_out();
        let b = participation::bought(&p)?;
        let filed = approvals::submit(
            txn,
            Submission {
                idempotency_key: format!("profit-share-{}", share.id),
                kind: Some(RequestKind::ProfitShare),
                user_id: p.user_id,
                created_by: actor.unwrap_or(p.user_id),
                currency: Some(cur(&share.currency)?),
                amount_minor: Some(paid_out),
                reference: format!(
                    "{} · {} · {} – {}",
                    p.challenge_name, b.package.name, share.period_start, share.period_end
                ),
                payload: serde_json::json!({"profit_share_id": share.id, "participant_id": p.id}),
                ..Default::default()
            },
            from,
        )
        .await?;
        profit_share::Entity::update_many()
            .col_expr(
                profit_share::Column::RequestId,
                Expr::value(Some(filed.request.id)),
            )
            .filter(profit_share::Column::Id.eq(share.id))
            .exec(txn)
            .await?;
        tell(txn, &p, &share, "notice.profit_share_review").await?;
    } else {
        release(txn, share.id, Release::Pay, actor).await?;
    }
    let share = profit_share::Entity::find_by_id(share.id)
        .one(txn)
        .await?
        .or_internal("the settlement just locked is not there")?;
    Ok(Outcome::Settled(Box::new(share)))
}

/// The profit leaves the funded account: shares owed to their recipients, the rest the firm's.
pub(super) async fn take_profit(
    txn: &impl ConnectionTrait,
    share: &profit_share::Model,
    split: &Split,
    actor: Option<i64>,
) -> Result<i64, AppError> {
    let c = cur(&share.currency)?;
    let mut legs = vec![Leg {
        account_id: ledger::firm(txn, AccountKind::FundedTrading, c).await?.id,
        amount_minor: -share.profit_minor,
    }];
    let owed = split.paid_out();
    if owed > 0 {
        legs.push(Leg {
            account_id: ledger::firm(txn, AccountKind::ProfitSharePayable, c)
                .await?
                .id,
            amount_minor: owed,
        });
    }
    if split.firm > 0 {
        legs.push(Leg {
            account_id: ledger::firm(txn, AccountKind::ProfitShareFirm, c).await?.id,
            amount_minor: split.firm,
        });
    }
    let memo = format!("Profit share #{} ({})", share.id, share.period_key);
    let posted = ledger::post_in(
        txn,
        Entry {
            idempotency_key: &format!("profit-share-{}", share.id),
            kind: "profit_share",
            currency: c,
            legs,
            memo: &memo,
            actor_id: actor,
        },
    )
    .await?;
    Ok(posted.entry_id)
}

pub(super) async fn parts_of(
    db: &impl ConnectionTrait,
    share_id: i64,
) -> Result<Vec<profit_share_part::Model>, AppError> {
    Ok(profit_share_part::Entity::find()
        .filter(profit_share_part::Column::ProfitShareId.eq(share_id))
        .order_by_asc(profit_share_part::Column::Id)
        .all(db)
        .await?)
}

/// Moves a settlement awaiting payment to `to`, exactly once (false: it was not waiting).
pub(super) async fn decide(
    txn: &impl ConnectionTrait,
    share_id: i64,
    to: SettlementStatus,
    entry: Option<i64>,
) -> Result<bool, AppError> {
    let r = profit_share::Entity::update_many()
        .col_expr(profit_share::Column::Status, Expr::value(to))
        .col_expr(
            profit_share::Column::DecidedAt,
            Expr::value(Some(Utc::now())),
        )
        .col_expr(profit_share::Column::PayoutEntryId, Expr::value(entry))
        .filter(profit_share::Column::Id.eq(share_id))
        .filter(profit_share::Column::Status.eq(SettlementStatus::PendingReview))
        .exec(txn)
        .await?;
    Ok(r.rows_affected == 1)
}
