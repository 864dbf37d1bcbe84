//! One ticket for staff (`/admin/tickets/:id`): the conversation with the internal notes, a
//! reply (or note) with the status it leaves the ticket in, and who has it, its priority and
//! status.
use super::thread::{Thread, TicketBadge, category_key, priority_key, status_key};
use crate::api::identity::staff::staff_choices;
use crate::api::support::{AnswerTicket, UpdateTicket, staff_ticket};
use crate::domain::live::Topic;
use crate::domain::permission::Permission;
use crate::domain::support::{TicketPriority, TicketStatus};
use crate::i18n::use_i18n;
use crate::model::{TicketReply, TicketRow, TicketUpdate};
use crate::pages::PageHeader;
use crate::ui::datetime;
use crate::ui::form::{CheckField, FormError, SelectField, Submit, TextField, last_error, tlabel};
use crate::ui::in_browser::InBrowser;
use crate::ui::layout::MeCtx;
use crate::ui::live::{changes_of, steady};
use crate::ui::resource::resource;
use crate::ui::route_id;
use leptos::prelude::*;

#[component]
pub fn StaffTicketPage() -> impl IntoView {
    let i18n = use_i18n();
    let MeCtx(me) = expect_context();
    let manage = move || {
        me.get()
            .and_then(|r| r.ok().flatten())
            .is_some_and(|m| m.can(Permission::TicketsManage))
    };
    let id = route_id();
    let live = changes_of(Topic::Ticket, id);
    let version = RwSignal::new(0u32);
    let ticket = resource(
        move || (id.get(), live.get(), version.get()),
        |(id, _, _)| staff_ticket(id),
    );
    let changed = Callback::new(move |_| version.update(|v| *v += 1));
    let loaded = move || ticket.get().and_then(|r| r.ok());
    // Every ticket's change comes live: the forms are drawn apart from the conversation, and
    // the reply's draft is kept here, so an update does not take what staff are typing.
    let draft = ReplyDraft::new();
    view! {
        <PageHeader title="support.ticket_title">
            <a class="btn btn-ghost" href="/admin/tickets">{move || i18n.t("support.back_queue")}</a>
        </PageHeader>
        <Transition fallback=move || view! { <div class="spinner"></div> }>
            {move || ticket.get().and_then(|r| r.err()).map(|e| view! { <p class="alert alert-error">{i18n.t(e.key())}</p> })}
            <Show when=move || loaded().is_some()>
                <div class="grid-2 align-top">
                    <div class="stack">
                        {move || loaded().map(|d| {
                            let t = d.ticket;
                            let category = category_key(t.category);
                            view! {
                                <div class="card">
                                    <div class="thread-head">
                                        <h2 class="card-title" data-testid="ticket-subject">{t.subject.clone()}</h2>
                                        <TicketBadge status=t.status/>
                                    </div>
                                    <p class="muted">
                                        <a href=format!("/admin/clients/{}", t.client_id)>{t.client.clone()}</a>
                                        " · "{t.email.clone()}" · "{move || i18n.t(category)}
                                        " · "{datetime(&t.created_at)}
                                    </p>
                                    <Thread messages=d.messages/>
                                </div>
                            }
                        })}
                        <Show when=manage>
                            {steady(
                                move || loaded().map(|d| (d.ticket.id, d.ticket.status == TicketStatus::Closed)),
                                move |(id, closed)| view! { <ReplyForm id closed draft on_done=changed/> },
                            )}
                        </Show>
                    </div>
                    <Show when=manage>
                        {steady(
                            move || loaded().map(|d| HandlingSeed::of(&d.ticket)),
                            move |seed| view! { <Handling seed on_done=changed/> },
                        )}
                    </Show>
                </div>
            </Show>
        </Transition>
    }
}

fn status_options() -> Signal<Vec<(String, String)>> {
    let i18n = use_i18n();
    Signal::derive(move || {
        TicketStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), i18n.t(status_key(*s)).to_string()))
            .collect()
    })
}

/// What staff are writing: the reply, whether it is an internal note, the status it leaves.
#[derive(Clone, Copy)]
struct ReplyDraft {
    body: RwSignal<String>,
    internal: RwSignal<bool>,
    status: RwSignal<String>,
}

impl ReplyDraft {
    fn new() -> Self {
        Self {
            body: RwSignal::new(String::new()),
            internal: RwSignal::new(false),
            status: RwSignal::new(String::new()),
        }
    }
}

