//! Offers: a promo code's lifecycle (frozen once enabled), the checks on its form, and when a
//! client may use it.
use crate::common::prop::{admin_with_still_feed, publish, turn_down, usd_challenge};
use crate::common::{self, code, here};
use app::domain::offers::PromoState;
use app::model::{ListQuery, PromoCodeForm};
use app::server::offers::promo_codes;
use chrono::{Duration, Utc};

pub(crate) fn form(code: &str) -> PromoCodeForm {
    PromoCodeForm {
        code: code.into(),
        name: "Spring".into(),
        discount: "10.00".into(),
        currency: "USD".into(),
        combinable: true,
        ..Default::default()
    }
}

on_both!(
    a_promo_code_is_frozen_once_enabled_and_deleted_only_when_not,
    |db| {
        let admin = admin_with_still_feed(&db).await;
        let created = promo_codes::save(&db, admin, form(" spring-10 "), &here())
            .await
            .unwrap();
        assert_eq!(
            (
                created.code.as_str(),
                created.discount.as_str(),
                created.state
            ),
            ("SPRING-10", "10.00 USD", PromoState::NotEnabled)
        );
        // Not yet enabled: its terms may change.
        let edited = promo_codes::save(
            &db,
            admin,
            PromoCodeForm {
                id: created.id,
                discount: "15%".into(),
                per_client: 2,
                valid_to: "2099-12-31".into(),
                ..form("SPRING-10")
            },
            &here(),
        )
        .await
        .unwrap();
        assert_eq!(
            (
                edited.discount.as_str(),
                edited.per_client,
                edited.valid_to.as_str()
            ),
            ("15%", Some(2), "2099-12-31")
        );
        // Disabling what was never enabled is no move.
        let e = promo_codes::set_state(&db, admin, created.id, PromoState::Disabled, &here())
            .await
            .unwrap_err();
        assert_eq!(code(e, "state"), "err.promo_code_state");
        promo_codes::set_state(&db, admin, created.id, PromoState::Enabled, &here())
            .await
            .unwrap();
        let found = promo_codes::usable(&db, "spring-10", Utc::now(), false)
            .await
            .unwrap();
        assert_eq!(found.id, created.id);
        // Enabled: frozen, and not deletable.
        let e = promo_codes::save(
            &db,
            admin,
            PromoCodeForm {
                id: created.id,
                ..form("SPRING-10")
            },
            &here(),
        )
        .await
        .unwrap_err();
        assert_eq!(code(e, "form"), "err.promo_code_frozen");
        let e = promo_codes::delete(&db, admin, created.id, &here())
            .await
            .unwrap_err();
        assert_eq!(code(e, "state"), "err.promo_code_enabled");
        let listed = promo_codes::list(&db, &ListQuery::default(), true)
            .await
            .unwrap();
        assert_eq!(listed.rows[0].discount, "15%");
        // Disabled: no longer usable; then deleted.
        promo_codes::set_state(&db, admin, created.id, PromoState::Disabled, &here())
            .await
            .unwrap();
        let e = promo_codes::usable(&db, "SPRING-10", Utc::now(), false)
            .await
            .unwrap_err();
        assert_eq!(code(e, "promo_code"), "err.promo_code_unknown");
        promo_codes::delete(&db, admin, created.id, &here())
            .await
            .unwrap();
        assert_eq!(common::count(&db, "promo_code").await, 0);
        // Each change was audited: created, updated, enabled, disabled, deleted.
        assert_eq!(
            common::count(&db, "audit_log WHERE target_type = 'promo_code'").await,
            5
        );
    }
);

