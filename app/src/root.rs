//! The HTML shell, the root component and the routes of all three portals.
use crate::pages::NotFound;
use crate::pages::approvals::{queue::ApprovalsPage, review::ReviewPage};
use crate::pages::home::{client::DashboardPage, staff::AdminDashboard};
use crate::pages::ib::IbPage;
use crate::pages::identity::{
    audit::AuditPage,
    client_auth::{ForgotPasswordPage, LoginPage, RegisterPage, ResetPasswordPage},
    clients::ClientsPage,
    kyc::KycPage,
    profile::ProfilePage,
    roles::RolesPage,
    staff::StaffPage,
    staff_account::AdminAccountPage,
    staff_login::AdminLoginPage,
};
use crate::pages::money::{
    funds::FundsPage,
    history::{RequestsPage, TransactionsPage},
    pay::TestPspPage,
    transactions::TransactionsReportPage,
    wallets::{ClientWalletPage, WalletsPage},
};
use crate::pages::notifications::NotificationsPage;
use crate::pages::prop::{
    challenges::{ChallengeEditorPage, ChallengesPage},
    dashboard::PropDashboardPage,
    fees::PropFeesPage,
    participants::{ParticipantPage, ParticipantsPage},
    profit_shares::ProfitSharesPage,
    trader_challenges::{ChallengePage, MyChallengesPage, PortalChallengesPage},
};
use crate::pages::settings::SettingsPage;
use crate::pages::trading::{alerts::AlertsPage, platform::PlatformPage};
use crate::ui::layout::{AdminShell, PortalShell, provide_me};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Theme and language are on <html> from the first byte, so there is no flash of the wrong theme.
    let (theme, locale) = crate::ui::prefs::initial();
    #[cfg(feature = "ssr")]
    set_page_csp();
    view! {
        <!DOCTYPE html>
        <html lang=locale.code() data-theme=theme.as_str()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The page's Content-Security-Policy: scripts only from this origin or carrying this
/// response's nonce (the hydration scripts do), wasm allowed, nothing framed.
#[cfg(feature = "ssr")]
fn set_page_csp() {
    if let (Some(nonce), Some(res)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        let csp = format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data: https:; connect-src 'self' ws:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        );
        if let Ok(v) = http::HeaderValue::from_str(&csp) {
            res.insert_header(http::header::CONTENT_SECURITY_POLICY, v);
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    crate::ui::prefs::provide();
    provide_me();
    crate::ui::live::provide_live();
    // End-to-end tests wait for this before clicking (effects run only in the browser).
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "1");
        }
    });
    view! {
        <Stylesheet id="leptos" href="/pkg/propdesk.css"/>
        <Title formatter=|page: String| format!("{page} · PropDesk")/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/register") view=RegisterPage/>
                <Route path=path!("/forgot-password") view=ForgotPasswordPage/>
                <Route path=path!("/reset-password") view=|| view! { <ResetPasswordPage/> }/>
                <Route path=path!("/admin/login") view=AdminLoginPage/>
                <Route path=path!("/admin/reset-password") view=|| view! { <ResetPasswordPage admin=true/> }/>
                <ParentRoute path=path!("/admin") view=AdminShell>
                    <Route path=path!("") view=AdminDashboard/>
                    <Route path=path!("approvals") view=ApprovalsPage/>
                    <Route path=path!("approvals/:id") view=ReviewPage/>
                    <Route path=path!("clients") view=ClientsPage/>
                    <Route path=path!("challenges") view=ChallengesPage/>
                    <Route path=path!("challenges/:id") view=ChallengeEditorPage/>
                    <Route path=path!("participants") view=ParticipantsPage/>
                    <Route path=path!("participants/:id") view=ParticipantPage/>
                    <Route path=path!("platform") view=PlatformPage/>
                    <Route path=path!("prop-dashboard") view=PropDashboardPage/>
                    <Route path=path!("profit-shares") view=ProfitSharesPage/>
                    <Route path=path!("prop-fees") view=PropFeesPage/>
                    <Route path=path!("alerts") view=AlertsPage/>
                    <Route path=path!("wallets") view=WalletsPage/>
                    <Route path=path!("wallets/:user_id") view=ClientWalletPage/>
                    <Route path=path!("transactions") view=TransactionsReportPage/>
                    <Route path=path!("settings") view=SettingsPage/>
                    <Route path=path!("staff") view=StaffPage/>
                    <Route path=path!("roles") view=RolesPage/>
                    <Route path=path!("audit") view=AuditPage/>
                    <Route path=path!("account") view=AdminAccountPage/>
                </ParentRoute>
                <ParentRoute path=path!("/") view=PortalShell>
                    <Route path=path!("") view=DashboardPage/>
                    <Route path=path!("challenges") view=PortalChallengesPage/>
                    <Route path=path!("my-challenges") view=MyChallengesPage/>
                    <Route path=path!("my-challenges/:id") view=ChallengePage/>
                    <Route path=path!("funds") view=FundsPage/>
                    <Route path=path!("transactions") view=TransactionsPage/>
                    <Route path=path!("requests") view=RequestsPage/>
                    <Route path=path!("pay/:id") view=TestPspPage/>
                    <Route path=path!("kyc") view=KycPage/>
                    <Route path=path!("profile") view=ProfilePage/>
                    <Route path=path!("notifications") view=NotificationsPage/>
                    <Route path=path!("ib") view=IbPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
