//! Rates in basis points: one hundredth of a percent, so 850 is 8.5%. Stored and computed as
//! whole numbers (no floats); shown as a percentage with no trailing zeros.
use rust_decimal::Decimal;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bps(pub i64);

/// All of it: 100%.
pub const ALL: Bps = Bps(10_000);

impl Bps {
    /// The rate as a percentage: `Bps(850)` is 8.5.
    pub fn percent(self) -> Decimal {
        Decimal::new(self.0, 2).normalize()
    }

    /// This rate of `base`, rounded toward zero. Exact: only a rate above 100% of a base near
    /// the i64 limit would not fit, and that saturates at the limit.
    pub fn of(self, base: i64) -> i64 {
        let v = i128::from(self.0) * i128::from(base) / 10_000;
        i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
    }

    /// What part of `base` `value` is, rounded toward zero; `None` for a base that is not
    /// positive or a ratio that would not fit.
    pub fn ratio(value: i64, base: i64) -> Option<Bps> {
        if base <= 0 {
            return None;
        }
        i64::try_from(i128::from(value) * 10_000 / i128::from(base))
            .ok()
            .map(Bps)
    }
}

/// "8.5%".
impl fmt::Display for Bps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.percent())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_as_a_percentage_without_trailing_zeros() {
        assert_eq!(Bps(850).to_string(), "8.5%");
        assert_eq!(Bps(800).to_string(), "8%");
        assert_eq!(Bps(825).to_string(), "8.25%");
        assert_eq!(Bps(5).to_string(), "0.05%");
        assert_eq!(Bps(0).to_string(), "0%");
        assert_eq!(Bps(-150).to_string(), "-1.5%");
        assert_eq!(Bps(10_000).percent(), Decimal::from(100));
    }

    #[test]
    fn shares_and_ratios_round_toward_zero_and_never_overflow() {
        assert_eq!(Bps(850).of(10_000), 850);
        assert_eq!(Bps(3_333).of(100), 33);
        assert_eq!(Bps(5_000).of(-999), -499);
        assert_eq!(ALL.of(i64::MAX), i64::MAX);
        assert_eq!(Bps(20_000).of(i64::MAX), i64::MAX);
        assert_eq!(Bps(20_000).of(i64::MIN), i64::MIN);
        assert_eq!(Bps::ratio(2_500, 10_000), Some(Bps(2_500)));
        assert_eq!(Bps::ratio(-1, 3), Some(Bps(-3_333)));
        assert_eq!(Bps::ratio(1, 0), None);
        assert_eq!(Bps::ratio(i64::MAX, 1), None);
    }
}
