use crate::api::identity::staff::list_audit;
use crate::i18n::use_i18n;
use crate::pages::PageHeader;
use crate::ui::resource::resource;
use crate::ui::table::{ListBody, ListState, SortHeader, Toolbar};
use leptos::prelude::*;

#[component]
pub fn AuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = ListState::new("id", true);
    let rows = resource(move || state.get(), list_audit);
    view! {
        <PageHeader title="nav.audit" subtitle="admin.audit_sub"/>
        <div class="card">
            <Toolbar state export="/export/audit.csv"/>
            <div class="table-wrap">
                <table class="table">
                    <thead>
                        <tr>
                            <SortHeader state col="id" label="common.id"/>
                            <th>{move || i18n.t("common.when")}</th>
                            <th>{move || i18n.t("admin.actor")}</th>
                            <SortHeader state col="action" label="admin.action"/>
                            <SortHeader state col="target" label="admin.target"/>
                            <th>{move || i18n.t("admin.detail")}</th>
                            <th>"IP"</th>
                        </tr>
                    </thead>
                    <ListBody state data=rows cols=7 row=move |a: crate::model::AuditRow| {
                                                        view! {
                                                            <tr>
                                                                <td class="mono">{a.id}</td>
                                                                <td>{crate::ui::datetime(&a.at)}</td>
                                                                <td>{match a.actor { Some(actor) => actor.into_any(), None => view! { <span class="muted">{move || i18n.t("admin.system_actor")}</span> }.into_any() }}</td>
                                                                <td class="mono">{a.action}</td>
                                                                <td>{format!("{} {}", a.target_type, a.target_id.map(|i| i.to_string()).unwrap_or_default())}</td>
                                                                <td class="mono muted">{a.detail}</td>
                                                                <td class="mono muted">{a.ip}</td>
                                                            </tr>
                                                        }
                    }/>
                </table>
            </div>
        </div>
    }
}
