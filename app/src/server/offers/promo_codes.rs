//! Promo codes: staff write one, enable it (from then on its terms are frozen), disable it,
//! enable it again, and delete it while it is not enabled. Every change is audited.
use super::terms;
use crate::domain::offers::{self, Discount, PromoState, UseLimit, Validity};
use crate::domain::validation::{self as v, Errors};
use crate::error::AppError;
use crate::model::{ListQuery, Page, PromoCodeForm, PromoCodeRow};
use crate::server::entity::promo_code;
use crate::server::infra::audit;
use crate::server::infra::db::{UniqueOr, Write};
use crate::server::infra::list;
use crate::server::infra::origin::Origin;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// The discount a stored code gives.
pub fn discount(p: &promo_code::Model) -> Option<Discount> {
    terms::discount(&p.discount_kind, p.discount_value, p.currency.as_deref())
}

pub fn limit(p: &promo_code::Model) -> UseLimit {
    terms::limit(p.per_client)
}

pub fn validity(p: &promo_code::Model) -> Validity {
    Validity {
        from: p.valid_from,
        to: p.valid_to,
    }
}

fn row(p: promo_code::Model) -> PromoCodeRow {
    PromoCodeRow {
        discount: discount(&p).map(|d| d.to_string()).unwrap_or_default(),
        per_client: p.per_client.map(|n| n.max(0) as u32),
        valid_from: terms::day_text(p.valid_from, false),
        valid_to: terms::day_text(p.valid_to, true),
        id: p.id,
        code: p.code,
        name: p.name,
        combinable: p.combinable,
        state: p.state,
    }
}

/// The form's values, checked: code, name, discount, use limit, validity.
struct Checked {
    code: String,
    name: String,
    discount: Discount,
    limit: UseLimit,
    validity: Validity,
}

fn check(form: &PromoCodeForm) -> Result<Checked, AppError> {
    let mut e = Errors::default();
    let code = e.check("code", offers::code(&form.code));
    let name = e.check("name", v::name(&form.name));
    let discount = terms::typed_discount(&mut e, &form.discount, &form.currency);
    let limit = if form.per_client == 0 {
        UseLimit::Unlimited
    } else {
        UseLimit::Times(form.per_client)
    };
    let validity = terms::typed_validity(&mut e, &form.valid_from, &form.valid_to);
    let (code, name, discount, validity) = e.values((code, name, discount, validity))?;
    Ok(Checked {
        code,
        name,
        discount,
        limit,
        validity,
    })
}

fn columns(c: &Checked, m: &mut promo_code::ActiveModel) {
    let (kind, value, currency) = terms::stored(c.discount);
    m.code = Set(c.code.clone());
    m.name = Set(c.name.clone());
    m.discount_kind = Set(kind.into());
    m.discount_value = Set(value);
    m.currency = Set(currency);
    m.per_client = Set(match c.limit {
        UseLimit::Unlimited => None,
        UseLimit::Times(n) => terms::stored_limit(n),
    });
    m.valid_from = Set(c.validity.from);
    m.valid_to = Set(c.validity.to);
    m.updated_at = Set(Utc::now());
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<promo_code::Model, AppError> {
    promo_code::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Creates a promo code (`form.id` 0, not enabled) or changes one that was never enabled.
pub async fn save(
    db: &DatabaseConnection,
    staff: i64,
    form: PromoCodeForm,
    from: &Origin,
) -> Result<PromoCodeRow, AppError> {
    let checked = check(&form)?;
    let txn = db.write().await?;
    let mut m = if form.id == 0 {
        promo_code::ActiveModel {
            combinable: Set(form.combinable),
            state: Set(PromoState::NotEnabled),
            created_by: Set(staff),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
    } else {
        let found = find(&txn, form.id).await?;
        if !found.state.editable() {
            return Err(AppError::field("form", "err.promo_code_frozen"));
        }
        let mut m: promo_code::ActiveModel = found.into();
        m.combinable = Set(form.combinable);
        m
    };
    columns(&checked, &mut m);
    let saved = if form.id == 0 {
        m.insert(&txn).await
    } else {
        m.update(&txn).await
    }
    .unique_or(|| AppError::field("code", "err.promo_code_taken"))?;
    audit::record(
        &txn,
        Some(staff),
        if form.id == 0 {
            "promo_code.created"
        } else {
            "promo_code.updated"
        },
        "promo_code",
        Some(saved.id),
        serde_json::json!({"code": saved.code}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(row(saved))
}

/// Enables or disables a code (`PromoState::can_become`).
pub async fn set_state(
    db: &DatabaseConnection,
    staff: i64,
    id: i64,
    to: PromoState,
    from: &Origin,
) -> Result<PromoCodeRow, AppError> {
    let txn = db.write().await?;
    let found = find(&txn, id).await?;
    if !found.state.can_become(to) {
        return Err(AppError::field("state", "err.promo_code_state"));
    }
    let was = found.state;
    let mut m: promo_code::ActiveModel = found.into();
    m.state = Set(to);
    m.updated_at = Set(Utc::now());
    let saved = m.update(&txn).await?;
    audit::record(
        &txn,
        Some(staff),
        "promo_code.state",
        "promo_code",
        Some(id),
        serde_json::json!({"from": was, "to": to}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(row(saved))
}

/// Deletes a code that is not enabled.
pub async fn delete(
    db: &DatabaseConnection,
    staff: i64,
    id: i64,
    from: &Origin,
) -> Result<(), AppError> {
    let txn = db.write().await?;
    let found = find(&txn, id).await?;
    if !found.state.deletable() {
        return Err(AppError::field("state", "err.promo_code_enabled"));
    }
    promo_code::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        Some(staff),
        "promo_code.deleted",
        "promo_code",
        Some(id),
        serde_json::json!({"code": found.code}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The codes, newest first; `q.q` finds by code or name, `q.filter` keeps one state.
pub async fn list(
    db: &impl ConnectionTrait,
    q: &ListQuery,
    paged: bool,
) -> Result<Page<PromoCodeRow>, AppError> {
    use promo_code::Column as C;
    let mut select = promo_code::Entity::find();
    if let Some(c) = list::search(&q.q, &[C::Code, C::Name]) {
        select = select.filter(c);
    }
    if !q.filter.is_empty() {
        let s = PromoState::parse(&q.filter)
            .ok_or_else(|| AppError::field("filter", "err.filter_invalid"))?;
        select = select.filter(C::State.eq(s));
    }
    let (rows, total) = list::fetch(db, select.order_by_desc(C::Id), q, paged).await?;
    Ok(list::page(
        rows.into_iter().map(row).collect(),
        total,
        q,
        paged,
    ))
}

/// The enabled code a client typed, if it may be used at `at` (the checkout then checks its
/// use count and currency); `lock`: its row stays locked until the purchase commits, read
/// after the lock so a code disabled meanwhile is refused.
pub async fn usable(
    db: &impl ConnectionTrait,
    typed: &str,
    at: DateTime<Utc>,
    lock: bool,
) -> Result<promo_code::Model, AppError> {
    let code = offers::code(typed).map_err(|c| AppError::field("promo_code", c))?;
    let mut q = promo_code::Entity::find().filter(promo_code::Column::Code.eq(code));
    if lock {
        q = q.lock_exclusive();
    }
    q.one(db)
        .await?
        .filter(|p| p.state.usable() && validity(p).contains(at))
        .ok_or_else(|| AppError::field("promo_code", "err.promo_code_unknown"))
}
