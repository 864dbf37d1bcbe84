use super::super::*;
use crate::domain::money::MAX_MINOR;
use crate::domain::rules::TradeLossLimit;

fn stage(c: &mut ChallengeDef, j: usize) -> &mut StageDef {
    &mut c.packages[0].stages[j]
}

fn errors(c: &ChallengeDef) -> Vec<(String, String)> {
    match c.validate() {
        Ok(()) => Vec::new(),
        Err(es) => es.into_iter().map(|e| (e.field, e.code)).collect(),
    }
}

#[test]
fn the_example_is_valid() {
    assert_eq!(errors(&ChallengeDef::example()), Vec::new());
    let mut forex = ChallengeDef::example();
    forex.time_zone = "America/New_York".into();
    forex.day_ends_at = "17:00".into();
    assert_eq!(errors(&forex), Vec::new());
    assert_eq!(forex.day_zone().as_deref(), Some("America/New_York 17:00"));
    assert_eq!(ChallengeDef::example().day_zone().as_deref(), Some("UTC"));
    let p = &ChallengeDef::example().packages[0];
    assert!(!p.is_one_step());
    assert_eq!(
        ChallengeDef::example()
            .package("p1")
            .map(|p| p.name.as_str()),
        Some("Standard 10K")
    );
    assert_eq!(ChallengeDef::example().package("p2"), None);
}

type Mutation = fn(&mut ChallengeDef);

