//! What crosses the wire for the prop area: challenges, participants, trading accounts, their
//! progress and the decisions the rules engine made. Money is formatted on the server in the
//! account's currency; progress shares are basis points of their limit (10,000 = reached).
use crate::domain::challenge::{ChallengeDef, Change};
use serde::{Deserialize, Serialize};

/// A challenge in the back office's list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChallengeRow {
    pub id: i64,
    pub name: String,
    /// draft | published | terminated
    pub status: String,
    pub version: i32,
    /// Unpublished edits exist.
    pub has_draft: bool,
    pub packages: usize,
    pub participants: u64,
    pub updated_at: String,
}

/// A challenge opened in the editor: the definition being edited and, when it has been
/// published, the published one and what would change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChallengeEdit {
    pub id: i64,
    pub status: String,
    pub version: i32,
    pub def: ChallengeDef,
    pub published: Option<ChallengeDef>,
    pub changes: Vec<Change>,
}

/// One rule as a client sees it: the label key and the formatted value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleLine {
    pub label: String,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StageCard {
    pub environment: String,
    pub rules: Vec<RuleLine>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PackageCard {
    pub key: String,
    pub name: String,
    pub currency: String,
    pub account_size: String,
    pub fee: String,
    pub leverage: u32,
    pub stages: Vec<StageCard>,
}

/// A published challenge in the client portal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChallengeCard {
    pub id: i64,
    pub name: String,
    pub types: Vec<String>,
    pub details: String,
    pub details_first: bool,
    pub cover_url: String,
    pub poster_url: String,
    pub starts_at: String,
    pub time_zone: String,
    /// upcoming | ongoing
    pub phase: String,
    pub pay_from_wallet: bool,
    pub pay_direct: bool,
    pub packages: Vec<PackageCard>,
}

/// The outcome of "participate": where the participant stands and, for a direct purchase,
/// the payment page to go to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Participation {
    pub participant_id: i64,
    pub status: String,
    pub pay_url: Option<String>,
}

/// One bar: `value` of `limit`, and the share reached (basis points, capped at 10,000).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgressBar {
    pub rule: String,
    pub value: String,
    pub limit: String,
    pub share_bps: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountDto {
    pub id: i64,
    pub login: String,
    /// Shown to the account's owner only.
    pub password: Option<String>,
    pub platform: String,
    pub environment: String,
    pub stage: i32,
    pub attempt: i32,
    pub status: String,
    pub enabled: bool,
    pub currency: String,
    pub leverage: i32,
    pub initial_balance: String,
    pub balance: String,
    pub equity: String,
    pub margin: String,
    pub free_margin: String,
    pub open_positions: i32,
    pub created_at: String,
}

/// Why the rules engine (or a person) ended a stage: the figures it was judged on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DecisionDto {
    pub at: String,
    pub login: String,
    /// breach | passed | expired | advanced
    pub outcome: String,
    /// The rule's i18n key.
    pub rule: String,
    /// e.g. "loss 520.00 ≥ 5% of 10000.00 (500.00) on 2026-11-23"
    pub value: String,
    pub limit: String,
    pub day: String,
    pub comment: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PositionDto {
    pub id: i64,
    pub symbol: String,
    pub side: String,
    pub volume: String,
    pub open_price: String,
    pub price: String,
    pub stop_loss: String,
    pub take_profit: String,
    pub profit: String,
    pub opened_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DealDto {
    pub ticket: String,
    pub symbol: String,
    pub side: String,
    pub volume: String,
    pub open_price: String,
    pub close_price: String,
    pub profit: String,
    pub opened_at: String,
    pub closed_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuoteDto {
    pub symbol: String,
    pub name: String,
    pub price: String,
}

/// A point of the balance-and-equity chart (minor units; the chart only draws them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EquityPoint {
    pub at: String,
    pub balance: i64,
    pub equity: i64,
}

/// A participant in lists (the trader's "my challenges", the staff's participant list).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParticipantRow {
    pub id: i64,
    pub user_id: i64,
    pub client: String,
    pub email: String,
    pub challenge_id: i64,
    pub challenge: String,
    pub package: String,
    /// 1-based.
    pub stage: i32,
    pub stages: usize,
    pub environment: String,
    pub attempt: i32,
    pub status: String,
    pub reason: String,
    pub currency: String,
    pub fee: String,
    pub login: String,
    pub balance: String,
    pub equity: String,
    pub bars: Vec<ProgressBar>,
    pub data_type: String,
    pub created_at: String,
    pub started_at: String,
    pub ended_at: String,
}

/// What a retry would cost, when the failed stage allows one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RetryOffer {
    pub attempt: i32,
    pub max_attempts: u32,
    pub fee: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParticipantDetail {
    pub row: ParticipantRow,
    pub stage_rules: Vec<StageCard>,
    pub account: Option<AccountDto>,
    pub accounts: Vec<AccountDto>,
    pub trading_days: u32,
    pub min_trading_days: u32,
    pub period_start: String,
    pub period_end: String,
    pub decisions: Vec<DecisionDto>,
    pub points: Vec<EquityPoint>,
    pub positions: Vec<PositionDto>,
    pub deals: Vec<DealDto>,
    pub retry: Option<RetryOffer>,
    pub request_id: Option<i64>,
    pub pay_url: Option<String>,
    /// Staff may advance it (in progress, no open positions).
    pub advanceable: bool,
    /// The challenge's details in the reader's language, its poster, and whether the firm
    /// shows them before "my challenge".
    pub details: String,
    pub poster_url: String,
    pub details_first: bool,
}

/// The simulated platform as staff see it: the feed, the simulator's clock and the prices.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimStatus {
    pub running: bool,
    pub seed: u64,
    pub day_offset: i64,
    pub sim_time: String,
    pub quotes: Vec<QuoteDto>,
}
