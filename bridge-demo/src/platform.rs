//! The simulated trading platform: its accounts, prices and positions, and the state file that
//! survives restarts. Every amount is an integer: minor units of the account's currency, prices
//! in the symbol's points.
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A symbol the platform quotes: its decimals and the units of a lot. Every one is quoted in USD.
pub struct Symbol {
    pub code: &'static str,
    pub digits: u32,
    pub contract: i64,
    pub start: i64,
}

pub const SYMBOLS: &[Symbol] = &[
    Symbol {
        code: "EURUSD",
        digits: 5,
        contract: 100_000,
        start: 108_500,
    },
    Symbol {
        code: "XAUUSD",
        digits: 2,
        contract: 100,
        start: 265_000,
    },
];

pub fn symbol(code: &str) -> Option<&'static Symbol> {
    SYMBOLS.iter().find(|s| s.code == code)
}

/// A price in points as a decimal string: 108500 with 5 digits is "1.08500".
pub fn price_text(points: i64, digits: u32) -> String {
    let scale = 10_i64.pow(digits);
    format!(
        "{}.{:0w$}",
        points / scale,
        points % scale,
        w = digits as usize
    )
}

/// Parses "1.08620" into points of a symbol with `digits` decimals.
pub fn parse_price(text: &str, digits: u32) -> Option<i64> {
    let (whole, frac) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
    if frac.len() > digits as usize || whole.is_empty() {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac_points: i64 = format!("{frac:0<w$}", w = digits as usize).parse().ok()?;
    let p = whole
        .checked_mul(10_i64.pow(digits))?
        .checked_add(frac_points)?;
    (p > 0).then_some(p)
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Position {
    pub ticket: u64,
    pub symbol: String,
    /// 1 buy, -1 sell.
    pub direction: i64,
    /// Hundredths of a lot.
    pub volume: i64,
    pub open_price: i64,
    pub opened_at: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Account {
    pub login: String,
    pub password: String,
    pub currency: String,
    pub group: String,
    pub leverage: i64,
    pub balance: i64,
    pub enabled: bool,
    /// The last sequence number given to one of its updates (snapshots and deals share it).
    pub seq: i64,
    pub positions: Vec<Position>,
}

/// What the platform knows, saved after every change (written to a temporary file, then renamed,
/// so a crash leaves the old state or the new one, never half of one).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct State {
    pub next_login: u64,
    pub next_ticket: u64,
    /// Points by symbol; a symbol set by hand stays where it was set.
    pub prices: BTreeMap<String, i64>,
    pub held: BTreeSet<String>,
    pub accounts: BTreeMap<String, Account>,
    /// Commands carried out, by id, with the acknowledgement sent for each: a command PropDesk
    /// hands out again (its acknowledgement was lost) is acknowledged again, not carried out twice.
    pub done: BTreeMap<i64, serde_json::Value>,
    /// Deals not yet accepted by PropDesk, in order; sent before any later snapshot.
    pub outbox: Vec<serde_json::Value>,
    /// A pseudo-random state for the price feed.
    pub rng: u64,
}

impl State {
    /// The saved state, or a new platform numbering its accounts from `first_login`.
    pub fn load(path: &Path, first_login: u64) -> std::io::Result<State> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(std::io::Error::other),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut s = State {
                    next_login: first_login,
                    next_ticket: 1,
                    rng: 0x9E37_79B9_7F4A_7C15,
                    ..State::default()
                };
                for sym in SYMBOLS {
                    s.prices.insert(sym.code.into(), sym.start);
                }
                Ok(s)
            }
            Err(e) => Err(e),
        }
    }

    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let tmp: PathBuf = path.with_extension("tmp");
        std::fs::write(
            &tmp,
            serde_json::to_vec(self).map_err(std::io::Error::other)?,
        )?;
        std::fs::File::open(&tmp)?.sync_all()?;
        std::fs::rename(&tmp, path)
    }

    fn random(&mut self) -> u64 {
        // xorshift64*: enough for a demo feed, and replayable from the saved state.
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// One step of the feed: each symbol not held moves by up to 3 points either way.
    pub fn tick(&mut self) {
        for sym in SYMBOLS {
            if self.held.contains(sym.code) {
                continue;
            }
            let step = (self.random() % 7) as i64 - 3;
            if let Some(p) = self.prices.get_mut(sym.code) {
                *p = (*p + step).max(1);
            }
        }
    }

    pub fn price(&self, symbol: &str) -> i64 {
        self.prices.get(symbol).copied().unwrap_or(1)
    }

    /// Profit of a position at the current price, in minor units of USD.
    pub fn profit(&self, p: &Position) -> i64 {
        let Some(sym) = symbol(&p.symbol) else {
            return 0;
        };
        (self.price(&p.symbol) - p.open_price) * p.direction * p.volume * sym.contract
            / 10_i64.pow(sym.digits)
    }

    /// Margin a position holds: its notional over the account's leverage.
    pub fn margin(&self, p: &Position, leverage: i64) -> i64 {
        let Some(sym) = symbol(&p.symbol) else {
            return 0;
        };
        p.volume * sym.contract * self.price(&p.symbol) / 10_i64.pow(sym.digits) / leverage.max(1)
    }

    /// Balance, equity, margin and open positions of an account now.
    pub fn figures(&self, a: &Account) -> (i64, i64, i64, i64) {
        let floating: i64 = a.positions.iter().map(|p| self.profit(p)).sum();
        let margin: i64 = a.positions.iter().map(|p| self.margin(p, a.leverage)).sum();
        (
            a.balance,
            a.balance + floating,
            margin,
            a.positions.len() as i64,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_read_and_print_in_points() {
        assert_eq!(parse_price("1.08620", 5), Some(108_620));
        assert_eq!(parse_price("2650.5", 2), Some(265_050));
        assert_eq!(parse_price("1.086201", 5), None);
        assert_eq!(parse_price("-1", 5), None);
        assert_eq!(price_text(108_620, 5), "1.08620");
    }

    #[test]
    fn a_lot_of_eurusd_makes_ten_dollars_a_pip() {
        let mut s = State::load(Path::new("/nonexistent/state.json"), 700_001).unwrap();
        let p = Position {
            ticket: 1,
            symbol: "EURUSD".into(),
            direction: 1,
            volume: 100,
            open_price: 108_500,
            opened_at: String::new(),
        };
        s.prices.insert("EURUSD".into(), 108_510);
        assert_eq!(s.profit(&p), 1_000);
        assert_eq!(s.margin(&p, 100), 108_510);
    }
}
