//! The withdrawal tab: to a saved destination, held until staff decide.
use super::preview::*;
use super::{FundsCtx, Tab, request_flash};
use crate::api::money::funds::Withdraw;
use crate::i18n::use_i18n;
use crate::model::{DestinationDto, MethodDto, WalletDto};
use crate::ui::form::{FormProblem, SelectField, Submit, TextField, last_error, tlabel};
use crate::ui::new_idempotency_key;
use leptos::prelude::*;

pub(super) fn destination_kind_key(kind: &str) -> &'static str {
    match kind {
        "bank_card" => "funds.dest_bank_card",
        "crypto" => "funds.dest_crypto",
        _ => "funds.dest_other",
    }
}

#[component]
pub(super) fn WithdrawPanel(
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
        wallets.with_value(|ws| ws.iter().find(|w| w.currency() == cur).map(|w| w.available))
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
            amount.set(a.amount());
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
                            Some(a) => i18n.t("funds.available_hint").replace("{amount}", &a.to_string()),
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
