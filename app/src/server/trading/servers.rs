//! Trading servers: the built-in simulator and the external platforms reached through a
//! bridge. Staff register and edit them; a challenge stage names the one its accounts open on
//! (none: the simulator), and the challenge editor refuses a stage its server cannot serve.
use crate::domain::challenge::{ChallengeDef, Environment};
use crate::domain::permission::Permission;
use crate::domain::servers::{self, ServerKind, ServerTerms, StageNeeds};
use crate::domain::validation::Errors;
use crate::error::{AppError, OrInternal};
use crate::model::{ServerForm, ServerHealth, ServerRow, ServerSaved};
use crate::server::entity::{bridge, bridge_command, trading_account, trading_server};
use crate::server::identity;
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use crate::server::infra::{audit, jobs, notify};
use crate::server::trading::bridge as bridge_api;
use crate::server::trading::platform::command_status;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

const NAME_MAX: usize = 60;
/// A new bridge server's limits until staff change them.
const SILENCE_SECS: i32 = 120;
const STALE_SECS: i32 = 300;
const COMMAND_TTL_SECS: i32 = 3600;

pub fn terms(s: &trading_server::Model) -> ServerTerms {
    let list = servers::split;
    ServerTerms {
        kind: ServerKind::parse(&s.kind).unwrap_or(ServerKind::Bridge),
        environment: Environment::parse(&s.environment).unwrap_or(Environment::Demo),
        currencies: list(&s.currencies),
        leverages: list(&s.leverages)
            .iter()
            .filter_map(|l| l.parse().ok())
            .collect(),
        groups: list(&s.groups),
        enabled: s.enabled,
    }
}

fn row(s: trading_server::Model, bridge_name: String, health: ServerHealth) -> ServerRow {
    let t = terms(&s);
    ServerRow {
        id: s.id,
        name: s.name,
        kind: s.kind,
        environment: s.environment,
        bridge_name,
        currencies: t.currencies,
        leverages: t.leverages,
        groups: t.groups,
        enabled: s.enabled,
        silence_secs: s.silence_secs,
        stale_secs: s.stale_secs,
        command_ttl_secs: s.command_ttl_secs,
        health,
    }
}

/// What every database needs at start: the simulator's row, and a demo server for each bridge
/// registered without one (before trading servers existed, or from the command line).
pub async fn ensure(db: &impl ConnectionTrait) -> Result<(), sea_orm::DbErr> {
    let now = Utc::now();
    let sim = trading_server::Entity::find()
        .filter(trading_server::Column::Kind.eq(ServerKind::Simulator.as_str()))
        .one(db)
        .await?;
    if sim.is_none() {
        insert(db, "Simulator", ServerKind::Simulator, None, now).await?;
    }
    let served: Vec<i64> = trading_server::Entity::find()
        .select_only()
        .column(trading_server::Column::BridgeId)
        .filter(trading_server::Column::BridgeId.is_not_null())
        .into_tuple::<Option<i64>>()
        .all(db)
        .await?
        .into_iter()
        .flatten()
        .collect();
    for b in bridge::Entity::find()
        .filter(bridge::Column::Id.is_not_in(served))
        .all(db)
        .await?
    {
        insert(db, &b.name, ServerKind::Bridge, Some(b.id), now).await?;
    }
    Ok(())
}

