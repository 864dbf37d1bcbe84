//! Staff users: list, create, edit, disable or enable, and reset access.
use crate::api::identity::staff::{
    CreateStaff, ResetStaff, SetStaffDisabled, UpdateStaff, list_roles, list_staff, staff_choices,
};
use crate::domain::permission::Permission;
use crate::i18n::use_i18n;
use crate::model::{RoleDto, StaffChoice, StaffRow};
use crate::pages::PageHeader;
use crate::ui::form::{Field, FormError, Submit, last_error};
use crate::ui::layout::MeCtx;
use crate::ui::resource::resource;
use crate::ui::table::{ListBody, ListState, SortHeader, Toolbar};
use leptos::prelude::*;

#[derive(Clone, PartialEq)]
enum Editing {
    None,
    New,
    Existing(Box<StaffRow>),
}

#[component]
pub fn StaffPage() -> impl IntoView {
    let i18n = use_i18n();
    let MeCtx(me) = expect_context();
    let can_manage = move || {
        me.get()
            .and_then(|r| r.ok().flatten())
            .is_some_and(|m| m.can(Permission::StaffManage))
    };
    let my_id = move || me.get().and_then(|r| r.ok().flatten()).map(|m| m.id);
    let state = ListState::new("id", false);
    let version = RwSignal::new(0u32);
    let staff = resource(move || (state.get(), version.get()), |(q, _)| list_staff(q));
    let roles = resource(move || version.get(), |_| list_roles());
    let people = resource(move || version.get(), |_| staff_choices());
    let editing = RwSignal::new(Editing::None);
    let toggle = ServerAction::<SetStaffDisabled>::new();
    let reset = ServerAction::<ResetStaff>::new();
    let row_error = Signal::derive(move || {
        last_error(toggle.value())
            .get()
            .or_else(|| last_error(reset.value()).get())
    });
    let reset_done = move || matches!(reset.value().get(), Some(Ok(())));
    Effect::new(move |_| {
        if toggle.version().get() > 0 || reset.version().get() > 0 {
            version.update(|v| *v += 1);
        }
    });
    let done = Callback::new(move |_| {
        editing.set(Editing::None);
        version.update(|v| *v += 1);
    });
    view! {
        <PageHeader title="nav.staff" subtitle="admin.staff_sub">
            <Show when=can_manage>
                <button type="button" class="btn btn-primary" on:click=move |_| editing.set(Editing::New)>
                    {move || i18n.t("admin.new_staff")}
                </button>
            </Show>
        </PageHeader>
        <div class="stack">
            {move || {
                let current = editing.get();
                (current != Editing::None)
                    .then(|| {
                        let roles = roles.get().and_then(|r| r.ok()).unwrap_or_default();
                        let people = people.get().and_then(|r| r.ok()).unwrap_or_default();
                        view! { <StaffForm editing=current roles people on_done=done on_cancel=move |_| editing.set(Editing::None)/> }
                    })
            }}
            <crate::ui::form::FormError error=row_error/>
            <Show when=reset_done>
                <div class="alert alert-success" role="status">{move || i18n.t("admin.reset_sent")}</div>
            </Show>
            <div class="card">
                <Toolbar state filters=vec![("", "common.all"), ("active", "common.status_active"), ("disabled", "common.status_disabled")] export="/export/staff.csv"/>
                <div class="table-wrap">
                    <table class="table">
                        <thead>
                            <tr>
                                <SortHeader state col="id" label="common.id"/>
                                <SortHeader state col="name" label="common.name"/>
                                <SortHeader state col="email" label="auth.email"/>
                                <th>{move || i18n.t("admin.role")}</th>
                                <th>{move || i18n.t("crm.supervisor")}</th>
                                <SortHeader state col="status" label="common.status"/>
                                <th>{move || i18n.t("profile.two_factor")}</th>
                                <SortHeader state col="last_login" label="admin.last_login"/>
                                <th>{move || i18n.t("common.actions")}</th>
                            </tr>
                        </thead>
                        <ListBody state data=staff cols=9 row=move |s: StaffRow| {
                                                            let row = s.clone();
                                                            let disabled = s.status == "disabled";
                                                            let id = s.id;
                                                            let status = format!("common.status_{}", s.status);
                                                            let is_me = move || my_id() == Some(id);
                                                            view! {
                                                                <tr data-testid=format!("staff-{}", s.email)>
                                                                    <td class="mono">{s.id}</td>
                                                                    <td>{format!("{} {}", s.first_name, s.last_name)}</td>
                                                                    <td>{s.email.clone()}</td>
                                                                    <td>{s.role_name.clone()}</td>
                                                                    <td>{s.supervisor.clone()}</td>
                                                                    <td>
                                                                        <span class="badge" class:badge-success=!disabled class:badge-danger=disabled>
                                                                            {move || i18n.t(&status)}
                                                                        </span>
                                                                    </td>
                                                                    <td>{move || if s.totp_enabled { i18n.t("dash.2fa_on") } else { i18n.t("dash.2fa_off") }}</td>
                                                                    <td>{s.last_login_at.as_ref().map(crate::ui::datetime).unwrap_or_default()}</td>
                                                                    <td>
                                                                        <Show when=move || can_manage() && !is_me()>
                                                                            <div class="cluster">
                                                                                <button type="button" class="btn btn-sm" on:click={
                                                                                    let row = row.clone();
                                                                                    move |_| editing.set(Editing::Existing(Box::new(row.clone())))
                                                                                }>{move || i18n.t("common.edit")}</button>
                                                                                <button type="button" class="btn btn-sm" class:btn-danger=!disabled on:click=move |_| {
                                                                                    toggle.dispatch(SetStaffDisabled { id, disabled: !disabled });
                                                                                }>
                                                                                    {move || if disabled { i18n.t("admin.enable") } else { i18n.t("admin.disable") }}
                                                                                </button>
                                                                                <button type="button" class="btn btn-sm btn-ghost" on:click=move |_| {
                                                                                    reset.dispatch(ResetStaff { id });
                                                                                }>{move || i18n.t("admin.reset_access")}</button>
                                                                            </div>
                                                                        </Show>
                                                                    </td>
                                                                </tr>
                                                            }
                        }/>
                    </table>
                </div>
            </div>
        </div>
    }
}

