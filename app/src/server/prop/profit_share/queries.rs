//! Settlements as the back office and the trader read them.
use super::*;
use crate::domain::clock;
use crate::domain::money::{self, Money};
use crate::domain::profit_share::{self as ps, Recipient};
use crate::error::{AppError, OrInternal};
use crate::model::{ListQuery, Page, ProfitShareDto, ProfitShareTerms, PropFilter};
use crate::server::entity::{participant, profit_share, profit_share_part, trading_account, user};
use crate::server::identity::scope::Scope;
use crate::server::{infra::list, prop::fees, trading::risk};
use sea_orm::QueryTrait;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

pub(super) fn dto(
    s: &profit_share::Model,
    parts: &[profit_share_part::Model],
    logins: &HashMap<i64, String>,
    users: &HashMap<i64, user::Model>,
    names: &HashMap<i64, String>,
) -> Result<ProfitShareDto, AppError> {
    let cur = money::currency(&s.currency).or_internal("a profit share in an unknown currency")?;
    let m = |minor: i64| Money::new(minor, cur);
    let trader: Vec<&profit_share_part::Model> = parts
        .iter()
        .filter(|p| p.profit_share_id == s.id && p.recipient == Recipient::Trader.as_str())
        .collect();
    // The parts split one profit, so their sums stay within it.
    let trader_minor: i64 = trader.iter().map(|p| p.amount_minor).sum();
    let others: i64 = parts
        .iter()
        .filter(|p| p.profit_share_id == s.id && p.recipient != Recipient::Trader.as_str())
        .map(|p| p.amount_minor)
        .sum();
    let u = users.get(&s.user_id);
    Ok(ProfitShareDto {
        id: s.id,
        participant_id: s.participant_id,
        client: u
            .map(|u| format!("{} {}", u.first_name, u.last_name))
            .unwrap_or_default(),
        email: u.map(|u| u.email.clone()).unwrap_or_default(),
        challenge: names.get(&s.participant_id).cloned().unwrap_or_default(),
        login: logins.get(&s.account_id).cloned().unwrap_or_default(),
        period_start: s.period_start.to_string(),
        period_end: s.period_end.to_string(),
        is_final: s.period_key == FINAL,
        balance: m(s.balance_minor),
        base: m(s.base_minor),
        profit: m(s.profit_minor),
        trader_bps: trader.first().map_or(0, |p| p.bps),
        trader_share: m(trader_minor),
        other_shares: m(others),
        firm_share: m(s.firm_minor),
        distribution: s.distribution.clone(),
        status: s.status,
        request_id: s.request_id,
        created_at: s.created_at.format("%Y-%m-%d %H:%M").to_string(),
        decided_at: s
            .decided_at
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default(),
    })
}

pub(super) async fn dtos(
    db: &impl ConnectionTrait,
    shares: &[profit_share::Model],
) -> Result<Vec<ProfitShareDto>, AppError> {
    let ids: Vec<i64> = shares.iter().map(|s| s.id).collect();
    let parts = profit_share_part::Entity::find()
        .filter(profit_share_part::Column::ProfitShareId.is_in(ids))
        .all(db)
        .await?;
    let logins: HashMap<i64, String> = trading_account::Entity::find()
        .filter(trading_account::Column::Id.is_in(shares.iter().map(|s| s.account_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.login))
        .collect();
    let users: HashMap<i64, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(shares.iter().map(|s| s.user_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let names: HashMap<i64, String> = participant::Entity::find()
        .filter(participant::Column::Id.is_in(shares.iter().map(|s| s.participant_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.challenge_name))
        .collect();
    shares
        .iter()
        .map(|s| dto(s, &parts, &logins, &users, &names))
        .collect()
}

/// A participant's settlements, newest first (the trader's profit-sharing tab and staff's).
pub async fn of_participant(
    db: &impl ConnectionTrait,
    participant_id: i64,
) -> Result<Vec<ProfitShareDto>, AppError> {
    let shares = profit_share::Entity::find()
        .filter(profit_share::Column::ParticipantId.eq(participant_id))
        .order_by_desc(profit_share::Column::Id)
        .all(db)
        .await?;
    dtos(db, &shares).await
}

/// The terms of the participant's funded stage and where the running period stands.
pub async fn terms(
    db: &impl ConnectionTrait,
    p: &participant::Model,
    acc: Option<&trading_account::Model>,
) -> Result<Option<ProfitShareTerms>, AppError> {
    let Some(acc) = acc else { return Ok(None) };
    let Some(stage) = terms_of(p, acc) else {
        return Ok(None);
    };
    let c = money::currency(&acc.currency);
    let fmt = |m: i64| c.map_or_else(|| m.to_string(), |c| money::format(m, c));
    let state = risk::state_of(acc)?;
    let today = clock::local_day(
        now_of(db, acc).await?,
        crate::server::trading::risk::zone_of(acc),
    );
    let period = ps::period_of(stage.settlement, state.start_day, today);
    let running = acc.status == "active" && p.account_id == Some(acc.id);
    Ok(Some(ProfitShareTerms {
        trader_bps: stage.profit_share_bps.unwrap_or(0),
        frequency: stage.settlement.as_str().into(),
        distribution: stage.distribution.as_str().into(),
        period_start: period.start.to_string(),
        period_end: period.end.to_string(),
        next_settlement: period
            .end
            .succ_opt()
            .map(|d| d.to_string())
            .unwrap_or_default(),
        base: fmt(acc.initial_balance),
        unsettled: fmt(ps::profit_above(acc.balance, acc.initial_balance)),
        period_settled: running && settled(db, acc.id, &period.key()).await?.is_some(),
        settleable: running && acc.open_positions == 0,
    }))
}

/// Staff's list of settlements: filter by status (`q.filter`), prop filter, dates, search.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: &Scope,
    q: &ListQuery,
    f: &PropFilter,
    paged: bool,
) -> Result<Page<ProfitShareDto>, AppError> {
    use profit_share::Column as C;
    fees::check_filter(f)?;
    let mut select = scope.restrict(profit_share::Entity::find(), C::UserId);
    if !q.filter.is_empty() {
        let status = SettlementStatus::parse(&q.filter)
            .ok_or_else(|| AppError::field("filter", "err.status_unknown"))?;
        select = select.filter(C::Status.eq(status));
    }
    if let Some(kept) = fees::participants_kept(f) {
        select = select.filter(C::ParticipantId.in_subquery(kept.into_query()));
    }
    let (from, to) = list::date_range(q)?;
    if let Some(t) = from {
        select = select.filter(C::CreatedAt.gte(t));
    }
    if let Some(t) = to {
        select = select.filter(C::CreatedAt.lt(t));
    }
    if let Some(ids) = list::users_matching(db, &q.q).await? {
        select = select.filter(C::UserId.is_in(ids));
    }
    select = match (q.sort.as_str(), q.desc) {
        ("profit", true) => select.order_by_desc(C::ProfitMinor),
        ("profit", false) => select.order_by_asc(C::ProfitMinor),
        ("period", true) => select.order_by_desc(C::PeriodStart),
        ("period", false) => select.order_by_asc(C::PeriodStart),
        (_, false) => select.order_by_asc(C::Id),
        (_, true) => select.order_by_desc(C::Id),
    };
    let (shares, total) = list::fetch(db, select, q, paged).await?;
    Ok(list::page(dtos(db, &shares).await?, total, q, paged))
}
