//! Trading platforms behind one trait. A stage account lives either on the built-in simulated
//! platform or on an external one reached through a bridge; the prop services never care which.
use crate::error::AppError;
use crate::server::entity::{bridge_command, deal, trading_account};
use crate::server::trading::sim;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

/// A bridged account's status until its platform acknowledges the `create` command: it has
/// no figures yet and the trader sees that it is being opened.
pub const OPENING: &str = "opening";

/// A bridge command's life: pending until the platform acknowledges it (acked) or reports that
/// it could not carry it out (failed); one still pending after its server's limit expires.
pub mod command_status {
    pub const PENDING: &str = "pending";
    pub const ACKED: &str = "acked";
    pub const FAILED: &str = "failed";
    pub const EXPIRED: &str = "expired";
}

/// What the prop area does when a bridged account opens (its `create` acknowledged), in the
/// acknowledgement's transaction: registered with `register_account_opened!`, so the bridge
/// does not import the challenge flow above it.
pub type AccountOpenedFn =
    for<'a> fn(
        &'a sea_orm::DatabaseTransaction,
        &'a trading_account::Model,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<(), AppError>> + Send + 'a>>;

pub struct AccountOpened(pub AccountOpenedFn);

inventory::collect!(AccountOpened);

#[macro_export]
macro_rules! register_account_opened {
    ($f:expr) => {
        inventory::submit! { $crate::server::trading::platform::AccountOpened($f) }
    };
}

pub async fn opened(
    txn: &sea_orm::DatabaseTransaction,
    acc: &trading_account::Model,
) -> Result<(), AppError> {
    for l in inventory::iter::<AccountOpened> {
        (l.0)(txn, acc).await?;
    }
    Ok(())
}

/// An account as the platform last reported it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub balance: i64,
    pub equity: i64,
    pub margin: i64,
    pub open_positions: i32,
}

/// What PropDesk asks of a platform. Accounts are created by the prop services (with their
/// login and password) and then handed to the platform to open.
pub trait TradingPlatform {
    fn create(
        &self,
        db: &impl ConnectionTrait,
        acc: &trading_account::Model,
    ) -> impl Future<Output = Result<(), AppError>> + Send;
    fn set_enabled(
        &self,
        db: &impl ConnectionTrait,
        acc: &trading_account::Model,
        enabled: bool,
    ) -> impl Future<Output = Result<(), AppError>> + Send;
    /// Takes `amount` out of the balance (a profit-share payout). A change by an amount, not
    /// to a figure, so that trades the platform books meanwhile are never overwritten.
    fn withdraw(
        &self,
        db: &impl ConnectionTrait,
        acc: &trading_account::Model,
        amount: i64,
    ) -> impl Future<Output = Result<(), AppError>> + Send;
    /// Gives the account a new password (the platform's acknowledgement confirms it).
    fn reset_password(
        &self,
        db: &impl ConnectionTrait,
        acc: &trading_account::Model,
        password: &str,
    ) -> impl Future<Output = Result<(), AppError>> + Send;
    fn set_leverage(
        &self,
        db: &impl ConnectionTrait,
        acc: &trading_account::Model,
        leverage: i32,
    ) -> impl Future<Output = Result<(), AppError>> + Send;
    fn snapshot(
        &self,
        db: &impl ConnectionTrait,
        acc: &trading_account::Model,
    ) -> impl Future<Output = Result<Snapshot, AppError>> + Send;
    fn closed_deals(
        &self,
        db: &impl ConnectionTrait,
        acc: &trading_account::Model,
    ) -> impl Future<Output = Result<Vec<deal::Model>, AppError>> + Send;
}

/// The platform an account lives on.
pub enum Platform {
    Simulated,
    Bridge(i64),
}

impl Platform {
    pub fn of(acc: &trading_account::Model) -> Self {
        match acc.bridge_id {
            Some(b) if acc.platform == "bridge" => Platform::Bridge(b),
            _ => Platform::Simulated,
        }
    }
}

fn stored(acc: &trading_account::Model) -> Snapshot {
    Snapshot {
        balance: acc.balance,
        equity: acc.equity,
        margin: acc.margin,
        open_positions: acc.open_positions,
    }
}

