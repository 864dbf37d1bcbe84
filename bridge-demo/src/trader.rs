//! The platform's own interface for traders and testers: place and close orders, read an
//! account, and set a price (held until set again). A deal is stored with its number before it
//! is sent, so a crash between the two sends it after the restart.
use crate::Bridge;
use crate::platform::{self, Position};
use axum::extract::{Path, State as Ctx};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;

type Reply = (StatusCode, Json<Value>);

fn refused(why: &str) -> Reply {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({"error": why})),
    )
}

pub fn router(b: Arc<Bridge>) -> Router {
    Router::new()
        .route("/status", get(status))
        .route("/accounts/{login}", get(account))
        .route("/orders", post(open))
        .route("/orders/{ticket}/close", post(close))
        .route("/prices", post(set_price))
        .with_state(b)
}

/// What the platform holds and what it still owes PropDesk: deals not yet accepted.
async fn status(Ctx(b): Ctx<Arc<Bridge>>) -> Reply {
    let s = b.state.lock().await;
    (
        StatusCode::OK,
        Json(json!({
            "accounts": s.accounts.len(), "commands_done": s.done.len(),
            "deals_waiting": s.outbox.len(),
        })),
    )
}

async fn account(Ctx(b): Ctx<Arc<Bridge>>, Path(login): Path<String>) -> Reply {
    let s = b.state.lock().await;
    let Some(a) = s.accounts.get(&login) else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no such account"})),
        );
    };
    let (balance, equity, margin, _) = s.figures(a);
    (
        StatusCode::OK,
        Json(json!({
            "login": a.login, "group": a.group, "leverage": a.leverage, "enabled": a.enabled,
            "balance_minor": balance, "equity_minor": equity, "margin_minor": margin,
            "positions": a.positions, "seq": a.seq,
        })),
    )
}

#[derive(Deserialize)]
struct Order {
    login: String,
    password: String,
    symbol: String,
    /// `buy` or `sell`.
    side: String,
    /// Lots as a decimal string, at most two decimals ("0.50").
    lots: String,
}

fn hundredths(lots: &str) -> Option<i64> {
    let v = platform::parse_price(lots, 2)?;
    (1..=10_000).contains(&v).then_some(v)
}

/// The figures PropDesk needs with every deal, after it.
fn figures_json(s: &platform::State, login: &str) -> Value {
    let (balance, equity, margin, open) = s.figures(&s.accounts[login]);
    json!({"balance_minor": balance, "equity_minor": equity, "margin_minor": margin, "open_positions": open})
}

async fn open(Ctx(b): Ctx<Arc<Bridge>>, Json(o): Json<Order>) -> Reply {
    let (Some(sym), Some(volume)) = (platform::symbol(&o.symbol), hundredths(&o.lots)) else {
        return refused("unknown symbol or volume");
    };
    let direction = match o.side.as_str() {
        "buy" => 1,
        "sell" => -1,
        _ => return refused("side is buy or sell"),
    };
    let now = chrono::Utc::now().to_rfc3339();
    let ticket = {
        let mut s = b.state.lock().await;
        let price = s.price(sym.code);
        let ticket = s.next_ticket;
        let Some(a) = s
            .accounts
            .get(&o.login)
            .filter(|a| a.password == o.password)
        else {
            return refused("wrong login or password");
        };
        if !a.enabled {
            return refused("the account may not trade");
        }
        s.next_ticket += 1;
        let a = s.accounts.get_mut(&o.login).expect("found");
        a.seq += 1;
        let seq = a.seq;
        a.positions.push(Position {
            ticket,
            symbol: sym.code.into(),
            direction,
            volume,
            open_price: price,
            opened_at: now.clone(),
        });
        let mut deal = json!({
            "login": o.login, "seq": seq, "ticket": format!("{ticket}-in"), "entry": "in",
            "symbol": sym.code, "side": o.side, "volume_lots": platform::price_text(volume, 2),
            "open_price": platform::price_text(price, sym.digits), "opened_at": now,
        });
        merge(&mut deal, figures_json(&s, &o.login));
        s.outbox.push(deal);
        b.save(&s);
        ticket
    };
    let _ = crate::flush_deals(&b).await;
    (StatusCode::OK, Json(json!({"ticket": ticket})))
}

#[derive(Deserialize)]
struct Credentials {
    login: String,
    password: String,
}

async fn close(
    Ctx(b): Ctx<Arc<Bridge>>,
    Path(ticket): Path<u64>,
    Json(c): Json<Credentials>,
) -> Reply {
    let profit = {
        let mut s = b.state.lock().await;
        let Some(a) = s
            .accounts
            .get(&c.login)
            .filter(|a| a.password == c.password)
        else {
            return refused("wrong login or password");
        };
        let Some(i) = a.positions.iter().position(|p| p.ticket == ticket) else {
            return refused("no such open position");
        };
        let p = a.positions[i].clone();
        let profit = s.profit(&p);
        let Some(sym) = platform::symbol(&p.symbol) else {
            return refused("unknown symbol");
        };
        let close_price = s.price(&p.symbol);
        let a = s.accounts.get_mut(&c.login).expect("found");
        a.positions.remove(i);
        a.balance += profit;
        a.seq += 1;
        let seq = a.seq;
        let mut deal = json!({
            "login": c.login, "seq": seq, "ticket": ticket.to_string(), "entry": "out",
            "symbol": p.symbol, "side": if p.direction > 0 { "buy" } else { "sell" },
            "volume_lots": platform::price_text(p.volume, 2),
            "open_price": platform::price_text(p.open_price, sym.digits),
            "close_price": platform::price_text(close_price, sym.digits),
            "profit_minor": profit, "opened_at": p.opened_at,
            "closed_at": chrono::Utc::now().to_rfc3339(),
        });
        merge(&mut deal, figures_json(&s, &c.login));
        s.outbox.push(deal);
        b.save(&s);
        profit
    };
    let _ = crate::flush_deals(&b).await;
    (
        StatusCode::OK,
        Json(json!({"ticket": ticket, "profit_minor": profit})),
    )
}

#[derive(Deserialize)]
struct SetPrice {
    symbol: String,
    price: String,
}

async fn set_price(Ctx(b): Ctx<Arc<Bridge>>, Json(p): Json<SetPrice>) -> Reply {
    let Some(sym) = platform::symbol(&p.symbol) else {
        return refused("unknown symbol");
    };
    let Some(points) = platform::parse_price(&p.price, sym.digits) else {
        return refused("a positive price with at most the symbol's decimals");
    };
    let mut s = b.state.lock().await;
    s.prices.insert(sym.code.into(), points);
    s.held.insert(sym.code.into());
    b.save(&s);
    (
        StatusCode::OK,
        Json(json!({"symbol": sym.code, "price": p.price})),
    )
}

fn merge(into: &mut Value, from: Value) {
    if let (Some(a), Value::Object(b)) = (into.as_object_mut(), from) {
        a.extend(b);
    }
}
