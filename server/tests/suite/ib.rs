//! The IB programme: the referral tree, fee commissions (level and rank) paid with the fee and
//! reversed with its refund, debts, the monthly run, and the checks on bad plans and moves.
use crate::common::prop::{admin_with_still_feed, publish, turn_down, usd_challenge};
use crate::common::{self, assert_invariants, cfg, code, here, usd};
use app::domain::access::UserKind;
use app::domain::challenge::{ChallengeDef, StageDef};
use app::domain::ib::{FeeCommissions, LevelPlan, RankPayout, RankPlan, Rebate, TierRebate};
use app::model::{RankSetForm, TierForm};
use app::server::entity::{fee_commission, mail_outbox, notification, request, user};
use app::server::identity::referrals;
use app::server::money::ledger;
use app::server::money::wallets::{self, Adjustment};
use app::server::prop::participation::{self, ParticipateInput};
use app::server::seed::{self, NewUser};
use app::server::{approvals, ib, settings};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

/// A client of `kind` under `referrer`.
async fn client(
    db: &DatabaseConnection,
    kind: UserKind,
    email: &str,
    referrer: Option<i64>,
) -> i64 {
    let (u, _) = seed::ensure_user(
        db,
        &cfg(),
        NewUser {
            kind,
            email,
            password: "correct horse battery",
            first_name: "Test",
            last_name: email.split('@').next().unwrap_or("x"),
            country: "GB",
            phone: "+441632960001",
            role: None,
            referrer_id: referrer,
            created_days_ago: 0,
        },
    )
    .await
    .unwrap();
    u.id
}

async fn fund(db: &DatabaseConnection, admin: i64, user: i64, amount: &str) {
    let a = Adjustment {
        idempotency_key: format!("fund-{user}-{amount}"),
        user_id: user,
        currency: "USD".into(),
        direction: "deposit".into(),
        amount: amount.into(),
        comment: "test funds".into(),
    };
    wallets::adjust(db, admin, a, &here()).await.unwrap();
}

async fn balance(db: &DatabaseConnection, user: i64) -> i64 {
    ledger::wallet(db, user, usd()).await.unwrap().balance_minor
}

async fn buy(db: &DatabaseConnection, user: i64, challenge: i64, key: &str) -> i64 {
    let input = ParticipateInput {
        coupon: 0,
        promo_code: String::new(),
        challenge_id: challenge,
        package_key: "p1".into(),
        pay_method: "wallet".into(),
        idempotency_key: key.into(),
    };
    let (p, _) = participation::participate(db, user, input, &here())
        .await
        .unwrap();
    p.id
}

fn with_plan(name: &str, plan: FeeCommissions) -> ChallengeDef {
    let mut def = usd_challenge(name, vec![StageDef::demo_default()]);
    def.commissions = plan;
    def
}

/// Rank set "Partners": Bronze (1), Silver (2), Gold (3); the tier ids in that order.
async fn partners(db: &DatabaseConnection, admin: i64) -> (i64, Vec<i64>) {
    let form = RankSetForm {
        id: 0,
        name: "Partners".into(),
        tiers: ["Bronze", "Silver", "Gold"]
            .iter()
            .map(|n| TierForm {
                id: 0,
                name: (*n).into(),
            })
            .collect(),
    };
    let set = settings::ranks::save(db, admin, form, &here())
        .await
        .unwrap();
    (set.id, set.tiers.iter().map(|t| t.id).collect())
}

async fn commissions(db: &DatabaseConnection) -> Vec<fee_commission::Model> {
    fee_commission::Entity::find()
        .order_by_asc(fee_commission::Column::Id)
        .all(db)
        .await
        .unwrap()
}

/// Who was told of a commission credited, and of how much: one notification and one email each.
async fn credited(db: &DatabaseConnection) -> Vec<String> {
    let told = notification::Entity::find()
        .filter(notification::Column::Kind.eq("notice.commission_credited"))
        .order_by_asc(notification::Column::UserId)
        .all(db)
        .await
        .unwrap();
    let mails = mail_outbox::Entity::find()
        .filter(mail_outbox::Column::Body.contains("commission of"))
        .all(db)
        .await
        .unwrap();
    assert_eq!(told.len(), mails.len());
    let mut out: Vec<String> = mails
        .iter()
        .map(|m| {
            let amount = m.body.split("commission of ").nth(1).unwrap_or("");
            format!(
                "{}: {}",
                m.to_addr,
                amount.split(" was").next().unwrap_or("")
            )
        })
        .collect();
    out.sort();
    out
}

