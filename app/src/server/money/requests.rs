//! What deposit, withdrawal and transfer requests do: the hold placed on submission, resized
//! when staff change the amount, captured on approval and released on rejection or
//! cancellation, and the balanced ledger entries an approval posts.
use crate::domain::approval::{RequestKind, RequestStatus};
use crate::domain::money::{self, Currency};
use crate::error::AppError;
use crate::error::OrInternal;
use crate::register_request_handler;
use crate::server::approvals::handlers::{HoldWanted, RequestHandler};
use crate::server::entity::request;
use crate::server::money::ledger::{self, AccountKind, Entry, Leg};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

struct MoneyRequests;
register_request_handler!(MoneyRequests);

fn currency(code: Option<&str>) -> Result<Currency, AppError> {
    code.and_then(money::currency)
        .or_internal("a stored request's currency is unknown")
}

async fn set_entry(
    txn: &DatabaseTransaction,
    req: &request::Model,
    entry_id: i64,
) -> Result<(), AppError> {
    request::Entity::update_many()
        .col_expr(request::Column::EntryId, Expr::value(Some(entry_id)))
        .filter(request::Column::Id.eq(req.id))
        .exec(txn)
        .await?;
    Ok(())
}

#[async_trait::async_trait]
impl RequestHandler for MoneyRequests {
    fn kinds(&self) -> &'static [RequestKind] {
        &[
            RequestKind::Deposit,
            RequestKind::Withdrawal,
            RequestKind::Transfer,
        ]
    }

    async fn on_submitted(
        &self,
        txn: &DatabaseTransaction,
        req: &request::Model,
        hold: Option<HoldWanted>,
    ) -> Result<(), AppError> {
        let Some(h) = hold else { return Ok(()) };
        // Both wallets of a transfer, in the ledger's order, before the hold changes one.
        let wallets: Vec<i64> = [Some(h.wallet), h.credit_wallet]
            .into_iter()
            .flatten()
            .collect();
        ledger::lock_accounts(txn, &wallets).await?;
        // Not enough available refuses the request (the caller's transaction rolls back).
        let placed = ledger::place_hold_in(
            txn,
            &format!("request-hold-{}", req.id),
            h.wallet,
            h.amount_minor,
        )
        .await?;
        request::Entity::update_many()
            .col_expr(request::Column::HoldId, Expr::value(Some(placed.id)))
            .filter(request::Column::Id.eq(req.id))
            .exec(txn)
            .await?;
        Ok(())
    }

    async fn on_amount_changed(
        &self,
        txn: &DatabaseTransaction,
        req: &request::Model,
        new_minor: i64,
    ) -> Result<(), AppError> {
        match req.hold_id {
            Some(h) => ledger::resize_hold_in(txn, h, new_minor).await,
            None => Ok(()),
        }
    }

    async fn on_approved(
        &self,
        txn: &DatabaseTransaction,
        req: &request::Model,
        actor: Option<i64>,
    ) -> Result<(), AppError> {
        match req.kind {
            RequestKind::Deposit => {
                // The money reached the firm's PSP or bank account; the client's wallet gets it
                // less the method's fee, which is the firm's revenue.
                let cur = currency(req.currency.as_deref())?;
                let amount = req
                    .amount_minor
                    .or_internal("a deposit request without an amount")?;
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
                let hold = req
                    .hold_id
                    .or_internal("a withdrawal request without a hold")?;
                let amount = req
                    .amount_minor
                    .or_internal("a withdrawal request without an amount")?;
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
            _ => transfer(txn, req, actor).await,
        }
    }

    async fn on_closed(
        &self,
        txn: &DatabaseTransaction,
        req: &request::Model,
        _to: RequestStatus,
    ) -> Result<(), AppError> {
        match req.hold_id {
            Some(h) => ledger::release_hold_in(txn, h).await,
            None => Ok(()),
        }
    }
}

/// A transfer: the held amount leaves the source wallet. In one currency it lands in the
/// recipient's wallet in the same entry; across currencies it goes through the firm's
/// conversion accounts, one balanced entry per currency.
async fn transfer(
    txn: &DatabaseTransaction,
    req: &request::Model,
    actor: Option<i64>,
) -> Result<(), AppError> {
    let from = currency(req.currency.as_deref())?;
    let to = currency(req.target_currency.as_deref())?;
    let hold = req
        .hold_id
        .or_internal("a transfer request without a hold")?;
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
        let credited = req
            .target_amount_minor
            .or_internal("a transfer request without its credited amount")?;
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
