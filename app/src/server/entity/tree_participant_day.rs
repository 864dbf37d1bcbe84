use sea_orm::entity::prelude::*;

/// How many participants bought on a day (UTC) by the clients under an ancestor stand at a
/// status and stage, on a live account or not.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tree_participant_day")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub ancestor_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: String,
    #[sea_orm(primary_key, auto_increment = false)]
    /// A `ParticipantStatus` name.
    pub status: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub stage: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub live: bool,
    pub n: i64,
}

impl ActiveModelBehavior for ActiveModel {}
