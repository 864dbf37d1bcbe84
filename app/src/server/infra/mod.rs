//! Shared machinery every area uses: the database and transactions, audit, mail and notifications, live events, background jobs, uploads, paging, crypto and the application state. It imports no area.
pub mod audit;
pub mod crypto;
pub mod db;
pub mod export;
pub mod jobs;
pub mod list;
pub mod live;
pub mod mail;
pub mod mail_templates;
pub mod notify;
pub mod origin;
pub mod password;
pub mod sms;
pub mod state;
pub mod uploads;
