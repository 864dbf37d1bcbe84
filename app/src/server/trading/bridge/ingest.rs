//! Snapshots and deals into the rules engine, and the commands the platform pulls.
use super::*;
use crate::domain::clock;
use crate::domain::rules::StageState;
use crate::domain::validation::FieldError;
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::entity::{bridge, bridge_command, deal, trading_account};
use crate::server::infra::db::Write;
use crate::server::infra::live;
use crate::server::trading::platform::{self, command_status};
use crate::server::trading::risk::{self, Happened};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

// Updates and commands

/// The bridge's account with this login, or 404.
pub(super) async fn account_of(
    db: &impl ConnectionTrait,
    b: &bridge::Model,
    login: &str,
) -> Result<trading_account::Model, BridgeError> {
    trading_account::Entity::find()
        .filter(trading_account::Column::Login.eq(login))
        .filter(trading_account::Column::Platform.eq("bridge"))
        .filter(trading_account::Column::BridgeId.eq(b.id))
        .one(db)
        .await?
        .ok_or(BridgeError::UnknownLogin)
}

pub(super) fn belongs(acc: &trading_account::Model, b: &bridge::Model) -> bool {
    acc.platform == "bridge" && acc.bridge_id == Some(b.id)
}

pub(super) fn account_out(acc: &trading_account::Model) -> AccountOut {
    AccountOut {
        login: acc.login.clone(),
        seq: acc.last_seq,
        status: acc.status.clone(),
        enabled: acc.enabled,
        balance_minor: acc.balance,
        equity_minor: acc.equity,
    }
}

pub(super) async fn store_seq(
    txn: &impl ConnectionTrait,
    id: i64,
    seq: i64,
) -> Result<(), AppError> {
    trading_account::Entity::update_many()
        .col_expr(trading_account::Column::LastSeq, Expr::value(seq))
        .filter(trading_account::Column::Id.eq(id))
        .exec(txn)
        .await?;
    Ok(())
}

pub(super) async fn reread(db: &impl ConnectionTrait, id: i64) -> Result<AccountOut, BridgeError> {
    let acc = trading_account::Entity::find_by_id(id)
        .one(db)
        .await?
        .or_internal("the account just updated is not there")?;
    Ok(account_out(&acc))
}

/// Notes when the bridge's figures last arrived (its server's health), at most once a second.
async fn snapshot_heard(
    txn: &impl ConnectionTrait,
    bridge_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    use bridge::Column as B;
    bridge::Entity::update_many()
        .col_expr(B::LastSnapshotAt, Expr::value(now))
        .filter(B::Id.eq(bridge_id))
        .filter(
            sea_orm::Condition::any()
                .add(B::LastSnapshotAt.is_null())
                .add(B::LastSnapshotAt.lt(now - chrono::Duration::seconds(1))),
        )
        .exec(txn)
        .await?;
    Ok(())
}

/// Applies a snapshot: the rules engine judges the new figures (a breach disables the account
/// and queues a `disable` command), and the account keeps them and the `seq`.
pub async fn snapshot(
    db: &DatabaseConnection,
    b: &bridge::Model,
    input: SnapshotIn,
    now: DateTime<Utc>,
) -> Result<AccountOut, BridgeError> {
    let v = validate_snapshot(&input, now)?;
    let found = account_of(db, b, &input.login).await?;
    let txn = db.write().await?;
    let acc = risk::lock(&txn, found.id).await?;
    if !belongs(&acc, b) {
        return Err(BridgeError::UnknownLogin);
    }
    if acc.status == platform::OPENING {
        return Err(BridgeError::AccountOpening);
    }
    if v.seq <= acc.last_seq {
        return Err(BridgeError::StaleSeq {
            last_seq: acc.last_seq,
        });
    }
    risk::apply(&txn, &acc, v.snap, Happened::Mark, v.at).await?;
    store_seq(&txn, acc.id, v.seq).await?;
    snapshot_heard(&txn, b.id, now).await?;
    txn.commit().await?;
    reread(db, acc.id).await
}

