use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bridge_nonce")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub bridge_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub nonce: String,
    pub seen_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
