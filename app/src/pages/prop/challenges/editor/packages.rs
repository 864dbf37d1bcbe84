//! Step 2: packages (size, fee, leverage) and their stages with the rules of each.
use super::fields::*;
use crate::api::trading::servers::server_choices;
use crate::domain::challenge::text::*;
use crate::domain::challenge::{Distribution, Environment, RuleField, SettlementFrequency};
use crate::domain::money::{self, CURRENCIES, Currency};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::model::ServerRow;
use crate::ui::resource::{Json, resource};
use leptos::prelude::*;

// Step 2: packages and stages
// ---------------------------------------------------------------------------------------------

/// The trading servers a stage may name, loaded once for every stage's select.
#[derive(Clone, Copy)]
struct Servers(Resource<Result<Vec<ServerRow>, AppError>, Json>);

pub(super) fn packages_panel(ed: Ed) -> impl IntoView {
    let i18n = use_i18n();
    provide_context(Servers(resource(|| (), |_| server_choices())));
    let add = move |_| {
        let pattern = i18n.t("chal.package_n");
        ed.def.update(|d| {
            let p = new_package(d, pattern);
            d.packages.push(p);
        });
        ed.reshape();
    };
    view! {
        <div class="stack" id=dom_id("packages")>
            {move || {
                ed.shape.track();
                let n = ed.def.with_untracked(|d| d.packages.len());
                (0..n).map(|i| package_view(ed, i)).collect_view()
            }}
            {block_error(ed, "packages")}
            <div class="cluster">
                <button type="button" class="btn" data-testid="chal-add-package" on:click=add>
                    "+ " {move || i18n.t("chal.add_package")}
                </button>
            </div>
        </div>
    }
}

fn package_view(ed: Ed, i: usize) -> AnyView {
    let i18n = use_i18n();
    let Some(p) = ed.def.with_untracked(|d| d.packages.get(i).cloned()) else {
        return ().into_any();
    };
    let at = move |f: &str| format!("packages.{i}.{f}");
    let cur = money::currency(&p.currency).unwrap_or(CURRENCIES[0]);
    let name = move || {
        ed.def
            .with(|d| d.packages.get(i).map(|p| p.name.clone()))
            .unwrap_or_default()
    };
    let remove = move |_| {
        ed.def.update(|d| {
            if i < d.packages.len() {
                d.packages.remove(i);
            }
        });
        ed.reshape();
    };
    let add = move |_| {
        ed.def.update(|d| {
            if let Some(p) = package_mut(d, i) {
                add_stage(p);
            }
        });
        ed.reshape();
    };
    let stages_path = at("stages");
    let stages_code = {
        let path = stages_path.clone();
        move || ed.code(&path).map(|c| i18n.t(&c))
    };
    let currencies: Vec<(&'static str, &'static str)> =
        CURRENCIES.iter().map(|c| (c.code, c.code)).collect();
    view! {
        <fieldset class="chal-package" id=dom_id(&format!("packages.{i}")) data-testid=format!("chal-package-{i}")>
            <legend class="chal-legend">
                {move || i18n.t("chal.package_n").replace("{n}", &(i + 1).to_string())}
                <span class="muted">" · " {name}</span>
            </legend>
            <div class="form-grid">
                {text_input(ed, at("name"), "chal.package_name", p.name.clone(), Opts { required: true, ..Opts::default() }, move |d, v| {
                    if let Some(p) = package_mut(d, i) {
                        p.name = v.to_string();
                    }
                    Ok(())
                })}
                {text_input(ed, at("key"), "chal.package_key", p.key.clone(), Opts { required: true, hint: Some("chal.package_key_hint"), ..Opts::default() }, move |d, v| {
                    if let Some(p) = package_mut(d, i) {
                        p.key = v.trim().to_string();
                    }
                    Ok(())
                })}
                {select_input(ed, at("currency"), "appr.currency", p.currency.clone(), currencies, false, move |d, v| {
                    if let Some(p) = package_mut(d, i) {
                        p.currency = v.to_string();
                    }
                })}
                {text_input(ed, at("account_size"), "prop.account_size", money::format(p.account_size_minor, cur), Opts { required: true, placeholder: Some("10000.00"), ..DECIMAL }, move |d, v| {
                    let minor = money::parse_amount(v, currency_of(d, i))?;
                    if let Some(p) = package_mut(d, i) {
                        p.account_size_minor = minor;
                    }
                    Ok(())
                })}
                {text_input(ed, at("fee"), "prop.fee", money::format(p.fee_minor, cur), Opts { required: true, hint: Some("chal.fee_hint"), placeholder: Some("99.00"), ..DECIMAL }, move |d, v| {
                    let minor = parse_fee(v, currency_of(d, i))?;
                    if let Some(p) = package_mut(d, i) {
                        p.fee_minor = minor;
                    }
                    Ok(())
                })}
                {text_input(ed, at("leverage"), "prop.leverage", p.leverage.to_string(), Opts { required: true, hint: Some("chal.leverage_hint"), ..NUMBER }, move |d, v| {
                    let n = parse_u32(v)?;
                    if let Some(p) = package_mut(d, i) {
                        p.leverage = n;
                    }
                    Ok(())
                })}
            </div>
            <div class="chal-stages" id=dom_id(&stages_path)>
                <h3 class="section-title">{move || i18n.t("chal.stages")}</h3>
                {(0..p.stages.len()).map(|j| stage_view(ed, i, j, cur)).collect_view()}
                <span class="field-error" role="alert" data-field=stages_path.clone()>{stages_code}</span>
            </div>
            <div class="cluster">
                <button type="button" class="btn btn-sm" data-testid=format!("chal-add-stage-{i}") on:click=add>
                    "+ " {move || i18n.t("chal.add_stage")}
                </button>
                <button type="button" class="btn btn-sm btn-ghost chal-remove" data-testid=format!("chal-remove-package-{i}") on:click=remove>
                    {move || i18n.t("chal.remove_package")}
                </button>
            </div>
        </fieldset>
    }
    .into_any()
}

