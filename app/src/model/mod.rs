//! DTOs that cross the wire. Database entities never do.
use crate::domain::access::{DataScope, UserKind};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use crate::domain::validation::FieldError;

mod competitions;
mod crm;
mod funds;
mod ib;
pub mod instant;
mod messages;
mod offers;
mod prop;
mod servers;
mod support;
pub use competitions::*;
pub use crm::*;
pub use funds::*;
pub use ib::*;
pub use messages::*;
pub use offers::*;
pub use prop::*;
pub use servers::*;
pub use support::*;

/// On the wire by its variant's name ("Light"), as serde's derive wrote it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Default)]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

/// Through the enums' shared reader, as `UserKind`.
impl<'de> Deserialize<'de> for Theme {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::domain::names::read_variant(d, &["Light", "Dark"], &[Theme::Light, Theme::Dark])
    }
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }
    pub fn toggled(self) -> Self {
        match self {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        }
    }
}

/// The signed-in user as the UI needs them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub id: i64,
    pub kind: UserKind,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub country: String,
    pub phone: String,
    pub referral_code: Option<String>,
    pub theme: Theme,
    pub locale: String,
    pub totp_enabled: bool,
    pub role_name: Option<String>,
    /// Permission names (staff only), so the UI can hide what the server would refuse anyway.
    pub permissions: Vec<String>,
}

impl Me {
    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
    pub fn initials(&self) -> String {
        self.first_name
            .chars()
            .take(1)
            .chain(self.last_name.chars().take(1))
            .collect::<String>()
            .to_uppercase()
    }
    pub fn can(&self, p: crate::domain::permission::Permission) -> bool {
        self.kind == UserKind::Staff && self.permissions.iter().any(|n| n == p.name())
    }
}

/// What a password sign-in leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoginStep {
    /// Fully signed in.
    Done,
    /// A six-digit code from the authenticator app is needed next.
    TotpRequired,
    /// Staff without two-factor must set it up before anything else.
    TotpEnrollment,
    /// Registered, but the firm approves registrations first: no session yet.
    AwaitingApproval,
    /// Registered; the emailed code must be entered before the first sign-in.
    VerifyEmail,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TotpSetup {
    pub secret: String,
    pub otpauth_uri: String,
    pub qr_svg: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotificationDto {
    pub id: i64,
    pub kind: String,
    pub data: BTreeMap<String, String>,
    #[serde(deserialize_with = "instant::read")]
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotificationFeed {
    pub unread: u64,
    pub items: Vec<NotificationDto>,
}

/// Paging, sorting and filtering of a list; the server whitelists `sort` per list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    pub page: u64,
    pub per_page: u64,
    pub sort: String,
    pub desc: bool,
    pub q: String,
    pub filter: String,
    /// Lists with more filters: a currency code, and a date range (YYYY-MM-DD, inclusive).
    pub currency: String,
    pub from: String,
    pub to: String,
}

impl ListQuery {
    pub const MAX_PER_PAGE: u64 = 100;
    /// Far beyond any list's end, and small enough that the row offset fits every database.
    pub const MAX_PAGE: u64 = 1_000_000;

    /// The page to show (from 0); a page past `MAX_PAGE` shows as that page (empty).
    pub fn page(&self) -> u64 {
        self.page.min(Self::MAX_PAGE)
    }

    pub fn per_page(&self) -> u64 {
        self.per_page.clamp(1, Self::MAX_PER_PAGE)
    }

    /// The number of rows before the page: bounded, whatever the request said.
    pub fn offset(&self) -> u64 {
        self.page() * self.per_page()
    }

    /// The query string of the matching CSV export.
    pub fn to_query_string(&self) -> String {
        fn enc(s: &str) -> String {
            s.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect()
        }
        format!(
            "sort={}&desc={}&q={}&filter={}&currency={}&from={}&to={}",
            enc(&self.sort),
            self.desc,
            enc(&self.q),
            enc(&self.filter),
            enc(&self.currency),
            enc(&self.from),
            enc(&self.to)
        )
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffRow {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role_id: Option<i64>,
    pub role_name: String,
    pub supervisor_id: Option<i64>,
    pub supervisor: String,
    pub status: String,
    pub totp_enabled: bool,
    #[serde(deserialize_with = "instant::read_option")]
    pub last_login_at: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "instant::read")]
    pub created_at: DateTime<Utc>,
}

/// A staff member as pickers show them (supervisor, owner, assignee).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffChoice {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoleDto {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub permissions: Vec<String>,
    pub is_system: bool,
    pub data_scope: DataScope,
    pub user_count: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientRow {
    pub id: i64,
    pub kind: UserKind,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub country: String,
    pub referral_code: String,
    pub referrer: Option<String>,
    /// The owner's name; empty when nobody owns the client.
    pub owner: String,
    pub status: String,
    #[serde(deserialize_with = "instant::read")]
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    pub actor: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<i64>,
    pub detail: String,
    pub ip: String,
    #[serde(deserialize_with = "instant::read")]
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DayCount {
    pub day: String,
    pub count: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminStats {
    pub traders: u64,
    pub ibs: u64,
    pub staff: u64,
    pub active_sessions: u64,
    pub registrations: Vec<DayCount>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IbOverview {
    pub referral_code: String,
    pub referral_link: String,
    pub direct_clients: u64,
    pub joined_last_30_days: u64,
}

#[cfg(test)]
mod tests {
    use super::Theme;

    #[test]
    fn themes_read_what_they_write() {
        for theme in [Theme::Light, Theme::Dark] {
            let json = serde_json::to_value(theme).unwrap();
            assert_eq!(json, format!("{theme:?}"));
            assert_eq!(serde_json::from_value::<Theme>(json).unwrap(), theme);
        }
        assert!(serde_json::from_str::<Theme>(r#""light""#).is_err());
        assert!(serde_json::from_str::<Theme>("0").is_err());
    }
}
