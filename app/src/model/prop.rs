//! What crosses the wire for the prop area: challenges, participants, trading accounts, their
//! progress and the decisions the rules engine made. Amounts are `Money` (minor units and the
//! account's currency); figures that are labels (progress, decision limits) are formatted on
//! the server; progress shares are basis points of their limit (10,000 = reached).
use crate::domain::challenge::{ChallengeDef, Change};
use crate::domain::money::Money;
use crate::domain::participant::ParticipantStatus;
use crate::domain::profit_share::SettlementStatus;
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
    pub status: ParticipantStatus,
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
    pub leverage: i32,
    pub initial_balance: Money,
    pub balance: Money,
    pub equity: Money,
    pub margin: Money,
    pub free_margin: Money,
    pub open_positions: i32,
    pub created_at: String,
    /// The trading server the account lives on.
    pub server: String,
    /// When the platform last reported the figures (a bridged account's), and whether that is
    /// longer ago than the server allows.
    pub as_of: Option<String>,
    pub stale: bool,
    /// A new password waits for the platform's confirmation.
    pub reset_pending: bool,
}

impl AccountDto {
    pub fn currency(&self) -> &'static str {
        self.balance.code()
    }
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
    pub status: ParticipantStatus,
    pub reason: String,
    /// What was paid for the challenge, in its currency.
    pub fee: Money,
    pub login: String,
    /// The stage account's figures, once it has one.
    pub balance: Option<Money>,
    pub equity: Option<Money>,
    pub bars: Vec<ProgressBar>,
    pub data_type: String,
    /// The referring IB's name, if any.
    pub ib: String,
    pub created_at: String,
    pub started_at: String,
    pub ended_at: String,
}

impl ParticipantRow {
    pub fn currency(&self) -> &'static str {
        self.fee.code()
    }
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
    pub profit_shares: Vec<ProfitShareDto>,
    /// The current stage's profit-share terms (funded stages with a share).
    pub profit_terms: Option<ProfitShareTerms>,
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

/// What the prop lists, reports and the dashboard can be narrowed to (besides the list's own
/// search, status and dates). Zero or empty: everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PropFilter {
    pub challenge: i64,
    /// A package key of the challenge.
    pub package: String,
    /// 1-based.
    pub stage: i32,
    /// real | demo
    pub data_type: String,
    /// The referring IB's user id.
    pub ib: i64,
}

impl PropFilter {
    /// The query-string part of a CSV export (appended to the list's own).
    pub fn to_query_string(&self) -> String {
        let enc = |s: &str| -> String {
            s.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect()
        };
        format!(
            "challenge={}&package={}&stage={}&data_type={}&ib={}",
            self.challenge,
            enc(&self.package),
            self.stage,
            enc(&self.data_type),
            self.ib
        )
    }
}

/// The challenges, packages and IBs a filter can choose from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PropChoices {
    pub challenges: Vec<ChallengeChoice>,
    /// (user id, name and id)
    pub ibs: Vec<(i64, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChallengeChoice {
    pub id: i64,
    pub name: String,
    /// (key, name)
    pub packages: Vec<(String, String)>,
    pub stages: usize,
}

/// One profit-share settlement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProfitShareDto {
    pub id: i64,
    pub participant_id: i64,
    pub client: String,
    pub email: String,
    pub challenge: String,
    pub login: String,
    pub period_start: String,
    pub period_end: String,
    /// Settled as the funded stage ended.
    pub is_final: bool,
    pub balance: Money,
    /// The high-water mark the profit is measured from.
    pub base: Money,
    pub profit: Money,
    pub trader_bps: i64,
    pub trader_share: Money,
    /// Shares of other recipients (referring IBs).
    pub other_shares: Money,
    pub firm_share: Money,
    /// automatic | manual
    pub distribution: String,
    /// no_profit | pending_review | paid | rejected
    pub status: SettlementStatus,
    /// The review request, for manual distribution.
    pub request_id: Option<i64>,
    pub created_at: String,
    pub decided_at: String,
}

impl ProfitShareDto {
    pub fn currency(&self) -> &'static str {
        self.balance.code()
    }
}

