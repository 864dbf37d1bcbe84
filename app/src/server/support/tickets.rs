//! Support tickets: a client opens one (category, subject, message, files), staff answer from a
//! queue limited to the clients in their data scope, with notes only staff see, and move it
//! through open → waiting for the client → resolved → closed. The client is told of each reply
//! by a notification and an email (template `notice.ticket_reply`).
use crate::domain::access::Principal;
use crate::domain::live::Topic;
use crate::domain::permission::Permission;
use crate::domain::support::{
    ATTACHMENTS_MAX, MESSAGE_MAX, SUBJECT_MAX, TicketCategory, TicketPriority, TicketStatus,
};
use crate::domain::validation::{self as v, Errors};
use crate::error::AppError;
use crate::model::{
    ListQuery, NewTicket, Page, TicketCounts, TicketDetail, TicketMessage, TicketReply, TicketRow,
    TicketUpdate,
};
use crate::server::entity::{ticket, ticket_attachment, ticket_message, user};
use crate::server::identity::accounts::{by_id, full_name};
use crate::server::identity::scope::{self, Scope};
use crate::server::infra::db::{self, Write};
use crate::server::infra::live::{self, Audience};
use crate::server::infra::origin::Origin;
use crate::server::infra::{audit, list, notify, uploads};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
};
use std::collections::{BTreeMap, HashMap};

/// The notification (and email) a client gets when staff reply.
pub const REPLY_NOTICE: &str = "notice.ticket_reply";
/// A second identical ticket within this time is the same submission sent twice.
const DOUBLE_SUBMIT: Duration = Duration::seconds(60);

/// Who is writing: the client who owns the ticket, or staff (their scope already checked).
#[derive(Clone, Copy)]
enum Author {
    Client(i64),
    Staff(i64),
}

impl Author {
    fn id(self) -> i64 {
        match self {
            Author::Client(id) | Author::Staff(id) => id,
        }
    }
}

