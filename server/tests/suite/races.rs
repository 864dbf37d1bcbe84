//! Requests that race, on SQLite and PostgreSQL: opposite transfers approved at the same moment
//! (no deadlock), the pending-request cap under simultaneous submissions, names and emails
//! taken by a concurrent request (a 4xx, never a 500), idempotency keys reused for other
//! content (409) and two reviewers deciding one request (one wins, the other gets 409).
use crate::common;
use app::domain::access::UserKind;
use app::domain::approval::RequestStatus;
use app::domain::challenge::ChallengeDef;
use app::domain::money::currency;
use app::error::AppError;
use app::i18n::Locale;
use app::model::{FundsSettings, MethodDto};
use app::server::entity::{participant, request, role};
use app::server::identity::auth::{self, RegisterInput};
use app::server::identity::staff::{self, StaffInput};
use app::server::money::ledger::{self, AccountKind, Entry, Leg};
use app::server::money::wallets::{self, Adjustment};
use app::server::prop::participation::{self, ParticipateInput};
use app::server::{
    approvals, identity::kyc, money::funds, prop::challenges, settings, trading::sim,
};
use common::make_user;
use common::{assert_invariants, here, usd};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use std::future::Future;
use std::sync::Arc;

/// Runs `n` calls at the same moment, each on its own task, and returns their results in order.
async fn at_once<T, F, Fut>(n: usize, call: F) -> Vec<Result<T, AppError>>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
{
    let tasks: Vec<_> = (0..n).map(|i| tokio::spawn(call(i))).collect();
    futures::future::join_all(tasks)
        .await
        .into_iter()
        .map(|r| r.expect("task panicked"))
        .collect()
}

/// The errors of a batch, each as its HTTP status and i18n code (the field's, if any).
fn refusals<T>(results: &[Result<T, AppError>], field: &str) -> Vec<(u16, String)> {
    results
        .iter()
        .filter_map(|r| r.as_ref().err())
        .map(|e| {
            let code = e.field_code(field).unwrap_or(e.key()).to_string();
            (e.status(), code)
        })
        .collect()
}

fn oks<T>(results: &[Result<T, AppError>]) -> usize {
    results.iter().filter(|r| r.is_ok()).count()
}

/// An administrator, clients A and B, bank deposits and card withdrawals in USD and EUR,
/// USD↔EUR rates, and funds settings with third-party transfers on.
struct Firm {
    admin: i64,
    a: i64,
    b: i64,
    bank_usd: i64,
    card_usd: i64,
    card_dest: i64,
}

async fn firm(db: &DatabaseConnection, max_pending: u32) -> Firm {
    let admin = make_user(
        db,
        UserKind::Staff,
        "admin@example.com",
        Some("Administrator"),
    )
    .await
    .id;
    let a = make_user(db, UserKind::Trader, "a@example.com", None)
        .await
        .id;
    let b = make_user(db, UserKind::Trader, "b@example.com", None)
        .await
        .id;
    let m = |direction: &str, kind: &str, name: &str, cur: &str| MethodDto {
        direction: direction.into(),
        kind: kind.into(),
        name: name.into(),
        currency: cur.into(),
        enabled: true,
        ..Default::default()
    };
    let bank_usd = settings::save_method(db, admin, m("deposit", "bank_transfer", "Bank", "USD"))
        .await
        .unwrap();
    let card_usd = settings::save_method(db, admin, m("withdrawal", "bank_card", "Card", "USD"))
        .await
        .unwrap();
    settings::save_rate(db, admin, "USD", "EUR", "0.9", 0)
        .await
        .unwrap();
    settings::save_rate(db, admin, "EUR", "USD", "1.1", 0)
        .await
        .unwrap();
    settings::save_funds_settings(
        db,
        admin,
        FundsSettings {
            kyc_policy: vec![],
            max_pending,
            third_party_transfers: true,
        },
    )
    .await
    .unwrap();
    let card_dest = funds::add_destination(
        db,
        a,
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
        admin,
        a,
        b,
        bank_usd,
        card_usd,
        card_dest,
    }
}

