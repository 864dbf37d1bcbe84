//! What sign-up, IB-upgrade and KYC requests do when they are decided.
use crate::domain::access::UserKind;
use crate::domain::approval::{RequestKind, RequestStatus};
use crate::domain::kyc::KycStatus;
use crate::error::AppError;
use crate::register_request_handler;
use crate::server::approvals::handlers::RequestHandler;
use crate::server::entity::{request, user};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

struct IdentityRequests;
register_request_handler!(IdentityRequests);

async fn set_user(
    txn: &DatabaseTransaction,
    user_id: i64,
    col: user::Column,
    value: impl Into<sea_orm::Value>,
) -> Result<(), AppError> {
    user::Entity::update_many()
        .col_expr(col, Expr::value(value))
        .col_expr(user::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(user::Column::Id.eq(user_id))
        .exec(txn)
        .await?;
    Ok(())
}

fn kind_of(req: &request::Model) -> Result<RequestKind, AppError> {
    Ok(req.kind)
}

#[async_trait::async_trait]
impl RequestHandler for IdentityRequests {
    fn kinds(&self) -> &'static [RequestKind] {
        &[
            RequestKind::TraderRegistration,
            RequestKind::IbRegistration,
            RequestKind::IbUpgrade,
            RequestKind::Kyc,
        ]
    }

    async fn on_approved(
        &self,
        txn: &DatabaseTransaction,
        req: &request::Model,
        _actor: Option<i64>,
    ) -> Result<(), AppError> {
        match kind_of(req)? {
            RequestKind::IbUpgrade => {
                set_user(txn, req.user_id, user::Column::Kind, UserKind::Ib).await
            }
            RequestKind::Kyc => {
                set_user(
                    txn,
                    req.user_id,
                    user::Column::KycStatus,
                    KycStatus::Approved,
                )
                .await
            }
            _ => set_user(txn, req.user_id, user::Column::Status, "active").await,
        }
    }

    async fn on_closed(
        &self,
        txn: &DatabaseTransaction,
        req: &request::Model,
        to: RequestStatus,
    ) -> Result<(), AppError> {
        match kind_of(req)? {
            RequestKind::Kyc => {
                // A cancelled submission leaves the client where they were before it.
                let status = if to == RequestStatus::Rejected {
                    KycStatus::Rejected
                } else {
                    KycStatus::NotSubmitted
                };
                set_user(txn, req.user_id, user::Column::KycStatus, status).await
            }
            RequestKind::IbUpgrade => Ok(()),
            _ => set_user(txn, req.user_id, user::Column::Status, "rejected").await,
        }
    }
}
