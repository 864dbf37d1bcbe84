//! Offers on challenge fees: promo codes that clients type at checkout (`promo_codes`). The
//! rules (discounts, limits, validity, lifecycle) are `domain::offers`.
pub mod promo_codes;
