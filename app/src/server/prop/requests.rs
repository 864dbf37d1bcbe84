//! What participation, live-step, retry and profit-share requests do when they are decided.
use crate::domain::approval::{RequestKind, RequestStatus};
use crate::error::AppError;
use crate::register_request_handler;
use crate::server::approvals::handlers::RequestHandler;
use crate::server::entity::request;
use crate::server::prop::{participation, profit_share};
use sea_orm::{DatabaseConnection, DatabaseTransaction};

struct ParticipationRequests;
register_request_handler!(ParticipationRequests);

#[async_trait::async_trait]
impl RequestHandler for ParticipationRequests {
    fn kinds(&self) -> &'static [RequestKind] {
        &[
            RequestKind::Participation,
            RequestKind::LiveStep,
            RequestKind::Retry,
        ]
    }

    async fn on_paid(
        &self,
        txn: &DatabaseTransaction,
        req: &request::Model,
    ) -> Result<(), AppError> {
        if req.kind == RequestKind::Participation {
            participation::on_paid(txn, req).await?;
        }
        Ok(())
    }

    async fn on_approved(
        &self,
        txn: &DatabaseTransaction,
        req: &request::Model,
        _actor: Option<i64>,
    ) -> Result<(), AppError> {
        participation::on_approved(txn, req).await
    }

    async fn on_closed(
        &self,
        txn: &DatabaseTransaction,
        req: &request::Model,
        to: RequestStatus,
    ) -> Result<(), AppError> {
        participation::on_closed(txn, req, to).await
    }
}

struct ProfitShareRequests;
register_request_handler!(ProfitShareRequests);

#[async_trait::async_trait]
impl RequestHandler for ProfitShareRequests {
    fn kinds(&self) -> &'static [RequestKind] {
        &[RequestKind::ProfitShare]
    }

    async fn on_approved(
        &self,
        txn: &DatabaseTransaction,
        req: &request::Model,
        actor: Option<i64>,
    ) -> Result<(), AppError> {
        profit_share::on_approved(txn, req, actor).await
    }

    async fn on_closed(
        &self,
        txn: &DatabaseTransaction,
        req: &request::Model,
        _to: RequestStatus,
    ) -> Result<(), AppError> {
        profit_share::on_rejected(txn, req).await
    }

    async fn describe(
        &self,
        db: &DatabaseConnection,
        req: &request::Model,
    ) -> Result<Option<Vec<(String, String)>>, AppError> {
        Ok(Some(profit_share::describe(db, req).await?))
    }
}
