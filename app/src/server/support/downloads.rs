//! The download centre: staff publish files (uploaded, purpose `download`) and links by
//! category, with a title and description in each language, an order and the client groups
//! that see them (none chosen: every group). Clients see their group's entries in their
//! language; each download goes through `/downloads/{id}`, which counts it.
use crate::domain::support::{DownloadCategory, Os};
use crate::domain::validation::{self as v, Errors};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::model::{DownloadForm, DownloadItem, DownloadRow};
use crate::server::entity::{client_group, download, upload, user};
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use crate::server::infra::{audit, uploads};
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const DESCRIPTION_MAX: usize = 1_000;
const URL_MAX: usize = 500;
const POSITION_MAX: i32 = 10_000;

type Texts = BTreeMap<String, String>;

fn texts(en: &str, es: &str) -> String {
    let mut t = Texts::from([(Locale::En.code().to_string(), en.to_string())]);
    if !es.is_empty() {
        t.insert(Locale::Es.code().to_string(), es.to_string());
    }
    serde_json::to_string(&t).unwrap_or_default()
}

fn text_in(json: &str, locale: Locale) -> String {
    let t: Texts = serde_json::from_str(json).unwrap_or_default();
    t.get(locale.code())
        .or_else(|| t.get(Locale::En.code()))
        .cloned()
        .unwrap_or_default()
}

fn groups_of(d: &download::Model) -> Vec<i64> {
    serde_json::from_str(&d.group_ids).unwrap_or_default()
}

/// Whether a client of `group` sees the entry.
fn visible(d: &download::Model, group: Option<i64>) -> bool {
    let groups = groups_of(d);
    d.active && (groups.is_empty() || group.is_some_and(|g| groups.contains(&g)))
}

fn ordered() -> sea_orm::Select<download::Entity> {
    download::Entity::find()
        .order_by_asc(download::Column::Category)
        .order_by_asc(download::Column::Position)
        .order_by_asc(download::Column::Id)
}

/// Every entry, as staff manage them.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<DownloadRow>, AppError> {
    let rows = ordered().all(db).await?;
    let files = uploads::dtos(db, rows.iter().filter_map(|d| d.upload_id).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|d| DownloadRow {
            file: d
                .upload_id
                .and_then(|u| files.iter().find(|f| f.id == u).cloned()),
            group_ids: groups_of(&d),
            title_en: text_in(&d.titles, Locale::En),
            title_es: texts_get(&d.titles, Locale::Es),
            description_en: text_in(&d.descriptions, Locale::En),
            description_es: texts_get(&d.descriptions, Locale::Es),
            id: d.id,
            category: d.category,
            os: d.os,
            url: d.url,
            position: d.position,
            active: d.active,
            downloads: d.download_count,
        })
        .collect())
}

/// The text written in exactly `locale` (empty when there is none).
fn texts_get(json: &str, locale: Locale) -> String {
    let t: Texts = serde_json::from_str(json).unwrap_or_default();
    t.get(locale.code()).cloned().unwrap_or_default()
}

fn link(raw: &str) -> Result<String, &'static str> {
    let u = raw.trim();
    if u.len() > URL_MAX
        || !(u.starts_with("https://") || u.starts_with("http://"))
        || u.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        Err("err.url_invalid")
    } else {
        Ok(u.to_string())
    }
}

fn optional(
    raw: &str,
    check: impl Fn(&str) -> Result<String, &'static str>,
) -> Result<String, &'static str> {
    if raw.trim().is_empty() {
        Ok(String::new())
    } else {
        check(raw)
    }
}

