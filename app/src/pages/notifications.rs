use crate::api::notifications::{get_notifications, mark_notifications_read};
use crate::domain::live::Topic;
use crate::i18n::use_i18n;
use crate::pages::PageHeader;
use crate::ui::bell::notification_text;
use crate::ui::live::changes;
use crate::ui::resource::resource;
use leptos::prelude::*;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(0u32);
    let live = changes(Topic::Notification);
    let feed = resource(move || (version.get(), live.get()), |_| get_notifications());
    let mark = move |_| {
        leptos::task::spawn_local(async move {
            let _ = mark_notifications_read().await;
            version.update(|v| *v += 1);
        });
    };
    view! {
        <PageHeader title="nav.notifications">
            <button type="button" class="btn" on:click=mark>{move || i18n.t("common.mark_all_read")}</button>
        </PageHeader>
        <div class="card">
            <Transition fallback=|| view! { <div class="spinner"></div> }>
                {move || {
                    feed.get()
                        .map(|r| match r {
                            Ok(f) if f.items.is_empty() => view! { <p class="empty">{move || i18n.t("common.no_notifications")}</p> }.into_any(),
                            Ok(f) => {
                                view! {
                                    <ul class="list-plain stack">
                                        {f.items
                                            .into_iter()
                                            .map(|n| {
                                                let when = crate::ui::datetime(&n.created_at);
                                                let read = n.read;
                                                view! {
                                                    <li class="dropdown-item" class:is-unread=!read>
                                                        <div>{move || notification_text(&n, |k| i18n.t(k))}</div>
                                                        <small class="muted">{when}</small>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <p class="form-error">{move || i18n.t(e.key())}</p> }.into_any(),
                        })
                }}
            </Transition>
        </div>
    }
}
