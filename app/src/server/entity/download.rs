use crate::domain::support::{DownloadCategory, Os};
use sea_orm::entity::prelude::*;

/// An entry of the download centre: a file (an upload) or a link.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "download")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub category: DownloadCategory,
    pub os: Os,
    /// Title and description by language code, as JSON objects.
    pub titles: String,
    pub descriptions: String,
    /// The link, when it is not a file.
    pub url: String,
    pub upload_id: Option<i64>,
    pub position: i32,
    /// The client groups that see it, a JSON list of ids; empty: every group.
    pub group_ids: String,
    pub active: bool,
    pub download_count: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
