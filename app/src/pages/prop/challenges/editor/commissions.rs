//! Step 3 (continued): the fee commissions the challenge's fees pay up the referral tree: a
//! level structure, a rank structure, or both, on the fee paid or the fee before discount.
use super::fields::*;
use crate::api::ib::rank_sets;
use crate::domain::challenge::ChallengeDef;
use crate::domain::challenge::text::{parse_rebate, rebate_text};
use crate::domain::ib::{
    CommissionBase, FeeCommissions, LevelPlan, RankPayout, RankPlan, Rebate, TierRebate,
};
use crate::i18n::use_i18n;
use crate::model::RankSetRow;
use crate::ui::form::loading;
use crate::ui::resource::resource;
use leptos::prelude::*;

const BASES: [(&str, &str); 2] = [("paid", "chal.base_paid"), ("list", "chal.base_list")];
const PAYOUTS: [(&str, &str); 2] = [
    ("real_time", "chal.payout_real_time"),
    ("monthly", "chal.payout_monthly"),
];

fn plan(d: &mut ChallengeDef) -> &mut FeeCommissions {
    &mut d.commissions
}

pub(super) fn commissions_panel(ed: Ed) -> impl IntoView {
    let i18n = use_i18n();
    let sets = resource(|| (), |_| rank_sets());
    let base = ed
        .def
        .with_untracked(|d| d.commissions.base.as_str().to_string());
    view! {
        <fieldset class="field chal-group" id=dom_id("commissions") data-testid="chal-commissions">
            <legend>{move || i18n.t("chal.commissions")}</legend>
            <p class="hint">{move || i18n.t("chal.commissions_hint")}</p>
            {select_input(ed, "commissions.base".into(), "chal.commission_base", base, BASES.to_vec(), true, |d, v| {
                if let Some(b) = CommissionBase::parse(v) {
                    plan(d).base = b;
                }
            })}
            {move || {
                ed.shape.track();
                level_part(ed)
            }}
            <Transition fallback=loading>
                {move || sets.get().map(|r| match r {
                    Ok(sets) => {
                        let sets = StoredValue::new(sets);
                        view! { {move || { ed.shape.track(); rank_part(ed, sets.get_value()) }} }.into_any()
                    }
                    Err(_) => view! { <p class="muted" data-testid="chal-ranks-unavailable">{move || i18n.t("chal.ranks_unavailable")}</p> }.into_any(),
                })}
            </Transition>
            {block_error(ed, "commissions")}
        </fieldset>
    }
}

/// The level structure: on or off, the challenger's own rebate, and one rebate per level.
fn level_part(ed: Ed) -> AnyView {
    let i18n = use_i18n();
    let (on, include, levels) = ed.def.with_untracked(|d| match &d.commissions.levels {
        Some(l) => (true, l.include_challenger, l.levels.clone()),
        None => (false, false, Vec::new()),
    });
    let cur = ed.def.with_untracked(|d| currency_of(d, 0));
    let switch = move |d: &mut ChallengeDef, on: bool| {
        plan(d).levels = on.then(|| LevelPlan {
            include_challenger: false,
            levels: vec![Rebate::Percent(1_000)],
        });
    };
    let add = move |_| {
        ed.def.update(|d| {
            if let Some(l) = &mut plan(d).levels {
                l.levels.push(Rebate::Percent(500));
            }
        });
        ed.reshape();
    };
    let remove = move |i: usize| {
        ed.def.update(|d| {
            if let Some(l) = &mut plan(d).levels
                && i < l.levels.len()
            {
                l.levels.remove(i);
            }
        });
        ed.reshape();
    };
    view! {
        <div class="stack">
            <label class="checkbox">
                <input type="checkbox" name="commissions.by_level" checked=on data-testid="chal-by-level"
                    on:change=move |ev| { let on = event_target_checked(&ev); ed.def.update(|d| switch(d, on)); ed.reshape(); }/>
                <span>{move || i18n.t("chal.pay_by_level")}</span>
            </label>
            {on.then(|| view! {
                {check_input(ed, "commissions.include_challenger".into(), "chal.include_challenger", include, |d, on| {
                    if let Some(l) = &mut plan(d).levels {
                        l.include_challenger = on;
                    }
                })}
                <ol class="stack" id=dom_id("commissions.levels")>
                    {levels.iter().enumerate().map(|(i, r)| view! {
                        <li class="cluster">
                            {text_input(ed, format!("commissions.levels.{i}"), "chal.level_rebate", rebate_text(*r, cur), Opts { hint: Some("chal.rebate_hint"), ..DECIMAL }, move |d, v| {
                                let r = parse_rebate(v, currency_of(d, 0))?;
                                if let Some(slot) = plan(d).levels.as_mut().and_then(|l| l.levels.get_mut(i)) {
                                    *slot = r;
                                }
                                Ok(())
                            })}
                            <button type="button" class="btn btn-sm btn-ghost" aria-label=move || i18n.t("chal.remove_level") on:click=move |_| remove(i)>"✕"</button>
                        </li>
                    }).collect_view()}
                </ol>
                {block_error(ed, "commissions.levels")}
                <div class="cluster">
                    <button type="button" class="btn btn-sm" data-testid="chal-add-level" on:click=add>{move || i18n.t("chal.add_level")}</button>
                </div>
            })}
        </div>
    }
    .into_any()
}

