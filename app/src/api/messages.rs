//! The firm's notices: staff write and send them; a client's pop-up shows the newest unread.
use crate::api::area_fn;
use crate::error::AppError;
use crate::model::{
    ListQuery, MailPreview, MailRow, NoticeChoices, NoticeForm, NoticeRow, Page, Popup,
    TemplateRow, TemplateText,
};
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

area_fn!(
    /// Every email template, with the languages the firm reworded.
    mail_templates, "messages/templates", () -> Vec<TemplateRow>,
    Access::Staff(Permission::NoticesManage),
    |_me, st, _from| crate::server::messages::templates::list(&st.db));

area_fn!(
    /// A template's wording in one language.
    mail_template, "messages/template", (key: String, locale: String) -> TemplateText,
    Access::Staff(Permission::NoticesManage),
    |_me, st, _from| crate::server::messages::templates::get(&st.db, &key, &locale));

area_fn!(
    /// Saves the firm's wording; an unknown placeholder or unbalanced markup is refused.
    save_mail_template, "messages/templates/save", (text: TemplateText) -> TemplateText,
    Access::Staff(Permission::NoticesManage),
    |me, st, from| crate::server::messages::templates::save(&st.db, me.user_id, text, &from));

area_fn!(
    /// Goes back to the built-in wording.
    reset_mail_template, "messages/templates/reset", (key: String, locale: String) -> TemplateText,
    Access::Staff(Permission::NoticesManage),
    |me, st, from| crate::server::messages::templates::reset(&st.db, me.user_id, &key, &locale, &from));

area_fn!(
    /// The wording being edited, filled with sample values.
    preview_mail_template, "messages/templates/preview", (text: TemplateText) -> MailPreview,
    Access::Staff(Permission::NoticesManage),
    |_me, _st, _from| async move { crate::server::messages::templates::preview(&text) });

area_fn!(
    /// Sends the wording being edited, with sample values, to the caller; answers the address.
    test_mail_template, "messages/templates/test", (text: TemplateText) -> String,
    Access::Staff(Permission::NoticesManage),
    |me, st, _from| crate::server::messages::templates::test_send(&st.db, me.user_id, &text));

area_fn!(
/// The outbox's sent/failed log.
mail_log, "messages/outbox", (query: ListQuery) -> Page<MailRow>,
Access::Staff(Permission::NoticesManage),
|me, st, _from| async move {
    let scope = identity::scope::Scope::of(&st.db, &me).await?;
    crate::server::messages::templates::outbox(&st.db, &scope, &query, true).await
});
