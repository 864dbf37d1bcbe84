//! KYC: the client's status and forms, submission with documents, and file uploads.
use crate::error::AppError;
use crate::model::{KycOverview, RequestRow, UploadDto};
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};
use std::collections::BTreeMap;

#[server(endpoint = "kyc/overview")]
pub async fn get_kyc_overview() -> Result<KycOverview, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{identity::kyc, state};
    ctx::serve(Access::Client, |me| async move {
        kyc::overview(&state()?.db, me.user_id).await
    })
    .await
}

/// Submits (or resubmits) a KYC form: its field values and the ids of uploaded documents,
/// keyed by the form's document keys.
#[server(endpoint = "kyc/submit")]
pub async fn submit_kyc(
    idempotency_key: String,
    form_id: i64,
    #[server(default)] fields: BTreeMap<String, String>,
    #[server(default)] documents: BTreeMap<String, i64>,
) -> Result<RequestRow, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{identity::kyc, state};
    ctx::serve(Access::Client, |me| async move {
        let input = kyc::KycInput {
            idempotency_key,
            form_id,
            fields,
            documents,
        };
        kyc::submit(&state()?.db, me.user_id, input, &ctx::origin()).await
    })
    .await
}

/// Uploads one file (multipart fields `purpose` and `file`). PDF, PNG and JPEG up to 5 MiB,
/// recognised by their content rather than their name.
#[server(endpoint = "files/upload", input = MultipartFormData)]
pub async fn upload_file(data: MultipartData) -> Result<UploadDto, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::error::OrInternal;
    use crate::server::{infra::uploads, state};
    ctx::serve(Access::Client, |me| async move {
        let st = state()?;
        let multipart = data
            .into_inner()
            .or_internal("the multipart body was already taken")?;
        uploads::receive(
            &st.db,
            &st.config.upload_dir,
            (me.user_id, uploads::CLIENT_PURPOSES),
            multipart,
        )
        .await
    })
    .await
}
