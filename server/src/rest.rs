//! Plain HTTP endpoints beside the server functions: health, metrics and CSV exports.
use crate::telemetry;
use app::domain::access::Access;
use app::domain::permission::Permission;
use app::error::AppError;
use app::model::ListQuery;
use app::server::authz::authorize_principal;
use app::server::export::{CsvRow, to_csv};
use app::server::session::CurrentSession;
use app::server::{AppState, audit, clients, staff};
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok", "database": "ok"})),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "error", "database": "unreachable"})),
            )
                .into_response()
        }
    }
}

pub async fn metrics() -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        telemetry::metrics_handle().render(),
    )
        .into_response()
}

fn error(e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(e)).into_response()
}

fn csv<T: CsvRow>(name: &str, rows: &[T]) -> Response {
    match to_csv(rows) {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => error(e),
    }
}

/// `/export/{list}.csv`: the list with the same search, filter and sort as on screen.
pub async fn export(
    State(state): State<AppState>,
    session: Option<Extension<CurrentSession>>,
    Path(name): Path<String>,
    Query(q): Query<ListQuery>,
) -> Response {
    let principal = session.and_then(|Extension(s)| s.principal());
    let p = principal.as_ref();
    let db = &state.db;
    let result = match name.as_str() {
        "staff.csv" => match authorize_principal(p, Access::Staff(Permission::StaffView)) {
            Ok(()) => staff::list(db, &q, false)
                .await
                .map(|page| csv(&name, &page.rows)),
            Err(e) => Err(e),
        },
        "clients.csv" => match authorize_principal(p, Access::Staff(Permission::ClientsView)) {
            Ok(()) => clients::list(db, &q, false)
                .await
                .map(|page| csv(&name, &page.rows)),
            Err(e) => Err(e),
        },
        "audit.csv" => match authorize_principal(p, Access::Staff(Permission::AuditView)) {
            Ok(()) => audit::list(db, &q, false)
                .await
                .map(|page| csv(&name, &page.rows)),
            Err(e) => Err(e),
        },
        "referrals.csv" => match (authorize_principal(p, Access::Ib), p) {
            (Ok(()), Some(me)) => clients::referred(db, me.user_id, &q, false)
                .await
                .map(|page| csv(&name, &page.rows)),
            (Err(e), _) => Err(e),
            (Ok(()), None) => Err(AppError::Unauthorized),
        },
        _ => Err(AppError::NotFound),
    };
    result.unwrap_or_else(error)
}