/// Applies a batch of snapshots in one transaction: the accounts are locked together, each
/// snapshot is judged in order, and the figures, engine states and `seq`s are stored in one
/// statement. A snapshot that is invalid, stale or for an unknown login is reported in its
/// result and skipped; the others apply.
pub async fn snapshots(
    db: &DatabaseConnection,
    b: &bridge::Model,
    input: SnapshotBatchIn,
    now: DateTime<Utc>,
) -> Result<SnapshotBatchOut, BridgeError> {
    if input.snapshots.is_empty() || input.snapshots.len() > MAX_BATCH {
        return Err(vec![FieldError::new("snapshots", "err.batch_size")].into());
    }
    let refused = |s: &SnapshotIn, e: BridgeError| SnapshotResult {
        login: s.login.clone(),
        seq: s.seq,
        status: e.status(),
        code: Some(e.code().to_string()),
        account: None,
    };
    let mut results: Vec<Option<SnapshotResult>> = vec![None; input.snapshots.len()];
    let mut valid = Vec::new();
    for (i, s) in input.snapshots.iter().enumerate() {
        match validate_snapshot(s, now) {
            Ok(v) => valid.push((i, v)),
            Err(e) => results[i] = Some(refused(s, e)),
        }
    }
    let logins: Vec<&str> = valid
        .iter()
        .map(|(i, _)| input.snapshots[*i].login.as_str())
        .collect();
    let ids: HashMap<String, i64> = trading_account::Entity::find()
        .filter(trading_account::Column::Login.is_in(logins))
        .filter(trading_account::Column::Platform.eq("bridge"))
        .filter(trading_account::Column::BridgeId.eq(b.id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.login, a.id))
        .collect();
    let txn = db.write().await?;
    let wanted: Vec<i64> = ids.values().copied().collect();
    let mut accounts = risk::lock_many(&txn, &wanted).await?;
    let mut updates = Vec::new();
    let mut applied = Vec::new();
    for (i, v) in valid {
        let s = &input.snapshots[i];
        let Some(acc) = ids.get(&s.login).and_then(|id| accounts.get_mut(id)) else {
            results[i] = Some(refused(s, BridgeError::UnknownLogin));
            continue;
        };
        if acc.status == platform::OPENING {
            results[i] = Some(refused(s, BridgeError::AccountOpening));
            continue;
        }
        if v.seq <= acc.last_seq {
            let e = BridgeError::StaleSeq {
                last_seq: acc.last_seq,
            };
            results[i] = Some(refused(s, e));
            continue;
        }
        acc.last_seq = v.seq;
        updates.push(risk::Update {
            account_id: acc.id,
            snap: v.snap,
            happened: Happened::Mark,
            at: v.at,
        });
        applied.push(i);
    }
    risk::apply_locked(&txn, &mut accounts, &updates).await?;
    if !applied.is_empty() {
        snapshot_heard(&txn, b.id, now).await?;
    }
    txn.commit().await?;
    let after: HashMap<i64, trading_account::Model> = trading_account::Entity::find()
        .filter(trading_account::Column::Id.is_in(wanted))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    for i in applied {
        let s = &input.snapshots[i];
        let acc = ids.get(&s.login).and_then(|id| after.get(id));
        results[i] = Some(SnapshotResult {
            login: s.login.clone(),
            seq: s.seq,
            status: 200,
            code: None,
            account: acc.map(account_out),
        });
    }
    Ok(SnapshotBatchOut {
        results: results.into_iter().flatten().collect(),
    })
}

