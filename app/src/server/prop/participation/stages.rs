//! Passing or failing a stage: the next stage, the live step, retries and manual advancement.
use super::*;
use crate::domain::approval::RequestKind;
use crate::domain::challenge::Environment;
use crate::domain::money::Money;
use crate::domain::rules::Decision;
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::approvals::{self, Submission};
use crate::server::entity::{participant, request, rule_decision, trading_account};
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use crate::server::trading::platform::{Platform, TradingPlatform};
use crate::server::{infra::audit, prop::fees, prop::profit_share, trading::risk};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

crate::register_stage_listener!(|txn, p, acc, d, actor| Box::pin(on_stage_decided(
    txn, p, acc, d, actor
)));

/// The rules engine ended the participant's current stage.
pub async fn on_stage_decided(
    txn: &sea_orm::DatabaseTransaction,
    participant_id: i64,
    acc: &trading_account::Model,
    d: &Decision,
    actor: Option<i64>,
) -> Result<(), AppError> {
    let p = find(txn, participant_id).await?;
    // Only the participant's current account moves it.
    if p.account_id != Some(acc.id) || p.status != ParticipantStatus::InProgress {
        return Ok(());
    }
    match d {
        Decision::Passed(_) => progress(txn, &p, actor).await,
        Decision::Breach(f) | Decision::Expired(f) => {
            let reason = risk::rule_name(f.rule);
            set_status(txn, p.id, ParticipantStatus::Failed, true, Some(reason)).await?;
            tell(
                txn,
                &p,
                "notice.prop_failed",
                &[("rule", format!("rule.{reason}"))],
            )
            .await
        }
    }
}

/// The current stage passed: the next demo stage's account is opened, a live stage waits for
/// the live-step request, and after the last stage the challenge is completed.
pub(super) async fn progress(
    txn: &sea_orm::DatabaseTransaction,
    p: &participant::Model,
    actor: Option<i64>,
) -> Result<(), AppError> {
    let b = bought(p)?;
    let next = p.stage + 1;
    let Some(stage) = b.package.stages.get(next as usize) else {
        set_status(txn, p.id, ParticipantStatus::Completed, true, None).await?;
        return tell(txn, p, "notice.prop_completed", &[]).await;
    };
    tell(
        txn,
        p,
        "notice.prop_passed",
        &[("stage", (p.stage + 1).to_string())],
    )
    .await?;
    match stage.environment {
        Environment::Demo => issue_account(txn, p, &b, next, 1).await,
        Environment::Live => {
            set_status(txn, p.id, ParticipantStatus::PendingLive, false, None).await?;
            approvals::submit(
                txn,
                Submission {
                    idempotency_key: format!("live-step-{}-{next}", p.id),
                    kind: Some(RequestKind::LiveStep),
                    user_id: p.user_id,
                    created_by: actor.unwrap_or(p.user_id),
                    currency: Some(cur(&p.currency)?),
                    reference: format!("{} · {}", p.challenge_name, b.package.name),
                    payload: serde_json::json!({"participant_id": p.id, "stage": next}),
                    ..Default::default()
                },
                &system(),
            )
            .await?;
            Ok(())
        }
    }
}

/// Staff move an in-progress participant past the current stage. Only an account with no
/// open positions may be advanced, so no floating result is left behind.
pub async fn advance(
    db: &DatabaseConnection,
    staff: i64,
    participant_id: i64,
    comment: &str,
    from: &Origin,
) -> Result<(), AppError> {
    if comment.trim().is_empty() {
        return Err(AppError::field("comment", "err.comment_required"));
    }
    let txn = db.write().await?;
    let p = find(&txn, participant_id).await?;
    if p.status != ParticipantStatus::InProgress {
        return Err(AppError::field("participant", "err.not_in_progress"));
    }
    let acc_id = p
        .account_id
        .or_internal("a participant in progress without an account")?;
    let acc = risk::lock(&txn, acc_id).await?;
    if acc.open_positions > 0 {
        return Err(AppError::field("participant", "err.open_positions"));
    }
    // A funded stage pays its due profit share before the trader moves on.
    profit_share::settle_final(&txn, &acc, staff, from).await?;
    trading_account::Entity::update_many()
        .col_expr(trading_account::Column::Status, Expr::value("passed"))
        .filter(trading_account::Column::Id.eq(acc.id))
        .exec(&txn)
        .await?;
    Platform::of(&acc).set_enabled(&txn, &acc, false).await?;
    rule_decision::ActiveModel {
        account_id: Set(acc.id),
        participant_id: Set(Some(p.id)),
        outcome: Set("advanced".into()),
        rule: Set("manual".into()),
        figures: Set(serde_json::json!({"comment": comment.trim()}).to_string()),
        actor_id: Set(Some(staff)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(staff),
        "participant.advanced",
        "participant",
        Some(p.id),
        serde_json::json!({"stage": p.stage + 1, "comment": comment.trim()}),
        &from.ip,
    )
    .await?;
    progress(&txn, &p, Some(staff)).await?;
    txn.commit().await?;
    Ok(())
}

/// A failed stage is tried again on a new account, if the stage allows it and attempts are
/// left; the retry fee (if any) comes from the wallet.
pub async fn retry(
    db: &DatabaseConnection,
    user_id: i64,
    participant_id: i64,
    idempotency_key: &str,
    from: &Origin,
) -> Result<request::Model, AppError> {
    let txn = db.write().await?;
    // Two retries sent together queue here; the second then sees the first one's status.
    crate::server::infra::db::lock_user(&txn, user_id).await?;
    let p = find(&txn, participant_id).await?;
    if p.user_id != user_id {
        return Err(AppError::NotFound);
    }
    let b = bought(&p)?;
    let stage = b
        .package
        .stages
        .get(p.stage as usize)
        .or_internal("a participant's stage beyond its package")?;
    if p.status != ParticipantStatus::Failed || p.account_id.is_none() {
        return Err(AppError::field("participant", "err.retry_not_failed"));
    }
    if !stage.retry_allowed || p.attempt as u32 >= stage.max_attempts {
        return Err(AppError::field("participant", "err.retry_exhausted"));
    }
    let currency = cur(&p.currency)?;
    // Less the purchase's coupon when it also covers retries.
    let fee = crate::server::offers::checkout::retry_price(
        &txn,
        p.id,
        Money::new(stage.retry_fee_minor, currency),
    )
    .await?
    .paid_minor;
    let key = idempotency_key.trim();
    if key.is_empty() || key.len() > 100 {
        return Err(AppError::field("request", "err.idempotency_key"));
    }
    if fee > 0 {
        charge_wallet(
            &txn,
            &p,
            fees::kind::RETRY,
            fee,
            &format!("prop-retry-{}-{}", p.id, p.attempt + 1),
        )
        .await?;
    }
    set_status(&txn, p.id, ParticipantStatus::RetryPending, false, None).await?;
    let done = approvals::submit(
        &txn,
        Submission {
            idempotency_key: key.to_string(),
            kind: Some(RequestKind::Retry),
            user_id,
            created_by: user_id,
            currency: Some(currency),
            amount_minor: Some(fee),
            reference: format!("{} · {}", p.challenge_name, b.package.name),
            payload: serde_json::json!({"participant_id": p.id, "attempt": p.attempt + 1}),
            ..Default::default()
        },
        from,
    )
    .await?;
    txn.commit().await?;
    Ok(done.request)
}
