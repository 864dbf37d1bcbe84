//! Profit sharing on funded stages: which profit a settlement takes, how it is split between
//! its recipients (the trader, later referring IBs) and the firm, and the settlement periods.
//!
//! The profit settled is what the balance stands above the high-water mark. Every payout
//! brings the balance back down to that mark, so a loss carries forward: the next period pays
//! only what recovers above it, and no profit is ever paid twice. Shares round down to the
//! minor unit; the firm takes the remainder, so the parts always add up to the profit exactly.
use super::bps::Bps;
use super::challenge::SettlementFrequency;
use super::names::snake_enum;
use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// 100%.
const BPS_ALL: i64 = 10_000;

/// The profit a settlement at `balance` takes above the high-water mark `base` (none below it).
pub fn profit_above(balance: i64, base: i64) -> i64 {
    balance.saturating_sub(base).max(0)
}

snake_enum! {
    /// Where a settlement stands.
    SettlementStatus {
        /// The period ended below the high-water mark: nothing to pay, the loss carries forward.
        NoProfit => "no_profit",
        PendingReview => "pending_review",
        Paid => "paid",
        /// A reviewer turned the payout down: the shares went to the firm.
        Rejected => "rejected",
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Recipient {
    /// The funded trader.
    Trader,
    /// A referring IB (added by the IB commission rules).
    Referrer,
}

impl Recipient {
    pub fn as_str(self) -> &'static str {
        match self {
            Recipient::Trader => "trader",
            Recipient::Referrer => "referrer",
        }
    }
}

/// Who is owed a share of the profit: a recipient, their user, and the share in basis points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    pub recipient: Recipient,
    pub user_id: i64,
    pub bps: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part {
    pub claim: Claim,
    pub amount: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    pub parts: Vec<Part>,
    /// What the firm keeps: the profit less every part.
    pub firm: i64,
}

impl Split {
    pub fn paid_out(&self) -> i64 {
        self.parts.iter().map(|p| p.amount).sum()
    }
}

/// Why a split cannot be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SplitError {
    NegativeProfit,
    /// A share below 0% or above 100%.
    ShareOutOfRange,
    /// The shares add up to more than 100%.
    SharesExceedProfit,
}

impl SplitError {
    pub fn code(self) -> &'static str {
        match self {
            SplitError::NegativeProfit => "err.split_negative_profit",
            SplitError::ShareOutOfRange => "err.split_share_range",
            SplitError::SharesExceedProfit => "err.split_over_100",
        }
    }
}

/// Splits `profit` between the claims (each rounded down to the minor unit) and the firm.
pub fn split(profit: i64, claims: &[Claim]) -> Result<Split, SplitError> {
    if profit < 0 {
        return Err(SplitError::NegativeProfit);
    }
    if claims.iter().any(|c| !(0..=BPS_ALL).contains(&c.bps)) {
        return Err(SplitError::ShareOutOfRange);
    }
    if claims.iter().map(|c| c.bps).sum::<i64>() > BPS_ALL {
        return Err(SplitError::SharesExceedProfit);
    }
    let parts: Vec<Part> = claims
        .iter()
        .map(|c| Part {
            claim: *c,
            // At most 100% of a positive profit: exact, never saturated.
            amount: Bps(c.bps).of(profit),
        })
        .collect();
    let firm = profit - parts.iter().map(|p| p.amount).sum::<i64>();
    Ok(Split { parts, firm })
}

/// A settlement period: its first and last local day, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    /// The stable key a settlement of this period is stored under (one per account).
    pub fn key(&self) -> String {
        self.start.to_string()
    }
}

/// The period that contains `day`. Weeks run Monday to Sunday, months are calendar months,
/// and two-week periods count from the stage's first day.
pub fn period_of(freq: SettlementFrequency, stage_start: NaiveDate, day: NaiveDate) -> Period {
    match freq {
        SettlementFrequency::Daily => Period {
            start: day,
            end: day,
        },
        SettlementFrequency::Weekly => {
            let start = day - Days::new(u64::from(day.weekday().num_days_from_monday()));
            Period {
                start,
                end: start + Days::new(6),
            }
        }
        SettlementFrequency::Biweekly => {
            let since = (day - stage_start).num_days().max(0);
            let start = stage_start + Days::new((since - since % 14) as u64);
            Period {
                start,
                end: start + Days::new(13),
            }
        }
        SettlementFrequency::Monthly => {
            let start = day.with_day(1).unwrap_or(day);
            let end = start
                .checked_add_months(Months::new(1))
                .and_then(|n| n.pred_opt())
                .unwrap_or(start);
            Period { start, end }
        }
    }
}