/// Each mutation of the example breaks exactly one rule.
const CASES: &[(Mutation, &str, &str)] = &[
    (|c| c.name = "  ".into(), "name", "err.required"),
    (
        |c| c.name = "x".repeat(101),
        "name",
        "err.challenge_name_too_long",
    ),
    (
        |c| c.types = (0..11).map(|i| format!("t{i}")).collect(),
        "types",
        "err.challenge_types_too_many",
    ),
    (
        |c| c.types.push(" ".into()),
        "types",
        "err.challenge_type_length",
    ),
    (
        |c| c.types.push("y".repeat(31)),
        "types",
        "err.challenge_type_length",
    ),
    (
        |c| c.types.push("two-STEP".into()),
        "types",
        "err.challenge_type_duplicate",
    ),
    (|c| c.time_zone = String::new(), "time_zone", "err.required"),
    (
        |c| c.time_zone = "Mars/Olympus".into(),
        "time_zone",
        "err.time_zone_unknown",
    ),
    (
        |c| c.day_ends_at = "24:00".into(),
        "day_ends_at",
        "err.day_end_invalid",
    ),
    (
        |c| c.day_ends_at = "5pm".into(),
        "day_ends_at",
        "err.day_end_invalid",
    ),
    (
        |c| c.cover_url = "http://x.example/a.png".into(),
        "cover_url",
        "err.challenge_url_invalid",
    ),
    (
        |c| c.cover_url = "//x.example/a.png".into(),
        "cover_url",
        "err.challenge_url_invalid",
    ),
    (
        |c| c.poster_url = "/a b.png".into(),
        "poster_url",
        "err.challenge_url_invalid",
    ),
    (
        |c| c.poster_url = format!("https://{}", "a".repeat(500)),
        "poster_url",
        "err.challenge_url_too_long",
    ),
    (
        |c| {
            c.details.insert("fr".into(), "Bonjour".into());
        },
        "details.fr",
        "err.challenge_details_language",
    ),
    (
        |c| {
            c.details.insert("en".into(), "z".repeat(20_001));
        },
        "details.en",
        "err.challenge_details_too_long",
    ),
    (
        |c| c.packages.clear(),
        "packages",
        "err.challenge_packages_none",
    ),
    (
        |c| {
            let p = c.packages[0].clone();
            c.packages = (0..11)
                .map(|i| PackageDef {
                    key: format!("p{i}"),
                    name: format!("Package {i}"),
                    ..p.clone()
                })
                .collect();
        },
        "packages",
        "err.challenge_packages_too_many",
    ),
    (
        |c| c.packages[0].key = String::new(),
        "packages.0.key",
        "err.required",
    ),
    (
        |c| c.packages[0].key = "p 1".into(),
        "packages.0.key",
        "err.package_key_invalid",
    ),
    (
        |c| c.packages[0].key = "k".repeat(21),
        "packages.0.key",
        "err.package_key_invalid",
    ),
    (
        |c| {
            let p = PackageDef {
                name: "Other".into(),
                ..c.packages[0].clone()
            };
            c.packages.push(p);
        },
        "packages.1.key",
        "err.package_key_duplicate",
    ),
    (
        |c| c.packages[0].name = String::new(),
        "packages.0.name",
        "err.required",
    ),
    (
        |c| c.packages[0].name = "n".repeat(101),
        "packages.0.name",
        "err.package_name_too_long",
    ),
    (
        |c| {
            let p = PackageDef {
                key: "p2".into(),
                name: "standard 10k ".into(),
                ..c.packages[0].clone()
            };
            c.packages.push(p);
        },
        "packages.1.name",
        "err.package_name_duplicate",
    ),
    (
        |c| c.packages[0].currency = "GBP".into(),
        "packages.0.currency",
        "err.currency_unknown",
    ),
    (
        |c| c.packages[0].account_size_minor = 0,
        "packages.0.account_size",
        "err.amount_not_positive",
    ),
    (
        |c| c.packages[0].account_size_minor = MAX_MINOR + 1,
        "packages.0.account_size",
        "err.amount_too_large",
    ),
    (
        |c| c.packages[0].fee_minor = -1,
        "packages.0.fee",
        "err.fee_negative",
    ),
    (
        |c| c.packages[0].fee_minor = MAX_MINOR + 1,
        "packages.0.fee",
        "err.amount_too_large",
    ),
    (
        |c| c.packages[0].leverage = 0,
        "packages.0.leverage",
        "err.package_leverage_range",
    ),
    (
        |c| c.packages[0].leverage = 1_001,
        "packages.0.leverage",
        "err.package_leverage_range",
    ),
    (
        |c| c.packages[0].stages.clear(),
        "packages.0.stages",
        "err.package_stages_none",
    ),
    (
        |c| {
            let demo = StageDef::demo_default();
            c.packages[0].stages = vec![demo.clone(); 5];
            c.packages[0].stages.push(StageDef::live_default());
        },
        "packages.0.stages",
        "err.package_stages_too_many",
    ),
    (
        |c| stage(c, 0).period_days = Some(0),
        "packages.0.stages.0.period_days",
        "err.stage_period_range",
    ),
    (
        |c| stage(c, 0).period_days = Some(3_651),
        "packages.0.stages.0.period_days",
        "err.stage_period_range",
    ),
    (
        |c| stage(c, 0).min_trading_days = 31,
        "packages.0.stages.0.min_trading_days",
        "err.stage_min_days_above_period",
    ),
    (
        |c| stage(c, 1).profit_target_bps = None,
        "packages.0.stages.1.profit_target",
        "err.stage_demo_needs_target",
    ),
    (
        |c| stage(c, 0).profit_target_bps = Some(0),
        "packages.0.stages.0.profit_target",
        "err.stage_percent_range",
    ),
    (
        |c| stage(c, 0).profit_target_bps = Some(10_001),
        "packages.0.stages.0.profit_target",
        "err.stage_percent_range",
    ),
    (
        |c| stage(c, 0).max_daily_loss_bps = Some(-100),
        "packages.0.stages.0.max_daily_loss",
        "err.stage_percent_range",
    ),
    (
        |c| stage(c, 0).max_loss_bps = Some(10_001),
        "packages.0.stages.0.max_loss",
        "err.stage_percent_range",
    ),
    (
        |c| stage(c, 0).max_loss_bps = Some(500),
        "packages.0.stages.0.max_loss",
        "err.stage_max_loss_not_above_daily",
    ),
    (
        |c| stage(c, 0).max_loss_per_trade = Some(TradeLossLimit::Amount(0)),
        "packages.0.stages.0.max_loss_per_trade",
        "err.amount_not_positive",
    ),
    (
        |c| stage(c, 0).max_loss_per_trade = Some(TradeLossLimit::Amount(MAX_MINOR + 1)),
        "packages.0.stages.0.max_loss_per_trade",
        "err.amount_too_large",
    ),
    (
        |c| stage(c, 0).max_loss_per_trade = Some(TradeLossLimit::Bps(0)),
        "packages.0.stages.0.max_loss_per_trade",
        "err.stage_percent_range",
    ),
    (
        |c| stage(c, 0).max_attempts = 0,
        "packages.0.stages.0.max_attempts",
        "err.stage_attempts_range",
    ),
    (
        |c| stage(c, 0).max_attempts = 21,
        "packages.0.stages.0.max_attempts",
        "err.stage_attempts_range",
    ),
    (
        |c| stage(c, 0).retry_fee_minor = -1,
        "packages.0.stages.0.retry_fee",
        "err.fee_negative",
    ),
    (
        |c| stage(c, 0).retry_fee_minor = MAX_MINOR + 1,
        "packages.0.stages.0.retry_fee",
        "err.amount_too_large",
    ),
    (
        |c| stage(c, 0).profit_share_bps = Some(8_000),
        "packages.0.stages.0.profit_share",
        "err.stage_profit_share_demo",
    ),
    (
        |c| stage(c, 2).profit_share_bps = Some(10_001),
        "packages.0.stages.2.profit_share",
        "err.stage_percent_range",
    ),
    (
        |c| stage(c, 2).profit_share_bps = Some(0),
        "packages.0.stages.2.profit_share",
        "err.stage_percent_range",
    ),
    (
        |c| stage(c, 1).environment = Environment::Live,
        "packages.0.stages.1.environment",
        "err.stage_live_not_last",
    ),
    (
        |c| {
            c.pay_from_wallet = false;
            c.pay_direct = false;
        },
        "payment",
        "err.challenge_payment_none",
    ),
    (
        |c| stage(c, 0).referrer_share_bps = vec![1_000],
        "packages.0.stages.0.referrer_share",
        "err.stage_referrer_share_without_split",
    ),
    (
        |c| stage(c, 2).referrer_share_bps = vec![1_000, 1_001],
        "packages.0.stages.2.referrer_share",
        "err.split_over_100",
    ),
    (
        |c| stage(c, 2).referrer_share_bps = vec![0],
        "packages.0.stages.2.referrer_share",
        "err.stage_percent_range",
    ),
    (
        |c| {
            c.commissions.levels = Some(crate::domain::ib::LevelPlan {
                include_challenger: false,
                levels: vec![crate::domain::ib::Rebate::Fixed(9_901)],
            })
        },
        "commissions.levels.0",
        "err.commission_above_fee",
    ),
    (
        |c| c.groups = vec![3, 4, 3],
        "groups",
        "err.challenge_group_duplicate",
    ),
];

