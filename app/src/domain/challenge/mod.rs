//! A challenge definition: a challenge sells packages (an account size at a fee), and each
//! package runs its stages in order (demo evaluations, then usually a funded live stage). The
//! server stores it as JSON; the back office edits it as one form, so validation reports every
//! problem at once, each under the path of the field it belongs to.
use super::clock;
use super::money::{self, Currency, MAX_MINOR};
use super::rules::{DailyLossBase, MaxLossMode, StageRules, TradeLossLimit};
use super::validation::{Errors, FieldError};
use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

pub mod text;

/// An enum stored by its snake_case name (serde and `as_str` agree; a test checks it).
macro_rules! snake_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),* }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$variant),)* _ => None }
            }
        }
    };
}

snake_enum! {
    Environment { Demo => "demo", Live => "live" }
}

snake_enum! {
    SettlementFrequency { Daily => "daily", Weekly => "weekly", Biweekly => "biweekly", Monthly => "monthly" }
}

snake_enum! {
    /// Whether profit-share payouts are paid out by themselves or wait for a person.
    Distribution { Automatic => "automatic", Manual => "manual" }
}

snake_enum! {
    /// A rule a firm can hide from clients.
    RuleField {
        TradingPeriod => "trading_period",
        MinTradingDays => "min_trading_days",
        ProfitTarget => "profit_target",
        MaxDailyLoss => "max_daily_loss",
        MaxLoss => "max_loss",
        MaxLossPerTrade => "max_loss_per_trade",
        ProfitShare => "profit_share",
    }
}

