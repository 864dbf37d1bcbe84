//! The firm's security rules: session lifetimes, the sign-in lockout, verified sign-up, the
//! alert on an unfamiliar sign-in, and the blacklist of emails, addresses and countries.
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// The security settings (Settings › Security). Defaults are those of the code before they
/// became settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SecuritySettings {
    /// Staff sessions end after this long without a request, and this long after sign-in.
    pub staff_idle_minutes: u32,
    pub staff_absolute_hours: u32,
    pub client_idle_hours: u32,
    pub client_absolute_days: u32,
    /// Consecutive failed sign-ins that lock an email, and for how long.
    pub lockout_failures: u32,
    pub lockout_minutes: u32,
    /// New clients verify their email with an emailed code before their first sign-in.
    pub verify_email: bool,
    /// A client who signs in from a country or device not seen before is emailed, and staff
    /// see it on the alerts page.
    pub alert_new_sign_in: bool,
}

impl Default for SecuritySettings {
    fn default() -> Self {
        SecuritySettings {
            staff_idle_minutes: 60,
            staff_absolute_hours: 12,
            client_idle_hours: 7 * 24,
            client_absolute_days: 30,
            lockout_failures: 5,
            lockout_minutes: 15,
            verify_email: false,
            alert_new_sign_in: true,
        }
    }
}

impl SecuritySettings {
    /// Each limit within its sensible range, or the field at fault.
    pub fn check(&self) -> Result<(), Vec<(&'static str, &'static str)>> {
        let ranges: [(&str, u32, u32, u32); 6] = [
            ("staff_idle_minutes", self.staff_idle_minutes, 5, 24 * 60),
            ("staff_absolute_hours", self.staff_absolute_hours, 1, 7 * 24),
            ("client_idle_hours", self.client_idle_hours, 1, 90 * 24),
            ("client_absolute_days", self.client_absolute_days, 1, 365),
            ("lockout_failures", self.lockout_failures, 3, 50),
            ("lockout_minutes", self.lockout_minutes, 1, 24 * 60),
        ];
        let bad: Vec<_> = ranges
            .iter()
            .filter(|(_, v, lo, hi)| v < lo || v > hi)
            .map(|(f, ..)| (*f, "err.setting_range"))
            .collect();
        if bad.is_empty() { Ok(()) } else { Err(bad) }
    }
}

/// What a blacklist entry names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// An address (`x@example.com`) or a whole domain (`@example.com`).
    Email,
    /// An address (`203.0.113.7`) or a network (`203.0.113.0/24`).
    Ip,
    /// A two-letter country code.
    Country,
}

impl BlockKind {
    pub const ALL: [BlockKind; 3] = [BlockKind::Email, BlockKind::Ip, BlockKind::Country];

    pub fn as_str(self) -> &'static str {
        match self {
            BlockKind::Email => "email",
            BlockKind::Ip => "ip",
            BlockKind::Country => "country",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        BlockKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The entry as stored (trimmed, lower-case emails, upper-case countries), or why not.
    pub fn normalise(self, raw: &str) -> Result<String, &'static str> {
        let v = raw.trim();
        let ok = match self {
            BlockKind::Email => {
                let v = v.to_lowercase();
                let domain = v.strip_prefix('@');
                let good = match domain {
                    Some(d) => d.contains('.') && !d.contains('@') && !d.contains(' '),
                    None => super::validation::email(&v).is_ok(),
                };
                good.then_some(v)
            }
            BlockKind::Ip => parse_net(v).map(|_| v.to_string()),
            BlockKind::Country => (v.len() == 2 && v.chars().all(|c| c.is_ascii_alphabetic()))
                .then(|| v.to_ascii_uppercase()),
        };
        ok.ok_or("err.blacklist_value")
    }
}

/// An address or network: its address and prefix length.
fn parse_net(v: &str) -> Option<(IpAddr, u8)> {
    let (addr, bits) = match v.split_once('/') {
        Some((a, b)) => (a, Some(b.parse::<u8>().ok()?)),
        None => (v, None),
    };
    let ip: IpAddr = addr.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let bits = bits.unwrap_or(max);
    (bits <= max).then_some((ip, bits))
}

fn bits_of(ip: IpAddr) -> (u128, u8) {
    match ip {
        IpAddr::V4(a) => (u128::from(u32::from(a)), 32),
        IpAddr::V6(a) => (u128::from(a), 128),
    }
}

/// Whether an entry of `kind` with stored `value` matches the request's email (lower case),
/// address and country.
pub fn matches(kind: BlockKind, value: &str, email: &str, ip: &str, country: &str) -> bool {
    match kind {
        BlockKind::Email if value.starts_with('@') => email.ends_with(value),
        BlockKind::Email => email == value,
        BlockKind::Country => !country.is_empty() && country.eq_ignore_ascii_case(value),
        BlockKind::Ip => {
            let (Some((net, prefix)), Ok(ip)) = (parse_net(value), ip.parse::<IpAddr>()) else {
                return false;
            };
            let ((n, nw), (a, aw)) = (bits_of(net), bits_of(ip));
            if nw != aw {
                return false;
            }
            let shift = u32::from(nw - prefix);
            shift >= 128 || n >> shift == a >> shift
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_normalised_or_refused() {
        assert_eq!(
            BlockKind::Email.normalise(" Bad@Example.com "),
            Ok("bad@example.com".into())
        );
        assert_eq!(
            BlockKind::Email.normalise("@Spam.io"),
            Ok("@spam.io".into())
        );
        assert!(BlockKind::Email.normalise("@nodot").is_err());
        assert!(BlockKind::Ip.normalise("10.0.0.0/33").is_err());
        assert!(BlockKind::Ip.normalise("not an ip").is_err());
        assert_eq!(BlockKind::Country.normalise("ru"), Ok("RU".into()));
        assert!(BlockKind::Country.normalise("RUS").is_err());
    }

    #[test]
    fn entries_match_addresses_domains_networks_and_countries() {
        use BlockKind::*;
        assert!(matches(Email, "@spam.io", "a@spam.io", "", ""));
        assert!(!matches(Email, "@spam.io", "a@notspam.io.com", "", ""));
        assert!(matches(Email, "x@y.com", "x@y.com", "", ""));
        assert!(matches(Ip, "203.0.113.0/24", "", "203.0.113.77", ""));
        assert!(!matches(Ip, "203.0.113.0/24", "", "203.0.114.1", ""));
        assert!(matches(Ip, "0.0.0.0/0", "", "8.8.8.8", ""));
        assert!(matches(Ip, "::1", "", "::1", ""));
        assert!(!matches(Ip, "10.0.0.1", "", "::1", ""));
        assert!(matches(Country, "RU", "", "", "ru"));
        assert!(!matches(Country, "RU", "", "", ""));
    }

    #[test]
    fn limits_out_of_range_are_named() {
        let s = SecuritySettings {
            lockout_failures: 1,
            staff_idle_minutes: 0,
            ..Default::default()
        };
        let bad = s.check().unwrap_err();
        assert!(bad.contains(&("lockout_failures", "err.setting_range")));
        assert!(bad.contains(&("staff_idle_minutes", "err.setting_range")));
        assert!(SecuritySettings::default().check().is_ok());
    }
}
