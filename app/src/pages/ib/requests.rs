//! Clients' Requests: the pending and decided requests of the downlines the IB sees in full,
//! read-only.
use super::IbNav;
use crate::api::ib::ib_client_requests;
use crate::i18n::use_i18n;
use crate::model::RequestRow;
use crate::pages::PageHeader;
use crate::ui::badge::StatusBadge;
use crate::ui::datetime;
use crate::ui::resource::resource;
use crate::ui::table::{ListBody, ListState, SortHeader, Toolbar};
use crate::ui::text::{label_or, request_amount};
use leptos::prelude::*;

#[component]
pub fn IbRequestsPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = ListState::new("id", true);
    let data = resource(move || state.get(), ib_client_requests);
    let filters = vec![
        ("", "common.all"),
        ("pending", "appr.status_pending"),
        ("approved", "appr.status_approved"),
        ("rejected", "appr.status_rejected"),
        ("cancelled", "appr.status_cancelled"),
    ];
    view! {
        <PageHeader title="ib.nav_requests" subtitle="ib.requests_sub"/>
        <IbNav/>
        <div class="card">
            <Toolbar state filters export="/export/ib-requests.csv"/>
            <div class="table-wrap">
                <table class="table prop-table" data-testid="ib-requests">
                    <thead>
                        <tr>
                            <SortHeader state col="id" label="common.id"/>
                            <th>{move || i18n.t("appr.client")}</th>
                            <SortHeader state col="kind" label="common.type"/>
                            <SortHeader state col="amount" label="funds.amount" num=true/>
                            <SortHeader state col="status" label="common.status"/>
                            <SortHeader state col="created" label="funds.created"/>
                            <th>{move || i18n.t("funds.decided")}</th>
                        </tr>
                    </thead>
                    <ListBody state data cols=7 row=move |r: RequestRow| {
                        let kind = r.kind.as_str();
                        view! {
                            <tr data-testid=format!("client-request-{}", r.id)>
                                <td class="mono">{r.id}</td>
                                <td><span class="cell-main">{r.client.clone()}</span><span class="cell-sub">{r.email.clone()}</span></td>
                                <td>{move || label_or(i18n, &format!("appr.kind_{kind}"), kind)}</td>
                                <td class="num">{request_amount(&r)}</td>
                                <td><StatusBadge status=r.status/></td>
                                <td>{datetime(&r.created_at)}</td>
                                <td>{r.decided_at.as_ref().map(datetime).unwrap_or_default()}</td>
                            </tr>
                        }
                    }/>
                </table>
            </div>
        </div>
    }
}
