//! What happens when a reviewer decides a settlement: the shares released or returned, and
//! the participant told.
use super::*;
use crate::domain::bps::Bps;
use crate::domain::money::{self};
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::entity::{participant, profit_share, profit_share_part, request};
use crate::server::money::ledger::{self, AccountKind, Entry, Leg};
use crate::server::{infra::notify, prop::participation};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::BTreeMap;

/// Where the shares owed by a settlement go.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Release {
    /// Into each recipient's wallet.
    Pay,
    /// To the firm: a reviewer turned the payout down.
    Forfeit,
}

/// Moves a settlement's owed shares out of the payable account, exactly once.
pub(super) async fn release(
    txn: &impl ConnectionTrait,
    share_id: i64,
    how: Release,
    actor: Option<i64>,
) -> Result<(), AppError> {
    let share = profit_share::Entity::find_by_id(share_id)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let c = cur(&share.currency)?;
    let parts = parts_of(txn, share_id).await?;
    let owed: i64 = parts.iter().map(|p| p.amount_minor).sum();
    let mut entry = None;
    if owed > 0 {
        let mut legs = vec![Leg {
            account_id: ledger::firm(txn, AccountKind::ProfitSharePayable, c)
                .await?
                .id,
            amount_minor: -owed,
        }];
        if how == Release::Pay {
            for part in parts.iter().filter(|p| p.amount_minor > 0) {
                legs.push(Leg {
                    account_id: ledger::wallet(txn, part.user_id, c).await?.id,
                    amount_minor: part.amount_minor,
                });
            }
        } else {
            legs.push(Leg {
                account_id: ledger::firm(txn, AccountKind::ProfitShareFirm, c).await?.id,
                amount_minor: owed,
            });
        }
        let (key, kind) = match how {
            Release::Pay => (
                format!("profit-share-pay-{share_id}"),
                "profit_share_payout",
            ),
            Release::Forfeit => (
                format!("profit-share-forfeit-{share_id}"),
                "profit_share_forfeit",
            ),
        };
        let memo = format!("Profit share #{} ({})", share.id, share.period_key);
        let posted = ledger::post_in(
            txn,
            Entry {
                idempotency_key: &key,
                kind,
                currency: c,
                legs,
                memo: &memo,
                actor_id: actor,
            },
        )
        .await?;
        entry = Some(posted.entry_id);
    }
    let to = match how {
        Release::Pay => SettlementStatus::Paid,
        Release::Forfeit => SettlementStatus::Rejected,
    };
    if !decide(txn, share_id, to, entry).await? {
        return Err(AppError::field("settlement", "err.settlement_decided"));
    }
    if how == Release::Pay {
        let p = participation::find(txn, share.participant_id).await?;
        tell(txn, &p, &share, "notice.profit_share_paid").await?;
    }
    Ok(())
}

pub(super) fn share_of(req: &request::Model) -> Result<i64, AppError> {
    serde_json::from_str::<serde_json::Value>(&req.payload)
        .ok()
        .and_then(|v| v.get("profit_share_id").and_then(|i| i.as_i64()))
        .or_internal("a payout request without its settlement id")
}

/// The settlement behind a review request, labelled for the review page.
pub async fn describe(
    db: &impl ConnectionTrait,
    req: &request::Model,
) -> Result<Vec<(String, String)>, AppError> {
    let Some(s) = profit_share::Entity::find_by_id(share_of(req)?)
        .one(db)
        .await?
    else {
        return Ok(Vec::new());
    };
    let d = dtos(db, &[s]).await?.remove(0);
    Ok(vec![
        ("prop.ps_login".into(), d.login.clone()),
        (
            "prop.ps_period".into(),
            format!("{} – {}", d.period_start, d.period_end),
        ),
        ("prop.ps_base".into(), d.base.to_string()),
        ("prop.ps_balance".into(), d.balance.to_string()),
        ("prop.ps_profit".into(), d.profit.to_string()),
        (
            "prop.ps_trader_share".into(),
            format!("{} ({})", d.trader_share, Bps(d.trader_bps)),
        ),
        ("prop.ps_firm_share".into(), d.firm_share.to_string()),
        (
            "prop.ps_participant".into(),
            format!("#{}", d.participant_id),
        ),
    ])
}

/// The approval engine approved a reviewed payout.
pub async fn on_approved(
    txn: &impl ConnectionTrait,
    req: &request::Model,
    actor: Option<i64>,
) -> Result<(), AppError> {
    release(txn, share_of(req)?, Release::Pay, actor).await
}

/// The approval engine rejected a reviewed payout (the request's reason is the trader's).
pub async fn on_rejected(txn: &impl ConnectionTrait, req: &request::Model) -> Result<(), AppError> {
    release(txn, share_of(req)?, Release::Forfeit, req.decided_by).await
}

pub(super) async fn tell(
    txn: &impl ConnectionTrait,
    p: &participant::Model,
    share: &profit_share::Model,
    key: &str,
) -> Result<(), AppError> {
    let c = cur(&share.currency)?;
    let trader: i64 = profit_share_part::Entity::find()
        .filter(profit_share_part::Column::ProfitShareId.eq(share.id))
        .filter(profit_share_part::Column::UserId.eq(p.user_id))
        .all(txn)
        .await?
        .iter()
        .map(|x| x.amount_minor)
        .sum();
    let data = BTreeMap::from([
        ("challenge".to_string(), p.challenge_name.clone()),
        ("id".to_string(), p.id.to_string()),
        (
            "period".to_string(),
            format!("{} – {}", share.period_start, share.period_end),
        ),
        (
            "amount".to_string(),
            format!("{} {}", money::format(trader, c), c.code),
        ),
        (
            "profit".to_string(),
            format!("{} {}", money::format(share.profit_minor, c), c.code),
        ),
    ]);
    notify::push_and_mail(txn, p.user_id, key, data).await
}
