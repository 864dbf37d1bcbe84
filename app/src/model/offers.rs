//! What the offers' pages and their server functions exchange.
use crate::domain::money::Money;
use crate::domain::offers::{CouponAudience, Covered, PromoState};
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

/// The checkout's preview: the package's price, what the coupon and the promo code take off,
/// what is paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub list: Money,
    pub coupon: Money,
    pub promo: Money,
    pub discount: Money,
    pub paid: Money,
}

/// A coupon to save: an id of 0 creates one (and grants it to its audience). The discount,
/// days and limits are typed as a promo code's (`total_limit` and `per_client` 0: unlimited);
/// `clients` are the e-mail addresses of a list audience, one a line or comma-separated;
/// `scope` the covered challenges and packages, empty for all.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CouponForm {
    pub id: i64,
    pub title: String,
    pub colour: String,
    pub body: String,
    pub discount: String,
    pub currency: String,
    pub total_limit: u32,
    pub per_client: u32,
    pub valid_from: String,
    pub valid_to: String,
    pub audience: String,
    pub group_ids: Vec<i64>,
    pub clients: String,
    pub scope: Vec<Covered>,
    pub on_retry: bool,
    pub link_code: String,
}

/// A coupon as the back office lists it, with its statistics: clients granted, purchases
/// that used it, and those purchases' fees before and after their discounts (a sum a
/// currency).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponRow {
    pub id: i64,
    pub title: String,
    pub colour: String,
    pub body: String,
    /// "20%" or "10.00 USD".
    pub discount: String,
    pub total_limit: Option<u32>,
    pub per_client: Option<u32>,
    pub valid_from: String,
    pub valid_to: String,
    pub audience: CouponAudience,
    pub group_ids: Vec<i64>,
    pub scope: Vec<Covered>,
    pub on_retry: bool,
    pub link_code: String,
    pub revoked: bool,
    pub granted: u64,
    pub used: u64,
    pub revenue_before: Vec<Money>,
    pub revenue_after: Vec<Money>,
}

/// Where a client's coupon stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CouponState {
    Valid,
    Used,
    Expired,
    Revoked,
}

/// A coupon granted to the caller, as the Coupons tab and the checkout show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientCoupon {
    pub id: i64,
    pub title: String,
    pub colour: String,
    pub body: String,
    pub discount: String,
    /// The last day it may be used; empty: no end.
    pub valid_to: String,
    pub scope: Vec<Covered>,
    /// Uses the caller has left (None: unlimited), and has made.
    pub left: Option<u32>,
    pub used: u32,
    pub state: CouponState,
}

/// A package on sale, with its price: what a coupon may cover.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageChoice {
    pub challenge_id: i64,
    pub challenge: String,
    pub key: String,
    pub package: String,
    pub fee: Money,
}

/// What the coupon editor offers to choose from: the packages on sale and the client groups.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponChoices {
    pub packages: Vec<PackageChoice>,
    /// (id, name)
    pub groups: Vec<(i64, String)>,
}
