//! The client's coupons (`/coupons`): valid ones first, as cards, with what they cover, until
//! when, and the uses left; used, expired and revoked ones after them.
use super::coupons::CouponCard;
use crate::api::offers::my_coupons;
use crate::i18n::use_i18n;
use crate::model::{ClientCoupon, CouponState};
use crate::pages::PageHeader;
use crate::ui::resource::resource;
use leptos::prelude::*;

#[component]
pub fn CouponsPage() -> impl IntoView {
    let i18n = use_i18n();
    let mine = resource(|| (), |_| my_coupons());
    view! {
        <PageHeader title="nav.coupons" subtitle="offers.mine_sub"/>
        <Suspense fallback=move || view! { <p class="muted">{move || i18n.t("common.loading")}</p> }>
            {move || mine.get().map(|r| match r {
                Err(e) => view! { <p class="alert alert-error">{i18n.t(e.key())}</p> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="card muted">{move || i18n.t("offers.none_yet")}</p> }.into_any(),
                Ok(list) => {
                    let (valid, past): (Vec<ClientCoupon>, Vec<ClientCoupon>) =
                        list.into_iter().partition(|c| c.state == CouponState::Valid);
                    view! {
                        <section class="stack" data-testid="valid-coupons">
                            <h2 class="section-title">{move || i18n.t("offers.valid")}</h2>
                            {if valid.is_empty() {
                                view! { <p class="muted">{move || i18n.t("offers.none_valid")}</p> }.into_any()
                            } else {
                                view! { <div class="coupon-grid">{valid.into_iter().map(|c| view! { <Coupon c/> }).collect_view()}</div> }.into_any()
                            }}
                        </section>
                        {(!past.is_empty()).then(|| view! {
                            <section class="stack" data-testid="past-coupons">
                                <h2 class="section-title">{move || i18n.t("offers.past")}</h2>
                                <div class="coupon-grid past">{past.into_iter().map(|c| view! { <Coupon c/> }).collect_view()}</div>
                            </section>
                        })}
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

#[component]
fn Coupon(c: ClientCoupon) -> impl IntoView {
    let i18n = use_i18n();
    let state = c.state;
    let until = c.valid_to.clone();
    let left = c.left;
    let covers_all = c.scope.is_empty();
    view! {
        <div data-testid=format!("my-coupon-{}", c.title) data-state=format!("{state:?}").to_lowercase()>
            <CouponCard title=c.title.clone() colour=c.colour.clone() body=c.body.clone() discount=c.discount.clone()>
                <p class="cell-sub">
                    {move || match state {
                        CouponState::Valid => i18n.t("offers.state_valid"),
                        CouponState::Used => i18n.t("offers.state_used"),
                        CouponState::Expired => i18n.t("offers.state_expired"),
                        CouponState::Revoked => i18n.t("offers.state_revoked"),
                    }}
                    {(!until.is_empty()).then(|| view! { " · "{move || i18n.t("offers.until")}" "{until.clone()} })}
                    {left.map(|n| view! { " · "{move || i18n.t("offers.uses_left")}" "{n} })}
                    {(!covers_all).then(|| view! { " · "{move || i18n.t("offers.some_challenges")} })}
                </p>
                {(state == CouponState::Valid).then(|| view! { <a class="btn btn-sm" href="/challenges">{move || i18n.t("offers.use_it")}</a> })}
            </CouponCard>
        </div>
    }
}
