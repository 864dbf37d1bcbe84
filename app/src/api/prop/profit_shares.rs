//! Profit-share settlements: settling a participant now, and the list of settlements.
#[cfg(feature = "ssr")]
use super::participants::in_scope;
use crate::error::AppError;
use crate::model::{ListQuery, Page, ProfitShareDto, PropFilter};
#[cfg(feature = "ssr")]
use crate::server::identity::scope::Scope;
use leptos::prelude::*;

/// Settles a funded participant's running period now (its distribution decides whether the
/// share is paid at once or waits for review).
#[server(endpoint = "admin/participant/settle")]
pub async fn settle_participant(id: i64) -> Result<ProfitShareDto, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::error::OrInternal;
    use crate::server::{prop::profit_share, state};
    ctx::serve(
        Access::Staff(Permission::ProfitShareSettle),
        |me| async move {
            let db = &state()?.db;
            in_scope(db, &me, id).await?;
            let s = profit_share::settle_now(db, me.user_id, id, &ctx::origin()).await?;
            profit_share::of_participant(db, s.participant_id)
                .await?
                .into_iter()
                .find(|d| d.id == s.id)
                .or_internal("the settlement just listed is not there")
        },
    )
    .await
}

#[server(endpoint = "admin/profit-shares")]
pub async fn get_profit_shares(
    q: ListQuery,
    f: PropFilter,
) -> Result<Page<ProfitShareDto>, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{prop::profit_share, state};
    ctx::serve(
        Access::Staff(Permission::ParticipantsView),
        |me| async move {
            let db = &state()?.db;
            profit_share::list(db, &Scope::of(db, &me).await?, &q, &f, true).await
        },
    )
    .await
}
