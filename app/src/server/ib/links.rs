//! Promotional links: named links an IB (or the firm) shares, to the registration page or to
//! a published challenge. A visit counts one click on its day (nothing about the visitor is
//! kept); a sign-up through it joins the tree under its owner; the funnel counts the sign-ups'
//! first deposits and challenge purchases.
use crate::domain::approval::{RequestKind, RequestStatus};
use crate::domain::money::Money;
use crate::domain::validation::{self as v, Errors};
use crate::error::AppError;
use crate::model::{LinkForm, LinkRow, ListQuery, Page};
use crate::server::entity::{challenge, participation_fee, promo_click, promo_link, request, user};
use crate::server::infra::db::{UniqueOr, Write};
use crate::server::infra::origin::Origin;
use crate::server::infra::{audit, crypto, list};
use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

pub const TARGETS: &[&str] = &["register", "challenge"];
const CODE_MAX: usize = 32;

/// Whose links a list shows: one IB's, or (staff) everyone's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    Ib(i64),
    Firm,
}

/// Creates a link for an IB or for the firm. A challenge link must name a published
/// challenge.
pub async fn create(
    db: &DatabaseConnection,
    owner: Owner,
    actor: i64,
    form: LinkForm,
    public_url: &str,
    from: &Origin,
) -> Result<LinkRow, AppError> {
    let mut e = Errors::default();
    let name = e.check("name", v::name(&form.name));
    if !TARGETS.contains(&form.target.as_str()) {
        e.add("target", "err.link_target_unknown");
    }
    let challenge_id = (form.target == "challenge").then_some(form.challenge_id);
    if let Some(id) = challenge_id {
        let published = challenge::Entity::find_by_id(id)
            .one(db)
            .await?
            .is_some_and(|c| c.status == "published");
        if !published {
            e.add("challenge", "err.link_challenge_unpublished");
        }
    }
    let name = e.values((name,))?.0;
    let txn = db.write().await?;
    let link = promo_link::ActiveModel {
        owner_id: Set(match owner {
            Owner::Ib(id) => Some(id),
            Owner::Firm => None,
        }),
        name: Set(name),
        code: Set(crypto::referral_code()),
        target: Set(form.target.clone()),
        challenge_id: Set(challenge_id),
        archived: Set(false),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .unique_or(|| AppError::Conflict("err.link_code_taken".into()))?;
    audit::record(
        &txn,
        Some(actor),
        "promo_link.created",
        "promo_link",
        Some(link.id),
        serde_json::json!({"name": link.name, "target": link.target, "challenge": link.challenge_id}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(rows(db, vec![link], public_url).await?.remove(0))
}

/// Archives a link (it stops counting and redirects to the plain registration page). An IB
/// may archive only their own; another's is "not found".
pub async fn archive(
    db: &DatabaseConnection,
    owner: Owner,
    actor: i64,
    id: i64,
    from: &Origin,
) -> Result<(), AppError> {
    let txn = db.write().await?;
    let link = promo_link::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .filter(|l| match owner {
            Owner::Ib(ib) => l.owner_id == Some(ib),
            Owner::Firm => true,
        })
        .ok_or(AppError::NotFound)?;
    promo_link::Entity::update_many()
        .col_expr(promo_link::Column::Archived, Expr::value(true))
        .filter(promo_link::Column::Id.eq(link.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Some(actor),
        "promo_link.archived",
        "promo_link",
        Some(link.id),
        serde_json::json!({"name": link.name}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

fn code_shape_ok(code: &str) -> bool {
    !code.is_empty() && code.len() <= CODE_MAX && code.chars().all(|c| c.is_ascii_alphanumeric())
}

async fn live_link(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<promo_link::Model>, AppError> {
    if !code_shape_ok(code) {
        return Ok(None);
    }
    Ok(promo_link::Entity::find()
        .filter(promo_link::Column::Code.eq(code))
        .filter(promo_link::Column::Archived.eq(false))
        .one(db)
        .await?)
}

/// A visit: counts a click on today's row and says where to send the visitor. An unknown or
/// archived link goes to the plain registration page, uncounted.
pub async fn click(db: &DatabaseConnection, code: &str) -> Result<String, AppError> {
    let Some(link) = live_link(db, code).await? else {
        return Ok("/register".into());
    };
    let day = Utc::now().format("%Y-%m-%d").to_string();
    promo_click::Entity::insert(promo_click::ActiveModel {
        link_id: Set(link.id),
        day: Set(day),
        clicks: Set(1),
    })
    .on_conflict(
        OnConflict::columns([promo_click::Column::LinkId, promo_click::Column::Day])
            .value(
                promo_click::Column::Clicks,
                Expr::col((promo_click::Entity, promo_click::Column::Clicks)).add(1),
            )
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    // A challenge link goes on to the challenge after sign-up, and at once for a visitor who
    // is signed in already (the page guard sends them to `next`).
    Ok(match link.challenge_id {
        Some(c) => format!(
            "/register?link={}&next=%2Fchallenges%3Fchallenge%3D{c}",
            link.code
        ),
        None => format!("/register?link={}", link.code),
    })
}

crate::register_signup_source!(|db, code| Box::pin(signup_source(db, code)));

/// A registration through a link: the link, and its owner as the new client's upline.
async fn signup_source(
    db: &sea_orm::DatabaseTransaction,
    code: &str,
) -> Result<Option<(i64, Option<i64>)>, AppError> {
    Ok(live_link(db, code).await?.map(|l| (l.id, l.owner_id)))
}

/// The links a list shows, newest first, with their funnels.
pub async fn list(
    db: &impl ConnectionTrait,
    owner: Owner,
    public_url: &str,
    q: &ListQuery,
    paged: bool,
) -> Result<Page<LinkRow>, AppError> {
    use promo_link::Column as C;
    let mut select = promo_link::Entity::find().order_by_desc(C::Id);
    if let Owner::Ib(ib) = owner {
        select = select.filter(C::OwnerId.eq(ib));
    }
    if let Some(c) = list::search(&q.q, &[C::Name, C::Code]) {
        select = select.filter(c);
    }
    match q.filter.as_str() {
        "active" => select = select.filter(C::Archived.eq(false)),
        "archived" => select = select.filter(C::Archived.eq(true)),
        "" => {}
        _ => return Err(AppError::field("filter", "err.filter_invalid")),
    }
    let (links, total) = list::fetch(db, select, q, paged).await?;
    let rows = rows(db, links, public_url).await?;
    Ok(list::page(rows, total, q, paged))
}

async fn rows(
    db: &impl ConnectionTrait,
    links: Vec<promo_link::Model>,
    public_url: &str,
) -> Result<Vec<LinkRow>, AppError> {
    let ids: Vec<i64> = links.iter().map(|l| l.id).collect();
    let clicks: HashMap<i64, i64> = promo_click::Entity::find()
        .select_only()
        .column(promo_click::Column::LinkId)
        .column_as(Expr::cust("CAST(SUM(clicks) AS BIGINT)"), "n")
        .filter(promo_click::Column::LinkId.is_in(ids.clone()))
        .group_by(promo_click::Column::LinkId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    // The sign-ups of each link.
    let signups: Vec<(i64, i64)> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::PromoLinkId)
        .filter(user::Column::PromoLinkId.is_in(ids.clone()))
        .into_tuple::<(i64, Option<i64>)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(u, l)| Some((u, l?)))
        .collect();
    let link_of: HashMap<i64, i64> = signups.iter().copied().collect();
    let users: Vec<i64> = signups.iter().map(|(u, _)| *u).collect();
    let mut first_deposits: HashMap<i64, u64> = HashMap::new();
    for u in request::Entity::find()
        .select_only()
        .column(request::Column::UserId)
        .distinct()
        .filter(request::Column::UserId.is_in(users.clone()))
        .filter(request::Column::Kind.eq(RequestKind::Deposit.as_str()))
        .filter(request::Column::Status.eq(RequestStatus::Approved.as_str()))
        .into_tuple::<i64>()
        .all(db)
        .await?
    {
        *first_deposits.entry(link_of[&u]).or_default() += 1;
    }
    let mut purchases: HashMap<i64, u64> = HashMap::new();
    let mut fees: HashMap<i64, HashMap<String, i64>> = HashMap::new();
    for (u, cur, n, sum) in participation_fee::Entity::find()
        .select_only()
        .column(participation_fee::Column::UserId)
        .column(participation_fee::Column::Currency)
        .column_as(Expr::cust("COUNT(*)"), "n")
        .column_as(Expr::cust("CAST(SUM(amount_minor) AS BIGINT)"), "sum")
        .filter(participation_fee::Column::UserId.is_in(users))
        .filter(participation_fee::Column::Kind.eq("fee"))
        .group_by(participation_fee::Column::UserId)
        .group_by(participation_fee::Column::Currency)
        .into_tuple::<(i64, String, i64, i64)>()
        .all(db)
        .await?
    {
        let l = link_of[&u];
        *purchases.entry(l).or_default() += n as u64;
        *fees.entry(l).or_default().entry(cur).or_default() += sum;
    }
    let owners: HashMap<i64, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(links.iter().filter_map(|l| l.owner_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, format!("{} {}", u.first_name, u.last_name)))
        .collect();
    let challenges: HashMap<i64, String> = challenge::Entity::find()
        .filter(challenge::Column::Id.is_in(links.iter().filter_map(|l| l.challenge_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let base = public_url.trim_end_matches('/');
    Ok(links
        .into_iter()
        .map(|l| {
            let mut fees: Vec<Money> = fees
                .remove(&l.id)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|(c, m)| Money::of(m, &c))
                .collect();
            fees.sort_by_key(|m| m.code());
            LinkRow {
                url: format!("{base}/r/{}", l.code),
                challenge: l
                    .challenge_id
                    .and_then(|c| challenges.get(&c).cloned())
                    .unwrap_or_default(),
                owner: l
                    .owner_id
                    .and_then(|o| owners.get(&o).cloned())
                    .unwrap_or_default(),
                clicks: clicks.get(&l.id).copied().unwrap_or(0) as u64,
                signups: link_of.values().filter(|x| **x == l.id).count() as u64,
                first_deposits: first_deposits.get(&l.id).copied().unwrap_or(0),
                purchases: purchases.get(&l.id).copied().unwrap_or(0),
                fees,
                created: l.created_at.format("%Y-%m-%d").to_string(),
                id: l.id,
                name: l.name,
                code: l.code,
                target: l.target,
                archived: l.archived,
            }
        })
        .collect())
}
