//! Server-side sessions: the cookie holds a random token, the database holds its digest.
use crate::domain::access::{DataScope, Principal, UserKind};
use crate::domain::permission::PermissionSet;
use crate::domain::security::SecuritySettings;
use crate::error::AppError;
use crate::model::{Me, SessionDto, Theme};
use crate::server::entity::{role, session, user};
use crate::server::infra::crypto;
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, JoinType,
    QueryFilter, QuerySelect,
};

pub const COOKIE: &str = "pd_session";

/// How far a session has got through sign-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Full,
    /// Password accepted; the TOTP code is still due.
    Mfa,
    /// Staff without TOTP: only the enrollment endpoints are open.
    Enroll,
}

impl Stage {
    fn as_str(self) -> &'static str {
        match self {
            Stage::Full => "full",
            Stage::Mfa => "mfa",
            Stage::Enroll => "enroll",
        }
    }
    fn parse(s: &str) -> Option<Self> {
        match s {
            "full" => Some(Stage::Full),
            "mfa" => Some(Stage::Mfa),
            "enroll" => Some(Stage::Enroll),
            _ => None,
        }
    }
}

/// Absolute and idle lifetimes under the firm's security settings. Staff sessions are short
/// (auto-logout); an unfinished sign-in lasts ten minutes.
fn lifetimes(kind: UserKind, stage: Stage, s: &SecuritySettings) -> (Duration, Duration) {
    match (stage, kind) {
        (Stage::Mfa | Stage::Enroll, _) => (Duration::minutes(10), Duration::minutes(10)),
        (Stage::Full, UserKind::Staff) => (
            Duration::hours(s.staff_absolute_hours.into()),
            Duration::minutes(s.staff_idle_minutes.into()),
        ),
        (Stage::Full, _) => (
            Duration::days(s.client_absolute_days.into()),
            Duration::hours(s.client_idle_hours.into()),
        ),
    }
}

/// The session behind a request, resolved by the middleware and read by `authz`.
#[derive(Clone, Debug)]
pub struct CurrentSession {
    pub id: String,
    pub stage: Stage,
    pub user: user::Model,
    pub role_name: Option<String>,
    pub permissions: PermissionSet,
    pub scope: DataScope,
}

impl CurrentSession {
    pub fn kind(&self) -> UserKind {
        self.user.kind
    }

    /// Only a fully signed-in session acts as a principal.
    pub fn principal(&self) -> Option<Principal> {
        (self.stage == Stage::Full).then(|| Principal {
            user_id: self.user.id,
            kind: self.kind(),
            permissions: self.permissions.clone(),
            scope: self.scope,
        })
    }

    pub fn me(&self) -> Me {
        let u = &self.user;
        Me {
            id: u.id,
            kind: self.kind(),
            email: u.email.clone(),
            first_name: u.first_name.clone(),
            last_name: u.last_name.clone(),
            country: u.country.clone(),
            phone: u.phone.clone(),
            referral_code: u.referral_code.clone(),
            theme: Theme::parse(&u.theme).unwrap_or_default(),
            locale: u.locale.clone(),
            totp_enabled: u.totp_enabled,
            role_name: self.role_name.clone(),
            permissions: self
                .permissions
                .iter()
                .map(|p| p.name().to_string())
                .collect(),
        }
    }
}

