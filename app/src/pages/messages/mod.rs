//! The back office's messages to clients (`/admin/messages`): firm notices, the email
//! templates in each language, and the mail log (tabs).
use crate::i18n::use_i18n;
use crate::pages::PageHeader;
use crate::ui::open_tab;
use leptos::prelude::*;

pub mod notices;
pub mod outbox;
pub mod templates;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Notices,
    Templates,
    Outbox,
}

#[component]
pub fn MessagesAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let tab = RwSignal::new(Tab::Notices);
    let tabs = [
        (Tab::Notices, "msg.notices"),
        (Tab::Templates, "msg.templates"),
        (Tab::Outbox, "msg.outbox"),
    ];
    view! {
        <PageHeader title="nav.messages" subtitle="msg.admin_sub"/>
        <div class="tabs" role="tablist" aria-label=move || i18n.t("nav.messages")>
            {tabs.into_iter().map(|(t, label)| view! {
                <button type="button" role="tab" class="tab" aria-selected=move || (tab.get() == t).to_string()
                    on:click=move |_| { open_tab(tab, t); }>{move || i18n.t(label)}</button>
            }).collect_view()}
        </div>
        {move || match tab.get() {
            Tab::Notices => view! { <notices::Notices/> }.into_any(),
            Tab::Templates => view! { <templates::Templates/> }.into_any(),
            Tab::Outbox => view! { <outbox::Outbox/> }.into_any(),
        }}
    }
}
