//! The back office: its own sign-in, dashboard, approvals, clients, wallets, transactions,
//! staff users, roles, audit log and firm settings.
pub mod account;
pub mod approvals;
pub mod audit;
pub mod challenges;
pub mod clients;
pub mod dashboard;
pub mod login;
pub mod participants;
pub mod platform;
pub mod review;
pub mod roles;
pub mod settings;
pub mod staff;
pub mod transactions;
pub mod wallets;
