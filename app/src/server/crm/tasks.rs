//! Staff tasks: a title, a due time, an assignee, optionally a client or lead it is about, and
//! a reminder that reaches the assignee's bell a set time before it is due (a job step, once).
//! A staff member sees the tasks of the people in their scope (their team's, or everyone's
//! for the whole firm; their own for the unowned pool).
use crate::domain::access::UserKind;
use crate::domain::crm::{REMIND_MAX_MINUTES, TITLE_MAX, TaskStatus};
use crate::error::AppError;
use crate::model::{ListQuery, Page, TaskForm, TaskRow};
use crate::server::entity::{lead, task, user};
use crate::server::identity::scope::Scope;
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use crate::server::infra::{audit, jobs, list, notify};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use std::collections::{BTreeMap, HashMap};

/// The tasks the caller may see.
fn visible(scope: &Scope, me: i64) -> Condition {
    match scope {
        Scope::Firm => Condition::all(),
        Scope::OwnedBy(staff) => {
            Condition::all().add(task::Column::AssigneeId.is_in(staff.clone()))
        }
        Scope::Unowned => Condition::all().add(task::Column::AssigneeId.eq(me)),
    }
}

async fn rows(
    db: &impl ConnectionTrait,
    tasks: Vec<task::Model>,
) -> Result<Vec<TaskRow>, AppError> {
    let mut people: Vec<i64> = tasks.iter().map(|t| t.assignee_id).collect();
    people.extend(tasks.iter().filter_map(|t| t.client_id));
    let names: HashMap<i64, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(people))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, format!("{} {}", u.first_name, u.last_name)))
        .collect();
    let leads: HashMap<i64, String> = lead::Entity::find()
        .filter(lead::Column::Id.is_in(tasks.iter().filter_map(|t| t.lead_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.id, l.name))
        .collect();
    let now = Utc::now();
    Ok(tasks
        .into_iter()
        .map(|t| {
            let status = TaskStatus::parse(&t.status).unwrap_or(TaskStatus::Open);
            TaskRow {
                id: t.id,
                assignee: names.get(&t.assignee_id).cloned().unwrap_or_default(),
                about: t
                    .client_id
                    .and_then(|c| names.get(&c).cloned())
                    .or_else(|| t.lead_id.and_then(|l| leads.get(&l).cloned()))
                    .unwrap_or_default(),
                overdue: status == TaskStatus::Open && t.due_at < now,
                status,
                title: t.title,
                details: t.details,
                due_at: t.due_at,
                remind_minutes: t.remind_minutes,
                assignee_id: t.assignee_id,
                client_id: t.client_id,
                lead_id: t.lead_id,
            }
        })
        .collect())
}

/// The list: `q.filter` is mine | open | overdue | today | done | "" (all visible), soonest
/// due first.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: &Scope,
    me: i64,
    q: &ListQuery,
    paged: bool,
) -> Result<Page<TaskRow>, AppError> {
    use task::Column as C;
    let mut select = task::Entity::find().filter(visible(scope, me));
    let now = Utc::now();
    let open = TaskStatus::Open.as_str();
    select = match q.filter.as_str() {
        "" => select,
        "mine" => select
            .filter(C::AssigneeId.eq(me))
            .filter(C::Status.eq(open)),
        "open" => select.filter(C::Status.eq(open)),
        "overdue" => select.filter(C::Status.eq(open)).filter(C::DueAt.lt(now)),
        "today" => {
            let start = now
                .date_naive()
                .and_hms_opt(0, 0, 0)
                .expect("midnight")
                .and_utc();
            select
                .filter(C::DueAt.gte(start))
                .filter(C::DueAt.lt(start + Duration::days(1)))
        }
        "done" => select.filter(C::Status.eq(TaskStatus::Done.as_str())),
        _ => return Err(AppError::field("filter", "err.filter_invalid")),
    };
    if let Some(c) = list::search(&q.q, &[C::Title, C::Details]) {
        select = select.filter(c);
    }
    select = if q.desc {
        select.order_by_desc(C::DueAt)
    } else {
        select.order_by_asc(C::DueAt)
    };
    let (found, total) = list::fetch(db, select.order_by_asc(C::Id), q, paged).await?;
    Ok(list::page(rows(db, found).await?, total, q, paged))
}

/// The month's tasks (`YYYY-MM`, UTC) for the calendar.
pub async fn month(
    db: &impl ConnectionTrait,
    scope: &Scope,
    me: i64,
    month: &str,
) -> Result<Vec<TaskRow>, AppError> {
    let first = NaiveDate::parse_from_str(&format!("{}-01", month.trim()), "%Y-%m-%d")
        .map_err(|_| AppError::field("month", "err.month_invalid"))?;
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .ok_or_else(|| AppError::field("month", "err.month_invalid"))?;
    let at = |d: NaiveDate| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    let found = task::Entity::find()
        .filter(visible(scope, me))
        .filter(task::Column::DueAt.gte(at(first)))
        .filter(task::Column::DueAt.lt(at(next)))
        .order_by_asc(task::Column::DueAt)
        .all(db)
        .await?;
    rows(db, found).await
}

fn due(text: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M")
        .ok()
        .map(|t| t.and_utc())
}

