//! Request middleware: sessions, the origin check, page guards and security headers.
use app::domain::access::UserKind;
use app::error::AppError;
use app::server::AppState;
use app::server::authz::ClientIp;
use app::server::session::{self, CurrentSession, Stage};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;

/// Resolves the session cookie to a `CurrentSession` in the request's extensions. A cookie that
/// resolves to nothing (forged, expired, signed out elsewhere) is cleared.
pub async fn load_session(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default();
    req.extensions_mut().insert(ClientIp(ip));
    let token = req
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(session::token_from_cookie_header)
        .map(str::to_string);
    let mut stale = false;
    if let Some(token) = token {
        match session::resolve(&state.db, &token).await {
            Ok(Some(s)) => {
                req.extensions_mut().insert(s);
            }
            Ok(None) => stale = true,
            Err(_) => {
                return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response();
            }
        }
    }
    let mut res = next.run(req).await;
    if stale
        && !res.headers().contains_key(header::SET_COOKIE)
        && let Ok(v) = HeaderValue::from_str(&session::clear_cookie(state.config.cookie_secure))
    {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// Refuses state-changing requests that a browser sent from another site (CSRF). Browsers send
/// `Sec-Fetch-Site` and `Origin`; clients that send neither (scripts) are not browsers and carry
/// no ambient cookies from a victim's visit elsewhere.
pub async fn check_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // The bridge API is for machines: it is authenticated by a signature over each request,
    // never by an ambient cookie, so a cross-site browser request gains nothing there.
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || req.uri().path().starts_with("/bridge/")
    {
        return next.run(req).await;
    }
    let h = req.headers();
    let fetch_site = h.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let cross_site = matches!(fetch_site, Some("cross-site" | "same-site"));
    let origin_ok = match h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(origin) => {
            let host = h
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            origin == state.config.public_url
                || origin == format!("http://{host}")
                || origin == format!("https://{host}")
        }
    };
    if cross_site || !origin_ok {
        tracing::warn!(origin = ?h.get(header::ORIGIN), ?fetch_site, path = %req.uri().path(), "cross-origin request refused");
        let body = serde_json::to_string(&AppError::CrossOrigin).unwrap_or_default();
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
    }
    next.run(req).await
}

const PUBLIC_PAGES: &[&str] = &[
    "/login",
    "/register",
    "/forgot-password",
    "/reset-password",
    "/admin/login",
    "/admin/reset-password",
];

fn is_page(path: &str) -> bool {
    !(path.starts_with("/api/")
        || path.starts_with("/pkg/")
        || path.starts_with("/export/")
        || path.starts_with("/bridge/")
        || path == "/healthz"
        || path == "/metrics"
        || path.contains('.'))
}

/// Sends visitors to the right sign-in before a page renders. This is navigation, not security:
/// every server function checks access again.
pub async fn guard_pages(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if req.method() != Method::GET || !is_page(&path) {
        return next.run(req).await;
    }
    let who = req
        .extensions()
        .get::<CurrentSession>()
        .filter(|s| s.stage == Stage::Full)
        .map(CurrentSession::kind);
    let admin = path == "/admin" || path.starts_with("/admin/");
    let with_next = |to: &str| {
        let query = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let encoded: String = query
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"/-_.".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        Redirect::to(&format!("{to}?next={encoded}")).into_response()
    };
    if PUBLIC_PAGES.contains(&path.as_str()) {
        return match (who, path.as_str()) {
            (Some(UserKind::Staff), "/admin/login") => Redirect::to("/admin").into_response(),
            (Some(k), "/login" | "/register") if k.is_client() => Redirect::to("/").into_response(),
            _ => next.run(req).await,
        };
    }
    match (admin, who) {
        (true, Some(UserKind::Staff)) => next.run(req).await,
        (true, _) => with_next("/admin/login"),
        (false, Some(UserKind::Staff)) => Redirect::to("/admin").into_response(),
        (false, Some(UserKind::Trader)) if path == "/ib" => Redirect::to("/").into_response(),
        (false, Some(_)) => next.run(req).await,
        (false, None) => with_next("/login"),
    }
}

/// Security headers on every response. Pages get a CSP whose script nonce matches the one
/// the shell rendered; everything else gets a CSP that allows nothing.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        );
    }
    res
}
