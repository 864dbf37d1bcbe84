//! The discounted checkout: what a client pays for a package with the promo code they typed,
//! the use the purchase records, and the use a refund gives back. Called by the prop area in
//! the purchase's transaction; every figure is computed here, on the server.
use super::promo_codes;
use crate::domain::money::Money;
use crate::domain::offers::{Priced, price};
use crate::error::{AppError, OrInternal};
use crate::server::entity::{offer_use, promo_code};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend,
    DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

const PROMO_CODE: &str = "promo_code";
const USED: &str = "used";
const RETURNED: &str = "returned";

/// A priced checkout and the promo code it used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Applied {
    pub priced: Priced,
    promo_code: Option<i64>,
}

/// Prices `list` for `user` with the promo code they typed (empty: none) at `at`, in the
/// purchase's transaction. The code's row is locked until the purchase commits, so two
/// purchases cannot both take its last use.
pub async fn apply(
    txn: &DatabaseTransaction,
    user: i64,
    list: Money,
    typed: &str,
    at: DateTime<Utc>,
) -> Result<Applied, AppError> {
    priced(txn, user, list, typed, at, true).await
}

/// The price `apply` would give, and its refusals, without a purchase (the checkout's preview).
pub async fn quote(
    db: &impl ConnectionTrait,
    user: i64,
    list: Money,
    typed: &str,
    at: DateTime<Utc>,
) -> Result<Priced, AppError> {
    Ok(priced(db, user, list, typed, at, false).await?.priced)
}

async fn priced(
    db: &impl ConnectionTrait,
    user: i64,
    list: Money,
    typed: &str,
    at: DateTime<Utc>,
    lock: bool,
) -> Result<Applied, AppError> {
    if typed.trim().is_empty() {
        return Ok(Applied {
            priced: price(list, None, None),
            promo_code: None,
        });
    }
    let code = promo_codes::usable(db, typed, at).await?;
    if lock && db.get_database_backend() == DatabaseBackend::Postgres {
        promo_code::Entity::find_by_id(code.id)
            .lock_exclusive()
            .one(db)
            .await?;
    }
    let discount =
        promo_codes::discount(&code).or_internal("a stored promo code's discount is unknown")?;
    if !discount.applies_to(list.currency()) {
        return Err(AppError::field("promo_code", "err.promo_code_currency"));
    }
    let used = offer_use::Entity::find()
        .filter(offer_use::Column::Kind.eq(PROMO_CODE))
        .filter(offer_use::Column::OfferId.eq(code.id))
        .filter(offer_use::Column::UserId.eq(user))
        .filter(offer_use::Column::Status.eq(USED))
        .count(db)
        .await?;
    if !promo_codes::limit(&code).allows(u32::try_from(used).unwrap_or(u32::MAX)) {
        return Err(AppError::field("promo_code", "err.promo_code_used_up"));
    }
    Ok(Applied {
        priced: price(list, None, Some(discount)),
        promo_code: Some(code.id),
    })
}

/// Records the offers an applied checkout used, for the participant it bought.
pub async fn record(
    txn: &DatabaseTransaction,
    applied: &Applied,
    user: i64,
    participant_id: i64,
    currency: &str,
) -> Result<(), AppError> {
    if let Some(id) = applied.promo_code {
        offer_use::ActiveModel {
            kind: Set(PROMO_CODE.into()),
            offer_id: Set(id),
            user_id: Set(user),
            participant_id: Set(participant_id),
            currency: Set(currency.into()),
            discount_minor: Set(applied.priced.promo_minor),
            status: Set(USED.into()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// What the participant's purchase took off its price (0 without offers).
pub async fn discount_of(db: &impl ConnectionTrait, participant_id: i64) -> Result<i64, AppError> {
    let sum: Option<i64> = offer_use::Entity::find()
        .select_only()
        .column_as(Expr::cust("CAST(SUM(discount_minor) AS BIGINT)"), "sum")
        .filter(offer_use::Column::ParticipantId.eq(participant_id))
        .filter(offer_use::Column::Status.eq(USED))
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten();
    Ok(sum.unwrap_or(0))
}

/// A refunded purchase gives its offers back: they count as unused again.
pub async fn give_back(db: &impl ConnectionTrait, participant_id: i64) -> Result<(), AppError> {
    offer_use::Entity::update_many()
        .col_expr(offer_use::Column::Status, Expr::value(RETURNED))
        .filter(offer_use::Column::ParticipantId.eq(participant_id))
        .filter(offer_use::Column::Status.eq(USED))
        .exec(db)
        .await?;
    Ok(())
}