// Root IB R ← IB A ← trader T. The fee is 100.00; levels pay 10% then 5.00; the rank plan
// pays Silver 8%, overriding 50% of the commission below, and is real-time.
on_both!(
    level_and_rank_commissions_are_paid_with_the_fee_and_reversed_with_its_refund,
    |db| {
        let admin = admin_with_still_feed(&db).await;
        let (set, tiers) = partners(&db, admin).await;
        let r = client(&db, UserKind::Ib, "root@example.com", None).await;
        let a = client(&db, UserKind::Ib, "ib-a@example.com", Some(r)).await;
        let t = client(&db, UserKind::Trader, "trader@example.com", Some(a)).await;
        ib::tiers::set_tier(&db, admin, a, Some(tiers[1]), &here())
            .await
            .unwrap();
        ib::tiers::set_tier(&db, admin, r, Some(tiers[2]), &here())
            .await
            .unwrap();
        let plan = FeeCommissions {
            levels: Some(LevelPlan {
                include_challenger: false,
                levels: vec![Rebate::Percent(1_000), Rebate::Fixed(500)],
            }),
            rank: Some(RankPlan {
                rank_set_id: set,
                tiers: vec![TierRebate {
                    tier_id: tiers[1],
                    rebate: Rebate::Percent(800),
                }],
                overriding: Some(Rebate::Percent(5_000)),
                same_rank: None,
                payout: RankPayout::RealTime,
            }),
            ..Default::default()
        };
        let ch = publish(&db, admin, with_plan("Commissioned", plan)).await;
        fund(&db, admin, t, "150.00").await;
        let pid = buy(&db, t, ch, "buy-1").await;
        // A: level 1 10.00 + Silver 8.00; R: level 2 5.00 + overriding 4.00.
        assert_eq!(balance(&db, a).await, 1_800);
        assert_eq!(balance(&db, r).await, 900);
        assert_eq!(balance(&db, t).await, 5_000);
        let rows = commissions(&db).await;
        assert_eq!(rows.len(), 4);
        assert!(
            rows.iter()
                .all(|c| c.status == "paid" && c.participant_id == pid)
        );
        // Each recipient is told once, in the portal and by email, what reached their wallet.
        assert_eq!(
            credited(&db).await,
            [
                "ib-a@example.com: 18.00 USD".to_string(),
                "root@example.com: 9.00 USD".into()
            ]
        );
        // A replayed purchase pays nothing again.
        buy(&db, t, ch, "buy-1").await;
        assert_eq!(commissions(&db).await.len(), 4);
        assert_eq!(credited(&db).await.len(), 2);
        assert_invariants(&db).await;

        // Turned down: the fee comes back and every commission is reversed.
        turn_down(&db, admin, t).await;
        assert_eq!(balance(&db, t).await, 15_000);
        assert_eq!(balance(&db, a).await, 0);
        assert_eq!(balance(&db, r).await, 0);
        let rows = commissions(&db).await;
        assert_eq!(rows.len(), 8);
        assert_eq!(rows.iter().map(|c| c.amount_minor).sum::<i64>(), 0);
        assert_eq!(rows.iter().filter(|c| c.status == "reversed").count(), 4);
        assert_invariants(&db).await;
    }
);

// An IB who spent their commission before the refund owes it; their next commission repays
// the debt before anything reaches the wallet.
on_both!(
    a_reversal_the_wallet_cannot_cover_becomes_a_debt_the_next_commission_repays,
    |db| {
        let admin = admin_with_still_feed(&db).await;
        let a = client(&db, UserKind::Ib, "ib-a@example.com", None).await;
        let plan = FeeCommissions {
            levels: Some(LevelPlan {
                include_challenger: false,
                levels: vec![Rebate::Percent(2_000)],
            }),
            ..Default::default()
        };
        let ch = publish(&db, admin, with_plan("Debt", plan)).await;
        let t1 = client(&db, UserKind::Trader, "t1@example.com", Some(a)).await;
        let t2 = client(&db, UserKind::Trader, "t2@example.com", Some(a)).await;
        fund(&db, admin, t1, "100.00").await;
        fund(&db, admin, t2, "100.00").await;
        buy(&db, t1, ch, "b1").await;
        assert_eq!(balance(&db, a).await, 2_000);
        // The IB spends 15.00 of the 20.00.
        let out = Adjustment {
            idempotency_key: "spend".into(),
            user_id: a,
            currency: "USD".into(),
            direction: "withdraw".into(),
            amount: "15.00".into(),
            comment: "spent".into(),
        };
        wallets::adjust(&db, admin, out, &here()).await.unwrap();
        turn_down(&db, admin, t1).await;
        assert_eq!(balance(&db, a).await, 0);
        let reversal = commissions(&db).await.pop().unwrap();
        assert_eq!(
            (reversal.amount_minor, reversal.debt_minor),
            (-2_000, 1_500)
        );
        // The next 20.00 repays 15.00 and pays 5.00.
        buy(&db, t2, ch, "b2").await;
        assert_eq!(balance(&db, a).await, 500);
        let next = commissions(&db).await.pop().unwrap();
        assert_eq!((next.amount_minor, next.repaid_minor), (2_000, 1_500));
        assert_invariants(&db).await;
    }
);

