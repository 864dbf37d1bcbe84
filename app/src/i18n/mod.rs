//! Translations. English and Spanish; every user-visible string goes through `tr`. The table is
//! checked by tests: every key has both languages, and every key used in the code exists.
use leptos::prelude::*;
use std::collections::HashMap;
use std::sync::OnceLock;

pub const LOCALE_COOKIE: &str = "pd_locale";
pub const THEME_COOKIE: &str = "pd_theme";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Locale {
    #[default]
    En,
    Es,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Es];

    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Es => "es",
        }
    }

    /// The language's own name, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Es => "Español",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "en" => Some(Locale::En),
            "es" => Some(Locale::Es),
            _ => None,
        }
    }

    pub fn from_code(code: &str) -> Self {
        Self::parse(code).unwrap_or_default()
    }

    /// The first supported language of an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .filter_map(|tag| tag.trim().get(..2))
            .find_map(|l| Self::parse(&l.to_ascii_lowercase()))
    }

    /// The request's language: the signed-in user's choice, else the cookie, else the browser's.
    #[cfg(feature = "ssr")]
    pub fn from_request() -> Self {
        crate::server::identity::authz::current_session()
            .map(|s| Locale::from_code(&s.user.locale))
            .or_else(|| request_cookie(LOCALE_COOKIE).and_then(|c| Locale::parse(&c)))
            .or_else(|| {
                use_context::<http::request::Parts>().and_then(|p| {
                    p.headers
                        .get(http::header::ACCEPT_LANGUAGE)
                        .and_then(|v| v.to_str().ok())
                        .and_then(Locale::from_accept_language)
                })
            })
            .unwrap_or_default()
    }
}

#[cfg(feature = "ssr")]
pub fn request_cookie(name: &str) -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    let header = parts.headers.get(http::header::COOKIE)?.to_str().ok()?;
    header
        .split(';')
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Both languages' tables, compiled into the server. The browser's wasm carries none (150 KB
/// of text every visitor would download): it loads the language in use from `table_url`.
#[cfg(feature = "ssr")]
fn table() -> &'static HashMap<&'static str, (&'static str, &'static str)> {
    static TABLE: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    TABLE.get_or_init(|| all_strings().map(|(k, en, es)| (*k, (*en, *es))).collect())
}

#[cfg(feature = "ssr")]
fn lookup(locale: Locale, key: &str) -> Option<&'static str> {
    table().get(key).map(|(en, es)| match locale {
        Locale::En => *en,
        Locale::Es => *es,
    })
}

/// One language's table as JSON, `{"key": "text", …}` in key order, which the browser loads.
#[cfg(feature = "ssr")]
pub fn table_json(locale: Locale) -> String {
    let texts: std::collections::BTreeMap<&str, &str> = all_strings()
        .map(|(k, en, es)| (*k, if locale == Locale::Es { *es } else { *en }))
        .collect();
    serde_json::to_string(&texts).unwrap_or_default()
}

/// The address of one language's table (served by the server, preloaded by the page).
pub fn table_url(locale: Locale) -> String {
    format!("/i18n/{}.json", locale.code())
}

/// The tables the browser has loaded, one slot per language (`Locale as usize`).
#[cfg(not(feature = "ssr"))]
static LOADED: [OnceLock<HashMap<String, String>>; Locale::ALL.len()] =
    [const { OnceLock::new() }; Locale::ALL.len()];

#[cfg(not(feature = "ssr"))]
fn lookup(locale: Locale, key: &str) -> Option<&'static str> {
    let slot = &LOADED[locale as usize];
    slot.get()
        .or_else(|| LOADED.iter().find_map(OnceLock::get))
        .and_then(|t| t.get(key))
        .map(String::as_str)
}

/// Loads a language's table into the browser, once: before hydration (the page's text must
/// match the server's) and before the language switches.
#[cfg(feature = "hydrate")]
pub async fn load(locale: Locale) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let slot = &LOADED[locale as usize];
    if slot.get().is_some() {
        return Ok(());
    }
    let failed = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let window = web_sys::window().ok_or("no window")?;
    let res: web_sys::Response = JsFuture::from(window.fetch_with_str(&table_url(locale)))
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
    let _ = slot.set(table);
    Ok(())
}

