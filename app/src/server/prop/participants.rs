//! Reading participants: the trader's "my challenges" and challenge page, the staff's list and
//! detail. Progress bars come from the same engine functions that make the decisions, so what
//! the bars show and what the engine decides cannot disagree.
use crate::domain::bps::Bps;
use crate::domain::challenge::ChallengeDef;
use crate::domain::money::{self, Currency, Money};
use crate::domain::participant::ParticipantStatus;
use crate::domain::rules::{self, Decision, Figures};
use crate::domain::trading;
use crate::error::{AppError, OrInternal};
use crate::model::{
    AccountDto, DealDto, DecisionDto, EquityPoint, ListQuery, Page, ParticipantDetail,
    ParticipantRow, ProgressBar, PropChoices, PropFilter, QuoteDto, RetryOffer,
};
use crate::server::entity::{
    challenge, equity_point, participant, rule_decision, trading_account, user,
};
use crate::server::identity::scope::Scope;
use crate::server::infra::db::Write;
use crate::server::prop::participation;
use crate::server::trading::platform::{Platform, TradingPlatform};
use crate::server::{
    infra::list, prop::challenges, prop::fees, prop::profit_share, trading::risk, trading::servers,
    trading::sim,
};
use chrono::Utc;
use sea_orm::QueryTrait;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

fn fmt(minor: i64, cur: Option<Currency>) -> String {
    cur.map_or_else(|| minor.to_string(), |c| money::format(minor, c))
}

