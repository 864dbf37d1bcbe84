//! The pop-up of a firm notice the client has not read: shown on their next visit (and at
//! once when one arrives), closed with a button that marks it read.
use crate::api::messages::{ClosePopup, my_popup};
use crate::domain::live::Topic;
use crate::i18n::use_i18n;
use crate::ui::live::changes;
use crate::ui::resource::resource;
use leptos::prelude::*;

#[component]
pub fn NoticePopup() -> impl IntoView {
    let i18n = use_i18n();
    let live = changes(Topic::Notification);
    let close = ServerAction::<ClosePopup>::new();
    let popup = resource(move || (live.get(), close.version().get()), |_| my_popup());
    view! {
        <Transition fallback=|| ()>
            {move || popup.get().and_then(Result::ok).flatten().map(|p| {
                let id = p.id;
                view! {
                    <div class="modal-backdrop">
                        <div class="modal card stack" role="dialog" aria-modal="true" aria-labelledby="notice-popup-title" data-testid="notice-popup">
                            <h2 class="card-title" id="notice-popup-title">{p.title.clone()}</h2>
                            <p class="notice-body">{p.body.clone()}</p>
                            {(!p.coupon.is_empty()).then(|| view! {
                                <p class="badge badge-accent" data-testid="popup-coupon">{move || i18n.t("msg.coupon_granted")}" "{p.coupon.clone()}</p>
                            })}
                            <div class="form-actions">
                                {(!p.link.is_empty()).then(|| view! {
                                    <a class="btn btn-primary" href=p.link.clone() on:click=move |_| { close.dispatch(ClosePopup { id }); }>{move || i18n.t("msg.open_link")}</a>
                                })}
                                <button type="button" class="btn" on:click=move |_| { close.dispatch(ClosePopup { id }); }>{move || i18n.t("msg.close")}</button>
                            </div>
                        </div>
                    </div>
                }
            })}
        </Transition>
    }
}