/// A funded stage's profit-share terms and where its running period stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProfitShareTerms {
    pub trader_bps: i64,
    pub frequency: String,
    pub distribution: String,
    pub period_start: String,
    pub period_end: String,
    /// The day the running period is settled.
    pub next_settlement: String,
    pub base: String,
    /// Profit above the mark not yet settled.
    pub unsettled: String,
    pub period_settled: bool,
    /// Running and flat: staff may settle now.
    pub settleable: bool,
}

/// A row of the participation-fee report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeeRow {
    pub id: i64,
    pub at: String,
    pub participant_id: i64,
    pub client: String,
    pub email: String,
    pub challenge: String,
    pub package: String,
    /// fee | retry | refund
    pub kind: String,
    /// The fee before its discounts, what they took off, and what named them (a coupon's
    /// title and a promo code, "" without).
    pub list: String,
    pub discount: String,
    pub source: String,
    /// What was paid. Signed: refunds are negative.
    pub amount: String,
    pub currency: String,
    pub ib: String,
    pub data_type: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeeTotal {
    pub currency: String,
    pub fees: String,
    pub refunds: String,
    pub net: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeeReport {
    pub page: crate::model::Page<FeeRow>,
    /// Of everything the filter keeps.
    pub totals: Vec<FeeTotal>,
}

/// A risk rule of the firm, as the form edits it (amounts and percentages as decimal text).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertRuleDto {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub threshold: String,
    pub min_profit: String,
    pub step: String,
    pub symbol: String,
    pub environment: String,
    pub challenge_id: i64,
    pub enabled: bool,
    /// How many times it has fired.
    pub fired: u64,
}

/// An alert that fired: a warning sent to a trader or a risk rule of the firm.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertEventDto {
    pub id: i64,
    pub at: String,
    /// trader | risk | security
    pub source: String,
    /// daily_loss_50, max_loss_80, period_ending, or the rule's kind
    pub code: String,
    pub value: String,
    pub limit: String,
    pub level: i32,
    pub currency: String,
    pub login: String,
    pub participant_id: Option<i64>,
    pub user_id: i64,
    pub client: String,
    pub email: String,
    pub data: std::collections::BTreeMap<String, String>,
    pub acknowledged: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertFeed {
    pub items: Vec<AlertEventDto>,
    /// Not yet acknowledged.
    pub open: u64,
}

/// What the prop dashboard is asked for: a challenge (0: all), a period and a currency.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DashboardQuery {
    pub challenge: i64,
    pub from: String,
    pub to: String,
    pub currency: String,
}

/// A money figure of the dashboard: formatted, and in minor units.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MoneyFigure {
    /// i18n key of the name; its hint is the key with `_hint`.
    pub key: String,
    pub value: String,
    pub minor: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatusCount {
    pub status: ParticipantStatus,
    pub count: u64,
}

/// A stage's participants now, and its decisions in the period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StageStat {
    /// 1-based.
    pub stage: i32,
    pub in_progress: u64,
    pub passed: u64,
    pub failed: u64,
    /// Basis points of the decided; None when none was decided.
    pub pass_rate_bps: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChallengeFigures {
    pub id: i64,
    pub name: String,
    pub participants: u64,
    pub fees: String,
    pub payouts: String,
    pub broker_profit: String,
    pub funded: String,
    /// The other areas' figures, in the order of `PropDashboard::more_columns`.
    pub more: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DayMoney {
    pub day: String,
    pub fees_minor: i64,
    pub payouts_minor: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PropDashboard {
    pub currency: String,
    /// Currencies that have figures (the selector).
    pub currencies: Vec<String>,
    pub from: String,
    pub to: String,
    /// Broker's profit, broker's loss, profit-share payouts, participation fees, total funded,
    /// then the figures other areas add.
    pub figures: Vec<MoneyFigure>,
    /// The translation keys of the other areas' figures, a column each in `per_challenge`.
    pub more_columns: Vec<String>,
    pub participants: u64,
    pub by_status: Vec<StatusCount>,
    pub by_stage: Vec<StageStat>,
    pub per_challenge: Vec<ChallengeFigures>,
    pub daily: Vec<DayMoney>,
}
