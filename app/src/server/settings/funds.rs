//! The money limits and the KYC policy for deposits, withdrawals and transfers.
use super::*;
use crate::domain::approval::KYC_ACTIONS;
use crate::error::AppError;
use crate::model::FundsSettings;
use crate::server::entity::setting;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};

pub(super) const FUNDS_KEY: &str = "funds";
/// The most pending requests of one kind a client may have, unless the firm says otherwise.
pub(super) const DEFAULT_MAX_PENDING: u32 = 3;

pub async fn funds_settings(db: &impl ConnectionTrait) -> Result<FundsSettings, AppError> {
    let stored = setting::Entity::find_by_id(FUNDS_KEY).one(db).await?;
    Ok(stored
        .and_then(|s| serde_json::from_str(&s.value).ok())
        .unwrap_or(FundsSettings {
            kyc_policy: vec!["withdrawal".into()],
            max_pending: DEFAULT_MAX_PENDING,
            third_party_transfers: false,
        }))
}

pub async fn save_funds_settings(
    db: &DatabaseConnection,
    actor: i64,
    mut s: FundsSettings,
) -> Result<(), AppError> {
    if s.kyc_policy
        .iter()
        .any(|a| !KYC_ACTIONS.contains(&a.as_str()))
    {
        return Err(AppError::field("kyc_policy", "err.kyc_action_unknown"));
    }
    if !(1..=100).contains(&s.max_pending) {
        return Err(AppError::field("max_pending", "err.max_pending_range"));
    }
    s.kyc_policy.sort();
    s.kyc_policy.dedup();
    save_audited(db, actor, FUNDS_KEY, "firm.funds", &s).await
}
