//! Alerts fired from the stream of account updates, in the transaction of the update that
//! causes them (the rules engine's stream: nothing polls). Traders are warned in the portal and
//! by email as a loss limit comes near or their period runs out; the firm's risk rules fire
//! onto the back office's alerts page. Each alert is stored, so staff see every one of them.
use crate::domain::alerts::{self, AlertState, RiskKind, RiskRule, TraderAlertSettings, Warning};
use crate::domain::bps::Bps;
use crate::domain::live::Topic;
use crate::domain::money;
use crate::domain::permission::Permission;
use crate::domain::rules::{self, StageRules, StageState};
use crate::error::AppError;
use crate::error::OrInternal;
use crate::model::{AlertEventDto, AlertFeed, AlertRuleDto};
use crate::server::entity::{
    alert_event, alert_rule, deal, participant, setting, trading_account, user,
};
use crate::server::identity::scope::Scope;
use crate::server::infra::db::Write;
use crate::server::infra::live::{self, Audience};
use crate::server::{infra::audit, infra::notify, settings};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{BTreeMap, HashMap};

const SETTINGS_KEY: &str = "prop_alerts";

/// What the updates of one transaction are watched for: the firm's trader warnings and its
/// enabled risk rules (read once per transaction, however many accounts it updates).
pub struct Watch {
    pub settings: TraderAlertSettings,
    pub rules: Vec<RiskRule>,
}

pub async fn settings(db: &impl ConnectionTrait) -> Result<TraderAlertSettings, AppError> {
    Ok(setting::Entity::find_by_id(SETTINGS_KEY)
        .one(db)
        .await?
        .and_then(|s| serde_json::from_str(&s.value).ok())
        .unwrap_or_default())
}

pub async fn save_settings(
    db: &DatabaseConnection,
    actor: i64,
    mut s: TraderAlertSettings,
) -> Result<(), AppError> {
    s.validate().map_err(AppError::Invalid)?;
    settings::save_audited(db, actor, SETTINGS_KEY, "alerts.settings", &s).await
}

fn rule_of(m: &alert_rule::Model) -> Option<RiskRule> {
    Some(RiskRule {
        id: m.id,
        name: m.name.clone(),
        kind: RiskKind::parse(&m.kind)?,
        threshold_minor: m.threshold_minor,
        threshold_bps: m.threshold_bps,
        min_profit_minor: m.min_profit_minor,
        step: m.step,
        symbol: m.symbol.clone(),
        environment: m.environment.clone(),
        challenge_id: m.challenge_id,
    })
}

pub async fn watch(db: &impl ConnectionTrait) -> Result<Watch, AppError> {
    let rules = alert_rule::Entity::find()
        .filter(alert_rule::Column::Enabled.eq(true))
        .order_by_asc(alert_rule::Column::Id)
        .all(db)
        .await?
        .iter()
        .filter_map(rule_of)
        .collect();
    Ok(Watch {
        settings: settings(db).await?,
        rules,
    })
}

