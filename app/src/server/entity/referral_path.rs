use sea_orm::entity::prelude::*;

/// One (ancestor, descendant) pair of the referral tree; depth 1 is the direct referrer.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referral_path")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub ancestor_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub descendant_id: i64,
    pub depth: i32,
}

impl ActiveModelBehavior for ActiveModel {}
