use crate::domain::access::DataScope;
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "role")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub description: String,
    pub permissions: String,
    pub is_system: bool,
    pub data_scope: DataScope,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
