//! Clients (traders and IBs) as the back office and the IB area see them.
use crate::domain::access::UserKind;
use crate::error::AppError;
use crate::model::{AdminStats, ClientRow, DayCount, IbOverview, ListQuery, Page};
use crate::server::entity::{session, user};
use crate::server::identity::scope::Scope;
use crate::server::infra::list;
use chrono::{Duration, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

fn clients() -> sea_orm::Select<user::Entity> {
    user::Entity::find().filter(user::Column::Kind.is_in([UserKind::Trader, UserKind::Ib]))
}

pub async fn list(
    db: &impl ConnectionTrait,
    scope: &Scope,
    q: &ListQuery,
    paged: bool,
) -> Result<Page<ClientRow>, AppError> {
    use user::Column as C;
    let mut select = scope.restrict_clients(clients());
    if let Some(mut any) = list::search(
        &q.q,
        &[C::Email, C::FirstName, C::LastName, C::ReferralCode],
    ) {
        if let Ok(id) = q.q.trim().parse::<i64>() {
            any = any.add(C::Id.eq(id));
        }
        select = select.filter(any);
    }
    match q.filter.as_str() {
        "trader" | "ib" => select = select.filter(C::Kind.eq(q.filter.as_str())),
        "active" | "disabled" | "pending" => {
            select = select.filter(C::Status.eq(q.filter.as_str()))
        }
        "unowned" => select = select.filter(C::OwnerId.is_null()),
        _ => {}
    }
    let col = match q.sort.as_str() {
        "email" => C::Email,
        "name" => C::LastName,
        "country" => C::Country,
        "kind" => C::Kind,
        _ => C::Id,
    };
    select = if q.desc {
        select.order_by_desc(col)
    } else {
        select.order_by_asc(col)
    };
    let (rows, total) = list::fetch(db, select, q, paged).await?;
    let related: Vec<i64> = rows
        .iter()
        .flat_map(|u| [u.referrer_id, u.owner_id])
        .flatten()
        .collect();
    let people: HashMap<i64, user::Model> = user::Entity::find()
        .filter(C::Id.is_in(related))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let rows = rows
        .into_iter()
        .map(|u| ClientRow {
            id: u.id,
            kind: u.kind,
            referrer: u
                .referrer_id
                .and_then(|r| people.get(&r).map(|p| p.email.clone())),
            owner: u
                .owner_id
                .and_then(|o| people.get(&o))
                .map(|p| format!("{} {}", p.first_name, p.last_name))
                .unwrap_or_default(),
            email: u.email,
            first_name: u.first_name,
            last_name: u.last_name,
            country: u.country,
            referral_code: u.referral_code.unwrap_or_default(),
            status: u.status,
            created_at: u.created_at,
        })
        .collect();
    Ok(list::page(rows, total, q, paged))
}

/// Registrations per day over the last `days` days (UTC), oldest first, zero days included.
pub async fn registrations_by_day(
    db: &impl ConnectionTrait,
    scope: &Scope,
    days: i64,
) -> Result<Vec<DayCount>, AppError> {
    let today = Utc::now().date_naive();
    let start = today - Duration::days(days - 1);
    let since = start.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    let created: Vec<chrono::DateTime<Utc>> = scope
        .restrict_clients(clients())
        .filter(user::Column::CreatedAt.gte(since))
        .select_only()
        .column(user::Column::CreatedAt)
        .into_tuple()
        .all(db)
        .await?;
    let mut counts: HashMap<chrono::NaiveDate, u64> = HashMap::new();
    for c in created {
        *counts.entry(c.date_naive()).or_default() += 1;
    }
    Ok((0..days)
        .map(|i| {
            let d = start + Duration::days(i);
            DayCount {
                day: d.format("%Y-%m-%d").to_string(),
                count: counts.get(&d).copied().unwrap_or(0),
            }
        })
        .collect())
}

pub async fn admin_stats(db: &impl ConnectionTrait, scope: &Scope) -> Result<AdminStats, AppError> {
    let count_kind = |k: UserKind| {
        scope
            .restrict_clients(user::Entity::find())
            .filter(user::Column::Kind.eq(k.as_str()))
            .count(db)
    };
    Ok(AdminStats {
        traders: count_kind(UserKind::Trader).await?,
        ibs: count_kind(UserKind::Ib).await?,
        staff: user::Entity::find()
            .filter(user::Column::Kind.eq(UserKind::Staff.as_str()))
            .count(db)
            .await?,
        active_sessions: session::Entity::find()
            .filter(session::Column::Stage.eq("full"))
            .filter(session::Column::ExpiresAt.gt(Utc::now()))
            .count(db)
            .await?,
        registrations: registrations_by_day(db, scope, 14).await?,
    })
}

pub async fn ib_overview(
    db: &impl ConnectionTrait,
    public_url: &str,
    ib_id: i64,
) -> Result<IbOverview, AppError> {
    let me = user::Entity::find_by_id(ib_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let code = me.referral_code.unwrap_or_default();
    let direct = || user::Entity::find().filter(user::Column::ReferrerId.eq(ib_id));
    Ok(IbOverview {
        referral_link: format!("{}/register?ref={code}", public_url.trim_end_matches('/')),
        referral_code: code,
        direct_clients: direct().count(db).await?,
        joined_last_30_days: direct()
            .filter(user::Column::CreatedAt.gte(Utc::now() - Duration::days(30)))
            .count(db)
            .await?,
    })
}

/// The clients named by e-mail (one a line, or separated by commas, as staff type a list):
/// their ids, or the error for an address that is no client's.
pub async fn named(
    db: &impl ConnectionTrait,
    text: &str,
) -> Result<Result<Vec<i64>, &'static str>, AppError> {
    let mut emails = Vec::new();
    for raw in text.split([',', ';', '\n']).map(str::trim) {
        if raw.is_empty() {
            continue;
        }
        match crate::domain::validation::email(raw) {
            Ok(e) => emails.push(e),
            Err(_) => return Ok(Err("err.client_unknown")),
        }
    }
    emails.sort();
    emails.dedup();
    let found: Vec<i64> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::Kind)
        .filter(user::Column::Email.is_in(emails.clone()))
        .into_tuple::<(i64, UserKind)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(id, k)| k.is_client().then_some(id))
        .collect();
    if found.len() != emails.len() {
        return Ok(Err("err.client_unknown"));
    }
    Ok(Ok(found))
}
