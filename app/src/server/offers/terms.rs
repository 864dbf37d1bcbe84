//! What coupons and promo codes share: a discount stored as kind, value and currency, a
//! use limit stored as a nullable count, and validity days as staff type them.
use crate::domain::money::{self, Currency, Money};
use crate::domain::offers::{self, Discount, UseLimit, Validity};
use crate::domain::validation::Errors;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

const FIXED: &str = "fixed";
const PERCENT: &str = "percent";

/// A stored discount; None for a kind or currency the code does not know.
pub fn discount(kind: &str, value: i64, currency: Option<&str>) -> Option<Discount> {
    match kind {
        PERCENT => Some(Discount::Percent(value)),
        FIXED => Money::of(value, currency?).map(Discount::Fixed),
        _ => None,
    }
}

/// The columns a discount is stored in: kind, value, currency.
pub fn stored(d: Discount) -> (&'static str, i64, Option<String>) {
    match d {
        Discount::Fixed(m) => (FIXED, m.minor(), Some(m.code().to_string())),
        Discount::Percent(b) => (PERCENT, b, None),
    }
}

/// A stored use limit: None is unlimited.
pub fn limit(n: Option<i32>) -> UseLimit {
    n.map_or(UseLimit::Unlimited, |n| UseLimit::Times(n.max(0) as u32))
}

/// A typed use limit (0: unlimited) as stored.
pub fn stored_limit(n: u32) -> Option<i32> {
    (n > 0).then(|| i32::try_from(n).unwrap_or(i32::MAX))
}

/// A typed discount: a share ("15%", any currency) or an amount in the typed currency.
pub fn typed_discount(e: &mut Errors, discount: &str, currency: &str) -> Option<Discount> {
    let cur: Option<Currency> = if currency.trim().is_empty() {
        if discount.trim().ends_with('%') {
            money::currency("USD")
        } else {
            e.add("currency", "err.required");
            None
        }
    } else {
        e.check(
            "currency",
            money::currency(currency.trim()).ok_or("err.currency_unknown"),
        )
    };
    cur.and_then(|c| e.check("discount", offers::parse_discount(discount, c)))
}

/// The validity typed as first and last day (UTC, `YYYY-MM-DD`, empty for no limit).
pub fn typed_validity(e: &mut Errors, from: &str, to: &str) -> Option<Validity> {
    let from = e.check("valid_from", day(from, false));
    let to = e.check("valid_to", day(to, true));
    match (from, to) {
        (Some(from), Some(to)) => e.check("valid_to", {
            let v = Validity { from, to };
            v.check().map(|()| v)
        }),
        _ => None,
    }
}

/// A day typed in a form: its start, or (`last`) the start of the day after; empty: none.
fn day(text: &str, last: bool) -> Result<Option<DateTime<Utc>>, &'static str> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let d = NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| "err.date_invalid")?;
    let d = if last {
        d.succ_opt().ok_or("err.date_invalid")?
    } else {
        d
    };
    Ok(Some(d.and_time(NaiveTime::MIN).and_utc()))
}

/// A validity bound as a form shows it: the first day, or (`last`) the last day included.
pub fn day_text(t: Option<DateTime<Utc>>, last: bool) -> String {
    t.map(|t| {
        let t = if last { t - Duration::days(1) } else { t };
        t.format("%Y-%m-%d").to_string()
    })
    .unwrap_or_default()
}
