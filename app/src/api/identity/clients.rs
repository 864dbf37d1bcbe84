//! The back office's client list and its headline figures.
use crate::error::AppError;
use crate::model::{AdminStats, ClientRow, ListQuery, Page};
use leptos::prelude::*;

#[server(endpoint = "admin/stats")]
pub async fn get_admin_stats() -> Result<AdminStats, AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, permission::Permission};
    use crate::server::{identity::clients, state};
    ctx::serve(Access::Staff(Permission::DashboardView), |_| async move {
        clients::admin_stats(&state()?.db).await
    })
    .await
}

#[server(endpoint = "admin/clients")]
pub async fn list_clients(query: ListQuery) -> Result<Page<ClientRow>, AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, permission::Permission};
    use crate::server::{identity::clients, state};
    ctx::serve(Access::Staff(Permission::ClientsView), |_| async move {
        clients::list(&state()?.db, &query, true).await
    })
    .await
}