/// Staff credit a client's wallet at once.
async fn fund(db: &DatabaseConnection, f: &Firm, user: i64, cur: &str, amount: &str) {
    wallets::adjust(
        db,
        f.admin,
        Adjustment {
            idempotency_key: format!("fund-{user}-{cur}-{amount}"),
            user_id: user,
            currency: cur.into(),
            direction: "deposit".into(),
            amount: amount.into(),
            comment: "test funds".into(),
        },
        &here(),
    )
    .await
    .unwrap();
}

async fn balance(db: &DatabaseConnection, user: i64, cur: &str) -> (i64, i64) {
    let w = ledger::wallet(db, user, currency(cur).unwrap())
        .await
        .unwrap();
    (w.balance_minor, w.held_minor)
}

fn transfer_input(
    key: &str,
    from: &str,
    to: &str,
    amount: &str,
    recipient: &str,
) -> funds::TransferInput {
    funds::TransferInput {
        idempotency_key: key.into(),
        from: from.into(),
        to: to.into(),
        amount: amount.into(),
        recipient: recipient.into(),
    }
}

async fn pending(db: &DatabaseConnection, user: i64, kind: &str) -> u64 {
    request::Entity::find()
        .filter(request::Column::UserId.eq(user))
        .filter(request::Column::Kind.eq(kind))
        .filter(request::Column::Status.eq("pending"))
        .count(db)
        .await
        .unwrap()
}

// ---------------------------------------------------------------- deadlocks

// Ten A→B and ten B→A transfers approved at the same moment all apply: the two wallets are
// locked in one order whichever way the money goes (issue 10: PostgreSQL answered some of
// them with "deadlock detected").
on_both!(opposite_transfers_approved_at_once_all_apply, |db| {
    let f = firm(&db, 100).await;
    fund(&db, &f, f.a, "USD", "100").await;
    fund(&db, &f, f.b, "USD", "100").await;
    let mut ids = Vec::new();
    for i in 0..10 {
        for (from, to) in [(f.a, f.b), (f.b, f.a)] {
            let input = transfer_input(&format!("t{i}"), "USD", "USD", "1", &to.to_string());
            let r = funds::transfer(&db, from, input, &here()).await.unwrap();
            assert_eq!(r.status, RequestStatus::Pending);
            ids.push(r.id);
        }
    }
    let admin = f.admin;
    let results = at_once(ids.len(), |i| {
        let (db, id) = (db.clone(), ids[i]);
        async move { approvals::approve(&db, admin, id, 1, "", &here()).await }
    })
    .await;
    assert_eq!(
        refusals(&results, "request"),
        vec![],
        "every approval applies"
    );
    assert_eq!(balance(&db, f.a, "USD").await, (10_000, 0));
    assert_eq!(balance(&db, f.b, "USD").await, (10_000, 0));
    assert_invariants(&db).await;
});

// The same between one client's own wallets: USD→EUR and EUR→USD conversions touch both
// wallets, in two entries, and still never wait on each other in a cycle.
on_both!(opposite_conversions_approved_at_once_all_apply, |db| {
    let f = firm(&db, 100).await;
    fund(&db, &f, f.a, "USD", "100").await;
    fund(&db, &f, f.a, "EUR", "100").await;
    let mut ids = Vec::new();
    for i in 0..10 {
        for (from, to) in [("USD", "EUR"), ("EUR", "USD")] {
            let input = transfer_input(&format!("c{i}{from}"), from, to, "1", "");
            ids.push(funds::transfer(&db, f.a, input, &here()).await.unwrap().id);
        }
    }
    let admin = f.admin;
    let results = at_once(ids.len(), |i| {
        let (db, id) = (db.clone(), ids[i]);
        async move { approvals::approve(&db, admin, id, 1, "", &here()).await }
    })
    .await;
    assert_eq!(
        refusals(&results, "request"),
        vec![],
        "every approval applies"
    );
    // 10 × (−1.00 + 1.10) USD and 10 × (−1.00 + 0.90) EUR.
    assert_eq!(balance(&db, f.a, "USD").await, (10_100, 0));
    assert_eq!(balance(&db, f.a, "EUR").await, (9_900, 0));
    assert_invariants(&db).await;
});

