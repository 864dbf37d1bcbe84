//! The challenge rules engine: every equity update, deal and day boundary of a stage's account
//! is judged the moment it arrives. Pure: the caller converts platform timestamps to the
//! challenge's local date (its time zone) and feeds events in order; the engine returns the
//! new state and the decisions, each with the figures it was made on, so a trader can be shown
//! exactly why.
//!
//! Money is in minor units of the stage's currency; percentages are basis points (1% = 100),
//! and every comparison is exact integer arithmetic: no rounding decides a breach.
use super::bps::Bps;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[cfg(test)]
mod tests;

/// What the maximum daily loss is a percentage of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DailyLossBase {
    /// The stage's initial balance (the default).
    InitialBalance,
    /// The balance at the start of the day.
    DayStartBalance,
    /// The equity at the start of the day.
    DayStartEquity,
    /// The larger of the day-start balance and equity.
    DayStartMax,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MaxLossMode {
    /// Measured from the initial balance (the default).
    Static,
    /// Measured from the highest equity reached (trailing drawdown).
    Trailing,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TradeLossLimit {
    /// A loss of at least this many minor units on one closed trade.
    Amount(i64),
    /// A loss of at least this share of the initial balance.
    Bps(i64),
}

/// One stage's rules, as configured (each limit optional).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageRules {
    pub initial_balance: i64,
    pub profit_target_bps: Option<i64>,
    pub max_daily_loss_bps: Option<i64>,
    pub daily_loss_base: DailyLossBase,
    /// At 00:00 also judge the day's closed plus floating P/L against the daily limit.
    pub daily_settlement: bool,
    pub max_loss_bps: Option<i64>,
    pub max_loss_mode: MaxLossMode,
    pub max_loss_per_trade: Option<TradeLossLimit>,
    pub min_trading_days: u32,
    /// None: unlimited.
    pub period_days: Option<u32>,
    /// Pass at the end of the day the target is met, rather than at the end of the period.
    pub upgrade_immediately: bool,
}

/// What happens to the account, in arrival order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// A mark-to-market update.
    Equity {
        day: NaiveDate,
        balance: i64,
        equity: i64,
        open_positions: u32,
    },
    /// A trade opened (it makes the day a trading day).
    Opened { day: NaiveDate },
    /// A trade closed with a realised profit (positive) or loss (negative), commission and
    /// swap included.
    Closed {
        day: NaiveDate,
        profit: i64,
        balance: i64,
        equity: i64,
        open_positions: u32,
    },
    /// 00:00 in the challenge's time zone: `day` is the day that ended.
    DayEnd {
        day: NaiveDate,
        balance: i64,
        equity: i64,
        open_positions: u32,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rule {
    MaxDailyLoss,
    DailySettlement,
    MaxLoss,
    MaxLossPerTrade,
    ProfitTarget,
    TradingPeriod,
}

/// A decision and the figures it was made on: `value` reached `limit`, where `limit` is
/// `bps` of `base` (or a fixed amount when `bps` is None).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub rule: Rule,
    pub value: i64,
    pub base: i64,
    pub bps: Option<i64>,
    pub day: NaiveDate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    /// A limit was breached: the stage fails now.
    Breach(Figures),
    /// The stage passed.
    Passed(Figures),
    /// The period ended without the target (or without enough trading days).
    Expired(Figures),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Active,
    Passed,
    Failed,
}

/// What the engine remembers between events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageState {
    pub status: Status,
    pub start_day: NaiveDate,
    pub day: NaiveDate,
    pub day_start_balance: i64,
    pub day_start_equity: i64,
    pub high_water_equity: i64,
    pub trading_days: BTreeSet<NaiveDate>,
    /// The day the profit target was first met on a flat account.
    pub target_met_on: Option<NaiveDate>,
}

impl StageState {
    pub fn new(rules: &StageRules, start_day: NaiveDate) -> Self {
        Self {
            status: Status::Active,
            start_day,
            day: start_day,
            day_start_balance: rules.initial_balance,
            day_start_equity: rules.initial_balance,
            high_water_equity: rules.initial_balance,
            trading_days: BTreeSet::new(),
            target_met_on: None,
        }
    }
}

/// `value ≥ bps% of base`, exactly.
fn reaches(value: i64, bps: i64, base: i64) -> bool {
    i128::from(value) * 10_000 >= i128::from(bps) * i128::from(base)
}

impl StageRules {
    fn daily_base(&self, s: &StageState) -> i64 {
        match self.daily_loss_base {
            DailyLossBase::InitialBalance => self.initial_balance,
            DailyLossBase::DayStartBalance => s.day_start_balance,
            DailyLossBase::DayStartEquity => s.day_start_equity,
            DailyLossBase::DayStartMax => s.day_start_balance.max(s.day_start_equity),
        }
    }

