//! What a request does when it is submitted, paid, approved, rejected or cancelled. The engine
//! moves every request the same way; each area registers a handler for its own kinds with
//! [`register!`](crate::register_request_handler), so the engine imports none of its consumers.
//! Every hook runs inside the transaction that moves the request, so an effect happens exactly
//! when its transition does.
use crate::domain::approval::{RequestKind, RequestStatus};
use crate::error::AppError;
use crate::server::entity::request;
use sea_orm::{DatabaseConnection, DatabaseTransaction};

#[async_trait::async_trait]
pub trait RequestHandler: Sync {
    /// The kinds this handler answers for; each kind has exactly one handler.
    fn kinds(&self) -> &'static [RequestKind];

    /// Just after the request is stored (a withdrawal's hold is placed here).
    async fn on_submitted(
        &self,
        _txn: &DatabaseTransaction,
        _req: &request::Model,
        _hold: Option<HoldWanted>,
    ) -> Result<(), AppError> {
        Ok(())
    }

    /// Staff changed the amount of a pending request.
    async fn on_amount_changed(
        &self,
        _txn: &DatabaseTransaction,
        _req: &request::Model,
        _new_minor: i64,
    ) -> Result<(), AppError> {
        Ok(())
    }

    /// A request paid in advance was reported paid.
    async fn on_paid(
        &self,
        _txn: &DatabaseTransaction,
        _req: &request::Model,
    ) -> Result<(), AppError> {
        Ok(())
    }

    async fn on_approved(
        &self,
        txn: &DatabaseTransaction,
        req: &request::Model,
        actor: Option<i64>,
    ) -> Result<(), AppError>;

    /// Rejected or cancelled (`to` says which).
    async fn on_closed(
        &self,
        _txn: &DatabaseTransaction,
        _req: &request::Model,
        _to: RequestStatus,
    ) -> Result<(), AppError> {
        Ok(())
    }

    /// Labelled details for the review page (i18n keys as labels), shown before the generic
    /// ones. `None` keeps the generic listing of the request's payload; `Some` replaces it.
    async fn describe(
        &self,
        _db: &DatabaseConnection,
        _req: &request::Model,
    ) -> Result<Option<Vec<(String, String)>>, AppError> {
        Ok(None)
    }
}

/// Money set aside when a request is submitted: `amount_minor` from `wallet`, with the
/// transfer's `credit_wallet` locked in the same order.
#[derive(Clone, Copy, Debug)]
pub struct HoldWanted {
    pub wallet: i64,
    pub credit_wallet: Option<i64>,
    pub amount_minor: i64,
}

pub struct Registration(pub &'static dyn RequestHandler);
inventory::collect!(Registration);

/// Registers a handler (a unit struct implementing [`RequestHandler`]) with the engine.
#[macro_export]
macro_rules! register_request_handler {
    ($handler:expr) => {
        inventory::submit! { $crate::server::approvals::handlers::Registration(&$handler) }
    };
}

/// The handler of `kind`. Every kind has one (a test checks it), so a missing one is a bug.
pub fn of(kind: RequestKind) -> Result<&'static dyn RequestHandler, AppError> {
    inventory::iter::<Registration>
        .into_iter()
        .map(|r| r.0)
        .find(|h| h.kinds().contains(&kind))
        .ok_or_else(|| {
            AppError::internal(format_args!(
                "no handler registered for request kind {}",
                kind.as_str()
            ))
        })
}

pub fn of_request(req: &request::Model) -> Result<&'static dyn RequestHandler, AppError> {
    of(req.kind)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_kind_has_exactly_one_handler() {
        for kind in crate::domain::approval::RequestKind::ALL {
            let n = inventory::iter::<super::Registration>
                .into_iter()
                .filter(|r| r.0.kinds().contains(kind))
                .count();
            assert_eq!(n, 1, "{} has {n} handlers", kind.as_str());
        }
    }
}
