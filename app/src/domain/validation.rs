//! Input validation with field-level errors. Each error carries the field name and an i18n key, so
//! the form can show a translated message beside the field.
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    /// An i18n key, e.g. `err.email_invalid`.
    pub code: String,
}

impl FieldError {
    pub fn new(field: &str, code: &str) -> Self {
        Self {
            field: field.to_string(),
            code: code.to_string(),
        }
    }
}

pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 128;
const NAME_MAX: usize = 100;
const EMAIL_MAX: usize = 254;

/// Collects errors across the fields of one form.
#[derive(Default, Debug)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn add(&mut self, field: &str, code: &str) {
        self.0.push(FieldError::new(field, code));
    }

    /// Runs a check and records its error, returning the normalised value when valid.
    pub fn check<T>(&mut self, field: &str, r: Result<T, &'static str>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(code) => {
                self.add(field, code);
                None
            }
        }
    }

    pub fn into_result(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.0)
        }
    }

    /// Ends a form's checks: its errors, or the values its checks returned (a tuple of the
    /// `Option`s `check` gave), all there: a check that failed recorded an error, so without
    /// errors none is missing, and the caller never unwraps.
    pub fn values<C: Checked>(self, checked: C) -> Result<C::Values, Vec<FieldError>> {
        self.into_result()?;
        checked
            .values()
            .ok_or_else(|| vec![FieldError::new("form", "err.invalid")])
    }
}

/// A tuple of checked values, each `Some` when its check passed.
pub trait Checked {
    type Values;
    fn values(self) -> Option<Self::Values>;
}

macro_rules! checked_tuple {
    ($($v:ident),+) => {
        impl<$($v),+> Checked for ($(Option<$v>,)+) {
            type Values = ($($v,)+);
            #[allow(non_snake_case)]
            fn values(self) -> Option<Self::Values> {
                let ($($v,)+) = self;
                Some(($($v?,)+))
            }
        }
    };
}
checked_tuple!(A);
checked_tuple!(A, B);
checked_tuple!(A, B, C);
checked_tuple!(A, B, C, D);
checked_tuple!(A, B, C, D, E);
checked_tuple!(A, B, C, D, E, F);
checked_tuple!(A, B, C, D, E, F, G);

/// Trims and lower-cases an email address and checks its shape.
pub fn email(raw: &str) -> Result<String, &'static str> {
    let e = raw.trim().to_lowercase();
    if e.is_empty() {
        return Err("err.required");
    }
    if e.len() > EMAIL_MAX || e.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("err.email_invalid");
    }
    let Some((local, domain)) = e.split_once('@') else {
        return Err("err.email_invalid");
    };
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !domain.contains('@');
    if local.is_empty() || !domain_ok {
        return Err("err.email_invalid");
    }
    Ok(e)
}

pub fn password(raw: &str) -> Result<String, &'static str> {
    let n = raw.chars().count();
    if n == 0 {
        Err("err.required")
    } else if n < PASSWORD_MIN {
        Err("err.password_short")
    } else if n > PASSWORD_MAX {
        Err("err.password_long")
    } else {
        Ok(raw.to_string())
    }
}

pub fn name(raw: &str) -> Result<String, &'static str> {
    let n = raw.trim();
    if n.is_empty() {
        Err("err.required")
    } else if n.chars().count() > NAME_MAX || n.chars().any(char::is_control) {
        Err("err.name_invalid")
    } else {
        Ok(n.to_string())
    }
}

/// A required multi-line text of at most `max` characters (line breaks and tabs allowed, no
/// other control characters).
pub fn text(raw: &str, max: usize) -> Result<String, &'static str> {
    let t = raw.trim();
    if t.is_empty() {
        Err("err.required")
    } else if t.chars().count() > max {
        Err("err.too_long")
    } else if t
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        Err("err.text_invalid")
    } else {
        Ok(t.to_string())
    }
}

/// An ISO 3166-1 alpha-2 code such as `GB`.
pub fn country(raw: &str) -> Result<String, &'static str> {
    let c = raw.trim().to_uppercase();
    if c.is_empty() {
        Err("err.required")
    } else if c.len() == 2 && c.chars().all(|ch| ch.is_ascii_uppercase()) {
        Ok(c)
    } else {
        Err("err.country_invalid")
    }
}

