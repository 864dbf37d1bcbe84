//! Firm settings: how each request kind is approved, client groups, deposit and withdrawal
//! methods, exchange rates, the money limits and KYC policy, and the IB programme's rank sets.
use crate::domain::kyc::KycStatus;
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::entity::{setting, user};
use crate::server::infra::audit;
use crate::server::infra::db::Write;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait};

mod approval_levels;
pub use approval_levels::*;
mod groups;
pub use groups::*;
mod methods;
pub use methods::*;
mod rates;
pub use rates::*;
mod funds;
pub use funds::*;
pub mod ranks;
pub mod security;

/// Stores a firm setting as JSON under its key (replacing the value it had).
pub async fn store(
    db: &impl ConnectionTrait,
    key: &str,
    value: &impl serde::Serialize,
) -> Result<(), AppError> {
    setting::Entity::insert(setting::ActiveModel {
        key: Set(key.into()),
        value: Set(serde_json::to_string(value).or_internal("encoding a setting")?),
    })
    .on_conflict(
        OnConflict::column(setting::Column::Key)
            .update_column(setting::Column::Value)
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// `store` a setting a staff member changed, with the audit record of the change.
pub async fn save_audited(
    db: &DatabaseConnection,
    actor: i64,
    key: &str,
    action: &str,
    value: &impl serde::Serialize,
) -> Result<(), AppError> {
    let txn = db.write().await?;
    store(&txn, key, value).await?;
    audit::record(
        &txn,
        Some(actor),
        action,
        "setting",
        None,
        serde_json::to_value(value).unwrap_or_default(),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Refuses an action the firm keeps behind approved KYC when the client's KYC is not approved.
pub async fn require_kyc(
    db: &impl ConnectionTrait,
    client: &user::Model,
    action: &str,
) -> Result<(), AppError> {
    if client.kyc_status == KycStatus::Approved {
        return Ok(());
    }
    if funds_settings(db)
        .await?
        .kyc_policy
        .iter()
        .any(|a| a == action)
    {
        return Err(AppError::KycRequired);
    }
    Ok(())
}