impl RuleField {
    /// The i18n key of the rule's name (literal, so the i18n tests see every one).
    pub fn label_key(self) -> &'static str {
        match self {
            RuleField::TradingPeriod => "rule.trading_period",
            RuleField::MinTradingDays => "rule.min_trading_days",
            RuleField::ProfitTarget => "rule.profit_target",
            RuleField::MaxDailyLoss => "rule.max_daily_loss",
            RuleField::MaxLoss => "rule.max_loss",
            RuleField::MaxLossPerTrade => "rule.max_loss_per_trade",
            RuleField::ProfitShare => "rule.profit_share",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageDef {
    pub environment: Environment,
    /// None: unlimited.
    pub period_days: Option<u32>,
    pub min_trading_days: u32,
    /// Basis points (1% = 100) of the initial balance, as every percentage here.
    pub profit_target_bps: Option<i64>,
    pub max_daily_loss_bps: Option<i64>,
    pub daily_loss_base: DailyLossBase,
    pub daily_settlement: bool,
    pub max_loss_bps: Option<i64>,
    pub max_loss_mode: MaxLossMode,
    pub max_loss_per_trade: Option<TradeLossLimit>,
    pub retry_allowed: bool,
    /// Attempts in total, the first included.
    pub max_attempts: u32,
    /// 0: retrying is free.
    pub retry_fee_minor: i64,
    /// The trader's share of the profit, on live stages.
    pub profit_share_bps: Option<i64>,
    pub settlement: SettlementFrequency,
    pub distribution: Distribution,
    pub upgrade_immediately: bool,
    pub hidden: Vec<RuleField>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageDef {
    /// Stable within the challenge: participants reference it, so renaming keeps it.
    pub key: String,
    pub name: String,
    /// A code `money::currency` accepts.
    pub currency: String,
    pub account_size_minor: i64,
    /// May be 0 (a free package).
    pub fee_minor: i64,
    pub leverage: u32,
    pub stages: Vec<StageDef>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeDef {
    pub name: String,
    /// Tags clients filter by.
    pub types: Vec<String>,
    /// IANA name; days (and so daily limits) turn over at midnight here.
    pub time_zone: String,
    /// Local time in `time_zone`.
    pub starts_at: NaiveDateTime,
    /// Empty, or "https://…" or a site path "/…".
    pub cover_url: String,
    pub poster_url: String,
    /// Language code ("en", "es") to text.
    pub details: BTreeMap<String, String>,
    /// Clients see the details before "my challenge".
    pub details_first: bool,
    pub packages: Vec<PackageDef>,
    pub pay_from_wallet: bool,
    pub pay_direct: bool,
    /// Client groups that see it; empty: every group.
    pub groups: Vec<i64>,
}

impl StageDef {
    /// The engine's rules for an account that starts at `initial_balance`.
    pub fn rules(&self, initial_balance: i64) -> StageRules {
        StageRules {
            initial_balance,
            profit_target_bps: self.profit_target_bps,
            max_daily_loss_bps: self.max_daily_loss_bps,
            daily_loss_base: self.daily_loss_base,
            daily_settlement: self.daily_settlement,
            max_loss_bps: self.max_loss_bps,
            max_loss_mode: self.max_loss_mode,
            max_loss_per_trade: self.max_loss_per_trade,
            min_trading_days: self.min_trading_days,
            period_days: self.period_days,
            upgrade_immediately: self.upgrade_immediately,
        }
    }

    /// An evaluation stage: 8% in 30 days with at least 4 trading days, 5% daily and 10%
    /// overall loss limits, three free attempts.
    pub fn demo_default() -> Self {
        Self {
            environment: Environment::Demo,
            period_days: Some(30),
            min_trading_days: 4,
            profit_target_bps: Some(800),
            max_daily_loss_bps: Some(500),
            daily_loss_base: DailyLossBase::InitialBalance,
            daily_settlement: true,
            max_loss_bps: Some(1_000),
            max_loss_mode: MaxLossMode::Static,
            max_loss_per_trade: None,
            retry_allowed: true,
            max_attempts: 3,
            retry_fee_minor: 0,
            profit_share_bps: None,
            settlement: SettlementFrequency::Monthly,
            distribution: Distribution::Automatic,
            upgrade_immediately: false,
            hidden: Vec::new(),
        }
    }

    /// A funded stage: no period or target, the same loss limits, 80% of the profit to the
    /// trader.
    pub fn live_default() -> Self {
        Self {
            environment: Environment::Live,
            period_days: None,
            min_trading_days: 0,
            profit_target_bps: None,
            retry_allowed: false,
            max_attempts: 1,
            profit_share_bps: Some(8_000),
            ..Self::demo_default()
        }
    }
}

impl PackageDef {
    /// A single live stage: the trader is funded straight away.
    pub fn is_one_step(&self) -> bool {
        matches!(self.stages.as_slice(), [s] if s.environment == Environment::Live)
    }
}

const NAME_MAX: usize = 100;
const TYPES_MAX: usize = 10;
const TYPE_MAX: usize = 30;
const URL_MAX: usize = 500;
const DETAILS_MAX: usize = 20_000;
const LANGUAGES: &[&str] = &["en", "es"];
const PACKAGES_MAX: usize = 10;
const KEY_MAX: usize = 20;
const LEVERAGE_MAX: u32 = 1_000;
const STAGES_MAX: usize = 5;
/// 100%.
const BPS_MAX: i64 = 10_000;
const PERIOD_MAX: u32 = 3_650;
const ATTEMPTS_MAX: u32 = 20;

impl ChallengeDef {
    /// The starting point of a new challenge in the back office: valid as it is.
    pub fn example() -> Self {
        Self {
            name: "New challenge".into(),
            types: vec!["Two-step".into()],
            time_zone: "UTC".into(),
            // A fixed date keeps this pure; the form asks for the real one.
            starts_at: chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .unwrap_or_default(),
            cover_url: String::new(),
            poster_url: String::new(),
            details: BTreeMap::new(),
            details_first: false,
            packages: vec![PackageDef {
                key: "p1".into(),
                name: "Standard 10K".into(),
                currency: "USD".into(),
                account_size_minor: 1_000_000,
                fee_minor: 9_900,
                leverage: 100,
                stages: vec![
                    StageDef::demo_default(),
                    StageDef::demo_default(),
                    StageDef::live_default(),
                ],
            }],
            pay_from_wallet: true,
            pay_direct: true,
            groups: Vec::new(),
        }
    }

    pub fn package(&self, key: &str) -> Option<&PackageDef> {
        self.packages.iter().find(|p| p.key == key)
    }

    /// Every problem, each under its field's path (see the module tests for the paths).
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut e = Errors::default();
        let name = self.name.trim();
        if name.is_empty() {
            e.add("name", "err.required");
        } else if name.chars().count() > NAME_MAX {
            e.add("name", "err.challenge_name_too_long");
        }
        self.validate_types(&mut e);
        if self.time_zone.is_empty() {
            e.add("time_zone", "err.required");
        } else {
            e.check("time_zone", clock::parse_tz(&self.time_zone));
        }
        e.check("cover_url", url(&self.cover_url));
        e.check("poster_url", url(&self.poster_url));
        for (lang, text) in &self.details {
            let field = format!("details.{lang}");
            if !LANGUAGES.contains(&lang.as_str()) {
                e.add(&field, "err.challenge_details_language");
            } else if text.chars().count() > DETAILS_MAX {
                e.add(&field, "err.challenge_details_too_long");
            }
        }
        if self.packages.is_empty() {
            e.add("packages", "err.challenge_packages_none");
        } else if self.packages.len() > PACKAGES_MAX {
            e.add("packages", "err.challenge_packages_too_many");
        }
        let mut keys = HashSet::new();
        let mut names = HashSet::new();
        for (i, p) in self.packages.iter().enumerate() {
            let at = |f: &str| format!("packages.{i}.{f}");
            if p.key.is_empty() {
                e.add(&at("key"), "err.required");
            } else if p.key.len() > KEY_MAX
                || !p
                    .key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                e.add(&at("key"), "err.package_key_invalid");
            } else if !keys.insert(p.key.as_str()) {
                e.add(&at("key"), "err.package_key_duplicate");
            }
            let name = p.name.trim();
            if name.is_empty() {
                e.add(&at("name"), "err.required");
            } else if name.chars().count() > NAME_MAX {
                e.add(&at("name"), "err.package_name_too_long");
            } else if !names.insert(name.to_lowercase()) {
                e.add(&at("name"), "err.package_name_duplicate");
            }
            if money::currency(&p.currency).is_none() {
                e.add(&at("currency"), "err.currency_unknown");
            }
            if p.account_size_minor <= 0 {
                e.add(&at("account_size"), "err.amount_not_positive");
            } else if p.account_size_minor > MAX_MINOR {
                e.add(&at("account_size"), "err.amount_too_large");
            }
            e.check(&at("fee"), fee(p.fee_minor));
            if !(1..=LEVERAGE_MAX).contains(&p.leverage) {
                e.add(&at("leverage"), "err.package_leverage_range");
            }
            if p.stages.is_empty() {
                e.add(&at("stages"), "err.package_stages_none");
            } else if p.stages.len() > STAGES_MAX {
                e.add(&at("stages"), "err.package_stages_too_many");
            }
            let last = p.stages.len().saturating_sub(1);
            for (j, s) in p.stages.iter().enumerate() {
                validate_stage(&mut e, &format!("packages.{i}.stages.{j}"), s, j == last);
            }
        }
        if !self.pay_from_wallet && !self.pay_direct {
            e.add("payment", "err.challenge_payment_none");
        }
        let mut groups = HashSet::new();
        if !self.groups.iter().all(|g| groups.insert(*g)) {
            e.add("groups", "err.challenge_group_duplicate");
        }
        e.into_result()
    }

    /// Each kind of problem with the types is reported once: they share one field.
    fn validate_types(&self, e: &mut Errors) {
        if self.types.len() > TYPES_MAX {
            e.add("types", "err.challenge_types_too_many");
        }
        if self
            .types
            .iter()
            .any(|t| !(1..=TYPE_MAX).contains(&t.trim().chars().count()))
        {
            e.add("types", "err.challenge_type_length");
        }
        let mut seen = HashSet::new();
        if !self
            .types
            .iter()
            .all(|t| seen.insert(t.trim().to_lowercase()))
        {
            e.add("types", "err.challenge_type_duplicate");
        }
    }
}

/// An image address: empty, absolute https, or a path on this site. "//host" is refused: it
/// is another site, fetched over whatever scheme the page uses.
fn url(u: &str) -> Result<(), &'static str> {
    if u.is_empty() {
        return Ok(());
    }
    if u.chars().count() > URL_MAX {
        return Err("err.challenge_url_too_long");
    }
    let shape_ok = (u.starts_with("https://") && u.len() > "https://".len())
        || (u.starts_with('/') && !u.starts_with("//"));
    if !shape_ok || u.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("err.challenge_url_invalid");
    }
    Ok(())
}

