//! Alerts judged on the same updates as the rules engine: warnings to the trader as a loss
//! limit comes near (a share of the daily or the total limit) or as the trading period runs out
//! before the minimum trading days are met, and the firm's risk rules (an account's profit
//! today above an amount or a share of its day-start balance, or its profit on one symbol).
//!
//! An account remembers what has fired (`AlertState`), so each warning fires once: a daily one
//! once a day, a total one once a stage, a rule once a day at each of its levels.
use super::bps::Bps;
use super::money::MAX_MINOR;
use super::rules::{LossFigures, StageRules, StageState};
use super::validation::{Errors, FieldError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The firm's warnings to traders: shares of each limit in basis points of the limit
/// (5,000 = half of it), and how many days before the period ends to warn.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraderAlertSettings {
    pub daily_loss_bps: Vec<i64>,
    pub max_loss_bps: Vec<i64>,
    /// 0: no warning.
    pub period_end_days: u32,
}

impl Default for TraderAlertSettings {
    fn default() -> Self {
        Self {
            daily_loss_bps: vec![5_000, 8_000],
            max_loss_bps: vec![5_000, 8_000],
            period_end_days: 3,
        }
    }
}

const THRESHOLDS_MAX: usize = 5;
const PERIOD_DAYS_MAX: u32 = 30;

impl TraderAlertSettings {
    /// A warning is below the limit (100% is the breach itself) and above nothing; each share
    /// once, sorted.
    pub fn validate(&mut self) -> Result<(), Vec<FieldError>> {
        let mut e = Errors::default();
        for (field, list) in [
            ("daily_loss", &mut self.daily_loss_bps),
            ("max_loss", &mut self.max_loss_bps),
        ] {
            if list.len() > THRESHOLDS_MAX {
                e.add(field, "err.alert_too_many");
            }
            if list.iter().any(|b| !(1..10_000).contains(b)) {
                e.add(field, "err.alert_share_range");
            }
            list.sort_unstable();
            list.dedup();
        }
        if self.period_end_days > PERIOD_DAYS_MAX {
            e.add("period_end_days", "err.alert_days_range");
        }
        e.into_result()
    }
}

/// What a rule of the firm watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RiskKind {
    /// Today's profit (closed and floating, since 00:00) reaches an amount.
    AccountProfit,
    /// Today's profit reaches a share of the day-start balance, and at least a minimum amount.
    AccountProfitPct,
    /// Today's closed profit on one symbol reaches an amount.
    SymbolProfit,
}

