//! Quotes, and a trader opening and closing positions on a challenge account.
use crate::error::AppError;
use crate::model::QuoteDto;
use leptos::prelude::*;

#[server(endpoint = "trade/quotes")]
pub async fn get_quotes() -> Result<Vec<QuoteDto>, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{prop::participants, state};
    ctx::serve(Access::SignedIn, |_| async move {
        participants::quotes(&state()?.db).await
    })
    .await
}

/// A market order on one of the trader's simulated accounts.
#[server(endpoint = "trade/open")]
pub async fn open_position(
    account_id: i64,
    symbol: String,
    side: String,
    volume: String,
    stop_loss: String,
    take_profit: String,
) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::state;
    use crate::server::trading::sim::{self, Order};
    ctx::serve(Access::Client, |me| async move {
        let order = Order {
            symbol,
            side,
            volume,
            stop_loss,
            take_profit,
        };
        sim::open(&state()?.db, me.user_id, account_id, order).await
    })
    .await
}

#[server(endpoint = "trade/close")]
pub async fn close_position(position_id: i64) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{state, trading::sim};
    ctx::serve(Access::Client, |me| async move {
        sim::close(&state()?.db, me.user_id, position_id).await
    })
    .await
}
