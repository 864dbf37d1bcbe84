use super::*;

fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
}

/// A 100,000.00 two-step stage: 8% target, 5% daily, 10% total, 30 days, 4 trading days.
fn rules() -> StageRules {
    StageRules {
        initial_balance: 10_000_000,
        profit_target_bps: Some(800),
        max_daily_loss_bps: Some(500),
        daily_loss_base: DailyLossBase::InitialBalance,
        daily_settlement: true,
        max_loss_bps: Some(1_000),
        max_loss_mode: MaxLossMode::Static,
        max_loss_per_trade: None,
        min_trading_days: 4,
        period_days: Some(30),
        upgrade_immediately: false,
    }
}

fn eq(day: u32, balance: i64, equity: i64, open: u32) -> Event {
    Event::Equity {
        day: d(day),
        balance,
        equity,
        open_positions: open,
    }
}

fn end(day: u32, balance: i64, equity: i64) -> Event {
    Event::DayEnd {
        day: d(day),
        balance,
        equity,
        open_positions: 0,
    }
}

#[test]
fn daily_loss_breaches_at_exactly_the_limit_and_not_a_cent_before() {
    let r = rules();
    let mut s = StageState::new(&r, d(1));
    assert_eq!(
        apply(&r, &mut s, eq(1, 10_000_000, 9_500_001, 1)),
        None,
        "4,999.99 lost"
    );
    let b = apply(&r, &mut s, eq(1, 10_000_000, 9_500_000, 1));
    assert_eq!(
        b,
        Some(Decision::Breach(Figures {
            rule: Rule::MaxDailyLoss,
            value: 500_000,
            base: 10_000_000,
            bps: Some(500),
            day: d(1)
        }))
    );
    assert_eq!(s.status, Status::Failed);
    assert_eq!(
        apply(&r, &mut s, eq(1, 10_000_000, 1, 1)),
        None,
        "a failed stage ignores events"
    );
}

#[test]
fn the_daily_loss_counts_from_the_day_start_equity() {
    let r = rules();
    let mut s = StageState::new(&r, d(1));
    // Day 1 ends 3,000 up; day 2 may then fall 5,000 from 103,000 before breaching.
    assert_eq!(apply(&r, &mut s, end(1, 10_300_000, 10_300_000)), None);
    assert_eq!(
        apply(&r, &mut s, eq(2, 10_300_000, 9_850_000, 1)),
        None,
        "lost 4,500 today"
    );
    assert!(
        matches!(apply(&r, &mut s, eq(2, 10_300_000, 9_800_000, 1)), Some(Decision::Breach(f)) if f.rule == Rule::MaxDailyLoss && f.value == 500_000)
    );
}

#[test]
fn day_start_equity_base_changes_the_limit() {
    let r = StageRules {
        daily_loss_base: DailyLossBase::DayStartEquity,
        ..rules()
    };
    let mut s = StageState::new(&r, d(1));
    apply(&r, &mut s, end(1, 12_000_000, 12_000_000));
    // 5% of 120,000 is 6,000: a 5,500 fall is allowed.
    assert_eq!(apply(&r, &mut s, eq(2, 12_000_000, 11_450_000, 1)), None);
    assert!(apply(&r, &mut s, eq(2, 12_000_000, 11_400_000, 1)).is_some());
}

#[test]
fn static_and_trailing_max_loss() {
    let r = StageRules {
        max_daily_loss_bps: None,
        ..rules()
    };
    let mut s = StageState::new(&r, d(1));
    apply(&r, &mut s, eq(1, 10_000_000, 11_000_000, 1));
    assert_eq!(
        apply(&r, &mut s, eq(1, 10_000_000, 9_000_001, 1)),
        None,
        "static: 9,999.99 below the start"
    );
    assert!(
        matches!(apply(&r, &mut s, eq(1, 10_000_000, 9_000_000, 1)), Some(Decision::Breach(f)) if f.rule == Rule::MaxLoss)
    );

    let t = StageRules {
        max_loss_mode: MaxLossMode::Trailing,
        ..r
    };
    let mut s = StageState::new(&t, d(1));
    apply(&t, &mut s, eq(1, 10_000_000, 11_000_000, 1));
    // Trailing: 10,000 below the 110,000 high-water mark.
    assert_eq!(apply(&t, &mut s, eq(1, 10_000_000, 10_000_001, 1)), None);
    assert!(
        matches!(apply(&t, &mut s, eq(1, 10_000_000, 10_000_000, 1)), Some(Decision::Breach(f)) if f.rule == Rule::MaxLoss && f.value == 1_000_000)
    );
}

