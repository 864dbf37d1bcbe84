//! Trading competitions: what a score is, how entrants are ranked (ties go to whoever got
//! there first), the prize table's shape, what each rank is paid, and how a name shows on a
//! public board.
use super::names::snake_enum;
use serde::{Deserialize, Serialize};

snake_enum! {
    /// What the board ranks by.
    Measure {
        /// Equity against the starting balance, in basis points.
        ReturnPct => "return_pct",
        /// Equity minus the starting balance, in minor units.
        Profit => "profit",
        /// Equity, in minor units.
        Equity => "equity",
    }
}

snake_enum! {
    /// How prizes reach the winners once trading ends: at once, or after staff look.
    PayoutMode { Auto => "auto", Review => "review" }
}

snake_enum! {
    EntryStatus { Active => "active", Suspended => "suspended" }
}

snake_enum! {
    /// Where a competition stands at a moment (derived from its dates and payout).
    Phase {
        Upcoming => "upcoming",
        Registration => "registration",
        Running => "running",
        /// Trading is over; prizes are being settled or wait for staff.
        Ended => "ended",
        /// Every prize is paid.
        Finished => "finished",
    }
}

/// The largest board.
pub const BOARD_MAX: u32 = 1_000;

/// The instants that shape a competition (UTC seconds since the epoch, any comparable unit).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dates<T> {
    pub registration_start: T,
    pub registration_end: T,
    pub start: T,
    pub end: T,
}

impl<T: PartialOrd + Copy> Dates<T> {
    /// Registration opens before it closes, trading starts before it ends, and nobody may join
    /// after trading has ended.
    pub fn check(&self) -> Result<(), (&'static str, &'static str)> {
        if self.registration_end <= self.registration_start {
            return Err(("registration_end", "err.validity_order"));
        }
        if self.end <= self.start {
            return Err(("end_at", "err.validity_order"));
        }
        if self.registration_end > self.end || self.registration_start > self.start {
            return Err(("registration_end", "err.registration_outside"));
        }
        Ok(())
    }

    pub fn registration_open(&self, now: T) -> bool {
        self.registration_start <= now && now < self.registration_end
    }

    pub fn trading(&self, now: T) -> bool {
        self.start <= now && now < self.end
    }

    pub fn phase(&self, now: T, paid: bool) -> Phase {
        if now >= self.end {
            if paid { Phase::Finished } else { Phase::Ended }
        } else if now >= self.start {
            Phase::Running
        } else if now >= self.registration_start {
            Phase::Registration
        } else {
            Phase::Upcoming
        }
    }
}

/// The score of an account with `equity` that started with `start` (minor units).
pub fn score(measure: Measure, start: i64, equity: i64) -> i64 {
    match measure {
        Measure::Equity => equity,
        Measure::Profit => equity - start,
        Measure::ReturnPct if start > 0 => {
            ((i128::from(equity) - i128::from(start)) * 10_000 / i128::from(start)) as i64
        }
        Measure::ReturnPct => 0,
    }
}

/// One entrant's place-deciding figures: the higher score first; on a tie, whoever reached it
/// first (`reached_at`, any increasing clock), then the earlier entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    pub entry: i64,
    pub score: i64,
    pub reached_at: i64,
}

impl Standing {
    fn key(&self) -> (std::cmp::Reverse<i64>, i64, i64) {
        (std::cmp::Reverse(self.score), self.reached_at, self.entry)
    }
}

/// The board: standings in rank order (rank 1 first).
pub fn rank(mut standings: Vec<Standing>) -> Vec<Standing> {
    standings.sort_by_key(Standing::key);
    standings
}

/// Whether `a` ranks above `b`.
pub fn above(a: &Standing, b: &Standing) -> bool {
    a.key() < b.key()
}

/// A line of the prize table: ranks `from..=to` each win `amount` (minor units).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prize {
    pub from: u32,
    pub to: u32,
    pub amount: i64,
}

/// Checks a prize table and returns it in rank order: it starts at rank 1, its lines neither
/// overlap nor leave a gap, each pays something, and it ends within the board. No lines: no
/// prizes.
pub fn check_prizes(mut prizes: Vec<Prize>, board: u32) -> Result<Vec<Prize>, &'static str> {
    prizes.sort_by_key(|p| (p.from, p.to));
    let mut next = 1;
    for p in &prizes {
        if p.from == 0 || p.to < p.from {
            return Err("err.prize_ranks");
        }
        if p.amount <= 0 {
            return Err("err.prize_amount");
        }
        if p.from < next {
            return Err("err.prize_overlap");
        }
        if p.from > next {
            return Err("err.prize_gap");
        }
        next = p.to + 1;
    }
    if next - 1 > board {
        return Err("err.prize_beyond_board");
    }
    Ok(prizes)
}

