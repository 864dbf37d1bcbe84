//! Coupons: granted to their audience, taken at checkout with a promo code that combines,
//! counted in their statistics, refused when they may not be used, given back by a refund,
//! and held to their total limit by simultaneous purchases.
use crate::common::prop::{admin_with_still_feed, publish, turn_down, usd_challenge};
use crate::common::{self, code, here};
use crate::offers::{buy_with, enabled, form as promo_form, funded, wallet};
use app::domain::access::UserKind;
use app::domain::challenge::StageDef;
use app::domain::offers::Covered;
use app::model::{CouponForm, CouponState, ListQuery, PackageChoice, PromoCodeForm};
use app::server::offers::coupons;
use app::server::prop::challenges;
use app::server::settings;
use sea_orm::DatabaseConnection;

fn coupon(title: &str, discount: &str, audience: &str) -> CouponForm {
    CouponForm {
        title: title.into(),
        colour: "#16a34a".into(),
        body: "For our traders".into(),
        discount: discount.into(),
        currency: if discount.ends_with('%') { "" } else { "USD" }.into(),
        audience: audience.into(),
        ..Default::default()
    }
}

async fn catalogue(db: &DatabaseConnection) -> Vec<PackageChoice> {
    challenges::on_sale(db).await.unwrap()
}

async fn group(db: &DatabaseConnection, admin: i64, name: &str) -> i64 {
    settings::save_group(
        db,
        admin,
        None,
        settings::GroupForm {
            name,
            description: "",
            is_default: false,
            visible_levels: "",
            report_months: "",
        },
    )
    .await
    .unwrap()
}

