//! Deposits, withdrawals, transfers, KYC and the approval engine, on SQLite and PostgreSQL:
//! the flows, the exactly-once transitions, the limits, and bad input that must change nothing.
use crate::common;
use app::domain::access::UserKind;
use app::domain::approval::{PaymentStatus, RequestKind, RequestStatus};
use app::domain::kyc::KycStatus;
use app::error::AppError;
use app::model::{FundsSettings, KycFormDto, KycItem, LevelDto, ListQuery, MethodDto};
use app::server::entity::{request, user};
use app::server::{
    approvals, identity::kyc, money::funds, money::ledger, money::wallets, settings,
};
use common::make_user;
use common::{assert_invariants, code, here};
use sea_orm::{DatabaseConnection, EntityTrait};

/// The firm as the tests need it: an administrator, a trader, and methods.
struct Firm {
    admin: i64,
    trader: i64,
    bank: i64,
    psp: i64,
    card: i64,
    card_dest: i64,
}

async fn method(db: &DatabaseConnection, admin: i64, m: MethodDto) -> i64 {
    settings::save_method(db, admin, m).await.unwrap()
}

async fn firm(db: &DatabaseConnection) -> Firm {
    let admin = make_user(
        db,
        UserKind::Staff,
        "admin@example.com",
        Some("Administrator"),
    )
    .await;
    let trader = make_user(db, UserKind::Trader, "trader@example.com", None).await;
    let m = |direction: &str, kind: &str, name: &str| MethodDto {
        direction: direction.into(),
        kind: kind.into(),
        name: name.into(),
        currency: "USD".into(),
        enabled: true,
        ..Default::default()
    };
    let bank = method(db, admin.id, m("deposit", "bank_transfer", "Bank transfer")).await;
    let psp = method(
        db,
        admin.id,
        MethodDto {
            fee_bps: 100,
            ..m("deposit", "test_psp", "Card (test provider)")
        },
    )
    .await;
    let card = method(
        db,
        admin.id,
        MethodDto {
            min: "10".into(),
            max: "5000".into(),
            fee_fixed: "1.00".into(),
            ..m("withdrawal", "bank_card", "Bank card")
        },
    )
    .await;
    // KYC has its own test; here no action waits for it.
    settings::save_funds_settings(
        db,
        admin.id,
        FundsSettings {
            kyc_policy: vec![],
            max_pending: 3,
            third_party_transfers: false,
        },
    )
    .await
    .unwrap();
    let card_dest = funds::add_destination(
        db,
        trader.id,
        "bank_card",
        "Visa",
        "4242 4242 4242 4242",
        "",
        &here(),
    )
    .await
    .unwrap()
    .id;
    Firm {
        admin: admin.id,
        trader: trader.id,
        bank,
        psp,
        card,
        card_dest,
    }
}

async fn deposit(
    db: &DatabaseConnection,
    f: &Firm,
    key: &str,
    amount: &str,
) -> Result<app::model::RequestRow, AppError> {
    funds::deposit(
        db,
        f.trader,
        funds::DepositInput {
            idempotency_key: key.into(),
            method_id: f.bank,
            amount: amount.into(),
            reference: "REF-1".into(),
            upload_id: None,
        },
        &here(),
    )
    .await
}

async fn withdraw(
    db: &DatabaseConnection,
    f: &Firm,
    key: &str,
    amount: &str,
) -> Result<app::model::RequestRow, AppError> {
    funds::withdraw(
        db,
        f.trader,
        funds::WithdrawInput {
            idempotency_key: key.into(),
            method_id: f.card,
            destination_id: f.card_dest,
            amount: amount.into(),
        },
        &here(),
    )
    .await
}

/// Funds the trader's USD wallet through an approved bank deposit.
async fn funded(db: &DatabaseConnection, f: &Firm, amount: &str) {
    let r = deposit(db, f, &format!("fund-{amount}"), amount)
        .await
        .unwrap();
    approvals::approve(db, f.admin, r.id, 1, "", &here())
        .await
        .unwrap();
}

async fn usd_wallet(db: &DatabaseConnection, user: i64) -> (i64, i64) {
    let w = ledger::wallet(db, user, app::domain::money::currency("USD").unwrap())
        .await
        .unwrap();
    (w.balance_minor, w.held_minor)
}