/// The latest period that has ended by `today` (the one a scheduled settlement takes): the one
/// before the running period, if the stage was running during it.
pub fn last_ended(
    freq: SettlementFrequency,
    stage_start: NaiveDate,
    today: NaiveDate,
) -> Option<Period> {
    let before = period_of(freq, stage_start, today).start.pred_opt()?;
    (before >= stage_start).then(|| period_of(freq, stage_start, before))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settlement_statuses_are_spelled_alike_in_the_database_and_on_the_wire() {
        use crate::domain::names::spelled_alike as check;
        check(
            SettlementStatus::ALL,
            SettlementStatus::as_str,
            SettlementStatus::parse,
        );
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn trader(bps: i64) -> Claim {
        Claim {
            recipient: Recipient::Trader,
            user_id: 1,
            bps,
        }
    }

    #[test]
    fn the_firm_takes_what_rounding_leaves() {
        let s = split(1_001, &[trader(8_000)]).unwrap();
        assert_eq!(s.parts[0].amount, 800);
        assert_eq!(s.firm, 201);
        let s = split(
            999,
            &[
                trader(3_333),
                Claim {
                    recipient: Recipient::Referrer,
                    user_id: 2,
                    bps: 3_333,
                },
            ],
        )
        .unwrap();
        assert_eq!(
            (s.parts[0].amount, s.parts[1].amount, s.firm),
            (332, 332, 335)
        );
    }

    #[test]
    fn impossible_splits_are_refused() {
        assert_eq!(split(-1, &[trader(8_000)]), Err(SplitError::NegativeProfit));
        assert_eq!(split(100, &[trader(-1)]), Err(SplitError::ShareOutOfRange));
        assert_eq!(
            split(100, &[trader(10_001)]),
            Err(SplitError::ShareOutOfRange)
        );
        assert_eq!(
            split(100, &[trader(6_000), trader(5_000)]),
            Err(SplitError::SharesExceedProfit)
        );
        assert_eq!(split(0, &[trader(10_000)]).unwrap().firm, 0);
    }

    #[test]
    fn profit_is_measured_above_the_mark() {
        assert_eq!(profit_above(10_500, 10_000), 500);
        assert_eq!(profit_above(9_500, 10_000), 0);
    }

    #[test]
    fn periods() {
        let start = d(2026, 11, 4);
        let w = period_of(SettlementFrequency::Weekly, start, d(2026, 12, 2));
        assert_eq!((w.start, w.end), (d(2026, 11, 30), d(2026, 12, 6)));
        let m = period_of(SettlementFrequency::Monthly, start, d(2026, 2, 14));
        assert_eq!((m.start, m.end), (d(2026, 2, 1), d(2026, 2, 28)));
        let b = period_of(SettlementFrequency::Biweekly, start, d(2026, 11, 18));
        assert_eq!((b.start, b.end), (d(2026, 11, 18), d(2026, 12, 1)));
        let b = period_of(SettlementFrequency::Biweekly, start, d(2026, 11, 17));
        assert_eq!(b.start, start);
        assert_eq!(
            last_ended(SettlementFrequency::Monthly, start, d(2026, 12, 1)).map(|p| p.start),
            Some(d(2026, 11, 1))
        );
        // The stage started today, or this month: nothing has ended yet.
        assert_eq!(last_ended(SettlementFrequency::Daily, start, start), None);
        assert_eq!(
            last_ended(SettlementFrequency::Monthly, start, d(2026, 11, 20)),
            None
        );
        assert_eq!(
            last_ended(SettlementFrequency::Weekly, start, d(2026, 11, 16)).map(|p| p.start),
            Some(d(2026, 11, 9))
        );
        assert_eq!(
            last_ended(SettlementFrequency::Daily, start, d(2026, 11, 5)).map(|p| p.key()),
            Some("2026-11-04".to_string())
        );
    }
}
