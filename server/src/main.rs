#![recursion_limit = "512"]
//! `propdesk`: serve the portals, migrate, create an administrator, or load demo data.
use app::server::infra::mail::{self, Mailer};
use app::server::infra::password::HashParams;
use app::server::{AppState, RuntimeConfig, infra::db, seed};
use clap::Parser;
use leptos::config::LeptosOptions;
use server::config::{Cli, Command, Settings};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Server-rendering the deeper pages nests many futures; debug builds need more than
    // tokio's default 2 MiB of stack per worker for them.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(16 * 1024 * 1024)
        .build()
        .expect("tokio runtime");
    runtime.block_on(start())
}

async fn start() -> ExitCode {
    let cli = Cli::parse();
    let settings = match cli.settings() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    server::telemetry::init_tracing(&settings.log, settings.json_logs);
    match run(
        cli.command
            .clone()
            .unwrap_or(Command::Serve { demo: false }),
        settings,
    )
    .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The built front end's folder under the site root (cargo-leptos's `site-pkg-dir`).
const PKG_DIR: &str = "pkg";

/// Needs no database: it only reads and writes the front end's files.
fn precompress(s: &Settings, loader_only: bool) -> Result<(), String> {
    let dir = std::path::Path::new(&s.site_root).join(PKG_DIR);
    if loader_only {
        let changed = server::split_loader::rewrite_in(&dir)
            .map_err(|e| format!("cannot rewrite the loader in {}: {e}", dir.display()))?;
        println!(
            "{}: the splitter's loader {}",
            dir.display(),
            if changed {
                "rewritten"
            } else {
                "left as it is"
            }
        );
        return Ok(());
    }
    let started = std::time::Instant::now();
    let done = server::precompress::run(&dir)
        .map_err(|e| format!("cannot precompress {}: {e}", dir.display()))?;
    println!(
        "{}: {} files compressed, {} up to date, in {:.1} s",
        dir.display(),
        done.compressed,
        done.up_to_date,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn runtime_config(s: &Settings) -> RuntimeConfig {
    RuntimeConfig {
        public_url: s.public_url.clone(),
        cookie_secure: s.cookie_secure,
        country_header: s.country_header.clone(),
        argon2: HashParams::OWASP,
        upload_dir: s.upload_dir.clone(),
    }
}

async fn run(command: Command, s: Settings) -> Result<(), String> {
    if let Command::Precompress { loader_only } = command {
        return tokio::task::spawn_blocking(move || precompress(&s, loader_only))
            .await
            .map_err(|e| e.to_string())?;
    }
    let conn = db::connect(&s.database_url)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    app::server::setup::prepare(&conn)
        .await
        .map_err(|e| format!("migration failed: {e}"))?;
    let cfg = runtime_config(&s);
    match command {
        Command::Migrate => {
            println!("Database migrated.");
            Ok(())
        }
        Command::CreateAdmin {
            email,
            password,
            first_name,
            last_name,
        } => {
            let u = seed::create_admin(&conn, &cfg, &email, &password, &first_name, &last_name)
                .await
                .map_err(|e| format!("{e}: {e:?}"))?;
            println!(
                "Administrator {} created (user ID {}). Two-factor setup follows at first sign-in.",
                u.email, u.id
            );
            Ok(())
        }
        Command::CreateBridge { name } => {
            let (b, secret) = app::server::trading::bridge::create(&conn, &name)
                .await
                .map_err(|e| in_english(&e))?;
            println!("Bridge {} created (ID {}).", b.name, b.id);
            println!("Secret (shown only this once; sign requests with it): {secret}");
            Ok(())
        }
        Command::SeedDemo => {
            println!(
                "{}",
                seed::seed_demo(&conn, &cfg)
                    .await
                    .map_err(|e| format!("{e:?}"))?
            );
            Ok(())
        }
        Command::SeedDemoBridge => {
            let (name, secret) = seed::bridge::seed(&conn)
                .await
                .map_err(|e| in_english(&e))?;
            println!("BRIDGE_NAME={name}");
            println!("BRIDGE_SECRET={secret}");
            Ok(())
        }
        Command::Precompress { .. } => unreachable!("handled before the database opens"),
        Command::Serve { demo } => {
            if demo {
                println!(
                    "{}",
                    seed::seed_demo(&conn, &cfg)
                        .await
                        .map_err(|e| format!("{e:?}"))?
                );
            }
            serve(conn, cfg, s).await
        }
    }
}

/// An error for the terminal: each invalid field with its English message.
fn in_english(e: &app::error::AppError) -> String {
    use app::i18n::{Locale, tr};
    match e {
        app::error::AppError::Invalid(fields) => fields
            .iter()
            .map(|f| format!("{}: {}", f.field, tr(Locale::En, &f.code)))
            .collect::<Vec<_>>()
            .join("; "),
        _ => format!("{e}: {e:?}"),
    }
}

async fn serve(
    conn: sea_orm::DatabaseConnection,
    cfg: RuntimeConfig,
    s: Settings,
) -> Result<(), String> {
    let addr: SocketAddr = s
        .listen
        .parse()
        .map_err(|e| format!("listen address {}: {e}", s.listen))?;
    let leptos_options = LeptosOptions::builder()
        .output_name("propdesk")
        .site_root(s.site_root.clone())
        .site_pkg_dir(PKG_DIR)
        .site_addr(addr)
        .build();
    let mailer = Mailer::new(s.smtp_url.as_deref(), s.outbox_dir.clone())?;
    let state = AppState {
        leptos_options,
        db: conn.clone(),
        config: Arc::new(cfg),
        mail_wake: Arc::new(tokio::sync::Notify::new()),
        live: app::server::infra::live::Hub::start(conn.clone()),
    };
    let live = state.live.clone();
    // The price feed and the day roll: leased, so each runs on one instance at a time.
    app::server::infra::jobs::spawn(conn.clone());
    tokio::spawn(mail::run_sender(
        conn,
        mailer,
        s.mail_from.clone(),
        state.mail_wake.clone(),
    ));
    let app = server::router_with(state, s.bridge_limits);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    tracing::info!(%addr, public_url = %s.public_url, "PropDesk is serving");
    println!(
        "PropDesk is running at {} (press Ctrl-C to stop)",
        s.public_url
    );
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        // Open live streams would otherwise hold the shutdown for ever.
        live.close();
    })
    .await
    .map_err(|e| e.to_string())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
