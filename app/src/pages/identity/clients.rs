use crate::api::identity::clients::list_clients;
use crate::domain::access::UserKind;
use crate::i18n::use_i18n;
use crate::pages::PageHeader;
use crate::ui::table::{ListBody, ListState, SortHeader, Toolbar};
use leptos::prelude::*;

#[component]
pub fn ClientsPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = ListState::new("id", true);
    let clients = Resource::new(move || state.get(), list_clients);
    let filters = vec![
        ("", "common.all"),
        ("trader", "auth.kind_trader"),
        ("ib", "auth.kind_ib"),
        ("active", "common.status_active"),
        ("disabled", "common.status_disabled"),
    ];
    view! {
        <PageHeader title="nav.clients" subtitle="admin.clients_sub"/>
        <div class="card">
            <Toolbar state filters export="/export/clients.csv"/>
            <div class="table-wrap">
                <table class="table">
                    <thead>
                        <tr>
                            <SortHeader state col="id" label="common.id"/>
                            <SortHeader state col="name" label="common.name"/>
                            <SortHeader state col="email" label="auth.email"/>
                            <SortHeader state col="kind" label="common.type"/>
                            <SortHeader state col="country" label="auth.country"/>
                            <th>{move || i18n.t("dash.referral_code")}</th>
                            <th>{move || i18n.t("admin.referred_by")}</th>
                            <th>{move || i18n.t("common.status")}</th>
                            <th>{move || i18n.t("common.joined")}</th>
                        </tr>
                    </thead>
                    <ListBody state data=clients cols=9 row=move |c: crate::model::ClientRow| {
                                                        let kind = if c.kind == UserKind::Ib { "auth.kind_ib" } else { "auth.kind_trader" };
                                                        let status = format!("common.status_{}", c.status);
                                                        view! {
                                                            <tr>
                                                                <td class="mono">{c.id}</td>
                                                                <td><a href=format!("/admin/ib/clients/{}", c.id)>{format!("{} {}", c.first_name, c.last_name)}</a></td>
                                                                <td>{c.email}</td>
                                                                <td>{move || i18n.t(kind)}</td>
                                                                <td>{c.country}</td>
                                                                <td class="mono">{c.referral_code}</td>
                                                                <td>{c.referrer.unwrap_or_default()}</td>
                                                                <td><span class="badge">{move || i18n.t(&status)}</span></td>
                                                                <td>{crate::ui::date(&c.created_at)}</td>
                                                            </tr>
                                                        }
                    }/>
                </table>
            </div>
        </div>
    }
}
