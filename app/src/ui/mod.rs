//! Shared components: the portals' frame, forms, tables, charts, preferences.
pub mod badge;
pub mod bell;
pub mod chart;
pub mod form;
pub mod in_browser;
pub mod layout;
pub mod live;
pub mod pages_style;
pub mod popup;
pub mod prefs;
pub mod profit_share;
pub mod prop;
pub mod prop_filter;
pub mod resource;
pub mod settings;
pub mod table;
pub mod tabs;
pub mod text;
pub mod toolbar;

/// The `:id` of the page's route; 0 when it is missing or not a number (the server then answers
/// not found).
pub fn route_id() -> leptos::prelude::Memo<i64> {
    use leptos::prelude::*;
    let params = leptos_router::hooks::use_params_map();
    Memo::new(move |_| {
        params
            .with(|p| p.get("id"))
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    })
}

/// A date and time as shown in lists (UTC, the same on server and browser, so hydration matches).
/// Written out rather than with chrono's `format("%Y-%m-%d %H:%M")`: its pattern reader would
/// be in every first download, for the dashboard's dates alone (docs/benchmarks.md).
pub fn datetime(t: &chrono::DateTime<chrono::Utc>) -> String {
    use chrono::Timelike;
    format!("{} {:02}:{:02}", date(t), t.hour(), t.minute())
}

/// `YYYY-MM-DD`, UTC.
pub fn date(t: &chrono::DateTime<chrono::Utc>) -> String {
    use chrono::Datelike;
    format!("{:04}-{:02}-{:02}", t.year(), t.month(), t.day())
}

/// An amount with its currency, as shown everywhere: "1250.00 USD".
pub fn money(amount: &str, currency: &str) -> String {
    format!("{amount} {currency}")
}

/// Today's date (UTC) where the code runs (`now`).
pub fn today() -> chrono::NaiveDate {
    now().date_naive()
}

/// The time where the code runs: in the browser from its clock (the standard library has none
/// on wasm), on the server from the system's.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    #[cfg(feature = "hydrate")]
    if let Some(t) = chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64) {
        return t;
    }
    chrono::Utc::now()
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

/// Opens a tab, and says whether it was not open already. A click on the tab already open
/// changes nothing: setting the signal again would rebuild its panel, refetching its data and
/// dropping what the user had typed there.
pub fn open_tab<T: PartialEq + Send + Sync + 'static>(
    tab: leptos::prelude::RwSignal<T>,
    t: T,
) -> bool {
    use leptos::prelude::{Set, WithUntracked};
    let other = tab.with_untracked(|open| *open != t);
    if other {
        tab.set(t);
    }
    other
}

#[cfg(test)]
mod tests {
    /// The written-out dates read as chrono's patterns would.
    #[test]
    fn dates_read_as_their_patterns() {
        for ms in [0, 1_764_979_200_000, 1_796_509_514_998, 253_402_300_799_000] {
            let t = chrono::DateTime::from_timestamp_millis(ms).unwrap();
            assert_eq!(super::datetime(&t), t.format("%Y-%m-%d %H:%M").to_string());
            assert_eq!(super::date(&t), t.format("%Y-%m-%d").to_string());
        }
    }
}
