//! The built-in test payment provider: a hosted checkout page for an online deposit, where the
//! client makes the payment succeed or fail.
use crate::api::money::funds::{TestPspPay, my_requests};
use crate::domain::approval::{PaymentStatus, RequestStatus};
use crate::i18n::use_i18n;
use crate::model::{ListQuery, RequestRow};
use crate::pages::PageHeader;
use crate::ui::badge::{PaymentBadge, StatusBadge};
use crate::ui::form::{FormProblem, last_error};
use crate::ui::resource::resource;
use crate::ui::text::request_amount;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The client's request with this id, looked up through their request list: by searching for
/// the id, else among their most recent requests.
async fn find_request(id: Option<i64>) -> Result<Option<RequestRow>, crate::error::AppError> {
    let Some(id) = id else { return Ok(None) };
    let query = |q: String| ListQuery {
        page: 0,
        per_page: 50,
        sort: "id".into(),
        desc: true,
        q,
        ..Default::default()
    };
    let found = my_requests(query(id.to_string()))
        .await?
        .rows
        .into_iter()
        .find(|r| r.id == id);
    if found.is_some() {
        return Ok(found);
    }
    Ok(my_requests(query(String::new()))
        .await?
        .rows
        .into_iter()
        .find(|r| r.id == id))
}

#[component]
pub fn TestPspPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok())));
    let request = resource(move || id.get(), find_request);
    let pay = ServerAction::<TestPspPay>::new();
    let error = last_error(pay.value());
    // Which button was pressed: true = pay, false = fail.
    let choice = RwSignal::new(None::<bool>);
    let result = move || pay.value().get().and_then(Result::ok);
    Effect::new(move |_| {
        if pay.version().get() > 0 {
            request.refetch();
        }
    });
    let submit = Callback::new(move |succeed: bool| {
        if let Some(request_id) = id.get_untracked() {
            choice.set(Some(succeed));
            pay.dispatch(TestPspPay {
                request_id,
                succeed,
            });
        }
    });
    view! {
        <PageHeader title="funds.psp_title"/>
        <div class="checkout card" data-testid="checkout">
            <div class="checkout-brand">
                <span class="checkout-logo" aria-hidden="true"></span>
                <strong>{move || i18n.t("funds.psp_brand")}</strong>
                <span class="badge badge-warn">{move || i18n.t("funds.psp_test_mode")}</span>
            </div>
            <Transition fallback=|| view! { <div class="spinner"></div> }>
                {move || {
                    request
                        .get()
                        .map(|r| {
                            let row = r.ok().flatten();
                            let amount = row.as_ref().map(request_amount).unwrap_or_default();
                            let method = row.as_ref().and_then(|r| r.method.clone()).unwrap_or_default();
                            let id_text = id.get().map(|i| format!("#{i}")).unwrap_or_default();
                            let processed = row.as_ref().is_some_and(|r| {
                                r.status != RequestStatus::Pending || r.payment_status.is_some_and(|p| p != PaymentStatus::Pending)
                            });
                            view! {
                                {(!amount.is_empty())
                                    .then(|| {
                                        view! {
                                            <div class="checkout-amount">
                                                <span class="stat-label">{move || i18n.t("funds.psp_amount_due")}</span>
                                                <span class="stat-value" data-testid="checkout-amount">{amount}</span>
                                            </div>
                                        }
                                    })}
                                <dl class="kv">
                                    <div>
                                        <dt>{move || i18n.t("funds.psp_request")}</dt>
                                        <dd class="mono" data-testid="checkout-request">{id_text}</dd>
                                    </div>
                                    {(!method.is_empty())
                                        .then(|| {
                                            view! {
                                                <div>
                                                    <dt>{move || i18n.t("funds.method")}</dt>
                                                    <dd>{method}</dd>
                                                </div>
                                            }
                                        })}
                                    {row
                                        .clone()
                                        .and_then(|r| r.payment_status.map(|p| (r.status, p)))
                                        .map(|(status, p)| {
                                            view! {
                                                <div>
                                                    <dt>{move || i18n.t("common.status")}</dt>
                                                    <dd class="cluster">
                                                        <PaymentBadge status=Some(p)/>
                                                        <StatusBadge status/>
                                                    </dd>
                                                </div>
                                            }
                                        })}
                                </dl>
                                {match (result(), processed) {
                                    (Some(done), _) => view! { <PaymentResult row=done/> }.into_any(),
                                    (None, true) => view! { <p class="alert alert-info">{move || i18n.t("funds.psp_already")}</p> }.into_any(),
                                    (None, false) => view! { <PayButtons pay choice submit/> }.into_any(),
                                }}
                            }
                        })
                }}
            </Transition>
            <FormProblem error/>
            <a class="btn btn-ghost btn-block" href="/funds">{move || i18n.t("funds.back_to_funds")}</a>
        </div>
    }
}

/// The provider's two answers: the payment goes through, or it fails.
#[component]
fn PayButtons(
    pay: ServerAction<TestPspPay>,
    choice: RwSignal<Option<bool>>,
    submit: Callback<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="checkout-actions">
            <button
                type="button"
                id="psp-pay"
                class="btn btn-primary btn-block"
                class:is-loading=move || pay.pending().get() && choice.get() == Some(true)
                disabled=move || pay.pending().get()
                on:click=move |_| submit.run(true)
            >
                {move || i18n.t("funds.psp_pay")}
            </button>
            <button
                type="button"
                id="psp-fail"
                class="btn btn-block"
                class:is-loading=move || pay.pending().get() && choice.get() == Some(false)
                disabled=move || pay.pending().get()
                on:click=move |_| submit.run(false)
            >
                {move || i18n.t("funds.psp_fail")}
            </button>
            <p class="muted checkout-note">{move || i18n.t("funds.psp_note")}</p>
        </div>
    }
}

#[component]
fn PaymentResult(row: RequestRow) -> impl IntoView {
    let i18n = use_i18n();
    let (class, key) = match (row.payment_status, row.status) {
        (Some(PaymentStatus::Success), RequestStatus::Approved) => {
            ("alert alert-success", "funds.psp_paid_approved")
        }
        (Some(PaymentStatus::Success), _) => ("alert alert-success", "funds.psp_paid_review"),
        _ => ("alert alert-error", "funds.psp_failed"),
    };
    let amount = request_amount(&row);
    view! {
        <div class=class role="status" data-testid="payment-result">
            <strong>{move || i18n.t(key).replace("{amount}", &amount)}</strong>
            <span class="cluster">
                <PaymentBadge status=row.payment_status testid="payment-status"/>
                <StatusBadge status=row.status testid="request-status"/>
            </span>
        </div>
        <a class="btn btn-block" href="/requests">{move || i18n.t("funds.see_requests")}</a>
    }
}
