//! Coupons: staff write one (its card, discount, limits, validity, audience and the challenges
//! it covers) and it is granted to its audience: at once to every client, to the members of
//! client groups or to a list; or to each client who signs up while it is valid (through its
//! promotional link, when it has one). Staff may grant it to more clients later, and revoke
//! it. Its terms are frozen once a purchase used it. Every change is audited.
use super::terms;
use crate::domain::money::Money;
use crate::domain::offers::{self, CouponAudience, Covered, Discount, Validity};
use crate::domain::validation::{self as v, Errors};
use crate::error::AppError;
use crate::model::{
    ClientCoupon, CouponForm, CouponRow, CouponState, ListQuery, PackageChoice, Page,
};
use crate::server::entity::{client_group, coupon, coupon_grant, offer_use};
use crate::server::identity::{auth, clients};
use crate::server::infra::audit;
use crate::server::infra::db::{Write, statement};
use crate::server::infra::list;
use crate::server::infra::origin::Origin;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{BTreeMap, HashMap};

/// Who granted a coupon to a client.
pub mod source {
    pub const STAFF: &str = "staff";
    pub const SIGNUP: &str = "signup";
    pub const NOTICE: &str = "notice";
}

/// The longest card text.
const BODY_MAX: usize = 500;

pub fn discount(c: &coupon::Model) -> Option<Discount> {
    terms::discount(&c.discount_kind, c.discount_value, c.currency.as_deref())
}

pub fn validity(c: &coupon::Model) -> Validity {
    Validity {
        from: c.valid_from,
        to: c.valid_to,
    }
}

pub fn scope(c: &coupon::Model) -> Vec<Covered> {
    serde_json::from_str(&c.scope).unwrap_or_default()
}

fn group_ids(c: &coupon::Model) -> Vec<i64> {
    serde_json::from_str(&c.group_ids).unwrap_or_default()
}

/// The form's values, checked.
struct Checked {
    title: String,
    colour: String,
    body: String,
    discount: Discount,
    total_limit: Option<i32>,
    per_client: Option<i32>,
    validity: Validity,
    audience: CouponAudience,
    group_ids: Vec<i64>,
    clients: Vec<i64>,
    scope: Vec<Covered>,
    link_code: Option<String>,
}

async fn check(
    txn: &DatabaseTransaction,
    form: &CouponForm,
    catalogue: &[PackageChoice],
) -> Result<Checked, AppError> {
    let mut e = Errors::default();
    let title = e.check("title", v::name(&form.title));
    let colour = e.check("colour", offers::colour(&form.colour));
    let body = form.body.trim().to_string();
    if body.chars().count() > BODY_MAX || body.chars().any(|c| c.is_control() && c != '\n') {
        e.add("body", "err.text_invalid");
    }
    let discount = terms::typed_discount(&mut e, &form.discount, &form.currency);
    let validity = terms::typed_validity(&mut e, &form.valid_from, &form.valid_to);
    let audience = e.check(
        "audience",
        CouponAudience::parse(&form.audience).ok_or("err.audience_unknown"),
    );
    let mut group_ids = Vec::new();
    let mut clients = Vec::new();
    match audience {
        Some(CouponAudience::Groups) => {
            group_ids = form.group_ids.clone();
            group_ids.sort_unstable();
            group_ids.dedup();
            let known = client_group::Entity::find()
                .filter(client_group::Column::Id.is_in(group_ids.clone()))
                .count(txn)
                .await?;
            if group_ids.is_empty() {
                e.add("group_ids", "err.audience_empty");
            } else if known != group_ids.len() as u64 {
                e.add("group_ids", "err.group_unknown");
            }
        }
        Some(CouponAudience::List) => match clients::named(txn, &form.clients).await? {
            Ok(ids) if ids.is_empty() => e.add("clients", "err.audience_empty"),
            Ok(ids) => clients = ids,
            Err(code) => e.add("clients", code),
        },
        _ => {}
    }
    let mut scope = form.scope.clone();
    scope.sort();
    scope.dedup();
    for c in &scope {
        let covered: Vec<&PackageChoice> = catalogue
            .iter()
            .filter(|p| p.challenge_id == c.challenge_id)
            .filter(|p| c.package.as_deref().is_none_or(|k| k == p.key))
            .collect();
        if covered.is_empty() {
            e.add("scope", "err.package_unknown");
        } else if let Some(d) = discount
            && let Some(code) = covered.iter().find_map(|p| d.check_against(p.fee).err())
        {
            e.add("discount", code);
        }
    }
    let link = form.link_code.trim();
    let link_code = if link.is_empty() {
        None
    } else if auth::link_known(txn, link).await? {
        Some(link.to_string())
    } else {
        e.add("link_code", "err.link_unknown");
        None
    };
    let (title, colour, discount, validity, audience) =
        e.values((title, colour, discount, validity, audience))?;
    Ok(Checked {
        title,
        colour,
        body,
        discount,
        total_limit: terms::stored_limit(form.total_limit),
        per_client: terms::stored_limit(form.per_client),
        validity,
        audience,
        group_ids,
        clients,
        scope,
        link_code,
    })
}

