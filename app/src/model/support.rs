//! Support tickets and the download centre, as both portals see them.
use super::UploadDto;
use crate::domain::support::{DownloadCategory, Os, TicketCategory, TicketPriority, TicketStatus};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A ticket in a list (the client's own, or staff's queue).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TicketRow {
    pub id: i64,
    pub client_id: i64,
    /// The client's name and (masked without `clients.contact`) email; empty in the portal.
    pub client: String,
    pub email: String,
    pub category: TicketCategory,
    pub subject: String,
    pub status: TicketStatus,
    pub priority: TicketPriority,
    pub assignee_id: Option<i64>,
    pub assignee: String,
    #[serde(deserialize_with = "super::instant::read")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "super::instant::read")]
    pub updated_at: DateTime<Utc>,
    #[serde(deserialize_with = "super::instant::read_option")]
    pub first_reply_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TicketMessage {
    pub id: i64,
    pub author: String,
    pub from_client: bool,
    /// A note only staff see (never sent to the portal).
    pub internal: bool,
    pub body: String,
    #[serde(deserialize_with = "super::instant::read")]
    pub created_at: DateTime<Utc>,
    pub attachments: Vec<UploadDto>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TicketDetail {
    pub ticket: TicketRow,
    pub messages: Vec<TicketMessage>,
}

/// A client's new ticket; the files are their own uploads (purpose `ticket`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewTicket {
    pub category: String,
    pub subject: String,
    pub body: String,
    pub upload_ids: Vec<i64>,
}

/// A message on a ticket. Staff may make it an internal note, and set the status it leaves
/// the ticket in (empty: the usual one, `TicketStatus::after_message`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TicketReply {
    pub ticket_id: i64,
    pub body: String,
    pub internal: bool,
    pub status: String,
    pub upload_ids: Vec<i64>,
}

/// Staff's changes to a ticket's handling: who has it (0: nobody), its priority and status.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TicketUpdate {
    pub ticket_id: i64,
    pub assignee_id: i64,
    pub priority: String,
    pub status: String,
}

/// How quickly one staff member answers: tickets they answered first and the median time to
/// that first reply, their replies and the tickets they resolved, over the period asked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResponseStat {
    pub staff_id: i64,
    pub name: String,
    pub first_replies: i64,
    pub median_first_reply_secs: Option<i64>,
    pub replies: i64,
    pub resolved: i64,
}

/// The queue's headline: tickets in each open status, and unassigned.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TicketCounts {
    pub open: i64,
    pub waiting: i64,
    pub unassigned: i64,
    pub resolved: i64,
}

/// An entry of the download centre as staff manage it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DownloadRow {
    pub id: i64,
    pub category: DownloadCategory,
    pub os: Os,
    pub title_en: String,
    pub title_es: String,
    pub description_en: String,
    pub description_es: String,
    pub url: String,
    pub file: Option<UploadDto>,
    pub position: i32,
    pub group_ids: Vec<i64>,
    pub active: bool,
    pub downloads: i64,
}

/// A new (`id` 0) or edited entry: a link (`url`) or a file uploaded by staff (`upload_id`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DownloadForm {
    pub id: i64,
    pub category: String,
    pub os: String,
    pub title_en: String,
    pub title_es: String,
    pub description_en: String,
    pub description_es: String,
    pub url: String,
    pub upload_id: i64,
    pub position: i32,
    pub group_ids: Vec<i64>,
    pub active: bool,
}

/// An entry as a client sees it, in their language; `href` counts the download and sends it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DownloadItem {
    pub id: i64,
    pub category: DownloadCategory,
    pub os: Os,
    pub title: String,
    pub description: String,
    pub is_file: bool,
    pub href: String,
}
