//! What the process-level tests share: a firm set up through PropDesk's services, the PropDesk
//! and bridge processes, and a proxy between them that injects faults (dropped replies, a
//! process killed in the middle of a request).
#![allow(dead_code)] // each test file uses its own part

use app::domain::access::UserKind;
use app::domain::challenge::{ChallengeDef, StageDef};
use app::model::ServerForm;
use app::server::entity::{bridge_command, participant, request, trading_account};
use app::server::money::wallets::{self, Adjustment};
use app::server::prop::participation::{self, ParticipateInput};
use app::server::seed::{self, NewUser};
use app::server::trading::servers;
use app::server::{RuntimeConfig, approvals, infra::origin::Origin, prop::challenges};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use server::probe::{Server, request};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::process::{Child, Command};
use tokio::sync::{Mutex, RwLock};

pub fn here() -> Origin {
    Origin {
        ip: "127.0.0.1".into(),
        user_agent: "test".into(),
        country: String::new(),
    }
}

/// A fresh database: PostgreSQL when `TEST_DATABASE_URL` names one, else a SQLite file.
pub async fn fresh_db() -> (DatabaseConnection, String) {
    let pg = std::env::var("TEST_DATABASE_URL").ok();
    server::testing::fresh_db_with_url(pg.as_deref()).await
}

pub async fn user(db: &DatabaseConnection, kind: UserKind, email: &str, role: Option<&str>) -> i64 {
    let new = NewUser {
        kind,
        email,
        password: "correct horse battery",
        first_name: "Test",
        last_name: "User",
        country: "GB",
        phone: "+441632960001",
        role,
        referrer_id: None,
        created_days_ago: 0,
    };
    seed::ensure_user(db, &RuntimeConfig::for_tests(), new)
        .await
        .unwrap()
        .0
        .id
}

pub async fn admin(db: &DatabaseConnection) -> i64 {
    user(
        db,
        UserKind::Staff,
        "admin@example.com",
        Some("Administrator"),
    )
    .await
}

/// Registers a bridge server of `environment` offering USD at 1:100; its id, bridge name and
/// secret.
pub async fn bridge_server(
    db: &DatabaseConnection,
    admin: i64,
    name: &str,
    environment: &str,
) -> (i64, String, String) {
    let form = ServerForm {
        name: name.into(),
        environment: environment.into(),
        currencies: "USD".into(),
        leverages: "100".into(),
        groups: format!("{environment}\\prop"),
        enabled: true,
        silence_secs: "120".into(),
        stale_secs: "300".into(),
        command_ttl_secs: "3600".into(),
        ..Default::default()
    };
    let saved = servers::save(db, admin, form, &here()).await.unwrap();
    (saved.id, saved.bridge_name, saved.secret.unwrap())
}

/// Publishes a challenge with these stages (the example's rules: 8% target, 5% a day, 10% in
/// all, on 10,000.00 USD; days end at midnight UTC).
pub async fn publish(
    db: &DatabaseConnection,
    admin: i64,
    name: &str,
    stages: Vec<StageDef>,
) -> i64 {
    publish_with(db, admin, name, stages, "UTC", "").await
}

/// `publish`, with days that end at `day_ends_at` ("HH:MM") in `time_zone`.
pub async fn publish_with(
    db: &DatabaseConnection,
    admin: i64,
    name: &str,
    stages: Vec<StageDef>,
    time_zone: &str,
    day_ends_at: &str,
) -> i64 {
    let mut def = ChallengeDef::example();
    def.name = name.into();
    def.packages[0].stages = stages;
    def.time_zone = time_zone.into();
    def.day_ends_at = day_ends_at.into();
    let id = challenges::save(db, admin, None, def, &here())
        .await
        .unwrap();
    challenges::publish(db, admin, id, &here()).await.unwrap();
    id
}

/// "On the platform": one demo stage on `server`, then the live stage on the simulator.
pub async fn on_the_platform(db: &DatabaseConnection, admin: i64, server: i64) -> i64 {
    let stage = StageDef {
        server_id: Some(server),
        min_trading_days: 1,
        ..StageDef::demo_default()
    };
    let stages = vec![stage, StageDef::live_default()];
    publish(db, admin, "On the platform", stages).await
}

