//! The bridge API over HTTP: external trading platforms push snapshots and deals and pull
//! commands under `/bridge/v1/`. Machines call it, so it is authenticated by signature (see
//! `app::server::trading::bridge`), not by session, and the browser-origin check leaves it alone.
//! `GET /bridge/v1/openapi.json` describes it.
use app::domain::validation::FieldError;
use app::error::{ErrorBody, FieldOut};
use app::server::AppState;
use app::server::entity::bridge;
use app::server::trading::bridge::{
    self as svc, AccountOut, AckIn, AckOut, BridgeError, CommandOut, CommandsOut, DealEntry,
    DealIn, DealOut, DealSide, SnapshotBatchIn, SnapshotBatchOut, SnapshotIn, SnapshotResult,
};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Utc;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::num::NonZeroU32;
use std::sync::{Arc, OnceLock};
use utoipa::{IntoParams, OpenApi};

/// The largest body accepted.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Requests per second each bridge may send, with a burst on top.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub per_second: u32,
    pub burst: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            per_second: 2_000,
            burst: 4_000,
        }
    }
}

#[derive(Clone)]
struct BridgeState {
    app: AppState,
    /// Keyed by the authenticated bridge, so nobody can spend another bridge's allowance and
    /// the keys are bounded by the bridges that exist.
    limiter: Arc<DefaultKeyedRateLimiter<i64>>,
}

/// The bridge API's routes, with their own rate limiter.
pub fn routes<S: Clone + Send + Sync + 'static>(state: AppState, limits: Limits) -> Router<S> {
    let per_second = NonZeroU32::new(limits.per_second).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(limits.burst).unwrap_or(per_second);
    let limiter = RateLimiter::keyed(Quota::per_second(per_second).allow_burst(burst));
    Router::new()
        .route("/bridge/v1/openapi.json", get(openapi))
        .route("/bridge/v1/snapshots", post(post_snapshot))
        .route("/bridge/v1/snapshots/batch", post(post_snapshots))
        .route("/bridge/v1/deals", post(post_deal))
        .route("/bridge/v1/commands", get(get_commands))
        .route("/bridge/v1/commands/{id}/ack", post(post_ack))
        .with_state(BridgeState {
            app: state,
            limiter: Arc::new(limiter),
        })
}

// ---------------------------------------------------------------------------------------------
// Errors

enum Failure {
    Bridge(BridgeError),
    /// The body is not JSON.
    BadJson,
    TooLarge,
    /// 429 with the seconds to wait.
    Limited(u64),
}