on_both!(bad_promo_codes_are_refused_and_change_nothing, |db| {
    let admin = admin_with_still_feed(&db).await;
    promo_codes::save(&db, admin, form("TAKEN"), &here())
        .await
        .unwrap();
    let cases: Vec<(PromoCodeForm, &str, &str)> = vec![
        (form("TAKEN"), "code", "err.promo_code_taken"),
        (form("A B"), "code", "err.promo_code_invalid"),
        (
            PromoCodeForm {
                discount: "101%".into(),
                ..form("OVER")
            },
            "discount",
            "err.discount_over_100",
        ),
        (
            PromoCodeForm {
                discount: "-5".into(),
                ..form("NEGATIVE")
            },
            "discount",
            "err.discount_positive",
        ),
        (
            PromoCodeForm {
                currency: "XYZ".into(),
                ..form("CURRENCY")
            },
            "currency",
            "err.currency_unknown",
        ),
        (
            PromoCodeForm {
                currency: "".into(),
                ..form("NOCURRENCY")
            },
            "currency",
            "err.required",
        ),
        (
            PromoCodeForm {
                valid_from: "2026-12-10".into(),
                valid_to: "2026-12-01".into(),
                ..form("BACKWARDS")
            },
            "valid_to",
            "err.validity_order",
        ),
        (
            PromoCodeForm {
                valid_from: "tomorrow".into(),
                ..form("NODATE")
            },
            "valid_from",
            "err.date_invalid",
        ),
    ];
    for (bad, field, want) in cases {
        let e = promo_codes::save(&db, admin, bad, &here())
            .await
            .unwrap_err();
        assert_eq!(code(e, field), want);
    }
    let e = promo_codes::save(
        &db,
        admin,
        PromoCodeForm {
            id: 9_999,
            ..form("GHOST")
        },
        &here(),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, app::error::AppError::NotFound), "{e:?}");
    assert_eq!(common::count(&db, "promo_code").await, 1);
    // Outside its validity period a code is not usable.
    let past = promo_codes::save(
        &db,
        admin,
        PromoCodeForm {
            valid_from: "2020-01-01".into(),
            valid_to: "2020-01-31".into(),
            ..form("OLD")
        },
        &here(),
    )
    .await
    .unwrap();
    promo_codes::set_state(&db, admin, past.id, PromoState::Enabled, &here())
        .await
        .unwrap();
    let e = promo_codes::usable(&db, "OLD", Utc::now(), false)
        .await
        .unwrap_err();
    assert_eq!(code(e, "promo_code"), "err.promo_code_unknown");
    let in_range = chrono::NaiveDate::from_ymd_opt(2020, 1, 31)
        .unwrap()
        .and_hms_opt(23, 59, 0)
        .unwrap()
        .and_utc();
    assert!(
        promo_codes::usable(&db, "OLD", in_range, false)
            .await
            .is_ok()
    );
    assert!(
        promo_codes::usable(&db, "OLD", in_range + Duration::minutes(1), false)
            .await
            .is_err()
    );
});

/// A trader with 500.00 USD in their wallet.
pub(crate) async fn funded(db: &sea_orm::DatabaseConnection, admin: i64, email: &str) -> i64 {
    use app::domain::access::UserKind;
    use app::server::money::wallets::{self, Adjustment};
    let t = crate::common::make_user(db, UserKind::Trader, email, None).await;
    let funds = Adjustment {
        idempotency_key: format!("fund-{email}"),
        user_id: t.id,
        currency: "USD".into(),
        direction: "deposit".into(),
        amount: "500.00".into(),
        comment: "test funds".into(),
    };
    wallets::adjust(db, admin, funds, &here()).await.unwrap();
    t.id
}

async fn buy(
    db: &sea_orm::DatabaseConnection,
    user: i64,
    challenge: i64,
    key: &str,
    promo: &str,
) -> Result<i64, app::error::AppError> {
    buy_with(db, user, challenge, key, 0, promo).await
}

/// Buys package p1 with a coupon (0: none) and a promo code (empty: none).
pub(crate) async fn buy_with(
    db: &sea_orm::DatabaseConnection,
    user: i64,
    challenge: i64,
    key: &str,
    coupon: i64,
    promo: &str,
) -> Result<i64, app::error::AppError> {
    use app::server::prop::participation::{self, ParticipateInput};
    let input = ParticipateInput {
        challenge_id: challenge,
        package_key: "p1".into(),
        pay_method: "wallet".into(),
        idempotency_key: key.into(),
        coupon,
        promo_code: promo.into(),
    };
    participation::participate(db, user, input, &here())
        .await
        .map(|(p, _)| p.id)
}

pub(crate) async fn wallet(db: &sea_orm::DatabaseConnection, user: i64) -> i64 {
    app::server::money::ledger::wallet(db, user, common::usd())
        .await
        .unwrap()
        .balance_minor
}

pub(crate) async fn enabled(
    db: &sea_orm::DatabaseConnection,
    admin: i64,
    form: PromoCodeForm,
) -> i64 {
    let c = promo_codes::save(db, admin, form, &here()).await.unwrap();
    promo_codes::set_state(db, admin, c.id, PromoState::Enabled, &here())
        .await
        .unwrap();
    c.id
}