on_both!(bank_deposit_is_credited_once_approved, |db| {
    let f = firm(&db).await;
    let r = deposit(&db, &f, "d1", "250.00").await.unwrap();
    assert_eq!(
        (r.status.as_str(), r.amount.as_deref()),
        ("pending", Some("250.00"))
    );
    assert_eq!(
        usd_wallet(&db, f.trader).await,
        (0, 0),
        "nothing moves before approval"
    );
    approvals::approve(&db, f.admin, r.id, 1, "seen on statement", &here())
        .await
        .unwrap();
    assert_eq!(usd_wallet(&db, f.trader).await, (25_000, 0));
    // Approving again is refused and moves nothing.
    let again = approvals::approve(&db, f.admin, r.id, 1, "", &here())
        .await
        .unwrap_err();
    assert_eq!(again, AppError::Conflict("err.request_decided".into()));
    assert_eq!(usd_wallet(&db, f.trader).await, (25_000, 0));
    let report = wallets::transactions(
        &db,
        &app::server::identity::scope::Scope::Firm,
        &ListQuery::default(),
        Some(f.trader),
        false,
    )
    .await
    .unwrap();
    assert_eq!(report.rows.len(), 1);
    assert_eq!(
        (report.rows[0].kind.as_str(), report.rows[0].amount.as_str()),
        ("deposit", "250.00")
    );
    assert_invariants(&db).await;
});

on_both!(a_double_submit_makes_one_request, |db| {
    let f = firm(&db).await;
    let a = deposit(&db, &f, "same", "10").await.unwrap();
    let b = deposit(&db, &f, "same", "10").await.unwrap();
    assert_eq!(a.id, b.id);
    assert_eq!(common::count(&db, "request").await, 1);
});

on_both!(
    online_deposit_approves_itself_below_the_partial_threshold,
    |db| {
        let f = firm(&db).await;
        settings::save_approval_setting(&db, f.admin, "deposit", "partial", "100", vec![])
            .await
            .unwrap();
        let small = funds::deposit(
            &db,
            f.trader,
            funds::DepositInput {
                idempotency_key: "p1".into(),
                method_id: f.psp,
                amount: "50".into(),
                reference: String::new(),
                upload_id: None,
            },
            &here(),
        )
        .await
        .unwrap();
        assert_eq!(small.payment_status, Some(PaymentStatus::Pending));
        let paid = funds::test_psp_result(&db, f.trader, small.id, true, &here())
            .await
            .unwrap();
        assert_eq!(
            paid.status,
            RequestStatus::Approved,
            "paid and under the threshold"
        );
        // 1% fee: 50.00 − 0.50 reaches the wallet.
        assert_eq!(usd_wallet(&db, f.trader).await, (4_950, 0));
        // Reporting twice is refused.
        let twice = funds::test_psp_result(&db, f.trader, small.id, true, &here())
            .await
            .unwrap_err();
        assert_eq!(code(twice, "request"), "err.payment_already_reported");

        let big = funds::deposit(
            &db,
            f.trader,
            funds::DepositInput {
                idempotency_key: "p2".into(),
                method_id: f.psp,
                amount: "500".into(),
                reference: String::new(),
                upload_id: None,
            },
            &here(),
        )
        .await
        .unwrap();
        let failed = funds::test_psp_result(&db, f.trader, big.id, false, &here())
            .await
            .unwrap();
        assert_eq!(
            (failed.status, failed.payment_status),
            (RequestStatus::Pending, Some(PaymentStatus::Failed))
        );
        let refused = approvals::approve(&db, f.admin, big.id, 1, "", &here())
            .await
            .unwrap_err();
        assert_eq!(code(refused, "request"), "err.payment_not_received");
        // Offline deposits never approve themselves, whatever the method says.
        let offline = deposit(&db, &f, "off", "1").await.unwrap();
        assert_eq!(offline.status, RequestStatus::Pending);
        assert_invariants(&db).await;
    }
);

