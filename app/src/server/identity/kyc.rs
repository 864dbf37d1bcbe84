//! KYC: forms the firm configures, submissions with documents (each one a request in the
//! approval engine), the client's status, and the trader's request to become an IB.
use crate::domain::access::UserKind;
use crate::domain::approval::{KYC_ACTIONS, RequestKind, RequestStatus};
use crate::domain::kyc::KycStatus;
use crate::error::AppError;
use crate::error::OrInternal;
use crate::model::{KycFormDto, KycItem, KycOverview, ListQuery, RequestRow};
use crate::server::approvals::{self, Submission};
use crate::server::entity::{kyc_form, request, upload, user};
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use crate::server::{infra::audit, infra::uploads, settings};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use std::collections::BTreeMap;

fn dto(f: kyc_form::Model) -> KycFormDto {
    KycFormDto {
        id: f.id,
        name: f.name,
        description: f.description,
        fields: serde_json::from_str(&f.fields).unwrap_or_default(),
        documents: serde_json::from_str(&f.documents).unwrap_or_default(),
        active: f.active,
    }
}

pub async fn forms(
    db: &impl ConnectionTrait,
    active_only: bool,
) -> Result<Vec<KycFormDto>, AppError> {
    let mut q = kyc_form::Entity::find().order_by_asc(kyc_form::Column::Id);
    if active_only {
        q = q.filter(kyc_form::Column::Active.eq(true));
    }
    Ok(q.all(db).await?.into_iter().map(dto).collect())
}

/// Checks a form's item list: keys are short identifiers, unique; labels are present.
fn check_items(items: &[KycItem], field: &str) -> Result<Vec<KycItem>, AppError> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for it in items {
        let key = it.key.trim().to_lowercase();
        let label = it.label.trim();
        let key_ok = !key.is_empty()
            && key.len() <= 40
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !key_ok || label.is_empty() || label.chars().count() > 80 || !seen.insert(key.clone()) {
            return Err(AppError::field(field, "err.kyc_item_invalid"));
        }
        out.push(KycItem {
            key,
            label: label.into(),
            required: it.required,
        });
    }
    if out.len() > 30 {
        return Err(AppError::field(field, "err.kyc_item_invalid"));
    }
    Ok(out)
}

