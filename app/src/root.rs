//! The HTML shell, the root component and the routes of all three portals.
use crate::pages::NotFound;
use crate::pages::approvals::{queue::ApprovalsPage, review::ReviewPage};
use crate::pages::competitions::{
    admin::CompetitionsAdminPage,
    client::{CompetitionPage, CompetitionsPage},
    desk::CompetitionDeskPage,
};
use crate::pages::crm::{
    client::ClientPage, clients::ClientsPage, leads::LeadsPage, tasks::TasksPage,
};
use crate::pages::home::{client::DashboardPage, staff::AdminDashboard};
use crate::pages::ib::{
    IbPage, clients::IbClientsPage, commission::IbCommissionPage, links::IbLinksPage,
    report::IbReportPage, requests::IbRequestsPage, staff::ClientIbPage, staff::IbAdminPage,
    stats::IbStatsPage,
};
use crate::pages::identity::{
    audit::AuditPage,
    client_auth::{
        ForgotPasswordPage, LoginPage, RegisterPage, ResetPasswordPage, VerifyEmailPage,
    },
    kyc::KycPage,
    profile::ProfilePage,
    roles::RolesPage,
    staff::StaffPage,
    staff_account::AdminAccountPage,
    staff_login::AdminLoginPage,
};
use crate::pages::messages::MessagesAdminPage;
use crate::pages::money::{
    funds::FundsPage,
    history::{RequestsPage, TransactionsPage},
    pay::TestPspPage,
    transactions::TransactionsReportPage,
    wallets::{ClientWalletPage, WalletsPage},
};
use crate::pages::notifications::NotificationsPage;
use crate::pages::offers::{OffersAdminPage, client::CouponsPage};
use crate::pages::prop::{
    challenges::{ChallengeEditorPage, ChallengesPage},
    dashboard::PropDashboardPage,
    fees::PropFeesPage,
    participants::{ParticipantPage, ParticipantsPage},
    profit_shares::ProfitSharesPage,
    trader_challenges::{ChallengePage, MyChallengesPage, PortalChallengesPage},
};
use crate::pages::settings::SettingsPage;
use crate::pages::support::{
    client::{MyTicketPage, MyTicketsPage},
    downloads::{DownloadCentrePage, DownloadsAdminPage},
    queue::TicketQueuePage,
    ticket::StaffTicketPage,
};
use crate::pages::trading::{alerts::AlertsPage, platform::PlatformPage, servers::ServersPage};
use crate::ui::layout::{AdminShell, PortalShell, provide_me};
use leptos::prelude::*;
use leptos::tachys::view::any_view::AnyView;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{Lazy, LazyRoute, path};

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
                // The wasm carries no translations: its language's table loads beside it.
                <link rel="preload" href=crate::i18n::table_url(locale) r#as="fetch" crossorigin="anonymous"/>
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
                <Route path=path!("/register") view={Lazy::<sign_in::Register>::new()}/>
                <Route path=path!("/forgot-password") view={Lazy::<sign_in::ForgotPassword>::new()}/>
                <Route path=path!("/verify-email") view={Lazy::<sign_in::VerifyEmail>::new()}/>
                <Route path=path!("/reset-password") view={Lazy::<sign_in::ResetPassword>::new()}/>
                <Route path=path!("/admin/login") view={Lazy::<sign_in::AdminLogin>::new()}/>
                <Route path=path!("/admin/reset-password") view={Lazy::<sign_in::AdminResetPassword>::new()}/>
                <ParentRoute path=path!("/admin") view={Lazy::<back_office::Shell>::new()}>
                    <Route path=path!("") view={Lazy::<back_office::Home>::new()}/>
                    <Route path=path!("approvals") view={Lazy::<approvals::Queue>::new()}/>
                    <Route path=path!("approvals/:id") view={Lazy::<approvals::Review>::new()}/>
                    <Route path=path!("clients") view={Lazy::<crm_desk::Clients>::new()}/>
                    <Route path=path!("clients/:id") view={Lazy::<crm_desk::Client>::new()}/>
                    <Route path=path!("leads") view={Lazy::<crm_follow_up::Leads>::new()}/>
                    <Route path=path!("tasks") view={Lazy::<crm_follow_up::Tasks>::new()}/>
                    <Route path=path!("challenges") view={Lazy::<challenge_catalogue::Challenges>::new()}/>
                    <Route path=path!("challenges/:id") view={Lazy::<challenge_catalogue::Editor>::new()}/>
                    <Route path=path!("participants") view={Lazy::<prop_operations::Participants>::new()}/>
                    <Route path=path!("participants/:id") view={Lazy::<prop_operations::Participant>::new()}/>
                    <Route path=path!("platform") view={Lazy::<trading::Platform>::new()}/>
                    <Route path=path!("servers") view={Lazy::<trading::Servers>::new()}/>
                    <Route path=path!("prop-dashboard") view={Lazy::<prop_operations::Dashboard>::new()}/>
                    <Route path=path!("profit-shares") view={Lazy::<prop_operations::ProfitShares>::new()}/>
                    <Route path=path!("prop-fees") view={Lazy::<prop_operations::Fees>::new()}/>
                    <Route path=path!("alerts") view={Lazy::<trading::Alerts>::new()}/>
                    <Route path=path!("wallets") view={Lazy::<money_desk::Wallets>::new()}/>
                    <Route path=path!("wallets/:user_id") view={Lazy::<money_desk::ClientWallet>::new()}/>
                    <Route path=path!("transactions") view={Lazy::<money_desk::Transactions>::new()}/>
                    <Route path=path!("settings") view={Lazy::<settings::Settings>::new()}/>
                    <Route path=path!("staff") view={Lazy::<people::Staff>::new()}/>
                    <Route path=path!("roles") view={Lazy::<people::Roles>::new()}/>
                    <Route path=path!("audit") view={Lazy::<people::Audit>::new()}/>
                    <Route path=path!("account") view={Lazy::<back_office::Account>::new()}/>
                    <Route path=path!("ib") view={Lazy::<ib_desk::Programme>::new()}/>
                    <Route path=path!("ib/clients/:id") view={Lazy::<ib_desk::Client>::new()}/>
                    <Route path=path!("offers") view={Lazy::<offers_desk::Offers>::new()}/>
                    <Route path=path!("messages") view={Lazy::<messages_desk::Messages>::new()}/>
                    <Route path=path!("tickets") view={Lazy::<support_desk::Tickets>::new()}/>
                    <Route path=path!("tickets/:id") view={Lazy::<support_desk::Ticket>::new()}/>
                    <Route path=path!("downloads") view={Lazy::<support_desk::Downloads>::new()}/>
                    <Route path=path!("competitions") view={Lazy::<competition_desk::Competitions>::new()}/>
                    <Route path=path!("competitions/:id") view={Lazy::<competition_desk::Competition>::new()}/>
                </ParentRoute>
                <ParentRoute path=path!("/") view=PortalShell>
                    <Route path=path!("") view=DashboardPage/>
                    <Route path=path!("challenges") view={Lazy::<trader_challenges::Catalogue>::new()}/>
                    <Route path=path!("my-challenges") view={Lazy::<trader_challenges::Mine>::new()}/>
                    <Route path=path!("my-challenges/:id") view={Lazy::<trader_challenges::Challenge>::new()}/>
                    <Route path=path!("funds") view={Lazy::<trader_money::Funds>::new()}/>
                    <Route path=path!("transactions") view={Lazy::<trader_money::Transactions>::new()}/>
                    <Route path=path!("requests") view={Lazy::<trader_money::Requests>::new()}/>
                    <Route path=path!("pay/:id") view={Lazy::<trader_money::Pay>::new()}/>
                    <Route path=path!("kyc") view={Lazy::<trader_account::Kyc>::new()}/>
                    <Route path=path!("profile") view={Lazy::<trader_account::Profile>::new()}/>
                    <Route path=path!("notifications") view={Lazy::<trader_account::Notifications>::new()}/>
                    <Route path=path!("coupons") view={Lazy::<trader_account::Coupons>::new()}/>
                    <Route path=path!("support") view={Lazy::<trader_support::Tickets>::new()}/>
                    <Route path=path!("support/:id") view={Lazy::<trader_support::Ticket>::new()}/>
                    <Route path=path!("downloads") view={Lazy::<trader_support::Downloads>::new()}/>
                    <Route path=path!("competitions") view={Lazy::<trader_competitions::Competitions>::new()}/>
                    <Route path=path!("competitions/:id") view={Lazy::<trader_competitions::Competition>::new()}/>
                    <Route path=path!("ib") view={Lazy::<ib_portal::Overview>::new()}/>
                    <Route path=path!("ib/clients") view={Lazy::<ib_portal::Clients>::new()}/>
                    <Route path=path!("ib/report") view={Lazy::<ib_portal::Report>::new()}/>
                    <Route path=path!("ib/commission") view={Lazy::<ib_portal::Commission>::new()}/>
                    <Route path=path!("ib/requests") view={Lazy::<ib_portal::Requests>::new()}/>
                    <Route path=path!("ib/stats") view={Lazy::<ib_portal::Stats>::new()}/>
                    <Route path=path!("ib/links") view={Lazy::<ib_portal::Links>::new()}/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Routes whose code the browser loads when they are first opened. `cargo leptos build --split`
