//! What approving, rejecting or cancelling each kind of request does. The approval engine
//! calls these inside the transaction that moves the request, so the effect happens exactly
//! when the transition does.
use crate::domain::approval::{RequestKind, RequestStatus};
use crate::domain::money::{self, Currency};
use crate::error::AppError;
use crate::server::entity::{payment_method, payout_destination, request, user};
use crate::server::money::ledger::{self, AccountKind, Entry, Leg};
use crate::server::{prop::participation, prop::profit_share};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

fn kind_of(req: &request::Model) -> Result<RequestKind, AppError> {
    RequestKind::parse(&req.kind).ok_or(AppError::Internal)
}

fn currency(code: Option<&str>) -> Result<Currency, AppError> {
    code.and_then(money::currency).ok_or(AppError::Internal)
}

async fn set_user(
    db: &impl ConnectionTrait,
    user_id: i64,
    col: user::Column,
    value: &str,
) -> Result<(), AppError> {
    user::Entity::update_many()
        .col_expr(col, Expr::value(value))
        .col_expr(user::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

async fn set_entry(
    db: &impl ConnectionTrait,
    req: &request::Model,
    entry_id: i64,
) -> Result<(), AppError> {
    request::Entity::update_many()
        .col_expr(request::Column::EntryId, Expr::value(Some(entry_id)))
        .filter(request::Column::Id.eq(req.id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn on_approved(
    txn: &impl ConnectionTrait,
    req: &request::Model,
    actor: Option<i64>,
) -> Result<(), AppError> {
    match kind_of(req)? {
        RequestKind::TraderRegistration | RequestKind::IbRegistration => {
            set_user(txn, req.user_id, user::Column::Status, "active").await
        }
        RequestKind::IbUpgrade => set_user(txn, req.user_id, user::Column::Kind, "ib").await,
        RequestKind::Participation | RequestKind::LiveStep | RequestKind::Retry => {
            participation::on_approved(txn, req).await
        }
        RequestKind::Kyc => set_user(txn, req.user_id, user::Column::KycStatus, "approved").await,
        RequestKind::Deposit => {
            // The money reached the firm's PSP or bank account; the client's wallet gets it
            // less the method's fee, which is the firm's revenue.
            let cur = currency(req.currency.as_deref())?;
            let amount = req.amount_minor.ok_or(AppError::Internal)?;
            let net = amount - req.fee_minor;
            let clearing = ledger::firm(txn, AccountKind::PspClearing, cur).await?;
            let wallet = ledger::wallet(txn, req.user_id, cur).await?;
            let mut legs = vec![
                Leg {
                    account_id: clearing.id,
                    amount_minor: -amount,
                },
                Leg {
                    account_id: wallet.id,
                    amount_minor: net,
                },
            ];
            if req.fee_minor > 0 {
                let fees = ledger::firm(txn, AccountKind::FeeRevenue, cur).await?;
                legs.push(Leg {
                    account_id: fees.id,
                    amount_minor: req.fee_minor,
                });
            }
            let key = format!("request-{}", req.id);
            let memo = format!("Deposit #{}", req.id);
            let posted = ledger::post_in(
                txn,
                Entry {
                    idempotency_key: &key,
                    kind: "deposit",
                    currency: cur,
                    legs,
                    memo: &memo,
                    actor_id: actor,
                },
            )
            .await?;
            set_entry(txn, req, posted.entry_id).await
        }
        RequestKind::Withdrawal => {
            // The held amount leaves the wallet: the net is owed to the client's payout
            // destination, the fee is revenue.
            let cur = currency(req.currency.as_deref())?;
            let hold = req.hold_id.ok_or(AppError::Internal)?;
            let amount = req.amount_minor.ok_or(AppError::Internal)?;
            let payable = ledger::firm(txn, AccountKind::PayoutsPayable, cur).await?;
            let fees = ledger::firm(txn, AccountKind::FeeRevenue, cur).await?;
            let memo = format!("Withdrawal #{}", req.id);
            let posted = ledger::capture_hold_in(
                txn,
                hold,
                "withdrawal",
                &[
                    (payable.id, amount - req.fee_minor),
                    (fees.id, req.fee_minor),
                ],
                cur,
                actor,
                &memo,
            )
            .await?;
            request::Entity::update_many()
                .col_expr(request::Column::PaymentStatus, Expr::value(Some("success")))
                .filter(request::Column::Id.eq(req.id))
                .exec(txn)
                .await?;
            set_entry(txn, req, posted.entry_id).await
        }
        RequestKind::Transfer => transfer(txn, req, actor).await,
        RequestKind::ProfitShare => profit_share::on_approved(txn, req, actor).await,
    }
}

/// A transfer: the held amount leaves the source wallet. In one currency it lands in the
/// recipient's wallet in the same entry; across currencies it goes through the firm's
/// conversion accounts, one balanced entry per currency.
async fn transfer(
    txn: &impl ConnectionTrait,
    req: &request::Model,
    actor: Option<i64>,
) -> Result<(), AppError> {
    let from = currency(req.currency.as_deref())?;
    let to = currency(req.target_currency.as_deref())?;
    let hold = req.hold_id.ok_or(AppError::Internal)?;
    let recipient = req.counterparty_id.unwrap_or(req.user_id);
    let memo = format!("Transfer #{}", req.id);
    let target = ledger::wallet(txn, recipient, to).await?;
    // Both wallets, in the ledger's lock order, before either changes: a conversion changes
    // them in two entries, and A→B with B→A (or USD→EUR with EUR→USD) must not lock them in
    // opposite orders.
    let source = ledger::find_hold(txn, hold).await?.account_id;
    ledger::lock_accounts(txn, &[source, target.id]).await?;
    let posted = if from == to {
        ledger::capture_hold_in(
            txn,
            hold,
            "transfer",
            &[(target.id, i64::MAX)],
            from,
            actor,
            &memo,
        )
        .await?
    } else {
        let fx_out = ledger::firm(txn, AccountKind::FxConversion, from).await?;
        let posted = ledger::capture_hold_in(
            txn,
            hold,
            "conversion",
            &[(fx_out.id, i64::MAX)],
            from,
            actor,
            &memo,
        )
        .await?;
        let credited = req.target_amount_minor.ok_or(AppError::Internal)?;
        let fx_in = ledger::firm(txn, AccountKind::FxConversion, to).await?;
        let key = format!("request-{}-credit", req.id);
        ledger::post_in(
            txn,
            Entry {
                idempotency_key: &key,
                kind: "conversion",
                currency: to,
                legs: vec![
                    Leg {
                        account_id: fx_in.id,
                        amount_minor: -credited,
                    },
                    Leg {
                        account_id: target.id,
                        amount_minor: credited,
                    },
                ],
                memo: &memo,
                actor_id: actor,
            },
        )
        .await?;
        posted
    };
    set_entry(txn, req, posted.entry_id).await
}

pub async fn on_closed(
    txn: &impl ConnectionTrait,
    req: &request::Model,
    to: RequestStatus,
) -> Result<(), AppError> {
    match kind_of(req)? {
        RequestKind::TraderRegistration | RequestKind::IbRegistration => {
            set_user(txn, req.user_id, user::Column::Status, "rejected").await
        }
        RequestKind::Kyc => {
            // A cancelled submission leaves the client where they were before it.
            let status = if to == RequestStatus::Rejected {
                "rejected"
            } else {
                "none"
            };
            set_user(txn, req.user_id, user::Column::KycStatus, status).await
        }
        RequestKind::Withdrawal | RequestKind::Transfer => match req.hold_id {
            Some(h) => ledger::release_hold_in(txn, h).await,
            None => Ok(()),
        },
        RequestKind::Participation | RequestKind::LiveStep | RequestKind::Retry => {
            participation::on_closed(txn, req, to).await
        }
        RequestKind::ProfitShare => profit_share::on_rejected(txn, req).await,
        RequestKind::IbUpgrade | RequestKind::Deposit => Ok(()),
    }
}

/// Labelled details of a request for the review page (i18n keys as labels).
pub async fn describe(
    db: &impl ConnectionTrait,
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
        let cur = currency(Some(t))?;
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
    if kind_of(req)? == RequestKind::ProfitShare {
        out.extend(profit_share::describe(db, req).await?);
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
