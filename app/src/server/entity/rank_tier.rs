use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rank_tier")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub rank_set_id: i64,
    /// 1 is the lowest.
    pub position: i32,
    pub name: String,
}

impl ActiveModelBehavior for ActiveModel {}
