//! The challenge editor's texts as people type them (percentages, fees, limits, dates), parsed
//! into the definition's values and written back. Errors are translation keys.
use crate::domain::bps::Bps;
use crate::domain::ib::Rebate;
use crate::domain::money::{self, Currency};
use crate::domain::rules::{DailyLossBase, MaxLossMode, TradeLossLimit};
use chrono::{NaiveDateTime, Timelike};
use rust_decimal::Decimal;
use std::str::FromStr;

/// A whole number of days or attempts.
pub fn parse_u32(v: &str) -> Result<u32, &'static str> {
    let t = v.trim();
    if t.is_empty() {
        return Err("err.required");
    }
    t.parse().map_err(|_| "chal.invalid_number")
}

/// Empty: none (an unlimited period).
pub fn parse_opt_u32(v: &str) -> Result<Option<u32>, &'static str> {
    if v.trim().is_empty() {
        Ok(None)
    } else {
        parse_u32(v).map(Some)
    }
}

/// A percentage typed as a person writes it ("8", "8.5", "8.25%") in basis points; empty:
/// none. The range is the server's to judge.
pub fn parse_pct(v: &str) -> Result<Option<i64>, &'static str> {
    let t = v.trim().trim_end_matches('%').trim();
    if t.is_empty() {
        return Ok(None);
    }
    if !t.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err("chal.invalid_percent");
    }
    let d = Decimal::from_str(t).map_err(|_| "chal.invalid_percent")?;
    if d.normalize().scale() > 2 {
        return Err("chal.invalid_percent");
    }
    i64::try_from((d * Decimal::from(100)).trunc())
        .map(Some)
        .map_err(|_| "chal.invalid_percent")
}

/// A percentage as the form shows it ("8.5", no sign); empty: none.
pub fn pct_text(bps: Option<i64>) -> String {
    bps.map(|b| Bps(b).percent().to_string())
        .unwrap_or_default()
}

/// Percentages separated by commas ("10, 5"), in basis points, in order; empty: none.
pub fn parse_pct_list(v: &str) -> Result<Vec<i64>, &'static str> {
    if v.trim().is_empty() {
        return Ok(Vec::new());
    }
    v.split(',')
        .map(|p| parse_pct(p)?.ok_or("chal.invalid_percent"))
        .collect()
}

pub fn pct_list_text(bps: &[i64]) -> String {
    bps.iter()
        .map(|b| pct_text(Some(*b)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A fee: like an amount, but 0 (free) is allowed.
pub fn parse_fee(v: &str, cur: Currency) -> Result<i64, &'static str> {
    let t = v.trim();
    let zero = !t.is_empty()
        && t.chars().all(|c| c.is_ascii_digit() || c == '.')
        && Decimal::from_str(t).is_ok_and(|d| d.is_zero());
    if zero {
        Ok(0)
    } else {
        money::parse_amount(t, cur)
    }
}

/// The limit on one closed trade's loss: an amount ("250"), a percentage ("1.5%"), or none.
pub fn parse_trade_loss(v: &str, cur: Currency) -> Result<Option<TradeLossLimit>, &'static str> {
    let t = v.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.ends_with('%') {
        return match parse_pct(t) {
            Ok(Some(b)) => Ok(Some(TradeLossLimit::Bps(b))),
            _ => Err("chal.invalid_trade_loss"),
        };
    }
    money::parse_amount(t, cur)
        .map(|a| Some(TradeLossLimit::Amount(a)))
        .map_err(|e| {
            if e == "err.amount_invalid" {
                "chal.invalid_trade_loss"
            } else {
                e
            }
        })
}

pub fn trade_loss_text(l: Option<TradeLossLimit>, cur: Currency) -> String {
    match l {
        None => String::new(),
        Some(TradeLossLimit::Amount(a)) => money::format(a, cur),
        Some(TradeLossLimit::Bps(b)) => format!("{}%", pct_text(Some(b))),
    }
}

/// A fee commission's rebate: a percentage of the fee ("10%") or an amount ("5.00").
pub fn parse_rebate(v: &str, cur: Currency) -> Result<Rebate, &'static str> {
    let t = v.trim();
    if t.is_empty() {
        return Err("err.required");
    }
    if t.ends_with('%') {
        return match parse_pct(t) {
            Ok(Some(b)) => Ok(Rebate::Percent(b)),
            _ => Err("chal.invalid_rebate"),
        };
    }
    money::parse_amount(t, cur).map(Rebate::Fixed).map_err(|e| {
        if e == "err.amount_invalid" {
            "chal.invalid_rebate"
        } else {
            e
        }
    })
}

pub fn rebate_text(r: Rebate, cur: Currency) -> String {
    match r {
        Rebate::Fixed(a) => money::format(a, cur),
        Rebate::Percent(b) => format!("{}%", pct_text(Some(b))),
    }
}

/// The value of a `datetime-local` input.
pub fn datetime_text(t: &NaiveDateTime) -> String {
    if t.second() == 0 {
        t.format("%Y-%m-%dT%H:%M").to_string()
    } else {
        t.format("%Y-%m-%dT%H:%M:%S").to_string()
    }
}

pub fn parse_datetime(v: &str) -> Result<NaiveDateTime, &'static str> {
    let t = v.trim();
    if t.is_empty() {
        return Err("err.required");
    }
    NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| "chal.invalid_datetime")
}

/// "Two-step, Fast" → ["Two-step", "Fast"].
pub fn parse_types(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

pub fn base_str(b: DailyLossBase) -> &'static str {
    match b {
        DailyLossBase::InitialBalance => "initial_balance",
        DailyLossBase::DayStartBalance => "day_start_balance",
        DailyLossBase::DayStartEquity => "day_start_equity",
        DailyLossBase::DayStartMax => "day_start_max",
    }
}

