//! Requests as lists, queues, counts and details for both portals.
use super::*;
use crate::domain::approval::{self, Level, RequestKind, RequestStatus};
use crate::domain::money::{self};
use crate::error::AppError;
use crate::error::OrInternal;
use crate::model::{
    ClientSummary, ListQuery, Page, QueueCount, RequestDetail, RequestRow, ReviewDto,
};
use crate::server::entity::{payment_method, payout_destination, request, request_review, user};
use crate::server::{infra::list, infra::uploads, settings};
use sea_orm::sea_query::SelectStatement;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// Rows for lists, with client names and method names looked up in two queries.
pub(super) async fn rows(
    db: &impl ConnectionTrait,
    reqs: Vec<request::Model>,
    actionable: impl Fn(&request::Model) -> bool,
) -> Result<Vec<RequestRow>, AppError> {
    let user_ids: Vec<i64> = reqs.iter().map(|r| r.user_id).collect();
    let users: HashMap<i64, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let method_ids: Vec<i64> = reqs.iter().filter_map(|r| r.method_id).collect();
    let methods: HashMap<i64, String> = payment_method::Entity::find()
        .filter(payment_method::Column::Id.is_in(method_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    Ok(reqs
        .into_iter()
        .map(|r| {
            let cur = r.currency.as_deref().and_then(money::currency);
            let u = users.get(&r.user_id);
            RequestRow {
                id: r.id,
                kind: r.kind,
                user_id: r.user_id,
                client: u
                    .map(|u| format!("{} {}", u.first_name, u.last_name))
                    .unwrap_or_default(),
                email: u.map(|u| u.email.clone()).unwrap_or_default(),
                status: r.status,
                level: r.level,
                levels: r.levels,
                amount: r.amount_minor.zip(cur).map(|(a, c)| money::format(a, c)),
                currency: r.currency.clone(),
                fee: cur.map(|c| money::format(r.fee_minor, c)),
                payment_status: r.payment_status,
                method: r.method_id.and_then(|m| methods.get(&m).cloned()),
                reason: r.reason.clone(),
                created_at: r.created_at,
                decided_at: r.decided_at,
                actionable: actionable(&r),
            }
        })
        .collect())
}

pub(super) fn sorted(
    select: sea_orm::Select<request::Entity>,
    q: &ListQuery,
) -> sea_orm::Select<request::Entity> {
    use request::Column as C;
    let col = match q.sort.as_str() {
        "created" => C::CreatedAt,
        "amount" => C::AmountMinor,
        "status" => C::Status,
        "kind" => C::Kind,
        _ => C::Id,
    };
    if q.desc {
        select.order_by_desc(col)
    } else {
        select.order_by_asc(col)
    }
}

pub(super) fn status_filter(
    select: sea_orm::Select<request::Entity>,
    q: &ListQuery,
) -> sea_orm::Select<request::Entity> {
    match RequestStatus::parse(&q.filter) {
        Some(s) => select.filter(request::Column::Status.eq(s.as_str())),
        None => select,
    }
}

pub async fn list_for_client(
    db: &impl ConnectionTrait,
    client: i64,
    q: &ListQuery,
    paged: bool,
) -> Result<Page<RequestRow>, AppError> {
    let mut select = request::Entity::find().filter(request::Column::UserId.eq(client));
    select = status_filter(select, q);
    if let Some(k) = RequestKind::parse(&q.q) {
        select = select.filter(request::Column::Kind.eq(k.as_str()));
    } else if let Ok(id) = q.q.trim().parse::<i64>() {
        select = select.filter(request::Column::Id.eq(id));
    }
    let (reqs, total) = list::fetch(db, sorted(select, q), q, paged).await?;
    let rows = rows(db, reqs, |r| cancellable(r, r.kind)).await?;
    Ok(list::page(rows, total, q, paged))
}

/// The requests of several clients (an IB's downlines, as a subquery of their ids), made
/// since `since`: read-only rows (nothing cancellable), filtered and searched as a client's.
pub async fn list_for_users(
    db: &impl ConnectionTrait,
    users: sea_orm::sea_query::SelectStatement,
    since: Option<chrono::DateTime<chrono::Utc>>,
    q: &ListQuery,
    paged: bool,
) -> Result<Page<RequestRow>, AppError> {
    let mut select = request::Entity::find().filter(request::Column::UserId.in_subquery(users));
    if let Some(t) = since {
        select = select.filter(request::Column::CreatedAt.gte(t));
    }
    select = status_filter(select, q);
    if let Some(k) = RequestKind::parse(&q.q) {
        select = select.filter(request::Column::Kind.eq(k.as_str()));
    }
    let (reqs, total) = list::fetch(db, sorted(select, q), q, paged).await?;
    let rows = rows(db, reqs, |_| false).await?;
    Ok(list::page(rows, total, q, paged))
}

/// Pending requests of `kinds` at a level `staff` may decide: the condition for "My to-do".
pub(super) async fn decidable(
    db: &impl ConnectionTrait,
    staff: i64,
    kinds: &[RequestKind],
) -> Result<Condition, AppError> {
    let role = role_of(db, staff).await?;
    let mut any = Condition::any();
    for kind in kinds {
        let levels = settings::approval_for(db, *kind).await?.1;
        // Levels this member may decide; beyond the configured ones anyone may (see may_decide).
        let mine: Vec<i32> = (1..=levels.len() as i32)
            .filter(|l| approval::may_decide(&levels, *l, staff, role))
            .collect();
        any = any.add(
            Condition::all()
                .add(request::Column::Kind.eq(kind.as_str()))
                .add(
                    Condition::any()
                        .add(request::Column::Level.is_in(mine))
                        .add(request::Column::Level.gt(levels.len() as i32)),
                ),
        );
    }
    Ok(Condition::all()
        .add(request::Column::Status.eq(RequestStatus::Pending.as_str()))
        .add(any))
}

/// The requests of the clients in the caller's data scope (`clients`: their ids as a subquery;
/// `None` for the whole firm). The approvals engine sits below the identity area, which
/// resolves scopes, so it takes the scope's clients rather than the scope.
fn of_clients(clients: &Option<SelectStatement>) -> sea_orm::Select<request::Entity> {
    let select = request::Entity::find();
    match clients {
        Some(ids) => select.filter(request::Column::UserId.in_subquery(ids.clone())),
        None => select,
    }
}

pub async fn counts(
    db: &impl ConnectionTrait,
    staff: i64,
    clients: Option<SelectStatement>,
) -> Result<Vec<QueueCount>, AppError> {
    let mut out = Vec::new();
    let in_scope = || of_clients(&clients);
    for kind in RequestKind::ALL {
        let pending = in_scope()
            .filter(request::Column::Kind.eq(kind.as_str()))
            .filter(request::Column::Status.eq(RequestStatus::Pending.as_str()))
            .count(db)
            .await?;
        let mine = in_scope()
            .filter(decidable(db, staff, &[*kind]).await?)
            .count(db)
            .await?;
        out.push(QueueCount {
            kind: kind.as_str().into(),
            pending,
            mine,
        });
    }
    Ok(out)
}

pub async fn queue(
    db: &impl ConnectionTrait,
    staff: i64,
    clients: Option<SelectStatement>,
    kind: &str,
    mine: bool,
    q: &ListQuery,
    paged: bool,
) -> Result<Page<RequestRow>, AppError> {
    let kinds: Vec<RequestKind> = match kind {
        "" => RequestKind::ALL.to_vec(),
        k => {
            vec![RequestKind::parse(k).ok_or_else(|| AppError::field("kind", "err.kind_unknown"))?]
        }
    };
    let mut select =
        of_clients(&clients).filter(request::Column::Kind.is_in(kinds.iter().copied()));
    if mine {
        select = select.filter(decidable(db, staff, &kinds).await?);
    }
    select = status_filter(select, q);
    let text = q.q.trim();
    if !text.is_empty() {
        let mut any = Condition::any();
        if let Some(ids) = list::users_matching(db, text).await? {
            any = any.add(request::Column::UserId.is_in(ids));
        }
        if let Ok(id) = text.parse::<i64>() {
            any = any
                .add(request::Column::Id.eq(id))
                .add(request::Column::UserId.eq(id));
        }
        select = select.filter(any);
    }
    let (reqs, total) = list::fetch(db, sorted(select, q), q, paged).await?;
    let role = role_of(db, staff).await?;
    let mut level_cache: HashMap<RequestKind, Vec<Level>> = HashMap::new();
    for k in &kinds {
        level_cache.insert(*k, settings::approval_for(db, *k).await?.1);
    }
    let rows = rows(db, reqs, |r| {
        r.status == RequestStatus::Pending
            && approval::may_decide(
                level_cache.get(&r.kind).map(Vec::as_slice).unwrap_or(&[]),
                r.level,
                staff,
                role,
            )
    })
    .await?;
    Ok(list::page(rows, total, q, paged))
}

/// Who made request `id`: the review page shows their summary beside it.
pub async fn requester(db: &DatabaseConnection, id: i64) -> Result<i64, AppError> {
    Ok(find(db, id).await?.user_id)
}

/// The review page's request; `client` is the requester's summary, which the money area keeps.
pub async fn detail(
    db: &DatabaseConnection,
    staff: i64,
    id: i64,
    client: ClientSummary,
) -> Result<RequestDetail, AppError> {
    let req = find(db, id).await?;
    let kind = req.kind;
    let levels = levels_of(db, req.kind).await?;
    let can_decide = req.status == RequestStatus::Pending
        && approval::may_decide(&levels, req.level, staff, role_of(db, staff).await?);
    let row = rows(db, vec![req.clone()], |_| can_decide)
        .await?
        .pop()
        .or_internal("the request's own row is not there")?;
    let reviews = request_review::Entity::find()
        .filter(request_review::Column::RequestId.eq(id))
        .order_by_asc(request_review::Column::Id)
        .all(db)
        .await?;
    let actor_ids: Vec<i64> = reviews.iter().filter_map(|r| r.actor_id).collect();
    let actors: HashMap<i64, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(actor_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    let reviews = reviews
        .into_iter()
        .map(|r| ReviewDto {
            at: r.created_at,
            actor: r.actor_id.and_then(|a| actors.get(&a).cloned()),
            level: r.level,
            action: r.action,
            comment: r.comment,
        })
        .collect();
    let history_reqs = request::Entity::find()
        .filter(request::Column::UserId.eq(req.user_id))
        .filter(request::Column::Id.ne(id))
        .order_by_desc(request::Column::Id)
        .limit(20)
        .all(db)
        .await?;
    let history = rows(db, history_reqs, |_| false).await?;
    let details = describe(db, &req).await?;
    let pending = req.status == RequestStatus::Pending;
    Ok(RequestDetail {
        details,
        reference: req.reference.clone(),
        reviews,
        uploads: uploads::for_request(db, id).await?,
        client,
        history,
        can_decide,
        can_edit_amount: can_decide
            && pending
            && matches!(kind, RequestKind::Deposit | RequestKind::Withdrawal),
        can_edit_payment: can_decide && pending && req.payment_status.is_some(),
        row,
    })
}

/// How many pending requests of a kind a client has: the firm caps it.
pub async fn pending_count(
    db: &impl ConnectionTrait,
    client: i64,
    kind: RequestKind,
) -> Result<u64, AppError> {
    Ok(request::Entity::find()
        .filter(request::Column::UserId.eq(client))
        .filter(request::Column::Kind.eq(kind.as_str()))
        .filter(request::Column::Status.eq(RequestStatus::Pending.as_str()))
        .count(db)
        .await?)
}

/// A request as its client sees it in lists.
pub async fn client_row(
    db: &impl ConnectionTrait,
    req: request::Model,
) -> Result<RequestRow, AppError> {
    rows(db, vec![req], |r| cancellable(r, r.kind))
        .await?
        .pop()
        .or_internal("the request's own row is not there")
}

/// A client's request by id; another client's id is "not found".
pub async fn own(
    db: &impl ConnectionTrait,
    client: i64,
    id: i64,
) -> Result<request::Model, AppError> {
    let r = find(db, id).await?;
    if r.user_id != client {
        return Err(AppError::NotFound);
    }
    Ok(r)
}

/// Labelled details of a request for the review page (i18n keys as labels).
pub(super) async fn describe(
    db: &DatabaseConnection,
    req: &request::Model,
) -> Result<Vec<(String, String)>, AppError> {
    let mut out = Vec::new();
    if let Some(m) = req.method_id
        && let Some(m) = payment_method::Entity::find_by_id(m).one(db).await?
    {
        out.push((
            "appr.detail_method".into(),
            format!("{} ({})", m.name, m.kind),
        ));
    }
    if let Some(d) = req.destination_id
        && let Some(d) = payout_destination::Entity::find_by_id(d).one(db).await?
    {
        out.push((
            "appr.detail_destination".into(),
            format!("{} · {}", d.label, d.details),
        ));
    }
    if let (Some(t), Some(a)) = (req.target_currency.as_deref(), req.target_amount_minor) {
        let cur =
            money::currency(t).or_internal("a stored request's target currency is unknown")?;
        out.push((
            "appr.detail_credited".into(),
            format!("{} {}", money::format(a, cur), cur.code),
        ));
    }
    if let Some(c) = req.counterparty_id
        && let Some(u) = user::Entity::find_by_id(c).one(db).await?
    {
        out.push((
            "appr.detail_recipient".into(),
            format!("{} {} <{}> (#{})", u.first_name, u.last_name, u.email, u.id),
        ));
    }
    if let Some(own) = handlers::of_request(req)?.describe(db, req).await? {
        out.extend(own);
        return Ok(out);
    }
    if let Ok(serde_json::Value::Object(map)) =
        serde_json::from_str::<serde_json::Value>(&req.payload)
    {
        for (k, v) in map {
            let v = match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            out.push((k, v));
        }
    }
    Ok(out)
}
