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
