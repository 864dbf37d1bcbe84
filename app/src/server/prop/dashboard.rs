//! The prop dashboard: what the challenges earn and lose, for a period and a challenge, with
//! demo-tagged participants left out. Every figure is one aggregate query grouped by challenge
//! (the totals are their sums), so the dashboard costs a handful of statements however many
//! participants and deals there are.
//!
//! - Broker's profit: the profit settled on funded accounts less the shares owed or paid to
//!   traders and referrers (a share turned down on review stays the firm's).
//! - Broker's loss: equity at the failure of a funded account less its initial balance.
//! - Profit-share payouts: the shares paid into traders' wallets.
//! - Participation fees: challenge and retry fees taken, less refunds.
//! - Total funded: the initial balances of the funded accounts issued.
//!
//! Other areas add figures of their own (the IB programme's fee commissions) with
//! `register_dashboard_figure!`: a total and a column of the per-challenge table.
use crate::domain::money::{self, Currency};
use crate::domain::participant::ParticipantStatus;
use crate::domain::profit_share::SettlementStatus;
use crate::error::AppError;
use crate::error::OrInternal;
use crate::model::{
    ChallengeFigures, DashboardQuery, DayMoney, ListQuery, MoneyFigure, PropDashboard, StageStat,
    StatusCount,
};
use crate::server::entity::challenge;
use crate::server::identity::scope::Scope as Clients;
use crate::server::infra::db;
use crate::server::infra::list;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, QueryResult, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::Future;
use std::pin::Pin;

/// The participants counted (real ones of clients in the caller's data scope, of the chosen
/// challenge) and the period, as SQL.
pub struct Scope {
    clients: Clients,
    challenge: Option<i64>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
}

/// A figure another area adds to the dashboard: its translation key (with a `_hint` key
/// beside it) and its sums by challenge and currency within the scope (`Scope::sums`).
pub struct DashboardFigure {
    pub key: &'static str,
    pub sums: FigureFn,
}

pub type FigureFn =
    for<'a> fn(
        &'a DatabaseConnection,
        &'a Scope,
    ) -> Pin<Box<dyn Future<Output = Result<ByChallenge, AppError>> + Send + 'a>>;

inventory::collect!(DashboardFigure);

#[macro_export]
macro_rules! register_dashboard_figure {
    ($key:expr, $f:expr) => {
        inventory::submit! { $crate::server::prop::dashboard::DashboardFigure { key: $key, sums: $f } }
    };
}

impl Scope {
    /// ` AND …` over participant `p` and the time column `at` (None: no period).
    fn filter(&self, at: Option<&str>, values: &mut Vec<Value>) -> String {
        let mut sql = String::from(" AND p.data_type = 'real'");
        sql.push_str(&self.clients.sql("p.user_id", values));
        if let Some(c) = self.challenge {
            sql.push_str(" AND p.challenge_id = ?");
            values.push(c.into());
        }
        if let Some(col) = at {
            if let Some(t) = self.from {
                sql.push_str(&format!(" AND {col} >= ?"));
                values.push(t.into());
            }
            if let Some(t) = self.to {
                sql.push_str(&format!(" AND {col} < ?"));
                values.push(t.into());
            }
        }
        sql
    }
}

fn int(r: &QueryResult, col: &str) -> Result<i64, AppError> {
    Ok(r.try_get::<Option<i64>>("", col)?.unwrap_or(0))
}

fn text(r: &QueryResult, col: &str) -> Result<String, AppError> {
    Ok(r.try_get::<String>("", col)?)
}

/// Sums by (challenge, currency).
pub type ByChallenge = HashMap<(i64, String), i64>;

impl Scope {
    /// Runs `{head}{the scope's filter} {tail}`, the period applied to the time column `at`.
    async fn rows(
        &self,
        db: &impl ConnectionTrait,
        at: &str,
        head: &str,
        tail: &str,
    ) -> Result<Vec<QueryResult>, AppError> {
        let mut values = Vec::new();
        let f = self.filter(Some(at), &mut values);
        let sql = format!("{head}{f} {tail}");
        Ok(db
            .query_all_raw(db::statement(db.get_database_backend(), &sql, values))
            .await?)
    }

