//! Trading servers: the list with each server's health, registering and editing one, and the
//! choices the challenge editor offers a stage.
use crate::api::area_fn;
use crate::error::AppError;
use crate::model::{ServerForm, ServerRow, ServerSaved};
use leptos::prelude::*;

area_fn!(trading_servers, "admin/servers", () -> Vec<ServerRow>,
    Access::Staff(Permission::PlatformManage),
    |_me, st, _from| trading::servers::list(&st.db, chrono::Utc::now()));

area_fn!(
    /// The servers a challenge's stages may name (the editor marks those that can't serve one).
    server_choices, "admin/servers/choices", () -> Vec<ServerRow>,
    Access::Staff(Permission::ChallengesManage),
    |_me, st, _from| trading::servers::list(&st.db, chrono::Utc::now()));

area_fn!(
    /// Registers a bridge server (`id` 0; its secret comes back this once) or edits a server.
    save_server, "admin/servers/save", (form: ServerForm) -> ServerSaved,
    Access::Staff(Permission::PlatformManage),
    |me, st, from| trading::servers::save(&st.db, me.user_id, form, &from));