    /// The day the period ends (its last day), if it has one.
    pub fn last_day(&self, s: &StageState) -> Option<NaiveDate> {
        self.period_days.and_then(|d| {
            s.start_day
                .checked_add_days(chrono::Days::new(u64::from(d.max(1)) - 1))
        })
    }

    /// The daily loss from the day's starting equity, reported under `rule`.
    fn check_daily(
        &self,
        s: &StageState,
        day: NaiveDate,
        equity: i64,
        rule: Rule,
    ) -> Option<Decision> {
        let bps = self.max_daily_loss_bps?;
        let base = self.daily_base(s);
        let loss = s.day_start_equity - equity;
        (loss > 0 && reaches(loss, bps, base)).then_some(Decision::Breach(Figures {
            rule,
            value: loss,
            base,
            bps: Some(bps),
            day,
        }))
    }

    /// The total loss, from the initial balance or (trailing) the equity high-water mark.
    fn check_total(&self, s: &StageState, day: NaiveDate, equity: i64) -> Option<Decision> {
        let bps = self.max_loss_bps?;
        let from = match self.max_loss_mode {
            MaxLossMode::Static => self.initial_balance,
            MaxLossMode::Trailing => s.high_water_equity,
        };
        let loss = from - equity;
        (loss > 0 && reaches(loss, bps, self.initial_balance)).then_some(Decision::Breach(
            Figures {
                rule: Rule::MaxLoss,
                value: loss,
                base: self.initial_balance,
                bps: Some(bps),
                day,
            },
        ))
    }

    fn check_equity(&self, s: &StageState, day: NaiveDate, equity: i64) -> Option<Decision> {
        self.check_daily(s, day, equity, Rule::MaxDailyLoss)
            .or_else(|| self.check_total(s, day, equity))
    }

    fn target_met(&self, balance: i64, open_positions: u32) -> bool {
        // Judged on the closed balance of a flat account: floating profit is not yet earned.
        self.profit_target_bps.is_some_and(|bps| {
            let profit = balance - self.initial_balance;
            open_positions == 0 && profit > 0 && reaches(profit, bps, self.initial_balance)
        })
    }

    fn pass_figures(&self, s: &StageState, balance: i64, day: NaiveDate) -> Figures {
        Figures {
            rule: Rule::ProfitTarget,
            value: balance - self.initial_balance,
            base: self.initial_balance,
            bps: self.profit_target_bps,
            day: s.target_met_on.unwrap_or(day),
        }
    }
}

/// Applies one event. A stage that has passed or failed ignores further events.
pub fn apply(rules: &StageRules, s: &mut StageState, event: Event) -> Option<Decision> {
    if s.status != Status::Active {
        return None;
    }
    let decision = match event {
        Event::Opened { day } => {
            s.trading_days.insert(day);
            None
        }
        Event::Equity {
            day,
            balance,
            equity,
            open_positions,
        } => {
            s.high_water_equity = s.high_water_equity.max(equity);
            let d = rules.check_equity(s, day, equity);
            if d.is_none() && rules.target_met(balance, open_positions) && s.target_met_on.is_none()
            {
                s.target_met_on = Some(day);
            }
            d
        }
        Event::Closed {
            day,
            profit,
            balance,
            equity,
            open_positions,
        } => {
            s.high_water_equity = s.high_water_equity.max(equity);
            let per_trade = rules.max_loss_per_trade.and_then(|limit| {
                let loss = -profit;
                let (base, bps, hit) = match limit {
                    TradeLossLimit::Amount(a) => (a, None, loss >= a),
                    TradeLossLimit::Bps(b) => (
                        rules.initial_balance,
                        Some(b),
                        reaches(loss, b, rules.initial_balance),
                    ),
                };
                (loss > 0 && hit).then_some(Decision::Breach(Figures {
                    rule: Rule::MaxLossPerTrade,
                    value: loss,
                    base,
                    bps,
                    day,
                }))
            });
            let d = per_trade.or_else(|| rules.check_equity(s, day, equity));
            if d.is_none() && rules.target_met(balance, open_positions) && s.target_met_on.is_none()
            {
                s.target_met_on = Some(day);
            }
            d
        }
        Event::DayEnd {
            day,
            balance,
            equity,
            open_positions,
        } => day_end(rules, s, day, balance, equity, open_positions),
    };
    if let Some(d) = decision {
        s.status = match d {
            Decision::Passed(_) => Status::Passed,
            Decision::Breach(_) | Decision::Expired(_) => Status::Failed,
        };
    }
    decision
}

