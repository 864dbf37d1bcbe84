use crate::error::AppError;
use crate::model::NotificationFeed;
use leptos::prelude::*;

#[server(endpoint = "notifications/feed")]
pub async fn get_notifications() -> Result<NotificationFeed, AppError> {
    use crate::domain::access::Access;
    use crate::server::{finish, identity::authz, infra::notify, state};
    finish(
        async move {
            let me = authz::require(Access::SignedIn)?;
            notify::feed(&state()?.db, me.user_id, 20).await
        }
        .await,
    )
}

#[server(endpoint = "notifications/read-all")]
pub async fn mark_notifications_read() -> Result<u64, AppError> {
    use crate::domain::access::Access;
    use crate::server::{finish, identity::authz, infra::notify, state};
    finish(
        async move {
            let me = authz::require(Access::SignedIn)?;
            notify::mark_all_read(&state()?.db, me.user_id).await
        }
        .await,
    )
}
