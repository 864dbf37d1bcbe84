//! The transfer tab: between the client's own wallets (with conversion), or to another client.
use super::{FundsCtx, request_flash};
use crate::api::money::funds::{Transfer, quote_transfer};
use crate::domain::money;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::model::WalletDto;
use crate::ui::form::{FormProblem, SelectField, Submit, TextField, tlabel};
use crate::ui::{money as fmt_money, new_idempotency_key};
use leptos::prelude::*;

#[component]
pub(super) fn TransferPanel(
    wallets: Vec<WalletDto>,
    third_party: bool,
    ctx: FundsCtx,
) -> impl IntoView {
    let i18n = use_i18n();
    let mut from_codes: Vec<String> = wallets.iter().map(|w| w.currency().to_string()).collect();
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
                            .find(|w| w.currency() == c)
                            .map(|w| w.available.to_string())
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
