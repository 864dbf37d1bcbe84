//! In-portal notifications. They store a message key and its parameters and are translated when
//! shown, so switching language changes old notifications too.
use crate::domain::live::Topic;
use crate::error::AppError;
use crate::i18n::{self, Locale};
use crate::model::{NotificationDto, NotificationFeed};
use crate::server::entity::{notification, user};
use crate::server::infra::live::{self, Audience};
use crate::server::infra::mail_templates;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::BTreeMap;

pub async fn push(
    db: &impl ConnectionTrait,
    user_id: i64,
    kind: &str,
    data: BTreeMap<String, String>,
) -> Result<(), AppError> {
    notification::ActiveModel {
        user_id: Set(user_id),
        kind: Set(kind.into()),
        data: Set(serde_json::to_string(&data).unwrap_or_else(|_| "{}".into())),
        created_at: Set(Utc::now()),
        read_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    live::emit(db, Audience::user(user_id), Topic::Notification, None).await
}

/// A notification the user is also sent by email, in their language: the template of the same
/// key (`mail_templates`), given the notification's values and its sentence as `{text}`.
pub async fn push_and_mail(
    db: &impl ConnectionTrait,
    user_id: i64,
    kind: &str,
    data: BTreeMap<String, String>,
) -> Result<(), AppError> {
    let Some(u) = user::Entity::find_by_id(user_id).one(db).await? else {
        return Err(AppError::NotFound);
    };
    let locale = Locale::from_code(&u.locale);
    let t = |k: &str| i18n::tr(locale, k);
    let mut vars = data.clone();
    vars.insert("text".into(), i18n::fill(t(kind), &data, t));
    push(db, user_id, kind, data).await?;
    mail_templates::send(db, &u, kind, vars).await
}

pub async fn feed(
    db: &impl ConnectionTrait,
    user_id: i64,
    limit: u64,
) -> Result<NotificationFeed, AppError> {
    use notification::Column as C;
    /// A notification with the count of the user's unread ones: a window over every row the
    /// filter keeps (it runs before the limit), so the bell costs one statement.
    #[derive(sea_orm::FromQueryResult)]
    struct Row {
        id: i64,
        kind: String,
        data: String,
        created_at: chrono::DateTime<Utc>,
        read_at: Option<chrono::DateTime<Utc>>,
        unread: i64,
    }
    let rows = notification::Entity::find()
        .select_only()
        .columns([C::Id, C::Kind, C::Data, C::CreatedAt, C::ReadAt])
        .column_as(
            Expr::cust("SUM(CASE WHEN read_at IS NULL THEN 1 ELSE 0 END) OVER ()"),
            "unread",
        )
        .filter(C::UserId.eq(user_id))
        .order_by_desc(C::Id)
        .limit(limit)
        .into_model::<Row>()
        .all(db)
        .await?;
    let unread = rows
        .first()
        .map_or(0, |r| u64::try_from(r.unread).unwrap_or(0));
    let items = rows
        .into_iter()
        .map(|n| NotificationDto {
            id: n.id,
            kind: n.kind,
            data: serde_json::from_str(&n.data).unwrap_or_default(),
            created_at: n.created_at,
            read: n.read_at.is_some(),
        })
        .collect();
    Ok(NotificationFeed { unread, items })
}

/// Marks all of a user's notifications read; only their own rows can be touched.
pub async fn mark_all_read(db: &impl ConnectionTrait, user_id: i64) -> Result<u64, AppError> {
    use notification::Column as C;
    let r = notification::Entity::update_many()
        .col_expr(C::ReadAt, sea_orm::sea_query::Expr::value(Some(Utc::now())))
        .filter(C::UserId.eq(user_id))
        .filter(C::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected)
}