/// puts each area's pages in one file (its chunk), fetched the first time one of them is shown.
/// The sign-in page, the client portal's frame and its first page are in the main bundle: they
/// are what a trader's first visit needs.
macro_rules! lazy_area {
    ($area:ident { $($route:ident => $page:expr;)* }) => {
        mod $area {
            use super::*;

            $(
                pub struct $route {}

                // Every view of an area names the area: the splitter puts them in one chunk.
                paste::paste! {
                    #[::leptos::lazy($area)]
                    fn [<$route:snake>](_this: $route) -> AnyView {
                        $page.into_any()
                    }

                    impl LazyRoute for $route {
                        fn data() -> Self {
                            $route {}
                        }

                        async fn view(this: Self) -> AnyView {
                            [<$route:snake>](this).await
                        }

                        /// Fetches the chunk before the view is built (hydration needs it there).
                        async fn preload() {
                            #[cfg(target_arch = "wasm32")]
                            [<__preload_ $route:snake>]().await;
                        }
                    }
                }
            )*
        }
    };
}

lazy_area!(sign_in {
    Register => view! { <RegisterPage/> };
    ForgotPassword => view! { <ForgotPasswordPage/> };
    VerifyEmail => view! { <VerifyEmailPage/> };
    ResetPassword => view! { <ResetPasswordPage/> };
    AdminLogin => view! { <AdminLoginPage/> };
    AdminResetPassword => view! { <ResetPasswordPage admin=true/> };
});