pub fn parse_base(s: &str) -> Option<DailyLossBase> {
    Some(match s {
        "initial_balance" => DailyLossBase::InitialBalance,
        "day_start_balance" => DailyLossBase::DayStartBalance,
        "day_start_equity" => DailyLossBase::DayStartEquity,
        "day_start_max" => DailyLossBase::DayStartMax,
        _ => return None,
    })
}

pub fn mode_str(m: MaxLossMode) -> &'static str {
    match m {
        MaxLossMode::Static => "static",
        MaxLossMode::Trailing => "trailing",
    }
}

pub fn parse_mode(s: &str) -> Option<MaxLossMode> {
    match s {
        "static" => Some(MaxLossMode::Static),
        "trailing" => Some(MaxLossMode::Trailing),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::CURRENCIES;

    #[test]
    fn percentage_lists_and_rebates() {
        assert_eq!(parse_pct_list("10, 5.5%"), Ok(vec![1_000, 550]));
        assert_eq!(parse_pct_list(" "), Ok(vec![]));
        assert_eq!(parse_pct_list("10,,5"), Err("chal.invalid_percent"));
        assert_eq!(parse_pct_list("ten"), Err("chal.invalid_percent"));
        assert_eq!(pct_list_text(&[1_000, 550]), "10, 5.5");
        let usd = CURRENCIES[0];
        assert_eq!(parse_rebate("10%", usd), Ok(Rebate::Percent(1_000)));
        assert_eq!(parse_rebate("5", usd), Ok(Rebate::Fixed(500)));
        assert_eq!(parse_rebate("", usd), Err("err.required"));
        assert_eq!(parse_rebate("x%", usd), Err("chal.invalid_rebate"));
        assert_eq!(parse_rebate("abc", usd), Err("chal.invalid_rebate"));
        assert_eq!(rebate_text(Rebate::Fixed(500), usd), "5.00");
        assert_eq!(rebate_text(Rebate::Percent(250), usd), "2.5%");
    }

    #[test]
    fn percentages_are_typed_as_percent_and_kept_in_basis_points() {
        assert_eq!(parse_pct("8"), Ok(Some(800)));
        assert_eq!(parse_pct(" 8.5 "), Ok(Some(850)));
        assert_eq!(parse_pct("8.25%"), Ok(Some(825)));
        assert_eq!(parse_pct(""), Ok(None));
        assert_eq!(parse_pct("8.125"), Err("chal.invalid_percent"));
        assert_eq!(parse_pct("-1"), Err("chal.invalid_percent"));
        assert_eq!(parse_pct("abc"), Err("chal.invalid_percent"));
        assert_eq!(pct_text(Some(850)), "8.5");
        assert_eq!(pct_text(Some(800)), "8");
        assert_eq!(pct_text(None), "");
    }

    #[test]
    fn amounts_fees_and_trade_limits() {
        let usd = CURRENCIES[0];
        assert_eq!(parse_fee("0", usd), Ok(0));
        assert_eq!(parse_fee("0.00", usd), Ok(0));
        assert_eq!(parse_fee("99.5", usd), Ok(9_950));
        assert_eq!(parse_fee("", usd), Err("err.required"));
        assert_eq!(parse_fee("x", usd), Err("err.amount_invalid"));
        assert_eq!(
            parse_trade_loss("250", usd),
            Ok(Some(TradeLossLimit::Amount(25_000)))
        );
        assert_eq!(
            parse_trade_loss("1.5%", usd),
            Ok(Some(TradeLossLimit::Bps(150)))
        );
        assert_eq!(parse_trade_loss(" ", usd), Ok(None));
        assert_eq!(parse_trade_loss("%", usd), Err("chal.invalid_trade_loss"));
        assert_eq!(parse_trade_loss("abc", usd), Err("chal.invalid_trade_loss"));
        assert_eq!(trade_loss_text(Some(TradeLossLimit::Bps(150)), usd), "1.5%");
        assert_eq!(
            trade_loss_text(Some(TradeLossLimit::Amount(25_000)), usd),
            "250.00"
        );
    }

    #[test]
    fn dates_types_and_numbers() {
        let t = parse_datetime("2026-03-01T09:30").unwrap();
        assert_eq!(datetime_text(&t), "2026-03-01T09:30");
        let t = parse_datetime("2026-03-01T09:30:15").unwrap();
        assert_eq!(datetime_text(&t), "2026-03-01T09:30:15");
        assert_eq!(parse_datetime(""), Err("err.required"));
        assert_eq!(parse_datetime("soon"), Err("chal.invalid_datetime"));
        assert_eq!(parse_types(" Two-step, ,Fast "), vec!["Two-step", "Fast"]);
        assert_eq!(parse_opt_u32(""), Ok(None));
        assert_eq!(parse_opt_u32("30"), Ok(Some(30)));
        assert_eq!(parse_u32("x"), Err("chal.invalid_number"));
    }

    #[test]
    fn enum_names_round_trip() {
        for b in [
            DailyLossBase::InitialBalance,
            DailyLossBase::DayStartBalance,
            DailyLossBase::DayStartEquity,
            DailyLossBase::DayStartMax,
        ] {
            assert_eq!(parse_base(base_str(b)), Some(b));
        }
        for m in [MaxLossMode::Static, MaxLossMode::Trailing] {
            assert_eq!(parse_mode(mode_str(m)), Some(m));
        }
        assert_eq!(parse_base("x"), None);
        assert_eq!(parse_mode("x"), None);
    }
}
