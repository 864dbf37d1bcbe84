//! Firm settings: how each request kind is approved, client groups, deposit and withdrawal
//! methods, exchange rates, and the money limits and KYC policy.
use crate::domain::approval::{self, KYC_ACTIONS, Level, Method, RequestKind};
use crate::domain::money::{self, Currency, MAX_MINOR};
use crate::domain::validation::Errors;
use crate::error::AppError;
use crate::error::OrInternal;
use crate::model::{ApprovalSettingDto, FundsSettings, GroupDto, LevelDto, MethodDto, RateDto};
use crate::server::entity::{
    approval_level, approval_setting, client_group, exchange_rate, payment_method, role, setting,
    user,
};
use crate::server::infra::audit;
use crate::server::infra::db::{UniqueOr, Write};
use chrono::Utc;
use rust_decimal::Decimal;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use std::str::FromStr;

// ---------------------------------------------------------------- approval settings

/// The method and levels that decide requests of a kind. Without a stored setting a kind has
/// its default method and one level open to anyone holding the approvals permission.
pub async fn approval_for(
    db: &impl ConnectionTrait,
    kind: RequestKind,
) -> Result<(Method, Vec<Level>), AppError> {
    let method = approval_setting::Entity::find_by_id(kind.as_str())
        .one(db)
        .await?
        .and_then(|s| Method::from_stored(&s.method, s.threshold_minor))
        .unwrap_or(kind.default_method());
    let levels = approval_level::Entity::find()
        .filter(approval_level::Column::Kind.eq(kind.as_str()))
        .order_by_asc(approval_level::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|l| Level {
            role_ids: approval::parse_ids(&l.role_ids),
            user_ids: approval::parse_ids(&l.user_ids),
        })
        .collect();
    Ok((method, levels))
}

pub async fn approval_settings(
    db: &impl ConnectionTrait,
) -> Result<Vec<ApprovalSettingDto>, AppError> {
    let mut out = Vec::new();
    for kind in RequestKind::ALL {
        let (method, levels) = approval_for(db, *kind).await?;
        let threshold = match method {
            // Thresholds are compared with amounts in each request's own currency; every
            // wallet currency has two decimals, so one display serves them all.
            Method::Partial { threshold_minor } => money::format(threshold_minor, USD_LIKE),
            _ => String::new(),
        };
        out.push(ApprovalSettingDto {
            kind: kind.as_str().into(),
            method: method.as_str().into(),
            threshold,
            levels: levels
                .into_iter()
                .map(|l| LevelDto {
                    role_ids: l.role_ids,
                    user_ids: l.user_ids,
                })
                .collect(),
        });
    }
    Ok(out)
}

/// Thresholds are entered in currency units with two decimals (every wallet currency has two).
const USD_LIKE: Currency = Currency {
    code: "USD",
    exponent: 2,
};

/// The most approval levels a kind may have.
const MAX_LEVELS: usize = 5;

