//! Bridges, their secrets, and the signature and nonce every request carries.
use super::*;
use crate::error::AppError;
use crate::server::entity::{bridge, bridge_nonce};
use crate::server::infra::db::Write;
use crate::server::trading::servers;
use crate::server::{infra::audit, infra::crypto};
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, TryInsertResult,
};
use sha2::Sha256;
use std::sync::atomic::{AtomicI64, Ordering};

/// Registers a bridge with its trading server (a demo server for USD at 1:100 until staff set
/// what its platform offers). Returns it with its secret (hex of 32 random bytes), shown only
/// once.
pub async fn create(
    db: &DatabaseConnection,
    name: &str,
) -> Result<(bridge::Model, String), AppError> {
    let txn = db.write().await?;
    let (b, secret) = register(&txn, name).await?;
    servers::for_new_bridge(&txn, &b).await?;
    txn.commit().await?;
    Ok((b, secret))
}

/// Registers a bridge's credentials in the caller's transaction.
pub async fn register(
    txn: &impl ConnectionTrait,
    name: &str,
) -> Result<(bridge::Model, String), AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::field("name", "err.required"));
    }
    if name.chars().count() > NAME_MAX
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err(AppError::field("name", "err.bridge_name_invalid"));
    }
    let secret = hex::encode(crypto::random_bytes::<32>());
    let b = bridge::ActiveModel {
        name: Set(name.into()),
        secret: Set(secret.clone()),
        enabled: Set(true),
        created_at: Set(Utc::now()),
        last_seen_at: Set(None),
        last_snapshot_at: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            AppError::field("name", "err.name_taken")
        }
        _ => AppError::from(e),
    })?;
    audit::record(
        txn,
        None,
        "bridge.create",
        "bridge",
        Some(b.id),
        serde_json::json!({"name": b.name}),
        "",
    )
    .await?;
    Ok((b, secret))
}

/// The signature of a request: lowercase hex HMAC-SHA256 of `{timestamp}\n{nonce}\n{body}`,
/// keyed with the secret's bytes. Bridges compute the same.
pub fn sign(secret_hex: &str, timestamp: &str, nonce: &str, body: &[u8]) -> String {
    let key = hex::decode(secret_hex).unwrap_or_default();
    hex::encode(mac(&key, timestamp, nonce, body).finalize().into_bytes())
}

pub(super) fn mac(key: &[u8], timestamp: &str, nonce: &str, body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length.
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts any key length");
    m.update(timestamp.as_bytes());
    m.update(b"\n");
    m.update(nonce.as_bytes());
    m.update(b"\n");
    m.update(body);
    m
}

pub(super) fn nonce_ok(nonce: &str) -> bool {
    (8..=64).contains(&nonce.len())
        && nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Checks who sent a request and that it is fresh, without writing anything: the bridge exists
/// and is enabled, the signature matches (compared in constant time), and the timestamp is
/// within five minutes of `now`. Does not consume the nonce (see `consume_nonce`).
pub async fn authenticate(
    db: &DatabaseConnection,
    bridge_name: &str,
    timestamp: &str,
    nonce: &str,
    signature_hex: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<bridge::Model, BridgeError> {
    let ts = (!timestamp.is_empty()
        && timestamp.len() <= 12
        && timestamp.bytes().all(|b| b.is_ascii_digit()))
    .then(|| timestamp.parse::<i64>().ok())
    .flatten();
    let signature = hex::decode(signature_hex).ok().filter(|s| s.len() == 32);
    let (Some(ts), Some(signature)) = (ts, signature) else {
        return Err(BridgeError::Unauthenticated);
    };
    if bridge_name.is_empty() || bridge_name.len() > NAME_MAX || !nonce_ok(nonce) {
        return Err(BridgeError::Unauthenticated);
    }
    let Some(b) = bridge::Entity::find()
        .filter(bridge::Column::Name.eq(bridge_name))
        .one(db)
        .await?
    else {
        return Err(BridgeError::Unauthenticated);
    };
    if !b.enabled {
        return Err(BridgeError::Unauthenticated);
    }
    let key = hex::decode(&b.secret).map_err(|e| {
        BridgeError::App(AppError::internal(format_args!(
            "bridge {}'s stored secret is not hex: {e}",
            b.name
        )))
    })?;
    // `verify_slice` compares in constant time.
    if mac(&key, timestamp, nonce, body)
        .verify_slice(&signature)
        .is_err()
    {
        return Err(BridgeError::Unauthenticated);
    }
    if (now.timestamp() - ts).abs() > MAX_SKEW_SECS {
        return Err(BridgeError::Clock);
    }
    Ok(b)
}

/// Records the nonce of an authenticated request: one seen before is a replay. Also notes when
/// the bridge was last seen, and once a minute forgets nonces older than ten minutes.
pub async fn consume_nonce(
    db: &DatabaseConnection,
    b: &bridge::Model,
    nonce: &str,
    now: DateTime<Utc>,
) -> Result<(), BridgeError> {
    // Nonces are only needed for ten minutes: each server sweeps the old ones once a minute.
    static LAST_SWEEP: AtomicI64 = AtomicI64::new(0);
    let last = LAST_SWEEP.load(Ordering::Relaxed);
    if now.timestamp() - last >= 60
        && LAST_SWEEP
            .compare_exchange(last, now.timestamp(), Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    {
        purge_nonces(db, now).await?;
    }
    let inserted = bridge_nonce::Entity::insert(bridge_nonce::ActiveModel {
        bridge_id: Set(b.id),
        nonce: Set(nonce.into()),
        seen_at: Set(now),
    })
    .on_conflict_do_nothing_on([bridge_nonce::Column::BridgeId, bridge_nonce::Column::Nonce])
    .exec_without_returning(db)
    .await?;
    if !matches!(inserted, TryInsertResult::Inserted(n) if n > 0) {
        return Err(BridgeError::Replay);
    }
    // One write a second at most, however busy the bridge.
    bridge::Entity::update_many()
        .col_expr(bridge::Column::LastSeenAt, Expr::value(now))
        .filter(bridge::Column::Id.eq(b.id))
        .filter(
            Condition::any()
                .add(bridge::Column::LastSeenAt.is_null())
                .add(bridge::Column::LastSeenAt.lt(now - Duration::seconds(1))),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets the nonces older than ten minutes. Returns how many.
pub async fn purge_nonces(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, AppError> {
    Ok(bridge_nonce::Entity::delete_many()
        .filter(bridge_nonce::Column::SeenAt.lt(now - Duration::seconds(NONCE_TTL_SECS)))
        .exec(db)
        .await?
        .rows_affected)
}

/// Authenticates a request and consumes its nonce: the bridge that sent it.
pub async fn verify(
    db: &DatabaseConnection,
    bridge_name: &str,
    timestamp: &str,
    nonce: &str,
    signature_hex: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<bridge::Model, BridgeError> {
    let b = authenticate(db, bridge_name, timestamp, nonce, signature_hex, body, now).await?;
    consume_nonce(db, &b, nonce, now).await?;
    Ok(b)
}
