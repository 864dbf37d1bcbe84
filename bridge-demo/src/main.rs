//! `propdesk-bridge-demo`: a reference bridge. It plays an external trading platform in its own
//! process, with its own state file, price feed and accounts, and reaches PropDesk only through
//! the signed bridge API, as a bridge for MetaTrader 5, cTrader or Match-Trader would (see
//! `docs/bridge.md`): it pulls commands and acknowledges each once carried out, and pushes its
//! accounts' snapshots and deals. Traders place orders through its own small HTTP interface.
//!
//! Configuration (environment): `PROPDESK_ADDR` (host:port, default 127.0.0.1:3000),
//! `BRIDGE_NAME` and `BRIDGE_SECRET` (as the back office showed them), `BRIDGE_STATE` (the state
//! file, default `bridge-demo-state.json`), `BRIDGE_LISTEN` (its trader interface, default
//! 127.0.0.1:3100), `BRIDGE_POLL_MS` (how often it pulls commands, default 500) and
//! `BRIDGE_FEED_MS` (how often it sends its accounts' snapshots, default 1000) and
//! `BRIDGE_FIRST_LOGIN` (the first login it gives, default 700001).
mod client;
mod platform;
mod trader;

use client::Client;
use platform::State;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

pub struct Bridge {
    pub state: Mutex<State>,
    pub path: PathBuf,
    pub client: Client,
    poll: Duration,
    feed: Duration,
}

impl Bridge {
    /// Saves the state; a bridge that cannot save must stop rather than forget what it did.
    pub fn save(&self, s: &State) {
        if let Err(e) = s.save(&self.path) {
            eprintln!("cannot save {}: {e}", self.path.display());
            std::process::exit(1);
        }
    }
}

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

fn millis(name: &str, default: u64) -> Duration {
    Duration::from_millis(env(name, "").parse().unwrap_or(default))
}

#[tokio::main]
async fn main() {
    let secret = hex::decode(env("BRIDGE_SECRET", "")).unwrap_or_default();
    let name = env("BRIDGE_NAME", "");
    if name.is_empty() || secret.len() != 32 {
        eprintln!(
            "set BRIDGE_NAME and BRIDGE_SECRET (64 hex digits) as the back office showed them"
        );
        std::process::exit(2);
    }
    let path = PathBuf::from(env("BRIDGE_STATE", "bridge-demo-state.json"));
    // PropDesk knows an account by its login across all its servers: each platform numbers its
    // accounts in a range of its own.
    let first_login = env("BRIDGE_FIRST_LOGIN", "").parse().unwrap_or(700_001);
    let state = State::load(&path, first_login).unwrap_or_else(|e| {
        eprintln!("cannot read {}: {e}", path.display());
        std::process::exit(1);
    });
    let bridge = Arc::new(Bridge {
        state: Mutex::new(state),
        path,
        client: Client {
            addr: env("PROPDESK_ADDR", "127.0.0.1:3000"),
            name,
            secret,
        },
        poll: millis("BRIDGE_POLL_MS", 500),
        feed: millis("BRIDGE_FEED_MS", 1000),
    });
    let listen = env("BRIDGE_LISTEN", "127.0.0.1:3100");
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .unwrap_or_else(|e| {
            eprintln!("cannot listen on {listen}: {e}");
            std::process::exit(1);
        });
    println!(
        "bridge {} for {} listening on {listen}",
        bridge.client.name, bridge.client.addr
    );
    tokio::spawn(commands_loop(bridge.clone()));
    tokio::spawn(feed_loop(bridge.clone()));
    axum::serve(listener, trader::router(bridge))
        .await
        .expect("serve");
}

/// Pulls the pending commands (twice a second by default) and carries each out once.
async fn commands_loop(b: Arc<Bridge>) {
    loop {
        if let Err(e) = pull(&b).await {
            eprintln!("commands: {e}");
        }
        tokio::time::sleep(b.poll).await;
    }
}

async fn pull(b: &Bridge) -> std::io::Result<()> {
    let answer = b
        .client
        .send("GET", "/bridge/v1/commands?limit=100", "")
        .await?;
    let Some(commands) = answer.body["commands"].as_array() else {
        return Err(std::io::Error::other(format!(
            "commands: HTTP {}",
            answer.status
        )));
    };
    for c in commands {
        let id = c["id"].as_i64().unwrap_or_default();
        let ack = {
            let mut s = b.state.lock().await;
            if let Some(done) = s.done.get(&id) {
                done.clone()
            } else {
                let ack = carry_out(&mut s, &c["kind"], &c["payload"]);
                s.done.insert(id, ack.clone());
                b.save(&s);
                ack
            }
        };
        let body = ack.to_string();
        let r = b
            .client
            .send("POST", &format!("/bridge/v1/commands/{id}/ack"), &body)
            .await?;
        if r.status != 200 {
            eprintln!("ack of command {id}: HTTP {} {}", r.status, r.body);
        }
    }
    Ok(())
}

