//! The firm's notices: staff write and send them; a client's pop-up shows the newest unread.
use crate::api::area_fn;
use crate::error::AppError;
use crate::model::{ListQuery, NoticeChoices, NoticeForm, NoticeRow, Page, Popup};
use leptos::prelude::*;

area_fn!(notices, "messages/notices", (query: ListQuery) -> Page<NoticeRow>,
    Access::Staff(Permission::NoticesManage),
    |_me, st, _from| crate::server::messages::notices::list(&st.db, &query, true));

area_fn!(
    /// Client groups and the coupons a notice may carry.
    notice_options, "messages/notices/choices", () -> NoticeChoices,
    Access::Staff(Permission::NoticesManage),
    |_me, st, _from| crate::server::messages::notices::choices(&st.db));

area_fn!(
    /// Writes a notice and sends it now, or at its time.
    send_notice, "messages/notices/send", (form: NoticeForm) -> NoticeRow,
    Access::Staff(Permission::NoticesManage),
    |me, st, from| crate::server::messages::notices::send(&st.db, me.user_id, form, &from));

area_fn!(
    /// The newest firm notice the caller has not read, for the pop-up.
    my_popup, "messages/popup", () -> Option<Popup>, Access::Client,
    |me, st, _from| crate::server::messages::notices::popup(&st.db, me.user_id));

area_fn!(
    /// Closes the pop-up: its notification is read.
    close_popup, "messages/popup/close", (id: i64) -> (), Access::Client,
    |me, st, _from| crate::server::messages::notices::seen(&st.db, me.user_id, id));
