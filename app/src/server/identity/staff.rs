//! Back-office users and their roles.
use crate::domain::access::{DataScope, UserKind};
use crate::domain::permission::{Permission, PermissionSet};
use crate::domain::validation::{self as v, Errors};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::model::{ListQuery, Page, RoleDto, StaffChoice, StaffRow};
use crate::server::entity::{role, user};
use crate::server::identity::auth;
use crate::server::infra::db::{UniqueOr, Write};
use crate::server::infra::origin::Origin;
use crate::server::{
    RuntimeConfig, identity::accounts, identity::session, infra::audit, infra::crypto, infra::list,
    infra::password,
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

#[derive(Clone, Debug)]
pub struct StaffInput {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role_id: i64,
    /// Whom they report to (their team's head); 0 or absent: nobody.
    pub supervisor_id: Option<i64>,
}

/// Serialises changes of supervisor on PostgreSQL, so that two at once cannot close a loop
/// that neither saw (SQLite's write transaction already serialises them).
const SUPERVISOR_LOCK: i64 = 0x5355_5045_5256;

/// Checks, inside the write transaction, that `supervisor` may supervise `staff` (`None`: a
/// new member): an active or disabled staff member other than themselves, and no loop.
async fn check_supervisor(
    txn: &impl ConnectionTrait,
    staff: Option<i64>,
    supervisor: Option<i64>,
) -> Result<(), AppError> {
    let Some(sup) = supervisor else {
        return Ok(());
    };
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({SUPERVISOR_LOCK})"))
            .await?;
    }
    if staff_by_id(txn, sup).await.is_err() {
        return Err(AppError::field("supervisor_id", "err.supervisor_not_staff"));
    }
    let Some(me) = staff else {
        return Ok(());
    };
    let links: HashMap<i64, Option<i64>> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::SupervisorId)
        .filter(user::Column::Kind.eq(UserKind::Staff.as_str()))
        .into_tuple::<(i64, Option<i64>)>()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    if crate::domain::crm::closes_loop(me, sup, |s| links.get(&s).copied().flatten()) {
        return Err(AppError::field("supervisor_id", "err.supervisor_loop"));
    }
    Ok(())
}

async fn role_names(db: &impl ConnectionTrait) -> Result<HashMap<i64, String>, AppError> {
    Ok(role::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect())
}

/// The active staff members whose role grants `p`: who is told of what their permission covers.
pub async fn holding(db: &impl ConnectionTrait, p: Permission) -> Result<Vec<i64>, AppError> {
    let roles: Vec<i64> = role::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter(|r| PermissionSet::parse(&r.permissions).contains(p))
        .map(|r| r.id)
        .collect();
    Ok(user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Kind.eq(UserKind::Staff.as_str()))
        .filter(user::Column::Status.eq("active"))
        .filter(user::Column::RoleId.is_in(roles))
        .into_tuple()
        .all(db)
        .await?)
}

