//! The client portal: sign-up and sign-in, dashboard, profile and security, notifications.
pub mod auth;
pub mod dashboard;
pub mod notifications;
pub mod profile;
