use sea_orm::entity::prelude::*;

/// The firm's wording of one email in one language.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_template")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub locale: String,
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub updated_by: i64,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
