//! A trading account for each stage a participant reaches.
use super::*;
use crate::domain::challenge::StageDef;
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::entity::{participant, trading_account};
use crate::server::trading::accounts;
use crate::server::trading::platform::OPENING;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// Opens the account of `stage` (attempt `attempt`) and puts the participant on it.
pub async fn issue_account(
    txn: &impl ConnectionTrait,
    p: &participant::Model,
    b: &Bought,
    stage: i32,
    attempt: i32,
) -> Result<(), AppError> {
    let def: &StageDef = b
        .package
        .stages
        .get(stage as usize)
        .or_internal("a stage beyond the bought package")?;
    let acc = accounts::open(
        txn,
        accounts::NewAccount {
            user_id: p.user_id,
            participant_id: Some(p.id),
            server_id: def.server_id,
            account_group: &def.account_group,
            environment: def.environment,
            currency: &p.currency,
            leverage: b.package.leverage as i32,
            stage,
            attempt,
            balance: b.package.account_size_minor,
            rules: def.rules(b.package.account_size_minor),
            time_zone: &b.time_zone,
        },
    )
    .await?;
    let now = Utc::now();
    let mut q = participant::Entity::update_many()
        .col_expr(
            participant::Column::Status,
            Expr::value(ParticipantStatus::InProgress),
        )
        .col_expr(participant::Column::Stage, Expr::value(stage))
        .col_expr(participant::Column::Attempt, Expr::value(attempt))
        .col_expr(participant::Column::AccountId, Expr::value(Some(acc.id)))
        .col_expr(participant::Column::Reason, Expr::value(""))
        .col_expr(
            participant::Column::EndedAt,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(participant::Column::UpdatedAt, Expr::value(now));
    if p.started_at.is_none() {
        q = q.col_expr(participant::Column::StartedAt, Expr::value(Some(now)));
    }
    q.filter(participant::Column::Id.eq(p.id)).exec(txn).await?;
    tree_stats::track(txn, Some(p), &find(txn, p.id).await?).await?;
    let stage = ("stage", (stage + 1).to_string());
    if acc.status == OPENING {
        tell(txn, p, "notice.prop_account_opening", &[stage]).await
    } else {
        tell(
            txn,
            p,
            "notice.prop_account_ready",
            &[("login", acc.login.clone()), stage],
        )
        .await
    }
}

crate::register_account_opened!(|txn, acc| Box::pin(account_opened(txn, acc)));

/// A bridged stage account was opened by its platform: the trader is told its login.
async fn account_opened(
    txn: &sea_orm::DatabaseTransaction,
    acc: &trading_account::Model,
) -> Result<(), AppError> {
    let Some(id) = acc.participant_id else {
        return Ok(());
    };
    let p = find(txn, id).await?;
    let extra = [
        ("login", acc.login.clone()),
        ("stage", (acc.stage + 1).to_string()),
    ];
    tell(txn, &p, "notice.prop_account_ready", &extra).await
}
