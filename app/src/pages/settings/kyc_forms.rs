//! KYC forms: the fields a client fills in and the documents they upload.
use crate::api::settings::{list_kyc_forms, save_kyc_form};
use crate::i18n::use_i18n;
use crate::model::{KycFormDto, KycItem};
use crate::ui::form::{CheckField, FormError, TextField, last_error, tlabel};
use crate::ui::resource::resource;
use crate::ui::settings::{Editing, SettingsList};
use crate::ui::table::{Col, RowsTable};
use leptos::prelude::*;

#[component]
pub fn KycFormsSection() -> impl IntoView {
    let editing = Editing::<KycFormDto>::new();
    let data = resource(move || editing.version.get(), |_| list_kyc_forms());
    let new_item = || KycFormDto {
        active: true,
        ..Default::default()
    };
    view! {
        <SettingsList
            title="settings.tab_kyc_forms"
            add="settings.add_kyc_form"
            editing
            data
            new_item
            list=move |list| view! { <KycFormsTable list editing/> }
            editor=move |form, _| view! { <KycFormEditor form on_done=editing.on_saved() on_cancel=editing.on_cancel()/> }
        />
    }
}

#[component]
fn KycFormsTable(list: Vec<KycFormDto>, editing: Editing<KycFormDto>) -> impl IntoView {
    let i18n = use_i18n();
    let cols = vec![
        Col::text("common.name"),
        Col::text("admin.description"),
        Col::num("settings.fields"),
        Col::num("settings.documents"),
        Col::text("common.status"),
        Col::actions(),
    ];
    view! {
        <RowsTable
            cols
            rows=list
            row=move |f| {
                let row = f.clone();
                let active = f.active;
                view! {
                    <tr data-testid=format!("kyc-form-{}", f.name)>
                        <td>{f.name.clone()}</td>
                        <td class="muted">{f.description.clone()}</td>
                        <td class="num">{f.fields.len()}</td>
                        <td class="num">{f.documents.len()}</td>
                        <td>
                            <span class="badge" class:badge-success=active class:badge-muted=!active>
                                {move || if active { i18n.t("settings.active") } else { i18n.t("settings.inactive") }}
                            </span>
                        </td>
                        <td>
                            <button type="button" class="btn btn-sm" on:click=move |_| editing.edit(row.clone())>
                                {move || i18n.t("common.edit")}
                            </button>
                        </td>
                    </tr>
                }
            }
        />
    }
}

/// One item row while it is edited, with a stable key for the list.
#[derive(Clone, Copy)]
struct ItemRow {
    key: u64,
    item_key: RwSignal<String>,
    label: RwSignal<String>,
    required: RwSignal<bool>,
}

impl ItemRow {
    fn new(key: u64, i: &KycItem) -> Self {
        Self {
            key,
            item_key: RwSignal::new(i.key.clone()),
            label: RwSignal::new(i.label.clone()),
            required: RwSignal::new(i.required),
        }
    }
    fn dto(&self) -> KycItem {
        KycItem {
            key: self.item_key.get_untracked().trim().to_string(),
            label: self.label.get_untracked().trim().to_string(),
            required: self.required.get_untracked(),
        }
    }
}

/// Which list an item editor edits: its texts differ.
#[derive(Clone, Copy, PartialEq)]
enum ItemKind {
    Field,
    Document,
}

impl ItemKind {
    fn keys(self) -> [&'static str; 6] {
        match self {
            ItemKind::Field => [
                "settings.fields",
                "settings.field_n_key",
                "settings.field_n_label",
                "settings.field_n_required",
                "settings.field_n_remove",
                "settings.add_field",
            ],
            ItemKind::Document => [
                "settings.documents",
                "settings.doc_n_key",
                "settings.doc_n_label",
                "settings.doc_n_required",
                "settings.doc_n_remove",
                "settings.add_document",
            ],
        }
    }
    fn field(self) -> &'static str {
        match self {
            ItemKind::Field => "fields",
            ItemKind::Document => "documents",
        }
    }
}

