//! Shared paging, sorting and case-insensitive search for back-office lists.
use crate::error::AppError;
use crate::model::{ListQuery, Page};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, PaginatorTrait, QuerySelect, Select,
};

/// Exports are capped so that one click cannot pull an unbounded table into memory.
pub const EXPORT_MAX_ROWS: u64 = 100_000;

/// A LIKE pattern for a user's search text, with the wildcards in it escaped.
fn like(q: &str) -> String {
    let escaped = q
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// `lower(col) LIKE pattern`: the same on SQLite and PostgreSQL.
fn ilike(col: impl ColumnTrait, pattern: &str) -> sea_orm::sea_query::SimpleExpr {
    Expr::expr(Func::lower(Expr::col(col)))
        .like(sea_orm::sea_query::LikeExpr::new(pattern).escape('\\'))
}

/// A case-insensitive "contains" search over some columns; `None` when the text is empty.
pub fn search<C: ColumnTrait + Copy>(text: &str, cols: &[C]) -> Option<sea_orm::Condition> {
    if text.trim().is_empty() {
        return None;
    }
    let pattern = like(text);
    Some(cols.iter().fold(sea_orm::Condition::any(), |any, c| {
        any.add(ilike(*c, &pattern))
    }))
}

/// The ids of the users whose email or name contains the text (`None` when it is empty), for
/// lists searched by client.
pub async fn users_matching(
    db: &impl ConnectionTrait,
    text: &str,
) -> Result<Option<Vec<i64>>, AppError> {
    use crate::server::entity::user;
    use sea_orm::QueryFilter;
    let Some(c) = search(
        text,
        &[
            user::Column::Email,
            user::Column::FirstName,
            user::Column::LastName,
        ],
    ) else {
        return Ok(None);
    };
    Ok(Some(
        user::Entity::find()
            .filter(c)
            .select_only()
            .column(user::Column::Id)
            .into_tuple()
            .all(db)
            .await?,
    ))
}

/// From (included) and until (excluded), each optional.
pub type Range = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// The list's date range (`from` and `to`, YYYY-MM-DD, both days included) as UTC instants:
/// from the first day's midnight, until the midnight after the last. Malformed dates and a
/// range that ends before it starts are refused, naming the field.
pub fn date_range(q: &ListQuery) -> Result<Range, AppError> {
    let parse = |field: &str, text: &str| -> Result<Option<NaiveDate>, AppError> {
        let t = text.trim();
        if t.is_empty() {
            return Ok(None);
        }
        NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::field(field, "err.date_invalid"))
    };
    let (from, to) = (parse("from", &q.from)?, parse("to", &q.to)?);
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        return Err(AppError::field("to", "err.date_range"));
    }
    let midnight = |d: NaiveDate| d.and_time(NaiveTime::MIN).and_utc();
    Ok((
        from.map(midnight),
        to.and_then(|d| d.succ_opt()).map(midnight),
    ))
}

pub async fn fetch<E: EntityTrait>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    q: &ListQuery,
    paged: bool,
) -> Result<(Vec<E::Model>, u64), AppError>
where
    E::Model: Sync,
{
    if !paged {
        let rows = select.limit(EXPORT_MAX_ROWS).all(db).await?;
        let n = rows.len() as u64;
        return Ok((rows, n));
    }
    let total = select.clone().count(db).await?;
    let rows = select
        .offset(q.offset())
        .limit(q.per_page())
        .all(db)
        .await?;
    Ok((rows, total))
}

pub fn page<T>(rows: Vec<T>, total: u64, q: &ListQuery, paged: bool) -> Page<T> {
    let per_page = if paged {
        q.per_page()
    } else {
        std::cmp::max(total, 1)
    };
    Page {
        rows,
        total,
        page: if paged { q.page() } else { 0 },
        per_page,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn paging_is_bounded_whatever_the_request_says() {
        let q = crate::model::ListQuery {
            page: u64::MAX,
            per_page: u64::MAX,
            ..Default::default()
        };
        assert!(i64::try_from(q.offset()).is_ok());
        assert_eq!(q.page(), crate::model::ListQuery::MAX_PAGE);
        assert_eq!(q.per_page(), crate::model::ListQuery::MAX_PER_PAGE);
    }

    #[test]
    fn like_escapes_wildcards() {
        assert_eq!(super::like(" A%b_c "), "%a\\%b\\_c%");
    }
}