fn columns(c: &Checked, m: &mut coupon::ActiveModel) {
    let (kind, value, currency) = terms::stored(c.discount);
    m.title = Set(c.title.clone());
    m.colour = Set(c.colour.clone());
    m.body = Set(c.body.clone());
    m.discount_kind = Set(kind.into());
    m.discount_value = Set(value);
    m.currency = Set(currency);
    m.total_limit = Set(c.total_limit);
    m.per_client = Set(c.per_client);
    m.valid_from = Set(c.validity.from);
    m.valid_to = Set(c.validity.to);
    m.audience = Set(c.audience);
    m.group_ids = Set(serde_json::json!(c.group_ids).to_string());
    m.scope = Set(serde_json::json!(c.scope).to_string());
    m.link_code = Set(c.link_code.clone());
    m.updated_at = Set(Utc::now());
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<coupon::Model, AppError> {
    coupon::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

async fn uses(db: &impl ConnectionTrait, coupon_id: i64) -> Result<u64, AppError> {
    Ok(offer_use::Entity::find()
        .filter(offer_use::Column::Kind.eq(super::checkout::COUPON))
        .filter(offer_use::Column::OfferId.eq(coupon_id))
        .count(db)
        .await?)
}

/// Creates a coupon (`form.id` 0) and grants it to its audience, or changes one no purchase
/// has used. `catalogue` is every package on sale with its price (the prop area's, which the
/// caller passes in: offers sit below prop).
pub async fn save(
    db: &DatabaseConnection,
    staff: i64,
    form: CouponForm,
    catalogue: &[PackageChoice],
    from: &Origin,
) -> Result<CouponRow, AppError> {
    let txn = db.write().await?;
    let checked = check(&txn, &form, catalogue).await?;
    let mut m = if form.id == 0 {
        coupon::ActiveModel {
            created_by: Set(staff),
            created_at: Set(Utc::now()),
            revoked_at: Set(None),
            ..Default::default()
        }
    } else {
        let found = find(&txn, form.id).await?;
        if found.revoked_at.is_some() {
            return Err(AppError::field("form", "err.coupon_revoked"));
        }
        if uses(&txn, found.id).await? > 0 {
            return Err(AppError::field("form", "err.coupon_frozen"));
        }
        found.into()
    };
    m.on_retry = Set(form.on_retry);
    columns(&checked, &mut m);
    let saved = if form.id == 0 {
        m.insert(&txn).await?
    } else {
        m.update(&txn).await?
    };
    let granted = grant_to(
        &txn,
        &saved,
        &checked.group_ids,
        &checked.clients,
        Some(staff),
    )
    .await?;
    audit::record(
        &txn,
        Some(staff),
        if form.id == 0 {
            "coupon.created"
        } else {
            "coupon.updated"
        },
        "coupon",
        Some(saved.id),
        serde_json::json!({"title": saved.title, "granted": granted}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    row_of(db, saved).await
}

/// Grants `c` to its audience (for a new-clients coupon, nobody yet): every client, the
/// members of `groups`, or `clients`. A client who has it already keeps the first grant.
/// Returns how many clients were granted it now.
async fn grant_to(
    txn: &DatabaseTransaction,
    c: &coupon::Model,
    groups: &[i64],
    clients: &[i64],
    by: Option<i64>,
) -> Result<u64, AppError> {
    let who = match c.audience {
        CouponAudience::NewClients => return Ok(0),
        CouponAudience::ExistingClients => String::new(),
        CouponAudience::Groups => format!(" AND group_id IN ({})", ids(groups)),
        CouponAudience::List => format!(" AND id IN ({})", ids(clients)),
    };
    let sql = format!(
        "INSERT INTO coupon_grant (coupon_id, user_id, source, granted_by, granted_at) \
         SELECT ?, id, ?, ?, ? FROM users WHERE kind IN ('trader', 'ib'){who} \
         ORDER BY id ON CONFLICT (coupon_id, user_id) DO NOTHING"
    );
    let values = vec![
        c.id.into(),
        source::STAFF.into(),
        by.into(),
        Utc::now().into(),
    ];
    let done = txn
        .execute_raw(statement(txn.get_database_backend(), &sql, values))
        .await?;
    Ok(done.rows_affected())
}

/// Ids checked by the caller, as an SQL list (never empty).
fn ids(v: &[i64]) -> String {
    if v.is_empty() {
        return "NULL".into();
    }
    v.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// Grants a coupon to more clients: the members of `group_ids` and the clients named in
/// `clients` (its own audience is unchanged). Returns how many were granted it now.
pub async fn grant_more(
    db: &DatabaseConnection,
    staff: i64,
    id: i64,
    group_ids: Vec<i64>,
    clients: String,
    from: &Origin,
) -> Result<u64, AppError> {
    if group_ids.is_empty() && clients.trim().is_empty() {
        return Err(AppError::field("clients", "err.audience_empty"));
    }
    let txn = db.write().await?;
    let c = find(&txn, id).await?;
    if c.revoked_at.is_some() {
        return Err(AppError::field("form", "err.coupon_revoked"));
    }
    let known = client_group::Entity::find()
        .filter(client_group::Column::Id.is_in(group_ids.clone()))
        .count(&txn)
        .await?;
    if known != group_ids.len() as u64 {
        return Err(AppError::field("group_ids", "err.group_unknown"));
    }
    let listed = clients::named(&txn, &clients)
        .await?
        .map_err(|code| AppError::field("clients", code))?;
    let mut n = 0;
    for (audience, groups, listed) in [
        (CouponAudience::Groups, &group_ids[..], &[][..]),
        (CouponAudience::List, &[][..], &listed[..]),
    ] {
        if !groups.is_empty() || !listed.is_empty() {
            let as_audience = coupon::Model {
                audience,
                ..c.clone()
            };
            n += grant_to(&txn, &as_audience, groups, listed, Some(staff)).await?;
        }
    }
    audit::record(
        &txn,
        Some(staff),
        "coupon.granted",
        "coupon",
        Some(id),
        serde_json::json!({"granted": n}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(n)
}

/// A coupon's title with its discount ("Welcome · 15%"), for lists that name it; "" for none.
pub async fn title(db: &impl ConnectionTrait, id: i64) -> Result<String, AppError> {
    Ok(coupon::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|c| named(&c))
        .unwrap_or_default())
}

fn named(c: &coupon::Model) -> String {
    match discount(c) {
        Some(d) => format!("{} · −{d}", c.title),
        None => c.title.clone(),
    }
}

/// The title of a coupon that is not revoked (None: unknown or revoked).
pub async fn active_title(db: &impl ConnectionTrait, id: i64) -> Result<Option<String>, AppError> {
    Ok(coupon::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|c| c.revoked_at.is_none())
        .map(|c| named(&c)))
}

/// The coupons not revoked, newest first, with their titles.
pub async fn active(db: &impl ConnectionTrait) -> Result<Vec<(i64, String)>, AppError> {
    Ok(coupon::Entity::find()
        .filter(coupon::Column::RevokedAt.is_null())
        .order_by_desc(coupon::Column::Id)
        .all(db)
        .await?
        .iter()
        .map(|c| (c.id, named(c)))
        .collect())
}

/// Grants one coupon to one client (a notice that carries it); a client who has it keeps it.
pub async fn grant_one(
    txn: &DatabaseTransaction,
    coupon_id: i64,
    user_id: i64,
    by: Option<i64>,
    how: &str,
) -> Result<(), AppError> {
    coupon_grant::Entity::insert(coupon_grant::ActiveModel {
        coupon_id: Set(coupon_id),
        user_id: Set(user_id),
        source: Set(how.into()),
        granted_by: Set(by),
        granted_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([coupon_grant::Column::CouponId, coupon_grant::Column::UserId])
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// Revokes a coupon: no purchase may use it from now on (purchases that did keep their price).
pub async fn revoke(
    db: &DatabaseConnection,
    staff: i64,
    id: i64,
    from: &Origin,
) -> Result<CouponRow, AppError> {
    let txn = db.write().await?;
    let found = find(&txn, id).await?;
    if found.revoked_at.is_some() {
        return Err(AppError::field("form", "err.coupon_revoked"));
    }
    let mut m: coupon::ActiveModel = found.into();
    m.revoked_at = Set(Some(Utc::now()));
    m.updated_at = Set(Utc::now());
    let saved = m.update(&txn).await?;
    audit::record(
        &txn,
        Some(staff),
        "coupon.revoked",
        "coupon",
        Some(id),
        serde_json::json!({"title": saved.title}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    row_of(db, saved).await
}

/// Each coupon's grants, uses, and its uses' fees before and after discount by currency.
#[derive(Default)]
struct Stats {
    granted: u64,
    used: u64,
    before: BTreeMap<String, i64>,
    after: BTreeMap<String, i64>,
}

async fn stats(db: &impl ConnectionTrait, ids: Vec<i64>) -> Result<HashMap<i64, Stats>, AppError> {
    let mut out: HashMap<i64, Stats> = HashMap::new();
    let granted: Vec<(i64, i64)> = coupon_grant::Entity::find()
        .select_only()
        .column(coupon_grant::Column::CouponId)
        .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "n")
        .filter(coupon_grant::Column::CouponId.is_in(ids.clone()))
        .group_by(coupon_grant::Column::CouponId)
        .into_tuple()
        .all(db)
        .await?;
    for (id, n) in granted {
        out.entry(id).or_default().granted = n.max(0) as u64;
    }
    let used: Vec<(i64, String, i64, i64, i64)> = offer_use::Entity::find()
        .select_only()
        .column(offer_use::Column::OfferId)
        .column(offer_use::Column::Currency)
        .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "n")
        .column_as(Expr::cust("CAST(SUM(list_minor) AS BIGINT)"), "before")
        .column_as(Expr::cust("CAST(SUM(paid_minor) AS BIGINT)"), "after")
        .filter(offer_use::Column::Kind.eq(super::checkout::COUPON))
        .filter(offer_use::Column::Status.eq(super::checkout::USED))
        .filter(offer_use::Column::OfferId.is_in(ids))
        .group_by(offer_use::Column::OfferId)
        .group_by(offer_use::Column::Currency)
        .into_tuple()
        .all(db)
        .await?;
    for (id, cur, n, before, after) in used {
        let s = out.entry(id).or_default();
        s.used += n.max(0) as u64;
        *s.before.entry(cur.clone()).or_default() += before;
        *s.after.entry(cur).or_default() += after;
    }
    Ok(out)
}

fn sums(m: &BTreeMap<String, i64>) -> Vec<Money> {
    m.iter()
        .filter_map(|(c, minor)| Money::of(*minor, c))
        .collect()
}

fn row(c: coupon::Model, s: &Stats) -> CouponRow {
    CouponRow {
        discount: discount(&c).map(|d| d.to_string()).unwrap_or_default(),
        total_limit: c.total_limit.map(|n| n.max(0) as u32),
        per_client: c.per_client.map(|n| n.max(0) as u32),
        valid_from: terms::day_text(c.valid_from, false),
        valid_to: terms::day_text(c.valid_to, true),
        group_ids: group_ids(&c),
        scope: scope(&c),
        revoked: c.revoked_at.is_some(),
        link_code: c.link_code.clone().unwrap_or_default(),
        granted: s.granted,
        used: s.used,
        revenue_before: sums(&s.before),
        revenue_after: sums(&s.after),
        id: c.id,
        title: c.title,
        colour: c.colour,
        body: c.body,
        audience: c.audience,
        on_retry: c.on_retry,
    }
}

async fn row_of(db: &impl ConnectionTrait, c: coupon::Model) -> Result<CouponRow, AppError> {
    let mut s = stats(db, vec![c.id]).await?;
    let s = s.remove(&c.id).unwrap_or_default();
    Ok(row(c, &s))
}

/// The coupons, newest first, with their statistics; `q.q` finds by title, `q.filter` keeps
/// the active (`active`) or revoked (`revoked`) ones.
pub async fn list(
    db: &impl ConnectionTrait,
    q: &ListQuery,
    paged: bool,
) -> Result<Page<CouponRow>, AppError> {
    use coupon::Column as C;
    let mut select = coupon::Entity::find();
    if let Some(c) = list::search(&q.q, &[C::Title]) {
        select = select.filter(c);
    }
    select = match q.filter.as_str() {
        "" => select,
        "active" => select.filter(C::RevokedAt.is_null()),
        "revoked" => select.filter(C::RevokedAt.is_not_null()),
        _ => return Err(AppError::field("filter", "err.filter_invalid")),
    };
    let (rows, total) = list::fetch(db, select.order_by_desc(C::Id), q, paged).await?;
    let mut s = stats(db, rows.iter().map(|c| c.id).collect()).await?;
    let rows = rows
        .into_iter()
        .map(|c| {
            let st = s.remove(&c.id).unwrap_or_default();
            row(c, &st)
        })
        .collect();
    Ok(list::page(rows, total, q, paged))
}

/// The coupons granted to a client, valid ones first, with what they have used and left.
pub async fn of_client(
    db: &impl ConnectionTrait,
    user_id: i64,
    at: DateTime<Utc>,
) -> Result<Vec<ClientCoupon>, AppError> {
    let grants: Vec<i64> = coupon_grant::Entity::find()
        .select_only()
        .column(coupon_grant::Column::CouponId)
        .filter(coupon_grant::Column::UserId.eq(user_id))
        .into_tuple()
        .all(db)
        .await?;
    let coupons = coupon::Entity::find()
        .filter(coupon::Column::Id.is_in(grants))
        .order_by_desc(coupon::Column::Id)
        .all(db)
        .await?;
    let used: HashMap<i64, i64> = offer_use::Entity::find()
        .select_only()
        .column(offer_use::Column::OfferId)
        .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "n")
        .filter(offer_use::Column::Kind.eq(super::checkout::COUPON))
        .filter(offer_use::Column::Status.eq(super::checkout::USED))
        .filter(offer_use::Column::UserId.eq(user_id))
        .group_by(offer_use::Column::OfferId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut out: Vec<ClientCoupon> = coupons
        .into_iter()
        .map(|c| {
            let used = used.get(&c.id).copied().unwrap_or(0).max(0) as u32;
            let left = terms::limit(c.per_client).left(used);
            let state = if c.revoked_at.is_some() {
                CouponState::Revoked
            } else if left == Some(0) {
                CouponState::Used
            } else if !validity(&c).contains(at) {
                CouponState::Expired
            } else {
                CouponState::Valid
            };
            ClientCoupon {
                discount: discount(&c).map(|d| d.to_string()).unwrap_or_default(),
                valid_to: terms::day_text(c.valid_to, true),
                scope: scope(&c),
                left,
                used,
                state,
                id: c.id,
                title: c.title,
                colour: c.colour,
                body: c.body,
            }
        })
        .collect();
    out.sort_by_key(|c| c.state != CouponState::Valid);
    Ok(out)
}

crate::register_signup_listener!(|txn, user_id, link| Box::pin(on_signup(txn, user_id, link)));

/// A client who signs up is granted every valid new-clients coupon without a link, and every
/// valid coupon on the promotional link they came through.
async fn on_signup<'a>(
    txn: &'a DatabaseTransaction,
    user_id: i64,
    link: &'a str,
) -> Result<(), AppError> {
    let now = Utc::now();
    let mut found = coupon::Entity::find()
        .filter(coupon::Column::RevokedAt.is_null())
        .filter(
            sea_orm::Condition::any()
                .add(
                    sea_orm::Condition::all()
                        .add(coupon::Column::Audience.eq(CouponAudience::NewClients))
                        .add(coupon::Column::LinkCode.is_null()),
                )
                .add(coupon::Column::LinkCode.eq(link)),
        )
        .order_by_asc(coupon::Column::Id)
        .all(txn)
        .await?;
    found.retain(|c| validity(c).contains(now));
    for c in found {
        grant_one(txn, c.id, user_id, None, source::SIGNUP).await?;
    }
    Ok(())
}
