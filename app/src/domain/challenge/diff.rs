//! What changed between two versions of a definition, line by line, for the audit trail and the
//! confirmation before saving.
use super::text::{base_str, mode_str, rebate_text};
use super::*;
use crate::domain::bps::Bps;
use crate::domain::ib::{Rebate, TierRebate};
use crate::domain::money::{self, Currency};
use crate::domain::rules::TradeLossLimit;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// One difference between two versions of a definition, for the audit trail and the
/// confirmation before saving.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// Shown for "none", "unlimited" and for the side where a package or stage does not exist.
const NONE: &str = "—";

/// One line of a flattened definition. A `group` line (a package, a stage) stands for
/// everything under it when it exists on one side only.
struct Line {
    path: String,
    value: String,
    group: bool,
}

fn opt<T>(v: Option<T>, f: impl Fn(T) -> String) -> String {
    v.map(f).unwrap_or_else(|| NONE.to_string())
}

fn list<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    if items.is_empty() {
        NONE.to_string()
    } else {
        items.iter().map(f).collect::<Vec<_>>().join(", ")
    }
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

fn flatten(c: &ChallengeDef) -> Vec<Line> {
    let mut out = Vec::new();
    let mut put = |path: String, value: String, group: bool| out.push(Line { path, value, group });
    put("name".into(), c.name.clone(), false);
    put("types".into(), list(&c.types, String::clone), false);
    put("time_zone".into(), c.time_zone.clone(), false);
    let ends = if c.day_ends_at.is_empty() {
        "00:00"
    } else {
        &c.day_ends_at
    };
    put("day_ends_at".into(), ends.to_string(), false);
    let starts = if chrono::Timelike::second(&c.starts_at) == 0 {
        c.starts_at.format("%Y-%m-%d %H:%M")
    } else {
        c.starts_at.format("%Y-%m-%d %H:%M:%S")
    };
    put("starts_at".into(), starts.to_string(), false);
    put("cover_url".into(), c.cover_url.clone(), false);
    put("poster_url".into(), c.poster_url.clone(), false);
    for (lang, text) in &c.details {
        put(format!("details.{lang}"), text.clone(), false);
    }
    put("details_first".into(), yes_no(c.details_first), false);
    for (i, p) in c.packages.iter().enumerate() {
        // Unknown currencies (an invalid draft) still show, with two decimals.
        let cur = money::currency(&p.currency).unwrap_or(Currency {
            code: "",
            exponent: 2,
        });
        let amount = |minor: i64| money::format(minor, cur);
        let at = |f: &str| format!("packages.{i}.{f}");
        put(format!("packages.{i}"), p.name.clone(), true);
        put(at("key"), p.key.clone(), false);
        put(at("name"), p.name.clone(), false);
        put(at("currency"), p.currency.clone(), false);
        put(at("account_size"), amount(p.account_size_minor), false);
        put(at("fee"), amount(p.fee_minor), false);
        put(at("leverage"), p.leverage.to_string(), false);
        for (j, s) in p.stages.iter().enumerate() {
            let at = |f: &str| format!("packages.{i}.stages.{j}.{f}");
            put(
                format!("packages.{i}.stages.{j}"),
                s.environment.as_str().into(),
                true,
            );
            put(at("environment"), s.environment.as_str().into(), false);
            put(
                at("server_id"),
                s.server_id.map(|id| format!("#{id}")).unwrap_or_default(),
                false,
            );
            put(at("account_group"), s.account_group.clone(), false);
            put(
                at("period_days"),
                opt(s.period_days, |d| d.to_string()),
                false,
            );
            put(
                at("min_trading_days"),
                s.min_trading_days.to_string(),
                false,
            );
            put(
                at("profit_target"),
                opt(s.profit_target_bps, |b| Bps(b).to_string()),
                false,
            );
            put(
                at("max_daily_loss"),
                opt(s.max_daily_loss_bps, |b| Bps(b).to_string()),
                false,
            );
            put(
                at("daily_loss_base"),
                base_str(s.daily_loss_base).into(),
                false,
            );
            put(at("daily_settlement"), yes_no(s.daily_settlement), false);
            put(
                at("max_loss"),
                opt(s.max_loss_bps, |b| Bps(b).to_string()),
                false,
            );
            put(at("max_loss_mode"), mode_str(s.max_loss_mode).into(), false);
            let per_trade = opt(s.max_loss_per_trade, |l| match l {
                TradeLossLimit::Amount(a) => amount(a),
                TradeLossLimit::Bps(b) => Bps(b).to_string(),
            });
            put(at("max_loss_per_trade"), per_trade, false);
            put(at("retry_allowed"), yes_no(s.retry_allowed), false);
            put(at("max_attempts"), s.max_attempts.to_string(), false);
            put(at("retry_fee"), amount(s.retry_fee_minor), false);
            put(
                at("profit_share"),
                opt(s.profit_share_bps, |b| Bps(b).to_string()),
                false,
            );
            put(
                at("referrer_share"),
                list(&s.referrer_share_bps, |b| Bps(*b).to_string()),
                false,
            );
            put(at("settlement"), s.settlement.as_str().into(), false);
            put(at("distribution"), s.distribution.as_str().into(), false);
            put(
                at("upgrade_immediately"),
                yes_no(s.upgrade_immediately),
                false,
            );
            put(at("hidden"), list(&s.hidden, |h| h.as_str().into()), false);
        }
    }
    put("pay_from_wallet".into(), yes_no(c.pay_from_wallet), false);
    put("pay_direct".into(), yes_no(c.pay_direct), false);
    put("groups".into(), list(&c.groups, i64::to_string), false);
    // Fixed rebates are in each package's currency; the first one's decimals show them.
    let cur = c
        .packages
        .first()
        .and_then(|p| money::currency(&p.currency))
        .unwrap_or(Currency {
            code: "",
            exponent: 2,
        });
    let rebate = |r: &Rebate| rebate_text(*r, cur);
    let fc = &c.commissions;
    put("commissions.base".into(), fc.base.as_str().into(), false);
    if let Some(l) = &fc.levels {
        put(
            "commissions.include_challenger".into(),
            yes_no(l.include_challenger),
            false,
        );
        put("commissions.levels".into(), list(&l.levels, rebate), false);
    }
    if let Some(r) = &fc.rank {
        put(
            "commissions.rank_set".into(),
            r.rank_set_id.to_string(),
            false,
        );
        let tier = |t: &TierRebate| format!("{}: {}", t.tier_id, rebate(&t.rebate));
        put("commissions.tiers".into(), list(&r.tiers, tier), false);
        put(
            "commissions.overriding".into(),
            opt(r.overriding.as_ref(), rebate),
            false,
        );
        put(
            "commissions.same_rank".into(),
            opt(r.same_rank.as_ref(), rebate),
            false,
        );
        put("commissions.payout".into(), r.payout.as_str().into(), false);
    }
    out
}

