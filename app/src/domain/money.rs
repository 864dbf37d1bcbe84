//! Money: integer minor units with their currency, parsed from and shown as decimals. Floats
//! never touch money.
use super::bps::Bps;
use super::names::snake_enum;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

snake_enum! {
    /// Ledger account kinds. Wallets belong to clients; the rest are the firm's.
    AccountKind {
        Wallet => "wallet",
        PspClearing => "psp_clearing",
        FeeRevenue => "fee_revenue",
        CommissionExpense => "commission_expense",
        PayoutsPayable => "payouts_payable",
        ManualAdjustments => "manual_adjustments",
        /// One per currency: the other side of a conversion between a client's wallets.
        FxConversion => "fx_conversion",
        /// Challenge participation and retry fees: revenue kept apart for the prop dashboard.
        ParticipationFees => "participation_fees",
        /// The profit taken from funded accounts at settlements (the firm's trading capital).
        FundedTrading => "funded_trading",
        /// Profit shares owed to their recipients until paid (or forfeited on review).
        ProfitSharePayable => "profit_share_payable",
        /// The firm's part of the profit settled on funded accounts.
        ProfitShareFirm => "profit_share_firm",
        /// Trading competitions' entry fees.
        CompetitionFees => "competition_fees",
        /// The prizes paid to competitions' winners.
        CompetitionPrizes => "competition_prizes",
    }
}

impl AccountKind {
    /// The firm's kinds (every kind but wallets).
    pub const FIRM: &[AccountKind] = &[
        AccountKind::PspClearing,
        AccountKind::FeeRevenue,
        AccountKind::CommissionExpense,
        AccountKind::PayoutsPayable,
        AccountKind::ManualAdjustments,
        AccountKind::FxConversion,
        AccountKind::ParticipationFees,
        AccountKind::FundedTrading,
        AccountKind::ProfitSharePayable,
        AccountKind::ProfitShareFirm,
        AccountKind::CompetitionFees,
        AccountKind::CompetitionPrizes,
    ];
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Currency {
    pub code: &'static str,
    /// Digits after the decimal point: 2 means amounts are stored in cents.
    pub exponent: u32,
}

/// The currencies wallets are held in. USDT is kept to cents like the fiat wallets.
pub const CURRENCIES: &[Currency] = &[
    Currency {
        code: "USD",
        exponent: 2,
    },
    Currency {
        code: "EUR",
        exponent: 2,
    },
    Currency {
        code: "USDT",
        exponent: 2,
    },
];

/// The largest amount one operation may move: 10^13 units (ten trillion), far above any real
/// deposit, and far below where sums of many of them could overflow an i64.
pub const MAX_MINOR: i64 = 1_000_000_000_000_000;

pub fn currency(code: &str) -> Option<Currency> {
    CURRENCIES.iter().copied().find(|c| c.code == code)
}

/// Parses a positive amount typed by a person ("1,250.5" is not accepted: no grouping, a dot
/// for decimals) into minor units. Each failure has its own message key.
pub fn parse_amount(text: &str, cur: Currency) -> Result<i64, &'static str> {
    let t = text.trim();
    if t.is_empty() {
        return Err("err.required");
    }
    if !t
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == '-' || c == '+')
    {
        return Err("err.amount_invalid");
    }
    let d = Decimal::from_str(t).map_err(|_| "err.amount_invalid")?;
    if d <= Decimal::ZERO {
        return Err("err.amount_not_positive");
    }
    if d.normalize().scale() > cur.exponent {
        return Err("err.amount_decimals");
    }
    let minor = d * Decimal::from(10i64.pow(cur.exponent));
    let minor: i64 = minor
        .trunc()
        .try_into()
        .map_err(|_| "err.amount_too_large")?;
    if minor > MAX_MINOR {
        return Err("err.amount_too_large");
    }
    Ok(minor)
}

pub fn to_decimal(minor: i64, cur: Currency) -> Decimal {
    Decimal::new(minor, cur.exponent)
}

/// "1234.50": fixed decimals, no grouping (the UI adds the currency beside it).
pub fn format(minor: i64, cur: Currency) -> String {
    format!("{:.*}", cur.exponent as usize, to_decimal(minor, cur))
}