impl From<BridgeError> for Failure {
    fn from(e: BridgeError) -> Self {
        Failure::Bridge(e)
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let (status, code, fields, last_seq, retry) = match self {
            Failure::Bridge(e) => {
                let last_seq = match &e {
                    BridgeError::StaleSeq { last_seq } => Some(*last_seq),
                    _ => None,
                };
                (e.status(), e.code().to_string(), e.fields(), last_seq, None)
            }
            Failure::BadJson => (400, "err.json_malformed".into(), Vec::new(), None, None),
            Failure::TooLarge => (413, "err.body_too_large".into(), Vec::new(), None, None),
            Failure::Limited(secs) => (
                429,
                "err.bridge_rate_limited".into(),
                Vec::new(),
                None,
                Some(secs),
            ),
        };
        let mut body = ErrorBody::new(status, &code, fields);
        body.last_seq = last_seq;
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut res = (status, axum::Json(body)).into_response();
        if let Some(secs) = retry {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

// ---------------------------------------------------------------------------------------------
// Authentication, limits and parsing

/// The headers every request carries.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
struct Signed {
    /// The bridge's name, as registered with `propdesk create-bridge`.
    #[param(rename = "X-Bridge")]
    bridge: String,
    /// Unix time in seconds; within 300 seconds of the server's clock.
    #[param(rename = "X-Timestamp", example = "1795449600")]
    timestamp: String,
    /// 8 to 64 characters of `A-Z a-z 0-9 _ -`, never used before by this bridge.
    #[param(rename = "X-Nonce", example = "3f9c2a7e-0001")]
    nonce: String,
    /// Lowercase hex HMAC-SHA256, keyed with the bytes of the bridge's hex secret, of
    /// `{X-Timestamp}\n{X-Nonce}\n{raw body}` (the body is empty for GET).
    #[param(rename = "X-Signature")]
    signature: String,
}

fn header_str<'a>(h: &'a HeaderMap, name: &str) -> &'a str {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

async fn read_body(headers: &HeaderMap, body: Body) -> Result<Bytes, Failure> {
    let declared = header_str(headers, header::CONTENT_LENGTH.as_str())
        .parse::<usize>()
        .unwrap_or(0);
    if declared > BODY_LIMIT {
        return Err(Failure::TooLarge);
    }
    axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| Failure::TooLarge)
}

/// Authenticates the request, applies the bridge's rate limit, then consumes the nonce.
async fn admit(
    st: &BridgeState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<bridge::Model, Failure> {
    let db = &st.app.db;
    let now = Utc::now();
    let nonce = header_str(headers, "x-nonce");
    let b = svc::authenticate(
        db,
        header_str(headers, "x-bridge"),
        header_str(headers, "x-timestamp"),
        nonce,
        header_str(headers, "x-signature"),
        body,
        now,
    )
    .await?;
    if let Err(not_until) = st.limiter.check_key(&b.id) {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        tracing::warn!(bridge = %b.name, "bridge rate limit reached");
        return Err(Failure::Limited(wait.as_secs() + 1));
    }
    svc::consume_nonce(db, &b, nonce, now).await?;
    Ok(b)
}

/// Parses a JSON object, naming the field at fault: a missing field is `err.required`, one of
/// the wrong type `err.json_type` (422); a body that is not a JSON object is 400.
fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Failure> {
    if bytes.trim_ascii_start().first() != Some(&b'{') {
        return Err(Failure::BadJson);
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    match parsed {
        Ok(v) => {
            de.end().map_err(|_| Failure::BadJson)?;
            Ok(v)
        }
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if inner.classify() != serde_json::error::Category::Data {
                return Err(Failure::BadJson);
            }
            let text = inner.to_string();
            let (field, code) = match text
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
            {
                Some(name) => (name.to_string(), "err.required"),
                None => (path, "err.json_type"),
            };
            Err(Failure::Bridge(vec![FieldError::new(&field, code)].into()))
        }
    }
}

fn reply<T: Serialize>(result: Result<T, Failure>) -> Response {
    match result {
        Ok(v) => (StatusCode::OK, axum::Json(v)).into_response(),
        Err(e) => e.into_response(),
    }
}

// ---------------------------------------------------------------------------------------------
// Handlers

#[utoipa::path(
    post,
    path = "/bridge/v1/snapshots",
    tag = "bridge",
    params(Signed),
    request_body = SnapshotIn,
    responses(
        (status = 200, description = "Applied: the account afterwards", body = AccountOut),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Not signed by a known, enabled bridge, or the timestamp is off", body = ErrorBody),
        (status = 404, description = "No account with this login on this bridge", body = ErrorBody),
        (status = 409, description = "The nonce was used before, or `seq` is not above the last one applied", body = ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
        (status = 429, description = "Rate limited: retry after `Retry-After` seconds", body = ErrorBody),
    )
)]
/// Push an account snapshot. The rules engine judges it at once: a breach fails the stage,
/// disables the account and queues a `disable` command.
async fn post_snapshot(State(st): State<BridgeState>, headers: HeaderMap, body: Body) -> Response {
    reply(snapshot(&st, &headers, body).await)
}

async fn snapshot(
    st: &BridgeState,
    headers: &HeaderMap,
    body: Body,
) -> Result<AccountOut, Failure> {
    let bytes = read_body(headers, body).await?;
    let b = admit(st, headers, &bytes).await?;
    let input: SnapshotIn = parse(&bytes)?;
    Ok(svc::snapshot(&st.app.db, &b, input, Utc::now()).await?)
}

#[utoipa::path(
    post,
    path = "/bridge/v1/snapshots/batch",
    tag = "bridge",
    params(Signed),
    request_body = SnapshotBatchIn,
    responses(
        (status = 200, description = "Each snapshot's outcome, in order: applied (200), unknown login (404), stale seq (409) or invalid (422)", body = SnapshotBatchOut),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Not signed by a known, enabled bridge, or the timestamp is off", body = ErrorBody),
        (status = 409, description = "The nonce was used before", body = ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB", body = ErrorBody),
        (status = 422, description = "No snapshots, or more than 400", body = ErrorBody),
        (status = 429, description = "Rate limited: retry after `Retry-After` seconds", body = ErrorBody),
    )
)]
/// Push up to 400 snapshots of the bridge's accounts at once, applied in one transaction:
/// how a bridge keeps thousands of accounts current. Each is judged exactly as if it came alone.
async fn post_snapshots(State(st): State<BridgeState>, headers: HeaderMap, body: Body) -> Response {
    reply(snapshots(&st, &headers, body).await)
}

