//! The simulated platform: prices, its clock (the next day), and its status.
use crate::error::AppError;
use crate::model::SimStatus;
use leptos::prelude::*;

/// Sets a simulated symbol's price (accounts holding it are judged at once); `running` turns
/// the moving feed on or off.
#[server(endpoint = "admin/sim/price")]
pub async fn set_sim_price(symbol: String, price: String, running: bool) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{infra::audit, state, trading::sim};
    ctx::serve(Access::Staff(Permission::PlatformManage), |me| async move {
        let db = &state()?.db;
        let mut feed = sim::feed(db).await?;
        feed.running = running;
        sim::set_feed(db, feed).await?;
        if !price.trim().is_empty() {
            sim::set_price(db, &symbol, &price).await?;
        }
        audit::record(
            db,
            Some(me.user_id),
            "sim.price",
            "sim_price",
            None,
            serde_json::json!({"symbol": symbol, "price": price, "running": running}),
            &ctx::origin().ip,
        )
        .await
    })
    .await
}

/// Moves the simulator's clock forward one day: every simulated account's day closes now
/// (daily limits reset, stages that met their target pass, periods end). Returns how many
/// stages were decided.
#[server(endpoint = "admin/sim/advance-day")]
pub async fn advance_sim_day() -> Result<usize, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{infra::audit, state, trading::sim};
    ctx::serve(Access::Staff(Permission::PlatformManage), |me| async move {
        let db = &state()?.db;
        let decided = sim::advance_day(db).await?;
        audit::record(
            db,
            Some(me.user_id),
            "sim.advance_day",
            "sim_price",
            None,
            serde_json::json!({"decided": decided}),
            &ctx::origin().ip,
        )
        .await?;
        Ok(decided)
    })
    .await
}

#[server(endpoint = "admin/sim/status")]
pub async fn get_sim_status() -> Result<SimStatus, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{prop::participants, state, trading::sim};
    ctx::serve(Access::Staff(Permission::PlatformManage), |_| async move {
        let db = &state()?.db;
        let f = sim::feed(db).await?;
        Ok(SimStatus {
            running: f.running,
            seed: f.seed,
            day_offset: f.day_offset,
            sim_time: f.now().format("%Y-%m-%d %H:%M UTC").to_string(),
            quotes: participants::quotes(db).await?,
        })
    })
    .await
}