/// Creates a session and returns the cookie token (shown once, never stored).
pub async fn create(
    db: &impl ConnectionTrait,
    user: &user::Model,
    stage: Stage,
    ip: &str,
    user_agent: &str,
) -> Result<String, AppError> {
    let token = crypto::random_token();
    let now = Utc::now();
    let kind = user.kind;
    // The limits in force at sign-in go with the session: resolving it reads no settings.
    let limits = crate::server::settings::security::security(db).await?;
    let (absolute, idle) = lifetimes(kind, stage, &limits);
    session::ActiveModel {
        id: Set(crypto::digest(&token)),
        user_id: Set(user.id),
        stage: Set(stage.as_str().into()),
        ip: Set(ip.chars().take(64).collect()),
        user_agent: Set(user_agent.chars().take(255).collect()),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + absolute),
        idle_secs: Set(i32::try_from(idle.num_seconds()).unwrap_or(i32::MAX)),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Resolves a cookie token to a live session, expiring idle and disabled ones on the way.
pub async fn resolve(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<CurrentSession>, AppError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let id = crypto::digest(token);
    // The session and its user in one statement: every signed-in request pays for this.
    let of_user = session::Entity::belongs_to(user::Entity)
        .from(session::Column::UserId)
        .to(user::Column::Id)
        .into();
    let found = session::Entity::find_by_id(id.clone())
        .join(JoinType::InnerJoin, of_user)
        .select_also(user::Entity)
        .one(db)
        .await?;
    let Some((s, Some(u))) = found else {
        return Ok(None);
    };
    let Some(stage) = Stage::parse(&s.stage) else {
        return Ok(None);
    };
    let kind = u.kind;
    let now = Utc::now();
    let idle = match s.idle_secs {
        0 => lifetimes(kind, stage, &SecuritySettings::default()).1,
        secs => Duration::seconds(secs.into()),
    };
    if s.expires_at <= now || s.last_seen_at + idle <= now || u.status == "disabled" {
        session::Entity::delete_by_id(id).exec(db).await?;
        return Ok(None);
    }
    // Touch at most once a minute: a write per request would serialise SQLite.
    if now - s.last_seen_at > Duration::minutes(1) {
        session::Entity::update_many()
            .col_expr(
                session::Column::LastSeenAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(session::Column::Id.eq(id.clone()))
            .exec(db)
            .await?;
    }
    let (role_name, permissions, scope) = match (kind, u.role_id) {
        (UserKind::Staff, Some(rid)) => match role::Entity::find_by_id(rid).one(db).await? {
            Some(r) => (
                Some(r.name),
                PermissionSet::parse(&r.permissions),
                r.data_scope,
            ),
            None => (None, PermissionSet::default(), DataScope::Firm),
        },
        _ => (None, PermissionSet::default(), DataScope::Firm),
    };
    Ok(Some(CurrentSession {
        id,
        stage,
        user: u,
        role_name,
        permissions,
        scope,
    }))
}

pub async fn destroy(db: &impl ConnectionTrait, id: &str) -> Result<(), AppError> {
    session::Entity::delete_by_id(id.to_string())
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of a user, except optionally the one in use.
pub async fn destroy_all_for(
    db: &impl ConnectionTrait,
    user_id: i64,
    keep: Option<&str>,
) -> Result<(), AppError> {
    let mut q = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(keep) = keep {
        q = q.filter(session::Column::Id.ne(keep.to_string()));
    }
    q.exec(db).await?;
    Ok(())
}

/// A user's live signed-in sessions, newest first; `current` marks the one in use.
pub async fn list_for(
    db: &impl ConnectionTrait,
    user_id: i64,
    current: &str,
) -> Result<Vec<SessionDto>, AppError> {
    let now = Utc::now();
    let mut out: Vec<SessionDto> = session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::Stage.eq(Stage::Full.as_str()))
        .filter(session::Column::ExpiresAt.gt(now))
        .all(db)
        .await?
        .into_iter()
        .map(|s| SessionDto {
            current: s.id == current,
            id: s.id,
            ip: s.ip,
            device: s.user_agent,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
        })
        .collect();
    out.sort_by_key(|s| std::cmp::Reverse(s.last_seen_at));
    Ok(out)
}

/// Ends one of the user's sessions (another user's session id is "not known").
pub async fn end_own(db: &impl ConnectionTrait, user_id: i64, id: &str) -> Result<(), AppError> {
    let r = session::Entity::delete_many()
        .filter(session::Column::Id.eq(id))
        .filter(session::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    if r.rows_affected == 0 {
        return Err(AppError::field("id", "err.session_unknown"));
    }
    Ok(())
}

pub fn cookie(token: &str, secure: bool) -> String {
    // No Max-Age: the server enforces the lifetimes; the browser drops the cookie on close only
    // if the session would have idled out anyway.
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear_cookie(secure: bool) -> String {
    format!(
        "{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Reads the session token from a `Cookie` header.
pub fn token_from_cookie_header(header: &str) -> Option<&str> {
    header
        .split(';')
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_attributes() {
        let c = cookie("abc", true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(!cookie("abc", false).contains("Secure"));
        assert!(clear_cookie(false).contains("Max-Age=0"));
        assert_eq!(
            token_from_cookie_header("a=1; pd_session=tok; b=2"),
            Some("tok")
        );
        assert_eq!(token_from_cookie_header("a=1"), None);
    }
}
