//! Back-office money views: wallets, one client's wallets, modify balance, transactions.
use crate::error::AppError;
use crate::model::{ClientSummary, ListQuery, Page, TransactionRow, WalletRow};
use leptos::prelude::*;

#[server(endpoint = "wallets/list")]
pub async fn list_wallets(query: ListQuery) -> Result<Page<WalletRow>, AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, permission::Permission};
    use crate::server::identity::scope::{Scope, mask_for};
    use crate::server::{money::wallets, state};
    ctx::serve(Access::Staff(Permission::FundsView), |me| async move {
        let db = &state()?.db;
        let mut page = wallets::list(db, &Scope::of(db, &me).await?, &query, true).await?;
        mask_for(&me, &mut page.rows);
        Ok(page)
    })
    .await
}

#[server(endpoint = "wallets/client")]
pub async fn client_wallets(user_id: i64) -> Result<ClientSummary, AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, permission::Permission};
    use crate::server::identity::scope::{Scope, mask_for};
    use crate::server::{money::wallets, state};
    ctx::serve(Access::Staff(Permission::FundsView), |me| async move {
        let db = &state()?.db;
        Scope::of(db, &me).await?.check(db, user_id).await?;
        let mut summary = wallets::client_summary(db, user_id).await?;
        mask_for(&me, std::slice::from_mut(&mut summary));
        Ok(summary)
    })
    .await
}

/// Deposits to or withdraws from a client's wallet at once, with a mandatory comment.
#[server(endpoint = "wallets/adjust")]
pub async fn adjust_balance(
    idempotency_key: String,
    user_id: i64,
    currency: String,
    direction: String,
    amount: String,
    comment: String,
) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, permission::Permission};
    use crate::server::identity::scope::Scope;
    use crate::server::{money::wallets, state};
    ctx::serve(Access::Staff(Permission::FundsAdjust), |me| async move {
        let db = &state()?.db;
        Scope::of(db, &me).await?.check(db, user_id).await?;
        let input = wallets::Adjustment {
            idempotency_key,
            user_id,
            currency,
            direction,
            amount,
            comment,
        };
        wallets::adjust(db, me.user_id, input, &ctx::origin()).await
    })
    .await
}

#[server(endpoint = "wallets/transactions")]
pub async fn transactions_report(query: ListQuery) -> Result<Page<TransactionRow>, AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, permission::Permission};
    use crate::server::identity::scope::Scope;
    use crate::server::{money::wallets, state};
    ctx::serve(Access::Staff(Permission::FundsView), |me| async move {
        let db = &state()?.db;
        wallets::transactions(db, &Scope::of(db, &me).await?, &query, None, true).await
    })
    .await
}