/// Carries a command out on the platform; the acknowledgement to send.
fn carry_out(s: &mut State, kind: &Value, p: &Value) -> Value {
    let login = p["login"].as_str().unwrap_or_default().to_string();
    match kind.as_str().unwrap_or_default() {
        "create" => {
            // The platform chooses its own logins and passwords.
            let login = s.next_login.to_string();
            s.next_login += 1;
            let password = format!("Pw{:08x}", s.rng as u32 ^ s.next_login as u32);
            s.accounts.insert(
                login.clone(),
                platform::Account {
                    login: login.clone(),
                    password: password.clone(),
                    currency: p["currency"].as_str().unwrap_or("USD").into(),
                    group: p["group"].as_str().unwrap_or_default().into(),
                    leverage: p["leverage"].as_i64().unwrap_or(100),
                    balance: p["balance_minor"].as_i64().unwrap_or_default(),
                    enabled: true,
                    seq: 0,
                    positions: Vec::new(),
                },
            );
            json!({"login": login, "password": password})
        }
        kind => {
            let Some(a) = s.accounts.get_mut(&login) else {
                return json!({"error": format!("no account {login} on this platform")});
            };
            match kind {
                "enable" => a.enabled = true,
                "disable" => a.enabled = false,
                "withdraw" => a.balance -= p["amount_minor"].as_i64().unwrap_or_default(),
                "reset_password" => {
                    a.password = p["password"].as_str().unwrap_or_default().into();
                }
                "set_leverage" => a.leverage = p["leverage"].as_i64().unwrap_or(a.leverage),
                other => return json!({"error": format!("unknown command {other}")}),
            }
            json!({})
        }
    }
}

/// Every second (by default): the prices move, the deals waiting are sent in order, then a snapshot of every
/// account (numbered before it is sent, so a restart never reuses a number).
async fn feed_loop(b: Arc<Bridge>) {
    loop {
        tokio::time::sleep(b.feed).await;
        if let Err(e) = push(&b).await {
            eprintln!("feed: {e}");
        }
    }
}

pub async fn flush_deals(b: &Bridge) -> std::io::Result<()> {
    loop {
        let Some(deal) = b.state.lock().await.outbox.first().cloned() else {
            return Ok(());
        };
        let r = b
            .client
            .send("POST", "/bridge/v1/deals", &deal.to_string())
            .await?;
        // 200 (or a duplicate), 409 (already applied: a later number went first) and 404/422
        // (never to be accepted) all end the deal's wait; anything else is retried.
        if !matches!(r.status, 200 | 404 | 409 | 422) {
            return Err(std::io::Error::other(format!(
                "deal: HTTP {} {}",
                r.status, r.body
            )));
        }
        let mut s = b.state.lock().await;
        if s.outbox.first() == Some(&deal) {
            s.outbox.remove(0);
            b.save(&s);
        }
    }
}

async fn push(b: &Bridge) -> std::io::Result<()> {
    flush_deals(b).await?;
    let batch: Vec<Value> = {
        let mut s = b.state.lock().await;
        s.tick();
        // A deal placed since the flush goes first, at the next second: a snapshot numbered
        // after it must not reach PropDesk before it.
        if !s.outbox.is_empty() {
            b.save(&s);
            return Ok(());
        }
        let now = chrono::Utc::now().to_rfc3339();
        let logins: Vec<String> = s.accounts.keys().cloned().collect();
        let mut out = Vec::new();
        for login in logins {
            let (balance, equity, margin, open) = s.figures(&s.accounts[&login]);
            let a = s.accounts.get_mut(&login).expect("listed");
            a.seq += 1;
            out.push(json!({
                "login": login, "seq": a.seq, "at": now, "balance_minor": balance,
                "equity_minor": equity, "margin_minor": margin, "open_positions": open,
            }));
        }
        b.save(&s);
        out
    };
    for chunk in batch.chunks(400) {
        let body = json!({"snapshots": chunk}).to_string();
        let r = b
            .client
            .send("POST", "/bridge/v1/snapshots/batch", &body)
            .await?;
        if r.status != 200 {
            eprintln!("snapshots: HTTP {} {}", r.status, r.body);
        }
    }
    Ok(())
}
