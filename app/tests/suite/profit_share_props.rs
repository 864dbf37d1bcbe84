//! Properties of profit sharing over random trade sequences with settlements in between: every
//! split adds up to the profit settled to the minor unit, no profit is paid twice (the total
//! settled is the highest running result reached at a settlement: the high-water mark), the
//! settled profit and the account's move add up to what the trades made, and a payout never
//! looks like a loss to the rules engine.
use app::domain::profit_share::{self, Claim, Recipient};
use app::domain::rules::{self, DailyLossBase, MaxLossMode, StageRules, StageState};
use chrono::NaiveDate;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Step {
    /// A closed trade's result.
    Trade(i64),
    Settle,
}

fn steps(base: i64) -> impl Strategy<Value = Vec<Step>> {
    let limit = base / 20;
    proptest::collection::vec(
        prop_oneof![
            3 => (-limit..=limit).prop_map(Step::Trade),
            1 => Just(Step::Settle),
        ],
        1..60,
    )
}

/// The trader and, sometimes, referrers: shares that add up to at most 100%.
fn claims() -> impl Strategy<Value = Vec<Claim>> {
    (0i64..=10_000, proptest::collection::vec(0i64..=2_000, 0..3)).prop_map(|(trader, refs)| {
        let mut left = 10_000 - trader;
        let mut out = vec![Claim {
            recipient: Recipient::Trader,
            user_id: 1,
            bps: trader,
        }];
        for (i, r) in refs.into_iter().enumerate() {
            let bps = r.min(left);
            left -= bps;
            out.push(Claim {
                recipient: Recipient::Referrer,
                user_id: 2 + i as i64,
                bps,
            });
        }
        out
    })
}

fn rules_for(base: i64) -> StageRules {
    StageRules {
        initial_balance: base,
        profit_target_bps: None,
        max_daily_loss_bps: Some(500),
        daily_loss_base: DailyLossBase::InitialBalance,
        daily_settlement: true,
        max_loss_bps: Some(1_000),
        max_loss_mode: MaxLossMode::Trailing,
        max_loss_per_trade: None,
        min_trading_days: 0,
        period_days: None,
        upgrade_immediately: false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn settlements_split_exactly_and_never_pay_twice(
        (base, steps) in (100_000i64..1_000_000_000).prop_flat_map(|b| (Just(b), steps(b))),
        claims in claims(),
    ) {
        let r = rules_for(base);
        let mut state = StageState::new(&r, NaiveDate::from_ymd_opt(2026, 11, 2).unwrap());
        let mut balance = base;
        let (mut traded, mut settled, mut highest) = (0i64, 0i64, 0i64);
        let mut paid = vec![0i64; claims.len()];
        for step in steps {
            match step {
                Step::Trade(pnl) => {
                    balance += pnl;
                    traded += pnl;
                }
                Step::Settle => {
                    highest = highest.max(traded);
                    let profit = profit_share::profit_above(balance, base);
                    let split = profit_share::split(profit, &claims).unwrap();
                    // To the cent: the parts and the firm's remainder are the profit.
                    prop_assert_eq!(split.paid_out() + split.firm, profit);
                    prop_assert!(split.firm >= 0);
                    for (i, part) in split.parts.iter().enumerate() {
                        prop_assert!(part.amount >= 0 && part.amount <= profit);
                        // Rounded down, never by a whole unit more.
                        let exact = i128::from(profit) * i128::from(part.claim.bps);
                        prop_assert!(i128::from(part.amount) * 10_000 <= exact);
                        prop_assert!(i128::from(part.amount + 1) * 10_000 > exact);
                        paid[i] += part.amount;
                    }
                    // The payout leaves the account; the engine's marks move with it.
                    let before = r.daily_loss(&state, balance).unwrap().value;
                    let trailing = r.total_loss(&state, balance).unwrap().value;
                    balance -= profit;
                    rules::withdraw(&mut state, profit);
                    prop_assert_eq!(r.daily_loss(&state, balance).unwrap().value, before);
                    prop_assert_eq!(r.total_loss(&state, balance).unwrap().value, trailing);
                    settled += profit;
                    // The high-water mark: what was settled is the best result reached at a
                    // settlement, so a profit lost and made back is not paid again.
                    prop_assert_eq!(settled, highest);
                    prop_assert!(balance <= base);
                }
            }
        }
        // What the trades made is what was settled plus where the balance now stands.
        prop_assert_eq!(settled + (balance - base), traded);
        let total: i64 = paid.iter().sum();
        prop_assert!(total <= settled);
    }

    #[test]
    fn impossible_splits_are_refused(profit in -1_000_000i64..1_000_000, bps in -20_000i64..20_000) {
        let claim = Claim { recipient: Recipient::Trader, user_id: 1, bps };
        let ok = profit >= 0 && (0..=10_000).contains(&bps);
        prop_assert_eq!(profit_share::split(profit, &[claim]).is_ok(), ok);
    }
}
