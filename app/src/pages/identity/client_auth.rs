//! The client portal's sign-in, registration and password screens.
use crate::api::identity::auth::{
    ForgotPassword, Login, Register, ResendVerification, ResetPassword, VerifyEmail,
};
use crate::domain::access::UserKind;
use crate::i18n::use_i18n;
use crate::model::LoginStep;
use crate::pages::identity::signin::{AuthPage, next_path, totp_step};
use crate::ui::form::{
    Field, FormError, Submit, TextField, first_error, last_error, loading, submitted, tlabel,
};
use crate::ui::layout::reload_to;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let login = ServerAction::<Login>::new();
    let error = last_error(login.value());
    let next = next_path("/");
    let step = move || login.value().get().and_then(|r| r.ok());
    // The email typed, kept for the verification link when the firm asks for it first.
    let typed = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(input) = login.input().get() {
            typed.set(input.email);
        }
    });
    let unverified = move || {
        matches!(
            login.value().get(),
            Some(Err(crate::error::AppError::EmailUnverified))
        )
    };
    let go = next.clone();
    Effect::new(move |_| {
        if step() == Some(LoginStep::Done) {
            reload_to(&go);
        }
    });
    let next = StoredValue::new(next);
    let second_step = move || Suspend::new(totp_step(next.get_value()));
    view! {
        <AuthPage title="auth.sign_in">
            <Show
                when=move || step() == Some(LoginStep::TotpRequired)
                fallback=move || {
                    view! {
                        <form class="form" action=Login::url() method="post" on:submit=move |ev| {
                            ev.prevent_default();
                            login.dispatch(Login { email: submitted(&ev, "email"), password: submitted(&ev, "password") });
                        }>
                            <FormError error/>
                            <Field label=Signal::derive(move || i18n.t("auth.email")) name="email" kind="email" autocomplete="username" error required=true/>
                            <Field label=Signal::derive(move || i18n.t("auth.password")) name="password" kind="password" autocomplete="current-password" error required=true/>
                            <Submit label=Signal::derive(move || i18n.t("auth.sign_in")) pending=login.pending() class="btn-block"/>
                        </form>
                        <Show when=unverified>
                            <a class="btn btn-block" data-testid="go-verify" href=move || verify_href(&typed.get())>{move || i18n.t("auth.enter_code")}</a>
                        </Show>
                        <div class="auth-links cluster">
                            <a href="/forgot-password">{move || i18n.t("auth.forgot")}</a>
                            <a href="/register">{move || i18n.t("auth.create_account")}</a>
                        </div>
                    }
                }
            >
                <Suspense fallback=loading>{second_step}</Suspense>
            </Show>
        </AuthPage>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let i18n = use_i18n();
    let register = ServerAction::<Register>::new();
    let error = last_error(register.value());
    let referral = use_query_map().with_untracked(|q| q.get("ref").unwrap_or_default());
    // A promotional link's code (`/r/{code}` sends visitors here with it): the link's owner
    // becomes the upline, so the referral code box is not shown.
    let link = use_query_map().with_untracked(|q| q.get("link").unwrap_or_default());
    let via_link = !link.is_empty();
    // Where to go once the account exists (a challenge link's challenge), as after sign-in.
    let next = next_path("/");
    let sign_in = if next == "/" {
        "/login".to_string()
    } else {
        format!(
            "/login?next={}",
            form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
        )
    };
    let awaiting = move || {
        matches!(
            register.value().get(),
            Some(Ok(LoginStep::AwaitingApproval))
        )
    };
    let typed = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(input) = register.input().get() {
            typed.set(input.email);
        }
    });
    Effect::new(move |_| match register.value().get() {
        Some(Ok(LoginStep::VerifyEmail)) => reload_to(&verify_href(&typed.get_untracked())),
        Some(Ok(step)) if step != LoginStep::AwaitingApproval => reload_to(&next),
        _ => {}
    });
    let kind_error = move || {
        error
            .get()
            .and_then(|e| e.field_code("kind").map(str::to_string))
    };
    view! {
        <AuthPage title="auth.create_account">
            <Show when=awaiting>
                <div class="notice notice-info" role="status" id="awaiting-approval">
                    {move || i18n.t("auth.awaiting_approval")}
                </div>
            </Show>
            <ActionForm action=register attr:class="form" attr:hidden=awaiting>
                <FormError error/>
                <fieldset class="field" class:has-error=move || kind_error().is_some()>
                    <legend>{move || i18n.t("auth.register_as")}</legend>
                    <div class="cluster">
                        <label class="checkbox">
                            <input type="radio" name="kind" value=UserKind::Trader.as_str() checked=true/>
                            {move || i18n.t("auth.kind_trader")}
                        </label>
                        <label class="checkbox">
                            <input type="radio" name="kind" value=UserKind::Ib.as_str()/>
                            {move || i18n.t("auth.kind_ib")}
                        </label>
                    </div>
                    <span class="field-error">{move || kind_error().map(|c| i18n.t(&c))}</span>
                </fieldset>
                <div class="form-row">
                    <Field label=Signal::derive(move || i18n.t("auth.first_name")) name="first_name" autocomplete="given-name" error required=true/>
                    <Field label=Signal::derive(move || i18n.t("auth.last_name")) name="last_name" autocomplete="family-name" error required=true/>
                </div>
                <Field label=Signal::derive(move || i18n.t("auth.email")) name="email" kind="email" autocomplete="email" error required=true/>
                <Field
                    label=Signal::derive(move || i18n.t("auth.password"))
                    name="password"
                    kind="password"
                    autocomplete="new-password"
                    error
                    required=true
                    hint=Signal::derive(move || i18n.t("auth.password_hint"))
                />
                <div class="form-row">
                    <Field
                        label=Signal::derive(move || i18n.t("auth.country"))
                        name="country"
                        autocomplete="country"
                        error
                        required=true
                        hint=Signal::derive(move || i18n.t("auth.country_hint"))
                    />
                    <Field
                        label=Signal::derive(move || i18n.t("auth.phone"))
                        name="phone"
                        kind="tel"
                        autocomplete="tel"
                        error
                        required=true
                        hint=Signal::derive(move || i18n.t("auth.phone_hint"))
                    />
                </div>
                <input type="hidden" name="link" value=link.clone()/>
                {if via_link {
                    view! {
                        <input type="hidden" name="referral_code" value=""/>
                        <p class="muted" data-testid="via-link">{move || i18n.t("auth.invited_by_link")}</p>
                    }.into_any()
                } else {
                    view! {
                        <Field
                            label=Signal::derive(move || i18n.t("auth.referral_code"))
                            name="referral_code"
                            value=referral
                            error
                            hint=Signal::derive(move || i18n.t("auth.referral_hint"))
                        />
                    }.into_any()
                }}
                <Submit label=Signal::derive(move || i18n.t("auth.create_account")) pending=register.pending() class="btn-block"/>
            </ActionForm>
            <div class="auth-links cluster">
                <a href=sign_in>{move || i18n.t("auth.have_account")}</a>
            </div>
        </AuthPage>
    }
}