#[component]
fn RoleSelect(
    roles: Vec<RoleDto>,
    selected: Option<i64>,
    #[prop(into)] error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let code = move || {
        error
            .get()
            .and_then(|e| e.field_code("role_id").map(str::to_string))
    };
    view! {
        <div class="field" class:has-error=move || code().is_some()>
            <label for="f-role_id">{move || i18n.t("admin.role")}</label>
            <select id="f-role_id" name="role_id">
                {roles
                    .into_iter()
                    .map(|r| view! { <option value=r.id.to_string() selected=selected == Some(r.id)>{r.name}</option> })
                    .collect_view()}
            </select>
            <span class="field-error">{move || code().map(|c| i18n.t(&c))}</span>
        </div>
    }
}

/// Whom a staff member reports to: their team's head (a data scope of "own and team" sees
/// the clients of everyone under them).
#[component]
fn SupervisorSelect(
    people: Vec<StaffChoice>,
    selected: Option<i64>,
    /// The member being edited, who cannot supervise themselves.
    me: Option<i64>,
    #[prop(into)] error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let code = move || {
        error
            .get()
            .and_then(|e| e.field_code("supervisor_id").map(str::to_string))
    };
    view! {
        <div class="field" class:has-error=move || code().is_some()>
            <label for="f-supervisor_id">{move || i18n.t("crm.supervisor")}</label>
            <select id="f-supervisor_id" name="supervisor_id">
                <option value="0">{move || i18n.t("crm.nobody")}</option>
                {people
                    .into_iter()
                    .filter(|p| Some(p.id) != me)
                    .map(|p| view! { <option value=p.id.to_string() selected=selected == Some(p.id)>{p.name}</option> })
                    .collect_view()}
            </select>
            <span class="field-error">{move || code().map(|c| i18n.t(&c))}</span>
        </div>
    }
}

#[component]
fn StaffForm(
    editing: Editing,
    roles: Vec<RoleDto>,
    people: Vec<StaffChoice>,
    on_done: Callback<()>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateStaff>::new();
    let update = ServerAction::<UpdateStaff>::new();
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(_)))
            || matches!(update.value().get(), Some(Ok(())))
        {
            on_done.run(());
        }
    });
    let cancel = move |_| on_cancel.run(());
    match editing {
        Editing::Existing(s) => {
            let error = last_error(update.value());
            view! {
                <div class="card">
                    <h2 class="card-title">{move || i18n.t("admin.edit_staff")}</h2>
                    <ActionForm action=update attr:class="form">
                        <FormError error/>
                        <input type="hidden" name="id" value=s.id.to_string()/>
                        <div class="form-row">
                            <Field label=Signal::derive(move || i18n.t("auth.first_name")) name="first_name" value=s.first_name.clone() error required=true/>
                            <Field label=Signal::derive(move || i18n.t("auth.last_name")) name="last_name" value=s.last_name.clone() error required=true/>
                        </div>
                        <Field label=Signal::derive(move || i18n.t("auth.email")) name="email" kind="email" value=s.email.clone() error required=true/>
                        <RoleSelect roles selected=s.role_id error/>
                        <SupervisorSelect people selected=s.supervisor_id me=Some(s.id) error/>
                        <div class="form-actions">
                            <Submit label=Signal::derive(move || i18n.t("common.save")) pending=update.pending()/>
                            <button type="button" class="btn btn-ghost" on:click=cancel>{move || i18n.t("common.cancel")}</button>
                        </div>
                    </ActionForm>
                </div>
            }
                .into_any()
        }
        _ => {
            let error = last_error(create.value());
            view! {
                <div class="card">
                    <h2 class="card-title">{move || i18n.t("admin.new_staff")}</h2>
                    <ActionForm action=create attr:class="form">
                        <FormError error/>
                        <div class="form-row">
                            <Field label=Signal::derive(move || i18n.t("auth.first_name")) name="first_name" error required=true/>
                            <Field label=Signal::derive(move || i18n.t("auth.last_name")) name="last_name" error required=true/>
                        </div>
                        <Field label=Signal::derive(move || i18n.t("auth.email")) name="email" kind="email" error required=true/>
                        <RoleSelect roles selected=None error/>
                        <SupervisorSelect people selected=None me=None error/>
                        <Field
                            label=Signal::derive(move || i18n.t("admin.initial_password"))
                            name="password"
                            kind="password"
                            autocomplete="new-password"
                            error
                            hint=Signal::derive(move || i18n.t("admin.initial_password_hint"))
                        />
                        <div class="form-actions">
                            <Submit label=Signal::derive(move || i18n.t("common.create")) pending=create.pending()/>
                            <button type="button" class="btn btn-ghost" on:click=cancel>{move || i18n.t("common.cancel")}</button>
                        </div>
                    </ActionForm>
                </div>
            }
                .into_any()
        }
    }
}
