//! CRM operations in the back office: the client list with its bulk actions, the client's
//! page, leads, and tasks with their calendar.
pub mod client;
pub mod clients;
pub mod leads;
pub mod tasks;
