//! Form pieces: labelled, controlled inputs that show the server's error for their field, file
//! uploads, and the form-level error boxes.
use crate::domain::money::CURRENCIES;
use crate::error::AppError;
use crate::i18n::{I18n, use_i18n};
use crate::model::UploadDto;
use crate::ui::resource::Json;
use leptos::prelude::*;

/// A translated text as an owned, reactive label.
pub fn tlabel(key: &'static str) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || i18n.t(key).to_string())
}

/// The error of the last submission, if any.
pub fn last_error<T, S>(value: S) -> Signal<Option<AppError>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(|r| r.err()))
}

/// The first of several actions' last errors: one error box for a card whose buttons each
/// dispatch their own action.
pub fn first_error<const N: usize>(
    errors: [Signal<Option<AppError>>; N],
) -> Signal<Option<AppError>> {
    Signal::derive(move || errors.iter().find_map(|e| e.get()))
}

/// A labelled input. `error` is the form's last error; the field shows the part that names it.
#[component]
pub fn Field(
    #[prop(into)] label: Signal<&'static str>,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    /// The initial value. The input is not bound to it afterwards, so hydration never replaces
    /// what the user typed before the page became interactive.
    #[prop(optional, into)]
    value: String,
    #[prop(optional, into)] error: Option<Signal<Option<AppError>>>,
    #[prop(optional, into)] hint: Option<Signal<&'static str>>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
    /// The server's field name when it differs from the input's `name` (e.g. `query[q]`).
    #[prop(optional)]
    field: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let field = field.unwrap_or(name);
    let code = move || field_code(error, field);
    let id = format!("f-{name}");
    let err_id = format!("{id}-err");
    view! {
        <div class="field" class:has-error=move || code().is_some()>
            <label for=id.clone()>{move || label.get()}</label>
            <input
                id=id
                name=name
                type=kind
                value=value
                autocomplete=autocomplete
                required=required
                aria-invalid=move || code().is_some().to_string()
                aria-describedby=err_id.clone()
            />
            {move || hint.map(|h| view! { <span class="hint">{h.get()}</span> })}
            <span class="field-error" id=err_id role="alert">
                {move || code().map(|c| i18n.t(&c))}
            </span>
        </div>
    }
}

/// Validation errors about the request as a whole rather than an input (a request already
/// decided, a replayed key): no field shows them, so the form's error box does.
const GENERAL_FIELDS: &[&str] = &["request", "hold", "idempotency_key", "account", "form"];

/// The error box at the top of a form, for errors that are not about one field.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || match error.get() {
        None => None,
        Some(AppError::Invalid(errs)) => {
            let general: Vec<&str> = errs
                .iter()
                .filter(|e| GENERAL_FIELDS.contains(&e.field.as_str()))
                .map(|e| i18n.t(&e.code))
                .collect();
            (!general.is_empty()).then(|| general.join(" "))
        }
        Some(AppError::Locked { minutes }) => Some(
            i18n.t("err.locked")
                .replace("{minutes}", &minutes.to_string()),
        ),
        Some(e) => Some(i18n.t(e.key()).to_string()),
    };
    view! {
        <Show when=move || text().is_some()>
            <div class="form-error" role="alert">
                {text}
            </div>
        </Show>
    }
}

/// A submit button that shows progress while its action runs.
#[component]
pub fn Submit(
    #[prop(into)] label: Signal<&'static str>,
    #[prop(into)] pending: Signal<bool>,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    view! {
        <button type="submit" class=format!("btn btn-primary {class}") class:is-loading=move || pending.get() disabled=move || pending.get()>
            {move || label.get()}
        </button>
    }
}

/// The error code the server gave for `field`, if any.
fn field_code(error: Option<Signal<Option<AppError>>>, field: &str) -> Option<String> {
    error
        .and_then(|e| e.get())
        .and_then(|e| e.field_code(field).map(str::to_string))
}

/// A submitted form's field, as the browser would post it ("" when absent). The sign-in pages
/// read their fields with it instead of `ActionForm`, which reads the whole form into the server
/// function's arguments through serde_qs's reader: that reader would be in every first download
/// (docs/benchmarks.md). Their `<form>` still posts to the server function without the wasm.
pub fn submitted(ev: &leptos::ev::SubmitEvent, name: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
            && let Ok(data) = web_sys::FormData::new_with_form(&form)
        {
            return data.get(name).as_string().unwrap_or_default();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, name);
    String::new()
}

