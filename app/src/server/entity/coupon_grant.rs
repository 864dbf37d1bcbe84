use sea_orm::entity::prelude::*;

/// A coupon granted to one client.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "coupon_grant")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub coupon_id: i64,
    pub user_id: i64,
    /// staff | signup | link
    pub source: String,
    pub granted_by: Option<i64>,
    pub granted_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
