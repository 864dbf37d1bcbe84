//! Every profit-share settlement of funded accounts: period, profit, the trader's share and the
//! firm's part, the payout's status, and a link to the review of those awaiting one.
use crate::api::prop::profit_shares::get_profit_shares;
use crate::domain::bps::Bps;
use crate::domain::profit_share::SettlementStatus;
use crate::i18n::{I18n, use_i18n};
use crate::model::{ProfitShareDto, PropFilter};
use crate::pages::PageHeader;
use crate::ui::profit_share::ShareStatus;
use crate::ui::prop::or_dash;
use crate::ui::prop_filter::{Offer, PropFilterBar};
use crate::ui::resource::resource;
use crate::ui::table::{ListBody, ListState, SortHeader};
use crate::ui::toolbar::ListToolbar;
use leptos::prelude::*;

fn status_filters() -> Vec<(&'static str, &'static str)> {
    vec![
        ("", "prop.all_statuses"),
        ("pending_review", "prop.ps_status_pending_review"),
        ("paid", "prop.ps_status_paid"),
        ("rejected", "prop.ps_status_rejected"),
        ("no_profit", "prop.ps_status_no_profit"),
    ]
}

#[component]
pub fn ProfitSharesPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = ListState::new("id", true);
    let filter = RwSignal::new(PropFilter::default());
    let rows = resource(
        move || (state.get(), filter.get()),
        |(q, f)| get_profit_shares(q, f),
    );
    let export = Signal::derive(move || {
        format!(
            "/export/profit-shares.csv?{}&{}",
            state.get().to_query_string(),
            filter.get().to_query_string()
        )
    });
    view! {
        <PageHeader title="nav.profit_shares" subtitle="prop.ps_list_sub"/>
        <div class="card">
            <ListToolbar state search="prop.search" filters=status_filters() filter_label="prop.filter_status" dates=true export/>
            <PropFilterBar filter offer=Offer { data_type: true, ib: true, ..Offer::default() }/>
            <div class="table-wrap">
                <table class="table prop-table" data-testid="profit-shares">
                    <thead>
                        <tr>
                            <SortHeader state col="id" label="common.id" num=true/>
                            <th>{move || i18n.t("appr.client")}</th>
                            <SortHeader state col="period" label="prop.ps_period"/>
                            <SortHeader state col="profit" label="prop.ps_profit" num=true/>
                            <th class="num">{move || i18n.t("prop.ps_trader_share")}</th>
                            <th class="num">{move || i18n.t("prop.ps_firm_share")}</th>
                            <th>{move || i18n.t("common.status")}</th>
                            <th><span class="sr-only">{move || i18n.t("common.actions")}</span></th>
                        </tr>
                    </thead>
                    <ListBody state data=rows cols=8 row=move |s: ProfitShareDto| share_row(i18n, s)/>
                </table>
            </div>
        </div>
    }
}

fn share_row(i18n: I18n, s: ProfitShareDto) -> impl IntoView {
    let dist = format!("prop.ps_dist_{}", s.distribution);
    let review = s
        .request_id
        .filter(|_| s.status == SettlementStatus::PendingReview);
    view! {
        <tr data-testid=format!("share-{}", s.id) data-status=s.status.as_str()>
            <td class="num mono">{s.id}</td>
            <td class="client-cell">
                <span class="cell-main">{or_dash(&s.client)}</span>
                <span class="cell-sub">{format!("{} · {}", s.challenge, s.login)}</span>
            </td>
            <td class="nowrap">{format!("{} – {}", s.period_start, s.period_end)}</td>
            <td class="num">{s.profit.to_string()}</td>
            <td class="num">
                <span class="cell-main">{s.trader_share.to_string()}</span>
                <span class="cell-sub">{Bps(s.trader_bps).to_string()}</span>
            </td>
            <td class="num">{s.firm_share.to_string()}</td>
            <td>
                <span class="prop-status">
                    <ShareStatus status=s.status/>
                    <span class="cell-sub">{move || i18n.t(&dist)}</span>
                </span>
            </td>
            <td class="cluster">
                <a class="btn btn-sm" href=format!("/admin/participants/{}", s.participant_id)>{move || i18n.t("appr.open")}</a>
                {review.map(|r| view! { <a class="btn btn-sm btn-primary" href=format!("/admin/approvals/{r}")>{move || i18n.t("prop.ps_review")}</a> })}
            </td>
        </tr>
    }
}