on_both!(withdrawal_holds_funds_and_climbs_two_levels, |db| {
    let f = firm(&db).await;
    funded(&db, &f, "100").await;
    let over = withdraw(&db, &f, "w0", "100.01").await.unwrap_err();
    assert_eq!(code(over, "amount"), "err.insufficient_funds");
    assert_eq!(
        common::count(&db, "request").await,
        1,
        "the refused withdrawal left nothing"
    );

    let second = make_user(
        &db,
        UserKind::Staff,
        "second@example.com",
        Some("Administrator"),
    )
    .await;

    settings::save_approval_setting(
        &db,
        f.admin,
        "withdrawal",
        "manual",
        "",
        vec![
            LevelDto {
                role_ids: vec![],
                user_ids: vec![f.admin],
            },
            LevelDto {
                role_ids: vec![],
                user_ids: vec![second.id],
            },
        ],
    )
    .await
    .unwrap();
    let r = withdraw(&db, &f, "w1", "60").await.unwrap();
    assert_eq!((r.level, r.levels), (1, 2));
    assert_eq!(
        usd_wallet(&db, f.trader).await,
        (10_000, 6_000),
        "held, not yet gone"
    );
    // Available is now 40.00: a second withdrawal of 50 is refused.
    assert_eq!(
        code(withdraw(&db, &f, "w2", "50").await.unwrap_err(), "amount"),
        "err.insufficient_funds"
    );

    // Level 2's reviewer cannot act at level 1; level 1 moves it on; a stale level is refused.
    assert_eq!(
        approvals::approve(&db, second.id, r.id, 1, "", &here()).await,
        Err(AppError::Forbidden)
    );
    approvals::approve(&db, f.admin, r.id, 1, "checked", &here())
        .await
        .unwrap();
    assert_eq!(
        approvals::approve(&db, f.admin, r.id, 1, "", &here())
            .await
            .unwrap_err(),
        AppError::Conflict("err.request_decided".into())
    );
    assert_eq!(
        approvals::approve(&db, f.admin, r.id, 2, "", &here()).await,
        Err(AppError::Forbidden)
    );
    approvals::approve(&db, second.id, r.id, 2, "paid", &here())
        .await
        .unwrap();
    assert_eq!(usd_wallet(&db, f.trader).await, (4_000, 0));
    let detail = approvals::detail(
        &db,
        f.admin,
        r.id,
        wallets::client_summary(&db, r.user_id).await.unwrap(),
    )
    .await
    .unwrap();
    let actions: Vec<&str> = detail.reviews.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["submitted", "approved", "approved"]);
    assert_eq!(detail.row.status, RequestStatus::Approved);
    assert_invariants(&db).await;
});

on_both!(rejection_and_cancellation_release_the_hold, |db| {
    let f = firm(&db).await;
    funded(&db, &f, "100").await;
    let r = withdraw(&db, &f, "w1", "30").await.unwrap();
    assert_eq!(
        code(
            approvals::reject(&db, f.admin, r.id, "  ", &here())
                .await
                .unwrap_err(),
            "reason"
        ),
        "err.reason_required"
    );
    approvals::reject(&db, f.admin, r.id, "card expired", &here())
        .await
        .unwrap();
    assert_eq!(usd_wallet(&db, f.trader).await, (10_000, 0));
    let mine = approvals::list_for_client(
        &db,
        f.trader,
        &ListQuery {
            per_page: 10,
            ..Default::default()
        },
        true,
    )
    .await
    .unwrap();
    assert!(
        mine.rows
            .iter()
            .any(|x| x.id == r.id && x.reason == "card expired")
    );

    let c = withdraw(&db, &f, "w2", "20").await.unwrap();
    assert!(c.actionable, "a pending withdrawal can be cancelled");
    // Another client cannot cancel it, and learns nothing about it.
    let other = make_user(&db, UserKind::Trader, "other@example.com", None).await;
    assert_eq!(
        approvals::cancel(&db, other.id, c.id, &here()).await,
        Err(AppError::NotFound)
    );
    approvals::cancel(&db, f.trader, c.id, &here())
        .await
        .unwrap();
    assert_eq!(usd_wallet(&db, f.trader).await, (10_000, 0));
    assert_eq!(
        code(
            approvals::cancel(&db, f.trader, c.id, &here())
                .await
                .unwrap_err(),
            "request"
        ),
        "err.not_cancellable"
    );
    assert_invariants(&db).await;
});

on_both!(staff_edit_a_pending_withdrawal_and_its_hold_follows, |db| {
    let f = firm(&db).await;
    funded(&db, &f, "100").await;
    let r = withdraw(&db, &f, "w1", "30").await.unwrap();
    approvals::edit_amount(&db, f.admin, r.id, "25.50", "client asked", &here())
        .await
        .unwrap();
    assert_eq!(usd_wallet(&db, f.trader).await, (10_000, 2_550));
    assert_eq!(
        code(
            approvals::edit_amount(&db, f.admin, r.id, "1000", "", &here())
                .await
                .unwrap_err(),
            "amount"
        ),
        "err.insufficient_funds"
    );
    approvals::approve(&db, f.admin, r.id, 1, "", &here())
        .await
        .unwrap();
    // 25.50 leaves the wallet: 24.50 is owed to the card, 1.00 is the fee.
    assert_eq!(usd_wallet(&db, f.trader).await, (7_450, 0));
    assert_invariants(&db).await;
});

