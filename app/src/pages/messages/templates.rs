//! Email templates: every email the system sends, its wording in English and Spanish (the
//! firm's, or the built-in one), edited with its placeholders listed, checked when saved,
//! previewed with sample values, and sent to oneself as a test.
use crate::api::messages::{
    PreviewMailTemplate, ResetMailTemplate, SaveMailTemplate, TestMailTemplate, mail_template,
    mail_templates,
};
use crate::i18n::{I18n, use_i18n};
use crate::model::{TemplateRow, TemplateText};
use crate::ui::form::{FormProblem, SelectField, TextField, last_error, tlabel};
use crate::ui::resource::resource;
use leptos::prelude::*;

/// What a template is for, in the reader's language.
fn label(i18n: I18n, key: &str) -> String {
    if let Some(kind) = key.strip_prefix("approved.") {
        format!(
            "{} · {}",
            i18n.t("msg.tpl_approved"),
            i18n.t(&format!("appr.kind_{kind}"))
        )
    } else if let Some(kind) = key.strip_prefix("rejected.") {
        format!(
            "{} · {}",
            i18n.t("msg.tpl_rejected"),
            i18n.t(&format!("appr.kind_{kind}"))
        )
    } else if key.starts_with("notice.") {
        i18n.t(key).to_string()
    } else {
        i18n.t(&format!("msg.tpl_{key}")).to_string()
    }
}

