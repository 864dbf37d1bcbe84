//! The back office's client list and its headline figures.
use crate::error::AppError;
use crate::model::{AdminStats, ClientRow, ListQuery, Page};
use leptos::prelude::*;

#[server(endpoint = "admin/stats")]
pub async fn get_admin_stats() -> Result<AdminStats, AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, permission::Permission};
    use crate::server::identity::scope::Scope;
    use crate::server::{identity::clients, state};
    ctx::serve(Access::Staff(Permission::DashboardView), |me| async move {
        let db = &state()?.db;
        clients::admin_stats(db, &Scope::of(db, &me).await?).await
    })
    .await
}

#[server(endpoint = "admin/clients")]
pub async fn list_clients(query: ListQuery) -> Result<Page<ClientRow>, AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, permission::Permission};
    use crate::server::identity::scope::{Scope, mask_for};
    use crate::server::{identity::clients, state};
    ctx::serve(Access::Staff(Permission::ClientsView), |me| async move {
        let db = &state()?.db;
        let mut page = clients::list(db, &Scope::of(db, &me).await?, &query, true).await?;
        mask_for(&me, &mut page.rows);
        Ok(page)
    })
    .await
}