pub async fn save_form(
    db: &DatabaseConnection,
    actor: i64,
    f: KycFormDto,
) -> Result<i64, AppError> {
    let name = f.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(AppError::field("name", "err.name_length"));
    }
    let fields = check_items(&f.fields, "fields")?;
    let documents = check_items(&f.documents, "documents")?;
    if fields.is_empty() && documents.is_empty() {
        return Err(AppError::field("fields", "err.kyc_form_empty"));
    }
    let am = kyc_form::ActiveModel {
        name: Set(name.into()),
        description: Set(f.description.trim().chars().take(2000).collect()),
        fields: Set(serde_json::to_string(&fields).or_internal("encoding the KYC fields")?),
        documents: Set(serde_json::to_string(&documents).or_internal("encoding the KYC documents")?),
        active: Set(f.active),
        ..Default::default()
    };
    let txn = db.write().await?;
    let id = if f.id == 0 {
        let mut am = am;
        am.created_at = Set(Utc::now());
        am.insert(&txn).await?.id
    } else {
        kyc_form::Entity::find_by_id(f.id)
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut am = am;
        am.id = Set(f.id);
        am.update(&txn).await?.id
    };
    audit::record(
        &txn,
        Some(actor),
        "firm.kyc_form",
        "kyc_form",
        Some(id),
        serde_json::json!({"name": name, "active": f.active}),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

pub async fn overview(db: &DatabaseConnection, user_id: i64) -> Result<KycOverview, AppError> {
    let me = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let q = ListQuery {
        per_page: 20,
        sort: "id".into(),
        desc: true,
        q: RequestKind::Kyc.as_str().into(),
        ..Default::default()
    };
    let submissions = approvals::list_for_client(db, user_id, &q, true)
        .await?
        .rows;
    let reason = submissions
        .iter()
        .find(|r| r.status == RequestStatus::Rejected)
        .filter(|_| me.kyc_status == KycStatus::Rejected)
        .map(|r| r.reason.clone())
        .unwrap_or_default();
    let policy = settings::funds_settings(db)
        .await?
        .kyc_policy
        .into_iter()
        .filter(|a| KYC_ACTIONS.contains(&a.as_str()))
        .collect();
    Ok(KycOverview {
        status: me.kyc_status,
        reason,
        forms: forms(db, true).await?,
        submissions,
        policy,
    })
}

pub struct KycInput {
    pub idempotency_key: String,
    pub form_id: i64,
    pub fields: BTreeMap<String, String>,
    pub documents: BTreeMap<String, i64>,
}

/// Submits a KYC form. Refused while a submission is pending or once KYC is approved.
pub async fn submit(
    db: &DatabaseConnection,
    user_id: i64,
    input: KycInput,
    from: &Origin,
) -> Result<RequestRow, AppError> {
    let me = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let form = kyc_form::Entity::find_by_id(input.form_id)
        .one(db)
        .await?
        .filter(|f| f.active)
        .map(dto)
        .ok_or_else(|| AppError::field("form_id", "err.kyc_form_unknown"))?;
    // A replayed submit returns the first request before the status checks refuse it.
    let replay_key = format!("{user_id}:{}", input.idempotency_key.trim());
    if let Some(first) = request::Entity::find()
        .filter(request::Column::IdempotencyKey.eq(replay_key))
        .one(db)
        .await?
    {
        return approvals::client_row(db, first).await;
    }
    if me.kyc_status.in_review() {
        return Err(AppError::field("form", "err.kyc_pending"));
    }
    if me.kyc_status == KycStatus::Approved {
        return Err(AppError::field("form", "err.kyc_approved"));
    }
    let mut errs = crate::domain::validation::Errors::default();
    let mut values = serde_json::Map::new();
    values.insert("Form".into(), form.name.clone().into());
    for f in &form.fields {
        let v = input.fields.get(&f.key).map(|v| v.trim()).unwrap_or("");
        let name = format!("fields.{}", f.key);
        if v.is_empty() && f.required {
            errs.add(&name, "err.required");
        } else if v.chars().count() > 200 {
            errs.add(&name, "err.too_long");
        } else if !v.is_empty() {
            values.insert(f.label.clone(), v.into());
        }
    }
    let mut attach = Vec::new();
    for d in &form.documents {
        let name = format!("documents.{}", d.key);
        match input.documents.get(&d.key) {
            Some(id) => {
                let ok = upload::Entity::find_by_id(*id)
                    .one(db)
                    .await?
                    .is_some_and(|u| u.user_id == user_id && u.request_id.is_none());
                if ok {
                    attach.push(*id);
                } else {
                    errs.add(&name, "err.upload_unknown");
                }
            }
            None if d.required => errs.add(&name, "err.document_required"),
            None => {}
        }
    }
    if input
        .fields
        .keys()
        .any(|k| !form.fields.iter().any(|f| &f.key == k))
        || input
            .documents
            .keys()
            .any(|k| !form.documents.iter().any(|d| &d.key == k))
    {
        errs.add("form", "err.kyc_unexpected_item");
    }
    errs.into_result()?;
    let resubmission = me.kyc_status == KycStatus::Rejected;
    let txn = db.write().await?;
    let done = approvals::submit(
        &txn,
        Submission {
            idempotency_key: input.idempotency_key,
            kind: Some(RequestKind::Kyc),
            user_id,
            created_by: user_id,
            payload: serde_json::Value::Object(values),
            // The status check above, made again where it cannot be raced: one at a time.
            max_pending: Some(1),
            ..Default::default()
        },
        from,
    )
    .await?;
    if done.created {
        for id in attach {
            uploads::attach(&txn, user_id, id, done.request.id).await?;
        }
        // Unless it approved itself, the client now waits for review.
        if done.request.status == RequestStatus::Pending {
            let status = if resubmission {
                KycStatus::Resubmitted
            } else {
                KycStatus::Pending
            };
            user::Entity::update_many()
                .col_expr(user::Column::KycStatus, Expr::value(status))
                .filter(user::Column::Id.eq(user_id))
                .exec(&txn)
                .await?;
        }
    }
    txn.commit().await?;
    approvals::client_row(db, approvals::own(db, user_id, done.request.id).await?).await
}

/// A trader asks to become an IB; one pending request at a time.
pub async fn request_ib_upgrade(
    db: &DatabaseConnection,
    user_id: i64,
    reason: &str,
    from: &Origin,
) -> Result<RequestRow, AppError> {
    let me = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthorized)?;
    if me.kind != UserKind::Trader {
        return Err(AppError::field("form", "err.already_ib"));
    }
    let reason = reason.trim();
    if reason.chars().count() > 500 {
        return Err(AppError::field("reason", "err.too_long"));
    }
    let txn = db.write().await?;
    let done = approvals::submit(
        &txn,
        Submission {
            idempotency_key: format!("ib-upgrade-{}", Utc::now().timestamp_millis()),
            kind: Some(RequestKind::IbUpgrade),
            user_id,
            created_by: user_id,
            payload: serde_json::json!({"Why": reason}),
            // One pending upgrade at a time, counted where simultaneous requests cannot race.
            max_pending: Some(1),
            ..Default::default()
        },
        from,
    )
    .await?;
    txn.commit().await?;
    approvals::client_row(db, done.request).await
}