#[component]
pub fn Templates() -> impl IntoView {
    let i18n = use_i18n();
    let chosen = RwSignal::new(String::from("welcome"));
    let locale = RwSignal::new(String::from("en"));
    let saved = RwSignal::new(0u32);
    let list = resource(move || saved.get(), |_| mail_templates());
    view! {
        <div class="template-layout">
            <div class="card template-list">
                <Transition fallback=|| view! { <div class="spinner"></div> }>
                    {move || list.get().and_then(Result::ok).map(|rows| view! {
                        <ul class="list-plain" data-testid="templates">
                            {rows.into_iter().map(|t: TemplateRow| {
                                let key = t.key.clone();
                                let key2 = t.key.clone();
                                let edited = t.edited.join(", ");
                                view! {
                                    <li>
                                        <button type="button" class="template-pick" data-testid=format!("template-{}", t.key)
                                            aria-pressed=move || (chosen.get() == key).to_string()
                                            on:click=move |_| chosen.set(key2.clone())>
                                            <span class="cell-main">{
                                                let k = t.key.clone();
                                                move || label(i18n, &k)
                                            }</span>
                                            <span class="cell-sub mono">{t.key.clone()}
                                                {(!edited.is_empty()).then(|| view! { " · "{move || i18n.t("msg.languages_edited")}" "{edited.clone()} })}
                                            </span>
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    })}
                </Transition>
            </div>
            {move || {
                // Keyed on the template and language only: a save reloads the list, not the editor.
                let key = chosen.get();
                let loc = locale.get();
                let k = key.clone();
                let placeholders = Signal::derive(move || {
                    list.get()
                        .and_then(Result::ok)
                        .and_then(|rows| rows.into_iter().find(|r| r.key == k))
                        .map(|r| r.placeholders)
                        .unwrap_or_default()
                });
                view! { <TemplateEditor key loc locale placeholders saved/> }
            }}
        </div>
    }
}

#[component]
fn TemplateEditor(
    key: String,
    loc: String,
    locale: RwSignal<String>,
    placeholders: Signal<Vec<String>>,
    saved: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let edited = RwSignal::new(false);
    let save = ServerAction::<SaveMailTemplate>::new();
    let reset = ServerAction::<ResetMailTemplate>::new();
    let preview = ServerAction::<PreviewMailTemplate>::new();
    let test = ServerAction::<TestMailTemplate>::new();
    let (k, l) = (key.clone(), loc.clone());
    let current = resource(
        move || reset.version().get(),
        move |_| mail_template(k.clone(), l.clone()),
    );
    Effect::new(move |_| {
        if let Some(Ok(t)) = current.get() {
            subject.set(t.subject);
            body.set(t.body);
            edited.set(t.edited);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(t)) = save.value().get() {
            edited.set(t.edited);
            saved.update(|v| *v += 1);
        }
    });
    Effect::new(move |_| {
        if reset.value().get().is_some_and(|r| r.is_ok()) {
            saved.update(|v| *v += 1);
        }
    });
    let text = {
        let (key, loc) = (key.clone(), loc.clone());
        move || TemplateText {
            key: key.clone(),
            locale: loc.clone(),
            subject: subject.get_untracked(),
            body: body.get_untracked(),
            edited: false,
        }
    };
    let error = Signal::derive(move || {
        last_error(save.value())
            .get()
            .or(last_error(preview.value()).get())
            .or(last_error(test.value()).get())
    });
    let locales = Signal::derive(|| {
        vec![
            ("en".to_string(), "English".to_string()),
            ("es".to_string(), "Español".to_string()),
        ]
    });
    let (t1, t2, t3) = (text.clone(), text.clone(), text.clone());
    let (k2, l2) = (key.clone(), loc.clone());
    view! {
        <div class="card stack" data-testid="template-editor">
            <h2 class="card-title">{
                let k = key.clone();
                move || label(i18n, &k)
            }</h2>
            <div class="form-row">
                <SelectField label=tlabel("msg.language") id="template-locale" field="locale" value=locale options=locales/>
                <p class="muted" data-testid="template-origin">{move || i18n.t(if edited.get() { "msg.firm_wording" } else { "msg.builtin" })}</p>
            </div>
            <p class="muted small">{move || i18n.t("msg.placeholders")}": "
                {move || placeholders.get().into_iter().map(|p| view! { <code class="placeholder">{format!("{{{p}}}")}</code>" " }).collect_view()}
            </p>
            <form class="form" novalidate data-testid="template-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                save.dispatch(SaveMailTemplate { text: t1() });
            }>
                <FormProblem error shown=vec!["subject".into(), "body".into()]/>
                <TextField label=tlabel("msg.subject") id="template-subject" field="subject" value=subject error autocomplete="off"/>
                <TextField label=tlabel("msg.body") id="template-body" field="body" value=body error multiline=true hint=tlabel("msg.body_hint")/>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>{move || i18n.t("common.save")}</button>
                    <button type="button" class="btn" on:click=move |_| { preview.dispatch(PreviewMailTemplate { text: t2() }); }>{move || i18n.t("msg.preview")}</button>
                    <button type="button" class="btn" on:click=move |_| { test.dispatch(TestMailTemplate { text: t3() }); }>{move || i18n.t("msg.test_send")}</button>
                    {move || edited.get().then(|| {
                        let (k, l) = (k2.clone(), l2.clone());
                        view! {
                            <button type="button" class="btn btn-ghost" on:click=move |_| { reset.dispatch(ResetMailTemplate { key: k.clone(), locale: l.clone() }); }>{move || i18n.t("msg.reset")}</button>
                        }
                    })}
                </div>
            </form>
            {move || save.value().get().and_then(Result::ok).map(|_| view! { <p class="alert alert-success" role="status" data-testid="template-saved">{move || i18n.t("common.saved")}</p> })}
            {move || test.value().get().and_then(Result::ok).map(|to| view! { <p class="alert alert-success" role="status" data-testid="template-tested">{move || i18n.t("msg.test_sent")}" "{to.clone()}</p> })}
            {move || preview.value().get().and_then(Result::ok).map(|p| view! {
                <div class="mail-preview" data-testid="template-preview">
                    <p><strong>{p.subject.clone()}</strong></p>
                    <pre class="mail-text">{p.text.clone()}</pre>
                </div>
            })}
        </div>
    }
}
