//! The trader's side of the prop area: published challenges, participation, "my challenges",
//! a challenge's page, retries, and the simulated platform's trading panel.
use crate::error::AppError;
use crate::model::{ChallengeCard, ParticipantDetail, ParticipantRow, Participation, QuoteDto};
use leptos::prelude::*;

#[server(endpoint = "prop/challenges")]
pub async fn get_challenge_cards() -> Result<Vec<ChallengeCard>, AppError> {
    use crate::domain::access::Access;
    use crate::i18n::Locale;
    use crate::server::{finish, identity::authz, prop::challenges, state};
    finish(
        async move {
            let me = authz::require(Access::Client)?;
            let locale = Locale::from_request();
            challenges::for_client(&state()?.db, me.user_id, locale.code()).await
        }
        .await,
    )
}

/// Buys a package: `pay_method` is "wallet" (the fee leaves the wallet now) or "direct" (the
/// answer names the payment page).
#[server(endpoint = "prop/participate")]
pub async fn participate(
    idempotency_key: String,
    challenge_id: i64,
    package_key: String,
    pay_method: String,
) -> Result<Participation, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::prop::participation::{self, ParticipateInput};
    use crate::server::{finish, identity::authz, state};
    finish(
        async move {
            let me = authz::require(Access::Client)?;
            let input = ParticipateInput {
                challenge_id,
                package_key,
                pay_method,
                idempotency_key,
            };
            let (p, req) =
                participation::participate(&state()?.db, me.user_id, input, &ctx::origin()).await?;
            let pay_url = (p.status == participation::status::AWAITING_PAYMENT)
                .then(|| format!("/pay/{}", req.id));
            Ok(Participation {
                participant_id: p.id,
                status: p.status,
                pay_url,
            })
        }
        .await,
    )
}

#[server(endpoint = "prop/mine")]
pub async fn get_my_challenges() -> Result<Vec<ParticipantRow>, AppError> {
    use crate::domain::access::Access;
    use crate::server::{finish, identity::authz, prop::participants, state};
    finish(
        async move {
            let me = authz::require(Access::Client)?;
            participants::mine(&state()?.db, me.user_id).await
        }
        .await,
    )
}

#[server(endpoint = "prop/participant")]
pub async fn get_my_participant(id: i64) -> Result<ParticipantDetail, AppError> {
    use crate::domain::access::Access;
    use crate::server::{finish, identity::authz, prop::participants, state};
    finish(
        async move {
            let me = authz::require(Access::Client)?;
            let locale = crate::i18n::Locale::from_request();
            participants::detail(&state()?.db, id, Some(me.user_id), locale.code()).await
        }
        .await,
    )
}

#[server(endpoint = "prop/retry")]
pub async fn retry_stage(idempotency_key: String, participant_id: i64) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{finish, identity::authz, prop::participation, state};
    finish(
        async move {
            let me = authz::require(Access::Client)?;
            participation::retry(
                &state()?.db,
                me.user_id,
                participant_id,
                &idempotency_key,
                &ctx::origin(),
            )
            .await
            .map(|_| ())
        }
        .await,
    )
}

#[server(endpoint = "trade/quotes")]
pub async fn get_quotes() -> Result<Vec<QuoteDto>, AppError> {
    use crate::domain::access::Access;
    use crate::server::{finish, identity::authz, prop::participants, state};
    finish(
        async move {
            authz::require(Access::SignedIn)?;
            participants::quotes(&state()?.db).await
        }
        .await,
    )
}

/// A market order on one of the trader's simulated accounts.
#[server(endpoint = "trade/open")]
pub async fn open_position(
    account_id: i64,
    symbol: String,
    side: String,
    volume: String,
    stop_loss: String,
    take_profit: String,
) -> Result<(), AppError> {
    use crate::domain::access::Access;
    use crate::server::trading::sim::{self, Order};
    use crate::server::{finish, identity::authz, state};
    finish(
        async move {
            let me = authz::require(Access::Client)?;
            let order = Order {
                symbol,
                side,
                volume,
                stop_loss,
                take_profit,
            };
            sim::open(&state()?.db, me.user_id, account_id, order).await
        }
        .await,
    )
}

#[server(endpoint = "trade/close")]
pub async fn close_position(position_id: i64) -> Result<(), AppError> {
    use crate::domain::access::Access;
    use crate::server::{finish, identity::authz, state, trading::sim};
    finish(
        async move {
            let me = authz::require(Access::Client)?;
            sim::close(&state()?.db, me.user_id, position_id).await
        }
        .await,
    )
}
