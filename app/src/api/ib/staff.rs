//! The back office's side of the IB programme.
use crate::api::area_fn;
use crate::error::AppError;
use crate::model::{
    ClientIb, CommissionReport, LinkForm, LinkRow, ListQuery, Page, RankSetForm, RankSetRow,
};
use leptos::prelude::*;

area_fn!(rank_sets, "ib/rank-sets", () -> Vec<RankSetRow>, Access::Staff(Permission::IbView),
    |_me, st, _from| settings::ranks::list(&st.db));

area_fn!(
    /// Creates (`id` 0) or updates a rank set and its tiers, lowest first.
    save_rank_set, "ib/rank-sets/save", (form: RankSetForm) -> RankSetRow,
    Access::Staff(Permission::IbManage),
    |me, st, from| settings::ranks::save(&st.db, me.user_id, form, &from));

area_fn!(
/// A client's place in the IB programme: upline, tier and downlines.
client_ib_info, "ib/client", (client: i64) -> ClientIb, Access::Staff(Permission::IbView),
|me, st, _from| async move {
    identity::scope::Scope::of(&st.db, &me).await?.check(&st.db, client).await?;
    ib::tiers::client_ib(&st.db, client).await
});

area_fn!(
/// Gives an IB a tier (0: none).
set_ib_tier, "ib/tier", (client: i64, tier: i64) -> (), Access::Staff(Permission::IbManage),
|me, st, from| async move {
    identity::scope::Scope::of(&st.db, &me).await?.check(&st.db, client).await?;
    ib::tiers::set_tier(&st.db, me.user_id, client, (tier != 0).then_some(tier), &from).await
});

area_fn!(
/// Moves a client, with their downlines, under another client (0: to the top).
move_upline, "ib/upline", (client: i64, upline: i64) -> (), Access::Staff(Permission::IbManage),
|me, st, from| async move {
    let scope = identity::scope::Scope::of(&st.db, &me).await?;
    scope.check_all(&st.db, &[client, upline].into_iter().filter(|&c| c != 0).collect::<Vec<_>>()).await?;
    identity::referrals::move_upline(&st.db, client, (upline != 0).then_some(upline), me.user_id, &from).await
});

area_fn!(
/// The Fee Commission Report: every commission, or one challenge's (`challenge` not 0).
fee_commission_report, "ib/fee-report", (query: ListQuery, #[server(default)] challenge: i64) -> CommissionReport,
Access::Staff(Permission::IbView),
|me, st, _from| async move {
    let clients = identity::scope::Scope::of(&st.db, &me).await?;
    ib::reports::commissions(&st.db, ib::reports::Whose::All { challenge, clients: &clients }, &query, true).await
});

area_fn!(firm_links, "ib/firm-links", (query: ListQuery) -> Page<LinkRow>,
    Access::Staff(Permission::IbView),
    |_me, st, _from| ib::links::list(&st.db, ib::links::Owner::Firm, &st.config.public_url, &query, true));

area_fn!(create_firm_link, "ib/firm-links/create", (form: LinkForm) -> LinkRow,
Access::Staff(Permission::IbManage),
|me, st, from| ib::links::create(
    &st.db,
    ib::links::Owner::Firm,
    me.user_id,
    form,
    &st.config.public_url,
    &from,
));

area_fn!(archive_firm_link, "ib/firm-links/archive", (id: i64) -> (),
    Access::Staff(Permission::IbManage),
    |me, st, from| ib::links::archive(&st.db, ib::links::Owner::Firm, me.user_id, id, &from));