// The figures: a 100.00 USD package, a 20% coupon for a client group once per client,
// a 10.00 USD promo code that combines: 100.00 - 20.00 - 10.00 = 70.00 paid. The fee record,
// the wallet and the coupon's statistics agree; a second use is refused; a refund gives the
// wallet and the use back.
on_both!(
    a_group_coupon_and_a_combinable_code_take_both_discounts,
    |db| {
        use app::server::entity::participation_fee;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let admin = admin_with_still_feed(&db).await;
        let ch = publish(
            &db,
            admin,
            usd_challenge("Coupons", vec![StageDef::demo_default()]),
        )
        .await;
        let vip = group(&db, admin, "VIP").await;
        let t = funded(&db, admin, "vip@example.com").await;
        let outsider = funded(&db, admin, "out@example.com").await;
        settings::assign_group(&db, admin, t, vip).await.unwrap();
        let c = coupons::save(
            &db,
            admin,
            CouponForm {
                group_ids: vec![vip],
                per_client: 1,
                scope: vec![Covered {
                    challenge_id: ch,
                    package: Some("p1".into()),
                }],
                ..coupon("Welcome 20", "20%", "groups")
            },
            &catalogue(&db).await,
            &here(),
        )
        .await
        .unwrap();
        assert_eq!((c.granted, c.used), (1, 0));
        enabled(
            &db,
            admin,
            PromoCodeForm {
                combinable: true,
                ..promo_form("TENUSD")
            },
        )
        .await;
        enabled(
            &db,
            admin,
            PromoCodeForm {
                combinable: false,
                ..promo_form("ALONE")
            },
        )
        .await;
        let mine = coupons::of_client(&db, t, chrono::Utc::now())
            .await
            .unwrap();
        assert_eq!(
            (mine.len(), mine[0].state, mine[0].left),
            (1, CouponState::Valid, Some(1))
        );
        assert!(
            coupons::of_client(&db, outsider, chrono::Utc::now())
                .await
                .unwrap()
                .is_empty()
        );

        use app::server::prop::participation;
        let (q, _) = participation::quote(&db, t, ch, "p1", c.id, "tenusd")
            .await
            .unwrap();
        assert_eq!(
            (q.list_minor, q.coupon_minor, q.promo_minor, q.paid_minor),
            (10_000, 2_000, 1_000, 7_000)
        );
        let e = participation::quote(&db, t, ch, "p1", c.id, "ALONE")
            .await
            .unwrap_err();
        assert_eq!(code(e, "promo_code"), "err.promo_code_not_combinable");
        // Another client's coupon is not theirs to use.
        let e = buy_with(&db, outsider, ch, "theirs", c.id, "")
            .await
            .unwrap_err();
        assert_eq!(code(e, "coupon"), "err.coupon_unknown");

        let p = buy_with(&db, t, ch, "first", c.id, "TENUSD").await.unwrap();
        assert_eq!(wallet(&db, t).await, 50_000 - 7_000);
        let fee = participation_fee::Entity::find()
            .filter(participation_fee::Column::ParticipantId.eq(p))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((fee.list_minor, fee.amount_minor), (10_000, 7_000));
        let row = &coupons::list(&db, &ListQuery::default(), true)
            .await
            .unwrap()
            .rows[0];
        assert_eq!(
            (
                row.granted,
                row.used,
                row.revenue_before[0].to_string(),
                row.revenue_after[0].to_string()
            ),
            (1, 1, "100.00 USD".into(), "70.00 USD".into())
        );
        // Once per client: the second use is refused and changes nothing.
        let e = buy_with(&db, t, ch, "second", c.id, "").await.unwrap_err();
        assert_eq!(code(e, "coupon"), "err.coupon_used_up");
        assert_eq!(wallet(&db, t).await, 43_000);
        assert_eq!(common::count(&db, "participant").await, 1);
        let mine = coupons::of_client(&db, t, chrono::Utc::now())
            .await
            .unwrap();
        assert_eq!((mine[0].state, mine[0].used), (CouponState::Used, 1));
        // A coupon a purchase used is frozen.
        let e = coupons::save(
            &db,
            admin,
            CouponForm {
                id: c.id,
                group_ids: vec![vip],
                ..coupon("Welcome 25", "25%", "groups")
            },
            &catalogue(&db).await,
            &here(),
        )
        .await
        .unwrap_err();
        assert_eq!(code(e, "form"), "err.coupon_frozen");

        // Turned down: the 70.00 paid comes back, and both uses with it.
        turn_down(&db, admin, t).await;
        assert_eq!(wallet(&db, t).await, 50_000);
        let mine = coupons::of_client(&db, t, chrono::Utc::now())
            .await
            .unwrap();
        assert_eq!(mine[0].state, CouponState::Valid);
        buy_with(&db, t, ch, "again", c.id, "TENUSD").await.unwrap();
        assert_eq!(wallet(&db, t).await, 43_000);
        common::assert_invariants(&db).await;
    }
);

