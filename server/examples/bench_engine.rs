//! The pure rules engine: evaluations per second on one core (one thread), against a baseline
//! measured in the same run: the same loop that only adds the equity figures up, so the ratio
//! shows what judging costs beyond reading the update.
//! Usage: cargo run --release -p server --example bench_engine [evaluations-per-run] [runs]
use app::domain::rules::{self, DailyLossBase, Event, MaxLossMode, StageRules, StageState};
use chrono::NaiveDate;
use std::hint::black_box;
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// An equity path that wanders but never reaches a limit, so every update is fully judged.
fn equity(i: u64) -> i64 {
    1_000_000 + ((i.wrapping_mul(2_654_435_761) % 60_001) as i64 - 30_000)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(5_000_000);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let r = StageRules {
        initial_balance: 1_000_000,
        profit_target_bps: Some(1_000),
        max_daily_loss_bps: Some(500),
        daily_loss_base: DailyLossBase::DayStartMax,
        daily_settlement: true,
        max_loss_bps: Some(1_000),
        max_loss_mode: MaxLossMode::Trailing,
        max_loss_per_trade: None,
        min_trading_days: 4,
        period_days: Some(30),
        upgrade_immediately: false,
    };
    let day = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let (mut engine, mut baseline) = (Vec::new(), Vec::new());
    for run in 1..=runs {
        let started = Instant::now();
        let mut sum = 0i64;
        for i in 0..n {
            sum = sum.wrapping_add(black_box(equity(i)));
        }
        black_box(sum);
        let base = n as f64 / started.elapsed().as_secs_f64();

        let mut s = StageState::new(&r, day);
        let started = Instant::now();
        let mut decided = 0u64;
        for i in 0..n {
            let e = equity(i);
            let d = rules::apply(
                &r,
                &mut s,
                black_box(Event::Equity {
                    day,
                    balance: 1_000_000,
                    equity: e,
                    open_positions: 1,
                }),
            );
            decided += u64::from(d.is_some());
            black_box(rules::progress(&r, &s, 1_000_000, e));
        }
        let rate = n as f64 / started.elapsed().as_secs_f64();
        assert_eq!(decided, 0, "the path stays inside every limit");
        println!("run {run}: engine {rate:>14.0} evaluations/s   baseline {base:>14.0} reads/s");
        engine.push(rate);
        baseline.push(base);
    }
    let (e, b) = (median(engine), median(baseline));
    println!(
        "median: engine {e:.0} evaluations/s (each one update judged and its progress bars computed), baseline {b:.0}/s, ratio {:.3}",
        e / b
    );
}