/// The rank structure: on or off, the rank set, each tier's rebate (empty: nothing), the
/// overriding and same-rank bonuses, and when it pays.
fn rank_part(ed: Ed, sets: Vec<RankSetRow>) -> AnyView {
    let i18n = use_i18n();
    let current = ed.def.with_untracked(|d| d.commissions.rank.clone());
    let cur = ed.def.with_untracked(|d| currency_of(d, 0));
    if sets.is_empty() && current.is_none() {
        return view! { <p class="muted">{move || i18n.t("chal.no_rank_sets")}</p> }.into_any();
    }
    let tiers_of = {
        let sets = sets.clone();
        move |set: i64| -> Vec<TierRebate> {
            sets.iter()
                .find(|s| s.id == set)
                .map(|s| {
                    s.tiers
                        .iter()
                        .map(|t| TierRebate {
                            tier_id: t.id,
                            rebate: Rebate::Percent(0),
                        })
                        .collect()
                })
                .unwrap_or_default()
        }
    };
    let first = sets.first().map_or(0, |s| s.id);
    let switch = {
        let tiers_of = tiers_of.clone();
        move |on: bool| {
            ed.def.update(|d| {
                plan(d).rank = on.then(|| RankPlan {
                    rank_set_id: first,
                    tiers: tiers_of(first),
                    overriding: None,
                    same_rank: None,
                    payout: RankPayout::RealTime,
                });
            });
            ed.reshape();
        }
    };
    let choose_set = move |v: String| {
        let set = v.parse().unwrap_or(0);
        let tiers = tiers_of(set);
        ed.def.update(|d| {
            if let Some(r) = &mut plan(d).rank {
                r.rank_set_id = set;
                r.tiers = tiers;
            }
        });
        ed.reshape();
    };
    let names: std::collections::HashMap<i64, String> = sets
        .iter()
        .flat_map(|s| {
            s.tiers
                .iter()
                .map(|t| (t.id, format!("{}. {}", t.position, t.name)))
        })
        .collect();
    let opt_text = |r: Option<Rebate>| r.map(|r| rebate_text(r, cur)).unwrap_or_default();
    let parse_opt = move |v: &str, d: &ChallengeDef| -> Result<Option<Rebate>, &'static str> {
        if v.trim().is_empty() {
            Ok(None)
        } else {
            parse_rebate(v, currency_of(d, 0)).map(Some)
        }
    };
    view! {
        <div class="stack">
            <label class="checkbox">
                <input type="checkbox" name="commissions.by_rank" checked=current.is_some() data-testid="chal-by-rank"
                    on:change=move |ev| switch(event_target_checked(&ev))/>
                <span>{move || i18n.t("chal.pay_by_rank")}</span>
            </label>
            {current.map(|r| view! {
                <div class="field">
                    <label for=dom_id("commissions.rank_set")>{move || i18n.t("chal.rank_set")}</label>
                    <select id=dom_id("commissions.rank_set") name="commissions.rank_set" on:change=move |ev| choose_set(event_target_value(&ev))>
                        {sets.iter().map(|s| view! { <option value=s.id.to_string() selected=s.id == r.rank_set_id>{s.name.clone()}</option> }).collect_view()}
                    </select>
                    {block_error(ed, "commissions.rank_set")}
                </div>
                <ol class="stack">
                    {r.tiers.iter().enumerate().map(|(i, t)| {
                        let text = if t.rebate.is_zero() { String::new() } else { rebate_text(t.rebate, cur) };
                        let name = names.get(&t.tier_id).cloned().unwrap_or_else(|| format!("#{}", t.tier_id));
                        view! {
                            <li>
                                <span class="muted small">{name}</span>
                                {text_input(ed, format!("commissions.tiers.{i}"), "chal.tier_rebate", text, Opts { hint: Some("chal.tier_rebate_hint"), ..DECIMAL }, move |d, v| {
                                    let r = if v.trim().is_empty() { Rebate::Percent(0) } else { parse_rebate(v, currency_of(d, 0))? };
                                    if let Some(slot) = plan(d).rank.as_mut().and_then(|p| p.tiers.get_mut(i)) {
                                        slot.rebate = r;
                                    }
                                    Ok(())
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
                <div class="form-row">
                    {text_input(ed, "commissions.overriding".into(), "chal.overriding", opt_text(r.overriding), Opts { hint: Some("chal.overriding_hint"), ..DECIMAL }, move |d, v| {
                        let o = parse_opt(v, d)?;
                        if let Some(p) = &mut plan(d).rank { p.overriding = o; }
                        Ok(())
                    })}
                    {text_input(ed, "commissions.same_rank".into(), "chal.same_rank", opt_text(r.same_rank), Opts { hint: Some("chal.same_rank_hint"), ..DECIMAL }, move |d, v| {
                        let o = parse_opt(v, d)?;
                        if let Some(p) = &mut plan(d).rank { p.same_rank = o; }
                        Ok(())
                    })}
                    {select_input(ed, "commissions.payout".into(), "chal.rank_payout", r.payout.as_str().into(), PAYOUTS.to_vec(), true, |d, v| {
                        if let (Some(p), Some(x)) = (&mut plan(d).rank, RankPayout::parse(v)) { p.payout = x; }
                    })}
                </div>
            })}
        </div>
    }
    .into_any()
}
