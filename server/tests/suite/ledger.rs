//! The ledger's invariants, on SQLite and PostgreSQL: balanced entries, no negative wallets,
//! balances equal to their postings, available = balance − holds, exactly-once by key, and
//! concurrency on PostgreSQL.
use crate::common;
use app::domain::money::currency;
use app::server::money::ledger::{self, AccountKind, Entry, Leg};
use common::{assert_invariants, usd};
use sea_orm::DatabaseConnection;

/// A deposit from the payment provider's clearing account into a wallet.
async fn deposit(
    db: &DatabaseConnection,
    key: &str,
    wallet: i64,
    amount: i64,
) -> Result<ledger::Posted, app::error::AppError> {
    let psp = ledger::firm(db, AccountKind::PspClearing, usd())
        .await
        .unwrap();
    ledger::post(
        db,
        Entry {
            idempotency_key: key,
            kind: "deposit",
            currency: usd(),
            legs: vec![
                Leg {
                    account_id: psp.id,
                    amount_minor: -amount,
                },
                Leg {
                    account_id: wallet,
                    amount_minor: amount,
                },
            ],
            memo: "",
            actor_id: None,
        },
    )
    .await
}

async fn wallet_of(
    db: &DatabaseConnection,
    user: i64,
) -> app::server::entity::ledger_account::Model {
    ledger::wallet(db, user, usd()).await.unwrap()
}

