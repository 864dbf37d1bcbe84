//! The offers' screens: the back office's coupons and promo codes (tabs of `/admin/offers`),
//! and the client's coupons (`/coupons`).
use crate::pages::PageHeader;
use crate::ui::tabs::TabBar;
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
    let tab = RwSignal::new(Tab::Coupons);
    let tabs = vec![
        (Tab::Coupons, "offers.coupons"),
        (Tab::PromoCodes, "offers.promo_codes"),
    ];
    view! {
        <PageHeader title="nav.offers" subtitle="offers.admin_sub"/>
        <TabBar tab tabs label="nav.offers"/>
        {move || match tab.get() {
            Tab::Coupons => view! { <coupons::Coupons/> }.into_any(),
            Tab::PromoCodes => view! { <promo_codes::PromoCodes/> }.into_any(),
        }}
    }
}
