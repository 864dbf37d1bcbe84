//! The client's page and what staff change on it: details, suspension, a password reset.
use crate::domain::access::UserKind;
use crate::domain::crm::{mask_email, mask_phone};
use crate::domain::kyc::KycStatus;
use crate::domain::participant::ParticipantStatus;
use crate::domain::validation::{self as v, Errors};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::model::{ClientEdit, ClientRecord, SignInDto, TagDto};
use crate::server::RuntimeConfig;
use crate::server::entity::{client_group, client_tag, login_attempt, participant, user};
use crate::server::identity::scope::Scope;
use crate::server::identity::{auth, session};
use crate::server::infra::audit;
use crate::server::infra::db::{UniqueOr, Write};
use crate::server::infra::origin::Origin;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// How many sign-ins and audit records the page shows (the newest).
const RECENT: u64 = 50;

/// A client in the caller's scope, or "not found" (staff accounts are not clients).
pub async fn in_scope(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: i64,
) -> Result<user::Model, AppError> {
    match user::Entity::find_by_id(id).one(db).await? {
        Some(u) if u.kind.is_client() && scope.covers(&u) => Ok(u),
        _ => Err(AppError::NotFound),
    }
}

async fn name_of(db: &impl ConnectionTrait, id: Option<i64>) -> Result<String, AppError> {
    let Some(id) = id else {
        return Ok(String::new());
    };
    Ok(user::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|u| format!("{} {}", u.first_name, u.last_name))
        .unwrap_or_default())
}

/// The tags the system gives a client from their data, then their custom tags.
pub async fn tags_of(db: &impl ConnectionTrait, u: &user::Model) -> Result<Vec<TagDto>, AppError> {
    let mut out = Vec::new();
    let mut system = |name: &str| {
        out.push(TagDto {
            name: name.into(),
            system: true,
        })
    };
    if u.kind == UserKind::Ib {
        system("ib");
    }
    match u.kyc_status {
        KycStatus::Approved => system("kyc-approved"),
        KycStatus::Pending | KycStatus::Resubmitted => system("kyc-pending"),
        _ => {}
    }
    if u.status == "disabled" {
        system("suspended");
    }
    if u.owner_id.is_none() {
        system("unowned");
    }
    let trading = participant::Entity::find()
        .filter(participant::Column::UserId.eq(u.id))
        .filter(participant::Column::Status.eq(ParticipantStatus::InProgress))
        .count(db)
        .await?;
    if trading > 0 {
        system("in-challenge");
    }
    out.extend(
        client_tag::Entity::find()
            .filter(client_tag::Column::ClientId.eq(u.id))
            .order_by_asc(client_tag::Column::Tag)
            .all(db)
            .await?
            .into_iter()
            .map(|t| TagDto {
                name: t.tag,
                system: false,
            }),
    );
    Ok(out)
}

