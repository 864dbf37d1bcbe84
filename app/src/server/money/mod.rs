//! Money: the double-entry ledger, wallets, deposits, withdrawals and transfers.
pub mod funds;
pub mod ledger;
pub mod requests;
pub mod wallets;
