//! The back office's challenges: the list, and the editor of one challenge as a form in four
//! steps (basics, packages and stages, payment and visibility, review and publish).
//!
//! The whole definition lives in one signal. Every input writes its part back as soon as its
//! text parses (percentages typed as "8.5" are stored as 850 basis points, amounts as minor
//! units); text that does not parse keeps an error beside the input until it does. The
//! server's validation errors come back under the field paths of `ChallengeDef::validate`
//! (`packages.0.stages.1.profit_target`): each shows beside its input, and all of them are
//! listed above the form, so an error on another step is never hidden.
use crate::api::prop_admin::{
    challenge_action, get_challenge_edit, get_challenges, save_challenge,
};
use crate::api::settings::list_groups;
use crate::domain::challenge::{
    ChallengeDef, Change, Distribution, Environment, PackageDef, RuleField, SettlementFrequency,
    StageDef,
};
use crate::domain::money::{self, CURRENCIES, Currency};
use crate::domain::rules::{DailyLossBase, MaxLossMode, TradeLossLimit};
use crate::error::AppError;
use crate::i18n::{I18n, use_i18n};
use crate::model::{ChallengeEdit, ChallengeRow};
use crate::pages::PageHeader;
use crate::ui::form::loading;
use crate::ui::table::EmptyRow;
use chrono::{NaiveDateTime, Timelike};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::str::FromStr;

// ---------------------------------------------------------------------------------------------
// The list
// ---------------------------------------------------------------------------------------------

/// A challenge's status (draft, published, terminated) as a coloured badge.
#[component]
pub fn ChallengeStatus(status: String) -> impl IntoView {
    let i18n = use_i18n();
    let class = match status.as_str() {
        "published" => "badge badge-success",
        "terminated" => "badge badge-danger",
        _ => "badge badge-muted",
    };
    let key = format!("chal.status_{status}");
    view! {
        <span class=class data-status=status data-testid="chal-status">
            {move || i18n.t(&key)}
        </span>
    }
}

#[component]
pub fn ChallengesPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = Resource::new(|| (), |_| get_challenges());
    view! {
        <PageHeader title="nav.challenges" subtitle="chal.list_sub">
            <a class="btn btn-primary" href="/admin/challenges/new" data-testid="chal-new">
                {move || i18n.t("chal.new")}
            </a>
        </PageHeader>
        <div class="card">
            <div class="table-wrap">
                <table class="table" data-testid="chal-list">
                    <thead>
                        <tr>
                            <th>{move || i18n.t("common.name")}</th>
                            <th>{move || i18n.t("common.status")}</th>
                            <th class="num">{move || i18n.t("chal.version")}</th>
                            <th class="num">{move || i18n.t("chal.packages")}</th>
                            <th class="num">{move || i18n.t("chal.participants")}</th>
                            <th>{move || i18n.t("chal.updated")}</th>
                            <th><span class="sr-only">{move || i18n.t("common.actions")}</span></th>
                        </tr>
                    </thead>
                    <Transition fallback=|| view! { <tbody><tr><td colspan="7"><div class="spinner"></div></td></tr></tbody> }>
                        {move || {
                            list.get()
                                .map(|r| match r {
                                    Ok(rows) => {
                                        view! {
                                            <tbody>
                                                {rows.is_empty().then(|| view! { <EmptyRow cols=7/> })}
                                                {rows.into_iter().map(challenge_row).collect_view()}
                                            </tbody>
                                        }
                                            .into_any()
                                    }
                                    Err(e) => view! { <tbody><tr><td colspan="7" class="form-error">{move || i18n.t(e.key())}</td></tr></tbody> }.into_any(),
                                })
                        }}
                    </Transition>
                </table>
            </div>
        </div>
    }
}

fn challenge_row(c: ChallengeRow) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/admin/challenges/{}", c.id);
    view! {
        <tr data-testid=format!("chal-row-{}", c.id) data-name=c.name.clone()>
            <td><a class="cell-main" href=href.clone()>{c.name.clone()}</a></td>
            <td>
                <span class="cluster">
                    <ChallengeStatus status=c.status.clone()/>
                    {c.has_draft.then(|| view! {
                        <span class="badge badge-warn" data-testid="chal-has-draft">{move || i18n.t("chal.unpublished")}</span>
                    })}
                </span>
            </td>
            <td class="num">{c.version}</td>
            <td class="num">{c.packages}</td>
            <td class="num">{c.participants}</td>
            <td class="nowrap">{c.updated_at.clone()}</td>
            <td><a class="btn btn-sm" href=href>{move || i18n.t("appr.open")}</a></td>
        </tr>
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing and formatting the form's texts
// ---------------------------------------------------------------------------------------------

/// A whole number of days or attempts.
fn parse_u32(v: &str) -> Result<u32, &'static str> {
    let t = v.trim();
    if t.is_empty() {
        return Err("err.required");
    }
    t.parse().map_err(|_| "chal.invalid_number")
}

/// Empty: none (an unlimited period).
fn parse_opt_u32(v: &str) -> Result<Option<u32>, &'static str> {
    if v.trim().is_empty() {
        Ok(None)
    } else {
        parse_u32(v).map(Some)
    }
}

/// A percentage typed as a person writes it ("8", "8.5", "8.25%") in basis points; empty:
/// none. The range is the server's to judge.
fn parse_pct(v: &str) -> Result<Option<i64>, &'static str> {
    let t = v.trim().trim_end_matches('%').trim();
    if t.is_empty() {
        return Ok(None);
    }
    if !t.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err("chal.invalid_percent");
    }
    let d = Decimal::from_str(t).map_err(|_| "chal.invalid_percent")?;
    if d.normalize().scale() > 2 {
        return Err("chal.invalid_percent");
    }
    i64::try_from((d * Decimal::from(100)).trunc())
        .map(Some)
        .map_err(|_| "chal.invalid_percent")
}

fn pct_text(bps: Option<i64>) -> String {
    bps.map(|b| Decimal::new(b, 2).normalize().to_string())
        .unwrap_or_default()
}

/// A fee: like an amount, but 0 (free) is allowed.
fn parse_fee(v: &str, cur: Currency) -> Result<i64, &'static str> {
    let t = v.trim();
    let zero = !t.is_empty()
        && t.chars().all(|c| c.is_ascii_digit() || c == '.')
        && Decimal::from_str(t).is_ok_and(|d| d.is_zero());
    if zero {
        Ok(0)
    } else {
        money::parse_amount(t, cur)
    }
}

