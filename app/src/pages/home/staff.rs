use crate::api::identity::clients::get_admin_stats;
use crate::i18n::use_i18n;
use crate::pages::PageHeader;
use crate::ui::chart::BarChart;
use crate::ui::resource::resource;
use leptos::prelude::*;

#[component]
pub fn AdminDashboard() -> impl IntoView {
    let i18n = use_i18n();
    let stats = resource(|| (), |_| get_admin_stats());
    view! {
        <PageHeader title="admin.dashboard" subtitle="admin.dashboard_sub"/>
        <Suspense fallback=|| view! { <div class="progress indeterminate"><div class="progress-bar"></div></div> }>
            {move || {
                stats.get()
                    .map(|r| match r {
                        Ok(s) => {
                            let cards = [
                                ("admin.traders", s.traders, "traders"),
                                ("admin.ibs", s.ibs, "ibs"),
                                ("admin.staff_users", s.staff, "staff"),
                                ("admin.active_sessions", s.active_sessions, "sessions"),
                            ];
                            let data: Vec<(String, u64)> = s.registrations.iter().map(|d| (d.day.clone(), d.count)).collect();
                            let total: u64 = data.iter().map(|(_, c)| c).sum();
                            view! {
                                <div class="stack">
                                    <div class="grid-cards">
                                        {cards
                                            .into_iter()
                                            .map(|(k, v, id)| {
                                                view! {
                                                    <div class="card stat" data-testid=format!("stat-{id}")>
                                                        <span class="stat-label">{move || i18n.t(k)}</span>
                                                        <span class="stat-value">{v}</span>
                                                    </div>
                                                }
                                            })
                                            .collect_view()}
                                    </div>
                                    <div class="card">
                                        <div class="card-header">
                                            <h2 class="card-title">{move || i18n.t("admin.registrations_14d")}</h2>
                                            <span class="badge badge-accent">{total}</span>
                                        </div>
                                        <BarChart data title=Signal::derive(move || i18n.t("admin.registrations_14d"))/>
                                    </div>
                                </div>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <div class="form-error">{move || i18n.t(e.key())}</div> }.into_any(),
                    })
            }}
        </Suspense>
    }
}
