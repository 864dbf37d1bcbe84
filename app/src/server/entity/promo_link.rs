use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "promo_link")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// None: the firm's.
    pub owner_id: Option<i64>,
    pub name: String,
    pub code: String,
    /// register | challenge
    pub target: String,
    pub challenge_id: Option<i64>,
    pub archived: bool,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
