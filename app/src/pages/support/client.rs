//! The client's support: their tickets (`/support`), a new one with a file, and one ticket's
//! conversation (`/support/:id`) where they reply or close it. Staff's replies arrive on the
//! live stream.
use super::thread::{Thread, TicketBadge, category_key};
use crate::api::support::{CloseMyTicket, OpenTicket, ReplyMyTicket, my_ticket, my_tickets};
use crate::domain::live::Topic;
use crate::domain::support::{TicketCategory, TicketStatus};
use crate::i18n::use_i18n;
use crate::model::{NewTicket, TicketReply, TicketRow, UploadDto};
use crate::pages::PageHeader;
use crate::ui::datetime;
use crate::ui::form::{
    FileField, FormError, SelectField, Submit, TextField, first_error, last_error, tlabel,
};
use crate::ui::live::{changes, changes_of, steady};
use crate::ui::resource::resource;
use crate::ui::route_id;
use crate::ui::table::{ListBody, ListState};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub fn MyTicketsPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = ListState::new("updated", true);
    let live = changes(Topic::Ticket);
    let tickets = resource(move || (state.get(), live.get()), |(q, _)| my_tickets(q));
    let writing = RwSignal::new(false);
    view! {
        <PageHeader title="nav.support" subtitle="support.mine_sub">
            <button type="button" class="btn btn-primary" data-testid="new-ticket" on:click=move |_| writing.update(|w| *w = !*w)>
                {move || i18n.t("support.new_ticket")}
            </button>
        </PageHeader>
        <div class="stack">
            <Show when=move || writing.get()>
                <NewTicketForm/>
            </Show>
            <div class="card">
                <div class="table-wrap">
                    <table class="table" data-testid="my-tickets">
                        <thead>
                            <tr>
                                <th>"#"</th>
                                <th>{move || i18n.t("support.subject")}</th>
                                <th>{move || i18n.t("support.category")}</th>
                                <th>{move || i18n.t("common.status")}</th>
                                <th>{move || i18n.t("support.updated")}</th>
                            </tr>
                        </thead>
                        <ListBody state data=tickets cols=5 row=move |t: TicketRow| view! {
                            <tr data-testid=format!("ticket-{}", t.subject)>
                                <td>{t.id}</td>
                                <td><a href=format!("/support/{}", t.id)>{t.subject.clone()}</a></td>
                                <td>{move || i18n.t(category_key(t.category))}</td>
                                <td><TicketBadge status=t.status/></td>
                                <td>{datetime(&t.updated_at)}</td>
                            </tr>
                        }/>
                    </table>
                </div>
            </div>
        </div>
    }
}

/// The category choices, translated.
pub fn categories() -> Signal<Vec<(String, String)>> {
    let i18n = use_i18n();
    Signal::derive(move || {
        TicketCategory::ALL
            .iter()
            .map(|c| (c.as_str().to_string(), i18n.t(category_key(*c)).to_string()))
            .collect()
    })
}

#[component]
fn NewTicketForm() -> impl IntoView {
    let i18n = use_i18n();
    let open = ServerAction::<OpenTicket>::new();
    let error = last_error(open.value());
    let category = RwSignal::new(TicketCategory::Account.as_str().to_string());
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let file: RwSignal<Option<UploadDto>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = open.value().get() {
            navigate(&format!("/support/{id}"), Default::default());
        }
    });
    view! {
        <div class="card">
            <h2 class="card-title">{move || i18n.t("support.new_ticket")}</h2>
            <form class="form" data-testid="ticket-form" on:submit=move |ev| {
                ev.prevent_default();
                open.dispatch(OpenTicket { ticket: NewTicket {
                    category: category.get_untracked(),
                    subject: subject.get_untracked(),
                    body: body.get_untracked(),
                    upload_ids: file.get_untracked().map(|f| vec![f.id]).unwrap_or_default(),
                } });
            }>
                <FormError error/>
                <div class="form-row">
                    <SelectField label=tlabel("support.category") id="f-ticket-category" field="category" value=category options=categories() error/>
                    <TextField label=tlabel("support.subject") id="f-ticket-subject" field="subject" value=subject error required=true/>
                </div>
                <TextField label=tlabel("support.message") id="f-ticket-body" field="body" value=body error required=true multiline=true/>
                <FileField label=tlabel("support.attachment") id="f-ticket-file" field="upload_ids" purpose="ticket" uploaded=file busy error/>
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("support.send")) pending=Signal::derive(move || open.pending().get() || busy.get())/>
                </div>
            </form>
        </div>
    }
}

