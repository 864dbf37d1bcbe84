//! Trading servers: where a stage's accounts live (the built-in simulator or an external
//! platform behind a bridge), what each offers, and whether a challenge stage may run on it.
use crate::domain::challenge::Environment;
use crate::domain::money;
use crate::domain::names::snake_enum;
use serde::{Deserialize, Serialize};

snake_enum! {
    ServerKind { Simulator => "simulator", Bridge => "bridge" }
}

/// The most leverage a server may offer (1:1000), as a package's.
pub const LEVERAGE_MAX: u32 = 1_000;
const GROUP_MAX: usize = 64;
const GROUPS_MAX: usize = 20;
/// Limits of the health settings, in seconds: a minute to a week.
pub const SECS_MIN: i32 = 10;
pub const SECS_MAX: i32 = 7 * 24 * 3600;

/// What a server offers. Empty currencies or leverages: any (the simulator).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerTerms {
    pub kind: ServerKind,
    pub environment: Environment,
    pub currencies: Vec<String>,
    pub leverages: Vec<u32>,
    pub groups: Vec<String>,
    pub enabled: bool,
}

/// What a stage asks of its server.
pub struct StageNeeds<'a> {
    pub environment: Environment,
    pub currency: &'a str,
    pub leverage: u32,
    /// The account group chosen for the stage; empty: the server's first, if any.
    pub group: &'a str,
}

impl ServerTerms {
    /// Why a stage may not run here (the first reason, as an error key), or None.
    /// The simulator serves demo and live stages alike; a bridge only its environment.
    pub fn refuses(&self, n: &StageNeeds) -> Option<&'static str> {
        if !self.enabled {
            Some("err.server_disabled")
        } else if self.kind == ServerKind::Bridge && self.environment != n.environment {
            Some("err.server_environment")
        } else if !self.currencies.is_empty() && !self.currencies.iter().any(|c| c == n.currency) {
            Some("err.server_currency")
        } else if !self.leverages.is_empty() && !self.leverages.contains(&n.leverage) {
            Some("err.server_leverage")
        } else if !n.group.is_empty() && !self.groups.iter().any(|g| g == n.group) {
            Some("err.server_group")
        } else {
            None
        }
    }

    /// The account group an account of this stage goes into.
    pub fn group_for<'a>(&'a self, chosen: &'a str) -> &'a str {
        if chosen.is_empty() {
            self.groups.first().map_or("", String::as_str)
        } else {
            chosen
        }
    }
}

fn items(text: &str) -> impl Iterator<Item = &str> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// The items of a stored list (see `join`).
pub fn split(text: &str) -> Vec<String> {
    items(text).map(str::to_string).collect()
}

/// Currency codes, comma-separated: each known, at least one, no repeats.
pub fn parse_currencies(text: &str) -> Result<Vec<String>, &'static str> {
    let mut out: Vec<String> = Vec::new();
    for c in items(text) {
        let c = c.to_ascii_uppercase();
        if money::currency(&c).is_none() {
            return Err("err.currency_unknown");
        }
        if !out.contains(&c) {
            out.push(c);
        }
    }
    if out.is_empty() {
        return Err("err.required");
    }
    Ok(out)
}

/// Leverages (1 to 1000), comma-separated, at least one; sorted, no repeats.
pub fn parse_leverages(text: &str) -> Result<Vec<u32>, &'static str> {
    let mut out = Vec::new();
    for l in items(text) {
        let l = l.strip_prefix("1:").unwrap_or(l);
        match l.parse::<u32>() {
            Ok(n) if (1..=LEVERAGE_MAX).contains(&n) => out.push(n),
            _ => return Err("err.server_leverages_invalid"),
        }
    }
    if out.is_empty() {
        return Err("err.required");
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// Account groups as the platform names them (`demo\prop-usd`), comma-separated; may be none.
pub fn parse_groups(text: &str) -> Result<Vec<String>, &'static str> {
    let mut out: Vec<String> = Vec::new();
    for g in items(text) {
        if g.chars().count() > GROUP_MAX || g.chars().any(|c| c.is_control()) {
            return Err("err.server_groups_invalid");
        }
        if !out.iter().any(|o| o == g) {
            out.push(g.to_string());
        }
    }
    if out.len() > GROUPS_MAX {
        return Err("err.server_groups_invalid");
    }
    Ok(out)
}