// Each refusal names its field and changes nothing: bad forms, and coupons that may not be
// used (expired, revoked, another challenge's).
on_both!(bad_coupons_are_refused_and_change_nothing, |db| {
    let admin = admin_with_still_feed(&db).await;
    let ch = publish(
        &db,
        admin,
        usd_challenge("Strict", vec![StageDef::demo_default()]),
    )
    .await;
    let other = publish(
        &db,
        admin,
        usd_challenge("Other", vec![StageDef::demo_default()]),
    )
    .await;
    make_client(&db, "listed@example.com").await;
    let cat = catalogue(&db).await;
    let only = |challenge_id| {
        vec![Covered {
            challenge_id,
            package: None,
        }]
    };
    let cases: Vec<(CouponForm, &str, &str)> = vec![
        (
            coupon("Over", "101%", "existing_clients"),
            "discount",
            "err.discount_over_100",
        ),
        (
            coupon("Zero", "0", "existing_clients"),
            "discount",
            "err.discount_positive",
        ),
        (
            CouponForm {
                currency: "EUR".into(),
                scope: only(ch),
                ..coupon("Euros", "10.00", "existing_clients")
            },
            "discount",
            "err.discount_currency",
        ),
        (
            CouponForm {
                scope: only(ch),
                ..coupon("Too much", "150.00", "existing_clients")
            },
            "discount",
            "err.discount_above_price",
        ),
        (
            coupon("Nobody", "10%", "everyone"),
            "audience",
            "err.audience_unknown",
        ),
        (
            coupon("No groups", "10%", "groups"),
            "group_ids",
            "err.audience_empty",
        ),
        (
            CouponForm {
                group_ids: vec![9_999],
                ..coupon("Ghost group", "10%", "groups")
            },
            "group_ids",
            "err.group_unknown",
        ),
        (
            coupon("No list", "10%", "list"),
            "clients",
            "err.audience_empty",
        ),
        (
            CouponForm {
                clients: "listed@example.com, stranger@example.com".into(),
                ..coupon("Stranger", "10%", "list")
            },
            "clients",
            "err.client_unknown",
        ),
        (
            CouponForm {
                colour: "green".into(),
                ..coupon("Colour", "10%", "existing_clients")
            },
            "colour",
            "err.colour_invalid",
        ),
        (
            CouponForm {
                link_code: "NOSUCHLINK".into(),
                ..coupon("Link", "10%", "new_clients")
            },
            "link_code",
            "err.link_unknown",
        ),
        (
            CouponForm {
                scope: vec![Covered {
                    challenge_id: ch,
                    package: Some("nope".into()),
                }],
                ..coupon("Package", "10%", "existing_clients")
            },
            "scope",
            "err.package_unknown",
        ),
        (
            coupon("", "10%", "existing_clients"),
            "title",
            "err.required",
        ),
    ];
    for (bad, field, want) in cases {
        let e = coupons::save(&db, admin, bad, &cat, &here())
            .await
            .unwrap_err();
        assert_eq!(code(e, field), want);
    }
    assert_eq!(common::count(&db, "coupon").await, 0);
    assert_eq!(common::count(&db, "coupon_grant").await, 0);

    let t = funded(&db, admin, "t@example.com").await;
    let save = |f: CouponForm| {
        let db = db.clone();
        let cat = cat.clone();
        async move { coupons::save(&db, admin, f, &cat, &here()).await.unwrap() }
    };
    let expired = save(CouponForm {
        valid_from: "2020-01-01".into(),
        valid_to: "2020-01-31".into(),
        ..coupon("Old", "10%", "existing_clients")
    })
    .await;
    let revoked = save(coupon("Revoked", "10%", "existing_clients")).await;
    coupons::revoke(&db, admin, revoked.id, &here())
        .await
        .unwrap();
    let elsewhere = save(CouponForm {
        scope: only(other),
        ..coupon("Elsewhere", "10%", "existing_clients")
    })
    .await;
    for (id, want) in [
        (expired.id, "err.coupon_expired"),
        (revoked.id, "err.coupon_revoked"),
        (elsewhere.id, "err.coupon_not_covered"),
        (9_999, "err.coupon_unknown"),
    ] {
        let e = buy_with(&db, t, ch, &format!("k{id}"), id, "")
            .await
            .unwrap_err();
        assert_eq!(code(e, "coupon"), want);
    }
    assert_eq!(wallet(&db, t).await, 50_000);
    assert_eq!(common::count(&db, "participant").await, 0);
    assert_eq!(common::count(&db, "offer_use").await, 0);
    // A revoked coupon cannot be granted again.
    let e = coupons::grant_more(
        &db,
        admin,
        revoked.id,
        vec![],
        "t@example.com".into(),
        &here(),
    )
    .await
    .unwrap_err();
    assert_eq!(code(e, "form"), "err.coupon_revoked");
});

async fn make_client(db: &DatabaseConnection, email: &str) -> i64 {
    common::make_user(db, UserKind::Trader, email, None)
        .await
        .id
}

