//! CRM operations in the back office: the client list with its bulk actions and the client's
//! page.
pub mod client;
pub mod clients;
