//! The approval engine: one for every request kind. A request is submitted (and may approve
//! itself, by the kind's method), climbs its levels one approval at a time, and is approved,
//! rejected or cancelled exactly once: every transition is a conditional update on the
//! request's status and level, in the same transaction as its effect (money moving, an
//! account becoming active), so two reviewers acting at once cannot both apply it.
pub mod handlers;

use crate::domain::approval::{self, Level, PaymentStatus, RequestKind, RequestStatus};
use crate::domain::live::Topic;
use crate::domain::money::Currency;
use crate::domain::permission::Permission;
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::entity::{request, request_review, user};
use crate::server::infra::live::{self, Audience};
use crate::server::infra::origin::Origin;
use crate::server::{infra::audit, infra::db, infra::mail_templates, infra::notify, settings};
use chrono::Utc;
use handlers::HoldWanted;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, QueryFilter, TryInsertResult,
};
use std::collections::BTreeMap;

mod decide;
pub use decide::*;
mod read;
pub use read::*;

/// What a new request carries. Money fields are already validated by the caller.
#[derive(Default)]
pub struct Submission {
    pub idempotency_key: String,
    pub kind: Option<RequestKind>,
    pub user_id: i64,
    pub created_by: i64,
    pub currency: Option<Currency>,
    pub amount_minor: Option<i64>,
    pub fee_minor: i64,
    pub method_id: Option<i64>,
    /// Online deposits: the payment provider reports whether the money arrived.
    pub online: bool,
    pub payment_status: Option<PaymentStatus>,
    pub counterparty_id: Option<i64>,
    pub target_currency: Option<Currency>,
    pub target_amount_minor: Option<i64>,
    pub destination_id: Option<i64>,
    pub reference: String,
    pub payload: serde_json::Value,
    /// Withdrawals and transfers reserve their amount in this wallet while pending.
    pub hold_wallet: Option<i64>,
    /// The wallet a transfer credits: locked with `hold_wallet` before the hold, in the
    /// ledger's order, since a transfer that approves itself changes both.
    pub credit_wallet: Option<i64>,
    /// At most this many pending requests of the kind per client: counted and inserted as one
    /// step (the client's row is locked), so simultaneous submissions cannot pass it together.
    pub max_pending: Option<u64>,
}

/// The outcome of `submit`: the request, and whether this call created it (false: the
/// idempotency key named an earlier request, which is returned unchanged).
pub struct Submitted {
    pub request: request::Model,
    pub created: bool,
}

/// Someone decided (or moved) the request first: this call changed nothing (409).
fn decided() -> AppError {
    AppError::Conflict("err.request_decided".into())
}

/// A replay carries what the first submission did; the same key with other content is a
/// clash, refused rather than answered with a different request.
fn replay(first: request::Model, s: &Submission, kind: RequestKind) -> Result<Submitted, AppError> {
    let same = first.kind == kind
        && first.currency.as_deref() == s.currency.map(|c| c.code)
        && first.amount_minor == s.amount_minor
        && first.method_id == s.method_id
        && first.counterparty_id == s.counterparty_id
        && first.target_currency.as_deref() == s.target_currency.map(|c| c.code)
        && first.destination_id == s.destination_id;
    if !same {
        return Err(AppError::Conflict("err.idempotency_mismatch".into()));
    }
    Ok(Submitted {
        request: first,
        created: false,
    })
}

