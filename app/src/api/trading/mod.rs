//! Trading accounts at work: positions, the simulated platform, and risk alerts.
pub mod alerts;
pub mod positions;
pub mod simulator;
