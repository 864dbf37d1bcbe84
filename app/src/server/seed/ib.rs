//! The IB part of the demo data: the "Partners" rank set (Bronze, Silver, Gold) with the demo
//! IB at Gold, a three-level tree under her (a sub-IB at Silver, his trader, and the trader's
//! own referral), two promotional links with ten days of visits and sign-ups, and the fee
//! commissions of both structures and the profit-share cut the demo challenges pay (see
//! `seed::prop`, whose purchases pay them through the real services).
use super::{NewUser, ensure_user};
use crate::domain::access::UserKind;
use crate::domain::ib::{
    CommissionBase, FeeCommissions, LevelPlan, RankPayout, RankPlan, Rebate, TierRebate,
};
use crate::error::AppError;
use crate::model::{LinkForm, RankSetForm, TierForm};
use crate::server::RuntimeConfig;
use crate::server::entity::{promo_click, user};
use crate::server::ib::{links, tiers};
use crate::server::infra::origin::Origin;
use crate::server::settings;
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

/// What the prop seed needs from here: the plans its challenges pay and the tree's buyers.
pub struct Programme {
    pub classic: FeeCommissions,
    pub instant: FeeCommissions,
    /// The sub-IB's trader and the trader's referral, who buy challenges.
    pub buyers: Vec<i64>,
}

pub async fn seed(
    db: &DatabaseConnection,
    cfg: &RuntimeConfig,
    admin: i64,
    ib: i64,
) -> Result<Programme, AppError> {
    let o = Origin::internal("seed");
    let set = match settings::ranks::list(db)
        .await?
        .into_iter()
        .find(|s| s.name == "Partners")
    {
        Some(s) => s,
        None => {
            let form = RankSetForm {
                id: 0,
                name: "Partners".into(),
                tiers: ["Bronze", "Silver", "Gold"]
                    .into_iter()
                    .map(|n| TierForm {
                        id: 0,
                        name: n.into(),
                    })
                    .collect(),
            };
            settings::ranks::save(db, admin, form, &o).await?
        }
    };
    let tier = |n: usize| set.tiers.get(n).map_or(0, |t| t.id);
    let client = |email, first, last, kind, referrer, days| NewUser {
        kind,
        email,
        password: "Client-demo-2026",
        first_name: first,
        last_name: last,
        country: "GB",
        phone: "+441632960000",
        role: None,
        referrer_id: Some(referrer),
        created_days_ago: days,
    };
    let (omar, _) = ensure_user(
        db,
        cfg,
        client(
            "omar.haddad@example.com",
            "Omar",
            "Haddad",
            UserKind::Ib,
            ib,
            15,
        ),
    )
    .await?;
    let (mei, _) = ensure_user(
        db,
        cfg,
        client(
            "mei.lin@example.com",
            "Mei",
            "Lin",
            UserKind::Trader,
            omar.id,
            8,
        ),
    )
    .await?;
    let (jonas, _) = ensure_user(
        db,
        cfg,
        client(
            "jonas.berg@example.com",
            "Jonas",
            "Berg",
            UserKind::Trader,
            mei.id,
            3,
        ),
    )
    .await?;
    tiers::set_tier(db, admin, ib, Some(tier(2)), &o).await?;
    tiers::set_tier(db, admin, omar.id, Some(tier(1)), &o).await?;
    promo_links(db, cfg, ib, &[mei.id, jonas.id]).await?;
    let classic = FeeCommissions {
        base: CommissionBase::Paid,
        levels: Some(LevelPlan {
            include_challenger: false,
            levels: vec![
                Rebate::Percent(1_000),
                Rebate::Percent(500),
                Rebate::Percent(200),
            ],
        }),
        rank: Some(RankPlan {
            rank_set_id: set.id,
            tiers: vec![
                TierRebate {
                    tier_id: tier(0),
                    rebate: Rebate::Percent(300),
                },
                TierRebate {
                    tier_id: tier(1),
                    rebate: Rebate::Percent(500),
                },
                TierRebate {
                    tier_id: tier(2),
                    rebate: Rebate::Percent(800),
                },
            ],
            overriding: Some(Rebate::Percent(2_000)),
            same_rank: Some(Rebate::Fixed(200)),
            payout: RankPayout::RealTime,
        }),
    };
    let instant = FeeCommissions {
        base: CommissionBase::Paid,
        levels: Some(LevelPlan {
            include_challenger: false,
            levels: vec![Rebate::Fixed(1_500)],
        }),
        rank: None,
    };
    Ok(Programme {
        classic,
        instant,
        buyers: vec![mei.id, jonas.id],
    })
}

/// The demo IB's two links: one to registration, one to the instant challenge (made once the
/// challenge exists: `challenge_link`). Ten days of clicks; the tree's newest two clients
/// signed up through the first.
async fn promo_links(
    db: &DatabaseConnection,
    cfg: &RuntimeConfig,
    ib: i64,
    signups: &[i64],
) -> Result<(), AppError> {
    let o = Origin::internal("seed");
    let form = LinkForm {
        name: "Spring webinar".into(),
        target: "register".into(),
        challenge_id: 0,
    };
    let link = links::create(db, links::Owner::Ib(ib), ib, form, &cfg.public_url, &o).await?;
    clicks(db, link.id, &[14, 9, 22, 17, 31, 12, 8, 19, 25, 11]).await?;
    user::Entity::update_many()
        .col_expr(user::Column::PromoLinkId, Expr::value(Some(link.id)))
        .filter(user::Column::Id.is_in(signups.iter().copied()))
        .exec(db)
        .await?;
    Ok(())
}

/// The second link, to a published challenge.
pub async fn challenge_link(
    db: &DatabaseConnection,
    cfg: &RuntimeConfig,
    ib: i64,
    challenge: i64,
) -> Result<(), AppError> {
    let form = LinkForm {
        name: "Instant funding promo".into(),
        target: "challenge".into(),
        challenge_id: challenge,
    };
    let o = Origin::internal("seed");
    let link = links::create(db, links::Owner::Ib(ib), ib, form, &cfg.public_url, &o).await?;
    clicks(db, link.id, &[3, 6, 4, 9, 7, 5, 8, 2, 6, 4]).await
}

/// Visits counted on the last days, the oldest first.
async fn clicks(db: &DatabaseConnection, link: i64, per_day: &[i64]) -> Result<(), AppError> {
    let today = Utc::now().date_naive();
    let n = per_day.len() as i64;
    let rows = per_day
        .iter()
        .enumerate()
        .map(|(i, c)| promo_click::ActiveModel {
            link_id: Set(link),
            day: Set((today - Duration::days(n - 1 - i as i64))
                .format("%Y-%m-%d")
                .to_string()),
            clicks: Set(*c),
        });
    promo_click::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}
