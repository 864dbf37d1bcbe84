//! Trading accounts at work: positions, the trading servers, the simulated platform, and risk alerts.
pub mod alerts;
pub mod positions;
pub mod servers;
pub mod simulator;
