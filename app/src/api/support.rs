//! Support: the client's tickets, staff's queue and replies, response times, and the download
//! centre on both sides. Staff calls are limited to the caller's data scope.
use crate::api::area_fn;
use crate::error::AppError;
use crate::model::{
    DownloadForm, DownloadItem, DownloadRow, GroupDto, ListQuery, NewTicket, Page, ResponseStat,
    TicketCounts, TicketDetail, TicketReply, TicketRow, TicketUpdate, UploadDto,
};
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

#[cfg(feature = "ssr")]
use crate::server::identity::scope::Scope;
#[cfg(feature = "ssr")]
use crate::server::support::{downloads, stats, tickets};

area_fn!(
    /// Opens a ticket; answers its id.
    open_ticket, "support/tickets/open", (ticket: NewTicket) -> i64, Access::Client,
    |me, st, from| tickets::open(&st.db, me.user_id, ticket, &from));

area_fn!(my_tickets, "support/tickets/mine", (query: ListQuery) -> Page<TicketRow>, Access::Client,
    |me, st, _from| tickets::mine(&st.db, me.user_id, &query));

area_fn!(
    /// The caller's own ticket, without staff's internal notes.
    my_ticket, "support/tickets/one", (id: i64) -> TicketDetail, Access::Client,
    |me, st, _from| tickets::for_client(&st.db, me.user_id, id));

area_fn!(reply_my_ticket, "support/tickets/reply", (reply: TicketReply) -> (), Access::Client,
    |me, st, _from| tickets::client_reply(&st.db, me.user_id, reply));

area_fn!(close_my_ticket, "support/tickets/close", (id: i64) -> (), Access::Client,
    |me, st, _from| tickets::client_close(&st.db, me.user_id, id));

area_fn!(
/// Staff's queue (`filter`: a status, `active`, `mine` or `unassigned`).
ticket_queue, "support/queue", (query: ListQuery) -> Page<TicketRow>,
Access::Staff(Permission::TicketsView),
|me, st, _from| async move {
    let scope = Scope::of(&st.db, &me).await?;
    tickets::queue(&st.db, &me, &scope, &query, true).await
});

area_fn!(queue_counts, "support/queue/counts", () -> TicketCounts,
    Access::Staff(Permission::TicketsView),
    |me, st, _from| async move { tickets::counts(&st.db, &Scope::of(&st.db, &me).await?).await });

area_fn!(
/// A ticket with every message and internal note.
staff_ticket, "support/ticket", (id: i64) -> TicketDetail, Access::Staff(Permission::TicketsView),
|me, st, _from| async move {
    let scope = Scope::of(&st.db, &me).await?;
    tickets::for_staff(&st.db, &me, &scope, id).await
});

area_fn!(
/// A reply to the client (emailed to them) or an internal note.
answer_ticket, "support/ticket/reply", (reply: TicketReply) -> (),
Access::Staff(Permission::TicketsManage),
|me, st, from| async move {
    let scope = Scope::of(&st.db, &me).await?;
    tickets::staff_reply(&st.db, &scope, me.user_id, reply, &from).await
});

area_fn!(
/// Who has the ticket, its priority and status.
update_ticket, "support/ticket/update", (update: TicketUpdate) -> (),
Access::Staff(Permission::TicketsManage),
|me, st, from| async move {
    let scope = Scope::of(&st.db, &me).await?;
    tickets::update(&st.db, &scope, me.user_id, update, &from).await
});

area_fn!(
/// First-response times and replies per staff member over tickets opened `from`..`to`.
ticket_response_times, "support/response-times", (query: ListQuery) -> Vec<ResponseStat>,
Access::Staff(Permission::TicketsView),
|me, st, _from| async move {
    let scope = Scope::of(&st.db, &me).await?;
    stats::response_times(&st.db, &scope, &query).await
});

area_fn!(download_entries, "support/downloads", () -> Vec<DownloadRow>,
    Access::Staff(Permission::DownloadsManage),
    |_me, st, _from| downloads::list(&st.db));

area_fn!(
    /// Publishes or changes an entry of the download centre; answers its id.
    save_download, "support/downloads/save", (form: DownloadForm) -> i64,
    Access::Staff(Permission::DownloadsManage),
    |me, st, from| downloads::save(&st.db, me.user_id, form, &from));

area_fn!(
    /// The client groups an entry may be shown to.
    download_groups, "support/downloads/groups", () -> Vec<GroupDto>,
    Access::Staff(Permission::DownloadsManage),
    |_me, st, _from| settings::groups(&st.db));

area_fn!(remove_download, "support/downloads/remove", (id: i64) -> (),
    Access::Staff(Permission::DownloadsManage),
    |me, st, from| downloads::remove(&st.db, me.user_id, id, &from));

area_fn!(
    /// The download centre as the caller's client group sees it.
    my_downloads, "support/downloads/mine", () -> Vec<DownloadItem>, Access::Client,
    |me, st, _from| downloads::for_client(&st.db, me.user_id));

/// Uploads a file for the download centre (multipart fields `purpose` = `download` and `file`;
/// PDF, PNG or JPEG up to 5 MiB).
#[server(endpoint = "support/downloads/upload", input = MultipartFormData)]
pub async fn upload_download_file(data: MultipartData) -> Result<UploadDto, AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, permission::Permission};
    use crate::error::OrInternal;
    use crate::server::{infra::uploads, state};
    ctx::serve(
        Access::Staff(Permission::DownloadsManage),
        |me| async move {
            let st = state()?;
            let multipart = data
                .into_inner()
                .or_internal("the multipart body was already taken")?;
            uploads::receive(
                &st.db,
                &st.config.upload_dir,
                (me.user_id, &["download"]),
                multipart,
            )
            .await
        },
    )
    .await
}
