//! Client groups: methods and rates can be limited to groups; new clients join the default one.
use crate::api::settings::{SaveGroup, list_groups};
use crate::i18n::use_i18n;
use crate::model::GroupDto;
use crate::ui::form::loading;
use crate::ui::form::{CheckField, FormError, Submit, TextField, last_error, tlabel};
use crate::ui::table::{Col, RowsTable};
use leptos::prelude::*;

#[component]
pub fn GroupsSection() -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(0u32);
    let groups = Resource::new(move || version.get(), |_| list_groups());
    // None: no form; Some(None): a new group; Some(Some(g)): editing g.
    let editing: RwSignal<Option<Option<GroupDto>>> = RwSignal::new(None);
    let done = Callback::new(move |_| {
        editing.set(None);
        version.update(|v| *v += 1);
    });
    view! {
        <div class="stack">
            {move || {
                editing
                    .get()
                    .map(|g| view! { <GroupForm group=g on_done=done on_cancel=move |_| editing.set(None)/> })
            }}
            <div class="card">
                <div class="card-header">
                    <h2 class="card-title">{move || i18n.t("settings.tab_groups")}</h2>
                    <button type="button" class="btn btn-primary btn-sm" on:click=move |_| editing.set(Some(None))>
                        {move || i18n.t("settings.add_group")}
                    </button>
                </div>
                <Transition fallback=loading>
                    {move || {
                        groups
                            .get()
                            .map(|r| match r {
                                Ok(list) => view! { <GroupsTable list editing/> }.into_any(),
                                Err(e) => view! { <div class="form-error" role="alert">{move || i18n.t(e.key())}</div> }.into_any(),
                            })
                    }}
                </Transition>
            </div>
        </div>
    }
}

#[component]
fn GroupsTable(list: Vec<GroupDto>, editing: RwSignal<Option<Option<GroupDto>>>) -> impl IntoView {
    let i18n = use_i18n();
    let cols = vec![
        Col::text("common.name"),
        Col::text("admin.description"),
        Col::text("settings.default"),
        Col::num("settings.members"),
        Col::actions(),
    ];
    view! {
        <RowsTable
            cols
            rows=list
            row=move |g| {
                let row = g.clone();
                view! {
                    <tr data-testid=format!("group-{}", g.name)>
                        <td>{g.name.clone()}</td>
                        <td class="muted">{g.description.clone()}</td>
                        <td>
                            {g.is_default
                                .then(|| view! { <span class="badge badge-accent">{move || i18n.t("settings.default")}</span> })}
                        </td>
                        <td class="num">{g.members}</td>
                        <td>
                            <button type="button" class="btn btn-sm" on:click=move |_| editing.set(Some(Some(row.clone())))>
                                {move || i18n.t("common.edit")}
                            </button>
                        </td>
                    </tr>
                }
            }
        />
    }
}

#[component]
fn GroupForm(
    group: Option<GroupDto>,
    on_done: Callback<()>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = group.as_ref().map(|g| g.id);
    let name = RwSignal::new(group.as_ref().map(|g| g.name.clone()).unwrap_or_default());
    let description = RwSignal::new(
        group
            .as_ref()
            .map(|g| g.description.clone())
            .unwrap_or_default(),
    );
    let is_default = RwSignal::new(group.as_ref().is_some_and(|g| g.is_default));
    let save = ServerAction::<SaveGroup>::new();
    let error = last_error(save.value());
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            on_done.run(());
        }
    });
    let default_code = move || {
        error
            .get()
            .and_then(|e| e.field_code("is_default").map(str::to_string))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveGroup {
            id,
            name: name.get_untracked().trim().to_string(),
            description: description.get_untracked().trim().to_string(),
            is_default: is_default.get_untracked(),
        });
    };
    view! {
        <div class="card">
            <h2 class="card-title">{move || if id.is_some() { i18n.t("settings.edit_group") } else { i18n.t("settings.add_group") }}</h2>
            <form id="group-form" class="form" on:submit=submit novalidate>
                <FormError error/>
                <div class="form-row">
                    <TextField label=tlabel("settings.group_name") id="group-name" value=name field="name" error required=true autocomplete="off"/>
                    <TextField label=tlabel("admin.description") id="group-description" value=description field="description" error autocomplete="off"/>
                </div>
                <div class="field" class:has-error=move || default_code().is_some()>
                    <CheckField label=tlabel("settings.default_group") checked=is_default/>
                    <span class="field-error" role="alert">{move || default_code().map(|c| i18n.t(&c))}</span>
                </div>
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("common.save")) pending=save.pending()/>
                    <button type="button" class="btn btn-ghost" on:click=move |_| on_cancel.run(())>{move || i18n.t("common.cancel")}</button>
                </div>
            </form>
        </div>
    }
}
