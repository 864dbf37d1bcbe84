//! What the trading servers' page and the challenge editor exchange with the server.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A trading server to save: an id of 0 registers a new bridge server (its secret is shown
/// once). Currencies, leverages and groups are comma-separated; the three limits are seconds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServerForm {
    pub id: i64,
    pub name: String,
    /// `demo` or `live`.
    pub environment: String,
    pub currencies: String,
    pub leverages: String,
    pub groups: String,
    pub enabled: bool,
    pub silence_secs: String,
    pub stale_secs: String,
    pub command_ttl_secs: String,
}

/// How a server is doing: what it last sent and what waits for it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerHealth {
    pub accounts: u64,
    /// The bridge's last signed request.
    #[serde(deserialize_with = "super::instant::read_option")]
    pub last_message: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "super::instant::read_option")]
    pub last_snapshot: Option<DateTime<Utc>>,
    /// Commands queued and not yet acknowledged, and the age of the oldest in seconds.
    pub commands_waiting: u64,
    pub lag_secs: Option<i64>,
    /// Commands the platform could not carry out or that expired unacknowledged.
    pub commands_failed: u64,
    /// A bridge that has sent nothing for longer than its silence limit.
    pub silent: bool,
}

/// A trading server as the back office lists it (and the editor's stage choices).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerRow {
    pub id: i64,
    pub name: String,
    /// `simulator` or `bridge`.
    pub kind: String,
    pub environment: String,
    /// What the bridge signs its requests with (`X-Bridge`); empty for the simulator.
    pub bridge_name: String,
    pub currencies: Vec<String>,
    pub leverages: Vec<u32>,
    pub groups: Vec<String>,
    pub enabled: bool,
    pub silence_secs: i32,
    pub stale_secs: i32,
    pub command_ttl_secs: i32,
    pub health: ServerHealth,
}

/// A server just saved; `secret` only when a bridge was registered (shown this once).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerSaved {
    pub id: i64,
    pub bridge_name: String,
    pub secret: Option<String>,
}
