use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_attempt")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub email: String,
    pub ip: String,
    pub success: bool,
    pub user_agent: String,
    /// Where the sign-in came from (the trusted proxy's country header), if known.
    pub country: String,
    pub at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
