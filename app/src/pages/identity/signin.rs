//! Sign-in screens shared by both portals: the second factor, mandatory enrollment for staff,
//! and the page furniture around them.
use crate::api::identity::auth::{TotpConfirm, VerifyTotp, begin_totp_setup};
use crate::i18n::use_i18n;
use crate::ui::form::{Field, FormError, Submit, last_error, submitted};
use crate::ui::layout::reload_to;
use crate::ui::prefs::{LanguageSelect, ThemeToggle};
use crate::ui::resource::resource;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// Where to go after signing in: `?next=` when it is a local path, else `fallback`.
pub fn next_path(fallback: &'static str) -> String {
    let q = leptos_router::hooks::use_query_map();
    q.with_untracked(|q| q.get("next"))
        .filter(|n| n.starts_with('/') && !n.starts_with("//"))
        .unwrap_or_else(|| fallback.to_string())
}

#[component]
pub fn AuthPage(
    #[prop(optional)] admin: bool,
    title: &'static str,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <leptos_meta::Title text=move || i18n.t(title)/>
        <div class="auth-page" class:admin=admin>
            <div class="auth-card">
                <div class="auth-brand">
                    <strong>"PropDesk"</strong>
                    <span class="muted">{move || if admin { i18n.t("nav.back_office") } else { i18n.t("auth.tagline") }}</span>
                </div>
                <h1>{move || i18n.t(title)}</h1>
                {children()}
                <div class="auth-links cluster">
                    <LanguageSelect/>
                    <ThemeToggle/>
                </div>
            </div>
        </div>
    }
}

/// The second step, its code loaded when a sign-in asks for it: most clients have no second
/// factor, so the sign-in page's own file does without it (docs/benchmarks.md, front-end
/// bundle). In the sign-in pages' file, where staff's sign-in shows it too.
#[leptos::lazy(sign_in)]
pub fn totp_step(next: String) -> AnyView {
    view! { <TotpStep next/> }.into_any()
}

/// Second step of a sign-in: the code from the authenticator app.
#[component]
pub fn TotpStep(next: String) -> impl IntoView {
    let i18n = use_i18n();
    let verify = ServerAction::<VerifyTotp>::new();
    let error = last_error(verify.value());
    Effect::new(move |_| {
        if let Some(Ok(())) = verify.value().get() {
            reload_to(&next);
        }
    });
    view! {
        <p class="muted">{move || i18n.t("auth.totp_prompt")}</p>
        <form class="form" action=VerifyTotp::url() method="post" on:submit=move |ev| {
            ev.prevent_default();
            verify.dispatch(VerifyTotp { code: submitted(&ev, "code") });
        }>
            <FormError error/>
            <Field label=Signal::derive(move || i18n.t("auth.code")) name="code" autocomplete="one-time-code" error required=true/>
            <Submit label=Signal::derive(move || i18n.t("auth.verify")) pending=verify.pending() class="btn-block"/>
        </form>
    }
}

/// Two-factor setup: QR code and secret, then a code to confirm. Used for staff at first
/// sign-in (mandatory) and from a client's profile (optional).
#[component]
pub fn TotpEnroll(#[prop(into)] on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let setup = resource(|| (), |_| begin_totp_setup());
    let confirm = ServerAction::<TotpConfirm>::new();
    let error = last_error(confirm.value());
    Effect::new(move |_| {
        if let Some(Ok(())) = confirm.value().get() {
            on_done.run(());
        }
    });
    view! {
        <p class="muted">{move || i18n.t("auth.enroll_intro")}</p>
        <Suspense fallback=|| view! { <div class="progress indeterminate"><div class="progress-bar"></div></div> }>
            {move || {
                setup.get()
                    .map(|r| match r {
                        Ok(s) => {
                            view! {
                                <div class="stack">
                                    <div class="qr" inner_html=s.qr_svg></div>
                                    <div>
                                        <span class="muted">{move || i18n.t("auth.secret")}</span>
                                        <div class="secret mono" data-testid="totp-secret">{s.secret}</div>
                                    </div>
                                </div>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <div class="form-error">{move || i18n.t(e.key())}</div> }.into_any(),
                    })
            }}
        </Suspense>
        <ActionForm action=confirm attr:class="form">
            <FormError error/>
            <Field label=Signal::derive(move || i18n.t("auth.code")) name="code" autocomplete="one-time-code" error required=true/>
            <Submit label=Signal::derive(move || i18n.t("auth.enable_2fa")) pending=confirm.pending() class="btn-block"/>
        </ActionForm>
    }
}
