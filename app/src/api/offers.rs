//! Offers: the client's coupons, and the back office's coupons and promo codes.
use crate::api::area_fn;
use crate::domain::offers::PromoState;
use crate::error::AppError;
use crate::model::{
    ClientCoupon, CouponChoices, CouponForm, CouponRow, ListQuery, Page, PromoCodeForm,
    PromoCodeRow,
};
use leptos::prelude::*;

area_fn!(
    /// The coupons granted to the caller, valid ones first.
    my_coupons, "offers/mine", () -> Vec<ClientCoupon>, Access::Client,
    |me, st, _from| offers::coupons::of_client(&st.db, me.user_id, chrono::Utc::now()));

area_fn!(coupons, "offers/coupons", (query: ListQuery) -> Page<CouponRow>,
    Access::Staff(Permission::OffersView),
    |_me, st, _from| offers::coupons::list(&st.db, &query, true));

area_fn!(
/// What a coupon may cover (every package on sale, with its price) and be granted to.
coupon_options, "offers/choices", () -> CouponChoices,
Access::Staff(Permission::OffersView),
|_me, st, _from| async move {
    Ok(CouponChoices {
        packages: prop::challenges::on_sale(&st.db).await?,
        groups: settings::groups(&st.db)
            .await?
            .into_iter()
            .map(|g| (g.id, g.name))
            .collect(),
    })
});

area_fn!(
/// Creates (`id` 0, granted to its audience at once) or changes an unused coupon.
save_coupon, "offers/coupons/save", (form: CouponForm) -> CouponRow,
Access::Staff(Permission::OffersManage),
|me, st, from| async move {
    let catalogue = prop::challenges::on_sale(&st.db).await?;
    offers::coupons::save(&st.db, me.user_id, form, &catalogue, &from).await
});

area_fn!(
    /// Grants a coupon to the members of client groups and to clients named by e-mail.
    grant_coupon, "offers/coupons/grant",
    (id: i64, #[server(default)] group_ids: Vec<i64>, #[server(default)] clients: String) -> u64,
    Access::Staff(Permission::OffersManage),
    |me, st, from| offers::coupons::grant_more(&st.db, me.user_id, id, group_ids, clients, &from));

area_fn!(revoke_coupon, "offers/coupons/revoke", (id: i64) -> CouponRow,
    Access::Staff(Permission::OffersManage),
    |me, st, from| offers::coupons::revoke(&st.db, me.user_id, id, &from));

area_fn!(promo_codes, "offers/promo-codes", (query: ListQuery) -> Page<PromoCodeRow>,
    Access::Staff(Permission::OffersView),
    |_me, st, _from| offers::promo_codes::list(&st.db, &query, true));

area_fn!(
    /// Creates (`id` 0, not enabled) or changes a promo code that was never enabled.
    save_promo_code, "offers/promo-codes/save", (form: PromoCodeForm) -> PromoCodeRow,
    Access::Staff(Permission::OffersManage),
    |me, st, from| offers::promo_codes::save(&st.db, me.user_id, form, &from));

area_fn!(
    /// Enables or disables a promo code.
    set_promo_code_state, "offers/promo-codes/state", (id: i64, to: PromoState) -> PromoCodeRow,
    Access::Staff(Permission::OffersManage),
    |me, st, from| offers::promo_codes::set_state(&st.db, me.user_id, id, to, &from));

area_fn!(delete_promo_code, "offers/promo-codes/delete", (id: i64) -> (),
    Access::Staff(Permission::OffersManage),
    |me, st, from| offers::promo_codes::delete(&st.db, me.user_id, id, &from));
