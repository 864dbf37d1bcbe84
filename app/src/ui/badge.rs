//! Coloured status badges.
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// A request's status as a coloured badge.
#[component]
pub fn StatusBadge(status: String) -> impl IntoView {
    let i18n = use_i18n();
    let class = match status.as_str() {
        "pending" => "badge badge-warn",
        "approved" => "badge badge-success",
        "rejected" => "badge badge-danger",
        _ => "badge badge-muted",
    };
    let key = format!("appr.status_{status}");
    view! { <span class=class data-status=status>{move || i18n.t(&key)}</span> }
}

/// The payment status of money moving outside the firm, or a dash.
#[component]
pub fn PaymentBadge(status: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    match status.filter(|s| !s.is_empty()) {
        Some(s) => {
            let class = match s.as_str() {
                "success" => "badge badge-success",
                "failed" => "badge badge-danger",
                _ => "badge badge-warn",
            };
            let key = format!("appr.payment_{s}");
            view! { <span class=class>{move || i18n.t(&key)}</span> }.into_any()
        }
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}
