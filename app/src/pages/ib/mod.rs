//! The IB area: referral link and code, and the IB's referred clients.
use crate::api::ib::{get_ib_overview, ib_clients};
use crate::i18n::use_i18n;
use crate::pages::PageHeader;
use crate::ui::layout::{CopyButton, IdChip};
use crate::ui::table::{ListBody, ListState, SortHeader, Toolbar};
use leptos::prelude::*;

#[component]
pub fn IbPage() -> impl IntoView {
    let i18n = use_i18n();
    let overview = Resource::new(|| (), |_| get_ib_overview());
    let state = ListState::new("id", true);
    let clients = Resource::new(move || state.get(), ib_clients);
    view! {
        <PageHeader title="nav.ib_area" subtitle="ib.subtitle"/>
        <div class="stack">
            <Suspense fallback=|| view! { <div class="spinner"></div> }>
                {move || {
                    overview.get()
                        .map(|r| match r {
                            Ok(o) => {
                                let link = o.referral_link.clone();
                                view! {
                                    <div class="grid-cards">
                                        <div class="card stat">
                                            <span class="stat-label">{move || i18n.t("ib.direct_clients")}</span>
                                            <span class="stat-value" data-testid="direct-clients">{o.direct_clients}</span>
                                        </div>
                                        <div class="card stat">
                                            <span class="stat-label">{move || i18n.t("ib.joined_30d")}</span>
                                            <span class="stat-value">{o.joined_last_30_days}</span>
                                        </div>
                                    </div>
                                    <div class="card stack">
                                        <h2 class="card-title">{move || i18n.t("ib.share")}</h2>
                                        <IdChip label=Signal::derive(move || i18n.t("dash.referral_code")) value=o.referral_code.clone()/>
                                        <div class="idchip">
                                            <span class="muted">{move || i18n.t("ib.referral_link")}</span>
                                            <span class="mono" data-testid="referral-link">{link.clone()}</span>
                                            <CopyButton text=Signal::derive(move || link.clone())/>
                                        </div>
                                    </div>
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <div class="form-error">{move || i18n.t(e.key())}</div> }.into_any(),
                        })
                }}
            </Suspense>
            <div class="card">
                <h2 class="card-title">{move || i18n.t("ib.my_clients")}</h2>
                <Toolbar state filters=vec![("", "common.all"), ("trader", "auth.kind_trader"), ("ib", "auth.kind_ib")] export="/export/referrals.csv"/>
                <div class="table-wrap">
                    <table class="table">
                        <thead>
                            <tr>
                                <SortHeader state col="id" label="common.id"/>
                                <SortHeader state col="name" label="common.name"/>
                                <th>{move || i18n.t("common.type")}</th>
                                <SortHeader state col="country" label="auth.country"/>
                                <th>{move || i18n.t("common.joined")}</th>
                            </tr>
                        </thead>
                        <ListBody state data=clients cols=5 row=move |c: crate::model::ReferredClient| {
                                                            let kind = if c.kind == crate::domain::access::UserKind::Ib { "auth.kind_ib" } else { "auth.kind_trader" };
                                                            view! {
                                                                <tr>
                                                                    <td class="mono">{c.id}</td>
                                                                    <td>{c.name}</td>
                                                                    <td>{move || i18n.t(kind)}</td>
                                                                    <td>{c.country}</td>
                                                                    <td>{crate::ui::date(&c.joined)}</td>
                                                                </tr>
                                                            }
                        }/>
                    </table>
                </div>
            </div>
        </div>
    }
}
