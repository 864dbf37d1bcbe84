//! Demo offers: a promo code in each state of its lifecycle. WELCOME10 (10% off, once per
//! client) is enabled; SPRING25 is written but not enabled; SUMMER5 was enabled and disabled.
use crate::domain::offers::PromoState;
use crate::error::AppError;
use crate::model::PromoCodeForm;
use crate::server::entity::promo_code;
use crate::server::infra::origin::Origin;
use crate::server::offers::promo_codes;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

pub async fn seed(db: &DatabaseConnection, admin: i64) -> Result<(), AppError> {
    if promo_code::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    let o = Origin::internal("seed");
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
