//! Email templates in the back office: the list of every email the system sends, a wording
//! per language (saved only when its placeholders and markup check out, or reset to the
//! code's), a preview and a test send with sample values, and the outbox's sent/failed log.
use crate::error::AppError;
use crate::i18n::{self, Locale};
use crate::model::{ListQuery, MailPreview, MailRow, MailStatus, Page, TemplateRow, TemplateText};
use crate::server::entity::{mail_outbox, mail_template, user};
use crate::server::identity::scope::Scope;
use crate::server::infra::db::Write;
use crate::server::infra::mail_templates::{self as tpl, Rendered};
use crate::server::infra::origin::Origin;
use crate::server::infra::{audit, list, mail};
use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder,
};
use std::collections::BTreeMap;

fn locale(code: &str) -> Result<Locale, AppError> {
    Locale::ALL
        .into_iter()
        .find(|l| l.code() == code)
        .ok_or_else(|| AppError::field("locale", "err.locale_unknown"))
}

/// Every template, with the languages the firm reworded.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<TemplateRow>, AppError> {
    let own = mail_template::Entity::find().all(db).await?;
    Ok(tpl::catalogue()
        .into_iter()
        .map(|t| TemplateRow {
            edited: own
                .iter()
                .filter(|o| o.key == t.key)
                .map(|o| o.locale.clone())
                .collect(),
            key: t.key,
            placeholders: t.placeholders,
        })
        .collect())
}

/// A template's wording in one language.
pub async fn get(
    db: &impl ConnectionTrait,
    key: &str,
    code: &str,
) -> Result<TemplateText, AppError> {
    tpl::find(key).ok_or(AppError::NotFound)?;
    let (subject, body, edited) = tpl::wording(db, key, locale(code)?).await?;
    Ok(TemplateText {
        key: key.into(),
        locale: code.into(),
        subject,
        body,
        edited,
    })
}

