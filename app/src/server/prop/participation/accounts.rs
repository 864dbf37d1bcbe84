//! A trading account for each stage a participant reaches.
use super::*;
use crate::domain::challenge::{Environment, StageDef};
use crate::domain::clock;
use crate::domain::rules::StageState;
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::entity::{participant, trading_account};
use crate::server::trading::platform::{OPENING, Platform, TradingPlatform};
use crate::server::{infra::crypto, trading::servers, trading::sim};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

/// A fresh login: eight digits, unique among accounts.
pub(super) async fn new_login(db: &impl ConnectionTrait) -> Result<String, AppError> {
    for _ in 0..5 {
        let b = crypto::random_bytes::<4>();
        let login = (10_000_000 + u32::from_le_bytes(b) % 89_999_999).to_string();
        if trading_account::Entity::find()
            .filter(trading_account::Column::Login.eq(&login))
            .one(db)
            .await?
            .is_none()
        {
            return Ok(login);
        }
    }
    Err(AppError::internal("no free account login after five tries"))
}

/// A stage account's password: twelve random hex digits.
pub fn new_password() -> String {
    crypto::random_token().chars().take(12).collect()
}

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
    let balance = b.package.account_size_minor;
    let rules = def.rules(balance);
    let zone = clock::DayZone::parse(&b.time_zone).unwrap_or_default();
    let server = servers::of_stage(txn, def.server_id)
        .await?
        .or_internal("a stage's trading server")?;
    let now = Utc::now();
    // The stage's first day by its platform's clock: the simulator's own, or the real one.
    let (platform, bridge_id, day_start) = match server.bridge_id {
        Some(bridge) => ("bridge", Some(bridge), now),
        None => ("sim", None, sim::feed(txn).await?.now()),
    };
    let state = StageState::new(&rules, clock::local_day(day_start, zone));
    let group = servers::terms(&server)
        .group_for(&def.account_group)
        .to_string();
    let password = new_password();
    let acc = trading_account::ActiveModel {
        participant_id: Set(Some(p.id)),
        user_id: Set(p.user_id),
        platform: Set(platform.into()),
        bridge_id: Set(bridge_id),
        account_group: Set(group),
        login: Set(new_login(txn).await?),
        password: Set(password),
        environment: Set(match def.environment {
            Environment::Demo => "demo",
            Environment::Live => "live",
        }
        .into()),
        currency: Set(p.currency.clone()),
        leverage: Set(b.package.leverage as i32),
        stage: Set(stage),
        attempt: Set(attempt),
        initial_balance: Set(balance),
        balance: Set(balance),
        equity: Set(balance),
        margin: Set(0),
        open_positions: Set(0),
        enabled: Set(true),
        // A bridged account opens when its platform acknowledges the `create` command.
        status: Set(if bridge_id.is_some() {
            OPENING
        } else {
            "active"
        }
        .into()),
        time_zone: Set(b.time_zone.clone()),
        rules: Set(serde_json::to_string(&rules).or_internal("encoding an account's rules")?),
        state: Set(serde_json::to_string(&state).or_internal("encoding an account's rule state")?),
        decision: Set(String::new()),
        last_seq: Set(0),
        version: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Platform::of(&acc).create(txn, &acc).await?;
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