/// Text typed into the server-rendered input `id` before the page hydrated, taken into `value`
/// so that binding the input to `value` keeps it rather than wiping it.
fn keep_typed(id: &str, value: RwSignal<String>) {
    #[cfg(feature = "hydrate")]
    {
        let doc = document();
        let hydrating = doc
            .body()
            .is_some_and(|b| !b.has_attribute("data-hydrated"));
        if let Some(el) = doc.get_element_by_id(id).filter(|_| hydrating)
            && let Some(typed) = js_sys::Reflect::get(&el, &"value".into())
                .ok()
                .and_then(|v| v.as_string())
            && !typed.is_empty()
        {
            value.set(typed);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (id, value);
}

/// A labelled, controlled text input (or textarea) with its own DOM id, so that several forms
/// on one page can have a field of the same server name. Shows the server's error for `field`.
#[component]
pub fn TextField(
    #[prop(into)] label: Signal<String>,
    #[prop(into)] id: String,
    /// The server's field name, whose error shows under the input.
    #[prop(into)]
    field: String,
    value: RwSignal<String>,
    /// The input's `name`, `field` unless given (the forms submit from their signals, so this
    /// is informative).
    #[prop(optional, into)]
    name: Option<String>,
    #[prop(optional, into)] error: Option<Signal<Option<AppError>>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional)] multiline: bool,
    #[prop(optional, into)] hint: Option<Signal<String>>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional, into)] placeholder: Option<Signal<String>>,
    #[prop(optional)] list: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = name.unwrap_or_else(|| field.clone());
    let code = Memo::new(move |_| field_code(error, &field));
    let err_id = format!("{id}-err");
    let hint_id = format!("{id}-hint");
    let described = if hint.is_some() {
        format!("{err_id} {hint_id}")
    } else {
        err_id.clone()
    };
    let placeholder = move || placeholder.map(|p| p.get());
    keep_typed(&id, value);
    let input = if multiline {
        view! {
            <textarea
                id=id.clone()
                name=name
                rows="4"
                required=required
                placeholder=placeholder
                aria-invalid=move || code.get().is_some().to_string()
                aria-describedby=described
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                name=name
                type=kind
                required=required
                inputmode=inputmode
                autocomplete=autocomplete
                placeholder=placeholder
                list=list
                aria-invalid=move || code.get().is_some().to_string()
                aria-describedby=described
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        }
        .into_any()
    };
    view! {
        <div class="field" class:has-error=move || code.get().is_some()>
            <label for=id class:is-required=required>{move || label.get()}</label>
            {input}
            {hint.map(|h| view! { <span class="hint" id=hint_id>{move || h.get()}</span> })}
            <span class="field-error" id=err_id role="alert">{move || code.get().map(|c| i18n.t(&c))}</span>
        </div>
    }
}

/// A labelled select of `(value, text)` options. The value always names one of the options:
/// when the options change and the value is gone, the first option is chosen.
#[component]
pub fn SelectField(
    #[prop(into)] label: Signal<String>,
    #[prop(into)] id: String,
    /// The server's field name, whose error shows under the select.
    #[prop(into)]
    field: String,
    value: RwSignal<String>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    /// The select's `name`, `field` unless given.
    #[prop(optional, into)]
    name: Option<String>,
    #[prop(optional, into)] error: Option<Signal<Option<AppError>>>,
    #[prop(optional, into)] hint: Option<Signal<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = name.unwrap_or_else(|| field.clone());
    let code = Memo::new(move |_| field_code(error, &field));
    Effect::new(move |_| {
        let opts = options.get();
        let v = value.get_untracked();
        if !opts.iter().any(|(k, _)| *k == v)
            && let Some((k, _)) = opts.first()
        {
            value.set(k.clone());
        }
    });
    let err_id = format!("{id}-err");
    let hint_id = format!("{id}-hint");
    let described = if hint.is_some() {
        format!("{err_id} {hint_id}")
    } else {
        err_id.clone()
    };
    view! {
        <div class="field" class:has-error=move || code.get().is_some()>
            <label for=id.clone()>{move || label.get()}</label>
            <select
                id=id
                name=name
                aria-invalid=move || code.get().is_some().to_string()
                aria-describedby=described
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|(v, text)| {
                            let is = v.clone();
                            let selected = move || value.get() == is;
                            view! {
                                <option value=v selected=selected.clone() prop:selected=selected>
                                    {text}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
            {hint.map(|h| view! { <span class="hint" id=hint_id>{move || h.get()}</span> })}
            <span class="field-error" id=err_id role="alert">{move || code.get().map(|c| i18n.t(&c))}</span>
        </div>
    }
}

/// A checkbox bound to a signal, labelled by its text.
#[component]
pub fn CheckField(#[prop(into)] label: Signal<String>, checked: RwSignal<bool>) -> impl IntoView {
    view! {
        <label class="checkbox">
            <input type="checkbox" prop:checked=move || checked.get() on:change=move |ev| checked.set(event_target_checked(&ev))/>
            <span>{move || label.get()}</span>
        </label>
    }
}

/// The error box of a form: everything the form's own fields do not show (errors about the
/// request as a whole, missing verification, network trouble).
#[component]
pub fn FormProblem(
    #[prop(into)] error: Signal<Option<AppError>>,
    /// Server field names that an input of the form shows beside itself.
    #[prop(optional)]
    shown: Vec<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let shown = StoredValue::new(shown);
    let text = move || match error.get() {
        None => None,
        Some(AppError::Invalid(errs)) => {
            let rest: Vec<&str> = shown.with_value(|shown| {
                errs.iter()
                    .filter(|e| !shown.contains(&e.field))
                    .map(|e| i18n.t(&e.code))
                    .collect()
            });
            (!rest.is_empty()).then(|| rest.join(" "))
        }
        Some(AppError::Locked { minutes }) => Some(
            i18n.t("err.locked")
                .replace("{minutes}", &minutes.to_string()),
        ),
        Some(e) => Some(i18n.t(e.key()).to_string()),
    };
    let needs_kyc = move || matches!(error.get(), Some(AppError::KycRequired));
    view! {
        <Show when=move || text().is_some()>
            <div class="form-error" role="alert">
                {text}
                <Show when=needs_kyc>
                    " "
                    <a href="/kyc">{move || i18n.t("funds.kyc_link")}</a>
                </Show>
            </div>
        </Show>
    }
}

/// Uploads one file with its purpose (multipart fields `purpose` and `file`): staff's files for
/// the download centre to their own endpoint, a client's to theirs.
#[cfg(feature = "hydrate")]
async fn upload(file: leptos::web_sys::File, purpose: &str) -> Result<UploadDto, AppError> {
    use crate::api::identity::kyc::upload_file;
    use crate::api::support::upload_download_file;
    let data = leptos::web_sys::FormData::new().map_err(|_| AppError::Internal)?;
    data.append_with_str("purpose", purpose)
        .map_err(|_| AppError::Internal)?;
    data.append_with_blob_and_filename("file", &file, &file.name())
        .map_err(|_| AppError::Internal)?;
    if purpose == "download" {
        upload_download_file(data.into()).await
    } else {
        upload_file(data.into()).await
    }
}

/// A file input that uploads the chosen file at once and keeps the stored upload in
/// `uploaded`. Shows the file's name and size, or why it was refused (type, size).
#[component]
pub fn FileField(
    #[prop(into)] label: Signal<String>,
    #[prop(into)] id: String,
    /// The server's field name of the submitted form that refers to this upload.
    #[prop(into)]
    field: String,
    purpose: &'static str,
    uploaded: RwSignal<Option<UploadDto>>,
    busy: RwSignal<bool>,
    #[prop(optional, into)] error: Option<Signal<Option<AppError>>>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let upload_error = RwSignal::new(None::<AppError>);
    let input_ref = NodeRef::<leptos::html::Input>::new();
    let submit_code = Memo::new(move |_| field_code(error, &field));
    let message = move || {
        if let Some(e) = upload_error.get() {
            return Some(match e.field_code("file") {
                Some(c) => i18n.t(c),
                None => match &e {
                    AppError::Invalid(errs) => {
                        errs.first().map(|fe| i18n.t(&fe.code)).unwrap_or("")
                    }
                    other => i18n.t(other.key()),
                },
            });
        }
        if uploaded.get().is_some() {
            return None;
        }
        submit_code.get().map(|c| i18n.t(&c))
    };
    let has_error = move || message().is_some();
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            let input: leptos::web_sys::HtmlInputElement = event_target(&ev);
            upload_error.set(None);
            let Some(file) = input.files().and_then(|l| l.get(0)) else {
                uploaded.set(None);
                return;
            };
            uploaded.set(None);
            busy.set(true);
            leptos::task::spawn_local(async move {
                match upload(file, purpose).await {
                    Ok(u) => uploaded.set(Some(u)),
                    Err(e) => {
                        upload_error.set(Some(e));
                        input.set_value("");
                    }
                }
                busy.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, purpose);
    };
    let clear = move |_| {
        uploaded.set(None);
        upload_error.set(None);
        if let Some(input) = input_ref.get_untracked() {
            input.set_value("");
        }
    };
    let err_id = format!("{id}-err");
    view! {
        <div class="field file-field" class:has-error=has_error>
            <label for=id.clone() class:is-required=required>{move || label.get()}</label>
            <input
                node_ref=input_ref
                id=id
                type="file"
                accept="application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"
                aria-invalid=move || has_error().to_string()
                aria-describedby=err_id.clone()
                on:change=on_change
            />
            <span class="hint">{move || i18n.t("funds.upload_hint")}</span>
            <Show when=move || busy.get()>
                <span class="upload-status" role="status">
                    <span class="spinner" aria-hidden="true"></span>
                    {move || i18n.t("funds.uploading")}
                </span>
            </Show>
            {move || {
                uploaded
                    .get()
                    .map(|u| {
                        view! {
                            <span class="upload-status is-done" role="status" data-testid="upload-done">
                                <span aria-hidden="true">"✓"</span>
                                <a href=u.url.clone() target="_blank" rel="noopener">{u.file_name.clone()}</a>
                                <span class="muted">{super::text::file_size(u.size)}</span>
                                <button type="button" class="btn btn-sm btn-ghost" on:click=clear>
                                    {move || i18n.t("funds.remove_file")}
                                </button>
                            </span>
                        }
                    })
            }}
            <span class="field-error" id=err_id role="alert">{message}</span>
        </div>
    }
}

/// Options whose text is an i18n key.
pub fn keyed_options(
    i18n: I18n,
    opts: &'static [(&'static str, &'static str)],
) -> Signal<Vec<(String, String)>> {
    Signal::derive(move || {
        opts.iter()
            .map(|(v, k)| (v.to_string(), i18n.t(k).to_string()))
            .collect()
    })
}

/// The wallet currencies as select options.
pub fn currency_options() -> Signal<Vec<(String, String)>> {
    Signal::derive(|| {
        CURRENCIES
            .iter()
            .map(|c| (c.code.to_string(), c.code.to_string()))
            .collect()
    })
}

/// Client groups as checkboxes; each box's test id is `{testid}-{name}`.
#[component]
pub fn GroupPicker(
    groups: Vec<(i64, String)>,
    chosen: RwSignal<Vec<i64>>,
    testid: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset>
            <legend>{move || i18n.t("offers.groups")}</legend>
            <div class="cluster">
                {groups.into_iter().map(|(id, name)| view! {
                    <label class="checkbox">
                        <input type="checkbox" data-testid=format!("{testid}-{name}") prop:checked=move || chosen.with(|c| c.contains(&id))
                            on:change=move |ev| chosen.update(|c| {
                                c.retain(|x| *x != id);
                                if event_target_checked(&ev) { c.push(id); }
                            })/>
                        <span>{name}</span>
                    </label>
                }).collect_view()}
            </div>
        </fieldset>
    }
}

/// The spinner row shown while a section loads.
pub fn loading() -> impl IntoView {
    view! { <div class="progress indeterminate"><div class="progress-bar"></div></div> }
}

/// A checkbox for each client group, keeping `chosen` (the ticked groups' ids) in step; `hint`
/// says what ticking none means for this form.
#[component]
pub fn GroupChecks(
    groups: Resource<Result<Vec<crate::model::GroupDto>, AppError>, Json>,
    chosen: RwSignal<Vec<i64>>,
    hint: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="field">
            <legend>{move || i18n.t("downloads.groups")}</legend>
            <p class="hint">{move || i18n.t(hint)}</p>
            <Transition fallback=|| ()>
                {move || groups.get().and_then(|r| r.ok()).map(|gs| gs.into_iter().map(|g| {
                    let gid = g.id;
                    let on = RwSignal::new(chosen.get_untracked().contains(&gid));
                    Effect::new(move |_| {
                        let want = on.get();
                        chosen.update(|c| {
                            c.retain(|x| *x != gid);
                            if want {
                                c.push(gid);
                            }
                        });
                    });
                    view! { <CheckField label=Signal::stored(g.name.clone()) checked=on/> }
                }).collect_view())}
            </Transition>
        </fieldset>
    }
}
