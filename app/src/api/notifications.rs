use crate::error::AppError;
use crate::model::NotificationFeed;
use leptos::prelude::*;

#[server(endpoint = "notifications/feed")]
pub async fn get_notifications() -> Result<NotificationFeed, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{infra::notify, state};
    ctx::serve(Access::SignedIn, |me| async move {
        notify::feed(&state()?.db, me.user_id, 20).await
    })
    .await
}

#[server(endpoint = "notifications/read-all")]
pub async fn mark_notifications_read() -> Result<u64, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{infra::notify, state};
    ctx::serve(Access::SignedIn, |me| async move {
        notify::mark_all_read(&state()?.db, me.user_id).await
    })
    .await
}