on_both!(deposits_withdrawals_and_refusals, |db| {
    let w = wallet_of(&db, 1).await;
    let first = deposit(&db, "dep-1", w.id, 10_000).await.unwrap();
    assert!(!first.replayed);
    // The same key again: the first result, one effect.
    let again = deposit(&db, "dep-1", w.id, 10_000).await.unwrap();
    assert_eq!((again.entry_id, again.replayed), (first.entry_id, true));
    // The same key with another amount: refused as a conflict (409).
    let other = deposit(&db, "dep-1", w.id, 5).await.unwrap_err();
    assert_eq!(
        other,
        app::error::AppError::Conflict("err.idempotency_mismatch".into())
    );
    assert_eq!(wallet_of(&db, 1).await.balance_minor, 10_000);

    // Withdrawal: hold, then capture to payouts payable.
    let h = ledger::place_hold(&db, "wd-1", w.id, 7_500).await.unwrap();
    let acc = wallet_of(&db, 1).await;
    assert_eq!((acc.balance_minor, acc.held_minor), (10_000, 7_500));
    // More than is available: refused, nothing changes.
    let too_much = ledger::place_hold(&db, "wd-2", w.id, 2_501)
        .await
        .unwrap_err();
    assert_eq!(
        too_much.field_code("amount"),
        Some("err.insufficient_funds")
    );
    let payouts = ledger::firm(&db, AccountKind::PayoutsPayable, usd())
        .await
        .unwrap();
    ledger::capture_hold(&db, h.id, "withdrawal", payouts.id, usd(), None)
        .await
        .unwrap();
    let acc = wallet_of(&db, 1).await;
    assert_eq!((acc.balance_minor, acc.held_minor), (2_500, 0));
    let twice = ledger::capture_hold(&db, h.id, "withdrawal", payouts.id, usd(), None)
        .await
        .unwrap_err();
    assert_eq!(twice.field_code("hold"), Some("err.hold_resolved"));
    let h2 = ledger::place_hold(&db, "wd-3", w.id, 2_500).await.unwrap();
    ledger::release_hold(&db, h2.id).await.unwrap();
    assert!(
        ledger::release_hold(&db, h2.id).await.is_err(),
        "a hold is released once"
    );

    // Bad entries change nothing.
    let unbalanced = ledger::post(
        &db,
        Entry {
            idempotency_key: "bad-1",
            kind: "x",
            currency: usd(),
            legs: vec![
                Leg {
                    account_id: w.id,
                    amount_minor: 5,
                },
                Leg {
                    account_id: payouts.id,
                    amount_minor: -4,
                },
            ],
            memo: "",
            actor_id: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        unbalanced.field_code("amount"),
        Some("err.entry_unbalanced")
    );
    let overdraw = ledger::post(
        &db,
        Entry {
            idempotency_key: "bad-2",
            kind: "x",
            currency: usd(),
            legs: vec![
                Leg {
                    account_id: w.id,
                    amount_minor: -2_501,
                },
                Leg {
                    account_id: payouts.id,
                    amount_minor: 2_501,
                },
            ],
            memo: "",
            actor_id: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        overdraw.field_code("amount"),
        Some("err.insufficient_funds")
    );
    let eur = ledger::wallet(&db, 1, currency("EUR").unwrap())
        .await
        .unwrap();
    let mixed = ledger::post(
        &db,
        Entry {
            idempotency_key: "bad-3",
            kind: "x",
            currency: usd(),
            legs: vec![
                Leg {
                    account_id: w.id,
                    amount_minor: -1,
                },
                Leg {
                    account_id: eur.id,
                    amount_minor: 1,
                },
            ],
            memo: "",
            actor_id: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(mixed.field_code("currency"), Some("err.currency_mismatch"));
    let overflow = ledger::post(
        &db,
        Entry {
            idempotency_key: "bad-4",
            kind: "x",
            currency: usd(),
            legs: vec![
                Leg {
                    account_id: w.id,
                    amount_minor: i64::MAX,
                },
                Leg {
                    account_id: payouts.id,
                    amount_minor: i64::MAX,
                },
                Leg {
                    account_id: payouts.id,
                    amount_minor: 2,
                },
            ],
            memo: "",
            actor_id: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(overflow.field_code("amount"), Some("err.entry_unbalanced"));
    assert!(ledger::place_hold(&db, "bad-5", w.id, 0).await.is_err());
    assert!(ledger::place_hold(&db, "bad-6", w.id, -5).await.is_err());
    let acc = wallet_of(&db, 1).await;
    assert_eq!((acc.balance_minor, acc.held_minor), (2_500, 0));
    // A refused key is free again: nothing was recorded under it.
    deposit(&db, "bad-2", w.id, 1).await.unwrap();
    assert_invariants(&db).await;
});

mod random_sequences {
    use super::*;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Op {
        Deposit { user: u8, amount: i64 },
        Transfer { from: u8, to: u8, amount: i64 },
        Hold { user: u8, amount: i64 },
        Release { pick: usize },
        Capture { pick: usize },
        Replay { pick: usize },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0u8..3, 1i64..50_000).prop_map(|(user, amount)| Op::Deposit { user, amount }),
            (0u8..3, 0u8..3, 1i64..30_000).prop_map(|(from, to, amount)| Op::Transfer {
                from,
                to,
                amount
            }),
            (0u8..3, 1i64..30_000).prop_map(|(user, amount)| Op::Hold { user, amount }),
            any::<usize>().prop_map(|pick| Op::Release { pick }),
            any::<usize>().prop_map(|pick| Op::Capture { pick }),
            any::<usize>().prop_map(|pick| Op::Replay { pick }),
        ]
    }

    /// Applies the operations one by one, checking every invariant after each step. Refusals
    /// (insufficient funds, resolved holds) are expected; they must simply change nothing.
    async fn run(db: DatabaseConnection, ops: Vec<Op>) {
        let mut wallets = Vec::new();
        for u in 0..3 {
            wallets.push(wallet_of(&db, 100 + u).await.id);
        }
        let payouts = ledger::firm(&db, AccountKind::PayoutsPayable, usd())
            .await
            .unwrap()
            .id;
        let mut holds: Vec<i64> = Vec::new();
        let mut keys: Vec<(String, i64, i64)> = Vec::new();
        for (i, op) in ops.into_iter().enumerate() {
            match op {
                Op::Deposit { user, amount } => {
                    let key = format!("dep-{i}");
                    deposit(&db, &key, wallets[user as usize], amount)
                        .await
                        .unwrap();
                    keys.push((key, wallets[user as usize], amount));
                }
                Op::Transfer { from, to, amount } if from != to => {
                    let key = format!("tr-{i}");
                    let e = Entry {
                        idempotency_key: &key,
                        kind: "transfer",
                        currency: usd(),
                        legs: vec![
                            Leg {
                                account_id: wallets[from as usize],
                                amount_minor: -amount,
                            },
                            Leg {
                                account_id: wallets[to as usize],
                                amount_minor: amount,
                            },
                        ],
                        memo: "",
                        actor_id: None,
                    };
                    let _ = ledger::post(&db, e).await;
                }
                Op::Transfer { .. } => {}
                Op::Hold { user, amount } => {
                    if let Ok(h) = ledger::place_hold(
                        &db,
                        &format!("hold-{i}"),
                        wallets[user as usize],
                        amount,
                    )
                    .await
                    {
                        holds.push(h.id);
                    }
                }
                Op::Release { pick } if !holds.is_empty() => {
                    let _ = ledger::release_hold(&db, holds[pick % holds.len()]).await;
                }
                Op::Capture { pick } if !holds.is_empty() => {
                    let _ = ledger::capture_hold(
                        &db,
                        holds[pick % holds.len()],
                        "withdrawal",
                        payouts,
                        usd(),
                        None,
                    )
                    .await;
                }
                Op::Replay { pick } if !keys.is_empty() => {
                    let (key, wallet, amount) = keys[pick % keys.len()].clone();
                    assert!(deposit(&db, &key, wallet, amount).await.unwrap().replayed);
                }
                _ => {}
            }
            assert_invariants(&db).await;
        }
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
            .run(&proptest::collection::vec(op(), 1..40), |ops| {
                rt.block_on(common::on_fresh_db(backend, |db| run(db, ops)));
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn invariants_hold_after_every_step_sqlite() {
        cases(common::Backend::Sqlite, 24);
    }

    #[test]
    fn invariants_hold_after_every_step_postgres() {
        cases(common::Backend::Postgres, 8);
    }
}

/// Many withdrawals against one wallet at once never overdraw it; one key replayed at once
/// applies once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_holds_and_replays_on_postgres() {
    let (db, url) = common::fresh_db_with_url(common::Backend::Postgres).await;
    let w = wallet_of(&db, 7).await;
    deposit(&db, "seed", w.id, 10_000).await.unwrap();
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                ledger::place_hold(&db, &format!("race-{i}"), w.id, 1_000)
                    .await
                    .is_ok()
            })
        })
        .collect();
    let ok = futures::future::join_all(tasks)
        .await
        .into_iter()
        .filter(|r| *r.as_ref().unwrap())
        .count();
    assert_eq!(
        ok, 10,
        "exactly the available 100.00 can be held, 10.00 at a time"
    );
    let acc = wallet_of(&db, 7).await;
    assert_eq!((acc.balance_minor, acc.held_minor), (10_000, 10_000));

    let replays: Vec<_> = (0..20)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move { deposit(&db, "same-key", w.id, 500).await.unwrap() })
        })
        .collect();
    let results: Vec<_> = futures::future::join_all(replays)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(
        results.iter().filter(|p| !p.replayed).count(),
        1,
        "one call applies, the rest replay it"
    );
    assert!(results.iter().all(|p| p.entry_id == results[0].entry_id));
    assert_eq!(wallet_of(&db, 7).await.balance_minor, 10_500);
    assert_invariants(&db).await;
    server::testing::discard(&url).await;
}
