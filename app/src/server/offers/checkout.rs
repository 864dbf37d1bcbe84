//! The discounted checkout: what a client pays for a package with the coupon they picked and
//! the promo code they typed (or for a competition's entry with the code), the uses a purchase
//! records, the discount a retry fee takes, and the uses a refund gives back. Called by the prop
//! and competitions areas in the purchase's transaction; every figure is computed here, on the
//! server.
use super::{coupons, promo_codes, terms};
use crate::domain::money::Money;
use crate::domain::offers::{Discount, Priced, covers, price};
use crate::error::{AppError, OrInternal};
use crate::server::entity::{coupon, coupon_grant, offer_use, promo_code};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend,
    DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

pub(super) const COUPON: &str = "coupon";
const PROMO_CODE: &str = "promo_code";
pub(super) const USED: &str = "used";
const RETURNED: &str = "returned";

/// What the client chose at checkout, and what for.
#[derive(Clone, Copy, Debug)]
pub struct Choice<'a> {
    pub user_id: i64,
    /// The challenge and package bought; 0 and empty for a competition's entry fee, which only
    /// a promo code discounts (coupons name the challenges they cover).
    pub challenge_id: i64,
    pub package: &'a str,
    /// The package's price.
    pub list: Money,
    /// A coupon granted to the client; 0: none.
    pub coupon: i64,
    /// The promo code they typed; empty: none.
    pub promo_code: &'a str,
    pub at: DateTime<Utc>,
}

/// A priced checkout and the offers it used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Applied {
    pub priced: Priced,
    coupon: Option<i64>,
    promo_code: Option<i64>,
}

/// Prices the choice in the purchase's transaction. The coupon's and the code's rows are
/// locked (in that order) until the purchase commits, so two purchases cannot both take the
/// last use of either.
pub async fn apply(txn: &DatabaseTransaction, choice: Choice<'_>) -> Result<Applied, AppError> {
    priced(txn, choice, true).await
}

/// The price `apply` would give, and its refusals, without a purchase (the checkout's preview).
pub async fn quote(db: &impl ConnectionTrait, choice: Choice<'_>) -> Result<Priced, AppError> {
    Ok(priced(db, choice, false).await?.priced)
}

async fn priced(
    db: &impl ConnectionTrait,
    choice: Choice<'_>,
    lock: bool,
) -> Result<Applied, AppError> {
    let lock = lock && db.get_database_backend() == DatabaseBackend::Postgres;
    let coupon = match choice.coupon {
        0 => None,
        id => Some(usable_coupon(db, &choice, id, lock).await?),
    };
    let promo = if choice.promo_code.trim().is_empty() {
        None
    } else {
        let code = usable_code(db, &choice, lock).await?;
        if coupon.is_some() && !code.combinable {
            return Err(AppError::field(
                "promo_code",
                "err.promo_code_not_combinable",
            ));
        }
        Some(code)
    };
    let discount_of = |d: Option<Discount>| d.or_internal("a stored offer's discount is unknown");
    let coupon_discount = match &coupon {
        Some(c) => Some(discount_of(coupons::discount(c))?),
        None => None,
    };
    let promo_discount = match &promo {
        Some(p) => Some(discount_of(promo_codes::discount(p))?),
        None => None,
    };
    Ok(Applied {
        priced: price(choice.list, coupon_discount, promo_discount),
        coupon: coupon.map(|c| c.id),
        promo_code: promo.map(|p| p.id),
    })
}

/// Uses of an offer by one client, or by everyone (`user` None), not given back.
async fn used(
    db: &impl ConnectionTrait,
    kind: &str,
    offer: i64,
    user: Option<i64>,
) -> Result<u32, AppError> {
    let mut q = offer_use::Entity::find()
        .filter(offer_use::Column::Kind.eq(kind))
        .filter(offer_use::Column::OfferId.eq(offer))
        .filter(offer_use::Column::Status.eq(USED));
    if let Some(u) = user {
        q = q.filter(offer_use::Column::UserId.eq(u));
    }
    Ok(u32::try_from(q.count(db).await?).unwrap_or(u32::MAX))
}

/// The coupon picked, if it is the client's and may be used now for this package.
async fn usable_coupon(
    db: &impl ConnectionTrait,
    choice: &Choice<'_>,
    id: i64,
    lock: bool,
) -> Result<coupon::Model, AppError> {
    let refuse = |code: &'static str| AppError::field("coupon", code);
    let mut q = coupon::Entity::find_by_id(id);
    if lock {
        q = q.lock_exclusive();
    }
    let c = q
        .one(db)
        .await?
        .ok_or_else(|| refuse("err.coupon_unknown"))?;
    let granted = coupon_grant::Entity::find()
        .filter(coupon_grant::Column::CouponId.eq(id))
        .filter(coupon_grant::Column::UserId.eq(choice.user_id))
        .count(db)
        .await?;
    if granted == 0 {
        return Err(refuse("err.coupon_unknown"));
    }
    if c.revoked_at.is_some() {
        return Err(refuse("err.coupon_revoked"));
    }
    if !coupons::validity(&c).contains(choice.at) {
        return Err(refuse("err.coupon_expired"));
    }
    if choice.challenge_id == 0 || !covers(&coupons::scope(&c), choice.challenge_id, choice.package)
    {
        return Err(refuse("err.coupon_not_covered"));
    }
    let d = coupons::discount(&c).or_internal("a stored coupon's discount is unknown")?;
    if !d.applies_to(choice.list.currency()) {
        return Err(refuse("err.coupon_currency"));
    }
    let mine = used(db, COUPON, id, Some(choice.user_id)).await?;
    if !terms::limit(c.per_client).allows(mine) {
        return Err(refuse("err.coupon_used_up"));
    }
    let all = used(db, COUPON, id, None).await?;
    if !terms::limit(c.total_limit).allows(all) {
        return Err(refuse("err.coupon_exhausted"));
    }
    Ok(c)
}

