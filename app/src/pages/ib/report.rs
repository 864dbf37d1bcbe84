//! The Clients' Report: each downline the IB sees in full with their wallet deposits and
//! withdrawals, challenge purchases and fees, and their challenges' statuses, within the
//! group's report range.
use super::IbNav;
use crate::api::ib::ib_client_report;
use crate::i18n::use_i18n;
use crate::model::ClientReportRow;
use crate::pages::PageHeader;
use crate::ui::prop::ParticipantBadge;
use crate::ui::resource::resource;
use crate::ui::table::{ListBody, ListState, SortHeader};
use crate::ui::text::monies;
use crate::ui::toolbar::ListToolbar;
use leptos::prelude::*;

#[component]
pub fn IbReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = ListState::new("level", false);
    let data = resource(move || state.get(), ib_client_report);
    view! {
        <PageHeader title="ib.nav_report" subtitle="ib.report_sub"/>
        <IbNav/>
        <div class="card">
            <ListToolbar state search="ib.search_clients" dates=true/>
            <div class="table-wrap">
                <table class="table" data-testid="ib-report">
                    <thead>
                        <tr>
                            <th class="num">{move || i18n.t("common.id")}</th>
                            <SortHeader state col="level" label="ib.level" num=true/>
                            <th>{move || i18n.t("common.name")}</th>
                            <th class="num">{move || i18n.t("ib.deposits")}</th>
                            <th class="num">{move || i18n.t("ib.withdrawals")}</th>
                            <th class="num">{move || i18n.t("ib.purchases")}</th>
                            <th class="num">{move || i18n.t("ib.fees")}</th>
                            <th>{move || i18n.t("ib.challenges")}</th>
                        </tr>
                    </thead>
                    <ListBody state data cols=8 row=move |r: ClientReportRow| view! {
                        <tr data-testid=format!("report-{}", r.id)>
                            <td class="num mono">{r.id}</td>
                            <td class="num">{r.level}</td>
                            <td>{r.name.clone()}</td>
                            <td class="num">{monies(&r.deposits)}</td>
                            <td class="num">{monies(&r.withdrawals)}</td>
                            <td class="num">{r.purchases}</td>
                            <td class="num">{monies(&r.fees)}</td>
                            <td>
                                <div class="cluster">
                                    {r.statuses.iter().map(|(s, n)| view! {
                                        <span class="cluster"><ParticipantBadge status=*s/><span class="muted small">{format!("× {n}")}</span></span>
                                    }).collect_view()}
                                </div>
                            </td>
                        </tr>
                    }/>
                </table>
            </div>
        </div>
    }
}
