//! Participants as staff monitor them: lists, detail, filters, data-type tags, manual advancement.
use crate::error::AppError;
use crate::model::{ListQuery, Page, ParticipantDetail, ParticipantRow, PropChoices, PropFilter};
#[cfg(feature = "ssr")]
use crate::server::identity::scope::{Scope, mask_for};
use leptos::prelude::*;

/// Refuses (as not found) participant `id` unless its trader is in the caller's data scope.
#[cfg(feature = "ssr")]
pub(crate) async fn in_scope(
    db: &sea_orm::DatabaseConnection,
    me: &crate::domain::access::Principal,
    id: i64,
) -> Result<(), AppError> {
    let trader = crate::server::prop::participation::find(db, id)
        .await?
        .user_id;
    Scope::of(db, me).await?.check(db, trader).await
}

#[server(endpoint = "admin/participants")]
pub async fn get_participants(
    q: ListQuery,
    f: PropFilter,
) -> Result<Page<ParticipantRow>, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{prop::participants, state};
    ctx::serve(
        Access::Staff(Permission::ParticipantsView),
        |me| async move {
            let db = &state()?.db;
            let mut page = participants::list(db, &Scope::of(db, &me).await?, &q, &f, true).await?;
            mask_for(&me, &mut page.rows);
            Ok(page)
        },
    )
    .await
}

#[server(endpoint = "admin/participant")]
pub async fn get_participant(id: i64) -> Result<ParticipantDetail, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{prop::participants, state};
    ctx::serve(
        Access::Staff(Permission::ParticipantsView),
        |me| async move {
            let locale = crate::i18n::Locale::from_request();
            let db = &state()?.db;
            in_scope(db, &me, id).await?;
            participants::detail(db, id, None, locale.code()).await
        },
    )
    .await
}

/// Moves an in-progress participant with no open positions past the current stage.
#[server(endpoint = "admin/participant/advance")]
pub async fn advance_participant(id: i64, comment: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{prop::participation, state};
    ctx::serve(
        Access::Staff(Permission::ParticipantsAdvance),
        |me| async move {
            let db = &state()?.db;
            in_scope(db, &me, id).await?;
            participation::advance(db, me.user_id, id, &comment, &ctx::origin()).await
        },
    )
    .await
}

/// The challenges, packages and IBs (by name) the prop filters offer, to any staff member:
/// the dashboard, the lists and the alert rules all filter by them.
#[server(endpoint = "admin/prop/choices")]
pub async fn get_prop_choices() -> Result<PropChoices, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{prop::participants, state};
    ctx::serve(Access::AnyStaff, |_| async move {
        participants::choices(&state()?.db).await
    })
    .await
}

/// Tags a participant `real` or `demo` (demo ones are left out of the firm's figures).
#[server(endpoint = "admin/participant/data-type")]
pub async fn set_participant_data_type(id: i64, data_type: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{prop::participants, state};
    ctx::serve(
        Access::Staff(Permission::ParticipantsTag),
        |me| async move {
            let db = &state()?.db;
            in_scope(db, &me, id).await?;
            participants::set_data_type(db, me.user_id, id, &data_type, &ctx::origin().ip).await
        },
    )
    .await
}

/// The trader asks for a new password of their current stage account.
#[server(endpoint = "prop/account/reset-password")]
pub async fn reset_account_password(participant_id: i64) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{prop::participants, state};
    ctx::serve(Access::Client, |me| async move {
        participants::reset_password(&state()?.db, me.user_id, participant_id, &ctx::origin()).await
    })
    .await
}
