//! The client's dashboard: their wallets, the challenges under way, the requests waiting for a
//! decision (the newest notifications come from the notifications feed).
use crate::domain::participant::ParticipantStatus;
use crate::error::AppError;
use crate::model::{ClientHome, ListQuery};
use crate::server::{approvals, money::wallets, prop::participants};
use sea_orm::DatabaseConnection;

/// How many pending requests the dashboard lists.
const PENDING_SHOWN: u64 = 5;

pub async fn summary(db: &DatabaseConnection, user_id: i64) -> Result<ClientHome, AppError> {
    let wallets = wallets::client_summary(db, user_id).await?.wallets;
    let challenges = participants::mine(db, user_id)
        .await?
        .into_iter()
        .filter(|p| {
            matches!(
                p.status,
                ParticipantStatus::InProgress
                    | ParticipantStatus::PendingLive
                    | ParticipantStatus::PendingApproval
                    | ParticipantStatus::AwaitingPayment
                    | ParticipantStatus::RetryPending
            )
        })
        .map(Into::into)
        .collect();
    let q = ListQuery {
        filter: "pending".into(),
        per_page: PENDING_SHOWN,
        ..Default::default()
    };
    let pending = approvals::list_for_client(db, user_id, &q, true)
        .await?
        .rows
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(ClientHome {
        wallets,
        challenges,
        pending,
    })
}