fn date(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

fn bar(
    rule: &str,
    value: i64,
    limit: i64,
    share: Option<i64>,
    cur: Option<Currency>,
) -> ProgressBar {
    ProgressBar {
        rule: format!("rule.{rule}"),
        value: fmt(value.max(0), cur),
        limit: fmt(limit, cur),
        share_bps: share.unwrap_or(0),
    }
}

/// The progress bars of an active (or last) stage account.
fn bars(acc: &trading_account::Model) -> Vec<ProgressBar> {
    let (Ok(r), Ok(s)) = (risk::rules_of(acc), risk::state_of(acc)) else {
        return Vec::new();
    };
    let cur = money::currency(&acc.currency);
    let p = rules::progress(&r, &s, acc.balance, acc.equity);
    [
        (
            "profit_target",
            r.target_progress(acc.balance),
            p.profit_bps_of_target,
        ),
        (
            "max_daily_loss",
            r.daily_loss(&s, acc.equity),
            p.daily_loss_bps_of_limit,
        ),
        (
            "max_loss",
            r.total_loss(&s, acc.equity),
            p.max_loss_bps_of_limit,
        ),
    ]
    .into_iter()
    .filter_map(|(rule, f, share)| f.map(|f| bar(rule, f.value, f.limit, share, cur)))
    .collect()
}

/// The currency of a row's money: the firm's currencies are checked where challenges are
/// saved, so another one is a fault of ours.
fn currency_of(code: &str) -> Result<Currency, AppError> {
    money::currency(code).or_internal("a participant or account in an unknown currency")
}

fn account_dto(
    acc: &trading_account::Model,
    owner: bool,
    place: Option<&servers::AccountPlace>,
) -> Result<AccountDto, AppError> {
    let cur = currency_of(&acc.currency)?;
    let m = |minor: i64| Money::new(minor, cur);
    Ok(AccountDto {
        server: place.map(|p| p.server.clone()).unwrap_or_default(),
        as_of: place
            .and_then(|p| p.as_of)
            .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
        stale: place.is_some_and(|p| p.stale),
        reset_pending: place.is_some_and(|p| p.reset_pending),
        id: acc.id,
        login: acc.login.clone(),
        password: owner.then(|| acc.password.clone()),
        platform: acc.platform.clone(),
        environment: acc.environment.clone(),
        stage: acc.stage + 1,
        attempt: acc.attempt,
        status: acc.status.clone(),
        enabled: acc.enabled,
        leverage: acc.leverage,
        initial_balance: m(acc.initial_balance),
        balance: m(acc.balance),
        equity: m(acc.equity),
        margin: m(acc.margin),
        free_margin: m(acc.equity.saturating_sub(acc.margin)),
        open_positions: acc.open_positions,
        created_at: date(Some(acc.created_at)),
    })
}

fn row(
    p: &participant::Model,
    u: Option<&user::Model>,
    ib: Option<&user::Model>,
    acc: Option<&trading_account::Model>,
) -> Result<ParticipantRow, AppError> {
    let cur = currency_of(&p.currency)?;
    let b = participation::bought(p).ok();
    let stages = b.as_ref().map_or(0, |b| b.package.stages.len());
    let environment = b
        .as_ref()
        .and_then(|b| b.package.stages.get(p.stage as usize))
        .map(|s| s.environment.as_str().to_string())
        .unwrap_or_default();
    Ok(ParticipantRow {
        id: p.id,
        user_id: p.user_id,
        client: u
            .map(|u| format!("{} {}", u.first_name, u.last_name))
            .unwrap_or_default(),
        email: u.map(|u| u.email.clone()).unwrap_or_default(),
        challenge_id: p.challenge_id,
        challenge: p.challenge_name.clone(),
        package: b
            .as_ref()
            .map(|b| b.package.name.clone())
            .unwrap_or_default(),
        stage: p.stage + 1,
        stages,
        environment,
        attempt: p.attempt,
        status: p.status,
        reason: if p.reason.is_empty() {
            String::new()
        } else {
            format!("rule.{}", p.reason)
        },
        fee: Money::new(p.fee_minor, cur),
        login: acc.map(|a| a.login.clone()).unwrap_or_default(),
        balance: acc.map(|a| Money::new(a.balance, cur)),
        equity: acc.map(|a| Money::new(a.equity, cur)),
        bars: acc.map(bars).unwrap_or_default(),
        data_type: p.data_type.clone(),
        ib: ib
            .map(|u| format!("{} {}", u.first_name, u.last_name))
            .unwrap_or_default(),
        created_at: date(Some(p.created_at)),
        started_at: date(p.started_at),
        ended_at: date(p.ended_at),
    })
}

async fn rows(
    db: &impl ConnectionTrait,
    ps: Vec<participant::Model>,
) -> Result<Vec<ParticipantRow>, AppError> {
    let user_ids: Vec<i64> = ps
        .iter()
        .flat_map(|p| [Some(p.user_id), p.referrer_id])
        .flatten()
        .collect();
    let acc_ids: Vec<i64> = ps.iter().filter_map(|p| p.account_id).collect();
    let users: HashMap<i64, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let accs: HashMap<i64, trading_account::Model> = trading_account::Entity::find()
        .filter(trading_account::Column::Id.is_in(acc_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    ps.iter()
        .map(|p| {
            row(
                p,
                users.get(&p.user_id),
                p.referrer_id.and_then(|r| users.get(&r)),
                p.account_id.and_then(|a| accs.get(&a)),
            )
        })
        .collect()
}

/// The trader's challenges, newest first.
pub async fn mine(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<ParticipantRow>, AppError> {
    let ps = participant::Entity::find()
        .filter(participant::Column::UserId.eq(user_id))
        .order_by_desc(participant::Column::Id)
        .all(db)
        .await?;
    rows(db, ps).await
}

/// Staff's list: filter by status (`q.filter`), the prop filter (challenge, package, stage,
/// data type, referring IB) and the dates joined, search by client or challenge, sort, page.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: &Scope,
    q: &ListQuery,
    f: &PropFilter,
    paged: bool,
) -> Result<Page<ParticipantRow>, AppError> {
    fees::check_filter(f)?;
    let mut select = scope.restrict(participant::Entity::find(), participant::Column::UserId);
    if let Some(kept) = fees::participants_kept(f) {
        select = select.filter(participant::Column::Id.in_subquery(kept.into_query()));
    }
    let (from, to) = list::date_range(q)?;
    if let Some(t) = from {
        select = select.filter(participant::Column::CreatedAt.gte(t));
    }
    if let Some(t) = to {
        select = select.filter(participant::Column::CreatedAt.lt(t));
    }
    if !q.filter.is_empty() {
        let status = ParticipantStatus::parse(&q.filter)
            .ok_or_else(|| AppError::field("filter", "err.status_unknown"))?;
        select = select.filter(participant::Column::Status.eq(status));
    }
    let text = q.q.trim();
    if !text.is_empty() {
        let mut any = Condition::any();
        if let Some(ids) = list::users_matching(db, text).await? {
            any = any.add(participant::Column::UserId.is_in(ids));
        }
        if let Some(c) = list::search(text, &[participant::Column::ChallengeName]) {
            any = any.add(c);
        }
        if let Ok(id) = text.parse::<i64>() {
            any = any.add(participant::Column::Id.eq(id));
        }
        select = select.filter(any);
    }
    let col = match q.sort.as_str() {
        "challenge" => participant::Column::ChallengeName,
        "status" => participant::Column::Status,
        "stage" => participant::Column::Stage,
        _ => participant::Column::Id,
    };
    select = if q.desc || q.sort.is_empty() {
        select.order_by_desc(col)
    } else {
        select.order_by_asc(col)
    };
    let (ps, total) = list::fetch(db, select, q, paged).await?;
    Ok(list::page(rows(db, ps).await?, total, q, paged))
}

fn decision_dto(d: &rule_decision::Model, login: &str, cur: Option<Currency>) -> DecisionDto {
    let mut out = DecisionDto {
        at: date(Some(d.created_at)),
        login: login.into(),
        outcome: d.outcome.clone(),
        rule: format!("rule.{}", d.rule),
        value: String::new(),
        limit: String::new(),
        day: String::new(),
        comment: String::new(),
    };
    if let Ok(dec) = serde_json::from_str::<Decision>(&d.figures) {
        let (_, f): (_, &Figures) = risk::outcome(&dec);
        out.value = fmt(f.value, cur);
        out.limit = match f.bps {
            Some(bps) => format!(
                "{} × {} = {}",
                Bps(bps),
                fmt(f.base, cur),
                fmt(Bps(bps).of(f.base), cur)
            ),
            None => fmt(f.base, cur),
        };
        out.day = f.day.to_string();
    } else if let Ok(v) = serde_json::from_str::<serde_json::Value>(&d.figures) {
        out.comment = v
            .get("comment")
            .and_then(|c| c.as_str())
            .unwrap_or_default()
            .into();
    }
    out
}

/// A participant's page. `owner` limits it to that client's own participants (others: 404).
pub async fn detail(
    db: &impl ConnectionTrait,
    id: i64,
    owner: Option<i64>,
    locale: &str,
) -> Result<ParticipantDetail, AppError> {
    let p = participation::find(db, id).await?;
    if owner.is_some_and(|o| o != p.user_id) {
        return Err(AppError::NotFound);
    }
    let u = user::Entity::find_by_id(p.user_id).one(db).await?;
    let ib = match p.referrer_id {
        Some(r) => user::Entity::find_by_id(r).one(db).await?,
        None => None,
    };
    let accounts = trading_account::Entity::find()
        .filter(trading_account::Column::ParticipantId.eq(p.id))
        .order_by_asc(trading_account::Column::Id)
        .all(db)
        .await?;
    let acc = p
        .account_id
        .and_then(|a| accounts.iter().find(|x| x.id == a));
    let places = servers::places(db, &accounts, Utc::now()).await?;
    let cur = money::currency(&p.currency);
    let b = participation::bought(&p)?;
    let stage = b.package.stages.get(p.stage as usize);
    let logins: HashMap<i64, String> = accounts.iter().map(|a| (a.id, a.login.clone())).collect();
    let decisions = rule_decision::Entity::find()
        .filter(rule_decision::Column::ParticipantId.eq(p.id))
        .order_by_desc(rule_decision::Column::Id)
        .all(db)
        .await?
        .iter()
        .map(|d| decision_dto(d, logins.get(&d.account_id).map_or("", |s| s), cur))
        .collect();
    let (mut points, mut positions, mut deals) = (Vec::new(), Vec::new(), Vec::new());
    let (mut trading_days, mut period_start, mut period_end) = (0, String::new(), String::new());
    if let Some(acc) = acc {
        points = equity_point::Entity::find()
            .filter(equity_point::Column::AccountId.eq(acc.id))
            .order_by_desc(equity_point::Column::At)
            .limit(500)
            .all(db)
            .await?
            .into_iter()
            .rev()
            .map(|e| EquityPoint {
                at: e.at.format("%m-%d %H:%M").to_string(),
                balance: e.balance,
                equity: e.equity,
            })
            .collect();
        if points.is_empty() {
            points.push(EquityPoint {
                at: acc.created_at.format("%m-%d %H:%M").to_string(),
                balance: acc.balance,
                equity: acc.equity,
            });
        }
        if acc.platform == "sim" {
            positions = sim::position_views(db, acc).await?;
        }
        deals = Platform::of(acc)
            .closed_deals(db, acc)
            .await?
            .iter()
            .map(|d| deal_dto(d, cur))
            .collect();
        if let (Ok(r), Ok(s)) = (risk::rules_of(acc), risk::state_of(acc)) {
            trading_days = s.trading_days.len() as u32;
            period_start = s.start_day.to_string();
            period_end = r.last_day(&s).map(|d| d.to_string()).unwrap_or_default();
        }
    }
    let retry = stage.filter(|s| {
        p.status == ParticipantStatus::Failed
            && p.account_id.is_some()
            && s.retry_allowed
            && (p.attempt as u32) < s.max_attempts
    });
    // The details as the firm publishes them now (the rules stay those bought).
    let published: Option<ChallengeDef> = challenge::Entity::find_by_id(p.challenge_id)
        .one(db)
        .await?
        .and_then(|c| c.published)
        .and_then(|j| serde_json::from_str(&j).ok());
    let pay_url = (p.status == ParticipantStatus::AwaitingPayment)
        .then(|| p.request_id.map(|r| format!("/pay/{r}")))
        .flatten();
    Ok(ParticipantDetail {
        row: row(&p, u.as_ref(), ib.as_ref(), acc)?,
        stage_rules: b
            .package
            .stages
            .iter()
            .map(|s| challenges::stage_card(s, cur))
            .collect(),
        account: acc
            .map(|a| account_dto(a, owner.is_some(), places.get(&a.id)))
            .transpose()?,
        accounts: accounts
            .iter()
            .map(|a| account_dto(a, owner.is_some(), places.get(&a.id)))
            .collect::<Result<_, _>>()?,
        trading_days,
        min_trading_days: stage.map_or(0, |s| s.min_trading_days),
        period_start,
        period_end,
        decisions,
        points,
        positions,
        deals,
        retry: retry.map(|s| RetryOffer {
            attempt: p.attempt + 1,
            max_attempts: s.max_attempts,
            fee: format!("{} {}", fmt(s.retry_fee_minor, cur), p.currency),
        }),
        request_id: p.request_id,
        pay_url,
        advanceable: p.status == ParticipantStatus::InProgress
            && acc.is_some_and(|a| a.open_positions == 0),
        details: published
            .as_ref()
            .and_then(|d| d.details.get(locale).or_else(|| d.details.get("en")))
            .cloned()
            .unwrap_or_default(),
        poster_url: published
            .as_ref()
            .map(|d| d.poster_url.clone())
            .unwrap_or_default(),
        details_first: published.as_ref().is_some_and(|d| d.details_first),
        profit_shares: profit_share::of_participant(db, p.id).await?,
        profit_terms: profit_share::terms(db, &p, acc).await?,
    })
}

fn deal_dto(d: &crate::server::entity::deal::Model, cur: Option<Currency>) -> DealDto {
    DealDto {
        ticket: d.ticket.clone(),
        symbol: d.symbol.clone(),
        side: d.side.clone(),
        volume: sim::volume_text(d.volume),
        open_price: sim::price_text(d.open_price, &d.symbol),
        close_price: sim::price_text(d.close_price, &d.symbol),
        profit: fmt(d.profit_minor, cur),
        opened_at: date(Some(d.opened_at)),
        closed_at: date(Some(d.closed_at)),
    }
}

/// The simulated platform's current prices.
pub async fn quotes(db: &impl ConnectionTrait) -> Result<Vec<QuoteDto>, AppError> {
    let prices = sim::prices(db).await?;
    Ok(trading::SYMBOLS
        .iter()
        .map(|s| QuoteDto {
            symbol: s.code.into(),
            name: s.name.into(),
            price: sim::price_text(prices.get(s.code).copied().unwrap_or(s.start), s.code),
        })
        .collect())
}

/// The challenges (with their packages) and IBs the prop filters choose from.
pub async fn choices(db: &impl ConnectionTrait) -> Result<PropChoices, AppError> {
    use crate::domain::access::UserKind;
    let challenges = challenge::Entity::find()
        .order_by_asc(challenge::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|c| {
            let json = c.published.as_ref().or(c.draft.as_ref())?;
            let def: ChallengeDef = serde_json::from_str(json).ok()?;
            Some(crate::model::ChallengeChoice {
                id: c.id,
                name: c.name.clone(),
                stages: def
                    .packages
                    .iter()
                    .map(|p| p.stages.len())
                    .max()
                    .unwrap_or(0),
                packages: def.packages.into_iter().map(|p| (p.key, p.name)).collect(),
            })
        })
        .collect();
    let ibs = user::Entity::find()
        .filter(user::Column::Kind.eq(UserKind::Ib.as_str()))
        .order_by_asc(user::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|u| {
            (
                u.id,
                format!("{} {} (#{})", u.first_name, u.last_name, u.id),
            )
        })
        .collect();
    Ok(PropChoices { challenges, ibs })
}

/// The trader asks for a new password of their current stage account: the simulator's changes
/// at once; a bridged account's when its platform acknowledges the `reset_password` command
/// (one at a time). Someone else's participant is not found.
pub async fn reset_password(
    db: &sea_orm::DatabaseConnection,
    user_id: i64,
    id: i64,
    from: &crate::server::infra::origin::Origin,
) -> Result<(), AppError> {
    let txn = db.write().await?;
    let p = participation::find(&txn, id).await?;
    if p.user_id != user_id {
        return Err(AppError::NotFound);
    }
    let Some(account_id) = p.account_id else {
        return Err(AppError::field("account", "err.account_not_open"));
    };
    let acc = risk::lock(&txn, account_id).await?;
    if acc.status != "active" {
        return Err(AppError::field("account", "err.account_not_open"));
    }
    if servers::places(&txn, std::slice::from_ref(&acc), Utc::now())
        .await?
        .get(&acc.id)
        .is_some_and(|pl| pl.reset_pending)
    {
        return Err(AppError::field("account", "err.reset_pending"));
    }
    Platform::of(&acc)
        .reset_password(
            &txn,
            &acc,
            &crate::server::trading::accounts::new_password(),
        )
        .await?;
    crate::server::infra::audit::record(
        &txn,
        Some(user_id),
        "account.reset_password",
        "trading_account",
        Some(acc.id),
        serde_json::json!({"login": acc.login}),
        &from.ip,
    )
    .await?;
    crate::server::infra::live::emit_many(&txn, risk::changed(&acc)).await?;
    txn.commit().await?;
    Ok(())
}

/// Tags a participant real or demo (demo ones are left out of the firm's figures).
pub async fn set_data_type(
    db: &sea_orm::DatabaseConnection,
    staff: i64,
    id: i64,
    data_type: &str,
    ip: &str,
) -> Result<(), AppError> {
    if !["real", "demo"].contains(&data_type) {
        return Err(AppError::field("data_type", "err.data_type_unknown"));
    }
    let txn = db.write().await?;
    let p = participation::find(&txn, id).await?;
    participant::Entity::update_many()
        .col_expr(
            participant::Column::DataType,
            sea_orm::sea_query::Expr::value(data_type),
        )
        .filter(participant::Column::Id.eq(p.id))
        .exec(&txn)
        .await?;
    crate::server::infra::audit::record(
        &txn,
        Some(staff),
        "participant.data_type",
        "participant",
        Some(p.id),
        serde_json::json!({"from": p.data_type, "to": data_type}),
        ip,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
