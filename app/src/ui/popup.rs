//! The pop-up of a firm notice the client has not read: shown on their next visit (and at
//! once when one arrives), closed with a button that marks it read.
use crate::api::messages::{close_popup, my_popup};
use crate::domain::live::Topic;
use crate::i18n::use_i18n;
use crate::model::Popup;
use crate::ui::in_browser::InBrowser;
use crate::ui::live::changes;
use leptos::prelude::*;

/// Asks for an unread notice once the page has hydrated, and draws it (its code loaded then):
/// most visits have none, so a trader's first visit does without the pop-up's code
/// (docs/benchmarks.md, front-end bundle).
#[component]
pub fn NoticePopup() -> impl IntoView {
    let live = changes(Topic::Notification);
    let closed = RwSignal::new(0u32);
    let popup = LocalResource::new(move || {
        live.track();
        closed.track();
        my_popup()
    });
    view! {
        <InBrowser quiet=true>
            <Transition fallback=|| ()>
                {move || popup.get().and_then(Result::ok).flatten().map(|p| Suspend::new(notice(p, closed)))}
            </Transition>
        </InBrowser>
    }
}

/// The notice; closing it (or following its link) marks it read, then `closed` asks again.
#[leptos::lazy(notice_popup)]
fn notice(p: Popup, closed: RwSignal<u32>) -> AnyView {
    let i18n = use_i18n();
    let id = p.id;
    let close = move || {
        leptos::task::spawn_local(async move {
            let _ = close_popup(id).await;
            closed.update(|n| *n += 1);
        })
    };
    view! {
        <div class="modal-backdrop">
            <div class="modal card stack" role="dialog" aria-modal="true" aria-labelledby="notice-popup-title" data-testid="notice-popup">
                <h2 class="card-title" id="notice-popup-title">{p.title}</h2>
                <p class="notice-body">{p.body}</p>
                {(!p.coupon.is_empty()).then(|| view! {
                    <p class="badge badge-accent" data-testid="popup-coupon">{move || i18n.t("msg.coupon_granted")}" "{p.coupon.clone()}</p>
                })}
                <div class="form-actions">
                    {(!p.link.is_empty()).then(|| view! {
                        <a class="btn btn-primary" href=p.link.clone() on:click=move |_| close()>{move || i18n.t("msg.open_link")}</a>
                    })}
                    <button type="button" class="btn" on:click=move |_| close()>{move || i18n.t("msg.close")}</button>
                </div>
            </div>
        </div>
    }
    .into_any()
}
