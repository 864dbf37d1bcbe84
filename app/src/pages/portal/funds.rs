//! The client's funds: wallets, deposits (offline with a receipt, or online through the test
//! payment provider), withdrawals to saved destinations, transfers, and the destinations
//! themselves. Also the small helpers the other money pages share (status badges, labels).
use crate::api::funds::{
    AddDestination, Deposit, RemoveDestination, Transfer, Withdraw, get_funds_overview,
    quote_transfer,
};
use crate::domain::money;
use crate::error::AppError;
use crate::i18n::{I18n, use_i18n};
use crate::model::{DestinationDto, FundsOverview, MethodDto, RequestRow, UploadDto, WalletDto};
use crate::pages::PageHeader;
use crate::ui::form::{FileField, FormProblem, SelectField, Submit, TextField, last_error, tlabel};
use crate::ui::{money as fmt_money, new_idempotency_key};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use rust_decimal::Decimal;

// ---------------------------------------------------------------------------------------------
// Shared pieces (also used by the requests, transactions, payment, KYC and profile pages)
// ---------------------------------------------------------------------------------------------

/// The translation of a computed key (`appr.kind_deposit`), or `fallback` when there is none.
pub(crate) fn label_or(i18n: I18n, key: &str, fallback: &str) -> String {
    let t = i18n.t(key);
    if t == key {
        fallback.to_string()
    } else {
        t.to_string()
    }
}

/// The badge classes of a request, KYC or payment status.
pub(crate) fn status_class(status: &str) -> &'static str {
    match status {
        "approved" | "success" => "badge badge-success",
        "pending" | "resubmitted" => "badge badge-warn",
        "rejected" | "failed" => "badge badge-danger",
        _ => "badge badge-muted",
    }
}

