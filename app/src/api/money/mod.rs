//! Wallets and the requests that move money: deposits, withdrawals, transfers.
pub mod funds;
pub mod wallets;
