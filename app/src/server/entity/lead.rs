use sea_orm::entity::prelude::*;

/// A prospect before they register (`domain::crm::LeadStatus`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lead")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub country: String,
    pub source: String,
    pub status: String,
    pub owner_id: Option<i64>,
    pub notes: String,
    /// The client they became.
    pub client_id: Option<i64>,
    pub converted_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
