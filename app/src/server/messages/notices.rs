//! Firm notices: staff write a title and text in each language, pick the audience, and send
//! now or at a set time (the half-minute job delivers what is due). Each recipient gets a
//! notification in their language (the portal pops up the newest unread one), and the coupon
//! the notice carries is granted to them.
use crate::domain::messages::NoticeAudience;
use crate::domain::validation::{self as v, Errors};
use crate::error::{AppError, OrInternal};
use crate::i18n::Locale;
use crate::model::{ListQuery, NoticeChoices, NoticeForm, NoticeRow, Page, Popup};
use crate::server::entity::{client_group, firm_notice, notification, user};
use crate::server::identity::clients;
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use crate::server::infra::{audit, jobs, list, notify};
use crate::server::offers::coupons;
use crate::server::settings;
use chrono::{DateTime, NaiveDateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::BTreeMap;

/// The notification kind of a firm notice.
pub const KIND: &str = "notice.firm";
const TEXT_MAX: usize = 2_000;

/// A notice's text in each language it was written in.
type Texts = BTreeMap<String, String>;

fn texts(en: String, es: String) -> Texts {
    let mut t = BTreeMap::from([(Locale::En.code().to_string(), en)]);
    if !es.is_empty() {
        t.insert(Locale::Es.code().to_string(), es);
    }
    t
}

/// The text in `locale`, or in English when it was not written in that language.
fn text_in(json: &str, locale: &str) -> String {
    let t: Texts = serde_json::from_str(json).unwrap_or_default();
    t.get(locale)
        .or_else(|| t.get(Locale::En.code()))
        .cloned()
        .unwrap_or_default()
}

fn body(raw: &str, required: bool) -> Result<String, &'static str> {
    let t = raw.trim();
    if t.is_empty() && required {
        return Err("err.required");
    }
    if t.chars().count() > TEXT_MAX || t.chars().any(|c| c.is_control() && c != '\n') {
        return Err("err.notice_text_invalid");
    }
    Ok(t.to_string())
}

fn optional_title(raw: &str) -> Result<String, &'static str> {
    if raw.trim().is_empty() {
        Ok(String::new())
    } else {
        v::name(raw)
    }
}

/// When to send: empty is now; else a UTC time `YYYY-MM-DDTHH:MM` (as a datetime input gives).
fn send_at(raw: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, &'static str> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(now);
    }
    NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
        .map(|d| d.and_utc().max(now))
        .map_err(|_| "err.date_invalid")
}

