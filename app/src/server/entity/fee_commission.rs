use crate::domain::ib::Structure;
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fee_commission")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub fee_id: i64,
    pub participant_id: i64,
    pub challenge_id: i64,
    pub buyer_id: i64,
    pub recipient_id: i64,
    pub structure: Structure,
    pub level: i32,
    pub tier_id: Option<i64>,
    pub currency: String,
    pub fee_list_minor: i64,
    pub fee_paid_minor: i64,
    pub amount_minor: i64,
    pub repaid_minor: i64,
    pub debt_minor: i64,
    /// paid | pending | reversed | cancelled
    pub status: String,
    pub reverses_id: Option<i64>,
    pub entry_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub paid_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