#[test]
fn one_closed_trade_may_not_lose_too_much() {
    let r = StageRules {
        max_loss_per_trade: Some(TradeLossLimit::Bps(100)),
        ..rules()
    };
    let mut s = StageState::new(&r, d(1));
    let close = |profit: i64| Event::Closed {
        day: d(1),
        profit,
        balance: 10_000_000 + profit,
        equity: 10_000_000 + profit,
        open_positions: 0,
    };
    assert_eq!(apply(&r, &mut s, close(-99_999)), None);
    assert!(
        matches!(apply(&r, &mut s, close(-100_000)), Some(Decision::Breach(f)) if f.rule == Rule::MaxLossPerTrade && f.value == 100_000)
    );
    let a = StageRules {
        max_loss_per_trade: Some(TradeLossLimit::Amount(50_000)),
        ..rules()
    };
    let mut s = StageState::new(&a, d(1));
    assert!(
        matches!(apply(&a, &mut s, close(-50_000)), Some(Decision::Breach(f)) if f.bps.is_none())
    );
}

#[test]
fn the_target_passes_at_period_end_or_at_day_end_with_upgrade_immediately() {
    let r = StageRules {
        period_days: Some(5),
        ..rules()
    };
    let mut s = StageState::new(&r, d(1));
    for day in 1..=4 {
        apply(&r, &mut s, Event::Opened { day: d(day) });
    }
    // 8,000 profit, but a position is open: not met.
    apply(&r, &mut s, eq(2, 10_800_000, 10_800_000, 1));
    assert_eq!(s.target_met_on, None);
    apply(&r, &mut s, eq(2, 10_800_000, 10_800_000, 0));
    assert_eq!(s.target_met_on, Some(d(2)));
    assert_eq!(
        apply(&r, &mut s, end(2, 10_800_000, 10_800_000)),
        None,
        "waits for the period's end"
    );
    for day in 3..=4 {
        assert_eq!(apply(&r, &mut s, end(day, 10_800_000, 10_800_000)), None);
    }
    assert!(
        matches!(apply(&r, &mut s, end(5, 10_800_000, 10_800_000)), Some(Decision::Passed(f)) if f.day == d(2))
    );

    let fast = StageRules {
        upgrade_immediately: true,
        min_trading_days: 1,
        ..rules()
    };
    let mut s = StageState::new(&fast, d(1));
    apply(&fast, &mut s, Event::Opened { day: d(1) });
    apply(&fast, &mut s, eq(1, 10_800_000, 10_800_000, 0));
    assert!(matches!(
        apply(&fast, &mut s, end(1, 10_800_000, 10_800_000)),
        Some(Decision::Passed(_))
    ));
    assert_eq!(s.status, Status::Passed);
}

#[test]
fn too_few_trading_days_or_a_missed_target_expire_the_stage() {
    let r = StageRules {
        period_days: Some(2),
        upgrade_immediately: true,
        ..rules()
    };
    let mut s = StageState::new(&r, d(1));
    apply(&r, &mut s, Event::Opened { day: d(1) });
    apply(&r, &mut s, eq(1, 10_900_000, 10_900_000, 0));
    assert_eq!(
        apply(&r, &mut s, end(1, 10_900_000, 10_900_000)),
        None,
        "1 of 4 trading days"
    );
    assert!(matches!(
        apply(&r, &mut s, end(2, 10_900_000, 10_900_000)),
        Some(Decision::Expired(_))
    ));
    let unlimited = StageRules {
        period_days: None,
        ..rules()
    };
    let s = StageState::new(&unlimited, d(1));
    assert_eq!(unlimited.last_day(&s), None);
}

#[test]
fn daily_settlement_judges_closed_plus_floating_at_midnight() {
    let r = StageRules {
        max_loss_bps: None,
        ..rules()
    };
    let mut s = StageState::new(&r, d(1));
    let settled = apply(&r, &mut s, end(1, 9_700_000, 9_500_000));
    assert!(
        matches!(settled, Some(Decision::Breach(f)) if f.rule == Rule::DailySettlement && f.value == 500_000)
    );
    // Switched off, a floating loss held over midnight is not judged at the boundary.
    let off = StageRules {
        daily_settlement: false,
        ..r
    };
    let mut s = StageState::new(&off, d(1));
    assert_eq!(apply(&off, &mut s, end(1, 9_700_000, 9_500_000)), None);
    assert_eq!(
        s.day_start_equity, 9_500_000,
        "the next day starts from the carried equity"
    );
}

#[test]
fn progress_bars_are_shares_of_each_limit() {
    let r = rules();
    let s = StageState::new(&r, d(1));
    let p = progress(&r, &s, 10_400_000, 9_750_000);
    assert_eq!(p.profit_bps_of_target, Some(5_000), "4,000 of 8,000");
    assert_eq!(p.daily_loss_bps_of_limit, Some(5_000), "2,500 of 5,000");
    assert_eq!(p.max_loss_bps_of_limit, Some(2_500), "2,500 of 10,000");
    assert_eq!(
        progress(&r, &s, 20_000_000, 1).profit_bps_of_target,
        Some(10_000),
        "capped"
    );
}
