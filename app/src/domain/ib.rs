//! The IB programme's arithmetic: the fee commissions a challenge pays up the referral tree
//! (a level structure and a rank structure, which may both run on one fee), and the checks of
//! their configuration.
//!
//! Choices where the product leaves a gap:
//! - A rebate is a fixed amount (in the package's currency, minor units) or a share of the base
//!   fee; overriding and same-rank bonuses are a fixed amount or a share of the commission they
//!   ride on.
//! - The rank structure pays upward from the buyer's referrer: the first IB holding a tier of
//!   the plan's rank set earns that tier's rebate; each IB above whose tier is higher than the
//!   last one paid earns the overriding commission on that IB's commission, and the first IB of
//!   the same tier above it earns the same-rank bonus once. Lower tiers earn nothing.
//! - Whatever the base (the fee paid or the fee before discount), the commissions of one fee
//!   never add up to more than the fee paid: each is cut to what is left, levels first, so the
//!   firm's part is never negative.
use super::bps::Bps;
use super::money::MAX_MINOR;
use super::names::snake_enum;
use super::validation::Errors;
use serde::{Deserialize, Serialize};

/// How many levels up the tree a level structure may reach.
pub const LEVELS_MAX: usize = 20;
/// How many tiers a rank set may have.
pub const TIERS_MAX: usize = 20;
/// 100%.
const BPS_ALL: i64 = 10_000;

/// One rebate: a fixed amount or a share of what it is computed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Rebate {
    /// Minor units of the fee's currency.
    Fixed(i64),
    /// Basis points of the base.
    Percent(i64),
}

impl Rebate {
    pub fn of(self, base: i64) -> i64 {
        match self {
            Rebate::Fixed(m) => m,
            Rebate::Percent(b) => Bps(b).of(base),
        }
    }

    pub fn is_zero(self) -> bool {
        matches!(self, Rebate::Fixed(0) | Rebate::Percent(0))
    }

    /// A rebate must be positive, a share at most 100%, an amount at most the largest amount.
    fn check(self) -> Result<(), &'static str> {
        match self {
            Rebate::Fixed(m) if m <= 0 => Err("err.commission_positive"),
            Rebate::Fixed(m) if m > MAX_MINOR => Err("err.amount_too_large"),
            Rebate::Percent(b) if b <= 0 => Err("err.commission_positive"),
            Rebate::Percent(b) if b > BPS_ALL => Err("err.commission_over_100"),
            _ => Ok(()),
        }
    }
}

snake_enum! {
    /// What a fee commission is computed on.
    CommissionBase { Paid => "paid", List => "list" }
}

snake_enum! {
    /// When rank commissions are paid: with the fee, or in one run after the month ends.
    RankPayout { RealTime => "real_time", Monthly => "monthly" }
}

snake_enum! {
    /// Why a commission was earned.
    Structure {
        Level => "level",
        Rank => "rank",
        Override => "override",
        SameRank => "same_rank",
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelPlan {
    /// Level 1 is the buyer (a self-rebate), level 2 their referrer, and so on.
    pub include_challenger: bool,
    /// The rebate of each level, level 1 first.
    pub levels: Vec<Rebate>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierRebate {
    pub tier_id: i64,
    pub rebate: Rebate,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankPlan {
    pub rank_set_id: i64,
    /// A tier without a rebate here (or at zero) earns nothing.
    pub tiers: Vec<TierRebate>,
    /// On the commission of the nearest lower-tier IB below.
    pub overriding: Option<Rebate>,
    /// On the commission of the nearest same-tier IB below, once.
    pub same_rank: Option<Rebate>,
    pub payout: RankPayout,
}

/// A challenge's fee commissions. The default pays none.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeCommissions {
    pub base: CommissionBase,
    pub levels: Option<LevelPlan>,
    pub rank: Option<RankPlan>,
}

impl Default for FeeCommissions {
    fn default() -> Self {
        Self {
            base: CommissionBase::Paid,
            levels: None,
            rank: None,
        }
    }
}

/// An IB's tier: its rank set and its place in it (1 is the lowest).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier {
    pub rank_set_id: i64,
    pub tier_id: i64,
    pub position: i32,
}

/// One person in the chain from the buyer up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member {
    pub user_id: i64,
    pub tier: Option<Tier>,
}

/// One commission to pay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Commission {
    pub recipient: i64,
    pub structure: Structure,
    /// Distance from the buyer (0 is the buyer).
    pub level: i32,
    pub tier_id: Option<i64>,
    pub amount: i64,
    /// Paid by the monthly run rather than with the fee.
    pub monthly: bool,
}

