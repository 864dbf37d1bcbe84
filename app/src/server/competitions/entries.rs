//! Joining a competition and being suspended from one. A trader joins while registration is
//! open, once, from a client group it admits, paying the fee (less a promo code's discount)
//! from their wallet (a balanced ledger entry keyed by competition and trader), and gets a competition account on its
//! trading server with the starting balance, enabled when trading starts.
use super::*;
use crate::domain::challenge::Environment;
use crate::domain::competition::EntryStatus;
use crate::domain::live::Topic;
use crate::domain::money::AccountKind;
use crate::domain::rules::{DailyLossBase, MaxLossMode, StageRules};
use crate::server::entity::{competition, competition_entry, user};
use crate::server::infra::db::{self, Write};
use crate::server::infra::live::{self, Audience};
use crate::server::infra::origin::Origin;
use crate::server::infra::{audit, notify};
use crate::server::money::ledger::{self, Entry, Leg};
use crate::server::offers::checkout;
use crate::server::trading::accounts;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter,
};

/// A competition account's rules: none of a challenge's limits, so the rules engine never
/// decides it; the board ranks it.
fn no_limits(balance: i64) -> StageRules {
    StageRules {
        initial_balance: balance,
        profit_target_bps: None,
        max_daily_loss_bps: None,
        daily_loss_base: DailyLossBase::InitialBalance,
        daily_settlement: false,
        max_loss_bps: None,
        max_loss_mode: MaxLossMode::Static,
        max_loss_per_trade: None,
        min_trading_days: 0,
        period_days: None,
        upgrade_immediately: false,
    }
}