// A 100.00 USD package with a 10.00 USD code usable once per client: 90.00 leaves the wallet,
// the fee record keeps 100.00 before and 90.00 paid; a second use is refused and changes
// nothing; a refund returns 90.00 and the use, so the code works again.
on_both!(
    a_promo_code_takes_its_discount_off_the_fee_once_per_client,
    |db| {
        use app::domain::challenge::StageDef;
        use app::server::entity::participation_fee;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let admin = admin_with_still_feed(&db).await;
        let ch = publish(
            &db,
            admin,
            usd_challenge("Discounted", vec![StageDef::demo_default()]),
        )
        .await;
        enabled(
            &db,
            admin,
            PromoCodeForm {
                per_client: 1,
                ..form("TENOFF")
            },
        )
        .await;
        enabled(
            &db,
            admin,
            PromoCodeForm {
                currency: "EUR".into(),
                ..form("EUROS")
            },
        )
        .await;
        let t = funded(&db, admin, "t@example.com").await;
        // The preview gives what the purchase will take, and refuses what it would refuse.
        use app::server::prop::participation;
        let (q, _) = participation::quote(&db, t, ch, "p1", 0, "tenoff")
            .await
            .unwrap();
        assert_eq!(
            (q.list_minor, q.discount_minor(), q.paid_minor),
            (10_000, 1_000, 9_000)
        );
        let (q, _) = participation::quote(&db, t, ch, "p1", 0, "").await.unwrap();
        assert_eq!(q.paid_minor, 10_000);
        let e = participation::quote(&db, t, ch, "p1", 0, "NOPE")
            .await
            .unwrap_err();
        assert_eq!(code(e, "promo_code"), "err.promo_code_unknown");
        let p = buy(&db, t, ch, "first", "tenoff").await.unwrap();
        assert_eq!(wallet(&db, t).await, 41_000);
        let fee = participation_fee::Entity::find()
            .filter(participation_fee::Column::ParticipantId.eq(p))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((fee.list_minor, fee.amount_minor), (10_000, 9_000));

        for (key, code_typed, want) in [
            ("second", "TENOFF", "err.promo_code_used_up"),
            ("euros", "EUROS", "err.promo_code_currency"),
            ("unknown", "NOPE", "err.promo_code_unknown"),
            ("malformed", "no pe!", "err.promo_code_invalid"),
        ] {
            let e = buy(&db, t, ch, key, code_typed).await.unwrap_err();
            assert_eq!(code(e, "promo_code"), want, "{code_typed}");
        }
        assert_eq!(wallet(&db, t).await, 41_000);
        assert_eq!(common::count(&db, "participant").await, 1);
        assert_eq!(common::count(&db, "offer_use").await, 1);

        // Turned down: the fee paid comes back, and so does the use.
        turn_down(&db, admin, t).await;
        assert_eq!(wallet(&db, t).await, 50_000);
        buy(&db, t, ch, "again", "TENOFF").await.unwrap();
        assert_eq!(wallet(&db, t).await, 41_000);
        common::assert_invariants(&db).await;
    }
);

// Ten purchases at once by one client with a code usable three times: three take it, the
// others are refused before anything is charged.
on_both!(
    a_promo_codes_use_count_holds_under_simultaneous_purchases,
    |db| {
        use app::domain::challenge::StageDef;
        let admin = admin_with_still_feed(&db).await;
        let ch = publish(
            &db,
            admin,
            usd_challenge("Busy", vec![StageDef::demo_default()]),
        )
        .await;
        enabled(
            &db,
            admin,
            PromoCodeForm {
                per_client: 3,
                discount: "50%".into(),
                currency: "".into(),
                ..form("HALF")
            },
        )
        .await;
        let t = funded(&db, admin, "busy@example.com").await;
        let tries = (0..10).map(|i| {
            let db = db.clone();
            async move { buy(&db, t, ch, &format!("k{i}"), "HALF").await }
        });
        let results = futures::future::join_all(tries).await;
        let taken = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(taken, 3);
        for r in results.into_iter().filter_map(Result::err) {
            assert_eq!(code(r, "promo_code"), "err.promo_code_used_up");
        }
        assert_eq!(common::count(&db, "offer_use").await, 3);
        assert_eq!(wallet(&db, t).await, 50_000 - 3 * 5_000);
        common::assert_invariants(&db).await;
    }
);