fn stage_view(ed: Ed, i: usize, j: usize, cur: Currency) -> AnyView {
    let i18n = use_i18n();
    let Some(s) = ed
        .def
        .with_untracked(|d| d.packages.get(i).and_then(|p| p.stages.get(j)).cloned())
    else {
        return ().into_any();
    };
    let prefix = format!("packages.{i}.stages.{j}");
    let at = {
        let prefix = prefix.clone();
        move |f: &str| format!("{prefix}.{f}")
    };
    let env_key = move || {
        let live = ed.def.with(|d| {
            d.packages
                .get(i)
                .and_then(|p| p.stages.get(j))
                .is_some_and(|s| s.environment == Environment::Live)
        });
        if live {
            "prop.env_live"
        } else {
            "prop.env_demo"
        }
    };
    let remove = move |_| {
        ed.def.update(|d| {
            if let Some(p) = package_mut(d, i)
                && j < p.stages.len()
            {
                p.stages.remove(j);
            }
        });
        ed.reshape();
    };
    let pct = |hint: &'static str| Opts {
        hint: Some(hint),
        placeholder: Some("8.5"),
        ..DECIMAL
    };
    let hidden_path = at("hidden");
    view! {
        <fieldset class="chal-stage" id=dom_id(&prefix) data-testid=format!("chal-stage-{i}-{j}")>
            <legend class="chal-legend">
                {move || i18n.t("chal.stage_n").replace("{n}", &(j + 1).to_string())}
                " "
                <span class="badge badge-muted">{move || i18n.t(env_key())}</span>
            </legend>
            <div class="form-grid chal-stage-grid">
                {select_input(ed, at("environment"), "chal.environment", s.environment.as_str().into(), ENVIRONMENTS.to_vec(), true, move |d, v| {
                    if let (Some(s), Some(e)) = (stage_mut(d, i, j), Environment::parse(v)) {
                        s.environment = e;
                    }
                })}
                {server_input(ed, i, j, s.server_id)}
                {text_input(ed, at("account_group"), "chal.account_group", s.account_group.clone(), Opts { hint: Some("chal.account_group_hint"), ..Opts::default() }, move |d, v| {
                    if let Some(s) = stage_mut(d, i, j) {
                        s.account_group = v.trim().to_string();
                    }
                    Ok(())
                })}
                {text_input(ed, at("period_days"), "chal.period_days", s.period_days.map(|n| n.to_string()).unwrap_or_default(), Opts { hint: Some("chal.empty_unlimited"), ..NUMBER }, move |d, v| {
                    let n = parse_opt_u32(v)?;
                    if let Some(s) = stage_mut(d, i, j) {
                        s.period_days = n;
                    }
                    Ok(())
                })}
                {text_input(ed, at("min_trading_days"), "chal.min_trading_days", s.min_trading_days.to_string(), Opts { required: true, ..NUMBER }, move |d, v| {
                    let n = parse_u32(v)?;
                    if let Some(s) = stage_mut(d, i, j) {
                        s.min_trading_days = n;
                    }
                    Ok(())
                })}
                {text_input(ed, at("profit_target"), "chal.profit_target", pct_text(s.profit_target_bps), pct("chal.empty_none"), move |d, v| {
                    let b = parse_pct(v)?;
                    if let Some(s) = stage_mut(d, i, j) {
                        s.profit_target_bps = b;
                    }
                    Ok(())
                })}
                {text_input(ed, at("max_daily_loss"), "chal.max_daily_loss", pct_text(s.max_daily_loss_bps), pct("chal.empty_none"), move |d, v| {
                    let b = parse_pct(v)?;
                    if let Some(s) = stage_mut(d, i, j) {
                        s.max_daily_loss_bps = b;
                    }
                    Ok(())
                })}
                {select_input(ed, at("daily_loss_base"), "chal.daily_loss_base", base_str(s.daily_loss_base).into(), BASES.to_vec(), true, move |d, v| {
                    if let (Some(s), Some(b)) = (stage_mut(d, i, j), parse_base(v)) {
                        s.daily_loss_base = b;
                    }
                })}
                {text_input(ed, at("max_loss"), "chal.max_loss", pct_text(s.max_loss_bps), pct("chal.empty_none"), move |d, v| {
                    let b = parse_pct(v)?;
                    if let Some(s) = stage_mut(d, i, j) {
                        s.max_loss_bps = b;
                    }
                    Ok(())
                })}
                {select_input(ed, at("max_loss_mode"), "chal.max_loss_mode", mode_str(s.max_loss_mode).into(), MODES.to_vec(), true, move |d, v| {
                    if let (Some(s), Some(m)) = (stage_mut(d, i, j), parse_mode(v)) {
                        s.max_loss_mode = m;
                    }
                })}
                {text_input(ed, at("max_loss_per_trade"), "chal.max_loss_per_trade", trade_loss_text(s.max_loss_per_trade, cur), Opts { hint: Some("chal.max_loss_per_trade_hint"), placeholder: Some("250.00 / 1.5%"), ..Opts::default() }, move |d, v| {
                    let l = parse_trade_loss(v, currency_of(d, i))?;
                    if let Some(s) = stage_mut(d, i, j) {
                        s.max_loss_per_trade = l;
                    }
                    Ok(())
                })}
                {text_input(ed, at("max_attempts"), "chal.max_attempts", s.max_attempts.to_string(), Opts { required: true, ..NUMBER }, move |d, v| {
                    let n = parse_u32(v)?;
                    if let Some(s) = stage_mut(d, i, j) {
                        s.max_attempts = n;
                    }
                    Ok(())
                })}
                {text_input(ed, at("retry_fee"), "chal.retry_fee", money::format(s.retry_fee_minor, cur), Opts { required: true, hint: Some("chal.fee_hint"), ..DECIMAL }, move |d, v| {
                    let minor = parse_fee(v, currency_of(d, i))?;
                    if let Some(s) = stage_mut(d, i, j) {
                        s.retry_fee_minor = minor;
                    }
                    Ok(())
                })}
                {text_input(ed, at("profit_share"), "chal.profit_share", pct_text(s.profit_share_bps), pct("chal.profit_share_hint"), move |d, v| {
                    let b = parse_pct(v)?;
                    if let Some(s) = stage_mut(d, i, j) {
                        s.profit_share_bps = b;
                    }
                    Ok(())
                })}
                {text_input(ed, at("referrer_share"), "chal.referrer_share", pct_list_text(&s.referrer_share_bps), Opts { hint: Some("chal.referrer_share_hint"), ..DECIMAL }, move |d, v| {
                    let shares = parse_pct_list(v)?;
                    if let Some(s) = stage_mut(d, i, j) {
                        s.referrer_share_bps = shares;
                    }
                    Ok(())
                })}
                {select_input(ed, at("settlement"), "chal.settlement", s.settlement.as_str().into(), SETTLEMENTS.to_vec(), true, move |d, v| {
                    if let (Some(s), Some(f)) = (stage_mut(d, i, j), SettlementFrequency::parse(v)) {
                        s.settlement = f;
                    }
                })}
                {select_input(ed, at("distribution"), "chal.distribution", s.distribution.as_str().into(), DISTRIBUTIONS.to_vec(), true, move |d, v| {
                    if let (Some(s), Some(x)) = (stage_mut(d, i, j), Distribution::parse(v)) {
                        s.distribution = x;
                    }
                })}
            </div>
            <div class="checkbox-grid chal-checks">
                {check_input(ed, at("daily_settlement"), "chal.daily_settlement", s.daily_settlement, move |d, on| {
                    if let Some(s) = stage_mut(d, i, j) {
                        s.daily_settlement = on;
                    }
                })}
                {check_input(ed, at("retry_allowed"), "chal.retry_allowed", s.retry_allowed, move |d, on| {
                    if let Some(s) = stage_mut(d, i, j) {
                        s.retry_allowed = on;
                    }
                })}
                {check_input(ed, at("upgrade_immediately"), "chal.upgrade_immediately", s.upgrade_immediately, move |d, on| {
                    if let Some(s) = stage_mut(d, i, j) {
                        s.upgrade_immediately = on;
                    }
                })}
            </div>
            <fieldset class="chal-hidden" id=dom_id(&hidden_path)>
                <legend class="section-title">{move || i18n.t("chal.hidden")}</legend>
                <div class="checkbox-grid">
                    {RuleField::ALL
                        .iter()
                        .map(|&f| {
                            check_input(ed, format!("{hidden_path}.{}", f.as_str()), f.label_key(), s.hidden.contains(&f), move |d, on| {
                                if let Some(s) = stage_mut(d, i, j) {
                                    s.hidden.retain(|x| *x != f);
                                    if on {
                                        s.hidden.push(f);
                                        s.hidden.sort_by_key(|x| RuleField::ALL.iter().position(|y| y == x));
                                    }
                                }
                            })
                        })
                        .collect_view()}
                </div>
            </fieldset>
            <div class="cluster">
                <button type="button" class="btn btn-sm btn-ghost chal-remove" data-testid=format!("chal-remove-stage-{i}-{j}") on:click=remove>
                    {move || i18n.t("chal.remove_stage")}
                </button>
            </div>
        </fieldset>
    }
    .into_any()
}