/// The limit on one closed trade's loss: an amount ("250"), a percentage ("1.5%"), or none.
fn parse_trade_loss(v: &str, cur: Currency) -> Result<Option<TradeLossLimit>, &'static str> {
    let t = v.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.ends_with('%') {
        return match parse_pct(t) {
            Ok(Some(b)) => Ok(Some(TradeLossLimit::Bps(b))),
            _ => Err("chal.invalid_trade_loss"),
        };
    }
    money::parse_amount(t, cur)
        .map(|a| Some(TradeLossLimit::Amount(a)))
        .map_err(|e| {
            if e == "err.amount_invalid" {
                "chal.invalid_trade_loss"
            } else {
                e
            }
        })
}

fn trade_loss_text(l: Option<TradeLossLimit>, cur: Currency) -> String {
    match l {
        None => String::new(),
        Some(TradeLossLimit::Amount(a)) => money::format(a, cur),
        Some(TradeLossLimit::Bps(b)) => format!("{}%", pct_text(Some(b))),
    }
}

/// The value of a `datetime-local` input.
fn datetime_text(t: &NaiveDateTime) -> String {
    if t.second() == 0 {
        t.format("%Y-%m-%dT%H:%M").to_string()
    } else {
        t.format("%Y-%m-%dT%H:%M:%S").to_string()
    }
}

fn parse_datetime(v: &str) -> Result<NaiveDateTime, &'static str> {
    let t = v.trim();
    if t.is_empty() {
        return Err("err.required");
    }
    NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| "chal.invalid_datetime")
}

/// "Two-step, Fast" → ["Two-step", "Fast"].
fn parse_types(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

fn base_str(b: DailyLossBase) -> &'static str {
    match b {
        DailyLossBase::InitialBalance => "initial_balance",
        DailyLossBase::DayStartBalance => "day_start_balance",
        DailyLossBase::DayStartEquity => "day_start_equity",
        DailyLossBase::DayStartMax => "day_start_max",
    }
}

fn parse_base(s: &str) -> Option<DailyLossBase> {
    Some(match s {
        "initial_balance" => DailyLossBase::InitialBalance,
        "day_start_balance" => DailyLossBase::DayStartBalance,
        "day_start_equity" => DailyLossBase::DayStartEquity,
        "day_start_max" => DailyLossBase::DayStartMax,
        _ => return None,
    })
}

fn mode_str(m: MaxLossMode) -> &'static str {
    match m {
        MaxLossMode::Static => "static",
        MaxLossMode::Trailing => "trailing",
    }
}

fn parse_mode(s: &str) -> Option<MaxLossMode> {
    match s {
        "static" => Some(MaxLossMode::Static),
        "trailing" => Some(MaxLossMode::Trailing),
        _ => None,
    }
}

const ENVIRONMENTS: &[(&str, &str)] = &[("demo", "prop.env_demo"), ("live", "prop.env_live")];
const BASES: &[(&str, &str)] = &[
    ("initial_balance", "chal.base_initial_balance"),
    ("day_start_balance", "chal.base_day_start_balance"),
    ("day_start_equity", "chal.base_day_start_equity"),
    ("day_start_max", "chal.base_day_start_max"),
];
const MODES: &[(&str, &str)] = &[
    ("static", "chal.mode_static"),
    ("trailing", "chal.mode_trailing"),
];
const SETTLEMENTS: &[(&str, &str)] = &[
    ("daily", "chal.settle_daily"),
    ("weekly", "chal.settle_weekly"),
    ("biweekly", "chal.settle_biweekly"),
    ("monthly", "chal.settle_monthly"),
];
const DISTRIBUTIONS: &[(&str, &str)] = &[
    ("automatic", "chal.dist_automatic"),
    ("manual", "chal.dist_manual"),
];

// ---------------------------------------------------------------------------------------------
// Field paths: where an error belongs, and what to call it
// ---------------------------------------------------------------------------------------------

/// Errors about the challenge as a whole (a terminated challenge, nothing to publish): shown in
/// the form's error box, not beside an input.
const GENERAL_FIELDS: &[&str] = &["challenge", "action", "form", "request"];

/// The DOM id of a field path's input (or of the block that shows its error).
fn dom_id(path: &str) -> String {
    format!("chal-{}", path.replace('.', "-"))
}

/// The step whose panel holds the field.
fn step_of(path: &str) -> u8 {
    match path.split('.').next().unwrap_or_default() {
        "packages" => 2,
        "payment" | "groups" | "pay_from_wallet" | "pay_direct" => 3,
        "challenge" | "action" | "form" | "request" => 4,
        _ => 1,
    }
}

/// The label key of a field path's last part.
fn leaf_key(leaf: &str, in_package: bool, next: Option<&str>) -> Option<&'static str> {
    Some(match (leaf, next) {
        ("name", _) if in_package => "chal.package_name",
        ("name", _) => "chal.name",
        ("details", Some("en")) => "chal.details_en",
        ("details", Some("es")) => "chal.details_es",
        ("types", _) => "chal.types",
        ("time_zone", _) => "chal.time_zone",
        ("starts_at", _) => "chal.starts_at",
        ("cover_url", _) => "chal.cover_url",
        ("poster_url", _) => "chal.poster_url",
        ("details_first", _) => "chal.details_first",
        ("packages", _) => "chal.packages",
        ("key", _) => "chal.package_key",
        ("currency", _) => "appr.currency",
        ("account_size", _) => "prop.account_size",
        ("fee", _) => "prop.fee",
        ("leverage", _) => "prop.leverage",
        ("stages", _) => "chal.stages",
        ("environment", _) => "chal.environment",
        ("period_days", _) => "chal.period_days",
        ("min_trading_days", _) => "chal.min_trading_days",
        ("profit_target", _) => "chal.profit_target",
        ("max_daily_loss", _) => "chal.max_daily_loss",
        ("daily_loss_base", _) => "chal.daily_loss_base",
        ("daily_settlement", _) => "chal.daily_settlement",
        ("max_loss", _) => "chal.max_loss",
        ("max_loss_mode", _) => "chal.max_loss_mode",
        ("max_loss_per_trade", _) => "chal.max_loss_per_trade",
        ("retry_allowed", _) => "chal.retry_allowed",
        ("max_attempts", _) => "chal.max_attempts",
        ("retry_fee", _) => "chal.retry_fee",
        ("profit_share", _) => "chal.profit_share",
        ("settlement", _) => "chal.settlement",
        ("distribution", _) => "chal.distribution",
        ("upgrade_immediately", _) => "chal.upgrade_immediately",
        ("hidden", _) => "chal.hidden",
        ("payment", _) => "chal.payment",
        ("pay_from_wallet", _) => "chal.pay_from_wallet",
        ("pay_direct", _) => "chal.pay_direct",
        ("groups", _) => "chal.groups",
        _ => return None,
    })
}

