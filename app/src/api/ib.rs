//! The IB area: an IB's referral link and their referred clients.
use crate::error::AppError;
use crate::model::{IbOverview, ListQuery, Page, ReferredClient};
use leptos::prelude::*;

#[server(endpoint = "ib/overview")]
pub async fn get_ib_overview() -> Result<IbOverview, AppError> {
    use crate::domain::access::Access;
    use crate::server::{finish, identity::authz, identity::clients, state};
    finish(
        async move {
            let me = authz::require(Access::Ib)?;
            let st = state()?;
            clients::ib_overview(&st.db, &st.config.public_url, me.user_id).await
        }
        .await,
    )
}

#[server(endpoint = "ib/clients")]
pub async fn ib_clients(query: ListQuery) -> Result<Page<ReferredClient>, AppError> {
    use crate::domain::access::Access;
    use crate::server::{finish, identity::authz, identity::clients, state};
    finish(
        async move {
            let me = authz::require(Access::Ib)?;
            clients::referred(&state()?.db, me.user_id, &query, true).await
        }
        .await,
    )
}
