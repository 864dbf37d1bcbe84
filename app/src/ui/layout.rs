//! The frame of the portals: sidebar, top bar (with the notifications' bell), user menu.
use crate::api::identity::auth::{get_me, logout};
use crate::domain::access::UserKind;
use crate::domain::permission::Permission;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::model::Me;
use crate::ui::bell::Bell;
use crate::ui::prefs::{LanguageSelect, ThemeToggle};
use crate::ui::resource::{Json, resource};
use leptos::prelude::*;
use leptos_router::components::{A, Outlet};

/// The signed-in user, loaded once per page load.
#[derive(Clone, Copy)]
pub struct MeCtx(pub Resource<Result<Option<Me>, AppError>, Json>);

pub fn provide_me() {
    provide_context(MeCtx(resource(|| (), |_| get_me())));
}

/// A full page load to `href`: used after sign-in and sign-out, when the whole app must be
/// rendered again with the new session.
pub fn reload_to(href: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().location().set_href(href);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = href;
}

fn sign_out(to: &'static str) {
    leptos::task::spawn_local(async move {
        let _ = logout().await;
        reload_to(to);
    });
}

struct NavItem {
    href: &'static str,
    icon: &'static str,
    label: &'static str,
}

#[component]
fn Nav(items: Vec<NavItem>, on_nav: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="nav">
            {items
                .into_iter()
                .map(|item| {
                    let href = item.href;
                    // The router's link marks itself current (aria-current) for its own path and
                    // those under it; the portals' home pages would then match every page.
                    let exact = href == "/" || href == "/admin";
                    view! {
                        <li>
                            <A href=href exact attr:title=move || i18n.t(item.label) on:click=move |_| on_nav.run(())>
                                <span class="nav-icon" aria-hidden="true">{item.icon}</span>
                                <span class="nav-label">{move || i18n.t(item.label)}</span>
                            </A>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

#[component]
pub fn CopyButton(#[prop(into)] text: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let copied = RwSignal::new(false);
    let on_click = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let _ = window()
                .navigator()
                .clipboard()
                .write_text(&text.get_untracked());
            copied.set(true);
            set_timeout(
                move || copied.set(false),
                std::time::Duration::from_millis(1500),
            );
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = text;
    };
    view! {
        <button type="button" class="copy-btn btn btn-sm btn-ghost" class:is-copied=move || copied.get() on:click=on_click>
            {move || if copied.get() { i18n.t("common.copied") } else { i18n.t("common.copy") }}
        </button>
    }
}

#[component]
pub fn IdChip(
    #[prop(into)] label: Signal<&'static str>,
    value: String,
    #[prop(optional)] test_id: &'static str,
) -> impl IntoView {
    let v = value.clone();
    view! {
        <span class="idchip" data-testid=test_id>
            <span class="muted">{move || label.get()}</span>
            <span class="mono">{value}</span>
            <CopyButton text=Signal::derive(move || v.clone())/>
        </span>
    }
}

#[component]
fn UserChip(me: Me, logout_to: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let name = me.display_name();
    view! {
        <span class="user-chip">
            <span class="avatar" aria-hidden="true">{me.initials()}</span>
            <span class="user-name">{name}</span>
        </span>
        <button type="button" class="btn btn-sm btn-ghost" on:click=move |_| sign_out(logout_to)>
            {move || i18n.t("nav.sign_out")}
        </button>
    }
}

/// Collapsed sidebar (desktop) and open drawer (phone) state; collapse is remembered locally.
#[derive(Clone, Copy)]
struct SidebarState {
    collapsed: RwSignal<bool>,
    open: RwSignal<bool>,
}

impl SidebarState {
    fn new() -> Self {
        let collapsed = RwSignal::new(false);
        Effect::new(move |first: Option<()>| {
            #[cfg(feature = "hydrate")]
            {
                let storage = window().local_storage().ok().flatten();
                if first.is_none() {
                    if let Some(v) = storage
                        .as_ref()
                        .and_then(|s| s.get_item("pd_sidebar").ok().flatten())
                    {
                        collapsed.set(v == "collapsed");
                    }
                } else if let Some(s) = storage {
                    let _ = s.set_item(
                        "pd_sidebar",
                        if collapsed.get() {
                            "collapsed"
                        } else {
                            "expanded"
                        },
                    );
                }
                collapsed.track();
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = first;
        });
        Self {
            collapsed,
            open: RwSignal::new(false),
        }
    }

    fn toggle(&self) {
        #[cfg(feature = "hydrate")]
        {
            let phone = window()
                .inner_width()
                .ok()
                .and_then(|w| w.as_f64())
                .is_some_and(|w| w <= 768.0);
            if phone {
                self.open.update(|o| *o = !*o);
                return;
            }
        }
        self.collapsed.update(|c| *c = !*c);
    }
}

#[component]
fn Frame(me: Me, admin: bool, items: Vec<NavItem>) -> impl IntoView {
    let i18n = use_i18n();
    let sidebar = SidebarState::new();
    let close = Callback::new(move |_| sidebar.open.set(false));
    let (brand, logout_to) = if admin {
        ("nav.back_office", "/admin/login")
    } else {
        ("nav.client_portal", "/login")
    };
    view! {
        <div class="shell" class:admin=admin class:is-collapsed=move || sidebar.collapsed.get() class:nav-open=move || sidebar.open.get()>
            <aside class="sidebar" aria-label=move || i18n.t("nav.menu")>
                <div class="sidebar-brand">
                    <span class="nav-icon" aria-hidden="true">"◆"</span>
                    <span class="sidebar-brand-text">"PropDesk " <small class="muted">{move || i18n.t(brand)}</small></span>
                </div>
                <Nav items on_nav=close/>
            </aside>
            <div class="nav-backdrop" on:click=move |_| sidebar.open.set(false)></div>
            <div class="main">
                <header class="topbar">
                    <div class="topbar-left">
                        <button
                            type="button"
                            class="icon-btn sidebar-toggle"
                            aria-label=move || i18n.t("nav.toggle_menu")
                            on:click=move |_| sidebar.toggle()
                        >
                            "☰"
                        </button>
                    </div>
                    <div class="topbar-right">
                        <LanguageSelect/>
                        <ThemeToggle/>
                        <Bell/>
                        <UserChip me=me logout_to=logout_to/>
                    </div>
                </header>
                <main class="content">
                    <Outlet/>
                </main>
            </div>
        </div>
    }
}

/// Renders `inner` with the signed-in user once loaded. Pages behind it are also guarded on
/// the server (the router middleware redirects anonymous visitors to sign in).
/// A transition, not a suspense: a page's resource read outside the page's own suspense (in an
/// effect, say) waits here, and reloading it with a live update must not swap the whole frame,
/// with whatever the user was typing, for the loading bar.
#[component]
fn WithMe(inner: fn(Me) -> AnyView, sign_in: &'static str) -> impl IntoView {
    let MeCtx(me) = expect_context();
    view! {
        <Transition fallback=|| view! { <div class="progress indeterminate"><div class="progress-bar"></div></div> }>
            {move || {
                me.get()
                    .map(|r| match r {
                        Ok(Some(me)) => inner(me),
                        _ => {
                            reload_to(sign_in);
                            ().into_any()
                        }
                    })
            }}
        </Transition>
    }
}

#[component]
pub fn PortalShell() -> impl IntoView {
    view! {
        <WithMe
            sign_in="/login"
            inner=|me| {
                let mut items = vec![
                    NavItem { href: "/", icon: "▦", label: "nav.dashboard" },
                    NavItem { href: "/challenges", icon: "★", label: "nav.challenges" },
                    NavItem { href: "/my-challenges", icon: "⚐", label: "nav.my_challenges" },
                    NavItem { href: "/funds", icon: "$", label: "nav.funds" },
                    NavItem { href: "/transactions", icon: "≡", label: "nav.transactions" },
                    NavItem { href: "/requests", icon: "⇄", label: "nav.requests" },
                    NavItem { href: "/kyc", icon: "✔", label: "nav.kyc" },
                    NavItem { href: "/profile", icon: "☺", label: "nav.profile" },
                    NavItem { href: "/notifications", icon: "✉", label: "nav.notifications" },
                    NavItem { href: "/coupons", icon: "✂", label: "nav.coupons" },
                    NavItem { href: "/competitions", icon: "♛", label: "nav.competitions" },
                    NavItem { href: "/support", icon: "?", label: "nav.support" },
                    NavItem { href: "/downloads", icon: "⇩", label: "nav.downloads" },
                ];
                if me.kind == UserKind::Ib {
                    items.push(NavItem { href: "/ib", icon: "⚑", label: "nav.ib_area" });
                }
                view! { <Frame me admin=false items/><crate::ui::popup::NoticePopup/> }.into_any()
            }
        />
    }
}

#[component]
pub fn AdminShell() -> impl IntoView {
    view! {
        <WithMe
            sign_in="/admin/login"
            inner=|me| {
                let all = [
                    (Permission::DashboardView, NavItem { href: "/admin", icon: "▦", label: "nav.dashboard" }),
                    (Permission::RequestsView, NavItem { href: "/admin/approvals", icon: "✓", label: "nav.approvals" }),
                    (Permission::ClientsView, NavItem { href: "/admin/clients", icon: "☺", label: "nav.clients" }),
                    (Permission::ClientsView, NavItem { href: "/admin/leads", icon: "✆", label: "nav.leads" }),
                    (Permission::ClientsView, NavItem { href: "/admin/tasks", icon: "☑", label: "nav.tasks" }),
                    (Permission::ChallengesManage, NavItem { href: "/admin/challenges", icon: "★", label: "nav.challenges" }),
                    (Permission::PropDashboard, NavItem { href: "/admin/prop-dashboard", icon: "◔", label: "nav.prop_dashboard" }),
                    (Permission::ParticipantsView, NavItem { href: "/admin/participants", icon: "⚐", label: "nav.participants" }),
                    (Permission::ParticipantsView, NavItem { href: "/admin/profit-shares", icon: "%", label: "nav.profit_shares" }),
                    (Permission::PropDashboard, NavItem { href: "/admin/prop-fees", icon: "¤", label: "nav.prop_fees" }),
                    (Permission::IbView, NavItem { href: "/admin/ib", icon: "⚑", label: "nav.ib_admin" }),
                    (Permission::OffersView, NavItem { href: "/admin/offers", icon: "✂", label: "nav.offers" }),
                    (Permission::NoticesManage, NavItem { href: "/admin/messages", icon: "✉", label: "nav.messages" }),
                    (Permission::CompetitionsManage, NavItem { href: "/admin/competitions", icon: "♛", label: "nav.competitions" }),
                    (Permission::TicketsView, NavItem { href: "/admin/tickets", icon: "?", label: "nav.tickets" }),
                    (Permission::DownloadsManage, NavItem { href: "/admin/downloads", icon: "⇩", label: "nav.downloads" }),
                    (Permission::RiskAlertsView, NavItem { href: "/admin/alerts", icon: "!", label: "nav.alerts" }),
                    (Permission::PlatformManage, NavItem { href: "/admin/platform", icon: "≈", label: "nav.platform" }),
                    (Permission::PlatformManage, NavItem { href: "/admin/servers", icon: "⇄", label: "nav.servers" }),
                    (Permission::FundsView, NavItem { href: "/admin/wallets", icon: "$", label: "nav.wallets" }),
                    (Permission::FundsView, NavItem { href: "/admin/transactions", icon: "≡", label: "nav.transactions" }),
                    (Permission::StaffView, NavItem { href: "/admin/staff", icon: "☷", label: "nav.staff" }),
                    (Permission::RolesManage, NavItem { href: "/admin/roles", icon: "✓", label: "nav.roles" }),
                    (Permission::AuditView, NavItem { href: "/admin/audit", icon: "☰", label: "nav.audit" }),
                    (Permission::SettingsManage, NavItem { href: "/admin/settings", icon: "⚙", label: "nav.settings" }),
                ];
                let mut items: Vec<NavItem> = all.into_iter().filter(|(p, _)| me.can(*p)).map(|(_, i)| i).collect();
                items.push(NavItem { href: "/admin/account", icon: "⚙", label: "nav.my_account" });
                view! { <Frame me admin=true items/> }.into_any()
            }
        />
    }
}
