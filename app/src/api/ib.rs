//! The IB area: an IB's referral link and their referred clients.
use crate::error::AppError;
use crate::model::{IbOverview, ListQuery, Page, ReferredClient};
use leptos::prelude::*;

#[server(endpoint = "ib/overview")]
pub async fn get_ib_overview() -> Result<IbOverview, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{identity::clients, state};
    ctx::serve(Access::Ib, |me| async move {
        let st = state()?;
        clients::ib_overview(&st.db, &st.config.public_url, me.user_id).await
    })
    .await
}

#[server(endpoint = "ib/clients")]
pub async fn ib_clients(query: ListQuery) -> Result<Page<ReferredClient>, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{identity::clients, state};
    ctx::serve(Access::Ib, |me| async move {
        clients::referred(&state()?.db, me.user_id, &query, true).await
    })
    .await
}
