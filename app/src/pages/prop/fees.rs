//! The participation-fee report: every challenge fee, retry fee and refund with its client,
//! challenge, package and referring IB, the totals of everything the filter keeps, and CSV.
use crate::api::prop::dashboard::get_fee_report;
use crate::i18n::{I18n, use_i18n};
use crate::model::{FeeReport, FeeRow, PropFilter};
use crate::pages::PageHeader;
use crate::ui::form::FormProblem;
use crate::ui::prop::{DataTypeBadge, or_dash};
use crate::ui::prop_filter::{Offer, PropFilterBar};
use crate::ui::resource::resource;
use crate::ui::table::{EmptyRow, ListState, Pager, SortHeader};
use crate::ui::toolbar::ListToolbar;
use leptos::prelude::*;

fn kind_filters() -> Vec<(&'static str, &'static str)> {
    vec![
        ("", "prop.fee_all_kinds"),
        ("fee", "prop.fee_kind_fee"),
        ("retry", "prop.fee_kind_retry"),
        ("refund", "prop.fee_kind_refund"),
    ]
}

#[component]
pub fn PropFeesPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = ListState::new("id", true);
    let filter = RwSignal::new(PropFilter::default());
    let report = resource(
        move || (state.get(), filter.get()),
        |(q, f)| get_fee_report(q, f),
    );
    let export = Signal::derive(move || {
        format!(
            "/export/prop-fees.csv?{}&{}",
            state.get().to_query_string(),
            filter.get().to_query_string()
        )
    });
    view! {
        <PageHeader title="nav.prop_fees" subtitle="prop.fee_sub"/>
        <div class="card">
            <ListToolbar state search="prop.search" filters=kind_filters() filter_label="prop.fee_kind" dates=true export/>
            <PropFilterBar filter offer=Offer::ALL/>
            <div class="table-wrap">
                <table class="table prop-table" data-testid="prop-fees">
                    <thead>
                        <tr>
                            <SortHeader state col="id" label="common.id" num=true/>
                            <th>{move || i18n.t("prop.when")}</th>
                            <th>{move || i18n.t("appr.client")}</th>
                            <th>{move || i18n.t("prop.challenge")}</th>
                            <th>{move || i18n.t("prop.fee_kind")}</th>
                            <th class="num">{move || i18n.t("prop.fee_before")}</th>
                            <th class="num">{move || i18n.t("prop.fee_discount")}</th>
                            <SortHeader state col="amount" label="prop.fee_amount" num=true/>
                            <th>{move || i18n.t("prop.ib")}</th>
                            <th>{move || i18n.t("prop.data_type")}</th>
                        </tr>
                    </thead>
                    <Transition fallback=|| view! { <tbody><tr><td colspan="10"><div class="spinner"></div></td></tr></tbody> }>
                        {move || report.get().map(|r| match r {
                            Ok(r) => {
                                let page = r.page.clone();
                                view! {
                                    <tbody>
                                        {page.rows.is_empty().then(|| view! { <EmptyRow cols=10/> })}
                                        {page.rows.clone().into_iter().map(|f| fee_row(i18n, f)).collect_view()}
                                    </tbody>
                                    <tfoot>
                                        <tr><td colspan="10"><Totals r/><Pager state page/></td></tr>
                                    </tfoot>
                                }.into_any()
                            }
                            Err(e) => view! { <tbody><tr><td colspan="10"><FormProblem error=Signal::derive(move || Some(e.clone()))/></td></tr></tbody> }.into_any(),
                        })}
                    </Transition>
                </table>
            </div>
        </div>
    }
}

#[component]
fn Totals(r: FeeReport) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="grid-cards" data-testid="fee-totals">
            {r.totals.into_iter().map(|t| view! {
                <div class="card stat" data-testid=format!("fee-total-{}", t.currency) data-net=t.net.clone()>
                    <span class="stat-label">{move || i18n.t("prop.fee_net")}" · "{t.currency.clone()}</span>
                    <span class="stat-value">{t.net.clone()}</span>
                    <span class="muted small">
                        {move || i18n.t("prop.fee_taken")}" "{t.fees.clone()}" · "{move || i18n.t("prop.fee_refunded")}" "{t.refunds.clone()}
                    </span>
                </div>
            }).collect_view()}
        </div>
    }
}

fn fee_row(i18n: I18n, f: FeeRow) -> impl IntoView {
    let kind = format!("prop.fee_kind_{}", f.kind);
    let refund = f.kind == "refund";
    view! {
        <tr data-testid=format!("fee-{}", f.id) data-kind=f.kind.clone() data-amount=f.amount.clone()>
            <td class="num mono">{f.id}</td>
            <td class="nowrap">{f.at.clone()}</td>
            <td>
                <span class="cell-main">{or_dash(&f.client)}</span>
                <span class="cell-sub">{f.email.clone()}</span>
            </td>
            <td>
                <span class="cell-main"><a href=format!("/admin/participants/{}", f.participant_id)>{f.challenge.clone()}</a></span>
                <span class="cell-sub">{f.package.clone()}</span>
            </td>
            <td>{move || i18n.t(&kind)}</td>
            <td class="num" data-testid="fee-before">{if refund { "—".to_string() } else { f.list.clone() }}</td>
            <td class="num" data-testid="fee-discount">
                {if refund || f.list == f.amount { "—".to_string() } else { format!("−{}", f.discount) }}
                {(!f.source.is_empty()).then(|| view! { <span class="cell-sub discount-source">{f.source.clone()}</span> })}
            </td>
            <td class="num" class:text-danger=refund data-testid="fee-paid">{format!("{} {}", f.amount, f.currency)}</td>
            <td>{or_dash(&f.ib)}</td>
            <td><DataTypeBadge data_type=f.data_type.clone()/></td>
        </tr>
    }
}
