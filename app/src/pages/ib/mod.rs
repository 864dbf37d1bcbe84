//! The IB programme's screens. The IB's own area in the portal (`/ib/…`): the overview with
//! the referral link, My Clients (list and tree), the Clients' Report, Commission, Clients'
//! Requests, Prop Trading Statistics and promotional links. The back office's (`staff`): rank
//! sets, the Fee Commission Report, the firm's links and the IB panel of a client's page.
use crate::api::ib::get_ib_overview;
use crate::i18n::use_i18n;
use crate::pages::PageHeader;
use crate::ui::layout::{CopyButton, IdChip};
use crate::ui::resource::resource;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

pub mod clients;
pub mod commission;
pub mod links;
pub mod report;
pub mod requests;
pub mod staff;
pub mod stats;

/// The IB area's sections, as tabs above each of its pages.
const SECTIONS: &[(&str, &str)] = &[
    ("/ib", "ib.nav_overview"),
    ("/ib/clients", "ib.nav_clients"),
    ("/ib/report", "ib.nav_report"),
    ("/ib/commission", "ib.nav_commission"),
    ("/ib/requests", "ib.nav_requests"),
    ("/ib/stats", "ib.nav_stats"),
    ("/ib/links", "ib.nav_links"),
];

/// The tabs of the IB area; the current page's is marked.
#[component]
pub fn IbNav() -> impl IntoView {
    let i18n = use_i18n();
    let path = use_location().pathname;
    view! {
        <nav class="tabs" aria-label=move || i18n.t("nav.ib_area")>
            {SECTIONS
                .iter()
                .map(|(href, label)| {
                    let here = move || path.get() == *href;
                    view! {
                        <a class="tab" href=*href aria-current=move || here().then_some("page")>
                            {move || i18n.t(label)}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}

#[component]
pub fn IbPage() -> impl IntoView {
    let i18n = use_i18n();
    let overview = resource(|| (), |_| get_ib_overview());
    view! {
        <PageHeader title="nav.ib_area" subtitle="ib.subtitle"/>
        <IbNav/>
        <div class="stack">
            <Suspense fallback=|| view! { <div class="spinner"></div> }>
                {move || {
                    overview.get()
                        .map(|r| match r {
                            Ok(o) => {
                                let link = o.referral_link.clone();
                                view! {
                                    <div class="grid-cards">
                                        <div class="card stat">
                                            <span class="stat-label">{move || i18n.t("ib.direct_clients")}</span>
                                            <span class="stat-value" data-testid="direct-clients">{o.direct_clients}</span>
                                        </div>
                                        <div class="card stat">
                                            <span class="stat-label">{move || i18n.t("ib.joined_30d")}</span>
                                            <span class="stat-value">{o.joined_last_30_days}</span>
                                        </div>
                                    </div>
                                    <div class="card stack">
                                        <h2 class="card-title">{move || i18n.t("ib.share")}</h2>
                                        <IdChip label=Signal::derive(move || i18n.t("dash.referral_code")) value=o.referral_code.clone()/>
                                        <div class="idchip">
                                            <span class="muted">{move || i18n.t("ib.referral_link")}</span>
                                            <span class="mono" data-testid="referral-link">{link.clone()}</span>
                                            <CopyButton text=Signal::derive(move || link.clone())/>
                                        </div>
                                        <p class="muted">{move || i18n.t("ib.links_hint")}" "<a href="/ib/links">{move || i18n.t("ib.nav_links")}</a></p>
                                    </div>
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <div class="form-error">{move || i18n.t(e.key())}</div> }.into_any(),
                        })
                }}
            </Suspense>
        </div>
    }
}