/// Opens a ticket for `client`. The same subject and message sent again within a minute is the
/// first ticket (a double submit), not a second one.
pub async fn open(
    db: &DatabaseConnection,
    client: i64,
    f: NewTicket,
    from: &Origin,
) -> Result<i64, AppError> {
    let mut e = Errors::default();
    let category = e.check(
        "category",
        TicketCategory::parse(&f.category).ok_or("err.category_unknown"),
    );
    let subject = e.check(
        "subject",
        v::name(&f.subject).and_then(|s| {
            if s.chars().count() > SUBJECT_MAX {
                Err("err.too_long")
            } else {
                Ok(s)
            }
        }),
    );
    let body = e.check("body", v::text(&f.body, MESSAGE_MAX));
    if f.upload_ids.len() > ATTACHMENTS_MAX {
        e.add("upload_ids", "err.attachments_too_many");
    }
    let (category, subject, body) = e.values((category, subject, body))?;
    let now = Utc::now();
    let txn = db.write().await?;
    db::lock_user(&txn, client).await?;
    let owner = user::Entity::find_by_id(client)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?
        .owner_id;
    if let Some(same) = recent_twin(&txn, client, &subject, &body, now).await? {
        txn.commit().await?;
        return Ok(same);
    }
    let t = ticket::ActiveModel {
        client_id: Set(client),
        category: Set(category),
        subject: Set(subject),
        status: Set(TicketStatus::Open),
        priority: Set(TicketPriority::Normal),
        // The client's owner looks after their tickets first.
        assignee_id: Set(owner),
        created_at: Set(now),
        updated_at: Set(now),
        first_reply_at: Set(None),
        first_reply_by: Set(None),
        resolved_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    add_message(&txn, &t, Author::Client(client), false, body, &f.upload_ids).await?;
    audit::record(
        &txn,
        Some(client),
        "ticket.open",
        "ticket",
        Some(t.id),
        serde_json::json!({"category": t.category.as_str()}),
        &from.ip,
    )
    .await?;
    changed(&txn, &t).await?;
    txn.commit().await?;
    Ok(t.id)
}

async fn recent_twin(
    txn: &DatabaseTransaction,
    client: i64,
    subject: &str,
    body: &str,
    now: chrono::DateTime<Utc>,
) -> Result<Option<i64>, AppError> {
    let Some(t) = ticket::Entity::find()
        .filter(ticket::Column::ClientId.eq(client))
        .filter(ticket::Column::Subject.eq(subject))
        .filter(ticket::Column::CreatedAt.gt(now - DOUBLE_SUBMIT))
        .order_by_desc(ticket::Column::Id)
        .one(txn)
        .await?
    else {
        return Ok(None);
    };
    let first = ticket_message::Entity::find()
        .filter(ticket_message::Column::TicketId.eq(t.id))
        .order_by_asc(ticket_message::Column::Id)
        .one(txn)
        .await?;
    Ok(first.filter(|m| m.body == body).map(|_| t.id))
}

/// Adds a message with its files (the author's own unattached uploads of purpose `ticket`; an
/// upload already on another message is refused by the attachment's key).
async fn add_message(
    txn: &DatabaseTransaction,
    t: &ticket::Model,
    author: Author,
    internal: bool,
    body: String,
    upload_ids: &[i64],
) -> Result<ticket_message::Model, AppError> {
    if upload_ids.len() > ATTACHMENTS_MAX {
        return Err(AppError::field("upload_ids", "err.attachments_too_many"));
    }
    let files = uploads::own(txn, author.id(), upload_ids, "ticket", "upload_ids").await?;
    let m = ticket_message::ActiveModel {
        ticket_id: Set(t.id),
        author_id: Set(author.id()),
        from_client: Set(matches!(author, Author::Client(_))),
        internal: Set(internal),
        body: Set(body),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    if !files.is_empty() {
        let taken = ticket_attachment::Entity::find()
            .filter(ticket_attachment::Column::UploadId.is_in(files.iter().map(|u| u.id)))
            .count(txn)
            .await?;
        if taken > 0 {
            return Err(AppError::field("upload_ids", "err.upload_unknown"));
        }
        ticket_attachment::Entity::insert_many(files.iter().map(|u| {
            ticket_attachment::ActiveModel {
                upload_id: Set(u.id),
                message_id: Set(m.id),
            }
        }))
        .exec(txn)
        .await?;
    }
    Ok(m)
}

/// Tells the client's and staff's open pages that the ticket moved.
async fn changed(txn: &impl ConnectionTrait, t: &ticket::Model) -> Result<(), AppError> {
    live::emit(
        txn,
        Audience::user_and_staff(t.client_id, Permission::TicketsView),
        Topic::Ticket,
        Some(t.id),
    )
    .await
}

/// The client's own tickets, newest activity first.
pub async fn mine(
    db: &impl ConnectionTrait,
    client: i64,
    q: &ListQuery,
) -> Result<Page<TicketRow>, AppError> {
    let select = ticket::Entity::find()
        .filter(ticket::Column::ClientId.eq(client))
        .order_by_desc(ticket::Column::UpdatedAt)
        .order_by_desc(ticket::Column::Id);
    let (rows, total) = list::fetch(db, select, q, true).await?;
    let rows = rows_of(db, rows, false).await?;
    Ok(list::page(rows, total, q, true))
}

/// Staff's queue: the tickets of clients in the caller's scope. `filter` is a status, `mine`,
/// `unassigned` or `active` (open or waiting); the search matches the subject and the client.
pub async fn queue(
    db: &impl ConnectionTrait,
    me: &Principal,
    scope: &Scope,
    q: &ListQuery,
    paged: bool,
) -> Result<Page<TicketRow>, AppError> {
    use ticket::Column as C;
    let mut select = scope.restrict(ticket::Entity::find(), C::ClientId);
    select = match q.filter.as_str() {
        "" => select,
        "mine" => select.filter(C::AssigneeId.eq(me.user_id)),
        "unassigned" => select.filter(C::AssigneeId.is_null()),
        "active" => select.filter(C::Status.is_in([TicketStatus::Open, TicketStatus::Waiting])),
        other => {
            let s = TicketStatus::parse(other)
                .ok_or_else(|| AppError::field("filter", "err.status_unknown"))?;
            select.filter(C::Status.eq(s))
        }
    };
    if !q.q.trim().is_empty() {
        let clients = list::users_matching(db, &q.q).await?.unwrap_or_default();
        let mut any = sea_orm::Condition::any().add(C::ClientId.is_in(clients));
        if let Some(c) = list::search(&q.q, &[C::Subject]) {
            any = any.add(c);
        }
        select = select.filter(any);
    }
    let col = match q.sort.as_str() {
        "subject" => C::Subject,
        "status" => C::Status,
        "priority" => C::Priority,
        "created" => C::CreatedAt,
        _ => C::UpdatedAt,
    };
    select = if q.desc {
        select.order_by_desc(col)
    } else {
        select.order_by_asc(col)
    }
    .order_by_desc(C::Id);
    let (rows, total) = list::fetch(db, select, q, paged).await?;
    let rows = scope::masked(me, rows_of(db, rows, true).await?);
    Ok(list::page(rows, total, q, paged))
}

async fn rows_of(
    db: &impl ConnectionTrait,
    rows: Vec<ticket::Model>,
    for_staff: bool,
) -> Result<Vec<TicketRow>, AppError> {
    let mut ids: Vec<i64> = rows.iter().map(|t| t.client_id).collect();
    ids.extend(rows.iter().filter_map(|t| t.assignee_id));
    let people = by_id(db, ids).await?;
    let name = |id: Option<i64>| {
        id.and_then(|i| people.get(&i))
            .map(full_name)
            .unwrap_or_default()
    };
    Ok(rows
        .into_iter()
        .map(|t| TicketRow {
            client: if for_staff {
                name(Some(t.client_id))
            } else {
                String::new()
            },
            email: match people.get(&t.client_id) {
                Some(u) if for_staff => u.email.clone(),
                _ => String::new(),
            },
            assignee: name(t.assignee_id),
            id: t.id,
            client_id: t.client_id,
            category: t.category,
            subject: t.subject,
            status: t.status,
            priority: t.priority,
            assignee_id: t.assignee_id,
            created_at: t.created_at,
            updated_at: t.updated_at,
            first_reply_at: t.first_reply_at,
        })
        .collect())
}

/// A client's own ticket, without staff's internal notes. Another's is "not found".
pub async fn for_client(
    db: &impl ConnectionTrait,
    client: i64,
    id: i64,
) -> Result<TicketDetail, AppError> {
    let t = ticket::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|t| t.client_id == client)
        .ok_or(AppError::NotFound)?;
    detail(db, t, false).await
}

/// A ticket of a client in the caller's scope, with the internal notes.
pub async fn for_staff(
    db: &impl ConnectionTrait,
    me: &Principal,
    scope: &Scope,
    id: i64,
) -> Result<TicketDetail, AppError> {
    let t = in_scope(db, scope, id).await?;
    let mut d = detail(db, t, true).await?;
    scope::mask_for(me, std::slice::from_mut(&mut d.ticket));
    Ok(d)
}

async fn in_scope(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: i64,
) -> Result<ticket::Model, AppError> {
    let t = ticket::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    scope.check(db, t.client_id).await?;
    Ok(t)
}

async fn detail(
    db: &impl ConnectionTrait,
    t: ticket::Model,
    for_staff: bool,
) -> Result<TicketDetail, AppError> {
    let mut select = ticket_message::Entity::find()
        .filter(ticket_message::Column::TicketId.eq(t.id))
        .order_by_asc(ticket_message::Column::Id);
    if !for_staff {
        select = select.filter(ticket_message::Column::Internal.eq(false));
    }
    let messages = select.all(db).await?;
    let attached = ticket_attachment::Entity::find()
        .filter(ticket_attachment::Column::MessageId.is_in(messages.iter().map(|m| m.id)))
        .all(db)
        .await?;
    let files: HashMap<i64, crate::model::UploadDto> =
        uploads::dtos(db, attached.iter().map(|a| a.upload_id).collect())
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
    let authors = by_id(db, messages.iter().map(|m| m.author_id)).await?;
    let messages = messages
        .into_iter()
        .map(|m| TicketMessage {
            author: authors.get(&m.author_id).map(full_name).unwrap_or_default(),
            attachments: attached
                .iter()
                .filter(|a| a.message_id == m.id)
                .filter_map(|a| files.get(&a.upload_id).cloned())
                .collect(),
            id: m.id,
            from_client: m.from_client,
            internal: m.internal,
            body: m.body,
            created_at: m.created_at,
        })
        .collect();
    let ticket = rows_of(db, vec![t], for_staff)
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    Ok(TicketDetail { ticket, messages })
}

/// The client writes on their own ticket: it (re)opens for staff.
pub async fn client_reply(
    db: &DatabaseConnection,
    client: i64,
    r: TicketReply,
) -> Result<(), AppError> {
    let body = v::text(&r.body, MESSAGE_MAX).map_err(|c| AppError::field("body", c))?;
    let txn = db.write().await?;
    let t = ticket::Entity::find_by_id(r.ticket_id)
        .one(&txn)
        .await?
        .filter(|t| t.client_id == client)
        .ok_or(AppError::NotFound)?;
    if !t.status.accepts_messages() {
        return Err(AppError::field("body", "err.ticket_closed"));
    }
    add_message(&txn, &t, Author::Client(client), false, body, &r.upload_ids).await?;
    let status = t.status.after_message(true, false);
    move_to(&txn, t, status, None).await?;
    txn.commit().await?;
    Ok(())
}

/// The client closes their own ticket (it is answered, or no longer needed).
pub async fn client_close(db: &DatabaseConnection, client: i64, id: i64) -> Result<(), AppError> {
    let txn = db.write().await?;
    let t = ticket::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .filter(|t| t.client_id == client)
        .ok_or(AppError::NotFound)?;
    if t.status == TicketStatus::Closed {
        return Err(AppError::field("status", "err.ticket_closed"));
    }
    move_to(&txn, t, TicketStatus::Closed, None).await?;
    txn.commit().await?;
    Ok(())
}

/// Staff reply to the client or write an internal note. A reply is the ticket's first response
/// when none came before; it is emailed to the client; an unassigned ticket becomes the
/// replier's.
pub async fn staff_reply(
    db: &DatabaseConnection,
    scope: &Scope,
    staff: i64,
    r: TicketReply,
    from: &Origin,
) -> Result<(), AppError> {
    let mut e = Errors::default();
    let body = e.check("body", v::text(&r.body, MESSAGE_MAX));
    let status = if r.status.is_empty() {
        Some(None)
    } else {
        e.check(
            "status",
            TicketStatus::parse(&r.status)
                .map(Some)
                .ok_or("err.status_unknown"),
        )
    };
    let (body, status) = e.values((body, status))?;
    let txn = db.write().await?;
    let t = in_scope(&txn, scope, r.ticket_id).await?;
    if !t.status.accepts_messages() {
        return Err(AppError::field("body", "err.ticket_closed"));
    }
    add_message(
        &txn,
        &t,
        Author::Staff(staff),
        r.internal,
        body,
        &r.upload_ids,
    )
    .await?;
    let status = status.unwrap_or_else(|| t.status.after_message(false, r.internal));
    let (client, subject, id) = (t.client_id, t.subject.clone(), t.id);
    let replied = (!r.internal).then_some(staff);
    move_to(&txn, t, status, replied).await?;
    audit::record(
        &txn,
        Some(staff),
        if r.internal {
            "ticket.note"
        } else {
            "ticket.reply"
        },
        "ticket",
        Some(id),
        serde_json::json!({"status": status.as_str()}),
        &from.ip,
    )
    .await?;
    if !r.internal {
        let data = BTreeMap::from([
            ("id".to_string(), id.to_string()),
            ("subject".to_string(), subject),
        ]);
        notify::push_and_mail(&txn, client, REPLY_NOTICE, data).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Moves the ticket to `status` after a message (`replied_by`: staff's reply to the client).
async fn move_to(
    txn: &DatabaseTransaction,
    t: ticket::Model,
    status: TicketStatus,
    replied_by: Option<i64>,
) -> Result<(), AppError> {
    let now = Utc::now();
    let first_reply = t.first_reply_at.is_none() && replied_by.is_some();
    let unassigned = t.assignee_id.is_none();
    let mut am = t.into_active_model();
    if first_reply {
        am.first_reply_at = Set(Some(now));
        am.first_reply_by = Set(replied_by);
    }
    if unassigned && replied_by.is_some() {
        am.assignee_id = Set(replied_by);
    }
    am.status = Set(status);
    am.resolved_at =
        Set(matches!(status, TicketStatus::Resolved | TicketStatus::Closed).then_some(now));
    am.updated_at = Set(now);
    let t = am.update(txn).await?;
    changed(txn, &t).await
}

/// Staff change who has the ticket, its priority and its status.
pub async fn update(
    db: &DatabaseConnection,
    scope: &Scope,
    staff: i64,
    u: TicketUpdate,
    from: &Origin,
) -> Result<(), AppError> {
    let mut e = Errors::default();
    let priority = e.check(
        "priority",
        TicketPriority::parse(&u.priority).ok_or("err.priority_unknown"),
    );
    let status = e.check(
        "status",
        TicketStatus::parse(&u.status).ok_or("err.status_unknown"),
    );
    let (priority, status) = e.values((priority, status))?;
    let txn = db.write().await?;
    let t = in_scope(&txn, scope, u.ticket_id).await?;
    let assignee = match u.assignee_id {
        0 => None,
        id => {
            let ok = user::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .is_some_and(|p| {
                    p.kind == crate::domain::access::UserKind::Staff && p.status == "active"
                });
            if !ok {
                return Err(AppError::field("assignee_id", "err.assignee_invalid"));
            }
            Some(id)
        }
    };
    let before = (t.assignee_id, t.priority, t.status);
    let id = t.id;
    let now = Utc::now();
    let mut am = t.into_active_model();
    am.assignee_id = Set(assignee);
    am.priority = Set(priority);
    if before.2 != status {
        am.status = Set(status);
        am.resolved_at =
            Set(matches!(status, TicketStatus::Resolved | TicketStatus::Closed).then_some(now));
    }
    am.updated_at = Set(now);
    let t = am.update(&txn).await?;
    audit::record(
        &txn,
        Some(staff),
        "ticket.update",
        "ticket",
        Some(id),
        serde_json::json!({
            "before": {"assignee_id": before.0, "priority": before.1.as_str(), "status": before.2.as_str()},
            "after": {"assignee_id": assignee, "priority": priority.as_str(), "status": status.as_str()},
        }),
        &from.ip,
    )
    .await?;
    changed(&txn, &t).await?;
    txn.commit().await?;
    Ok(())
}

/// The queue's headline counts, within the caller's scope.
pub async fn counts(db: &impl ConnectionTrait, scope: &Scope) -> Result<TicketCounts, AppError> {
    use ticket::Column as C;
    let n = |f: sea_orm::Condition| async move {
        scope
            .restrict(ticket::Entity::find(), C::ClientId)
            .filter(f)
            .count(db)
            .await
    };
    let status = |s: TicketStatus| sea_orm::Condition::all().add(C::Status.eq(s));
    Ok(TicketCounts {
        open: n(status(TicketStatus::Open)).await? as i64,
        waiting: n(status(TicketStatus::Waiting)).await? as i64,
        resolved: n(status(TicketStatus::Resolved)).await? as i64,
        unassigned: n(sea_orm::Condition::all()
            .add(C::AssigneeId.is_null())
            .add(C::Status.is_in([TicketStatus::Open, TicketStatus::Waiting])))
        .await? as i64,
    })
}
