//! Text messages. The sender is pluggable: a firm's provider implements `SmsSender`; without
//! one, the development sender records each message in `sms_outbox` (as the mail outbox does
//! for email), where tests and staff can read it.
use crate::error::AppError;
use crate::server::entity::sms_outbox;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};

/// Sends one text message, in the caller's transaction (a message is recorded only if what
/// asked for it commits).
pub trait SmsSender: Send + Sync {
    fn send<'a>(
        &'a self,
        db: &'a sea_orm::DatabaseTransaction,
        to: &'a str,
        body: &'a str,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), AppError>> + Send + 'a>>;
}

/// The development sender: the message goes to `sms_outbox`, nowhere else.
pub struct DevOutbox;

impl SmsSender for DevOutbox {
    fn send<'a>(
        &'a self,
        db: &'a sea_orm::DatabaseTransaction,
        to: &'a str,
        body: &'a str,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), AppError>> + Send + 'a>>
    {
        Box::pin(record(db, to, body))
    }
}

async fn record(db: &impl ConnectionTrait, to: &str, body: &str) -> Result<(), AppError> {
    sms_outbox::ActiveModel {
        to_number: Set(to.into()),
        body: Set(body.into()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The sender in use. A provider would be chosen here from the configuration.
pub fn sender() -> &'static dyn SmsSender {
    &DevOutbox
}