/// Writes a notice, checked, and delivers it at once unless it is set for later.
pub async fn send(
    db: &DatabaseConnection,
    staff: i64,
    form: NoticeForm,
    from: &Origin,
) -> Result<NoticeRow, AppError> {
    let now = Utc::now();
    let txn = db.write().await?;
    let mut e = Errors::default();
    let title_en = e.check("title_en", v::name(&form.title_en));
    let body_en = e.check("body_en", body(&form.body_en, true));
    let title_es = e.check("title_es", optional_title(&form.title_es));
    let body_es = e.check("body_es", body(&form.body_es, false));
    if let (Some(t), Some(b)) = (&title_es, &body_es)
        && t.is_empty() != b.is_empty()
    {
        e.add(
            if t.is_empty() { "title_es" } else { "body_es" },
            "err.required",
        );
    }
    let link = form.link.trim().to_string();
    if !(link.is_empty() || link.starts_with('/') || link.starts_with("https://"))
        || link.len() > 500
    {
        e.add("link", "err.notice_link_invalid");
    }
    let audience = e.check(
        "audience",
        NoticeAudience::parse(&form.audience).ok_or("err.audience_unknown"),
    );
    let mut group_ids = form.group_ids.clone();
    group_ids.sort_unstable();
    group_ids.dedup();
    let mut user_ids = Vec::new();
    match audience {
        Some(NoticeAudience::Groups) => {
            let known = client_group::Entity::find()
                .filter(client_group::Column::Id.is_in(group_ids.clone()))
                .count(&txn)
                .await?;
            if group_ids.is_empty() {
                e.add("group_ids", "err.audience_empty");
            } else if known != group_ids.len() as u64 {
                e.add("group_ids", "err.group_unknown");
            }
        }
        Some(NoticeAudience::List) => match clients::named(&txn, &form.clients).await? {
            Ok(ids) if ids.is_empty() => e.add("clients", "err.audience_empty"),
            Ok(ids) => user_ids = ids,
            Err(code) => e.add("clients", code),
        },
        _ => {}
    }
    if form.coupon_id != 0 && coupons::active_title(&txn, form.coupon_id).await?.is_none() {
        e.add("coupon_id", "err.coupon_revoked");
    }
    let at = e.check("send_at", send_at(&form.send_at, now));
    let (title_en, body_en, title_es, body_es, audience, at) =
        e.values((title_en, body_en, title_es, body_es, audience, at))?;
    let saved = firm_notice::ActiveModel {
        title: Set(serde_json::json!(texts(title_en, title_es)).to_string()),
        body: Set(serde_json::json!(texts(body_en, body_es)).to_string()),
        link: Set(link),
        coupon_id: Set((form.coupon_id != 0).then_some(form.coupon_id)),
        audience: Set(audience),
        group_ids: Set(serde_json::json!(group_ids).to_string()),
        user_ids: Set(serde_json::json!(user_ids).to_string()),
        send_at: Set(at),
        sent_at: Set(None),
        recipients: Set(0),
        created_by: Set(staff),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(staff),
        "firm_notice.sent",
        "firm_notice",
        Some(saved.id),
        serde_json::json!({"audience": audience, "send_at": at}),
        &from.ip,
    )
    .await?;
    let saved = if at <= now {
        deliver(&txn, saved).await?
    } else {
        saved
    };
    txn.commit().await?;
    row(db, saved).await
}

/// Delivers a notice to its audience in the caller's transaction: a notification to each
/// client in their language and the coupon it carries.
async fn deliver(
    txn: &DatabaseTransaction,
    n: firm_notice::Model,
) -> Result<firm_notice::Model, AppError> {
    let ids = |json: &str| serde_json::from_str::<Vec<i64>>(json).unwrap_or_default();
    let mut q = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::Locale)
        .filter(user::Column::Kind.is_in(["trader", "ib"]))
        .order_by_asc(user::Column::Id);
    q = match n.audience {
        NoticeAudience::Everyone => q,
        NoticeAudience::Groups => q.filter(user::Column::GroupId.is_in(ids(&n.group_ids))),
        NoticeAudience::List => q.filter(user::Column::Id.is_in(ids(&n.user_ids))),
    };
    let recipients: Vec<(i64, String)> = q.into_tuple().all(txn).await?;
    let coupon = match n.coupon_id {
        Some(c) => coupons::active_title(txn, c).await?.unwrap_or_default(),
        None => String::new(),
    };
    for (id, locale) in &recipients {
        if let Some(c) = n.coupon_id {
            coupons::grant_one(txn, c, *id, Some(n.created_by), coupons::source::NOTICE).await?;
        }
        let data = BTreeMap::from([
            ("notice".to_string(), n.id.to_string()),
            ("title".to_string(), text_in(&n.title, locale)),
            ("body".to_string(), text_in(&n.body, locale)),
            ("link".to_string(), n.link.clone()),
            ("coupon".to_string(), coupon.clone()),
        ]);
        notify::push(txn, *id, KIND, data).await?;
    }
    let mut m: firm_notice::ActiveModel = n.into();
    m.sent_at = Set(Some(Utc::now()));
    m.recipients = Set(i32::try_from(recipients.len()).unwrap_or(i32::MAX));
    Ok(m.update(txn).await?)
}

crate::register_job!(jobs::Schedule::Day, 30, "firm_notices", |db| Box::pin(
    deliver_due(db)
));

