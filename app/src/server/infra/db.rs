//! Connecting to SQLite (embedded default) or PostgreSQL, and migrating.
use crate::error::AppError;
use crate::server::entity::user;
use migration::{Migrator, MigratorTrait};
use sea_orm::sea_query::LockType;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DbErr,
    EntityTrait, QuerySelect,
};
use std::time::Duration;

pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let sqlite = url.starts_with("sqlite:");
    if sqlite {
        ensure_sqlite_dir(url);
    }
    let mut opt = ConnectOptions::new(url.to_string());
    opt.acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    if sqlite {
        // One writer at a time on SQLite anyway; a small pool keeps readers concurrent under WAL.
        opt.max_connections(8).min_connections(1);
    } else {
        opt.max_connections(32).min_connections(2);
    }
    let db = Database::connect(opt).await?;
    if db.get_database_backend() == DatabaseBackend::Sqlite && !url.contains(":memory:") {
        // WAL is a property of the file: readers no longer block the writer.
        db.execute_unprepared("PRAGMA journal_mode=WAL").await?;
    }
    Ok(db)
}

/// The schema only; `server::setup::prepare` also makes the rows every area expects.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// `sqlite://data/propdesk.db?mode=rwc` needs `data/` to exist.
fn ensure_sqlite_dir(url: &str) {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or("");
    if let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        let _ = std::fs::create_dir_all(parent);
    }
}

/// A raw statement written with `?` placeholders (numbered `$1`, `$2`… for PostgreSQL), for
/// the few queries the query builder would only obscure (the reports' aggregates).
pub fn statement(
    backend: DatabaseBackend,
    sql: &str,
    values: Vec<sea_orm::Value>,
) -> sea_orm::Statement {
    let sql = match backend {
        DatabaseBackend::Postgres => {
            let mut n = 0;
            sql.chars()
                .map(|c| {
                    if c == '?' {
                        n += 1;
                        format!("${n}")
                    } else {
                        c.to_string()
                    }
                })
                .collect()
        }
        _ => sql.to_string(),
    };
    sea_orm::Statement::from_sql_and_values(backend, sql, values)
}

/// SQL for the UTC day (`YYYY-MM-DD`) of a timestamp column, as `DateTime::format("%Y-%m-%d")`
/// writes it: SQLite stores timestamps as RFC 3339 text in UTC.
pub fn utc_day(backend: DatabaseBackend, col: &str) -> String {
    match backend {
        DatabaseBackend::Postgres => format!("to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"),
        _ => format!("substr({col}, 1, 10)"),
    }
}

/// Begins a transaction that will write. On SQLite it takes the write lock at `BEGIN`
/// (IMMEDIATE), waiting its turn behind other writers: a deferred transaction that reads first
/// fails at its first write, at once, with "database is locked", whenever another writer
/// committed in between. PostgreSQL is unchanged.
pub trait Write {
    fn write(&self) -> impl Future<Output = Result<sea_orm::DatabaseTransaction, DbErr>> + Send;
}

impl Write for DatabaseConnection {
    async fn write(&self) -> Result<sea_orm::DatabaseTransaction, DbErr> {
        use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
        self.begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await
    }
}

/// Whether the database refused a write because it would duplicate a unique key (a name, an
/// email, an idempotency key), on SQLite or PostgreSQL.
pub fn is_unique_violation(e: &DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// A write that a concurrent request can beat to a unique key. A check before the write
/// ("is this name free?") gives the usual answer, but two requests can both pass it; the
/// database then refuses the second, and this turns that refusal into the answer the check
/// would have given (`taken`) rather than an internal error. Any other error stays internal.
/// On PostgreSQL the refusal aborts the transaction: the caller returns the error at once.
pub trait UniqueOr<T> {
    fn unique_or(self, taken: impl FnOnce() -> AppError) -> Result<T, AppError>;
}

impl<T> UniqueOr<T> for Result<T, DbErr> {
    fn unique_or(self, taken: impl FnOnce() -> AppError) -> Result<T, AppError> {
        self.map_err(|e| {
            if is_unique_violation(&e) {
                taken()
            } else {
                AppError::from(e)
            }
        })
    }
}

/// Locks a user's row until the transaction ends, so that a check about the user and the
/// write it allows (the pending-request cap and the request, a purchase's idempotency key and
/// the purchase) are one step: a concurrent request for the same user waits here, then sees
/// what the first one wrote. PostgreSQL only: on SQLite a write transaction (`db::Write`)
/// already holds the database's write lock from `BEGIN`.
///
/// Lock order: a transaction takes this before any wallet (`ledger::lock_accounts`).
pub async fn lock_user(db: &impl ConnectionTrait, user_id: i64) -> Result<(), AppError> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    // NO KEY UPDATE: rows that merely reference the user (requests, audit records) are not
    // held up, as they would be by FOR UPDATE.
    user::Entity::find_by_id(user_id)
        .select_only()
        .column(user::Column::Id)
        .lock(LockType::NoKeyUpdate)
        .into_tuple::<i64>()
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(())
}
