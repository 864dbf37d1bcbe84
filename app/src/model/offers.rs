//! What the offers' pages and their server functions exchange.
use crate::domain::money::Money;
use crate::domain::offers::PromoState;
use serde::{Deserialize, Serialize};

/// A promo code to save: an id of 0 creates one. The discount is typed ("15%" or "10.00" in
/// `currency`); the validity dates are days (UTC, `YYYY-MM-DD`, the end included), empty for
/// no limit; `per_client` 0 is unlimited.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PromoCodeForm {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub discount: String,
    pub currency: String,
    pub per_client: u32,
    pub combinable: bool,
    pub valid_from: String,
    pub valid_to: String,
}

/// A promo code as the back office lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromoCodeRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// "15%" or "10.00 USD".
    pub discount: String,
    /// None: unlimited within the validity period.
    pub per_client: Option<u32>,
    pub combinable: bool,
    /// The first and last day, empty for no limit.
    pub valid_from: String,
    pub valid_to: String,
    pub state: PromoState,
}

/// The checkout's preview: the package's price, what the promo code takes off, what is paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub list: Money,
    pub discount: Money,
    pub paid: Money,
}
