//! Staff's ticket queue (`/admin/tickets`): the counts that need attention, the tickets of the
//! clients in their scope (filter, search, sort, page, CSV), and how quickly each staff member
//! answers.
use super::thread::{TicketBadge, category_key, priority_key};
use crate::api::support::{queue_counts, ticket_queue, ticket_response_times};
use crate::domain::live::Topic;
use crate::domain::support::TicketPriority;
use crate::i18n::use_i18n;
use crate::model::{ListQuery, TicketRow};
use crate::pages::PageHeader;
use crate::ui::datetime;
use crate::ui::live::changes;
use crate::ui::resource::resource;
use crate::ui::table::{ListBody, ListState, SortHeader, Toolbar};
use leptos::prelude::*;

#[component]
pub fn TicketQueuePage() -> impl IntoView {
    let i18n = use_i18n();
    let state = ListState::new("updated", true);
    state.0.update(|q| q.filter = "active".into());
    let live = changes(Topic::Ticket);
    let tickets = resource(move || (state.get(), live.get()), |(q, _)| ticket_queue(q));
    let counts = resource(move || live.get(), |_| queue_counts());
    let filters = vec![
        ("active", "support.filter_active"),
        ("open", "support.status_open"),
        ("waiting", "support.status_waiting"),
        ("resolved", "support.status_resolved"),
        ("closed", "support.status_closed"),
        ("mine", "support.filter_mine"),
        ("unassigned", "support.filter_unassigned"),
        ("", "common.all"),
    ];
    view! {
        <PageHeader title="nav.tickets" subtitle="support.queue_sub"/>
        <div class="stack">
            <Transition fallback=|| ()>
                {move || counts.get().and_then(|r| r.ok()).map(|c| view! {
                    <div class="grid-cards" data-testid="ticket-counts">
                        <div class="card stat"><span class="stat-label">{move || i18n.t("support.status_open")}</span><span class="stat-value" data-testid="count-open">{c.open}</span></div>
                        <div class="card stat"><span class="stat-label">{move || i18n.t("support.status_waiting")}</span><span class="stat-value">{c.waiting}</span></div>
                        <div class="card stat"><span class="stat-label">{move || i18n.t("support.filter_unassigned")}</span><span class="stat-value">{c.unassigned}</span></div>
                        <div class="card stat"><span class="stat-label">{move || i18n.t("support.status_resolved")}</span><span class="stat-value">{c.resolved}</span></div>
                    </div>
                })}
            </Transition>
            <div class="card">
                <Toolbar state filters export="/export/tickets.csv"/>
                <div class="table-wrap">
                    <table class="table" data-testid="ticket-queue">
                        <thead>
                            <tr>
                                <th>"#"</th>
                                <SortHeader state col="subject" label="support.subject"/>
                                <th>{move || i18n.t("support.client")}</th>
                                <th>{move || i18n.t("support.category")}</th>
                                <SortHeader state col="priority" label="support.priority"/>
                                <SortHeader state col="status" label="common.status"/>
                                <th>{move || i18n.t("support.assignee")}</th>
                                <SortHeader state col="updated" label="support.updated"/>
                            </tr>
                        </thead>
                        <ListBody state data=tickets cols=8 row=move |t: TicketRow| {
                            let urgent = matches!(t.priority, TicketPriority::High | TicketPriority::Urgent);
                            view! {
                                <tr data-testid=format!("queue-{}", t.subject)>
                                    <td>{t.id}</td>
                                    <td><a href=format!("/admin/tickets/{}", t.id)>{t.subject.clone()}</a></td>
                                    <td><span class="cell-main">{t.client.clone()}</span><span class="cell-sub">{t.email.clone()}</span></td>
                                    <td>{move || i18n.t(category_key(t.category))}</td>
                                    <td><span class="badge" class:badge-danger=urgent>{move || i18n.t(priority_key(t.priority))}</span></td>
                                    <td><TicketBadge status=t.status/></td>
                                    <td>{if t.assignee.is_empty() { i18n.t("support.nobody").to_string() } else { t.assignee.clone() }}</td>
                                    <td>{datetime(&t.updated_at)}</td>
                                </tr>
                            }
                        }/>
                    </table>
                </div>
            </div>
            <ResponseTimes/>
        </div>
    }
}

/// "3 h 05 min", "12 min", "40 s".
fn duration(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s => format!("{} h {:02} min", s / 3600, (s % 3600) / 60),
    }
}

/// First-response times per staff member over the tickets opened in the chosen days.
#[component]
fn ResponseTimes() -> impl IntoView {
    let i18n = use_i18n();
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let figures = resource(
        move || (from.get(), to.get()),
        |(from, to)| {
            ticket_response_times(ListQuery {
                from,
                to,
                ..Default::default()
            })
        },
    );
    view! {
        <div class="card">
            <div class="thread-head">
                <h2 class="card-title">{move || i18n.t("support.response_times")}</h2>
                <label class="muted">{move || i18n.t("support.from")}" "<input type="date" class="input" data-testid="rt-from" prop:value=move || from.get() on:change=move |ev| from.set(event_target_value(&ev))/></label>
                <label class="muted">{move || i18n.t("support.to")}" "<input type="date" class="input" prop:value=move || to.get() on:change=move |ev| to.set(event_target_value(&ev))/></label>
            </div>
            <div class="table-wrap">
                <table class="table" data-testid="response-times">
                    <thead>
                        <tr>
                            <th>{move || i18n.t("support.staff_member")}</th>
                            <th>{move || i18n.t("support.first_replies")}</th>
                            <th>{move || i18n.t("support.median_first_reply")}</th>
                            <th>{move || i18n.t("support.replies")}</th>
                            <th>{move || i18n.t("support.resolved")}</th>
                        </tr>
                    </thead>
                    <Transition fallback=|| ()>
                        {move || figures.get().map(|r| match r {
                            Err(e) => view! { <tbody><tr><td colspan="5" class="alert alert-error">{i18n.t(e.key())}</td></tr></tbody> }.into_any(),
                            Ok(rows) if rows.is_empty() => view! { <tbody><tr><td colspan="5" class="muted">{move || i18n.t("common.no_rows")}</td></tr></tbody> }.into_any(),
                            Ok(rows) => view! {
                                <tbody>
                                    {rows.into_iter().map(|s| view! {
                                        <tr data-testid=format!("rt-{}", s.name)>
                                            <td>{s.name.clone()}</td>
                                            <td>{s.first_replies}</td>
                                            <td>{s.median_first_reply_secs.map(duration).unwrap_or_else(|| "—".into())}</td>
                                            <td>{s.replies}</td>
                                            <td>{s.resolved}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            }.into_any(),
                        })}
                    </Transition>
                </table>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations_read_naturally() {
        assert_eq!(super::duration(40), "40 s");
        assert_eq!(super::duration(12 * 60 + 5), "12 min");
        assert_eq!(super::duration(3 * 3600 + 5 * 60), "3 h 05 min");
    }
}