// Monthly rank commissions wait for the run after their month ends; a refund before it
// cancels them without moving money.
on_both!(
    monthly_rank_commissions_are_paid_by_the_run_after_the_month,
    |db| {
        use sea_orm::sea_query::Expr;
        let admin = admin_with_still_feed(&db).await;
        let (set, tiers) = partners(&db, admin).await;
        let a = client(&db, UserKind::Ib, "ib-a@example.com", None).await;
        ib::tiers::set_tier(&db, admin, a, Some(tiers[0]), &here())
            .await
            .unwrap();
        let plan = FeeCommissions {
            rank: Some(RankPlan {
                rank_set_id: set,
                tiers: vec![TierRebate {
                    tier_id: tiers[0],
                    rebate: Rebate::Fixed(700),
                }],
                overriding: None,
                same_rank: None,
                payout: RankPayout::Monthly,
            }),
            ..Default::default()
        };
        let ch = publish(&db, admin, with_plan("Monthly", plan)).await;
        let t = client(&db, UserKind::Trader, "t@example.com", Some(a)).await;
        fund(&db, admin, t, "100.00").await;
        buy(&db, t, ch, "b1").await;
        assert_eq!(balance(&db, a).await, 0);
        assert_eq!(commissions(&db).await[0].status, "pending");
        // This month's: not yet.
        assert_eq!(ib::commissions::pay_monthly(&db).await.unwrap(), 0);
        let last_month = chrono::Utc::now() - chrono::Duration::days(40);
        fee_commission::Entity::update_many()
            .col_expr(fee_commission::Column::CreatedAt, Expr::value(last_month))
            .exec(&db)
            .await
            .unwrap();
        assert_eq!(ib::commissions::pay_monthly(&db).await.unwrap(), 1);
        assert_eq!(ib::commissions::pay_monthly(&db).await.unwrap(), 0);
        assert_eq!(balance(&db, a).await, 700);
        assert_invariants(&db).await;
    }
);

// The tree: moves keep every ancestor path right, and a loop is refused, changing nothing.
on_both!(moving_an_upline_keeps_the_tree_and_refuses_loops, |db| {
    let admin = admin_with_still_feed(&db).await;
    let r = client(&db, UserKind::Ib, "r@example.com", None).await;
    let a = client(&db, UserKind::Ib, "a@example.com", Some(r)).await;
    let b = client(&db, UserKind::Ib, "b@example.com", Some(a)).await;
    let c = client(&db, UserKind::Trader, "c@example.com", Some(b)).await;
    let x = client(&db, UserKind::Ib, "x@example.com", None).await;
    assert_eq!(
        referrals::upline(&db, c, None).await.unwrap(),
        vec![b, a, r]
    );
    for to in [b, c, a] {
        let e = referrals::move_upline(&db, a, Some(to), admin, &here())
            .await
            .unwrap_err();
        assert_eq!(code(e, "referrer"), "err.referral_loop");
    }
    referrals::move_upline(&db, b, Some(x), admin, &here())
        .await
        .unwrap();
    assert_eq!(referrals::upline(&db, c, None).await.unwrap(), vec![b, x]);
    assert_eq!(referrals::depth_below(&db, r, c).await.unwrap(), None);
    assert_eq!(referrals::depth_below(&db, x, c).await.unwrap(), Some(2));
    let moved = user::Entity::find_by_id(b).one(&db).await.unwrap().unwrap();
    assert_eq!(moved.referrer_id, Some(x));
    // To the top of the tree.
    referrals::move_upline(&db, b, None, admin, &here())
        .await
        .unwrap();
    assert_eq!(referrals::upline(&db, c, None).await.unwrap(), vec![b]);
});

