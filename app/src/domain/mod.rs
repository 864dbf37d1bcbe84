//! Pure business logic shared by the server and the browser build. Nothing here imports leptos,
//! sea_orm or tokio (`scripts/test.sh` checks that).
pub mod access;
pub mod alerts;
pub mod approval;
pub mod bps;
pub mod challenge;
pub mod clock;
pub mod competition;
pub mod crm;
pub mod ib;
pub mod kyc;
pub mod live;
pub mod messages;
pub mod money;
pub mod names;
pub mod offers;
pub mod participant;
pub mod permission;
pub mod profit_share;
pub mod rules;
pub mod security;
pub mod servers;
pub mod support;
pub mod trading;
pub mod validation;