// Transfers that approve themselves lock both wallets before the hold, so opposite ones
// submitted together all go through too.
on_both!(opposite_automatic_transfers_all_apply, |db| {
    let f = firm(&db, 100).await;
    settings::save_approval_setting(&db, f.admin, "transfer", "automatic", "", vec![])
        .await
        .unwrap();
    fund(&db, &f, f.a, "USD", "100").await;
    fund(&db, &f, f.b, "USD", "100").await;
    let (a, b) = (f.a, f.b);
    let results = at_once(20, |i| {
        let db = db.clone();
        let (from, to) = if i % 2 == 0 { (a, b) } else { (b, a) };
        async move {
            let input = transfer_input(&format!("auto{i}"), "USD", "USD", "1", &to.to_string());
            funds::transfer(&db, from, input, &here()).await
        }
    })
    .await;
    assert_eq!(refusals(&results, "request"), vec![]);
    assert!(
        results
            .iter()
            .all(|r| r.as_ref().unwrap().status == RequestStatus::Approved)
    );
    assert_eq!(balance(&db, f.a, "USD").await, (10_000, 0));
    assert_eq!(balance(&db, f.b, "USD").await, (10_000, 0));
    assert_invariants(&db).await;
});

// ---------------------------------------------------------------- the pending cap

// Thirty deposits, withdrawals and transfers submitted at once leave exactly `max_pending`
// of each kind pending; the rest are refused on the form, none fails.
on_both!(the_pending_cap_holds_under_simultaneous_submissions, |db| {
    let f = Arc::new(firm(&db, 3).await);
    fund(&db, &f, f.a, "USD", "1000").await;
    let too_many = (422, "err.too_many_pending".to_string());

    let deposits = at_once(30, |i| {
        let (db, f) = (db.clone(), f.clone());
        async move {
            let input = funds::DepositInput {
                idempotency_key: format!("d{i}"),
                method_id: f.bank_usd,
                amount: "10".into(),
                reference: String::new(),
                upload_id: None,
            };
            funds::deposit(&db, f.a, input, &here()).await
        }
    })
    .await;
    assert_eq!(refusals(&deposits, "form"), vec![too_many.clone(); 27]);
    assert_eq!(pending(&db, f.a, "deposit").await, 3);

    let withdrawals = at_once(30, |i| {
        let (db, f) = (db.clone(), f.clone());
        async move {
            let input = funds::WithdrawInput {
                idempotency_key: format!("w{i}"),
                method_id: f.card_usd,
                destination_id: f.card_dest,
                amount: "10".into(),
            };
            funds::withdraw(&db, f.a, input, &here()).await
        }
    })
    .await;
    assert_eq!(refusals(&withdrawals, "form"), vec![too_many.clone(); 27]);
    assert_eq!(pending(&db, f.a, "withdrawal").await, 3);

    let transfers = at_once(30, |i| {
        let (db, f) = (db.clone(), f.clone());
        async move {
            let input = transfer_input(&format!("t{i}"), "USD", "USD", "1", &f.b.to_string());
            funds::transfer(&db, f.a, input, &here()).await
        }
    })
    .await;
    assert_eq!(refusals(&transfers, "form"), vec![too_many.clone(); 27]);
    assert_eq!(pending(&db, f.a, "transfer").await, 3);
    // Only the accepted withdrawals and transfers hold funds: 3 × 10.00 + 3 × 1.00.
    assert_eq!(balance(&db, f.a, "USD").await, (100_000, 3_300));
    assert_invariants(&db).await;
});

// One pending IB upgrade at a time, however many are sent together.
on_both!(one_pending_ib_upgrade_under_simultaneous_requests, |db| {
    let f = firm(&db, 3).await;
    let a = f.a;
    let results = at_once(8, |i| {
        let db = db.clone();
        async move { kyc::request_ib_upgrade(&db, a, &format!("reason {i}"), &here()).await }
    })
    .await;
    for (status, code) in refusals(&results, "form") {
        assert_eq!((status, code.as_str()), (422, "err.too_many_pending"));
    }
    assert_eq!(pending(&db, f.a, "ib_upgrade").await, 1);
});

// ---------------------------------------------------------------- names and emails

// Eight identical new roles at once: one is made, the others are told the name is taken
// (issue 10: some answered 500 "UNIQUE constraint failed: role.name").
on_both!(one_role_name_saved_at_once_makes_one_role, |db| {
    let f = firm(&db, 3).await;
    let admin = f.admin;
    let results = at_once(8, |_| {
        let db = db.clone();
        async move {
            let perms = vec!["dashboard.view".to_string()];
            staff::save_role(
                &db,
                admin,
                None,
                staff::RoleInput {
                    name: "Desk",
                    description: "",
                    permissions: &perms,
                    data_scope: "",
                },
                &here(),
            )
            .await
        }
    })
    .await;
    assert_eq!(oks(&results), 1);
    assert_eq!(
        refusals(&results, "name"),
        vec![(422, "err.role_name_taken".to_string()); 7]
    );
    let desks = role::Entity::find()
        .filter(role::Column::Name.eq("Desk"))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(desks, 1);
});

