//! The approval engine: one for every request kind. A request is submitted (and may approve
//! itself, by the kind's method), climbs its levels one approval at a time, and is approved,
//! rejected or cancelled exactly once: every transition is a conditional update on the
//! request's status and level, in the same transaction as its effect (money moving, an
//! account becoming active), so two reviewers acting at once cannot both apply it.
pub mod handlers;

use crate::domain::approval::{self, Level, PaymentStatus, RequestKind, RequestStatus};
use crate::domain::money::{self, Currency};
use crate::error::AppError;
use crate::error::OrInternal;
use crate::model::{
    ClientSummary, ListQuery, Page, QueueCount, RequestDetail, RequestRow, ReviewDto,
};
use crate::server::entity::{payment_method, payout_destination, request, request_review, user};
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use crate::server::{
    infra::audit, infra::db, infra::list, infra::notify, infra::uploads, settings,
};
use chrono::Utc;
use handlers::HoldWanted;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, DatabaseTransaction, EntityTrait, ExprTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, TryInsertResult,
};
use std::collections::{BTreeMap, HashMap};

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
    let same = first.kind == kind.as_str()
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
        kind: Set(kind.as_str().into()),
        user_id: Set(s.user_id),
        created_by: Set(s.created_by),
        status: Set(RequestStatus::Pending.as_str().into()),
        level: Set(1),
        levels: Set(levels.len().max(1) as i32),
        currency: Set(s.currency.map(|c| c.code.to_string())),
        amount_minor: Set(s.amount_minor),
        fee_minor: Set(s.fee_minor),
        method_id: Set(s.method_id),
        payment_status: Set(s.payment_status.map(|p| p.as_str().to_string())),
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
    log(txn, id, 1, Some(s.created_by), "submitted", "").await?;
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

async fn log(
    db: &impl ConnectionTrait,
    request_id: i64,
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
    let now = Utc::now();
    let r = request::Entity::update_many()
        .col_expr(
            request::Column::Status,
            Expr::value(RequestStatus::Approved.as_str()),
        )
        .col_expr(request::Column::DecidedAt, Expr::value(Some(now)))
        .col_expr(request::Column::DecidedBy, Expr::value(actor))
        .col_expr(request::Column::UpdatedAt, Expr::value(now))
        .filter(request::Column::Id.eq(req.id))
        .filter(request::Column::Status.eq(RequestStatus::Pending.as_str()))
        .filter(request::Column::Level.eq(req.level))
        .exec(txn)
        .await?;
    if r.rows_affected != 1 {
        return Err(decided());
    }
    log(txn, req.id, req.level, actor, action, comment).await?;
    handlers::of_request(req)?
        .on_approved(txn, req, actor)
        .await?;
    let kind = RequestKind::parse(&req.kind).or_internal("a stored request of an unknown kind")?;
    // An automatic sign-up needs no "approved" notice on top of the welcome.
    let signup = matches!(
        kind,
        RequestKind::TraderRegistration | RequestKind::IbRegistration
    );
    if !(signup && actor.is_none()) {
        notify_client(txn, req, kind, "notice.request_approved").await?;
    }
    find(txn, req.id).await
}