/// The page that asks for the emailed code, prefilled by the email's link.
fn verify_href(email: &str) -> String {
    format!(
        "/verify-email?email={}",
        form_urlencoded::byte_serialize(email.as_bytes()).collect::<String>()
    )
}

/// Verifying a new client's email: the code from the email (its link fills both boxes), a new
/// code on request, then on to sign in.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let i18n = use_i18n();
    let verify = ServerAction::<VerifyEmail>::new();
    let resend = ServerAction::<ResendVerification>::new();
    let error = first_error([last_error(verify.value()), last_error(resend.value())]);
    let q = use_query_map();
    let email = RwSignal::new(q.with_untracked(|q| q.get("email").unwrap_or_default()));
    let code = RwSignal::new(q.with_untracked(|q| q.get("code").unwrap_or_default()));
    let done = move || matches!(verify.value().get(), Some(Ok(())));
    view! {
        <AuthPage title="auth.verify_title">
            <Show
                when=done
                fallback=move || view! {
                    <p class="muted">{move || i18n.t("auth.verify_intro")}</p>
                    <form class="form" data-testid="verify-form" on:submit=move |ev| {
                        ev.prevent_default();
                        verify.dispatch(VerifyEmail { email: email.get_untracked(), code: code.get_untracked() });
                    }>
                        <FormError error/>
                        <TextField label=tlabel("auth.email") id="f-verify-email" field="email" value=email error kind="email" autocomplete="email" required=true/>
                        <TextField label=tlabel("auth.code") id="f-verify-code" field="code" value=code error inputmode="numeric" autocomplete="one-time-code" required=true/>
                        <Submit label=Signal::derive(move || i18n.t("auth.verify")) pending=verify.pending() class="btn-block"/>
                    </form>
                    <Show when=move || matches!(resend.value().get(), Some(Ok(())))>
                        <div class="alert alert-success" role="status">{move || i18n.t("auth.code_sent")}</div>
                    </Show>
                    <button type="button" class="btn btn-ghost btn-block" disabled=move || resend.pending().get()
                        on:click=move |_| { resend.dispatch(ResendVerification { email: email.get_untracked() }); }>
                        {move || i18n.t("auth.resend_code")}
                    </button>
                }
            >
                <div class="alert alert-success" role="status" data-testid="verified">{move || i18n.t("auth.verified")}</div>
                <a class="btn btn-primary btn-block" href="/login">{move || i18n.t("auth.sign_in")}</a>
            </Show>
        </AuthPage>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let forgot = ServerAction::<ForgotPassword>::new();
    let error = last_error(forgot.value());
    let sent = move || matches!(forgot.value().get(), Some(Ok(())));
    view! {
        <AuthPage title="auth.reset_title">
            <Show
                when=sent
                fallback=move || {
                    view! {
                        <p class="muted">{move || i18n.t("auth.reset_intro")}</p>
                        <ActionForm action=forgot attr:class="form">
                            <FormError error/>
                            <Field label=Signal::derive(move || i18n.t("auth.email")) name="email" kind="email" autocomplete="email" error required=true/>
                            <Submit label=Signal::derive(move || i18n.t("auth.send_link")) pending=forgot.pending() class="btn-block"/>
                        </ActionForm>
                    }
                }
            >
                <div class="alert alert-success" role="status">{move || i18n.t("auth.reset_sent")}</div>
            </Show>
            <div class="auth-links cluster">
                <a href="/login">{move || i18n.t("auth.back_to_sign_in")}</a>
            </div>
        </AuthPage>
    }
}

