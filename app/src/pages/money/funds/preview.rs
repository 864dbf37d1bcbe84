//! What a method costs and allows, previewed as the client types an amount (the server
//! computes the real figures).
use crate::domain::bps::Bps;
use crate::domain::money;
use crate::i18n::{I18n, use_i18n};
use crate::model::MethodDto;
use crate::ui::money as fmt_money;
use leptos::prelude::*;

pub(super) fn currency_of(code: &str) -> money::Currency {
    money::currency(code).unwrap_or(money::Currency {
        code: "",
        exponent: 2,
    })
}

/// Minor units of a decimal text, or None when it is empty, zero or not a number.
pub(super) fn minor_of(text: &str, cur: money::Currency) -> Option<i64> {
    money::parse_amount(text, cur).ok()
}

/// "1.5% + 0.50 USD (at most 20.00 USD)", or "No fee".
pub(super) fn fee_text(i18n: I18n, m: &MethodDto) -> String {
    let cur = currency_of(&m.currency);
    let mut parts = Vec::new();
    if m.fee_bps > 0 {
        parts.push(Bps(m.fee_bps).to_string());
    }
    if minor_of(&m.fee_fixed, cur).is_some() {
        parts.push(fmt_money(&m.fee_fixed, &m.currency));
    }
    if parts.is_empty() {
        return i18n.t("funds.no_fee").to_string();
    }
    let mut text = parts.join(" + ");
    if minor_of(&m.fee_cap, cur).is_some() {
        text.push(' ');
        text.push_str(
            &i18n
                .t("funds.fee_cap")
                .replace("{cap}", &fmt_money(&m.fee_cap, &m.currency)),
        );
    }
    text
}

/// "10.00 – 5000.00 USD", "From 10.00 USD", "Up to 5000.00 USD" or "No limits".
pub(super) fn limits_text(i18n: I18n, m: &MethodDto) -> String {
    let (min, max) = (m.min.trim(), m.max.trim());
    match (min.is_empty(), max.is_empty()) {
        (true, true) => i18n.t("funds.no_limits").to_string(),
        (false, true) => i18n
            .t("funds.limit_min")
            .replace("{min}", &fmt_money(min, &m.currency)),
        (true, false) => i18n
            .t("funds.limit_max")
            .replace("{max}", &fmt_money(max, &m.currency)),
        (false, false) => format!("{min} – {}", fmt_money(max, &m.currency)),
    }
}

/// The option text of a method: name, currency, limits and fee.
pub(super) fn method_option(i18n: I18n, m: &MethodDto) -> String {
    format!(
        "{} · {} · {} · {}",
        m.name,
        m.currency,
        limits_text(i18n, m),
        fee_text(i18n, m)
    )
}

/// The fee and what remains of an amount, with limit warnings.
#[derive(Clone, PartialEq)]
pub(super) struct FeePreview {
    pub(super) fee: String,
    pub(super) net: String,
    pub(super) net_positive: bool,
    pub(super) below_min: bool,
    pub(super) above_max: bool,
}

pub(super) fn preview(m: &MethodDto, amount: &str) -> Option<FeePreview> {
    let cur = currency_of(&m.currency);
    let amount = minor_of(amount, cur)?;
    let fixed = minor_of(&m.fee_fixed, cur).unwrap_or(0);
    let cap = minor_of(&m.fee_cap, cur).unwrap_or(0);
    let fee = money::fee_minor(amount, m.fee_bps, fixed, cap);
    let net = amount - fee;
    Some(FeePreview {
        fee: fmt_money(&money::format(fee, cur), &m.currency),
        net: fmt_money(&money::format(net, cur), &m.currency),
        net_positive: net > 0,
        below_min: minor_of(&m.min, cur).is_some_and(|min| amount < min),
        above_max: minor_of(&m.max, cur).is_some_and(|max| amount > max),
    })
}

/// The facts of a method beside its form: currency, limits, fee, processing and instructions.
#[component]
pub(super) fn MethodInfo(
    #[prop(into)] method: Signal<Option<MethodDto>>,
    deposit: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        method.get().map(|m| {
            let processing = if m.is_online() {
                "funds.processing_online"
            } else if deposit {
                "funds.processing_review"
            } else {
                "funds.processing_payout"
            };
            let instructions = m.instructions.trim().to_string();
            let m2 = m.clone();
            let m3 = m.clone();
            view! {
                <aside class="method-info" aria-live="polite" data-testid="method-info">
                    <h3>{m.name.clone()}</h3>
                    <dl class="kv">
                        <div>
                            <dt>{move || i18n.t("funds.currency")}</dt>
                            <dd>{m.currency.clone()}</dd>
                        </div>
                        <div>
                            <dt>{move || i18n.t("funds.limits")}</dt>
                            <dd>{move || limits_text(i18n, &m2)}</dd>
                        </div>
                        <div>
                            <dt>{move || i18n.t("funds.fee")}</dt>
                            <dd>{move || fee_text(i18n, &m3)}</dd>
                        </div>
                        <div>
                            <dt>{move || i18n.t("funds.processing")}</dt>
                            <dd>{move || i18n.t(processing)}</dd>
                        </div>
                    </dl>
                    {(!instructions.is_empty())
                        .then(|| {
                            view! {
                                <div class="instructions" data-testid="method-instructions">
                                    <h4>{move || i18n.t("funds.instructions")}</h4>
                                    <p>{instructions}</p>
                                </div>
                            }
                        })}
                </aside>
            }
        })
    }
}

/// Fee, net amount and limit warnings for the amount being typed.
#[component]
pub(super) fn FeeSummary(
    #[prop(into)] method: Signal<Option<MethodDto>>,
    amount: RwSignal<String>,
    /// The i18n key of the net line ("Credited to your wallet", "You receive").
    net_label: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let calc = Memo::new(move |_| method.get().and_then(|m| preview(&m, &amount.get())));
    move || {
        calc.get().map(|p| {
            view! {
                <dl class="kv fee-summary" aria-live="polite" data-testid="fee-summary">
                    <div>
                        <dt>{move || i18n.t("funds.fee")}</dt>
                        <dd data-testid="fee-amount">{p.fee.clone()}</dd>
                    </div>
                    <div class="is-total">
                        <dt>{move || i18n.t(net_label)}</dt>
                        <dd data-testid="net-amount">{if p.net_positive { p.net.clone() } else { "—".to_string() }}</dd>
                    </div>
                </dl>
                {p.below_min.then(|| view! { <p class="text-warn funds-note">{move || i18n.t("funds.below_min")}</p> })}
                {p.above_max.then(|| view! { <p class="text-warn funds-note">{move || i18n.t("funds.above_max")}</p> })}
                {(!p.net_positive).then(|| view! { <p class="text-warn funds-note">{move || i18n.t("funds.fee_exceeds")}</p> })}
            }
        })
    }
}

pub(super) fn method_options(
    i18n: I18n,
    methods: StoredValue<Vec<MethodDto>>,
) -> Signal<Vec<(String, String)>> {
    Signal::derive(move || {
        methods.with_value(|ms| {
            ms.iter()
                .map(|m| (m.id.to_string(), method_option(i18n, m)))
                .collect()
        })
    })
}
