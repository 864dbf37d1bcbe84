//! Trading competitions as both portals see them.
use crate::domain::competition::{EntryStatus, Measure, PayoutMode, Phase};
use crate::domain::money::Money;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A competition as staff write it. Dates are UTC `YYYY-MM-DDTHH:MM` (as a datetime input
/// gives); amounts as people type them; the prize table one line a rank or range
/// (`1 500`, `2-3 100`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CompetitionForm {
    pub id: i64,
    pub name: String,
    pub banner_url: String,
    pub rules_en: String,
    pub rules_es: String,
    pub registration_start: String,
    pub registration_end: String,
    pub start_at: String,
    pub end_at: String,
    pub currency: String,
    pub fee: String,
    pub starting_balance: String,
    pub symbols: String,
    pub group_ids: Vec<i64>,
    pub measure: String,
    pub board_size: i32,
    pub prizes: String,
    pub payout: String,
    pub published: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PrizeRow {
    pub from: u32,
    pub to: u32,
    pub amount: Money,
}

/// A competition in a list or at the top of its board.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompetitionRow {
    pub id: i64,
    pub name: String,
    pub banner_url: String,
    /// In the reader's language (English when not written in it).
    pub rules: String,
    pub rules_en: String,
    pub rules_es: String,
    pub phase: Phase,
    #[serde(deserialize_with = "super::instant::read")]
    pub registration_start: DateTime<Utc>,
    #[serde(deserialize_with = "super::instant::read")]
    pub registration_end: DateTime<Utc>,
    #[serde(deserialize_with = "super::instant::read")]
    pub start_at: DateTime<Utc>,
    #[serde(deserialize_with = "super::instant::read")]
    pub end_at: DateTime<Utc>,
    pub fee: Money,
    pub starting_balance: Money,
    pub symbols: String,
    pub group_ids: Vec<i64>,
    pub measure: Measure,
    pub board_size: i32,
    pub prizes: Vec<PrizeRow>,
    pub payout: PayoutMode,
    pub published: bool,
    pub entrants: i64,
    /// Whether the reader has joined (clients).
    pub joined: bool,
    pub settled: bool,
}

/// A line of the board. Clients see names masked ("J*** D.").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoardRow {
    pub rank: u32,
    pub entry_id: i64,
    pub name: String,
    pub flag: String,
    /// The ranked figure as shown ("5.12%", "512.34 USD").
    pub score: String,
    pub equity: Money,
    pub prize: Option<Money>,
    pub paid: bool,
    /// The reader's own line.
    pub mine: bool,
}

/// The reader's own entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MyEntry {
    pub entry_id: i64,
    pub status: EntryStatus,
    pub suspend_reason: String,
    /// None while suspended.
    pub rank: Option<u32>,
    pub score: String,
    pub equity: Money,
    pub account_id: i64,
    pub login: String,
    /// Whether the account takes orders now (trading has started and not ended).
    pub trading: bool,
    pub positions: Vec<super::PositionDto>,
    pub prize: Option<Money>,
    pub paid: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Board {
    pub competition: CompetitionRow,
    pub rows: Vec<BoardRow>,
    pub mine: Option<MyEntry>,
}

/// An entrant as staff see them (every entrant, suspended ones too).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntrantRow {
    pub entry_id: i64,
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub country: String,
    pub login: String,
    pub status: EntryStatus,
    pub suspend_reason: String,
    pub rank: Option<u32>,
    pub score: String,
    pub equity: Money,
    pub fee: Money,
    pub prize: Option<Money>,
    pub paid: bool,
    #[serde(deserialize_with = "super::instant::read")]
    pub joined_at: DateTime<Utc>,
}

/// A competition's figures for staff.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompetitionStats {
    pub entrants: i64,
    pub suspended: i64,
    /// Entrants whose account has traded.
    pub active_traders: i64,
    pub fees: Money,
    pub prizes_paid: Money,
    pub prizes_due: Money,
}

/// Staff's page of one competition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompetitionDesk {
    pub competition: CompetitionRow,
    pub stats: CompetitionStats,
    pub entrants: Vec<EntrantRow>,
}