/// Applies a deal: `in` counts as a trade opened, `out` stores the deal and feeds its profit
/// to the rules engine. A closing deal whose ticket is already stored changes nothing.
pub async fn deal(
    db: &DatabaseConnection,
    b: &bridge::Model,
    input: DealIn,
    now: DateTime<Utc>,
) -> Result<DealOut, BridgeError> {
    let v = validate_deal(&input, now)?;
    let found = account_of(db, b, &input.login).await?;
    let txn = db.write().await?;
    let acc = risk::lock(&txn, found.id).await?;
    if !belongs(&acc, b) {
        return Err(BridgeError::UnknownLogin);
    }
    if acc.status == platform::OPENING {
        return Err(BridgeError::AccountOpening);
    }
    if v.closing.is_some() {
        let stored = deal::Entity::find()
            .filter(deal::Column::AccountId.eq(acc.id))
            .filter(deal::Column::Ticket.eq(&v.ticket))
            .one(&txn)
            .await?;
        if stored.is_some() {
            return Ok(DealOut {
                ticket: v.ticket,
                duplicate: true,
                account: account_out(&acc),
            });
        }
    }
    if v.seq <= acc.last_seq {
        return Err(BridgeError::StaleSeq {
            last_seq: acc.last_seq,
        });
    }
    if let Some(mut row) = v.closing {
        row.account_id = Set(acc.id);
        row.insert(&txn).await?;
    }
    risk::apply(&txn, &acc, v.snap, v.happened, v.at).await?;
    store_seq(&txn, acc.id, v.seq).await?;
    snapshot_heard(&txn, b.id, now).await?;
    txn.commit().await?;
    Ok(DealOut {
        ticket: v.ticket,
        duplicate: false,
        account: reread(db, acc.id).await?,
    })
}

/// The bridge's pending commands, oldest first.
pub async fn commands(
    db: &DatabaseConnection,
    b: &bridge::Model,
    limit: u64,
) -> Result<CommandsOut, BridgeError> {
    if !(1..=MAX_COMMANDS).contains(&limit) {
        return Err(AppError::field("limit", "err.limit_range").into());
    }
    let rows = bridge_command::Entity::find()
        .filter(bridge_command::Column::BridgeId.eq(b.id))
        .filter(bridge_command::Column::Status.eq(command_status::PENDING))
        .order_by_asc(bridge_command::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|c| c.account_id).collect();
    let logins: HashMap<i64, String> = if ids.is_empty() {
        HashMap::new()
    } else {
        trading_account::Entity::find()
            .filter(trading_account::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.id, a.login))
            .collect()
    };
    Ok(CommandsOut {
        commands: rows
            .into_iter()
            .map(|c| CommandOut {
                id: c.id,
                kind: c.kind,
                login: logins.get(&c.account_id).cloned().unwrap_or_default(),
                payload: serde_json::from_str(&c.payload).unwrap_or_else(|_| serde_json::json!({})),
                created_at: c.created_at.to_rfc3339(),
            })
            .collect(),
    })
}

/// Marks one of the bridge's commands done, or failed when the platform says why it could not
/// carry it out. A `create` opens the account: its login and password become the platform's
/// when it sends them, its stage starts today, and the prop area tells the trader. A
/// `reset_password` or `set_leverage` takes effect on the account. Acknowledging a command again
/// changes nothing (a `create` again with another login is refused).
pub async fn ack(
    db: &DatabaseConnection,
    b: &bridge::Model,
    command_id: i64,
    input: AckIn,
    now: DateTime<Utc>,
) -> Result<AckOut, BridgeError> {
    validate_ack(&input)?;
    let find = || {
        bridge_command::Entity::find_by_id(command_id)
            .filter(bridge_command::Column::BridgeId.eq(b.id))
    };
    let txn = db.write().await?;
    let cmd = find().one(&txn).await?.ok_or(BridgeError::UnknownCommand)?;
    // The account first, as every writer of it does; then the command again under that lock.
    let acc = risk::lock(&txn, cmd.account_id).await?;
    let cmd = find().one(&txn).await?.ok_or(BridgeError::UnknownCommand)?;
    let done = cmd.status == command_status::ACKED;
    if let Some(why) = input.error.as_deref() {
        if !done {
            set_command(&txn, cmd.id, command_status::FAILED, Some(why), None).await?;
        }
    } else {
        match cmd.kind.as_str() {
            "create" => open(&txn, &acc, &input, done, now).await?,
            "reset_password" if !done => {
                let password = input
                    .password
                    .clone()
                    .or_else(|| payload_str(&cmd, "password"));
                if let Some(p) = password {
                    platform::set_column(&txn, acc.id, trading_account::Column::Password, p)
                        .await?;
                }
            }
            "set_leverage" if !done => {
                let payload: serde_json::Value =
                    serde_json::from_str(&cmd.payload).unwrap_or_default();
                if let Some(l) = payload["leverage"]
                    .as_i64()
                    .and_then(|l| i32::try_from(l).ok())
                {
                    platform::set_column(&txn, acc.id, trading_account::Column::Leverage, l)
                        .await?;
                }
            }
            _ => {}
        }
        if !done {
            set_command(&txn, cmd.id, command_status::ACKED, None, Some(now)).await?;
        }
    }
    let c = find().one(&txn).await?.ok_or(BridgeError::UnknownCommand)?;
    let login = trading_account::Entity::find_by_id(acc.id)
        .one(&txn)
        .await?
        .map(|a| a.login)
        .unwrap_or_default();
    txn.commit().await?;
    Ok(AckOut {
        id: c.id,
        status: c.status,
        login,
        acked_at: c.acked_at.unwrap_or(now).to_rfc3339(),
    })
}

