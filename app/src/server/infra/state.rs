use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tokio::sync::Notify;

/// Settings the services need at run time (the process-level config lives in the server crate).
#[derive(Clone, Debug)]
pub struct RuntimeConfig {
    /// Base URL used in emailed links and for the origin check, e.g. `https://crm.example.com`.
    pub public_url: String,
    /// Adds `Secure` to the session cookie (on by default behind https).
    pub cookie_secure: bool,
    /// The header the firm's proxy puts the visitor's country in, if it does.
    pub country_header: Option<String>,
    pub argon2: crate::server::infra::password::HashParams,
    /// Where uploaded files (KYC documents, receipts) are kept, outside the public site.
    pub upload_dir: std::path::PathBuf,
}

impl RuntimeConfig {
    pub fn for_tests() -> Self {
        Self {
            public_url: "http://127.0.0.1:3000".into(),
            cookie_secure: false,
            country_header: Some("x-test-country".into()),
            argon2: crate::server::infra::password::HashParams::FAST_FOR_TESTS,
            upload_dir: std::env::temp_dir().join("propdesk-test-uploads"),
        }
    }
}

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub config: Arc<RuntimeConfig>,
    /// Wakes the mail sender as soon as a transaction queues a message.
    pub mail_wake: Arc<Notify>,
    /// Hands this instance's browsers the live events of every instance.
    pub live: Arc<crate::server::infra::live::Hub>,
}