// ---------------------------------------------------------------------------------------------

/// The stage's trading server: the simulator (stored as none) or a bridge server. Servers that
/// are disabled stay listed, marked, so a stage already on one shows it.
fn server_input(ed: Ed, i: usize, j: usize, init: Option<i64>) -> AnyView {
    let i18n = use_i18n();
    let Servers(servers) = expect_context::<Servers>();
    let path = format!("packages.{i}.stages.{j}.server_id");
    let id = dom_id(&path);
    let err_id = format!("{id}-err");
    let code = {
        let path = path.clone();
        Memo::new(move |_| ed.code(&path))
    };
    let value = |s: &ServerRow| {
        if s.kind == "simulator" {
            String::new()
        } else {
            s.id.to_string()
        }
    };
    let init = init.map(|n| n.to_string()).unwrap_or_default();
    view! {
        <div class="field" class:has-error=move || code.get().is_some()>
            <label for=id.clone()>{move || i18n.t("chal.server")}</label>
            <select
                id=id
                name=path
                aria-invalid=move || code.get().is_some().to_string()
                aria-describedby=err_id.clone()
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    ed.def.update(|d| {
                        if let Some(s) = stage_mut(d, i, j) {
                            s.server_id = v.parse().ok();
                        }
                    });
                }
            >
                {move || {
                    let init = init.clone();
                    servers.get().and_then(Result::ok).unwrap_or_default().into_iter().map(move |s| {
                        let v = value(&s);
                        let selected = v == init;
                        let label = if s.enabled {
                            s.name.clone()
                        } else {
                            format!("{} ({})", s.name, i18n.t("servers.disabled"))
                        };
                        view! { <option value=v selected=selected>{label}</option> }
                    }).collect_view()
                }}
            </select>
            <span class="field-error" id=err_id role="alert">{move || code.get().map(|c| i18n.t(&c))}</span>
        </div>
    }
    .into_any()
}