fn fee(minor: i64) -> Result<(), &'static str> {
    if minor < 0 {
        Err("err.fee_negative")
    } else if minor > MAX_MINOR {
        Err("err.amount_too_large")
    } else {
        Ok(())
    }
}

/// A percentage limit: 0% is meaningless and more than 100% of the balance cannot happen.
fn percent(bps: Option<i64>) -> Result<(), &'static str> {
    match bps {
        Some(b) if b <= 0 || b > BPS_MAX => Err("err.stage_percent_range"),
        _ => Ok(()),
    }
}

fn validate_stage(e: &mut Errors, prefix: &str, s: &StageDef, is_last: bool) {
    let at = |f: &str| format!("{prefix}.{f}");
    let live = s.environment == Environment::Live;
    // Funded trading ends the journey: nothing can follow it, so a live stage first is only a
    // one-step challenge.
    if live && !is_last {
        e.add(&at("environment"), "err.stage_live_not_last");
    }
    if let Some(days) = s.period_days {
        if !(1..=PERIOD_MAX).contains(&days) {
            e.add(&at("period_days"), "err.stage_period_range");
        } else if s.min_trading_days > days {
            e.add(&at("min_trading_days"), "err.stage_min_days_above_period");
        }
    }
    if s.profit_target_bps.is_none() && !live {
        e.add(&at("profit_target"), "err.stage_demo_needs_target");
    }
    e.check(&at("profit_target"), percent(s.profit_target_bps));
    e.check(&at("max_daily_loss"), percent(s.max_daily_loss_bps));
    if e.check(&at("max_loss"), percent(s.max_loss_bps)).is_some()
        && percent(s.max_daily_loss_bps).is_ok()
    {
        // Otherwise the overall limit always fires first and the daily one never matters.
        if let (Some(daily), Some(total)) = (s.max_daily_loss_bps, s.max_loss_bps)
            && total <= daily
        {
            e.add(&at("max_loss"), "err.stage_max_loss_not_above_daily");
        }
    }
    match s.max_loss_per_trade {
        Some(TradeLossLimit::Amount(a)) if a <= 0 => {
            e.add(&at("max_loss_per_trade"), "err.amount_not_positive");
        }
        Some(TradeLossLimit::Amount(a)) if a > MAX_MINOR => {
            e.add(&at("max_loss_per_trade"), "err.amount_too_large");
        }
        Some(TradeLossLimit::Bps(b)) => {
            e.check(&at("max_loss_per_trade"), percent(Some(b)));
        }
        _ => {}
    }
    if !(1..=ATTEMPTS_MAX).contains(&s.max_attempts) {
        e.add(&at("max_attempts"), "err.stage_attempts_range");
    }
    e.check(&at("retry_fee"), fee(s.retry_fee_minor));
    if s.profit_share_bps.is_some() && !live {
        e.add(&at("profit_share"), "err.stage_profit_share_demo");
    } else {
        e.check(&at("profit_share"), percent(s.profit_share_bps));
    }
}

