//! Exchange rates between the firm's currencies.
use crate::domain::money::{self, Currency};
use crate::domain::validation::Errors;
use crate::error::AppError;
use crate::model::RateDto;
use crate::server::entity::{client_group, exchange_rate};
use crate::server::infra::audit;
use crate::server::infra::db::Write;
use chrono::Utc;
use rust_decimal::Decimal;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use std::str::FromStr;

pub async fn rates(db: &impl ConnectionTrait) -> Result<Vec<RateDto>, AppError> {
    Ok(exchange_rate::Entity::find()
        .order_by_asc(exchange_rate::Column::FromCurrency)
        .order_by_asc(exchange_rate::Column::ToCurrency)
        .all(db)
        .await?
        .into_iter()
        .map(|r| RateDto {
            id: r.id,
            from: r.from_currency,
            to: r.to_currency,
            rate: r.rate,
            group_id: r.group_id,
        })
        .collect())
}

/// The rate from one currency to another for a client's group: the group's own rate wins
/// over the one for every group. None when the firm has not set one.
pub async fn rate_for(
    db: &impl ConnectionTrait,
    from: Currency,
    to: Currency,
    group_id: Option<i64>,
) -> Result<Option<Decimal>, AppError> {
    let rows = exchange_rate::Entity::find()
        .filter(exchange_rate::Column::FromCurrency.eq(from.code))
        .filter(exchange_rate::Column::ToCurrency.eq(to.code))
        .all(db)
        .await?;
    let pick = rows
        .iter()
        .find(|r| Some(r.group_id) == group_id)
        .or_else(|| rows.iter().find(|r| r.group_id == 0));
    Ok(pick.and_then(|r| Decimal::from_str(&r.rate).ok()))
}

pub async fn save_rate(
    db: &DatabaseConnection,
    actor: i64,
    from: &str,
    to: &str,
    rate: &str,
    group_id: i64,
) -> Result<(), AppError> {
    let mut errs = Errors::default();
    let f = money::currency(from);
    let t = money::currency(to);
    if f.is_none() {
        errs.add("from", "err.currency_unknown");
    }
    if t.is_none() {
        errs.add("to", "err.currency_unknown");
    }
    if f.is_some() && f == t {
        errs.add("to", "err.same_currency");
    }
    let rate = errs.check("rate", money::parse_rate(rate));
    if group_id != 0
        && client_group::Entity::find_by_id(group_id)
            .one(db)
            .await?
            .is_none()
    {
        errs.add("group_id", "err.group_unknown");
    }
    let (f, t, rate) = errs.values((f, t, rate))?;
    let txn = db.write().await?;
    exchange_rate::Entity::insert(exchange_rate::ActiveModel {
        from_currency: Set(f.code.into()),
        to_currency: Set(t.code.into()),
        rate: Set(rate.to_string()),
        group_id: Set(group_id),
        updated_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            exchange_rate::Column::FromCurrency,
            exchange_rate::Column::ToCurrency,
            exchange_rate::Column::GroupId,
        ])
        .update_columns([
            exchange_rate::Column::Rate,
            exchange_rate::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec(&txn)
    .await?;
    audit::record(
        &txn,
        Some(actor),
        "firm.rate",
        "exchange_rate",
        None,
        serde_json::json!({"from": f.code, "to": t.code, "rate": rate.to_string(), "group_id": group_id}),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn delete_rate(db: &DatabaseConnection, actor: i64, id: i64) -> Result<(), AppError> {
    audit::delete_recorded::<exchange_rate::Entity>(
        db,
        actor,
        id,
        "firm.rate_delete",
        "exchange_rate",
    )
    .await
}
