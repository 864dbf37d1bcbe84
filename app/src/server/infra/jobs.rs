//! Background jobs shared by every server instance: each job holds a lease in `job_lease`
//! (a conditional update, the same on SQLite and PostgreSQL), so with several instances on one
//! database a job runs on exactly one of them at a time, and another takes over when the
//! holder stops renewing it.
use crate::error::AppError;
use crate::server::entity::{job_lease, trading_account};
use crate::server::infra::db::Write;
use crate::server::{prop::profit_share, trading::risk, trading::sim};
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect,
};
use std::time::Duration as StdDuration;

/// Takes or renews the lease on `name` for `ttl`. True when this holder has it.
pub async fn lease(
    db: &DatabaseConnection,
    name: &str,
    holder: &str,
    ttl: Duration,
) -> Result<bool, AppError> {
    let now = Utc::now();
    job_lease::Entity::insert(job_lease::ActiveModel {
        name: Set(name.into()),
        holder: Set(String::new()),
        until: Set(now - Duration::seconds(1)),
    })
    .on_conflict_do_nothing_on([job_lease::Column::Name])
    .exec(db)
    .await?;
    let r = job_lease::Entity::update_many()
        .col_expr(job_lease::Column::Holder, Expr::value(holder))
        .col_expr(job_lease::Column::Until, Expr::value(now + ttl))
        .filter(job_lease::Column::Name.eq(name))
        .filter(
            Condition::any()
                .add(job_lease::Column::Holder.eq(holder))
                .add(job_lease::Column::Until.lt(now)),
        )
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Closes the day of every active account whose midnight has passed with no update since
/// (accounts that trade are rolled by their own next update). Returns how many were rolled.
pub async fn roll_days(db: &DatabaseConnection) -> Result<usize, AppError> {
    let accounts: Vec<(i64, String)> = trading_account::Entity::find()
        .select_only()
        .column(trading_account::Column::Id)
        .column(trading_account::Column::Platform)
        .filter(trading_account::Column::Status.eq("active"))
        .into_tuple()
        .all(db)
        .await?;
    let now = Utc::now();
    // Simulated accounts live on the simulator's clock.
    let sim_now = sim::feed(db).await?.now();
    let mut rolled = 0;
    for (id, platform) in accounts {
        let at = if platform == "sim" { sim_now } else { now };
        let txn = db.write().await?;
        if risk::roll_account(&txn, id, at).await?.is_some() {
            rolled += 1;
        }
        txn.commit().await?;
    }
    Ok(rolled)
}

/// Runs the jobs forever: the simulated feed every second, the day roll and the scheduled
/// profit-share settlements every half minute.
pub fn spawn(db: DatabaseConnection) {
    let holder = format!(
        "{}-{}",
        std::process::id(),
        crate::server::infra::crypto::random_token()
    );
    let feed_db = db.clone();
    let feed_holder = holder.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(StdDuration::from_secs(1));
        loop {
            every.tick().await;
            let run = async {
                if lease(&feed_db, "sim_feed", &feed_holder, Duration::seconds(5)).await? {
                    sim::tick(&feed_db).await?;
                }
                Ok::<_, AppError>(())
            };
            if let Err(e) = run.await {
                tracing::warn!(error = %e, "price feed step failed");
            }
        }
    });
    tokio::spawn(async move {
        let mut every = tokio::time::interval(StdDuration::from_secs(30));
        loop {
            every.tick().await;
            let run = async {
                if lease(&db, "day_roll", &holder, Duration::seconds(60)).await? {
                    let n = roll_days(&db).await?;
                    if n > 0 {
                        tracing::info!(decided = n, "day roll");
                    }
                    // Periods end at midnight too: their profit shares are settled next.
                    let settled = profit_share::settle_due(&db).await?;
                    if settled > 0 {
                        tracing::info!(settled, "profit-share settlements");
                    }
                }
                Ok::<_, AppError>(())
            };
            if let Err(e) = run.await {
                tracing::warn!(error = %e, "day roll failed");
            }
        }
    });
}