on_both!(transfers_convert_at_the_firms_rate, |db| {
    let f = firm(&db).await;
    funded(&db, &f, "100").await;
    let none = funds::quote(
        &db,
        f.trader,
        &funds::TransferInput {
            idempotency_key: String::new(),
            from: "USD".into(),
            to: "EUR".into(),
            amount: "10".into(),
            recipient: String::new(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(code(none, "to"), "err.rate_missing");
    settings::save_rate(&db, f.admin, "USD", "EUR", "0.9234", 0)
        .await
        .unwrap();
    let input = |key: &str, amount: &str| funds::TransferInput {
        idempotency_key: key.into(),
        from: "USD".into(),
        to: "EUR".into(),
        amount: amount.into(),
        recipient: String::new(),
    };
    let (q, _) = funds::quote(&db, f.trader, &input("", "10")).await.unwrap();
    assert_eq!((q.credited.as_str(), q.rate.as_str()), ("9.23", "0.9234"));
    let r = funds::transfer(&db, f.trader, input("t1", "10"), &here())
        .await
        .unwrap();
    assert_eq!(usd_wallet(&db, f.trader).await, (10_000, 1_000));
    approvals::approve(&db, f.admin, r.id, 1, "", &here())
        .await
        .unwrap();
    assert_eq!(usd_wallet(&db, f.trader).await, (9_000, 0));
    let eur = ledger::wallet(&db, f.trader, app::domain::money::currency("EUR").unwrap())
        .await
        .unwrap();
    assert_eq!(eur.balance_minor, 923);
    // To another client only when the firm enables it, and in one currency.
    let other = make_user(&db, UserKind::Trader, "other@example.com", None).await;
    let third = funds::TransferInput {
        idempotency_key: "t2".into(),
        from: "USD".into(),
        to: "USD".into(),
        amount: "5".into(),
        recipient: other.email.clone(),
    };
    assert_eq!(
        code(
            funds::transfer(&db, f.trader, third, &here())
                .await
                .unwrap_err(),
            "recipient"
        ),
        "err.third_party_disabled"
    );
    settings::save_funds_settings(
        &db,
        f.admin,
        FundsSettings {
            kyc_policy: vec![],
            max_pending: 3,
            third_party_transfers: true,
        },
    )
    .await
    .unwrap();
    let third = funds::TransferInput {
        idempotency_key: "t3".into(),
        from: "USD".into(),
        to: "USD".into(),
        amount: "5".into(),
        recipient: other.id.to_string(),
    };
    let r = funds::transfer(&db, f.trader, third, &here())
        .await
        .unwrap();
    approvals::approve(&db, f.admin, r.id, 1, "", &here())
        .await
        .unwrap();
    assert_eq!(usd_wallet(&db, other.id).await, (500, 0));
    assert_invariants(&db).await;
});

on_both!(kyc_policy_blocks_until_kyc_is_approved, |db| {
    let f = firm(&db).await;
    settings::save_funds_settings(
        &db,
        f.admin,
        FundsSettings {
            kyc_policy: vec!["deposit".into()],
            max_pending: 3,
            third_party_transfers: false,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        deposit(&db, &f, "d1", "10").await.unwrap_err(),
        AppError::KycRequired
    );
    let form = kyc::save_form(
        &db,
        f.admin,
        KycFormDto {
            name: "Individual".into(),
            fields: vec![KycItem {
                key: "id_number".into(),
                label: "ID number".into(),
                required: true,
            }],
            documents: vec![KycItem {
                key: "passport".into(),
                label: "Passport".into(),
                required: true,
            }],
            active: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let dir = std::env::temp_dir().join(format!("propdesk-kyc-{}", std::process::id()));
    let up = app::server::infra::uploads::store(
        &db,
        &dir,
        f.trader,
        "kyc",
        "passport.pdf",
        b"%PDF-1.4 test",
    )
    .await
    .unwrap();
    let input = |fields: &[(&str, &str)], docs: &[(&str, i64)], key: &str| kyc::KycInput {
        idempotency_key: key.into(),
        form_id: form,
        fields: fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        documents: docs.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
    };
    let missing = kyc::submit(
        &db,
        f.trader,
        input(&[("id_number", " ")], &[], "k0"),
        &here(),
    )
    .await
    .unwrap_err();
    assert_eq!(missing.field_code("fields.id_number"), Some("err.required"));
    assert_eq!(
        missing.field_code("documents.passport"),
        Some("err.document_required")
    );
    // Another client's upload cannot be attached.
    let other = make_user(&db, UserKind::Trader, "other@example.com", None).await;
    let theirs =
        app::server::infra::uploads::store(&db, &dir, other.id, "kyc", "p.pdf", b"%PDF-1.4 x")
            .await
            .unwrap();
    let stolen = kyc::submit(
        &db,
        f.trader,
        input(&[("id_number", "X1")], &[("passport", theirs.id)], "k1"),
        &here(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        stolen.field_code("documents.passport"),
        Some("err.upload_unknown")
    );

    let r = kyc::submit(
        &db,
        f.trader,
        input(&[("id_number", "X123")], &[("passport", up.id)], "k2"),
        &here(),
    )
    .await
    .unwrap();
    let status = |db: DatabaseConnection, id: i64| async move {
        user::Entity::find_by_id(id)
            .one(&db)
            .await
            .unwrap()
            .unwrap()
            .kyc_status
    };
    assert_eq!(status(db.clone(), f.trader).await, KycStatus::Pending);
    let again = kyc::submit(
        &db,
        f.trader,
        input(&[("id_number", "X")], &[], "k3"),
        &here(),
    )
    .await
    .unwrap_err();
    assert_eq!(code(again, "form"), "err.kyc_pending");
    let detail = approvals::detail(
        &db,
        f.admin,
        r.id,
        wallets::client_summary(&db, r.user_id).await.unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(detail.uploads.len(), 1);
    assert!(
        detail
            .details
            .iter()
            .any(|(k, v)| k == "ID number" && v == "X123")
    );
    approvals::approve(&db, f.admin, r.id, 1, "", &here())
        .await
        .unwrap();
    assert_eq!(status(db.clone(), f.trader).await, KycStatus::Approved);
    deposit(&db, &f, "d2", "10").await.unwrap();
    let _ = std::fs::remove_dir_all(dir);
});

on_both!(bad_money_input_is_refused_and_changes_nothing, |db| {
    let f = firm(&db).await;
    funded(&db, &f, "100").await;
    let before = common::count(&db, "request").await;
    for (amount, expected) in [
        ("0", "err.amount_not_positive"),
        ("-5", "err.amount_not_positive"),
        ("1.001", "err.amount_decimals"),
        ("99999999999999999999", "err.amount_too_large"),
        ("ten", "err.amount_invalid"),
        ("", "err.required"),
    ] {
        assert_eq!(
            code(
                deposit(&db, &f, &format!("bad-{amount}"), amount)
                    .await
                    .unwrap_err(),
                "amount"
            ),
            expected,
            "deposit {amount}"
        );
        assert_eq!(
            code(
                withdraw(&db, &f, &format!("badw-{amount}"), amount)
                    .await
                    .unwrap_err(),
                "amount"
            ),
            expected,
            "withdraw {amount}"
        );
    }
    assert_eq!(
        code(
            withdraw(&db, &f, "min", "9.99").await.unwrap_err(),
            "amount"
        ),
        "err.amount_below_min"
    );
    assert_eq!(
        code(
            withdraw(&db, &f, "max", "5000.01").await.unwrap_err(),
            "amount"
        ),
        "err.amount_above_max"
    );
    // Unknown method, another client's destination, unknown currency.
    let unknown = funds::deposit(
        &db,
        f.trader,
        funds::DepositInput {
            idempotency_key: "u".into(),
            method_id: 9_999,
            amount: "1".into(),
            reference: String::new(),
            upload_id: None,
        },
        &here(),
    )
    .await
    .unwrap_err();
    assert_eq!(code(unknown, "method_id"), "err.method_unavailable");
    let other = make_user(&db, UserKind::Trader, "other@example.com", None).await;
    let theirs = funds::add_destination(
        &db,
        other.id,
        "bank_card",
        "Theirs",
        "5555555555554444",
        "",
        &here(),
    )
    .await
    .unwrap();
    let stolen = funds::withdraw(
        &db,
        f.trader,
        funds::WithdrawInput {
            idempotency_key: "s".into(),
            method_id: f.card,
            destination_id: theirs.id,
            amount: "10".into(),
        },
        &here(),
    )
    .await
    .unwrap_err();
    assert_eq!(code(stolen, "destination_id"), "err.destination_unknown");
    let cur = funds::quote(
        &db,
        f.trader,
        &funds::TransferInput {
            idempotency_key: String::new(),
            from: "GBP".into(),
            to: "USD".into(),
            amount: "1".into(),
            recipient: String::new(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(code(cur, "from"), "err.currency_unknown");
    assert_eq!(
        code(
            funds::add_destination(
                &db,
                f.trader,
                "bank_card",
                "x",
                "4242424242424241",
                "",
                &here()
            )
            .await
            .unwrap_err(),
            "number"
        ),
        "err.card_invalid"
    );
    // Paying someone else's deposit through the test provider: not found.
    let d = deposit(&db, &f, "mine", "5").await.unwrap();
    assert_eq!(
        funds::test_psp_result(&db, other.id, d.id, true, &here())
            .await
            .unwrap_err(),
        AppError::NotFound
    );
    assert_eq!(
        common::count(&db, "request").await,
        before + 1,
        "only the valid deposit was recorded"
    );
    // Too many pending requests of one kind.
    deposit(&db, &f, "p2", "5").await.unwrap();
    deposit(&db, &f, "p3", "5").await.unwrap();
    assert_eq!(
        code(deposit(&db, &f, "p4", "5").await.unwrap_err(), "form"),
        "err.too_many_pending"
    );
    assert_eq!(usd_wallet(&db, f.trader).await, (10_000, 0));
    // Uploads: wrong type, too big, empty.
    let dir = std::env::temp_dir();
    let store = |bytes: Vec<u8>| {
        let db = db.clone();
        let dir = dir.clone();
        async move {
            app::server::infra::uploads::store(&db, &dir, 1, "kyc", "f", &bytes)
                .await
                .unwrap_err()
        }
    };
    assert_eq!(
        store(b"MZ\x90\x00exe".to_vec()).await.field_code("file"),
        Some("err.file_type")
    );
    let mut big = b"%PDF-".to_vec();
    big.resize(app::server::infra::uploads::MAX_BYTES + 1, b'x');
    assert_eq!(
        store(big).await.field_code("file"),
        Some("err.file_too_big")
    );
    assert_eq!(
        store(Vec::new()).await.field_code("file"),
        Some("err.file_empty")
    );
    assert_invariants(&db).await;
});

on_both!(staff_modify_balance_with_a_comment, |db| {
    let f = firm(&db).await;
    let adj = |dir: &str, amount: &str, comment: &str, key: &str| wallets::Adjustment {
        idempotency_key: key.into(),
        user_id: f.trader,
        currency: "USD".into(),
        direction: dir.into(),
        amount: amount.into(),
        comment: comment.into(),
    };
    let no_comment = wallets::adjust(&db, f.admin, adj("deposit", "10", " ", "a0"), &here())
        .await
        .unwrap_err();
    assert_eq!(
        no_comment.field_code("comment"),
        Some("err.comment_required")
    );
    wallets::adjust(
        &db,
        f.admin,
        adj("deposit", "10", "goodwill", "a1"),
        &here(),
    )
    .await
    .unwrap();
    wallets::adjust(
        &db,
        f.admin,
        adj("deposit", "10", "goodwill", "a1"),
        &here(),
    )
    .await
    .unwrap();
    assert_eq!(
        usd_wallet(&db, f.trader).await,
        (1_000, 0),
        "the replayed key applied once"
    );
    let over = wallets::adjust(&db, f.admin, adj("withdraw", "10.01", "fix", "a2"), &here())
        .await
        .unwrap_err();
    assert_eq!(over.field_code("amount"), Some("err.insufficient_funds"));
    wallets::adjust(&db, f.admin, adj("withdraw", "4", "fix", "a3"), &here())
        .await
        .unwrap();
    assert_eq!(usd_wallet(&db, f.trader).await, (600, 0));
    let staff_wallet = wallets::Adjustment {
        user_id: f.admin,
        ..adj("deposit", "1", "x", "a4")
    };
    assert_eq!(
        wallets::adjust(&db, f.admin, staff_wallet, &here()).await,
        Err(AppError::NotFound)
    );
    assert_invariants(&db).await;
});

on_both!(
    registration_waits_for_approval_when_the_firm_says_so,
    |db| {
        let (mut c, admin) = common::signed_in(
            &db,
            UserKind::Staff,
            "admin@example.com",
            Some("Administrator"),
        )
        .await;
        let saved = c
            .call(
                "/api/settings/approvals/save",
                "kind=trader_registration&method=manual&threshold=",
            )
            .await;
        assert_eq!(saved.status, 200, "{}", saved.body);
        c.cookie = None;
        let form = "kind=trader&email=new%40example.com&password=correct+horse+battery&first_name=Ann&last_name=Lee&country=GB&phone=%2B441632960002&referral_code=";
        let r = c.call("/api/auth/register", form).await;
        assert_eq!(
            (r.status.as_u16(), r.body.as_str()),
            (200, "\"AwaitingApproval\"")
        );
        assert!(r.session_cookie().is_none(), "no session before approval");
        let login = "email=new%40example.com&password=correct+horse+battery";
        let refused = c.call("/api/auth/login", login).await;
        assert_eq!(refused.status, 403);
        assert_eq!(refused.error(), AppError::PendingApproval);
        let req = request::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.kind == RequestKind::TraderRegistration)
            .unwrap();
        approvals::approve(&db, admin.id, req.id, 1, "", &here())
            .await
            .unwrap();
        let ok = c.call("/api/auth/login", login).await;
        assert_eq!(ok.status, 200, "{}", ok.body);
    }
);

/// Two reviewers approving one request at the same moment apply it once; many withdrawals at
/// once never overdraw the wallet.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_approvals_and_withdrawals_on_postgres() {
    let (db, url) = common::fresh_db_with_url(common::Backend::Postgres).await;
    let f = firm(&db).await;
    settings::save_funds_settings(
        &db,
        f.admin,
        FundsSettings {
            kyc_policy: vec![],
            max_pending: 100,
            third_party_transfers: false,
        },
    )
    .await
    .unwrap();
    let r = deposit(&db, &f, "race", "100").await.unwrap();
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let db = db.clone();
            let admin = f.admin;
            tokio::spawn(async move { approvals::approve(&db, admin, r.id, 1, "", &here()).await })
        })
        .collect();
    let results: Vec<_> = futures::future::join_all(tasks)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    // The others waited on the request's row and were told why (409), rather than failing.
    for e in results.into_iter().filter_map(Result::err) {
        assert_eq!(e, AppError::Conflict("err.request_decided".into()));
    }
    assert_eq!(usd_wallet(&db, f.trader).await, (10_000, 0));

    let f = std::sync::Arc::new(f);
    let tasks: Vec<_> = (0..30)
        .map(|i| {
            let db = db.clone();
            let f = f.clone();
            tokio::spawn(async move { withdraw(&db, &f, &format!("w{i}"), "15").await.is_ok() })
        })
        .collect();
    let placed = futures::future::join_all(tasks)
        .await
        .into_iter()
        .filter(|ok| *ok.as_ref().unwrap())
        .count();
    assert_eq!(placed, 6, "6 × 15.00 fit in 100.00, a 7th does not");
    assert_eq!(usd_wallet(&db, f.trader).await, (10_000, 9_000));
    assert_invariants(&db).await;
    server::testing::discard(&url).await;
}

mod random_requests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Op {
        Deposit(u32),
        Withdraw(u32),
        Transfer(u32),
        Approve(usize),
        Reject(usize),
        Cancel(usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (1u32..20_000).prop_map(Op::Deposit),
            (1_000u32..20_000).prop_map(Op::Withdraw),
            (1u32..20_000).prop_map(Op::Transfer),
            any::<usize>().prop_map(Op::Approve),
            any::<usize>().prop_map(Op::Reject),
            any::<usize>().prop_map(Op::Cancel),
        ]
    }

    fn amount(cents: u32) -> String {
        format!("{}.{:02}", cents / 100, cents % 100)
    }

    /// Random requests and decisions; refusals are expected and must change nothing. After
    /// every step the ledger's invariants hold, and available = balance − held.
    async fn run(db: DatabaseConnection, ops: Vec<Op>) {
        let f = firm(&db).await;
        settings::save_rate(&db, f.admin, "USD", "EUR", "0.9", 0)
            .await
            .unwrap();
        settings::save_funds_settings(
            &db,
            f.admin,
            FundsSettings {
                kyc_policy: vec![],
                max_pending: 100,
                third_party_transfers: false,
            },
        )
        .await
        .unwrap();
        let mut ids: Vec<i64> = Vec::new();
        for (i, op) in ops.into_iter().enumerate() {
            let key = format!("op-{i}");
            let made = match op {
                Op::Deposit(c) => deposit(&db, &f, &key, &amount(c)).await.ok(),
                Op::Withdraw(c) => withdraw(&db, &f, &key, &amount(c)).await.ok(),
                Op::Transfer(c) => funds::transfer(
                    &db,
                    f.trader,
                    funds::TransferInput {
                        idempotency_key: key,
                        from: "USD".into(),
                        to: "EUR".into(),
                        amount: amount(c),
                        recipient: String::new(),
                    },
                    &here(),
                )
                .await
                .ok(),
                Op::Approve(p) if !ids.is_empty() => {
                    let id = ids[p % ids.len()];
                    let _ = approvals::approve(&db, f.admin, id, 1, "", &here()).await;
                    None
                }
                Op::Reject(p) if !ids.is_empty() => {
                    let _ =
                        approvals::reject(&db, f.admin, ids[p % ids.len()], "no", &here()).await;
                    None
                }
                Op::Cancel(p) if !ids.is_empty() => {
                    let _ = approvals::cancel(&db, f.trader, ids[p % ids.len()], &here()).await;
                    None
                }
                _ => None,
            };
            if let Some(r) = made {
                ids.push(r.id);
            }
            assert_invariants(&db).await;
            for w in wallets::of_client(&db, f.trader).await.unwrap() {
                assert_eq!(w.balance.checked_sub(w.held), Some(w.available));
            }
        }
        // Every request ended in one state, and the pending ones hold exactly their amounts.
        let reqs = request::Entity::find().all(&db).await.unwrap();
        let held: i64 = reqs
            .iter()
            .filter(|r| r.status == RequestStatus::Pending && r.hold_id.is_some())
            .map(|r| r.amount_minor.unwrap())
            .sum();
        assert_eq!(usd_wallet(&db, f.trader).await.1, held);
    }

    fn cases(backend: common::Backend, n: u32) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
            cases: n,
            ..ProptestConfig::default()
        });
        runner
            .run(&proptest::collection::vec(op(), 1..30), |ops| {
                rt.block_on(common::on_fresh_db(backend, |db| run(db, ops)));
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn request_sequences_keep_the_ledger_sound_sqlite() {
        cases(common::Backend::Sqlite, 16);
    }

    #[test]
    fn request_sequences_keep_the_ledger_sound_postgres() {
        cases(common::Backend::Postgres, 6);
    }
}

on_both!(client_groups_decide_which_methods_a_client_sees, |db| {
    let f = firm(&db).await;
    let vip = settings::save_group(
        &db,
        f.admin,
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
    let crypto = method(
        &db,
        f.admin,
        MethodDto {
            direction: "deposit".into(),
            kind: "test_psp".into(),
            name: "Crypto".into(),
            currency: "USDT".into(),
            group_ids: vec![vip],
            enabled: true,
            ..Default::default()
        },
    )
    .await;
    let sees = |db: DatabaseConnection, user: i64| async move {
        funds::overview(&db, user)
            .await
            .unwrap()
            .deposit_methods
            .iter()
            .any(|m| m.id == crypto)
    };
    assert!(
        !sees(db.clone(), f.trader).await,
        "the default group does not see a VIP method"
    );
    let refused = funds::deposit(
        &db,
        f.trader,
        funds::DepositInput {
            idempotency_key: "c".into(),
            method_id: crypto,
            amount: "30".into(),
            reference: String::new(),
            upload_id: None,
        },
        &here(),
    )
    .await
    .unwrap_err();
    assert_eq!(code(refused, "method_id"), "err.method_unavailable");
    assert_eq!(
        code(
            settings::assign_group(&db, f.admin, f.trader, 9_999)
                .await
                .unwrap_err(),
            "group_id"
        ),
        "err.group_unknown"
    );
    assert_eq!(
        settings::assign_group(&db, f.admin, f.admin, vip).await,
        Err(AppError::NotFound),
        "staff have no group"
    );
    settings::assign_group(&db, f.admin, f.trader, vip)
        .await
        .unwrap();
    assert!(sees(db.clone(), f.trader).await);
    // The default group stays the default: a second default replaces it, never adds one.
    settings::save_group(
        &db,
        f.admin,
        Some(vip),
        settings::GroupForm {
            name: "VIP",
            description: "",
            is_default: true,
            visible_levels: "",
            report_months: "",
        },
    )
    .await
    .unwrap();
    let defaults = settings::groups(&db)
        .await
        .unwrap()
        .into_iter()
        .filter(|g| g.is_default)
        .count();
    assert_eq!(defaults, 1);
});
