//! Firm notices: delivered to their audience in each client's language with the coupon they
//! carry, popped up until read, sent later when set for later, and refused when ill-formed.
use crate::common::prop::admin_with_still_feed;
use crate::common::{self, code, here};
use app::domain::access::UserKind;
use app::model::{CouponForm, NoticeForm};
use app::server::messages::notices;
use app::server::offers::coupons;
use app::server::settings;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};

fn notice(audience: &str) -> NoticeForm {
    NoticeForm {
        title_en: "Spring sale".into(),
        body_en: "20% off every challenge this week.".into(),
        title_es: "Rebajas de primavera".into(),
        body_es: "20% de descuento en todos los desafíos esta semana.".into(),
        link: "/challenges".into(),
        audience: audience.into(),
        ..Default::default()
    }
}

async fn client(db: &DatabaseConnection, email: &str, locale: &str) -> i64 {
    use app::server::entity::user;
    let u = common::make_user(db, UserKind::Trader, email, None).await;
    let mut m: user::ActiveModel = u.into();
    m.locale = Set(locale.into());
    m.update(db).await.unwrap().id
}

on_both!(
    a_notice_reaches_its_group_in_each_language_with_its_coupon,
    |db| {
        let admin = admin_with_still_feed(&db).await;
        let vip = settings::save_group(
            &db,
            admin,
            None,
            settings::GroupForm {
                name: "VIP",
                description: "",
                is_default: false,
                visible_levels: "",
                report_months: "",
            },
        )
        .await
        .unwrap();
        let ana = client(&db, "ana@example.com", "es").await;
        let ben = client(&db, "ben@example.com", "en").await;
        let out = client(&db, "out@example.com", "en").await;
        for u in [ana, ben] {
            settings::assign_group(&db, admin, u, vip).await.unwrap();
        }
        let c = coupons::save(
            &db,
            admin,
            CouponForm {
                title: "Spring".into(),
                colour: "#16a34a".into(),
                discount: "20%".into(),
                audience: "list".into(),
                clients: "out@example.com".into(),
                ..Default::default()
            },
            &[],
            &here(),
        )
        .await
        .unwrap();
        let sent = notices::send(
            &db,
            admin,
            NoticeForm {
                group_ids: vec![vip],
                coupon_id: c.id,
                ..notice("groups")
            },
            &here(),
        )
        .await
        .unwrap();
        assert_eq!(sent.recipients, 2);
        assert!(!sent.sent_at.is_empty());
        let p = notices::popup(&db, ana).await.unwrap().unwrap();
        assert_eq!(
            (p.title.as_str(), p.link.as_str(), p.coupon.as_str()),
            ("Rebajas de primavera", "/challenges", "Spring · −20%")
        );
        let p = notices::popup(&db, ben).await.unwrap().unwrap();
        assert_eq!(p.title, "Spring sale");
        assert!(notices::popup(&db, out).await.unwrap().is_none());
        // The coupon came with it.
        for u in [ana, ben] {
            let mine = coupons::of_client(&db, u, chrono::Utc::now())
                .await
                .unwrap();
            assert_eq!(mine[0].title, "Spring");
        }
        // Closing it reads it; another client cannot close it for them.
        let ana_popup = notices::popup(&db, ana).await.unwrap().unwrap();
        assert!(matches!(
            notices::seen(&db, ben, ana_popup.id).await.unwrap_err(),
            app::error::AppError::NotFound
        ));
        notices::seen(&db, ana, ana_popup.id).await.unwrap();
        assert!(notices::popup(&db, ana).await.unwrap().is_none());
        assert!(notices::popup(&db, ben).await.unwrap().is_some());
    }
);

on_both!(a_notice_set_for_later_is_delivered_once_when_due, |db| {
    use app::server::entity::firm_notice;
    let admin = admin_with_still_feed(&db).await;
    let t = client(&db, "t@example.com", "en").await;
    let later = notices::send(
        &db,
        admin,
        NoticeForm {
            send_at: "2099-01-01T09:30".into(),
            ..notice("everyone")
        },
        &here(),
    )
    .await
    .unwrap();
    assert_eq!(
        (later.sent_at.as_str(), later.send_at.as_str()),
        ("", "2099-01-01 09:30")
    );
    assert_eq!(notices::deliver_due(&db).await.unwrap(), 0);
    assert!(notices::popup(&db, t).await.unwrap().is_none());
    // Its time comes.
    let mut m: firm_notice::ActiveModel = firm_notice::Entity::find_by_id(later.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap()
        .into();
    m.send_at = Set(chrono::Utc::now() - chrono::Duration::minutes(1));
    m.update(&db).await.unwrap();
    assert_eq!(notices::deliver_due(&db).await.unwrap(), 1);
    assert_eq!(notices::deliver_due(&db).await.unwrap(), 0);
    assert_eq!(
        notices::popup(&db, t).await.unwrap().unwrap().title,
        "Spring sale"
    );
    assert_eq!(
        common::count(&db, "notification WHERE kind = 'notice.firm'").await,
        1
    );
});

on_both!(bad_notices_are_refused_and_send_nothing, |db| {
    let admin = admin_with_still_feed(&db).await;
    client(&db, "t@example.com", "en").await;
    let revoked = coupons::save(
        &db,
        admin,
        CouponForm {
            title: "Gone".into(),
            colour: "#16a34a".into(),
            discount: "5%".into(),
            audience: "new_clients".into(),
            ..Default::default()
        },
        &[],
        &here(),
    )
    .await
    .unwrap();
    coupons::revoke(&db, admin, revoked.id, &here())
        .await
        .unwrap();
    let cases: Vec<(NoticeForm, &str, &str)> = vec![
        (notice(""), "audience", "err.audience_unknown"),
        (notice("groups"), "group_ids", "err.audience_empty"),
        (notice("list"), "clients", "err.audience_empty"),
        (
            NoticeForm {
                clients: "nobody@example.com".into(),
                ..notice("list")
            },
            "clients",
            "err.client_unknown",
        ),
        (
            NoticeForm {
                title_en: " ".into(),
                ..notice("everyone")
            },
            "title_en",
            "err.required",
        ),
        (
            NoticeForm {
                body_es: String::new(),
                ..notice("everyone")
            },
            "body_es",
            "err.required",
        ),
        (
            NoticeForm {
                link: "javascript:alert(1)".into(),
                ..notice("everyone")
            },
            "link",
            "err.notice_link_invalid",
        ),
        (
            NoticeForm {
                coupon_id: revoked.id,
                ..notice("everyone")
            },
            "coupon_id",
            "err.coupon_revoked",
        ),
        (
            NoticeForm {
                send_at: "tomorrow".into(),
                ..notice("everyone")
            },
            "send_at",
            "err.date_invalid",
        ),
    ];
    for (bad, field, want) in cases {
        let e = notices::send(&db, admin, bad, &here()).await.unwrap_err();
        assert_eq!(code(e, field), want);
    }
    assert_eq!(common::count(&db, "firm_notice").await, 0);
    assert_eq!(
        common::count(&db, "notification WHERE kind = 'notice.firm'").await,
        0
    );
});
