//! Offers on challenge fees: what a coupon (granted to a client) and a promo code (typed by the
//! client) take off a price, when either may be used, and a promo code's lifecycle. The
//! checkout applies these rules on the server; the browser only shows their result.
//!
//! Choices where the product leaves a gap:
//! - A coupon applies to the price before discount; a promo code that may be combined with it
//!   applies to what the coupon leaves. Neither takes a price below zero.
//! - A share of a price rounds toward zero to the minor unit (`Bps::of`): the client never pays
//!   less than the rate says, by at most one minor unit more.
//! - A fixed discount is an amount in one currency: it applies only to packages priced in it.
//! - A validity period includes its start and excludes its end; none is unlimited.
//! - A promo code is editable only before it is first enabled (once clients may have used it,
//!   its terms stay as they were); it may be deleted while not enabled or once disabled, and a
//!   disabled code may be enabled again.
use super::bps::{ALL, Bps};
use super::challenge::text::parse_pct;
use super::money::{self, Currency, MAX_MINOR, Money};
use super::names::snake_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A discount: a fixed amount in one currency, or a share of the price.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Discount {
    Fixed(Money),
    /// Basis points of the price.
    Percent(i64),
}

impl Discount {
    /// A discount must be positive, a share at most 100%, an amount at most the largest amount.
    pub fn check(self) -> Result<(), &'static str> {
        match self {
            Discount::Fixed(m) if m.minor() <= 0 => Err("err.discount_positive"),
            Discount::Fixed(m) if m.minor() > MAX_MINOR => Err("err.amount_too_large"),
            Discount::Percent(b) if b <= 0 => Err("err.discount_positive"),
            Discount::Percent(b) if b > ALL.0 => Err("err.discount_over_100"),
            _ => Ok(()),
        }
    }

    /// Whether it can apply to a price in `currency` (a fixed amount only in its own).
    pub fn applies_to(self, currency: Currency) -> bool {
        match self {
            Discount::Fixed(m) => m.currency() == currency,
            Discount::Percent(_) => true,
        }
    }

    /// Refuses a discount that cannot apply to a package priced at `price`: an amount in
    /// another currency, or more than the price.
    pub fn check_against(self, price: Money) -> Result<(), &'static str> {
        match self {
            Discount::Fixed(m) if m.currency() != price.currency() => Err("err.discount_currency"),
            Discount::Fixed(m) if m.minor() > price.minor() => Err("err.discount_above_price"),
            _ => Ok(()),
        }
    }

    /// What it takes off `price` (minor units of the price's currency): never more than the
    /// price, nothing from a price that is not positive or in another currency.
    pub fn off(self, price: Money) -> i64 {
        let p = price.minor().max(0);
        let off = match self {
            Discount::Fixed(m) if m.currency() == price.currency() => m.minor(),
            Discount::Fixed(_) => 0,
            Discount::Percent(b) => Bps(b).of(p),
        };
        off.clamp(0, p)
    }
}

/// A discount as staff type it: a share ("15%") or an amount in `cur` ("10.00").
pub fn parse_discount(v: &str, cur: Currency) -> Result<Discount, &'static str> {
    let t = v.trim();
    if t.is_empty() {
        return Err("err.required");
    }
    let d = if t.ends_with('%') {
        match parse_pct(t) {
            Ok(Some(b)) => Discount::Percent(b),
            _ => return Err("err.discount_invalid"),
        }
    } else {
        match money::parse_amount(t, cur) {
            Ok(m) => Discount::Fixed(Money::new(m, cur)),
            Err("err.amount_invalid") => return Err("err.discount_invalid"),
            Err("err.amount_not_positive") => return Err("err.discount_positive"),
            Err(e) => return Err(e),
        }
    };
    d.check().map(|()| d)
}

/// "15%" or "10.00 USD".
impl std::fmt::Display for Discount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Discount::Fixed(m) => write!(f, "{m}"),
            Discount::Percent(b) => write!(f, "{}", Bps(*b)),
        }
    }
}