/// The prop figures kept under each of `ancestors` equal the ones counted from the
/// participants and fees under them.
async fn assert_tree_figures(db: &DatabaseConnection, ancestors: &[i64]) {
    use app::server::entity::{participant, participation_fee, trading_account};
    use app::server::prop::tree_stats::{self, Under};
    for &a in ancestors {
        let mut counted = Under::default();
        for p in participant::Entity::find().all(db).await.unwrap() {
            if referrals::depth_below(db, a, p.user_id)
                .await
                .unwrap()
                .is_none()
            {
                continue;
            }
            let live = match p.account_id {
                Some(id) => {
                    trading_account::Entity::find_by_id(id)
                        .one(db)
                        .await
                        .unwrap()
                        .unwrap()
                        .environment
                        == "live"
                }
                None => false,
            };
            *counted
                .participants
                .entry((p.status, p.stage, live))
                .or_default() += 1;
        }
        for f in participation_fee::Entity::find().all(db).await.unwrap() {
            if referrals::depth_below(db, a, f.user_id)
                .await
                .unwrap()
                .is_some()
            {
                *counted.fees.entry(f.currency).or_default() += f.amount_minor;
            }
        }
        counted.fees.retain(|_, v| *v != 0);
        let kept = tree_stats::under(db, a, None, None).await.unwrap();
        assert_eq!(kept, counted, "the figures under {a}");
    }
}

// R ← A ← B ← C, and X apart. C buys an instant-funding challenge and is approved onto a
// live account; B buys and is turned down (refunded); then B moves under X. The figures kept
// under each client follow every step, and the IB's statistics read them.
on_both!(
    tree_figures_follow_purchases_decisions_refunds_and_moves,
    |db| {
        use app::domain::participant::ParticipantStatus as S;
        use app::model::ListQuery;
        use app::server::ib::reports;
        let admin = admin_with_still_feed(&db).await;
        let r = client(&db, UserKind::Ib, "r@example.com", None).await;
        let a = client(&db, UserKind::Ib, "a@example.com", Some(r)).await;
        let b = client(&db, UserKind::Ib, "b@example.com", Some(a)).await;
        let c = client(&db, UserKind::Trader, "c@example.com", Some(b)).await;
        let x = client(&db, UserKind::Ib, "x@example.com", None).await;
        let everyone = [r, a, b, c, x];
        let instant = publish(
            &db,
            admin,
            usd_challenge("Instant", vec![StageDef::live_default()]),
        )
        .await;
        let evaluation = publish(
            &db,
            admin,
            usd_challenge("Evaluation", vec![StageDef::demo_default()]),
        )
        .await;
        fund(&db, admin, c, "500.00").await;
        fund(&db, admin, b, "500.00").await;
        buy(&db, c, instant, "c-buys").await;
        buy(&db, b, evaluation, "b-buys").await;
        assert_tree_figures(&db, &everyone).await;
        let pending = |user: i64| {
            let db = db.clone();
            async move {
                request::Entity::find()
                    .filter(request::Column::UserId.eq(user))
                    .filter(request::Column::Kind.eq("participation"))
                    .one(&db)
                    .await
                    .unwrap()
                    .unwrap()
                    .id
            }
        };
        approvals::approve(&db, admin, pending(c).await, 1, "", &here())
            .await
            .unwrap();
        approvals::reject(&db, admin, pending(b).await, "no", &here())
            .await
            .unwrap();
        assert_tree_figures(&db, &everyone).await;
        let q = ListQuery::default();
        let stats = reports::prop_stats(&db, &reports::scope(&db, r).await.unwrap(), &q)
            .await
            .unwrap();
        assert_eq!(stats.participants, 2);
        assert_eq!(stats.funded, 1);
        assert_eq!(stats.by_status, vec![(S::InProgress, 1), (S::Rejected, 1)]);
        // C's fee stays; B's was refunded.
        assert_eq!(stats.fees.len(), 1);
        assert_eq!(stats.pass_rate_bps, Some(10_000));

        referrals::move_upline(&db, b, Some(x), admin, &here())
            .await
            .unwrap();
        assert_tree_figures(&db, &everyone).await;
        let stats = reports::prop_stats(&db, &reports::scope(&db, r).await.unwrap(), &q)
            .await
            .unwrap();
        assert_eq!((stats.participants, stats.fees.len()), (0, 0));
        let stats = reports::prop_stats(&db, &reports::scope(&db, x).await.unwrap(), &q)
            .await
            .unwrap();
        assert_eq!((stats.participants, stats.funded), (2, 1));
    }
);