async fn set_enabled_column(
    db: &impl ConnectionTrait,
    id: i64,
    enabled: bool,
) -> Result<(), AppError> {
    trading_account::Entity::update_many()
        .col_expr(trading_account::Column::Enabled, Expr::value(enabled))
        .col_expr(trading_account::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(trading_account::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Sets one column of an account (the simulator's accounts change at once; a bridged account's
/// when its platform acknowledges the command).
pub async fn set_column<V: Into<sea_orm::Value>>(
    db: &impl ConnectionTrait,
    id: i64,
    col: trading_account::Column,
    v: V,
) -> Result<(), AppError> {
    trading_account::Entity::update_many()
        .col_expr(col, Expr::value(v))
        .col_expr(trading_account::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(trading_account::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Queues a command for a bridge to pull.
async fn command(
    db: &impl ConnectionTrait,
    bridge_id: i64,
    acc: &trading_account::Model,
    kind: &str,
    payload: serde_json::Value,
) -> Result<(), AppError> {
    bridge_command::ActiveModel {
        bridge_id: Set(bridge_id),
        account_id: Set(acc.id),
        kind: Set(kind.into()),
        payload: Set(payload.to_string()),
        status: Set(command_status::PENDING.into()),
        created_at: Set(Utc::now()),
        acked_at: Set(None),
        error: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

impl TradingPlatform for Platform {
    async fn create(
        &self,
        db: &impl ConnectionTrait,
        acc: &trading_account::Model,
    ) -> Result<(), AppError> {
        match self {
            // The row is the simulated account.
            Platform::Simulated => Ok(()),
            Platform::Bridge(b) => {
                command(
                    db,
                    *b,
                    acc,
                    "create",
                    serde_json::json!({
                        "login": acc.login,
                        "password": acc.password,
                        "currency": acc.currency,
                        "balance_minor": acc.initial_balance,
                        "leverage": acc.leverage,
                        "environment": acc.environment,
                        "group": acc.account_group,
                    }),
                )
                .await
            }
        }
    }

    async fn set_enabled(
        &self,
        db: &impl ConnectionTrait,
        acc: &trading_account::Model,
        enabled: bool,
    ) -> Result<(), AppError> {
        set_enabled_column(db, acc.id, enabled).await?;
        match self {
            Platform::Simulated => Ok(()),
            Platform::Bridge(b) => {
                let kind = if enabled { "enable" } else { "disable" };
                command(db, *b, acc, kind, serde_json::json!({"login": acc.login})).await
            }
        }
    }

    async fn withdraw(
        &self,
        db: &impl ConnectionTrait,
        acc: &trading_account::Model,
        amount: i64,
    ) -> Result<(), AppError> {
        // The row follows at once (the simulator's row is the account); a bridge's next
        // snapshot confirms it once the platform has carried out the command.
        sim::withdraw(db, acc.id, amount).await?;
        match self {
            Platform::Simulated => Ok(()),
            Platform::Bridge(b) => {
                command(
                    db,
                    *b,
                    acc,
                    "withdraw",
                    serde_json::json!({"login": acc.login, "amount_minor": amount, "comment": "profit share"}),
                )
                .await
            }
        }
    }

    async fn reset_password(
        &self,
        db: &impl ConnectionTrait,
        acc: &trading_account::Model,
        password: &str,
    ) -> Result<(), AppError> {
        match self {
            Platform::Simulated => {
                set_column(db, acc.id, trading_account::Column::Password, password).await
            }
            Platform::Bridge(b) => {
                command(
                    db,
                    *b,
                    acc,
                    "reset_password",
                    serde_json::json!({"login": acc.login, "password": password}),
                )
                .await
            }
        }
    }

    async fn set_leverage(
        &self,
        db: &impl ConnectionTrait,
        acc: &trading_account::Model,
        leverage: i32,
    ) -> Result<(), AppError> {
        match self {
            Platform::Simulated => {
                set_column(db, acc.id, trading_account::Column::Leverage, leverage).await
            }
            Platform::Bridge(b) => {
                command(
                    db,
                    *b,
                    acc,
                    "set_leverage",
                    serde_json::json!({"login": acc.login, "leverage": leverage}),
                )
                .await
            }
        }
    }

    async fn snapshot(
        &self,
        _db: &impl ConnectionTrait,
        acc: &trading_account::Model,
    ) -> Result<Snapshot, AppError> {
        // Both keep the row current: the simulator on every price, bridges on every push.
        Ok(stored(acc))
    }

    async fn closed_deals(
        &self,
        db: &impl ConnectionTrait,
        acc: &trading_account::Model,
    ) -> Result<Vec<deal::Model>, AppError> {
        Ok(deal::Entity::find()
            .filter(deal::Column::AccountId.eq(acc.id))
            .order_by_desc(deal::Column::ClosedAt)
            .order_by_desc(deal::Column::Id)
            .all(db)
            .await?)
    }
}