    /// `rows` of a query that selects `challenge_id`, `currency` and `amount`, summed up. The
    /// query joins the participant as `p`; `head` ends in a `WHERE` clause the scope extends.
    pub async fn sums(
        &self,
        db: &impl ConnectionTrait,
        at: &str,
        head: &str,
        tail: &str,
    ) -> Result<ByChallenge, AppError> {
        let mut out = ByChallenge::new();
        for r in self.rows(db, at, head, tail).await? {
            *out.entry((int(&r, "challenge_id")?, text(&r, "currency")?))
                .or_default() += int(&r, "amount")?;
        }
        Ok(out)
    }
}

pub async fn dashboard(
    db: &DatabaseConnection,
    clients: Clients,
    q: &DashboardQuery,
) -> Result<PropDashboard, AppError> {
    let (from, to) = list::date_range(&ListQuery {
        from: q.from.clone(),
        to: q.to.clone(),
        ..Default::default()
    })?;
    if q.challenge < 0 {
        return Err(AppError::field("challenge", "err.challenge_unknown"));
    }
    if !q.currency.is_empty() && money::currency(&q.currency).is_none() {
        return Err(AppError::field("currency", "err.currency_unknown"));
    }
    let scope = Scope {
        clients,
        challenge: (q.challenge > 0).then_some(q.challenge),
        from,
        to,
    };
    let names: BTreeMap<i64, String> = challenge::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    if let Some(c) = scope.challenge
        && !names.contains_key(&c)
    {
        return Err(AppError::field("challenge", "err.challenge_unknown"));
    }

    let fees = scope
        .sums(
            db,
            "f.created_at",
            "SELECT p.challenge_id, f.currency, CAST(SUM(f.amount_minor) AS BIGINT) AS amount \
             FROM participation_fee f JOIN participant p ON p.id = f.participant_id \
             WHERE 1 = 1",
            "GROUP BY p.challenge_id, f.currency",
        )
        .await?;

    // Settlements: the profit and the firm's part, and the recipients' shares by status.
    let settled = scope
        .sums(
            db,
            "s.created_at",
            "SELECT p.challenge_id, s.currency, CAST(SUM(s.firm_minor) AS BIGINT) AS amount \
             FROM profit_share s JOIN participant p ON p.id = s.participant_id \
             WHERE 1 = 1",
            "GROUP BY p.challenge_id, s.currency",
        )
        .await?;
    let mut paid = ByChallenge::new();
    let mut forfeited = ByChallenge::new();
    for r in scope
        .rows(
            db,
            "s.created_at",
            "SELECT p.challenge_id, s.currency, s.status, \
             CAST(SUM(x.amount_minor) AS BIGINT) AS amount \
             FROM profit_share_part x JOIN profit_share s ON s.id = x.profit_share_id \
             JOIN participant p ON p.id = s.participant_id \
             WHERE x.recipient = 'trader'",
            "GROUP BY p.challenge_id, s.currency, s.status",
        )
        .await?
    {
        let key = (int(&r, "challenge_id")?, text(&r, "currency")?);
        match SettlementStatus::parse(&text(&r, "status")?) {
            Some(SettlementStatus::Paid) => *paid.entry(key).or_default() += int(&r, "amount")?,
            Some(SettlementStatus::Rejected) => {
                *forfeited.entry(key).or_default() += int(&r, "amount")?
            }
            _ => {}
        }
    }

    let losses = scope
        .sums(
            db,
            "d.created_at",
            "SELECT p.challenge_id, a.currency, CAST(SUM(CASE WHEN a.equity < a.initial_balance \
             THEN a.equity - a.initial_balance ELSE 0 END) AS BIGINT) AS amount \
             FROM rule_decision d JOIN trading_account a ON a.id = d.account_id \
             JOIN participant p ON p.id = a.participant_id \
             WHERE a.environment = 'live' AND d.outcome IN ('breach', 'expired')",
            "\
             GROUP BY p.challenge_id, a.currency",
        )
        .await?;

    let funded = scope
        .sums(
            db,
            "a.created_at",
            "SELECT p.challenge_id, a.currency, CAST(SUM(a.initial_balance) AS BIGINT) AS amount \
             FROM trading_account a JOIN participant p ON p.id = a.participant_id \
             WHERE a.environment = 'live'",
            "GROUP BY p.challenge_id, a.currency",
        )
        .await?;

    // Participants who joined in the period, by status and (in progress) by stage.
    let mut statuses: BTreeMap<String, u64> = BTreeMap::new();
    let mut per_challenge_count: HashMap<i64, u64> = HashMap::new();
    let mut in_stage: BTreeMap<i32, u64> = BTreeMap::new();
    for r in scope
        .rows(
            db,
            "p.created_at",
            "SELECT p.challenge_id, p.status, p.stage, COUNT(*) AS n FROM participant p \
             WHERE 1 = 1",
            "GROUP BY p.challenge_id, p.status, p.stage",
        )
        .await?
    {
        let n = int(&r, "n")? as u64;
        let st = text(&r, "status")?;
        if st == ParticipantStatus::InProgress.as_str() {
            *in_stage
                .entry(r.try_get::<i32>("", "stage")? + 1)
                .or_default() += n;
        }
        *statuses.entry(st).or_default() += n;
        *per_challenge_count
            .entry(int(&r, "challenge_id")?)
            .or_default() += n;
    }

    // Stage decisions in the period: passed (or advanced) against failed.
    let mut decided: BTreeMap<i32, (u64, u64)> = BTreeMap::new();
    for r in scope
        .rows(
            db,
            "d.created_at",
            "SELECT a.stage, d.outcome, COUNT(*) AS n FROM rule_decision d \
             JOIN trading_account a ON a.id = d.account_id \
             JOIN participant p ON p.id = a.participant_id \
             WHERE 1 = 1",
            "GROUP BY a.stage, d.outcome",
        )
        .await?
    {
        let n = int(&r, "n")? as u64;
        let e = decided
            .entry(r.try_get::<i32>("", "stage")? + 1)
            .or_default();
        match text(&r, "outcome")?.as_str() {
            "passed" | "advanced" => e.0 += n,
            _ => e.1 += n,
        }
    }

    let mut more = Vec::new();
    for f in inventory::iter::<DashboardFigure> {
        more.push((f.key, (f.sums)(db, &scope).await?));
    }
    more.sort_by_key(|(key, _)| *key);
    let currencies: BTreeSet<String> = [&fees, &settled, &paid, &losses, &funded]
        .into_iter()
        .chain(more.iter().map(|(_, m)| m))
        .flat_map(|m| m.keys().map(|(_, c)| c.clone()))
        .collect();
    let currency = if q.currency.is_empty() {
        currencies
            .iter()
            .next()
            .cloned()
            .unwrap_or_else(|| "USD".into())
    } else {
        q.currency.clone()
    };
    let cur = money::currency(&currency).or_internal("the dashboard's currency is unknown")?;
    let of = |m: &ByChallenge, ch: i64| m.get(&(ch, currency.clone())).copied().unwrap_or(0);
    let total = |m: &ByChallenge| -> i64 {
        m.iter()
            .filter(|((_, c), _)| *c == currency)
            .map(|(_, v)| v)
            .sum()
    };
    let figure = |key: &str, minor: i64| MoneyFigure {
        key: key.into(),
        value: money::format(minor, cur),
        minor,
    };
    let mut figures = vec![
        figure(
            "prop.dash_broker_profit",
            total(&settled) + total(&forfeited),
        ),
        figure("prop.dash_broker_loss", total(&losses)),
        figure("prop.dash_payouts", total(&paid)),
        figure("prop.dash_fees", total(&fees)),
        figure("prop.dash_funded", total(&funded)),
    ];
    figures.extend(more.iter().map(|(key, m)| figure(key, total(m))));
    let ids: BTreeSet<i64> = [&fees, &settled, &paid, &losses, &funded]
        .into_iter()
        .chain(more.iter().map(|(_, m)| m))
        .flat_map(|m| m.keys().map(|(ch, _)| *ch))
        .chain(per_challenge_count.keys().copied())
        .collect();
    let per_challenge = ids
        .into_iter()
        .map(|id| ChallengeFigures {
            id,
            name: names.get(&id).cloned().unwrap_or_default(),
            participants: per_challenge_count.get(&id).copied().unwrap_or(0),
            fees: money::format(of(&fees, id), cur),
            payouts: money::format(of(&paid, id), cur),
            broker_profit: money::format(of(&settled, id) + of(&forfeited, id), cur),
            funded: money::format(of(&funded, id), cur),
            more: more
                .iter()
                .map(|(_, m)| money::format(of(m, id), cur))
                .collect(),
        })
        .collect();
    let stages: BTreeSet<i32> = in_stage.keys().chain(decided.keys()).copied().collect();
    let by_stage = stages
        .into_iter()
        .map(|stage| {
            let (passed, failed) = decided.get(&stage).copied().unwrap_or((0, 0));
            StageStat {
                stage,
                in_progress: in_stage.get(&stage).copied().unwrap_or(0),
                passed,
                failed,
                pass_rate_bps: (passed + failed > 0)
                    .then(|| (passed * 10_000 / (passed + failed)) as i64),
            }
        })
        .collect();
    let daily = daily(db, &scope, cur).await?;
    Ok(PropDashboard {
        currency,
        currencies: currencies.into_iter().collect(),
        from: q.from.clone(),
        to: q.to.clone(),
        figures,
        more_columns: more.iter().map(|(key, _)| key.to_string()).collect(),
        participants: statuses.values().sum(),
        by_status: ParticipantStatus::ALL
            .iter()
            .map(|s| StatusCount {
                status: *s,
                count: statuses.get(s.as_str()).copied().unwrap_or(0),
            })
            .collect(),
        by_stage,
        per_challenge,
        daily,
    })
}