/// On the server every table is there already.
#[cfg(not(feature = "hydrate"))]
pub async fn load(_locale: Locale) -> Result<(), String> {
    Ok(())
}

/// Whether `key` is a translation key (notification values may be one, or plain text).
pub fn has(key: &str) -> bool {
    lookup(Locale::En, key).is_some()
}

/// The text for a key; an unknown key shows as itself (and fails the tests).
pub fn tr(locale: Locale, key: &str) -> &'static str {
    lookup(locale, key).unwrap_or_else(|| {
        // Leak once per unknown key: it only happens for keys a test would catch.
        Box::leak(key.to_string().into_boxed_str())
    })
}

/// A message with its `{name}` parameters filled in. A parameter that is itself a message key
/// (such as a rule's name) is shown translated.
pub fn fill(
    template: &str,
    data: &std::collections::BTreeMap<String, String>,
    t: impl Fn(&str) -> &'static str,
) -> String {
    data.iter().fold(template.to_string(), |s, (k, v)| {
        let value = if has(v) { t(v) } else { v };
        s.replace(&format!("{{{k}}}"), value)
    })
}

/// The language in force in the UI.
#[derive(Clone, Copy)]
pub struct I18n(pub RwSignal<Locale>);

impl I18n {
    /// Reactive when called inside a closure in `view!`.
    pub fn t(&self, key: &str) -> &'static str {
        tr(self.0.get(), key)
    }
    pub fn locale(&self) -> Locale {
        self.0.get()
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

#[cfg(feature = "ssr")]
mod tables;
#[cfg(feature = "ssr")]
use tables::all_strings;

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_unique_and_translated() {
        let mut seen = std::collections::HashSet::new();
        for (k, en, es) in all_strings() {
            assert!(seen.insert(*k), "duplicate key {k}");
            assert!(!en.is_empty() && !es.is_empty(), "{k} lacks a translation");
        }
    }

    /// Every literal key passed to `t(`/`tr(` in the source, and every `err.`/`perm.`/`notice.`
    /// key named anywhere, exists in the table.
    #[test]
    fn every_key_used_in_the_code_exists() {
        let mut missing = Vec::new();
        for path in crate::rust_sources() {
            // Permission names are stored in roles, not translated.
            if path.ends_with("domain/permission.rs")
                || path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("i18n_"))
            {
                continue;
            }
            let src = std::fs::read_to_string(&path).unwrap();
            for (i, _) in src.match_indices('"') {
                let rest = &src[i + 1..];
                let Some(end) = rest.find('"') else { continue };
                let lit = &rest[..end];
                let looks_like_key = [
                    "err.",
                    "perm.",
                    "notice.",
                    "nav.",
                    "auth.",
                    "dash.",
                    "ib.",
                    "admin.",
                    "common.",
                    "profile.",
                    "mail.",
                    "funds.",
                    "kyc.",
                    "appr.",
                    "settings.",
                    "wallets.",
                    "prop.",
                    "chal.",
                    "trade.",
                    "rule.",
                    "platform.",
                    "offers.",
                    "msg.",
                    "servers.",
                    "crm.",
                ]
                .iter()
                .any(|p| lit.starts_with(p))
                    && lit.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_'
                    })
                    && !lit.ends_with('.');
                if looks_like_key && !lit.starts_with("mail.") && table().get(lit).is_none() {
                    missing.push(format!("{}: {lit}", path.display()));
                }
            }
        }
        missing.sort();
        missing.dedup();
        assert!(
            missing.is_empty(),
            "keys without translations:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn mail_templates_exist() {
        for t in ["mail.reset", "mail.invite"] {
            for part in ["subject", "body"] {
                assert!(table().contains_key(format!("{t}.{part}").as_str()));
            }
        }
    }

    #[test]
    fn accept_language() {
        assert_eq!(
            Locale::from_accept_language("es-ES,es;q=0.9,en;q=0.8"),
            Some(Locale::Es)
        );
        assert_eq!(
            Locale::from_accept_language("fr-FR, en;q=0.5"),
            Some(Locale::En)
        );
        assert_eq!(Locale::from_accept_language("fr"), None);
    }
}
