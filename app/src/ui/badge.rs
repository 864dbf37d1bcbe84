//! Coloured status badges.
use crate::domain::approval::{PaymentStatus, RequestStatus};
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// A request's status as a coloured badge.
#[component]
pub fn StatusBadge(status: RequestStatus) -> impl IntoView {
    let i18n = use_i18n();
    let class = match status {
        RequestStatus::Pending => "badge badge-warn",
        RequestStatus::Approved => "badge badge-success",
        RequestStatus::Rejected => "badge badge-danger",
        RequestStatus::Cancelled => "badge badge-muted",
    };
    let key = format!("appr.status_{status}");
    view! { <span class=class data-status=status.as_str()>{move || i18n.t(&key)}</span> }
}

/// The payment status of money moving outside the firm, or a dash.
#[component]
pub fn PaymentBadge(status: Option<PaymentStatus>) -> impl IntoView {
    let i18n = use_i18n();
    match status {
        Some(s) => {
            let class = match s {
                PaymentStatus::Success => "badge badge-success",
                PaymentStatus::Failed => "badge badge-danger",
                PaymentStatus::Pending => "badge badge-warn",
            };
            let key = format!("appr.payment_{s}");
            view! { <span class=class>{move || i18n.t(&key)}</span> }.into_any()
        }
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}
