//! Translations. English and Spanish; every user-visible string goes through `tr`. The table is
//! checked by tests: every key has both languages, and every key used in the code exists.
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use std::{collections::HashMap, sync::OnceLock};

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

/// A language's table comes in two parts. The first holds what a first visit shows (the sign-in
/// pages, the client portal's frame and dashboard, notifications, and the errors those can
/// give); the page preloads it. The rest (every area's own screens, about four fifths of the
/// text) loads with the first area that needs it (`root::LazyPage`), or when a key is missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    First,
    Rest,
}

impl Part {
    pub const ALL: [Part; 2] = [Part::First, Part::Rest];

    /// The part a key is in: by the prefixes of `FIRST_VISIT`.
    #[cfg(feature = "ssr")]
    pub fn of(key: &str) -> Part {
        if FIRST_VISIT.iter().any(|p| key.starts_with(p)) {
            Part::First
        } else {
            Part::Rest
        }
    }

    /// The part a table's file name (`en.json`, `en-rest.json`) asks for, with its language.
    pub fn parse_file(file: &str) -> Option<(Locale, Part)> {
        let name = file.strip_suffix(".json")?;
        match name.strip_suffix("-rest") {
            Some(code) => Some((Locale::parse(code)?, Part::Rest)),
            None => Some((Locale::parse(name)?, Part::First)),
        }
    }
}

/// The key prefixes of a table's first part. Keys the first-visit pages name literally are
/// checked against it (`first_visit_sources_use_first_part_keys`); the ones they build (a
/// request's kind, a participant's status, a rule in a notification) are listed by prefix.
#[cfg(feature = "ssr")]
const FIRST_VISIT: &[&str] = &[
    "nav.",
    "common.copy",
    "common.copied",
    "common.home",
    "common.language",
    "common.mark_all_read",
    "common.no_notifications",
    "common.no_rows",
    "common.not_found",
    "common.status",
    "common.toggle_theme",
    "common.view_all",
    "dash.",
    "live.",
    "notice.",
    "auth.",
    "kyc.status_",
    "rule.",
    "wallets.available",
    "appr.kind_",
    "prop.status_",
    "ib.subtitle",
    "msg.close",
    "msg.coupon_granted",
    "msg.open_link",
    // What `AppError::key` names, and the fields of signing in, registering and resetting.
    "err.sign_in",
    "err.forbidden",
    "err.not_found",
    "err.invalid",
    "err.bad_credentials",
    "err.locked",
    "err.rate_limited",
    "err.disabled",
    "err.pending_approval",
    "err.registration_",
    "err.email_",
    "err.blocked",
    "err.kyc_required",
    "err.wrong_portal",
    "err.cross_origin",
    "err.bad_request",
    "err.conflict",
    "err.internal",
    "err.network",
    "err.required",
    "err.too_long",
    "err.name_",
    "err.password_",
    "err.phone_",
    "err.country_",
    "err.referral_",
    "err.totp_",
    "err.code_",
    "err.login_",
    "err.resend_limit",
];

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

/// One part of one language's table as JSON, `{"key": "text", …}` in key order, which the
/// browser loads.
#[cfg(feature = "ssr")]
pub fn table_json(locale: Locale, part: Part) -> String {
    let texts: std::collections::BTreeMap<&str, &str> = all_strings()
        .filter(|(k, _, _)| Part::of(k) == part)
        .map(|(k, en, es)| (*k, if locale == Locale::Es { *es } else { *en }))
        .collect();
    serde_json::to_string(&texts).unwrap_or_default()
}

/// The address of one part of a language's table (served by the server; the page preloads the
/// first).
pub fn table_url(locale: Locale, part: Part) -> String {
    match part {
        Part::First => format!("/i18n/{}.json", locale.code()),
        Part::Rest => format!("/i18n/{}-rest.json", locale.code()),
    }
}

/// The browser's side: the parts it has loaded, and the loading.
#[cfg(not(feature = "ssr"))]
mod loaded;
#[cfg(not(feature = "ssr"))]
use loaded::lookup;
#[cfg(feature = "hydrate")]
pub use loaded::{load, load_rest, switch_to, watch};

