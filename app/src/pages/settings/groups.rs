//! Client groups: methods and rates can be limited to groups; new clients join the default one.
use crate::api::settings::{SaveGroup, list_groups};
use crate::i18n::use_i18n;
use crate::model::GroupDto;
use crate::ui::form::{CheckField, FormError, Submit, TextField, last_error, tlabel};
use crate::ui::resource::resource;
use crate::ui::settings::{Editing, SettingsList};
use crate::ui::table::{Col, RowsTable};
use leptos::prelude::*;

#[component]
pub fn GroupsSection() -> impl IntoView {
    // The open item: None for a new group, Some(g) to edit g.
    let editing = Editing::<Option<GroupDto>>::new();
    let data = resource(move || editing.version.get(), |_| list_groups());
    view! {
        <SettingsList
            title="settings.tab_groups"
            add="settings.add_group"
            editing
            data
            new_item=|| None
            list=move |list| view! { <GroupsTable list editing/> }
            editor=move |group, _| view! { <GroupForm group on_done=editing.on_saved() on_cancel=editing.on_cancel()/> }
        />
    }
}

#[component]
fn GroupsTable(list: Vec<GroupDto>, editing: Editing<Option<GroupDto>>) -> impl IntoView {
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
                            <button type="button" class="btn btn-sm" on:click=move |_| editing.edit(Some(row.clone()))>
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
    on_cancel: Callback<()>,
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
    let count = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
    let visible_levels = RwSignal::new(count(group.as_ref().and_then(|g| g.visible_levels)));
    let report_months = RwSignal::new(count(group.as_ref().and_then(|g| g.report_months)));
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
            visible_levels: visible_levels.get_untracked(),
            report_months: report_months.get_untracked(),
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
                <div class="form-row">
                    <TextField label=tlabel("settings.visible_levels") id="group-levels" value=visible_levels field="visible_levels" error autocomplete="off" inputmode="numeric" hint=tlabel("settings.visible_levels_hint")/>
                    <TextField label=tlabel("settings.report_months") id="group-months" value=report_months field="report_months" error autocomplete="off" inputmode="numeric" hint=tlabel("settings.report_months_hint")/>
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