fn day_end(
    rules: &StageRules,
    s: &mut StageState,
    day: NaiveDate,
    balance: i64,
    equity: i64,
    open_positions: u32,
) -> Option<Decision> {
    s.high_water_equity = s.high_water_equity.max(equity);
    // Daily settlement judges the day's closed plus floating P/L (the equity change since
    // 00:00) at the boundary; without it, positions held overnight are not judged at midnight.
    let settlement = if rules.daily_settlement {
        rules.check_daily(s, day, equity, Rule::DailySettlement)
    } else {
        None
    };
    if let Some(d) = settlement.or_else(|| rules.check_total(s, day, equity)) {
        return Some(d);
    }
    if rules.target_met(balance, open_positions) && s.target_met_on.is_none() {
        s.target_met_on = Some(day);
    }
    let enough_days = s.trading_days.len() as u32 >= rules.min_trading_days;
    let period_over = rules.last_day(s).is_some_and(|last| day >= last);
    let target = s.target_met_on.is_some() && rules.target_met(balance, open_positions);
    let next = day.succ_opt().unwrap_or(day);
    s.day = next;
    s.day_start_balance = balance;
    s.day_start_equity = equity;
    if target && enough_days && (rules.upgrade_immediately || period_over) {
        return Some(Decision::Passed(rules.pass_figures(s, balance, day)));
    }
    if period_over {
        let rule = if rules.profit_target_bps.is_some() {
            Rule::ProfitTarget
        } else {
            Rule::TradingPeriod
        };
        return Some(Decision::Expired(Figures {
            rule,
            value: balance - rules.initial_balance,
            base: rules.initial_balance,
            bps: rules.profit_target_bps,
            day,
        }));
    }
    None
}

/// A loss and the limit it is measured against, in minor units (the limit rounded down: it is
/// shown, never used to decide).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LossFigures {
    pub value: i64,
    pub limit: i64,
}

impl StageRules {
    /// Today's loss from the day's starting equity against the daily limit.
    pub fn daily_loss(&self, s: &StageState, equity: i64) -> Option<LossFigures> {
        self.max_daily_loss_bps.map(|bps| LossFigures {
            value: s.day_start_equity - equity,
            limit: Bps(bps).of(self.daily_base(s)),
        })
    }

    /// The total loss (from the initial balance, or the high-water mark when trailing) against
    /// the maximum loss.
    pub fn total_loss(&self, s: &StageState, equity: i64) -> Option<LossFigures> {
        let from = match self.max_loss_mode {
            MaxLossMode::Static => self.initial_balance,
            MaxLossMode::Trailing => s.high_water_equity,
        };
        self.max_loss_bps.map(|bps| LossFigures {
            value: from - equity,
            limit: Bps(bps).of(self.initial_balance),
        })
    }

    /// The profit towards the target.
    pub fn target_progress(&self, balance: i64) -> Option<LossFigures> {
        self.profit_target_bps.map(|bps| LossFigures {
            value: balance - self.initial_balance,
            limit: Bps(bps).of(self.initial_balance),
        })
    }
}

/// Money leaves a flat funded account (a profit-share payout): the day's and the trailing
/// reference points move down with it, so the payout is never judged a loss.
pub fn withdraw(s: &mut StageState, amount: i64) {
    s.day_start_balance -= amount;
    s.day_start_equity -= amount;
    s.high_water_equity -= amount;
}

/// How far the account is towards each limit, in basis points of the limit (10,000 = reached),
/// for the progress bars.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub profit_bps_of_target: Option<i64>,
    pub daily_loss_bps_of_limit: Option<i64>,
    pub max_loss_bps_of_limit: Option<i64>,
    pub trading_days: u32,
}

pub fn progress(rules: &StageRules, s: &StageState, balance: i64, equity: i64) -> Progress {
    let share = |value: i64, bps: i64, base: i64| -> i64 {
        let limit = i128::from(bps) * i128::from(base);
        if limit <= 0 {
            return 0;
        }
        let p = i128::from(value.max(0)) * 10_000 * 10_000 / limit;
        i64::try_from(p.min(10_000)).unwrap_or(10_000)
    };
    let from = match rules.max_loss_mode {
        MaxLossMode::Static => rules.initial_balance,
        MaxLossMode::Trailing => s.high_water_equity,
    };
    Progress {
        profit_bps_of_target: rules
            .profit_target_bps
            .map(|b| share(balance - rules.initial_balance, b, rules.initial_balance)),
        daily_loss_bps_of_limit: rules
            .max_daily_loss_bps
            .map(|b| share(s.day_start_equity - equity, b, rules.daily_base(s))),
        max_loss_bps_of_limit: rules
            .max_loss_bps
            .map(|b| share(from - equity, b, rules.initial_balance)),
        trading_days: s.trading_days.len() as u32,
    }
}