/// On the server every table is there already.
#[cfg(not(feature = "hydrate"))]
pub async fn load(_locale: Locale) -> Result<(), String> {
    Ok(())
}

#[cfg(not(feature = "hydrate"))]
pub async fn load_rest() {}

#[cfg(not(feature = "hydrate"))]
pub async fn switch_to(_locale: Locale) -> Result<(), String> {
    Ok(())
}

#[cfg(not(feature = "hydrate"))]
pub fn watch(_shown: RwSignal<Locale>) {}

/// Whether `key` is a translation key (notification values may be one, or plain text).
pub fn has(key: &str) -> bool {
    lookup(Locale::En, key).is_some()
}

/// The text for a key; an unknown key shows as itself (and fails the tests).
pub fn tr(locale: Locale, key: &str) -> &'static str {
    lookup(locale, key).unwrap_or_else(|| {
        // In the browser, a key of the part still loading shows as nothing until it arrives.
        #[cfg(not(feature = "ssr"))]
        if loaded::awaited(key) {
            return "";
        }
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
            // Permission names are stored in roles, not translated; this module names prefixes.
            if path.ends_with("domain/permission.rs")
                || path.ends_with("i18n/mod.rs")
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

    /// The pages of a first visit (the sign-in pages, the client portal's frame and dashboard,
    /// popups) name only keys of the table's first part: the browser draws them before any rest.
    #[test]
    fn first_visit_sources_use_first_part_keys() {
        const SOURCES: [&str; 10] = [
            "root.rs",
            "pages/home/client.rs",
            "pages/identity/client_auth.rs",
            "pages/identity/signin.rs",
            "pages/identity/staff_login.rs",
            "ui/bell.rs",
            "ui/layout.rs",
            "ui/prefs.rs",
            "ui/live.rs",
            "ui/popup.rs",
        ];
        let mut checked = 0;
        let mut in_rest = Vec::new();
        for path in crate::rust_sources() {
            let p = path.to_string_lossy().replace('\\', "/");
            if !SOURCES.iter().any(|s| p.ends_with(&format!("src/{s}"))) {
                continue;
            }
            checked += 1;
            let src = std::fs::read_to_string(&path).unwrap();
            for lit in src.split('"').skip(1).step_by(2) {
                if table().contains_key(lit) && Part::of(lit) == Part::Rest {
                    in_rest.push(format!("{p}: {lit}"));
                }
            }
        }
        assert_eq!(checked, SOURCES.len(), "a first-visit source moved");
        assert!(
            in_rest.is_empty(),
            "first-visit keys in the rest:\n{}",
            in_rest.join("\n")
        );
    }

    #[test]
    fn the_first_part_is_small_and_the_parts_hold_every_key() {
        for locale in Locale::ALL {
            let part = |p| {
                serde_json::from_str::<HashMap<String, String>>(&table_json(locale, p)).unwrap()
            };
            let (first, rest) = (part(Part::First), part(Part::Rest));
            assert_eq!(first.len() + rest.len(), table().len());
            assert!(first.keys().all(|k| !rest.contains_key(k)));
            assert!(first.contains_key("auth.sign_in") && rest.contains_key("settings.sub"));
            // What the split is for: a first visit downloads a fifth of the text.
            assert!(
                first.len() * 4 < rest.len(),
                "{} / {}",
                first.len(),
                rest.len()
            );
        }
    }

    #[test]
    fn table_files_name_language_and_part() {
        assert_eq!(Part::parse_file("es.json"), Some((Locale::Es, Part::First)));
        assert_eq!(
            Part::parse_file("en-rest.json"),
            Some((Locale::En, Part::Rest))
        );
        for bad in [
            "fr.json",
            "es",
            "en-rest",
            "en-more.json",
            "-rest.json",
            "es.json.gz",
        ] {
            assert_eq!(Part::parse_file(bad), None, "{bad}");
        }
        for locale in Locale::ALL {
            for part in Part::ALL {
                let url = table_url(locale, part);
                let file = url.strip_prefix("/i18n/").unwrap();
                assert_eq!(Part::parse_file(file), Some((locale, part)));
            }
        }
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