impl RiskKind {
    pub const ALL: [RiskKind; 3] = [
        RiskKind::AccountProfit,
        RiskKind::AccountProfitPct,
        RiskKind::SymbolProfit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RiskKind::AccountProfit => "account_profit",
            RiskKind::AccountProfitPct => "account_profit_pct",
            RiskKind::SymbolProfit => "symbol_profit",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A rule of the firm, as judged. Amounts are minor units of the account's currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskRule {
    pub id: i64,
    pub name: String,
    pub kind: RiskKind,
    pub threshold_minor: i64,
    pub threshold_bps: i64,
    pub min_profit_minor: i64,
    /// In the threshold's unit: it fires again each time the value rises by this much.
    pub step: i64,
    pub symbol: String,
    /// "all", "demo" or "live".
    pub environment: String,
    pub challenge_id: Option<i64>,
}

const NAME_MAX: usize = 100;
const SYMBOL_MAX: usize = 20;
/// 10,000%: a day's profit beyond it is not a threshold anyone could mean.
const PCT_MAX_BPS: i64 = 1_000_000;

impl RiskRule {
    pub fn validate(&mut self) -> Result<(), Vec<FieldError>> {
        let mut e = Errors::default();
        self.name = self.name.trim().to_string();
        if self.name.is_empty() {
            e.add("name", "err.required");
        } else if self.name.chars().count() > NAME_MAX {
            e.add("name", "err.too_long");
        }
        if !["all", "demo", "live"].contains(&self.environment.as_str()) {
            e.add("environment", "err.alert_environment");
        }
        let amount_ok = |v: i64| (1..=MAX_MINOR).contains(&v);
        match self.kind {
            RiskKind::AccountProfit | RiskKind::SymbolProfit => {
                if !amount_ok(self.threshold_minor) {
                    e.add("threshold", "err.alert_threshold");
                }
                if !(0..=MAX_MINOR).contains(&self.step) {
                    e.add("step", "err.alert_step");
                }
            }
            RiskKind::AccountProfitPct => {
                if !(1..=PCT_MAX_BPS).contains(&self.threshold_bps) {
                    e.add("threshold", "err.alert_threshold_pct");
                }
                if !(0..=PCT_MAX_BPS).contains(&self.step) {
                    e.add("step", "err.alert_step");
                }
                if !(0..=MAX_MINOR).contains(&self.min_profit_minor) {
                    e.add("min_profit", "err.alert_threshold");
                }
            }
        }
        if self.kind == RiskKind::SymbolProfit {
            self.symbol = self.symbol.trim().to_ascii_uppercase();
            let valid = !self.symbol.is_empty()
                && self.symbol.len() <= SYMBOL_MAX
                && self
                    .symbol
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '#'));
            if !valid {
                e.add("symbol", "err.symbol_invalid");
            }
        } else {
            self.symbol.clear();
        }
        e.into_result()
    }

    /// The rule's reading for an account: the value it watches, the threshold (same unit) and
    /// the level reached (0: below the threshold; then 1, and one more at every step above it).
    pub fn level(&self, today_profit: i64, day_start_balance: i64, symbol_profit: i64) -> Reading {
        let (value, threshold) = match self.kind {
            RiskKind::AccountProfit => (today_profit, self.threshold_minor),
            RiskKind::SymbolProfit => (symbol_profit, self.threshold_minor),
            RiskKind::AccountProfitPct => {
                let bps = Bps::ratio(today_profit, day_start_balance).map_or(0, |b| b.0);
                if today_profit < self.min_profit_minor {
                    return Reading {
                        value: bps,
                        threshold: self.threshold_bps,
                        level: 0,
                    };
                }
                (bps, self.threshold_bps)
            }
        };
        let level = if value < threshold || threshold <= 0 {
            0
        } else if self.step > 0 {
            1 + u32::try_from((value - threshold) / self.step).unwrap_or(u32::MAX - 1)
        } else {
            1
        };
        Reading {
            value,
            threshold,
            level,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    pub value: i64,
    pub threshold: i64,
    pub level: u32,
}

/// What an account has already fired.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertState {
    /// The day `daily` and `rules` count for.
    #[serde(default)]
    pub day: Option<NaiveDate>,
    /// How many daily-loss shares have been warned of today.
    #[serde(default)]
    pub daily: u32,
    /// How many total-loss shares have been warned of this stage.
    #[serde(default)]
    pub total: u32,
    #[serde(default)]
    pub period_warned: bool,
    /// Rule id → the level fired today.
    #[serde(default)]
    pub rules: BTreeMap<i64, u32>,
}

impl AlertState {
    /// A new day: the daily warnings and the rules start again.
    pub fn on_day(&mut self, today: NaiveDate) {
        if self.day != Some(today) {
            self.day = Some(today);
            self.daily = 0;
            self.rules.clear();
        }
    }

    /// Records a rule's level; true when it is higher than any fired today.
    pub fn rule_rises(&mut self, rule: i64, level: u32) -> bool {
        let fired = self.rules.entry(rule).or_insert(0);
        if level > *fired {
            *fired = level;
            true
        } else {
            false
        }
    }
}

/// A warning for the trader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Warning {
    /// The loss reached `share_bps` of the daily limit.
    DailyLoss {
        share_bps: i64,
        figures: LossFigures,
    },
    MaxLoss {
        share_bps: i64,
        figures: LossFigures,
    },
    /// `days_left` days (today included) remain and the minimum trading days are not met.
    PeriodEnding {
        days_left: u32,
        trading_days: u32,
        min_trading_days: u32,
    },
}

/// The highest share of `thresholds` that `figures` reaches, and how many it reaches.
fn reached(thresholds: &[i64], f: LossFigures) -> (usize, Option<i64>) {
    if f.value <= 0 || f.limit <= 0 {
        return (0, None);
    }
    let hits: Vec<i64> = thresholds
        .iter()
        .copied()
        .filter(|bps| i128::from(f.value) * 10_000 >= i128::from(*bps) * i128::from(f.limit))
        .collect();
    (hits.len(), hits.last().copied())
}

