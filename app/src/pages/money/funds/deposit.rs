//! The deposit tab: offline with a receipt, or online through the payment provider.
use super::preview::*;
use super::{FundsCtx, request_flash};
use crate::api::money::funds::Deposit;
use crate::i18n::use_i18n;
use crate::model::{MethodDto, UploadDto};
use crate::ui::form::{FileField, FormProblem, SelectField, Submit, TextField, last_error, tlabel};
use crate::ui::new_idempotency_key;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub(super) fn DepositPanel(methods: Vec<MethodDto>, ctx: FundsCtx) -> impl IntoView {
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
