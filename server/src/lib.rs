#![recursion_limit = "512"]
//! The PropDesk server: router, middleware and process concerns. The application itself (pages,
//! server functions, services) lives in the `app` crate.
pub mod assets;
pub mod bridge;
pub mod config;
pub mod live;
pub mod middleware;
pub mod precompress;
pub mod probe;
pub mod rest;
pub mod split_loader;
pub mod telemetry;

use app::server::AppState;
use axum::Router;
use axum::routing::get;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use std::sync::OnceLock;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;

/// The whole application as one router; `main` serves it and the tests call it directly.
pub fn router(state: AppState) -> Router {
    router_with(state, bridge::Limits::default())
}

/// The application's page routes, listed once per process. Listing them renders the app with a
/// process-wide flag set that parks every resource first polled meanwhile, on any thread, forever
/// (leptos-rs/leptos#4773): a second router built while another serves pages (the tests build
/// one each, a second instance may) would hang a page render now and then.
fn route_list() -> &'static [AxumRouteListing] {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App))
}

/// The router with the bridge API's rate limit chosen (configuration, tests).
pub fn router_with(state: AppState, bridge_limits: bridge::Limits) -> Router {
    let routes = route_list().to_vec();
    let shell_state = state.clone();
    Router::new()
        .route("/healthz", get(rest::healthz))
        .route("/metrics", get(rest::metrics))
        .route("/export/{name}", get(rest::export))
        .route("/files/{id}", get(rest::file))
        .route("/downloads/{id}", get(rest::download))
        .route("/r/{code}", get(rest::promo_link))
        .route("/pkg/{name}", get(assets::serve))
        .route("/i18n/{file}", get(assets::translations))
        .route(app::ui::pages_style::URL, get(assets::pages_style))
        .route("/live", get(live::stream))
        .merge(bridge::routes(state.clone(), bridge_limits))
        .leptos_routes_with_context(
            &state,
            routes,
            || leptos::prelude::provide_context(leptos::nonce::Nonce::new()),
            move || app::shell(shell_state.leptos_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(
            app::shell,
        ))
        .layer(axum::middleware::from_fn(middleware::guard_pages))
        .layer(axum::middleware::from_fn(middleware::guard_api))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::load_session,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::check_origin,
        ))
        .layer(CatchPanicLayer::custom(middleware::panic_response))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn(telemetry::record_request))
        .with_state(state)
}

/// Builds the state for tests and benchmarks: a migrated database and fast password hashing.
pub mod testing {
    use app::server::{AppState, RuntimeConfig, infra::db};
    use leptos::config::LeptosOptions;
    use sea_orm::{ConnectionTrait, DatabaseConnection};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn unique_name() -> String {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .subsec_nanos();
        format!("pd_test_{}_{n}_{nanos}", std::process::id())
    }

    /// The process that made a test database, read from its name (`pd_test_<pid>_…`), if it
    /// has ended. Only where `/proc` says which processes run: elsewhere nothing is swept.
    fn left_by_ended_process(name: &str) -> bool {
        let proc = std::path::Path::new("/proc");
        let pid = name
            .strip_prefix("pd_test_")
            .and_then(|r| r.split('_').next());
        match pid {
            Some(pid) if proc.join("self").exists() => !proc.join(pid).exists(),
            _ => false,
        }
    }

    /// A failed test keeps its database (`discard`), and so does an interrupted run: every run
    /// removes those of the runs before (thousands of databases slow PostgreSQL's start to
    /// minutes).
    fn sweep_sqlite(dir: &std::path::Path) {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if left_by_ended_process(&name) {
                    std::fs::remove_file(entry.path()).ok();
                }
            }
        });
    }

    async fn sweep_postgres(admin: &DatabaseConnection) {
        static ONCE: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
        ONCE.get_or_init(|| async {
            let sql = "SELECT datname FROM pg_database WHERE datname LIKE 'pd\\_test\\_%'";
            let rows = admin
                .query_all_raw(sea_orm::Statement::from_string(
                    admin.get_database_backend(),
                    sql,
                ))
                .await
                .unwrap_or_default();
            for row in rows {
                let Ok(name) = row.try_get::<String>("", "datname") else {
                    continue;
                };
                if left_by_ended_process(&name) {
                    drop_database(admin, &name).await;
                }
            }
        })
        .await;
    }

    /// A new, migrated database: a SQLite file in the temp folder, or (given the URL of a
    /// PostgreSQL server) a new database on it.
    pub async fn fresh_db(postgres: Option<&str>) -> DatabaseConnection {
        fresh_db_with_url(postgres).await.0
    }

    /// `fresh_db`, and its URL (for server processes a test starts on it).
    pub async fn fresh_db_with_url(postgres: Option<&str>) -> (DatabaseConnection, String) {
        let url = match postgres {
            None => {
                let dir = std::env::temp_dir().join("propdesk-tests");
                std::fs::create_dir_all(&dir).expect("temp dir");
                sweep_sqlite(&dir);
                format!("sqlite://{}/{}.db?mode=rwc", dir.display(), unique_name())
            }
            Some(base) => {
                let admin = sea_orm::Database::connect(base)
                    .await
                    .expect("connect to PostgreSQL");
                sweep_postgres(&admin).await;
                let name = unique_name();
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create database");
                admin.close().await.ok();
                let (prefix, _) = base.rsplit_once('/').expect("a database URL");
                format!("{prefix}/{name}")
            }
        };
        let conn = db::connect(&url).await.expect("connect");
        app::server::setup::prepare(&conn).await.expect("migrate");
        (conn, url)
    }

    /// Removes a database `fresh_db_with_url` made, once its test has passed: a whole run made
    /// 1.7 GB of them, space a machine with little disk needs for the browser tests. A failed
    /// test keeps its database to be looked at; the next run sweeps it.
    pub async fn discard(url: &str) {
        if let Some(file) = url.strip_prefix("sqlite://") {
            let file = file.split('?').next().unwrap_or(file);
            for suffix in ["", "-wal", "-shm", "-journal"] {
                std::fs::remove_file(format!("{file}{suffix}")).ok();
            }
            return;
        }
        let Some((prefix, name)) = url.rsplit_once('/') else {
            return;
        };
        if !name.starts_with("pd_test_") {
            return;
        }
        // Any database of the server will do to drop another; `postgres` is always there.
        if let Ok(admin) = sea_orm::Database::connect(format!("{prefix}/postgres")).await {
            drop_database(&admin, name).await;
            admin.close().await.ok();
        }
    }

    /// Drops a test database even while a connection (a test's pool, a server it started) is
    /// still open on it.
    async fn drop_database(admin: &DatabaseConnection, name: &str) {
        let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        admin.execute_unprepared(&drop).await.ok();
    }

    pub fn state(db: DatabaseConnection) -> AppState {
        AppState {
            leptos_options: LeptosOptions::builder()
                .output_name("propdesk")
                .site_root("target/site")
                .build(),
            live: app::server::infra::live::Hub::start(db.clone()),
            db,
            config: Arc::new(RuntimeConfig::for_tests()),
            mail_wake: Arc::new(tokio::sync::Notify::new()),
        }
    }
}