pub async fn list(
    db: &impl ConnectionTrait,
    q: &ListQuery,
    paged: bool,
) -> Result<Page<StaffRow>, AppError> {
    use user::Column as C;
    let mut select = user::Entity::find().filter(C::Kind.eq(UserKind::Staff.as_str()));
    if let Some(c) = list::search(&q.q, &[C::Email, C::FirstName, C::LastName]) {
        select = select.filter(c);
    }
    match q.filter.as_str() {
        "active" | "disabled" => select = select.filter(C::Status.eq(q.filter.as_str())),
        f => {
            if let Some(rid) = f.strip_prefix("role:").and_then(|s| s.parse::<i64>().ok()) {
                select = select.filter(C::RoleId.eq(rid));
            }
        }
    }
    let col = match q.sort.as_str() {
        "email" => C::Email,
        "name" => C::LastName,
        "status" => C::Status,
        "last_login" => C::LastLoginAt,
        _ => C::Id,
    };
    select = if q.desc {
        select.order_by_desc(col)
    } else {
        select.order_by_asc(col)
    };
    let (rows, total) = list::fetch(db, select, q, paged).await?;
    let roles = role_names(db).await?;
    let supervisors: HashMap<i64, String> = user::Entity::find()
        .filter(C::Id.is_in(rows.iter().filter_map(|u| u.supervisor_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, format!("{} {}", u.first_name, u.last_name)))
        .collect();
    let rows = rows
        .into_iter()
        .map(|u| StaffRow {
            id: u.id,
            supervisor: u
                .supervisor_id
                .and_then(|s| supervisors.get(&s).cloned())
                .unwrap_or_default(),
            supervisor_id: u.supervisor_id,
            role_name: u
                .role_id
                .and_then(|r| roles.get(&r).cloned())
                .unwrap_or_default(),
            email: u.email,
            first_name: u.first_name,
            last_name: u.last_name,
            role_id: u.role_id,
            status: u.status,
            totp_enabled: u.totp_enabled,
            last_login_at: u.last_login_at,
            created_at: u.created_at,
        })
        .collect();
    Ok(list::page(rows, total, q, paged))
}

/// The active staff members, by name: who may supervise, own a client or take a task.
pub async fn choices(db: &impl ConnectionTrait) -> Result<Vec<StaffChoice>, AppError> {
    let mut out: Vec<StaffChoice> = user::Entity::find()
        .filter(user::Column::Kind.eq(UserKind::Staff.as_str()))
        .filter(user::Column::Status.eq("active"))
        .all(db)
        .await?
        .into_iter()
        .map(|u| StaffChoice {
            id: u.id,
            name: format!("{} {}", u.first_name, u.last_name),
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(out)
}

pub(crate) async fn staff_by_id(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<user::Model, AppError> {
    match user::Entity::find_by_id(id).one(db).await? {
        Some(u) if u.kind == UserKind::Staff => Ok(u),
        _ => Err(AppError::NotFound),
    }
}

fn validate(input: &StaffInput) -> (Errors, Option<String>, Option<String>, Option<String>) {
    let mut errs = Errors::default();
    let email = errs.check("email", v::email(&input.email));
    let first = errs.check("first_name", v::name(&input.first_name));
    let last = errs.check("last_name", v::name(&input.last_name));
    (errs, email, first, last)
}

async fn check_role(
    db: &impl ConnectionTrait,
    errs: &mut Errors,
    role_id: i64,
) -> Result<(), AppError> {
    if role::Entity::find_by_id(role_id).one(db).await?.is_none() {
        errs.add("role_id", "err.role_unknown");
    }
    Ok(())
}

/// Creates a staff user. With no initial password, the new user gets an emailed link to set one
/// (valid 72 hours); either way they enroll TOTP at their first sign-in.
pub async fn create(
    db: &DatabaseConnection,
    cfg: &RuntimeConfig,
    actor: i64,
    input: StaffInput,
    initial_password: &str,
    from: &Origin,
) -> Result<StaffRow, AppError> {
    let (mut errs, email, first, last) = validate(&input);
    let pw = if initial_password.is_empty() {
        None
    } else {
        errs.check("password", v::password(initial_password))
    };
    if let Some(e) = &email
        && auth::find_by_email(db, e).await?.is_some()
    {
        errs.add("email", "err.email_taken");
    }
    check_role(db, &mut errs, input.role_id).await?;
    let (email, first, last) = errs.values((email, first, last))?;
    // Without a chosen password the account gets an unguessable one until the link is used.
    let hash = password::hash(cfg.argon2, pw.unwrap_or_else(crypto::random_token)).await?;
    let txn = db.write().await?;
    check_supervisor(&txn, None, input.supervisor_id).await?;
    let u = accounts::insert(
        &txn,
        accounts::NewAccount {
            kind: UserKind::Staff,
            email,
            password_hash: hash,
            first_name: first,
            last_name: last,
            country: String::new(),
            phone: String::new(),
            role_id: Some(input.role_id),
            referrer_id: None,
            promo_link_id: None,
            locale: Locale::En,
            pending: false,
            created_at: Utc::now(),
        },
    )
    .await?;
    let u = if input.supervisor_id.is_some() {
        let mut am = u.into_active_model();
        am.supervisor_id = Set(input.supervisor_id);
        am.update(&txn).await?
    } else {
        u
    };
    if initial_password.is_empty() {
        auth::send_reset_link(&txn, cfg, &u, "mail.invite").await?;
    }
    audit::record(
        &txn,
        Some(actor),
        "staff.create",
        "user",
        Some(u.id),
        serde_json::json!({"email": u.email, "role_id": input.role_id, "supervisor_id": u.supervisor_id}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    let roles = role_names(db).await?;
    Ok(StaffRow {
        id: u.id,
        supervisor_id: u.supervisor_id,
        supervisor: String::new(),
        role_name: roles.get(&input.role_id).cloned().unwrap_or_default(),
        email: u.email,
        first_name: u.first_name,
        last_name: u.last_name,
        role_id: u.role_id,
        status: u.status,
        totp_enabled: false,
        last_login_at: None,
        created_at: u.created_at,
    })
}

pub async fn update(
    db: &DatabaseConnection,
    actor: i64,
    id: i64,
    input: StaffInput,
    from: &Origin,
) -> Result<(), AppError> {
    let u = staff_by_id(db, id).await?;
    let (mut errs, email, first, last) = validate(&input);
    if let Some(e) = &email
        && let Some(other) = auth::find_by_email(db, e).await?
        && other.id != id
    {
        errs.add("email", "err.email_taken");
    }
    check_role(db, &mut errs, input.role_id).await?;
    if actor == id && u.role_id != Some(input.role_id) {
        // Nobody can lock themselves out (or promote themselves) by editing their own role.
        errs.add("role_id", "err.own_role");
    }
    let (email, first, last) = errs.values((email, first, last))?;
    let txn = db.write().await?;
    check_supervisor(&txn, Some(id), input.supervisor_id).await?;
    let before = serde_json::json!({"email": u.email, "role_id": u.role_id, "supervisor_id": u.supervisor_id});
    let mut am = u.into_active_model();
    am.email = Set(email);
    am.first_name = Set(first);
    am.last_name = Set(last);
    am.role_id = Set(Some(input.role_id));
    am.supervisor_id = Set(input.supervisor_id);
    am.updated_at = Set(Utc::now());
    // Another request may take the email between the check above and this write.
    am.update(&txn)
        .await
        .unique_or(|| AppError::field("email", "err.email_taken"))?;
    audit::record(
        &txn,
        Some(actor),
        "staff.update",
        "user",
        Some(id),
        serde_json::json!({"before": before, "role_id": input.role_id, "supervisor_id": input.supervisor_id}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Disables (ending every session at once) or re-enables a staff user.
pub async fn set_disabled(
    db: &DatabaseConnection,
    actor: i64,
    id: i64,
    disabled: bool,
    from: &Origin,
) -> Result<(), AppError> {
    if actor == id {
        return Err(AppError::field("id", "err.own_account"));
    }
    let u = staff_by_id(db, id).await?;
    let txn = db.write().await?;
    let mut am = u.into_active_model();
    am.status = Set(if disabled { "disabled" } else { "active" }.into());
    am.updated_at = Set(Utc::now());
    am.update(&txn).await?;
    if disabled {
        session::destroy_all_for(&txn, id, None).await?;
    }
    audit::record(
        &txn,
        Some(actor),
        if disabled {
            "staff.disable"
        } else {
            "staff.enable"
        },
        "user",
        Some(id),
        serde_json::json!({}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Resets a staff user's access: ends their sessions, clears their authenticator (they enroll
/// again) and emails them a link to choose a new password.
pub async fn reset_access(
    db: &DatabaseConnection,
    cfg: &RuntimeConfig,
    actor: i64,
    id: i64,
    from: &Origin,
) -> Result<(), AppError> {
    if actor == id {
        return Err(AppError::field("id", "err.own_account"));
    }
    let u = staff_by_id(db, id).await?;
    let txn = db.write().await?;
    let mut am = u.clone().into_active_model();
    am.password_hash = Set(password::hash(cfg.argon2, crypto::random_token()).await?);
    am.totp_enabled = Set(false);
    am.totp_secret = Set(None);
    am.updated_at = Set(Utc::now());
    let u = am.update(&txn).await?;
    session::destroy_all_for(&txn, id, None).await?;
    auth::send_reset_link(&txn, cfg, &u, "mail.reset").await?;
    audit::record(
        &txn,
        Some(actor),
        "staff.reset",
        "user",
        Some(id),
        serde_json::json!({}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn roles(db: &impl ConnectionTrait) -> Result<Vec<RoleDto>, AppError> {
    let mut out = Vec::new();
    // One query for every role's holder count, not one per role.
    let holders: Vec<Option<i64>> = user::Entity::find()
        .filter(user::Column::Kind.eq(UserKind::Staff.as_str()))
        .select_only()
        .column(user::Column::RoleId)
        .into_tuple()
        .all(db)
        .await?;
    for r in role::Entity::find()
        .order_by_asc(role::Column::Name)
        .all(db)
        .await?
    {
        let user_count = holders.iter().filter(|h| **h == Some(r.id)).count() as u64;
        out.push(RoleDto {
            id: r.id,
            name: r.name,
            description: r.description,
            permissions: PermissionSet::parse(&r.permissions)
                .iter()
                .map(|p| p.name().to_string())
                .collect(),
            is_system: r.is_system,
            data_scope: r.data_scope,
            user_count,
        });
    }
    Ok(out)
}

/// A role as staff edit it: its permission names and data scope (`firm` when empty) as typed.
pub struct RoleInput<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub permissions: &'a [String],
    pub data_scope: &'a str,
}

/// Creates (`id` = None) or updates a role. The seeded Administrator role is fixed: it always
/// has every permission, so the firm can never lose control of its own back office.
pub async fn save_role(
    db: &DatabaseConnection,
    actor: i64,
    id: Option<i64>,
    input: RoleInput<'_>,
    from: &Origin,
) -> Result<i64, AppError> {
    let RoleInput {
        name,
        description,
        permissions,
        data_scope,
    } = input;
    let mut errs = Errors::default();
    let name = errs.check("name", v::name(name));
    let data_scope = match data_scope {
        "" => Some(DataScope::Firm),
        s => DataScope::parse(s),
    };
    if data_scope.is_none() {
        errs.add("data_scope", "err.data_scope_unknown");
    }
    let mut set = Vec::new();
    for p in permissions {
        match Permission::from_name(p) {
            Some(p) => set.push(p),
            None => errs.add("permissions", "err.permission_unknown"),
        }
    }
    if set.is_empty() {
        errs.add("permissions", "err.permissions_empty");
    }
    if let Some(n) = &name
        && let Some(other) = role::Entity::find()
            .filter(role::Column::Name.eq(n.as_str()))
            .one(db)
            .await?
        && Some(other.id) != id
    {
        errs.add("name", "err.role_name_taken");
    }
    let existing = match id {
        Some(id) => Some(
            role::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    if existing.as_ref().is_some_and(|r| r.is_system) {
        return Err(AppError::field("name", "err.role_system"));
    }
    let (name, data_scope) = errs.values((name, data_scope))?;
    let stored = set.into_iter().collect::<PermissionSet>().to_stored();
    let description: String = description.trim().chars().take(500).collect();
    // Another request may take the name between the check above and this write (issue 10:
    // eight identical roles saved at once).
    let taken = || AppError::field("name", "err.role_name_taken");
    let txn = db.write().await?;
    let saved = match existing {
        Some(r) => {
            let mut am = r.into_active_model();
            am.name = Set(name);
            am.description = Set(description);
            am.permissions = Set(stored.clone());
            am.data_scope = Set(data_scope);
            am.update(&txn).await.unique_or(taken)?
        }
        None => role::ActiveModel {
            name: Set(name),
            description: Set(description),
            permissions: Set(stored.clone()),
            data_scope: Set(data_scope),
            is_system: Set(false),
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
        if id.is_some() {
            "role.update"
        } else {
            "role.create"
        },
        "role",
        Some(saved.id),
        serde_json::json!({"name": saved.name, "permissions": stored, "data_scope": data_scope}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(saved.id)
}

pub async fn delete_role(
    db: &DatabaseConnection,
    actor: i64,
    id: i64,
    from: &Origin,
) -> Result<(), AppError> {
    let r = role::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if r.is_system {
        return Err(AppError::field("id", "err.role_system"));
    }
    if user::Entity::find()
        .filter(user::Column::RoleId.eq(id))
        .count(db)
        .await?
        > 0
    {
        return Err(AppError::field("id", "err.role_in_use"));
    }
    let txn = db.write().await?;
    role::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        Some(actor),
        "role.delete",
        "role",
        Some(id),
        serde_json::json!({"name": r.name}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
