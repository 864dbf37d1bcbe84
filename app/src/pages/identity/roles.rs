//! Roles and their permissions.
use crate::api::identity::staff::{DeleteRole, SaveRole, list_roles};
use crate::domain::access::DataScope;
use crate::domain::permission::Permission;
use crate::i18n::use_i18n;
use crate::model::RoleDto;
use crate::pages::PageHeader;
use crate::ui::form::{FormError, last_error};
use crate::ui::resource::resource;
use leptos::prelude::*;
use std::collections::BTreeSet;

#[component]
pub fn RolesPage() -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(0u32);
    let roles = resource(move || version.get(), |_| list_roles());
    let editing: RwSignal<Option<Option<RoleDto>>> = RwSignal::new(None);
    let delete = ServerAction::<DeleteRole>::new();
    let delete_error = last_error(delete.value());
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            version.update(|v| *v += 1);
        }
    });
    let done = Callback::new(move |_| {
        editing.set(None);
        version.update(|v| *v += 1);
    });
    view! {
        <PageHeader title="nav.roles" subtitle="admin.roles_sub">
            <button type="button" class="btn btn-primary" on:click=move |_| editing.set(Some(None))>{move || i18n.t("admin.new_role")}</button>
        </PageHeader>
        <div class="stack">
            {move || editing.get().map(|r| view! { <RoleEditor role=r on_done=done on_cancel=move |_| editing.set(None)/> })}
            <FormError error=delete_error/>
            <div class="card">
                <div class="table-wrap">
                    <table class="table">
                        <thead>
                            <tr>
                                <th>{move || i18n.t("common.name")}</th>
                                <th>{move || i18n.t("admin.description")}</th>
                                <th>{move || i18n.t("admin.permissions")}</th>
                                <th>{move || i18n.t("crm.data_scope")}</th>
                                <th class="num">{move || i18n.t("nav.staff")}</th>
                                <th>{move || i18n.t("common.actions")}</th>
                            </tr>
                        </thead>
                        <Transition fallback=|| view! { <tbody><tr><td colspan="6"><div class="spinner"></div></td></tr></tbody> }>
                            {move || {
                                roles.get()
                                    .map(|r| match r {
                                        Ok(list) => {
                                            view! {
                                                <tbody>
                                                    {list
                                                        .into_iter()
                                                        .map(|role| {
                                                            let r2 = role.clone();
                                                            let id = role.id;
                                                            let perms = role.permissions.len();
                                                            view! {
                                                                <tr data-testid=format!("role-{}", role.name)>
                                                                    <td>
                                                                        {role.name.clone()} " "
                                                                        {role.is_system.then(|| view! { <span class="badge badge-muted">{move || i18n.t("admin.system")}</span> })}
                                                                    </td>
                                                                    <td class="muted">{role.description.clone()}</td>
                                                                    <td>{format!("{perms} / {}", Permission::ALL.len())}</td>
                                                                    <td>{
                                                                        let key = format!("crm.scope_{}", role.data_scope);
                                                                        move || i18n.t(&key)
                                                                    }</td>
                                                                    <td class="num">{role.user_count}</td>
                                                                    <td>
                                                                        <Show when=move || !r2.is_system>
                                                                            <div class="cluster">
                                                                                <button type="button" class="btn btn-sm" on:click={
                                                                                    let r3 = r2.clone();
                                                                                    move |_| editing.set(Some(Some(r3.clone())))
                                                                                }>{move || i18n.t("common.edit")}</button>
                                                                                <button type="button" class="btn btn-sm btn-danger" on:click=move |_| {
                                                                                    delete.dispatch(DeleteRole { id });
                                                                                }>{move || i18n.t("common.delete")}</button>
                                                                            </div>
                                                                        </Show>
                                                                    </td>
                                                                </tr>
                                                            }
                                                        })
                                                        .collect_view()}
                                                </tbody>
                                            }
                                                .into_any()
                                        }
                                        Err(e) => view! { <tbody><tr><td colspan="6" class="form-error">{move || i18n.t(e.key())}</td></tr></tbody> }.into_any(),
                                    })
                            }}
                        </Transition>
                    </table>
                </div>
            </div>
        </div>
    }
}

