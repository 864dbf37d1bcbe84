//! Request middleware: sessions, the origin check, page and API guards, security headers and
//! the answer to a panic.
use app::domain::access::UserKind;
use app::error::AppError;
use app::server::AppState;
use app::server::identity::authz::{ClientCountry, ClientIp};
use app::server::identity::session::{self, CurrentSession, Stage};
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
    if let Some(country) = state
        .config
        .country_header
        .as_deref()
        .and_then(|h| req.headers().get(h))
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        let country = ClientCountry(country.to_ascii_uppercase());
        req.extensions_mut().insert(country);
    }
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
        return error_response(&AppError::CrossOrigin);
    }
    next.run(req).await
}

/// An error as every server function and REST export answers one: its status and the
/// `AppError` as JSON (an `app::error::ErrorBody`, the shape the bridge answers in too).
pub fn error_response(e: &AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(e).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The checks a server function call passes before its arguments are read. A caller without a
/// finished sign-in is refused (401) unless the endpoint is public or a step of the sign-in
/// itself (those need a session at some stage); every server function checks its own access
/// again. An upload must be multipart form data with a boundary, and a multipart body must name
/// its boundary: the decoder cannot read it otherwise. Other bodies must hold no NUL character.
pub async fn guard_api(req: Request, next: Next) -> Response {
    use app::api::{MULTIPART_ENDPOINTS, PUBLIC_ENDPOINTS, SIGN_IN_STEP_ENDPOINTS};
    let path = req.uri().path();
    if !path.starts_with("/api/") {
        return next.run(req).await;
    }
    let open = PUBLIC_ENDPOINTS.contains(&path)
        || match req.extensions().get::<CurrentSession>() {
            Some(s) => s.stage == Stage::Full || SIGN_IN_STEP_ENDPOINTS.contains(&path),
            None => false,
        };
    if !open {
        return error_response(&AppError::Unauthorized);
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let multipart = content_type.as_deref().is_some_and(|ct| {
        ct.trim_start()
            .to_ascii_lowercase()
            .starts_with("multipart/")
    });
    let boundary = content_type
        .as_deref()
        .is_some_and(|ct| multer::parse_boundary(ct).is_ok());
    if MULTIPART_ENDPOINTS.contains(&path) && !boundary {
        return error_response(&AppError::BadRequest(
            "an upload must be sent as multipart/form-data with a boundary".into(),
        ));
    }
    if multipart && !boundary {
        return error_response(&AppError::BadRequest(
            "a multipart body must name its boundary".into(),
        ));
    }
    if multipart {
        return next.run(req).await;
    }
    // Text arguments never hold a NUL character, and PostgreSQL cannot store one: refuse it
    // here, in a form (`%00`), JSON (`\u0000`) or raw, rather than fail in the database.
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_API_BODY).await else {
        return error_response(&AppError::BadRequest(
            "the request body is too large".into(),
        ));
    };
    if has_nul(&bytes) || parts.uri.query().is_some_and(|q| has_nul(q.as_bytes())) {
        return error_response(&AppError::BadRequest(
            "text must not contain NUL characters".into(),
        ));
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

/// The largest form or JSON body a server function reads (axum's default limit, which the
/// server functions' decoder applies too).
const MAX_API_BODY: usize = 2 * 1024 * 1024;

/// Whether a body holds a NUL character: raw, as a form writes it or as JSON escapes it.
fn has_nul(bytes: &[u8]) -> bool {
    bytes.iter().enumerate().any(|(i, &b)| match b {
        0 => true,
        b'%' => bytes.get(i + 1..i + 3) == Some(b"00"),
        b'\\' => bytes.get(i + 1..i + 6) == Some(b"u0000"),
        _ => false,
    })
}

/// The last line of defence: a request handler that panicked answers 500 with the usual error
/// body instead of dropping the connection. The panic is logged (the message, never shown).
pub fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = message, "request handler panicked");
    error_response(&AppError::Internal)
}

const PUBLIC_PAGES: &[&str] = &[
    "/login",
    "/register",
    "/forgot-password",
    "/reset-password",
    "/verify-email",
    "/admin/login",
    "/admin/reset-password",
];

fn is_page(path: &str) -> bool {
    !(path.starts_with("/api/")
        || path.starts_with("/pkg/")
        || path.starts_with("/i18n/")
        || path.starts_with("/export/")
        || path.starts_with("/files/")
        || path.starts_with("/downloads/")
        || path.starts_with("/bridge/")
        || path.starts_with("/r/")
        || path == "/healthz"
        || path == "/live"
        || path == "/metrics"
        || path.contains('.'))
}

/// The `next` query parameter when it is a local path (never `//host`, never another scheme).
fn next_param(query: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "next")
        .map(|(_, v)| v.into_owned())
        .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
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
        // A signed-in visitor goes on to `?next=`: this is also where a sign-in form posted
        // without the wasm lands (the server function redirects back to the form's page).
        let onward = |fallback: &str| {
            let to = next_param(req.uri().query().unwrap_or_default())
                .filter(|n| n.starts_with(fallback))
                .unwrap_or_else(|| fallback.to_string());
            Redirect::to(&to).into_response()
        };
        return match (who, path.as_str()) {
            (Some(UserKind::Staff), "/admin/login") => onward("/admin"),
            (Some(k), "/login" | "/register") if k.is_client() => onward("/"),
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