/// What rank `rank` wins.
pub fn prize_for(rank: u32, prizes: &[Prize]) -> Option<i64> {
    prizes
        .iter()
        .find(|p| p.from <= rank && rank <= p.to)
        .map(|p| p.amount)
}

/// Each ranked entrant's prize: (entry, rank, amount) for those who win one.
pub fn payouts(ranked: &[Standing], prizes: &[Prize]) -> Vec<(i64, u32, i64)> {
    ranked
        .iter()
        .zip(1u32..)
        .filter_map(|(s, r)| prize_for(r, prizes).map(|a| (s.entry, r, a)))
        .collect()
}

/// One line of the prize table as staff type it, `rank amount` or `from-to amount` (a colon
/// or `=` may follow the ranks): the ranks and the amount's text.
pub fn prize_line(line: &str) -> Option<(u32, u32, &str)> {
    let (ranks, amount) = line.trim().split_once([' ', ':', '='])?;
    let amount = amount.trim_start_matches([' ', ':', '=']).trim();
    let (from, to) = match ranks.split_once('-') {
        Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
        None => {
            let r = ranks.trim().parse().ok()?;
            (r, r)
        }
    };
    (!amount.is_empty()).then_some((from, to, amount))
}

/// A name as the public board shows it: "J*** D.".
pub fn mask_name(first: &str, last: &str) -> String {
    let f: String = first.trim().chars().take(1).collect();
    let l: String = last.trim().chars().take(1).collect();
    match (f.is_empty(), l.is_empty()) {
        (true, true) => "***".into(),
        (false, true) => format!("{f}***"),
        (true, false) => format!("*** {l}."),
        (false, false) => format!("{f}*** {l}."),
    }
}

