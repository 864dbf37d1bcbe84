//! The staff's side of the prop area: challenge definitions (draft, publish, duplicate,
//! terminate), participants, manual advancement and the simulated platform's prices.
use crate::domain::challenge::ChallengeDef;
use crate::error::AppError;
use crate::model::{
    ChallengeEdit, ChallengeRow, ListQuery, Page, ParticipantDetail, ParticipantRow, PropFilter,
    SimStatus,
};
use leptos::prelude::*;

#[server(endpoint = "admin/challenges")]
pub async fn get_challenges() -> Result<Vec<ChallengeRow>, AppError> {
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{finish, identity::authz, prop::challenges, state};
    finish(
        async move {
            authz::require(Access::Staff(Permission::ChallengesManage))?;
            challenges::list(&state()?.db).await
        }
        .await,
    )
}

/// A challenge for the editor; id 0 gives the template of a new one.
#[server(endpoint = "admin/challenge")]
pub async fn get_challenge_edit(id: i64) -> Result<ChallengeEdit, AppError> {
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{finish, identity::authz, prop::challenges, state};
    finish(
        async move {
            authz::require(Access::Staff(Permission::ChallengesManage))?;
            if id == 0 {
                return Ok(ChallengeEdit {
                    id: 0,
                    status: "draft".into(),
                    version: 0,
                    def: ChallengeDef::example(),
                    published: None,
                    changes: Vec::new(),
                });
            }
            challenges::edit(&state()?.db, id).await
        }
        .await,
    )
}

/// Saves the definition as a draft (id 0: a new challenge). Returns the challenge's id.
#[server(endpoint = "admin/challenge/save", input = server_fn::codec::Json)]
pub async fn save_challenge(id: i64, def: ChallengeDef) -> Result<i64, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{finish, identity::authz, prop::challenges, state};
    finish(
        async move {
            let me = authz::require(Access::Staff(Permission::ChallengesManage))?;
            let id = (id != 0).then_some(id);
            challenges::save(&state()?.db, me.user_id, id, def, &ctx::origin()).await
        }
        .await,
    )
}

/// publish | discard | duplicate | terminate. Returns the challenge to show next.
#[server(endpoint = "admin/challenge/act")]
pub async fn challenge_action(id: i64, action: String) -> Result<i64, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{finish, identity::authz, prop::challenges, state};
    finish(
        async move {
            let me = authz::require(Access::Staff(Permission::ChallengesManage))?;
            let db = &state()?.db;
            let from = ctx::origin();
            match action.as_str() {
                "publish" => challenges::publish(db, me.user_id, id, &from)
                    .await
                    .map(|_| id),
                "discard" => challenges::discard_draft(db, me.user_id, id, &from)
                    .await
                    .map(|_| id),
                "duplicate" => challenges::duplicate(db, me.user_id, id, &from).await,
                "terminate" => challenges::terminate(db, me.user_id, id, &from)
                    .await
                    .map(|_| id),
                _ => Err(AppError::field("action", "err.action_unknown")),
            }
        }
        .await,
    )
}

#[server(endpoint = "admin/participants")]
pub async fn get_participants(
    q: ListQuery,
    f: PropFilter,
) -> Result<Page<ParticipantRow>, AppError> {
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{finish, identity::authz, prop::participants, state};
    finish(
        async move {
            authz::require(Access::Staff(Permission::ParticipantsView))?;
            participants::list(&state()?.db, &q, &f, true).await
        }
        .await,
    )
}

#[server(endpoint = "admin/participant")]
pub async fn get_participant(id: i64) -> Result<ParticipantDetail, AppError> {
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{finish, identity::authz, prop::participants, state};
    finish(
        async move {
            authz::require(Access::Staff(Permission::ParticipantsView))?;
            let locale = crate::i18n::Locale::from_request();
            participants::detail(&state()?.db, id, None, locale.code()).await
        }
        .await,
    )
}

/// Moves an in-progress participant with no open positions past the current stage.
#[server(endpoint = "admin/participant/advance")]
pub async fn advance_participant(id: i64, comment: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{finish, identity::authz, prop::participation, state};
    finish(
        async move {
            let me = authz::require(Access::Staff(Permission::ParticipantsAdvance))?;
            participation::advance(&state()?.db, me.user_id, id, &comment, &ctx::origin()).await
        }
        .await,
    )
}

/// Sets a simulated symbol's price (accounts holding it are judged at once); `running` turns
/// the moving feed on or off.
#[server(endpoint = "admin/sim/price")]
pub async fn set_sim_price(symbol: String, price: String, running: bool) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{finish, identity::authz, infra::audit, state, trading::sim};
    finish(
        async move {
            let me = authz::require(Access::Staff(Permission::PlatformManage))?;
            let db = &state()?.db;
            let mut feed = sim::feed(db).await?;
            feed.running = running;
            sim::set_feed(db, feed).await?;
            if !price.trim().is_empty() {
                sim::set_price(db, &symbol, &price).await?;
            }
            audit::record(
                db,
                Some(me.user_id),
                "sim.price",
                "sim_price",
                None,
                serde_json::json!({"symbol": symbol, "price": price, "running": running}),
                &ctx::origin().ip,
            )
            .await
        }
        .await,
    )
}

/// Moves the simulator's clock forward one day: every simulated account's day closes now
/// (daily limits reset, stages that met their target pass, periods end). Returns how many
/// stages were decided.
#[server(endpoint = "admin/sim/advance-day")]
pub async fn advance_sim_day() -> Result<usize, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{finish, identity::authz, infra::audit, state, trading::sim};
    finish(
        async move {
            let me = authz::require(Access::Staff(Permission::PlatformManage))?;
            let db = &state()?.db;
            let decided = sim::advance_day(db).await?;
            audit::record(
                db,
                Some(me.user_id),
                "sim.advance_day",
                "sim_price",
                None,
                serde_json::json!({"decided": decided}),
                &ctx::origin().ip,
            )
            .await?;
            Ok(decided)
        }
        .await,
    )
}

#[server(endpoint = "admin/sim/status")]
pub async fn get_sim_status() -> Result<SimStatus, AppError> {
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{finish, identity::authz, prop::participants, state, trading::sim};
    finish(
        async move {
            authz::require(Access::Staff(Permission::PlatformManage))?;
            let db = &state()?.db;
            let f = sim::feed(db).await?;
            Ok(SimStatus {
                running: f.running,
                seed: f.seed,
                day_offset: f.day_offset,
                sim_time: f.now().format("%Y-%m-%d %H:%M UTC").to_string(),
                quotes: participants::quotes(db).await?,
            })
        }
        .await,
    )
}