async fn snapshots(
    st: &BridgeState,
    headers: &HeaderMap,
    body: Body,
) -> Result<SnapshotBatchOut, Failure> {
    let bytes = read_body(headers, body).await?;
    let b = admit(st, headers, &bytes).await?;
    let input: SnapshotBatchIn = parse(&bytes)?;
    Ok(svc::snapshots(&st.app.db, &b, input, Utc::now()).await?)
}

#[utoipa::path(
    post,
    path = "/bridge/v1/deals",
    tag = "bridge",
    params(Signed),
    request_body = DealIn,
    responses(
        (status = 200, description = "Applied (or, for a closing deal already stored, `duplicate: true` and nothing changed)", body = DealOut),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Not signed by a known, enabled bridge, or the timestamp is off", body = ErrorBody),
        (status = 404, description = "No account with this login on this bridge", body = ErrorBody),
        (status = 409, description = "The nonce was used before, or `seq` is not above the last one applied", body = ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
        (status = 429, description = "Rate limited: retry after `Retry-After` seconds", body = ErrorBody),
    )
)]
/// Push a deal: `in` when a trade opens, `out` when it closes (with its profit). Closing deals
/// are stored once per ticket.
async fn post_deal(State(st): State<BridgeState>, headers: HeaderMap, body: Body) -> Response {
    reply(deal(&st, &headers, body).await)
}

async fn deal(st: &BridgeState, headers: &HeaderMap, body: Body) -> Result<DealOut, Failure> {
    let bytes = read_body(headers, body).await?;
    let b = admit(st, headers, &bytes).await?;
    let input: DealIn = parse(&bytes)?;
    Ok(svc::deal(&st.app.db, &b, input, Utc::now()).await?)
}

#[utoipa::path(
    get,
    path = "/bridge/v1/commands",
    tag = "bridge",
    params(
        Signed,
        ("limit" = Option<u64>, Query, description = "At most this many commands, 1 to 100 (default 100)", minimum = 1, maximum = 100),
    ),
    responses(
        (status = 200, description = "Pending commands, oldest first", body = CommandsOut),
        (status = 401, description = "Not signed by a known, enabled bridge, or the timestamp is off", body = ErrorBody),
        (status = 409, description = "The nonce was used before", body = ErrorBody),
        (status = 422, description = "The limit is out of range", body = ErrorBody),
        (status = 429, description = "Rate limited: retry after `Retry-After` seconds", body = ErrorBody),
    )
)]
/// Pull the pending commands for this bridge's accounts. A command stays pending until it is
/// acknowledged, so a pull after a crash returns it again.
async fn get_commands(
    State(st): State<BridgeState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    reply(commands(&st, query.as_deref().unwrap_or_default(), &headers, body).await)
}

async fn commands(
    st: &BridgeState,
    query: &str,
    headers: &HeaderMap,
    body: Body,
) -> Result<CommandsOut, Failure> {
    let bytes = read_body(headers, body).await?;
    let b = admit(st, headers, &bytes).await?;
    let mut limit = Some(svc::MAX_COMMANDS);
    for pair in query.split('&') {
        if let Some(v) = pair.strip_prefix("limit=") {
            limit = v.parse::<u64>().ok();
        }
    }
    let limit = limit
        .ok_or_else(|| BridgeError::from(vec![FieldError::new("limit", "err.limit_range")]))?;
    Ok(svc::commands(&st.app.db, &b, limit).await?)
}

