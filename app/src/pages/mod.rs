//! Screens, in folders named for the business areas of `server/` and `api/` (identity,
//! crm, approvals, money, prop, trading, settings, ib, offers, messages, notifications), plus each portal's landing
//! screen (`home`). Which portal a screen belongs to is decided by its route (`root.rs`).
pub mod approvals;
pub mod competitions;
pub mod crm;
pub mod home;
pub mod ib;
pub mod identity;
pub mod messages;
pub mod money;
pub mod notifications;
pub mod offers;
pub mod prop;
pub mod settings;
pub mod support;
pub mod trading;

use crate::i18n::use_i18n;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
        r.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <div class="auth-page">
            <div class="auth-card">
                <h1>"404"</h1>
                <p class="muted">{move || i18n.t("common.not_found")}</p>
                <a class="btn btn-primary" href="/">{move || i18n.t("common.home")}</a>
            </div>
        </div>
    }
}

/// The page heading with an optional subtitle.
#[component]
pub fn PageHeader(
    title: &'static str,
    #[prop(optional)] subtitle: Option<&'static str>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <leptos_meta::Title text=move || i18n.t(title)/>
        <div class="page-header">
            <div>
                <h1>{move || i18n.t(title)}</h1>
                {subtitle.map(|s| view! { <p class="muted">{move || i18n.t(s)}</p> })}
            </div>
            <div class="page-actions">{children.map(|c| c())}</div>
        </div>
    }
}
