//! Profile and security: personal details, password, two-factor authentication, and (for
//! traders) asking to become an IB.
use crate::api::identity::auth::{
    ChangePassword, EndSession, SendPhoneCode, TotpDisable, VerifyPhone, my_sessions,
};
use crate::api::money::funds::{RequestIbUpgrade, my_requests};
use crate::domain::access::UserKind;
use crate::domain::approval::{RequestKind, RequestStatus};
use crate::i18n::use_i18n;
use crate::model::{ListQuery, Me};
use crate::pages::PageHeader;
use crate::pages::identity::signin::TotpEnroll;
use crate::ui::form::{Field, FormError, Submit, TextField, first_error, last_error, tlabel};
use crate::ui::in_browser::InBrowser;
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
    let is_trader = me.kind == UserKind::Trader;
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
            {is_client.then(|| view! { <EditCard me=me.clone()/> })}
            {is_client.then(|| view! { <PhoneCard phone=me.phone.clone()/> })}
            {is_client.then(|| view! { <KycHistoryCard/> })}
            {is_trader.then(|| view! { <IbUpgradeCard/> })}
        </div>
        <SessionsCard/>
    }
}

/// A trader asks to become an IB; the card shows the latest such request while it is open.
#[component]
fn IbUpgradeCard() -> impl IntoView {
    use crate::ui::badge::StatusBadge;
    use crate::ui::form::{FormProblem, TextField, tlabel};
    let i18n = use_i18n();
    let version = RwSignal::new(0u32);
    // The request is loaded in the browser once the page has hydrated (`InBrowser`).
    let latest = LocalResource::new(move || {
        version.track();
        async move {
            // The search matches a request kind exactly: the newest IB upgrade request.
            let query = ListQuery {
                page: 0,
                per_page: 1,
                sort: "created".into(),
                desc: true,
                q: "ib_upgrade".into(),
                ..Default::default()
            };
            my_requests(query).await.map(|p| {
                p.rows
                    .into_iter()
                    .find(|r| r.kind == RequestKind::IbUpgrade)
            })
        }
    });
    let reason = RwSignal::new(String::new());
    let action = ServerAction::<RequestIbUpgrade>::new();
    let error = last_error(action.value());
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            reason.set(String::new());
            version.update(|v| *v += 1);
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        action.dispatch(RequestIbUpgrade {
            reason: reason.get_untracked().trim().to_string(),
        });
    };
    let form = move || {
        view! {
            <form id="ib-upgrade-form" class="form" novalidate on:submit=on_submit>
                <FormProblem error shown=vec!["reason".to_string()]/>
                <TextField
                    label=tlabel("funds.ib_reason")
                    id="f-ib-reason"
                    name="reason"
                    field="reason"
                    value=reason
                    error
                    multiline=true
                    hint=tlabel("funds.ib_reason_hint")
                />
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("funds.ib_submit")) pending=action.pending()/>
                </div>
            </form>
        }
    };
    view! {
        <div class="card" data-testid="ib-upgrade">
            <h2 class="card-title">{move || i18n.t("funds.ib_title")}</h2>
            <p class="muted">{move || i18n.t("funds.ib_intro")}</p>
            <InBrowser>
                <Transition fallback=|| view! { <div class="spinner"></div> }>
                    {move || {
                        latest
                            .get()
                            .map(|r| {
                                let row = r.ok().flatten();
                                let state = row.as_ref().map(|r| r.status);
                                let status_view = row
                                    .clone()
                                    .map(|r| {
                                        let status = r.status;
                                        let when = crate::ui::date(&r.created_at);
                                        let reason = (r.status == RequestStatus::Rejected && !r.reason.trim().is_empty()).then(|| r.reason.clone());
                                        view! {
                                            <div class="stack ib-request" data-testid="ib-request">
                                                <div class="cluster">
                                                    <span class="muted">{move || i18n.t("funds.ib_request").replace("{id}", &r.id.to_string())}</span>
                                                    <StatusBadge status testid="ib-request-status"/>
                                                    <span class="muted">{when}</span>
                                                </div>
                                                {reason.map(|text| view! { <p class="alert alert-error">{text}</p> })}
                                            </div>
                                        }
                                    });
                                let body = match state {
                                    Some(RequestStatus::Pending) => view! { <p>{move || i18n.t("funds.ib_pending")}</p> }.into_any(),
                                    Some(RequestStatus::Approved) => view! { <p class="alert alert-success">{move || i18n.t("funds.ib_approved")}</p> }.into_any(),
                                    _ => form().into_any(),
                                };
                                view! {
                                    <div class="stack ib-body">
                                        {status_view}
                                        {body}
                                    </div>
                                }
                            })
                    }}
                </Transition>
            </InBrowser>
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

/// Proving the phone number: a code by text message, entered here.
#[component]
fn PhoneCard(phone: String) -> impl IntoView {
    let i18n = use_i18n();
    let send = ServerAction::<SendPhoneCode>::new();
    let verify = ServerAction::<VerifyPhone>::new();
    let error = first_error([last_error(send.value()), last_error(verify.value())]);
    let code = RwSignal::new(String::new());
    let sent = move || matches!(send.value().get(), Some(Ok(())));
    let verified = move || matches!(verify.value().get(), Some(Ok(())));
    view! {
        <div class="card stack" data-testid="phone-card">
            <h2 class="card-title">{move || i18n.t("profile.phone_title")}</h2>
            <p class="muted">{phone}</p>
            <FormError error/>
            <Show when=verified fallback=move || view! {
                <button type="button" class="btn btn-sm" disabled=move || send.pending().get()
                    on:click=move |_| { send.dispatch(SendPhoneCode {}); }>{move || i18n.t("profile.phone_send")}</button>
                <Show when=sent>
                    <form class="cluster" on:submit=move |ev| {
                        ev.prevent_default();
                        verify.dispatch(VerifyPhone { code: code.get_untracked() });
                    }>
                        <TextField label=tlabel("auth.code") id="f-phone-code" field="code" value=code error inputmode="numeric" autocomplete="one-time-code"/>
                        <button type="submit" class="btn btn-sm btn-primary" disabled=move || verify.pending().get()>{move || i18n.t("auth.verify")}</button>
                    </form>
                </Show>
            }>
                <div class="alert alert-success" role="status">{move || i18n.t("profile.phone_verified")}</div>
            </Show>
        </div>
    }
}

/// The caller's signed-in devices, each of which can be signed out from here.
#[component]
pub fn SessionsCard() -> impl IntoView {
    let i18n = use_i18n();
    let end = ServerAction::<EndSession>::new();
    let error = last_error(end.value());
    // Loaded in the browser (`InBrowser`).
    let sessions = LocalResource::new(move || {
        end.version().track();
        my_sessions()
    });
    view! {
        <div class="card stack" data-testid="sessions">
            <h2 class="card-title">{move || i18n.t("profile.sessions")}</h2>
            <p class="muted small">{move || i18n.t("profile.sessions_hint")}</p>
            <FormError error/>
            <InBrowser>
            <div class="table-wrap">
                <table class="table">
                    <thead>
                        <tr>
                            <th>{move || i18n.t("crm.device")}</th>
                            <th>{move || i18n.t("crm.ip")}</th>
                            <th>{move || i18n.t("profile.session_started")}</th>
                            <th>{move || i18n.t("profile.session_seen")}</th>
                            <th><span class="sr-only">{move || i18n.t("common.actions")}</span></th>
                        </tr>
                    </thead>
                    <Transition fallback=|| view! { <tbody><tr><td colspan="5"><div class="spinner"></div></td></tr></tbody> }>
                        {move || sessions.get().map(|r| view! {
                            <tbody>
                                {r.unwrap_or_default().into_iter().map(|s| {
                                    let id = s.id.clone();
                                    view! {
                                        <tr>
                                            <td class="small">{s.device.clone()}</td>
                                            <td class="mono">{s.ip.clone()}</td>
                                            <td class="nowrap">{crate::ui::datetime(&s.created_at)}</td>
                                            <td class="nowrap">{crate::ui::datetime(&s.last_seen_at)}</td>
                                            <td>
                                                {if s.current {
                                                    view! { <span class="badge badge-success">{move || i18n.t("profile.session_this")}</span> }.into_any()
                                                } else {
                                                    view! {
                                                        <button type="button" class="btn btn-sm btn-ghost" disabled=move || end.pending().get()
                                                            on:click=move |_| { end.dispatch(EndSession { id: id.clone() }); }>
                                                            {move || i18n.t("profile.session_end")}
                                                        </button>
                                                    }.into_any()
                                                }}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        })}
                    </Transition>
                </table>
            </div>
            </InBrowser>
        </div>
    }
}

/// The client changes what the firm allows: some fields at once, others after staff approve
/// (a profile-change request). Loaded once the page has hydrated (`InBrowser`).
#[component]
fn EditCard(me: Me) -> impl IntoView {
    use crate::api::crm::{UpdateProfile, get_profile_policy};
    use crate::model::ProfileEdit;
    let i18n = use_i18n();
    let policy = LocalResource::new(get_profile_policy);
    let save = ServerAction::<UpdateProfile>::new();
    let error = last_error(save.value());
    let first = RwSignal::new(me.first_name.clone());
    let last = RwSignal::new(me.last_name.clone());
    let country = RwSignal::new(me.country.clone());
    let phone = RwSignal::new(me.phone.clone());
    let fields: [(&'static str, &'static str, RwSignal<String>); 4] = [
        ("first_name", "auth.first_name", first),
        ("last_name", "auth.last_name", last),
        ("country", "auth.country", country),
        ("phone", "auth.phone", phone),
    ];
    view! {
        <div class="card stack" data-testid="profile-edit">
            <h2 class="card-title">{move || i18n.t("profile.edit_title")}</h2>
            <InBrowser>
            <Transition fallback=|| view! { <div class="spinner"></div> }>
                {move || policy.get().and_then(|r| r.ok()).map(|p| view! {
                    <form class="form" on:submit=move |ev| {
                        ev.prevent_default();
                        save.dispatch(UpdateProfile { edit: ProfileEdit {
                            first_name: first.get_untracked(),
                            last_name: last.get_untracked(),
                            country: country.get_untracked(),
                            phone: phone.get_untracked(),
                        } });
                    }>
                        <FormError error/>
                        {fields.into_iter().map(|(name, label, value)| {
                            let id = format!("f-profile-{name}");
                            if !p.may_edit(name) {
                                view! {
                                    <div class="field">
                                        <label>{move || i18n.t(label)}</label>
                                        <span>{move || value.get()}</span>
                                        <span class="hint">{move || i18n.t("profile.locked")}</span>
                                    </div>
                                }.into_any()
                            } else if p.is_reviewed(name) {
                                view! { <TextField label=tlabel(label) id field=name value error hint=tlabel("profile.reviewed")/> }.into_any()
                            } else {
                                view! { <TextField label=tlabel(label) id field=name value error/> }.into_any()
                            }
                        }).collect_view()}
                        {move || save.value().get().and_then(|r| r.ok()).map(|o| view! {
                            <div class="alert alert-success" role="status" data-testid="profile-saved">
                                {if o.request_id.is_some() { i18n.t("profile.sent_for_review") } else { i18n.t("settings.saved") }}
                            </div>
                        })}
                        <div class="form-actions">
                            <Submit label=Signal::derive(move || i18n.t("common.save")) pending=save.pending()/>
                        </div>
                    </form>
                })}
            </Transition>
            </InBrowser>
        </div>
    }
}

/// The client's identity checks, newest first.
#[component]
fn KycHistoryCard() -> impl IntoView {
    use crate::ui::badge::StatusBadge;
    let i18n = use_i18n();
    let history = LocalResource::new(|| async {
        let query = ListQuery {
            page: 0,
            per_page: 20,
            sort: "created".into(),
            desc: true,
            q: "kyc".into(),
            ..Default::default()
        };
        my_requests(query).await.map(|p| p.rows)
    });
    view! {
        <div class="card stack" data-testid="kyc-history">
            <div class="card-header">
                <h2 class="card-title">{move || i18n.t("profile.kyc_history")}</h2>
                <a class="btn btn-sm btn-ghost" href="/kyc">{move || i18n.t("nav.kyc")}</a>
            </div>
            <InBrowser><Transition fallback=|| view! { <div class="spinner"></div> }>
                {move || history.get().and_then(|r| r.ok()).map(|rows| {
                    if rows.is_empty() {
                        view! { <p class="empty">{move || i18n.t("profile.kyc_none")}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="list-plain stack">
                                {rows.into_iter().map(|r| view! {
                                    <li class="cluster">
                                        <StatusBadge status=r.status/>
                                        <span class="muted">{crate::ui::datetime(&r.created_at)}</span>
                                        {(!r.reason.is_empty()).then(|| view! { <span class="small">{r.reason.clone()}</span> })}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                })}
            </Transition></InBrowser>
        </div>
    }
}