#[utoipa::path(
    post,
    path = "/bridge/v1/commands/{id}/ack",
    tag = "bridge",
    params(
        Signed,
        ("id" = i64, Path, description = "The command's id"),
    ),
    request_body(content = Option<AckIn>, description = "Optional: the platform's login and password for a `create`, or why it could not carry the command out"),
    responses(
        (status = 200, description = "Acknowledged (again: nothing changes), or marked failed", body = AckOut),
        (status = 401, description = "Not signed by a known, enabled bridge, or the timestamp is off", body = ErrorBody),
        (status = 404, description = "No command with this id for this bridge", body = ErrorBody),
        (status = 409, description = "The nonce was used before, or a `create` acknowledged again with another login (`err.ack_conflict`)", body = ErrorBody),
        (status = 422, description = "An invalid login, password or error", body = ErrorBody),
        (status = 429, description = "Rate limited: retry after `Retry-After` seconds", body = ErrorBody),
    )
)]
/// Acknowledge a command once the platform has carried it out.
async fn post_ack(
    State(st): State<BridgeState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    reply(ack(&st, &id, &headers, body).await)
}

async fn ack(
    st: &BridgeState,
    id: &str,
    headers: &HeaderMap,
    body: Body,
) -> Result<AckOut, Failure> {
    let bytes = read_body(headers, body).await?;
    let b = admit(st, headers, &bytes).await?;
    let id = id.parse::<i64>().map_err(|_| BridgeError::UnknownCommand)?;
    // An empty body acknowledges as before the body existed.
    let input: AckIn = if bytes.trim_ascii().is_empty() {
        AckIn::default()
    } else {
        parse(&bytes)?
    };
    Ok(svc::ack(&st.app.db, &b, id, input, Utc::now()).await?)
}

// ---------------------------------------------------------------------------------------------
// The OpenAPI document

#[derive(OpenApi)]
#[openapi(
    info(
        title = "PropDesk bridge API",
        version = "1",
        description = "Through a bridge, an external trading platform (MT4/MT5, cTrader, Match-Trader...) pushes account snapshots and deals, which the challenge rules engine judges as they arrive, and pulls the commands PropDesk queues for its accounts (create: acknowledge with the platform's login and password when it chooses them; enable, disable, withdraw: take `amount_minor` out of the balance, as a profit-share payout does; reset_password; set_leverage). An account is `opening` until its create is acknowledged: its snapshots and deals answer 409 `err.account_opening`.\n\nSigning: every request carries `X-Bridge` (the bridge's name), `X-Timestamp` (unix seconds, within 300 s of the server's clock), `X-Nonce` (8 to 64 of `A-Z a-z 0-9 _ -`, never reused by the bridge) and `X-Signature`: the lowercase hex HMAC-SHA256, keyed with the bytes of the bridge's hex secret, of `{X-Timestamp}\\n{X-Nonce}\\n{raw body}` (an empty body for GET). A wrong signature, an unknown or disabled bridge and malformed headers all answer 401 `err.bridge_auth`; a correctly signed request with a timestamp off by more than 300 s answers 401 `err.bridge_clock`; a reused nonce answers 409 `err.bridge_replay`.\n\nOrdering: snapshots and deals of one account share one `seq`, which must grow; an update whose `seq` is not above the last one applied answers 409 `err.seq_stale` and changes nothing (treat it as already applied). A closing deal whose ticket is already stored answers 200 with `duplicate: true`.\n\nAmounts are integer minor units of the account's currency, prices and volumes are decimal strings, times are RFC 3339. Bodies are at most 64 KiB. Each bridge may send 2,000 requests a second with bursts of 4,000 by default; beyond that 429 with `Retry-After`."
    ),
    paths(post_snapshot, post_snapshots, post_deal, get_commands, post_ack),
    components(schemas(
        SnapshotIn, SnapshotBatchIn, SnapshotResult, SnapshotBatchOut, DealIn, DealEntry, DealSide, AccountOut, DealOut, CommandOut, CommandsOut,
        AckIn, AckOut, ErrorBody, FieldOut
    )),
    tags((name = "bridge", description = "The bridge API for external trading platforms"))
)]
struct ApiDoc;

/// The OpenAPI 3 document of the bridge API, as JSON.
pub fn openapi_json() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .unwrap_or_else(|_| "{}".into())
    })
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json()).into_response()
}