// The same for client groups.
on_both!(one_group_name_saved_at_once_makes_one_group, |db| {
    let f = firm(&db, 3).await;
    let admin = f.admin;
    let results = at_once(8, |_| {
        let db = db.clone();
        async move {
            settings::save_group(
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
        }
    })
    .await;
    assert_eq!(oks(&results), 1);
    assert_eq!(
        refusals(&results, "name"),
        vec![(422, "err.name_taken".to_string()); 7]
    );
});

// Staff members renamed to one email at once: one gets it, the others are told it is taken.
on_both!(one_staff_email_taken_at_once, |db| {
    let f = firm(&db, 3).await;
    let admin = f.admin;
    let mut ids = Vec::new();
    for i in 0..6 {
        let u = make_user(
            &db,
            UserKind::Staff,
            &format!("s{i}@example.com"),
            Some("Administrator"),
        )
        .await;
        ids.push((u.id, u.role_id.unwrap()));
    }
    let results = at_once(ids.len(), |i| {
        let (db, (id, role_id)) = (db.clone(), ids[i]);
        async move {
            let input = StaffInput {
                email: "same@example.com".into(),
                first_name: "Same".into(),
                last_name: "Name".into(),
                role_id,
                supervisor_id: None,
            };
            staff::update(&db, admin, id, input, &here()).await
        }
    })
    .await;
    assert_eq!(oks(&results), 1);
    assert_eq!(
        refusals(&results, "email"),
        vec![(422, "err.email_taken".to_string()); 5]
    );
});

// Registrations with one email at once: one account, the others told the email is taken.
on_both!(one_email_registered_at_once_makes_one_account, |db| {
    let cfg = common::cfg();
    let results = at_once(6, |_| {
        let (db, cfg) = (db.clone(), cfg.clone());
        async move {
            let input = RegisterInput {
                kind: UserKind::Trader,
                email: "new@example.com".into(),
                password: "correct horse battery".into(),
                first_name: "Ann".into(),
                last_name: "Lee".into(),
                country: "GB".into(),
                phone: "+441632960002".into(),
                referral_code: String::new(),
                link: String::new(),
                locale: Locale::En,
            };
            auth::register(&db, &cfg, input, &here())
                .await
                .map(|u| u.id)
        }
    })
    .await;
    assert_eq!(oks(&results), 1);
    assert_eq!(
        refusals(&results, "email"),
        vec![(422, "err.email_taken".to_string()); 5]
    );
});

// ---------------------------------------------------------------- idempotency keys

fn entry(key: &str, from: i64, to: i64, amount: i64) -> Entry<'_> {
    Entry {
        idempotency_key: key,
        kind: "test",
        currency: usd(),
        legs: vec![
            Leg {
                account_id: from,
                amount_minor: -amount,
            },
            Leg {
                account_id: to,
                amount_minor: amount,
            },
        ],
        memo: "",
        actor_id: None,
    }
}

fn mismatch() -> AppError {
    AppError::Conflict("err.idempotency_mismatch".into())
}