lazy_area!(back_office {
    Shell => view! { <AdminShell/> };
    Home => view! { <AdminDashboard/> };
    Account => view! { <AdminAccountPage/> };
});

lazy_area!(approvals {
    Queue => view! { <ApprovalsPage/> };
    Review => view! { <ReviewPage/> };
});

lazy_area!(crm_desk {
    Clients => view! { <ClientsPage/> };
    Client => view! { <ClientPage/> };
});

// Apart from the client list and card: together they came within 2 KiB of the 150 KiB a lazily
// loaded file may weigh.
lazy_area!(crm_follow_up {
    Leads => view! { <LeadsPage/> };
    Tasks => view! { <TasksPage/> };
});

lazy_area!(people {
    Staff => view! { <StaffPage/> };
    Roles => view! { <RolesPage/> };
    Audit => view! { <AuditPage/> };
});

lazy_area!(challenge_catalogue {
    Challenges => view! { <ChallengesPage/> };
    Editor => view! { <ChallengeEditorPage/> };
});

lazy_area!(prop_operations {
    Participants => view! { <ParticipantsPage/> };
    Participant => view! { <ParticipantPage/> };
    Dashboard => view! { <PropDashboardPage/> };
    ProfitShares => view! { <ProfitSharesPage/> };
    Fees => view! { <PropFeesPage/> };
});

lazy_area!(trading {
    Platform => view! { <PlatformPage/> };
    Servers => view! { <ServersPage/> };
    Alerts => view! { <AlertsPage/> };
});

lazy_area!(money_desk {
    Wallets => view! { <WalletsPage/> };
    ClientWallet => view! { <ClientWalletPage/> };
    Transactions => view! { <TransactionsReportPage/> };
});

lazy_area!(settings {
    Settings => view! { <SettingsPage/> };
});

lazy_area!(trader_challenges {
    Catalogue => view! { <PortalChallengesPage/> };
    Mine => view! { <MyChallengesPage/> };
    Challenge => view! { <ChallengePage/> };
});

lazy_area!(trader_money {
    Funds => view! { <FundsPage/> };
    Transactions => view! { <TransactionsPage/> };
    Requests => view! { <RequestsPage/> };
    Pay => view! { <TestPspPage/> };
});

lazy_area!(trader_account {
    Kyc => view! { <KycPage/> };
    Profile => view! { <ProfilePage/> };
    Notifications => view! { <NotificationsPage/> };
    Coupons => view! { <CouponsPage/> };
});

lazy_area!(ib_portal {
    Overview => view! { <IbPage/> };
    Clients => view! { <IbClientsPage/> };
    Report => view! { <IbReportPage/> };
    Commission => view! { <IbCommissionPage/> };
    Requests => view! { <IbRequestsPage/> };
    Stats => view! { <IbStatsPage/> };
    Links => view! { <IbLinksPage/> };
});

lazy_area!(offers_desk {
    Offers => view! { <OffersAdminPage/> };
});

lazy_area!(messages_desk {
    Messages => view! { <MessagesAdminPage/> };
});

lazy_area!(ib_desk {
    Programme => view! { <IbAdminPage/> };
    Client => view! { <ClientIbPage/> };
});

lazy_area!(support_desk {
    Tickets => view! { <TicketQueuePage/> };
    Ticket => view! { <StaffTicketPage/> };
    Downloads => view! { <DownloadsAdminPage/> };
});

lazy_area!(trader_support {
    Tickets => view! { <MyTicketsPage/> };
    Ticket => view! { <MyTicketPage/> };
    Downloads => view! { <DownloadCentrePage/> };
});

lazy_area!(competition_desk {
    Competitions => view! { <CompetitionsAdminPage/> };
    Competition => view! { <CompetitionDeskPage/> };
});

lazy_area!(trader_competitions {
    Competitions => view! { <CompetitionsPage/> };
    Competition => view! { <CompetitionPage/> };
});
