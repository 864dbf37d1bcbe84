//! Prop fixtures: the challenge shapes the tests build on, and the firm they run in (an
//! administrator and a simulator whose feed stands still, so that the tests set the prices).
use super::{here, make_user};
use app::domain::access::UserKind;
use app::domain::challenge::{ChallengeDef, StageDef};
use app::server::prop::challenges;
use app::server::trading::sim::{self, Feed};
use sea_orm::DatabaseConnection;

/// A challenge of `stages` in one USD package: an account of 10,000.00 for a fee of 100.00, its
/// days counted in UTC.
pub fn usd_challenge(name: &str, stages: Vec<StageDef>) -> ChallengeDef {
    let mut def = ChallengeDef::example();
    def.name = name.into();
    def.time_zone = "UTC".into();
    let p = &mut def.packages[0];
    p.currency = "USD".into();
    p.account_size_minor = 1_000_000;
    p.fee_minor = 10_000;
    p.stages = stages;
    def
}

/// An evaluation stage: 30 days with at least one trading day, a 10% target, 5% daily and 10%
/// total loss limits, passed as soon as the target is met.
pub fn evaluation_stage() -> StageDef {
    StageDef {
        period_days: Some(30),
        min_trading_days: 1,
        profit_target_bps: Some(1_000),
        max_daily_loss_bps: Some(500),
        max_loss_bps: Some(1_000),
        upgrade_immediately: true,
        ..StageDef::demo_default()
    }
}

/// The firm's administrator (`admin@example.com`), with the simulator's feed stopped.
pub async fn admin_with_still_feed(db: &DatabaseConnection) -> i64 {
    let admin = make_user(
        db,
        UserKind::Staff,
        "admin@example.com",
        Some("Administrator"),
    )
    .await;
    let still = Feed {
        running: false,
        seed: 1,
        day_offset: 0,
    };
    sim::set_feed(db, still).await.unwrap();
    admin.id
}

/// Saves `def` as a new challenge and publishes it; its id.
pub async fn publish(db: &DatabaseConnection, admin: i64, def: ChallengeDef) -> i64 {
    let id = challenges::save(db, admin, None, def, &here())
        .await
        .unwrap();
    challenges::publish(db, admin, id, &here()).await.unwrap();
    id
}

/// A trader with `usd` in their wallet who bought the first package of `challenge` and whose
/// participation `admin` approved: (trader, participant, stage account).
pub async fn trader_in(
    db: &DatabaseConnection,
    admin: i64,
    challenge: i64,
    email: &str,
    usd: &str,
) -> (i64, i64, i64) {
    use app::server::entity::request;
    use app::server::money::wallets::{self, Adjustment};
    use app::server::prop::participation::{self, ParticipateInput};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let t = make_user(db, UserKind::Trader, email, None).await;
    let funds = Adjustment {
        idempotency_key: format!("fund-{email}"),
        user_id: t.id,
        currency: "USD".into(),
        direction: "deposit".into(),
        amount: usd.into(),
        comment: "test funds".into(),
    };
    wallets::adjust(db, admin, funds, &here()).await.unwrap();
    let bought = ParticipateInput {
        coupon: 0,
        promo_code: String::new(),
        challenge_id: challenge,
        package_key: "p1".into(),
        pay_method: "wallet".into(),
        idempotency_key: format!("buy-{email}"),
    };
    let (p, _) = participation::participate(db, t.id, bought, &here())
        .await
        .unwrap();
    let req = request::Entity::find()
        .filter(request::Column::UserId.eq(t.id))
        .filter(request::Column::Status.eq("pending"))
        .one(db)
        .await
        .unwrap()
        .expect("the participation request");
    app::server::approvals::approve(db, admin, req.id, 1, "", &here())
        .await
        .unwrap();
    let p = participation::find(db, p.id).await.unwrap();
    (t.id, p.id, p.account_id.expect("a stage account"))
}

/// Turns down the client's only pending request (a purchase, which refunds its fee).
pub async fn turn_down(db: &DatabaseConnection, admin: i64, user: i64) {
    use app::server::entity::request;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let req = request::Entity::find()
        .filter(request::Column::UserId.eq(user))
        .filter(request::Column::Status.eq("pending"))
        .one(db)
        .await
        .unwrap()
        .expect("a pending request");
    app::server::approvals::reject(db, admin, req.id, "no", &here())
        .await
        .unwrap();
}