/// Fees and payouts per day of the period (the last 30 days when it is open-ended), for the
/// chart. Days are UTC days.
async fn daily(
    db: &impl ConnectionTrait,
    scope: &Scope,
    cur: Currency,
) -> Result<Vec<DayMoney>, AppError> {
    const MAX_DAYS: i64 = 92;
    let end = scope.to.unwrap_or_else(|| {
        (Utc::now() + Duration::days(1))
            .date_naive()
            .and_time(chrono::NaiveTime::MIN)
            .and_utc()
    });
    let start = scope
        .from
        .unwrap_or(end - Duration::days(30))
        .max(end - Duration::days(MAX_DAYS));
    let window = Scope {
        clients: scope.clients.clone(),
        challenge: scope.challenge,
        from: Some(start),
        to: Some(end),
    };
    let mut days: BTreeMap<chrono::NaiveDate, (i64, i64)> = BTreeMap::new();
    let mut d = start.date_naive();
    while d < end.date_naive() {
        days.insert(d, (0, 0));
        d = d.succ_opt().unwrap_or(end.date_naive());
    }
    // The currency is one of the known codes (never the caller's text).
    for r in window
        .rows(
            db,
            "f.created_at",
            &format!(
                "SELECT f.created_at AS at, f.amount_minor AS amount FROM participation_fee f \
                 JOIN participant p ON p.id = f.participant_id WHERE f.currency = '{}'",
                cur.code
            ),
            "",
        )
        .await?
    {
        let at: DateTime<Utc> = r.try_get("", "at")?;
        if let Some(e) = days.get_mut(&at.date_naive()) {
            e.0 += int(&r, "amount")?;
        }
    }
    for r in window
        .rows(
            db,
            "s.created_at",
            &format!(
                "SELECT s.created_at AS at, x.amount_minor AS amount FROM profit_share_part x \
                 JOIN profit_share s ON s.id = x.profit_share_id \
                 JOIN participant p ON p.id = s.participant_id \
                 WHERE s.currency = '{}' AND s.status = '{}' AND x.recipient = 'trader'",
                cur.code,
                SettlementStatus::Paid
            ),
            "",
        )
        .await?
    {
        let at: DateTime<Utc> = r.try_get("", "at")?;
        if let Some(e) = days.get_mut(&at.date_naive()) {
            e.1 += int(&r, "amount")?;
        }
    }
    Ok(days
        .into_iter()
        .map(|(day, (fees_minor, payouts_minor))| DayMoney {
            day: day.to_string(),
            fees_minor,
            payouts_minor,
        })
        .collect())
}