#[component]
pub fn MyTicketPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = route_id();
    let live = changes_of(Topic::Ticket, id);
    let version = RwSignal::new(0u32);
    let ticket = resource(
        move || (id.get(), live.get(), version.get()),
        |(id, _, _)| my_ticket(id),
    );
    let reply = ServerAction::<ReplyMyTicket>::new();
    let close = ServerAction::<CloseMyTicket>::new();
    let error = first_error([last_error(reply.value()), last_error(close.value())]);
    let body = RwSignal::new(String::new());
    let file: RwSignal<Option<UploadDto>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let loaded = move || ticket.get().and_then(|r| r.ok());
    Effect::new(move |_| {
        let sent = matches!(reply.value().get(), Some(Ok(())));
        if sent || matches!(close.value().get(), Some(Ok(()))) {
            if sent {
                body.set(String::new());
                file.set(None);
            }
            version.update(|v| *v += 1);
        }
    });
    view! {
        <PageHeader title="support.ticket_title">
            <a class="btn btn-ghost" href="/support">{move || i18n.t("support.back")}</a>
        </PageHeader>
        <Transition fallback=move || view! { <div class="spinner"></div> }>
            {move || ticket.get().and_then(|r| r.err()).map(|e| view! { <p class="alert alert-error">{i18n.t(e.key())}</p> })}
            <Show when=move || loaded().is_some()>
                <div class="stack">
                    {move || loaded().map(|d| view! {
                        <div class="card">
                            <div class="thread-head">
                                <h2 class="card-title" data-testid="ticket-subject">{d.ticket.subject.clone()}</h2>
                                <TicketBadge status=d.ticket.status/>
                                <span class="muted">{move || i18n.t(category_key(d.ticket.category))}</span>
                            </div>
                            <Thread messages=d.messages.clone()/>
                        </div>
                    })}
                    // Apart from the conversation, which a reply from staff draws anew: the
                    // reply being typed keeps its focus, and the chosen file its field.
                    {steady(
                        move || {
                            let t = loaded()?.ticket;
                            t.status.accepts_messages().then_some((t.id, t.status != TicketStatus::Closed))
                        },
                        move |(tid, closable)| view! {
                            <div class="card">
                                <form class="form" data-testid="reply-form" on:submit=move |ev| {
                                    ev.prevent_default();
                                    reply.dispatch(ReplyMyTicket { reply: TicketReply {
                                        ticket_id: tid,
                                        body: body.get_untracked(),
                                        upload_ids: file.get_untracked().map(|f| vec![f.id]).unwrap_or_default(),
                                        ..Default::default()
                                    } });
                                }>
                                    <FormError error/>
                                    <TextField label=tlabel("support.your_reply") id="f-reply-body" field="body" value=body error required=true multiline=true/>
                                    <FileField label=tlabel("support.attachment") id="f-reply-file" field="upload_ids" purpose="ticket" uploaded=file busy error/>
                                    <div class="form-actions">
                                        <Submit label=Signal::derive(move || i18n.t("support.send")) pending=Signal::derive(move || reply.pending().get() || busy.get())/>
                                        {closable.then(|| view! {
                                            <button type="button" class="btn btn-ghost" data-testid="close-ticket" on:click=move |_| { close.dispatch(CloseMyTicket { id: tid }); }>
                                                {move || i18n.t("support.close_ticket")}
                                            </button>
                                        })}
                                    </div>
                                </form>
                            </div>
                        },
                    )}
                </div>
            </Show>
        </Transition>
    }
}
