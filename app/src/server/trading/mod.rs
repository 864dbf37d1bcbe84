//! Trading accounts and what feeds them: the trading servers (the simulator and bridged platforms), the platform adapter, the simulator, the bridge for real trading servers, the rules engine applied to accounts (risk) and risk alerts.
pub mod accounts;
pub mod alerts;
pub mod bridge;
pub mod platform;
pub mod risk;
pub mod servers;
pub mod sim;
