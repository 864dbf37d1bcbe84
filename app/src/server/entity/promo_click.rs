use sea_orm::entity::prelude::*;

/// A link's clicks on one day ("2026-12-04", UTC).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "promo_click")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub link_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: String,
    pub clicks: i64,
}

impl ActiveModelBehavior for ActiveModel {}