#[component]
fn ReplyForm(id: i64, closed: bool, draft: ReplyDraft, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let answer = ServerAction::<AnswerTicket>::new();
    let error = last_error(answer.value());
    let ReplyDraft {
        body,
        internal,
        status,
    } = draft;
    Effect::new(move |_| {
        if matches!(answer.value().get(), Some(Ok(()))) {
            body.set(String::new());
            on_done.run(());
        }
    });
    let after = Signal::derive(move || {
        let mut o = vec![(String::new(), i18n.t("support.status_usual").to_string())];
        o.extend(status_options().get());
        o
    });
    view! {
        <div class="card">
            {if closed {
                view! { <p class="muted">{move || i18n.t("support.closed_hint")}</p> }.into_any()
            } else {
                view! {
                    <form class="form" data-testid="answer-form" on:submit=move |ev| {
                        ev.prevent_default();
                        answer.dispatch(AnswerTicket { reply: TicketReply {
                            ticket_id: id,
                            body: body.get_untracked(),
                            internal: internal.get_untracked(),
                            status: status.get_untracked(),
                            upload_ids: Vec::new(),
                        } });
                    }>
                        <FormError error/>
                        <TextField label=tlabel("support.your_reply") id="f-answer-body" field="body" value=body error required=true multiline=true/>
                        <div class="form-row">
                            <CheckField label=tlabel("support.internal_only") checked=internal/>
                            <SelectField label=tlabel("support.then_status") id="f-answer-status" field="status" value=status options=after error/>
                        </div>
                        <div class="form-actions">
                            <Submit label=Signal::derive(move || if internal.get() { i18n.t("support.add_note") } else { i18n.t("support.send_reply") }) pending=answer.pending()/>
                        </div>
                    </form>
                }.into_any()
            }}
        </div>
    }
}

/// Who has the ticket, its priority and status, as the server has them: the handling form
/// starts from these, and is drawn anew only when they change.
#[derive(Clone, PartialEq)]
struct HandlingSeed {
    id: i64,
    assignee_id: Option<i64>,
    priority: TicketPriority,
    status: TicketStatus,
}

impl HandlingSeed {
    fn of(t: &TicketRow) -> Self {
        Self {
            id: t.id,
            assignee_id: t.assignee_id,
            priority: t.priority,
            status: t.status,
        }
    }
}

#[component]
fn Handling(seed: HandlingSeed, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let update = ServerAction::<UpdateTicket>::new();
    let error = last_error(update.value());
    Effect::new(move |_| {
        if matches!(update.value().get(), Some(Ok(()))) {
            on_done.run(());
        }
    });
    let assignee = RwSignal::new(seed.assignee_id.unwrap_or(0).to_string());
    let priority = RwSignal::new(seed.priority.as_str().to_string());
    let status = RwSignal::new(seed.status.as_str().to_string());
    // Drawn inside the ticket's transition: loaded in the browser (`InBrowser`).
    let people = LocalResource::new(staff_choices);
    let assignees = Signal::derive(move || {
        let mut o = vec![("0".to_string(), i18n.t("support.nobody").to_string())];
        o.extend(
            people
                .get()
                .and_then(|r| r.ok())
                .unwrap_or_default()
                .into_iter()
                .map(|p| (p.id.to_string(), p.name)),
        );
        o
    });
    let priorities = Signal::derive(move || {
        TicketPriority::ALL
            .iter()
            .map(|p| (p.as_str().to_string(), i18n.t(priority_key(*p)).to_string()))
            .collect::<Vec<_>>()
    });
    let id = seed.id;
    view! {
        <div class="card">
            <h2 class="card-title">{move || i18n.t("support.handling")}</h2>
            <form class="form" data-testid="handling-form" on:submit=move |ev| {
                ev.prevent_default();
                update.dispatch(UpdateTicket { update: TicketUpdate {
                    ticket_id: id,
                    assignee_id: assignee.get_untracked().parse().unwrap_or(0),
                    priority: priority.get_untracked(),
                    status: status.get_untracked(),
                } });
            }>
                <FormError error/>
                <InBrowser>
                    <Transition fallback=|| ()>
                        {move || people.get().map(|_| view! {
                            <SelectField label=tlabel("support.assignee") id="f-ticket-assignee" field="assignee_id" value=assignee options=assignees error/>
                        })}
                    </Transition>
                </InBrowser>
                <SelectField label=tlabel("support.priority") id="f-ticket-priority" field="priority" value=priority options=priorities error/>
                <SelectField label=tlabel("common.status") id="f-ticket-status" field="status" value=status options=status_options() error/>
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("common.save")) pending=update.pending()/>
                </div>
            </form>
        </div>
    }
}
