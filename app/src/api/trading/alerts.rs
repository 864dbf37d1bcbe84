//! Risk alerts: the live feed, acknowledgements, staff rules, and traders' own warnings.
use crate::domain::alerts::TraderAlertSettings;
use crate::error::AppError;
use crate::model::{AlertFeed, AlertRuleDto};
#[cfg(feature = "ssr")]
use crate::server::identity::scope::{Scope, mask_for};
use leptos::prelude::*;

/// Alerts newer than `since` (`source`: trader, risk, or empty for both).
#[server(endpoint = "admin/alerts/feed")]
pub async fn get_alert_feed(since: i64, source: String) -> Result<AlertFeed, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{state, trading::alerts};
    ctx::serve(Access::Staff(Permission::RiskAlertsView), |me| async move {
        let db = &state()?.db;
        let mut feed = alerts::feed(db, &Scope::of(db, &me).await?, since, &source, 100).await?;
        mask_for(&me, &mut feed.items);
        Ok(feed)
    })
    .await
}

#[server(endpoint = "admin/alerts/ack")]
pub async fn acknowledge_alert(id: i64) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{state, trading::alerts};
    ctx::serve(Access::Staff(Permission::RiskAlertsView), |me| async move {
        let db = &state()?.db;
        alerts::acknowledge(db, me.user_id, &Scope::of(db, &me).await?, id).await
    })
    .await
}

#[server(endpoint = "admin/alerts/rules")]
pub async fn get_alert_rules() -> Result<Vec<AlertRuleDto>, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{state, trading::alerts};
    ctx::serve(Access::Staff(Permission::RiskAlertsView), |_| async move {
        alerts::rules(&state()?.db).await
    })
    .await
}

/// Creates (id 0) or changes a risk rule. Amounts and percentages are decimal text.
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "admin/alerts/rules/save")]
pub async fn save_alert_rule(
    id: i64,
    name: String,
    kind: String,
    threshold: String,
    min_profit: String,
    step: String,
    symbol: String,
    environment: String,
    challenge_id: i64,
    enabled: bool,
) -> Result<i64, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::state;
    use crate::server::trading::alerts::{self, RuleInput};
    ctx::serve(
        Access::Staff(Permission::RiskAlertsManage),
        |me| async move {
            let input = RuleInput {
                id,
                name,
                kind,
                threshold,
                min_profit,
                step,
                symbol,
                environment,
                challenge_id,
                enabled,
            };
            alerts::save_rule(&state()?.db, me.user_id, input).await
        },
    )
    .await
}

#[server(endpoint = "admin/alerts/rules/delete")]
pub async fn delete_alert_rule(id: i64) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{state, trading::alerts};
    ctx::serve(
        Access::Staff(Permission::RiskAlertsManage),
        |me| async move { alerts::delete_rule(&state()?.db, me.user_id, id).await },
    )
    .await
}

#[server(endpoint = "admin/alerts/settings")]
pub async fn get_trader_alert_settings() -> Result<TraderAlertSettings, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{state, trading::alerts};
    ctx::serve(Access::Staff(Permission::RiskAlertsView), |_| async move {
        alerts::settings(&state()?.db).await
    })
    .await
}

/// The warnings sent to traders: shares of the daily and of the total loss limit, as
/// comma-separated percentages ("50, 80"), and the days before a period ends.
#[server(endpoint = "admin/alerts/settings/save")]
pub async fn save_trader_alert_settings(
    daily_loss: String,
    max_loss: String,
    period_end_days: String,
) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{state, trading::alerts};
    ctx::serve(
        Access::Staff(Permission::RiskAlertsManage),
        |me| async move {
            let s = TraderAlertSettings {
                daily_loss_bps: shares("daily_loss", &daily_loss)?,
                max_loss_bps: shares("max_loss", &max_loss)?,
                period_end_days: period_end_days
                    .trim()
                    .parse()
                    .map_err(|_| AppError::field("period_end_days", "err.alert_days_range"))?,
            };
            alerts::save_settings(&state()?.db, me.user_id, s).await
        },
    )
    .await
}

/// "50, 80" → [5000, 8000] basis points; a malformed entry names the field.
#[cfg(feature = "ssr")]
fn shares(field: &str, text: &str) -> Result<Vec<i64>, AppError> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let d: rust_decimal::Decimal = s
                .trim_end_matches('%')
                .trim()
                .parse()
                .map_err(|_| AppError::field(field, "err.alert_share_range"))?;
            let bps = (d * rust_decimal::Decimal::from(100)).trunc();
            if bps != d * rust_decimal::Decimal::from(100) {
                return Err(AppError::field(field, "err.alert_share_range"));
            }
            i64::try_from(bps).map_err(|_| AppError::field(field, "err.alert_share_range"))
        })
        .collect()
}