fn payload_str(cmd: &bridge_command::Model, key: &str) -> Option<String> {
    let payload: serde_json::Value = serde_json::from_str(&cmd.payload).ok()?;
    payload[key].as_str().map(str::to_string)
}

async fn set_command(
    txn: &DatabaseTransaction,
    id: i64,
    status: &str,
    error: Option<&str>,
    acked_at: Option<DateTime<Utc>>,
) -> Result<(), AppError> {
    use bridge_command::Column as C;
    let mut q = bridge_command::Entity::update_many()
        .col_expr(C::Status, Expr::value(status))
        .col_expr(C::Error, Expr::value(error.map(str::to_string)));
    if acked_at.is_some() {
        q = q.col_expr(C::AckedAt, Expr::value(acked_at));
    }
    q.filter(C::Id.eq(id)).exec(txn).await?;
    Ok(())
}

/// The platform created the account: it becomes active under the platform's login (unless that
/// login is another account's), with a stage that starts today.
async fn open(
    txn: &DatabaseTransaction,
    acc: &trading_account::Model,
    input: &AckIn,
    done: bool,
    now: DateTime<Utc>,
) -> Result<(), BridgeError> {
    let login = input.login.clone().unwrap_or_else(|| acc.login.clone());
    if done {
        // Already opened: the same acknowledgement again changes nothing.
        return if login == acc.login {
            Ok(())
        } else {
            Err(BridgeError::AckConflict)
        };
    }
    if login != acc.login {
        let taken = trading_account::Entity::find()
            .filter(trading_account::Column::Login.eq(&login))
            .one(txn)
            .await?
            .is_some();
        if taken {
            return Err(BridgeError::AckConflict);
        }
    }
    use trading_account::Column as A;
    let mut q = trading_account::Entity::update_many()
        .col_expr(A::Login, Expr::value(login))
        .col_expr(A::UpdatedAt, Expr::value(now));
    if let Some(p) = &input.password {
        q = q.col_expr(A::Password, Expr::value(p.clone()));
    }
    if acc.status == platform::OPENING {
        let rules = risk::rules_of(acc)?;
        let state = StageState::new(&rules, clock::local_day(now, risk::zone_of(acc)));
        q = q.col_expr(A::Status, Expr::value("active")).col_expr(
            A::State,
            Expr::value(serde_json::to_string(&state).or_internal("encoding a stage state")?),
        );
    }
    q.filter(A::Id.eq(acc.id)).exec(txn).await?;
    let opened = trading_account::Entity::find_by_id(acc.id)
        .one(txn)
        .await?
        .or_internal("the account just opened")?;
    if acc.status == platform::OPENING {
        platform::opened(txn, &opened).await?;
    }
    live::emit_many(txn, risk::changed(&opened)).await?;
    Ok(())
}
