//! Logs and metrics: structured tracing, one log line per request, Prometheus counters and
//! latency histograms by route.
use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;
use tower_http::request_id::{MakeRequestId, MakeRequestUuid};
use tracing::Instrument;

pub fn init_tracing(filter: &str, json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(true);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// The process-wide Prometheus recorder (installed once, shared by every router in tests).
pub fn metrics_handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("http_request_duration_seconds".into()),
                &[
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                ],
            )
            .expect("valid buckets")
            .build_recorder();
        let handle = recorder.handle();
        // Another recorder may exist only if something else installed one first; then ours
        // still renders (empty) rather than failing the process.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Server functions share one axum route, so their own path is the useful label; pages and
/// other routes use the matched route pattern, and unmatched paths one bucket.
fn route_label(req: &Request) -> String {
    let path = req.uri().path();
    if path.starts_with("/api/") {
        return path.to_string();
    }
    if path.starts_with("/pkg/") {
        return "/pkg/*".into();
    }
    req.extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "other".into())
}

/// The header that names a request in the logs: a proxy's id when it sends a plain one, else
/// a fresh UUID. It goes back on the response, so a user can quote it to support.
pub const REQUEST_ID: &str = "x-request-id";

fn request_id(req: &Request) -> HeaderValue {
    req.headers()
        .get(REQUEST_ID)
        .filter(|v| {
            let b = v.as_bytes();
            (1..=64).contains(&b.len())
                && b.iter()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        })
        .cloned()
        .or_else(|| {
            MakeRequestUuid
                .make_request_id(req)
                .map(|id| id.header_value().clone())
        })
        .unwrap_or_else(|| HeaderValue::from_static("-"))
}

pub async fn record_request(mut req: Request, next: Next) -> Response {
    metrics_handle();
    let start = Instant::now();
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let route = route_label(&req);
    let id = request_id(&req);
    req.headers_mut().insert(REQUEST_ID, id.clone());
    // Everything logged while the request is handled (an internal error's cause) carries its id.
    let span = tracing::info_span!("request", id = %id.to_str().unwrap_or("-"));
    let mut res = next.run(req).instrument(span.clone()).await;
    res.headers_mut().insert(REQUEST_ID, id);
    let elapsed = start.elapsed();
    let status = res.status().as_u16();
    let labels = [
        ("method", method.clone()),
        ("route", route),
        ("status", status.to_string()),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels[..2])
        .record(elapsed.as_secs_f64());
    span.in_scope(|| {
        tracing::info!(target: "propdesk::request", %method, %path, status, latency_ms = elapsed.as_secs_f64() * 1000.0, "request");
    });
    res
}
