//! Outgoing email. Services queue a message in the same transaction as the change that causes
//! it; a sender delivers the queue, to SMTP when configured and otherwise to `.eml` files in a
//! local outbox folder (development).
use crate::error::AppError;
use crate::server::entity::mail_outbox;
use chrono::{Duration, Utc};
use lettre::message::MultiPart;
use lettre::message::header::ContentType;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::Notify;

/// Attempts after which a message counts as failed (the log shows it; it is not retried).
pub const MAX_ATTEMPTS: i32 = 8;
const CLAIM: i64 = 60;

/// Queues a message: its plain text, and for mail written with markup its HTML too.
pub async fn queue(
    db: &impl ConnectionTrait,
    to: &str,
    subject: &str,
    body: &str,
    html: Option<&str>,
) -> Result<(), AppError> {
    mail_outbox::ActiveModel {
        to_addr: Set(to.into()),
        subject: Set(subject.into()),
        body: Set(body.into()),
        html: Set(html.map(str::to_string)),
        attempts: Set(0),
        last_error: Set(None),
        created_at: Set(Utc::now()),
        claimed_until: Set(None),
        sent_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

pub enum Mailer {
    File(AsyncFileTransport<Tokio1Executor>),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl Mailer {
    /// SMTP when a URL such as `smtps://user:pass@smtp.example.com` is given, else a file outbox.
    pub fn new(smtp_url: Option<&str>, outbox_dir: PathBuf) -> Result<Self, String> {
        match smtp_url {
            Some(url) => AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map(|b| Mailer::Smtp(b.build()))
                .map_err(|e| format!("invalid SMTP URL: {e}")),
            None => {
                std::fs::create_dir_all(&outbox_dir)
                    .map_err(|e| format!("cannot create {}: {e}", outbox_dir.display()))?;
                Ok(Mailer::File(AsyncFileTransport::new(outbox_dir)))
            }
        }
    }

    async fn send(&self, msg: Message) -> Result<(), String> {
        match self {
            Mailer::File(t) => t.send(msg).await.map(|_| ()).map_err(|e| e.to_string()),
            Mailer::Smtp(t) => t.send(msg).await.map(|_| ()).map_err(|e| e.to_string()),
        }
    }
}

/// Delivers queued mail until the process ends: woken at once by `wake`, and every few seconds
/// for retries and for mail queued by other instances.
pub async fn run_sender(db: DatabaseConnection, mailer: Mailer, from: String, wake: Arc<Notify>) {
    loop {
        if let Err(e) = deliver_batch(&db, &mailer, &from).await {
            tracing::warn!(error = %e, "mail delivery pass failed");
        }
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), wake.notified()).await;
    }
}

/// One pass over due mail. Each row is claimed with a conditional update first, so two
/// instances never send the same message.
pub async fn deliver_batch(
    db: &DatabaseConnection,
    mailer: &Mailer,
    from: &str,
) -> Result<usize, AppError> {
    use mail_outbox::Column as C;
    let now = Utc::now();
    let due = |q: sea_orm::Select<mail_outbox::Entity>| {
        q.filter(C::SentAt.is_null())
            .filter(C::Attempts.lt(MAX_ATTEMPTS))
            .filter(
                Condition::any()
                    .add(C::ClaimedUntil.is_null())
                    .add(C::ClaimedUntil.lt(now)),
            )
    };
    let rows = due(mail_outbox::Entity::find())
        .order_by_asc(C::Id)
        .limit(20)
        .all(db)
        .await?;
    let mut sent = 0;
    for row in rows {
        let claimed = mail_outbox::Entity::update_many()
            .col_expr(
                C::ClaimedUntil,
                Expr::value(Some(now + Duration::seconds(CLAIM))),
            )
            .filter(C::Id.eq(row.id))
            .filter(
                Condition::any()
                    .add(C::ClaimedUntil.is_null())
                    .add(C::ClaimedUntil.lt(now)),
            )
            .filter(C::SentAt.is_null())
            .exec(db)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        let result = match build(&row, from) {
            Ok(msg) => mailer.send(msg).await,
            Err(e) => Err(e),
        };
        let mut am: mail_outbox::ActiveModel = row.clone().into();
        match result {
            Ok(()) => {
                am.sent_at = Set(Some(Utc::now()));
                sent += 1;
            }
            Err(e) => {
                tracing::warn!(mail_id = row.id, error = %e, "mail not delivered");
                let attempts = row.attempts + 1;
                am.attempts = Set(attempts);
                am.last_error = Set(Some(e));
                // Back off: 30 s, 1 min, 2 min, ...
                am.claimed_until = Set(Some(Utc::now() + Duration::seconds(30 << attempts.min(8))));
            }
        }
        am.update(db).await?;
    }
    Ok(sent)
}

fn build(row: &mail_outbox::Model, from: &str) -> Result<Message, String> {
    let msg = Message::builder()
        .from(
            from.parse()
                .map_err(|e| format!("bad sender address: {e}"))?,
        )
        .to(row
            .to_addr
            .parse()
            .map_err(|e| format!("bad recipient address: {e}"))?)
        .subject(row.subject.clone());
    match &row.html {
        Some(html) => msg.multipart(MultiPart::alternative_plain_html(
            row.body.clone(),
            html.clone(),
        )),
        None => msg.header(ContentType::TEXT_PLAIN).body(row.body.clone()),
    }
    .map_err(|e| e.to_string())
}