/// The stored (comma-separated) form of a list.
pub fn join<T: ToString>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bridge(env: Environment) -> ServerTerms {
        ServerTerms {
            kind: ServerKind::Bridge,
            environment: env,
            currencies: vec!["USD".into()],
            leverages: vec![30, 100],
            groups: vec!["demo\\prop".into(), "demo\\vip".into()],
            enabled: true,
        }
    }

    fn needs<'a>(env: Environment, cur: &'a str, lev: u32, group: &'a str) -> StageNeeds<'a> {
        StageNeeds {
            environment: env,
            currency: cur,
            leverage: lev,
            group,
        }
    }

    #[test]
    fn kinds_are_spelled_alike() {
        crate::domain::names::spelled_alike(ServerKind::ALL, ServerKind::as_str, ServerKind::parse);
    }

    #[test]
    fn a_stage_runs_only_where_its_environment_currency_leverage_and_group_are_offered() {
        use Environment::*;
        let b = bridge(Demo);
        assert_eq!(b.refuses(&needs(Demo, "USD", 100, "")), None);
        assert_eq!(b.refuses(&needs(Demo, "USD", 30, "demo\\vip")), None);
        assert_eq!(
            b.refuses(&needs(Live, "USD", 100, "")),
            Some("err.server_environment")
        );
        assert_eq!(
            b.refuses(&needs(Demo, "EUR", 100, "")),
            Some("err.server_currency")
        );
        assert_eq!(
            b.refuses(&needs(Demo, "USD", 50, "")),
            Some("err.server_leverage")
        );
        assert_eq!(
            b.refuses(&needs(Demo, "USD", 100, "x")),
            Some("err.server_group")
        );
        let off = ServerTerms {
            enabled: false,
            ..b.clone()
        };
        assert_eq!(
            off.refuses(&needs(Demo, "USD", 100, "")),
            Some("err.server_disabled")
        );
        let sim = ServerTerms {
            kind: ServerKind::Simulator,
            currencies: vec![],
            leverages: vec![],
            groups: vec![],
            ..b.clone()
        };
        assert_eq!(sim.refuses(&needs(Live, "EUR", 500, "")), None);
        assert_eq!(b.group_for(""), "demo\\prop");
        assert_eq!(b.group_for("demo\\vip"), "demo\\vip");
        assert_eq!(sim.group_for(""), "");
    }

    #[test]
    fn lists_are_parsed_strictly() {
        assert_eq!(
            parse_currencies(" usd, EUR,USD "),
            Ok(vec!["USD".into(), "EUR".into()])
        );
        assert_eq!(parse_currencies("USD,XYZ"), Err("err.currency_unknown"));
        assert_eq!(parse_currencies(" , "), Err("err.required"));
        assert_eq!(parse_leverages("100, 1:30,100"), Ok(vec![30, 100]));
        for bad in ["0", "1001", "-5", "ten", "１００", "99999999999999999999"] {
            assert_eq!(
                parse_leverages(bad),
                Err("err.server_leverages_invalid"),
                "{bad}"
            );
        }
        assert_eq!(parse_leverages(""), Err("err.required"));
        assert_eq!(
            parse_groups("demo\\a, demo\\a ,real\\b"),
            Ok(vec!["demo\\a".into(), "real\\b".into()])
        );
        assert_eq!(parse_groups(""), Ok(vec![]));
        assert_eq!(
            parse_groups(&"x".repeat(65)),
            Err("err.server_groups_invalid")
        );
        assert_eq!(join(&[30u32, 100]), "30,100");
    }
}
