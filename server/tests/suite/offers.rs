//! Offers: a promo code's lifecycle (frozen once enabled), the checks on its form, and when a
//! client may use it.
use crate::common::prop::admin_with_still_feed;
use crate::common::{self, code, here};
use app::domain::offers::PromoState;
use app::model::{ListQuery, PromoCodeForm};
use app::server::offers::promo_codes;
use chrono::{Duration, Utc};

fn form(code: &str) -> PromoCodeForm {
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
        let found = promo_codes::usable(&db, "spring-10", Utc::now())
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
        let e = promo_codes::usable(&db, "SPRING-10", Utc::now())
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
    let e = promo_codes::usable(&db, "OLD", Utc::now())
        .await
        .unwrap_err();
    assert_eq!(code(e, "promo_code"), "err.promo_code_unknown");
    let in_range = chrono::NaiveDate::from_ymd_opt(2020, 1, 31)
        .unwrap()
        .and_hms_opt(23, 59, 0)
        .unwrap()
        .and_utc();
    assert!(promo_codes::usable(&db, "OLD", in_range).await.is_ok());
    assert!(
        promo_codes::usable(&db, "OLD", in_range + Duration::minutes(1))
            .await
            .is_err()
    );
});
