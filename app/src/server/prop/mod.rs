//! The prop programme: challenges, participation and its stages, the participants list, profit sharing, fees and the prop dashboard.
pub mod challenges;
pub mod dashboard;
pub mod fees;
pub mod participants;
pub mod participation;
pub mod profit_share;
pub mod requests;
pub mod tree_stats;
