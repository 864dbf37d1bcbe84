//! The back office: its own sign-in, dashboard, clients, staff users, roles, audit log.
pub mod account;
pub mod audit;
pub mod clients;
pub mod dashboard;
pub mod login;
pub mod roles;
pub mod staff;
