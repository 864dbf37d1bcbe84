//! What a reviewer can do to a request: approve or reject it at their level, correct its amount,
//! set its payment status.
use super::*;
use crate::api::approvals::{ApproveRequest, EditRequestAmount, RejectRequest, SetPaymentStatus};
use crate::domain::approval::{PaymentStatus, RequestStatus};
use crate::i18n::use_i18n;
use crate::model::RequestDetail;
use crate::ui::form::keyed_options;
use crate::ui::form::{SelectField, Submit, TextField, last_error, tlabel};

/// The decisions open now, or why there are none.
#[component]
pub(super) fn Decide(d: RequestDetail, acts: Decisions, may_decide: bool) -> impl IntoView {
    let i18n = use_i18n();
    let row = d.row;
    let pending = row.status == RequestStatus::Pending;
    if !pending {
        let status = format!("appr.status_{}", row.status);
        return view! {
            <div class="card">
                <h2 class="card-title">{move || i18n.t("appr.decision")}</h2>
                <p class="muted" data-testid="review-closed">
                    {move || i18n.t("appr.closed").replace("{status}", i18n.t(&status))}
                </p>
            </div>
        }
        .into_any();
    }
    let id = row.id;
    let level = row.level;
    let levels = row.levels;
    let can_decide = d.can_decide && may_decide;
    let can_amount = d.can_edit_amount && may_decide;
    let can_payment = d.can_edit_payment && may_decide;
    let waiting = move || {
        i18n.t("appr.waiting_level")
            .replace("{level}", &level.max(1).to_string())
    };
    let approve_hint = move || {
        if levels > 1 && level < levels {
            i18n.t("appr.approve_hint_next")
                .replace("{level}", &level.to_string())
                .replace("{levels}", &levels.to_string())
                .replace("{next}", &(level + 1).to_string())
        } else {
            i18n.t("appr.approve_hint_final").to_string()
        }
    };
    view! {
        <div class="card">
            <h2 class="card-title">{move || i18n.t("appr.decision")}</h2>
            {if can_decide {
                view! {
                    <div class="decide-grid">
                        <ApproveForm id level acts hint=Signal::derive(approve_hint)/>
                        <RejectForm id acts/>
                    </div>
                }
                    .into_any()
            } else if !may_decide {
                view! { <div class="alert alert-info" data-testid="review-waiting">{move || i18n.t("appr.no_decide_permission")}</div> }.into_any()
            } else {
                view! {
                    <div class="alert alert-info" data-testid="review-waiting">
                        <strong>{waiting}</strong>
                        <span>{move || i18n.t("appr.waiting_level_why")}</span>
                    </div>
                }
                    .into_any()
            }}
            {(can_amount || can_payment)
                .then(|| {
                    view! {
                        <hr class="divider"/>
                        <div class="decide-grid">
                            {can_amount.then(|| view! { <AmountForm id current=row.amount.clone().unwrap_or_default() currency=row.currency.clone().unwrap_or_default() acts/> })}
                            {can_payment.then(|| view! { <PaymentForm id current=row.payment_status.unwrap_or(PaymentStatus::Pending).as_str().to_string() acts/> })}
                        </div>
                    }
                })}
        </div>
    }
    .into_any()
}

#[component]
pub(super) fn ApproveForm(
    id: i64,
    level: i32,
    acts: Decisions,
    hint: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let comment = RwSignal::new(String::new());
    let action = acts.approve;
    let error = last_error(action.value());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        action.dispatch(ApproveRequest {
            id,
            level,
            comment: comment.get_untracked(),
        });
    };
    view! {
        <form id="approve-form" class="form" on:submit=submit novalidate>
            <h3>{move || i18n.t("appr.approve_title")}</h3>
            <p class="muted small">{move || hint.get()}</p>
            <TextField
                label=tlabel("appr.approve_comment")
                id="approve-comment"
                value=comment
                field="comment"
                error
                multiline=true
            />
            <div class="form-actions">
                <Submit label=Signal::derive(move || i18n.t("appr.approve")) pending=action.pending()/>
            </div>
        </form>
    }
}

#[component]
pub(super) fn RejectForm(id: i64, acts: Decisions) -> impl IntoView {
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let action = acts.reject;
    let error = last_error(action.value());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        action.dispatch(RejectRequest {
            id,
            reason: reason.get_untracked(),
        });
    };
    view! {
        <form id="reject-form" class="form" on:submit=submit novalidate>
            <h3>{move || i18n.t("appr.reject_title")}</h3>
            <p class="muted small">{move || i18n.t("appr.reject_hint")}</p>
            <TextField
                label=tlabel("appr.reject_reason")
                id="reject-reason"
                value=reason
                field="reason"
                error
                multiline=true
                required=true
            />
            <div class="form-actions">
                <Submit label=Signal::derive(move || i18n.t("appr.reject")) pending=action.pending() class="btn-danger"/>
            </div>
        </form>
    }
}

#[component]
pub(super) fn AmountForm(
    id: i64,
    current: String,
    currency: String,
    acts: Decisions,
) -> impl IntoView {
    let i18n = use_i18n();
    let amount = RwSignal::new(current);
    let comment = RwSignal::new(String::new());
    let action = acts.amount;
    let error = last_error(action.value());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        action.dispatch(EditRequestAmount {
            id,
            amount: amount.get_untracked().trim().to_string(),
            comment: comment.get_untracked(),
        });
    };
    let hint = move || i18n.t("appr.amount_hint").replace("{currency}", &currency);
    view! {
        <form id="amount-form" class="form" on:submit=submit novalidate>
            <h3>{move || i18n.t("appr.edit_amount")}</h3>
            <p class="muted small">{hint}</p>
            <TextField
                label=tlabel("appr.new_amount")
                id="amount-amount"
                value=amount
                field="amount"
                autocomplete="off"
                error
                inputmode="decimal"
                required=true
            />
            <TextField
                label=tlabel("appr.amount_comment")
                id="amount-comment"
                value=comment
                field="comment"
                error
                multiline=true
            />
            <div class="form-actions">
                <Submit label=Signal::derive(move || i18n.t("appr.save_amount")) pending=action.pending()/>
            </div>
        </form>
    }
}

pub(super) const PAYMENT_OPTIONS: &[(&str, &str)] = &[
    ("pending", "appr.payment_pending"),
    ("success", "appr.payment_success"),
    ("failed", "appr.payment_failed"),
];

#[component]
pub(super) fn PaymentForm(id: i64, current: String, acts: Decisions) -> impl IntoView {
    let i18n = use_i18n();
    let status = RwSignal::new(current);
    let comment = RwSignal::new(String::new());
    let action = acts.payment;
    let error = last_error(action.value());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        action.dispatch(SetPaymentStatus {
            id,
            status: status.get_untracked(),
            comment: comment.get_untracked(),
        });
    };
    view! {
        <form id="payment-form" class="form" on:submit=submit novalidate>
            <h3>{move || i18n.t("appr.edit_payment")}</h3>
            <p class="muted small">{move || i18n.t("appr.payment_hint")}</p>
            <SelectField
                label=tlabel("appr.new_payment_status")
                id="payment-status"
                value=status
                options=keyed_options(i18n, PAYMENT_OPTIONS)
                field="status"
                error
            />
            <TextField
                label=tlabel("appr.payment_comment")
                id="payment-comment"
                value=comment
                field="comment"
                error
                multiline=true
            />
            <div class="form-actions">
                <Submit label=Signal::derive(move || i18n.t("appr.save_payment")) pending=action.pending()/>
            </div>
        </form>
    }
}