// A key reused for other content is a conflict (409) for ledger entries, holds and requests;
// sent at the same moment, one applies and the other is refused.
on_both!(
    an_idempotency_key_reused_for_other_content_is_a_conflict,
    |db| {
        let f = firm(&db, 100).await;
        let psp = ledger::firm(&db, AccountKind::PspClearing, usd())
            .await
            .unwrap()
            .id;
        let w = ledger::wallet(&db, f.a, usd()).await.unwrap().id;
        ledger::post(&db, entry("k1", psp, w, 100)).await.unwrap();
        let e = ledger::post(&db, entry("k1", psp, w, 200))
            .await
            .unwrap_err();
        assert_eq!((e.status(), e), (409, mismatch()));

        ledger::place_hold(&db, "h1", w, 10).await.unwrap();
        let e = ledger::place_hold(&db, "h1", w, 20).await.unwrap_err();
        assert_eq!((e.status(), e), (409, mismatch()));

        let results = at_once(2, |i| {
            let db = db.clone();
            async move { ledger::post(&db, entry("k2", psp, w, 100 + i as i64)).await }
        })
        .await;
        assert_eq!(oks(&results), 1);
        assert_eq!(
            refusals(&results, "-"),
            vec![(409, "err.idempotency_mismatch".into())]
        );

        let deposit = |key: &str, amount: &str| funds::DepositInput {
            idempotency_key: key.into(),
            method_id: f.bank_usd,
            amount: amount.into(),
            reference: String::new(),
            upload_id: None,
        };
        let first = funds::deposit(&db, f.a, deposit("r1", "10"), &here())
            .await
            .unwrap();
        let again = funds::deposit(&db, f.a, deposit("r1", "10"), &here())
            .await
            .unwrap();
        assert_eq!(first.id, again.id, "the same request again is a replay");
        let e = funds::deposit(&db, f.a, deposit("r1", "20"), &here())
            .await
            .unwrap_err();
        assert_eq!((e.status(), e), (409, mismatch()));
        assert_eq!(pending(&db, f.a, "deposit").await, 1);
        assert_invariants(&db).await;
    }
);

// A double submit of a challenge purchase (one key, sent twice at once) buys it once and
// charges the fee once.
on_both!(a_double_purchase_at_once_buys_once, |db| {
    let f = firm(&db, 3).await;
    sim::set_feed(
        &db,
        sim::Feed {
            running: false,
            seed: 1,
            day_offset: 0,
        },
    )
    .await
    .unwrap();
    let mut def = ChallengeDef::example();
    def.packages[0].currency = "USD".into();
    def.packages[0].fee_minor = 10_000;
    let challenge = challenges::save(&db, f.admin, None, def.clone(), &here())
        .await
        .unwrap();
    challenges::publish(&db, f.admin, challenge, &here())
        .await
        .unwrap();
    fund(&db, &f, f.a, "USD", "1000").await;
    let (a, package) = (f.a, def.packages[0].key.clone());
    let results = at_once(4, |_| {
        let (db, package) = (db.clone(), package.clone());
        async move {
            let input = ParticipateInput {
                coupon: 0,
                promo_code: String::new(),
                challenge_id: challenge,
                package_key: package,
                pay_method: "wallet".into(),
                idempotency_key: "buy-1".into(),
            };
            participation::participate(&db, a, input, &here())
                .await
                .map(|(p, _)| p.id)
        }
    })
    .await;
    let ids: Vec<i64> = results.into_iter().map(Result::unwrap).collect();
    assert!(
        ids.iter().all(|id| *id == ids[0]),
        "one participant: {ids:?}"
    );
    assert_eq!(participant::Entity::find().count(&db).await.unwrap(), 1);
    assert_eq!(
        balance(&db, f.a, "USD").await,
        (90_000, 0),
        "the fee is taken once"
    );
    assert_invariants(&db).await;
});

// ---------------------------------------------------------------- deciding one request

// Two reviewers approving one request at the same moment: one applies it, the other is told
// someone got there first (409, "already decided"), and the money moves once.
on_both!(two_approvals_of_one_request_one_wins_one_conflicts, |db| {
    let f = firm(&db, 3).await;
    let input = funds::DepositInput {
        idempotency_key: "d1".into(),
        method_id: f.bank_usd,
        amount: "25".into(),
        reference: String::new(),
        upload_id: None,
    };
    let r = funds::deposit(&db, f.a, input, &here()).await.unwrap();
    let admin = f.admin;
    let results = at_once(2, |_| {
        let db = db.clone();
        async move { approvals::approve(&db, admin, r.id, 1, "", &here()).await }
    })
    .await;
    assert_eq!(oks(&results), 1);
    assert_eq!(
        refusals(&results, "request"),
        vec![(409, "err.request_decided".to_string())]
    );
    assert_eq!(balance(&db, f.a, "USD").await, (2_500, 0));
    // Deciding it again later is the same conflict.
    let e = approvals::reject(&db, admin, r.id, "late", &here())
        .await
        .unwrap_err();
    assert_eq!(e, AppError::Conflict("err.request_decided".into()));
    assert_invariants(&db).await;
});