// A new-clients coupon on a promotional link is granted to who signs up through it, and only
// to them; staff grant a list coupon to more clients later.
on_both!(
    coupons_reach_new_clients_through_a_link_and_more_clients_later,
    |db| {
        use app::i18n::Locale;
        use app::model::LinkForm;
        use app::server::ib::links::{self, Owner};
        use app::server::identity::auth::{self, RegisterInput};
        let admin = admin_with_still_feed(&db).await;
        let link = links::create(
            &db,
            Owner::Firm,
            admin,
            LinkForm {
                name: "Spring campaign".into(),
                target: "register".into(),
                challenge_id: 0,
            },
            "http://localhost",
            &here(),
        )
        .await
        .unwrap();
        let cat = catalogue(&db).await;
        let welcome = coupons::save(
            &db,
            admin,
            CouponForm {
                link_code: link.code.clone(),
                ..coupon("Welcome", "15%", "new_clients")
            },
            &cat,
            &here(),
        )
        .await
        .unwrap();
        assert_eq!(welcome.granted, 0);
        let register = |email: &str, link: &str| RegisterInput {
            kind: UserKind::Trader,
            email: email.into(),
            password: "correct horse battery".into(),
            first_name: "Nia".into(),
            last_name: "Okafor".into(),
            country: "GB".into(),
            phone: "+441632960002".into(),
            referral_code: String::new(),
            link: link.into(),
            locale: Locale::En,
        };
        let via = auth::register(
            &db,
            &common::cfg(),
            register("via@example.com", &link.code),
            &here(),
        )
        .await
        .unwrap();
        let direct = auth::register(
            &db,
            &common::cfg(),
            register("direct@example.com", ""),
            &here(),
        )
        .await
        .unwrap();
        let titles =
            |v: Vec<app::model::ClientCoupon>| v.into_iter().map(|c| c.title).collect::<Vec<_>>();
        assert_eq!(
            titles(
                coupons::of_client(&db, via.id, chrono::Utc::now())
                    .await
                    .unwrap()
            ),
            vec!["Welcome".to_string()]
        );
        assert!(
            coupons::of_client(&db, direct.id, chrono::Utc::now())
                .await
                .unwrap()
                .is_empty()
        );
        let listed = coupons::save(
            &db,
            admin,
            CouponForm {
                clients: "via@example.com".into(),
                ..coupon("Loyal", "5.00", "list")
            },
            &cat,
            &here(),
        )
        .await
        .unwrap();
        assert_eq!(listed.granted, 1);
        let n = coupons::grant_more(
            &db,
            admin,
            listed.id,
            vec![],
            "via@example.com\ndirect@example.com".into(),
            &here(),
        )
        .await
        .unwrap();
        assert_eq!(n, 1, "who has it keeps the first grant");
        assert_eq!(
            common::count(
                &db,
                &format!("coupon_grant WHERE coupon_id = {}", listed.id)
            )
            .await,
            2
        );
    }
);

// Thirty clients buy at once with a coupon limited to ten uses: exactly ten take it; the
// others are refused before anything is charged.
on_both!(
    a_coupons_total_limit_holds_under_simultaneous_purchases,
    |db| {
        let admin = admin_with_still_feed(&db).await;
        let ch = publish(
            &db,
            admin,
            usd_challenge("Rush", vec![StageDef::demo_default()]),
        )
        .await;
        let mut traders = Vec::new();
        for i in 0..30 {
            traders.push(funded(&db, admin, &format!("rush{i}@example.com")).await);
        }
        let c = coupons::save(
            &db,
            admin,
            CouponForm {
                total_limit: 10,
                ..coupon("First ten", "50%", "existing_clients")
            },
            &catalogue(&db).await,
            &here(),
        )
        .await
        .unwrap();
        assert_eq!(c.granted, 30);
        let tries = traders.iter().map(|&t| {
            let db = db.clone();
            async move { buy_with(&db, t, ch, "rush", c.id, "").await }
        });
        let results = futures::future::join_all(tries).await;
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 10);
        for r in results.into_iter().filter_map(Result::err) {
            assert_eq!(code(r, "coupon"), "err.coupon_exhausted");
        }
        assert_eq!(common::count(&db, "offer_use").await, 10);
        let mut paid = 0;
        for t in traders {
            paid += 50_000 - wallet(&db, t).await;
        }
        assert_eq!(paid, 10 * 5_000);
        common::assert_invariants(&db).await;
    }
);