/// The promo code typed, if it may be used now by this client for this price.
async fn usable_code(
    db: &impl ConnectionTrait,
    choice: &Choice<'_>,
    lock: bool,
) -> Result<promo_code::Model, AppError> {
    let code = promo_codes::usable(db, choice.promo_code, choice.at, lock).await?;
    let d =
        promo_codes::discount(&code).or_internal("a stored promo code's discount is unknown")?;
    if !d.applies_to(choice.list.currency()) {
        return Err(AppError::field("promo_code", "err.promo_code_currency"));
    }
    let mine = used(db, PROMO_CODE, code.id, Some(choice.user_id)).await?;
    if !promo_codes::limit(&code).allows(mine) {
        return Err(AppError::field("promo_code", "err.promo_code_used_up"));
    }
    Ok(code)
}

/// What a checkout bought.
#[derive(Clone, Copy, Debug)]
pub enum Bought {
    /// A challenge: its participant.
    Participant(i64),
    /// A place in a competition: its entry.
    CompetitionEntry(i64),
}

/// Records the offers an applied checkout used, for what it bought.
pub async fn record(
    txn: &DatabaseTransaction,
    applied: &Applied,
    user: i64,
    bought: Bought,
    currency: &str,
) -> Result<(), AppError> {
    let (participant_id, competition_entry_id) = match bought {
        Bought::Participant(id) => (id, None),
        Bought::CompetitionEntry(id) => (0, Some(id)),
    };
    let p = applied.priced;
    for (kind, id, discount) in [
        (COUPON, applied.coupon, p.coupon_minor),
        (PROMO_CODE, applied.promo_code, p.promo_minor),
    ] {
        let Some(id) = id else { continue };
        offer_use::ActiveModel {
            kind: Set(kind.into()),
            offer_id: Set(id),
            user_id: Set(user),
            participant_id: Set(participant_id),
            competition_entry_id: Set(competition_entry_id),
            currency: Set(currency.into()),
            discount_minor: Set(discount),
            list_minor: Set(p.list_minor),
            paid_minor: Set(p.paid_minor),
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

/// A retry fee of `list` for the participant: less the coupon its purchase used, when that
/// coupon also covers retries (no use is counted: the purchase counted it).
pub async fn retry_price(
    db: &impl ConnectionTrait,
    participant_id: i64,
    list: Money,
) -> Result<Priced, AppError> {
    let used = offer_use::Entity::find()
        .filter(offer_use::Column::ParticipantId.eq(participant_id))
        .filter(offer_use::Column::Kind.eq(COUPON))
        .filter(offer_use::Column::Status.eq(USED))
        .one(db)
        .await?;
    let coupon = match used {
        Some(u) => coupon::Entity::find_by_id(u.offer_id).one(db).await?,
        None => None,
    };
    let discount = coupon
        .filter(|c| c.on_retry)
        .and_then(|c| coupons::discount(&c));
    Ok(price(list, discount, None))
}

/// What each participant's purchase used, as the fee report names it: the coupon's title and
/// the promo code, joined by " + " (participants without offers are absent).
pub async fn sources(
    db: &impl ConnectionTrait,
    participant_ids: Vec<i64>,
) -> Result<std::collections::HashMap<i64, String>, AppError> {
    let uses = offer_use::Entity::find()
        .filter(offer_use::Column::ParticipantId.is_in(participant_ids))
        .all(db)
        .await?;
    let ids = |kind: &str| -> Vec<i64> {
        uses.iter()
            .filter(|u| u.kind == kind)
            .map(|u| u.offer_id)
            .collect()
    };
    let titles: std::collections::HashMap<i64, String> = coupon::Entity::find()
        .filter(coupon::Column::Id.is_in(ids(COUPON)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.title))
        .collect();
    let codes: std::collections::HashMap<i64, String> = promo_code::Entity::find()
        .filter(promo_code::Column::Id.is_in(ids(PROMO_CODE)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.code))
        .collect();
    let mut out: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
    // Coupons first: their discount is taken first.
    let mut sorted: Vec<&offer_use::Model> = uses.iter().collect();
    sorted.sort_by_key(|u| (u.participant_id, u.kind != COUPON));
    for u in sorted {
        let name = if u.kind == COUPON {
            titles.get(&u.offer_id)
        } else {
            codes.get(&u.offer_id)
        };
        let Some(name) = name else { continue };
        let s = out.entry(u.participant_id).or_default();
        if !s.is_empty() {
            s.push_str(" + ");
        }
        s.push_str(name);
    }
    Ok(out)
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
