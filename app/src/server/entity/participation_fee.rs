use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "participation_fee")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub participant_id: i64,
    pub user_id: i64,
    pub challenge_id: i64,
    pub referrer_id: Option<i64>,
    pub kind: String,
    pub currency: String,
    pub amount_minor: i64,
    /// The fee before any discount (a refund: negative, as the amount).
    pub list_minor: i64,
    pub entry_id: i64,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
