//! A reviewer's decisions on a request: approve a level, reject, cancel, and the edits
//! staff may make while it waits (its amount, its payment status).
use super::*;
use crate::domain::approval::{PaymentStatus, RequestKind, RequestStatus};
use crate::domain::money::{self};
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::entity::{payment_method, request};
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use crate::server::{infra::audit, settings};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, ExprTrait, QueryFilter,
};

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
    if req.status != RequestStatus::Pending || req.level != level {
        return Err(decided());
    }
    require_reviewer(&txn, &req, actor).await?;
    if req.kind.paid_in_advance()
        && req
            .payment_status
            .is_some_and(|p| p != PaymentStatus::Success)
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
        log(
            &txn,
            (id, req.user_id),
            level,
            Some(actor),
            "approved",
            comment,
        )
        .await?;
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
pub(super) async fn close(
    txn: &DatabaseTransaction,
    req: &request::Model,
    to: RequestStatus,
    actor: Option<i64>,
    reason: &str,
) -> Result<(), AppError> {
    decide_row(txn, req, to, Some(reason), actor).await?;
    let action = if to == RequestStatus::Cancelled {
        "cancelled"
    } else {
        "rejected"
    };
    log(txn, (req.id, req.user_id), req.level, actor, action, reason).await?;
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
    if req.status != RequestStatus::Pending {
        return Err(decided());
    }
    require_reviewer(&txn, &req, actor).await?;
    close(&txn, &req, RequestStatus::Rejected, Some(actor), reason).await?;
    super::tell_client(&txn, &req, Some(reason)).await?;
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
    let kind = req.kind;
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

pub(super) fn cancellable(req: &request::Model, kind: RequestKind) -> bool {
    req.status == RequestStatus::Pending
        && kind.client_cancellable()
        && req.payment_status != Some(PaymentStatus::Success)
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
    if req.status != RequestStatus::Pending {
        return Err(decided());
    }
    let kind = req.kind;
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
    log(
        &txn,
        (id, req.user_id),
        req.level,
        Some(actor),
        "edited",
        note.trim(),
    )
    .await?;
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
    if req.status != RequestStatus::Pending {
        return Err(decided());
    }
    let Some(current) = req.payment_status else {
        return Err(AppError::field("status", "err.no_payment_status"));
    };
    if let Some(staff) = actor {
        require_reviewer(&txn, &req, staff).await?;
    }
    if current == status {
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
        .filter(request::Column::PaymentStatus.eq(current.as_str()))
        .exec(&txn)
        .await?;
    if r.rows_affected != 1 {
        return Err(decided());
    }
    let note = format!("{current} → {}. {}", status.as_str(), comment.trim());
    log(
        &txn,
        (id, req.user_id),
        req.level,
        actor,
        "payment_status",
        note.trim(),
    )
    .await?;
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
    let kind = req.kind;
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