/// Where a field path points, for people: "Package 1 · Stage 2 · Profit target (%)".
fn path_label(i18n: I18n, path: &str) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    let mut out = Vec::new();
    let mut in_package = false;
    let mut k = 0;
    while k < parts.len() {
        let index = parts.get(k + 1).and_then(|n| n.parse::<usize>().ok());
        match (parts[k], index) {
            ("packages", Some(n)) => {
                out.push(
                    i18n.t("chal.package_n")
                        .replace("{n}", &(n + 1).to_string()),
                );
                in_package = true;
                k += 2;
            }
            ("stages", Some(n)) => {
                out.push(i18n.t("chal.stage_n").replace("{n}", &(n + 1).to_string()));
                k += 2;
            }
            (leaf, _) => {
                let label = leaf_key(leaf, in_package, parts.get(k + 1).copied())
                    .map_or_else(|| leaf.to_string(), |key| i18n.t(key).to_string());
                out.push(label);
                break;
            }
        }
    }
    out.join(" · ")
}

// ---------------------------------------------------------------------------------------------
// The editor's state and inputs
// ---------------------------------------------------------------------------------------------

/// The editor's shared state.
#[derive(Clone, Copy)]
struct Ed {
    def: RwSignal<ChallengeDef>,
    /// Inputs whose text does not parse: field path → error key.
    local: RwSignal<BTreeMap<String, &'static str>>,
    /// The error of the last save or action.
    server: Signal<Option<AppError>>,
    /// Bumped when packages or stages are added or removed: their inputs are built again from
    /// the definition.
    shape: RwSignal<u32>,
}

impl Ed {
    /// The error key to show beside the field: the input's own, else the server's.
    fn code(&self, path: &str) -> Option<String> {
        self.local
            .with(|m| m.get(path).map(|c| c.to_string()))
            .or_else(|| {
                self.server.with(|e| {
                    e.as_ref()
                        .and_then(|e| e.field_code(path))
                        .map(str::to_string)
                })
            })
    }

    fn set_local(&self, path: &str, bad: Option<&'static str>) {
        self.local.maybe_update(|m| match bad {
            Some(code) => m.insert(path.to_string(), code) != Some(code),
            None => m.remove(path).is_some(),
        });
    }

    /// After adding or removing a package or stage: the inputs are rebuilt from the
    /// definition, so texts that did not parse (and their errors) are gone.
    fn reshape(&self) {
        self.local.set(BTreeMap::new());
        self.shape.update(|n| *n += 1);
    }

    /// Every field error (the inputs' own first), as (path, key).
    fn field_errors(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .local
            .with(|m| m.iter().map(|(p, c)| (p.clone(), c.to_string())).collect());
        self.server.with(|e| {
            if let Some(AppError::Invalid(errs)) = e {
                for fe in errs {
                    if !GENERAL_FIELDS.contains(&fe.field.as_str())
                        && !out.iter().any(|(p, _)| *p == fe.field)
                    {
                        out.push((fe.field.clone(), fe.code.clone()));
                    }
                }
            }
        });
        out
    }
}

/// Presentation of a text input.
#[derive(Clone, Copy, Default)]
struct Opts {
    kind: Option<&'static str>,
    inputmode: Option<&'static str>,
    hint: Option<&'static str>,
    placeholder: Option<&'static str>,
    multiline: bool,
    required: bool,
}

const NUMBER: Opts = Opts {
    kind: None,
    inputmode: Some("numeric"),
    hint: None,
    placeholder: None,
    multiline: false,
    required: false,
};
const DECIMAL: Opts = Opts {
    inputmode: Some("decimal"),
    ..NUMBER
};

/// A labelled text input bound to one field of the definition: `apply` writes the parsed text
/// into the definition, or says why it cannot.
fn text_input<F>(
    ed: Ed,
    path: String,
    label: &'static str,
    init: String,
    o: Opts,
    apply: F,
) -> AnyView
where
    F: Fn(&mut ChallengeDef, &str) -> Result<(), &'static str> + Send + Sync + 'static,
{
    let i18n = use_i18n();
    let id = dom_id(&path);
    let err_id = format!("{id}-err");
    let hint_id = format!("{id}-hint");
    let described = if o.hint.is_some() {
        format!("{err_id} {hint_id}")
    } else {
        err_id.clone()
    };
    let code = {
        let path = path.clone();
        Memo::new(move |_| ed.code(&path))
    };
    let on_input = {
        let path = path.clone();
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            let mut bad = None;
            ed.def.maybe_update(|d| match apply(d, &v) {
                Ok(()) => true,
                Err(e) => {
                    bad = Some(e);
                    false
                }
            });
            ed.set_local(&path, bad);
        }
    };
    let placeholder = o.placeholder;
    let input = if o.multiline {
        view! {
            <textarea
                id=id.clone()
                name=path
                rows="5"
                aria-invalid=move || code.get().is_some().to_string()
                aria-describedby=described
                on:input=on_input
            >
                {init}
            </textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                name=path
                type=o.kind.unwrap_or("text")
                value=init
                inputmode=o.inputmode
                placeholder=placeholder
                autocomplete="off"
                required=o.required
                aria-invalid=move || code.get().is_some().to_string()
                aria-describedby=described
                on:input=on_input
            />
        }
        .into_any()
    };
    view! {
        <div class="field" class:has-error=move || code.get().is_some()>
            <label for=id class:is-required=o.required>{move || i18n.t(label)}</label>
            {input}
            {o.hint.map(|h| view! { <span class="hint" id=hint_id>{move || i18n.t(h)}</span> })}
            <span class="field-error" id=err_id role="alert">{move || code.get().map(|c| i18n.t(&c))}</span>
        </div>
    }
    .into_any()
}