/// Today's closed profit of the account per symbol (only read when a symbol rule needs it).
async fn symbol_profits(
    db: &impl ConnectionTrait,
    acc: &trading_account::Model,
    state: &StageState,
) -> Result<HashMap<String, i64>, AppError> {
    let zone = crate::server::trading::risk::zone_of(acc);
    let since = state
        .day
        .pred_opt()
        .map(|d| crate::domain::clock::day_end(d, zone))
        .unwrap_or_else(Utc::now);
    let rows: Vec<(String, i64)> = deal::Entity::find()
        .select_only()
        .column(deal::Column::Symbol)
        // PostgreSQL sums a bigint to a numeric.
        .column_as(Expr::cust("CAST(SUM(profit_minor) AS BIGINT)"), "profit")
        .filter(deal::Column::AccountId.eq(acc.id))
        .filter(deal::Column::ClosedAt.gte(since))
        .group_by(deal::Column::Symbol)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The participant of an account, read only when an alert needs it.
struct Lazy(Option<Option<participant::Model>>);

impl Lazy {
    async fn get(
        &mut self,
        db: &impl ConnectionTrait,
        acc: &trading_account::Model,
    ) -> Result<Option<&participant::Model>, AppError> {
        if self.0.is_none() {
            let p = match acc.participant_id {
                Some(id) => participant::Entity::find_by_id(id).one(db).await?,
                None => None,
            };
            self.0 = Some(p);
        }
        Ok(self.0.as_ref().and_then(|p| p.as_ref()))
    }
}

/// Judges one update of a running stage account (its figures and the engine's state already
/// new) and fires what it newly reaches. The account's alert state is updated in `acc.alerts`
/// for the caller to store with the figures.
pub async fn on_update(
    db: &impl ConnectionTrait,
    w: &Watch,
    acc: &mut trading_account::Model,
    rules: &StageRules,
    state: &StageState,
    closed: bool,
) -> Result<(), AppError> {
    let mut a: AlertState = serde_json::from_str(&acc.alerts).unwrap_or_default();
    let before = a.clone();
    let mut p = Lazy(None);
    let warnings =
        alerts::trader_warnings(&w.settings, rules, state, acc.equity, state.day, &mut a);
    for warning in warnings {
        let challenge = p
            .get(db, acc)
            .await?
            .map(|p| (p.id, p.challenge_name.clone()));
        warn_trader(db, acc, warning, challenge).await?;
    }
    let mut symbols: Option<HashMap<String, i64>> = None;
    let today_profit = acc.equity - state.day_start_equity;
    for r in &w.rules {
        if r.environment != "all" && r.environment != acc.environment {
            continue;
        }
        let symbol_profit = if r.kind == RiskKind::SymbolProfit {
            // Closed profit only moves when a trade closes.
            if !closed {
                continue;
            }
            if symbols.is_none() {
                symbols = Some(symbol_profits(db, acc, state).await?);
            }
            symbols
                .as_ref()
                .and_then(|s| s.get(&r.symbol))
                .copied()
                .unwrap_or(0)
        } else {
            0
        };
        let reading = r.level(today_profit, state.day_start_balance, symbol_profit);
        if reading.level == 0 {
            continue;
        }
        if let Some(c) = r.challenge_id
            && p.get(db, acc).await?.is_none_or(|p| p.challenge_id != c)
        {
            continue;
        }
        if a.rule_rises(r.id, reading.level) {
            let pid = p.get(db, acc).await?.map(|p| p.id);
            fire_rule(db, acc, r, reading, pid).await?;
        }
    }
    if a != before {
        acc.alerts = serde_json::to_string(&a).or_internal("encoding the account's alerts")?;
    }
    Ok(())
}

async fn warn_trader(
    db: &impl ConnectionTrait,
    acc: &trading_account::Model,
    warning: Warning,
    participant: Option<(i64, String)>,
) -> Result<(), AppError> {
    let cur = money::currency(&acc.currency);
    let fmt = |m: i64| {
        cur.map_or_else(
            || m.to_string(),
            |c| format!("{} {}", money::format(m, c), c.code),
        )
    };
    let loss = |share_bps: i64, f: rules::LossFigures| {
        BTreeMap::from([
            ("share".to_string(), Bps(share_bps).to_string()),
            ("value".to_string(), fmt(f.value)),
            ("limit".to_string(), fmt(f.limit)),
        ])
    };
    let (code, key, value, limit, level, mut data) = match warning {
        Warning::DailyLoss { share_bps, figures } => (
            format!("daily_loss_{}", share_bps / 100),
            "notice.alert_daily_loss",
            figures.value,
            figures.limit,
            share_bps,
            loss(share_bps, figures),
        ),
        Warning::MaxLoss { share_bps, figures } => (
            format!("max_loss_{}", share_bps / 100),
            "notice.alert_max_loss",
            figures.value,
            figures.limit,
            share_bps,
            loss(share_bps, figures),
        ),
        Warning::PeriodEnding {
            days_left,
            trading_days,
            min_trading_days,
        } => (
            "period_ending".to_string(),
            "notice.alert_period_ending",
            i64::from(trading_days),
            i64::from(min_trading_days),
            i64::from(days_left),
            BTreeMap::from([
                ("days".to_string(), days_left.to_string()),
                ("trading_days".to_string(), trading_days.to_string()),
                ("min".to_string(), min_trading_days.to_string()),
            ]),
        ),
    };
    let (pid, challenge) = participant.unzip();
    data.insert("challenge".into(), challenge.unwrap_or_default());
    data.insert("login".into(), acc.login.clone());
    if let Some(id) = pid {
        data.insert("id".into(), id.to_string());
    }
    store_event(
        db,
        acc,
        "trader",
        &code,
        None,
        pid,
        (value, limit, level as i32),
        &data,
    )
    .await?;
    notify::push_and_mail(db, acc.user_id, key, data).await
}

/// A stage failed on a breached rule: risk staff see it in the feed as it happens (the trader
/// learns it from the participant's own notice).
pub async fn on_breach(
    db: &impl ConnectionTrait,
    acc: &trading_account::Model,
    figures: &rules::Figures,
    rule: &str,
) -> Result<(), AppError> {
    let limit = figures
        .bps
        .map_or(figures.base, |b| Bps(b).of(figures.base));
    let data = BTreeMap::from([
        ("rule".to_string(), format!("rule.{rule}")),
        ("login".to_string(), acc.login.clone()),
    ]);
    store_event(
        db,
        acc,
        "risk",
        "breach",
        None,
        acc.participant_id,
        (figures.value, limit, 0),
        &data,
    )
    .await
}

async fn fire_rule(
    db: &impl ConnectionTrait,
    acc: &trading_account::Model,
    r: &RiskRule,
    reading: alerts::Reading,
    participant: Option<i64>,
) -> Result<(), AppError> {
    let data = BTreeMap::from([
        ("rule".to_string(), r.name.clone()),
        ("symbol".to_string(), r.symbol.clone()),
    ]);
    store_event(
        db,
        acc,
        "risk",
        r.kind.as_str(),
        Some(r.id),
        participant,
        (reading.value, reading.threshold, reading.level as i32),
        &data,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn store_event(
    db: &impl ConnectionTrait,
    acc: &trading_account::Model,
    source: &str,
    code: &str,
    rule_id: Option<i64>,
    participant_id: Option<i64>,
    (value, limit, level): (i64, i64, i32),
    data: &BTreeMap<String, String>,
) -> Result<(), AppError> {
    let alert = alert_event::ActiveModel {
        source: Set(source.into()),
        code: Set(code.into()),
        rule_id: Set(rule_id),
        account_id: Set(acc.id),
        participant_id: Set(participant_id),
        user_id: Set(acc.user_id),
        login: Set(acc.login.clone()),
        currency: Set(acc.currency.clone()),
        value_minor: Set(value),
        limit_minor: Set(limit),
        level: Set(level),
        data: Set(serde_json::to_string(data).or_internal("encoding an alert's data")?),
        created_at: Set(Utc::now()),
        ack_by: Set(None),
        ack_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    live::emit(
        db,
        Audience::staff(Permission::RiskAlertsView),
        Topic::Alert,
        Some(alert.id),
    )
    .await
}

/// An event about a client's account security for staff's alerts page (source `security`,
/// no trading account): the identity area reports an unfamiliar sign-in through it.
pub async fn security_event(
    db: &impl ConnectionTrait,
    user_id: i64,
    code: &str,
    data: &BTreeMap<String, String>,
) -> Result<(), AppError> {
    let alert = alert_event::ActiveModel {
        source: Set("security".into()),
        code: Set(code.into()),
        rule_id: Set(None),
        account_id: Set(0),
        participant_id: Set(None),
        user_id: Set(user_id),
        login: Set(String::new()),
        currency: Set(String::new()),
        value_minor: Set(0),
        limit_minor: Set(0),
        level: Set(0),
        data: Set(serde_json::to_string(data).or_internal("encoding an alert's data")?),
        created_at: Set(Utc::now()),
        ack_by: Set(None),
        ack_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    live::emit(
        db,
        Audience::staff(Permission::RiskAlertsView),
        Topic::Alert,
        Some(alert.id),
    )
    .await
}

crate::register_security_alert!(|txn, user, code, data| Box::pin(security_event(
    txn, user, code, data
)));

// ------------------------------------------------------------------ the firm's rules

/// A rule as staff type it: amounts and percentages are decimal text.
pub struct RuleInput {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub threshold: String,
    pub min_profit: String,
    pub step: String,
    pub symbol: String,
    pub environment: String,
    pub challenge_id: i64,
    pub enabled: bool,
}

/// A positive decimal with up to two decimals, in hundredths: an amount in minor units of any
/// account's currency (every currency here has two decimals), or a percentage in basis points.
fn hundredths(field: &str, text: &str, optional: bool) -> Result<i64, AppError> {
    let t = text.trim();
    if optional && (t.is_empty() || t == "0") {
        return Ok(0);
    }
    let usd = money::currency("USD").or_internal("USD is not a known currency")?;
    money::parse_amount(t, usd).map_err(|c| AppError::field(field, c))
}

pub async fn save_rule(
    db: &DatabaseConnection,
    actor: i64,
    input: RuleInput,
) -> Result<i64, AppError> {
    let kind = RiskKind::parse(&input.kind)
        .ok_or_else(|| AppError::field("kind", "err.alert_kind_unknown"))?;
    let pct = kind == RiskKind::AccountProfitPct;
    let threshold = hundredths("threshold", &input.threshold, false)?;
    let step = hundredths("step", &input.step, true)?;
    let mut rule = RiskRule {
        id: input.id,
        name: input.name,
        kind,
        threshold_minor: if pct { 0 } else { threshold },
        threshold_bps: if pct { threshold } else { 0 },
        min_profit_minor: if pct {
            hundredths("min_profit", &input.min_profit, true)?
        } else {
            0
        },
        step,
        symbol: input.symbol,
        environment: input.environment,
        challenge_id: (input.challenge_id > 0).then_some(input.challenge_id),
    };
    rule.validate().map_err(AppError::Invalid)?;
    if let Some(c) = rule.challenge_id
        && crate::server::entity::challenge::Entity::find_by_id(c)
            .one(db)
            .await?
            .is_none()
    {
        return Err(AppError::field("challenge", "err.challenge_unknown"));
    }
    let now = Utc::now();
    let txn = db.write().await?;
    let mut am = alert_rule::ActiveModel {
        name: Set(rule.name.clone()),
        kind: Set(kind.as_str().into()),
        threshold_minor: Set(rule.threshold_minor),
        threshold_bps: Set(rule.threshold_bps),
        min_profit_minor: Set(rule.min_profit_minor),
        step: Set(rule.step),
        symbol: Set(rule.symbol.clone()),
        environment: Set(rule.environment.clone()),
        challenge_id: Set(rule.challenge_id),
        enabled: Set(input.enabled),
        updated_at: Set(now),
        ..Default::default()
    };
    let id = if input.id > 0 {
        alert_rule::Entity::find_by_id(input.id)
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        am.id = Set(input.id);
        am.update(&txn).await?.id
    } else {
        am.created_by = Set(actor);
        am.created_at = Set(now);
        am.insert(&txn).await?.id
    };
    audit::record(
        &txn,
        Some(actor),
        "alerts.rule_saved",
        "alert_rule",
        Some(id),
        serde_json::json!({"name": rule.name, "kind": kind.as_str(), "threshold_minor": rule.threshold_minor, "threshold_bps": rule.threshold_bps, "enabled": input.enabled}),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

pub async fn delete_rule(db: &DatabaseConnection, actor: i64, id: i64) -> Result<(), AppError> {
    audit::delete_recorded::<alert_rule::Entity>(db, actor, id, "alerts.rule_deleted", "alert_rule")
        .await
}

fn fmt_value(kind: &str, currency: &str, v: i64) -> String {
    if kind == RiskKind::AccountProfitPct.as_str() {
        return Bps(v).to_string();
    }
    money::currency(currency).map_or_else(|| v.to_string(), |c| money::format(v, c))
}

pub async fn rules(db: &impl ConnectionTrait) -> Result<Vec<AlertRuleDto>, AppError> {
    let fired: HashMap<i64, i64> = alert_event::Entity::find()
        .select_only()
        .column(alert_event::Column::RuleId)
        .column_as(alert_event::Column::Id.count(), "n")
        .filter(alert_event::Column::RuleId.is_not_null())
        .group_by(alert_event::Column::RuleId)
        .into_tuple::<(Option<i64>, i64)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(r, n)| r.map(|r| (r, n)))
        .collect();
    Ok(alert_rule::Entity::find()
        .order_by_asc(alert_rule::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            let pct = m.kind == RiskKind::AccountProfitPct.as_str();
            let num = |v: i64| rust_decimal::Decimal::new(v, 2).normalize().to_string();
            AlertRuleDto {
                id: m.id,
                name: m.name.clone(),
                kind: m.kind.clone(),
                threshold: num(if pct {
                    m.threshold_bps
                } else {
                    m.threshold_minor
                }),
                min_profit: num(m.min_profit_minor),
                step: num(m.step),
                symbol: m.symbol.clone(),
                environment: m.environment.clone(),
                challenge_id: m.challenge_id.unwrap_or(0),
                enabled: m.enabled,
                fired: fired.get(&m.id).copied().unwrap_or(0) as u64,
            }
        })
        .collect())
}

/// The alerts newer than `since` (all sources, or `source`), newest first, with how many are
/// not yet acknowledged. The alerts page asks again every couple of seconds with the newest
/// id it has, so it receives each alert as it fires.
pub async fn feed(
    db: &impl ConnectionTrait,
    scope: &Scope,
    since: i64,
    source: &str,
    limit: u64,
) -> Result<AlertFeed, AppError> {
    use alert_event::Column as C;
    if !["", "trader", "risk", "security"].contains(&source) {
        return Err(AppError::field("source", "err.alert_source_unknown"));
    }
    let mut select = scope
        .restrict(alert_event::Entity::find(), C::UserId)
        .filter(C::Id.gt(since));
    let mut open = scope
        .restrict(alert_event::Entity::find(), C::UserId)
        .filter(C::AckAt.is_null());
    if !source.is_empty() {
        select = select.filter(C::Source.eq(source));
        open = open.filter(C::Source.eq(source));
    }
    let events = select
        .order_by_desc(C::Id)
        .limit(limit.clamp(1, 200))
        .all(db)
        .await?;
    let users: HashMap<i64, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(events.iter().map(|e| e.user_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let items = events
        .into_iter()
        .map(|e| {
            let u = users.get(&e.user_id);
            AlertEventDto {
                id: e.id,
                at: e.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                source: e.source.clone(),
                code: e.code.clone(),
                value: fmt_value(&e.code, &e.currency, e.value_minor),
                limit: fmt_value(&e.code, &e.currency, e.limit_minor),
                level: e.level,
                currency: e.currency.clone(),
                login: e.login.clone(),
                participant_id: e.participant_id,
                user_id: e.user_id,
                client: u
                    .map(|u| format!("{} {}", u.first_name, u.last_name))
                    .unwrap_or_default(),
                email: u.map(|u| u.email.clone()).unwrap_or_default(),
                data: serde_json::from_str(&e.data).unwrap_or_default(),
                acknowledged: e.ack_at.is_some(),
            }
        })
        .collect();
    Ok(AlertFeed {
        items,
        open: open.count(db).await?,
    })
}

/// Marks an alert seen by a staff member (once: a second acknowledgement changes nothing).
pub async fn acknowledge(
    db: &DatabaseConnection,
    staff: i64,
    scope: &Scope,
    id: i64,
) -> Result<(), AppError> {
    let found = alert_event::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    scope.check(db, found.user_id).await?;
    if found.ack_at.is_some() {
        return Ok(());
    }
    let r = alert_event::Entity::update_many()
        .col_expr(alert_event::Column::AckBy, Expr::value(Some(staff)))
        .col_expr(alert_event::Column::AckAt, Expr::value(Some(Utc::now())))
        .filter(alert_event::Column::Id.eq(id))
        .filter(alert_event::Column::AckAt.is_null())
        .exec(db)
        .await?;
    if r.rows_affected == 0 {
        return Ok(());
    }
    // Other staff's open count changes.
    live::emit(
        db,
        Audience::staff(Permission::RiskAlertsView),
        Topic::Alert,
        Some(id),
    )
    .await
}