/// A promo code as a client types it: 3 to 32 letters, digits, `-` or `_`, kept in capitals.
pub fn code(raw: &str) -> Result<String, &'static str> {
    let t = raw.trim();
    if t.is_empty() {
        return Err("err.required");
    }
    if !(3..=32).contains(&t.len())
        || !t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err("err.promo_code_invalid");
    }
    Ok(t.to_ascii_uppercase())
}

/// A checkout's figures, minor units of one currency: `list - coupon - promo = paid`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Priced {
    pub list_minor: i64,
    pub coupon_minor: i64,
    pub promo_minor: i64,
    pub paid_minor: i64,
}

impl Priced {
    pub fn discount_minor(self) -> i64 {
        self.coupon_minor + self.promo_minor
    }
}

/// The price after a coupon and a promo code (either may be absent).
pub fn price(list: Money, coupon: Option<Discount>, promo: Option<Discount>) -> Priced {
    let list_minor = list.minor().max(0);
    let coupon_minor = coupon.map_or(0, |d| d.off(list));
    let left = Money::new(list_minor - coupon_minor, list.currency());
    let promo_minor = promo.map_or(0, |d| d.off(left));
    Priced {
        list_minor,
        coupon_minor,
        promo_minor,
        paid_minor: left.minor() - promo_minor,
    }
}

/// How often one client may use an offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "times", rename_all = "snake_case")]
pub enum UseLimit {
    /// As often as they like within the validity period.
    Unlimited,
    Times(u32),
}

impl UseLimit {
    pub fn check(self) -> Result<(), &'static str> {
        match self {
            UseLimit::Times(0) => Err("err.use_limit_positive"),
            _ => Ok(()),
        }
    }

    /// Whether one more use is allowed after `used`.
    pub fn allows(self, used: u32) -> bool {
        match self {
            UseLimit::Unlimited => true,
            UseLimit::Times(n) => used < n,
        }
    }

    /// The uses left after `used`; None: unlimited.
    pub fn left(self, used: u32) -> Option<u32> {
        match self {
            UseLimit::Unlimited => None,
            UseLimit::Times(n) => Some(n.saturating_sub(used)),
        }
    }
}

/// When an offer may be used: from `from` (included) to `to` (excluded); an open end is
/// unlimited.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validity {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

impl Validity {
    pub fn check(self) -> Result<(), &'static str> {
        match (self.from, self.to) {
            (Some(f), Some(t)) if t <= f => Err("err.validity_order"),
            _ => Ok(()),
        }
    }

    pub fn contains(self, at: DateTime<Utc>) -> bool {
        self.from.is_none_or(|f| at >= f) && self.to.is_none_or(|t| at < t)
    }
}

snake_enum! {
    /// A promo code's lifecycle: written, then enabled (frozen), then disabled.
    PromoState { NotEnabled => "not_enabled", Enabled => "enabled", Disabled => "disabled" }
}

impl PromoState {
    /// Only a code that was never enabled may change its terms.
    pub fn editable(self) -> bool {
        self == PromoState::NotEnabled
    }

    pub fn deletable(self) -> bool {
        self != PromoState::Enabled
    }

    /// Whether clients may use it now.
    pub fn usable(self) -> bool {
        self == PromoState::Enabled
    }

    /// The states it may move to: enabling (from not enabled or disabled) and disabling.
    pub fn can_become(self, to: PromoState) -> bool {
        matches!(
            (self, to),
            (
                PromoState::NotEnabled | PromoState::Disabled,
                PromoState::Enabled
            ) | (PromoState::Enabled, PromoState::Disabled)
        )
    }
}

snake_enum! {
    /// Who a coupon is granted to: every client who signs up while it is valid (through its
    /// promotional link only, when it has one), every client there is when it is granted, the
    /// members of client groups then, or clients staff choose.
    CouponAudience {
        NewClients => "new_clients",
        ExistingClients => "existing_clients",
        Groups => "groups",
        List => "list",
    }
}

