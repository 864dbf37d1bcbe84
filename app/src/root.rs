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
use leptos_router::{ChooseView, path};
use std::{future::Future, pin::Pin};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Theme and language are on <html> from the first byte, so there is no flash of the wrong theme.
    let (theme, locale) = crate::ui::prefs::initial();
    #[cfg(feature = "ssr")]
    {
        set_page_csp();
        rendered_pages::provide();
    }
    view! {
        <!DOCTYPE html>
        <html lang=locale.code() data-theme=theme.as_str()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <AutoReload options=options.clone()/>
                // The wasm carries no translations: the first part of its language's table
                // loads beside it.
                <link rel="preload" href=crate::i18n::table_url(locale, crate::i18n::Part::First) r#as="fetch" crossorigin="anonymous"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
                // Not hydrated: the browser reads it before it hydrates the app.
                <template id=rendered_pages::ELEMENT_ID data-pages=rendered_pages::list></template>
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
                <Route path=path!("/register") view=sign_in::Register/>
                <Route path=path!("/forgot-password") view=sign_in::ForgotPassword/>
                <Route path=path!("/verify-email") view=sign_in::VerifyEmail/>
                <Route path=path!("/reset-password") view=sign_in::ResetPassword/>
                <Route path=path!("/admin/login") view=sign_in::AdminLogin/>
                <Route path=path!("/admin/reset-password") view=sign_in::AdminResetPassword/>
                <ParentRoute path=path!("/admin") view=back_office::Shell>
                    <Route path=path!("") view=back_office::Home/>
                    <Route path=path!("approvals") view=approvals::Queue/>
                    <Route path=path!("approvals/:id") view=approvals::Review/>
                    <Route path=path!("clients") view=crm_desk::Clients/>
                    <Route path=path!("clients/:id") view=crm_desk::Client/>
                    <Route path=path!("leads") view=crm_follow_up::Leads/>
                    <Route path=path!("tasks") view=crm_follow_up::Tasks/>
                    <Route path=path!("challenges") view=challenge_catalogue::Challenges/>
                    <Route path=path!("challenges/:id") view=challenge_catalogue::Editor/>
                    <Route path=path!("participants") view=prop_operations::Participants/>
                    <Route path=path!("participants/:id") view=prop_operations::Participant/>
                    <Route path=path!("platform") view=trading::Platform/>
                    <Route path=path!("servers") view=trading::Servers/>
                    <Route path=path!("prop-dashboard") view=prop_operations::Dashboard/>
                    <Route path=path!("profit-shares") view=prop_operations::ProfitShares/>
                    <Route path=path!("prop-fees") view=prop_operations::Fees/>
                    <Route path=path!("alerts") view=trading::Alerts/>
                    <Route path=path!("wallets") view=money_desk::Wallets/>
                    <Route path=path!("wallets/:user_id") view=money_desk::ClientWallet/>
                    <Route path=path!("transactions") view=money_desk::Transactions/>
                    <Route path=path!("settings") view=settings::Settings/>
                    <Route path=path!("staff") view=people::Staff/>
                    <Route path=path!("roles") view=people::Roles/>
                    <Route path=path!("audit") view=people::Audit/>
                    <Route path=path!("account") view=back_office::Account/>
                    <Route path=path!("ib") view=ib_desk::Programme/>
                    <Route path=path!("ib/clients/:id") view=ib_desk::Client/>
                    <Route path=path!("offers") view=offers_desk::Offers/>
                    <Route path=path!("messages") view=messages_desk::Messages/>
                    <Route path=path!("tickets") view=support_desk::Tickets/>
                    <Route path=path!("tickets/:id") view=support_desk::Ticket/>
                    <Route path=path!("downloads") view=support_desk::Downloads/>
                    <Route path=path!("competitions") view=competition_desk::Competitions/>
                    <Route path=path!("competitions/:id") view=competition_desk::Competition/>
                </ParentRoute>
                <ParentRoute path=path!("/") view=PortalShell>
                    <Route path=path!("") view=DashboardPage/>
                    <Route path=path!("challenges") view=trader_challenges::Catalogue/>
                    <Route path=path!("my-challenges") view=trader_challenges::Mine/>
                    <Route path=path!("my-challenges/:id") view=trader_challenges::Challenge/>
                    <Route path=path!("funds") view=trader_money::Funds/>
                    <Route path=path!("transactions") view=trader_money::Transactions/>
                    <Route path=path!("requests") view=trader_money::Requests/>
                    <Route path=path!("pay/:id") view=trader_money::Pay/>
                    <Route path=path!("kyc") view=trader_account::Kyc/>
                    <Route path=path!("profile") view=trader_account::Profile/>
                    <Route path=path!("notifications") view=trader_account::Notifications/>
                    <Route path=path!("coupons") view=trader_account::Coupons/>
                    <Route path=path!("support") view=trader_support::Tickets/>
                    <Route path=path!("support/:id") view=trader_support::Ticket/>
                    <Route path=path!("downloads") view=trader_support::Downloads/>
                    <Route path=path!("competitions") view=trader_competitions::Competitions/>
                    <Route path=path!("competitions/:id") view=trader_competitions::Competition/>
                    <Route path=path!("ib") view=ib_portal::Overview/>
                    <Route path=path!("ib/clients") view=ib_portal::Clients/>
                    <Route path=path!("ib/report") view=ib_portal::Report/>
                    <Route path=path!("ib/commission") view=ib_portal::Commission/>
                    <Route path=path!("ib/requests") view=ib_portal::Requests/>
                    <Route path=path!("ib/stats") view=ib_portal::Stats/>
                    <Route path=path!("ib/links") view=ib_portal::Links/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// A page whose code the browser loads when it is first opened. `cargo leptos build --split`
/// puts each area's pages in one file (its chunk), fetched the first time one of them is shown.
/// The sign-in page, the client portal's frame and its first page are in the main bundle: they
/// are what a trader's first visit needs.
///
/// One type for every such page, where leptos_router's `Lazy<T>` is a type per page: the
/// router's code that chooses and preloads a view is compiled once per type, and once per page
/// it cost the main file 40 KB (3 KB gzipped; docs/benchmarks.md).
#[derive(Clone, Copy)]
struct LazyPage {
    /// Its area and route, as `area::Route`.
    name: &'static str,
    view: fn() -> Pin<Box<dyn Future<Output = AnyView>>>,
    /// Fetches the chunk before the view is built (hydration needs it there).
    preload: fn() -> Pin<Box<dyn Future<Output = ()>>>,
    /// Whether its pages show the rest of the translations (`i18n::Part::Rest`), which then
    /// loads beside the chunk: every area but the sign-in pages.
    rest_texts: bool,
}

impl LazyPage {
    async fn texts(self) {
        if self.rest_texts {
            crate::i18n::load_rest().await;
        }
    }
}

impl ChooseView for LazyPage {
    async fn choose(self) -> AnyView {
        #[cfg(feature = "ssr")]
        rendered_pages::add(self.name);
        futures::future::join((self.view)(), self.texts()).await.0
    }

    async fn preload(&self) {
        futures::future::join((self.preload)(), self.texts()).await;
    }
}

/// The lazily loaded pages the server drew, so that the browser loads them before it hydrates
/// (`preload_rendered_pages`). Hydration then runs at once, not as a future: the
/// views' asynchronous hydration is not compiled at all (vendor/README.md), which took 81 KB
/// of code, most of it in the main file.
mod rendered_pages {
    #[cfg(feature = "ssr")]
    use leptos::prelude::*;

    /// The element after the app that names the pages, space-separated.
    pub const ELEMENT_ID: &str = "rendered-pages";

    #[cfg(feature = "ssr")]
    #[derive(Clone, Default)]
    struct Rendered(std::sync::Arc<std::sync::Mutex<Vec<&'static str>>>);

    /// Starts the page's list (the shell, before the app).
    #[cfg(feature = "ssr")]
    pub fn provide() {
        provide_context(Rendered::default());
    }

    #[cfg(feature = "ssr")]
    pub(super) fn add(page: &'static str) {
        if let Some(Rendered(list)) = use_context::<Rendered>()
            && let Ok(mut list) = list.lock()
            && !list.contains(&page)
        {
            list.push(page);
        }
    }

    /// The list, drawn after the app (which has chosen its pages by then).
    pub fn list() -> String {
        #[cfg(feature = "ssr")]
        if let Some(Rendered(list)) = use_context::<Rendered>()
            && let Ok(list) = list.lock()
        {
            return list.join(" ");
        }
        String::new()
    }
}

/// Loads the pages the server drew (their chunks and texts): then the router finds each of them
/// ready, as hydrating at once requires. Each page, not one per area: every lazily loaded
/// function has its own loader, which is ready at once only once it has loaded.
#[cfg(feature = "hydrate")]
pub async fn preload_rendered_pages() {
    let names = document()
        .get_element_by_id(rendered_pages::ELEMENT_ID)
        .and_then(|e| e.get_attribute("data-pages"))
        .unwrap_or_default();
    let pages = names.split_whitespace().filter_map(|name| {
        AREAS
            .iter()
            .find_map(|pages| pages.iter().find(|p| p.name == name))
    });
    futures::future::join_all(pages.map(|page| page.preload())).await;
}

/// Every area's pages, each a `LazyPage` constant named for its route. `rest_texts: false`
/// marks an area whose pages need only the first part of the translations.
macro_rules! lazy_areas {
    ($($area:ident $(, rest_texts: $rest:literal)? { $($route:ident => $page:expr;)* })*) => {
        $(
            mod $area {
                use super::*;

                const REST_TEXTS: bool = true $(&& $rest)?;

                $(
                    // Every view of an area names the area: the splitter puts them in one chunk.
                    paste::paste! {
                        #[::leptos::lazy($area)]
                        fn [<$route:snake>]() -> AnyView {
                            $page.into_any()
                        }

                        #[allow(non_upper_case_globals)]
                        pub const $route: LazyPage = LazyPage {
                            name: concat!(stringify!($area), "::", stringify!($route)),
                            view: || Box::pin([<$route:snake>]()),
                            preload: || {
                                Box::pin(async {
                                    #[cfg(target_arch = "wasm32")]
                                    [<__preload_ $route:snake>]().await;
                                })
                            },
                            rest_texts: REST_TEXTS,
                        };
                    }
                )*

                #[cfg(feature = "hydrate")]
                pub const PAGES: &[LazyPage] = &[$($route),*];
            }
        )*

        /// Each area's pages.
        #[cfg(feature = "hydrate")]
        const AREAS: &[&[LazyPage]] = &[$($area::PAGES),*];
    };
}

lazy_areas! {
    sign_in, rest_texts: false {
        Register => view! { <RegisterPage/> };
        ForgotPassword => view! { <ForgotPasswordPage/> };
        VerifyEmail => view! { <VerifyEmailPage/> };
        ResetPassword => view! { <ResetPasswordPage/> };
        AdminLogin => view! { <AdminLoginPage/> };
        AdminResetPassword => view! { <ResetPasswordPage admin=true/> };
    }

    back_office {
        Shell => view! { <AdminShell/> };
        Home => view! { <AdminDashboard/> };
        Account => view! { <AdminAccountPage/> };
    }

    approvals {
        Queue => view! { <ApprovalsPage/> };
        Review => view! { <ReviewPage/> };
    }

    crm_desk {
        Clients => view! { <ClientsPage/> };
        Client => view! { <ClientPage/> };
    }

    // Apart from the client list and card: together they came within 2 KiB of the 150 KiB a lazily
    // loaded file may weigh.
    crm_follow_up {
        Leads => view! { <LeadsPage/> };
        Tasks => view! { <TasksPage/> };
    }

    people {
        Staff => view! { <StaffPage/> };
        Roles => view! { <RolesPage/> };
        Audit => view! { <AuditPage/> };
    }

    challenge_catalogue {
        Challenges => view! { <ChallengesPage/> };
        Editor => view! { <ChallengeEditorPage/> };
    }

    prop_operations {
        Participants => view! { <ParticipantsPage/> };
        Participant => view! { <ParticipantPage/> };
        Dashboard => view! { <PropDashboardPage/> };
        ProfitShares => view! { <ProfitSharesPage/> };
        Fees => view! { <PropFeesPage/> };
    }

    trading {
        Platform => view! { <PlatformPage/> };
        Servers => view! { <ServersPage/> };
        Alerts => view! { <AlertsPage/> };
    }

    money_desk {
        Wallets => view! { <WalletsPage/> };
        ClientWallet => view! { <ClientWalletPage/> };
        Transactions => view! { <TransactionsReportPage/> };
    }

    settings {
        Settings => view! { <SettingsPage/> };
    }

    trader_challenges {
        Catalogue => view! { <PortalChallengesPage/> };
        Mine => view! { <MyChallengesPage/> };
        Challenge => view! { <ChallengePage/> };
    }

    trader_money {
        Funds => view! { <FundsPage/> };
        Transactions => view! { <TransactionsPage/> };
        Requests => view! { <RequestsPage/> };
        Pay => view! { <TestPspPage/> };
    }

    trader_account {
        Kyc => view! { <KycPage/> };
        Profile => view! { <ProfilePage/> };
        Notifications => view! { <NotificationsPage/> };
        Coupons => view! { <CouponsPage/> };
    }

    ib_portal {
        Overview => view! { <IbPage/> };
        Clients => view! { <IbClientsPage/> };
        Report => view! { <IbReportPage/> };
        Commission => view! { <IbCommissionPage/> };
        Requests => view! { <IbRequestsPage/> };
        Stats => view! { <IbStatsPage/> };
        Links => view! { <IbLinksPage/> };
    }

    offers_desk {
        Offers => view! { <OffersAdminPage/> };
    }

    messages_desk {
        Messages => view! { <MessagesAdminPage/> };
    }

    ib_desk {
        Programme => view! { <IbAdminPage/> };
        Client => view! { <ClientIbPage/> };
    }

    support_desk {
        Tickets => view! { <TicketQueuePage/> };
        Ticket => view! { <StaffTicketPage/> };
        Downloads => view! { <DownloadsAdminPage/> };
    }

    trader_support {
        Tickets => view! { <MyTicketsPage/> };
        Ticket => view! { <MyTicketPage/> };
        Downloads => view! { <DownloadCentrePage/> };
    }

    competition_desk {
        Competitions => view! { <CompetitionsAdminPage/> };
        Competition => view! { <CompetitionDeskPage/> };
    }

    trader_competitions {
        Competitions => view! { <CompetitionsPage/> };
        Competition => view! { <CompetitionPage/> };
    }
}