#[component]
fn RoleEditor(
    role: Option<RoleDto>,
    on_done: Callback<()>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = role.as_ref().map(|r| r.id);
    let name = RwSignal::new(role.as_ref().map(|r| r.name.clone()).unwrap_or_default());
    let description = RwSignal::new(
        role.as_ref()
            .map(|r| r.description.clone())
            .unwrap_or_default(),
    );
    let scope = RwSignal::new(
        role.as_ref()
            .map(|r| r.data_scope)
            .unwrap_or_default()
            .as_str()
            .to_string(),
    );
    let perms: RwSignal<BTreeSet<String>> = RwSignal::new(
        role.map(|r| r.permissions.into_iter().collect())
            .unwrap_or_default(),
    );
    let save = ServerAction::<SaveRole>::new();
    let error = last_error(save.value());
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            on_done.run(());
        }
    });
    let code = move |field: &'static str| {
        error
            .get()
            .and_then(|e| e.field_code(field).map(str::to_string))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveRole {
            id,
            name: name.get_untracked(),
            description: description.get_untracked(),
            permissions: perms.get_untracked().into_iter().collect(),
            data_scope: scope.get_untracked(),
        });
    };
    view! {
        <div class="card">
            <h2 class="card-title">{move || if id.is_some() { i18n.t("admin.edit_role") } else { i18n.t("admin.new_role") }}</h2>
            <form class="form" on:submit=submit>
                <FormError error/>
                <div class="field" class:has-error=move || code("name").is_some()>
                    <label for="f-role-name">{move || i18n.t("common.name")}</label>
                    <input id="f-role-name" name="name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                    <span class="field-error">{move || code("name").map(|c| i18n.t(&c))}</span>
                </div>
                <div class="field">
                    <label for="f-role-desc">{move || i18n.t("admin.description")}</label>
                    <input id="f-role-desc" name="description" prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev))/>
                </div>
                <div class="field" class:has-error=move || code("data_scope").is_some()>
                    <label for="f-role-scope">{move || i18n.t("crm.data_scope")}</label>
                    <select id="f-role-scope" name="data_scope" prop:value=move || scope.get() on:change=move |ev| scope.set(event_target_value(&ev))>
                        {DataScope::ALL
                            .iter()
                            .map(|s| {
                                let key = format!("crm.scope_{s}");
                                view! { <option value=s.as_str()>{move || i18n.t(&key)}</option> }
                            })
                            .collect_view()}
                    </select>
                    <span class="hint">{move || i18n.t("crm.data_scope_hint")}</span>
                    <span class="field-error">{move || code("data_scope").map(|c| i18n.t(&c))}</span>
                </div>
                <fieldset class="field" class:has-error=move || code("permissions").is_some()>
                    <legend>{move || i18n.t("admin.permissions")}</legend>
                    <div class="checkbox-grid">
                        {Permission::ALL
                            .iter()
                            .map(|p| {
                                let n = p.name();
                                view! {
                                    <label class="checkbox">
                                        <input
                                            type="checkbox"
                                            value=n
                                            prop:checked=move || perms.with(|s| s.contains(n))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                perms.update(|s| {
                                                    if on {
                                                        s.insert(n.to_string());
                                                    } else {
                                                        s.remove(n);
                                                    }
                                                });
                                            }
                                        />
                                        {move || i18n.t(p.label_key())}
                                    </label>
                                }
                            })
                            .collect_view()}
                    </div>
                    <span class="field-error">{move || code("permissions").map(|c| i18n.t(&c))}</span>
                </fieldset>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" class:is-loading=move || save.pending().get()>{move || i18n.t("common.save")}</button>
                    <button type="button" class="btn btn-ghost" on:click=move |_| on_cancel.run(())>{move || i18n.t("common.cancel")}</button>
                </div>
            </form>
        </div>
    }
}
