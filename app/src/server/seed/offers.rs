//! Demo offers: a promo code in each state of its lifecycle (WELCOME10, 10% off once per
//! client, is enabled; SPRING25 is written but not enabled; SUMMER5 was enabled and disabled),
//! and three coupons: 15% for whoever signs up through the IB's "Spring webinar" link, 20% once
//! for the VIP group, and 10.00 USD for the demo trader that also comes off retry fees.
use crate::domain::offers::PromoState;
use crate::error::AppError;
use crate::model::{CouponForm, PromoCodeForm};
use crate::server::entity::{client_group, promo_code, promo_link, user};
use crate::server::infra::origin::Origin;
use crate::server::offers::{coupons, promo_codes};
use crate::server::prop::challenges;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

pub async fn seed(db: &DatabaseConnection, admin: i64, trader: i64) -> Result<(), AppError> {
    if promo_code::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    let o = Origin::internal("seed");
    seed_coupons(db, admin, trader, &o).await?;
    let codes = [
        (
            "WELCOME10",
            "Welcome",
            "10%",
            "",
            1,
            vec![PromoState::Enabled],
        ),
        ("SPRING25", "Spring sale", "25%", "", 0, vec![]),
        (
            "SUMMER5",
            "Summer",
            "5.00",
            "USD",
            0,
            vec![PromoState::Enabled, PromoState::Disabled],
        ),
    ];
    for (code, name, discount, currency, per_client, states) in codes {
        let form = PromoCodeForm {
            code: code.into(),
            name: name.into(),
            discount: discount.into(),
            currency: currency.into(),
            per_client,
            combinable: true,
            ..Default::default()
        };
        let saved = promo_codes::save(db, admin, form, &o).await?;
        for s in states {
            promo_codes::set_state(db, admin, saved.id, s, &o).await?;
        }
    }
    Ok(())
}

async fn seed_coupons(
    db: &DatabaseConnection,
    admin: i64,
    trader: i64,
    o: &Origin,
) -> Result<(), AppError> {
    let catalogue = challenges::on_sale(db).await?;
    let card = |title: &str, colour: &str, body: &str, discount: &str| CouponForm {
        title: title.into(),
        colour: colour.into(),
        body: body.into(),
        discount: discount.into(),
        currency: if discount.ends_with('%') { "" } else { "USD" }.into(),
        ..Default::default()
    };
    let webinar = promo_link::Entity::find()
        .filter(promo_link::Column::Name.eq("Spring webinar"))
        .one(db)
        .await?;
    let vip = client_group::Entity::find()
        .filter(client_group::Column::Name.eq("VIP"))
        .one(db)
        .await?;
    let email = user::Entity::find_by_id(trader)
        .one(db)
        .await?
        .map(|u| u.email)
        .unwrap_or_default();
    let mut forms = vec![CouponForm {
        audience: "list".into(),
        clients: email,
        per_client: 2,
        on_retry: true,
        ..card(
            "Loyalty",
            "#7c3aed",
            "Thank you for trading with us: 10.00 off, retries included.",
            "10.00",
        )
    }];
    if let Some(link) = webinar {
        forms.push(CouponForm {
            audience: "new_clients".into(),
            link_code: link.code,
            per_client: 1,
            ..card(
                "Webinar welcome",
                "#16a34a",
                "15% off your first challenge, for joining our spring webinar.",
                "15%",
            )
        });
    }
    if let Some(g) = vip {
        forms.push(CouponForm {
            audience: "groups".into(),
            group_ids: vec![g.id],
            per_client: 1,
            total_limit: 50,
            ..card(
                "VIP 20",
                "#d97706",
                "20% off one challenge for our VIP clients.",
                "20%",
            )
        });
    }
    for f in forms {
        coupons::save(db, admin, f, &catalogue, o).await?;
    }
    Ok(())
}
