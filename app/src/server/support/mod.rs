//! Client support: tickets with their replies, internal notes and response-time figures
//! (`tickets`, `stats`), and the download centre (`downloads`).
pub mod downloads;
pub mod stats;
pub mod tickets;