/// An international number: `+`, then 7 to 15 digits; spaces, dots, dashes and brackets are dropped.
pub fn phone(raw: &str) -> Result<String, &'static str> {
    let t = raw.trim();
    if t.is_empty() {
        return Err("err.required");
    }
    let digits: String = t
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let Some(rest) = digits.strip_prefix('+') else {
        return Err("err.phone_invalid");
    };
    if (7..=15).contains(&rest.len()) && rest.chars().all(|c| c.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err("err.phone_invalid")
    }
}

/// An optional referral code: empty means none.
pub fn referral_code(raw: &str) -> Result<Option<String>, &'static str> {
    let c = raw.trim().to_uppercase();
    if c.is_empty() {
        Ok(None)
    } else if c.len() == 8 && c.chars().all(|ch| ch.is_ascii_alphanumeric()) {
        Ok(Some(c))
    } else {
        Err("err.referral_invalid")
    }
}

/// A six-digit one-time code from an authenticator app.
pub fn totp_code(raw: &str) -> Result<String, &'static str> {
    let c: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if c.len() == 6 && c.chars().all(|ch| ch.is_ascii_digit()) {
        Ok(c)
    } else {
        Err("err.totp_format")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_gives_its_checked_values_or_every_error() {
        let mut errs = Errors::default();
        let e = errs.check("email", email(" Ann@Example.com "));
        let n = errs.check("name", name("Ann"));
        assert_eq!(
            errs.values((e, n)),
            Ok(("ann@example.com".to_string(), "Ann".to_string()))
        );
        let mut errs = Errors::default();
        let e = errs.check("email", email("nope"));
        let n = errs.check("name", name(""));
        let fields: Vec<String> = errs
            .values((e, n))
            .unwrap_err()
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(fields, ["email", "name"]);
        // A value missing without an error (a caller's slip) is refused, never unwrapped.
        assert!(Errors::default().values((Some(1), None::<i64>)).is_err());
    }

    #[test]
    fn emails() {
        assert_eq!(email("  Ann@Example.COM "), Ok("ann@example.com".into()));
        for bad in ["", "   "] {
            assert_eq!(email(bad), Err("err.required"));
        }
        for bad in [
            "ann",
            "ann@",
            "@x.com",
            "ann@x",
            "a b@x.com",
            "ann@x..com",
            "a@b@c.com",
            "ann@.x.com",
        ] {
            assert_eq!(email(bad), Err("err.email_invalid"), "{bad}");
        }
        assert_eq!(
            email(&format!("{}@x.com", "a".repeat(260))),
            Err("err.email_invalid")
        );
    }

    #[test]
    fn passwords_count_characters_not_bytes() {
        assert_eq!(password(""), Err("err.required"));
        assert_eq!(password("short"), Err("err.password_short"));
        assert_eq!(password("ééééééééé"), Err("err.password_short"));
        assert!(password("éééééééééé").is_ok());
        assert_eq!(password(&"x".repeat(129)), Err("err.password_long"));
    }

    #[test]
    fn phones_countries_codes() {
        assert_eq!(phone("+44 20 7946-0958"), Ok("+442079460958".into()));
        assert_eq!(phone("020 7946 0958"), Err("err.phone_invalid"));
        assert_eq!(phone("+12"), Err("err.phone_invalid"));
        assert_eq!(country(" gb "), Ok("GB".into()));
        assert_eq!(country("GBR"), Err("err.country_invalid"));
        assert_eq!(referral_code(""), Ok(None));
        assert_eq!(referral_code("ab12cd34"), Ok(Some("AB12CD34".into())));
        assert_eq!(referral_code("AB-12"), Err("err.referral_invalid"));
        assert_eq!(totp_code("123 456"), Ok("123456".into()));
        assert_eq!(totp_code("12345a"), Err("err.totp_format"));
        assert_eq!(name("\u{0007}bell"), Err("err.name_invalid"));
    }
}
