//! Accounts and the people behind them: sign-in, KYC, clients, staff and roles.
pub mod auth;
pub mod clients;
pub mod kyc;
pub mod staff;
