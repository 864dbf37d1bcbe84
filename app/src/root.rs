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
use crate::ui::pages_style;
use leptos::prelude::*;
use leptos::tachys::view::any_view::AnyView;
use leptos::tachys::view::iterators::StaticVec;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::any_nested_route::{AnyNestedRoute, IntoAnyNestedRoute};
use leptos_router::components::{RouteChildren, Router, Routes, RoutesProps};
use leptos_router::{
    ChooseView, NestedRoute, ParamSegment, PartialPathMatch, PathSegment, PossibleRouteMatch,
    StaticSegment,
};
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
            {Routes(
                RoutesProps::builder()
                    .fallback(NotFound)
                    .children(RouteChildren::to_children(routes))
                    .build(),
            )}
        </Router>
    }
}

/// Every route of the three portals, by path: the sign-in pages, then the back office's and the
/// client portal's, each inside its frame.
const SIGN_IN_ROUTES: &[(&str, Page)] = &[
    ("/login", Page::Main(|| view! { <LoginPage/> }.into_any())),
    ("/register", Page::Lazy(sign_in::Register)),
    ("/forgot-password", Page::Lazy(sign_in::ForgotPassword)),
    ("/verify-email", Page::Lazy(sign_in::VerifyEmail)),
    ("/reset-password", Page::Lazy(sign_in::ResetPassword)),
    ("/admin/login", Page::Lazy(sign_in::AdminLogin)),
    (
        "/admin/reset-password",
        Page::Lazy(sign_in::AdminResetPassword),
    ),
];

const BACK_OFFICE: (&str, Page) = ("/admin", Page::Lazy(back_office::Shell));
const BACK_OFFICE_ROUTES: &[(&str, Page)] = &[
    ("", Page::Lazy(back_office::Home)),
    ("approvals", Page::Lazy(approvals::Queue)),
    ("approvals/:id", Page::Lazy(approvals::Review)),
    ("clients", Page::Lazy(crm_desk::Clients)),
    ("clients/:id", Page::Lazy(crm_desk::Client)),
    ("leads", Page::Lazy(crm_follow_up::Leads)),
    ("tasks", Page::Lazy(crm_follow_up::Tasks)),
    ("challenges", Page::Lazy(challenge_catalogue::Challenges)),
    ("challenges/:id", Page::Lazy(challenge_catalogue::Editor)),
    ("participants", Page::Lazy(prop_operations::Participants)),
    ("participants/:id", Page::Lazy(prop_operations::Participant)),
    ("platform", Page::Lazy(trading::Platform)),
    ("servers", Page::Lazy(trading::Servers)),
    ("prop-dashboard", Page::Lazy(prop_operations::Dashboard)),
    ("profit-shares", Page::Lazy(prop_operations::ProfitShares)),
    ("prop-fees", Page::Lazy(prop_operations::Fees)),
    ("alerts", Page::Lazy(trading::Alerts)),
    ("wallets", Page::Lazy(money_desk::Wallets)),
    ("wallets/:user_id", Page::Lazy(money_desk::ClientWallet)),
    ("transactions", Page::Lazy(money_desk::Transactions)),
    ("settings", Page::Lazy(settings::Settings)),
    ("staff", Page::Lazy(people::Staff)),
    ("roles", Page::Lazy(people::Roles)),
    ("audit", Page::Lazy(people::Audit)),
    ("account", Page::Lazy(back_office::Account)),
    ("ib", Page::Lazy(ib_desk::Programme)),
    ("ib/clients/:id", Page::Lazy(ib_desk::Client)),
    ("offers", Page::Lazy(offers_desk::Offers)),
    ("messages", Page::Lazy(messages_desk::Messages)),
    ("tickets", Page::Lazy(support_desk::Tickets)),
    ("tickets/:id", Page::Lazy(support_desk::Ticket)),
    ("downloads", Page::Lazy(support_desk::Downloads)),
    ("competitions", Page::Lazy(competition_desk::Competitions)),
    (
        "competitions/:id",
        Page::Lazy(competition_desk::Competition),
    ),
];