/// The trader joins, with the promo code they typed (empty: none); answers their entry's id.
pub async fn join(
    db: &DatabaseConnection,
    client: i64,
    id: i64,
    promo_code: &str,
    from: &Origin,
) -> Result<i64, AppError> {
    let now = Utc::now();
    let txn = db.write().await?;
    db::lock_user(&txn, client).await?;
    let u = user::Entity::find_by_id(client)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let c = competition::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .filter(|c| open_to(c, u.group_id))
        .ok_or(AppError::NotFound)?;
    if !dates(&c).registration_open(now) {
        return Err(AppError::field("competition", "err.registration_closed"));
    }
    let twice = competition_entry::Entity::find()
        .filter(competition_entry::Column::CompetitionId.eq(id))
        .filter(competition_entry::Column::UserId.eq(client))
        .one(&txn)
        .await?;
    if twice.is_some() {
        return Err(AppError::field("competition", "err.already_joined"));
    }
    let cur = money(0, &c)?.currency();
    // The fee after the promo code (checked, and its row locked, in this transaction); a free
    // competition takes no code.
    let applied = if c.fee_minor > 0 && !promo_code.trim().is_empty() {
        Some(
            checkout::apply(
                &txn,
                checkout::Choice {
                    user_id: client,
                    challenge_id: 0,
                    package: "",
                    list: money(c.fee_minor, &c)?,
                    coupon: 0,
                    promo_code,
                    at: now,
                },
            )
            .await?,
        )
    } else {
        None
    };
    let fee = applied.map_or(c.fee_minor, |a| a.priced.paid_minor);
    if fee > 0 {
        let wallet = ledger::wallet(&txn, client, cur).await?;
        ledger::lock_accounts(&txn, &[wallet.id]).await?;
        let fees = ledger::firm(&txn, AccountKind::CompetitionFees, cur).await?;
        ledger::post_in(
            &txn,
            Entry {
                idempotency_key: &format!("competition-fee-{id}-{client}"),
                kind: "competition_fee",
                currency: cur,
                legs: vec![
                    Leg {
                        account_id: wallet.id,
                        amount_minor: -fee,
                    },
                    Leg {
                        account_id: fees.id,
                        amount_minor: fee,
                    },
                ],
                memo: &format!("entry fee: {}", c.name),
                actor_id: Some(client),
            },
        )
        .await
        .map_err(|e| match e {
            AppError::Invalid(f) if f.iter().any(|f| f.code == "err.insufficient_funds") => {
                AppError::field("competition", "err.entry_fee_exceeds_wallet")
            }
            other => other,
        })?;
    }
    let acc = accounts::open(
        &txn,
        accounts::NewAccount {
            user_id: client,
            participant_id: None,
            server_id: c.server_id,
            account_group: "",
            environment: Environment::Demo,
            currency: cur.code,
            leverage: 100,
            stage: 0,
            attempt: 1,
            balance: c.starting_balance_minor,
            rules: no_limits(c.starting_balance_minor),
            time_zone: "UTC",
        },
    )
    .await?;
    // Trading starts for everyone at once: until then the account is closed.
    if now < c.start_at {
        results::set_trading(&txn, &acc, false).await?;
    }
    let entry = competition_entry::ActiveModel {
        competition_id: Set(id),
        user_id: Set(client),
        account_id: Set(acc.id),
        status: Set(EntryStatus::Active),
        suspend_reason: Set(String::new()),
        fee_minor: Set(fee),
        equity_minor: Set(c.starting_balance_minor),
        score: Set(score_of(&c, c.starting_balance_minor)),
        reached_at: Set(acc.updated_at),
        final_rank: Set(None),
        prize_minor: Set(None),
        paid_at: Set(None),
        joined_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if let Some(applied) = &applied {
        checkout::record(
            &txn,
            applied,
            client,
            checkout::Bought::CompetitionEntry(entry.id),
            cur.code,
        )
        .await?;
    }
    audit::record(
        &txn,
        Some(client),
        "competition.join",
        "competition",
        Some(id),
        serde_json::json!({"entry": entry.id, "fee_minor": fee, "account": acc.login}),
        &from.ip,
    )
    .await?;
    live::emit(&txn, Audience::everyone(), Topic::Leaderboard, Some(id)).await?;
    txn.commit().await?;
    Ok(entry.id)
}

/// Staff suspend an entrant (with the reason they are shown) or let them back; a suspended
/// entrant leaves the board and wins nothing. Final ranks are final.
pub async fn suspend(
    db: &DatabaseConnection,
    staff: i64,
    entry: i64,
    suspended: bool,
    reason: &str,
    from: &Origin,
) -> Result<(), AppError> {
    let reason = reason.trim();
    if suspended && reason.is_empty() {
        return Err(AppError::field("reason", "err.reason_required"));
    }
    if reason.chars().count() > 500 {
        return Err(AppError::field("reason", "err.too_long"));
    }
    let txn = db.write().await?;
    let e = competition_entry::Entity::find_by_id(entry)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let c = competition::Entity::find_by_id(e.competition_id)
        .one(&txn)
        .await?
        .or_internal("an entry's competition")?;
    if c.settled_at.is_some() {
        return Err(AppError::field("reason", "err.competition_settled"));
    }
    let (user, status) = (
        e.user_id,
        if suspended {
            EntryStatus::Suspended
        } else {
            EntryStatus::Active
        },
    );
    let mut am = e.into_active_model();
    am.status = Set(status);
    am.suspend_reason = Set(if suspended {
        reason.to_string()
    } else {
        String::new()
    });
    am.update(&txn).await?;
    audit::record(
        &txn,
        Some(staff),
        if suspended {
            "competition.suspend"
        } else {
            "competition.reinstate"
        },
        "competition_entry",
        Some(entry),
        serde_json::json!({"competition": c.id, "reason": reason}),
        &from.ip,
    )
    .await?;
    let data = std::collections::BTreeMap::from([
        ("competition".to_string(), c.name.clone()),
        ("reason".to_string(), reason.to_string()),
    ]);
    notify::push(
        &txn,
        user,
        if suspended {
            "notice.competition_suspended"
        } else {
            "notice.competition_reinstated"
        },
        data,
    )
    .await?;
    live::emit(&txn, Audience::everyone(), Topic::Leaderboard, Some(c.id)).await?;
    txn.commit().await?;
    Ok(())
}
