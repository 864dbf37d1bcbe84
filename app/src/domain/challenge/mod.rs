//! A challenge definition: a challenge sells packages (an account size at a fee), and each
//! package runs its stages in order (demo evaluations, then usually a funded live stage). The
//! server stores it as JSON; the back office edits it as one form, so validation reports every
//! problem at once, each under the path of the field it belongs to.
use super::clock;
use super::rules::{DailyLossBase, MaxLossMode, StageRules, TradeLossLimit};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod diff;
pub mod text;
mod validate;

pub use diff::{Change, diff};

use crate::domain::ib::FeeCommissions;
use crate::domain::names::snake_enum;

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
    /// The referrers' shares of the profit, the direct IB first, then their upline.
    #[serde(default)]
    pub referrer_share_bps: Vec<i64>,
    pub settlement: SettlementFrequency,
    pub distribution: Distribution,
    pub upgrade_immediately: bool,
    pub hidden: Vec<RuleField>,
    /// The trading server the stage's accounts open on; None: the built-in simulator.
    #[serde(default)]
    pub server_id: Option<i64>,
    /// The platform's account group for them; empty: the server's first.
    #[serde(default)]
    pub account_group: String,
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
    /// IANA name; days (and so daily limits) turn over here, at `day_ends_at`.
    pub time_zone: String,
    /// The local time a trading day ends, "HH:MM"; empty is midnight.
    #[serde(default)]
    pub day_ends_at: String,
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
    /// The rebates its fees pay up the referral tree.
    #[serde(default)]
    pub commissions: FeeCommissions,
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
            referrer_share_bps: Vec::new(),
            settlement: SettlementFrequency::Monthly,
            distribution: Distribution::Automatic,
            upgrade_immediately: false,
            hidden: Vec::new(),
            server_id: None,
            account_group: String::new(),
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

impl ChallengeDef {
    /// Where and when its trading days turn over, as an account stores it (the zone alone when
    /// days end at midnight); None for a definition that doesn't validate.
    pub fn day_zone(&self) -> Option<String> {
        let tz = clock::parse_tz(&self.time_zone).ok()?;
        let ends_at = clock::parse_day_end(&self.day_ends_at).ok()?;
        Some(clock::DayZone { tz, ends_at }.text())
    }

    /// The starting point of a new challenge in the back office: valid as it is.
    pub fn example() -> Self {
        Self {
            name: "New challenge".into(),
            types: vec!["Two-step".into()],
            time_zone: "UTC".into(),
            day_ends_at: String::new(),
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
            commissions: FeeCommissions::default(),
        }
    }

    pub fn package(&self, key: &str) -> Option<&PackageDef> {
        self.packages.iter().find(|p| p.key == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_round_trip() {
        let mut c = ChallengeDef::example();
        c.details.insert("en".into(), "Rules…".into());
        c.packages[0].stages[0].max_loss_per_trade = Some(TradeLossLimit::Bps(150));
        c.packages[0].stages[0].hidden = vec![RuleField::MaxLossPerTrade];
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
        use crate::domain::names::spelled_alike as check;
        check(Environment::ALL, Environment::as_str, Environment::parse);
        check(
            SettlementFrequency::ALL,
            SettlementFrequency::as_str,
            SettlementFrequency::parse,
        );
        check(Distribution::ALL, Distribution::as_str, Distribution::parse);
        check(RuleField::ALL, RuleField::as_str, RuleField::parse);
        for f in RuleField::ALL {
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
