//! The client's own profile: what the firm lets them change (`ProfilePolicy`), applied at once
//! or, for reviewed fields, through a profile-change request that applies on approval.
use crate::domain::approval::RequestKind;
use crate::domain::crm::ProfilePolicy;
use crate::domain::validation as v;
use crate::error::AppError;
use crate::model::{ProfileEdit, ProfileOutcome};
use crate::register_request_handler;
use crate::server::approvals::{self, Submission, handlers::RequestHandler};
use crate::server::entity::{request, setting, user};
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use crate::server::infra::{audit, crypto};
use crate::server::settings;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, IntoActiveModel,
};
use std::collections::BTreeMap;

const POLICY_KEY: &str = "profile_policy";

pub async fn policy(db: &impl ConnectionTrait) -> Result<ProfilePolicy, AppError> {
    Ok(setting::Entity::find_by_id(POLICY_KEY)
        .one(db)
        .await?
        .and_then(|s| serde_json::from_str(&s.value).ok())
        .unwrap_or_default())
}

pub async fn save_policy(
    db: &DatabaseConnection,
    actor: i64,
    p: ProfilePolicy,
) -> Result<(), AppError> {
    p.check().map_err(|c| AppError::field("reviewed", c))?;
    settings::save_audited(db, actor, POLICY_KEY, "firm.profile_policy", &p).await
}

/// A field's new value, checked.
fn checked(field: &str, raw: &str) -> Result<String, AppError> {
    let r = match field {
        "first_name" | "last_name" => v::name(raw),
        "country" => v::country(raw),
        _ => v::phone(raw),
    };
    r.map_err(|c| AppError::field(field, c))
}

/// Applies `changes` to the user's row (in `txn`), a phone change unverifying the number.
async fn apply(
    txn: &impl ConnectionTrait,
    u: user::Model,
    changes: &BTreeMap<String, String>,
) -> Result<(), AppError> {
    let mut am = u.into_active_model();
    for (field, value) in changes {
        match field.as_str() {
            "first_name" => am.first_name = Set(value.clone()),
            "last_name" => am.last_name = Set(value.clone()),
            "country" => am.country = Set(value.clone()),
            "phone" => {
                am.phone = Set(value.clone());
                am.phone_verified_at = Set(None);
            }
            _ => return Err(AppError::field(field, "err.field_unknown")),
        }
    }
    am.updated_at = Set(Utc::now());
    am.update(txn).await?;
    Ok(())
}

/// The client changes their profile. Every field given is checked first: a locked field or a
/// bad value refuses the whole edit and changes nothing. Fields the firm reviews go into one
/// profile-change request; the rest apply at once.
pub async fn update(
    db: &DatabaseConnection,
    user_id: i64,
    edit: ProfileEdit,
    from: &Origin,
) -> Result<ProfileOutcome, AppError> {
    let u = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let p = policy(db).await?;
    let given = [
        ("first_name", edit.first_name, &u.first_name),
        ("last_name", edit.last_name, &u.last_name),
        ("country", edit.country, &u.country),
        ("phone", edit.phone, &u.phone),
    ];
    let (mut now, mut later) = (BTreeMap::new(), BTreeMap::new());
    for (field, raw, current) in given {
        if raw.trim().is_empty() {
            continue;
        }
        let value = checked(field, &raw)?;
        if &value == current {
            continue;
        }
        if !p.may_edit(field) {
            return Err(AppError::field(field, "err.field_locked"));
        }
        if p.is_reviewed(field) {
            later.insert(field.to_string(), value);
        } else {
            now.insert(field.to_string(), value);
        }
    }
    let mut out = ProfileOutcome {
        applied: now.keys().cloned().collect(),
        request_id: None,
    };
    if now.is_empty() && later.is_empty() {
        return Ok(out);
    }
    let txn = db.write().await?;
    if !now.is_empty() {
        apply(&txn, u.clone(), &now).await?;
        audit::own_account(&txn, user_id, "user.profile", &from.ip).await?;
    }
    if !later.is_empty() {
        let done = approvals::submit(
            &txn,
            Submission {
                idempotency_key: format!("profile-{}", crypto::random_token()),
                kind: Some(RequestKind::ProfileChange),
                user_id,
                created_by: user_id,
                payload: serde_json::to_value(&later).unwrap_or_default(),
                max_pending: Some(1),
                ..Default::default()
            },
            from,
        )
        .await?;
        out.request_id = Some(done.request.id);
    }
    txn.commit().await?;
    Ok(out)
}

struct ProfileRequests;
register_request_handler!(ProfileRequests);

#[async_trait::async_trait]
impl RequestHandler for ProfileRequests {
    fn kinds(&self) -> &'static [RequestKind] {
        &[RequestKind::ProfileChange]
    }

    async fn on_approved(
        &self,
        txn: &DatabaseTransaction,
        req: &request::Model,
        _actor: Option<i64>,
    ) -> Result<(), AppError> {
        let changes: BTreeMap<String, String> =
            serde_json::from_str(&req.payload).unwrap_or_default();
        let u = user::Entity::find_by_id(req.user_id)
            .one(txn)
            .await?
            .ok_or(AppError::NotFound)?;
        apply(txn, u, &changes).await
    }
}
