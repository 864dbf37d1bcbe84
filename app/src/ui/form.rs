//! Form pieces: a labelled field that shows its own error, and a form-level error box.
use crate::error::AppError;
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// The error of the last submission, if any.
pub fn last_error<T, S>(value: S) -> Signal<Option<AppError>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(|r| r.err()))
}

/// A labelled input. `error` is the form's last error; the field shows the part that names it.
#[component]
pub fn Field(
    #[prop(into)] label: Signal<&'static str>,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional, into)] value: Signal<String>,
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
    let code = move || {
        error
            .and_then(|e| e.get())
            .and_then(|e| e.field_code(field).map(str::to_string))
    };
    let id = format!("f-{name}");
    let err_id = format!("{id}-err");
    view! {
        <div class="field" class:has-error=move || code().is_some()>
            <label for=id.clone()>{move || label.get()}</label>
            <input
                id=id
                name=name
                type=kind
                prop:value=move || value.get()
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
