//! Prop trading: the trader's challenges and accounts; the back office's challenge list and
//! editor, participants, profit shares, the prop dashboard and the fee report.
pub mod challenges;
pub mod dashboard;
pub mod fees;
pub mod participants;
pub mod profit_shares;
pub mod trader_challenges;
