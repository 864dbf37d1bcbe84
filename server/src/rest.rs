//! Plain HTTP endpoints beside the server functions: health, metrics and CSV exports.
use crate::middleware::error_response;
use crate::telemetry;
use app::domain::access::{Access, UserKind};
use app::domain::permission::Permission;
use app::error::AppError;
use app::model::{ListQuery, PropFilter};
use app::server::identity::authz::authorize_principal;
use app::server::identity::scope::{Scope, masked};
use app::server::identity::session::CurrentSession;
use app::server::infra::export::{CsvRow, to_csv};
use app::server::{
    AppState, approvals, ib, identity::clients, identity::staff, infra::audit, infra::uploads,
    messages, money::wallets, offers, prop::fees, prop::participants, prop::profit_share, support,
};
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
        Err(e) => error_response(&e),
    }
}

/// Extra parameters of the approval-queue export.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct QueueParams {
    kind: String,
    mine: bool,
}

/// `/export/{list}.csv`: the list with the same search, filter and sort as on screen.
pub async fn export(
    State(state): State<AppState>,
    session: Option<Extension<CurrentSession>>,
    Path(name): Path<String>,
    Query(q): Query<ListQuery>,
    Query(queue): Query<QueueParams>,
    Query(prop): Query<PropFilter>,
) -> Response {
    let principal = session.and_then(|Extension(s)| s.principal());
    let p = principal.as_ref();
    let db = &state.db;
    let access = match name.as_str() {
        "staff.csv" => Access::Staff(Permission::StaffView),
        "clients.csv" => Access::Staff(Permission::ClientsView),
        "audit.csv" => Access::Staff(Permission::AuditView),
        "wallets.csv" | "transactions.csv" => Access::Staff(Permission::FundsView),
        "requests.csv" => Access::Staff(Permission::RequestsView),
        "participants.csv" | "profit-shares.csv" => Access::Staff(Permission::ParticipantsView),
        "prop-fees.csv" => Access::Staff(Permission::PropDashboard),
        "ib-clients.csv" | "ib-commissions.csv" | "ib-links.csv" | "ib-requests.csv" => Access::Ib,
        "fee-commissions.csv" | "firm-links.csv" => Access::Staff(Permission::IbView),
        "coupons.csv" | "promo-codes.csv" => Access::Staff(Permission::OffersView),
        "mail-log.csv" => Access::Staff(Permission::NoticesManage),
        "tickets.csv" => Access::Staff(Permission::TicketsView),
        "my-transactions.csv" | "my-requests.csv" => Access::Client,
        _ => return error_response(&AppError::NotFound),
    };
    let (me, principal) = match (authorize_principal(p, access), p) {
        (Ok(()), Some(principal)) => (principal.user_id, principal),
        (Err(e), _) => return error_response(&e),
        (Ok(()), None) => return error_response(&AppError::Unauthorized),
    };
    // Staff export only the clients in their data scope, masked as on screen.
    let scope = match Scope::of(db, principal).await {
        Ok(s) => s,
        Err(e) => return error_response(&e),
    };

    let result = match name.as_str() {
        "staff.csv" => staff::list(db, &q, false)
            .await
            .map(|p| csv(&name, &p.rows)),
        "clients.csv" => clients::list(db, &scope, &q, false)
            .await
            .map(|p| csv(&name, &masked(principal, p.rows))),
        "audit.csv" => audit::list(db, me, scope.clients(), &q, false)
            .await
            .map(|p| csv(&name, &p.rows)),
        "wallets.csv" => wallets::list(db, &scope, &q, false)
            .await
            .map(|p| csv(&name, &masked(principal, p.rows))),
        "transactions.csv" => wallets::transactions(db, &scope, &q, None, false)
            .await
            .map(|p| csv(&name, &p.rows)),
        "requests.csv" => {
            approvals::queue(db, me, scope.clients(), &queue.kind, queue.mine, &q, false)
                .await
                .map(|p| csv(&name, &masked(principal, p.rows)))
        }
        "participants.csv" => participants::list(db, &scope, &q, &prop, false)
            .await
            .map(|p| csv(&name, &masked(principal, p.rows))),
        "profit-shares.csv" => profit_share::list(db, &scope, &q, &prop, false)
            .await
            .map(|p| csv(&name, &p.rows)),
        "prop-fees.csv" => fees::report(db, &scope, &q, &prop, false)
            .await
            .map(|r| csv(&name, &masked(principal, r.page.rows))),
        "ib-clients.csv" => match ib::reports::scope(db, me).await {
            Ok(s) => ib::reports::downlines(db, &s, &q, None, false)
                .await
                .map(|p| csv(&name, &p.rows)),
            Err(e) => Err(e),
        },
        "ib-commissions.csv" => match ib::reports::scope(db, me).await {
            Ok(s) => ib::reports::commissions(db, ib::reports::Whose::Ib(&s), &q, false)
                .await
                .map(|r| csv(&name, &r.page.rows)),
            Err(e) => Err(e),
        },
        "ib-requests.csv" => match ib::reports::scope(db, me).await {
            Ok(s) => ib::reports::client_requests(db, &s, &q, false)
                .await
                .map(|p| csv(&name, &p.rows)),
            Err(e) => Err(e),
        },
        "fee-commissions.csv" => {
            let all = ib::reports::Whose::All {
                challenge: prop.challenge,
                clients: &scope,
            };
            ib::reports::commissions(db, all, &q, false)
                .await
                .map(|r| csv(&name, &r.page.rows))
        }
        "ib-links.csv" | "firm-links.csv" => {
            let owner = if name == "ib-links.csv" {
                ib::links::Owner::Ib(me)
            } else {
                ib::links::Owner::Firm
            };
            ib::links::list(db, owner, &state.config.public_url, &q, false)
                .await
                .map(|p| csv(&name, &p.rows))
        }
        "coupons.csv" => offers::coupons::list(db, &q, false)
            .await
            .map(|p| csv(&name, &p.rows)),
        "promo-codes.csv" => offers::promo_codes::list(db, &q, false)
            .await
            .map(|p| csv(&name, &p.rows)),
        "tickets.csv" => support::tickets::queue(db, principal, &scope, &q, false)
            .await
            .map(|p| csv(&name, &p.rows)),
        "mail-log.csv" => messages::templates::outbox(db, &scope, &q, false)
            .await
            .map(|p| csv(&name, &p.rows)),
        "my-transactions.csv" => wallets::transactions(db, &scope, &q, Some(me), false)
            .await
            .map(|p| csv(&name, &p.rows)),
        _ => approvals::list_for_client(db, me, &q, false)
            .await
            .map(|p| csv(&name, &p.rows)),
    };
    result.unwrap_or_else(|e| error_response(&e))
}