/// A server row with the defaults: the simulator offers anything; a bridge starts as a demo
/// server for USD at 1:100 until staff set what its platform offers.
async fn insert(
    db: &impl ConnectionTrait,
    name: &str,
    kind: ServerKind,
    bridge_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<trading_server::Model, sea_orm::DbErr> {
    let bridge = kind == ServerKind::Bridge;
    trading_server::ActiveModel {
        name: Set(name.into()),
        kind: Set(kind.as_str().into()),
        environment: Set(Environment::Demo.as_str().into()),
        bridge_id: Set(bridge_id),
        currencies: Set(if bridge { "USD" } else { "" }.into()),
        leverages: Set(if bridge { "100" } else { "" }.into()),
        groups: Set(String::new()),
        enabled: Set(true),
        silence_secs: Set(SILENCE_SECS),
        stale_secs: Set(STALE_SECS),
        command_ttl_secs: Set(COMMAND_TTL_SECS),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Registers a bridge's server with the defaults, in the bridge's own transaction.
pub(super) async fn for_new_bridge(
    db: &impl ConnectionTrait,
    b: &bridge::Model,
) -> Result<trading_server::Model, AppError> {
    Ok(insert(db, &b.name, ServerKind::Bridge, Some(b.id), b.created_at).await?)
}

/// The server a stage names, or the simulator for none.
pub async fn of_stage(
    db: &impl ConnectionTrait,
    server_id: Option<i64>,
) -> Result<Option<trading_server::Model>, AppError> {
    let q = trading_server::Entity::find();
    let q = match server_id {
        Some(id) => q.filter(trading_server::Column::Id.eq(id)),
        None => q.filter(trading_server::Column::Kind.eq(ServerKind::Simulator.as_str())),
    };
    Ok(q.one(db).await?)
}

/// Refuses a challenge any of whose stages names a server that is unknown or cannot serve it
/// (disabled, another environment, the package's currency or leverage not offered, an account
/// group it doesn't have), each under the stage's field.
pub async fn check_challenge(
    db: &impl ConnectionTrait,
    def: &ChallengeDef,
) -> Result<(), AppError> {
    let all: HashMap<i64, trading_server::Model> = trading_server::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let sim = all
        .values()
        .find(|s| s.kind == ServerKind::Simulator.as_str());
    let mut e = Errors::default();
    for (i, p) in def.packages.iter().enumerate() {
        for (j, st) in p.stages.iter().enumerate() {
            let at = |f: &str| format!("packages.{i}.stages.{j}.{f}");
            let server = match st.server_id {
                Some(id) => all.get(&id),
                None => sim,
            };
            let Some(server) = server else {
                e.add(&at("server_id"), "err.server_unknown");
                continue;
            };
            let needs = StageNeeds {
                environment: st.environment,
                currency: &p.currency,
                leverage: p.leverage,
                group: &st.account_group,
            };
            if let Some(code) = terms(server).refuses(&needs) {
                let field = if code == "err.server_group" {
                    "account_group"
                } else {
                    "server_id"
                };
                e.add(&at(field), code);
            }
        }
    }
    e.into_result().map_err(AppError::Invalid)
}

/// Where an account lives and how fresh its figures are.
pub struct AccountPlace {
    pub server: String,
    /// When the platform last reported the figures (the simulator's are always current).
    pub as_of: Option<DateTime<Utc>>,
    /// Older than the server's limit: shown as stale.
    pub stale: bool,
    /// A new password was sent to the platform and is not confirmed yet.
    pub reset_pending: bool,
}

/// The place of each of these accounts.
pub async fn places(
    db: &impl ConnectionTrait,
    accounts: &[trading_account::Model],
    now: DateTime<Utc>,
) -> Result<HashMap<i64, AccountPlace>, AppError> {
    let servers = trading_server::Entity::find().all(db).await?;
    let sim = servers
        .iter()
        .find(|s| s.kind == ServerKind::Simulator.as_str());
    let by_bridge: HashMap<i64, &trading_server::Model> = servers
        .iter()
        .filter_map(|s| s.bridge_id.map(|b| (b, s)))
        .collect();
    let resets: Vec<i64> = bridge_command::Entity::find()
        .select_only()
        .column(bridge_command::Column::AccountId)
        .filter(bridge_command::Column::AccountId.is_in(accounts.iter().map(|a| a.id)))
        .filter(bridge_command::Column::Kind.eq("reset_password"))
        .filter(bridge_command::Column::Status.eq(command_status::PENDING))
        .into_tuple()
        .all(db)
        .await?;
    Ok(accounts
        .iter()
        .map(|a| {
            let server = match a.bridge_id {
                Some(b) => by_bridge.get(&b).copied(),
                None => sim,
            };
            let bridged = a.bridge_id.is_some();
            let as_of = bridged.then_some(a.updated_at);
            let stale = bridged
                && a.status == "active"
                && server
                    .is_some_and(|s| (now - a.updated_at).num_seconds() > i64::from(s.stale_secs));
            let place = AccountPlace {
                server: server.map(|s| s.name.clone()).unwrap_or_default(),
                as_of,
                stale,
                reset_pending: resets.contains(&a.id),
            };
            (a.id, place)
        })
        .collect())
}

/// Every server with its health, the simulator first.
pub async fn list(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Vec<ServerRow>, AppError> {
    let servers = trading_server::Entity::find()
        .order_by_asc(trading_server::Column::Id)
        .all(db)
        .await?;
    let bridges: HashMap<i64, bridge::Model> = bridge::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    let accounts: HashMap<Option<i64>, i64> = trading_account::Entity::find()
        .select_only()
        .column(trading_account::Column::BridgeId)
        .column_as(Expr::col(trading_account::Column::Id).count(), "n")
        .group_by(trading_account::Column::BridgeId)
        .into_tuple::<(Option<i64>, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let waiting: HashMap<i64, (i64, Option<DateTime<Utc>>)> = bridge_command::Entity::find()
        .select_only()
        .column(bridge_command::Column::BridgeId)
        .column_as(Expr::col(bridge_command::Column::Id).count(), "n")
        .column_as(Expr::col(bridge_command::Column::CreatedAt).min(), "oldest")
        .filter(bridge_command::Column::Status.eq(command_status::PENDING))
        .group_by(bridge_command::Column::BridgeId)
        .into_tuple::<(i64, i64, Option<DateTime<Utc>>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(b, n, oldest)| (b, (n, oldest)))
        .collect();
    let failed: HashMap<i64, i64> = bridge_command::Entity::find()
        .select_only()
        .column(bridge_command::Column::BridgeId)
        .column_as(Expr::col(bridge_command::Column::Id).count(), "n")
        .filter(
            bridge_command::Column::Status.is_in([command_status::FAILED, command_status::EXPIRED]),
        )
        .group_by(bridge_command::Column::BridgeId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(servers
        .into_iter()
        .map(|s| {
            let b = s.bridge_id.and_then(|id| bridges.get(&id));
            let (n, oldest) = s
                .bridge_id
                .and_then(|id| waiting.get(&id).copied())
                .unwrap_or((0, None));
            let last_message = b.and_then(|b| b.last_seen_at);
            let health = ServerHealth {
                accounts: accounts.get(&s.bridge_id).copied().unwrap_or(0) as u64,
                last_message,
                last_snapshot: b.and_then(|b| b.last_snapshot_at),
                commands_waiting: n as u64,
                lag_secs: oldest.map(|t| Ord::max((now - t).num_seconds(), 0)),
                commands_failed: s
                    .bridge_id
                    .and_then(|id| failed.get(&id))
                    .map_or(0, |n| *n as u64),
                // A bridge never heard from is judged from its registration.
                silent: b.is_some_and(|b| {
                    let last = last_message.unwrap_or(b.created_at);
                    (now - last).num_seconds() > i64::from(s.silence_secs)
                }),
            };
            row(s, b.map(|b| b.name.clone()).unwrap_or_default(), health)
        })
        .collect())
}

/// A bridge's name from a server's: lowercase letters, digits and dashes.
fn bridge_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

fn secs(e: &mut Errors, field: &str, text: &str) -> i32 {
    match text.trim().parse::<i32>() {
        Ok(n) if (servers::SECS_MIN..=servers::SECS_MAX).contains(&n) => n,
        _ => {
            e.add(field, "err.server_secs");
            0
        }
    }
}

/// Saves a server: id 0 registers a new bridge server (and its bridge's secret, returned this
/// once); otherwise edits one. The simulator keeps its kind and may offer anything (empty
/// currencies or leverages).
pub async fn save(
    db: &DatabaseConnection,
    actor: i64,
    f: ServerForm,
    from: &Origin,
) -> Result<ServerSaved, AppError> {
    let txn = db.write().await?;
    let existing = match f.id {
        0 => None,
        id => Some(
            trading_server::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or(AppError::NotFound)?,
        ),
    };
    let is_sim = existing
        .as_ref()
        .is_some_and(|s| s.kind == ServerKind::Simulator.as_str());
    let mut e = Errors::default();
    let name = f.name.trim();
    if name.is_empty() {
        e.add("name", "err.required");
    } else if name.chars().count() > NAME_MAX
        || name.chars().any(char::is_control)
        // A new bridge is named after its server.
        || (existing.is_none() && bridge_name(name).is_empty())
    {
        e.add("name", "err.server_name_invalid");
    }
    let environment = Environment::parse(&f.environment);
    if environment.is_none() {
        e.add("environment", "err.invalid");
    }
    let optional = |text: &str| is_sim && text.trim().is_empty();
    let currencies = if optional(&f.currencies) {
        Some(String::new())
    } else {
        e.check("currencies", servers::parse_currencies(&f.currencies))
            .map(|c| servers::join(&c))
    };
    let leverages = if optional(&f.leverages) {
        Some(String::new())
    } else {
        e.check("leverages", servers::parse_leverages(&f.leverages))
            .map(|l| servers::join(&l))
    };
    let groups = e
        .check("groups", servers::parse_groups(&f.groups))
        .map(|g| servers::join(&g));
    let silence = secs(&mut e, "silence_secs", &f.silence_secs);
    let stale = secs(&mut e, "stale_secs", &f.stale_secs);
    let ttl = secs(&mut e, "command_ttl_secs", &f.command_ttl_secs);
    e.into_result().map_err(AppError::Invalid)?;
    let (Some(environment), Some(currencies), Some(leverages), Some(groups)) =
        (environment, currencies, leverages, groups)
    else {
        return Err(AppError::internal(
            "a server form passed with a field unparsed",
        ));
    };
    let taken = trading_server::Entity::find()
        .filter(trading_server::Column::Name.eq(name))
        .filter(trading_server::Column::Id.ne(f.id))
        .one(&txn)
        .await?
        .is_some();
    if taken {
        return Err(AppError::field("name", "err.name_taken"));
    }
    let now = Utc::now();
    let (server, secret) = match existing {
        Some(s) => (s, None),
        None => {
            let (b, secret) = bridge_api::register(&txn, &bridge_name(name)).await?;
            (for_new_bridge(&txn, &b).await?, Some(secret))
        }
    };
    let mut m: trading_server::ActiveModel = server.clone().into();
    m.name = Set(name.into());
    m.environment = Set(environment.as_str().into());
    m.currencies = Set(currencies);
    m.leverages = Set(leverages);
    m.groups = Set(groups);
    m.enabled = Set(f.enabled);
    m.silence_secs = Set(silence);
    m.stale_secs = Set(stale);
    m.command_ttl_secs = Set(ttl);
    m.updated_at = Set(now);
    let saved = m.update(&txn).await?;
    let bridge_name = match saved.bridge_id {
        Some(id) => {
            bridge::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .or_internal("a server's bridge")?
                .name
        }
        None => String::new(),
    };
    audit::record(
        &txn,
        Some(actor),
        if f.id == 0 {
            "server.created"
        } else {
            "server.saved"
        },
        "trading_server",
        Some(saved.id),
        serde_json::json!({"name": saved.name, "enabled": saved.enabled,
            "currencies": saved.currencies, "leverages": saved.leverages}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(ServerSaved {
        id: saved.id,
        bridge_name,
        secret,
    })
}

crate::register_job!(jobs::Schedule::Day, 40, "bridge_watch", |db| Box::pin(
    watch(db)
));

/// Every half minute: commands still pending past their server's limit expire (staff see them
/// on the servers page and the platform no longer pulls them), and the staff who manage
/// platforms are told once of each enabled bridge that has gone silent. Returns how many
/// commands expired and bridges were reported.
pub async fn watch(db: &DatabaseConnection) -> Result<usize, AppError> {
    let now = Utc::now();
    let mut n = 0;
    let bridges = trading_server::Entity::find()
        .filter(trading_server::Column::Kind.eq(ServerKind::Bridge.as_str()))
        .all(db)
        .await?;
    for s in bridges {
        let Some(bridge_id) = s.bridge_id else {
            continue;
        };
        use bridge_command::Column as C;
        let ttl = chrono::Duration::seconds(i64::from(s.command_ttl_secs));
        n += bridge_command::Entity::update_many()
            .col_expr(C::Status, Expr::value(command_status::EXPIRED))
            .col_expr(C::Error, Expr::value(Some("expired".to_string())))
            .filter(C::BridgeId.eq(bridge_id))
            .filter(C::Status.eq(command_status::PENDING))
            .filter(C::CreatedAt.lt(now - ttl))
            .exec(db)
            .await?
            .rows_affected as usize;
        let Some(b) = bridge::Entity::find_by_id(bridge_id).one(db).await? else {
            continue;
        };
        let last = b.last_seen_at.unwrap_or(b.created_at);
        let silent = (now - last).num_seconds() > i64::from(s.silence_secs);
        if s.enabled && silent && s.silence_alerted_at.is_none_or(|t| t < last) {
            n += usize::from(report_silence(db, &s, last, now).await?);
        }
    }
    Ok(n)
}

/// Tells the platform managers that a bridge is silent, once (conditional on the mark read, so
/// two instances never both tell).
async fn report_silence(
    db: &DatabaseConnection,
    s: &trading_server::Model,
    last: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    use trading_server::Column as S;
    let txn = db.write().await?;
    let mut mark = trading_server::Entity::update_many()
        .col_expr(S::SilenceAlertedAt, Expr::value(Some(now)))
        .filter(S::Id.eq(s.id));
    mark = match s.silence_alerted_at {
        Some(t) => mark.filter(S::SilenceAlertedAt.eq(t)),
        None => mark.filter(S::SilenceAlertedAt.is_null()),
    };
    if mark.exec(&txn).await?.rows_affected == 0 {
        return Ok(false);
    }
    let data = std::collections::BTreeMap::from([
        ("server".to_string(), s.name.clone()),
        (
            "since".to_string(),
            last.format("%Y-%m-%d %H:%M UTC").to_string(),
        ),
    ]);
    for staff in identity::staff::holding(&txn, Permission::PlatformManage).await? {
        notify::push(&txn, staff, "notice.bridge_silent", data.clone()).await?;
    }
    txn.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    #[test]
    fn bridge_names_come_from_server_names() {
        assert_eq!(super::bridge_name("MT5 Demo (EU)"), "mt5-demo-eu");
        assert_eq!(super::bridge_name("ñ"), "");
    }
}