#[test]
fn each_rule_reports_its_own_error() {
    for (i, (mutate, field, key)) in CASES.iter().enumerate() {
        let mut c = ChallengeDef::example();
        mutate(&mut c);
        assert_eq!(
            errors(&c),
            vec![(field.to_string(), key.to_string())],
            "case {i}"
        );
    }
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut c = ChallengeDef::example();
    c.name.clear();
    c.packages[0].leverage = 0;
    stage(&mut c, 0).max_attempts = 0;
    c.pay_direct = false;
    c.pay_from_wallet = false;
    assert_eq!(errors(&c).len(), 4);
}

#[test]
fn accepted_edge_values() {
    let mut c = ChallengeDef::example();
    c.cover_url = "https://cdn.example/cover.png".into();
    c.poster_url = "/static/poster.png".into();
    c.details.insert("en".into(), "Trade.".into());
    c.details.insert("es".into(), "Opere.".into());
    c.packages[0].fee_minor = 0;
    c.packages[0].leverage = 1_000;
    c.pay_direct = false;
    c.groups = vec![1, 2];
    let s = stage(&mut c, 0);
    s.period_days = Some(4);
    s.profit_target_bps = Some(10_000);
    s.max_loss_per_trade = Some(TradeLossLimit::Amount(5_000));
    s.max_attempts = 20;
    assert_eq!(errors(&c), Vec::new());
    // An unlimited period has no bound on the trading days.
    stage(&mut c, 0).period_days = None;
    stage(&mut c, 0).min_trading_days = 100;
    assert_eq!(errors(&c), Vec::new());
}

#[test]
fn a_single_live_stage_is_a_one_step_challenge() {
    let mut c = ChallengeDef::example();
    c.packages[0].stages = vec![StageDef::live_default()];
    assert!(c.packages[0].is_one_step());
    assert_eq!(errors(&c), Vec::new());
}

#[test]
fn a_live_stage_cannot_come_before_a_demo_stage() {
    let mut c = ChallengeDef::example();
    c.packages[0].stages = vec![StageDef::live_default(), StageDef::demo_default()];
    assert!(!c.packages[0].is_one_step());
    assert_eq!(
        errors(&c),
        vec![(
            "packages.0.stages.0.environment".to_string(),
            "err.stage_live_not_last".to_string()
        )]
    );
}