/// A country's flag (regional indicator letters) from its two-letter code; empty otherwise.
pub fn flag(country: &str) -> String {
    let c = country.trim();
    if c.len() != 2 || !c.chars().all(|ch| ch.is_ascii_alphabetic()) {
        return String::new();
    }
    c.to_ascii_uppercase()
        .chars()
        .filter_map(|ch| char::from_u32(0x1F1E6 + (ch as u32 - 'A' as u32)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::names::spelled_alike;
    use proptest::prelude::*;

    #[test]
    fn names_are_spelled_alike() {
        spelled_alike(Measure::ALL, Measure::as_str, Measure::parse);
        spelled_alike(PayoutMode::ALL, PayoutMode::as_str, PayoutMode::parse);
        spelled_alike(EntryStatus::ALL, EntryStatus::as_str, EntryStatus::parse);
        spelled_alike(Phase::ALL, Phase::as_str, Phase::parse);
    }

    #[test]
    fn scores_by_measure() {
        // In cents: 10,000.00 → 10,512.34 and so on.
        assert_eq!(score(Measure::Equity, 1_000_000, 1_051_234), 1_051_234);
        assert_eq!(score(Measure::Profit, 1_000_000, 990_000), -10_000);
        // 5.1234% is 512 basis points (toward zero).
        assert_eq!(score(Measure::ReturnPct, 1_000_000, 1_051_234), 512);
        assert_eq!(score(Measure::ReturnPct, 1_000_000, 998_766), -12);
    }

    #[test]
    fn ties_go_to_whoever_got_there_first() {
        let a = Standing {
            entry: 1,
            score: 500,
            reached_at: 20,
        };
        let b = Standing {
            entry: 2,
            score: 500,
            reached_at: 10,
        };
        let c = Standing {
            entry: 3,
            score: 700,
            reached_at: 30,
        };
        let board = rank(vec![a, b, c]);
        assert_eq!(board.iter().map(|s| s.entry).collect::<Vec<_>>(), [3, 2, 1]);
        assert!(above(&b, &a));
    }

    #[test]
    fn prize_tables_are_checked() {
        let p = |from, to, amount| Prize { from, to, amount };
        assert_eq!(
            check_prizes(vec![p(2, 3, 100), p(1, 1, 500)], 10),
            Ok(vec![p(1, 1, 500), p(2, 3, 100)])
        );
        assert_eq!(check_prizes(vec![], 10), Ok(vec![]));
        assert_eq!(check_prizes(vec![p(2, 3, 100)], 10), Err("err.prize_gap"));
        assert_eq!(
            check_prizes(vec![p(1, 2, 500), p(4, 5, 1)], 10),
            Err("err.prize_gap")
        );
        assert_eq!(
            check_prizes(vec![p(1, 2, 500), p(2, 3, 1)], 10),
            Err("err.prize_overlap")
        );
        assert_eq!(check_prizes(vec![p(1, 1, 0)], 10), Err("err.prize_amount"));
        assert_eq!(check_prizes(vec![p(3, 1, 5)], 10), Err("err.prize_ranks"));
        assert_eq!(
            check_prizes(vec![p(1, 11, 5)], 10),
            Err("err.prize_beyond_board")
        );
    }

    #[test]
    fn prize_lines_and_public_names() {
        assert_eq!(prize_line("1 500.00"), Some((1, 1, "500.00")));
        assert_eq!(prize_line("2-3: 100"), Some((2, 3, "100")));
        assert_eq!(prize_line("nonsense"), None);
        assert_eq!(mask_name("Jane", "Doe"), "J*** D.");
        assert_eq!(mask_name("", ""), "***");
        assert_eq!(flag("gb"), "🇬🇧");
        assert_eq!(flag("X1"), "");
    }

    #[test]
    fn registration_must_fit_the_competition() {
        let d = |rs, re, s, e| Dates {
            registration_start: rs,
            registration_end: re,
            start: s,
            end: e,
        };
        assert!(d(0, 10, 5, 20).check().is_ok());
        assert!(d(10, 10, 5, 20).check().is_err());
        assert!(d(0, 30, 5, 20).check().is_err());
        assert_eq!(d(0, 10, 5, 20).phase(7, false), Phase::Running);
        assert_eq!(d(0, 10, 5, 20).phase(25, true), Phase::Finished);
        assert!(d(0, 10, 5, 20).registration_open(7));
    }

    fn standing() -> impl Strategy<Value = (i64, i64)> {
        (-50i64..50, 0i64..20)
    }

    proptest! {
        /// The board is exactly a sort of the same figures by score (high first), then time
        /// reached, then entry.
        #[test]
        fn the_board_is_a_sort_of_the_figures(figs in prop::collection::vec(standing(), 0..60)) {
            let standings: Vec<Standing> = figs
                .iter()
                .enumerate()
                .map(|(i, (score, at))| Standing { entry: i as i64 + 1, score: *score, reached_at: *at })
                .collect();
            let board = rank(standings.clone());
            prop_assert_eq!(board.len(), standings.len());
            for w in board.windows(2) {
                let (a, b) = (w[0], w[1]);
                prop_assert!(a.score > b.score
                    || (a.score == b.score && a.reached_at < b.reached_at)
                    || (a.score == b.score && a.reached_at == b.reached_at && a.entry < b.entry));
            }
            let mut ids: Vec<i64> = board.iter().map(|s| s.entry).collect();
            ids.sort_unstable();
            prop_assert_eq!(ids, (1..=standings.len() as i64).collect::<Vec<_>>());
        }

        /// What is paid is the prize table, rank by rank, for as many entrants as there are.
        #[test]
        fn payouts_equal_the_prize_table(n in 0usize..40, cuts in prop::collection::vec(1u32..5, 0..6), amounts in prop::collection::vec(1i64..100_000, 6)) {
            let mut prizes = Vec::new();
            let mut from = 1;
            for (i, len) in cuts.iter().enumerate() {
                prizes.push(Prize { from, to: from + len - 1, amount: amounts[i] });
                from += len;
            }
            let prizes = check_prizes(prizes, BOARD_MAX).unwrap();
            let board: Vec<Standing> = (0..n as i64).map(|i| Standing { entry: i + 1, score: -i, reached_at: 0 }).collect();
            let paid = payouts(&rank(board), &prizes);
            let expected: i64 = (1..=n as u32).filter_map(|r| prize_for(r, &prizes)).sum();
            prop_assert_eq!(paid.iter().map(|p| p.2).sum::<i64>(), expected);
            let mut ranks: Vec<u32> = paid.iter().map(|p| p.1).collect();
            ranks.dedup();
            prop_assert_eq!(ranks.len(), paid.len());
            prop_assert!(paid.iter().all(|(e, r, _)| *e == i64::from(*r)));
        }
    }
}
