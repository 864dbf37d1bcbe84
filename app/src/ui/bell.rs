//! The top bar's bell: the count of unread notifications, and the list of them when opened.
use crate::api::notifications::{get_notifications, mark_notifications_read};
use crate::domain::live::Topic;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::model::{NotificationDto, NotificationFeed};
use crate::ui::live::changes;
use crate::ui::resource::{Json, resource};
use leptos::prelude::*;

/// The text of a notification, with its parameters filled in.
pub fn notification_text(n: &NotificationDto, t: impl Fn(&str) -> &'static str) -> String {
    crate::i18n::fill(t(&n.kind), &n.data, t)
}

#[component]
fn BellIcon() -> impl IntoView {
    view! {
        <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
            <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9"></path>
            <path d="M13.73 21a2 2 0 0 1-3.46 0"></path>
        </svg>
    }
}

type Feed = Resource<Result<NotificationFeed, AppError>, Json>;

#[component]
pub fn Bell() -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let version = RwSignal::new(0u32);
    let live = changes(Topic::Notification);
    let feed = resource(move || (version.get(), live.get()), |_| get_notifications());
    let unread = move || {
        feed.get()
            .and_then(|r| r.ok())
            .map(|f| f.unread)
            .unwrap_or(0)
    };
    view! {
        <div class="dropdown bell">
            <button
                type="button"
                class="icon-btn"
                aria-label=move || i18n.t("nav.notifications")
                aria-expanded=move || open.get().to_string()
                on:click=move |_| {
                    open.update(|o| *o = !*o);
                    if open.get_untracked() {
                        version.update(|v| *v += 1);
                    }
                }
            >
                <BellIcon/>
                // Inside a Transition: the count is loaded data, and reading it outside one would
                // render differently on the server and in the browser.
                <Transition>
                    {move || {
                        let n = unread();
                        (n > 0).then(|| view! { <span class="badge-count" data-testid="unread-count">{n}</span> })
                    }}
                </Transition>
            </button>
            <Show when=move || open.get()>
                <Suspense fallback=|| ()>{move || Suspend::new(menu(feed, version))}</Suspense>
            </Show>
        </div>
    }
}

/// The opened list, its code loaded at the first opening: a trader's first visit does without
/// it (docs/benchmarks.md, front-end bundle). Marking all read asks for the feed again
/// (`version`).
#[leptos::lazy(bell_menu)]
fn menu(feed: Feed, version: RwSignal<u32>) -> AnyView {
    let i18n = use_i18n();
    let mark_read = move |_| {
        leptos::task::spawn_local(async move {
            let _ = mark_notifications_read().await;
            version.update(|v| *v += 1);
        });
    };
    view! {
        <div class="dropdown-menu" role="menu">
            <div class="card-header">
                <strong>{move || i18n.t("nav.notifications")}</strong>
                <button type="button" class="btn btn-sm btn-ghost" on:click=mark_read>
                    {move || i18n.t("common.mark_all_read")}
                </button>
            </div>
            <Transition fallback=|| view! { <div class="dropdown-empty"><span class="spinner"></span></div> }>
                {move || {
                    feed.get()
                        .map(|r| match r {
                            Ok(f) if f.items.is_empty() => {
                                view! { <div class="dropdown-empty">{move || i18n.t("common.no_notifications")}</div> }.into_any()
                            }
                            Ok(f) => {
                                f.items
                                    .into_iter()
                                    .map(|n| {
                                        let when = crate::ui::datetime(&n.created_at);
                                        let read = n.read;
                                        view! {
                                            <div class="dropdown-item" class:is-unread=!read>
                                                <div>{move || notification_text(&n, |k| i18n.t(k))}</div>
                                                <small class="muted">{when}</small>
                                            </div>
                                        }
                                    })
                                    .collect_view()
                                    .into_any()
                            }
                            Err(e) => view! { <div class="dropdown-empty">{move || i18n.t(e.key())}</div> }.into_any(),
                        })
                }}
            </Transition>
        </div>
    }
    .into_any()
}
