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

fn table() -> &'static HashMap<&'static str, (&'static str, &'static str)> {
    static TABLE: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    TABLE.get_or_init(|| all_strings().map(|(k, en, es)| (*k, (*en, *es))).collect())
}

/// The text for a key; an unknown key shows as itself (and fails the tests).
/// Whether `key` is a translation key (notification values may be one, or plain text).
pub fn has(key: &str) -> bool {
    table().contains_key(key)
}

pub fn tr(locale: Locale, key: &str) -> &'static str {
    match table().get(key) {
        Some((en, es)) => match locale {
            Locale::En => en,
            Locale::Es => es,
        },
        None => {
            // Leak once per unknown key: it only happens for keys a test would catch.
            Box::leak(key.to_string().into_boxed_str())
        }
    }
}

/// A message with its `{name}` parameters filled in. A parameter that is itself a message key
/// (such as a rule's name) is shown translated.
pub fn fill(
    template: &str,
    data: &std::collections::BTreeMap<String, String>,
    t: impl Fn(&str) -> &'static str,
) -> String {
    data.iter().fold(template.to_string(), |s, (k, v)| {
        let value = if table().contains_key(v.as_str()) {
            t(v)
        } else {
            v
        };
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

mod approvals;
mod challenges;
mod competitions;
mod crm;
mod errors;
mod frame;
mod ib;
mod identity;
mod messages;
mod money;
mod offers;
mod prop;
mod settings;
mod support;
mod trading;

/// Every table, one per area or key group.
fn all_strings() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    errors::ERRORS
        .iter()
        .chain(frame::FRAME)
        .chain(identity::IDENTITY)
        .chain(crm::CRM)
        .chain(approvals::APPROVALS)
        .chain(money::MONEY)
        .chain(settings::SETTINGS)
        .chain(ib::IB)
        .chain(offers::OFFERS)
        .chain(messages::MESSAGES)
        .chain(prop::PROP)
        .chain(support::SUPPORT)
        .chain(competitions::COMPETITIONS)
        .chain(challenges::CHALLENGES)
        .chain(trading::TRADING)
}

#[cfg(test)]
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
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut missing = Vec::new();
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                // Permission names are stored in roles, not translated.
                if path.extension().is_none_or(|e| e != "rs")
                    || path.ends_with("domain/permission.rs")
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
