//! The IB programme: fee commissions paid up the referral tree (`commissions`, registered with
//! the prop area's fee listeners), the tier each IB holds (`tiers`), promotional links and
//! their funnels (`links`), what an IB and staff read of it (`reports`), and its figure on
//! the prop dashboard (`dashboard`). The tree itself
//! is `identity::referrals`; the rank sets are the firm's settings (`settings::ranks`).
pub mod commissions;
pub mod dashboard;
pub mod links;
pub mod reports;
pub mod tiers;
