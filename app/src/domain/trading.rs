//! The simulated platform's instruments and trading maths: prices are integers in the symbol's
//! digits, volumes are hundredths of a lot, and profit, margin and the price feed are exact
//! integer (or Decimal) arithmetic, so every scenario replays to the cent.
use rust_decimal::Decimal;
use rust_decimal::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub code: &'static str,
    pub name: &'static str,
    /// Digits after the decimal point of a price.
    pub digits: u32,
    /// Units of the base per lot (quoted in USD).
    pub contract: i64,
    /// The first price, in digits.
    pub start: i64,
    /// The most one feed step moves the price, in millionths.
    pub step_ppm: i64,
}

/// Every symbol is quoted in USD: FX, gold, an index and a crypto.
pub const SYMBOLS: &[Symbol] = &[
    Symbol {
        code: "EURUSD",
        name: "Euro / US dollar",
        digits: 5,
        contract: 100_000,
        start: 108_500,
        step_ppm: 80,
    },
    Symbol {
        code: "XAUUSD",
        name: "Gold / US dollar",
        digits: 2,
        contract: 100,
        start: 265_000,
        step_ppm: 150,
    },
    Symbol {
        code: "US500",
        name: "US 500 index",
        digits: 1,
        contract: 10,
        start: 59_000,
        step_ppm: 120,
    },
    Symbol {
        code: "BTCUSD",
        name: "Bitcoin / US dollar",
        digits: 1,
        contract: 1,
        start: 950_000,
        step_ppm: 400,
    },
];

pub fn symbol(code: &str) -> Option<Symbol> {
    SYMBOLS.iter().copied().find(|s| s.code == code)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Buy,
    Sell,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Buy => "buy",
            Side::Sell => "sell",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "buy" => Some(Side::Buy),
            "sell" => Some(Side::Sell),
            _ => None,
        }
    }

    fn sign(self) -> i64 {
        match self {
            Side::Buy => 1,
            Side::Sell => -1,
        }
    }
}

/// The most one order may trade: 100 lots.
pub const MAX_VOLUME: i64 = 10_000;

pub fn price_decimal(price: i64, sym: Symbol) -> Decimal {
    Decimal::new(price, sym.digits)
}

/// Parses a price typed by staff ("1.08512") into the symbol's digits.
pub fn parse_price(text: &str, sym: Symbol) -> Result<i64, &'static str> {
    let d = Decimal::from_str(text.trim()).map_err(|_| "err.price_invalid")?;
    if d <= Decimal::ZERO {
        return Err("err.price_invalid");
    }
    if d.scale() > sym.digits {
        return Err("err.price_too_precise");
    }
    (d * Decimal::from(10_i64.pow(sym.digits)))
        .to_i64()
        .filter(|p| *p < 1_000_000_000_000)
        .ok_or("err.price_invalid")
}

/// Parses a volume in lots ("0.5") into hundredths.
pub fn parse_volume(text: &str) -> Result<i64, &'static str> {
    let d = Decimal::from_str(text.trim()).map_err(|_| "err.volume_invalid")?;
    if d.scale() > 2 {
        return Err("err.volume_too_precise");
    }
    let v = (d * Decimal::from(100))
        .to_i64()
        .ok_or("err.volume_invalid")?;
    if v <= 0 {
        return Err("err.volume_invalid");
    }
    if v > MAX_VOLUME {
        return Err("err.volume_too_large");
    }
    Ok(v)
}

/// Converts an amount in USD to the account's currency (minor units, 2 digits) at `eurusd`
/// (the EURUSD price in its digits) for EUR accounts. USD and USDT are one to one.
fn usd_to_account(usd: Decimal, currency: &str, eurusd: i64) -> i64 {
    let amount = if currency == "EUR" {
        let rate = Decimal::new(eurusd.max(1), 5);
        usd / rate
    } else {
        usd
    };
    (amount * Decimal::from(100))
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
        .to_i64()
        .unwrap_or(0)
}

/// The profit of a position (minor units of the account currency) at `price`.
pub fn profit(
    sym: Symbol,
    side: Side,
    volume: i64,
    open: i64,
    price: i64,
    currency: &str,
    eurusd: i64,
) -> i64 {
    let points = (price - open) * side.sign();
    // points / 10^digits × contract × volume / 100, in USD.
    let usd = Decimal::from_i128_with_scale(
        i128::from(points) * i128::from(sym.contract) * i128::from(volume),
        sym.digits + 2,
    );
    usd_to_account(usd, currency, eurusd)
}

/// The margin a position needs (minor units of the account currency).
pub fn margin(
    sym: Symbol,
    volume: i64,
    open: i64,
    leverage: u32,
    currency: &str,
    eurusd: i64,
) -> i64 {
    let notional = Decimal::from_i128_with_scale(
        i128::from(open) * i128::from(sym.contract) * i128::from(volume),
        sym.digits + 2,
    );
    usd_to_account(notional / Decimal::from(leverage.max(1)), currency, eurusd)
}