/// Delivers the notices whose time has come, each in its own transaction, claimed by setting
/// `sent_at` only where it is still empty (so one instance delivers each).
pub async fn deliver_due(db: &DatabaseConnection) -> Result<usize, AppError> {
    let due = firm_notice::Entity::find()
        .filter(firm_notice::Column::SentAt.is_null())
        .filter(firm_notice::Column::SendAt.lte(Utc::now()))
        .order_by_asc(firm_notice::Column::Id)
        .all(db)
        .await?;
    let mut n = 0;
    for notice in due {
        let txn = db.write().await?;
        let claimed = firm_notice::Entity::update_many()
            .col_expr(firm_notice::Column::SentAt, Expr::value(Some(Utc::now())))
            .filter(firm_notice::Column::Id.eq(notice.id))
            .filter(firm_notice::Column::SentAt.is_null())
            .exec(&txn)
            .await?;
        if claimed.rows_affected == 1 {
            deliver(&txn, notice).await?;
            n += 1;
        }
        txn.commit().await?;
    }
    Ok(n)
}

async fn row(db: &impl ConnectionTrait, n: firm_notice::Model) -> Result<NoticeRow, AppError> {
    let coupon = match n.coupon_id {
        Some(c) => coupons::title(db, c).await?,
        None => String::new(),
    };
    let time = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M").to_string();
    Ok(NoticeRow {
        id: n.id,
        title: text_in(&n.title, Locale::En.code()),
        audience: n.audience,
        coupon,
        link: n.link,
        send_at: time(n.send_at),
        sent_at: n.sent_at.map(time).unwrap_or_default(),
        recipients: n.recipients.max(0) as u32,
    })
}

/// The notices, newest first; `q.q` finds by title, `q.filter` keeps the sent (`sent`) or the
/// scheduled (`scheduled`) ones.
pub async fn list(
    db: &impl ConnectionTrait,
    q: &ListQuery,
    paged: bool,
) -> Result<Page<NoticeRow>, AppError> {
    use firm_notice::Column as C;
    let mut select = firm_notice::Entity::find();
    if let Some(c) = list::search(&q.q, &[C::Title]) {
        select = select.filter(c);
    }
    select = match q.filter.as_str() {
        "" => select,
        "sent" => select.filter(C::SentAt.is_not_null()),
        "scheduled" => select.filter(C::SentAt.is_null()),
        _ => return Err(AppError::field("filter", "err.filter_invalid")),
    };
    let (rows, total) = list::fetch(db, select.order_by_desc(C::Id), q, paged).await?;
    let mut out = Vec::with_capacity(rows.len());
    for n in rows {
        out.push(row(db, n).await?);
    }
    Ok(list::page(out, total, q, paged))
}

/// What the composer offers: client groups and the coupons that are not revoked.
pub async fn choices(db: &impl ConnectionTrait) -> Result<NoticeChoices, AppError> {
    Ok(NoticeChoices {
        groups: settings::groups(db)
            .await?
            .into_iter()
            .map(|g| (g.id, g.name))
            .collect(),
        coupons: coupons::active(db).await?,
    })
}

/// The newest firm notice the client has not read: the pop-up of their next visit.
pub async fn popup(db: &impl ConnectionTrait, user_id: i64) -> Result<Option<Popup>, AppError> {
    let found = notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::Kind.eq(KIND))
        .filter(notification::Column::ReadAt.is_null())
        .order_by_desc(notification::Column::Id)
        .one(db)
        .await?;
    let Some(n) = found else { return Ok(None) };
    let data: BTreeMap<String, String> =
        serde_json::from_str(&n.data).or_internal("decoding a notice's notification")?;
    let get = |k: &str| data.get(k).cloned().unwrap_or_default();
    Ok(Some(Popup {
        id: n.id,
        title: get("title"),
        body: get("body"),
        link: get("link"),
        coupon: get("coupon"),
    }))
}

/// Closes a pop-up: the notification is read (only the caller's own).
pub async fn seen(db: &impl ConnectionTrait, user_id: i64, id: i64) -> Result<(), AppError> {
    let done = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Some(Utc::now())))
        .filter(notification::Column::Id.eq(id))
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::Kind.eq(KIND))
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}
