//! Every email the system sends is a template: its key, the placeholders it may use, and its
//! wording in each language, the firm's (`mail_template`, edited in the back office) or else
//! the code's (`mail.<key>.subject` and `.body` in the translations). `send` renders one for a
//! user in their language and queues it; a template with markup goes as HTML with a plain part.
use crate::domain::approval::RequestKind;
use crate::domain::messages::{self, check_template};
use crate::error::AppError;
use crate::i18n::{self, Locale};
use crate::server::entity::{mail_template, user};
use crate::server::infra::mail;
use sea_orm::{ConnectionTrait, EntityTrait};
use std::collections::BTreeMap;

/// The notifications that are emailed too, each its own template: their placeholders are the
/// notification's own, with `{name}` and `{text}` (the notification's sentence).
pub const EMAILED_NOTICES: &[&str] = &[
    "notice.prop_account_ready",
    "notice.prop_passed",
    "notice.prop_completed",
    "notice.prop_failed",
    "notice.prop_live_rejected",
    "notice.profit_share_paid",
    "notice.profit_share_review",
    "notice.profit_share_none",
    "notice.alert_daily_loss",
    "notice.alert_max_loss",
    "notice.alert_period_ending",
    "notice.commission_credited",
    "notice.ticket_reply",
    "notice.competition_prize",
];

/// One email: its key and the placeholders its wording may use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pub key: String,
    pub placeholders: Vec<String>,
}

fn template(key: String, placeholders: &[&str]) -> Template {
    Template {
        key,
        placeholders: placeholders.iter().map(|p| p.to_string()).collect(),
    }
}

/// The placeholders a translated sentence uses (`{challenge}` …).
fn used_in(text: &str) -> Vec<String> {
    text.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(n, _)| n.to_string()))
        .collect()
}

/// Every email the system sends.
pub fn catalogue() -> Vec<Template> {
    let mut out = vec![
        template("welcome".into(), &["name", "link"]),
        template("reset".into(), &["name", "link"]),
        template("invite".into(), &["name", "link"]),
        template("verify".into(), &["name", "code", "link"]),
        template(
            "new_sign_in".into(),
            &["name", "time", "ip", "country", "device"],
        ),
    ];
    for kind in RequestKind::ALL {
        out.push(template(
            format!("approved.{}", kind.as_str()),
            &["name", "id", "kind"],
        ));
        out.push(template(
            format!("rejected.{}", kind.as_str()),
            &["name", "id", "kind", "reason"],
        ));
    }
    for key in EMAILED_NOTICES {
        let mut p = vec!["name".to_string(), "text".to_string()];
        p.extend(used_in(i18n::tr(Locale::En, key)));
        p.dedup();
        out.push(Template {
            key: key.to_string(),
            placeholders: p,
        });
    }
    out
}

pub fn find(key: &str) -> Option<Template> {
    catalogue().into_iter().find(|t| t.key == key)
}

/// The translation keys of a template's default wording: its own, else its family's
/// (`mail.approved` for every `approved.<kind>`, `mail.notice` for emailed notifications).
fn default_keys(key: &str) -> (String, String) {
    let family = if key.starts_with("notice.") {
        "notice"
    } else {
        key.split('.').next().unwrap_or(key)
    };
    (
        format!("mail.{family}.subject"),
        format!("mail.{family}.body"),
    )
}

/// The code's wording of a template in `locale`.
pub fn default_text(key: &str, locale: Locale) -> (String, String) {
    let (s, b) = default_keys(key);
    (
        i18n::tr(locale, &s).to_string(),
        i18n::tr(locale, &b).to_string(),
    )
}

/// The wording used in `locale`: the firm's if it wrote one, else the code's; and whether it
/// is the firm's.
pub async fn wording(
    db: &impl ConnectionTrait,
    key: &str,
    locale: Locale,
) -> Result<(String, String, bool), AppError> {
    let own = mail_template::Entity::find_by_id((key.to_string(), locale.code().to_string()))
        .one(db)
        .await?;
    Ok(match own {
        Some(t) => (t.subject, t.body, true),
        None => {
            let (s, b) = default_text(key, locale);
            (s, b, false)
        }
    })
}

/// A rendered email: subject, plain text and, for a template with markup, its HTML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}

/// Fills a subject and body with `vars`.
pub fn render(subject: &str, body: &str, vars: &BTreeMap<String, String>) -> Rendered {
    let subject = messages::fill(subject, vars, false).replace('\n', " ");
    if messages::has_markup(body) {
        let html = messages::fill(body, vars, true);
        Rendered {
            subject,
            text: messages::plain(&html),
            html: Some(html),
        }
    } else {
        Rendered {
            subject,
            text: messages::fill(body, vars, false),
            html: None,
        }
    }
}

/// Checks a wording against its template's placeholders and markup.
pub fn check(key: &str, subject: &str, body: &str) -> Result<(), AppError> {
    let t = find(key).ok_or(AppError::NotFound)?;
    let allowed: Vec<&str> = t.placeholders.iter().map(String::as_str).collect();
    let mut e = crate::domain::validation::Errors::default();
    if subject.trim().is_empty() {
        e.add("subject", "err.required");
    } else if messages::has_markup(subject) {
        e.add("subject", "err.template_markup");
    } else if let Err(c) = check_template(subject, &allowed) {
        e.add("subject", c);
    }
    if body.trim().is_empty() {
        e.add("body", "err.required");
    } else if let Err(c) = check_template(body, &allowed) {
        e.add("body", c);
    }
    e.into_result().map_err(AppError::from)
}

/// Renders template `key` for `u` in their language with `vars` (a value that is a translation
/// key is translated; their first name is added as `{name}`) and queues it, in the caller's
/// transaction.
pub async fn send(
    db: &impl ConnectionTrait,
    u: &user::Model,
    key: &str,
    vars: BTreeMap<String, String>,
) -> Result<(), AppError> {
    let locale = Locale::from_code(&u.locale);
    let (subject, body, _) = wording(db, key, locale).await?;
    let mut vars: BTreeMap<String, String> = vars
        .into_iter()
        .map(|(k, v)| {
            let v = if i18n::has(&v) {
                i18n::tr(locale, &v).to_string()
            } else {
                v
            };
            (k, v)
        })
        .collect();
    vars.entry("name".into())
        .or_insert_with(|| u.first_name.clone());
    let r = render(&subject, &body, &vars);
    mail::queue(db, &u.email, &r.subject, &r.text, r.html.as_deref()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_has_a_default_wording_that_passes_its_own_check() {
        for t in catalogue() {
            for locale in Locale::ALL {
                let (s, b) = default_text(&t.key, locale);
                assert!(!s.starts_with("mail."), "{} has no subject", t.key);
                assert!(!b.starts_with("mail."), "{} has no body", t.key);
                check(&t.key, &s, &b).unwrap_or_else(|e| panic!("{} {locale:?}: {e:?}", t.key));
            }
        }
    }
}