const PORTAL: (&str, Page) = ("/", Page::Main(|| view! { <PortalShell/> }.into_any()));
const PORTAL_ROUTES: &[(&str, Page)] = &[
    ("", Page::Main(|| view! { <DashboardPage/> }.into_any())),
    ("challenges", Page::Lazy(trader_challenges::Catalogue)),
    ("my-challenges", Page::Lazy(trader_challenges::Mine)),
    (
        "my-challenges/:id",
        Page::Lazy(trader_challenges::Challenge),
    ),
    ("funds", Page::Lazy(trader_money::Funds)),
    ("transactions", Page::Lazy(trader_money::Transactions)),
    ("requests", Page::Lazy(trader_money::Requests)),
    ("pay/:id", Page::Lazy(trader_money::Pay)),
    ("kyc", Page::Lazy(trader_account::Kyc)),
    ("profile", Page::Lazy(trader_account::Profile)),
    ("notifications", Page::Lazy(trader_account::Notifications)),
    ("coupons", Page::Lazy(trader_account::Coupons)),
    ("support", Page::Lazy(trader_support::Tickets)),
    ("support/:id", Page::Lazy(trader_support::Ticket)),
    ("downloads", Page::Lazy(trader_support::Downloads)),
    (
        "competitions",
        Page::Lazy(trader_competitions::Competitions),
    ),
    (
        "competitions/:id",
        Page::Lazy(trader_competitions::Competition),
    ),
    ("ib", Page::Lazy(ib_portal::Overview)),
    ("ib/clients", Page::Lazy(ib_portal::Clients)),
    ("ib/report", Page::Lazy(ib_portal::Report)),
    ("ib/commission", Page::Lazy(ib_portal::Commission)),
    ("ib/requests", Page::Lazy(ib_portal::Requests)),
    ("ib/stats", Page::Lazy(ib_portal::Stats)),
    ("ib/links", Page::Lazy(ib_portal::Links)),
];

