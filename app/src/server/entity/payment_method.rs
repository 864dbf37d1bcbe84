use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payment_method")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub direction: String,
    pub kind: String,
    pub name: String,
    pub currency: String,
    pub min_minor: i64,
    pub max_minor: i64,
    pub fee_bps: i64,
    pub fee_fixed_minor: i64,
    pub fee_cap_minor: i64,
    pub group_ids: String,
    pub instructions: String,
    pub enabled: bool,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