/// The differences from `before` to `after`, one per changed field, in form order. A package
/// or stage added or removed is one change (named by the package's name or the stage's
/// environment), not one per field inside it.
pub fn diff(before: &ChallengeDef, after: &ChallengeDef) -> Vec<Change> {
    let (b, a) = (flatten(before), flatten(after));
    let b_at: HashMap<&str, usize> = b
        .iter()
        .enumerate()
        .map(|(i, l)| (l.path.as_str(), i))
        .collect();
    let a_at: HashMap<&str, usize> = a
        .iter()
        .enumerate()
        .map(|(i, l)| (l.path.as_str(), i))
        .collect();
    // A line on one side only is reported unless a package or stage above it, on that side
    // only, already is.
    let one_sided = |lines: &[Line], other: &HashMap<&str, usize>| -> HashSet<String> {
        lines
            .iter()
            .filter(|l| l.group && !other.contains_key(l.path.as_str()))
            .map(|l| l.path.clone())
            .collect()
    };
    let (only_b, only_a) = (one_sided(&b, &a_at), one_sided(&a, &b_at));
    let covered = |groups: &HashSet<String>, path: &str| {
        path.match_indices('.')
            .any(|(i, _)| groups.contains(&path[..i]))
    };
    let mut out = Vec::new();
    let removed = |l: &Line, out: &mut Vec<Change>| {
        if !a_at.contains_key(l.path.as_str()) && !covered(&only_b, &l.path) {
            out.push(Change {
                field: l.path.clone(),
                before: l.value.clone(),
                after: NONE.into(),
            });
        }
    };
    // Both lists come from the same walk, so shared paths are in the same order: merge them,
    // placing removed lines where they stood.
    let mut next_b = 0;
    for l in &a {
        match b_at.get(l.path.as_str()) {
            Some(&j) => {
                for old in &b[next_b.min(j)..j] {
                    removed(old, &mut out);
                }
                next_b = next_b.max(j + 1);
                if !l.group && b[j].value != l.value {
                    out.push(Change {
                        field: l.path.clone(),
                        before: b[j].value.clone(),
                        after: l.value.clone(),
                    });
                }
            }
            None if !covered(&only_a, &l.path) => out.push(Change {
                field: l.path.clone(),
                before: NONE.into(),
                after: l.value.clone(),
            }),
            None => {}
        }
    }
    for old in &b[next_b.min(b.len())..] {
        removed(old, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(c: &mut ChallengeDef, j: usize) -> &mut StageDef {
        &mut c.packages[0].stages[j]
    }

    fn change(field: &str, before: &str, after: &str) -> Change {
        Change {
            field: field.into(),
            before: before.into(),
            after: after.into(),
        }
    }

    #[test]
    fn diff_lists_each_change() {
        let before = ChallengeDef::example();
        assert_eq!(diff(&before, &before.clone()), Vec::new());

        let mut after = before.clone();
        stage(&mut after, 1).profit_target_bps = Some(1_000);
        stage(&mut after, 0).max_daily_loss_bps = Some(450);
        after.packages[0].name = "Standard 25K".into();
        after.packages[0].account_size_minor = 2_500_000;
        after.types.push("Fast".into());
        assert_eq!(
            diff(&before, &after),
            vec![
                change("types", "Two-step", "Two-step, Fast"),
                change("packages.0.name", "Standard 10K", "Standard 25K"),
                change("packages.0.account_size", "10000.00", "25000.00"),
                change("packages.0.stages.0.max_daily_loss", "5%", "4.5%"),
                change("packages.0.stages.1.profit_target", "8%", "10%"),
            ]
        );
    }

    #[test]
    fn diff_reports_added_and_removed_parts_once() {
        let before = ChallengeDef::example();
        let mut after = before.clone();
        after.packages[0].stages.push(StageDef::live_default());
        after.details.insert("es".into(), "Hola".into());
        after.packages.push(PackageDef {
            key: "p2".into(),
            name: "Pro 50K".into(),
            ..before.packages[0].clone()
        });
        let added = vec![
            change("details.es", "—", "Hola"),
            change("packages.0.stages.3", "—", "live"),
            change("packages.1", "—", "Pro 50K"),
        ];
        assert_eq!(diff(&before, &after), added);
        let removed: Vec<_> = added
            .iter()
            .map(|c| change(&c.field, &c.after, &c.before))
            .collect();
        assert_eq!(diff(&after, &before), removed);
    }

    #[test]
    fn diff_formats_options_money_and_lists() {
        let before = ChallengeDef::example();
        let mut after = before.clone();
        let s = stage(&mut after, 0);
        s.period_days = None;
        s.max_loss_per_trade = Some(TradeLossLimit::Amount(12_345));
        s.retry_fee_minor = 1_050;
        s.hidden = vec![RuleField::MaxLoss, RuleField::ProfitShare];
        after.groups = vec![7, 9];
        assert_eq!(
            diff(&before, &after),
            vec![
                change("packages.0.stages.0.period_days", "30", "—"),
                change("packages.0.stages.0.max_loss_per_trade", "—", "123.45"),
                change("packages.0.stages.0.retry_fee", "0.00", "10.50"),
                change("packages.0.stages.0.hidden", "—", "max_loss, profit_share"),
                change("groups", "—", "7, 9"),
            ]
        );
    }
}
