//! The system roles, which exist in every database: made or brought up to date at start-up.
use crate::domain::permission::PermissionSet;
use crate::server::entity::role;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter,
};

pub const ADMIN_ROLE: &str = "Administrator";

/// Makes sure the Administrator role exists and holds every permission this build knows.
pub async fn ensure_system_roles(db: &DatabaseConnection) -> Result<(), DbErr> {
    let all = PermissionSet::all().to_stored();
    match role::Entity::find()
        .filter(role::Column::Name.eq(ADMIN_ROLE))
        .one(db)
        .await?
    {
        Some(r) if r.permissions == all && r.is_system => {}
        Some(r) => {
            let mut am: role::ActiveModel = r.into();
            am.permissions = Set(all);
            am.is_system = Set(true);
            am.update(db).await?;
        }
        None => {
            role::ActiveModel {
                name: Set(ADMIN_ROLE.into()),
                description: Set("Every permission. Cannot be edited or deleted.".into()),
                permissions: Set(all),
                is_system: Set(true),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}
