//! Files people upload: clients' KYC documents, deposit receipts and ticket attachments, and
//! staff's files for the download centre. They are stored on disk under a random name, outside
//! the database and outside the public site; the type is decided by the content, not by the
//! name or the browser's claim; they are served only to their owner and to staff who may see
//! them (a download-centre file, through the download centre).
use crate::error::AppError;
use crate::error::OrInternal;
use crate::model::UploadDto;
use crate::server::entity::upload;
use crate::server::infra::crypto;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use std::path::{Path, PathBuf};

/// The largest file accepted.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// What a client may upload a file for.
pub const CLIENT_PURPOSES: &[&str] = &["kyc", "receipt", "ticket"];
/// Every purpose: a client's, and staff's files for the download centre.
const PURPOSES: &[&str] = &["kyc", "receipt", "ticket", "download"];
/// What requests (KYC, deposits) take; a ticket's file is not one of them.
const REQUEST_PURPOSES: &[&str] = &["kyc", "receipt"];

/// The content types accepted, recognised by their first bytes.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n']) {
        Some("image/png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else {
        None
    }
}

fn dto(u: upload::Model) -> UploadDto {
    UploadDto {
        url: format!("/files/{}", u.id),
        id: u.id,
        purpose: u.purpose,
        file_name: u.file_name,
        content_type: u.content_type,
        size: u.size,
    }
}

/// A file name safe to show and to put in a header: no paths, no control characters.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(100)
        .collect();
    if cleaned.trim().is_empty() {
        "file".into()
    } else {
        cleaned
    }
}

/// Stores one uploaded file after checking its size and type.
pub async fn store(
    db: &impl ConnectionTrait,
    dir: &Path,
    user_id: i64,
    purpose: &str,
    file_name: &str,
    bytes: &[u8],
) -> Result<UploadDto, AppError> {
    if !PURPOSES.contains(&purpose) {
        return Err(AppError::field("purpose", "err.purpose_unknown"));
    }
    if bytes.is_empty() {
        return Err(AppError::field("file", "err.file_empty"));
    }
    if bytes.len() > MAX_BYTES {
        return Err(AppError::field("file", "err.file_too_big"));
    }
    let content_type = sniff(bytes).ok_or_else(|| AppError::field("file", "err.file_type"))?;
    let stored_name = crypto::random_token();
    tokio::fs::create_dir_all(dir).await.map_err(|e| {
        AppError::internal(format_args!(
            "creating the upload folder {}: {e}",
            dir.display()
        ))
    })?;
    tokio::fs::write(dir.join(&stored_name), bytes)
        .await
        .or_internal("writing an upload")?;
    let row = upload::ActiveModel {
        user_id: Set(user_id),
        request_id: Set(None),
        purpose: Set(purpose.into()),
        file_name: Set(clean_name(file_name)),
        content_type: Set(content_type.into()),
        size: Set(bytes.len() as i64),
        stored_name: Set(stored_name),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(dto(row))
}

/// Reads a multipart upload (fields `purpose`, one of `purposes`, and `file`), stopping as
/// soon as the file is bigger than allowed rather than buffering whatever was sent.
pub async fn receive(
    db: &impl ConnectionTrait,
    dir: &Path,
    (user_id, purposes): (i64, &[&str]),
    mut form: multer::Multipart<'static>,
) -> Result<UploadDto, AppError> {
    let bad = |_| AppError::field("file", "err.file_unreadable");
    let mut purpose = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(mut field) = form.next_field().await.map_err(bad)? {
        match field.name() {
            Some("purpose") => {
                purpose = field.text().await.map_err(bad)?.chars().take(20).collect()
            }
            Some("file") => {
                let name = field.file_name().unwrap_or("file").to_string();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    if bytes.len() + chunk.len() > MAX_BYTES {
                        return Err(AppError::field("file", "err.file_too_big"));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    if !purposes.contains(&purpose.as_str()) {
        return Err(AppError::field("purpose", "err.purpose_unknown"));
    }
    let (name, bytes) = file.ok_or_else(|| AppError::field("file", "err.required"))?;
    store(db, dir, user_id, &purpose, &name, &bytes).await
}

/// Attaches the client's own unattached upload to a request.
pub async fn attach(
    db: &impl ConnectionTrait,
    user_id: i64,
    upload_id: i64,
    request_id: i64,
) -> Result<(), AppError> {
    let r = upload::Entity::update_many()
        .col_expr(upload::Column::RequestId, Expr::value(Some(request_id)))
        .filter(upload::Column::Id.eq(upload_id))
        .filter(upload::Column::UserId.eq(user_id))
        .filter(upload::Column::RequestId.is_null())
        .filter(upload::Column::Purpose.is_in(REQUEST_PURPOSES.iter().copied()))
        .exec(db)
        .await?;
    if r.rows_affected != 1 {
        return Err(AppError::field("upload_id", "err.upload_unknown"));
    }
    Ok(())
}

/// The user's own uploads `ids` of `purpose` (each once), or an error naming `field` when one
/// is not theirs, not of that purpose, or attached to a request.
pub async fn own(
    db: &impl ConnectionTrait,
    user_id: i64,
    ids: &[i64],
    purpose: &str,
    field: &str,
) -> Result<Vec<upload::Model>, AppError> {
    let mut wanted = ids.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let found = upload::Entity::find()
        .filter(upload::Column::Id.is_in(wanted.clone()))
        .filter(upload::Column::UserId.eq(user_id))
        .filter(upload::Column::Purpose.eq(purpose))
        .filter(upload::Column::RequestId.is_null())
        .order_by_asc(upload::Column::Id)
        .all(db)
        .await?;
    if found.len() != wanted.len() || wanted.len() != ids.len() {
        return Err(AppError::field(field, "err.upload_unknown"));
    }
    Ok(found)
}

/// The uploads `ids` as the pages show them, in id order.
pub async fn dtos(db: &impl ConnectionTrait, ids: Vec<i64>) -> Result<Vec<UploadDto>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(upload::Entity::find()
        .filter(upload::Column::Id.is_in(ids))
        .order_by_asc(upload::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(dto)
        .collect())
}

pub async fn for_request(
    db: &impl ConnectionTrait,
    request_id: i64,
) -> Result<Vec<UploadDto>, AppError> {
    Ok(upload::Entity::find()
        .filter(upload::Column::RequestId.eq(request_id))
        .order_by_asc(upload::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(dto)
        .collect())
}

/// The file behind `/files/{id}` if `viewer` may see it: its owner, or staff (`is_staff`,
/// already checked for the requests permission).
pub async fn open(
    db: &impl ConnectionTrait,
    dir: &Path,
    id: i64,
    viewer: i64,
    is_staff: bool,
) -> Result<(upload::Model, PathBuf), AppError> {
    let u = upload::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|u| is_staff || u.user_id == viewer)
        .ok_or(AppError::NotFound)?;
    let path = dir.join(&u.stored_name);
    Ok((u, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_content_and_names_are_cleaned() {
        assert_eq!(sniff(b"%PDF-1.7 ..."), Some("application/pdf"));
        assert_eq!(sniff(&[0xff, 0xd8, 0xff, 0xe0]), Some("image/jpeg"));
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b"MZ\x90\x00"), None);
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\x\\id \"card\".pdf"), "id card.pdf");
        assert_eq!(clean_name(""), "file");
    }
}
