//! Money: the client's funds (deposit, withdraw, transfer, destinations), history and the test
//! payment page; the back office's wallets and transactions report.
pub mod funds;
pub mod history;
pub mod pay;
pub mod transactions;
pub mod wallets;
