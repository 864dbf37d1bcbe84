//! Offers on challenge fees: promo codes that clients type at checkout (`promo_codes`), and the
//! discounted checkout the prop area's purchase calls (`checkout`). The rules (discounts,
//! limits, validity, lifecycle) are `domain::offers`.
pub mod checkout;
pub mod promo_codes;