/// The page an emailed reset link opens (both portals use it).
#[component]
pub fn ResetPasswordPage(#[prop(optional)] admin: bool) -> impl IntoView {
    let i18n = use_i18n();
    let reset = ServerAction::<ResetPassword>::new();
    let error = last_error(reset.value());
    let token = use_query_map().with_untracked(|q| q.get("token").unwrap_or_default());
    let done = move || reset.value().get().and_then(|r| r.ok());
    view! {
        <AuthPage admin title="auth.new_password_title">
            <Show
                when=move || done().is_some()
                fallback=move || {
                    let token = token.clone();
                    view! {
                        <ActionForm action=reset attr:class="form">
                            <FormError error/>
                            <input type="hidden" name="token" value=token/>
                            <Field
                                label=Signal::derive(move || i18n.t("auth.new_password"))
                                name="password"
                                kind="password"
                                autocomplete="new-password"
                                error
                                required=true
                                hint=Signal::derive(move || i18n.t("auth.password_hint"))
                            />
                            <Submit label=Signal::derive(move || i18n.t("auth.save_password")) pending=reset.pending() class="btn-block"/>
                        </ActionForm>
                    }
                }
            >
                <div class="alert alert-success" role="status">{move || i18n.t("auth.password_saved")}</div>
                <a class="btn btn-primary btn-block" href=move || if done() == Some(UserKind::Staff) { "/admin/login" } else { "/login" }>
                    {move || i18n.t("auth.sign_in")}
                </a>
            </Show>
        </AuthPage>
    }
}
