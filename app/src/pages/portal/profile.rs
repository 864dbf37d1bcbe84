//! Profile and security: personal details, password, two-factor authentication.
use crate::api::auth::{ChangePassword, TotpDisable};
use crate::domain::access::UserKind;
use crate::i18n::use_i18n;
use crate::model::Me;
use crate::pages::PageHeader;
use crate::pages::signin::TotpEnroll;
use crate::ui::form::{Field, FormError, Submit, last_error};
use crate::ui::layout::{MeCtx, reload_to};
use leptos::prelude::*;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let MeCtx(me) = expect_context();
    view! {
        <PageHeader title="nav.profile" subtitle="profile.subtitle"/>
        <Suspense>{move || me.get().and_then(|r| r.ok().flatten()).map(|me| view! { <Profile me/> })}</Suspense>
    }
}

#[component]
fn Profile(me: Me) -> impl IntoView {
    let i18n = use_i18n();
    let is_client = me.kind != UserKind::Staff;
    let rows = vec![
        ("auth.first_name", me.first_name.clone()),
        ("auth.last_name", me.last_name.clone()),
        ("auth.email", me.email.clone()),
        ("auth.country", me.country.clone()),
        ("auth.phone", me.phone.clone()),
    ];
    view! {
        <div class="grid-2">
            <div class="card">
                <h2 class="card-title">{move || i18n.t("profile.details")}</h2>
                <dl class="stack">
                    {rows
                        .into_iter()
                        .filter(|(_, v)| !v.is_empty())
                        .map(|(k, v)| {
                            view! {
                                <div>
                                    <dt class="muted">{move || i18n.t(k)}</dt>
                                    <dd>{v}</dd>
                                </div>
                            }
                        })
                        .collect_view()}
                </dl>
            </div>
            <PasswordCard/>
            <TwoFactorCard enabled=me.totp_enabled can_disable=is_client/>
        </div>
    }
}

#[component]
pub fn PasswordCard() -> impl IntoView {
    let i18n = use_i18n();
    let change = ServerAction::<ChangePassword>::new();
    let error = last_error(change.value());
    let saved = move || matches!(change.value().get(), Some(Ok(())));
    view! {
        <div class="card">
            <h2 class="card-title">{move || i18n.t("profile.change_password")}</h2>
            <ActionForm action=change attr:class="form">
                <FormError error/>
                <Show when=saved>
                    <div class="alert alert-success" role="status">{move || i18n.t("profile.password_changed")}</div>
                </Show>
                <Field label=Signal::derive(move || i18n.t("profile.current_password")) name="current_password" kind="password" autocomplete="current-password" error required=true/>
                <Field
                    label=Signal::derive(move || i18n.t("auth.new_password"))
                    name="new_password"
                    kind="password"
                    autocomplete="new-password"
                    error
                    required=true
                    hint=Signal::derive(move || i18n.t("auth.password_hint"))
                />
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("auth.save_password")) pending=change.pending()/>
                </div>
            </ActionForm>
        </div>
    }
}

#[component]
pub fn TwoFactorCard(enabled: bool, can_disable: bool) -> impl IntoView {
    let i18n = use_i18n();
    let enrolling = RwSignal::new(false);
    let disable = ServerAction::<TotpDisable>::new();
    let error = last_error(disable.value());
    Effect::new(move |_| {
        if let Some(Ok(())) = disable.value().get() {
            reload_to("/profile");
        }
    });
    view! {
        <div class="card">
            <div class="card-header">
                <h2 class="card-title">{move || i18n.t("profile.two_factor")}</h2>
                {if enabled {
                    view! { <span class="badge badge-success">{move || i18n.t("dash.2fa_on")}</span> }.into_any()
                } else {
                    view! { <span class="badge badge-muted">{move || i18n.t("dash.2fa_off")}</span> }.into_any()
                }}
            </div>
            {if enabled {
                if can_disable {
                    view! {
                        <ActionForm action=disable attr:class="form">
                            <p class="muted">{move || i18n.t("profile.disable_intro")}</p>
                            <FormError error/>
                            <Field label=Signal::derive(move || i18n.t("auth.password")) name="password" kind="password" autocomplete="current-password" error required=true/>
                            <Field label=Signal::derive(move || i18n.t("auth.code")) name="code" autocomplete="one-time-code" error required=true/>
                            <div class="form-actions">
                                <button type="submit" class="btn btn-danger">{move || i18n.t("profile.disable_2fa")}</button>
                            </div>
                        </ActionForm>
                    }
                        .into_any()
                } else {
                    view! { <p class="muted">{move || i18n.t("profile.staff_2fa_required")}</p> }.into_any()
                }
            } else {
                view! {
                    <Show
                        when=move || enrolling.get()
                        fallback=move || {
                            view! {
                                <p class="muted">{move || i18n.t("profile.enable_intro")}</p>
                                <button type="button" class="btn btn-primary" on:click=move |_| enrolling.set(true)>
                                    {move || i18n.t("auth.enable_2fa")}
                                </button>
                            }
                        }
                    >
                        <TotpEnroll on_done=move |_| reload_to("/profile")/>
                    </Show>
                }
                    .into_any()
            }}
        </div>
    }
}
