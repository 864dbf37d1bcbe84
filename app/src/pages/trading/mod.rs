//! Trading: the back office's risk alerts and the built-in trading platform (simulator).
pub mod alerts;
pub mod platform;
pub mod servers;