/// An amount of money: whole minor units of its currency. Sums are checked (past `i64`, or
/// across currencies, they are `None`), and it is shown as "1234.50 USD". On the wire it is
/// `{"minor": 123450, "currency": "USD"}`, and a currency the firm does not hold is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "MoneyWire", try_from = "MoneyWire")]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    pub const fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    /// An amount read from a row: `None` when its currency code is not one the firm holds.
    pub fn of(minor: i64, code: &str) -> Option<Self> {
        currency(code).map(|c| Money::new(minor, c))
    }

    /// A positive amount typed by a person (see `parse_amount`).
    pub fn parse(text: &str, currency: Currency) -> Result<Self, &'static str> {
        parse_amount(text, currency).map(|minor| Money::new(minor, currency))
    }

    pub const fn minor(self) -> i64 {
        self.minor
    }

    pub const fn currency(self) -> Currency {
        self.currency
    }

    pub const fn code(self) -> &'static str {
        self.currency.code
    }

    pub fn decimal(self) -> Decimal {
        to_decimal(self.minor, self.currency)
    }

    /// The figure without its currency, "1234.50", for a column whose heading names it.
    pub fn amount(self) -> String {
        format(self.minor, self.currency)
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        (self.currency == other.currency)
            .then(|| self.minor.checked_add(other.minor))
            .flatten()
            .map(|minor| Money::new(minor, self.currency))
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        (self.currency == other.currency)
            .then(|| self.minor.checked_sub(other.minor))
            .flatten()
            .map(|minor| Money::new(minor, self.currency))
    }

    /// `rate` of this amount, rounded toward zero to the minor unit (see `Bps::of`).
    pub fn share(self, rate: Bps) -> Money {
        Money::new(rate.of(self.minor), self.currency)
    }
}

/// "1234.50 USD".
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount(), self.code())
    }
}

#[derive(Serialize, Deserialize)]
struct MoneyWire {
    minor: i64,
    currency: String,
}

impl From<Money> for MoneyWire {
    fn from(m: Money) -> Self {
        MoneyWire {
            minor: m.minor,
            currency: m.code().to_string(),
        }
    }
}

impl TryFrom<MoneyWire> for Money {
    type Error = String;
    fn try_from(w: MoneyWire) -> Result<Self, String> {
        Money::of(w.minor, &w.currency).ok_or_else(|| format!("unknown currency {:?}", w.currency))
    }
}

/// A method's fee on an amount: `bps` hundredths of a percent, rounded half away from zero to
/// the minor unit, plus a fixed part, capped at `cap_minor` when that is positive.
pub fn fee_minor(amount_minor: i64, bps: i64, fixed_minor: i64, cap_minor: i64) -> i64 {
    let pct = (Decimal::from(amount_minor) * Decimal::from(bps) / Decimal::from(10_000))
        .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    let fee = i64::try_from(pct)
        .unwrap_or(i64::MAX)
        .saturating_add(fixed_minor);
    if cap_minor > 0 {
        fee.min(cap_minor)
    } else {
        fee
    }
}

/// The largest exchange rate accepted, and its most decimals.
const MAX_RATE: i64 = 1_000_000;
const RATE_DECIMALS: u32 = 8;

/// Parses an exchange rate ("1 unit of the source buys `rate` of the target").
pub fn parse_rate(text: &str) -> Result<Decimal, &'static str> {
    let t = text.trim();
    if t.is_empty() {
        return Err("err.required");
    }
    if !t.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err("err.rate_invalid");
    }
    let d = Decimal::from_str(t).map_err(|_| "err.rate_invalid")?;
    if d <= Decimal::ZERO || d > Decimal::from(MAX_RATE) || d.normalize().scale() > RATE_DECIMALS {
        return Err("err.rate_invalid");
    }
    Ok(d.normalize())
}