// Plans that cannot be paid are refused when the challenge is saved.
on_both!(bad_commission_plans_are_refused, |db| {
    use app::server::prop::challenges;
    let admin = admin_with_still_feed(&db).await;
    let (set, _) = partners(&db, admin).await;
    let (_, other) = {
        let form = RankSetForm {
            id: 0,
            name: "Other".into(),
            tiers: vec![TierForm {
                id: 0,
                name: "Only".into(),
            }],
        };
        let s = settings::ranks::save(&db, admin, form, &here())
            .await
            .unwrap();
        (s.id, s.tiers[0].id)
    };
    let level = |r: Rebate| FeeCommissions {
        levels: Some(LevelPlan {
            include_challenger: false,
            levels: vec![r],
        }),
        ..Default::default()
    };
    let cases = [
        (
            level(Rebate::Fixed(10_001)),
            "commissions.levels.0",
            "err.commission_above_fee",
        ),
        (
            level(Rebate::Percent(10_001)),
            "commissions.levels.0",
            "err.commission_over_100",
        ),
        (
            FeeCommissions {
                rank: Some(RankPlan {
                    rank_set_id: set,
                    tiers: vec![TierRebate {
                        tier_id: other,
                        rebate: Rebate::Percent(100),
                    }],
                    overriding: None,
                    same_rank: None,
                    payout: RankPayout::RealTime,
                }),
                ..Default::default()
            },
            "commissions.tiers.0",
            "err.rank_tier_not_in_set",
        ),
    ];
    for (plan, field, want) in cases {
        let e = challenges::save(&db, admin, None, with_plan("Bad", plan), &here())
            .await
            .unwrap_err();
        assert_eq!(code(e, field), want);
    }
    assert_eq!(common::count(&db, "challenge").await, 0);
});

