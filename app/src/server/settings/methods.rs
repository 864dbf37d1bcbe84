//! Deposit and withdrawal methods, with their limits and fees per group.
use super::*;
use crate::domain::approval::{self};
use crate::domain::money::{self, Currency, MAX_MINOR};
use crate::domain::validation::Errors;
use crate::error::AppError;
use crate::model::MethodDto;
use crate::server::entity::{client_group, payment_method};
use crate::server::infra::audit;
use crate::server::infra::db::Write;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

pub const DEPOSIT_KINDS: &[&str] = &["bank_transfer", "test_psp"];
pub const WITHDRAWAL_KINDS: &[&str] = &["bank_card", "crypto"];

pub fn method_dto(m: payment_method::Model) -> MethodDto {
    let cur = money::currency(&m.currency).unwrap_or(USD_LIKE);
    let opt = |v: i64| {
        if v > 0 {
            money::format(v, cur)
        } else {
            String::new()
        }
    };
    MethodDto {
        id: m.id,
        direction: m.direction,
        kind: m.kind,
        name: m.name,
        currency: m.currency,
        min: opt(m.min_minor),
        max: opt(m.max_minor),
        fee_bps: m.fee_bps,
        fee_fixed: money::format(m.fee_fixed_minor, cur),
        fee_cap: opt(m.fee_cap_minor),
        group_ids: approval::parse_ids(&m.group_ids),
        instructions: m.instructions,
        enabled: m.enabled,
    }
}

pub async fn methods(db: &impl ConnectionTrait) -> Result<Vec<MethodDto>, AppError> {
    Ok(payment_method::Entity::find()
        .order_by_asc(payment_method::Column::Direction)
        .order_by_asc(payment_method::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(method_dto)
        .collect())
}

/// An optional amount: empty means none (0).
pub(super) fn optional_amount(errs: &mut Errors, field: &str, text: &str, cur: Currency) -> i64 {
    if text.trim().is_empty() {
        return 0;
    }
    errs.check(field, money::parse_amount(text, cur))
        .unwrap_or(0)
}

pub async fn save_method(
    db: &DatabaseConnection,
    actor: i64,
    m: MethodDto,
) -> Result<i64, AppError> {
    let mut errs = Errors::default();
    let kinds = match m.direction.as_str() {
        "deposit" => DEPOSIT_KINDS,
        "withdrawal" => WITHDRAWAL_KINDS,
        _ => {
            errs.add("direction", "err.direction_unknown");
            &[][..]
        }
    };
    if !kinds.contains(&m.kind.as_str()) && !kinds.is_empty() {
        errs.add("kind", "err.method_kind_unknown");
    }
    let name = m.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        errs.add("name", "err.name_length");
    }
    let cur = money::currency(&m.currency);
    if cur.is_none() {
        errs.add("currency", "err.currency_unknown");
    }
    let cur = cur.unwrap_or(USD_LIKE);
    let min = optional_amount(&mut errs, "min", &m.min, cur);
    let max = optional_amount(&mut errs, "max", &m.max, cur);
    let fee_cap = optional_amount(&mut errs, "fee_cap", &m.fee_cap, cur);
    let fee_fixed = if m.fee_fixed.trim().is_empty() || m.fee_fixed.trim() == "0" {
        0
    } else {
        optional_amount(&mut errs, "fee_fixed", &m.fee_fixed, cur)
    };
    if max > 0 && min > max {
        errs.add("max", "err.max_below_min");
    }
    // Up to 50%: a bigger fee is a typo, not a price.
    if !(0..=5_000).contains(&m.fee_bps) {
        errs.add("fee_bps", "err.fee_bps_range");
    }
    let known_groups = client_group::Entity::find()
        .filter(client_group::Column::Id.is_in(m.group_ids.clone()))
        .count(db)
        .await?;
    if known_groups as usize != m.group_ids.len() {
        errs.add("group_ids", "err.group_unknown");
    }
    errs.into_result()?;
    let am = payment_method::ActiveModel {
        direction: Set(m.direction.clone()),
        kind: Set(m.kind.clone()),
        name: Set(name.into()),
        currency: Set(cur.code.into()),
        min_minor: Set(min),
        max_minor: Set(max.min(MAX_MINOR)),
        fee_bps: Set(m.fee_bps),
        fee_fixed_minor: Set(fee_fixed),
        fee_cap_minor: Set(fee_cap),
        group_ids: Set(approval::format_ids(&m.group_ids)),
        instructions: Set(m.instructions.trim().chars().take(2000).collect()),
        enabled: Set(m.enabled),
        ..Default::default()
    };
    let txn = db.write().await?;
    let id = if m.id == 0 {
        let mut am = am;
        am.created_at = Set(Utc::now());
        am.insert(&txn).await?.id
    } else {
        payment_method::Entity::find_by_id(m.id)
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut am = am;
        am.id = Set(m.id);
        am.update(&txn).await?.id
    };
    audit::record(
        &txn,
        Some(actor),
        "firm.method",
        "payment_method",
        Some(id),
        serde_json::json!({"name": name, "direction": m.direction, "kind": m.kind, "currency": cur.code, "enabled": m.enabled}),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Enabled methods of a direction that a client's group sees.
pub async fn methods_for(
    db: &impl ConnectionTrait,
    direction: &str,
    group_id: Option<i64>,
) -> Result<Vec<payment_method::Model>, AppError> {
    Ok(payment_method::Entity::find()
        .filter(payment_method::Column::Direction.eq(direction))
        .filter(payment_method::Column::Enabled.eq(true))
        .order_by_asc(payment_method::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|m| {
            let groups = approval::parse_ids(&m.group_ids);
            groups.is_empty() || group_id.is_some_and(|g| groups.contains(&g))
        })
        .collect())
}
