//! Buying a challenge: the fee, the participation request, and what its approval, rejection,
//! payment or cancellation does.
use super::*;
use crate::domain::approval::{PaymentStatus, RequestKind, RequestStatus};
use crate::domain::challenge::ChallengeDef;
use crate::domain::challenge::PackageDef;
use crate::domain::money::{Currency, Money};
use crate::domain::offers::Priced;
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::approvals::{self, Submission};
use crate::server::entity::{challenge, participant, request, user};
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use crate::server::money::ledger::{self, AccountKind, Entry, Leg};
use crate::server::{offers, prop::fees, settings};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, QueryFilter,
};

pub struct ParticipateInput {
    pub challenge_id: i64,
    pub package_key: String,
    /// wallet | direct
    pub pay_method: String,
    pub idempotency_key: String,
    /// A coupon granted to the client; 0: none.
    pub coupon: i64,
    /// A promo code the client typed; empty: none.
    pub promo_code: String,
}

/// Buys a challenge package. The fee is taken first (from the wallet now, or by the payment
/// provider), then the participation request goes through the approval engine; a rejection
/// refunds the fee to the wallet. Returns the participant and its request.
pub async fn participate(
    db: &DatabaseConnection,
    user_id: i64,
    input: ParticipateInput,
    from: &Origin,
) -> Result<(participant::Model, request::Model), AppError> {
    let client = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    settings::require_kyc(db, &client, "participation").await?;
    let (ch, def, package) = offered(db, &client, input.challenge_id, &input.package_key).await?;
    let currency = cur(&package.currency)?;
    let direct = match input.pay_method.as_str() {
        "wallet" if def.pay_from_wallet => false,
        "direct" if def.pay_direct => true,
        "wallet" | "direct" => return Err(AppError::field("pay_method", "err.pay_method_off")),
        _ => return Err(AppError::field("pay_method", "err.pay_method_unknown")),
    };
    let key = input.idempotency_key.trim();
    if key.is_empty() || key.len() > 100 {
        return Err(AppError::field("request", "err.idempotency_key"));
    }
    let txn = db.write().await?;
    // A double submit finds the first request and its participant: on PostgreSQL the second
    // waits here until the first commits, rather than both missing each other and buying (and
    // paying) twice.
    crate::server::infra::db::lock_user(&txn, user_id).await?;
    if let Some(first) = request::Entity::find()
        .filter(request::Column::IdempotencyKey.eq(format!("{user_id}:{key}")))
        .one(&txn)
        .await?
    {
        let pid = participant_of(&first)?;
        return Ok((find(&txn, pid).await?, first));
    }
    let now = Utc::now();
    // The fee after the coupon and the promo code (checked and their uses counted in this
    // transaction); a fee discounted to nothing needs no payment.
    let applied = offers::checkout::apply(
        &txn,
        offers::checkout::Choice {
            user_id,
            challenge_id: ch.id,
            package: &package.key,
            list: Money::new(package.fee_minor, currency),
            coupon: input.coupon,
            promo_code: &input.promo_code,
            at: now,
        },
    )
    .await?;
    let fee = applied.priced.paid_minor;
    let direct = direct && fee > 0;
    let bought = Bought {
        version: ch.version,
        time_zone: def.day_zone().unwrap_or_else(|| def.time_zone.clone()),
        package: package.clone(),
    };
    let p =
        participant::ActiveModel {
            user_id: Set(user_id),
            challenge_id: Set(ch.id),
            package_key: Set(package.key.clone()),
            definition: Set(
                serde_json::to_string(&bought).or_internal("encoding a bought definition")?
            ),
            challenge_name: Set(def.name.clone()),
            currency: Set(package.currency.clone()),
            fee_minor: Set(fee),
            pay_method: Set(if direct { "direct" } else { "wallet" }.into()),
            status: Set(if direct {
                ParticipantStatus::AwaitingPayment
            } else {
                ParticipantStatus::PendingApproval
            }),
            stage: Set(0),
            attempt: Set(1),
            request_id: Set(None),
            account_id: Set(None),
            data_type: Set("real".into()),
            referrer_id: Set(client.referrer_id),
            reason: Set(String::new()),
            started_at: Set(None),
            ended_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    tree_stats::track(&txn, None, &p).await?;
    offers::checkout::record(
        &txn,
        &applied,
        user_id,
        offers::checkout::Bought::Participant(p.id),
        &p.currency,
    )
    .await?;
    if !direct && fee > 0 {
        fees::lock_payees(&txn, &p).await?;
        charge_wallet(
            &txn,
            &p,
            fees::kind::FEE,
            fee,
            &format!("prop-fee-{}", p.id),
        )
        .await?;
    }
    let done = approvals::submit(
        &txn,
        Submission {
            idempotency_key: key.to_string(),
            kind: Some(RequestKind::Participation),
            user_id,
            created_by: user_id,
            currency: Some(currency),
            amount_minor: Some(fee),
            online: direct,
            payment_status: direct.then_some(PaymentStatus::Pending),
            reference: format!("{} · {}", def.name, package.name),
            payload: serde_json::json!({"participant_id": p.id, "package": package.name}),
            ..Default::default()
        },
        from,
    )
    .await?;
    participant::Entity::update_many()
        .col_expr(
            participant::Column::RequestId,
            Expr::value(Some(done.request.id)),
        )
        .filter(participant::Column::Id.eq(p.id))
        .exec(&txn)
        .await?;
    let p = find(&txn, p.id).await?;
    txn.commit().await?;
    Ok((p, done.request))
}

/// The package the client may buy: of a published challenge their group sees.
async fn offered(
    db: &DatabaseConnection,
    client: &user::Model,
    challenge_id: i64,
    package_key: &str,
) -> Result<(challenge::Model, ChallengeDef, PackageDef), AppError> {
    let ch = challenge::Entity::find_by_id(challenge_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::field("challenge", "err.challenge_unknown"))?;
    let def: ChallengeDef = match (&ch.published, ch.status.as_str()) {
        (Some(json), "published") => {
            serde_json::from_str(json).or_internal("decoding a published challenge definition")?
        }
        (_, "terminated") => return Err(AppError::field("challenge", "err.challenge_terminated")),
        _ => return Err(AppError::field("challenge", "err.challenge_unknown")),
    };
    if !visible_to(&def, client.group_id) {
        return Err(AppError::field("challenge", "err.challenge_unknown"));
    }
    let package = def
        .package(package_key)
        .cloned()
        .ok_or_else(|| AppError::field("package", "err.package_unknown"))?;
    Ok((ch, def, package))
}

/// What the client would pay for the package with the coupon they picked (0: none) and the
/// promo code they typed (nothing is recorded): the checkout's preview, computed as the
/// purchase computes it.
pub async fn quote(
    db: &DatabaseConnection,
    user_id: i64,
    challenge_id: i64,
    package_key: &str,
    coupon: i64,
    promo_code: &str,
) -> Result<(Priced, Currency), AppError> {
    let client = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let (ch, _, package) = offered(db, &client, challenge_id, package_key).await?;
    let currency = cur(&package.currency)?;
    let priced = offers::checkout::quote(
        db,
        offers::checkout::Choice {
            user_id,
            challenge_id: ch.id,
            package: &package.key,
            list: Money::new(package.fee_minor, currency),
            coupon,
            promo_code,
            at: Utc::now(),
        },
    )
    .await?;
    Ok((priced, currency))
}

/// Takes a fee (or a retry fee) of `p` from the client's wallet in the package's currency.
pub(super) async fn charge_wallet(
    txn: &DatabaseTransaction,
    p: &participant::Model,
    kind: &str,
    fee: i64,
    key: &str,
) -> Result<(), AppError> {
    let currency = cur(&p.currency)?;
    let wallet = ledger::wallet(txn, p.user_id, currency).await?;
    let fees = ledger::firm(txn, AccountKind::ParticipationFees, currency).await?;
    let posted = ledger::post_in(
        txn,
        Entry {
            idempotency_key: key,
            kind: "participation_fee",
            currency,
            legs: vec![
                Leg {
                    account_id: wallet.id,
                    amount_minor: -fee,
                },
                Leg {
                    account_id: fees.id,
                    amount_minor: fee,
                },
            ],
            memo: "challenge fee",
            actor_id: Some(p.user_id),
        },
    )
    .await
    .map_err(|e| match e {
        AppError::Invalid(f) if f.iter().any(|f| f.code == "err.insufficient_funds") => {
            AppError::field("pay_method", "err.fee_exceeds_wallet")
        }
        other => other,
    })?;
    fees::record(txn, p, kind, fee, posted).await
}

pub(super) fn participant_of(req: &request::Model) -> Result<i64, AppError> {
    serde_json::from_str::<serde_json::Value>(&req.payload)
        .ok()
        .and_then(|v| v.get("participant_id").and_then(|i| i.as_i64()))
        .or_internal("a request without its participant id")
}

/// The payment provider reported a direct purchase paid: the fee is the firm's, and the
/// request now waits for its decision.
pub async fn on_paid(txn: &DatabaseTransaction, req: &request::Model) -> Result<(), AppError> {
    let p = find(txn, participant_of(req)?).await?;
    let currency = cur(&p.currency)?;
    let amount = req.amount_minor.unwrap_or(0);
    if amount > 0 {
        let clearing = ledger::firm(txn, AccountKind::PspClearing, currency).await?;
        let fees = ledger::firm(txn, AccountKind::ParticipationFees, currency).await?;
        let posted = ledger::post_in(
            txn,
            Entry {
                idempotency_key: &format!("prop-paid-{}", req.id),
                kind: "participation_fee",
                currency,
                legs: vec![
                    Leg {
                        account_id: clearing.id,
                        amount_minor: -amount,
                    },
                    Leg {
                        account_id: fees.id,
                        amount_minor: amount,
                    },
                ],
                memo: "challenge fee (direct purchase)",
                actor_id: None,
            },
        )
        .await?;
        fees::record(txn, &p, fees::kind::FEE, amount, posted).await?;
    }
    if p.status == ParticipantStatus::AwaitingPayment {
        set_status(txn, p.id, ParticipantStatus::PendingApproval, false, None).await?;
    }
    Ok(())
}

/// Whether the request's fee reached the firm (and so is refunded if it is turned down).
pub(super) fn fee_taken(req: &request::Model, p: &participant::Model) -> bool {
    req.amount_minor.unwrap_or(0) > 0
        && (p.pay_method == "wallet" || req.payment_status == Some(PaymentStatus::Success))
}

pub(super) async fn refund(
    txn: &DatabaseTransaction,
    req: &request::Model,
    p: &participant::Model,
) -> Result<(), AppError> {
    let currency = cur(&p.currency)?;
    let amount = req.amount_minor.unwrap_or(0);
    // The participation fee's refund takes its commissions back from the uplines' wallets; a
    // retry fee's refund moves only the buyer's.
    let of_fee = req.kind == RequestKind::Participation;
    if of_fee {
        fees::lock_payees(txn, p).await?;
    }
    let wallet = ledger::wallet(txn, p.user_id, currency).await?;
    let fees = ledger::firm(txn, AccountKind::ParticipationFees, currency).await?;
    let posted = ledger::post_in(
        txn,
        Entry {
            idempotency_key: &format!("prop-refund-{}", req.id),
            kind: "participation_refund",
            currency,
            legs: vec![
                Leg {
                    account_id: fees.id,
                    amount_minor: -amount,
                },
                Leg {
                    account_id: wallet.id,
                    amount_minor: amount,
                },
            ],
            memo: "challenge fee refund",
            actor_id: None,
        },
    )
    .await?;
    fees::record_refund(txn, p, -amount, posted, of_fee).await?;
    if of_fee {
        offers::checkout::give_back(txn, p.id).await?;
    }
    Ok(())
}

/// Approval of a participation, live-step or retry request: the account is issued.
pub async fn on_approved(txn: &impl ConnectionTrait, req: &request::Model) -> Result<(), AppError> {
    let p = find(txn, participant_of(req)?).await?;
    let b = bought(&p)?;
    match req.kind {
        RequestKind::Participation => issue_account(txn, &p, &b, 0, 1).await,
        RequestKind::LiveStep => {
            let stage = stage_of(req).unwrap_or(p.stage + 1);
            issue_account(txn, &p, &b, stage, 1).await
        }
        RequestKind::Retry => issue_account(txn, &p, &b, p.stage, p.attempt + 1).await,
        _ => Err(AppError::internal(
            "a participation handler given another request kind",
        )),
    }
}

pub(super) fn stage_of(req: &request::Model) -> Option<i32> {
    serde_json::from_str::<serde_json::Value>(&req.payload)
        .ok()
        .and_then(|v| v.get("stage").and_then(|s| s.as_i64()))
        .map(|s| s as i32)
}

/// A participation, live-step or retry request turned down or withdrawn.
pub async fn on_closed(
    txn: &DatabaseTransaction,
    req: &request::Model,
    to: RequestStatus,
) -> Result<(), AppError> {
    let p = find(txn, participant_of(req)?).await?;
    match req.kind {
        RequestKind::Participation => {
            if fee_taken(req, &p) {
                refund(txn, req, &p).await?;
            }
            let s = if to == RequestStatus::Rejected {
                ParticipantStatus::Rejected
            } else {
                ParticipantStatus::Cancelled
            };
            set_status(txn, p.id, s, true, None).await
        }
        RequestKind::Retry => {
            if req.amount_minor.unwrap_or(0) > 0 {
                refund(txn, req, &p).await?;
            }
            set_status(txn, p.id, ParticipantStatus::Failed, false, None).await
        }
        // A refused live step ends the challenge.
        RequestKind::LiveStep => {
            set_status(
                txn,
                p.id,
                ParticipantStatus::Failed,
                true,
                Some("live_step_rejected"),
            )
            .await?;
            tell(txn, &p, "notice.prop_live_rejected", &[]).await
        }
        _ => Err(AppError::internal(
            "a participation handler given another request kind",
        )),
    }
}
