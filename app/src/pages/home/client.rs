use crate::api::crm::get_client_home;
use crate::api::notifications::get_notifications;
use crate::domain::access::UserKind;
use crate::domain::live::Topic;
use crate::i18n::use_i18n;
use crate::model::Me;
use crate::pages::PageHeader;
use crate::ui::bell::notification_text;
use crate::ui::in_browser::InBrowser;
use crate::ui::layout::{IdChip, MeCtx};
use crate::ui::live::changes;
use crate::ui::resource::resource;
use leptos::prelude::*;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let MeCtx(me) = expect_context();
    view! {
        <PageHeader title="dash.title" subtitle="dash.subtitle"/>
        <Suspense>{move || me.get().and_then(|r| r.ok().flatten()).map(|me| view! { <Dashboard me/> })}</Suspense>
    }
}

#[component]
fn Dashboard(me: Me) -> impl IntoView {
    let i18n = use_i18n();
    let live = changes(Topic::Notification);
    let feed = resource(move || live.get(), |_| get_notifications());
    // Decisions and account updates arrive as notifications: the summary follows them too.
    // Loaded in the browser (`InBrowser`): it sits inside the page's suspense.
    let home = LocalResource::new(move || {
        live.track();
        get_client_home()
    });
    let kind_key = if me.kind == UserKind::Ib {
        "auth.kind_ib"
    } else {
        "auth.kind_trader"
    };
    let code = me.referral_code.clone().unwrap_or_default();
    let is_ib = me.kind == UserKind::Ib;
    let first = me.first_name.clone();
    view! {
        <div class="stack">
            <div class="card">
                <div class="card-header">
                    <h2 class="card-title">{move || i18n.t("dash.welcome").replace("{name}", &first)}</h2>
                    <span class="badge badge-accent">{move || i18n.t(kind_key)}</span>
                </div>
                <div class="cluster">
                    <IdChip label=Signal::derive(move || i18n.t("dash.user_id")) value=me.id.to_string() test_id="user-id"/>
                    <IdChip label=Signal::derive(move || i18n.t("dash.referral_code")) value=code test_id="referral-code"/>
                </div>
            </div>
            <div class="grid-cards">
                <div class="card stat">
                    <span class="stat-label">{move || i18n.t("auth.email")}</span>
                    <span class="stat-value" style="font-size:1rem">{me.email.clone()}</span>
                    <span class="stat-sub">{me.country.clone()} " · " {me.phone.clone()}</span>
                </div>
                <div class="card stat">
                    <span class="stat-label">{move || i18n.t("dash.security")}</span>
                    <span class="stat-value" style="font-size:1rem">
                        {move || if me.totp_enabled { i18n.t("dash.2fa_on") } else { i18n.t("dash.2fa_off") }}
                    </span>
                    <a class="stat-sub" href="/profile">{move || i18n.t("dash.manage_security")}</a>
                </div>
                {is_ib
                    .then(|| {
                        view! {
                            <div class="card stat">
                                <span class="stat-label">{move || i18n.t("nav.ib_area")}</span>
                                <span class="stat-value" style="font-size:1rem">{move || i18n.t("ib.subtitle")}</span>
                                <a class="stat-sub" href="/ib">{move || i18n.t("dash.open_ib")}</a>
                            </div>
                        }
                    })}
            </div>
            <InBrowser>
                <Transition fallback=|| view! { <div class="spinner"></div> }>
                    {move || home.get().and_then(|r| r.ok()).map(|h| view! { <Summary h/> })}
                </Transition>
            </InBrowser>
            <div class="card">
                <div class="card-header">
                    <h2 class="card-title">{move || i18n.t("dash.recent_notifications")}</h2>
                    <a class="btn btn-sm btn-ghost" href="/notifications">{move || i18n.t("common.view_all")}</a>
                </div>
                <Transition fallback=|| view! { <div class="spinner"></div> }>
                    {move || {
                        feed.get()
                            .map(|r| match r {
                                Ok(f) if !f.items.is_empty() => {
                                    view! {
                                        <ul class="list-plain stack">
                                            {f.items
                                                .into_iter()
                                                .take(5)
                                                .map(|n| {
                                                    let when = crate::ui::datetime(&n.created_at);
                                                    view! {
                                                        <li>
                                                            {move || notification_text(&n, |k| i18n.t(k))} " "
                                                            <small class="muted">{when}</small>
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                    }
                                        .into_any()
                                }
                                Ok(_) => view! { <p class="empty">{move || i18n.t("common.no_notifications")}</p> }.into_any(),
                                Err(e) => view! { <p class="form-error">{move || i18n.t(e.key())}</p> }.into_any(),
                            })
                    }}
                </Transition>
            </div>
        </div>
    }
}

/// Balances, challenges under way with their progress, and requests waiting for a decision.
#[component]
fn Summary(h: crate::model::ClientHome) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="grid-cards" data-testid="home-wallets">
            {h.wallets.into_iter().map(|w| view! {
                <div class="card stat">
                    <span class="stat-label">{move || i18n.t("dash.balance")} " " {w.currency().to_string()}</span>
                    <span class="stat-value">{w.balance.to_string()}</span>
                    <span class="stat-sub">{move || i18n.t("wallets.available")} ": " {w.available.to_string()}</span>
                </div>
            }).collect_view()}
            <a class="card stat" href="/funds">
                <span class="stat-label">{move || i18n.t("nav.funds")}</span>
                <span class="stat-sub">{move || i18n.t("dash.deposit_withdraw")}</span>
            </a>
        </div>
        <div class="grid-2">
            <div class="card stack" data-testid="home-challenges">
                <div class="card-header">
                    <h2 class="card-title">{move || i18n.t("dash.active_challenges")}</h2>
                    <a class="btn btn-sm btn-ghost" href="/my-challenges">{move || i18n.t("common.view_all")}</a>
                </div>
                {h.challenges.is_empty().then(|| view! {
                    <p class="empty">{move || i18n.t("dash.no_challenges")} " " <a href="/challenges">{move || i18n.t("dash.choose_challenge")}</a></p>
                })}
                {h.challenges.into_iter().map(|p| view! {
                    <a class="stack" href=format!("/my-challenges/{}", p.id)>
                        <div class="cluster">
                            <strong>{p.challenge.clone()}</strong>
                            <crate::ui::prop::ParticipantBadge status=p.status/>
                        </div>
                        <crate::ui::prop::ProgressBars bars=p.bars.clone() compact=true/>
                    </a>
                }).collect_view()}
            </div>
            <div class="card stack" data-testid="home-pending">
                <div class="card-header">
                    <h2 class="card-title">{move || i18n.t("dash.pending_requests")}</h2>
                    <a class="btn btn-sm btn-ghost" href="/requests">{move || i18n.t("common.view_all")}</a>
                </div>
                {h.pending.is_empty().then(|| view! { <p class="empty">{move || i18n.t("dash.no_pending")}</p> })}
                <ul class="list-plain stack">
                    {h.pending.into_iter().map(|r| {
                        let kind = r.kind.label_key();
                        let amount = match (&r.amount, &r.currency) {
                            (Some(a), Some(c)) => crate::ui::money(a, c),
                            _ => String::new(),
                        };
                        view! {
                            <li class="cluster">
                                <span>{move || i18n.t(&kind)}</span>
                                <span class="muted">{amount}</span>
                                <small class="muted">{crate::ui::datetime(&r.created_at)}</small>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
        </div>
    }
}