async fn notify_client(
    db: &impl ConnectionTrait,
    req: &request::Model,
    kind: RequestKind,
    key: &str,
) -> Result<(), AppError> {
    let data = BTreeMap::from([
        ("id".to_string(), req.id.to_string()),
        ("kind".to_string(), kind.label_key()),
    ]);
    notify::push(db, req.user_id, key, data).await
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
    let levels = levels_of(db, &req.kind).await?;
    if approval::may_decide(&levels, req.level, staff, role_of(db, staff).await?) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn levels_of(db: &impl ConnectionTrait, kind: &str) -> Result<Vec<Level>, AppError> {
    let kind =
        RequestKind::parse(kind).or_internal("approval levels for an unknown request kind")?;
    Ok(settings::approval_for(db, kind).await?.1)
}

/// Approves at `level` (the level the reviewer saw). Below the last level the request moves
/// to the next one; at the last it is approved and applied.
pub async fn approve(
    db: &DatabaseConnection,
    actor: i64,
    id: i64,
    level: i32,
    comment: &str,
    from: &Origin,
) -> Result<(), AppError> {
    let txn = db.write().await?;
    let req = locked(&txn, id).await?;
    if req.status != RequestStatus::Pending.as_str() || req.level != level {
        return Err(decided());
    }
    require_reviewer(&txn, &req, actor).await?;
    if RequestKind::parse(&req.kind).is_some_and(RequestKind::paid_in_advance)
        && req
            .payment_status
            .as_deref()
            .is_some_and(|p| p != PaymentStatus::Success.as_str())
    {
        return Err(AppError::field("request", "err.payment_not_received"));
    }
    if req.level < req.levels {
        let r = request::Entity::update_many()
            .col_expr(
                request::Column::Level,
                Expr::col(request::Column::Level).add(1),
            )
            .col_expr(request::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(request::Column::Id.eq(id))
            .filter(request::Column::Status.eq(RequestStatus::Pending.as_str()))
            .filter(request::Column::Level.eq(level))
            .exec(&txn)
            .await?;
        if r.rows_affected != 1 {
            return Err(decided());
        }
        log(&txn, id, level, Some(actor), "approved", comment).await?;
    } else {
        finalize(&txn, &req, Some(actor), "approved", comment).await?;
    }
    audit::record(
        &txn,
        Some(actor),
        "request.approve",
        "request",
        Some(id),
        serde_json::json!({"kind": req.kind, "level": level, "of": req.levels}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Ends a pending request without applying it (rejected by staff or cancelled by the client)
/// and undoes what submitting it reserved.
async fn close(
    txn: &DatabaseTransaction,
    req: &request::Model,
    to: RequestStatus,
    actor: Option<i64>,
    reason: &str,
) -> Result<(), AppError> {
    let now = Utc::now();
    let r = request::Entity::update_many()
        .col_expr(request::Column::Status, Expr::value(to.as_str()))
        .col_expr(request::Column::Reason, Expr::value(reason))
        .col_expr(request::Column::DecidedAt, Expr::value(Some(now)))
        .col_expr(request::Column::DecidedBy, Expr::value(actor))
        .col_expr(request::Column::UpdatedAt, Expr::value(now))
        .filter(request::Column::Id.eq(req.id))
        .filter(request::Column::Status.eq(RequestStatus::Pending.as_str()))
        .filter(request::Column::Level.eq(req.level))
        .exec(txn)
        .await?;
    if r.rows_affected != 1 {
        return Err(decided());
    }
    let action = if to == RequestStatus::Cancelled {
        "cancelled"
    } else {
        "rejected"
    };
    log(txn, req.id, req.level, actor, action, reason).await?;
    handlers::of_request(req)?.on_closed(txn, req, to).await
}

pub async fn reject(
    db: &DatabaseConnection,
    actor: i64,
    id: i64,
    reason: &str,
    from: &Origin,
) -> Result<(), AppError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field("reason", "err.reason_required"));
    }
    if reason.chars().count() > 1000 {
        return Err(AppError::field("reason", "err.too_long"));
    }
    let txn = db.write().await?;
    let req = locked(&txn, id).await?;
    if req.status != RequestStatus::Pending.as_str() {
        return Err(decided());
    }
    require_reviewer(&txn, &req, actor).await?;
    close(&txn, &req, RequestStatus::Rejected, Some(actor), reason).await?;
    let kind = RequestKind::parse(&req.kind).or_internal("a stored request of an unknown kind")?;
    let data = BTreeMap::from([
        ("id".to_string(), req.id.to_string()),
        ("kind".to_string(), kind.label_key()),
        ("reason".to_string(), reason.to_string()),
    ]);
    notify::push(&txn, req.user_id, "notice.request_rejected", data).await?;
    audit::record(
        &txn,
        Some(actor),
        "request.reject",
        "request",
        Some(id),
        serde_json::json!({"kind": req.kind, "reason": reason}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The client withdraws their own pending request, where its kind allows it. A paid online
/// deposit cannot be cancelled: the money has arrived and a person must deal with it.
pub async fn cancel(
    db: &DatabaseConnection,
    client: i64,
    id: i64,
    from: &Origin,
) -> Result<(), AppError> {
    let txn = db.write().await?;
    let req = locked(&txn, id).await?;
    if req.user_id != client {
        return Err(AppError::NotFound);
    }
    let kind = RequestKind::parse(&req.kind).or_internal("a stored request of an unknown kind")?;
    if !cancellable(&req, kind) {
        return Err(AppError::field("request", "err.not_cancellable"));
    }
    close(&txn, &req, RequestStatus::Cancelled, Some(client), "").await?;
    audit::record(
        &txn,
        Some(client),
        "request.cancel",
        "request",
        Some(id),
        serde_json::json!({"kind": req.kind}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

fn cancellable(req: &request::Model, kind: RequestKind) -> bool {
    req.status == RequestStatus::Pending.as_str()
        && kind.client_cancellable()
        && req.payment_status.as_deref() != Some(PaymentStatus::Success.as_str())
}

/// Staff correct the amount of a pending deposit (what actually arrived) or withdrawal. The
/// fee is recomputed by the method; a withdrawal's hold follows the new amount.
pub async fn edit_amount(
    db: &DatabaseConnection,
    actor: i64,
    id: i64,
    amount: &str,
    comment: &str,
    from: &Origin,
) -> Result<(), AppError> {
    let txn = db.write().await?;
    let req = locked(&txn, id).await?;
    if req.status != RequestStatus::Pending.as_str() {
        return Err(decided());
    }
    let kind = RequestKind::parse(&req.kind).or_internal("a stored request of an unknown kind")?;
    if !matches!(kind, RequestKind::Deposit | RequestKind::Withdrawal) {
        return Err(AppError::field("amount", "err.amount_not_editable"));
    }
    require_reviewer(&txn, &req, actor).await?;
    let cur = req
        .currency
        .as_deref()
        .and_then(money::currency)
        .or_internal("a stored request's currency is unknown")?;
    let new = money::parse_amount(amount, cur).map_err(|c| AppError::field("amount", c))?;
    let old = req.amount_minor.unwrap_or(0);
    if new == old {
        return Err(AppError::field("amount", "err.amount_unchanged"));
    }
    let method = match req.method_id {
        Some(m) => payment_method::Entity::find_by_id(m).one(&txn).await?,
        None => None,
    };
    let fee = method
        .as_ref()
        .map(|m| money::fee_minor(new, m.fee_bps, m.fee_fixed_minor, m.fee_cap_minor))
        .unwrap_or(0);
    if fee >= new {
        return Err(AppError::field("amount", "err.amount_below_fee"));
    }
    handlers::of(kind)?
        .on_amount_changed(&txn, &req, new)
        .await?;
    let r = request::Entity::update_many()
        .col_expr(request::Column::AmountMinor, Expr::value(Some(new)))
        .col_expr(request::Column::FeeMinor, Expr::value(fee))
        .col_expr(request::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(request::Column::Id.eq(id))
        .filter(request::Column::Status.eq(RequestStatus::Pending.as_str()))
        .filter(request::Column::AmountMinor.eq(old))
        .exec(&txn)
        .await?;
    if r.rows_affected != 1 {
        return Err(decided());
    }
    let note = format!(
        "{} → {} {}. {}",
        money::format(old, cur),
        money::format(new, cur),
        cur.code,
        comment.trim()
    );
    log(&txn, id, req.level, Some(actor), "edited", note.trim()).await?;
    audit::record(
        &txn,
        Some(actor),
        "request.edit_amount",
        "request",
        Some(id),
        serde_json::json!({"from": old, "to": new, "comment": comment.trim()}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Sets the payment status of a pending deposit or withdrawal: the test provider's answer
/// (actor None) or a staff correction. A deposit whose kind approves itself is approved as
/// soon as its payment succeeds.
pub async fn set_payment_status(
    db: &DatabaseConnection,
    actor: Option<i64>,
    id: i64,
    status: &str,
    comment: &str,
    from: &Origin,
) -> Result<(), AppError> {
    let status = PaymentStatus::parse(status)
        .ok_or_else(|| AppError::field("status", "err.payment_status_unknown"))?;
    let txn = db.write().await?;
    let req = locked(&txn, id).await?;
    if req.status != RequestStatus::Pending.as_str() {
        return Err(decided());
    }
    let Some(current) = req.payment_status.as_deref() else {
        return Err(AppError::field("status", "err.no_payment_status"));
    };
    if let Some(staff) = actor {
        require_reviewer(&txn, &req, staff).await?;
    }
    if current == status.as_str() {
        return Err(AppError::field("status", "err.payment_status_unchanged"));
    }
    let r = request::Entity::update_many()
        .col_expr(
            request::Column::PaymentStatus,
            Expr::value(Some(status.as_str())),
        )
        .col_expr(request::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(request::Column::Id.eq(id))
        .filter(request::Column::Status.eq(RequestStatus::Pending.as_str()))
        .filter(request::Column::PaymentStatus.eq(current))
        .exec(&txn)
        .await?;
    if r.rows_affected != 1 {
        return Err(decided());
    }
    let note = format!("{current} → {}. {}", status.as_str(), comment.trim());
    log(&txn, id, req.level, actor, "payment_status", note.trim()).await?;
    audit::record(
        &txn,
        actor,
        "request.payment_status",
        "request",
        Some(id),
        serde_json::json!({"from": current, "to": status.as_str()}),
        &from.ip,
    )
    .await?;
    let kind = RequestKind::parse(&req.kind).or_internal("a stored request of an unknown kind")?;
    if kind.paid_in_advance() && status == PaymentStatus::Success {
        let (method, _) = settings::approval_for(&txn, kind).await?;
        let req = find(&txn, id).await?;
        handlers::of(kind)?.on_paid(&txn, &req).await?;
        if req.level == 1 && method.approves_itself(kind, true, req.amount_minor.unwrap_or(0)) {
            finalize(&txn, &req, None, "auto_approved", "").await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------- reading

/// Rows for lists, with client names and method names looked up in two queries.
async fn rows(
    db: &impl ConnectionTrait,
    reqs: Vec<request::Model>,
    actionable: impl Fn(&request::Model) -> bool,
) -> Result<Vec<RequestRow>, AppError> {
    let user_ids: Vec<i64> = reqs.iter().map(|r| r.user_id).collect();
    let users: HashMap<i64, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let method_ids: Vec<i64> = reqs.iter().filter_map(|r| r.method_id).collect();
    let methods: HashMap<i64, String> = payment_method::Entity::find()
        .filter(payment_method::Column::Id.is_in(method_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    Ok(reqs
        .into_iter()
        .map(|r| {
            let cur = r.currency.as_deref().and_then(money::currency);
            let u = users.get(&r.user_id);
            RequestRow {
                id: r.id,
                kind: r.kind.clone(),
                user_id: r.user_id,
                client: u
                    .map(|u| format!("{} {}", u.first_name, u.last_name))
                    .unwrap_or_default(),
                email: u.map(|u| u.email.clone()).unwrap_or_default(),
                status: r.status.clone(),
                level: r.level,
                levels: r.levels,
                amount: r.amount_minor.zip(cur).map(|(a, c)| money::format(a, c)),
                currency: r.currency.clone(),
                fee: cur.map(|c| money::format(r.fee_minor, c)),
                payment_status: r.payment_status.clone(),
                method: r.method_id.and_then(|m| methods.get(&m).cloned()),
                reason: r.reason.clone(),
                created_at: r.created_at,
                decided_at: r.decided_at,
                actionable: actionable(&r),
            }
        })
        .collect())
}

fn sorted(
    select: sea_orm::Select<request::Entity>,
    q: &ListQuery,
) -> sea_orm::Select<request::Entity> {
    use request::Column as C;
    let col = match q.sort.as_str() {
        "created" => C::CreatedAt,
        "amount" => C::AmountMinor,
        "status" => C::Status,
        "kind" => C::Kind,
        _ => C::Id,
    };
    if q.desc {
        select.order_by_desc(col)
    } else {
        select.order_by_asc(col)
    }
}

fn status_filter(
    select: sea_orm::Select<request::Entity>,
    q: &ListQuery,
) -> sea_orm::Select<request::Entity> {
    match RequestStatus::parse(&q.filter) {
        Some(s) => select.filter(request::Column::Status.eq(s.as_str())),
        None => select,
    }
}

pub async fn list_for_client(
    db: &impl ConnectionTrait,
    client: i64,
    q: &ListQuery,
    paged: bool,
) -> Result<Page<RequestRow>, AppError> {
    let mut select = request::Entity::find().filter(request::Column::UserId.eq(client));
    select = status_filter(select, q);
    if let Some(k) = RequestKind::parse(&q.q) {
        select = select.filter(request::Column::Kind.eq(k.as_str()));
    } else if let Ok(id) = q.q.trim().parse::<i64>() {
        select = select.filter(request::Column::Id.eq(id));
    }
    let (reqs, total) = list::fetch(db, sorted(select, q), q, paged).await?;
    let rows = rows(db, reqs, |r| {
        RequestKind::parse(&r.kind).is_some_and(|k| cancellable(r, k))
    })
    .await?;
    Ok(list::page(rows, total, q, paged))
}

/// Pending requests of `kinds` at a level `staff` may decide: the condition for "My to-do".
async fn decidable(
    db: &impl ConnectionTrait,
    staff: i64,
    kinds: &[RequestKind],
) -> Result<Condition, AppError> {
    let role = role_of(db, staff).await?;
    let mut any = Condition::any();
    for kind in kinds {
        let levels = settings::approval_for(db, *kind).await?.1;
        // Levels this member may decide; beyond the configured ones anyone may (see may_decide).
        let mine: Vec<i32> = (1..=levels.len() as i32)
            .filter(|l| approval::may_decide(&levels, *l, staff, role))
            .collect();
        any = any.add(
            Condition::all()
                .add(request::Column::Kind.eq(kind.as_str()))
                .add(
                    Condition::any()
                        .add(request::Column::Level.is_in(mine))
                        .add(request::Column::Level.gt(levels.len() as i32)),
                ),
        );
    }
    Ok(Condition::all()
        .add(request::Column::Status.eq(RequestStatus::Pending.as_str()))
        .add(any))
}

pub async fn counts(db: &impl ConnectionTrait, staff: i64) -> Result<Vec<QueueCount>, AppError> {
    let mut out = Vec::new();
    for kind in RequestKind::ALL {
        let pending = request::Entity::find()
            .filter(request::Column::Kind.eq(kind.as_str()))
            .filter(request::Column::Status.eq(RequestStatus::Pending.as_str()))
            .count(db)
            .await?;
        let mine = request::Entity::find()
            .filter(decidable(db, staff, &[*kind]).await?)
            .count(db)
            .await?;
        out.push(QueueCount {
            kind: kind.as_str().into(),
            pending,
            mine,
        });
    }
    Ok(out)
}

pub async fn queue(
    db: &impl ConnectionTrait,
    staff: i64,
    kind: &str,
    mine: bool,
    q: &ListQuery,
    paged: bool,
) -> Result<Page<RequestRow>, AppError> {
    let kinds: Vec<RequestKind> = match kind {
        "" => RequestKind::ALL.to_vec(),
        k => {
            vec![RequestKind::parse(k).ok_or_else(|| AppError::field("kind", "err.kind_unknown"))?]
        }
    };
    let mut select = request::Entity::find()
        .filter(request::Column::Kind.is_in(kinds.iter().map(|k| k.as_str())));
    if mine {
        select = select.filter(decidable(db, staff, &kinds).await?);
    }
    select = status_filter(select, q);
    let text = q.q.trim();
    if !text.is_empty() {
        let mut any = Condition::any();
        if let Some(ids) = list::users_matching(db, text).await? {
            any = any.add(request::Column::UserId.is_in(ids));
        }
        if let Ok(id) = text.parse::<i64>() {
            any = any
                .add(request::Column::Id.eq(id))
                .add(request::Column::UserId.eq(id));
        }
        select = select.filter(any);
    }
    let (reqs, total) = list::fetch(db, sorted(select, q), q, paged).await?;
    let role = role_of(db, staff).await?;
    let mut level_cache: HashMap<String, Vec<Level>> = HashMap::new();
    for k in &kinds {
        level_cache.insert(k.as_str().into(), settings::approval_for(db, *k).await?.1);
    }
    let rows = rows(db, reqs, |r| {
        r.status == RequestStatus::Pending.as_str()
            && approval::may_decide(
                level_cache.get(&r.kind).map(Vec::as_slice).unwrap_or(&[]),
                r.level,
                staff,
                role,
            )
    })
    .await?;
    Ok(list::page(rows, total, q, paged))
}

/// Who made request `id`: the review page shows their summary beside it.
pub async fn requester(db: &DatabaseConnection, id: i64) -> Result<i64, AppError> {
    Ok(find(db, id).await?.user_id)
}

/// The review page's request; `client` is the requester's summary, which the money area keeps.
pub async fn detail(
    db: &DatabaseConnection,
    staff: i64,
    id: i64,
    client: ClientSummary,
) -> Result<RequestDetail, AppError> {
    let req = find(db, id).await?;
    let kind = RequestKind::parse(&req.kind).or_internal("a stored request of an unknown kind")?;
    let levels = levels_of(db, &req.kind).await?;
    let can_decide = req.status == RequestStatus::Pending.as_str()
        && approval::may_decide(&levels, req.level, staff, role_of(db, staff).await?);
    let row = rows(db, vec![req.clone()], |_| can_decide)
        .await?
        .pop()
        .or_internal("the request's own row is not there")?;
    let reviews = request_review::Entity::find()
        .filter(request_review::Column::RequestId.eq(id))
        .order_by_asc(request_review::Column::Id)
        .all(db)
        .await?;
    let actor_ids: Vec<i64> = reviews.iter().filter_map(|r| r.actor_id).collect();
    let actors: HashMap<i64, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(actor_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    let reviews = reviews
        .into_iter()
        .map(|r| ReviewDto {
            at: r.created_at,
            actor: r.actor_id.and_then(|a| actors.get(&a).cloned()),
            level: r.level,
            action: r.action,
            comment: r.comment,
        })
        .collect();
    let history_reqs = request::Entity::find()
        .filter(request::Column::UserId.eq(req.user_id))
        .filter(request::Column::Id.ne(id))
        .order_by_desc(request::Column::Id)
        .limit(20)
        .all(db)
        .await?;
    let history = rows(db, history_reqs, |_| false).await?;
    let details = describe(db, &req).await?;
    let pending = req.status == RequestStatus::Pending.as_str();
    Ok(RequestDetail {
        details,
        reference: req.reference.clone(),
        reviews,
        uploads: uploads::for_request(db, id).await?,
        client,
        history,
        can_decide,
        can_edit_amount: can_decide
            && pending
            && matches!(kind, RequestKind::Deposit | RequestKind::Withdrawal),
        can_edit_payment: can_decide && pending && req.payment_status.is_some(),
        row,
    })
}

/// How many pending requests of a kind a client has: the firm caps it.
pub async fn pending_count(
    db: &impl ConnectionTrait,
    client: i64,
    kind: RequestKind,
) -> Result<u64, AppError> {
    Ok(request::Entity::find()
        .filter(request::Column::UserId.eq(client))
        .filter(request::Column::Kind.eq(kind.as_str()))
        .filter(request::Column::Status.eq(RequestStatus::Pending.as_str()))
        .count(db)
        .await?)
}

/// A request as its client sees it in lists.
pub async fn client_row(
    db: &impl ConnectionTrait,
    req: request::Model,
) -> Result<RequestRow, AppError> {
    rows(db, vec![req], |r| {
        RequestKind::parse(&r.kind).is_some_and(|k| cancellable(r, k))
    })
    .await?
    .pop()
    .or_internal("the request's own row is not there")
}

/// A client's request by id; another client's id is "not found".
pub async fn own(
    db: &impl ConnectionTrait,
    client: i64,
    id: i64,
) -> Result<request::Model, AppError> {
    let r = find(db, id).await?;
    if r.user_id != client {
        return Err(AppError::NotFound);
    }
    Ok(r)
}

/// Labelled details of a request for the review page (i18n keys as labels).
async fn describe(
    db: &DatabaseConnection,
    req: &request::Model,
) -> Result<Vec<(String, String)>, AppError> {
    let mut out = Vec::new();
    if let Some(m) = req.method_id
        && let Some(m) = payment_method::Entity::find_by_id(m).one(db).await?
    {
        out.push((
            "appr.detail_method".into(),
            format!("{} ({})", m.name, m.kind),
        ));
    }
    if let Some(d) = req.destination_id
        && let Some(d) = payout_destination::Entity::find_by_id(d).one(db).await?
    {
        out.push((
            "appr.detail_destination".into(),
            format!("{} · {}", d.label, d.details),
        ));
    }
    if let (Some(t), Some(a)) = (req.target_currency.as_deref(), req.target_amount_minor) {
        let cur =
            money::currency(t).or_internal("a stored request's target currency is unknown")?;
        out.push((
            "appr.detail_credited".into(),
            format!("{} {}", money::format(a, cur), cur.code),
        ));
    }
    if let Some(c) = req.counterparty_id
        && let Some(u) = user::Entity::find_by_id(c).one(db).await?
    {
        out.push((
            "appr.detail_recipient".into(),
            format!("{} {} <{}> (#{})", u.first_name, u.last_name, u.email, u.id),
        ));
    }
    if let Some(own) = handlers::of_request(req)?.describe(db, req).await? {
        out.extend(own);
        return Ok(out);
    }
    if let Ok(serde_json::Value::Object(map)) =
        serde_json::from_str::<serde_json::Value>(&req.payload)
    {
        for (k, v) in map {
            let v = match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            out.push((k, v));
        }
    }
    Ok(out)
}
