//! Properties of the rules engine over random accounts: the progress bars and the verdicts are
//! the same arithmetic (a bar is full exactly when its limit is breached), nothing is decided
//! after a stage ends, a stage passes only at a midnight and on a flat account, and a day in
//! any time zone closes at that zone's midnight, across daylight-saving changes.
use app::domain::clock;
use app::domain::rules::{
    self, DailyLossBase, Decision, Event, MaxLossMode, Rule, StageRules, StageState, Status,
    TradeLossLimit,
};
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

fn any_rules() -> impl Strategy<Value = StageRules> {
    (
        100_000i64..100_000_000,
        proptest::option::of(100i64..3_000),
        proptest::option::of(100i64..1_000),
        prop_oneof![
            Just(DailyLossBase::InitialBalance),
            Just(DailyLossBase::DayStartBalance),
            Just(DailyLossBase::DayStartEquity),
            Just(DailyLossBase::DayStartMax),
        ],
        any::<bool>(),
        proptest::option::of(1_000i64..2_000),
        prop_oneof![Just(MaxLossMode::Static), Just(MaxLossMode::Trailing)],
        proptest::option::of(prop_oneof![
            (1i64..10_000_000).prop_map(TradeLossLimit::Amount),
            (10i64..500).prop_map(TradeLossLimit::Bps),
        ]),
        0u32..5,
        proptest::option::of(1u32..30),
        any::<bool>(),
    )
        .prop_map(
            |(initial, target, mdl, base, settle, ml, mode, per_trade, min_days, period, up)| {
                StageRules {
                    initial_balance: initial,
                    profit_target_bps: target,
                    max_daily_loss_bps: mdl,
                    daily_loss_base: base,
                    daily_settlement: settle,
                    max_loss_bps: ml,
                    max_loss_mode: mode,
                    max_loss_per_trade: per_trade,
                    min_trading_days: min_days,
                    period_days: period,
                    upgrade_immediately: up,
                }
            },
        )
}

/// A step of the account: a move of equity (in thousandths of the initial balance), a trade
/// opened, a trade closed with a profit, or a midnight.
#[derive(Clone, Debug)]
enum Step {
    Move(i64),
    Open,
    Close(i64),
    Midnight,
}

fn any_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (-60i64..60).prop_map(Step::Move),
        1 => Just(Step::Open),
        2 => (-40i64..60).prop_map(Step::Close),
        1 => Just(Step::Midnight),
    ]
}

fn full(share: Option<i64>) -> bool {
    share == Some(10_000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn bars_and_verdicts_agree(r in any_rules(), steps in proptest::collection::vec(any_step(), 1..120)) {
        let start = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let mut s = StageState::new(&r, start);
        let mut balance = r.initial_balance;
        let mut floating = 0i64;
        let mut open = 0u32;
        for step in steps {
            let was_active = s.status == Status::Active;
            let day = s.day;
            let (event, kind) = match step {
                Step::Move(k) => {
                    if open > 0 {
                        floating += r.initial_balance * k / 1_000;
                    }
                    (Event::Equity { day, balance, equity: balance + floating, open_positions: open }, 0)
                }
                Step::Open => {
                    open += 1;
                    (Event::Opened { day }, 1)
                }
                Step::Close(k) => {
                    let profit = r.initial_balance * k / 1_000;
                    balance += profit;
                    open = open.saturating_sub(1);
                    if open == 0 { floating = 0; }
                    (Event::Closed { day, profit, balance, equity: balance + floating, open_positions: open }, 2)
                }
                Step::Midnight => (Event::DayEnd { day, balance, equity: balance + floating, open_positions: open }, 3),
            };
            let before = s.clone();
            let d = rules::apply(&r, &mut s, event);
            if !was_active {
                prop_assert_eq!(d, None, "a decided stage decides nothing more");
                prop_assert_eq!(&s, &before);
                continue;
            }
            if kind == 0 {
                // The bars after an equity update are full exactly when the engine breached.
                let p = rules::progress(&r, &s, balance, balance + floating);
                let daily = full(p.daily_loss_bps_of_limit);
                let total = full(p.max_loss_bps_of_limit);
                match d {
                    Some(Decision::Breach(f)) if f.rule == Rule::MaxDailyLoss => prop_assert!(daily),
                    Some(Decision::Breach(f)) if f.rule == Rule::MaxLoss => prop_assert!(total && !daily),
                    None => prop_assert!(!daily && !total),
                    other => prop_assert!(false, "unexpected {:?}", other),
                }
            }
            if let Some(Decision::Passed(_)) = d {
                prop_assert_eq!(kind, 3, "stages pass at a midnight");
                prop_assert_eq!(open, 0, "and on a flat account");
                let p = rules::progress(&r, &s, balance, balance + floating);
                prop_assert!(full(p.profit_bps_of_target));
                prop_assert!(p.trading_days >= r.min_trading_days);
            }
            if let Some(Decision::Expired(f)) = d {
                prop_assert_eq!(kind, 3);
                prop_assert_eq!(Some(f.day), r.last_day(&before));
            }
            if let Some(Decision::Breach(f)) = d {
                prop_assert!(f.value > 0);
                match f.bps {
                    Some(bps) => prop_assert!(i128::from(f.value) * 10_000 >= i128::from(bps) * i128::from(f.base)),
                    None => prop_assert!(f.value >= f.base),
                }
            }
        }
    }

    /// Each local day closes at its own midnight, whatever the zone and the DST rules.
    #[test]
    fn days_close_at_local_midnight(
        zone in prop_oneof![
            Just("America/New_York"), Just("Europe/London"), Just("Australia/Sydney"),
            Just("Asia/Kolkata"), Just("America/Havana"), Just("Pacific/Chatham"), Just("UTC"),
        ],
        secs in 1_767_225_600i64..1_798_761_600, // 2026-01-01 .. 2027-01-01
    ) {
        let tz = clock::parse_tz(zone).unwrap();
        let at = Utc.timestamp_opt(secs, 0).unwrap();
        let day = clock::local_day(at, tz);
        let end = clock::day_end(day, tz);
        prop_assert!(end > at);
        prop_assert_eq!(clock::local_day(end - Duration::seconds(1), tz), day);
        prop_assert_eq!(clock::local_day(end, tz), day.succ_opt().unwrap());
        // A local day lasts 23 to 25 hours.
        let start = clock::day_end(day.pred_opt().unwrap(), tz);
        let hours = (end - start).num_minutes();
        prop_assert!((23 * 60..=25 * 60).contains(&hours), "{} on {}: {} min", zone, day, hours);
    }
}

/// The US spring-forward day is 23 hours long in New York: a stage's daily limit resets at the
/// real local midnight, not 24 hours after the previous one.
#[test]
fn a_short_day_still_ends_at_midnight() {
    let tz = clock::parse_tz("America/New_York").unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap();
    let start = clock::day_end(day.pred_opt().unwrap(), tz);
    let end = clock::day_end(day, tz);
    assert_eq!((end - start).num_hours(), 23);
    // 23:30 local on the 8th is still that day, in UTC it is already the 9th.
    let late = end - Duration::minutes(30);
    assert_eq!(clock::local_day(late, tz), day);
    assert_eq!(late.date_naive(), day.succ_opt().unwrap());
}