/// Converts an amount at `rate`, rounded toward zero in the target's minor units, so the
/// firm never credits more than the rate allows. None when the result would not fit.
pub fn convert(amount_minor: i64, from: Currency, to: Currency, rate: Decimal) -> Option<i64> {
    let target = to_decimal(amount_minor, from).checked_mul(rate)?;
    let minor = target.checked_mul(Decimal::from(10i64.checked_pow(to.exponent)?))?;
    let minor: i64 = minor.trunc().try_into().ok()?;
    (minor <= MAX_MINOR).then_some(minor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_kinds_are_spelled_alike_in_the_database_and_on_the_wire() {
        use crate::domain::names::spelled_alike as check;
        check(AccountKind::ALL, AccountKind::as_str, AccountKind::parse);
        assert_eq!(AccountKind::FIRM.len() + 1, AccountKind::ALL.len());
    }

    const USD: Currency = Currency {
        code: "USD",
        exponent: 2,
    };

    #[test]
    fn parses_exact_amounts_and_refuses_the_rest() {
        assert_eq!(parse_amount("12.5", USD), Ok(1250));
        assert_eq!(parse_amount(" 0.01 ", USD), Ok(1));
        assert_eq!(
            parse_amount("100.10", USD),
            Ok(10010),
            "trailing zeros are not extra decimals"
        );
        assert_eq!(parse_amount("", USD), Err("err.required"));
        assert_eq!(parse_amount("0", USD), Err("err.amount_not_positive"));
        assert_eq!(parse_amount("-5", USD), Err("err.amount_not_positive"));
        assert_eq!(parse_amount("1.005", USD), Err("err.amount_decimals"));
        assert_eq!(parse_amount("1e5", USD), Err("err.amount_invalid"));
        assert_eq!(parse_amount("1,000", USD), Err("err.amount_invalid"));
        assert_eq!(parse_amount("NaN", USD), Err("err.amount_invalid"));
        assert_eq!(
            parse_amount("99999999999999999999999", USD),
            Err("err.amount_too_large")
        );
        assert_eq!(
            parse_amount("10000000000000.01", USD),
            Err("err.amount_too_large")
        );
        assert_eq!(parse_amount("10000000000000", USD), Ok(MAX_MINOR));
    }

    #[test]
    fn formats_with_fixed_decimals() {
        assert_eq!(format(1250, USD), "12.50");
        assert_eq!(format(-1, USD), "-0.01");
        assert_eq!(currency("EUR").map(|c| c.exponent), Some(2));
        assert_eq!(currency("GBP"), None);
    }

    #[test]
    fn money_adds_checked_and_within_its_currency() {
        let eur = currency("EUR").unwrap();
        let a = Money::new(1250, USD);
        assert_eq!(a.to_string(), "12.50 USD");
        assert_eq!(a.amount(), "12.50");
        assert_eq!(
            a.checked_add(Money::new(-250, USD)),
            Some(Money::new(1000, USD))
        );
        assert_eq!(
            a.checked_sub(Money::new(1251, USD)),
            Some(Money::new(-1, USD))
        );
        assert_eq!(a.checked_add(Money::new(1, eur)), None, "across currencies");
        assert_eq!(
            Money::new(i64::MAX, USD).checked_add(Money::new(1, USD)),
            None
        );
        assert_eq!(
            Money::new(i64::MIN, USD).checked_sub(Money::new(1, USD)),
            None
        );
        assert_eq!(Money::parse("12.5", USD), Ok(a));
        assert_eq!(Money::parse("12.505", USD), Err("err.amount_decimals"));
        assert_eq!(Money::of(5, "GBP"), None);
        assert_eq!(a.share(Bps(8_000)), Money::new(1000, USD));
        assert_eq!(
            Money::new(-999, USD).share(Bps(5_000)),
            Money::new(-499, USD)
        );
    }

    #[test]
    fn money_travels_as_minor_units_and_a_known_currency() {
        let json = serde_json::to_string(&Money::new(123450, USD)).unwrap();
        assert_eq!(json, r#"{"minor":123450,"currency":"USD"}"#);
        assert_eq!(
            serde_json::from_str::<Money>(&json).unwrap(),
            Money::new(123450, USD)
        );
        assert!(serde_json::from_str::<Money>(r#"{"minor":1,"currency":"GBP"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"minor":1.5,"currency":"USD"}"#).is_err());
    }

    #[test]
    fn fees_round_half_away_and_respect_the_cap() {
        assert_eq!(fee_minor(10_000, 150, 0, 0), 150, "1.5% of 100.00");
        assert_eq!(fee_minor(333, 150, 0, 0), 5, "4.995 rounds to 5");
        assert_eq!(fee_minor(10_000, 0, 250, 0), 250);
        assert_eq!(fee_minor(1_000_000, 100, 500, 2_000), 2_000, "capped");
        assert_eq!(fee_minor(MAX_MINOR, 10_000, 0, 0), MAX_MINOR);
    }

    #[test]
    fn rates_parse_strictly_and_convert_toward_zero() {
        let eur = currency("EUR").unwrap();
        assert_eq!(parse_rate("0.92"), Ok(Decimal::new(92, 2)));
        for bad in ["", "0", "-1", "1e3", "abc", "0.000000001", "1000001"] {
            assert!(parse_rate(bad).is_err(), "{bad}");
        }
        let rate = parse_rate("0.9234").unwrap();
        assert_eq!(convert(10_000, USD, eur, rate), Some(9_234));
        assert_eq!(
            convert(1, USD, eur, rate),
            Some(0),
            "0.009234 EUR is not a cent"
        );
        assert_eq!(convert(MAX_MINOR, USD, eur, Decimal::from(2)), None);
    }
}
