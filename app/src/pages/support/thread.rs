//! What both portals show of a ticket: its messages in order, with their files; staff also see
//! the internal notes, marked apart.
use crate::domain::support::{TicketCategory, TicketPriority, TicketStatus};
use crate::i18n::use_i18n;
use crate::model::TicketMessage;
use crate::ui::datetime;
use crate::ui::text::file_size;
use leptos::prelude::*;

#[component]
pub fn Thread(messages: Vec<TicketMessage>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ol class="thread" data-testid="thread">
            {messages.into_iter().map(|m| {
                let class = if m.internal {
                    "thread-msg is-internal"
                } else if m.from_client {
                    "thread-msg is-client"
                } else {
                    "thread-msg is-staff"
                };
                view! {
                    <li class=class data-testid=if m.internal { "note" } else { "message" }>
                        <div class="thread-head">
                            <strong>{m.author.clone()}</strong>
                            <span class="muted">{datetime(&m.created_at)}</span>
                            {m.internal.then(|| view! { <span class="badge badge-warn">{move || i18n.t("support.internal_note")}</span> })}
                        </div>
                        <p class="thread-body">{m.body.clone()}</p>
                        {(!m.attachments.is_empty()).then(|| view! {
                            <ul class="thread-files">
                                {m.attachments.iter().map(|f| view! {
                                    <li><a href=f.url.clone() target="_blank" rel="noopener" data-testid="attachment">{f.file_name.clone()}</a>" "<span class="muted">{file_size(f.size)}</span></li>
                                }).collect_view()}
                            </ul>
                        })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

pub fn status_key(s: TicketStatus) -> &'static str {
    match s {
        TicketStatus::Open => "support.status_open",
        TicketStatus::Waiting => "support.status_waiting",
        TicketStatus::Resolved => "support.status_resolved",
        TicketStatus::Closed => "support.status_closed",
    }
}

pub fn priority_key(p: TicketPriority) -> &'static str {
    match p {
        TicketPriority::Low => "support.priority_low",
        TicketPriority::Normal => "support.priority_normal",
        TicketPriority::High => "support.priority_high",
        TicketPriority::Urgent => "support.priority_urgent",
    }
}

pub fn category_key(c: TicketCategory) -> &'static str {
    match c {
        TicketCategory::Account => "support.cat_account",
        TicketCategory::Payments => "support.cat_payments",
        TicketCategory::Challenges => "support.cat_challenges",
        TicketCategory::Platform => "support.cat_platform",
        TicketCategory::Other => "support.cat_other",
    }
}

/// A ticket's status as a badge: open ones stand out, finished ones recede.
#[component]
pub fn TicketBadge(status: TicketStatus) -> impl IntoView {
    let i18n = use_i18n();
    let class = match status {
        TicketStatus::Open => "badge badge-warn",
        TicketStatus::Waiting => "badge badge-accent",
        TicketStatus::Resolved => "badge badge-success",
        TicketStatus::Closed => "badge badge-muted",
    };
    view! {
        <span class=class data-testid="ticket-status" data-status=status.as_str()>
            {move || i18n.t(status_key(status))}
        </span>
    }
}