/// A labelled select bound to one field. `options` are (value, i18n key), or (value, text)
/// when `keyed` is false.
fn select_input<F>(
    ed: Ed,
    path: String,
    label: &'static str,
    init: String,
    options: Vec<(&'static str, &'static str)>,
    keyed: bool,
    apply: F,
) -> AnyView
where
    F: Fn(&mut ChallengeDef, &str) + Send + Sync + 'static,
{
    let i18n = use_i18n();
    let id = dom_id(&path);
    let err_id = format!("{id}-err");
    let code = {
        let path = path.clone();
        Memo::new(move |_| ed.code(&path))
    };
    view! {
        <div class="field" class:has-error=move || code.get().is_some()>
            <label for=id.clone()>{move || i18n.t(label)}</label>
            <select
                id=id
                name=path
                aria-invalid=move || code.get().is_some().to_string()
                aria-describedby=err_id.clone()
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    ed.def.update(|d| apply(d, &v));
                }
            >
                {options
                    .into_iter()
                    .map(|(v, text)| {
                        view! {
                            <option value=v selected=v == init>
                                {move || if keyed { i18n.t(text) } else { text }}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <span class="field-error" id=err_id role="alert">{move || code.get().map(|c| i18n.t(&c))}</span>
        </div>
    }
    .into_any()
}

/// A checkbox bound to one field.
fn check_input<F>(ed: Ed, path: String, label: &'static str, init: bool, apply: F) -> AnyView
where
    F: Fn(&mut ChallengeDef, bool) + Send + Sync + 'static,
{
    let i18n = use_i18n();
    let id = dom_id(&path);
    let label_for = id.clone();
    view! {
        <label class="checkbox" for=label_for>
            <input
                type="checkbox"
                id=id
                name=path
                checked=init
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    ed.def.update(|d| apply(d, on));
                }
            />
            <span>{move || i18n.t(label)}</span>
        </label>
    }
    .into_any()
}

/// The error shown under a group of inputs (a list, a fieldset).
fn block_error(ed: Ed, path: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class="field-error" role="alert" data-field=path>
            {move || ed.code(path).map(|c| i18n.t(&c))}
        </span>
    }
}

fn package_mut(d: &mut ChallengeDef, i: usize) -> Option<&mut PackageDef> {
    d.packages.get_mut(i)
}

fn stage_mut(d: &mut ChallengeDef, i: usize, j: usize) -> Option<&mut StageDef> {
    d.packages.get_mut(i).and_then(|p| p.stages.get_mut(j))
}

/// The currency of package `i` (amounts are parsed in it).
fn currency_of(d: &ChallengeDef, i: usize) -> Currency {
    d.packages
        .get(i)
        .and_then(|p| money::currency(&p.currency))
        .unwrap_or(CURRENCIES[0])
}

/// A new package: the next free key ("p2") and numbered name, the first package's currency,
/// and the usual two evaluations and a funded stage.
fn new_package(d: &ChallengeDef, name_pattern: &str) -> PackageDef {
    let free = |n: &usize| {
        let key = format!("p{n}");
        let name = name_pattern.replace("{n}", &n.to_string()).to_lowercase();
        !d.packages
            .iter()
            .any(|p| p.key == key || p.name.trim().to_lowercase() == name)
    };
    let n = (d.packages.len() + 1..).find(free).unwrap_or_default();
    let mut p = ChallengeDef::example()
        .packages
        .into_iter()
        .next()
        .unwrap_or_else(|| PackageDef {
            key: String::new(),
            name: String::new(),
            currency: "USD".into(),
            account_size_minor: 1_000_000,
            fee_minor: 0,
            leverage: 100,
            stages: vec![StageDef::demo_default(), StageDef::live_default()],
        });
    p.key = format!("p{n}");
    p.name = name_pattern.replace("{n}", &n.to_string());
    if let Some(first) = d.packages.first() {
        p.currency = first.currency.clone();
    }
    p
}

/// A new evaluation stage, placed before a final live stage (nothing may follow one).
fn add_stage(p: &mut PackageDef) {
    let before_live = p
        .stages
        .last()
        .is_some_and(|s| s.environment == Environment::Live);
    if before_live {
        p.stages
            .insert(p.stages.len() - 1, StageDef::demo_default());
    } else {
        p.stages.push(StageDef::demo_default());
    }
}

/// Scrolls to the field's input and focuses it (after the step showing it is drawn).
#[cfg(feature = "hydrate")]
fn focus_field(path: &str) {
    use wasm_bindgen::JsCast;
    let id = dom_id(path);
    set_timeout(
        move || {
            if let Some(el) = document().get_element_by_id(&id) {
                el.scroll_into_view();
                if let Ok(el) = el.dyn_into::<leptos::web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        },
        std::time::Duration::ZERO,
    );
}

#[cfg(not(feature = "hydrate"))]
fn focus_field(_path: &str) {}

#[cfg(feature = "hydrate")]
fn confirm(text: &str) -> bool {
    window().confirm_with_message(text).unwrap_or(false)
}

#[cfg(not(feature = "hydrate"))]
fn confirm(_text: &str) -> bool {
    true
}

// ---------------------------------------------------------------------------------------------
// The editor page
// ---------------------------------------------------------------------------------------------

/// What the editor's buttons do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Save,
    Publish,
    Discard,
    Duplicate,
    Terminate,
}

impl Op {
    fn done_key(self) -> &'static str {
        match self {
            Op::Save => "chal.done_saved",
            Op::Publish => "chal.done_published",
            Op::Discard => "chal.done_discarded",
            Op::Duplicate => "chal.done_duplicated",
            Op::Terminate => "chal.done_terminated",
        }
    }
}

/// (what, challenge id (0: not saved yet), the definition in the form, whether it has edits
/// not saved).
type OpInput = (Op, i64, ChallengeDef, bool);
type OpAction = Action<OpInput, Result<(Op, i64), AppError>>;

/// Runs an operation; returns the challenge to show next. Publishing saves unsaved edits first,
/// so what is published is what the form shows.
async fn run(op: Op, id: i64, def: ChallengeDef, dirty: bool) -> Result<(Op, i64), AppError> {
    let next = match op {
        Op::Save => save_challenge(id, def).await?,
        Op::Publish => {
            let id = if dirty || id == 0 {
                save_challenge(id, def).await?
            } else {
                id
            };
            challenge_action(id, "publish".into()).await?
        }
        Op::Discard => challenge_action(id, "discard".into()).await?,
        Op::Duplicate => challenge_action(id, "duplicate".into()).await?,
        Op::Terminate => challenge_action(id, "terminate".into()).await?,
    };
    Ok((op, next))
}

const STEPS: [(u8, &str); 4] = [
    (1, "chal.step_basics"),
    (2, "chal.step_packages"),
    (3, "chal.step_payment"),
    (4, "chal.step_review"),
];

#[component]
pub fn ChallengeEditorPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    // "new" is 0 (the template of a new challenge); anything else must be a positive id.
    let id = Memo::new(move |_| {
        params.with(|p| p.get("id")).and_then(|s| {
            if s == "new" {
                Some(0)
            } else {
                s.parse::<i64>().ok().filter(|n| *n > 0)
            }
        })
    });
    let version = RwSignal::new(0u32);
    let edit = Resource::new(
        move || (id.get(), version.get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_challenge_edit(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let step = RwSignal::new(1u8);
    let act: OpAction =
        Action::new(|(op, id, def, dirty): &OpInput| run(*op, *id, def.clone(), *dirty));
    let notice: RwSignal<Option<&'static str>> = RwSignal::new(None);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if act.pending().get() {
            notice.set(None);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok((op, next))) = act.value().get() {
            notice.set(Some(op.done_key()));
            if Some(next) == id.get_untracked() {
                version.update(|v| *v += 1);
            } else {
                navigate(&format!("/admin/challenges/{next}"), Default::default());
            }
        }
    });
    let error = Signal::derive(move || {
        act.value()
            .with(|r| r.as_ref().and_then(|r| r.clone().err()))
    });
    view! {
        <PageHeader title="chal.editor_title" subtitle="chal.editor_sub">
            <a class="btn btn-ghost" href="/admin/challenges">{move || i18n.t("chal.back")}</a>
        </PageHeader>
        <div class="stack chal-editor">
            <Show when=move || notice.get().is_some()>
                <div class="alert alert-success" role="status" data-testid="chal-notice">
                    {move || notice.get().map(|k| i18n.t(k))}
                </div>
            </Show>
            <Transition fallback=loading>
                {move || {
                    edit.get()
                        .map(|r| match r {
                            Ok(e) => view! { <Editor edit=e step act error/> }.into_any(),
                            Err(e) => view! { <div class="form-error" role="alert">{move || i18n.t(e.key())}</div> }.into_any(),
                        })
                }}
            </Transition>
        </div>
    }
}

