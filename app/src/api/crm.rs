//! CRM operations: the client's page and its tabs, and what staff do to clients one at a time
//! or in bulk. Every call is limited to the caller's data scope.
use crate::api::area_fn;
use crate::domain::crm::{AssignmentRule, ProfilePolicy};
use crate::error::AppError;
use crate::model::{
    ClientEdit, ClientHome, ClientRecord, GroupDto, LeadForm, LeadRow, ListQuery, MethodDto,
    NoteDto, Page, ParticipantRow, ProfileEdit, ProfileOutcome, RequestRow, TaskForm, TaskRow,
};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::identity::scope::Scope;

area_fn!(
/// The client's page: details, owner, tags, notes, sign-ins and the audit records about them.
get_client_record, "crm/client", (id: i64) -> ClientRecord, Access::Staff(Permission::ClientsView),
|me, st, _from| async move {
    let masked = !me.permissions.contains(Permission::ClientsContact);
    crate::server::crm::clients::page(&st.db, &Scope::of(&st.db, &me).await?, id, masked).await
});

area_fn!(
/// Edits a client's details (each change is in the audit log, before and after).
edit_client, "crm/client/edit", (id: i64, edit: ClientEdit) -> (), Access::Staff(Permission::ClientsManage),
|me, st, from| async move {
    let scope = Scope::of(&st.db, &me).await?;
    crate::server::crm::clients::edit(&st.db, &scope, me.user_id, id, edit, &from).await
});

