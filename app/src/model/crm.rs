//! The CRM's DTOs: the client's page, notes, tags, sign-ins.
use super::AuditRow;
use crate::domain::access::UserKind;
use crate::domain::kyc::KycStatus;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Everything the back office's client page shows at the top and on its overview tab; the
/// other tabs (money, requests, challenges, referrals) read the areas that keep them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientRecord {
    pub id: i64,
    pub kind: UserKind,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub country: String,
    pub phone: String,
    pub locale: String,
    pub status: String,
    pub kyc_status: KycStatus,
    pub group_id: Option<i64>,
    pub group: String,
    pub owner_id: Option<i64>,
    pub owner: String,
    pub referrer_id: Option<i64>,
    pub referrer: String,
    pub referral_code: String,
    #[serde(deserialize_with = "super::instant::read")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "super::instant::read_option")]
    pub last_login_at: Option<DateTime<Utc>>,
    pub tags: Vec<TagDto>,
    pub notes: Vec<NoteDto>,
    pub sign_ins: Vec<SignInDto>,
    /// The audit records about the client (staff actions and their own security changes).
    pub activity: Vec<AuditRow>,
    /// Whether the caller sees contact details masked.
    pub masked: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TagDto {
    pub name: String,
    /// Given by the system from the client's data; not removable.
    pub system: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoteDto {
    pub id: i64,
    pub author: String,
    pub body: String,
    #[serde(deserialize_with = "super::instant::read")]
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignInDto {
    #[serde(deserialize_with = "super::instant::read")]
    pub at: DateTime<Utc>,
    pub ip: String,
    pub device: String,
    pub success: bool,
}

/// What staff may edit of a client's details.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClientEdit {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub country: String,
    pub phone: String,
    pub locale: String,
}

/// An entry of the firm's blacklist.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BlacklistRow {
    pub id: i64,
    /// email | ip | country
    pub kind: String,
    pub value: String,
    pub note: String,
    #[serde(deserialize_with = "super::instant::read")]
    pub created_at: DateTime<Utc>,
}

/// What a CSV import of the blacklist did: rows added, rows already listed, and the rows
/// refused with why (line numbers count from 1, the header included).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportResult {
    pub added: u64,
    pub existing: u64,
    pub refused: Vec<(u64, String)>,
}

/// A signed-in session of the caller's, as their session list shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionDto {
    pub id: String,
    pub ip: String,
    pub device: String,
    #[serde(deserialize_with = "super::instant::read")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "super::instant::read")]
    pub last_seen_at: DateTime<Utc>,
    /// The session this request came with.
    pub current: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeadRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub country: String,
    pub source: String,
    pub status: crate::domain::crm::LeadStatus,
    pub owner_id: Option<i64>,
    pub owner: String,
    pub notes: String,
    pub client_id: Option<i64>,
    #[serde(deserialize_with = "super::instant::read")]
    pub created_at: DateTime<Utc>,
}

/// A lead as staff create (`id` 0) or edit it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LeadForm {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub country: String,
    pub source: String,
    /// new | contacted | qualified | lost (converted is the system's).
    pub status: String,
    /// 0: nobody.
    pub owner_id: i64,
    pub notes: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskRow {
    pub id: i64,
    pub title: String,
    pub details: String,
    #[serde(deserialize_with = "super::instant::read")]
    pub due_at: DateTime<Utc>,
    pub remind_minutes: i32,
    pub assignee_id: i64,
    pub assignee: String,
    pub client_id: Option<i64>,
    pub lead_id: Option<i64>,
    /// The client's or lead's name.
    pub about: String,
    pub status: crate::domain::crm::TaskStatus,
    pub overdue: bool,
}

/// A task as staff create (`id` 0) or edit it. `due_at` is `YYYY-MM-DDTHH:MM` in UTC.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TaskForm {
    pub id: i64,
    pub title: String,
    pub details: String,
    pub due_at: String,
    pub remind_minutes: i32,
    /// 0: the caller.
    pub assignee_id: i64,
    pub client_id: i64,
    pub lead_id: i64,
}

/// The profile fields a client asks to change (empty: unchanged).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProfileEdit {
    pub first_name: String,
    pub last_name: String,
    pub country: String,
    pub phone: String,
}

/// What a profile edit did: the fields changed at once, and the request made for those staff
/// approve first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProfileOutcome {
    pub applied: Vec<String>,
    pub request_id: Option<i64>,
}

/// The client's dashboard: wallet balances, challenges under way and requests waiting. Its own
/// lean rows, not the areas' full ones: every type a page receives compiles a reader into the
/// wasm, and this page is in every trader's first download (docs/benchmarks.md).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientHome {
    pub wallets: Vec<super::WalletDto>,
    pub challenges: Vec<HomeChallenge>,
    pub pending: Vec<HomeRequest>,
}

/// A challenge under way, as the dashboard lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HomeChallenge {
    pub id: i64,
    pub challenge: String,
    pub status: crate::domain::participant::ParticipantStatus,
    pub bars: Vec<super::ProgressBar>,
}

impl From<super::ParticipantRow> for HomeChallenge {
    fn from(p: super::ParticipantRow) -> Self {
        Self {
            id: p.id,
            challenge: p.challenge,
            status: p.status,
            bars: p.bars,
        }
    }
}

/// A request waiting for a decision, as the dashboard lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HomeRequest {
    pub kind: crate::domain::approval::RequestKind,
    pub amount: Option<String>,
    pub currency: Option<String>,
    #[serde(deserialize_with = "super::instant::read")]
    pub created_at: DateTime<Utc>,
}

impl From<super::RequestRow> for HomeRequest {
    fn from(r: super::RequestRow) -> Self {
        Self {
            kind: r.kind,
            amount: r.amount,
            currency: r.currency,
            created_at: r.created_at,
        }
    }
}
