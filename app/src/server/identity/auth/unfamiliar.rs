//! The alert on an unfamiliar sign-in: a client who signs in from a country (when the proxy
//! tells it) or a device (browser) none of their earlier successful sign-ins came from is
//! emailed, and staff are told through the alert sinks registered with
//! `register_security_alert!` (the trading area's alerts page). The first sign-in sets what is
//! familiar.
use crate::error::AppError;
use crate::server::entity::{login_attempt, user};
use crate::server::infra::mail_templates;
use crate::server::infra::origin::Origin;
use crate::server::settings;
use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::BTreeMap;

/// How many earlier sign-ins set what is familiar.
const HISTORY: u64 = 200;

pub(super) async fn check(
    db: &sea_orm::DatabaseTransaction,
    u: &user::Model,
    from: &Origin,
) -> Result<(), AppError> {
    if !settings::security::security(db).await?.alert_new_sign_in {
        return Ok(());
    }
    // Successful sign-ins before this one (recorded just before, with the password check).
    let seen: Vec<(String, String)> = login_attempt::Entity::find()
        .select_only()
        .column(login_attempt::Column::Country)
        .column(login_attempt::Column::UserAgent)
        .filter(login_attempt::Column::Email.eq(u.email.clone()))
        .filter(login_attempt::Column::Success.eq(true))
        .limit(HISTORY)
        .into_tuple()
        .all(db)
        .await?;
    // This sign-in's own record is among them: unfamiliar means seen only here.
    let count = |f: &dyn Fn(&(String, String)) -> bool| seen.iter().filter(|s| f(s)).count();
    if seen.len() <= 1 {
        return Ok(());
    }
    let new_country = !from.country.is_empty() && count(&|s| s.0 == from.country) <= 1;
    let new_device = count(&|s| s.1 == from.user_agent) <= 1;
    if !new_country && !new_device {
        return Ok(());
    }
    let what = if new_country {
        "prop.security_what_country"
    } else {
        "prop.security_what_device"
    };
    let country = if from.country.is_empty() {
        "—".to_string()
    } else {
        from.country.clone()
    };
    let vars = BTreeMap::from([
        (
            "time".to_string(),
            Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        ),
        ("ip".to_string(), from.ip.clone()),
        ("country".to_string(), country),
        (
            "device".to_string(),
            from.user_agent.chars().take(120).collect(),
        ),
    ]);
    mail_templates::send(db, u, "new_sign_in", vars.clone()).await?;
    let mut data = vars;
    data.insert("what".into(), what.into());
    for sink in inventory::iter::<SecurityAlert> {
        (sink.0)(db, u.id, "new_sign_in", &data).await?;
    }
    Ok(())
}

/// Where staff hear of a client's account security (`code`, with its data): registered by the
/// area that shows staff their alerts, so identity names none of them.
pub type SecurityAlertFn = for<'a> fn(
    &'a sea_orm::DatabaseTransaction,
    i64,
    &'a str,
    &'a BTreeMap<String, String>,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<(), AppError>> + Send + 'a>,
>;

pub struct SecurityAlert(pub SecurityAlertFn);

inventory::collect!(SecurityAlert);

#[macro_export]
macro_rules! register_security_alert {
    ($f:expr) => {
        inventory::submit! { $crate::server::identity::auth::SecurityAlert($f) }
    };
}