area_fn!(
/// Suspends (with a reason; their sessions end) or reactivates a client.
suspend_client, "crm/client/suspend", (id: i64, suspended: bool, #[server(default)] reason: String) -> (),
Access::Staff(Permission::ClientsManage),
|me, st, from| async move {
    let scope = Scope::of(&st.db, &me).await?;
    crate::server::crm::clients::set_suspended(&st.db, &scope, me.user_id, id, suspended, &reason, &from).await
});

area_fn!(
/// Emails the client a link to choose a new password.
reset_client_password, "crm/client/reset-password", (id: i64) -> (), Access::Staff(Permission::ClientsManage),
|me, st, from| async move {
    let scope = Scope::of(&st.db, &me).await?;
    crate::server::crm::clients::reset_password(&st.db, &st.config, &scope, me.user_id, id, &from).await?;
    st.mail_wake.notify_one();
    Ok(())
});

area_fn!(
add_client_note, "crm/client/note", (id: i64, body: String) -> NoteDto, Access::Staff(Permission::ClientsManage),
|me, st, _from| async move {
    let scope = Scope::of(&st.db, &me).await?;
    crate::server::crm::notes::add(&st.db, &scope, me.user_id, id, &body).await
});

area_fn!(
/// Gives clients an owner (0: nobody); one client or a bulk selection.
assign_owner, "crm/clients/owner", (#[server(default)] ids: Vec<i64>, owner_id: i64) -> u64, Access::Staff(Permission::ClientsManage),
|me, st, from| async move {
    let scope = Scope::of(&st.db, &me).await?;
    crate::server::crm::owners::assign(&st.db, &scope, me.user_id, &ids, (owner_id != 0).then_some(owner_id), &from).await
});

area_fn!(
/// Moves clients into a client group.
move_clients_group, "crm/clients/group", (#[server(default)] ids: Vec<i64>, group_id: i64) -> u64, Access::Staff(Permission::ClientsManage),
|me, st, from| async move {
    let scope = Scope::of(&st.db, &me).await?;
    crate::server::crm::owners::move_group(&st.db, &scope, me.user_id, &ids, group_id, &from).await
});

area_fn!(
/// Adds (`on`) or removes a custom tag on clients.
tag_clients, "crm/clients/tag", (#[server(default)] ids: Vec<i64>, tag: String, on: bool) -> (), Access::Staff(Permission::ClientsManage),
|me, st, from| async move {
    let scope = Scope::of(&st.db, &me).await?;
    crate::server::crm::tags::set(&st.db, &scope, me.user_id, &ids, &tag, on, &from).await
});

area_fn!(
    /// The client groups a client may be moved into.
    client_groups, "crm/groups", () -> Vec<GroupDto>, Access::Staff(Permission::ClientsManage),
    |_me, st, _from| settings::groups(&st.db));

area_fn!(
/// The client's requests (deposits, withdrawals, KYC and the rest), newest first.
client_requests, "crm/client/requests", (id: i64, query: ListQuery) -> Page<RequestRow>,
Access::Staff(Permission::RequestsView),
|me, st, _from| async move {
    crate::server::crm::clients::in_scope(&st.db, &Scope::of(&st.db, &me).await?, id).await?;
    crate::server::approvals::list_for_client(&st.db, id, &query, true).await
});

area_fn!(
/// The client's challenges, newest first.
client_challenges, "crm/client/challenges", (id: i64) -> Vec<ParticipantRow>,
Access::Staff(Permission::ParticipantsView),
|me, st, _from| async move {
    crate::server::crm::clients::in_scope(&st.db, &Scope::of(&st.db, &me).await?, id).await?;
    prop::participants::mine(&st.db, id).await
});

area_fn!(
/// The deposit methods open to the client, for a deposit made on their behalf.
client_deposit_methods, "crm/client/deposit-methods", (id: i64) -> Vec<MethodDto>,
Access::Staff(Permission::ClientsManage),
|me, st, _from| async move {
    crate::server::crm::clients::in_scope(&st.db, &Scope::of(&st.db, &me).await?, id).await?;
    Ok(crate::server::money::funds::overview(&st.db, id).await?.deposit_methods)
});

area_fn!(
/// A deposit request made on the client's behalf (a bank transfer staff received, say); it
/// goes through approval like the client's own.
deposit_for_client, "crm/client/deposit",
(id: i64, idempotency_key: String, method_id: i64, amount: String, #[server(default)] reference: String) -> RequestRow,
Access::Staff(Permission::ClientsManage),
|me, st, from| async move {
    crate::server::crm::clients::in_scope(&st.db, &Scope::of(&st.db, &me).await?, id).await?;
    let input = crate::server::money::funds::DepositInput {
        idempotency_key,
        method_id,
        amount,
        reference,
        upload_id: None,
    };
    crate::server::money::funds::deposit_by(&st.db, id, me.user_id, input, &from).await
});

area_fn!(
/// Leads in the caller's scope: `query.filter` is a status.
list_leads, "crm/leads", (query: ListQuery) -> Page<LeadRow>, Access::Staff(Permission::ClientsView),
|me, st, _from| async move {
    crate::server::crm::leads::list(&st.db, &Scope::of(&st.db, &me).await?, &query, true).await
});

area_fn!(
/// Creates (`form.id` 0) or edits a lead.
save_lead, "crm/leads/save", (form: LeadForm) -> i64, Access::Staff(Permission::ClientsManage),
|me, st, from| async move {
    let scope = Scope::of(&st.db, &me).await?;
    crate::server::crm::leads::save(&st.db, &scope, me.user_id, form, &from).await
});

area_fn!(
/// Tasks in the caller's scope: `query.filter` is mine, open, overdue, today or done.
list_tasks, "crm/tasks", (query: ListQuery) -> Page<TaskRow>, Access::Staff(Permission::ClientsView),
|me, st, _from| async move {
    crate::server::crm::tasks::list(&st.db, &Scope::of(&st.db, &me).await?, me.user_id, &query, true).await
});

area_fn!(
/// One month's tasks (`YYYY-MM`) for the calendar.
month_tasks, "crm/tasks/month", (month: String) -> Vec<TaskRow>, Access::Staff(Permission::ClientsView),
|me, st, _from| async move {
    crate::server::crm::tasks::month(&st.db, &Scope::of(&st.db, &me).await?, me.user_id, &month).await
});

area_fn!(
/// Creates (`form.id` 0) or edits a task.
save_task, "crm/tasks/save", (form: TaskForm) -> i64, Access::Staff(Permission::ClientsView),
|me, st, from| async move {
    let scope = Scope::of(&st.db, &me).await?;
    crate::server::crm::tasks::save(&st.db, &scope, me.user_id, form, &from).await
});

area_fn!(
/// Marks a task done, or open again.
set_task_done, "crm/tasks/done", (id: i64, done: bool) -> (), Access::Staff(Permission::ClientsView),
|me, st, _from| async move {
    let scope = Scope::of(&st.db, &me).await?;
    crate::server::crm::tasks::set_done(&st.db, &scope, me.user_id, id, done).await
});

area_fn!(
    /// The firm's rule for new clients' owners.
    get_assignment_rule, "crm/assignment", () -> AssignmentRule, Access::Staff(Permission::SettingsManage),
    |_me, st, _from| crate::server::crm::assignment::rule(&st.db));

area_fn!(
    save_assignment_rule, "crm/assignment/save", (rule: AssignmentRule) -> (), Access::Staff(Permission::SettingsManage),
    |me, st, _from| crate::server::crm::assignment::save_rule(&st.db, me.user_id, rule));

area_fn!(
    /// What clients may change on their profile, and what staff review first.
    get_profile_policy, "profile/policy", () -> ProfilePolicy, Access::SignedIn,
    |_me, st, _from| crate::server::crm::profile::policy(&st.db));

area_fn!(
    save_profile_policy, "crm/profile-policy/save", (policy: ProfilePolicy) -> (), Access::Staff(Permission::SettingsManage),
    |me, st, _from| crate::server::crm::profile::save_policy(&st.db, me.user_id, policy));

area_fn!(
    /// The client changes their profile: allowed fields at once, reviewed ones by request.
    update_profile, "profile/update", (edit: ProfileEdit) -> ProfileOutcome, Access::Client,
    |me, st, from| crate::server::crm::profile::update(&st.db, me.user_id, edit, &from));

area_fn!(
    /// The client's dashboard: wallets, challenges under way, pending requests.
    get_client_home, "home/summary", () -> ClientHome, Access::Client,
    |me, st, _from| crate::server::crm::home::summary(&st.db, me.user_id));
