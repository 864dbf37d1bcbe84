//! How quickly staff answer tickets: per staff member, over the tickets opened in a period,
//! the tickets they answered first and the median time to that answer, every reply they wrote
//! (internal notes apart), and the tickets now resolved or closed in their hands.
use crate::domain::support::TicketStatus;
use crate::error::AppError;
use crate::model::{ListQuery, ResponseStat};
use crate::server::entity::{ticket, ticket_message};
use crate::server::identity::accounts::{by_id, full_name};
use crate::server::identity::scope::Scope;
use crate::server::infra::list;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::BTreeMap;

/// The figures for tickets opened in `q.from..=q.to` (either may be empty) of clients in scope,
/// slowest median last; staff with nothing in the period are left out.
pub async fn response_times(
    db: &impl ConnectionTrait,
    scope: &Scope,
    q: &ListQuery,
) -> Result<Vec<ResponseStat>, AppError> {
    let (from, until) = list::date_range(q)?;
    let mut select = scope.restrict(ticket::Entity::find(), ticket::Column::ClientId);
    if let Some(f) = from {
        select = select.filter(ticket::Column::CreatedAt.gte(f));
    }
    if let Some(u) = until {
        select = select.filter(ticket::Column::CreatedAt.lt(u));
    }
    let tickets = select.all(db).await?;
    #[derive(Default)]
    struct Acc {
        waits: Vec<i64>,
        replies: i64,
        resolved: i64,
    }
    let mut by_staff: BTreeMap<i64, Acc> = BTreeMap::new();
    for t in &tickets {
        if let (Some(at), Some(who)) = (t.first_reply_at, t.first_reply_by) {
            by_staff
                .entry(who)
                .or_default()
                .waits
                .push((at - t.created_at).num_seconds().max(0));
        }
        if let Some(a) = t.assignee_id
            && matches!(t.status, TicketStatus::Resolved | TicketStatus::Closed)
        {
            by_staff.entry(a).or_default().resolved += 1;
        }
    }
    let replies: Vec<i64> = ticket_message::Entity::find()
        .select_only()
        .column(ticket_message::Column::AuthorId)
        .filter(ticket_message::Column::TicketId.is_in(tickets.iter().map(|t| t.id)))
        .filter(ticket_message::Column::FromClient.eq(false))
        .filter(ticket_message::Column::Internal.eq(false))
        .into_tuple()
        .all(db)
        .await?;
    for author in replies {
        by_staff.entry(author).or_default().replies += 1;
    }
    let people = by_id(db, by_staff.keys().copied()).await?;
    let mut out: Vec<ResponseStat> = by_staff
        .into_iter()
        .map(|(id, mut a)| ResponseStat {
            staff_id: id,
            name: people.get(&id).map(full_name).unwrap_or_default(),
            first_replies: a.waits.len() as i64,
            median_first_reply_secs: median(&mut a.waits),
            replies: a.replies,
            resolved: a.resolved,
        })
        .collect();
    out.sort_by_key(|s| (s.median_first_reply_secs.unwrap_or(i64::MAX), s.staff_id));
    Ok(out)
}

/// The middle value (the lower of the two middle ones for an even count).
fn median(v: &mut [i64]) -> Option<i64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    Some(v[(v.len() - 1) / 2])
}

#[cfg(test)]
mod tests {
    #[test]
    fn median_is_the_middle() {
        assert_eq!(super::median(&mut []), None);
        assert_eq!(super::median(&mut [30, 10, 20]), Some(20));
        assert_eq!(super::median(&mut [40, 10, 30, 20]), Some(20));
    }
}
