//! Sign-up, sign-in, two-factor, passwords and preferences.
use crate::domain::access::UserKind;
use crate::error::AppError;
use crate::model::{LoginStep, Me, Theme, TotpSetup};
use leptos::prelude::*;

/// The signed-in user, or `None` (also while a sign-in still waits for its second factor).
#[server(endpoint = "auth/me")]
pub async fn get_me() -> Result<Option<Me>, AppError> {
    use crate::api::ctx;
    use crate::server::identity::authz;
    ctx::serve_public(|_| async move {
        Ok(authz::current_session()
            .filter(|s| s.principal().is_some())
            .map(|s| s.me()))
    })
    .await
}

#[server(endpoint = "auth/register")]
#[allow(clippy::too_many_arguments)]
pub async fn register(
    kind: String,
    email: String,
    password: String,
    first_name: String,
    last_name: String,
    country: String,
    phone: String,
    referral_code: String,
    #[server(default)] link: String,
) -> Result<LoginStep, AppError> {
    use crate::api::ctx;

    use crate::i18n::Locale;
    use crate::server::{identity::auth, identity::session, state};
    ctx::serve_public(|_| async move {
        let st = state()?;
        let kind = match UserKind::parse(&kind) {
            Some(k) if k.is_client() => k,
            _ => return Err(AppError::field("kind", "err.kind_invalid")),
        };
        let from = ctx::origin();
        let input = auth::RegisterInput {
            kind,
            email: email.clone(),
            password: password.clone(),
            first_name,
            last_name,
            country,
            phone,
            referral_code,
            link,
            locale: Locale::from_request(),
        };
        let created = auth::register(&st.db, &st.config, input, &from).await?;
        st.mail_wake.notify_one();
        if crate::server::identity::verification::email_pending(&st.db, &created).await? {
            return Ok(LoginStep::VerifyEmail);
        }
        if created.status == "pending" {
            return Ok(LoginStep::AwaitingApproval);
        }
        let signed = auth::login(
            &st.db,
            &st.config,
            &email,
            &password,
            auth::Portal::Client,
            &from,
        )
        .await?;
        ctx::set_cookie(&session::cookie(&signed.token, st.config.cookie_secure));
        Ok(signed.step)
    })
    .await
}

#[cfg(feature = "ssr")]
async fn sign_in(email: String, password: String, staff: bool) -> Result<LoginStep, AppError> {
    use crate::api::ctx;
    use crate::server::{identity::auth, identity::authz, identity::session, state};
    ctx::serve_public(|_| async move {
        let st = state()?;
        let portal = if staff {
            auth::Portal::Staff
        } else {
            auth::Portal::Client
        };
        let signed = auth::login(
            &st.db,
            &st.config,
            &email,
            &password,
            portal,
            &ctx::origin(),
        )
        .await?;
        // A new session on every sign-in: a planted cookie is never promoted.
        if let Some(old) = authz::current_session() {
            session::destroy(&st.db, &old.id).await?;
        }
        ctx::set_cookie(&session::cookie(&signed.token, st.config.cookie_secure));
        Ok(signed.step)
    })
    .await
}

#[server(endpoint = "auth/login")]
pub async fn login(email: String, password: String) -> Result<LoginStep, AppError> {
    sign_in(email, password, false).await
}

/// The back office's own sign-in: staff only.
#[server(endpoint = "auth/admin-login")]
pub async fn admin_login(email: String, password: String) -> Result<LoginStep, AppError> {
    sign_in(email, password, true).await
}

/// The second step of a sign-in with two-factor authentication.
#[server(endpoint = "auth/verify-totp")]
pub async fn verify_totp(code: String) -> Result<(), AppError> {
    use crate::api::ctx;

    use crate::server::{identity::auth, identity::authz, identity::session, state};
    ctx::serve_public(|_| async move {
        let st = state()?;
        let cur = authz::current_session().ok_or(AppError::Unauthorized)?;
        let token = auth::verify_totp(&st.db, &cur, &code, &ctx::origin()).await?;
        ctx::set_cookie(&session::cookie(&token, st.config.cookie_secure));
        Ok(())
    })
    .await
}

#[server(endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::api::ctx;

    use crate::server::{identity::authz, identity::session, state};
    ctx::serve_public(|_| async move {
        let st = state()?;
        if let Some(cur) = authz::current_session() {
            session::destroy(&st.db, &cur.id).await?;
        }
        ctx::set_cookie(&session::clear_cookie(st.config.cookie_secure));
        Ok(())
    })
    .await
}

#[server(endpoint = "auth/change-password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{identity::auth, identity::authz, state};
    ctx::serve(Access::SignedIn, |_| async move {
        let st = state()?;
        let cur = authz::current_session().ok_or(AppError::Unauthorized)?;
        auth::change_password(
            &st.db,
            &st.config,
            &cur,
            &current_password,
            &new_password,
            &ctx::origin(),
        )
        .await
    })
    .await
}

/// Verifies a new client's email with the code emailed at sign-up.
#[server(endpoint = "auth/verify-email")]
pub async fn verify_email(email: String, code: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::{identity::verification, state};
    ctx::serve_public(|_| async move {
        verification::verify_email(&state()?.db, &email, &code, &ctx::origin()).await
    })
    .await
}

/// Emails a new verification code (at most three an hour); the same answer whatever the email.
#[server(endpoint = "auth/resend-verification")]
pub async fn resend_verification(email: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::{identity::verification, state};
    ctx::serve_public(|_| async move {
        let st = state()?;
        verification::resend_email(&st.db, &st.config, &email).await?;
        st.mail_wake.notify_one();
        Ok(())
    })
    .await
}

