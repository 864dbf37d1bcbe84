//! What crosses the wire for the IB programme: rank sets, the referral tree as an IB sees it,
//! fee commissions, promotional links and the IB's statistics.
use super::Page;
use crate::domain::ib::Structure;
use crate::domain::kyc::KycStatus;
use crate::domain::money::Money;
use crate::domain::participant::ParticipantStatus;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierRow {
    pub id: i64,
    /// 1 is the lowest.
    pub position: i32,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankSetRow {
    pub id: i64,
    pub name: String,
    /// Lowest first.
    pub tiers: Vec<TierRow>,
}

/// A tier as the rank-set form sends it: an id of 0 is a new tier.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TierForm {
    pub id: i64,
    pub name: String,
}

/// A rank set to save: an id of 0 creates one; the tiers are lowest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RankSetForm {
    pub id: i64,
    pub name: String,
    pub tiers: Vec<TierForm>,
}

/// One fee commission (or its reversal, negative) as the Commission page and the Fee
/// Commission Report list it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommissionRow {
    pub id: i64,
    pub at: String,
    pub recipient_id: i64,
    pub recipient: String,
    /// The client whose fee it was (masked beyond the IB's visible levels).
    pub client: String,
    pub challenge: String,
    pub structure: Structure,
    /// Distance from the buyer (0: the buyer's own rebate).
    pub level: i32,
    pub tier: String,
    pub fee_before_discount: Money,
    pub fee_paid: Money,
    pub amount: Money,
    /// paid | pending | reversed | cancelled
    pub status: String,
}

/// A sum per currency (a list's summation bar).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommissionTotal {
    pub fees_before_discount: Money,
    pub fees_paid: Money,
    pub commissions: Money,
}

/// One day's or month's commissions ("2026-12-04" or "2026-12").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommissionPeriod {
    pub period: String,
    pub amount: Money,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommissionReport {
    pub page: Page<CommissionRow>,
    /// Everything the filter keeps, not only the page.
    pub totals: Vec<CommissionTotal>,
    pub by_day: Vec<CommissionPeriod>,
    pub by_month: Vec<CommissionPeriod>,
}

/// A client in an IB's tree. Beyond the levels the IB's group shows, only the level, the
/// date and the id are given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DownlineRow {
    pub id: i64,
    /// Below the IB: 1 is a direct client.
    pub level: i32,
    pub upline_id: Option<i64>,
    /// Whether the personal details below are shown.
    pub visible: bool,
    pub name: String,
    pub email: String,
    pub is_ib: bool,
    pub group: String,
    pub kyc: Option<KycStatus>,
    pub joined: String,
    /// Their own direct clients (for the tree view's expanders).
    pub direct: u64,
}

/// A downline's money and challenges, within the group's report range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientReportRow {
    pub id: i64,
    pub level: i32,
    pub name: String,
    pub deposits: Vec<Money>,
    pub withdrawals: Vec<Money>,
    pub purchases: u64,
    pub fees: Vec<Money>,
    /// Their challenges' statuses, each with a count.
    pub statuses: Vec<(ParticipantStatus, u64)>,
}

/// The IB's prop trading statistics for a period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IbPropStats {
    pub participants: u64,
    pub by_status: Vec<(ParticipantStatus, u64)>,
    /// Participants by the stage they are on (1 is the first), and how many are funded.
    pub by_stage: Vec<(i32, u64)>,
    pub funded: u64,
    pub fees: Vec<Money>,
    pub commissions: Vec<Money>,
    pub profit_shares: Vec<Money>,
    /// Evaluations passed per evaluation decided, in basis points; None with nothing decided.
    pub pass_rate_bps: Option<i64>,
    /// Fee commissions by day over the period, for the chart.
    pub daily: Vec<CommissionPeriod>,
}

/// A promotional link with its funnel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkRow {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub url: String,
    /// register | challenge
    pub target: String,
    pub challenge: String,
    pub owner: String,
    pub archived: bool,
    pub clicks: u64,
    pub signups: u64,
    pub first_deposits: u64,
    pub purchases: u64,
    pub fees: Vec<Money>,
    pub created: String,
}

/// A promotional link to create.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    pub name: String,
    /// register | challenge
    pub target: String,
    /// The published challenge a challenge link opens.
    pub challenge_id: i64,
}

/// A client's place in the IB programme, for the back office's client page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientIb {
    pub is_ib: bool,
    pub tier_id: Option<i64>,
    pub upline_id: Option<i64>,
    pub upline: String,
    pub direct: u64,
    pub downlines: u64,
}