#[component]
fn Editor(
    edit: ChallengeEdit,
    step: RwSignal<u8>,
    act: OpAction,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = edit.id;
    let status = edit.status.clone();
    let terminated = status == "terminated";
    let published = edit.published.is_some();
    let has_draft = edit.published.as_ref().is_some_and(|p| *p != edit.def);
    let can_terminate = status == "published";
    let never_published = status == "draft";
    let loaded = StoredValue::new(edit.def.clone());
    let def = RwSignal::new(edit.def.clone());
    let ed = Ed {
        def,
        local: RwSignal::new(BTreeMap::new()),
        server: error,
        shape: RwSignal::new(0),
    };
    let dirty = Memo::new(move |_| def.with(|d| loaded.with_value(|l| d != l)));
    let running = Signal::derive(move || {
        if act.pending().get() {
            act.input().with(|i| i.as_ref().map(|x| x.0))
        } else {
            None
        }
    });
    let busy = move || act.pending().get();
    // Texts that do not parse block saving: the definition would silently keep older values.
    let dispatch = move |op: Op| {
        if matches!(op, Op::Save | Op::Publish)
            && let Some(first) = ed.local.with_untracked(|m| m.keys().next().cloned())
        {
            step.set(step_of(&first));
            focus_field(&first);
            return;
        }
        act.dispatch((op, id, def.get_untracked(), dirty.get_untracked()));
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        dispatch(Op::Save);
    };
    let step_errors = move |n: u8| {
        ed.field_errors()
            .iter()
            .filter(|(p, _)| step_of(p) == n)
            .count()
    };
    let general = move || match error.get() {
        None => None,
        Some(AppError::Invalid(errs)) => {
            let g: Vec<&str> = errs
                .iter()
                .filter(|e| GENERAL_FIELDS.contains(&e.field.as_str()))
                .map(|e| i18n.t(&e.code))
                .collect();
            (!g.is_empty()).then(|| g.join(" "))
        }
        Some(e) => Some(i18n.t(e.key()).to_string()),
    };
    let title = move || def.with(|d| d.name.clone());
    let subtitle = move || {
        if id == 0 {
            i18n.t("chal.not_saved").to_string()
        } else {
            format!(
                "#{id} · {}",
                i18n.t("chal.version_n")
                    .replace("{n}", &edit.version.to_string())
            )
        }
    };
    let changes = edit.changes.clone();
    let busy_is = move |op: Op| running.get() == Some(op);
    view! {
        <div class="card chal-head">
            <div class="card-header">
                <div>
                    <h2 class="card-title" data-testid="chal-title">{title}</h2>
                    <span class="muted small">{subtitle}</span>
                </div>
                <div class="cluster">
                    <ChallengeStatus status=status.clone()/>
                    {has_draft.then(|| view! {
                        <span class="badge badge-warn" data-testid="chal-has-draft">{move || i18n.t("chal.unpublished")}</span>
                    })}
                    <Show when=move || dirty.get()>
                        <span class="badge badge-accent" data-testid="chal-dirty">{move || i18n.t("chal.dirty")}</span>
                    </Show>
                </div>
            </div>
            {terminated.then(|| view! {
                <div class="alert alert-warn" role="status">{move || i18n.t("chal.terminated_note")}</div>
            })}
        </div>
        <Show when=move || general().is_some()>
            <div class="form-error" role="alert" data-testid="chal-general-error">{general}</div>
        </Show>
        <ErrorSummary ed step/>
        <div class="tabs chal-steps" role="tablist" aria-label=move || i18n.t("chal.steps")>
            {STEPS
                .into_iter()
                .map(|(n, key)| {
                    view! {
                        <button
                            type="button"
                            role="tab"
                            class="tab"
                            id=format!("chal-tab-{n}")
                            aria-controls=format!("chal-panel-{n}")
                            aria-selected=move || (step.get() == n).to_string()
                            data-testid=format!("chal-step-{n}")
                            on:click=move |_| step.set(n)
                        >
                            <span class="chal-step-num" aria-hidden="true">{n}</span>
                            {move || i18n.t(key)}
                            {move || {
                                let c = step_errors(n);
                                (c > 0).then(|| view! { <span class="badge badge-danger tab-count" data-testid=format!("chal-step-{n}-errors")>{c}</span> })
                            }}
                        </button>
                    }
                })
                .collect_view()}
        </div>
        <form id="chal-form" class="form" on:submit=on_submit novalidate>
            <fieldset class="chal-fieldset" disabled=terminated>
                <section id="chal-panel-1" role="tabpanel" aria-labelledby="chal-tab-1" class="card form" hidden=move || step.get() != 1>
                    <h2 class="card-title">{move || i18n.t("chal.step_basics")}</h2>
                    {basics(ed)}
                </section>
                <section id="chal-panel-2" role="tabpanel" aria-labelledby="chal-tab-2" class="card form" hidden=move || step.get() != 2>
                    <h2 class="card-title">{move || i18n.t("chal.step_packages")}</h2>
                    {packages_panel(ed)}
                </section>
                <section id="chal-panel-3" role="tabpanel" aria-labelledby="chal-tab-3" class="card form" hidden=move || step.get() != 3>
                    <h2 class="card-title">{move || i18n.t("chal.step_payment")}</h2>
                    {payment_panel(ed)}
                </section>
            </fieldset>
            <section id="chal-panel-4" role="tabpanel" aria-labelledby="chal-tab-4" class="card form" hidden=move || step.get() != 4>
                <h2 class="card-title">{move || i18n.t("chal.step_review")}</h2>
                <ChangesList changes published=published id/>
                <Show when=move || dirty.get()>
                    <div class="alert alert-info" role="status" data-testid="chal-unsaved-note">{move || i18n.t("chal.unsaved_edits")}</div>
                </Show>
                <div class="form-actions">
                    <button
                        type="button"
                        class="btn btn-primary"
                        data-testid="chal-publish"
                        class:is-loading=move || busy_is(Op::Publish)
                        disabled=move || {
                            busy() || terminated || !(dirty.get() || never_published || has_draft)
                        }
                        on:click=move |_| dispatch(Op::Publish)
                    >
                        {move || i18n.t("chal.publish")}
                    </button>
                    {(published && has_draft)
                        .then(|| view! {
                            <button
                                type="button"
                                class="btn"
                                data-testid="chal-discard"
                                class:is-loading=move || busy_is(Op::Discard)
                                disabled=busy
                                on:click=move |_| {
                                    if confirm(i18n.t("chal.confirm_discard")) {
                                        dispatch(Op::Discard);
                                    }
                                }
                            >
                                {move || i18n.t("chal.discard")}
                            </button>
                        })}
                    {(id != 0)
                        .then(|| view! {
                            <button
                                type="button"
                                class="btn"
                                data-testid="chal-duplicate"
                                class:is-loading=move || busy_is(Op::Duplicate)
                                disabled=busy
                                on:click=move |_| dispatch(Op::Duplicate)
                            >
                                {move || i18n.t("chal.duplicate")}
                            </button>
                        })}
                    {can_terminate
                        .then(|| view! {
                            <button
                                type="button"
                                class="btn btn-danger"
                                data-testid="chal-terminate"
                                class:is-loading=move || busy_is(Op::Terminate)
                                disabled=busy
                                on:click=move |_| {
                                    if confirm(i18n.t("chal.confirm_terminate")) {
                                        dispatch(Op::Terminate);
                                    }
                                }
                            >
                                {move || i18n.t("chal.terminate")}
                            </button>
                        })}
                </div>
                <p class="hint muted small">{move || i18n.t("chal.publish_hint")}</p>
            </section>
            <div class="card chal-footer">
                <button type="button" class="btn" data-testid="chal-prev" disabled=move || { step.get() <= 1 } on:click=move |_| step.update(|s| *s = s.saturating_sub(1).max(1))>
                    {move || i18n.t("common.prev")}
                </button>
                <button type="button" class="btn" data-testid="chal-next" disabled=move || { step.get() >= 4 } on:click=move |_| step.update(|s| *s = (*s + 1).min(4))>
                    {move || i18n.t("common.next")}
                </button>
                <span class="chal-spacer"></span>
                <button type="submit" class="btn btn-primary" data-testid="chal-save" class:is-loading=move || busy_is(Op::Save) disabled=move || busy() || terminated>
                    {move || i18n.t("chal.save")}
                </button>
            </div>
        </form>
    }
}

