//! Test support: a fresh, migrated database on SQLite or PostgreSQL, a router around it, and a
//! small client that posts to server functions with a session cookie.
pub mod process;
pub mod prop;

use app::domain::access::UserKind;
use app::domain::money::{Currency, currency};
use app::error::AppError;
use app::server::entity::user;
use app::server::identity::session::{self, Stage};
use app::server::infra::origin::Origin;
use app::server::money::ledger;
use app::server::seed::{self, NewUser};
use app::server::{AppState, RuntimeConfig};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use tower::ServiceExt;

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A new database with every migration applied, and its URL: a test that makes its own passes
/// it to `server::testing::discard` at its end (`on_fresh_db` does both).
pub async fn fresh_db_with_url(backend: Backend) -> (DatabaseConnection, String) {
    match backend {
        Backend::Sqlite => server::testing::fresh_db_with_url(None).await,
        Backend::Postgres => {
            let url = std::env::var("TEST_DATABASE_URL").expect(
                "TEST_DATABASE_URL must point at a PostgreSQL server (scripts/test.sh starts one)",
            );
            server::testing::fresh_db_with_url(Some(&url)).await
        }
    }
}

/// Runs a test body on a new database, within `bounded`'s limit, and removes the database once
/// the body has passed. Boxed: an unoptimised build keeps room for a future in each frame that
/// makes it, and the demo seeding's future in two frames overflowed a test thread's 2 MiB (cargo
/// gives tests 8 MiB, `.cargo/config.toml`; a test binary run by hand has 2).
pub fn on_fresh_db<F>(
    backend: Backend,
    body: impl FnOnce(DatabaseConnection) -> F + 'static,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>
where
    F: std::future::Future<Output = ()> + 'static,
{
    Box::pin(async move {
        let (db, url) = fresh_db_with_url(backend).await;
        bounded(body(db)).await;
        server::testing::discard(&url).await;
    })
}

/// Runs a test body once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both {
    ($name:ident, |$db:ident| $body:block) => {
        mod $name {
            use super::*;
            async fn run($db: sea_orm::DatabaseConnection) $body
            #[tokio::test]
            async fn sqlite() {
                common::on_fresh_db(common::Backend::Sqlite, run).await
            }
            #[tokio::test]
            async fn postgres() {
                common::on_fresh_db(common::Backend::Postgres, run).await
            }
        }
    };
}

/// A test body that never finishes fails after five minutes instead of holding the whole test
/// command until CI's limit (one SSR page test once waited forever on SQLite, 2026-12-03).
pub async fn bounded(body: impl std::future::Future<Output = ()>) {
    tokio::time::timeout(std::time::Duration::from_secs(300), body)
        .await
        .expect(
            "the test did not finish within 5 minutes: it is waiting on something that never comes",
        );
}

pub fn cfg() -> RuntimeConfig {
    RuntimeConfig::for_tests()
}

pub async fn make_user(
    db: &DatabaseConnection,
    kind: UserKind,
    email: &str,
    role: Option<&str>,
) -> user::Model {
    let (u, _) = seed::ensure_user(
        db,
        &cfg(),
        NewUser {
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
        },
    )
    .await
    .unwrap();
    u
}

/// A signed-in session cookie for a user, made directly (no password hashing).
pub async fn cookie_for(db: &DatabaseConnection, u: &user::Model) -> String {
    let token = session::create(db, u, Stage::Full, "", "").await.unwrap();
    format!("{}={token}", session::COOKIE)
}

/// A user made on the spot and a client signed in as them.
pub async fn signed_in(
    db: &DatabaseConnection,
    kind: UserKind,
    email: &str,
    role: Option<&str>,
) -> (Client, user::Model) {
    let u = make_user(db, kind, email, role).await;
    let mut c = Client::new(server::testing::state(db.clone()));
    c.cookie = Some(cookie_for(db, &u).await);
    (c, u)
}

pub struct Client {
    pub app: Router,
    pub cookie: Option<String>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
    /// The error the body holds (the one JSON error shape), or a panic that shows the body.
    pub fn error(&self) -> app::error::AppError {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not an error body ({e}): {}", self.body))
    }
    /// The session cookie the response set, if any.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with(&format!("{}=", session::COOKIE)) && !c.contains("Max-Age=0"))
            .map(|c| c.split(';').next().unwrap().to_string())
    }
}

const BOUNDARY: &str = "propdesk-test-boundary";

/// A multipart body with a `purpose` field and one file, as a browser's FormData sends it.
pub fn multipart(purpose: &str, file_name: &str, bytes: &[u8]) -> String {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n{purpose}\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    );
    // Test files are ASCII-safe (magic bytes are checked by their first bytes only).
    body.push_str(&String::from_utf8_lossy(bytes));
    body.push_str(&format!("\r\n--{BOUNDARY}--\r\n"));
    body
}

impl Client {
    pub fn new(state: AppState) -> Self {
        Self {
            app: server::router(state),
            cookie: None,
        }
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).to_string(),
        }
    }

    /// POSTs form fields to a server function, as a same-origin browser would. A body made
    /// by `multipart` goes as multipart form data.
    pub async fn call(&self, path: &str, form: &str) -> Reply {
        self.call_with(path, form, &[]).await
    }

    /// `call` with more headers (a browser's user agent, the proxy's country header).
    pub async fn call_with(&self, path: &str, form: &str, headers: &[(&str, &str)]) -> Reply {
        let content_type = if form.starts_with(&format!("--{BOUNDARY}")) {
            format!("multipart/form-data; boundary={BOUNDARY}")
        } else {
            "application/x-www-form-urlencoded".to_string()
        };
        let mut req = Request::post(path)
            .header(header::CONTENT_TYPE, content_type)
            .header(header::ORIGIN, "http://127.0.0.1:3000")
            .header(header::HOST, "127.0.0.1:3000");
        if let Some(c) = &self.cookie {
            req = req.header(header::COOKIE, c);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::from(form.to_string())).unwrap())
            .await
    }

    pub async fn get(&self, path: &str) -> Reply {
        let mut req = Request::get(path).header(header::HOST, "127.0.0.1:3000");
        if let Some(c) = &self.cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }
}

pub async fn count(db: &DatabaseConnection, table: &str) -> i64 {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

/// Where the tests' requests come from, for the audit trail.
pub fn here() -> Origin {
    Origin {
        ip: "127.0.0.1".into(),
        user_agent: "test".into(),
        country: String::new(),
    }
}

/// The error code on `field`; any other error fails the test, naming what came instead.
pub fn code(e: AppError, field: &str) -> String {
    match e.field_code(field) {
        Some(code) => code.to_string(),
        None => panic!("expected an error on {field}, got {e:?}"),
    }
}

/// The ledger's invariants hold: balanced entries, wallets equal to their postings, no
/// negative balances.
pub async fn assert_invariants(db: &DatabaseConnection) {
    let problems = ledger::check_invariants(db).await.unwrap();
    assert!(problems.is_empty(), "{problems:#?}");
}

pub fn usd() -> Currency {
    currency("USD").unwrap()
}