/// SplitMix64: a tiny, well-mixed generator; the feed is a pure function of (seed, symbol,
/// tick), so a run replays exactly.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The next price of the feed: a random step of at most `step_ppm` of the price.
pub fn next_price(sym: Symbol, seed: u64, tick: i64, price: i64) -> i64 {
    let index = SYMBOLS.iter().position(|s| s.code == sym.code).unwrap_or(0) as u64;
    let r = mix(seed ^ (index << 48) ^ tick as u64);
    let span = 2 * sym.step_ppm + 1;
    let ppm = (r % span as u64) as i64 - sym.step_ppm;
    let next = price + (i128::from(price) * i128::from(ppm) / 1_000_000) as i64;
    next.max(1)
}

/// Whether a stop loss or take profit closes the position at `price`, and at which level.
pub fn triggered(side: Side, price: i64, sl: Option<i64>, tp: Option<i64>) -> Option<i64> {
    let (sl_hit, tp_hit) = match side {
        Side::Buy => (sl.filter(|s| price <= *s), tp.filter(|t| price >= *t)),
        Side::Sell => (sl.filter(|s| price >= *s), tp.filter(|t| price <= *t)),
    };
    sl_hit.or(tp_hit)
}

/// Checks stop loss and take profit against the current price: each must be on its own side.
pub fn check_levels(
    side: Side,
    price: i64,
    sl: Option<i64>,
    tp: Option<i64>,
) -> Result<(), (&'static str, &'static str)> {
    let below = |x: i64| x < price;
    match side {
        Side::Buy => {
            if sl.is_some_and(|s| !below(s)) {
                return Err(("stop_loss", "err.sl_wrong_side"));
            }
            if tp.is_some_and(|t| below(t) || t == price) {
                return Err(("take_profit", "err.tp_wrong_side"));
            }
        }
        Side::Sell => {
            if sl.is_some_and(|s| below(s) || s == price) {
                return Err(("stop_loss", "err.sl_wrong_side"));
            }
            if tp.is_some_and(|t| !below(t)) {
                return Err(("take_profit", "err.tp_wrong_side"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eurusd() -> Symbol {
        symbol("EURUSD").unwrap()
    }

    #[test]
    fn profit_of_a_pip_on_a_lot_of_eurusd_is_ten_dollars() {
        // 1.08500 → 1.08510 is 10 points (one pip): $10 on one lot.
        assert_eq!(
            profit(eurusd(), Side::Buy, 100, 108_500, 108_510, "USD", 108_500),
            1_000
        );
        assert_eq!(
            profit(eurusd(), Side::Sell, 100, 108_500, 108_510, "USD", 108_500),
            -1_000
        );
        // Gold: $1 on 0.01 lot (1 oz) is $1.
        let gold = symbol("XAUUSD").unwrap();
        assert_eq!(profit(gold, Side::Buy, 1, 265_000, 265_100, "USD", 0), 100);
    }

    #[test]
    fn eur_accounts_convert_at_eurusd() {
        // $10.85 on a lot of gold (100 oz) is $1,085.00, which at 1.08500 is €1,000.00.
        let gold = symbol("XAUUSD").unwrap();
        assert_eq!(
            profit(gold, Side::Buy, 100, 265_000, 266_085, "EUR", 108_500),
            100_000
        );
    }

    #[test]
    fn margin_is_notional_over_leverage() {
        // One lot of EURUSD at 1.085 is $108,500; at 1:100 that is $1,085.00.
        assert_eq!(margin(eurusd(), 100, 108_500, 100, "USD", 108_500), 108_500);
    }

    #[test]
    fn the_feed_replays_and_stays_within_its_step() {
        let s = eurusd();
        let mut a = s.start;
        let mut b = s.start;
        for tick in 0..1000 {
            let na = next_price(s, 42, tick, a);
            assert!((na - a).abs() <= a * s.step_ppm / 1_000_000 + 1);
            a = na;
            b = next_price(s, 42, tick, b);
        }
        assert_eq!(a, b);
        assert_ne!(next_price(s, 1, 0, s.start), next_price(s, 2, 0, s.start));
    }

    #[test]
    fn stops_and_targets() {
        assert_eq!(triggered(Side::Buy, 99, Some(100), Some(120)), Some(100));
        assert_eq!(triggered(Side::Buy, 121, Some(100), Some(120)), Some(120));
        assert_eq!(triggered(Side::Sell, 99, Some(100), None), None);
        assert_eq!(triggered(Side::Sell, 131, Some(130), Some(90)), Some(130));
        assert!(check_levels(Side::Buy, 100, Some(101), None).is_err());
        assert!(check_levels(Side::Buy, 100, Some(99), Some(101)).is_ok());
        assert!(check_levels(Side::Sell, 100, Some(99), None).is_err());
        assert!(check_levels(Side::Sell, 100, Some(101), Some(99)).is_ok());
    }

    #[test]
    fn input() {
        assert_eq!(parse_volume("0.5"), Ok(50));
        assert_eq!(parse_volume("0"), Err("err.volume_invalid"));
        assert_eq!(parse_volume("-1"), Err("err.volume_invalid"));
        assert_eq!(parse_volume("0.001"), Err("err.volume_too_precise"));
        assert_eq!(parse_volume("101"), Err("err.volume_too_large"));
        assert_eq!(parse_volume("abc"), Err("err.volume_invalid"));
        assert_eq!(parse_price("1.08512", eurusd()), Ok(108_512));
        assert_eq!(
            parse_price("1.085123", eurusd()),
            Err("err.price_too_precise")
        );
        assert_eq!(parse_price("-1", eurusd()), Err("err.price_invalid"));
    }
}
