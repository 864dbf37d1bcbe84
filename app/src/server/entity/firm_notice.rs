use crate::domain::messages::NoticeAudience;
use sea_orm::entity::prelude::*;

/// A notice the firm sends its clients, now or at `send_at`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "firm_notice")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// JSON: {locale: text}.
    pub title: String,
    pub body: String,
    pub link: String,
    pub coupon_id: Option<i64>,
    pub audience: NoticeAudience,
    /// JSON arrays of ids.
    pub group_ids: String,
    pub user_ids: String,
    pub send_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    pub recipients: i32,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
