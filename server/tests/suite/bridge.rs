//! The bridge API on SQLite and PostgreSQL, through the real router: signed snapshots and deals
//! feed the rules engine (a daily-loss breach fails the participant and queues a `disable`
//! command that the bridge pulls and acknowledges), and every refusal (signature, clock, replay,
//! ownership, order, input, size, rate) answers its status and changes nothing.
//!
//! A replayed nonce answers 409 `err.bridge_replay`: the request is authentic but was already
//! received. Bad signatures, unknown or disabled bridges and malformed headers answer one 401.
use crate::common;
use app::domain::access::UserKind;
use app::domain::challenge::{ChallengeDef, StageDef};
use app::domain::participant::ParticipantStatus;
use app::server::entity::{
    bridge, bridge_command, notification, request, trading_account, trading_server,
};
use app::server::money::wallets::{self, Adjustment};
use app::server::prop::participation::{self, ParticipateInput};
use app::server::trading::bridge::{self as svc, AckIn};
use app::server::{approvals, prop::challenges};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{Duration, Utc};
use common::here;
use common::prop::{evaluation_stage, usd_challenge};
use common::{Client, Reply, count, make_user};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU64, Ordering};

/// 5% daily loss and 10% total on 10,000.00 USD: a breach at 9,500.00 equity.
fn one_stage() -> ChallengeDef {
    usd_challenge(
        "Bridge step",
        vec![evaluation_stage(), StageDef::live_default()],
    )
}

/// A bridge as a test sees it: its name and secret.
#[derive(Clone)]
struct Bridge {
    id: i64,
    name: String,
    secret: String,
}

async fn new_bridge(db: &DatabaseConnection, name: &str) -> Bridge {
    let (b, secret) = app::server::trading::bridge::create(db, name)
        .await
        .unwrap();
    Bridge {
        id: b.id,
        name: b.name,
        secret,
    }
}

/// The trading server of a bridge.
async fn server_of(db: &DatabaseConnection, bridge: &Bridge) -> i64 {
    trading_server::Entity::find()
        .filter(trading_server::Column::BridgeId.eq(bridge.id))
        .one(db)
        .await
        .unwrap()
        .expect("a bridge's server")
        .id
}

