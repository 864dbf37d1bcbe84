//! Opening a trading account on a server: a challenge stage's (prop) or a competition's. The
//! one place that picks the platform (the simulator, or a bridged platform that must
//! acknowledge the account before it opens), the login, and the rule state's first day.
use crate::domain::challenge::Environment;
use crate::domain::clock;
use crate::domain::rules::{StageRules, StageState};
use crate::error::{AppError, OrInternal};
use crate::server::entity::trading_account;
use crate::server::infra::crypto;
use crate::server::trading::platform::{OPENING, Platform, TradingPlatform};
use crate::server::trading::{servers, sim};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

/// A fresh login: eight digits, unique among accounts.
async fn new_login(db: &impl ConnectionTrait) -> Result<String, AppError> {
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

/// An account's password: twelve random hex digits.
pub fn new_password() -> String {
    crypto::random_token().chars().take(12).collect()
}

/// What an account is opened with.
pub struct NewAccount<'a> {
    pub user_id: i64,
    /// The challenge participant it serves (None: a competition's account).
    pub participant_id: Option<i64>,
    /// The trading server (None: the simulator).
    pub server_id: Option<i64>,
    /// The account group asked for, mapped to the server's own group.
    pub account_group: &'a str,
    pub environment: Environment,
    pub currency: &'a str,
    pub leverage: i32,
    pub stage: i32,
    pub attempt: i32,
    pub balance: i64,
    pub rules: StageRules,
    pub time_zone: &'a str,
}

/// Opens the account in the caller's transaction: active at once on the simulator, `opening`
/// on a bridged platform until it acknowledges the `create` command.
pub async fn open(
    txn: &impl ConnectionTrait,
    a: NewAccount<'_>,
) -> Result<trading_account::Model, AppError> {
    let zone = clock::DayZone::parse(a.time_zone).unwrap_or_default();
    let server = servers::of_stage(txn, a.server_id)
        .await?
        .or_internal("an account's trading server")?;
    let now = Utc::now();
    // The first day by the platform's clock: the simulator's own, or the real one.
    let (platform, bridge_id, day_start) = match server.bridge_id {
        Some(bridge) => ("bridge", Some(bridge), now),
        None => ("sim", None, sim::feed(txn).await?.now()),
    };
    let state = StageState::new(&a.rules, clock::local_day(day_start, zone));
    let group = servers::terms(&server)
        .group_for(a.account_group)
        .to_string();
    let acc = trading_account::ActiveModel {
        participant_id: Set(a.participant_id),
        user_id: Set(a.user_id),
        platform: Set(platform.into()),
        bridge_id: Set(bridge_id),
        account_group: Set(group),
        login: Set(new_login(txn).await?),
        password: Set(new_password()),
        environment: Set(match a.environment {
            Environment::Demo => "demo",
            Environment::Live => "live",
        }
        .into()),
        currency: Set(a.currency.into()),
        leverage: Set(a.leverage),
        stage: Set(a.stage),
        attempt: Set(a.attempt),
        initial_balance: Set(a.balance),
        balance: Set(a.balance),
        equity: Set(a.balance),
        margin: Set(0),
        open_positions: Set(0),
        enabled: Set(true),
        status: Set(if bridge_id.is_some() {
            OPENING
        } else {
            "active"
        }
        .into()),
        time_zone: Set(a.time_zone.into()),
        rules: Set(serde_json::to_string(&a.rules).or_internal("encoding an account's rules")?),
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
    Ok(acc)
}
