//! Shared components: the portals' frame, forms, tables, charts, preferences.
pub mod chart;
pub mod form;
pub mod layout;
pub mod prefs;
pub mod prop;
pub mod table;

/// A date and time as shown in lists (UTC, the same on server and browser, so hydration matches).
pub fn datetime(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

pub fn date(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

/// An amount with its currency, as shown everywhere: "1250.00 USD".
pub fn money(amount: &str, currency: &str) -> String {
    format!("{amount} {currency}")
}

/// A fresh key for a money-moving form: one per intended operation, so that a double submit
/// (two clicks, a retried request) is applied once by the server. Make a new one after each
/// success.
pub fn new_idempotency_key() -> String {
    #[cfg(feature = "hydrate")]
    if let Ok(c) = leptos::prelude::window().crypto() {
        return c.random_uuid();
    }
    // Only the browser submits forms; this keeps server rendering total.
    format!(
        "k-{}",
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
    )
}