/// Creates (`id` 0) or edits a task. The assignee is an active staff member in the caller's
/// scope (the caller when 0); the client, if named, is in the scope too; a lead, if named,
/// exists. A changed due time or reminder sends the reminder again.
pub async fn save(
    db: &DatabaseConnection,
    scope: &Scope,
    me: i64,
    f: TaskForm,
    from: &Origin,
) -> Result<i64, AppError> {
    let existing = match f.id {
        0 => None,
        id => Some(
            task::Entity::find_by_id(id)
                .filter(visible(scope, me))
                .one(db)
                .await?
                .ok_or(AppError::NotFound)?,
        ),
    };
    let title = f.title.trim().to_string();
    if title.is_empty() {
        return Err(AppError::field("title", "err.required"));
    }
    if title.chars().count() > TITLE_MAX {
        return Err(AppError::field("title", "err.too_long"));
    }
    let details = f.details.trim().to_string();
    if details.chars().count() > crate::domain::crm::NOTE_MAX {
        return Err(AppError::field("details", "err.note_too_long"));
    }
    let due_at = due(&f.due_at).ok_or_else(|| AppError::field("due_at", "err.due_invalid"))?;
    if !(0..=REMIND_MAX_MINUTES).contains(&f.remind_minutes) {
        return Err(AppError::field("remind_minutes", "err.setting_range"));
    }
    let assignee = if f.assignee_id == 0 {
        me
    } else {
        f.assignee_id
    };
    let may_assign = match scope {
        Scope::Firm => true,
        Scope::OwnedBy(staff) => staff.contains(&assignee),
        Scope::Unowned => assignee == me,
    };
    let is_staff = user::Entity::find_by_id(assignee)
        .one(db)
        .await?
        .is_some_and(|u| u.kind == UserKind::Staff && u.status == "active");
    if !may_assign || !is_staff {
        return Err(AppError::field("assignee_id", "err.assignee_invalid"));
    }
    let client = (f.client_id != 0).then_some(f.client_id);
    if let Some(c) = client {
        super::clients::in_scope(db, scope, c).await?;
    }
    let lead_id = (f.lead_id != 0).then_some(f.lead_id);
    if let Some(l) = lead_id {
        lead::Entity::find_by_id(l)
            .one(db)
            .await?
            .filter(|l| scope.owns(l.owner_id))
            .ok_or_else(|| AppError::field("lead_id", "err.lead_unknown"))?;
    }
    let now = Utc::now();
    let txn = db.write().await?;
    let saved = match existing {
        Some(t) => {
            let again = t.due_at != due_at || t.remind_minutes != f.remind_minutes;
            let mut am = t.into_active_model();
            am.title = Set(title);
            am.details = Set(details);
            am.due_at = Set(due_at);
            am.remind_minutes = Set(f.remind_minutes);
            am.assignee_id = Set(assignee);
            am.client_id = Set(client);
            am.lead_id = Set(lead_id);
            if again {
                am.reminded_at = Set(None);
            }
            am.update(&txn).await?
        }
        None => {
            task::ActiveModel {
                title: Set(title),
                details: Set(details),
                due_at: Set(due_at),
                remind_minutes: Set(f.remind_minutes),
                assignee_id: Set(assignee),
                client_id: Set(client),
                lead_id: Set(lead_id),
                status: Set(TaskStatus::Open.as_str().into()),
                created_by: Set(me),
                reminded_at: Set(None),
                done_at: Set(None),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    audit::record(
        &txn,
        Some(me),
        if f.id == 0 {
            "task.create"
        } else {
            "task.update"
        },
        "task",
        Some(saved.id),
        serde_json::json!({"assignee_id": assignee, "due_at": due_at}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(saved.id)
}

/// Marks a visible task done (or open again).
pub async fn set_done(
    db: &DatabaseConnection,
    scope: &Scope,
    me: i64,
    id: i64,
    done: bool,
) -> Result<(), AppError> {
    let t = task::Entity::find_by_id(id)
        .filter(visible(scope, me))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut am = t.into_active_model();
    am.status = Set(if done {
        TaskStatus::Done
    } else {
        TaskStatus::Open
    }
    .as_str()
    .into());
    am.done_at = Set(done.then(Utc::now));
    am.update(db).await?;
    Ok(())
}

/// Sends the reminders that are due: an open task whose reminder time has come, once each
/// (claimed by setting `reminded_at` where it is still empty, so one instance sends it).
pub async fn remind_due(db: &DatabaseConnection) -> Result<usize, AppError> {
    let now = Utc::now();
    // Due within the longest reminder window; the exact window is each task's own.
    let soon = task::Entity::find()
        .filter(task::Column::Status.eq(TaskStatus::Open.as_str()))
        .filter(task::Column::RemindedAt.is_null())
        .filter(task::Column::DueAt.lte(now + Duration::minutes(REMIND_MAX_MINUTES.into())))
        .all(db)
        .await?;
    let mut sent = 0;
    for t in soon {
        if t.due_at - Duration::minutes(t.remind_minutes.into()) > now {
            continue;
        }
        let txn = db.write().await?;
        let claimed = task::Entity::update_many()
            .col_expr(task::Column::RemindedAt, Expr::value(Some(now)))
            .filter(task::Column::Id.eq(t.id))
            .filter(task::Column::RemindedAt.is_null())
            .exec(&txn)
            .await?;
        if claimed.rows_affected == 1 {
            let data = BTreeMap::from([
                ("title".to_string(), t.title.clone()),
                (
                    "due".to_string(),
                    t.due_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                ),
            ]);
            notify::push(&txn, t.assignee_id, "notice.task_due", data).await?;
            sent += 1;
        }
        txn.commit().await?;
    }
    Ok(sent)
}

crate::register_job!(jobs::Schedule::Day, 35, "task_reminders", |db| Box::pin(
    remind_due(db)
));
