//! What the benchmarks share: stage accounts on a bridge inserted in bulk, multi-row inserts, and
//! percentiles. (A folder without `main.rs`: cargo does not take it for an example.)
// Each benchmark that includes this module uses part of it.
#![allow(dead_code)]
use app::domain::rules::{DailyLossBase, MaxLossMode, StageRules, StageState};
use app::server::entity::trading_account;
use app::server::trading::bridge;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Utc;
use http_body_util::BodyExt;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tower::ServiceExt;

/// Every account's size: 10,000.00.
pub const SIZE: i64 = 1_000_000;

/// The p-th percentile (0.5 the median) of `v`, which it sorts.
pub fn percentile(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1]
}

/// `n` active stage accounts on the bridge with 5% daily and 10% maximum loss, logins from
/// `first_login` up; `owner(i)` gives account i's participant (if any) and user.
pub async fn bridged_accounts(
    db: &DatabaseConnection,
    bridge_id: i64,
    first_login: usize,
    n: usize,
    owner: impl Fn(usize) -> (Option<i64>, i64),
) -> Vec<String> {
    let rules = StageRules {
        initial_balance: SIZE,
        profit_target_bps: Some(1_000),
        max_daily_loss_bps: Some(500),
        daily_loss_base: DailyLossBase::InitialBalance,
        daily_settlement: true,
        max_loss_bps: Some(1_000),
        max_loss_mode: MaxLossMode::Static,
        max_loss_per_trade: None,
        min_trading_days: 0,
        period_days: None,
        upgrade_immediately: false,
    };
    let now = Utc::now();
    let state = StageState::new(&rules, now.date_naive());
    let (rules, state) = (
        serde_json::to_string(&rules).expect("rules"),
        serde_json::to_string(&state).expect("state"),
    );
    let logins: Vec<String> = (0..n).map(|i| (first_login + i).to_string()).collect();
    for (c, chunk) in logins.chunks(500).enumerate() {
        let rows = chunk.iter().enumerate().map(|(k, login)| {
            let (participant, user) = owner(c * 500 + k);
            trading_account::ActiveModel {
                participant_id: Set(participant),
                user_id: Set(user),
                platform: Set("bridge".into()),
                bridge_id: Set(Some(bridge_id)),
                login: Set(login.clone()),
                password: Set("x".into()),
                environment: Set("demo".into()),
                currency: Set("USD".into()),
                leverage: Set(100),
                stage: Set(0),
                attempt: Set(1),
                initial_balance: Set(SIZE),
                balance: Set(SIZE),
                equity: Set(SIZE),
                margin: Set(0),
                open_positions: Set(1),
                enabled: Set(true),
                status: Set("active".into()),
                time_zone: Set("UTC".into()),
                rules: Set(rules.clone()),
                state: Set(state.clone()),
                decision: Set(String::new()),
                last_seq: Set(0),
                version: Set(0),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
        });
        trading_account::Entity::insert_many(rows)
            .exec(db)
            .await
            .expect("accounts");
    }
    logins
}

/// Inserts rows with multi-row INSERTs of at most 30,000 values (SQLite's limit is 32,766).
pub async fn insert(db: &DatabaseConnection, table: &str, cols: &[&str], rows: Vec<Vec<Value>>) {
    let per = (30_000 / cols.len()).max(1);
    let tuple = format!("({})", vec!["?"; cols.len()].join(", "));
    for chunk in rows.chunks(per) {
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {}",
            cols.join(", "),
            vec![tuple.as_str(); chunk.len()].join(", ")
        );
        let values: Vec<Value> = chunk.iter().flatten().cloned().collect();
        db.execute_raw(app::server::infra::db::statement(
            db.get_database_backend(),
            &sql,
            values,
        ))
        .await
        .expect(table);
    }
}

/// Snapshots go to the bridge API in batches of this many (as a bridge sends them).
pub const BATCH: usize = 400;

pub struct Sender {
    pub router: Router,
    pub name: String,
    pub secret: String,
    pub nonce: AtomicU64,
}

impl Sender {
    /// Sends one signed batch; returns how long the answer took.
    pub async fn send(&self, body: String) -> Duration {
        let ts = Utc::now().timestamp().to_string();
        let nonce = format!("bench-nonce-{}", self.nonce.fetch_add(1, Ordering::Relaxed));
        let sig = bridge::sign(&self.secret, &ts, &nonce, body.as_bytes());
        let req = Request::builder()
            .method("POST")
            .uri("/bridge/v1/snapshots/batch")
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-bridge", &self.name)
            .header("x-timestamp", ts)
            .header("x-nonce", nonce)
            .header("x-signature", sig)
            .body(Body::from(body))
            .expect("request");
        let started = Instant::now();
        let res = self.router.clone().oneshot(req).await.expect("response");
        let status = res.status();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        let took = started.elapsed();
        assert_eq!(
            status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&bytes)
        );
        took
    }
}

pub fn batch(logins: &[String], seq: i64, equity: impl Fn(usize) -> i64) -> String {
    let at = Utc::now().to_rfc3339();
    let items: Vec<serde_json::Value> = logins
        .iter()
        .enumerate()
        .map(|(i, login)| {
            serde_json::json!({
                "login": login, "seq": seq, "at": at, "balance_minor": SIZE,
                "equity_minor": equity(i), "margin_minor": 10_000, "open_positions": 1,
            })
        })
        .collect();
    serde_json::json!({ "snapshots": items }).to_string()
}
