//! The live stream (`GET /live`) through the real router, on SQLite and PostgreSQL: a change
//! reaches the browsers that may see it and no other (an event for everyone, every one), a
//! reconnection with the last event id receives exactly what it missed, and a bad resume point
//! or no session is refused.
use crate::common;
use app::domain::access::UserKind;
use app::domain::live::{LiveEvent, Topic};
use app::server::trading::sim::{self, Order};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::prop::{admin_with_still_feed, evaluation_stage, publish, trader_in, usd_challenge};
use common::{Client, cookie_for, make_user};
use http_body_util::BodyExt;
use server::probe::{self as sse, Message};
use std::time::Duration;
use tower::ServiceExt;

/// An open stream, read as it arrives.
struct Stream {
    body: Body,
    buf: String,
    /// Replayed before `ready`.
    replayed: Vec<LiveEvent>,
}

impl Stream {
    /// The next message (comments and keep-alives skipped), or None when nothing came within
    /// `wait`.
    async fn next(&mut self, wait: Duration) -> Option<Message> {
        let until = tokio::time::Instant::now() + wait;
        loop {
            if let Some(m) = sse::take(&mut self.buf) {
                return Some(m);
            }
            let frame = tokio::time::timeout_at(until, self.body.frame())
                .await
                .ok()??;
            if let Ok(bytes) = frame.unwrap().into_data() {
                self.buf.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
    }

    /// The live events that arrive within `wait`.
    async fn events(&mut self, wait: Duration) -> Vec<LiveEvent> {
        let mut out = std::mem::take(&mut self.replayed);
        while let Some(m) = self.next(wait).await {
            out.extend(m.live());
        }
        out
    }
}

async fn open(c: &Client, last: Option<&str>) -> Result<Stream, StatusCode> {
    let mut req = Request::get("/live").header(header::HOST, "127.0.0.1:3000");
    if let Some(cookie) = &c.cookie {
        req = req.header(header::COOKIE, cookie);
    }
    if let Some(last) = last {
        // As bytes: a header may carry what `&str` headers refuse (non-ASCII).
        let value = axum::http::HeaderValue::from_bytes(last.as_bytes()).unwrap();
        req = req.header("last-event-id", value);
    }
    let res = c
        .app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    if res.status() != StatusCode::OK {
        return Err(res.status());
    }
    assert_eq!(
        res.headers()[header::CONTENT_TYPE].to_str().unwrap(),
        "text/event-stream"
    );
    let mut s = Stream {
        body: res.into_body(),
        buf: String::new(),
        replayed: Vec::new(),
    };
    // What was missed comes first, then `ready`.
    loop {
        let m = s.next(Duration::from_secs(5)).await.expect("ready");
        match m.live() {
            Some(e) => s.replayed.push(e),
            None if m.event == "ready" => return Ok(s),
            None => panic!("{m:?} before ready"),
        }
    }
}

async fn trade(db: &sea_orm::DatabaseConnection, trader: i64, acc: i64) {
    let order = Order {
        symbol: "EURUSD".into(),
        side: "buy".into(),
        volume: "1".into(),
        stop_loss: String::new(),
        take_profit: String::new(),
    };
    sim::open(db, trader, acc, order).await.unwrap();
}

async fn user(db: &sea_orm::DatabaseConnection, id: i64) -> app::server::entity::user::Model {
    use sea_orm::EntityTrait;
    app::server::entity::user::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

const SOON: Duration = Duration::from_millis(1500);

on_both!(each_user_receives_only_their_own_events, |db| {
    let admin = admin_with_still_feed(&db).await;
    let challenge = publish(&db, admin, usd_challenge("Live", vec![evaluation_stage()])).await;
    let (ann, ann_p, ann_acc) = trader_in(&db, admin, challenge, "ann@example.com", "500").await;
    let (bob, _, _) = trader_in(&db, admin, challenge, "bob@example.com", "500").await;
    let state = server::testing::state(db.clone());
    let client = |cookie: String| Client {
        app: server::router(state.clone()),
        cookie: Some(cookie),
    };
    let ann_c = client(cookie_for(&db, &user(&db, ann).await).await);
    let bob_c = client(cookie_for(&db, &user(&db, bob).await).await);
    let staff = make_user(
        &db,
        UserKind::Staff,
        "risk@example.com",
        Some("Administrator"),
    )
    .await;
    let staff_c = client(cookie_for(&db, &staff).await);
    let (mut ann_s, mut bob_s, mut staff_s) = (
        open(&ann_c, None).await.unwrap(),
        open(&bob_c, None).await.unwrap(),
        open(&staff_c, None).await.unwrap(),
    );

    sim::set_price(&db, "EURUSD", "1.08500").await.unwrap();
    trade(&db, ann, ann_acc).await;
    let mine = ann_s.events(SOON).await;
    assert!(
        mine.iter()
            .any(|e| e.topic == Topic::Participant && e.ref_id == Some(ann_p)),
        "{mine:?}"
    );
    assert!(mine.windows(2).all(|w| w[0].id < w[1].id), "{mine:?}");
    let seen = staff_s.events(SOON).await;
    assert!(seen.iter().any(|e| e.ref_id == Some(ann_p)), "{seen:?}");
    // Bob's page learns nothing of Ann's account.
    assert_eq!(bob_s.events(Duration::from_millis(300)).await, []);

    // Ann's tab loses its connection; meanwhile the price breaches her daily loss.
    let last = mine.last().unwrap().id;
    drop(ann_s);
    sim::set_price(&db, "EURUSD", "1.07900").await.unwrap();
    let missed_by_staff = staff_s.events(SOON).await;
    assert!(!missed_by_staff.is_empty());
    let mut back = open(&ann_c, Some(&last.to_string())).await.unwrap();
    let caught_up = back.events(SOON).await;
    assert!(caught_up.iter().all(|e| e.id > last), "{caught_up:?}");
    assert!(
        caught_up.windows(2).all(|w| w[0].id < w[1].id),
        "{caught_up:?}"
    );
    assert!(
        caught_up
            .iter()
            .any(|e| e.topic == Topic::Participant && e.ref_id == Some(ann_p)),
        "{caught_up:?}"
    );
    // The breach's warning is a notification of hers too.
    assert!(
        caught_up.iter().any(|e| e.topic == Topic::Notification),
        "{caught_up:?}"
    );
    assert_eq!(bob_s.events(Duration::from_millis(300)).await, []);

    // An event for everyone (a competition's board moved) reaches every signed-in stream.
    use app::server::infra::live::{self, Audience};
    live::emit(&db, Audience::everyone(), Topic::Leaderboard, Some(7))
        .await
        .unwrap();
    for s in [&mut back, &mut bob_s, &mut staff_s] {
        let got = s.events(SOON).await;
        assert!(
            got.iter()
                .any(|e| e.topic == Topic::Leaderboard && e.ref_id == Some(7)),
            "{got:?}"
        );
    }
});

on_both!(a_bad_resume_point_or_no_session_is_refused, |db| {
    let trader = make_user(&db, UserKind::Trader, "t@example.com", None).await;
    let state = server::testing::state(db.clone());
    let anonymous = Client::new(state.clone());
    assert_eq!(
        open(&anonymous, None).await.err(),
        Some(StatusCode::UNAUTHORIZED)
    );
    let signed_in = Client {
        app: server::router(state),
        cookie: Some(cookie_for(&db, &trader).await),
    };
    for bad in ["abc", "-1", "1.5", "٣", "99999999999999999999", "1 2"] {
        assert_eq!(
            open(&signed_in, Some(bad)).await.err(),
            Some(StatusCode::BAD_REQUEST),
            "{bad}"
        );
    }
    // Far ahead of the table (another instance, a stale tab): nothing older is replayed.
    assert!(open(&signed_in, Some("123456789")).await.is_ok());
    assert!(open(&signed_in, Some("")).await.is_ok());
});
