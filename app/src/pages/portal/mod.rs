//! The client portal: sign-up and sign-in, dashboard, funds, transactions and requests, KYC,
//! profile and security, notifications.
pub mod auth;
pub mod challenges;
pub mod dashboard;
pub mod funds;
pub mod history;
pub mod kyc;
pub mod notifications;
pub mod pay;
pub mod profile;