// Twenty purchases at once in one chain of buyers, each the upline of the next: every buyer's
// wallet is debited while the fees of the buyers below credit it. Every commission is paid
// exactly once, nobody deadlocks, and the ledger balances.
on_both!(
    twenty_simultaneous_purchases_in_one_tree_pay_every_commission_once,
    |db| {
        let admin = admin_with_still_feed(&db).await;
        let plan = FeeCommissions {
            levels: Some(LevelPlan {
                include_challenger: true,
                levels: vec![
                    Rebate::Percent(500),
                    Rebate::Percent(1_000),
                    Rebate::Fixed(300),
                ],
            }),
            ..Default::default()
        };
        let ch = publish(&db, admin, with_plan("Rush", plan)).await;
        let root = client(&db, UserKind::Ib, "root@example.com", None).await;
        let mut buyers = Vec::new();
        let mut up = root;
        for i in 0..20 {
            let u = client(&db, UserKind::Ib, &format!("b{i}@example.com"), Some(up)).await;
            fund(&db, admin, u, "100.00").await;
            buyers.push(u);
            up = u;
        }
        let tasks: Vec<_> = buyers
            .iter()
            .map(|u| {
                let (db, u) = (db.clone(), *u);
                tokio::spawn(async move { buy(&db, u, ch, "rush").await })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        let rows = commissions(&db).await;
        // Each fee pays its buyer, their referrer and the one above: 3 × 20, but the first
        // buyer's fee has only the root above it.
        assert_eq!(rows.len(), 59);
        let mut seen = std::collections::HashSet::new();
        assert!(
            rows.iter()
                .all(|c| seen.insert((c.fee_id, c.recipient_id, c.structure)))
        );
        // The middle buyers spent their 100.00 on the fee and were paid 5.00 on it, 10.00 on
        // the next one's and 3.00 on the one after.
        assert_eq!(balance(&db, buyers[5]).await, 500 + 1_000 + 300);
        assert_eq!(balance(&db, root).await, 1_000 + 300);
        assert_invariants(&db).await;
    }
);

// A promotional link: made by an IB, visited, signed up through (the owner becomes the
// upline), bought through; its funnel counts each step. Bad links change nothing.
on_both!(
    a_promotional_link_counts_its_funnel_and_places_its_signups,
    |db| {
        use app::domain::approval::RequestKind;
        use app::i18n::Locale;
        use app::model::{LinkForm, ListQuery};
        use app::server::ib::links::{self, Owner};
        use app::server::identity::auth::{self, RegisterInput};
        let admin = admin_with_still_feed(&db).await;
        let ib = client(&db, UserKind::Ib, "ib@example.com", None).await;
        let other = client(&db, UserKind::Ib, "other@example.com", None).await;
        let mut draft = usd_challenge("Draft only", vec![StageDef::demo_default()]);
        draft.name = "Draft only".into();
        let draft_id = app::server::prop::challenges::save(&db, admin, None, draft, &here())
            .await
            .unwrap();
        let form = |target: &str, challenge_id: i64| LinkForm {
            name: "Spring".into(),
            target: target.into(),
            challenge_id,
        };
        let url = "https://firm.example";
        for (bad, field, want) in [
            (
                form("challenge", draft_id),
                "challenge",
                "err.link_challenge_unpublished",
            ),
            (form("elsewhere", 0), "target", "err.link_target_unknown"),
            (
                LinkForm {
                    name: " ".into(),
                    ..form("register", 0)
                },
                "name",
                "err.required",
            ),
        ] {
            let e = links::create(&db, Owner::Ib(ib), ib, bad, url, &here())
                .await
                .unwrap_err();
            assert_eq!(code(e, field), want);
        }
        assert_eq!(common::count(&db, "promo_link").await, 0);
        let link = links::create(&db, Owner::Ib(ib), ib, form("register", 0), url, &here())
            .await
            .unwrap();
        assert_eq!(link.url, format!("{url}/r/{}", link.code));
        // Another IB cannot archive it.
        let e = links::archive(&db, Owner::Ib(other), other, link.id, &here())
            .await
            .unwrap_err();
        assert!(matches!(e, app::error::AppError::NotFound), "{e:?}");

        for _ in 0..3 {
            assert_eq!(
                links::click(&db, &link.code).await.unwrap(),
                format!("/register?link={}", link.code)
            );
        }
        assert_eq!(links::click(&db, "NOSUCHCODE").await.unwrap(), "/register");
        // A challenge link carries the challenge on as where to go after sign-up.
        let published = publish(
            &db,
            admin,
            usd_challenge("Published", vec![StageDef::demo_default()]),
        )
        .await;
        let to_challenge = links::create(
            &db,
            Owner::Ib(ib),
            ib,
            form("challenge", published),
            url,
            &here(),
        )
        .await
        .unwrap();
        assert_eq!(
            links::click(&db, &to_challenge.code).await.unwrap(),
            format!(
                "/register?link={}&next=%2Fchallenges%3Fchallenge%3D{published}",
                to_challenge.code
            )
        );
        let input = RegisterInput {
            kind: UserKind::Trader,
            email: "new@example.com".into(),
            password: "correct horse battery".into(),
            first_name: "Nia".into(),
            last_name: "Okafor".into(),
            country: "GB".into(),
            phone: "+441632960002".into(),
            referral_code: String::new(),
            link: link.code.clone(),
            locale: Locale::En,
        };
        let joined = auth::register(&db, &cfg(), input, &here()).await.unwrap();
        assert_eq!(joined.referrer_id, Some(ib));
        assert_eq!(joined.promo_link_id, Some(link.id));
        assert_eq!(
            referrals::upline(&db, joined.id, None).await.unwrap(),
            vec![ib]
        );
        let ch = publish(
            &db,
            admin,
            usd_challenge("Open", vec![StageDef::demo_default()]),
        )
        .await;
        fund(&db, admin, joined.id, "100.00").await;
        buy(&db, joined.id, ch, "via-link").await;

        let q = ListQuery {
            per_page: 20,
            ..Default::default()
        };
        let listed = links::list(&db, Owner::Ib(ib), url, &q, true)
            .await
            .unwrap();
        let row = listed.rows.iter().find(|r| r.id == link.id).unwrap();
        assert_eq!(
            (
                row.clicks,
                row.signups,
                row.purchases,
                row.fees[0].to_string()
            ),
            (3, 1, 1, "100.00 USD".to_string())
        );
        // The funds adjustment above is not a deposit request: no first deposit yet.
        assert_eq!(row.first_deposits, 0);
        assert!(
            links::list(&db, Owner::Ib(other), url, &q, true)
                .await
                .unwrap()
                .rows
                .is_empty()
        );
        let _ = RequestKind::Deposit;
    }
);

// What an IB sees of their tree: their client group caps the levels shown in full; deeper
// clients come without personal details and cannot be searched for; nobody outside the tree.
on_both!(an_ib_sees_their_tree_within_their_groups_levels, |db| {
    use app::model::ListQuery;
    use app::server::entity::client_group;
    use app::server::ib::reports::{self, Whose};
    use sea_orm::sea_query::Expr;
    let admin = admin_with_still_feed(&db).await;
    let ib = client(&db, UserKind::Ib, "ib@example.com", None).await;
    let l1 = client(&db, UserKind::Ib, "level-one@example.com", Some(ib)).await;
    let l2 = client(&db, UserKind::Trader, "level-two@example.com", Some(l1)).await;
    let stranger = client(&db, UserKind::Trader, "stranger@example.com", None).await;
    client_group::Entity::update_many()
        .col_expr(client_group::Column::VisibleLevels, Expr::value(Some(1)))
        .exec(&db)
        .await
        .unwrap();
    let s = reports::scope(&db, ib).await.unwrap();
    let q = ListQuery {
        per_page: 20,
        ..Default::default()
    };
    let tree = reports::downlines(&db, &s, &q, None, true).await.unwrap();
    let rows: Vec<_> = tree
        .rows
        .iter()
        .map(|r| (r.id, r.level, r.visible, r.email.as_str()))
        .collect();
    assert_eq!(
        rows,
        vec![(l1, 1, true, "level-one@example.com"), (l2, 2, false, "")]
    );
    let search = ListQuery {
        q: "level-two".into(),
        ..q.clone()
    };
    assert!(
        reports::downlines(&db, &s, &search, None, true)
            .await
            .unwrap()
            .rows
            .is_empty()
    );
    // The tree view opens a node of the tree, never one outside it.
    let under = reports::downlines(&db, &s, &q, Some(l1), true)
        .await
        .unwrap();
    assert_eq!(
        under.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![l2]
    );
    let e = reports::downlines(&db, &s, &q, Some(stranger), true)
        .await
        .unwrap_err();
    assert!(matches!(e, app::error::AppError::NotFound), "{e:?}");
    let bad = ListQuery {
        filter: "x".into(),
        ..q.clone()
    };
    let e = reports::downlines(&db, &s, &bad, None, true)
        .await
        .unwrap_err();
    assert_eq!(code(e, "filter"), "err.filter_invalid");

    // A commission on the hidden client's fee names nobody.
    let plan = FeeCommissions {
        levels: Some(LevelPlan {
            include_challenger: false,
            levels: vec![Rebate::Percent(1_000), Rebate::Percent(500)],
        }),
        ..Default::default()
    };
    let ch = publish(&db, admin, with_plan("Seen", plan)).await;
    fund(&db, admin, l2, "100.00").await;
    buy(&db, l2, ch, "hidden").await;
    let mine = reports::commissions(&db, Whose::Ib(&s), &q, true)
        .await
        .unwrap();
    assert_eq!(mine.page.rows.len(), 1);
    let row = &mine.page.rows[0];
    assert_eq!(
        (row.level, row.client.as_str(), row.amount.to_string()),
        (2, "", "5.00 USD".to_string())
    );
    assert_eq!(mine.totals[0].commissions.to_string(), "5.00 USD");
    assert_eq!(mine.by_day.len(), 1);
    // Staff see both commissions, named.
    let all = reports::commissions(
        &db,
        Whose::All {
            challenge: ch,
            clients: &app::server::identity::scope::Scope::Firm,
        },
        &q,
        true,
    )
    .await
    .unwrap();
    // Every challenge's, on the connection that has just read the IB's own (PostgreSQL keeps
    // each statement prepared with its parameters' types: an id bound as a smaller integer
    // the second time was refused).
    {
        use sea_orm::TransactionTrait;
        let one = db.begin().await.unwrap();
        reports::commissions(&one, Whose::Ib(&s), &q, true)
            .await
            .unwrap();
        let every = reports::commissions(
            &one,
            Whose::All {
                challenge: 0,
                clients: &app::server::identity::scope::Scope::Firm,
            },
            &q,
            true,
        )
        .await
        .unwrap();
        assert_eq!(every.totals, all.totals);
    }
    assert_eq!(all.page.total, 2);
    assert!(all.page.rows.iter().all(|r| !r.client.is_empty()));
    assert_eq!(all.totals[0].commissions.to_string(), "15.00 USD");
    // The fee counts once in the totals, however many commissions it paid; the daily sums
    // kept as commissions are paid agree with the rows read directly (a filter reads them).
    assert_eq!(all.totals[0].fees_paid.to_string(), "100.00 USD");
    let by_rows = ListQuery {
        filter: "level".into(),
        ..q.clone()
    };
    let filtered = reports::commissions(
        &db,
        Whose::All {
            challenge: ch,
            clients: &app::server::identity::scope::Scope::Firm,
        },
        &by_rows,
        true,
    )
    .await
    .unwrap();
    assert_eq!(filtered.totals, all.totals);
    assert_eq!(filtered.by_day, all.by_day);
    let stats = reports::prop_stats(&db, &s, &q).await.unwrap();
    assert_eq!(
        (stats.participants, stats.fees[0].to_string()),
        (1, "100.00 USD".to_string())
    );
    // The prop dashboard shows the commissions the challenge paid, in total and per challenge.
    let d = app::server::prop::dashboard::dashboard(
        &db,
        app::server::identity::scope::Scope::Firm,
        &Default::default(),
    )
    .await
    .unwrap();
    let figure = d.figures.iter().find(|f| f.key == "ib.dash_commissions");
    assert_eq!(figure.map(|f| f.minor), Some(1_500));
    assert_eq!(d.more_columns, vec!["ib.dash_commissions".to_string()]);
    let row = d.per_challenge.iter().find(|c| c.id == ch).unwrap();
    assert_eq!(row.more, vec!["15.00".to_string()]);
});

// Random trees, plans and purchases (a fixed seed, so a failure repeats): every fee's
// commissions plus the firm's part are the fee, nobody is paid twice for one fee, and turning
// every purchase down brings every wallet back to where it started.
on_both!(
    random_trees_pay_within_the_fee_and_reversals_bring_every_wallet_back,
    |db| {
        let admin = admin_with_still_feed(&db).await;
        let (set, tiers) = partners(&db, admin).await;
        let mut seed: u64 = 0x005e_ed1b;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n
        };
        let mut users: Vec<i64> = Vec::new();
        for i in 0..14 {
            let up = (!users.is_empty() && next(5) > 0)
                .then(|| users[next(users.len() as u64) as usize]);
            let u = client(&db, UserKind::Ib, &format!("u{i}@example.com"), up).await;
            if next(3) > 0 {
                ib::tiers::set_tier(&db, admin, u, Some(tiers[next(3) as usize]), &here())
                    .await
                    .unwrap();
            }
            users.push(u);
        }
        let rebate = |n: u64| {
            if n.is_multiple_of(2) {
                Rebate::Percent(100 + (n % 1_500) as i64)
            } else {
                Rebate::Fixed(50 + (n % 900) as i64)
            }
        };
        let mut challenges = Vec::new();
        for c in 0..3 {
            let levels = (0..1 + next(4)).map(|_| rebate(next(10_000))).collect();
            let plan = FeeCommissions {
                base: app::domain::ib::CommissionBase::Paid,
                levels: Some(LevelPlan {
                    include_challenger: next(2) == 0,
                    levels,
                }),
                rank: Some(RankPlan {
                    rank_set_id: set,
                    tiers: tiers
                        .iter()
                        .map(|t| TierRebate {
                            tier_id: *t,
                            rebate: rebate(next(10_000)),
                        })
                        .collect(),
                    overriding: Some(Rebate::Percent(1 + next(5_000) as i64)),
                    same_rank: (next(2) == 0).then(|| Rebate::Fixed(1 + next(300) as i64)),
                    payout: RankPayout::RealTime,
                }),
            };
            let mut def = with_plan(&format!("Random {c}"), plan);
            def.packages[0].fee_minor = 2_000 + next(20_000) as i64;
            challenges.push(publish(&db, admin, def).await);
        }
        for u in &users {
            fund(&db, admin, *u, "1000.00").await;
        }
        let before: Vec<i64> = {
            let mut v = Vec::new();
            for u in &users {
                v.push(balance(&db, *u).await);
            }
            v
        };
        for k in 0..12 {
            let u = users[next(users.len() as u64) as usize];
            buy(&db, u, challenges[k % 3], &format!("r{k}")).await;
        }
        let rows = commissions(&db).await;
        let fees = app::server::entity::participation_fee::Entity::find()
            .all(&db)
            .await
            .unwrap();
        assert_eq!(fees.len(), 12);
        for f in &fees {
            let paid: i64 = rows
                .iter()
                .filter(|c| c.fee_id == f.id)
                .map(|c| c.amount_minor)
                .sum();
            assert!(
                paid >= 0 && paid <= f.amount_minor,
                "fee {} pays {paid}",
                f.id
            );
            let mut seen = std::collections::HashSet::new();
            assert!(
                rows.iter()
                    .filter(|c| c.fee_id == f.id)
                    .all(|c| seen.insert((c.recipient_id, c.structure)))
            );
        }
        assert_invariants(&db).await;
        assert_tree_figures(&db, &users).await;
        // Subtrees move about (a move that would make a loop is refused and changes nothing).
        for _ in 0..4 {
            let who = users[next(users.len() as u64) as usize];
            let to = (next(4) > 0).then(|| users[next(users.len() as u64) as usize]);
            let _ = referrals::move_upline(&db, who, to, admin, &here()).await;
        }
        assert_tree_figures(&db, &users).await;
        for req in request::Entity::find()
            .filter(request::Column::Kind.eq("participation"))
            .filter(request::Column::Status.eq("pending"))
            .all(&db)
            .await
            .unwrap()
        {
            approvals::reject(&db, admin, req.id, "no", &here())
                .await
                .unwrap();
        }
        for (u, b) in users.iter().zip(&before) {
            assert_eq!(balance(&db, *u).await, *b, "user {u}");
        }
        assert_eq!(
            commissions(&db)
                .await
                .iter()
                .map(|c| c.amount_minor)
                .sum::<i64>(),
            0
        );
        assert_invariants(&db).await;
        assert_tree_figures(&db, &users).await;
    }
);