/// `/r/{code}`: a promotional link. Counts the visit on its day and sends the visitor on to
/// registration with the link (an unknown or archived link: plain registration).
pub async fn promo_link(State(state): State<AppState>, Path(code): Path<String>) -> Response {
    match ib::links::click(&state.db, &code).await {
        Ok(to) => axum::response::Redirect::to(&to).into_response(),
        Err(e) => error_response(&e),
    }
}

/// `/files/{id}`: an uploaded file, for its owner and for staff who may see requests. Served
/// sandboxed, so a crafted PDF cannot run script against the app's origin.
pub async fn file(
    State(state): State<AppState>,
    session: Option<Extension<CurrentSession>>,
    Path(id): Path<i64>,
) -> Response {
    let principal = session.and_then(|Extension(s)| s.principal());
    let Some(me) = principal.as_ref() else {
        return error_response(&AppError::Unauthorized);
    };
    // Staff see files on requests (KYC, receipts) and on tickets.
    let is_staff = authorize_principal(Some(me), Access::Staff(Permission::RequestsView)).is_ok()
        || authorize_principal(Some(me), Access::Staff(Permission::TicketsView)).is_ok();
    if !is_staff && authorize_principal(Some(me), Access::Client).is_err() {
        return error_response(&AppError::Forbidden);
    }
    let (upload, path) = match uploads::open(
        &state.db,
        &state.config.upload_dir,
        id,
        me.user_id,
        is_staff,
    )
    .await
    {
        Ok(found) => found,
        Err(e) => return error_response(&e),
    };
    // Staff open documents of clients in their data scope, and only with the right to see them
    // unmasked.
    if me.kind == UserKind::Staff {
        if !me.permissions.contains(Permission::ClientsContact) {
            return error_response(&AppError::Forbidden);
        }
        let checked = match Scope::of(&state.db, me).await {
            Ok(scope) => scope.check(&state.db, upload.user_id).await,
            Err(e) => Err(e),
        };
        if let Err(e) = checked {
            return error_response(&e);
        }
    }
    send_file(upload, &path, "inline").await
}

/// An upload's bytes, sandboxed, so a crafted PDF cannot run script against the app's origin.
/// `disposition`: `inline` to show it, `attachment` to save it.
async fn send_file(
    upload: app::server::entity::upload::Model,
    path: &std::path::Path,
    disposition: &str,
) -> Response {
    let bytes = match tokio::fs::read(path).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, id = upload.id, "an upload is missing on disk");
            return error_response(&AppError::NotFound);
        }
    };
    (
        [
            (header::CONTENT_TYPE, upload.content_type),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "{disposition}; filename=\"{}\"",
                    upload
                        .file_name
                        .replace(|c: char| !c.is_ascii() || c == '"', "_")
                ),
            ),
            (header::CACHE_CONTROL, "private, no-store".into()),
            (
                header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'".into(),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// `/downloads/{id}`: an entry of the download centre, for a client whose group sees it
/// (counted), or for staff who manage the centre. A link redirects; a file is sent.
pub async fn download(
    State(state): State<AppState>,
    session: Option<Extension<CurrentSession>>,
    Path(id): Path<i64>,
) -> Response {
    let principal = session.and_then(|Extension(s)| s.principal());
    let Some(me) = principal.as_ref() else {
        return error_response(&AppError::Unauthorized);
    };
    let staff = authorize_principal(Some(me), Access::Staff(Permission::DownloadsManage)).is_ok();
    if !staff && authorize_principal(Some(me), Access::Client).is_err() {
        return error_response(&AppError::Forbidden);
    }
    match support::downloads::fetch(&state.db, &state.config.upload_dir, me.user_id, staff, id)
        .await
    {
        Ok(support::downloads::Target::Link(to)) => {
            axum::response::Redirect::to(&to).into_response()
        }
        Ok(support::downloads::Target::File(upload, path)) => {
            send_file(upload, &path, "attachment").await
        }
        Err(e) => error_response(&e),
    }
}
