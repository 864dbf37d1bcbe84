//! What the firm's notices exchange between the pages and their server functions.
use crate::domain::messages::NoticeAudience;
use serde::{Deserialize, Serialize};

/// A notice to send: a title and text in English (required) and Spanish (optional: English is
/// shown), an optional link and coupon (0: none), the audience, and when (`send_at`, UTC,
/// `YYYY-MM-DDTHH:MM`; empty: now).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NoticeForm {
    pub title_en: String,
    pub body_en: String,
    pub title_es: String,
    pub body_es: String,
    pub link: String,
    pub coupon_id: i64,
    pub audience: String,
    pub group_ids: Vec<i64>,
    /// E-mail addresses of a list audience.
    pub clients: String,
    pub send_at: String,
}

/// A notice as the back office lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeRow {
    pub id: i64,
    pub title: String,
    pub audience: NoticeAudience,
    /// The coupon's title, "" without.
    pub coupon: String,
    pub link: String,
    pub send_at: String,
    /// "" while it waits for `send_at`.
    pub sent_at: String,
    pub recipients: u32,
}

/// What the notice composer offers: client groups and the coupons that may be attached.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeChoices {
    pub groups: Vec<(i64, String)>,
    pub coupons: Vec<(i64, String)>,
}

/// A firm notice the client has not read yet, shown as a pop-up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Popup {
    /// The notification's id (closing the pop-up marks it read).
    pub id: i64,
    pub title: String,
    pub body: String,
    pub link: String,
    /// The coupon it granted ("title · discount"), "" without.
    pub coupon: String,
}

/// An email template as the back office lists it: its key, the placeholders its wording may
/// use, and the languages the firm has reworded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateRow {
    pub key: String,
    pub placeholders: Vec<String>,
    pub edited: Vec<String>,
}

/// A template's wording in one language, as the editor opens it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TemplateText {
    pub key: String,
    pub locale: String,
    pub subject: String,
    pub body: String,
    /// The firm's wording (false: the code's).
    pub edited: bool,
}

/// A template rendered with sample values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailPreview {
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}

/// Where a queued email stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailStatus {
    Pending,
    Retrying,
    Sent,
    Failed,
}

/// One email of the outbox, for the sent/failed log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailRow {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub created_at: String,
    pub sent_at: String,
    pub attempts: i32,
    pub last_error: String,
    pub status: MailStatus,
}
