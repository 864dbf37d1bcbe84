//! Trading competitions on the real services and router: joining (with the fee from the
//! wallet, once, in the registration period, from an admitted group), the board following the
//! simulator's prices with ties to whoever got there first, suspension, and the prizes of the
//! prize table paid once, even when the payout stops half way. Each refusal changes nothing.
use crate::common::prop::admin_with_still_feed;
use crate::common::{self, Client, count, here, make_user};
use app::domain::access::UserKind;
use app::model::CompetitionForm;
use app::server::competitions::{board, entries, manage, results};
use app::server::entity::{competition, competition_entry, user};
use app::server::money::wallets::{self, Adjustment};
use app::server::trading::sim::{self, Order};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

fn at(offset_minutes: i64) -> String {
    (Utc::now() + Duration::minutes(offset_minutes))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// A competition trading now: registration open, 10.00 USD to enter, 10,000 USD to trade,
/// ranked by return, prizes 100 / 50 / 20 and 20 for ranks 1 to 4.
fn running(name: &str) -> CompetitionForm {
    CompetitionForm {
        name: name.into(),
        rules_en: "Trade EURUSD; the best return wins.".into(),
        registration_start: at(-10),
        registration_end: at(60),
        start_at: at(-5),
        end_at: at(120),
        currency: "USD".into(),
        fee: "10.00".into(),
        starting_balance: "10000.00".into(),
        measure: "return_pct".into(),
        board_size: 10,
        prizes: "1 100\n2 50\n3-4 20".into(),
        payout: "auto".into(),
        published: true,
        ..Default::default()
    }
}

async fn funded(db: &DatabaseConnection, admin: i64, email: &str, usd: &str) -> user::Model {
    let t = make_user(db, UserKind::Trader, email, None).await;
    if usd != "0" {
        wallets::adjust(
            db,
            admin,
            Adjustment {
                idempotency_key: format!("fund-{email}"),
                user_id: t.id,
                currency: "USD".into(),
                direction: "deposit".into(),
                amount: usd.into(),
                comment: "test funds".into(),
            },
            &here(),
        )
        .await
        .unwrap();
    }
    t
}

async fn wallet(db: &DatabaseConnection, user: i64) -> i64 {
    use app::server::money::ledger;
    ledger::wallet(db, user, app::domain::money::currency("USD").unwrap())
        .await
        .unwrap()
        .balance_minor
}

async fn entry_of(db: &DatabaseConnection, comp: i64, user: i64) -> competition_entry::Model {
    competition_entry::Entity::find()
        .filter(competition_entry::Column::CompetitionId.eq(comp))
        .filter(competition_entry::Column::UserId.eq(user))
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

async fn trade(db: &DatabaseConnection, user: i64, account: i64, side: &str, lots: &str) {
    sim::open(
        db,
        user,
        account,
        Order {
            symbol: "EURUSD".into(),
            side: side.into(),
            volume: lots.into(),
            stop_loss: String::new(),
            take_profit: String::new(),
        },
    )
    .await
    .unwrap();
}

/// The board's entry ids, in order.
async fn order(db: &DatabaseConnection, comp: i64) -> Vec<i64> {
    board::board(db, comp, None)
        .await
        .unwrap()
        .rows
        .iter()
        .map(|r| r.entry_id)
        .collect()
}

on_both!(
    traders_join_trade_up_the_board_and_winners_are_paid_once,
    |db| {
        let admin = admin_with_still_feed(&db).await;
        sim::set_price(&db, "EURUSD", "1.08500").await.unwrap();
        let comp = manage::save(&db, admin, running("Winter cup"), &here())
            .await
            .unwrap();
        let ann = funded(&db, admin, "ann@example.com", "100.00").await;
        let bob = funded(&db, admin, "bob@example.com", "100.00").await;
        let cat = funded(&db, admin, "cat@example.com", "100.00").await;
        let dan = funded(&db, admin, "dan@example.com", "100.00").await;
        // Bob joins first: on a tie, the earlier gets the higher place.
        for t in [&bob, &ann, &cat, &dan] {
            entries::join(&db, t.id, comp, "", &here()).await.unwrap();
            assert_eq!(
                wallet(&db, t.id).await,
                90_00,
                "the fee came out of the wallet"
            );
        }
        let (a, b, c, d) = (
            entry_of(&db, comp, ann.id).await,
            entry_of(&db, comp, bob.id).await,
            entry_of(&db, comp, cat.id).await,
            entry_of(&db, comp, dan.id).await,
        );
        assert_eq!(order(&db, comp).await, [b.id, a.id, c.id, d.id]);

        // Ann buys a lot, Cat a tenth, Dan sells a tenth: the price rises 50 pips.
        trade(&db, ann.id, a.account_id, "buy", "1").await;
        trade(&db, cat.id, c.account_id, "buy", "0.1").await;
        trade(&db, dan.id, d.account_id, "sell", "0.1").await;
        sim::set_price(&db, "EURUSD", "1.09000").await.unwrap();
        assert_eq!(order(&db, comp).await, [a.id, c.id, b.id, d.id]);
        let ann_board = board::board(&db, comp, Some(ann.id)).await.unwrap();
        let mine = ann_board.mine.unwrap();
        assert_eq!(mine.rank, Some(1));
        assert_eq!(mine.score, "5%", "500 USD on 10,000 is 5%");
        // Names are masked for clients, full for staff.
        assert!(
            ann_board.rows[0].name.ends_with("U."),
            "{}",
            ann_board.rows[0].name
        );
        assert!(ann_board.rows[0].mine);

        // The board is the sort of the entries' figures.
        let all = competition_entry::Entity::find()
            .filter(competition_entry::Column::CompetitionId.eq(comp))
            .all(&db)
            .await
            .unwrap();
        let sorted: Vec<i64> =
            app::domain::competition::rank(all.iter().map(board::standing).collect())
                .iter()
                .map(|s| s.entry)
                .collect();
        assert_eq!(order(&db, comp).await, sorted);

        // Cat is suspended: off the board, told why, no place.
        entries::suspend(&db, admin, c.id, true, "two accounts", &here())
            .await
            .unwrap();
        assert_eq!(order(&db, comp).await, [a.id, b.id, d.id]);
        let cats = board::board(&db, comp, Some(cat.id))
            .await
            .unwrap()
            .mine
            .unwrap();
        assert_eq!(
            (cats.rank, cats.suspend_reason.as_str()),
            (None, "two accounts")
        );

        // Trading ends: the ranks are fixed and the prize table paid: 100, 50, 20 (Dan is 3rd).
        results::end_now(&db, admin, comp, &here()).await.unwrap();
        assert_eq!(wallet(&db, ann.id).await, 9_000 + 10_000);
        assert_eq!(wallet(&db, bob.id).await, 90_00 + 50_00);
        assert_eq!(wallet(&db, dan.id).await, 90_00 + 20_00);
        assert_eq!(wallet(&db, cat.id).await, 90_00);
        // Prices move on after the end: the final board does not.
        sim::set_price(&db, "EURUSD", "1.05000").await.unwrap();
        assert_eq!(order(&db, comp).await, [a.id, b.id, d.id]);
        // Paying again pays nothing.
        assert_eq!(results::pay(&db, comp).await.unwrap(), 0);
        assert_eq!(results::tick(&db).await.unwrap(), 0);
        assert_eq!(wallet(&db, ann.id).await, 19_000);
        let c = competition::Entity::find_by_id(comp)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert!(c.paid_at.is_some());
        let desk = manage::desk(&db, comp).await.unwrap();
        assert_eq!(desk.stats.prizes_paid.minor(), 17_000);
        assert_eq!(desk.stats.fees.minor(), 40_00);
        assert_eq!(desk.stats.entrants, 4);
        assert_eq!(desk.stats.suspended, 1);
        common::assert_invariants(&db).await;
    }
);

on_both!(
    a_payout_stopped_half_way_pays_the_rest_and_nobody_twice,
    |db| {
        let admin = admin_with_still_feed(&db).await;
        let mut form = running("Review cup");
        form.payout = "review".into();
        form.fee = "0".into();
        let comp = manage::save(&db, admin, form, &here()).await.unwrap();
        let mut people = Vec::new();
        for i in 0..5 {
            let t = funded(&db, admin, &format!("t{i}@example.com"), "0").await;
            entries::join(&db, t.id, comp, "", &here()).await.unwrap();
            people.push(t);
        }
        // Staff must release the prizes: the end fixes the ranks and pays nothing.
        results::end_now(&db, admin, comp, &here()).await.unwrap();
        for t in &people {
            assert_eq!(wallet(&db, t.id).await, 0);
        }
        // The first prize is paid, then the server "stops": the next run pays the rest.
        let first = competition_entry::Entity::find()
            .filter(competition_entry::Column::CompetitionId.eq(comp))
            .filter(competition_entry::Column::FinalRank.eq(1))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert!(results::pay_one(&db, first.id).await.unwrap());
        assert!(
            !results::pay_one(&db, first.id).await.unwrap(),
            "never twice"
        );
        let from = here();
        let (again, more) = tokio::join!(
            results::release(&db, admin, comp, &from),
            results::pay(&db, comp)
        );
        assert_eq!(
            again.unwrap() + more.unwrap(),
            3,
            "ranks 2 to 4 paid once between the two"
        );
        let mut paid: Vec<i64> = Vec::new();
        for t in &people {
            paid.push(wallet(&db, t.id).await);
        }
        paid.sort_unstable();
        assert_eq!(paid, [0, 2_000, 2_000, 5_000, 10_000]);
        common::assert_invariants(&db).await;
    }
);

on_both!(
    bad_joins_and_bad_competitions_are_refused_and_change_nothing,
    |db| {
        let admin = admin_with_still_feed(&db).await;
        let staff = {
            let u = user::Entity::find_by_id(admin)
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            let mut c = Client::new(server::testing::state(db.clone()));
            c.cookie = Some(common::cookie_for(&db, &u).await);
            c
        };
        let comp = manage::save(&db, admin, running("Spring cup"), &here())
            .await
            .unwrap();
        let poor = funded(&db, admin, "poor@example.com", "5.00").await;
        let rich = funded(&db, admin, "rich@example.com", "100.00").await;
        let state = || async {
            format!(
                "{} {} {} {}",
                count(&db, "competition_entry").await,
                count(&db, "trading_account").await,
                count(&db, "journal_entry").await,
                wallet(&db, poor.id).await + wallet(&db, rich.id).await
            )
        };
        let before = state().await;
        // Without the fee in the wallet.
        let e = entries::join(&db, poor.id, comp, "", &here())
            .await
            .unwrap_err();
        assert_eq!(
            common::code(e, "competition"),
            "err.entry_fee_exceeds_wallet"
        );
        assert_eq!(before, state().await);
        // Twice.
        entries::join(&db, rich.id, comp, "", &here())
            .await
            .unwrap();
        let before = state().await;
        let e = entries::join(&db, rich.id, comp, "", &here())
            .await
            .unwrap_err();
        assert_eq!(common::code(e, "competition"), "err.already_joined");
        assert_eq!(before, state().await);
        // After registration closed.
        let mut closed = running("Closed cup");
        closed.registration_start = at(-100);
        closed.registration_end = at(-50);
        closed.start_at = at(-60);
        let closed = manage::save(&db, admin, closed, &here()).await.unwrap();
        let e = entries::join(&db, rich.id, closed, "", &here())
            .await
            .unwrap_err();
        assert_eq!(common::code(e, "competition"), "err.registration_closed");
        // From a group it does not admit: not found (nor is its board).
        let vip = app::server::entity::client_group::ActiveModel {
            name: Set("VIP".into()),
            description: Set(String::new()),
            is_default: Set(false),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&db)
        .await
        .unwrap()
        .id;
        let mut vip_only = running("VIP cup");
        vip_only.group_ids = vec![vip];
        let vip_only = manage::save(&db, admin, vip_only, &here()).await.unwrap();
        let e = entries::join(&db, rich.id, vip_only, "", &here())
            .await
            .unwrap_err();
        assert!(matches!(e, app::error::AppError::NotFound), "{e:?}");
        assert!(board::board(&db, vip_only, Some(rich.id)).await.is_err());
        assert!(
            manage::for_client(&db, rich.id)
                .await
                .unwrap()
                .iter()
                .all(|c| c.id != vip_only)
        );
        // A draft: not found.
        let mut draft = running("Draft cup");
        draft.published = false;
        let draft = manage::save(&db, admin, draft, &here()).await.unwrap();
        assert!(
            entries::join(&db, rich.id, draft, "", &here())
                .await
                .is_err()
        );
        assert_eq!(before, state().await);

        // Bad competitions, through the router: each names its field and saves nothing.
        let comps = count(&db, "competition").await;
        let form = |f: &CompetitionForm| {
            let mut s = format!(
                "form[name]={}&form[rules_en]=Rules&form[registration_start]={}&form[registration_end]={}&form[start_at]={}&form[end_at]={}&form[currency]={}&form[fee]={}&form[starting_balance]={}&form[measure]={}&form[board_size]={}&form[payout]={}&form[prizes]={}",
                f.name,
                f.registration_start,
                f.registration_end,
                f.start_at,
                f.end_at,
                f.currency,
                f.fee,
                f.starting_balance,
                f.measure,
                f.board_size,
                f.payout,
                urlencode(&f.prizes)
            );
            for (i, g) in f.group_ids.iter().enumerate() {
                s.push_str(&format!("&form[group_ids][{i}]={g}"));
            }
            s
        };
        let ok = running("Good");
        let r = staff.call("/api/competitions/save", &form(&ok)).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let comps = comps + 1;
        // A change to a good form, the field it breaks, and the refusal.
        type Case = (
            Box<dyn Fn(&mut CompetitionForm)>,
            &'static str,
            &'static str,
        );
        let cases: Vec<Case> = vec![
            (
                Box::new(|f| f.prizes = "1 100\n3 50".into()),
                "prizes",
                "err.prize_gap",
            ),
            (
                Box::new(|f| f.prizes = "1-2 100\n2 50".into()),
                "prizes",
                "err.prize_overlap",
            ),
            (
                Box::new(|f| f.prizes = "1 0".into()),
                "prizes",
                "err.amount_not_positive",
            ),
            (
                Box::new(|f| f.prizes = "first 100".into()),
                "prizes",
                "err.prize_line",
            ),
            (
                Box::new(|f| f.prizes = "1-20 5".into()),
                "prizes",
                "err.prize_beyond_board",
            ),
            (
                Box::new(|f| f.fee = "-5".into()),
                "fee",
                "err.amount_not_positive",
            ),
            (
                Box::new(|f| f.fee = "99999999999999999999".into()),
                "fee",
                "err.amount_too_large",
            ),
            (
                Box::new(|f| f.currency = "XXX".into()),
                "currency",
                "err.currency_unknown",
            ),
            (
                Box::new(|f| f.starting_balance = "0".into()),
                "starting_balance",
                "err.amount_not_positive",
            ),
            (
                Box::new(|f| f.end_at = f.start_at.clone()),
                "end_at",
                "err.validity_order",
            ),
            (
                Box::new(|f| f.registration_end = at(500)),
                "registration_end",
                "err.registration_outside",
            ),
            (
                Box::new(|f| f.start_at = "tomorrow".into()),
                "start_at",
                "err.date_invalid",
            ),
            (
                Box::new(|f| f.measure = "luck".into()),
                "measure",
                "err.measure_unknown",
            ),
            (
                Box::new(|f| f.board_size = 0),
                "board_size",
                "err.setting_range",
            ),
            (
                Box::new(|f| f.group_ids = vec![999_999]),
                "group_ids",
                "err.group_unknown",
            ),
        ];
        for (change, field, code) in cases {
            let mut f = running("Bad");
            change(&mut f);
            let r = staff.call("/api/competitions/save", &form(&f)).await;
            assert_eq!(common::code(r.error(), field), code, "{}", form(&f));
        }
        assert_eq!(count(&db, "competition").await, comps);
        // Once someone joined, what they paid for is fixed.
        let mut dearer = running("Spring cup");
        dearer.id = comp;
        dearer.fee = "20.00".into();
        let e = manage::save(&db, admin, dearer, &here()).await.unwrap_err();
        assert_eq!(common::code(e, "fee"), "err.competition_has_entrants");
        // Suspension needs a reason.
        let rich_entry = entry_of(&db, comp, rich.id).await;
        let e = entries::suspend(&db, admin, rich_entry.id, true, " ", &here())
            .await
            .unwrap_err();
        assert_eq!(common::code(e, "reason"), "err.reason_required");
        assert_eq!(entry_of(&db, comp, rich.id).await, rich_entry);
    }
);

fn urlencode(s: &str) -> String {
    s.replace('\n', "%0A").replace(' ', "%20")
}

on_both!(demo_data_has_a_running_board_and_a_paid_cup, |db| {
    app::server::identity::roles::ensure_system_roles(&db)
        .await
        .unwrap();
    app::server::seed::seed_demo(&db, &common::cfg())
        .await
        .unwrap();
    let comps = competition::Entity::find().all(&db).await.unwrap();
    let cup = comps.iter().find(|c| c.name == "November cup").unwrap();
    let sprint = comps.iter().find(|c| c.name == "December sprint").unwrap();
    assert!(cup.paid_at.is_some());
    let paid: i64 = competition_entry::Entity::find()
        .filter(competition_entry::Column::CompetitionId.eq(cup.id))
        .all(&db)
        .await
        .unwrap()
        .iter()
        .filter_map(|e| e.paid_at.and(e.prize_minor))
        .sum();
    assert_eq!(paid, 85_000, "500 + 250 + 100");
    let board = board::board(&db, sprint.id, None).await.unwrap();
    assert!(board.rows.len() >= 4, "{board:?}");
    // Seeding again adds nothing.
    app::server::seed::seed_demo(&db, &common::cfg())
        .await
        .unwrap();
    assert_eq!(count(&db, "competition").await, 2);
});

on_both!(
    a_promo_code_takes_its_discount_off_the_entry_fee_once_per_client,
    |db| {
        use app::domain::offers::PromoState;
        use app::model::PromoCodeForm;
        use app::server::entity::offer_use;
        use app::server::offers::promo_codes;
        let admin = admin_with_still_feed(&db).await;
        let comp = manage::save(&db, admin, running("Promo cup"), &here())
            .await
            .unwrap();
        let code = |code: &str, discount: &str, currency: &str| PromoCodeForm {
            code: code.into(),
            name: "Cup".into(),
            discount: discount.into(),
            currency: currency.into(),
            per_client: 1,
            combinable: true,
            ..Default::default()
        };
        for form in [code("CUP-20", "20%", "USD"), code("EURO-5", "5.00", "EUR")] {
            let c = promo_codes::save(&db, admin, form, &here()).await.unwrap();
            promo_codes::set_state(&db, admin, c.id, PromoState::Enabled, &here())
                .await
                .unwrap();
        }
        let ann = funded(&db, admin, "ann@example.com", "100.00").await;
        let bob = funded(&db, admin, "bob@example.com", "100.00").await;
        let state = || async {
            format!(
                "{} {} {} {}",
                count(&db, "competition_entry").await,
                count(&db, "offer_use").await,
                count(&db, "journal_entry").await,
                wallet(&db, bob.id).await
            )
        };
        // Refused codes change nothing: unknown, and a fixed discount in another currency.
        let before = state().await;
        for (typed, refusal) in [
            ("NOPE", "err.promo_code_unknown"),
            ("EURO-5", "err.promo_code_currency"),
        ] {
            let e = entries::join(&db, bob.id, comp, typed, &here())
                .await
                .unwrap_err();
            assert_eq!(common::code(e, "promo_code"), refusal);
            assert_eq!(before, state().await);
        }
        // 20% off 10.00: 8.00 from the wallet, the entry's fee, and one use naming the entry.
        let entry = entries::join(&db, ann.id, comp, " cup-20 ", &here())
            .await
            .unwrap();
        assert_eq!(wallet(&db, ann.id).await, 92_00);
        let e = competition_entry::Entity::find_by_id(entry)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(e.fee_minor, 8_00);
        let uses = offer_use::Entity::find().all(&db).await.unwrap();
        assert_eq!(uses.len(), 1);
        let u = &uses[0];
        assert_eq!(
            (
                u.competition_entry_id,
                u.participant_id,
                u.user_id,
                u.discount_minor,
                u.list_minor,
                u.paid_minor
            ),
            (Some(entry), 0, ann.id, 2_00, 10_00, 8_00)
        );
        // Once per client: Ann's second competition refuses the code she used.
        let again = manage::save(&db, admin, running("Second cup"), &here())
            .await
            .unwrap();
        let e = entries::join(&db, ann.id, again, "CUP-20", &here())
            .await
            .unwrap_err();
        assert_eq!(common::code(e, "promo_code"), "err.promo_code_used_up");
        assert_eq!(wallet(&db, ann.id).await, 92_00);
        // A free competition ignores a code.
        let mut free = running("Free cup");
        free.fee = "0".into();
        let free = manage::save(&db, admin, free, &here()).await.unwrap();
        entries::join(&db, bob.id, free, "NOPE", &here())
            .await
            .unwrap();
        assert_eq!(wallet(&db, bob.id).await, 10_000);
    }
);
