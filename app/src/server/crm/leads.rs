//! Leads: prospects before they register, each with a source, a status and an owner. A lead
//! whose email registers becomes a client (a sign-up listener marks it converted, links the
//! client and hands them the lead's owner). Leads follow the owner scope, as clients do.
use crate::domain::access::UserKind;
use crate::domain::crm::{LeadStatus, TITLE_MAX};
use crate::domain::validation::{self as v, Errors};
use crate::error::AppError;
use crate::model::{LeadForm, LeadRow, ListQuery, Page};
use crate::server::entity::{lead, user};
use crate::server::identity::scope::Scope;
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use crate::server::infra::{audit, list};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use std::collections::HashMap;

pub async fn list(
    db: &impl ConnectionTrait,
    scope: &Scope,
    q: &ListQuery,
    paged: bool,
) -> Result<Page<LeadRow>, AppError> {
    use lead::Column as C;
    let mut select = lead::Entity::find();
    if let Some(c) = scope.owners(C::OwnerId) {
        select = select.filter(c);
    }
    if let Some(c) = list::search(&q.q, &[C::Name, C::Email, C::Phone, C::Source]) {
        select = select.filter(c);
    }
    if !q.filter.is_empty() {
        let status = LeadStatus::parse(&q.filter)
            .ok_or_else(|| AppError::field("filter", "err.status_unknown"))?;
        select = select.filter(C::Status.eq(status.as_str()));
    }
    let col = match q.sort.as_str() {
        "name" => C::Name,
        "status" => C::Status,
        "source" => C::Source,
        _ => C::Id,
    };
    select = if q.desc {
        select.order_by_desc(col)
    } else {
        select.order_by_asc(col)
    };
    let (rows, total) = list::fetch(db, select, q, paged).await?;
    let owners: HashMap<i64, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(rows.iter().filter_map(|l| l.owner_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, format!("{} {}", u.first_name, u.last_name)))
        .collect();
    let rows = rows
        .into_iter()
        .map(|l| LeadRow {
            id: l.id,
            owner: l
                .owner_id
                .and_then(|o| owners.get(&o).cloned())
                .unwrap_or_default(),
            status: LeadStatus::parse(&l.status).unwrap_or(LeadStatus::New),
            name: l.name,
            email: l.email,
            phone: l.phone,
            country: l.country,
            source: l.source,
            owner_id: l.owner_id,
            notes: l.notes,
            client_id: l.client_id,
            created_at: l.created_at,
        })
        .collect();
    Ok(list::page(rows, total, q, paged))
}

/// Creates (`id` 0) or edits a lead in the caller's scope. A name and an email or phone are
/// required; the owner is an active staff member or nobody; a converted lead is not edited.
pub async fn save(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: i64,
    f: LeadForm,
    from: &Origin,
) -> Result<i64, AppError> {
    let existing = match f.id {
        0 => None,
        id => {
            let l = lead::Entity::find_by_id(id)
                .one(db)
                .await?
                .filter(|l| scope.owns(l.owner_id))
                .ok_or(AppError::NotFound)?;
            if l.status == LeadStatus::Converted.as_str() {
                return Err(AppError::field("status", "err.lead_converted"));
            }
            Some(l)
        }
    };
    let mut errs = Errors::default();
    let name = errs.check("name", v::name(&f.name));
    let email = if f.email.trim().is_empty() {
        Some(String::new())
    } else {
        errs.check("email", v::email(&f.email))
    };
    let phone = if f.phone.trim().is_empty() {
        Some(String::new())
    } else {
        errs.check("phone", v::phone(&f.phone))
    };
    let country = if f.country.trim().is_empty() {
        Some(String::new())
    } else {
        errs.check("country", v::country(&f.country))
    };
    if f.email.trim().is_empty() && f.phone.trim().is_empty() {
        errs.add("email", "err.lead_contact");
    }
    let source = f.source.trim().to_string();
    if source.chars().count() > TITLE_MAX {
        errs.add("source", "err.too_long");
    }
    let status = match LeadStatus::parse(&f.status) {
        Some(LeadStatus::Converted) | None => {
            errs.add("status", "err.status_unknown");
            None
        }
        Some(s) => Some(s),
    };
    let notes = f.notes.trim().to_string();
    if notes.chars().count() > crate::domain::crm::NOTE_MAX {
        errs.add("notes", "err.note_too_long");
    }
    let owner = (f.owner_id != 0).then_some(f.owner_id);
    let (name, email, phone, country, status) =
        errs.values((name, email, phone, country, status))?;
    if let Some(o) = owner {
        let ok = user::Entity::find_by_id(o)
            .one(db)
            .await?
            .is_some_and(|u| u.kind == UserKind::Staff && u.status == "active");
        if !ok {
            return Err(AppError::field("owner_id", "err.owner_not_staff"));
        }
    }
    let now = Utc::now();
    let txn = db.write().await?;
    let saved = match existing {
        Some(l) => {
            let mut am = l.into_active_model();
            am.name = Set(name);
            am.email = Set(email);
            am.phone = Set(phone);
            am.country = Set(country);
            am.source = Set(source);
            am.status = Set(status.as_str().into());
            am.owner_id = Set(owner);
            am.notes = Set(notes);
            am.updated_at = Set(now);
            am.update(&txn).await?
        }
        None => {
            lead::ActiveModel {
                name: Set(name),
                email: Set(email),
                phone: Set(phone),
                country: Set(country),
                source: Set(source),
                status: Set(status.as_str().into()),
                owner_id: Set(owner),
                notes: Set(notes),
                client_id: Set(None),
                converted_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    audit::record(
        &txn,
        Some(actor),
        if f.id == 0 {
            "lead.create"
        } else {
            "lead.update"
        },
        "lead",
        Some(saved.id),
        serde_json::json!({"status": saved.status, "owner_id": saved.owner_id}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(saved.id)
}

/// A new client whose email a lead has: the leads are converted and linked to them. Returns
/// the newest lead's owner (who then owns the client). Runs in the registration's transaction.
pub(super) async fn convert(
    txn: &DatabaseTransaction,
    u: &user::Model,
) -> Result<Option<i64>, AppError> {
    let client = u.id;
    let found = lead::Entity::find()
        .filter(lead::Column::Email.eq(u.email.clone()))
        .filter(lead::Column::Status.ne(LeadStatus::Converted.as_str()))
        .order_by_desc(lead::Column::Id)
        .all(txn)
        .await?;
    let Some(newest) = found.first() else {
        return Ok(None);
    };
    let now = Utc::now();
    for l in &found {
        let mut am = l.clone().into_active_model();
        am.status = Set(LeadStatus::Converted.as_str().into());
        am.client_id = Set(Some(client));
        am.converted_at = Set(Some(now));
        am.updated_at = Set(now);
        am.update(txn).await?;
    }
    audit::record(
        txn,
        None,
        "lead.convert",
        "lead",
        Some(newest.id),
        serde_json::json!({"client_id": client}),
        "",
    )
    .await?;
    Ok(newest.owner_id)
}