/// A new trader who buys the challenge from a funded wallet; staff approve the participation.
/// The participation's id.
pub async fn participant(db: &DatabaseConnection, admin: i64, email: &str, challenge: i64) -> i64 {
    let trader = user(db, UserKind::Trader, email, None).await;
    let funds = Adjustment {
        idempotency_key: format!("fund-{email}"),
        user_id: trader,
        currency: "USD".into(),
        direction: "deposit".into(),
        amount: "500.00".into(),
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
    let (p, _) = participation::participate(db, trader, bought, &here())
        .await
        .unwrap();
    approve_pending(db, admin, trader).await;
    p.id
}

/// Approves the client's pending request (participation, live step).
pub async fn approve_pending(db: &DatabaseConnection, admin: i64, user_id: i64) {
    let req = request::Entity::find()
        .filter(request::Column::UserId.eq(user_id))
        .filter(request::Column::Status.eq("pending"))
        .order_by_desc(request::Column::Id)
        .one(db)
        .await
        .unwrap()
        .expect("a pending request");
    approvals::approve(db, admin, req.id, 1, "", &here())
        .await
        .unwrap();
}

pub async fn participation(db: &DatabaseConnection, id: i64) -> participant::Model {
    participant::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

pub async fn account(db: &DatabaseConnection, id: i64) -> trading_account::Model {
    trading_account::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

/// `propdesk`, which cargo built beside this test for the server package's own tests.
pub fn propdesk() -> PathBuf {
    let deps = std::env::current_exe().unwrap();
    let bin = deps
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .join("propdesk");
    assert!(
        bin.exists(),
        "build the server first: cargo build -p server ({})",
        bin.display()
    );
    bin
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A folder of its own for a test's mail and bridge state.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("propdesk-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// How to start one reference bridge process, and its trader interface.
pub struct Demo {
    pub port: u16,
    env: Vec<(&'static str, String)>,
    /// Held (shared) by each call to the trader interface, and (exclusively) while the process
    /// is killed and restarted: a call is never cut off by a kill the test made.
    pub gate: RwLock<()>,
}

impl Demo {
    /// A bridge for `bridge` (id, name, secret) sending to PropDesk at `propdesk_port`, its
    /// state in `dir`, numbering its accounts from `first_login`.
    pub fn new(
        bridge: &(i64, String, String),
        propdesk_port: u16,
        dir: &Path,
        first_login: u64,
    ) -> Demo {
        let port = free_port();
        let state = dir.join(format!("{}.json", bridge.1));
        Demo {
            port,
            env: vec![
                ("PROPDESK_ADDR", format!("127.0.0.1:{propdesk_port}")),
                ("BRIDGE_NAME", bridge.1.clone()),
                ("BRIDGE_SECRET", bridge.2.clone()),
                ("BRIDGE_STATE", state.display().to_string()),
                ("BRIDGE_LISTEN", format!("127.0.0.1:{port}")),
                ("BRIDGE_POLL_MS", "200".into()),
                ("BRIDGE_FEED_MS", "300".into()),
                ("BRIDGE_FIRST_LOGIN", first_login.to_string()),
            ],
            gate: RwLock::new(()),
        }
    }

    pub fn start(&self) -> Child {
        Command::new(env!("CARGO_BIN_EXE_propdesk-bridge-demo"))
            .envs(self.env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start the bridge")
    }

    /// A call to the trader interface; retried while the process is (re)starting.
    pub async fn call(&self, method: &str, path: &str, body: &str) -> serde_json::Value {
        let _open = self.gate.read().await;
        let headers = [("Content-Type", "application/json".to_string())];
        for _ in 0..100 {
            match request(self.port, method, path, None, &headers, body).await {
                Ok(r) => {
                    assert_eq!(r.status, 200, "{method} {path}: {}", r.body);
                    return serde_json::from_str(&r.body).unwrap();
                }
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {}
                Err(e) => panic!("{method} {path}: {e}"),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the bridge does not answer on {}", self.port);
    }

    pub async fn set_price(&self, price: &str) {
        let body = serde_json::json!({"symbol": "EURUSD", "price": price});
        self.call("POST", "/prices", &body.to_string()).await;
    }

    /// Opens a EURUSD position; its ticket.
    pub async fn buy(&self, acc: &trading_account::Model, lots: &str) -> u64 {
        let order = serde_json::json!({
            "login": acc.login, "password": acc.password, "symbol": "EURUSD", "side": "buy",
            "lots": lots,
        });
        let r = self.call("POST", "/orders", &order.to_string()).await;
        r["ticket"].as_u64().unwrap()
    }

    pub async fn close(&self, acc: &trading_account::Model, ticket: u64) {
        let who = serde_json::json!({"login": acc.login, "password": acc.password});
        self.call("POST", &format!("/orders/{ticket}/close"), &who.to_string())
            .await;
    }
}

/// Waits up to 60 s for `check` to hold.
pub async fn until<F, Fut>(what: &str, check: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = bool>,
{
    for _ in 0..600 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("waited 60 s for {what}");
}

/// Waits until the account's command of `kind` has been carried out and acknowledged.
pub async fn carried_out(db: &DatabaseConnection, account: i64, kind: &str) {
    until(&format!("the {kind} command carried out"), || async {
        bridge_command::Entity::find()
            .filter(bridge_command::Column::AccountId.eq(account))
            .filter(bridge_command::Column::Kind.eq(kind))
            .one(db)
            .await
            .unwrap()
            .is_some_and(|c| c.status == "acked")
    })
    .await;
}

// ------------------------------------------------------------------ faults

/// Which faults the proxy injects; counts are 1-based, 0 is never.
#[derive(Clone, Copy, Default)]
pub struct Plan {
    /// Forward every n-th request, then drop PropDesk's reply: the bridge must send again.
    pub drop_reply_every: usize,
    /// Kill PropDesk (SIGKILL) as the n-th acknowledgement reaches it, then restart it.
    pub kill_propdesk_at_ack: usize,
    /// Kill the bridge as its n-th snapshot batch reaches PropDesk, then restart it.
    pub kill_bridge_at_batch: usize,
    /// Kill the bridge as its n-th deal reaches PropDesk, then restart it.
    pub kill_bridge_at_deal: usize,
}

impl Plan {
    /// The kills it makes: of PropDesk, of the bridge.
    pub fn kills(&self) -> [usize; 2] {
        let n = |at: usize| usize::from(at > 0);
        [
            n(self.kill_propdesk_at_ack),
            n(self.kill_bridge_at_batch) + n(self.kill_bridge_at_deal),
        ]
    }
}

/// The processes the proxy may kill and restart.
pub struct Processes {
    pub propdesk: Option<Server>,
    pub bridge: Option<Child>,
}

/// A TCP proxy between the bridge and PropDesk (one HTTP/1.0 request per connection).
pub struct Proxy {
    pub port: u16,
    upstream: u16,
    plan: Plan,
    seen: [AtomicUsize; 4],
    /// Faults injected so far: replies dropped, PropDesk killed, the bridge killed.
    pub injected: [AtomicUsize; 3],
    pub procs: Mutex<Processes>,
    pub demo: Arc<Demo>,
    /// Faults under way: the test waits for none before it reads the outcome.
    busy: AtomicUsize,
}

enum Fault {
    DropReply,
    KillPropdesk,
    KillBridge,
}

impl Proxy {
    pub async fn start(upstream: Server, demo: Arc<Demo>, plan: Plan, port: u16) -> Arc<Proxy> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let proxy = Arc::new(Proxy {
            port,
            upstream: upstream.port,
            plan,
            seen: Default::default(),
            injected: Default::default(),
            procs: Mutex::new(Processes {
                propdesk: Some(upstream),
                bridge: None,
            }),
            demo,
            busy: AtomicUsize::new(0),
        });
        let p = proxy.clone();
        tokio::spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                tokio::spawn(p.clone().serve(conn));
            }
        });
        proxy
    }

    pub async fn start_bridge(&self) {
        self.procs.lock().await.bridge = Some(self.demo.start());
    }

    /// How many faults of each kind were injected: replies dropped, PropDesk killed, the bridge
    /// killed.
    pub fn injected(&self) -> [usize; 3] {
        self.injected.each_ref().map(|n| n.load(Ordering::SeqCst))
    }

    /// Waits until every kill planned has been made and no fault is under way.
    pub async fn settled(&self) {
        until("the faults to settle", || async {
            let [_, propdesk, bridge] = self.injected();
            [propdesk, bridge] == self.plan.kills() && self.busy.load(Ordering::SeqCst) == 0
        })
        .await;
    }

    fn nth(&self, i: usize, every: usize) -> bool {
        let n = self.seen[i].fetch_add(1, Ordering::SeqCst) + 1;
        every > 0 && n == every
    }

    fn fault_for(&self, head: &str) -> Option<Fault> {
        let line = head.lines().next().unwrap_or_default();
        let kill_bridge = (line.contains("/snapshots/batch ")
            && self.nth(1, self.plan.kill_bridge_at_batch))
            || (line.contains("/deals ") && self.nth(2, self.plan.kill_bridge_at_deal));
        let fault = if line.contains("/ack ") && self.nth(0, self.plan.kill_propdesk_at_ack) {
            Some(Fault::KillPropdesk)
        } else if kill_bridge {
            Some(Fault::KillBridge)
        } else {
            let every = self.plan.drop_reply_every;
            let n = self.seen[3].fetch_add(1, Ordering::SeqCst) + 1;
            (every > 0 && n.is_multiple_of(every)).then_some(Fault::DropReply)
        };
        if let Some(f) = &fault {
            let kind = match f {
                Fault::DropReply => 0,
                Fault::KillPropdesk => 1,
                Fault::KillBridge => 2,
            };
            self.injected[kind].fetch_add(1, Ordering::SeqCst);
            self.busy.fetch_add(1, Ordering::SeqCst);
        }
        fault
    }

    async fn serve(self: Arc<Self>, mut conn: TcpStream) {
        let Some(req) = read_request(&mut conn).await else {
            return;
        };
        let fault = self.fault_for(&String::from_utf8_lossy(&req));
        let mut reply = None;
        if let Ok(mut up) = TcpStream::connect(("127.0.0.1", self.upstream)).await
            && up.write_all(&req).await.is_ok()
        {
            // With a kill of PropDesk, the request has reached it in full; it goes before it
            // answers. Otherwise its answer is read in full, whatever becomes of it.
            if !matches!(fault, Some(Fault::KillPropdesk)) {
                let mut bytes = Vec::new();
                reply = up.read_to_end(&mut bytes).await.ok().map(|_| bytes);
            }
        }
        // PropDesk down (being restarted) or a fault: the bridge gets no answer, as on a real
        // outage. The connection closes first, so a bridge waiting on it is not held up.
        match (fault, reply) {
            (None, Some(bytes)) => {
                let _ = conn.write_all(&bytes).await;
            }
            (None, None) => {}
            (Some(fault), _) => {
                drop(conn);
                self.inject(fault).await;
                self.busy.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }

    async fn inject(&self, fault: Fault) {
        match fault {
            Fault::DropReply => {}
            Fault::KillPropdesk => {
                // A moment to start on it: the kill lands before, during or after its
                // transaction, and each must come out the same.
                tokio::time::sleep(Duration::from_millis(3)).await;
                let mut procs = self.procs.lock().await;
                let server = procs.propdesk.take().expect("running");
                procs.propdesk = Some(server.crash_and_restart().await);
            }
            Fault::KillBridge => {
                // Not while the test is in a call to the trader interface: a call cut off could
                // not tell whether its order was placed.
                let _quiet = self.demo.gate.write().await;
                let mut procs = self.procs.lock().await;
                if let Some(mut bridge) = procs.bridge.take() {
                    bridge.start_kill().unwrap();
                    bridge.wait().await.unwrap();
                }
                procs.bridge = Some(self.demo.start());
            }
        }
    }
}

/// One whole HTTP/1.0 request: its head, then `Content-Length` bytes of body.
async fn read_request(conn: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = conn.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        if buf.len() >= end + 4 + length {
            return Some(buf);
        }
    }
}
