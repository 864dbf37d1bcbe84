//! The offers' screens: the back office's coupons and promo codes (tabs of `/admin/offers`),
//! and the client's coupons (`/coupons`).
use crate::i18n::use_i18n;
use crate::pages::PageHeader;
use crate::ui::open_tab;
use leptos::prelude::*;

pub mod client;
pub mod coupons;
pub mod promo_codes;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Coupons,
    PromoCodes,
}

#[component]
pub fn OffersAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let tab = RwSignal::new(Tab::Coupons);
    let tabs = [
        (Tab::Coupons, "offers.coupons"),
        (Tab::PromoCodes, "offers.promo_codes"),
    ];
    view! {
        <PageHeader title="nav.offers" subtitle="offers.admin_sub"/>
        <div class="tabs" role="tablist" aria-label=move || i18n.t("nav.offers")>
            {tabs.into_iter().map(|(t, label)| view! {
                <button type="button" role="tab" class="tab" aria-selected=move || (tab.get() == t).to_string()
                    data-testid=format!("tab-{label}") on:click=move |_| { open_tab(tab, t); }>{move || i18n.t(label)}</button>
            }).collect_view()}
        </div>
        {move || match tab.get() {
            Tab::Coupons => view! { <coupons::Coupons/> }.into_any(),
            Tab::PromoCodes => view! { <promo_codes::PromoCodes/> }.into_any(),
        }}
    }
}