/// The commissions of one fee. `chain` is the buyer then their uplines, nearest first; `paid`
/// is the fee paid and `list` the fee before any discount. The amounts add up to at most
/// `paid` (see the module's notes), and none is zero.
pub fn compute(plan: &FeeCommissions, chain: &[Member], paid: i64, list: i64) -> Vec<Commission> {
    let base = match plan.base {
        CommissionBase::Paid => paid,
        CommissionBase::List => list,
    };
    let mut left = paid.max(0);
    let mut out = Vec::new();
    let mut pay = |out: &mut Vec<Commission>, c: Commission| -> i64 {
        let amount = c.amount.clamp(0, left);
        if amount > 0 {
            left -= amount;
            out.push(Commission { amount, ..c });
        }
        amount
    };
    if base <= 0 {
        return out;
    }
    if let Some(lp) = &plan.levels {
        let from = usize::from(!lp.include_challenger);
        for (i, (m, r)) in chain.iter().skip(from).zip(&lp.levels).enumerate() {
            pay(
                &mut out,
                Commission {
                    recipient: m.user_id,
                    structure: Structure::Level,
                    level: (from + i) as i32,
                    tier_id: None,
                    amount: r.of(base),
                    monthly: false,
                },
            );
        }
    }
    if let Some(rp) = &plan.rank {
        let monthly = rp.payout == RankPayout::Monthly;
        // A tier at zero earns nothing, as a tier the plan leaves out.
        let rebate_of = |t: &Tier| {
            rp.tiers
                .iter()
                .find(|x| x.tier_id == t.tier_id)
                .map(|x| x.rebate)
                .filter(|r| !r.is_zero())
        };
        // (position of the last tier paid, what it earned, whether its same-rank bonus is paid)
        let mut last: Option<(i32, i64, bool)> = None;
        for (level, m) in chain.iter().enumerate().skip(1) {
            let Some(t) = m.tier.filter(|t| t.rank_set_id == rp.rank_set_id) else {
                continue;
            };
            let c = |structure, amount| Commission {
                recipient: m.user_id,
                structure,
                level: level as i32,
                tier_id: Some(t.tier_id),
                amount,
                monthly,
            };
            match last {
                None => {
                    if let Some(r) = rebate_of(&t) {
                        let got = pay(&mut out, c(Structure::Rank, r.of(base)));
                        last = Some((t.position, got, false));
                    }
                }
                Some((pos, under, _)) if t.position > pos => {
                    let got = rp
                        .overriding
                        .map_or(0, |r| pay(&mut out, c(Structure::Override, r.of(under))));
                    last = Some((t.position, got, false));
                }
                Some((pos, under, false)) if t.position == pos => {
                    if let Some(r) = rp.same_rank {
                        pay(&mut out, c(Structure::SameRank, r.of(under)));
                    }
                    last = Some((pos, under, true));
                }
                Some(_) => {}
            }
        }
    }
    out
}

impl FeeCommissions {
    pub fn is_empty(&self) -> bool {
        self.levels.as_ref().is_none_or(|l| l.levels.is_empty()) && self.rank.is_none()
    }

    /// Checks the plan against the packages' fees (those above zero): every problem at once,
    /// under `commissions.…`. Whether the rank set and its tiers exist is the server's check.
    pub fn validate(&self, fees: &[i64], e: &mut Errors) {
        let least_fee = fees.iter().copied().filter(|f| *f > 0).min();
        if let Some(lp) = &self.levels {
            if lp.levels.len() > LEVELS_MAX {
                e.add("commissions.levels", "err.commission_levels_too_many");
            }
            let before = e.0.len();
            for (i, r) in lp.levels.iter().enumerate() {
                let field = format!("commissions.levels.{i}");
                if let Err(code) = r.check() {
                    e.add(&field, code);
                } else if matches!(r, Rebate::Fixed(m) if least_fee.is_some_and(|f| *m > f)) {
                    e.add(&field, "err.commission_above_fee");
                }
            }
            // The levels together, once each is right.
            let over = e.0.len() == before
                && fees.iter().filter(|f| **f > 0).any(|f| {
                    lp.levels
                        .iter()
                        .map(|r| r.of(*f).clamp(0, MAX_MINOR))
                        .sum::<i64>()
                        > *f
                });
            if over {
                e.add("commissions.levels", "err.commission_levels_above_fee");
            }
        }
        if let Some(rp) = &self.rank {
            let mut seen = std::collections::HashSet::new();
            for (i, t) in rp.tiers.iter().enumerate() {
                let field = format!("commissions.tiers.{i}");
                if !seen.insert(t.tier_id) {
                    e.add(&field, "err.commission_tier_duplicate");
                } else if t.rebate.is_zero() {
                    // Zero: the tier earns nothing (the editor lists every tier of the set).
                } else if let Err(code) = t.rebate.check() {
                    e.add(&field, code);
                } else if matches!(t.rebate, Rebate::Fixed(m) if least_fee.is_some_and(|f| m > f)) {
                    e.add(&field, "err.commission_above_fee");
                }
            }
            for (field, r) in [
                ("commissions.overriding", rp.overriding),
                ("commissions.same_rank", rp.same_rank),
            ] {
                if let Some(Err(code)) = r.map(Rebate::check) {
                    e.add(field, code);
                }
            }
        }
    }
}

