//! Client money: wallets, deposits (offline and through the test payment provider),
//! withdrawals to saved destinations, transfers, the client's transactions and requests.
//! Every money-moving call takes an idempotency key chosen by the form, so a double submit
//! creates one request.
use crate::error::AppError;
use crate::model::{
    DestinationDto, FundsOverview, ListQuery, Page, RequestRow, TransactionRow, TransferQuote,
};
use leptos::prelude::*;

#[server(endpoint = "funds/overview")]
pub async fn get_funds_overview() -> Result<FundsOverview, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{money::funds, state};
    ctx::serve(Access::Client, |me| async move {
        funds::overview(&state()?.db, me.user_id).await
    })
    .await
}

#[server(endpoint = "funds/deposit")]
pub async fn deposit(
    idempotency_key: String,
    method_id: i64,
    amount: String,
    reference: String,
    upload_id: Option<i64>,
) -> Result<RequestRow, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{money::funds, state};
    ctx::serve(Access::Client, |me| async move {
        let input = funds::DepositInput {
            idempotency_key,
            method_id,
            amount,
            reference,
            upload_id,
        };
        funds::deposit(&state()?.db, me.user_id, input, &ctx::origin()).await
    })
    .await
}

/// The built-in test payment provider: the client pays (or fails to pay) an online deposit.
#[server(endpoint = "funds/test-psp/pay")]
pub async fn test_psp_pay(request_id: i64, succeed: bool) -> Result<RequestRow, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{money::funds, state};
    ctx::serve(Access::Client, |me| async move {
        funds::test_psp_result(
            &state()?.db,
            me.user_id,
            request_id,
            succeed,
            &ctx::origin(),
        )
        .await
    })
    .await
}

#[server(endpoint = "funds/withdraw")]
pub async fn withdraw(
    idempotency_key: String,
    method_id: i64,
    destination_id: i64,
    amount: String,
) -> Result<RequestRow, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{money::funds, state};
    ctx::serve(Access::Client, |me| async move {
        let input = funds::WithdrawInput {
            idempotency_key,
            method_id,
            destination_id,
            amount,
        };
        funds::withdraw(&state()?.db, me.user_id, input, &ctx::origin()).await
    })
    .await
}

/// What a transfer would credit, at today's rate, without moving anything.
#[server(endpoint = "funds/transfer-quote")]
pub async fn quote_transfer(
    from: String,
    to: String,
    amount: String,
    recipient: String,
) -> Result<TransferQuote, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{money::funds, state};
    ctx::serve(Access::Client, |me| async move {
        let input = funds::TransferInput {
            idempotency_key: String::new(),
            from,
            to,
            amount,
            recipient,
        };
        funds::quote(&state()?.db, me.user_id, &input)
            .await
            .map(|(q, _)| q)
    })
    .await
}

/// A transfer between the client's own wallets, or (if the firm allows) to another client,
/// named by email or user ID.
#[server(endpoint = "funds/transfer")]
pub async fn transfer(
    idempotency_key: String,
    from: String,
    to: String,
    amount: String,
    recipient: String,
) -> Result<RequestRow, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{money::funds, state};
    ctx::serve(Access::Client, |me| async move {
        let input = funds::TransferInput {
            idempotency_key,
            from,
            to,
            amount,
            recipient,
        };
        funds::transfer(&state()?.db, me.user_id, input, &ctx::origin()).await
    })
    .await
}

/// Saves a withdrawal destination: a bank card number (kept as its last four digits) or a
/// crypto address with its network.
#[server(endpoint = "funds/destinations/add")]
pub async fn add_destination(
    kind: String,
    label: String,
    number: String,
    network: String,
) -> Result<DestinationDto, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{money::funds, state};
    ctx::serve(Access::Client, |me| async move {
        funds::add_destination(
            &state()?.db,
            me.user_id,
            &kind,
            &label,
            &number,
            &network,
            &ctx::origin(),
        )
        .await
    })
    .await
}

#[server(endpoint = "funds/destinations/remove")]
pub async fn remove_destination(id: i64) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{money::funds, state};
    ctx::serve(Access::Client, |me| async move {
        funds::remove_destination(&state()?.db, me.user_id, id).await
    })
    .await
}

#[server(endpoint = "funds/transactions")]
pub async fn my_transactions(query: ListQuery) -> Result<Page<TransactionRow>, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{money::wallets, state};
    ctx::serve(Access::Client, |me| async move {
        wallets::transactions(
            &state()?.db,
            &crate::server::identity::scope::Scope::Firm,
            &query,
            Some(me.user_id),
            true,
        )
        .await
    })
    .await
}

#[server(endpoint = "requests/mine")]
pub async fn my_requests(query: ListQuery) -> Result<Page<RequestRow>, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{approvals, state};
    ctx::serve(Access::Client, |me| async move {
        approvals::list_for_client(&state()?.db, me.user_id, &query, true).await
    })
    .await
}

#[server(endpoint = "requests/cancel")]
pub async fn cancel_request(id: i64) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{approvals, state};
    ctx::serve(Access::Client, |me| async move {
        approvals::cancel(&state()?.db, me.user_id, id, &ctx::origin()).await
    })
    .await
}

/// A trader asks to become an IB.
#[server(endpoint = "requests/ib-upgrade")]
pub async fn request_ib_upgrade(reason: String) -> Result<RequestRow, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{identity::kyc, state};
    ctx::serve(Access::Client, |me| async move {
        kyc::request_ib_upgrade(&state()?.db, me.user_id, &reason, &ctx::origin()).await
    })
    .await
}
