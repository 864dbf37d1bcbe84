//! The tables in the browser: the parts it has loaded, one slot per language and part, and
//! their loading.
use super::{Locale, Part};
use std::collections::HashMap;
use std::sync::OnceLock;

type Slots = [OnceLock<HashMap<String, String>>; Part::ALL.len()];

static LOADED: [Slots; Locale::ALL.len()] =
    [const { [const { OnceLock::new() }; Part::ALL.len()] }; Locale::ALL.len()];

fn slot(locale: Locale, part: Part) -> &'static OnceLock<HashMap<String, String>> {
    &LOADED[locale as usize][part as usize]
}

/// The text of a key in a language, else in any language loaded (a switch shows the old one
/// until the new one is there). A key in no loaded part asks for the rest of the table, and
/// the text is drawn again when it arrives.
pub(super) fn lookup(locale: Locale, key: &str) -> Option<&'static str> {
    let find = |parts: &'static Slots| parts.iter().find_map(|p| p.get()?.get(key));
    let found = find(&LOADED[locale as usize])
        .or_else(|| LOADED.iter().find_map(find))
        .map(String::as_str);
    #[cfg(feature = "hydrate")]
    if found.is_none() && awaited(key) {
        ask_rest();
    }
    found
}

/// Whether a missing key may be in the rest of the table, not loaded yet: then it shows as
/// nothing for the moment, not as itself.
pub(super) fn awaited(key: &str) -> bool {
    looks_like_key(key) && slot(shown(), Part::Rest).get().is_none()
}

/// Keys are `area.name`, lowercase; notification values (amounts, names) that are not keys
/// must not load the rest.
fn looks_like_key(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.contains('.')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_')
}

#[cfg(feature = "hydrate")]
use loading::{ask_rest, shown};
#[cfg(feature = "hydrate")]
pub use loading::{load, load_rest, switch_to, watch};

#[cfg(not(feature = "hydrate"))]
fn shown() -> Locale {
    Locale::default()
}

#[cfg(feature = "hydrate")]
mod loading {
    use super::{Locale, Part, slot};
    use leptos::prelude::*;
    use std::cell::{Cell, RefCell};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    thread_local! {
        /// Each part's load under way or done, as a promise any number of callers can await:
        /// an area's code and a missing key may ask for the rest at the same moment.
        static LOADING: RefCell<[[Option<js_sys::Promise>; Part::ALL.len()]; Locale::ALL.len()]> =
            RefCell::default();
        /// The UI's language, notified when the rest arrives so that text drawn while its key
        /// was missing is drawn again (`watch`).
        static SHOWN: Cell<Option<RwSignal<Locale>>> = const { Cell::new(None) };
        /// Whether a redraw already waits for the rest.
        static REDRAW_WAITING: Cell<bool> = const { Cell::new(false) };
        /// Whether the last load of the rest failed.
        static REST_FAILED: Cell<bool> = const { Cell::new(false) };
    }

    /// Remembers the UI's language signal (`ui::prefs::provide`).
    pub fn watch(shown: RwSignal<Locale>) {
        SHOWN.with(|s| s.set(Some(shown)));
    }

    pub(super) fn shown() -> Locale {
        SHOWN
            .with(Cell::get)
            .map(|s| s.get_untracked())
            .unwrap_or_else(|| crate::ui::prefs::initial().1)
    }

    /// The first part of a language's table, loaded once: before hydration (the page's text
    /// must match the server's).
    pub async fn load(locale: Locale) -> Result<(), String> {
        load_part(locale, Part::First).await
    }

    /// The rest of the shown language's table, loaded once: an area's pages are about to be
    /// drawn. A failure is logged; the keys ask again when they are drawn. Once a load has
    /// failed, pages no longer wait for it (hydration cannot wait): they draw at once, blank
    /// where their text is missing, and a retry in the background draws it.
    pub async fn load_rest() {
        if REST_FAILED.with(Cell::get) {
            REDRAW_WAITING.with(|w| w.set(true));
            leptos::task::spawn_local(async {
                let _ = load_rest_then_redraw().await;
            });
            return;
        }
        if let Err(e) = load_rest_then_redraw().await {
            leptos::logging::warn!("translations not loaded: {e}");
        }
    }

    async fn load_rest_then_redraw() -> Result<(), String> {
        let loaded = load_part(shown(), Part::Rest).await;
        REST_FAILED.with(|f| f.set(loaded.is_err()));
        if loaded.is_ok() {
            redraw_if_waiting();
        }
        loaded
    }

    /// What the UI needs before it shows another language: its first part, and its rest if
    /// the rest of any language was asked for already.
    pub async fn switch_to(locale: Locale) -> Result<(), String> {
        load_part(locale, Part::First).await?;
        let rest_wanted = LOADING.with(|l| {
            l.borrow()
                .iter()
                .any(|parts| parts[Part::Rest as usize].is_some())
        });
        if rest_wanted {
            load_part(locale, Part::Rest).await?;
        }
        Ok(())
    }

    /// A key was missing before the rest arrived: load it, then draw the UI's text again.
    pub(super) fn ask_rest() {
        if REDRAW_WAITING.with(|w| w.replace(true)) {
            return;
        }
        leptos::task::spawn_local(async {
            // On failure the redraw stays waiting: no loop of requests against a server that
            // is down. The next area opened asks again, and its load redraws.
            let _ = load_rest_then_redraw().await;
        });
    }

    /// The rest arrived: text drawn blank while its key was missing is drawn again.
    fn redraw_if_waiting() {
        if REDRAW_WAITING.with(|w| w.replace(false))
            && let Some(s) = SHOWN.with(Cell::get)
        {
            s.notify();
        }
    }

    async fn load_part(locale: Locale, part: Part) -> Result<(), String> {
        if slot(locale, part).get().is_some() {
            return Ok(());
        }
        let promise = LOADING.with(|l| {
            l.borrow_mut()[locale as usize][part as usize]
                .get_or_insert_with(|| {
                    wasm_bindgen_futures::future_to_promise(async move {
                        fetch(locale, part)
                            .await
                            .map(|()| JsValue::UNDEFINED)
                            .map_err(|e| JsValue::from_str(&e))
                    })
                })
                .clone()
        });
        JsFuture::from(promise).await.map(drop).map_err(|e| {
            // A failed load may be tried again.
            LOADING.with(|l| l.borrow_mut()[locale as usize][part as usize] = None);
            e.as_string().unwrap_or_default()
        })
    }

    async fn fetch(locale: Locale, part: Part) -> Result<(), String> {
        let failed = |e: JsValue| format!("{e:?}");
        let window = web_sys::window().ok_or("no window")?;
        let url = super::super::table_url(locale, part);
        let res: web_sys::Response = JsFuture::from(window.fetch_with_str(&url))
            .await
            .map_err(failed)?
            .dyn_into()
            .map_err(failed)?;
        if !res.ok() {
            return Err(format!("translations answered {}", res.status()));
        }
        let text = JsFuture::from(res.text().map_err(failed)?)
            .await
            .map_err(failed)?
            .as_string()
            .unwrap_or_default();
        // From bytes, as every other answer is read: one JSON reader in the wasm, not two.
        let table = serde_json::from_slice(text.as_bytes()).map_err(|e| e.to_string())?;
        let _ = slot(locale, part).set(table);
        Ok(())
    }
}
