#![recursion_limit = "512"]
//! The server's integration tests, one binary: each test file would otherwise be its own crate,
//! compiled and linked against the whole application again (minutes each on a cold build).
//! Every module runs against the real router or services on SQLite and PostgreSQL.
#[macro_use]
mod common;

mod access;
mod auth;
mod bridge;
mod competitions;
mod coupons;
mod crash;
mod crm;
mod http;
mod ib;
mod instances;
mod ledger;
mod live;
mod malformed;
mod money;
mod notices;
mod notifications;
mod offers;
mod prop;
mod prop_ops;
mod races;
mod scopes;
mod servers;
mod support;
mod templates;
