//! Challenges: the cards traders buy from, buying and retrying, and the staff's editor.
use crate::domain::challenge::ChallengeDef;
use crate::error::AppError;
use crate::model::{
    ChallengeCard, ChallengeEdit, ChallengeRow, ParticipantDetail, ParticipantRow, Participation,
    Quote,
};
use leptos::prelude::*;

#[server(endpoint = "prop/challenges")]
pub async fn get_challenge_cards() -> Result<Vec<ChallengeCard>, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::i18n::Locale;
    use crate::server::{prop::challenges, state};
    ctx::serve(Access::Client, |me| async move {
        let locale = Locale::from_request();
        challenges::for_client(&state()?.db, me.user_id, locale.code()).await
    })
    .await
}

/// The price of a package for the caller with the coupon they picked (0: none) and the
/// promo code they typed, before buying.
#[server(endpoint = "prop/quote")]
pub async fn quote_package(
    challenge_id: i64,
    package_key: String,
    #[server(default)] coupon: i64,
    #[server(default)] promo_code: String,
) -> Result<Quote, AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, money::Money};
    use crate::server::prop::participation;
    use crate::server::state;
    ctx::serve(Access::Client, |me| async move {
        let (p, cur) = participation::quote(
            &state()?.db,
            me.user_id,
            challenge_id,
            &package_key,
            coupon,
            &promo_code,
        )
        .await?;
        Ok(Quote {
            list: Money::new(p.list_minor, cur),
            coupon: Money::new(p.coupon_minor, cur),
            promo: Money::new(p.promo_minor, cur),
            discount: Money::new(p.discount_minor(), cur),
            paid: Money::new(p.paid_minor, cur),
        })
    })
    .await
}

/// Buys a package: `pay_method` is "wallet" (the fee leaves the wallet now) or "direct" (the
/// answer names the payment page).
#[server(endpoint = "prop/participate")]
pub async fn participate(
    idempotency_key: String,
    challenge_id: i64,
    package_key: String,
    pay_method: String,
    #[server(default)] coupon: i64,
    #[server(default)] promo_code: String,
) -> Result<Participation, AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, participant::ParticipantStatus};
    use crate::server::prop::participation::{self, ParticipateInput};
    use crate::server::state;
    ctx::serve(Access::Client, |me| async move {
        let input = ParticipateInput {
            coupon,
            promo_code,
            challenge_id,
            package_key,
            pay_method,
            idempotency_key,
        };
        let (p, req) =
            participation::participate(&state()?.db, me.user_id, input, &ctx::origin()).await?;
        let pay_url =
            (p.status == ParticipantStatus::AwaitingPayment).then(|| format!("/pay/{}", req.id));
        Ok(Participation {
            participant_id: p.id,
            status: p.status,
            pay_url,
        })
    })
    .await
}

#[server(endpoint = "prop/mine")]
pub async fn get_my_challenges() -> Result<Vec<ParticipantRow>, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{prop::participants, state};
    ctx::serve(Access::Client, |me| async move {
        participants::mine(&state()?.db, me.user_id).await
    })
    .await
}

#[server(endpoint = "prop/participant")]
pub async fn get_my_participant(id: i64) -> Result<ParticipantDetail, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{prop::participants, state};
    ctx::serve(Access::Client, |me| async move {
        let locale = crate::i18n::Locale::from_request();
        participants::detail(&state()?.db, id, Some(me.user_id), locale.code()).await
    })
    .await
}

#[server(endpoint = "prop/retry")]
pub async fn retry_stage(idempotency_key: String, participant_id: i64) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{prop::participation, state};
    ctx::serve(Access::Client, |me| async move {
        participation::retry(
            &state()?.db,
            me.user_id,
            participant_id,
            &idempotency_key,
            &ctx::origin(),
        )
        .await
        .map(|_| ())
    })
    .await
}

#[server(endpoint = "admin/challenges")]
pub async fn get_challenges() -> Result<Vec<ChallengeRow>, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{prop::challenges, state};
    ctx::serve(
        Access::Staff(Permission::ChallengesManage),
        |_| async move { challenges::list(&state()?.db).await },
    )
    .await
}

/// A challenge for the editor; id 0 gives the template of a new one.
#[server(endpoint = "admin/challenge")]
pub async fn get_challenge_edit(id: i64) -> Result<ChallengeEdit, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{prop::challenges, state};
    ctx::serve(
        Access::Staff(Permission::ChallengesManage),
        |_| async move {
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
        },
    )
    .await
}

/// Saves the definition as a draft (id 0: a new challenge). Returns the challenge's id.
#[server(endpoint = "admin/challenge/save", input = server_fn::codec::Json)]
pub async fn save_challenge(id: i64, def: ChallengeDef) -> Result<i64, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{prop::challenges, state};
    ctx::serve(
        Access::Staff(Permission::ChallengesManage),
        |me| async move {
            let id = (id != 0).then_some(id);
            challenges::save(&state()?.db, me.user_id, id, def, &ctx::origin()).await
        },
    )
    .await
}

/// publish | discard | duplicate | terminate. Returns the challenge to show next.
#[server(endpoint = "admin/challenge/act")]
pub async fn challenge_action(id: i64, action: String) -> Result<i64, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{prop::challenges, state};
    ctx::serve(
        Access::Staff(Permission::ChallengesManage),
        |me| async move {
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
        },
    )
    .await
}
