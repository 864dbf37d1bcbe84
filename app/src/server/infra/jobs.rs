//! Background jobs shared by every server instance. Each area registers its steps
//! (`register_job!`) on a schedule; the steps of one schedule run in their `order` under one lease
//! in `job_lease` (a conditional update, the same on SQLite and PostgreSQL), so with several
//! instances on one database a schedule runs on exactly one of them at a time, and another takes
//! over when the holder stops renewing it. The simulator's "next day" runs the same steps.
use crate::error::AppError;
use crate::server::entity::job_lease;
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter,
};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration as StdDuration;

/// When a step runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// Every second: the simulated price feed.
    Feed,
    /// Every half minute: what happens when a trading day ends (day closes, then settlements).
    Day,
    /// Every hour: housekeeping (old live events).
    Hourly,
}

impl Schedule {
    const ALL: [Schedule; 3] = [Schedule::Feed, Schedule::Day, Schedule::Hourly];

    /// The name of its lease.
    pub fn name(self) -> &'static str {
        match self {
            Schedule::Feed => "sim_feed",
            Schedule::Day => "day_roll",
            Schedule::Hourly => "hourly",
        }
    }

    fn every(self) -> StdDuration {
        match self {
            Schedule::Feed => StdDuration::from_secs(1),
            Schedule::Day => StdDuration::from_secs(30),
            Schedule::Hourly => StdDuration::from_secs(3600),
        }
    }

    /// Long enough to outlive a slow run, short enough for another instance to take over soon.
    fn lease(self) -> Duration {
        match self {
            Schedule::Feed => Duration::seconds(5),
            Schedule::Day => Duration::seconds(60),
            Schedule::Hourly => Duration::seconds(600),
        }
    }
}

pub type StepFuture<'a> = Pin<Box<dyn Future<Output = Result<usize, AppError>> + Send + 'a>>;

/// One step of a schedule, registered by the area that owns the work. `run` returns how many
/// things it did (for the log).
pub struct Job {
    pub schedule: Schedule,
    /// Steps of one schedule run from the lowest order up.
    pub order: u32,
    pub name: &'static str,
    pub run: for<'a> fn(&'a DatabaseConnection) -> StepFuture<'a>,
}

inventory::collect!(Job);

/// Registers a job step: `register_job!(Schedule::Day, 10, "day_close", |db| Box::pin(f(db)));`
#[macro_export]
macro_rules! register_job {
    ($schedule:expr, $order:expr, $name:expr, $run:expr) => {
        inventory::submit! {
            $crate::server::infra::jobs::Job {
                schedule: $schedule,
                order: $order,
                name: $name,
                run: $run,
            }
        }
    };
}

/// The steps of a schedule in the order they run.
pub fn steps(schedule: Schedule) -> Vec<&'static Job> {
    let mut steps: Vec<_> = inventory::iter::<Job>
        .into_iter()
        .filter(|j| j.schedule == schedule)
        .collect();
    steps.sort_by_key(|j| j.order);
    steps
}

/// Runs every step of a schedule once, in order; stops at the first that fails. Returns what
/// each step did, by name.
pub async fn run(
    db: &DatabaseConnection,
    schedule: Schedule,
) -> Result<Vec<(&'static str, usize)>, AppError> {
    let mut done = Vec::new();
    for job in steps(schedule) {
        done.push((job.name, (job.run)(db).await?));
    }
    Ok(done)
}

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

/// Runs every schedule forever, each step under its schedule's lease.
pub fn spawn(db: DatabaseConnection) {
    let holder = format!(
        "{}-{}",
        std::process::id(),
        crate::server::infra::crypto::random_token()
    );
    for schedule in Schedule::ALL {
        let (db, holder) = (db.clone(), holder.clone());
        tokio::spawn(async move {
            let mut every = tokio::time::interval(schedule.every());
            loop {
                every.tick().await;
                let step = async {
                    if lease(&db, schedule.name(), &holder, schedule.lease()).await? {
                        for (name, n) in run(&db, schedule).await? {
                            if n > 0 {
                                tracing::info!(job = name, n, "job step");
                            }
                        }
                    }
                    Ok::<_, AppError>(())
                };
                if let Err(e) = step.await {
                    tracing::warn!(error = %e, schedule = schedule.name(), "job failed");
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_schedule_has_its_steps_in_order() {
        let names = |s| steps(s).iter().map(|j| j.name).collect::<Vec<_>>();
        assert_eq!(names(Schedule::Feed), ["sim_feed"]);
        // The day closes before its profit-share periods are settled; then the notices due go
        // out, the task reminders due reach their bells, and the bridges are watched.
        assert_eq!(
            names(Schedule::Day),
            [
                "day_close",
                "profit_share_settle",
                "firm_notices",
                "task_reminders",
                "bridge_watch",
                "competitions"
            ]
        );
        // The IB programme's monthly rank commissions are paid by the first run of a month.
        assert_eq!(
            names(Schedule::Hourly),
            ["live_prune", "ib_monthly_commissions"]
        );
    }
}
