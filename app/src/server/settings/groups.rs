//! Client groups: the default one, and which clients belong where.
use crate::error::AppError;
use crate::error::OrInternal;
use crate::model::GroupDto;
use crate::server::entity::{client_group, user};
use crate::server::infra::audit;
use crate::server::infra::db::{UniqueOr, Write};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

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
            visible_levels: g.visible_levels,
            report_months: g.report_months,
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

/// A client group as the form sends it.
pub struct GroupForm<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub is_default: bool,
    /// Empty: every level; else 1 to 64.
    pub visible_levels: &'a str,
    /// Empty: no limit; else 1 to 120.
    pub report_months: &'a str,
}

/// An optional whole number in `range` typed into a form; empty is None.
fn optional_count(
    text: &str,
    range: std::ops::RangeInclusive<i32>,
) -> Result<Option<i32>, &'static str> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<i32>() {
        Ok(n) if range.contains(&n) => Ok(Some(n)),
        _ => Err("err.group_limit_range"),
    }
}

pub async fn save_group(
    db: &DatabaseConnection,
    actor: i64,
    id: Option<i64>,
    form: GroupForm<'_>,
) -> Result<i64, AppError> {
    let GroupForm {
        name,
        description,
        is_default,
        ..
    } = form;
    let name = name.trim();
    let mut errs = crate::domain::validation::Errors::default();
    if name.is_empty() || name.chars().count() > 60 {
        errs.add("name", "err.name_length");
    }
    let visible = errs.check(
        "visible_levels",
        optional_count(form.visible_levels, 1..=64),
    );
    let months = errs.check("report_months", optional_count(form.report_months, 1..=120));
    let (visible_levels, report_months) = errs.values((visible, months))?;
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
            am.visible_levels = Set(visible_levels);
            am.report_months = Set(report_months);
            am.update(&txn).await.unique_or(taken)?
        }
        None => client_group::ActiveModel {
            name: Set(name.into()),
            description: Set(description.trim().chars().take(500).collect()),
            is_default: Set(is_default),
            visible_levels: Set(visible_levels),
            report_months: Set(report_months),
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
        serde_json::json!({"name": name, "default": is_default, "visible_levels": visible_levels, "report_months": report_months}),
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

/// What an IB in the group sees: how many downline levels in full (None: all) and how many
/// months back their reports reach (None: no limit). No group: no limits.
pub async fn ib_limits(
    db: &impl ConnectionTrait,
    group: Option<i64>,
) -> Result<(Option<i32>, Option<i32>), AppError> {
    let Some(id) = group else {
        return Ok((None, None));
    };
    Ok(client_group::Entity::find_by_id(id)
        .one(db)
        .await?
        .map_or((None, None), |g| (g.visible_levels, g.report_months)))
}