/// Every field error, with its message and where it is; a click shows the step and the input.
#[component]
fn ErrorSummary(ed: Ed, step: RwSignal<u8>) -> impl IntoView {
    let i18n = use_i18n();
    let items = Memo::new(move |_| ed.field_errors());
    view! {
        <Show when=move || items.with(|v| !v.is_empty())>
            <div class="form-error chal-summary" role="alert" data-testid="chal-errors">
                <strong>{move || i18n.t("chal.errors_title")}</strong>
                <ul>
                    {move || {
                        items
                            .get()
                            .into_iter()
                            .map(|(path, code)| {
                                let target = path.clone();
                                let to = step_of(&path);
                                let place = path.clone();
                                let field = path.clone();
                                view! {
                                    <li data-field=field>
                                        <button
                                            type="button"
                                            class="chal-linklike"
                                            on:click=move |_| {
                                                step.set(to);
                                                focus_field(&target);
                                            }
                                        >
                                            {move || i18n.t(&code)}
                                        </button>
                                        " — "
                                        <span>{move || path_label(i18n, &place)}</span>
                                        " "
                                        <code class="muted">{path}</code>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
        </Show>
    }
}

/// What saving the draft would change for clients, against the published version.
#[component]
fn ChangesList(changes: Vec<Change>, published: bool, id: i64) -> impl IntoView {
    let i18n = use_i18n();
    if id == 0 {
        return view! { <p class="muted" data-testid="chal-changes-none">{move || i18n.t("chal.not_saved")}</p> }.into_any();
    }
    if !published {
        return view! { <p class="muted" data-testid="chal-changes-none">{move || i18n.t("chal.never_published")}</p> }.into_any();
    }
    if changes.is_empty() {
        return view! { <p class="muted" data-testid="chal-changes-none">{move || i18n.t("chal.changes_none")}</p> }.into_any();
    }
    view! {
        <h3 class="section-title">{move || i18n.t("chal.changes")}</h3>
        <div class="table-wrap">
            <table class="table" data-testid="chal-changes">
                <thead>
                    <tr>
                        <th>{move || i18n.t("chal.field")}</th>
                        <th>{move || i18n.t("chal.before")}</th>
                        <th>{move || i18n.t("chal.after")}</th>
                    </tr>
                </thead>
                <tbody>
                    {changes
                        .into_iter()
                        .map(|c| {
                            let path = c.field.clone();
                            view! {
                                <tr data-field=c.field.clone()>
                                    <td>
                                        <span class="cell-main">{move || path_label(i18n, &path)}</span>
                                        <span class="cell-sub mono">{c.field.clone()}</span>
                                    </td>
                                    <td class="pre-wrap">{c.before}</td>
                                    <td class="pre-wrap">{c.after}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

// ---------------------------------------------------------------------------------------------
// Step 1: basics
// ---------------------------------------------------------------------------------------------

fn basics(ed: Ed) -> impl IntoView {
    let d = ed.def.get_untracked();
    let details = |lang: &str| d.details.get(lang).cloned().unwrap_or_default();
    let set_details = |lang: &'static str| {
        move |d: &mut ChallengeDef, v: &str| -> Result<(), &'static str> {
            if v.trim().is_empty() {
                d.details.remove(lang);
            } else {
                d.details.insert(lang.to_string(), v.to_string());
            }
            Ok(())
        }
    };
    let required = Opts {
        required: true,
        ..Opts::default()
    };
    view! {
        {text_input(ed, "name".into(), "chal.name", d.name.clone(), required, |d, v| {
            d.name = v.to_string();
            Ok(())
        })}
        <div class="form-row">
            {text_input(
                ed,
                "types".into(),
                "chal.types",
                d.types.join(", "),
                Opts { hint: Some("chal.types_hint"), ..Opts::default() },
                |d, v| {
                    d.types = parse_types(v);
                    Ok(())
                },
            )}
            {text_input(
                ed,
                "time_zone".into(),
                "chal.time_zone",
                d.time_zone.clone(),
                Opts { hint: Some("chal.time_zone_hint"), placeholder: Some("Europe/London"), required: true, ..Opts::default() },
                |d, v| {
                    d.time_zone = v.trim().to_string();
                    Ok(())
                },
            )}
        </div>
        <div class="form-row">
            {text_input(
                ed,
                "starts_at".into(),
                "chal.starts_at",
                datetime_text(&d.starts_at),
                Opts { kind: Some("datetime-local"), hint: Some("chal.starts_at_hint"), required: true, ..Opts::default() },
                |d, v| {
                    d.starts_at = parse_datetime(v)?;
                    Ok(())
                },
            )}
            <div></div>
        </div>
        <div class="form-row">
            {text_input(
                ed,
                "cover_url".into(),
                "chal.cover_url",
                d.cover_url.clone(),
                Opts { kind: Some("url"), hint: Some("chal.url_hint"), ..Opts::default() },
                |d, v| {
                    d.cover_url = v.trim().to_string();
                    Ok(())
                },
            )}
            {text_input(
                ed,
                "poster_url".into(),
                "chal.poster_url",
                d.poster_url.clone(),
                Opts { kind: Some("url"), hint: Some("chal.url_hint"), ..Opts::default() },
                |d, v| {
                    d.poster_url = v.trim().to_string();
                    Ok(())
                },
            )}
        </div>
        <div class="form-row">
            {text_input(
                ed,
                "details.en".into(),
                "chal.details_en",
                details("en"),
                Opts { multiline: true, ..Opts::default() },
                set_details("en"),
            )}
            {text_input(
                ed,
                "details.es".into(),
                "chal.details_es",
                details("es"),
                Opts { multiline: true, ..Opts::default() },
                set_details("es"),
            )}
        </div>
        {check_input(ed, "details_first".into(), "chal.details_first", d.details_first, |d, on| {
            d.details_first = on
        })}
    }
}

// ---------------------------------------------------------------------------------------------
// Step 2: packages and stages
// ---------------------------------------------------------------------------------------------

fn packages_panel(ed: Ed) -> impl IntoView {
    let i18n = use_i18n();
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
// Step 3: payment and visibility
// ---------------------------------------------------------------------------------------------

fn payment_panel(ed: Ed) -> impl IntoView {
    let i18n = use_i18n();
    let (pay_from_wallet, pay_direct, chosen) = ed
        .def
        .with_untracked(|d| (d.pay_from_wallet, d.pay_direct, d.groups.clone()));
    let groups = Resource::new(|| (), |_| list_groups());
    let payment_error = move || ed.code("payment").is_some();
    let groups_error = move || ed.code("groups").is_some();
    let toggle = move |gid: i64, on: bool| {
        ed.def.update(|d| {
            d.groups.retain(|g| *g != gid);
            if on {
                d.groups.push(gid);
                d.groups.sort_unstable();
            }
        });
    };
    let group_check = move |gid: i64, name: String| {
        let id = dom_id(&format!("groups.{gid}"));
        let init = ed.def.with_untracked(|d| d.groups.contains(&gid));
        let label_for = id.clone();
        view! {
            <label class="checkbox" for=label_for>
                <input
                    type="checkbox"
                    id=id
                    name="groups"
                    value=gid.to_string()
                    checked=init
                    prop:checked=move || ed.def.with(|d| d.groups.contains(&gid))
                    on:change=move |ev| toggle(gid, event_target_checked(&ev))
                />
                <span>{name}</span>
            </label>
        }
    };
    view! {
        <fieldset class="field chal-group" id=dom_id("payment") class:has-error=payment_error>
            <legend>{move || i18n.t("chal.payment")}</legend>
            <div class="checkbox-grid">
                {check_input(ed, "pay_from_wallet".into(), "chal.pay_from_wallet", pay_from_wallet, |d, on| d.pay_from_wallet = on)}
                {check_input(ed, "pay_direct".into(), "chal.pay_direct", pay_direct, |d, on| d.pay_direct = on)}
            </div>
            {block_error(ed, "payment")}
        </fieldset>
        <fieldset class="field chal-group" id=dom_id("groups") class:has-error=groups_error>
            <legend>{move || i18n.t("chal.groups")}</legend>
            <p class="hint">{move || i18n.t("chal.groups_hint")}</p>
            <Transition fallback=loading>
                {move || {
                    groups
                        .get()
                        .map(|r| match r {
                            Ok(list) => {
                                // Groups the definition names that no longer exist can still be
                                // unchecked.
                                let known: Vec<i64> = list.iter().map(|g| g.id).collect();
                                let gone: Vec<i64> = chosen
                                    .iter()
                                    .copied()
                                    .filter(|g| !known.contains(g))
                                    .collect();
                                view! {
                                    <div class="checkbox-grid" data-testid="chal-groups">
                                        {list.into_iter().map(|g| group_check(g.id, g.name)).collect_view()}
                                        {gone.into_iter().map(|g| group_check(g, format!("#{g}"))).collect_view()}
                                    </div>
                                }
                                    .into_any()
                            }
                            Err(_) => {
                                let ids = chosen.clone();
                                view! {
                                    <p class="muted" data-testid="chal-groups-unavailable">
                                        {move || {
                                            let list = if ids.is_empty() {
                                                i18n.t("settings.all_groups").to_string()
                                            } else {
                                                ids.iter().map(|g| format!("#{g}")).collect::<Vec<_>>().join(", ")
                                            };
                                            i18n.t("chal.groups_unavailable").replace("{groups}", &list)
                                        }}
                                    </p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
            {block_error(ed, "groups")}
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_are_typed_as_percent_and_kept_in_basis_points() {
        assert_eq!(parse_pct("8"), Ok(Some(800)));
        assert_eq!(parse_pct(" 8.5 "), Ok(Some(850)));
        assert_eq!(parse_pct("8.25%"), Ok(Some(825)));
        assert_eq!(parse_pct(""), Ok(None));
        assert_eq!(parse_pct("8.125"), Err("chal.invalid_percent"));
        assert_eq!(parse_pct("-1"), Err("chal.invalid_percent"));
        assert_eq!(parse_pct("abc"), Err("chal.invalid_percent"));
        assert_eq!(pct_text(Some(850)), "8.5");
        assert_eq!(pct_text(Some(800)), "8");
        assert_eq!(pct_text(None), "");
    }

    #[test]
    fn amounts_fees_and_trade_limits() {
        let usd = CURRENCIES[0];
        assert_eq!(parse_fee("0", usd), Ok(0));
        assert_eq!(parse_fee("0.00", usd), Ok(0));
        assert_eq!(parse_fee("99.5", usd), Ok(9_950));
        assert_eq!(parse_fee("", usd), Err("err.required"));
        assert_eq!(parse_fee("x", usd), Err("err.amount_invalid"));
        assert_eq!(
            parse_trade_loss("250", usd),
            Ok(Some(TradeLossLimit::Amount(25_000)))
        );
        assert_eq!(
            parse_trade_loss("1.5%", usd),
            Ok(Some(TradeLossLimit::Bps(150)))
        );
        assert_eq!(parse_trade_loss(" ", usd), Ok(None));
        assert_eq!(parse_trade_loss("%", usd), Err("chal.invalid_trade_loss"));
        assert_eq!(parse_trade_loss("abc", usd), Err("chal.invalid_trade_loss"));
        assert_eq!(trade_loss_text(Some(TradeLossLimit::Bps(150)), usd), "1.5%");
        assert_eq!(
            trade_loss_text(Some(TradeLossLimit::Amount(25_000)), usd),
            "250.00"
        );
    }

    #[test]
    fn dates_types_and_numbers() {
        let t = parse_datetime("2026-03-01T09:30").unwrap();
        assert_eq!(datetime_text(&t), "2026-03-01T09:30");
        let t = parse_datetime("2026-03-01T09:30:15").unwrap();
        assert_eq!(datetime_text(&t), "2026-03-01T09:30:15");
        assert_eq!(parse_datetime(""), Err("err.required"));
        assert_eq!(parse_datetime("soon"), Err("chal.invalid_datetime"));
        assert_eq!(parse_types(" Two-step, ,Fast "), vec!["Two-step", "Fast"]);
        assert_eq!(parse_opt_u32(""), Ok(None));
        assert_eq!(parse_opt_u32("30"), Ok(Some(30)));
        assert_eq!(parse_u32("x"), Err("chal.invalid_number"));
    }

    #[test]
    fn enum_names_round_trip() {
        for (v, _) in BASES {
            assert_eq!(parse_base(v).map(base_str), Some(*v));
        }
        for (v, _) in MODES {
            assert_eq!(parse_mode(v).map(mode_str), Some(*v));
        }
        for (v, _) in ENVIRONMENTS {
            assert!(Environment::parse(v).is_some());
        }
        for (v, _) in SETTLEMENTS {
            assert!(SettlementFrequency::parse(v).is_some());
        }
        for (v, _) in DISTRIBUTIONS {
            assert!(Distribution::parse(v).is_some());
        }
    }

    #[test]
    fn field_paths_find_their_step() {
        assert_eq!(step_of("name"), 1);
        assert_eq!(step_of("details.en"), 1);
        assert_eq!(step_of("packages.0.stages.1.profit_target"), 2);
        assert_eq!(step_of("payment"), 3);
        assert_eq!(step_of("groups"), 3);
        assert_eq!(dom_id("packages.0.fee"), "chal-packages-0-fee");
    }

    #[test]
    fn new_packages_and_stages_fit_the_rules() {
        let mut d = ChallengeDef::example();
        let p = new_package(&d, "Package {n}");
        assert_eq!(p.key, "p2");
        assert_eq!(p.name, "Package 2");
        d.packages.push(p);
        add_stage(&mut d.packages[1]);
        assert_eq!(d.packages[1].stages.len(), 4);
        assert_eq!(
            d.packages[1].stages.last().map(|s| s.environment),
            Some(Environment::Live)
        );
        assert_eq!(d.validate(), Ok(()));
    }
}