/// One difference between two versions of a definition, for the audit trail and the
/// confirmation before saving.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// Shown for "none", "unlimited" and for the side where a package or stage does not exist.
const NONE: &str = "—";

/// One line of a flattened definition. A `group` line (a package, a stage) stands for
/// everything under it when it exists on one side only.
struct Line {
    path: String,
    value: String,
    group: bool,
}

fn pct(bps: i64) -> String {
    format!("{}%", Decimal::new(bps, 2).normalize())
}

fn opt<T>(v: Option<T>, f: impl Fn(T) -> String) -> String {
    v.map(f).unwrap_or_else(|| NONE.to_string())
}

fn list<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    if items.is_empty() {
        NONE.to_string()
    } else {
        items.iter().map(f).collect::<Vec<_>>().join(", ")
    }
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

fn daily_base_str(b: DailyLossBase) -> &'static str {
    match b {
        DailyLossBase::InitialBalance => "initial_balance",
        DailyLossBase::DayStartBalance => "day_start_balance",
        DailyLossBase::DayStartEquity => "day_start_equity",
        DailyLossBase::DayStartMax => "day_start_max",
    }
}

fn loss_mode_str(m: MaxLossMode) -> &'static str {
    match m {
        MaxLossMode::Static => "static",
        MaxLossMode::Trailing => "trailing",
    }
}

fn flatten(c: &ChallengeDef) -> Vec<Line> {
    let mut out = Vec::new();
    let mut put = |path: String, value: String, group: bool| out.push(Line { path, value, group });
    put("name".into(), c.name.clone(), false);
    put("types".into(), list(&c.types, String::clone), false);
    put("time_zone".into(), c.time_zone.clone(), false);
    let starts = if chrono::Timelike::second(&c.starts_at) == 0 {
        c.starts_at.format("%Y-%m-%d %H:%M")
    } else {
        c.starts_at.format("%Y-%m-%d %H:%M:%S")
    };
    put("starts_at".into(), starts.to_string(), false);
    put("cover_url".into(), c.cover_url.clone(), false);
    put("poster_url".into(), c.poster_url.clone(), false);
    for (lang, text) in &c.details {
        put(format!("details.{lang}"), text.clone(), false);
    }
    put("details_first".into(), yes_no(c.details_first), false);
    for (i, p) in c.packages.iter().enumerate() {
        // Unknown currencies (an invalid draft) still show, with two decimals.
        let cur = money::currency(&p.currency).unwrap_or(Currency {
            code: "",
            exponent: 2,
        });
        let amount = |minor: i64| money::format(minor, cur);
        let at = |f: &str| format!("packages.{i}.{f}");
        put(format!("packages.{i}"), p.name.clone(), true);
        put(at("key"), p.key.clone(), false);
        put(at("name"), p.name.clone(), false);
        put(at("currency"), p.currency.clone(), false);
        put(at("account_size"), amount(p.account_size_minor), false);
        put(at("fee"), amount(p.fee_minor), false);
        put(at("leverage"), p.leverage.to_string(), false);
        for (j, s) in p.stages.iter().enumerate() {
            let at = |f: &str| format!("packages.{i}.stages.{j}.{f}");
            put(
                format!("packages.{i}.stages.{j}"),
                s.environment.as_str().into(),
                true,
            );
            put(at("environment"), s.environment.as_str().into(), false);
            put(
                at("period_days"),
                opt(s.period_days, |d| d.to_string()),
                false,
            );
            put(
                at("min_trading_days"),
                s.min_trading_days.to_string(),
                false,
            );
            put(at("profit_target"), opt(s.profit_target_bps, pct), false);
            put(at("max_daily_loss"), opt(s.max_daily_loss_bps, pct), false);
            put(
                at("daily_loss_base"),
                daily_base_str(s.daily_loss_base).into(),
                false,
            );
            put(at("daily_settlement"), yes_no(s.daily_settlement), false);
            put(at("max_loss"), opt(s.max_loss_bps, pct), false);
            put(
                at("max_loss_mode"),
                loss_mode_str(s.max_loss_mode).into(),
                false,
            );
            let per_trade = opt(s.max_loss_per_trade, |l| match l {
                TradeLossLimit::Amount(a) => amount(a),
                TradeLossLimit::Bps(b) => pct(b),
            });
            put(at("max_loss_per_trade"), per_trade, false);
            put(at("retry_allowed"), yes_no(s.retry_allowed), false);
            put(at("max_attempts"), s.max_attempts.to_string(), false);
            put(at("retry_fee"), amount(s.retry_fee_minor), false);
            put(at("profit_share"), opt(s.profit_share_bps, pct), false);
            put(at("settlement"), s.settlement.as_str().into(), false);
            put(at("distribution"), s.distribution.as_str().into(), false);
            put(
                at("upgrade_immediately"),
                yes_no(s.upgrade_immediately),
                false,
            );
            put(at("hidden"), list(&s.hidden, |h| h.as_str().into()), false);
        }
    }
    put("pay_from_wallet".into(), yes_no(c.pay_from_wallet), false);
    put("pay_direct".into(), yes_no(c.pay_direct), false);
    put("groups".into(), list(&c.groups, i64::to_string), false);
    out
}

