//! The IB programme's server functions: the IB's own area (`portal`: their link and tree,
//! commissions, clients' report and requests, prop statistics, promotional links) and the
//! back office's (`staff`: rank sets, tiers, uplines, the Fee Commission Report, the firm's
//! links).
pub mod portal;
pub mod staff;
pub use portal::*;
pub use staff::*;

/// A server function of this area: authorize with `$access`, then run one service call with
/// the caller (`$me`), the state (`$st`) and the request's origin (`$from`) at hand.
macro_rules! ib_fn {
    ($(#[$m:meta])* $name:ident, $endpoint:literal, ($($(#[$am:meta])* $arg:ident: $ty:ty),*) -> $ret:ty, $access:expr, |$me:ident, $st:ident, $from:ident| $body:expr) => {
        $(#[$m])*
        #[server(endpoint = $endpoint)]
        pub async fn $name($($(#[$am])* $arg: $ty),*) -> Result<$ret, AppError> {
            #[allow(unused_imports)]
            use crate::domain::{access::Access, permission::Permission};
            use crate::api::ctx;
            #[allow(unused_imports)]
            use crate::server::{ib, identity, settings, state};
            ctx::serve($access, |$me| async move {
                let $st = state()?;
                #[allow(unused_variables)]
                let $from = ctx::origin();
                $body.await
            })
            .await
        }
    };
}
pub(crate) use ib_fn;
