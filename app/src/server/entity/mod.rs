//! SeaORM entities (2.0 format). They never leave `server`: the API returns DTOs from `model`.
pub mod audit_log;
pub mod hold;
pub mod journal_entry;
pub mod ledger_account;
pub mod login_attempt;
pub mod mail_outbox;
pub mod notification;
pub mod password_reset;
pub mod posting;
pub mod role;
pub mod session;
pub mod user;