/// Inserts a request and, if its kind's method says so, approves it at once. Runs in the
/// caller's transaction so a hold or an upload attaches to the same request atomically.
pub async fn submit(
    txn: &DatabaseTransaction,
    s: Submission,
    from: &Origin,
) -> Result<Submitted, AppError> {
    let kind = s.kind.or_internal("a submission without a kind")?;
    if s.idempotency_key.trim().is_empty() || s.idempotency_key.len() > 100 {
        return Err(AppError::field("request", "err.idempotency_key"));
    }
    let key = format!("{}:{}", s.user_id, s.idempotency_key.trim());
    if s.max_pending.is_some() {
        // The count below and the insert are one step: simultaneous submissions by the client
        // queue here, and each counts what the ones before it inserted.
        db::lock_user(txn, s.user_id).await?;
    }
    if let Some(first) = request::Entity::find()
        .filter(request::Column::IdempotencyKey.eq(&key))
        .one(txn)
        .await?
    {
        return replay(first, &s, kind);
    }
    if let Some(max) = s.max_pending
        && pending_count(txn, s.user_id, kind).await? >= max
    {
        return Err(AppError::field("form", "err.too_many_pending"));
    }
    let (method, levels) = settings::approval_for(txn, kind).await?;
    let now = Utc::now();
    let am = request::ActiveModel {
        idempotency_key: Set(key.clone()),
        kind: Set(kind),
        user_id: Set(s.user_id),
        created_by: Set(s.created_by),
        status: Set(RequestStatus::Pending),
        level: Set(1),
        levels: Set(levels.len().max(1) as i32),
        currency: Set(s.currency.map(|c| c.code.to_string())),
        amount_minor: Set(s.amount_minor),
        fee_minor: Set(s.fee_minor),
        method_id: Set(s.method_id),
        payment_status: Set(s.payment_status),
        counterparty_id: Set(s.counterparty_id),
        target_currency: Set(s.target_currency.map(|c| c.code.to_string())),
        target_amount_minor: Set(s.target_amount_minor),
        destination_id: Set(s.destination_id),
        hold_id: Set(None),
        entry_id: Set(None),
        reference: Set(s.reference.clone()),
        payload: Set(s.payload.to_string()),
        reason: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
        decided_at: Set(None),
        decided_by: Set(None),
        ..Default::default()
    };
    // A concurrent double submit waits on the unique key and then finds the first request.
    let id = match request::Entity::insert(am)
        .on_conflict_do_nothing_on([request::Column::IdempotencyKey])
        .exec(txn)
        .await?
    {
        TryInsertResult::Inserted(r) => r.last_insert_id,
        _ => {
            let first = request::Entity::find()
                .filter(request::Column::IdempotencyKey.eq(&key))
                .one(txn)
                .await?
                .or_internal("the request its key names is not there")?;
            return replay(first, &s, kind);
        }
    };
    let hold = match (s.hold_wallet, s.amount_minor) {
        (Some(wallet), Some(amount_minor)) => Some(HoldWanted {
            wallet,
            credit_wallet: s.credit_wallet,
            amount_minor,
        }),
        _ => None,
    };
    handlers::of(kind)?
        .on_submitted(txn, &find(txn, id).await?, hold)
        .await?;
    log(txn, (id, s.user_id), 1, Some(s.created_by), "submitted", "").await?;
    audit::record(
        txn,
        Some(s.created_by),
        &format!("request.{}", kind.as_str()),
        "request",
        Some(id),
        serde_json::json!({"user_id": s.user_id, "amount_minor": s.amount_minor, "currency": s.currency.map(|c| c.code)}),
        &from.ip,
    )
    .await?;
    let mut req = find(txn, id).await?;
    let amount = s.amount_minor.unwrap_or(0);
    // Online deposits approve themselves only once the provider reports the money arrived.
    let paid = !s.online || s.payment_status == Some(PaymentStatus::Success);
    if paid && method.approves_itself(kind, s.online, amount) {
        req = finalize(txn, &req, None, "auto_approved", "").await?;
    }
    Ok(Submitted {
        request: req,
        created: true,
    })
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<request::Model, AppError> {
    request::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Reads a request for a decision after locking its row. The lock comes first, so two
/// reviewers acting at once queue on it and the second sees the first one's outcome ("already
/// decided") rather than a stale copy; on SQLite it takes the write lock up front instead of
/// failing when a read transaction tries to write.
async fn locked(db: &impl ConnectionTrait, id: i64) -> Result<request::Model, AppError> {
    request::Entity::update_many()
        .col_expr(
            request::Column::UpdatedAt,
            Expr::col(request::Column::UpdatedAt),
        )
        .filter(request::Column::Id.eq(id))
        .exec(db)
        .await?;
    find(db, id).await
}

/// Records a step in a request's history, and tells staff's queues and the request's owner.
async fn log(
    db: &impl ConnectionTrait,
    (request_id, owner): (i64, i64),
    level: i32,
    actor: Option<i64>,
    action: &str,
    comment: &str,
) -> Result<(), AppError> {
    request_review::ActiveModel {
        request_id: Set(request_id),
        level: Set(level),
        actor_id: Set(actor),
        action: Set(action.into()),
        comment: Set(comment.chars().take(1000).collect()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    live::emit(
        db,
        Audience::user_and_staff(owner, Permission::RequestsView),
        Topic::Request,
        Some(request_id),
    )
    .await
}

/// Moves a pending request at the level the caller saw to its final status, with one
/// conditional update: of two reviewers acting at once, the second finds nothing to move and
/// gets `decided()` (409). `reason` is stored for a rejection or cancellation.
async fn decide_row(
    txn: &DatabaseTransaction,
    req: &request::Model,
    to: RequestStatus,
    reason: Option<&str>,
    actor: Option<i64>,
) -> Result<(), AppError> {
    let now = Utc::now();
    let mut update = request::Entity::update_many()
        .col_expr(request::Column::Status, Expr::value(to.as_str()))
        .col_expr(request::Column::DecidedAt, Expr::value(Some(now)))
        .col_expr(request::Column::DecidedBy, Expr::value(actor))
        .col_expr(request::Column::UpdatedAt, Expr::value(now));
    if let Some(reason) = reason {
        update = update.col_expr(request::Column::Reason, Expr::value(reason));
    }
    let r = update
        .filter(request::Column::Id.eq(req.id))
        .filter(request::Column::Status.eq(RequestStatus::Pending.as_str()))
        .filter(request::Column::Level.eq(req.level))
        .exec(txn)
        .await?;
    if r.rows_affected != 1 {
        return Err(decided());
    }
    Ok(())
}

/// Approves the request for good (the last level, or automatically) and applies its effect.
async fn finalize(
    txn: &DatabaseTransaction,
    req: &request::Model,
    actor: Option<i64>,
    action: &str,
    comment: &str,
) -> Result<request::Model, AppError> {
    decide_row(txn, req, RequestStatus::Approved, None, actor).await?;
    log(
        txn,
        (req.id, req.user_id),
        req.level,
        actor,
        action,
        comment,
    )
    .await?;
    handlers::of_request(req)?
        .on_approved(txn, req, actor)
        .await?;
    let kind = req.kind;
    // An automatic sign-up needs no "approved" notice on top of the welcome.
    let signup = matches!(
        kind,
        RequestKind::TraderRegistration | RequestKind::IbRegistration
    );
    if !(signup && actor.is_none()) {
        tell_client(txn, req, None).await?;
    }
    find(txn, req.id).await
}

/// Tells the client their request was decided: a notice in the portal and the email of the
/// request's kind (`approved.<kind>`, or `rejected.<kind>` with the `reason`).
pub(crate) async fn tell_client(
    db: &impl ConnectionTrait,
    req: &request::Model,
    rejected: Option<&str>,
) -> Result<(), AppError> {
    let mut data = BTreeMap::from([
        ("id".to_string(), req.id.to_string()),
        ("kind".to_string(), req.kind.label_key()),
    ]);
    let (notice, mail) = match rejected {
        Some(reason) => {
            data.insert("reason".into(), reason.to_string());
            ("notice.request_rejected", "rejected")
        }
        None => ("notice.request_approved", "approved"),
    };
    notify::push(db, req.user_id, notice, data.clone()).await?;
    let client = user::Entity::find_by_id(req.user_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let key = format!("{mail}.{}", req.kind.as_str());
    mail_templates::send(db, &client, &key, data).await
}

/// The staff member's role, for matching approval levels.
async fn role_of(db: &impl ConnectionTrait, staff_id: i64) -> Result<Option<i64>, AppError> {
    Ok(user::Entity::find_by_id(staff_id)
        .one(db)
        .await?
        .and_then(|u| u.role_id))
}

/// Refuses a staff member who is not among the reviewers of the request's current level.
async fn require_reviewer(
    db: &impl ConnectionTrait,
    req: &request::Model,
    staff: i64,
) -> Result<(), AppError> {
    let levels = levels_of(db, req.kind).await?;
    if approval::may_decide(&levels, req.level, staff, role_of(db, staff).await?) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn levels_of(db: &impl ConnectionTrait, kind: RequestKind) -> Result<Vec<Level>, AppError> {
    Ok(settings::approval_for(db, kind).await?.1)
}
