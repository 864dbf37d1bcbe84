//! The back office's messages to clients (`/admin/messages`): firm notices, the email
//! templates in each language, and the mail log (tabs).
use crate::pages::PageHeader;
use crate::ui::tabs::TabBar;
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
    let tab = RwSignal::new(Tab::Notices);
    let tabs = vec![
        (Tab::Notices, "msg.notices"),
        (Tab::Templates, "msg.templates"),
        (Tab::Outbox, "msg.outbox"),
    ];
    view! {
        <PageHeader title="nav.messages" subtitle="msg.admin_sub"/>
        <TabBar tab tabs label="nav.messages"/>
        {move || match tab.get() {
            Tab::Notices => view! { <notices::Notices/> }.into_any(),
            Tab::Templates => view! { <templates::Templates/> }.into_any(),
            Tab::Outbox => view! { <outbox::Outbox/> }.into_any(),
        }}
    }
}
