//! Firm settings, one tab per area: how each request kind is approved, payment methods,
//! exchange rates, client groups, the funds and KYC policy, and KYC forms.
mod approval_levels;
mod assignment;
mod funds;
mod groups;
mod kyc_forms;
mod methods;
mod rates;
mod security;

use crate::api::settings::list_groups;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::model::GroupDto;
use crate::pages::PageHeader;
use crate::ui::form::loading;
use crate::ui::in_browser::InBrowser;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Approvals,
    Methods,
    Rates,
    Groups,
    Funds,
    KycForms,
    Security,
    NewClients,
}

impl Tab {
    const ALL: [Tab; 8] = [
        Tab::Approvals,
        Tab::Methods,
        Tab::Rates,
        Tab::Groups,
        Tab::Funds,
        Tab::KycForms,
        Tab::Security,
        Tab::NewClients,
    ];

    fn slug(self) -> &'static str {
        match self {
            Tab::Approvals => "approvals",
            Tab::Methods => "methods",
            Tab::Rates => "rates",
            Tab::Groups => "groups",
            Tab::Funds => "funds",
            Tab::KycForms => "kyc-forms",
            Tab::Security => "security",
            Tab::NewClients => "new-clients",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Tab::Approvals => "settings.tab_approvals",
            Tab::Methods => "settings.tab_methods",
            Tab::Rates => "settings.tab_rates",
            Tab::Groups => "settings.tab_groups",
            Tab::Funds => "settings.tab_funds",
            Tab::KycForms => "settings.tab_kyc_forms",
            Tab::Security => "settings.tab_security",
            Tab::NewClients => "settings.tab_new_clients",
        }
    }
}

/// A section's list with the client groups its items may be limited to (methods, rates), both
/// asked for at once.
async fn with_groups<T>(
    list: impl Future<Output = Result<T, AppError>>,
) -> Result<(T, Vec<GroupDto>), AppError> {
    futures::future::try_join(list, list_groups()).await
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    // `?tab=methods` opens a section directly.
    let initial = query
        .with_untracked(|q| q.get("tab"))
        .and_then(|t| Tab::ALL.into_iter().find(|x| x.slug() == t))
        .unwrap_or(Tab::Approvals);
    let tab = RwSignal::new(initial);
    view! {
        <PageHeader title="nav.settings" subtitle="settings.sub"/>
        <div class="tabs" role="tablist" aria-label=move || i18n.t("nav.settings")>
            {Tab::ALL
                .into_iter()
                .map(|t| {
                    let selected = move || tab.get() == t;
                    view! {
                        <button
                            type="button"
                            role="tab"
                            class="tab"
                            id=format!("tab-{}", t.slug())
                            aria-controls="settings-panel"
                            aria-selected=move || selected().to_string()
                            on:click=move |_| { crate::ui::open_tab(tab, t); }
                        >
                            {move || i18n.t(t.label())}
                        </button>
                    }
                })
                .collect_view()}
        </div>
        <div id="settings-panel" role="tabpanel" aria-labelledby=move || format!("tab-{}", tab.get().slug())>
            {move || match tab.get() {
                Tab::Approvals => view! { <approval_levels::ApprovalSettingsSection/> }.into_any(),
                Tab::Methods => view! { <methods::MethodsSection/> }.into_any(),
                Tab::Rates => view! { <rates::RatesSection/> }.into_any(),
                Tab::Groups => view! { <groups::GroupsSection/> }.into_any(),
                Tab::Funds => view! { <funds::FundsSection/> }.into_any(),
                Tab::KycForms => view! { <kyc_forms::KycFormsSection/> }.into_any(),
                Tab::Security => view! {
                    <InBrowser><Suspense fallback=loading>{Suspend::new(security_panel())}</Suspense></InBrowser>
                }.into_any(),
                Tab::NewClients => view! {
                    <InBrowser><Suspense fallback=loading>{Suspend::new(assignment_panel())}</Suspense></InBrowser>
                }.into_any(),
            }}
        </div>
    }
}

// The client-facing tabs load when first opened: with them in it, the settings file outgrew the
// 150 KiB a lazily loaded file may weigh (docs/benchmarks.md). They are drawn in the browser
// (`InBrowser`): a lazily loaded part would hydrate before its code had arrived, and a click
// then would find a form without its handlers.
#[leptos::lazy(settings_clients)]
fn security_panel() -> AnyView {
    view! { <div class="stack"><security::SecuritySection/></div> }.into_any()
}

#[leptos::lazy(settings_clients)]
fn assignment_panel() -> AnyView {
    view! { <assignment::AssignmentSection/> }.into_any()
}
