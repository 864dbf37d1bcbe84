//! Shared components: the portals' frame, forms, tables, charts, preferences.
pub mod chart;
pub mod form;
pub mod layout;
pub mod prefs;
pub mod table;

/// A date and time as shown in lists (UTC, the same on server and browser, so hydration matches).
pub fn datetime(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

pub fn date(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}