/// The route tree, built from the tables in a loop: one route type for all (`RoutePath`,
/// `Page`), where a `<Route path=path!(…)>` per route compiled each one's construction into the
/// main file (docs/benchmarks.md).
fn routes() -> StaticVec<AnyNestedRoute> {
    fn route(&(path, page): &(&'static str, Page)) -> AnyNestedRoute {
        NestedRoute::new(RoutePath(path), page).into_any_nested_route()
    }
    fn framed(
        (path, page): (&'static str, Page),
        routes: &[(&'static str, Page)],
    ) -> AnyNestedRoute {
        let children: Vec<_> = routes.iter().map(route).collect();
        NestedRoute::new(RoutePath(path), page)
            .child(StaticVec::from(children))
            .into_any_nested_route()
    }
    let mut all: Vec<_> = SIGN_IN_ROUTES.iter().map(route).collect();
    all.push(framed(BACK_OFFICE, BACK_OFFICE_ROUTES));
    all.push(framed(PORTAL, PORTAL_ROUTES));
    StaticVec::from(all)
}

/// A route's path as `path!` reads it (`"approvals/:id"`: static segments and `:`parameters,
/// slashes around it ignored), matched by leptos_router's own segments.
#[derive(Clone, Debug)]
struct RoutePath(&'static str);

impl RoutePath {
    fn segments(&self) -> impl Iterator<Item = Segment> {
        self.0
            .trim_matches('/')
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| match s.strip_prefix(':') {
                Some(name) => Segment::Param(ParamSegment(name)),
                None => Segment::Static(StaticSegment(s)),
            })
    }
}

enum Segment {
    Static(StaticSegment<&'static str>),
    Param(ParamSegment),
}

impl PossibleRouteMatch for RoutePath {
    fn optional(&self) -> bool {
        false
    }

    /// Each segment in turn on what the last left, as leptos_router's tuples of segments do.
    fn test<'a>(&self, path: &'a str) -> Option<PartialPathMatch<'a>> {
        let (mut rest, mut matched, mut params) = (path, 0, Vec::new());
        for segment in self.segments() {
            let m = match segment {
                Segment::Static(s) => s.test(rest),
                Segment::Param(p) => p.test(rest),
            }?;
            matched += m.matched().len();
            rest = m.remaining();
            params.extend(m.params());
        }
        Some(PartialPathMatch::new(rest, params, &path[..matched]))
    }

    fn generate_path(&self, path: &mut Vec<PathSegment>) {
        for segment in self.segments() {
            match segment {
                Segment::Static(s) => s.generate_path(path),
                Segment::Param(p) => p.generate_path(path),
            }
        }
    }
}

/// What a route shows: a page in the main file (a trader's first visit: sign-in, the portal's
/// frame and dashboard), or one loaded when first opened.
#[derive(Clone, Copy)]
enum Page {
    Main(fn() -> AnyView),
    Lazy(LazyPage),
}

impl ChooseView for Page {
    async fn choose(self) -> AnyView {
        match self {
            Page::Main(view) => view(),
            Page::Lazy(page) => page.choose().await,
        }
    }

    async fn preload(&self) {
        if let Page::Lazy(page) = self {
            page.preload().await;
        }
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
    /// Whether its pages need the rest of what the first visit does without: the rest of the
    /// translations (`i18n::Part::Rest`) and the pages' stylesheet (`ui::pages_style`), which
    /// then load beside the chunk. Every area but the sign-in pages.
    rest: bool,
}

impl LazyPage {
    async fn rest(self) {
        if self.rest {
            futures::future::join(crate::i18n::load_rest(), pages_style::load()).await;
        }
    }
}

impl ChooseView for LazyPage {
    async fn choose(self) -> AnyView {
        #[cfg(feature = "ssr")]
        rendered_pages::add(self.name);
        let (view, ()) = futures::future::join((self.view)(), self.rest()).await;
        if self.rest {
            view! { {pages_style::link()} {view} }.into_any()
        } else {
            view
        }
    }

    async fn preload(&self) {
        futures::future::join((self.preload)(), self.rest()).await;
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

/// Every area's pages, each a `LazyPage` constant named for its route. `rest: false`
/// marks an area whose pages need only what the first visit loads (`LazyPage::rest`).
macro_rules! lazy_areas {
    ($($area:ident $(, rest: $rest:literal)? { $($route:ident => $page:expr;)* })*) => {
        $(
            mod $area {
                use super::*;

                const REST: bool = true $(&& $rest)?;

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
                            rest: REST,
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
    sign_in, rest: false {
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

#[cfg(test)]
mod tests {
    use super::*;
    use leptos_router::path;

    /// What a segment list leaves of a path, matches of it and reads from it.
    type Tested = Option<(String, String, Vec<(String, String)>)>;

    /// What a segment list matches and the path it generates, comparable.
    fn outcome(m: &impl PossibleRouteMatch, path: &str) -> (Tested, String) {
        let tested = m.test(path).map(|p| {
            let (remaining, matched) = (p.remaining().to_owned(), p.matched().to_owned());
            let params = p
                .params()
                .into_iter()
                .map(|(k, v)| (k.into_owned(), v))
                .collect();
            (remaining, matched, params)
        });
        let mut generated = Vec::new();
        m.generate_path(&mut generated);
        (tested, format!("{generated:?}"))
    }

    #[test]
    fn a_route_path_matches_as_the_path_macro_does() {
        let paths = [
            "",
            "/",
            "/admin",
            "/admin/",
            "/admin/approvals",
            "/approvals",
            "/approvals/",
            "/approvals/7",
            "/approvals/7/",
            "/approvals/7/more",
            "/approvals7",
            "/ib/clients/42",
            "/ib/clients",
            "/ib/clientsx/42",
            "/login",
            "/login/x",
            "/loginx",
        ];
        // Each route as text and as the macro's segments.
        let routes: [(&str, Box<dyn PossibleRouteMatch + Send + Sync>); 7] = [
            ("", Box::new(path!(""))),
            ("/", Box::new(path!("/"))),
            ("/login", Box::new(path!("/login"))),
            ("/admin", Box::new(path!("/admin"))),
            ("approvals", Box::new(path!("approvals"))),
            ("approvals/:id", Box::new(path!("approvals/:id"))),
            ("ib/clients/:id", Box::new(path!("ib/clients/:id"))),
        ];
        for path in paths {
            for (text, segments) in &routes {
                assert_eq!(
                    outcome(&RoutePath(text), path),
                    outcome(segments, path),
                    "{text:?} on {path}"
                );
            }
        }
    }
}
