//! `GET /live`: a signed-in browser's stream of live events (server-sent events).
//!
//! The stream starts where the browser left off: the `Last-Event-ID` header its `EventSource`
//! sends when it reconnects, or `?after=` on the first connection, else now. It replays the
//! events since then from the table, then passes on what this instance's hub hands it, each
//! only if the user may see it. A browser too far behind receives `reset` (read everything
//! again) instead of the backlog. The session is checked again every minute: a stream whose
//! session ended, or whose role changed, closes, and the browser's reconnection is answered
//! afresh.
use crate::middleware::error_response;
use app::domain::access::Principal;
use app::error::AppError;
use app::server::AppState;
use app::server::identity::session::{self, CurrentSession};
use app::server::infra::live::{self, Event};
use axum::Extension;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::sse::{Event as Sse, KeepAlive};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

/// Events a reconnecting browser is sent from the table at most; further behind, it resets.
const REPLAY: u64 = 2000;
/// How often an idle stream tells the browser how far it has read, and proves it is alive.
const TICK: Duration = Duration::from_secs(5);
/// Ticks between checks of the session.
const RECHECK_TICKS: u32 = 12;

type Tx = mpsc::Sender<Result<Sse, Infallible>>;

pub async fn stream(
    State(state): State<AppState>,
    session: Option<Extension<CurrentSession>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(principal) = session.as_ref().and_then(|s| s.principal()) else {
        return error_response(&AppError::Unauthorized);
    };
    let after = match resume_point(&headers, query.as_deref()) {
        Ok(after) => after,
        Err(e) => return error_response(&e),
    };
    let token = headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(session::token_from_cookie_header)
        .unwrap_or_default()
        .to_string();
    let (tx, rx) = mpsc::channel(256);
    tokio::spawn(pump(state, principal, token, after, tx));
    let mut res = axum::response::Sse::new(ReceiverStream::new(rx))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    // A proxy must pass each event on at once rather than buffer the response.
    res.headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    res
}

/// Where the browser left off: `Last-Event-ID`, else `?after=`; an id that is not a
/// non-negative whole number is refused (400) rather than taken for "now".
fn resume_point(headers: &HeaderMap, query: Option<&str>) -> Result<Option<i64>, AppError> {
    let from_query = query.and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "after")
            .map(|(_, v)| v.into_owned())
    });
    let text = match headers.get("last-event-id") {
        Some(v) => Some(String::from_utf8_lossy(v.as_bytes()).into_owned()),
        None => from_query,
    };
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.len() > 18 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::BadRequest(
            "the last event id must be a whole number".into(),
        ));
    }
    Ok(text.parse().ok())
}

async fn pump(state: AppState, who: Principal, token: String, after: Option<i64>, tx: Tx) {
    let _open = metrics_guard();
    let hub = state.live.clone();
    // Subscribe before reading the head: nothing handed on in between is missed.
    let mut events = hub.subscribe(who.clone());
    let mut cursor = after.unwrap_or_else(|| hub.head());
    if !catch_up(&state, &who, &mut cursor, &tx).await {
        return;
    }
    if tx
        .send(Ok(Sse::default()
            .event("ready")
            .id(cursor.to_string())
            .data("{}")))
        .await
        .is_err()
    {
        return;
    }
    let mut tick = tokio::time::interval(TICK);
    tick.tick().await;
    let (mut ticks, mut told) = (0u32, cursor);
    loop {
        tokio::select! {
            got = events.recv() => match got {
                // The hub hands on only what this user may see.
                Some(Ok(e)) => {
                    if e.event.id <= cursor {
                        continue;
                    }
                    cursor = e.event.id;
                    if !send(&tx, &e).await {
                        return;
                    }
                    told = cursor;
                }
                Some(Err(live::Lagged)) => {
                    if !catch_up(&state, &who, &mut cursor, &tx).await {
                        return;
                    }
                }
                None => return,
            },
            _ = tick.tick() => {
                // An event with only an id moves the browser's resume point past what it may
                // not see, so a reconnection does not read it all again.
                if let Some(head) = events.read_up_to() {
                    cursor = cursor.max(head);
                }
                if told != cursor {
                    if tx.send(Ok(Sse::default().id(cursor.to_string()))).await.is_err() {
                        return;
                    }
                    told = cursor;
                }
                ticks += 1;
                if ticks % RECHECK_TICKS == 0 && !still_signed_in(&state, &who, &token).await {
                    return;
                }
            }
            _ = hub.closed() => return,
            _ = tx.closed() => return,
        }
    }
}

/// Sends what the browser missed, from `cursor` to the hub's head, and moves `cursor` there.
/// False when the browser has gone.
async fn catch_up(state: &AppState, who: &Principal, cursor: &mut i64, tx: &Tx) -> bool {
    let head = state.live.head();
    if *cursor >= head {
        return true;
    }
    match live::since(&state.db, *cursor, head, REPLAY).await {
        Ok(Some(missed)) => {
            for e in missed.iter().filter(|e| e.visible_to(who)) {
                if !send(tx, e).await {
                    return false;
                }
            }
        }
        Ok(None) => {
            if tx
                .send(Ok(Sse::default().event("reset").data("{}")))
                .await
                .is_err()
            {
                return false;
            }
        }
        // The browser reads everything again rather than miss something.
        Err(e) => {
            tracing::warn!(error = %e, "live stream: cannot replay");
            if tx
                .send(Ok(Sse::default().event("reset").data("{}")))
                .await
                .is_err()
            {
                return false;
            }
        }
    }
    *cursor = head;
    true
}

async fn send(tx: &Tx, e: &Event) -> bool {
    let data = serde_json::to_string(&e.event).unwrap_or_default();
    tx.send(Ok(Sse::default().id(e.event.id.to_string()).data(data)))
        .await
        .is_ok()
}

/// The session still stands and grants what it did when the stream opened.
async fn still_signed_in(state: &AppState, who: &Principal, token: &str) -> bool {
    match session::resolve(&state.db, token).await {
        Ok(Some(s)) => s.principal().as_ref() == Some(who),
        Ok(None) => false,
        // The database is away for a moment: keep the stream; the next check decides.
        Err(_) => true,
    }
}

/// Counts open streams in the `live_streams` gauge while it lives.
fn metrics_guard() -> impl Drop {
    struct Open;
    impl Drop for Open {
        fn drop(&mut self) {
            metrics::gauge!("live_streams").decrement(1.0);
        }
    }
    metrics::gauge!("live_streams").increment(1.0);
    Open
}
