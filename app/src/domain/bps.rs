//! Rates in basis points: one hundredth of a percent, so 850 is 8.5%. Stored and computed as
//! whole numbers (no floats); shown as a percentage with no trailing zeros.
use rust_decimal::Decimal;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bps(pub i64);

impl Bps {
    /// The rate as a percentage: `Bps(850)` is 8.5.
    pub fn percent(self) -> Decimal {
        Decimal::new(self.0, 2).normalize()
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
}
