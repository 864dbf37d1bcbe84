//! The editor's shared parts: field paths and their labels, the state every input writes to,
//! and the inputs.
use crate::domain::challenge::{ChallengeDef, Environment, PackageDef, StageDef};
use crate::domain::money::{self, CURRENCIES, Currency};
use crate::error::AppError;
use crate::i18n::{I18n, use_i18n};
use leptos::prelude::*;
use std::collections::BTreeMap;

pub(super) const ENVIRONMENTS: &[(&str, &str)] =
    &[("demo", "prop.env_demo"), ("live", "prop.env_live")];
pub(super) const BASES: &[(&str, &str)] = &[
    ("initial_balance", "chal.base_initial_balance"),
    ("day_start_balance", "chal.base_day_start_balance"),
    ("day_start_equity", "chal.base_day_start_equity"),
    ("day_start_max", "chal.base_day_start_max"),
];
pub(super) const MODES: &[(&str, &str)] = &[
    ("static", "chal.mode_static"),
    ("trailing", "chal.mode_trailing"),
];
pub(super) const SETTLEMENTS: &[(&str, &str)] = &[
    ("daily", "chal.settle_daily"),
    ("weekly", "chal.settle_weekly"),
    ("biweekly", "chal.settle_biweekly"),
    ("monthly", "chal.settle_monthly"),
];
pub(super) const DISTRIBUTIONS: &[(&str, &str)] = &[
    ("automatic", "chal.dist_automatic"),
    ("manual", "chal.dist_manual"),
];

/// Errors about the challenge as a whole (a terminated challenge, nothing to publish): shown in
/// the form's error box, not beside an input.
pub(super) const GENERAL_FIELDS: &[&str] = &["challenge", "action", "form", "request"];

/// The DOM id of a field path's input (or of the block that shows its error).
pub(super) fn dom_id(path: &str) -> String {
    format!("chal-{}", path.replace('.', "-"))
}

/// The step whose panel holds the field.
pub(super) fn step_of(path: &str) -> u8 {
    match path.split('.').next().unwrap_or_default() {
        "packages" => 2,
        "payment" | "groups" | "pay_from_wallet" | "pay_direct" | "commissions" => 3,
        "challenge" | "action" | "form" | "request" => 4,
        _ => 1,
    }
}

/// The label key of a field path's last part.
pub(super) fn leaf_key(leaf: &str, in_package: bool, next: Option<&str>) -> Option<&'static str> {
    Some(match (leaf, next) {
        ("name", _) if in_package => "chal.package_name",
        ("name", _) => "chal.name",
        ("details", Some("en")) => "chal.details_en",
        ("details", Some("es")) => "chal.details_es",
        ("types", _) => "chal.types",
        ("time_zone", _) => "chal.time_zone",
        ("day_ends_at", _) => "chal.day_ends_at",
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
        ("server_id", _) => "chal.server",
        ("account_group", _) => "chal.account_group",
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
        ("referrer_share", _) => "chal.referrer_share",
        ("commissions", _) => "chal.commissions",
        ("levels", _) => "chal.commission_levels",
        ("tiers", _) => "chal.commission_tiers",
        ("rank_set", _) => "chal.rank_set",
        ("overriding", _) => "chal.overriding",
        ("same_rank", _) => "chal.same_rank",
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
pub(super) fn path_label(i18n: I18n, path: &str) -> String {
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

/// The editor's shared state.
#[derive(Clone, Copy)]
pub(super) struct Ed {
    pub(super) def: RwSignal<ChallengeDef>,
    /// Inputs whose text does not parse: field path → error key.
    pub(super) local: RwSignal<BTreeMap<String, &'static str>>,
    /// The error of the last save or action.
    pub(super) server: Signal<Option<AppError>>,
    /// Bumped when packages or stages are added or removed: their inputs are built again from
    /// the definition.
    pub(super) shape: RwSignal<u32>,
}

impl Ed {
    /// The error key to show beside the field: the input's own, else the server's.
    pub(super) fn code(&self, path: &str) -> Option<String> {
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

    pub(super) fn set_local(&self, path: &str, bad: Option<&'static str>) {
        self.local.maybe_update(|m| match bad {
            Some(code) => m.insert(path.to_string(), code) != Some(code),
            None => m.remove(path).is_some(),
        });
    }

    /// After adding or removing a package or stage: the inputs are rebuilt from the
    /// definition, so texts that did not parse (and their errors) are gone.
    pub(super) fn reshape(&self) {
        self.local.set(BTreeMap::new());
        self.shape.update(|n| *n += 1);
    }

    /// Every field error (the inputs' own first), as (path, key).
    pub(super) fn field_errors(&self) -> Vec<(String, String)> {
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
pub(super) struct Opts {
    pub(super) kind: Option<&'static str>,
    pub(super) inputmode: Option<&'static str>,
    pub(super) hint: Option<&'static str>,
    pub(super) placeholder: Option<&'static str>,
    pub(super) multiline: bool,
    pub(super) required: bool,
}

pub(super) const NUMBER: Opts = Opts {
    kind: None,
    inputmode: Some("numeric"),
    hint: None,
    placeholder: None,
    multiline: false,
    required: false,
};
pub(super) const DECIMAL: Opts = Opts {
    inputmode: Some("decimal"),
    ..NUMBER
};

/// A labelled text input bound to one field of the definition: `apply` writes the parsed text
/// into the definition, or says why it cannot.
pub(super) fn text_input<F>(
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
pub(super) fn select_input<F>(
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
pub(super) fn check_input<F>(
    ed: Ed,
    path: String,
    label: &'static str,
    init: bool,
    apply: F,
) -> AnyView
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
pub(super) fn block_error(ed: Ed, path: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class="field-error" role="alert" data-field=path>
            {move || ed.code(path).map(|c| i18n.t(&c))}
        </span>
    }
}

pub(super) fn package_mut(d: &mut ChallengeDef, i: usize) -> Option<&mut PackageDef> {
    d.packages.get_mut(i)
}

pub(super) fn stage_mut(d: &mut ChallengeDef, i: usize, j: usize) -> Option<&mut StageDef> {
    d.packages.get_mut(i).and_then(|p| p.stages.get_mut(j))
}

/// The currency of package `i` (amounts are parsed in it).
pub(super) fn currency_of(d: &ChallengeDef, i: usize) -> Currency {
    d.packages
        .get(i)
        .and_then(|p| money::currency(&p.currency))
        .unwrap_or(CURRENCIES[0])
}

/// A new package: the next free key ("p2") and numbered name, the first package's currency,
/// and the usual two evaluations and a funded stage.
pub(super) fn new_package(d: &ChallengeDef, name_pattern: &str) -> PackageDef {
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
pub(super) fn add_stage(p: &mut PackageDef) {
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
pub(super) fn focus_field(path: &str) {
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
pub(super) fn focus_field(_path: &str) {}

#[cfg(feature = "hydrate")]
pub(super) fn confirm(text: &str) -> bool {
    window().confirm_with_message(text).unwrap_or(false)
}

#[cfg(not(feature = "hydrate"))]
pub(super) fn confirm(_text: &str) -> bool {
    true
}