/// A challenge a coupon covers: one package of it, or (None) all of them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Covered {
    pub challenge_id: i64,
    pub package: Option<String>,
}

/// Whether a coupon covering `scope` (empty: every challenge) applies to a package.
pub fn covers(scope: &[Covered], challenge_id: i64, package: &str) -> bool {
    scope.is_empty()
        || scope.iter().any(|c| {
            c.challenge_id == challenge_id && c.package.as_deref().is_none_or(|p| p == package)
        })
}

/// A coupon card's colour: `#rrggbb`, kept in lower case.
pub fn colour(raw: &str) -> Result<String, &'static str> {
    let t = raw.trim();
    let hex = t.strip_prefix('#').unwrap_or("");
    if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err("err.colour_invalid");
    }
    Ok(t.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::currency;
    use chrono::Duration;
    use proptest::prelude::*;

    fn usd(minor: i64) -> Money {
        Money::new(minor, currency("USD").unwrap())
    }

    fn eur(minor: i64) -> Money {
        Money::new(minor, currency("EUR").unwrap())
    }

    #[test]
    fn a_coupon_then_a_promo_code_come_off_the_price() {
        // 99.00 less 20% is 79.20; less 10.00 is 69.20.
        let p = price(
            usd(9_900),
            Some(Discount::Percent(2_000)),
            Some(Discount::Fixed(usd(1_000))),
        );
        assert_eq!(
            p,
            Priced {
                list_minor: 9_900,
                coupon_minor: 1_980,
                promo_minor: 1_000,
                paid_minor: 6_920,
            }
        );
        assert_eq!(p.discount_minor(), 2_980);
        // A share rounds toward zero: 15% of 0.99 is 0.1485, so 0.14 comes off.
        assert_eq!(
            price(usd(99), Some(Discount::Percent(1_500)), None).paid_minor,
            85
        );
        // Nothing below zero, and an amount in another currency takes nothing off.
        assert_eq!(
            price(usd(500), Some(Discount::Fixed(usd(800))), None).paid_minor,
            0
        );
        assert_eq!(
            price(usd(500), Some(Discount::Fixed(eur(100))), None).paid_minor,
            500
        );
    }

    #[test]
    fn bad_discounts_are_refused() {
        assert_eq!(
            Discount::Percent(10_001).check(),
            Err("err.discount_over_100")
        );
        assert_eq!(Discount::Percent(0).check(), Err("err.discount_positive"));
        assert_eq!(
            Discount::Fixed(usd(-1)).check(),
            Err("err.discount_positive")
        );
        assert_eq!(
            Discount::Fixed(usd(MAX_MINOR + 1)).check(),
            Err("err.amount_too_large")
        );
        assert_eq!(Discount::Percent(10_000).check(), Ok(()));
        assert_eq!(
            Discount::Fixed(eur(100)).check_against(usd(9_900)),
            Err("err.discount_currency")
        );
        assert_eq!(
            Discount::Fixed(usd(10_000)).check_against(usd(9_900)),
            Err("err.discount_above_price")
        );
        assert_eq!(
            Discount::Fixed(usd(9_900)).check_against(usd(9_900)),
            Ok(())
        );
        assert!(!Discount::Fixed(eur(100)).applies_to(currency("USD").unwrap()));
    }

    #[test]
    fn limits_and_periods() {
        assert!(UseLimit::Times(2).allows(1));
        assert!(!UseLimit::Times(2).allows(2));
        assert!(UseLimit::Unlimited.allows(u32::MAX));
        assert_eq!(UseLimit::Times(2).left(3), Some(0));
        assert_eq!(UseLimit::Unlimited.left(3), None);
        assert_eq!(UseLimit::Times(0).check(), Err("err.use_limit_positive"));
        let now = Utc::now();
        let v = Validity {
            from: Some(now),
            to: Some(now + Duration::days(1)),
        };
        assert!(v.contains(now));
        assert!(!v.contains(now + Duration::days(1)));
        assert!(!v.contains(now - Duration::seconds(1)));
        assert!(Validity::default().contains(now));
        assert_eq!(
            Validity {
                from: v.to,
                to: v.from
            }
            .check(),
            Err("err.validity_order")
        );
    }

    #[test]
    fn typed_discounts_and_codes() {
        let usd_c = currency("USD").unwrap();
        assert_eq!(parse_discount("15%", usd_c), Ok(Discount::Percent(1_500)));
        assert_eq!(
            parse_discount(" 10.00 ", usd_c),
            Ok(Discount::Fixed(usd(1_000)))
        );
        assert_eq!(parse_discount("150%", usd_c), Err("err.discount_over_100"));
        assert_eq!(parse_discount("0", usd_c), Err("err.discount_positive"));
        assert_eq!(parse_discount("ten", usd_c), Err("err.discount_invalid"));
        assert_eq!(parse_discount("", usd_c), Err("err.required"));
        assert_eq!(Discount::Percent(1_250).to_string(), "12.5%");
        assert_eq!(Discount::Fixed(usd(1_000)).to_string(), "10.00 USD");
        assert_eq!(code(" spring-10 "), Ok("SPRING-10".to_string()));
        for bad in ["AB", "SPRING 10", "ÉTÉ10", &"X".repeat(33)] {
            assert_eq!(code(bad), Err("err.promo_code_invalid"), "{bad}");
        }
        crate::domain::names::spelled_alike(PromoState::ALL, PromoState::as_str, PromoState::parse);
    }

    #[test]
    fn an_enabled_promo_code_is_frozen() {
        use PromoState::*;
        assert!(NotEnabled.editable() && NotEnabled.deletable());
        assert!(!Enabled.editable() && !Enabled.deletable());
        assert!(!Disabled.editable() && Disabled.deletable());
        assert!(NotEnabled.can_become(Enabled) && Enabled.can_become(Disabled));
        assert!(Disabled.can_become(Enabled));
        assert!(!NotEnabled.can_become(Disabled) && !Enabled.can_become(NotEnabled));
        assert!(Enabled.usable() && !Disabled.usable() && !NotEnabled.usable());
    }

    #[test]
    fn what_a_coupon_covers() {
        let scope = [
            Covered {
                challenge_id: 1,
                package: None,
            },
            Covered {
                challenge_id: 2,
                package: Some("50k".into()),
            },
        ];
        assert!(covers(&scope, 1, "10k") && covers(&scope, 2, "50k"));
        assert!(!covers(&scope, 2, "10k") && !covers(&scope, 3, "50k"));
        assert!(covers(&[], 3, "any"));
        assert_eq!(colour(" #A1B2C3 "), Ok("#a1b2c3".to_string()));
        for bad in ["a1b2c3", "#a1b2c", "#gggggg", "red"] {
            assert_eq!(colour(bad), Err("err.colour_invalid"), "{bad}");
        }
        crate::domain::names::spelled_alike(
            CouponAudience::ALL,
            CouponAudience::as_str,
            CouponAudience::parse,
        );
    }

    fn discount() -> impl Strategy<Value = Discount> {
        prop_oneof![
            (1i64..=10_000).prop_map(Discount::Percent),
            (1i64..=5_000_000).prop_map(|m| Discount::Fixed(usd(m))),
        ]
    }

    proptest! {
        // For any price, coupon and promo code: nothing is paid below zero or above the price,
        // and price - discount = paid to the minor unit.
        #[test]
        fn the_fee_paid_is_the_price_less_its_discounts(
            list in 0i64..=10_000_000,
            coupon in proptest::option::of(discount()),
            promo in proptest::option::of(discount()),
        ) {
            let p = price(usd(list), coupon, promo);
            prop_assert!(p.paid_minor >= 0);
            prop_assert!(p.paid_minor <= list);
            prop_assert!(p.coupon_minor >= 0 && p.promo_minor >= 0);
            prop_assert_eq!(p.list_minor - p.discount_minor(), p.paid_minor);
        }
    }
}