/// The trader's warnings that this update newly reaches (`today` is the account's local day;
/// the stage must still be running). Updates `alerts`.
pub fn trader_warnings(
    settings: &TraderAlertSettings,
    rules: &StageRules,
    s: &StageState,
    equity: i64,
    today: NaiveDate,
    alerts: &mut AlertState,
) -> Vec<Warning> {
    alerts.on_day(today);
    let mut out = Vec::new();
    if let Some(f) = rules.daily_loss(s, equity) {
        let (n, share) = reached(&settings.daily_loss_bps, f);
        if let Some(share_bps) = share.filter(|_| n as u32 > alerts.daily) {
            alerts.daily = n as u32;
            out.push(Warning::DailyLoss {
                share_bps,
                figures: f,
            });
        }
    }
    if let Some(f) = rules.total_loss(s, equity) {
        let (n, share) = reached(&settings.max_loss_bps, f);
        if let Some(share_bps) = share.filter(|_| n as u32 > alerts.total) {
            alerts.total = n as u32;
            out.push(Warning::MaxLoss {
                share_bps,
                figures: f,
            });
        }
    }
    let trading_days = s.trading_days.len() as u32;
    if let Some(last) = rules.last_day(s)
        && settings.period_end_days > 0
        && !alerts.period_warned
        && trading_days < rules.min_trading_days
        && last >= today
    {
        let days_left = ((last - today).num_days() + 1) as u32;
        if days_left <= settings.period_end_days {
            alerts.period_warned = true;
            out.push(Warning::PeriodEnding {
                days_left,
                trading_days,
                min_trading_days: rules.min_trading_days,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rules::{DailyLossBase, MaxLossMode};

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    /// 10,000.00: 5% daily (500.00), 10% total (1,000.00), 10 days, 3 trading days.
    fn rules() -> StageRules {
        StageRules {
            initial_balance: 1_000_000,
            profit_target_bps: Some(800),
            max_daily_loss_bps: Some(500),
            daily_loss_base: DailyLossBase::InitialBalance,
            daily_settlement: true,
            max_loss_bps: Some(1_000),
            max_loss_mode: MaxLossMode::Static,
            max_loss_per_trade: None,
            min_trading_days: 3,
            period_days: Some(10),
            upgrade_immediately: false,
        }
    }

    #[test]
    fn daily_warnings_fire_once_per_share_per_day() {
        let r = rules();
        let cfg = TraderAlertSettings::default();
        let s = StageState::new(&r, d(1));
        let mut a = AlertState::default();
        assert!(trader_warnings(&cfg, &r, &s, 975_001, d(1), &mut a).is_empty());
        let w = trader_warnings(&cfg, &r, &s, 975_000, d(1), &mut a);
        assert_eq!(
            w,
            vec![Warning::DailyLoss {
                share_bps: 5_000,
                figures: LossFigures {
                    value: 25_000,
                    limit: 50_000
                }
            }]
        );
        assert!(trader_warnings(&cfg, &r, &s, 974_000, d(1), &mut a).is_empty());
        // Straight past 80%: one warning, the highest share.
        let w = trader_warnings(&cfg, &r, &s, 955_000, d(1), &mut a);
        assert!(matches!(
            w[..],
            [Warning::DailyLoss {
                share_bps: 8_000,
                ..
            }]
        ));
        // Half of the 1,000.00 total limit, on another day: both kinds.
        let w = trader_warnings(&cfg, &r, &s, 950_000, d(2), &mut a);
        assert!(w.contains(&Warning::MaxLoss {
            share_bps: 5_000,
            figures: LossFigures {
                value: 50_000,
                limit: 100_000
            }
        }));
        // The next day the daily warnings start again; the total ones do not.
        let w = trader_warnings(&cfg, &r, &s, 975_000, d(3), &mut a);
        assert!(matches!(
            w[..],
            [Warning::DailyLoss {
                share_bps: 5_000,
                ..
            }]
        ));
    }

    #[test]
    fn the_period_warning_comes_once_when_days_are_missing() {
        let r = rules();
        let cfg = TraderAlertSettings::default();
        let mut s = StageState::new(&r, d(1));
        let mut a = AlertState::default();
        assert!(trader_warnings(&cfg, &r, &s, 1_000_000, d(7), &mut a).is_empty());
        let w = trader_warnings(&cfg, &r, &s, 1_000_000, d(8), &mut a);
        assert_eq!(
            w,
            vec![Warning::PeriodEnding {
                days_left: 3,
                trading_days: 0,
                min_trading_days: 3
            }]
        );
        assert!(trader_warnings(&cfg, &r, &s, 1_000_000, d(9), &mut a).is_empty());
        // Enough trading days: no warning at all.
        let mut b = AlertState::default();
        s.trading_days = [d(1), d(2), d(3)].into();
        assert!(trader_warnings(&cfg, &r, &s, 1_000_000, d(9), &mut b).is_empty());
    }

    #[test]
    fn impossible_settings_are_refused() {
        for (daily, days, field) in [
            (vec![0], 3, "daily_loss"),
            (vec![10_000], 3, "daily_loss"),
            (vec![-5_000], 3, "daily_loss"),
            (vec![1, 2, 3, 4, 5, 6], 3, "daily_loss"),
            (vec![5_000], 31, "period_end_days"),
        ] {
            let mut s = TraderAlertSettings {
                daily_loss_bps: daily,
                period_end_days: days,
                ..Default::default()
            };
            let e = s.validate().unwrap_err();
            assert_eq!(e[0].field, field);
        }
        let mut ok = TraderAlertSettings {
            daily_loss_bps: vec![8_000, 5_000, 8_000],
            ..Default::default()
        };
        ok.validate().unwrap();
        assert_eq!(ok.daily_loss_bps, vec![5_000, 8_000]);
    }

    fn rule(kind: RiskKind) -> RiskRule {
        RiskRule {
            id: 1,
            name: "Big day".into(),
            kind,
            threshold_minor: 100_000,
            threshold_bps: 500,
            min_profit_minor: 10_000,
            step: 0,
            symbol: "xauusd".into(),
            environment: "all".into(),
            challenge_id: None,
        }
    }

    #[test]
    fn rules_read_their_levels() {
        let mut r = rule(RiskKind::AccountProfit);
        assert_eq!(r.level(99_999, 1_000_000, 0).level, 0);
        assert_eq!(r.level(100_000, 1_000_000, 0).level, 1);
        r.step = 50_000;
        assert_eq!(r.level(249_999, 1_000_000, 0).level, 3);
        let p = rule(RiskKind::AccountProfitPct);
        // 5% of 1,000,000 is 50,000.
        assert_eq!(p.level(49_999, 1_000_000, 0).level, 0);
        assert_eq!(p.level(50_000, 1_000_000, 0).level, 1);
        // Below the minimum profit, however large the share.
        assert_eq!(p.level(9_999, 100_000, 0).level, 0);
        let s = rule(RiskKind::SymbolProfit);
        assert_eq!(s.level(0, 1_000_000, 100_000).level, 1);
        let mut a = AlertState::default();
        a.on_day(d(1));
        assert!(a.rule_rises(1, 1));
        assert!(!a.rule_rises(1, 1));
        assert!(a.rule_rises(1, 2));
        a.on_day(d(2));
        assert!(a.rule_rises(1, 1));
    }

    #[test]
    fn impossible_rules_are_refused() {
        type Change = Box<dyn Fn(&mut RiskRule)>;
        let cases: Vec<(Change, &str)> = vec![
            (Box::new(|r| r.threshold_minor = 0), "threshold"),
            (Box::new(|r| r.threshold_minor = -5), "threshold"),
            (Box::new(|r| r.threshold_minor = MAX_MINOR + 1), "threshold"),
            (Box::new(|r| r.step = -1), "step"),
            (Box::new(|r| r.name = "  ".into()), "name"),
            (Box::new(|r| r.environment = "paper".into()), "environment"),
        ];
        for (change, field) in cases {
            let mut r = rule(RiskKind::AccountProfit);
            change(&mut r);
            assert_eq!(r.validate().unwrap_err()[0].field, field);
        }
        let mut p = rule(RiskKind::AccountProfitPct);
        p.threshold_bps = 0;
        assert_eq!(p.validate().unwrap_err()[0].field, "threshold");
        let mut s = rule(RiskKind::SymbolProfit);
        s.symbol = "EUR USD".into();
        assert_eq!(s.validate().unwrap_err()[0].field, "symbol");
        let mut s = rule(RiskKind::SymbolProfit);
        s.validate().unwrap();
        assert_eq!(s.symbol, "XAUUSD");
    }
}