/// Whether an IB whose client group shows `visible` levels (None: all) sees a downline `depth`
/// levels below them in full.
pub fn level_visible(visible: Option<i32>, depth: i32) -> bool {
    visible.is_none_or(|v| depth <= v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn member(user_id: i64, tier: Option<(i64, i32)>) -> Member {
        Member {
            user_id,
            tier: tier.map(|(tier_id, position)| Tier {
                rank_set_id: 1,
                tier_id,
                position,
            }),
        }
    }

    fn levels(include_challenger: bool, levels: Vec<Rebate>) -> FeeCommissions {
        FeeCommissions {
            levels: Some(LevelPlan {
                include_challenger,
                levels,
            }),
            ..Default::default()
        }
    }

    #[test]
    fn levels_pay_up_the_tree() {
        let chain = [member(10, None), member(11, None), member(12, None)];
        let plan = levels(false, vec![Rebate::Percent(1_000), Rebate::Fixed(500)]);
        let got = compute(&plan, &chain, 10_000, 10_000);
        assert_eq!(
            got.iter()
                .map(|c| (c.recipient, c.level, c.amount))
                .collect::<Vec<_>>(),
            vec![(11, 1, 1_000), (12, 2, 500)]
        );
        // Include challenger: level 1 is the buyer.
        let plan = levels(true, vec![Rebate::Percent(500), Rebate::Percent(1_000)]);
        let got = compute(&plan, &chain, 10_000, 10_000);
        assert_eq!(
            got.iter()
                .map(|c| (c.recipient, c.level, c.amount))
                .collect::<Vec<_>>(),
            vec![(10, 0, 500), (11, 1, 1_000)]
        );
    }

    #[test]
    fn the_base_may_be_the_fee_before_discount_but_never_pays_more_than_the_fee() {
        let chain = [member(1, None), member(2, None)];
        let mut plan = levels(false, vec![Rebate::Percent(1_000)]);
        assert_eq!(compute(&plan, &chain, 8_000, 10_000)[0].amount, 800);
        plan.base = CommissionBase::List;
        assert_eq!(compute(&plan, &chain, 8_000, 10_000)[0].amount, 1_000);
        let plan = levels(false, vec![Rebate::Fixed(9_000)]);
        assert_eq!(compute(&plan, &chain, 8_000, 10_000)[0].amount, 8_000);
        assert!(compute(&plan, &chain, 0, 0).is_empty());
    }

    #[test]
    fn ranks_pay_the_first_tier_then_overriding_and_same_rank_once() {
        let chain = [
            member(1, Some((1, 1))), // the buyer: never paid by rank
            member(2, None),
            member(3, Some((1, 1))),
            member(4, Some((1, 1))), // same rank: the bonus
            member(5, Some((1, 1))), // same rank again: nothing
            member(6, Some((2, 2))), // higher: overriding on 3's commission
            member(7, Some((1, 1))), // lower: nothing
            member(8, Some((3, 3))), // higher again: overriding on 6's
        ];
        let plan = FeeCommissions {
            rank: Some(RankPlan {
                rank_set_id: 1,
                tiers: vec![
                    TierRebate {
                        tier_id: 1,
                        rebate: Rebate::Percent(1_000),
                    },
                    TierRebate {
                        tier_id: 2,
                        rebate: Rebate::Percent(2_000),
                    },
                ],
                overriding: Some(Rebate::Percent(5_000)),
                same_rank: Some(Rebate::Fixed(10)),
                payout: RankPayout::RealTime,
            }),
            ..Default::default()
        };
        let got = compute(&plan, &chain, 10_000, 10_000);
        assert_eq!(
            got.iter()
                .map(|c| (c.recipient, c.structure, c.amount))
                .collect::<Vec<_>>(),
            vec![
                (3, Structure::Rank, 1_000),
                (4, Structure::SameRank, 10),
                (6, Structure::Override, 500),
                (8, Structure::Override, 250),
            ]
        );
        // A tier of another rank set counts for nothing.
        let mut other = chain;
        for m in &mut other {
            if let Some(t) = &mut m.tier {
                t.rank_set_id = 9;
            }
        }
        assert!(compute(&plan, &other, 10_000, 10_000).is_empty());
    }

    #[test]
    fn bad_plans_are_refused_field_by_field() {
        let mut e = Errors::default();
        levels(
            false,
            vec![
                Rebate::Fixed(20_000),
                Rebate::Percent(10_001),
                Rebate::Fixed(0),
                Rebate::Percent(-5),
            ],
        )
        .validate(&[10_000, 0], &mut e);
        let codes: Vec<_> =
            e.0.iter()
                .map(|f| (f.field.as_str(), f.code.as_str()))
                .collect();
        assert_eq!(
            codes,
            vec![
                ("commissions.levels.0", "err.commission_above_fee"),
                ("commissions.levels.1", "err.commission_over_100"),
                ("commissions.levels.2", "err.commission_positive"),
                ("commissions.levels.3", "err.commission_positive"),
            ]
        );
        let mut e = Errors::default();
        levels(false, vec![Rebate::Percent(6_000), Rebate::Percent(5_000)])
            .validate(&[10_000], &mut e);
        assert_eq!(e.0[0].code, "err.commission_levels_above_fee");
        let mut e = Errors::default();
        levels(false, vec![Rebate::Percent(6_000), Rebate::Fixed(100)]).validate(&[10_000], &mut e);
        assert!(e.0.is_empty(), "{:?}", e.0);
    }

    fn rebate() -> impl Strategy<Value = Rebate> {
        prop_oneof![
            (1i64..5_000).prop_map(Rebate::Fixed),
            (1i64..=10_000).prop_map(Rebate::Percent)
        ]
    }

    proptest! {
        /// For any tree, fee, discount and plan: the commissions plus the firm's part are the
        /// fee; none is negative or zero; no recipient is paid twice under one structure.
        #[test]
        fn commissions_never_exceed_the_fee(
            tiers in proptest::collection::vec(proptest::option::of(1i32..4), 1..12),
            paid in 0i64..1_000_000,
            discount in 0i64..500_000,
            level_plan in proptest::collection::vec(rebate(), 0..10),
            include in any::<bool>(),
            tier_rebates in proptest::collection::vec(rebate(), 3),
            overriding in proptest::option::of(rebate()),
            same_rank in proptest::option::of(rebate()),
            list_base in any::<bool>(),
        ) {
            let chain: Vec<Member> = tiers
                .iter()
                .enumerate()
                .map(|(i, t)| member(i as i64 + 1, t.map(|p| (i64::from(p), p))))
                .collect();
            let plan = FeeCommissions {
                base: if list_base { CommissionBase::List } else { CommissionBase::Paid },
                levels: Some(LevelPlan { include_challenger: include, levels: level_plan }),
                rank: Some(RankPlan {
                    rank_set_id: 1,
                    tiers: tier_rebates
                        .iter()
                        .enumerate()
                        .map(|(i, r)| TierRebate { tier_id: i as i64 + 1, rebate: *r })
                        .collect(),
                    overriding,
                    same_rank,
                    payout: RankPayout::RealTime,
                }),
            };
            let got = compute(&plan, &chain, paid, paid + discount);
            let total: i64 = got.iter().map(|c| c.amount).sum();
            let firm = paid - total;
            prop_assert!(firm >= 0);
            prop_assert_eq!(total + firm, paid);
            prop_assert!(got.iter().all(|c| c.amount > 0));
            let mut seen = std::collections::HashSet::new();
            for c in &got {
                prop_assert!(seen.insert((c.recipient, c.structure)), "{:?} paid twice", c);
                prop_assert!(chain.iter().any(|m| m.user_id == c.recipient));
            }
        }
    }

    #[test]
    fn enum_names_match_their_serde_names() {
        use crate::domain::names::spelled_alike as check;
        check(
            CommissionBase::ALL,
            CommissionBase::as_str,
            CommissionBase::parse,
        );
        check(RankPayout::ALL, RankPayout::as_str, RankPayout::parse);
        check(Structure::ALL, Structure::as_str, Structure::parse);
    }
}