/// Saves the firm's wording of a template in one language, once it checks out.
pub async fn save(
    db: &DatabaseConnection,
    staff: i64,
    t: TemplateText,
    from: &Origin,
) -> Result<TemplateText, AppError> {
    locale(&t.locale)?;
    tpl::check(&t.key, &t.subject, &t.body)?;
    let txn = db.write().await?;
    mail_template::Entity::insert(mail_template::ActiveModel {
        key: Set(t.key.clone()),
        locale: Set(t.locale.clone()),
        subject: Set(t.subject.trim().to_string()),
        body: Set(t.body.clone()),
        updated_by: Set(staff),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::columns([mail_template::Column::Key, mail_template::Column::Locale])
            .update_columns([
                mail_template::Column::Subject,
                mail_template::Column::Body,
                mail_template::Column::UpdatedBy,
                mail_template::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        Some(staff),
        "mail_template.saved",
        "mail_template",
        None,
        serde_json::json!({"key": t.key, "locale": t.locale}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    get(db, &t.key, &t.locale).await
}

/// Goes back to the code's wording of a template in one language.
pub async fn reset(
    db: &DatabaseConnection,
    staff: i64,
    key: &str,
    code: &str,
    from: &Origin,
) -> Result<TemplateText, AppError> {
    locale(code)?;
    tpl::find(key).ok_or(AppError::NotFound)?;
    let txn = db.write().await?;
    mail_template::Entity::delete_by_id((key.to_string(), code.to_string()))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Some(staff),
        "mail_template.reset",
        "mail_template",
        None,
        serde_json::json!({"key": key, "locale": code}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    get(db, key, code).await
}

/// A sample value for each placeholder, so a preview reads as a real email.
fn samples(placeholders: &[String], l: Locale) -> BTreeMap<String, String> {
    let sample = |p: &str| -> String {
        match p {
            "name" => "Ana".into(),
            "link" => "https://propdesk.example/login".into(),
            "id" => "1042".into(),
            "kind" => i18n::tr(l, "appr.kind_participation").into(),
            "reason" => i18n::tr(l, "msg.sample_reason").into(),
            "challenge" => "Classic 2-Step".into(),
            "stage" => "1".into(),
            "login" => "100234".into(),
            "amount" | "value" | "limit" => "250.00 USD".into(),
            "period" => "2026-11".into(),
            "share" => "80%".into(),
            "days" | "trading_days" | "min" => "3".into(),
            "rule" => i18n::tr(l, "rule.max_daily_loss").into(),
            "text" => i18n::tr(l, "msg.sample_text").into(),
            "code" => "482913".into(),
            "time" => "2026-12-05 09:30 UTC".into(),
            "ip" => "203.0.113.7".into(),
            "country" => "PT".into(),
            "device" => "Firefox on Windows".into(),
            other => format!("[{other}]"),
        }
    };
    placeholders
        .iter()
        .map(|p| (p.clone(), sample(p)))
        .collect()
}

fn rendered(t: &TemplateText) -> Result<Rendered, AppError> {
    let l = locale(&t.locale)?;
    let found = tpl::find(&t.key).ok_or(AppError::NotFound)?;
    tpl::check(&t.key, &t.subject, &t.body)?;
    Ok(tpl::render(
        &t.subject,
        &t.body,
        &samples(&found.placeholders, l),
    ))
}

/// The wording being edited, checked and filled with sample values.
pub fn preview(t: &TemplateText) -> Result<MailPreview, AppError> {
    let r = rendered(t)?;
    Ok(MailPreview {
        subject: r.subject,
        text: r.text,
        html: r.html,
    })
}

/// Sends the wording being edited, with sample values, to the staff member's own address.
pub async fn test_send(
    db: &DatabaseConnection,
    staff: i64,
    t: &TemplateText,
) -> Result<String, AppError> {
    let r = rendered(t)?;
    let me = user::Entity::find_by_id(staff)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let subject = format!(
        "[{}] {}",
        i18n::tr(locale(&t.locale)?, "msg.test"),
        r.subject
    );
    mail::queue(db, &me.email, &subject, &r.text, r.html.as_deref()).await?;
    Ok(me.email)
}

fn status(m: &mail_outbox::Model) -> MailStatus {
    if m.sent_at.is_some() {
        MailStatus::Sent
    } else if m.attempts >= mail::MAX_ATTEMPTS {
        MailStatus::Failed
    } else if m.attempts > 0 {
        MailStatus::Retrying
    } else {
        MailStatus::Pending
    }
}

/// The outbox, newest first: `q.q` finds by address or subject, `q.filter` keeps one status.
/// The mail log: every email for the whole firm; for a data scope, those to its clients.
pub async fn outbox(
    db: &impl ConnectionTrait,
    scope: &Scope,
    q: &ListQuery,
    paged: bool,
) -> Result<Page<MailRow>, AppError> {
    use mail_outbox::Column as C;
    let mut select = mail_outbox::Entity::find();
    if let Some(emails) = scope.emails() {
        select = select.filter(C::ToAddr.in_subquery(emails));
    }
    if let Some(c) = list::search(&q.q, &[C::ToAddr, C::Subject]) {
        select = select.filter(c);
    }
    select = match q.filter.as_str() {
        "" => select,
        "sent" => select.filter(C::SentAt.is_not_null()),
        "failed" => select
            .filter(C::SentAt.is_null())
            .filter(C::Attempts.gte(mail::MAX_ATTEMPTS)),
        "retrying" => select.filter(
            Condition::all()
                .add(C::SentAt.is_null())
                .add(C::Attempts.gt(0))
                .add(C::Attempts.lt(mail::MAX_ATTEMPTS)),
        ),
        "pending" => select.filter(C::SentAt.is_null()).filter(C::Attempts.eq(0)),
        _ => return Err(AppError::field("filter", "err.filter_invalid")),
    };
    let (rows, total) = list::fetch(db, select.order_by_desc(C::Id), q, paged).await?;
    let time = |t: chrono::DateTime<Utc>| t.format("%Y-%m-%d %H:%M:%S").to_string();
    let rows = rows
        .into_iter()
        .map(|m| MailRow {
            status: status(&m),
            id: m.id,
            to: m.to_addr,
            subject: m.subject,
            created_at: time(m.created_at),
            sent_at: m.sent_at.map(time).unwrap_or_default(),
            attempts: m.attempts,
            last_error: m.last_error.unwrap_or_default(),
        })
        .collect();
    Ok(list::page(rows, total, q, paged))
}
