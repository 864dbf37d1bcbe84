//! Offers on challenge fees: coupons staff grant to clients (`coupons`), promo codes clients
//! type (`promo_codes`), what both share (`terms`), and the discounted checkout the prop
//! area's purchase calls (`checkout`). The rules (discounts, limits, validity, lifecycle,
//! what a coupon covers) are `domain::offers`.
pub mod checkout;
pub mod coupons;
pub mod promo_codes;
pub mod terms;