/// A challenge whose first stage runs on `bridge`, and a trader whose participation was
/// approved: the participant and their stage account, still being opened.
async fn opening_account(
    db: &DatabaseConnection,
    bridge: &Bridge,
    email: &str,
) -> (i64, trading_account::Model) {
    let admin = match app::server::entity::user::Entity::find()
        .filter(app::server::entity::user::Column::Email.eq("admin@example.com"))
        .one(db)
        .await
        .unwrap()
    {
        Some(a) => a,
        None => {
            make_user(
                db,
                UserKind::Staff,
                "admin@example.com",
                Some("Administrator"),
            )
            .await
        }
    };
    let mut def = one_stage();
    def.packages[0].stages[0].server_id = Some(server_of(db, bridge).await);
    let challenge = challenges::save(db, admin.id, None, def, &here())
        .await
        .unwrap();
    challenges::publish(db, admin.id, challenge, &here())
        .await
        .unwrap();
    let t = make_user(db, UserKind::Trader, email, None).await;
    wallets::adjust(
        db,
        admin.id,
        Adjustment {
            idempotency_key: format!("fund-{email}"),
            user_id: t.id,
            currency: "USD".into(),
            direction: "deposit".into(),
            amount: "500".into(),
            comment: "test funds".into(),
        },
        &here(),
    )
    .await
    .unwrap();
    let (p, _) = participation::participate(
        db,
        t.id,
        ParticipateInput {
            coupon: 0,
            promo_code: String::new(),
            challenge_id: challenge,
            package_key: "p1".into(),
            pay_method: "wallet".into(),
            idempotency_key: format!("buy-{email}"),
        },
        &here(),
    )
    .await
    .unwrap();
    let req = request::Entity::find()
        .filter(request::Column::Kind.eq("participation"))
        .filter(request::Column::UserId.eq(t.id))
        .filter(request::Column::Status.eq("pending"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    approvals::approve(db, admin.id, req.id, 1, "", &here())
        .await
        .unwrap();
    let p = participation::find(db, p.id).await.unwrap();
    let id = p.account_id.expect("an account");
    (p.id, account(db, id).await)
}

/// As `opening_account`, with the platform's acknowledgement of the `create` command (under
/// the login PropDesk proposed): the account is active.
async fn bridged_account(
    db: &DatabaseConnection,
    bridge: &Bridge,
    email: &str,
) -> (i64, trading_account::Model) {
    let (p, acc) = opening_account(db, bridge, email).await;
    let create = bridge_command::Entity::find()
        .filter(bridge_command::Column::AccountId.eq(acc.id))
        .filter(bridge_command::Column::Kind.eq("create"))
        .one(db)
        .await
        .unwrap()
        .expect("a create command");
    let b = bridge::Entity::find_by_id(bridge.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    svc::ack(db, &b, create.id, AckIn::default(), Utc::now())
        .await
        .unwrap();
    (p, account(db, acc.id).await)
}

async fn account(db: &DatabaseConnection, id: i64) -> trading_account::Model {
    trading_account::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

fn nonce() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "n-{}-{}",
        Utc::now().timestamp_nanos_opt().unwrap_or_default(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}

/// A request signed as a bridge would, with the timestamp `skew` seconds off and this nonce.
fn signed_with(
    method: &str,
    path: &str,
    b: &Bridge,
    body: &str,
    skew: i64,
    nonce: &str,
) -> Request<Body> {
    let ts = (Utc::now().timestamp() + skew).to_string();
    let sig = app::server::trading::bridge::sign(&b.secret, &ts, nonce, body.as_bytes());
    Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-bridge", &b.name)
        .header("x-timestamp", ts)
        .header("x-nonce", nonce)
        .header("x-signature", sig)
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn signed(method: &str, path: &str, b: &Bridge, body: &str) -> Request<Body> {
    signed_with(method, path, b, body, 0, &nonce())
}

fn snapshot(login: &str, seq: i64, equity: i64) -> String {
    json!({
        "login": login,
        "seq": seq,
        "at": Utc::now().to_rfc3339(),
        "balance_minor": 1_000_000,
        "equity_minor": equity,
        "margin_minor": 20_000,
        "open_positions": 1,
    })
    .to_string()
}

fn deal_in(login: &str, seq: i64, ticket: &str) -> Value {
    json!({
        "login": login,
        "seq": seq,
        "ticket": ticket,
        "entry": "in",
        "symbol": "EURUSD",
        "side": "buy",
        "volume_lots": "1.00",
        "open_price": "1.08500",
        "opened_at": (Utc::now() - Duration::minutes(2)).to_rfc3339(),
        "balance_minor": 1_000_000,
        "equity_minor": 999_990,
        "margin_minor": 10_850,
        "open_positions": 1,
    })
}

fn deal_out(login: &str, seq: i64, ticket: &str, profit: i64) -> Value {
    let mut d = deal_in(login, seq, ticket);
    d["entry"] = json!("out");
    d["close_price"] = json!("1.08620");
    d["profit_minor"] = json!(profit);
    d["closed_at"] = json!(Utc::now().to_rfc3339());
    d["balance_minor"] = json!(1_000_000 + profit);
    d["equity_minor"] = json!(1_000_000 + profit);
    d["margin_minor"] = json!(0);
    d["open_positions"] = json!(0);
    d
}

fn error_of(r: &Reply) -> String {
    r.json()["error"].as_str().unwrap_or_default().to_string()
}

/// The code on `field`, if the answer names it.
fn field_code(r: &Reply, field: &str) -> Option<String> {
    r.json()["fields"]
        .as_array()?
        .iter()
        .find(|f| f["field"] == field)
        .and_then(|f| f["code"].as_str())
        .map(str::to_string)
}

fn client(db: &DatabaseConnection) -> Client {
    Client::new(server::testing::state(db.clone()))
}

on_both!(
    snapshots_feed_the_rules_engine_and_commands_flow_back,
    |db| {
        let b = new_bridge(&db, "mt5-live").await;
        let (pid, acc) = bridged_account(&db, &b, "t1@example.com").await;
        let c = client(&db);
        let login = acc.login.clone();

        let r = c
            .send(signed(
                "POST",
                "/bridge/v1/snapshots",
                &b,
                &snapshot(&login, 1, 990_000),
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let out = r.json();
        assert_eq!(out["status"], "active");
        assert_eq!(out["enabled"], true);
        assert_eq!(out["seq"], 1);
        assert_eq!(out["equity_minor"], 990_000);
        let a = account(&db, acc.id).await;
        assert_eq!(
            (a.equity, a.margin, a.open_positions, a.last_seq),
            (990_000, 20_000, 1, 1)
        );
        let seen = bridge::Entity::find_by_id(b.id)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert!(seen.last_seen_at.is_some());

        // 499.00 down: just inside the 500.00 daily limit.
        let r = c
            .send(signed(
                "POST",
                "/bridge/v1/snapshots",
                &b,
                &snapshot(&login, 2, 950_100),
            ))
            .await;
        assert_eq!(
            (r.status, r.json()["status"].clone()),
            (StatusCode::OK, json!("active"))
        );
        // At the limit: the snapshot itself fails the stage.
        let r = c
            .send(signed(
                "POST",
                "/bridge/v1/snapshots",
                &b,
                &snapshot(&login, 3, 950_000),
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(
            (r.json()["status"].clone(), r.json()["enabled"].clone()),
            (json!("failed"), json!(false))
        );
        let a = account(&db, acc.id).await;
        assert_eq!(
            (a.status.as_str(), a.enabled, a.last_seq),
            ("failed", false, 3)
        );
        let p = participation::find(&db, pid).await.unwrap();
        assert_eq!(
            (p.status, p.reason.as_str()),
            (ParticipantStatus::Failed, "max_daily_loss")
        );

        // The bridge pulls the disable command, acknowledges it, and it is gone.
        let r = c
            .send(signed("GET", "/bridge/v1/commands?limit=10", &b, ""))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let cmds = r.json()["commands"].as_array().unwrap().clone();
        assert_eq!(cmds.len(), 1, "{cmds:?}");
        assert_eq!(
            (cmds[0]["kind"].clone(), cmds[0]["login"].clone()),
            (json!("disable"), json!(login))
        );
        assert_eq!(cmds[0]["payload"]["login"], json!(login));
        let id = cmds[0]["id"].as_i64().unwrap();

        // Another bridge sees none of it and cannot acknowledge it.
        let other = new_bridge(&db, "ctrader").await;
        let r = c
            .send(signed("GET", "/bridge/v1/commands", &other, ""))
            .await;
        assert_eq!(r.json()["commands"], json!([]));
        let r = c
            .send(signed(
                "POST",
                &format!("/bridge/v1/commands/{id}/ack"),
                &other,
                "",
            ))
            .await;
        assert_eq!(
            (r.status, error_of(&r)),
            (StatusCode::NOT_FOUND, "err.command_unknown".into())
        );

        let r = c
            .send(signed(
                "POST",
                &format!("/bridge/v1/commands/{id}/ack"),
                &b,
                "",
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["status"], "acked");
        let first = r.json()["acked_at"].clone();
        // Acknowledging again changes nothing.
        let r = c
            .send(signed(
                "POST",
                &format!("/bridge/v1/commands/{id}/ack"),
                &b,
                "",
            ))
            .await;
        assert_eq!(
            (r.status, r.json()["acked_at"].clone()),
            (StatusCode::OK, first)
        );
        let r = c.send(signed("GET", "/bridge/v1/commands", &b, "")).await;
        assert_eq!(r.json()["commands"], json!([]));
        let cmd = bridge_command::Entity::find_by_id(id)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(cmd.status, "acked");
        let r = c
            .send(signed("POST", "/bridge/v1/commands/999999/ack", &b, ""))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = c
            .send(signed("GET", "/bridge/v1/commands?limit=101", &b, ""))
            .await;
        assert_eq!(
            (r.status, field_code(&r, "limit")),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("err.limit_range".into())
            )
        );
    }
);

on_both!(only_signed_fresh_unique_requests_get_in, |db| {
    let b = new_bridge(&db, "mt4").await;
    let (_, acc) = bridged_account(&db, &b, "t2@example.com").await;
    let c = client(&db);
    let body = snapshot(&acc.login, 1, 990_000);
    let unauthorized = (StatusCode::UNAUTHORIZED, "err.bridge_auth".to_string());

    // A wrong signature.
    let mut req = signed("POST", "/bridge/v1/snapshots", &b, &body);
    req.headers_mut()
        .insert("x-signature", "ab".repeat(32).parse().unwrap());
    let r = c.send(req).await;
    assert_eq!((r.status, error_of(&r)), unauthorized);
    // Signed over another body.
    let mut req = signed(
        "POST",
        "/bridge/v1/snapshots",
        &b,
        &snapshot(&acc.login, 1, 1),
    );
    *req.body_mut() = Body::from(body.clone());
    let r = c.send(req).await;
    assert_eq!((r.status, error_of(&r)), unauthorized);
    // Signed with another secret, and an unknown bridge.
    let forger = Bridge {
        secret: "00".repeat(32),
        ..b.clone()
    };
    let r = c
        .send(signed("POST", "/bridge/v1/snapshots", &forger, &body))
        .await;
    assert_eq!((r.status, error_of(&r)), unauthorized);
    let ghost = Bridge {
        name: "ghost".into(),
        ..b.clone()
    };
    let r = c
        .send(signed("POST", "/bridge/v1/snapshots", &ghost, &body))
        .await;
    assert_eq!((r.status, error_of(&r)), unauthorized);
    // No headers at all; a nonce too short.
    let r = c
        .send(
            Request::post("/bridge/v1/snapshots")
                .header(header::HOST, "127.0.0.1:3000")
                .body(Body::from(body.clone()))
                .unwrap(),
        )
        .await;
    assert_eq!((r.status, error_of(&r)), unauthorized);
    let r = c
        .send(signed_with(
            "POST",
            "/bridge/v1/snapshots",
            &b,
            &body,
            0,
            "short",
        ))
        .await;
    assert_eq!((r.status, error_of(&r)), unauthorized);
    // A stale timestamp, either way.
    for skew in [-301, 301] {
        let r = c
            .send(signed_with(
                "POST",
                "/bridge/v1/snapshots",
                &b,
                &body,
                skew,
                &nonce(),
            ))
            .await;
        assert_eq!(
            (r.status, error_of(&r)),
            (StatusCode::UNAUTHORIZED, "err.bridge_clock".into())
        );
    }
    assert_eq!(
        count(&db, "bridge_nonce").await,
        0,
        "refused requests consume no nonce"
    );
    let a = account(&db, acc.id).await;
    assert_eq!((a.equity, a.last_seq), (1_000_000, 0));

    // The real thing, even from a browser on another site: the signature is what counts.
    let n = nonce();
    let mut req = signed_with("POST", "/bridge/v1/snapshots", &b, &body, 0, &n);
    req.headers_mut()
        .insert(header::ORIGIN, "https://elsewhere.example".parse().unwrap());
    req.headers_mut()
        .insert("sec-fetch-site", "cross-site".parse().unwrap());
    let r = c.send(req).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The same nonce again is a replay, even with a new body and signature.
    let r = c
        .send(signed_with(
            "POST",
            "/bridge/v1/snapshots",
            &b,
            &snapshot(&acc.login, 2, 980_000),
            0,
            &n,
        ))
        .await;
    assert_eq!(
        (r.status, error_of(&r)),
        (StatusCode::CONFLICT, "err.bridge_replay".into())
    );
    let a = account(&db, acc.id).await;
    assert_eq!((a.equity, a.last_seq), (990_000, 1));

    // A disabled bridge is refused like an unknown one.
    bridge::Entity::update_many()
        .col_expr(bridge::Column::Enabled, Expr::value(false))
        .filter(bridge::Column::Id.eq(b.id))
        .exec(&db)
        .await
        .unwrap();
    let r = c
        .send(signed(
            "POST",
            "/bridge/v1/snapshots",
            &b,
            &snapshot(&acc.login, 2, 980_000),
        ))
        .await;
    assert_eq!((r.status, error_of(&r)), unauthorized);
    let r = c.send(signed("GET", "/bridge/v1/commands", &b, "")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // Old nonces are forgotten after ten minutes.
    assert_eq!(
        app::server::trading::bridge::purge_nonces(&db, Utc::now() + Duration::minutes(11))
            .await
            .unwrap(),
        1
    );
});

on_both!(logins_belong_to_their_bridge_and_updates_keep_order, |db| {
    let b = new_bridge(&db, "mt5").await;
    let other = new_bridge(&db, "match-trader").await;
    let (_, acc) = bridged_account(&db, &b, "t3@example.com").await;
    let (_, theirs) = bridged_account(&db, &other, "t4@example.com").await;
    let c = client(&db);
    let login = acc.login.clone();

    let r = c
        .send(signed(
            "POST",
            "/bridge/v1/snapshots",
            &b,
            &snapshot("nobody", 1, 990_000),
        ))
        .await;
    assert_eq!(
        (r.status, field_code(&r, "login")),
        (StatusCode::NOT_FOUND, Some("err.login_unknown".into()))
    );
    let r = c
        .send(signed(
            "POST",
            "/bridge/v1/snapshots",
            &b,
            &snapshot(&theirs.login, 1, 990_000),
        ))
        .await;
    assert_eq!(
        (r.status, error_of(&r)),
        (StatusCode::NOT_FOUND, "err.login_unknown".into())
    );
    let deal = deal_out(&theirs.login, 1, "T-1", 100).to_string();
    let r = c.send(signed("POST", "/bridge/v1/deals", &b, &deal)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(account(&db, theirs.id).await.last_seq, 0);

    // In order: a trade opens, then closes with 120.00 profit.
    let r = c
        .send(signed(
            "POST",
            "/bridge/v1/snapshots",
            &b,
            &snapshot(&login, 5, 995_000),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = c
        .send(signed(
            "POST",
            "/bridge/v1/deals",
            &b,
            &deal_in(&login, 6, "T-100").to_string(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["duplicate"], false);
    assert_eq!(
        count(&db, "deal").await,
        0,
        "an opening deal is not a closed deal"
    );
    let out = deal_out(&login, 7, "T-100", 12_000).to_string();
    let r = c.send(signed("POST", "/bridge/v1/deals", &b, &out)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (
            r.json()["duplicate"].clone(),
            r.json()["account"]["seq"].clone()
        ),
        (json!(false), json!(7))
    );
    assert_eq!(r.json()["account"]["balance_minor"], 1_012_000);
    let deals = app::server::entity::deal::Entity::find()
        .all(&db)
        .await
        .unwrap();
    assert_eq!(deals.len(), 1);
    let d = &deals[0];
    assert_eq!(
        (
            d.ticket.as_str(),
            d.side.as_str(),
            d.volume,
            d.open_price,
            d.close_price,
            d.digits,
            d.profit_minor
        ),
        ("T-100", "buy", 100, 108_500, 108_620, 5, 12_000)
    );
    let state = app::server::trading::risk::state_of(&account(&db, acc.id).await).unwrap();
    assert_eq!(
        state.trading_days.len(),
        1,
        "the opening deal made a trading day"
    );

    // The same closing deal again (a retry, even with a later seq): stored once, nothing moves.
    let again = deal_out(&login, 8, "T-100", 12_000).to_string();
    let r = c.send(signed("POST", "/bridge/v1/deals", &b, &again)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (
            r.json()["duplicate"].clone(),
            r.json()["account"]["seq"].clone()
        ),
        (json!(true), json!(7))
    );
    let r = c.send(signed("POST", "/bridge/v1/deals", &b, &out)).await;
    assert_eq!(
        (r.status, r.json()["duplicate"].clone()),
        (StatusCode::OK, json!(true))
    );
    assert_eq!(count(&db, "deal").await, 1);

    // Out of order: an older or equal seq is refused and changes nothing.
    let before = account(&db, acc.id).await;
    let points = count(&db, "equity_point").await;
    for seq in [7, 3] {
        let r = c
            .send(signed(
                "POST",
                "/bridge/v1/snapshots",
                &b,
                &snapshot(&login, seq, 960_000),
            ))
            .await;
        assert_eq!(
            (r.status, field_code(&r, "seq")),
            (StatusCode::CONFLICT, Some("err.seq_stale".into()))
        );
        assert_eq!(r.json()["last_seq"], 7);
    }
    let r = c
        .send(signed(
            "POST",
            "/bridge/v1/deals",
            &b,
            &deal_out(&login, 6, "T-101", -500).to_string(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let after = account(&db, acc.id).await;
    assert_eq!(
        (after.equity, after.balance, after.last_seq, after.version),
        (
            before.equity,
            before.balance,
            before.last_seq,
            before.version
        )
    );
    assert_eq!(count(&db, "equity_point").await, points);
    assert_eq!(count(&db, "deal").await, 1);
});

on_both!(bad_input_is_refused_and_changes_nothing, |db| {
    let b = new_bridge(&db, "bad-input").await;
    let (_, acc) = bridged_account(&db, &b, "t5@example.com").await;
    let c = client(&db);
    let login = acc.login.clone();
    let post = |body: String| signed("POST", "/bridge/v1/deals", &b, &body);

    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({"volume_lots": "-1"}),
            "volume_lots",
            "err.volume_invalid",
        ),
        (
            json!({"volume_lots": "0.001"}),
            "volume_lots",
            "err.volume_too_precise",
        ),
        (
            json!({"volume_lots": "101"}),
            "volume_lots",
            "err.volume_too_large",
        ),
        (json!({"side": "long"}), "side", "err.side_unknown"),
        (json!({"entry": "sideways"}), "entry", "err.entry_unknown"),
        (
            json!({"open_price": "-1.2"}),
            "open_price",
            "err.price_invalid",
        ),
        (
            json!({"open_price": "abc"}),
            "open_price",
            "err.price_invalid",
        ),
        (
            json!({"open_price": "1.123456789"}),
            "open_price",
            "err.price_decimals",
        ),
        (
            json!({"opened_at": "yesterday"}),
            "opened_at",
            "err.time_invalid",
        ),
        (
            json!({"opened_at": (Utc::now() + Duration::hours(1)).to_rfc3339()}),
            "opened_at",
            "err.time_future",
        ),
        (
            json!({"ticket": "has space"}),
            "ticket",
            "err.ticket_invalid",
        ),
        (json!({"ticket": ""}), "ticket", "err.required"),
        (json!({"symbol": ""}), "symbol", "err.required"),
        (json!({"seq": 0}), "seq", "err.seq_invalid"),
        (
            json!({"margin_minor": -1}),
            "margin_minor",
            "err.amount_range",
        ),
        (
            json!({"open_positions": -1}),
            "open_positions",
            "err.positions_range",
        ),
        (json!({"seq": "seven"}), "seq", "err.json_type"),
        (json!({"close_price": null}), "close_price", "err.required"),
        (
            json!({"profit_minor": null}),
            "profit_minor",
            "err.required",
        ),
        (
            json!({"closed_at": (Utc::now() - Duration::hours(1)).to_rfc3339()}),
            "closed_at",
            "err.closed_before_opened",
        ),
    ];
    for (patch, field, code) in cases {
        let mut d = deal_out(&login, 1, "T-9", 100);
        for (k, v) in patch.as_object().unwrap() {
            d[k] = v.clone();
        }
        let r = c.send(post(d.to_string())).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{patch}: {}",
            r.body
        );
        assert_eq!(
            field_code(&r, field).as_deref(),
            Some(code),
            "{patch}: {}",
            r.body
        );
        assert_eq!(error_of(&r), "err.bridge_invalid");
        assert!(
            !r.json()["fields"][0]["message"]
                .as_str()
                .unwrap()
                .is_empty()
        );
    }
    // A missing field is named.
    let mut d = deal_out(&login, 1, "T-9", 100);
    d.as_object_mut().unwrap().remove("equity_minor");
    let r = c.send(post(d.to_string())).await;
    assert_eq!(
        (r.status, field_code(&r, "equity_minor")),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("err.required".into())
        )
    );
    // Not JSON, not an object, nothing at all.
    let trailing = format!("{} trailing", deal_out(&login, 1, "T-9", 100));
    for body in [
        "{\"login\": ",
        "not json",
        "",
        trailing.as_str(),
        "[1, 2]",
        "42",
    ] {
        let r = c.send(post(body.into())).await;
        assert_eq!(
            (r.status, error_of(&r)),
            (StatusCode::BAD_REQUEST, "err.json_malformed".into()),
            "{body:?}"
        );
    }
    // A body over 64 KiB is refused before anything else.
    let mut d = deal_out(&login, 1, "T-9", 100);
    d["symbol"] = json!("X".repeat(70 * 1024));
    let r = c.send(post(d.to_string())).await;
    assert_eq!(
        (r.status, error_of(&r)),
        (StatusCode::PAYLOAD_TOO_LARGE, "err.body_too_large".into())
    );
    // A snapshot with a bad time and figures.
    let bad = json!({
        "login": login, "seq": 1, "at": "2026-13-45", "balance_minor": 1,
        "equity_minor": 1, "margin_minor": 0, "open_positions": 100_000,
    });
    let r = c
        .send(signed("POST", "/bridge/v1/snapshots", &b, &bad.to_string()))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_code(&r, "at").as_deref(), Some("err.time_invalid"));
    assert_eq!(
        field_code(&r, "open_positions").as_deref(),
        Some("err.positions_range")
    );

    let a = account(&db, acc.id).await;
    assert_eq!(
        (a.equity, a.balance, a.last_seq, a.status.as_str()),
        (1_000_000, 1_000_000, 0, "active")
    );
    assert_eq!(count(&db, "deal").await, 0);
    // The valid deal still goes through afterwards.
    let r = c
        .send(post(deal_out(&login, 1, "T-9", 100).to_string()))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
});

on_both!(each_bridge_is_rate_limited, |db| {
    let b = new_bridge(&db, "busy").await;
    let quiet = new_bridge(&db, "quiet").await;
    let c = Client {
        app: server::router_with(
            server::testing::state(db.clone()),
            server::bridge::Limits {
                per_second: 1,
                burst: 2,
            },
        ),
        cookie: None,
    };
    for _ in 0..2 {
        let r = c.send(signed("GET", "/bridge/v1/commands", &b, "")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let r = c.send(signed("GET", "/bridge/v1/commands", &b, "")).await;
    assert_eq!(
        (r.status, error_of(&r)),
        (
            StatusCode::TOO_MANY_REQUESTS,
            "err.bridge_rate_limited".into()
        )
    );
    assert!(r.headers.contains_key(header::RETRY_AFTER));
    // Another bridge has its own allowance.
    let r = c
        .send(signed("GET", "/bridge/v1/commands", &quiet, ""))
        .await;
    assert_eq!(r.status, StatusCode::OK);
});

on_both!(bridges_are_created_with_valid_unique_names, |db| {
    let (b, secret) = app::server::trading::bridge::create(&db, "mt5-eu.1")
        .await
        .unwrap();
    assert_eq!(
        (b.name.as_str(), b.enabled, secret.len()),
        ("mt5-eu.1", true, 64)
    );
    assert_eq!(b.secret, secret);
    for (name, code) in [
        ("mt5-eu.1", "err.name_taken"),
        ("", "err.required"),
        ("has space", "err.bridge_name_invalid"),
        (&*"x".repeat(61), "err.bridge_name_invalid"),
    ] {
        let e = app::server::trading::bridge::create(&db, name)
            .await
            .unwrap_err();
        assert_eq!(e.field_code("name"), Some(code), "{name}");
    }
    assert_eq!(count(&db, "bridge").await, 1);
});

#[tokio::test]
async fn the_openapi_document_lists_the_endpoints() {
    let (db, url) = common::fresh_db_with_url(common::Backend::Sqlite).await;
    let r = client(&db).get("/bridge/v1/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/bridge/v1/snapshots",
        "/bridge/v1/deals",
        "/bridge/v1/commands",
        "/bridge/v1/commands/{id}/ack",
    ] {
        assert!(paths.contains_key(p), "{p} missing from {:?}", paths.keys());
    }
    let snap = &paths["/bridge/v1/snapshots"]["post"];
    let headers: Vec<&str> = snap["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["in"] == "header")
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(
        headers,
        ["X-Bridge", "X-Timestamp", "X-Nonce", "X-Signature"]
    );
    for status in ["200", "400", "401", "404", "409", "422", "429"] {
        assert!(snap["responses"].get(status).is_some(), "{status}");
    }
    for schema in ["SnapshotIn", "DealIn", "ErrorBody", "CommandsOut"] {
        assert!(
            doc["components"]["schemas"].get(schema).is_some(),
            "{schema}"
        );
    }
    server::testing::discard(&url).await;
}

on_both!(batches_apply_in_order_and_report_each_snapshot, |db| {
    let b = new_bridge(&db, "batch").await;
    let (p1, a1) = bridged_account(&db, &b, "b1@example.com").await;
    let (_, a2) = bridged_account(&db, &b, "b2@example.com").await;
    let c = client(&db);
    let snap = |login: &str, seq: i64, equity: i64| -> Value {
        serde_json::from_str(&snapshot(login, seq, equity)).unwrap()
    };
    let mut bad = snap(&a2.login, 2, 1_000_000);
    bad["margin_minor"] = json!(-1);
    let body = json!({"snapshots": [
        snap(&a1.login, 1, 990_000),
        snap(&a2.login, 1, 1_010_000),
        // The second of one account in the batch: judged after the first.
        snap(&a1.login, 2, 950_000),
        // Stale: not above the seq just applied.
        snap(&a1.login, 2, 1_000_000),
        snap("00000000", 1, 1_000_000),
        bad,
    ]})
    .to_string();
    let r = c
        .send(signed("POST", "/bridge/v1/snapshots/batch", &b, &body))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let results = r.json()["results"].as_array().unwrap().clone();
    let statuses: Vec<i64> = results
        .iter()
        .map(|x| x["status"].as_i64().unwrap())
        .collect();
    assert_eq!(statuses, vec![200, 200, 200, 409, 404, 422]);
    // The daily loss reached the limit on the third snapshot: the stage failed in the batch.
    assert_eq!(results[2]["account"]["status"], "failed");
    let a = account(&db, a1.id).await;
    assert_eq!(
        (a.status.as_str(), a.enabled, a.last_seq, a.equity),
        ("failed", false, 2, 950_000)
    );
    assert_eq!(
        participation::find(&db, p1).await.unwrap().status,
        ParticipantStatus::Failed
    );
    let a = account(&db, a2.id).await;
    assert_eq!(
        (a.status.as_str(), a.last_seq, a.equity),
        ("active", 1, 1_010_000)
    );
    // Empty and oversized batches are refused whole.
    for n in [0usize, 401] {
        let body = json!({"snapshots": vec![snap(&a2.login, 9, 1_000_000); n]}).to_string();
        let r = c
            .send(signed("POST", "/bridge/v1/snapshots/batch", &b, &body))
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{n}: {}",
            r.body
        );
        assert_eq!(
            field_code(&r, "snapshots").as_deref(),
            Some("err.batch_size")
        );
    }
    assert_eq!(account(&db, a2.id).await.last_seq, 1);
});

/// The kinds of the notifications a user got, oldest first.
async fn told(db: &DatabaseConnection, user: i64) -> Vec<String> {
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(user))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.kind)
        .collect()
}

async fn commands_of(db: &DatabaseConnection, account: i64) -> Vec<bridge_command::Model> {
    bridge_command::Entity::find()
        .filter(bridge_command::Column::AccountId.eq(account))
        .all(db)
        .await
        .unwrap()
}

// A stage on a bridge server: the account is "being opened" until the platform acknowledges
// its `create` with its own login and password; before that its updates are refused; another
// bridge can't acknowledge it, nor can a second acknowledgement change the login. The trader's
// password reset goes through the platform, one at a time; a command the platform can't carry
// out is marked failed, one left unacknowledged expires, and a silent bridge is reported once.
on_both!(
    a_bridged_account_opens_on_the_platforms_acknowledgement,
    |db| {
        let b = new_bridge(&db, "mt5-demo").await;
        let (pid, acc) = opening_account(&db, &b, "opening@example.com").await;
        assert_eq!(acc.status, "opening");
        assert!(
            told(&db, acc.user_id)
                .await
                .contains(&"notice.prop_account_opening".to_string())
        );
        let c = client(&db);
        // Nothing comes in for it yet.
        let r = c
            .send(signed(
                "POST",
                "/bridge/v1/snapshots",
                &b,
                &snapshot(&acc.login, 1, 990_000),
            ))
            .await;
        assert_eq!(
            (r.status, error_of(&r)),
            (StatusCode::CONFLICT, "err.account_opening".into())
        );
        let r = c
            .send(signed(
                "POST",
                "/bridge/v1/deals",
                &b,
                &deal_in(&acc.login, 1, "t-1").to_string(),
            ))
            .await;
        assert_eq!(
            (r.status, error_of(&r)),
            (StatusCode::CONFLICT, "err.account_opening".into())
        );
        assert_eq!(account(&db, acc.id).await, acc);

        let create = &commands_of(&db, acc.id).await[0];
        assert_eq!(create.kind, "create");
        let ack = format!("/bridge/v1/commands/{}/ack", create.id);
        let other = new_bridge(&db, "ctrader").await;
        let body = json!({"login": "MT5-700001", "password": "Platform-pw-1"}).to_string();
        let r = c.send(signed("POST", &ack, &other, &body)).await;
        assert_eq!(
            (r.status, error_of(&r)),
            (StatusCode::NOT_FOUND, "err.command_unknown".into())
        );
        for (bad, field) in [
            (json!({"login": "has space"}), "login"),
            (json!({"password": ""}), "password"),
            (json!({"error": " "}), "error"),
        ] {
            let r = c.send(signed("POST", &ack, &b, &bad.to_string())).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
            assert!(field_code(&r, field).is_some(), "{bad}: {}", r.body);
        }
        let r = c.send(signed("POST", &ack, &b, "{\"logn\": \"x\"}")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(account(&db, acc.id).await, acc);

        let r = c.send(signed("POST", &ack, &b, &body)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(
            (r.json()["status"].clone(), r.json()["login"].clone()),
            (json!("acked"), json!("MT5-700001"))
        );
        let opened = account(&db, acc.id).await;
        assert_eq!(
            (
                opened.status.as_str(),
                opened.login.as_str(),
                opened.password.as_str()
            ),
            ("active", "MT5-700001", "Platform-pw-1")
        );
        assert!(
            told(&db, acc.user_id)
                .await
                .contains(&"notice.prop_account_ready".to_string())
        );
        // The same again changes nothing; another login is refused.
        let r = c.send(signed("POST", &ack, &b, &body)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = c
            .send(signed(
                "POST",
                &ack,
                &b,
                &json!({"login": "MT5-700002"}).to_string(),
            ))
            .await;
        assert_eq!(
            (r.status, error_of(&r)),
            (StatusCode::CONFLICT, "err.ack_conflict".into())
        );
        assert_eq!(account(&db, acc.id).await, opened);
        // Another account's create acknowledged with the login this one holds: refused, and
        // it stays being opened.
        let (_, second) = opening_account(&db, &b, "second@example.com").await;
        let create2 = &commands_of(&db, second.id).await[0];
        let r = c
            .send(signed(
                "POST",
                &format!("/bridge/v1/commands/{}/ack", create2.id),
                &b,
                &body,
            ))
            .await;
        assert_eq!(
            (r.status, error_of(&r)),
            (StatusCode::CONFLICT, "err.ack_conflict".into())
        );
        assert_eq!(account(&db, second.id).await, second);
        let r = c
            .send(signed(
                "POST",
                &format!("/bridge/v1/commands/{}/ack", create2.id),
                &b,
                &json!({"login": "MT5-700003"}).to_string(),
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = c
            .send(signed(
                "POST",
                "/bridge/v1/snapshots",
                &b,
                &snapshot("MT5-700001", 1, 990_000),
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);

        // The trader's new password goes through the platform, one request at a time.
        let e =
            app::server::prop::participants::reset_password(&db, acc.user_id + 1_000, pid, &here())
                .await
                .unwrap_err();
        assert_eq!(e, app::error::AppError::NotFound);
        app::server::prop::participants::reset_password(&db, acc.user_id, pid, &here())
            .await
            .unwrap();
        let e = app::server::prop::participants::reset_password(&db, acc.user_id, pid, &here())
            .await
            .unwrap_err();
        assert_eq!(common::code(e, "account"), "err.reset_pending");
        let reset = commands_of(&db, acc.id).await.pop().unwrap();
        assert_eq!(reset.kind, "reset_password");
        let proposed: Value = serde_json::from_str(&reset.payload).unwrap();
        assert_eq!(account(&db, acc.id).await.password, "Platform-pw-1");
        let r = c
            .send(signed(
                "POST",
                &format!("/bridge/v1/commands/{}/ack", reset.id),
                &b,
                "",
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(
            json!(account(&db, acc.id).await.password),
            proposed["password"]
        );

        // A platform that can't carry a command out says why; one never answered expires.
        app::server::prop::participants::reset_password(&db, acc.user_id, pid, &here())
            .await
            .unwrap();
        let failing = commands_of(&db, acc.id).await.pop().unwrap();
        let r = c
            .send(signed(
                "POST",
                &format!("/bridge/v1/commands/{}/ack", failing.id),
                &b,
                &json!({"error": "manager API refused the password"}).to_string(),
            ))
            .await;
        assert_eq!(r.json()["status"], "failed", "{}", r.body);
        let stuck = commands_of(&db, acc.id).await.pop().unwrap();
        assert_eq!(
            (stuck.status.as_str(), stuck.error.as_deref()),
            ("failed", Some("manager API refused the password"))
        );
        app::server::prop::participants::reset_password(&db, acc.user_id, pid, &here())
            .await
            .unwrap();
        let late = commands_of(&db, acc.id).await.pop().unwrap();
        bridge_command::Entity::update_many()
            .col_expr(
                bridge_command::Column::CreatedAt,
                Expr::value(Utc::now() - Duration::hours(2)),
            )
            .filter(bridge_command::Column::Id.eq(late.id))
            .exec(&db)
            .await
            .unwrap();
        // The bridge last spoke an hour ago: silent (its limit is two minutes).
        bridge::Entity::update_many()
            .col_expr(
                bridge::Column::LastSeenAt,
                Expr::value(Utc::now() - Duration::hours(1)),
            )
            .filter(bridge::Column::Id.eq(b.id))
            .exec(&db)
            .await
            .unwrap();
        let admin = app::server::entity::user::Entity::find()
            .filter(app::server::entity::user::Column::Email.eq("admin@example.com"))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        // "ctrader" never spoke and was registered just now: not silent yet.
        assert_eq!(app::server::trading::servers::watch(&db).await.unwrap(), 2);
        assert_eq!(app::server::trading::servers::watch(&db).await.unwrap(), 0);
        let late = bridge_command::Entity::find_by_id(late.id)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(late.status, "expired");
        assert_eq!(
            told(&db, admin.id)
                .await
                .iter()
                .filter(|k| *k == "notice.bridge_silent")
                .count(),
            1
        );
        let row = app::server::trading::servers::list(&db, Utc::now())
            .await
            .unwrap()
            .into_iter()
            .find(|s| s.bridge_name == "mt5-demo")
            .unwrap();
        assert_eq!(
            (row.health.commands_failed, row.health.commands_waiting),
            (2, 0)
        );
        assert!(row.health.silent);
        // The pulled commands no longer include the expired one.
        let r = c.send(signed("GET", "/bridge/v1/commands", &b, "")).await;
        assert_eq!(r.json()["commands"], json!([]), "{}", r.body);
    }
);
