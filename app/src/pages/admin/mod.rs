//! The back office: its own sign-in, dashboard, approvals, clients, challenges, participants,
//! profit shares, the prop dashboard and fee report, risk alerts, the trading platform,
//! wallets, transactions, staff users, roles, audit log and firm settings.
pub mod account;
pub mod alerts;
pub mod approvals;
pub mod audit;
pub mod challenges;
pub mod clients;
pub mod dashboard;
pub mod login;
pub mod participants;
pub mod platform;
pub mod profit_shares;
pub mod prop_dashboard;
pub mod prop_fees;
pub mod review;
pub mod roles;
pub mod settings;
pub mod staff;
pub mod transactions;
pub mod wallets;
