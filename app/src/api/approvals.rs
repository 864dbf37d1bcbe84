//! The approval queues and the review page: one engine for every request kind.
use crate::error::AppError;
use crate::model::{ListQuery, Page, QueueCount, RequestDetail, RequestRow};
#[cfg(feature = "ssr")]
use crate::server::identity::scope::{Scope, mask_for};
use leptos::prelude::*;

/// The requester of request `id`, refused as not found outside the caller's data scope.
#[cfg(feature = "ssr")]
async fn in_scope(
    db: &sea_orm::DatabaseConnection,
    me: &crate::domain::access::Principal,
    id: i64,
) -> Result<i64, AppError> {
    let requester = crate::server::approvals::requester(db, id).await?;
    Scope::of(db, me).await?.check(db, requester).await?;
    Ok(requester)
}

#[server(endpoint = "approvals/counts")]
pub async fn queue_counts() -> Result<Vec<QueueCount>, AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, permission::Permission};
    use crate::server::{approvals, state};
    ctx::serve(Access::Staff(Permission::RequestsView), |me| async move {
        let db = &state()?.db;
        approvals::counts(db, me.user_id, Scope::of(db, &me).await?.clients()).await
    })
    .await
}

/// One queue: `kind` is a request kind ("" for every kind); `mine` keeps the requests this
/// staff member can decide now; `query.filter` is a status ("" for all).
#[server(endpoint = "approvals/list")]
pub async fn list_requests(
    kind: String,
    mine: bool,
    query: ListQuery,
) -> Result<Page<RequestRow>, AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, permission::Permission};
    use crate::server::{approvals, state};
    ctx::serve(Access::Staff(Permission::RequestsView), |me| async move {
        let db = &state()?.db;
        let clients = Scope::of(db, &me).await?.clients();
        let mut page = approvals::queue(db, me.user_id, clients, &kind, mine, &query, true).await?;
        mask_for(&me, &mut page.rows);
        Ok(page)
    })
    .await
}

#[server(endpoint = "approvals/detail")]
pub async fn get_request_detail(id: i64) -> Result<RequestDetail, AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, permission::Permission};
    use crate::server::{approvals, money::wallets, state};
    ctx::serve(Access::Staff(Permission::RequestsView), |me| async move {
        let db = &state()?.db;
        let requester = in_scope(db, &me, id).await?;
        let mut client = wallets::client_summary(db, requester).await?;
        mask_for(&me, std::slice::from_mut(&mut client));
        approvals::detail(db, me.user_id, id, client).await
    })
    .await
}

/// Approves the request at `level`, the level the reviewer saw: if someone else moved it on
/// meanwhile, this is refused rather than applied twice.
#[server(endpoint = "approvals/approve")]
pub async fn approve_request(id: i64, level: i32, comment: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, permission::Permission};
    use crate::server::{approvals, state};
    ctx::serve(Access::Staff(Permission::RequestsDecide), |me| async move {
        let st = state()?;
        in_scope(&st.db, &me, id).await?;
        approvals::approve(&st.db, me.user_id, id, level, &comment, &ctx::origin()).await?;
        st.mail_wake.notify_one();
        Ok(())
    })
    .await
}

#[server(endpoint = "approvals/reject")]
pub async fn reject_request(id: i64, reason: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, permission::Permission};
    use crate::server::{approvals, state};
    ctx::serve(Access::Staff(Permission::RequestsDecide), |me| async move {
        let st = state()?;
        in_scope(&st.db, &me, id).await?;
        approvals::reject(&st.db, me.user_id, id, &reason, &ctx::origin()).await?;
        st.mail_wake.notify_one();
        Ok(())
    })
    .await
}

/// Before approval: a deposit's received amount or a withdrawal's amount.
#[server(endpoint = "approvals/edit-amount")]
pub async fn edit_request_amount(id: i64, amount: String, comment: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, permission::Permission};
    use crate::server::{approvals, state};
    ctx::serve(Access::Staff(Permission::RequestsDecide), |me| async move {
        let db = &state()?.db;
        in_scope(db, &me, id).await?;
        approvals::edit_amount(db, me.user_id, id, &amount, &comment, &ctx::origin()).await
    })
    .await
}

#[server(endpoint = "approvals/payment-status")]
pub async fn set_payment_status(id: i64, status: String, comment: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, permission::Permission};
    use crate::server::{approvals, state};
    ctx::serve(Access::Staff(Permission::RequestsDecide), |me| async move {
        let db = &state()?.db;
        in_scope(db, &me, id).await?;
        approvals::set_payment_status(db, Some(me.user_id), id, &status, &comment, &ctx::origin())
            .await
    })
    .await
}