/// The client's page: details, owner, group, referrer, tags, notes, sign-ins and the audit
/// records about them. Contact details are masked when `masked`.
pub async fn page(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: i64,
    masked: bool,
) -> Result<ClientRecord, AppError> {
    let u = in_scope(db, scope, id).await?;
    let group = match u.group_id {
        Some(g) => client_group::Entity::find_by_id(g)
            .one(db)
            .await?
            .map(|g| g.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let sign_ins = login_attempt::Entity::find()
        .filter(login_attempt::Column::Email.eq(u.email.clone()))
        .order_by_desc(login_attempt::Column::Id)
        .limit(RECENT)
        .all(db)
        .await?
        .into_iter()
        .map(|a| SignInDto {
            at: a.at,
            ip: a.ip,
            device: a.user_agent,
            success: a.success,
        })
        .collect();
    let activity = audit::about(db, "user", id, RECENT).await?;
    Ok(ClientRecord {
        id: u.id,
        kind: u.kind,
        email: if masked {
            mask_email(&u.email)
        } else {
            u.email.clone()
        },
        phone: if masked {
            mask_phone(&u.phone)
        } else {
            u.phone.clone()
        },
        tags: tags_of(db, &u).await?,
        notes: super::notes::of(db, id).await?,
        owner: name_of(db, u.owner_id).await?,
        referrer: name_of(db, u.referrer_id).await?,
        first_name: u.first_name,
        last_name: u.last_name,
        country: u.country,
        locale: u.locale,
        status: u.status,
        kyc_status: u.kyc_status,
        group_id: u.group_id,
        group,
        owner_id: u.owner_id,
        referrer_id: u.referrer_id,
        referral_code: u.referral_code.unwrap_or_default(),
        created_at: u.created_at,
        last_login_at: u.last_login_at,
        sign_ins,
        activity,
        masked,
    })
}

/// Edits a client's details, with an audit record of each field that changed (before and
/// after). The email stays unique across every account.
pub async fn edit(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: i64,
    id: i64,
    input: ClientEdit,
    from: &Origin,
) -> Result<(), AppError> {
    let u = in_scope(db, scope, id).await?;
    let mut errs = Errors::default();
    let first = errs.check("first_name", v::name(&input.first_name));
    let last = errs.check("last_name", v::name(&input.last_name));
    let email = errs.check("email", v::email(&input.email));
    let country = errs.check("country", v::country(&input.country));
    let phone = errs.check("phone", v::phone(&input.phone));
    if Locale::parse(&input.locale).is_none() {
        errs.add("locale", "err.locale_unknown");
    }
    if let Some(e) = &email
        && let Some(other) = auth::find_by_email(db, e).await?
        && other.id != id
    {
        errs.add("email", "err.email_taken");
    }
    let (first, last, email, country, phone) = errs.values((first, last, email, country, phone))?;
    let after = [
        ("first_name", u.first_name.clone(), first),
        ("last_name", u.last_name.clone(), last),
        ("email", u.email.clone(), email),
        ("country", u.country.clone(), country),
        ("phone", u.phone.clone(), phone),
        ("locale", u.locale.clone(), input.locale.clone()),
    ];
    let changes: serde_json::Map<String, serde_json::Value> = after
        .iter()
        .filter(|(_, before, now)| before != now)
        .map(|(field, before, now)| {
            (
                field.to_string(),
                serde_json::json!({"before": before, "after": now}),
            )
        })
        .collect();
    if changes.is_empty() {
        return Ok(());
    }
    let [first, last, email, country, phone, locale] = after.map(|(_, _, now)| now);
    let txn = db.write().await?;
    let mut am = u.into_active_model();
    am.first_name = Set(first);
    am.last_name = Set(last);
    am.email = Set(email);
    am.country = Set(country);
    am.phone = Set(phone);
    am.locale = Set(locale);
    am.updated_at = Set(Utc::now());
    am.update(&txn)
        .await
        .unique_or(|| AppError::field("email", "err.email_taken"))?;
    audit::record(
        &txn,
        Some(actor),
        "client.update",
        "user",
        Some(id),
        serde_json::Value::Object(changes),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Suspends an active client (they cannot sign in, and every session of theirs ends at once)
/// or reactivates a suspended one. A reason is required to suspend.
pub async fn set_suspended(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: i64,
    id: i64,
    suspended: bool,
    reason: &str,
    from: &Origin,
) -> Result<(), AppError> {
    let u = in_scope(db, scope, id).await?;
    let reason = reason.trim();
    if suspended && reason.is_empty() {
        return Err(AppError::field("reason", "err.reason_required"));
    }
    let (from_status, to_status) = if suspended {
        ("active", "disabled")
    } else {
        ("disabled", "active")
    };
    let txn = db.write().await?;
    // The status is checked by the write itself: two staff suspending at once write once.
    let r = user::Entity::update_many()
        .col_expr(
            user::Column::Status,
            sea_orm::sea_query::Expr::value(to_status),
        )
        .col_expr(
            user::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(user::Column::Id.eq(u.id))
        .filter(user::Column::Status.eq(from_status))
        .exec(&txn)
        .await?;
    if r.rows_affected == 0 {
        return Err(AppError::field(
            "status",
            if suspended {
                "err.client_not_active"
            } else {
                "err.client_not_suspended"
            },
        ));
    }
    if suspended {
        session::destroy_all_for(&txn, id, None).await?;
    }
    audit::record(
        &txn,
        Some(actor),
        if suspended {
            "client.suspend"
        } else {
            "client.reactivate"
        },
        "user",
        Some(id),
        serde_json::json!({"reason": reason}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Emails the client a link to choose a new password (valid an hour).
pub async fn reset_password(
    db: &DatabaseConnection,
    cfg: &RuntimeConfig,
    scope: &Scope,
    actor: i64,
    id: i64,
    from: &Origin,
) -> Result<(), AppError> {
    let u = in_scope(db, scope, id).await?;
    if u.status != "active" {
        return Err(AppError::field("status", "err.client_not_active"));
    }
    let txn = db.write().await?;
    auth::send_reset_link(&txn, cfg, &u, "mail.reset").await?;
    audit::record(
        &txn,
        Some(actor),
        "client.reset_password",
        "user",
        Some(id),
        serde_json::json!({}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