/// The caller's signed-in sessions (devices), the current one marked.
#[server(endpoint = "auth/sessions")]
pub async fn my_sessions() -> Result<Vec<crate::model::SessionDto>, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{identity::authz, identity::session, state};
    ctx::serve(Access::SignedIn, |me| async move {
        let current = authz::current_session().map(|s| s.id).unwrap_or_default();
        session::list_for(&state()?.db, me.user_id, &current).await
    })
    .await
}

/// Ends one of the caller's sessions (signs that device out).
#[server(endpoint = "auth/sessions/end")]
pub async fn end_session(id: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{identity::session, state};
    ctx::serve(Access::SignedIn, |me| async move {
        session::end_own(&state()?.db, me.user_id, &id).await
    })
    .await
}

/// Texts a code to the client's phone number.
#[server(endpoint = "auth/phone/send-code")]
pub async fn send_phone_code() -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{identity::verification, state};
    ctx::serve(Access::Client, |me| async move {
        let st = state()?;
        verification::send_phone_code(&st.db, &st.config, me.user_id).await
    })
    .await
}

/// Verifies the client's phone number with the texted code.
#[server(endpoint = "auth/phone/verify")]
pub async fn verify_phone(code: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{identity::verification, state};
    ctx::serve(Access::Client, |me| async move {
        verification::verify_phone(&state()?.db, me.user_id, &code).await
    })
    .await
}

#[server(endpoint = "auth/forgot-password")]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    use crate::api::ctx;

    use crate::server::{identity::auth, state};
    ctx::serve_public(|_| async move {
        let st = state()?;
        auth::request_reset(&st.db, &st.config, &email, &ctx::origin()).await?;
        st.mail_wake.notify_one();
        Ok(())
    })
    .await
}

/// Sets a new password from an emailed link; returns the account kind so the page can point to
/// the right sign-in.
#[server(endpoint = "auth/reset-password")]
pub async fn reset_password(token: String, password: String) -> Result<UserKind, AppError> {
    use crate::api::ctx;

    use crate::server::{identity::auth, state};
    ctx::serve_public(|_| async move {
        let st = state()?;
        auth::reset_password(&st.db, &st.config, &token, &password, &ctx::origin()).await
    })
    .await
}

/// Starts two-factor setup. Open to signed-in users and to staff in mandatory enrollment.
#[server(endpoint = "auth/totp-setup")]
pub async fn begin_totp_setup() -> Result<TotpSetup, AppError> {
    use crate::api::ctx;

    use crate::server::{identity::auth, identity::authz, state};
    ctx::serve_public(|_| async move {
        let st = state()?;
        let cur = authz::current_session().ok_or(AppError::Unauthorized)?;
        auth::totp_begin(&st.db, &cur).await
    })
    .await
}

#[server(endpoint = "auth/totp-confirm")]
pub async fn totp_confirm(code: String) -> Result<(), AppError> {
    use crate::api::ctx;

    use crate::server::{identity::auth, identity::authz, identity::session, state};
    ctx::serve_public(|_| async move {
        let st = state()?;
        let cur = authz::current_session().ok_or(AppError::Unauthorized)?;
        if let Some(token) = auth::totp_confirm(&st.db, &cur, &code, &ctx::origin()).await? {
            ctx::set_cookie(&session::cookie(&token, st.config.cookie_secure));
        }
        Ok(())
    })
    .await
}

#[server(endpoint = "auth/totp-disable")]
pub async fn totp_disable(password: String, code: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{identity::auth, identity::authz, state};
    ctx::serve(Access::Client, |_| async move {
        let st = state()?;
        let cur = authz::current_session().ok_or(AppError::Unauthorized)?;
        auth::totp_disable(&st.db, &st.config, &cur, &password, &code, &ctx::origin()).await
    })
    .await
}

/// Theme and language. Remembered per user when signed in, and in cookies either way, so the
/// sign-in pages keep them too.
#[server(endpoint = "auth/preferences")]
pub async fn set_preferences(theme: Option<Theme>, locale: Option<String>) -> Result<(), AppError> {
    use crate::api::ctx;

    use crate::i18n::{LOCALE_COOKIE, Locale, THEME_COOKIE};
    use crate::server::{identity::auth, state};
    ctx::serve_public(|principal| async move {
        let locale = match locale.as_deref() {
            None => None,
            Some(code) => Some(
                Locale::parse(code)
                    .ok_or_else(|| AppError::field("locale", "err.locale_invalid"))?,
            ),
        };
        let st = state()?;
        if let Some(p) = principal {
            auth::set_preferences(&st.db, p.user_id, theme, locale).await?;
        }
        let year = 60 * 60 * 24 * 365;
        if let Some(t) = theme {
            ctx::set_cookie(&format!(
                "{THEME_COOKIE}={}; Path=/; Max-Age={year}; SameSite=Lax",
                t.as_str()
            ));
        }
        if let Some(l) = locale {
            ctx::set_cookie(&format!(
                "{LOCALE_COOKIE}={}; Path=/; Max-Age={year}; SameSite=Lax",
                l.code()
            ));
        }
        Ok(())
    })
    .await
}

/// The theme and language of the request being rendered: the signed-in user's saved theme, else
/// the theme cookie; the language from the request (see `Locale::from_request`).
#[cfg(feature = "ssr")]
pub fn request_preferences() -> (crate::model::Theme, crate::i18n::Locale) {
    use crate::i18n::{Locale, THEME_COOKIE, request_cookie};
    use crate::model::Theme;
    let theme = crate::server::identity::authz::current_session()
        .and_then(|s| Theme::parse(&s.user.theme))
        .or_else(|| request_cookie(THEME_COOKIE).and_then(|c| Theme::parse(&c)))
        .unwrap_or_default();
    (theme, Locale::from_request())
}
