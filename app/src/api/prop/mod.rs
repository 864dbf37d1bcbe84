//! The prop programme: challenges, participants, profit sharing and the firm's figures.
pub mod challenges;
pub mod dashboard;
pub mod participants;
pub mod profit_shares;