/// The differences from `before` to `after`, one per changed field, in form order. A package
/// or stage added or removed is one change (named by the package's name or the stage's
/// environment), not one per field inside it.
pub fn diff(before: &ChallengeDef, after: &ChallengeDef) -> Vec<Change> {
    let (b, a) = (flatten(before), flatten(after));
    let b_at: HashMap<&str, usize> = b
        .iter()
        .enumerate()
        .map(|(i, l)| (l.path.as_str(), i))
        .collect();
    let a_at: HashMap<&str, usize> = a
        .iter()
        .enumerate()
        .map(|(i, l)| (l.path.as_str(), i))
        .collect();
    // A line on one side only is reported unless a package or stage above it, on that side
    // only, already is.
    let one_sided = |lines: &[Line], other: &HashMap<&str, usize>| -> HashSet<String> {
        lines
            .iter()
            .filter(|l| l.group && !other.contains_key(l.path.as_str()))
            .map(|l| l.path.clone())
            .collect()
    };
    let (only_b, only_a) = (one_sided(&b, &a_at), one_sided(&a, &b_at));
    let covered = |groups: &HashSet<String>, path: &str| {
        path.match_indices('.')
            .any(|(i, _)| groups.contains(&path[..i]))
    };
    let mut out = Vec::new();
    let removed = |l: &Line, out: &mut Vec<Change>| {
        if !a_at.contains_key(l.path.as_str()) && !covered(&only_b, &l.path) {
            out.push(Change {
                field: l.path.clone(),
                before: l.value.clone(),
                after: NONE.into(),
            });
        }
    };
    // Both lists come from the same walk, so shared paths are in the same order: merge them,
    // placing removed lines where they stood.
    let mut next_b = 0;
    for l in &a {
        match b_at.get(l.path.as_str()) {
            Some(&j) => {
                for old in &b[next_b.min(j)..j] {
                    removed(old, &mut out);
                }
                next_b = next_b.max(j + 1);
                if !l.group && b[j].value != l.value {
                    out.push(Change {
                        field: l.path.clone(),
                        before: b[j].value.clone(),
                        after: l.value.clone(),
                    });
                }
            }
            None if !covered(&only_a, &l.path) => out.push(Change {
                field: l.path.clone(),
                before: NONE.into(),
                after: l.value.clone(),
            }),
            None => {}
        }
    }
    for old in &b[next_b.min(b.len())..] {
        removed(old, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(c: &mut ChallengeDef, j: usize) -> &mut StageDef {
        &mut c.packages[0].stages[j]
    }

    fn errors(c: &ChallengeDef) -> Vec<(String, String)> {
        match c.validate() {
            Ok(()) => Vec::new(),
            Err(es) => es.into_iter().map(|e| (e.field, e.code)).collect(),
        }
    }

    #[test]
    fn the_example_is_valid() {
        assert_eq!(errors(&ChallengeDef::example()), Vec::new());
        let p = &ChallengeDef::example().packages[0];
        assert!(!p.is_one_step());
        assert_eq!(
            ChallengeDef::example()
                .package("p1")
                .map(|p| p.name.as_str()),
            Some("Standard 10K")
        );
        assert_eq!(ChallengeDef::example().package("p2"), None);
    }

    type Mutation = fn(&mut ChallengeDef);

    /// Each mutation of the example breaks exactly one rule.
    const CASES: &[(Mutation, &str, &str)] = &[
        (|c| c.name = "  ".into(), "name", "err.required"),
        (
            |c| c.name = "x".repeat(101),
            "name",
            "err.challenge_name_too_long",
        ),
        (
            |c| c.types = (0..11).map(|i| format!("t{i}")).collect(),
            "types",
            "err.challenge_types_too_many",
        ),
        (
            |c| c.types.push(" ".into()),
            "types",
            "err.challenge_type_length",
        ),
        (
            |c| c.types.push("y".repeat(31)),
            "types",
            "err.challenge_type_length",
        ),
        (
            |c| c.types.push("two-STEP".into()),
            "types",
            "err.challenge_type_duplicate",
        ),
        (|c| c.time_zone = String::new(), "time_zone", "err.required"),
        (
            |c| c.time_zone = "Mars/Olympus".into(),
            "time_zone",
            "err.time_zone_unknown",
        ),
        (
            |c| c.cover_url = "http://x.example/a.png".into(),
            "cover_url",
            "err.challenge_url_invalid",
        ),
        (
            |c| c.cover_url = "//x.example/a.png".into(),
            "cover_url",
            "err.challenge_url_invalid",
        ),
        (
            |c| c.poster_url = "/a b.png".into(),
            "poster_url",
            "err.challenge_url_invalid",
        ),
        (
            |c| c.poster_url = format!("https://{}", "a".repeat(500)),
            "poster_url",
            "err.challenge_url_too_long",
        ),
        (
            |c| {
                c.details.insert("fr".into(), "Bonjour".into());
            },
            "details.fr",
            "err.challenge_details_language",
        ),
        (
            |c| {
                c.details.insert("en".into(), "z".repeat(20_001));
            },
            "details.en",
            "err.challenge_details_too_long",
        ),
        (
            |c| c.packages.clear(),
            "packages",
            "err.challenge_packages_none",
        ),
        (
            |c| {
                let p = c.packages[0].clone();
                c.packages = (0..11)
                    .map(|i| PackageDef {
                        key: format!("p{i}"),
                        name: format!("Package {i}"),
                        ..p.clone()
                    })
                    .collect();
            },
            "packages",
            "err.challenge_packages_too_many",
        ),
        (
            |c| c.packages[0].key = String::new(),
            "packages.0.key",
            "err.required",
        ),
        (
            |c| c.packages[0].key = "p 1".into(),
            "packages.0.key",
            "err.package_key_invalid",
        ),
        (
            |c| c.packages[0].key = "k".repeat(21),
            "packages.0.key",
            "err.package_key_invalid",
        ),
        (
            |c| {
                let p = PackageDef {
                    name: "Other".into(),
                    ..c.packages[0].clone()
                };
                c.packages.push(p);
            },
            "packages.1.key",
            "err.package_key_duplicate",
        ),
        (
            |c| c.packages[0].name = String::new(),
            "packages.0.name",
            "err.required",
        ),
        (
            |c| c.packages[0].name = "n".repeat(101),
            "packages.0.name",
            "err.package_name_too_long",
        ),
        (
            |c| {
                let p = PackageDef {
                    key: "p2".into(),
                    name: "standard 10k ".into(),
                    ..c.packages[0].clone()
                };
                c.packages.push(p);
            },
            "packages.1.name",
            "err.package_name_duplicate",
        ),
        (
            |c| c.packages[0].currency = "GBP".into(),
            "packages.0.currency",
            "err.currency_unknown",
        ),
        (
            |c| c.packages[0].account_size_minor = 0,
            "packages.0.account_size",
            "err.amount_not_positive",
        ),
        (
            |c| c.packages[0].account_size_minor = MAX_MINOR + 1,
            "packages.0.account_size",
            "err.amount_too_large",
        ),
        (
            |c| c.packages[0].fee_minor = -1,
            "packages.0.fee",
            "err.fee_negative",
        ),
        (
            |c| c.packages[0].fee_minor = MAX_MINOR + 1,
            "packages.0.fee",
            "err.amount_too_large",
        ),
        (
            |c| c.packages[0].leverage = 0,
            "packages.0.leverage",
            "err.package_leverage_range",
        ),
        (
            |c| c.packages[0].leverage = 1_001,
            "packages.0.leverage",
            "err.package_leverage_range",
        ),
        (
            |c| c.packages[0].stages.clear(),
            "packages.0.stages",
            "err.package_stages_none",
        ),
        (
            |c| {
                let demo = StageDef::demo_default();
                c.packages[0].stages = vec![demo.clone(); 5];
                c.packages[0].stages.push(StageDef::live_default());
            },
            "packages.0.stages",
            "err.package_stages_too_many",
        ),
        (
            |c| stage(c, 0).period_days = Some(0),
            "packages.0.stages.0.period_days",
            "err.stage_period_range",
        ),
        (
            |c| stage(c, 0).period_days = Some(3_651),
            "packages.0.stages.0.period_days",
            "err.stage_period_range",
        ),
        (
            |c| stage(c, 0).min_trading_days = 31,
            "packages.0.stages.0.min_trading_days",
            "err.stage_min_days_above_period",
        ),
        (
            |c| stage(c, 1).profit_target_bps = None,
            "packages.0.stages.1.profit_target",
            "err.stage_demo_needs_target",
        ),
        (
            |c| stage(c, 0).profit_target_bps = Some(0),
            "packages.0.stages.0.profit_target",
            "err.stage_percent_range",
        ),
        (
            |c| stage(c, 0).profit_target_bps = Some(10_001),
            "packages.0.stages.0.profit_target",
            "err.stage_percent_range",
        ),
        (
            |c| stage(c, 0).max_daily_loss_bps = Some(-100),
            "packages.0.stages.0.max_daily_loss",
            "err.stage_percent_range",
        ),
        (
            |c| stage(c, 0).max_loss_bps = Some(10_001),
            "packages.0.stages.0.max_loss",
            "err.stage_percent_range",
        ),
        (
            |c| stage(c, 0).max_loss_bps = Some(500),
            "packages.0.stages.0.max_loss",
            "err.stage_max_loss_not_above_daily",
        ),
        (
            |c| stage(c, 0).max_loss_per_trade = Some(TradeLossLimit::Amount(0)),
            "packages.0.stages.0.max_loss_per_trade",
            "err.amount_not_positive",
        ),
        (
            |c| stage(c, 0).max_loss_per_trade = Some(TradeLossLimit::Amount(MAX_MINOR + 1)),
            "packages.0.stages.0.max_loss_per_trade",
            "err.amount_too_large",
        ),
        (
            |c| stage(c, 0).max_loss_per_trade = Some(TradeLossLimit::Bps(0)),
            "packages.0.stages.0.max_loss_per_trade",
            "err.stage_percent_range",
        ),
        (
            |c| stage(c, 0).max_attempts = 0,
            "packages.0.stages.0.max_attempts",
            "err.stage_attempts_range",
        ),
        (
            |c| stage(c, 0).max_attempts = 21,
            "packages.0.stages.0.max_attempts",
            "err.stage_attempts_range",
        ),
        (
            |c| stage(c, 0).retry_fee_minor = -1,
            "packages.0.stages.0.retry_fee",
            "err.fee_negative",
        ),
        (
            |c| stage(c, 0).retry_fee_minor = MAX_MINOR + 1,
            "packages.0.stages.0.retry_fee",
            "err.amount_too_large",
        ),
        (
            |c| stage(c, 0).profit_share_bps = Some(8_000),
            "packages.0.stages.0.profit_share",
            "err.stage_profit_share_demo",
        ),
        (
            |c| stage(c, 2).profit_share_bps = Some(10_001),
            "packages.0.stages.2.profit_share",
            "err.stage_percent_range",
        ),
        (
            |c| stage(c, 2).profit_share_bps = Some(0),
            "packages.0.stages.2.profit_share",
            "err.stage_percent_range",
        ),
        (
            |c| stage(c, 1).environment = Environment::Live,
            "packages.0.stages.1.environment",
            "err.stage_live_not_last",
        ),
        (
            |c| {
                c.pay_from_wallet = false;
                c.pay_direct = false;
            },
            "payment",
            "err.challenge_payment_none",
        ),
        (
            |c| c.groups = vec![3, 4, 3],
            "groups",
            "err.challenge_group_duplicate",
        ),
    ];

    #[test]
    fn each_rule_reports_its_own_error() {
        for (i, (mutate, field, key)) in CASES.iter().enumerate() {
            let mut c = ChallengeDef::example();
            mutate(&mut c);
            assert_eq!(
                errors(&c),
                vec![(field.to_string(), key.to_string())],
                "case {i}"
            );
        }
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut c = ChallengeDef::example();
        c.name.clear();
        c.packages[0].leverage = 0;
        stage(&mut c, 0).max_attempts = 0;
        c.pay_direct = false;
        c.pay_from_wallet = false;
        assert_eq!(errors(&c).len(), 4);
    }

    #[test]
    fn accepted_edge_values() {
        let mut c = ChallengeDef::example();
        c.cover_url = "https://cdn.example/cover.png".into();
        c.poster_url = "/static/poster.png".into();
        c.details.insert("en".into(), "Trade.".into());
        c.details.insert("es".into(), "Opere.".into());
        c.packages[0].fee_minor = 0;
        c.packages[0].leverage = 1_000;
        c.pay_direct = false;
        c.groups = vec![1, 2];
        let s = stage(&mut c, 0);
        s.period_days = Some(4);
        s.profit_target_bps = Some(10_000);
        s.max_loss_per_trade = Some(TradeLossLimit::Amount(5_000));
        s.max_attempts = 20;
        assert_eq!(errors(&c), Vec::new());
        // An unlimited period has no bound on the trading days.
        stage(&mut c, 0).period_days = None;
        stage(&mut c, 0).min_trading_days = 100;
        assert_eq!(errors(&c), Vec::new());
    }

    #[test]
    fn a_single_live_stage_is_a_one_step_challenge() {
        let mut c = ChallengeDef::example();
        c.packages[0].stages = vec![StageDef::live_default()];
        assert!(c.packages[0].is_one_step());
        assert_eq!(errors(&c), Vec::new());
    }

    #[test]
    fn a_live_stage_cannot_come_before_a_demo_stage() {
        let mut c = ChallengeDef::example();
        c.packages[0].stages = vec![StageDef::live_default(), StageDef::demo_default()];
        assert!(!c.packages[0].is_one_step());
        assert_eq!(
            errors(&c),
            vec![(
                "packages.0.stages.0.environment".to_string(),
                "err.stage_live_not_last".to_string()
            )]
        );
    }

    fn change(field: &str, before: &str, after: &str) -> Change {
        Change {
            field: field.into(),
            before: before.into(),
            after: after.into(),
        }
    }

    #[test]
    fn diff_lists_each_change() {
        let before = ChallengeDef::example();
        assert_eq!(diff(&before, &before.clone()), Vec::new());

        let mut after = before.clone();
        stage(&mut after, 1).profit_target_bps = Some(1_000);
        stage(&mut after, 0).max_daily_loss_bps = Some(450);
        after.packages[0].name = "Standard 25K".into();
        after.packages[0].account_size_minor = 2_500_000;
        after.types.push("Fast".into());
        assert_eq!(
            diff(&before, &after),
            vec![
                change("types", "Two-step", "Two-step, Fast"),
                change("packages.0.name", "Standard 10K", "Standard 25K"),
                change("packages.0.account_size", "10000.00", "25000.00"),
                change("packages.0.stages.0.max_daily_loss", "5%", "4.5%"),
                change("packages.0.stages.1.profit_target", "8%", "10%"),
            ]
        );
    }

    #[test]
    fn diff_reports_added_and_removed_parts_once() {
        let before = ChallengeDef::example();
        let mut after = before.clone();
        after.packages[0].stages.push(StageDef::live_default());
        after.details.insert("es".into(), "Hola".into());
        after.packages.push(PackageDef {
            key: "p2".into(),
            name: "Pro 50K".into(),
            ..before.packages[0].clone()
        });
        let added = vec![
            change("details.es", "—", "Hola"),
            change("packages.0.stages.3", "—", "live"),
            change("packages.1", "—", "Pro 50K"),
        ];
        assert_eq!(diff(&before, &after), added);
        let removed: Vec<_> = added
            .iter()
            .map(|c| change(&c.field, &c.after, &c.before))
            .collect();
        assert_eq!(diff(&after, &before), removed);
    }

    #[test]
    fn diff_formats_options_money_and_lists() {
        let before = ChallengeDef::example();
        let mut after = before.clone();
        let s = stage(&mut after, 0);
        s.period_days = None;
        s.max_loss_per_trade = Some(TradeLossLimit::Amount(12_345));
        s.retry_fee_minor = 1_050;
        s.hidden = vec![RuleField::MaxLoss, RuleField::ProfitShare];
        after.groups = vec![7, 9];
        assert_eq!(
            diff(&before, &after),
            vec![
                change("packages.0.stages.0.period_days", "30", "—"),
                change("packages.0.stages.0.max_loss_per_trade", "—", "123.45"),
                change("packages.0.stages.0.retry_fee", "0.00", "10.50"),
                change("packages.0.stages.0.hidden", "—", "max_loss, profit_share"),
                change("groups", "—", "7, 9"),
            ]
        );
    }

    #[test]
    fn serde_round_trip() {
        let mut c = ChallengeDef::example();
        c.details.insert("en".into(), "Rules…".into());
        stage(&mut c, 0).max_loss_per_trade = Some(TradeLossLimit::Bps(150));
        stage(&mut c, 0).hidden = vec![RuleField::MaxLossPerTrade];
        let json = serde_json::to_string(&c).unwrap();
        assert!(json.contains(r#""environment":"demo""#), "{json}");
        assert!(
            json.contains(r#""hidden":["max_loss_per_trade"]"#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<ChallengeDef>(&json).unwrap(), c);
    }

    #[test]
    fn enum_names_match_their_serde_names() {
        fn check<T: Serialize + Copy>(all: &[T], name: fn(T) -> &'static str) {
            for v in all {
                assert_eq!(serde_json::to_value(v).unwrap(), name(*v));
            }
        }
        check(Environment::ALL, Environment::as_str);
        check(SettlementFrequency::ALL, SettlementFrequency::as_str);
        check(Distribution::ALL, Distribution::as_str);
        check(RuleField::ALL, RuleField::as_str);
        for f in RuleField::ALL {
            assert_eq!(RuleField::parse(f.as_str()), Some(*f));
            assert_eq!(f.label_key().strip_prefix("rule."), Some(f.as_str()));
        }
    }

    #[test]
    fn rules_map_every_field() {
        let mut s = StageDef::demo_default();
        s.daily_loss_base = DailyLossBase::DayStartMax;
        s.daily_settlement = false;
        s.max_loss_mode = MaxLossMode::Trailing;
        s.max_loss_per_trade = Some(TradeLossLimit::Amount(500));
        s.upgrade_immediately = true;
        assert_eq!(
            s.rules(1_000_000),
            StageRules {
                initial_balance: 1_000_000,
                profit_target_bps: Some(800),
                max_daily_loss_bps: Some(500),
                daily_loss_base: DailyLossBase::DayStartMax,
                daily_settlement: false,
                max_loss_bps: Some(1_000),
                max_loss_mode: MaxLossMode::Trailing,
                max_loss_per_trade: Some(TradeLossLimit::Amount(500)),
                min_trading_days: 4,
                period_days: Some(30),
                upgrade_immediately: true,
            }
        );
        let live = StageDef::live_default().rules(500);
        assert_eq!(live.period_days, None);
        assert_eq!(live.profit_target_bps, None);
        assert_eq!(live.min_trading_days, 0);
    }
}
