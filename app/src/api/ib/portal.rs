//! The IB's own area in the portal. Every function answers for the caller's tree only.
use crate::api::area_fn;
use crate::error::AppError;
use crate::model::{
    ClientReportRow, CommissionReport, DownlineRow, IbOverview, IbPropStats, LinkForm, LinkRow,
    ListQuery, Page, RequestRow,
};
use leptos::prelude::*;

area_fn!(get_ib_overview, "ib/overview", () -> IbOverview, Access::Ib,
    |me, st, _from| identity::clients::ib_overview(&st.db, &st.config.public_url, me.user_id));

area_fn!(
/// The IB's tree: every level, or (`parent` not 0) one client's direct clients.
ib_tree, "ib/tree", (query: ListQuery, #[server(default)] parent: i64) -> Page<DownlineRow>,
Access::Ib,
|me, st, _from| async move {
    let s = ib::reports::scope(&st.db, me.user_id).await?;
    let parent = (parent != 0).then_some(parent);
    ib::reports::downlines(&st.db, &s, &query, parent, true).await
});

area_fn!(ib_commissions, "ib/commissions", (query: ListQuery) -> CommissionReport, Access::Ib,
|me, st, _from| async move {
    let s = ib::reports::scope(&st.db, me.user_id).await?;
    ib::reports::commissions(&st.db, ib::reports::Whose::Ib(&s), &query, true).await
});

area_fn!(ib_client_report, "ib/client-report", (query: ListQuery) -> Page<ClientReportRow>,
Access::Ib,
|me, st, _from| async move {
    let s = ib::reports::scope(&st.db, me.user_id).await?;
    ib::reports::client_report(&st.db, &s, &query, true).await
});

area_fn!(ib_client_requests, "ib/client-requests", (query: ListQuery) -> Page<RequestRow>,
Access::Ib,
|me, st, _from| async move {
    let s = ib::reports::scope(&st.db, me.user_id).await?;
    ib::reports::client_requests(&st.db, &s, &query, true).await
});

area_fn!(ib_prop_statistics, "ib/prop-stats", (query: ListQuery) -> IbPropStats, Access::Ib,
|me, st, _from| async move {
    let s = ib::reports::scope(&st.db, me.user_id).await?;
    ib::reports::prop_stats(&st.db, &s, &query).await
});

area_fn!(ib_links, "ib/links", (query: ListQuery) -> Page<LinkRow>, Access::Ib,
|me, st, _from| ib::links::list(
    &st.db,
    ib::links::Owner::Ib(me.user_id),
    &st.config.public_url,
    &query,
    true,
));

area_fn!(create_ib_link, "ib/links/create", (form: LinkForm) -> LinkRow, Access::Ib,
|me, st, from| ib::links::create(
    &st.db,
    ib::links::Owner::Ib(me.user_id),
    me.user_id,
    form,
    &st.config.public_url,
    &from,
));

area_fn!(archive_ib_link, "ib/links/archive", (id: i64) -> (), Access::Ib,
    |me, st, from| ib::links::archive(&st.db, ib::links::Owner::Ib(me.user_id), me.user_id, id, &from));
