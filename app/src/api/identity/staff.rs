//! Staff users, their roles, and the audit log of what they did.
use crate::error::AppError;
use crate::model::{AuditRow, ListQuery, Page, RoleDto, StaffChoice, StaffRow};
use leptos::prelude::*;

#[server(endpoint = "admin/staff")]
pub async fn list_staff(query: ListQuery) -> Result<Page<StaffRow>, AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, permission::Permission};
    use crate::server::{identity::staff, state};
    ctx::serve(Access::Staff(Permission::StaffView), |_| async move {
        staff::list(&state()?.db, &query, true).await
    })
    .await
}

/// The active staff members by name, for the pickers of any staff screen.
#[server(endpoint = "admin/staff/choices")]
pub async fn staff_choices() -> Result<Vec<StaffChoice>, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::server::{identity::staff, state};
    ctx::serve(Access::AnyStaff, |_| async move {
        staff::choices(&state()?.db).await
    })
    .await
}

#[server(endpoint = "admin/staff/create")]
pub async fn create_staff(
    email: String,
    first_name: String,
    last_name: String,
    role_id: i64,
    password: String,
    #[server(default)] supervisor_id: i64,
) -> Result<StaffRow, AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, permission::Permission};
    use crate::server::{identity::staff, state};
    ctx::serve(Access::Staff(Permission::StaffManage), |me| async move {
        let st = state()?;
        let input = staff::StaffInput {
            email,
            first_name,
            last_name,
            role_id,
            supervisor_id: (supervisor_id != 0).then_some(supervisor_id),
        };
        let row = staff::create(
            &st.db,
            &st.config,
            me.user_id,
            input,
            &password,
            &ctx::origin(),
        )
        .await?;
        st.mail_wake.notify_one();
        Ok(row)
    })
    .await
}

#[server(endpoint = "admin/staff/update")]
pub async fn update_staff(
    id: i64,
    email: String,
    first_name: String,
    last_name: String,
    role_id: i64,
    #[server(default)] supervisor_id: i64,
) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, permission::Permission};
    use crate::server::{identity::staff, state};
    ctx::serve(Access::Staff(Permission::StaffManage), |me| async move {
        let input = staff::StaffInput {
            email,
            first_name,
            last_name,
            role_id,
            supervisor_id: (supervisor_id != 0).then_some(supervisor_id),
        };
        staff::update(&state()?.db, me.user_id, id, input, &ctx::origin()).await
    })
    .await
}

#[server(endpoint = "admin/staff/set-disabled")]
pub async fn set_staff_disabled(id: i64, disabled: bool) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, permission::Permission};
    use crate::server::{identity::staff, state};
    ctx::serve(Access::Staff(Permission::StaffManage), |me| async move {
        staff::set_disabled(&state()?.db, me.user_id, id, disabled, &ctx::origin()).await
    })
    .await
}

/// Ends the user's sessions, clears their authenticator and emails a new-password link.
#[server(endpoint = "admin/staff/reset")]
pub async fn reset_staff(id: i64) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, permission::Permission};
    use crate::server::{identity::staff, state};
    ctx::serve(Access::Staff(Permission::StaffManage), |me| async move {
        let st = state()?;
        staff::reset_access(&st.db, &st.config, me.user_id, id, &ctx::origin()).await?;
        st.mail_wake.notify_one();
        Ok(())
    })
    .await
}

#[server(endpoint = "admin/roles")]
pub async fn list_roles() -> Result<Vec<RoleDto>, AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, permission::Permission};
    use crate::server::{identity::staff, state};
    ctx::serve(Access::Staff(Permission::StaffView), |_| async move {
        staff::roles(&state()?.db).await
    })
    .await
}

/// Creates (`id` absent) or updates a role.
#[server(endpoint = "admin/roles/save")]
pub async fn save_role(
    id: Option<i64>,
    name: String,
    description: String,
    permissions: Vec<String>,
    #[server(default)] data_scope: String,
) -> Result<i64, AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, permission::Permission};
    use crate::server::{identity::staff, state};
    ctx::serve(Access::Staff(Permission::RolesManage), |me| async move {
        let input = staff::RoleInput {
            name: &name,
            description: &description,
            permissions: &permissions,
            data_scope: &data_scope,
        };
        staff::save_role(&state()?.db, me.user_id, id, input, &ctx::origin()).await
    })
    .await
}

#[server(endpoint = "admin/roles/delete")]
pub async fn delete_role(id: i64) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, permission::Permission};
    use crate::server::{identity::staff, state};
    ctx::serve(Access::Staff(Permission::RolesManage), |me| async move {
        staff::delete_role(&state()?.db, me.user_id, id, &ctx::origin()).await
    })
    .await
}

#[server(endpoint = "admin/audit")]
pub async fn list_audit(query: ListQuery) -> Result<Page<AuditRow>, AppError> {
    use crate::api::ctx;
    use crate::domain::{access::Access, permission::Permission};
    use crate::server::{infra::audit, state};
    ctx::serve(Access::Staff(Permission::AuditView), |me| async move {
        let db = &state()?.db;
        let clients = crate::server::identity::scope::Scope::of(db, &me)
            .await?
            .clients();
        audit::list(db, me.user_id, clients, &query, true).await
    })
    .await
}