#[component]
fn ItemsEditor(
    kind: ItemKind,
    rows: RwSignal<Vec<ItemRow>>,
    next: StoredValue<u64>,
    #[prop(into)] error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let [title, key_k, label_k, req_k, remove_k, add_k] = kind.keys();
    let code = move || {
        error
            .get()
            .and_then(|e| e.field_code(kind.field()).map(str::to_string))
    };
    let add = move |_| {
        let k = next.get_value();
        next.set_value(k + 1);
        rows.update(|v| {
            v.push(ItemRow::new(
                k,
                &KycItem {
                    required: true,
                    ..Default::default()
                },
            ))
        });
    };
    view! {
        <fieldset class="field" class:has-error=move || code().is_some() data-testid=format!("kyc-{}", kind.field())>
            <legend>{move || i18n.t(title)}</legend>
            <div class="item-rows">
                <Show when=move || !rows.with(Vec::is_empty)>
                    <div class="item-row item-row-head" aria-hidden="true">
                        <span>{move || i18n.t("settings.item_key")}</span>
                        <span>{move || i18n.t("settings.item_label")}</span>
                        <span>{move || i18n.t("settings.item_required")}</span>
                        <span></span>
                    </div>
                </Show>
                <For
                    each=move || rows.get()
                    key=|r| r.key
                    children=move |r: ItemRow| {
                        let n = move || {
                            rows.with(|v| v.iter().position(|x| x.key == r.key).unwrap_or(0) + 1).to_string()
                        };
                        let text = move |k: &'static str| i18n.t(k).replace("{n}", &n());
                        view! {
                            <div class="item-row">
                                <input
                                    type="text"
                                    class="mono"
                                    aria-label=move || text(key_k)
                                    placeholder=move || i18n.t("settings.item_key_placeholder")
                                    prop:value=move || r.item_key.get()
                                    on:input=move |ev| r.item_key.set(event_target_value(&ev))
                                />
                                <input
                                    type="text"
                                    aria-label=move || text(label_k)
                                    prop:value=move || r.label.get()
                                    on:input=move |ev| r.label.set(event_target_value(&ev))
                                />
                                <label class="checkbox">
                                    <input
                                        type="checkbox"
                                        aria-label=move || text(req_k)
                                        prop:checked=move || r.required.get()
                                        on:change=move |ev| r.required.set(event_target_checked(&ev))
                                    />
                                    <span class="item-req-text">{move || i18n.t("settings.item_required")}</span>
                                </label>
                                <button
                                    type="button"
                                    class="btn btn-sm btn-ghost"
                                    aria-label=move || text(remove_k)
                                    on:click=move |_| rows.update(|v| v.retain(|x| x.key != r.key))
                                >
                                    "✕"
                                </button>
                            </div>
                        }
                    }
                />
            </div>
            <span class="field-error" role="alert">{move || code().map(|c| i18n.t(&c))}</span>
            <div>
                <button type="button" class="btn btn-sm" on:click=add>{move || i18n.t(add_k)}</button>
            </div>
        </fieldset>
    }
}

type SaveInput = (i64, String, String, Vec<KycItem>, Vec<KycItem>, bool);

#[component]
fn KycFormEditor(
    form: KycFormDto,
    on_done: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = form.id;
    let name = RwSignal::new(form.name.clone());
    let description = RwSignal::new(form.description.clone());
    let active = RwSignal::new(form.active);
    let next = StoredValue::new((form.fields.len() + form.documents.len()) as u64);
    let fields = RwSignal::new(
        form.fields
            .iter()
            .enumerate()
            .map(|(i, f)| ItemRow::new(i as u64, f))
            .collect::<Vec<_>>(),
    );
    let documents = RwSignal::new(
        form.documents
            .iter()
            .enumerate()
            .map(|(i, d)| ItemRow::new((form.fields.len() + i) as u64, d))
            .collect::<Vec<_>>(),
    );
    let save = Action::new(move |x: &SaveInput| {
        let x = x.clone();
        async move { save_kyc_form(x.0, x.1, x.2, x.3, x.4, x.5).await }
    });
    let error = last_error(save.value());
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            on_done.run(());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch((
            id,
            name.get_untracked().trim().to_string(),
            description.get_untracked().trim().to_string(),
            fields.get_untracked().iter().map(ItemRow::dto).collect(),
            documents.get_untracked().iter().map(ItemRow::dto).collect(),
            active.get_untracked(),
        ));
    };
    view! {
        <div class="card">
            <h2 class="card-title">{move || if id == 0 { i18n.t("settings.add_kyc_form") } else { i18n.t("settings.edit_kyc_form") }}</h2>
            <form id="kyc-form-editor" class="form" on:submit=submit novalidate>
                <FormError error/>
                <TextField label=tlabel("settings.kyc_form_name") id="kyc-form-name" value=name field="name" error required=true autocomplete="off"/>
                <TextField label=tlabel("admin.description") id="kyc-form-description" value=description field="description" error multiline=true/>
                <ItemsEditor kind=ItemKind::Field rows=fields next error/>
                <ItemsEditor kind=ItemKind::Document rows=documents next error/>
                <CheckField label=tlabel("settings.kyc_form_active") checked=active/>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" class:is-loading=move || save.pending().get() disabled=move || save.pending().get()>
                        {move || i18n.t("common.save")}
                    </button>
                    <button type="button" class="btn btn-ghost" on:click=move |_| on_cancel.run(())>{move || i18n.t("common.cancel")}</button>
                </div>
            </form>
        </div>
    }
}
