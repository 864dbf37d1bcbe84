//! Coloured status badges: one per kind of status, each naming its colours by the status's
//! meaning (waiting, done, refused). `testid` marks the badge for the browser tests.
use crate::domain::approval::{PaymentStatus, RequestStatus};
use crate::domain::kyc::KycStatus;
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// A request's status as a coloured badge.
#[component]
pub fn StatusBadge(
    status: RequestStatus,
    #[prop(optional)] testid: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let class = match status {
        RequestStatus::Pending => "badge badge-warn",
        RequestStatus::Approved => "badge badge-success",
        RequestStatus::Rejected => "badge badge-danger",
        RequestStatus::Cancelled => "badge badge-muted",
    };
    let key = format!("appr.status_{status}");
    view! { <span class=class data-status=status.as_str() data-testid=testid>{move || i18n.t(&key)}</span> }
}

/// The payment status of money moving outside the firm, or a dash.
#[component]
pub fn PaymentBadge(
    status: Option<PaymentStatus>,
    #[prop(optional)] testid: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    match status {
        Some(s) => {
            let class = match s {
                PaymentStatus::Success => "badge badge-success",
                PaymentStatus::Failed => "badge badge-danger",
                PaymentStatus::Pending => "badge badge-warn",
            };
            let key = format!("appr.payment_{s}");
            view! { <span class=class data-status=s.as_str() data-testid=testid>{move || i18n.t(&key)}</span> }.into_any()
        }
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

/// A client's KYC status.
#[component]
pub fn KycBadge(
    status: KycStatus,
    #[prop(optional)] testid: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let class = match status {
        KycStatus::NotSubmitted => "badge badge-muted",
        KycStatus::Pending | KycStatus::Resubmitted => "badge badge-warn",
        KycStatus::Approved => "badge badge-success",
        KycStatus::Rejected => "badge badge-danger",
    };
    let key = format!("kyc.status_{status}");
    view! { <span class=class data-status=status.as_str() data-testid=testid>{move || i18n.t(&key)}</span> }
}
