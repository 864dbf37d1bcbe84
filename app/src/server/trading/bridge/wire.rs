//! What the bridge sends and receives: the JSON bodies of its endpoints.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Which way a deal went: `in` opened a trade, `out` closed one.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DealEntry {
    In,
    Out,
}

/// The side of a deal.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DealSide {
    Buy,
    Sell,
}

/// An account's figures as the platform reports them. Amounts are integer minor units of the
/// account's currency (cents for USD).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SnapshotIn {
    /// The account's login on the platform.
    #[schema(example = "80012345")]
    pub login: String,
    /// A number that grows with every snapshot and deal of the account (one sequence for
    /// both). An update whose `seq` is not above the last one applied is refused with 409.
    #[schema(example = 42, minimum = 1)]
    pub seq: i64,
    /// When the platform took the figures (RFC 3339); at most five minutes ahead of the server.
    #[schema(format = DateTime, example = "2026-11-23T16:00:00Z")]
    pub at: String,
    #[schema(example = 1_000_000)]
    pub balance_minor: i64,
    #[schema(example = 995_000)]
    pub equity_minor: i64,
    #[schema(example = 12_000, minimum = 0)]
    pub margin_minor: i64,
    #[schema(example = 1, minimum = 0, maximum = 10_000)]
    pub open_positions: i32,
}

/// A deal: a trade opened (`in`) or closed (`out`), with the account's figures right after it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DealIn {
    #[schema(example = "80012345")]
    pub login: String,
    /// The account's sequence, shared with snapshots.
    #[schema(example = 43, minimum = 1)]
    pub seq: i64,
    /// The platform's deal ticket (1 to 64 of `A-Z a-z 0-9 _ - . :`). A closing deal whose
    /// ticket is already stored is answered with the stored outcome and `duplicate: true`.
    #[schema(example = "5012345")]
    pub ticket: String,
    #[schema(value_type = DealEntry)]
    pub entry: String,
    #[schema(example = "EURUSD")]
    pub symbol: String,
    #[schema(value_type = DealSide)]
    pub side: String,
    /// Lots as a decimal string: above 0, at most 100, at most two decimals.
    #[schema(example = "0.50")]
    pub volume_lots: String,
    /// A positive decimal string with at most eight decimals.
    #[schema(example = "1.08512")]
    pub open_price: String,
    /// Required for `out`.
    #[schema(example = "1.08620")]
    pub close_price: Option<String>,
    /// The deal's profit (negative: a loss). Required for `out`.
    #[schema(example = 5_400)]
    pub profit_minor: Option<i64>,
    #[schema(format = DateTime, example = "2026-11-23T15:58:00Z")]
    pub opened_at: String,
    /// Required for `out`; not before `opened_at`.
    #[schema(format = DateTime, example = "2026-11-23T16:00:00Z")]
    pub closed_at: Option<String>,
    pub balance_minor: i64,
    pub equity_minor: i64,
    #[schema(minimum = 0)]
    pub margin_minor: i64,
    #[schema(minimum = 0, maximum = 10_000)]
    pub open_positions: i32,
}

/// The account after an update.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AccountOut {
    pub login: String,
    /// The last `seq` applied.
    pub seq: i64,
    /// `active`, `passed`, `failed` or `closed`.
    #[schema(example = "active")]
    pub status: String,
    /// Whether the account may trade. When PropDesk disables an account it also queues a
    /// `disable` command.
    pub enabled: bool,
    pub balance_minor: i64,
    pub equity_minor: i64,
}

/// Many snapshots in one request (at most 400, of any accounts of the bridge): the way a
/// bridge keeps up with thousands of accounts. They apply in order in one transaction.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SnapshotBatchIn {
    pub snapshots: Vec<SnapshotIn>,
}

/// The outcome of one snapshot of a batch: `status` is what the single endpoint would have
/// answered (200, 404 unknown login, 409 stale seq, 422 invalid), with its error code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SnapshotResult {
    pub login: String,
    pub seq: i64,
    pub status: u16,
    pub code: Option<String>,
    pub account: Option<AccountOut>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SnapshotBatchOut {
    pub results: Vec<SnapshotResult>,
}

/// The most snapshots one batch may carry (they fit the 64 KiB body).
pub const MAX_BATCH: usize = 400;

/// The account after a deal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DealOut {
    pub ticket: String,
    /// True when the ticket was already stored: nothing changed.
    pub duplicate: bool,
    pub account: AccountOut,
}

/// What the platform reports with an acknowledgement; the body may be empty (`{}` or none).
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AckIn {
    /// For `create`: the account's login on the platform when the platform chose its own (else
    /// the command's login stands). 1 to 64 characters without spaces. Acknowledging a
    /// `create` again with another login is refused (409 `err.ack_conflict`).
    #[schema(example = "80012345")]
    pub login: Option<String>,
    /// For `create` and `reset_password`: the password when the platform made it (else the
    /// command's stands). 1 to 64 characters.
    pub password: Option<String>,
    /// The platform could not carry the command out: why (at most 500 characters). The command
    /// is marked `failed` for staff to see.
    pub error: Option<String>,
}

/// A command for the platform.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CommandOut {
    pub id: i64,
    /// `create`, `enable`, `disable`, `withdraw`, `reset_password` or `set_leverage`.
    #[schema(example = "disable")]
    pub kind: String,
    pub login: String,
    /// The command's arguments: for `create` login, password, currency, balance_minor,
    /// leverage, environment and group (the platform's account group; empty for its default);
    /// for `withdraw` login, amount_minor (taken out of the balance) and comment; for
    /// `reset_password` login and password; for `set_leverage` login and leverage; otherwise
    /// login.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    #[schema(format = DateTime)]
    pub created_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CommandsOut {
    /// Pending commands, oldest first. Apply them in this order, then acknowledge each.
    pub commands: Vec<CommandOut>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AckOut {
    pub id: i64,
    /// `acked`, or `failed` when the acknowledgement carried an error.
    #[schema(example = "acked")]
    pub status: String,
    /// The account's login after the acknowledgement.
    pub login: String,
    #[schema(format = DateTime)]
    pub acked_at: String,
}