/// A one-line description of a request's money ("100.00 USD"), if it has any.
pub(crate) fn request_amount(r: &RequestRow) -> String {
    match (&r.amount, &r.currency) {
        (Some(a), Some(c)) => fmt_money(a, c),
        (Some(a), None) => a.clone(),
        _ => String::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Money arithmetic for the forms' previews (the server computes the real figures)
// ---------------------------------------------------------------------------------------------

fn currency_of(code: &str) -> money::Currency {
    money::currency(code).unwrap_or(money::Currency {
        code: "",
        exponent: 2,
    })
}

/// Minor units of a decimal text, or None when it is empty, zero or not a number.
fn minor_of(text: &str, cur: money::Currency) -> Option<i64> {
    money::parse_amount(text, cur).ok()
}

/// "1.5% + 0.50 USD (at most 20.00 USD)", or "No fee".
fn fee_text(i18n: I18n, m: &MethodDto) -> String {
    let cur = currency_of(&m.currency);
    let mut parts = Vec::new();
    if m.fee_bps > 0 {
        parts.push(format!("{}%", Decimal::new(m.fee_bps, 2).normalize()));
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
fn limits_text(i18n: I18n, m: &MethodDto) -> String {
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
fn method_option(i18n: I18n, m: &MethodDto) -> String {
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
struct FeePreview {
    fee: String,
    net: String,
    net_positive: bool,
    below_min: bool,
    above_max: bool,
}

fn preview(m: &MethodDto, amount: &str) -> Option<FeePreview> {
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

// ---------------------------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tab {
    Deposit,
    Withdraw,
    Transfer,
    Destinations,
}

impl Tab {
    const ALL: [Tab; 4] = [
        Tab::Deposit,
        Tab::Withdraw,
        Tab::Transfer,
        Tab::Destinations,
    ];

    fn slug(self) -> &'static str {
        match self {
            Tab::Deposit => "deposit",
            Tab::Withdraw => "withdraw",
            Tab::Transfer => "transfer",
            Tab::Destinations => "destinations",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Tab::Deposit => "funds.tab_deposit",
            Tab::Withdraw => "funds.tab_withdraw",
            Tab::Transfer => "funds.tab_transfer",
            Tab::Destinations => "funds.tab_destinations",
        }
    }

    /// The KYC policy action behind the tab.
    fn action(self) -> Option<&'static str> {
        match self {
            Tab::Deposit => Some("deposit"),
            Tab::Withdraw => Some("withdrawal"),
            Tab::Transfer => Some("transfer"),
            Tab::Destinations => None,
        }
    }

    fn parse(s: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.slug() == s)
    }
}

/// A success message shown above the tabs; it survives the overview's reload.
#[derive(Clone, PartialEq)]
struct Flash {
    /// An i18n key with `{id}` and `{amount}` placeholders.
    key: &'static str,
    row: Option<RequestRow>,
}

/// What the page's parts share: the open tab, the success message and a way to reload.
#[derive(Clone, Copy)]
struct FundsCtx {
    tab: RwSignal<Tab>,
    flash: RwSignal<Option<Flash>>,
    version: RwSignal<u32>,
}

impl FundsCtx {
    fn done(&self, key: &'static str, row: Option<RequestRow>) {
        self.flash.set(Some(Flash { key, row }));
        self.version.update(|v| *v += 1);
    }
}

/// The flash key for a new request, by its kind and whether it was decided at once.
fn request_flash(kind: &str, row: &RequestRow) -> &'static str {
    let approved = row.status == "approved";
    match (kind, approved) {
        ("deposit", true) => "funds.deposit_approved",
        ("deposit", false) => "funds.deposit_submitted",
        ("withdrawal", true) => "funds.withdrawal_approved",
        ("withdrawal", false) => "funds.withdrawal_submitted",
        (_, true) => "funds.transfer_done",
        (_, false) => "funds.transfer_submitted",
    }
}

#[component]
pub fn FundsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let initial = query
        .with_untracked(|q| q.get("tab").and_then(|t| Tab::parse(&t)))
        .unwrap_or(Tab::Deposit);
    let ctx = FundsCtx {
        tab: RwSignal::new(initial),
        flash: RwSignal::new(None),
        version: RwSignal::new(0),
    };
    let overview = Resource::new(move || ctx.version.get(), |_| get_funds_overview());
    view! {
        <PageHeader title="nav.funds" subtitle="funds.subtitle">
            <a class="btn" href="/transactions">{move || i18n.t("nav.transactions")}</a>
            <a class="btn" href="/requests">{move || i18n.t("nav.requests")}</a>
        </PageHeader>
        <Transition fallback=|| view! { <div class="spinner"></div> }>
            {move || {
                overview
                    .get()
                    .map(|r| match r {
                        Ok(o) => view! { <Funds o ctx/> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{move || i18n.t(e.key())}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn Funds(o: FundsOverview, ctx: FundsCtx) -> impl IntoView {
    let i18n = use_i18n();
    let blocked = StoredValue::new(o.kyc_blocked.clone());
    let data = StoredValue::new(o.clone());
    let flash = move || {
        ctx.flash.get().map(|f| {
            let key = f.key;
            let has_row = f.row.is_some();
            let (id, amount) = f
                .row
                .as_ref()
                .map(|r| (r.id.to_string(), request_amount(r)))
                .unwrap_or_default();
            view! {
                <div class="alert alert-success funds-flash" role="status" data-testid="funds-flash">
                    <span>
                        {move || i18n.t(key).replace("{id}", &id).replace("{amount}", &amount)} " "
                        {has_row.then(|| view! { <a href="/requests">{move || i18n.t("funds.see_requests")}</a> })}
                    </span>
                    <button
                        type="button"
                        class="btn btn-sm btn-ghost"
                        aria-label=move || i18n.t("funds.dismiss")
                        on:click=move |_| ctx.flash.set(None)
                    >
                        "×"
                    </button>
                </div>
            }
        })
    };
    let kyc_notice = (!o.kyc_blocked.is_empty()).then(|| {
        view! {
            <div class="alert alert-warn" role="note" data-testid="kyc-notice">
                <strong>{move || i18n.t("funds.kyc_notice_title")}</strong>
                <span>
                    {move || {
                        let actions: Vec<String> = blocked
                            .with_value(|b| b.iter().map(|a| label_or(i18n, &format!("kyc.action_{a}"), a)).collect());
                        i18n.t("funds.kyc_notice").replace("{actions}", &actions.join(", "))
                    }} " "
                    <a href="/kyc">{move || i18n.t("funds.kyc_link")}</a>
                </span>
            </div>
        }
    });
    let panel = move || {
        let o = data.get_value();
        let tab = ctx.tab.get();
        let is_blocked = tab
            .action()
            .is_some_and(|a| o.kyc_blocked.iter().any(|b| b == a));
        let notice = is_blocked.then(|| {
            view! {
                <div class="alert alert-warn" role="note">
                    <span>
                        {move || i18n.t("funds.tab_blocked")} " "
                        <a href="/kyc">{move || i18n.t("funds.kyc_link")}</a>
                    </span>
                </div>
            }
        });
        let body = match tab {
            Tab::Deposit => view! { <DepositPanel methods=o.deposit_methods ctx/> }.into_any(),
            Tab::Withdraw => {
                view! { <WithdrawPanel methods=o.withdrawal_methods destinations=o.destinations wallets=o.wallets ctx/> }
                    .into_any()
            }
            Tab::Transfer => {
                view! { <TransferPanel wallets=o.wallets third_party=o.third_party_transfers ctx/> }.into_any()
            }
            Tab::Destinations => view! { <DestinationsPanel destinations=o.destinations ctx/> }.into_any(),
        };
        view! {
            {notice}
            {body}
        }
    };
    view! {
        <div class="stack funds">
            {flash}
            {kyc_notice}
            <section aria-label=move || i18n.t("funds.wallets")>
                <Wallets wallets=o.wallets/>
            </section>
            <div class="card">
                <div class="tabs" role="tablist" aria-label=move || i18n.t("nav.funds")>
                    {Tab::ALL
                        .into_iter()
                        .map(|t| {
                            view! {
                                <button
                                    type="button"
                                    role="tab"
                                    class="tab"
                                    id=format!("tab-{}", t.slug())
                                    aria-controls="funds-panel"
                                    aria-selected=move || (ctx.tab.get() == t).to_string()
                                    class:is-active=move || ctx.tab.get() == t
                                    on:click=move |_| {
                                        if ctx.tab.get_untracked() != t {
                                            ctx.flash.set(None);
                                            ctx.tab.set(t);
                                        }
                                    }
                                >
                                    {move || i18n.t(t.label())}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
                <div
                    class="stack"
                    role="tabpanel"
                    id="funds-panel"
                    aria-labelledby=move || format!("tab-{}", ctx.tab.get().slug())
                >
                    {panel}
                </div>
            </div>
        </div>
    }
}

#[component]
fn Wallets(wallets: Vec<WalletDto>) -> impl IntoView {
    let i18n = use_i18n();
    if wallets.is_empty() {
        return view! {
            <div class="card">
                <p class="empty">{move || i18n.t("funds.no_wallets")}</p>
            </div>
        }
        .into_any();
    }
    view! {
        <div class="grid-cards wallets">
            {wallets
                .into_iter()
                .map(|w| {
                    let cur = w.currency.clone();
                    let tid = move |part: &str| format!("wallet-{cur}-{part}");
                    view! {
                        <div class="card wallet-card" data-testid=format!("wallet-{}", w.currency)>
                            <div class="wallet-head">
                                <span class="wallet-cur">{w.currency.clone()}</span>
                                <span class="muted">{move || i18n.t("funds.wallet")}</span>
                            </div>
                            <div class="stat">
                                <span class="stat-label">{move || i18n.t("funds.balance")}</span>
                                <span class="stat-value" data-testid=tid("balance")>{fmt_money(&w.balance, &w.currency)}</span>
                            </div>
                            <dl class="wallet-split">
                                <div>
                                    <dt>{move || i18n.t("funds.available")}</dt>
                                    <dd data-testid=tid("available")>{fmt_money(&w.available, &w.currency)}</dd>
                                </div>
                                <div>
                                    <dt>{move || i18n.t("funds.held")}</dt>
                                    <dd data-testid=tid("held")>{fmt_money(&w.held, &w.currency)}</dd>
                                </div>
                            </dl>
                        </div>
                    }
                })
                .collect_view()}
        </div>
    }
        .into_any()
}

/// The facts of a method beside its form: currency, limits, fee, processing and instructions.
#[component]
fn MethodInfo(#[prop(into)] method: Signal<Option<MethodDto>>, deposit: bool) -> impl IntoView {
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
fn FeeSummary(
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

fn method_options(
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

#[component]
fn DepositPanel(methods: Vec<MethodDto>, ctx: FundsCtx) -> impl IntoView {
    let i18n = use_i18n();
    if methods.is_empty() {
        return view! { <p class="empty">{move || i18n.t("funds.no_deposit_methods")}</p> }
            .into_any();
    }
    let navigate = use_navigate();
    let method_id = RwSignal::new(methods[0].id.to_string());
    let methods = StoredValue::new(methods);
    let method = Signal::derive(move || {
        let id = method_id.get();
        methods.with_value(|ms| ms.iter().find(|m| m.id.to_string() == id).cloned())
    });
    let online = move || method.with(|m| m.as_ref().is_some_and(MethodDto::is_online));
    let amount = RwSignal::new(String::new());
    let reference = RwSignal::new(String::new());
    let receipt = RwSignal::new(None::<UploadDto>);
    let uploading = RwSignal::new(false);
    let key = RwSignal::new(new_idempotency_key());
    let action = ServerAction::<Deposit>::new();
    let error = last_error(action.value());
    // Whether the request being submitted goes to the payment page.
    let went_online = StoredValue::new(false);
    Effect::new(move |_| {
        if let Some(Ok(row)) = action.value().get() {
            key.set(new_idempotency_key());
            if went_online.get_value() {
                navigate(&format!("/pay/{}", row.id), Default::default());
            } else {
                ctx.done(request_flash("deposit", &row), Some(row));
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(m) = method.get_untracked() else {
            return;
        };
        let is_online = m.is_online();
        went_online.set_value(is_online);
        action.dispatch(Deposit {
            idempotency_key: key.get_untracked(),
            method_id: m.id,
            amount: amount.get_untracked().trim().to_string(),
            reference: if is_online {
                String::new()
            } else {
                reference.get_untracked().trim().to_string()
            },
            upload_id: if is_online {
                None
            } else {
                receipt.get_untracked().map(|u| u.id)
            },
        });
    };
    let pending = Signal::derive(move || action.pending().get() || uploading.get());
    let shown: Vec<String> = ["method_id", "amount", "reference", "upload_id"]
        .map(String::from)
        .to_vec();
    view! {
        <div class="funds-split">
            <form id="deposit-form" class="form" novalidate on:submit=on_submit>
                <h2 class="card-title">{move || i18n.t("funds.deposit_title")}</h2>
                <FormProblem error shown/>
                <SelectField
                    label=tlabel("funds.method")
                    id="f-deposit-method"
                    field="method_id"
                    value=method_id
                    options=method_options(i18n, methods)
                    error
                />
                <TextField
                    label=tlabel("funds.amount")
                    id="f-deposit-amount"
                    field="amount"
                    value=amount
                    error
                    required=true
                    inputmode="decimal"
                    autocomplete="off"
                    placeholder="0.00"
                    hint=Signal::derive(move || {
                        method.get().map(|m| i18n.t("funds.amount_in").replace("{currency}", &m.currency)).unwrap_or_default()
                    })
                />
                <FeeSummary method amount net_label="funds.credited"/>
                <Show
                    when=move || !online()
                    fallback=move || view! { <p class="muted">{move || i18n.t("funds.online_note")}</p> }
                >
                    <TextField
                        label=tlabel("funds.reference")
                        id="f-deposit-reference"
                        field="reference"
                        value=reference
                        error
                        autocomplete="off"
                        hint=tlabel("funds.reference_hint")
                    />
                    <FileField
                        label=tlabel("funds.receipt")
                        id="f-deposit-receipt"
                        field="upload_id"
                        purpose="receipt"
                        uploaded=receipt
                        busy=uploading
                        error
                    />
                </Show>
                <div class="form-actions">
                    <Submit
                        label=Signal::derive(move || {
                            if online() { i18n.t("funds.continue_to_payment") } else { i18n.t("funds.submit_deposit") }
                        })
                        pending
                    />
                </div>
            </form>
            <MethodInfo method deposit=true/>
        </div>
    }
        .into_any()
}

fn destination_kind_key(kind: &str) -> &'static str {
    match kind {
        "bank_card" => "funds.dest_bank_card",
        "crypto" => "funds.dest_crypto",
        _ => "funds.dest_other",
    }
}

#[component]
fn WithdrawPanel(
    methods: Vec<MethodDto>,
    destinations: Vec<DestinationDto>,
    wallets: Vec<WalletDto>,
    ctx: FundsCtx,
) -> impl IntoView {
    let i18n = use_i18n();
    if methods.is_empty() {
        return view! { <p class="empty">{move || i18n.t("funds.no_withdrawal_methods")}</p> }
            .into_any();
    }
    let method_id = RwSignal::new(methods[0].id.to_string());
    let first_kind = methods[0].kind.clone();
    let dest_id = RwSignal::new(
        destinations
            .iter()
            .find(|d| d.kind == first_kind)
            .map(|d| d.id.to_string())
            .unwrap_or_default(),
    );
    let methods = StoredValue::new(methods);
    let destinations = StoredValue::new(destinations);
    let wallets = StoredValue::new(wallets);
    let method = Signal::derive(move || {
        let id = method_id.get();
        methods.with_value(|ms| ms.iter().find(|m| m.id.to_string() == id).cloned())
    });
    let matching = Memo::new(move |_| {
        let kind = method.get().map(|m| m.kind).unwrap_or_default();
        destinations.with_value(|ds| {
            ds.iter()
                .filter(|d| d.kind == kind)
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let dest_options = Signal::derive(move || {
        matching
            .get()
            .into_iter()
            .map(|d| (d.id.to_string(), format!("{} · {}", d.label, d.details)))
            .collect::<Vec<_>>()
    });
    let available = Signal::derive(move || {
        let cur = method.get().map(|m| m.currency).unwrap_or_default();
        wallets.with_value(|ws| {
            ws.iter()
                .find(|w| w.currency == cur)
                .map(|w| w.available.clone())
        })
    });
    let amount = RwSignal::new(String::new());
    let key = RwSignal::new(new_idempotency_key());
    let action = ServerAction::<Withdraw>::new();
    let error = last_error(action.value());
    Effect::new(move |_| {
        if let Some(Ok(row)) = action.value().get() {
            key.set(new_idempotency_key());
            ctx.done(request_flash("withdrawal", &row), Some(row));
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(m) = method.get_untracked() else {
            return;
        };
        action.dispatch(Withdraw {
            idempotency_key: key.get_untracked(),
            method_id: m.id,
            destination_id: dest_id.get_untracked().parse().unwrap_or(0),
            amount: amount.get_untracked().trim().to_string(),
        });
    };
    let use_all = move |_| {
        if let Some(a) = available.get_untracked() {
            amount.set(a);
        }
    };
    let shown: Vec<String> = ["method_id", "destination_id", "amount"]
        .map(String::from)
        .to_vec();
    view! {
        <div class="funds-split">
            <form id="withdraw-form" class="form" novalidate on:submit=on_submit>
                <h2 class="card-title">{move || i18n.t("funds.withdraw_title")}</h2>
                <FormProblem error shown/>
                <SelectField
                    label=tlabel("funds.method")
                    id="f-withdraw-method"
                    field="method_id"
                    value=method_id
                    options=method_options(i18n, methods)
                    error
                />
                <Show
                    when=move || !matching.with(Vec::is_empty)
                    fallback=move || {
                        view! {
                            <div class="alert alert-info" data-testid="no-destination">
                                <span>
                                    {move || {
                                        let kind = method.get().map(|m| m.kind).unwrap_or_default();
                                        i18n.t("funds.no_destination").replace("{kind}", &i18n.t(destination_kind_key(&kind)).to_lowercase())
                                    }}
                                </span>
                                <span>
                                    <button type="button" class="btn btn-sm" on:click=move |_| ctx.tab.set(Tab::Destinations)>
                                        {move || i18n.t("funds.add_destination")}
                                    </button>
                                </span>
                            </div>
                            <span class="field-error" role="alert">
                                {move || error.get().and_then(|e| e.field_code("destination_id").map(|c| i18n.t(c)))}
                            </span>
                        }
                    }
                >
                    <SelectField
                        label=tlabel("funds.destination")
                        id="f-withdraw-destination"
                        field="destination_id"
                        value=dest_id
                        options=dest_options
                        error
                    />
                </Show>
                <TextField
                    label=tlabel("funds.amount")
                    id="f-withdraw-amount"
                    field="amount"
                    value=amount
                    error
                    required=true
                    inputmode="decimal"
                    autocomplete="off"
                    placeholder="0.00"
                    hint=Signal::derive(move || {
                        let cur = method.get().map(|m| m.currency).unwrap_or_default();
                        match available.get() {
                            Some(a) => i18n.t("funds.available_hint").replace("{amount}", &fmt_money(&a, &cur)),
                            None => i18n.t("funds.no_wallet_in").replace("{currency}", &cur),
                        }
                    })
                />
                <Show when=move || available.with(Option::is_some)>
                    <div>
                        <button type="button" class="btn btn-sm btn-ghost" on:click=use_all>
                            {move || i18n.t("funds.use_available")}
                        </button>
                    </div>
                </Show>
                <FeeSummary method amount net_label="funds.you_receive"/>
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("funds.submit_withdrawal")) pending=action.pending()/>
                </div>
            </form>
            <MethodInfo method deposit=false/>
        </div>
    }
        .into_any()
}

#[component]
fn TransferPanel(wallets: Vec<WalletDto>, third_party: bool, ctx: FundsCtx) -> impl IntoView {
    let i18n = use_i18n();
    let mut from_codes: Vec<String> = wallets.iter().map(|w| w.currency.clone()).collect();
    if from_codes.is_empty() {
        from_codes = money::CURRENCIES
            .iter()
            .map(|c| c.code.to_string())
            .collect();
    }
    let mut to_codes: Vec<String> = money::CURRENCIES
        .iter()
        .map(|c| c.code.to_string())
        .collect();
    for c in &from_codes {
        if !to_codes.contains(c) {
            to_codes.push(c.clone());
        }
    }
    let from = RwSignal::new(from_codes[0].clone());
    let to = RwSignal::new(
        to_codes
            .iter()
            .find(|c| **c != from_codes[0])
            .cloned()
            .unwrap_or_else(|| from_codes[0].clone()),
    );
    let wallets = StoredValue::new(wallets);
    let from_options = Signal::derive(move || {
        from_codes
            .iter()
            .map(|c| {
                let text = wallets
                    .with_value(|ws| {
                        ws.iter()
                            .find(|w| &w.currency == c)
                            .map(|w| fmt_money(&w.available, c))
                    })
                    .map(|a| {
                        format!(
                            "{c} · {}",
                            i18n.t("funds.available_short").replace("{amount}", &a)
                        )
                    })
                    .unwrap_or_else(|| c.clone());
                (c.clone(), text)
            })
            .collect::<Vec<_>>()
    });
    let to_options = Signal::derive(move || {
        to_codes
            .iter()
            .map(|c| (c.clone(), c.clone()))
            .collect::<Vec<_>>()
    });
    let amount = RwSignal::new(String::new());
    let recipient = RwSignal::new(String::new());
    let inputs = move || {
        (
            from.get(),
            to.get(),
            amount.get().trim().to_string(),
            recipient.get().trim().to_string(),
        )
    };
    let key = RwSignal::new(new_idempotency_key());
    let action = ServerAction::<Transfer>::new();
    // The quote and the inputs it was made for; it shows only while they are unchanged.
    type Inputs = (String, String, String, String);
    let quote = Action::new(move |input: &Inputs| {
        let (f, t, a, r) = input.clone();
        async move { quote_transfer(f, t, a, r).await }
    });
    let quoted_for = RwSignal::new(None::<Inputs>);
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match quote.value().get() {
        Some(Err(e)) => error.set(Some(e)),
        Some(Ok(_)) => error.set(None),
        None => {}
    });
    Effect::new(move |_| match action.value().get() {
        Some(Err(e)) => error.set(Some(e)),
        Some(Ok(row)) => {
            error.set(None);
            key.set(new_idempotency_key());
            ctx.done(request_flash("transfer", &row), Some(row));
        }
        None => {}
    });
    let get_quote = move |_| {
        let input = inputs();
        quoted_for.set(Some(input.clone()));
        quote.dispatch(input);
    };
    let current_quote = move || {
        let for_now = quoted_for.get()? == inputs();
        for_now
            .then(|| quote.value().get().and_then(Result::ok))
            .flatten()
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (f, t, a, r) = inputs();
        action.dispatch(Transfer {
            idempotency_key: key.get_untracked(),
            from: f,
            to: t,
            amount: a,
            recipient: if third_party { r } else { String::new() },
        });
    };
    let shown: Vec<String> = ["from", "to", "amount", "recipient"]
        .map(String::from)
        .to_vec();
    let error: Signal<Option<AppError>> = error.into();
    view! {
        <form id="transfer-form" class="form narrow-form" novalidate on:submit=on_submit>
            <h2 class="card-title">{move || i18n.t("funds.transfer_title")}</h2>
            <p class="muted">
                {move || if third_party { i18n.t("funds.transfer_intro_third_party") } else { i18n.t("funds.transfer_intro") }}
            </p>
            <FormProblem error shown/>
            <div class="form-row">
                <SelectField label=tlabel("funds.from_wallet") id="f-transfer-from" field="from" value=from options=from_options error/>
                <SelectField label=tlabel("funds.to_wallet") id="f-transfer-to" field="to" value=to options=to_options error/>
            </div>
            <TextField
                label=tlabel("funds.amount")
                id="f-transfer-amount"
                field="amount"
                value=amount
                error
                required=true
                inputmode="decimal"
                autocomplete="off"
                placeholder="0.00"
                hint=Signal::derive(move || i18n.t("funds.amount_in").replace("{currency}", &from.get()))
            />
            {third_party
                .then(|| {
                    view! {
                        <TextField
                            label=tlabel("funds.recipient")
                            id="f-transfer-recipient"
                            field="recipient"
                            value=recipient
                            error
                            autocomplete="off"
                            hint=tlabel("funds.recipient_hint")
                        />
                    }
                })}
            {move || {
                current_quote()
                    .map(|q| {
                        view! {
                            <dl class="kv fee-summary" aria-live="polite" data-testid="transfer-quote">
                                <div>
                                    <dt>{move || i18n.t("funds.you_send")}</dt>
                                    <dd>{fmt_money(&q.amount, &q.from)}</dd>
                                </div>
                                <div>
                                    <dt>{move || i18n.t("funds.rate")}</dt>
                                    <dd data-testid="quote-rate">{format!("1 {} = {} {}", q.from, q.rate, q.to)}</dd>
                                </div>
                                <div class="is-total">
                                    <dt>{move || i18n.t("funds.credited")}</dt>
                                    <dd data-testid="quote-credited">{fmt_money(&q.credited, &q.to)}</dd>
                                </div>
                            </dl>
                        }
                    })
            }}
            <div class="form-actions">
                <button
                    type="button"
                    id="transfer-quote"
                    class="btn"
                    class:is-loading=move || quote.pending().get()
                    disabled=move || quote.pending().get()
                    on:click=get_quote
                >
                    {move || i18n.t("funds.get_quote")}
                </button>
                <Submit label=Signal::derive(move || i18n.t("funds.submit_transfer")) pending=action.pending()/>
            </div>
        </form>
    }
}

#[component]
fn DestinationsPanel(destinations: Vec<DestinationDto>, ctx: FundsCtx) -> impl IntoView {
    let i18n = use_i18n();
    let remove = ServerAction::<RemoveDestination>::new();
    let remove_error = last_error(remove.value());
    let removing = RwSignal::new(None::<i64>);
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            ctx.done("funds.destination_removed", None);
        }
    });
    let has_any = !destinations.is_empty();
    let list = if has_any {
        view! {
            <div class="table-wrap">
                <table class="table" data-testid="destinations">
                    <thead>
                        <tr>
                            <th>{move || i18n.t("funds.dest_label")}</th>
                            <th>{move || i18n.t("common.type")}</th>
                            <th>{move || i18n.t("funds.dest_details")}</th>
                            <th>{move || i18n.t("common.actions")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {destinations
                            .into_iter()
                            .map(|d| {
                                let id = d.id;
                                let kind = destination_kind_key(&d.kind);
                                let name = d.label.clone();
                                view! {
                                    <tr data-testid=format!("destination-{id}")>
                                        <td>{d.label.clone()}</td>
                                        <td>{move || i18n.t(kind)}</td>
                                        <td class="mono">{d.details.clone()}</td>
                                        <td>
                                            <button
                                                type="button"
                                                class="btn btn-sm"
                                                class:is-loading=move || remove.pending().get() && removing.get() == Some(id)
                                                disabled=move || remove.pending().get()
                                                aria-label=move || format!("{} {}", i18n.t("funds.remove"), name)
                                                on:click=move |_| {
                                                    removing.set(Some(id));
                                                    remove.dispatch(RemoveDestination { id });
                                                }
                                            >
                                                {move || i18n.t("funds.remove")}
                                            </button>
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        }
            .into_any()
    } else {
        view! { <p class="empty">{move || i18n.t("funds.no_destinations")}</p> }.into_any()
    };
    view! {
        <div class="funds-split">
            <div class="stack">
                <div>
                    <h2 class="card-title">{move || i18n.t("funds.destinations_title")}</h2>
                    <p class="muted">{move || i18n.t("funds.destinations_intro")}</p>
                </div>
                <FormProblem error=remove_error/>
                {list}
            </div>
            <DestinationForm ctx/>
        </div>
    }
}

#[component]
fn DestinationForm(ctx: FundsCtx) -> impl IntoView {
    let i18n = use_i18n();
    let kind = RwSignal::new("bank_card".to_string());
    let label = RwSignal::new(String::new());
    let number = RwSignal::new(String::new());
    let network = RwSignal::new(String::new());
    let is_crypto = move || kind.get() == "crypto";
    let action = ServerAction::<AddDestination>::new();
    let error = last_error(action.value());
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            ctx.done("funds.destination_saved", None);
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let crypto = kind.get_untracked() == "crypto";
        action.dispatch(AddDestination {
            kind: kind.get_untracked(),
            label: label.get_untracked().trim().to_string(),
            number: number.get_untracked().trim().to_string(),
            network: if crypto {
                network.get_untracked().trim().to_string()
            } else {
                String::new()
            },
        });
    };
    let kinds = Signal::derive(move || {
        vec![
            (
                "bank_card".to_string(),
                i18n.t("funds.dest_bank_card").to_string(),
            ),
            (
                "crypto".to_string(),
                i18n.t("funds.dest_crypto").to_string(),
            ),
        ]
    });
    let shown: Vec<String> = ["kind", "label", "number", "network"]
        .map(String::from)
        .to_vec();
    view! {
        <form id="destination-form" class="form method-info" novalidate on:submit=on_submit>
            <h3>{move || i18n.t("funds.add_destination")}</h3>
            <FormProblem error shown/>
            <SelectField label=tlabel("funds.dest_kind") id="f-dest-kind" field="kind" value=kind options=kinds error/>
            <TextField
                label=tlabel("funds.dest_label")
                id="f-dest-label"
                field="label"
                value=label
                error
                required=true
                autocomplete="off"
                hint=tlabel("funds.dest_label_hint")
            />
            <TextField
                label=Signal::derive(move || {
                    (if is_crypto() { i18n.t("funds.dest_address") } else { i18n.t("funds.dest_card_number") }).to_string()
                })
                id="f-dest-number"
                field="number"
                value=number
                error
                required=true
                autocomplete="off"
                hint=Signal::derive(move || {
                    (if is_crypto() { i18n.t("funds.dest_address_hint") } else { i18n.t("funds.dest_card_hint") }).to_string()
                })
            />
            <Show when=is_crypto>
                <TextField
                    label=tlabel("funds.dest_network")
                    id="f-dest-network"
                    field="network"
                    value=network
                    error
                    required=true
                    autocomplete="off"
                    placeholder="TRC20"
                    list="crypto-networks"
                    hint=tlabel("funds.dest_network_hint")
                />
                <datalist id="crypto-networks">
                    <option value="TRC20"></option>
                    <option value="ERC20"></option>
                    <option value="BEP20"></option>
                    <option value="SOL"></option>
                </datalist>
            </Show>
            <div class="form-actions">
                <Submit label=Signal::derive(move || i18n.t("funds.save_destination")) pending=action.pending()/>
            </div>
        </form>
    }
}