pub async fn save_approval_setting(
    db: &DatabaseConnection,
    actor: i64,
    kind: &str,
    method: &str,
    threshold: &str,
    levels: Vec<LevelDto>,
) -> Result<(), AppError> {
    let kind =
        RequestKind::parse(kind).ok_or_else(|| AppError::field("kind", "err.kind_unknown"))?;
    let threshold_minor = if method == "partial" {
        money::parse_amount(threshold, USD_LIKE).map_err(|c| AppError::field("threshold", c))?
    } else {
        0
    };
    let m = Method::from_stored(method, threshold_minor)
        .ok_or_else(|| AppError::field("method", "err.method_unknown"))?;
    m.check(kind).map_err(|c| AppError::field("method", c))?;
    if levels.len() > MAX_LEVELS {
        return Err(AppError::field("levels", "err.too_many_levels"));
    }
    // Every named reviewer must exist: a level naming nobody real would strand requests.
    for l in &levels {
        if l.role_ids.is_empty() && l.user_ids.is_empty() {
            return Err(AppError::field("levels", "err.level_empty"));
        }
        let roles = role::Entity::find()
            .filter(role::Column::Id.is_in(l.role_ids.clone()))
            .count(db)
            .await?;
        let users = user::Entity::find()
            .filter(user::Column::Id.is_in(l.user_ids.clone()))
            .filter(user::Column::Kind.eq("staff"))
            .count(db)
            .await?;
        if roles as usize != l.role_ids.len() || users as usize != l.user_ids.len() {
            return Err(AppError::field("levels", "err.reviewer_unknown"));
        }
    }
    let txn = db.write().await?;
    approval_setting::Entity::insert(approval_setting::ActiveModel {
        kind: Set(kind.as_str().into()),
        method: Set(m.as_str().into()),
        threshold_minor: Set(threshold_minor),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(approval_setting::Column::Kind)
            .update_columns([
                approval_setting::Column::Method,
                approval_setting::Column::ThresholdMinor,
                approval_setting::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec(&txn)
    .await?;
    approval_level::Entity::delete_many()
        .filter(approval_level::Column::Kind.eq(kind.as_str()))
        .exec(&txn)
        .await?;
    for (i, l) in levels.iter().enumerate() {
        approval_level::ActiveModel {
            kind: Set(kind.as_str().into()),
            position: Set(i as i32 + 1),
            role_ids: Set(approval::format_ids(&l.role_ids)),
            user_ids: Set(approval::format_ids(&l.user_ids)),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        Some(actor),
        "firm.approval",
        "approval_setting",
        None,
        serde_json::json!({"kind": kind.as_str(), "method": m.as_str(), "threshold_minor": threshold_minor, "levels": levels.len()}),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------- client groups

pub async fn groups(db: &impl ConnectionTrait) -> Result<Vec<GroupDto>, AppError> {
    let mut out = Vec::new();
    for g in client_group::Entity::find()
        .order_by_asc(client_group::Column::Id)
        .all(db)
        .await?
    {
        let members = user::Entity::find()
            .filter(user::Column::GroupId.eq(g.id))
            .count(db)
            .await?;
        out.push(GroupDto {
            id: g.id,
            name: g.name,
            description: g.description,
            is_default: g.is_default,
            members,
        });
    }
    Ok(out)
}

/// The group new registrations land in (created on first use).
pub async fn default_group(db: &impl ConnectionTrait) -> Result<i64, AppError> {
    if let Some(g) = client_group::Entity::find()
        .filter(client_group::Column::IsDefault.eq(true))
        .one(db)
        .await?
    {
        return Ok(g.id);
    }
    client_group::Entity::insert(client_group::ActiveModel {
        name: Set("Standard".into()),
        description: Set("Every new client".into()),
        is_default: Set(true),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([client_group::Column::Name])
    .exec(db)
    .await?;
    client_group::Entity::find()
        .filter(client_group::Column::Name.eq("Standard"))
        .one(db)
        .await?
        .map(|g| g.id)
        .or_internal("the default client group is not there")
}

pub async fn save_group(
    db: &DatabaseConnection,
    actor: i64,
    id: Option<i64>,
    name: &str,
    description: &str,
    is_default: bool,
) -> Result<i64, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(AppError::field("name", "err.name_length"));
    }
    let txn = db.write().await?;
    let taken = client_group::Entity::find()
        .filter(client_group::Column::Name.eq(name))
        .one(&txn)
        .await?;
    if taken.is_some_and(|g| Some(g.id) != id) {
        return Err(AppError::field("name", "err.name_taken"));
    }
    // On PostgreSQL a concurrent save can still take the name before the write below.
    let taken = || AppError::field("name", "err.name_taken");
    if is_default {
        client_group::Entity::update_many()
            .col_expr(client_group::Column::IsDefault, false.into())
            .exec(&txn)
            .await?;
    }
    let saved = match id {
        Some(id) => {
            let g = client_group::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or(AppError::NotFound)?;
            if g.is_default && !is_default {
                // Exactly one group is the default: choose another one to move it.
                return Err(AppError::field("is_default", "err.default_group_needed"));
            }
            let mut am: client_group::ActiveModel = g.into();
            am.name = Set(name.into());
            am.description = Set(description.trim().chars().take(500).collect());
            am.is_default = Set(is_default);
            am.update(&txn).await.unique_or(taken)?
        }
        None => client_group::ActiveModel {
            name: Set(name.into()),
            description: Set(description.trim().chars().take(500).collect()),
            is_default: Set(is_default),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .unique_or(taken)?,
    };
    audit::record(
        &txn,
        Some(actor),
        "firm.group",
        "client_group",
        Some(saved.id),
        serde_json::json!({"name": name, "default": is_default}),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(saved.id)
}

/// Moves a client into a group: it decides which methods and rates they get.
pub async fn assign_group(
    db: &DatabaseConnection,
    actor: i64,
    user_id: i64,
    group_id: i64,
) -> Result<(), AppError> {
    client_group::Entity::find_by_id(group_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::field("group_id", "err.group_unknown"))?;
    let txn = db.write().await?;
    let r = user::Entity::update_many()
        .col_expr(
            user::Column::GroupId,
            sea_orm::sea_query::Expr::value(Some(group_id)),
        )
        .filter(user::Column::Id.eq(user_id))
        .filter(user::Column::Kind.ne("staff"))
        .exec(&txn)
        .await?;
    if r.rows_affected != 1 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &txn,
        Some(actor),
        "firm.assign_group",
        "user",
        Some(user_id),
        serde_json::json!({"group_id": group_id}),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------- methods

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
fn optional_amount(errs: &mut Errors, field: &str, text: &str, cur: Currency) -> i64 {
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

// ---------------------------------------------------------------- exchange rates

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
    errs.into_result()?;
    let (f, t, rate) = (f.unwrap(), t.unwrap(), rate.unwrap());
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

// ---------------------------------------------------------------- funds settings

const FUNDS_KEY: &str = "funds";
/// The most pending requests of one kind a client may have, unless the firm says otherwise.
const DEFAULT_MAX_PENDING: u32 = 3;

pub async fn funds_settings(db: &impl ConnectionTrait) -> Result<FundsSettings, AppError> {
    let stored = setting::Entity::find_by_id(FUNDS_KEY).one(db).await?;
    Ok(stored
        .and_then(|s| serde_json::from_str(&s.value).ok())
        .unwrap_or(FundsSettings {
            kyc_policy: vec!["withdrawal".into()],
            max_pending: DEFAULT_MAX_PENDING,
            third_party_transfers: false,
        }))
}

pub async fn save_funds_settings(
    db: &DatabaseConnection,
    actor: i64,
    mut s: FundsSettings,
) -> Result<(), AppError> {
    if s.kyc_policy
        .iter()
        .any(|a| !KYC_ACTIONS.contains(&a.as_str()))
    {
        return Err(AppError::field("kyc_policy", "err.kyc_action_unknown"));
    }
    if !(1..=100).contains(&s.max_pending) {
        return Err(AppError::field("max_pending", "err.max_pending_range"));
    }
    s.kyc_policy.sort();
    s.kyc_policy.dedup();
    save_audited(db, actor, FUNDS_KEY, "firm.funds", &s).await
}

/// Stores a firm setting as JSON under its key (replacing the value it had).
pub async fn store(
    db: &impl ConnectionTrait,
    key: &str,
    value: &impl serde::Serialize,
) -> Result<(), AppError> {
    setting::Entity::insert(setting::ActiveModel {
        key: Set(key.into()),
        value: Set(serde_json::to_string(value).or_internal("encoding a setting")?),
    })
    .on_conflict(
        OnConflict::column(setting::Column::Key)
            .update_column(setting::Column::Value)
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// `store` a setting a staff member changed, with the audit record of the change.
pub async fn save_audited(
    db: &DatabaseConnection,
    actor: i64,
    key: &str,
    action: &str,
    value: &impl serde::Serialize,
) -> Result<(), AppError> {
    let txn = db.write().await?;
    store(&txn, key, value).await?;
    audit::record(
        &txn,
        Some(actor),
        action,
        "setting",
        None,
        serde_json::to_value(value).unwrap_or_default(),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Refuses an action the firm keeps behind approved KYC when the client's KYC is not approved.
pub async fn require_kyc(
    db: &impl ConnectionTrait,
    client: &user::Model,
    action: &str,
) -> Result<(), AppError> {
    if client.kyc_status == "approved" {
        return Ok(());
    }
    if funds_settings(db)
        .await?
        .kyc_policy
        .iter()
        .any(|a| a == action)
    {
        return Err(AppError::KycRequired);
    }
    Ok(())
}
