//! The mail log: every queued email with its status (pending, retrying, sent, failed), its
//! attempts and last error; searchable, filtered by status, exported as CSV.
use crate::api::messages::mail_log;
use crate::i18n::use_i18n;
use crate::model::{MailRow, MailStatus};
use crate::ui::resource::resource;
use crate::ui::table::{ListBody, ListState, SortHeader};
use crate::ui::toolbar::ListToolbar;
use leptos::prelude::*;

#[component]
pub fn Outbox() -> impl IntoView {
    let i18n = use_i18n();
    let state = ListState::new("id", true);
    let data = resource(move || state.get(), mail_log);
    let export =
        Signal::derive(move || format!("/export/mail-log.csv?{}", state.get().to_query_string()));
    let filters = vec![
        ("", "common.all"),
        ("pending", "msg.status_pending"),
        ("retrying", "msg.status_retrying"),
        ("sent", "msg.status_sent"),
        ("failed", "msg.status_failed"),
    ];
    view! {
        <div class="card">
            <ListToolbar state search="msg.search_mail" filters filter_label="msg.status" export/>
            <div class="table-wrap">
                <table class="table" data-testid="mail-log">
                    <thead>
                        <tr>
                            <SortHeader state col="id" label="common.id" num=true/>
                            <th>{move || i18n.t("msg.to")}</th>
                            <th>{move || i18n.t("msg.subject")}</th>
                            <th>{move || i18n.t("msg.created")}</th>
                            <th>{move || i18n.t("msg.status")}</th>
                            <th class="num">{move || i18n.t("msg.attempts")}</th>
                            <th>{move || i18n.t("msg.error")}</th>
                        </tr>
                    </thead>
                    <ListBody state data cols=7 row=move |m: MailRow| view! { <MailLine m/> }/>
                </table>
            </div>
        </div>
    }
}

#[component]
fn MailLine(m: MailRow) -> impl IntoView {
    let i18n = use_i18n();
    let (class, key) = match m.status {
        MailStatus::Sent => ("badge badge-success", "msg.status_sent"),
        MailStatus::Failed => ("badge badge-danger", "msg.status_failed"),
        MailStatus::Retrying => ("badge badge-warn", "msg.status_retrying"),
        MailStatus::Pending => ("badge badge-muted", "msg.status_pending"),
    };
    view! {
        <tr data-testid=format!("mail-{}", m.id)>
            <td class="num mono">{m.id}</td>
            <td>{m.to.clone()}</td>
            <td>{m.subject.clone()}</td>
            <td class="nowrap">
                <span class="cell-main">{m.created_at.clone()}</span>
                {(!m.sent_at.is_empty()).then(|| view! { <span class="cell-sub">{m.sent_at.clone()}</span> })}
            </td>
            <td><span class=class>{move || i18n.t(key)}</span></td>
            <td class="num">{m.attempts}</td>
            <td class="muted">{crate::ui::prop::or_dash(&m.last_error)}</td>
        </tr>
    }
}
