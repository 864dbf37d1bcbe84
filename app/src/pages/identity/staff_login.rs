use crate::api::identity::auth::AdminLogin;
use crate::i18n::use_i18n;
use crate::model::LoginStep;
use crate::pages::identity::signin::{AuthPage, TotpEnroll, TotpStep, next_path};
use crate::ui::form::{Field, FormError, Submit, last_error};
use crate::ui::layout::reload_to;
use leptos::prelude::*;

/// Staff sign-in: password, then the authenticator code, or (first time) two-factor setup.
#[component]
pub fn AdminLoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let login = ServerAction::<AdminLogin>::new();
    let error = last_error(login.value());
    let next = next_path("/admin");
    let step = move || login.value().get().and_then(|r| r.ok());
    let go = next.clone();
    Effect::new(move |_| {
        if step() == Some(LoginStep::Done) {
            reload_to(&go);
        }
    });
    let after_enroll = next.clone();
    view! {
        <AuthPage admin=true title="auth.staff_sign_in">
            {move || match step() {
                Some(LoginStep::TotpRequired) => view! { <TotpStep next=next.clone()/> }.into_any(),
                Some(LoginStep::TotpEnrollment) => {
                    let to = after_enroll.clone();
                    view! { <TotpEnroll on_done=move |_| reload_to(&to)/> }.into_any()
                }
                _ => {
                    view! {
                        <ActionForm action=login attr:class="form">
                            <FormError error/>
                            <Field label=Signal::derive(move || i18n.t("auth.email")) name="email" kind="email" autocomplete="username" error required=true/>
                            <Field label=Signal::derive(move || i18n.t("auth.password")) name="password" kind="password" autocomplete="current-password" error required=true/>
                            <Submit label=Signal::derive(move || i18n.t("auth.sign_in")) pending=login.pending() class="btn-block"/>
                        </ActionForm>
                    }
                        .into_any()
                }
            }}
        </AuthPage>
    }
}