/// Publishes a new entry (`id` 0) or changes one. It is a file or a link, never both.
pub async fn save(
    db: &DatabaseConnection,
    staff: i64,
    f: DownloadForm,
    from: &Origin,
) -> Result<i64, AppError> {
    let mut e = Errors::default();
    let category = e.check(
        "category",
        DownloadCategory::parse(&f.category).ok_or("err.category_unknown"),
    );
    let os = e.check("os", Os::parse(&f.os).ok_or("err.os_unknown"));
    let title_en = e.check("title_en", v::name(&f.title_en));
    let title_es = e.check("title_es", optional(&f.title_es, v::name));
    let description_en = e.check(
        "description_en",
        optional(&f.description_en, |t| v::text(t, DESCRIPTION_MAX)),
    );
    let description_es = e.check(
        "description_es",
        optional(&f.description_es, |t| v::text(t, DESCRIPTION_MAX)),
    );
    let url = match (f.upload_id, f.url.trim().is_empty()) {
        (0, true) | (1.., false) | (..0, _) => {
            e.add("url", "err.download_target");
            None
        }
        (0, false) => e.check("url", link(&f.url)),
        _ => Some(String::new()),
    };
    if !(0..=POSITION_MAX).contains(&f.position) {
        e.add("position", "err.setting_range");
    }
    let (category, os, title_en, title_es, description_en, description_es, url) = e.values((
        category,
        os,
        title_en,
        title_es,
        description_en,
        description_es,
        url,
    ))?;
    let mut groups = f.group_ids.clone();
    groups.sort_unstable();
    groups.dedup();
    let known = client_group::Entity::find()
        .filter(client_group::Column::Id.is_in(groups.clone()))
        .count(db)
        .await?;
    if known as usize != groups.len() {
        return Err(AppError::field("group_ids", "err.group_unknown"));
    }
    let file = match f.upload_id {
        0 => None,
        id => Some(
            upload::Entity::find_by_id(id)
                .filter(upload::Column::Purpose.eq("download"))
                .one(db)
                .await?
                .ok_or_else(|| AppError::field("upload_id", "err.upload_unknown"))?
                .id,
        ),
    };
    let now = Utc::now();
    let txn = db.write().await?;
    let mut am = match f.id {
        0 => download::ActiveModel {
            download_count: Set(0),
            created_at: Set(now),
            ..Default::default()
        },
        id => download::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?
            .into_active_model(),
    };
    am.category = Set(category);
    am.os = Set(os);
    am.titles = Set(texts(&title_en, &title_es));
    am.descriptions = Set(texts(&description_en, &description_es));
    am.url = Set(url);
    am.upload_id = Set(file);
    am.position = Set(f.position);
    am.group_ids = Set(serde_json::to_string(&groups).unwrap_or_else(|_| "[]".into()));
    am.active = Set(f.active);
    am.updated_at = Set(now);
    let saved = am.save(&txn).await?;
    let id = saved.id.unwrap();
    audit::record(
        &txn,
        Some(staff),
        if f.id == 0 {
            "download.create"
        } else {
            "download.update"
        },
        "download",
        Some(id),
        serde_json::json!({"title": title_en, "groups": groups, "active": f.active}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Takes an entry out of the centre for good (its count with it).
pub async fn remove(
    db: &DatabaseConnection,
    staff: i64,
    id: i64,
    from: &Origin,
) -> Result<(), AppError> {
    let txn = db.write().await?;
    let gone = download::Entity::delete_by_id(id).exec(&txn).await?;
    if gone.rows_affected != 1 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &txn,
        Some(staff),
        "download.delete",
        "download",
        Some(id),
        serde_json::json!({}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

async fn group_of(
    db: &impl ConnectionTrait,
    client: i64,
) -> Result<(Option<i64>, Locale), AppError> {
    let u = user::Entity::find_by_id(client)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((u.group_id, Locale::from_code(&u.locale)))
}

/// What the client's group sees, in the client's language, by category and order.
pub async fn for_client(
    db: &impl ConnectionTrait,
    client: i64,
) -> Result<Vec<DownloadItem>, AppError> {
    let (group, locale) = group_of(db, client).await?;
    Ok(ordered()
        .filter(download::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .filter(|d| visible(d, group))
        .map(|d| DownloadItem {
            title: text_in(&d.titles, locale),
            description: text_in(&d.descriptions, locale),
            is_file: d.upload_id.is_some(),
            href: format!("/downloads/{}", d.id),
            id: d.id,
            category: d.category,
            os: d.os,
        })
        .collect())
}

/// Where `/downloads/{id}` sends its caller.
pub enum Target {
    Link(String),
    File(upload::Model, PathBuf),
}

/// The entry a client downloads, counted; one their group does not see is "not found". Staff
/// (`staff`: may manage the centre) open any entry without counting it.
pub async fn fetch(
    db: &DatabaseConnection,
    dir: &Path,
    viewer: i64,
    staff: bool,
    id: i64,
) -> Result<Target, AppError> {
    let d = download::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if !staff {
        let (group, _) = group_of(db, viewer).await?;
        if !visible(&d, group) {
            return Err(AppError::NotFound);
        }
        download::Entity::update_many()
            .col_expr(
                download::Column::DownloadCount,
                Expr::col(download::Column::DownloadCount).add(1),
            )
            .filter(download::Column::Id.eq(id))
            .exec(db)
            .await?;
    }
    match d.upload_id {
        None => Ok(Target::Link(d.url)),
        Some(u) => {
            let file = upload::Entity::find_by_id(u)
                .one(db)
                .await?
                .ok_or(AppError::NotFound)?;
            let path = dir.join(&file.stored_name);
            Ok(Target::File(file, path))
        }
    }
}
