//! Identity verification (KYC): where the client stands, what the firm keeps behind it, and the
//! form with its documents (each uploaded as soon as it is chosen).
use crate::api::identity::kyc::{SubmitKyc, get_kyc_overview};
use crate::domain::approval::RequestStatus;
use crate::domain::kyc::KycStatus;
use crate::i18n::use_i18n;
use crate::model::{KycFormDto, KycItem, KycOverview, RequestRow, UploadDto};
use crate::pages::PageHeader;
use crate::ui::badge::KycBadge;
use crate::ui::badge::StatusBadge;
use crate::ui::form::{FileField, FormProblem, SelectField, Submit, TextField, last_error, tlabel};
use crate::ui::resource::resource;
use crate::ui::table::{Col, RowsTable};
use crate::ui::text::label_or;
use crate::ui::{datetime, new_idempotency_key};
use leptos::prelude::*;
use std::collections::BTreeMap;

#[component]
pub fn KycPage() -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(0u32);
    let overview = resource(move || version.get(), |_| get_kyc_overview());
    // The submission just made, shown once the overview has reloaded.
    let flash = RwSignal::new(None::<RequestRow>);
    view! {
        <PageHeader title="nav.kyc" subtitle="kyc.subtitle"/>
        <Transition fallback=|| view! { <div class="spinner"></div> }>
            {move || {
                overview
                    .get()
                    .map(|r| match r {
                        Ok(o) => view! { <Kyc o version flash/> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{move || i18n.t(e.key())}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn Kyc(
    o: KycOverview,
    version: RwSignal<u32>,
    flash: RwSignal<Option<RequestRow>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let status = o.status;
    let editable = status.may_submit();
    let intro = match status {
        KycStatus::NotSubmitted => "kyc.intro_none",
        KycStatus::Pending | KycStatus::Resubmitted => "kyc.intro_pending",
        KycStatus::Approved => "kyc.intro_approved",
        KycStatus::Rejected => "kyc.intro_rejected",
    };
    let reason =
        (status == KycStatus::Rejected && !o.reason.trim().is_empty()).then(|| o.reason.clone());
    let policy = o.policy.clone();
    let on_done = Callback::new(move |row: RequestRow| {
        flash.set(Some(row));
        version.update(|v| *v += 1);
    });
    let flash_view = move || {
        flash.get().map(|row| {
            let key = if row.status == RequestStatus::Approved {
                "kyc.submitted_approved"
            } else {
                "kyc.submitted_review"
            };
            view! {
                <div class="alert alert-success" role="status" data-testid="kyc-flash">
                    {move || i18n.t(key).replace("{id}", &row.id.to_string())}
                </div>
            }
        })
    };
    let body = if editable {
        view! { <KycForms forms=o.forms on_done/> }.into_any()
    } else if status == KycStatus::Approved {
        view! {
            <div class="card kyc-state is-approved" data-testid="kyc-approved">
                <span class="kyc-state-icon" aria-hidden="true">"✓"</span>
                <div>
                    <h2 class="card-title">{move || i18n.t("kyc.approved_title")}</h2>
                    <p class="muted">{move || i18n.t("kyc.approved_body")}</p>
                </div>
            </div>
        }
        .into_any()
    } else {
        view! {
            <div class="card kyc-state is-pending" data-testid="kyc-under-review">
                <span class="kyc-state-icon" aria-hidden="true">"…"</span>
                <div>
                    <h2 class="card-title">{move || i18n.t("kyc.review_title")}</h2>
                    <p class="muted">{move || i18n.t("kyc.review_body")}</p>
                </div>
            </div>
        }
        .into_any()
    };
    view! {
        <div class="stack">
            {flash_view}
            <div class="card">
                <div class="card-header">
                    <h2 class="card-title">{move || i18n.t("kyc.status_title")}</h2>
                    <KycBadge status testid="kyc-status"/>
                </div>
                <div class="stack">
                    <p>{move || i18n.t(intro)}</p>
                    {reason
                        .map(|r| {
                            view! {
                                <div class="alert alert-error" data-testid="kyc-reason">
                                    <strong>{move || i18n.t("kyc.rejection_reason")}</strong>
                                    <span>{r}</span>
                                </div>
                            }
                        })}
                    <div>
                        <h3 class="kyc-subtitle">{move || i18n.t("kyc.policy_title")}</h3>
                        {if policy.is_empty() {
                            view! { <p class="muted">{move || i18n.t("kyc.policy_none")}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="list-plain cluster" data-testid="kyc-policy">
                                    {policy
                                        .into_iter()
                                        .map(|a| {
                                            let key = format!("kyc.action_{a}");
                                            view! {
                                                <li>
                                                    <span class="badge badge-accent">{move || label_or(i18n, &key, &a)}</span>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }}
                    </div>
                </div>
            </div>
            {body}
            <Submissions rows=o.submissions/>
        </div>
    }
}

/// The form picker (when the firm has several) and the chosen form.
#[component]
fn KycForms(forms: Vec<KycFormDto>, on_done: Callback<RequestRow>) -> impl IntoView {
    let i18n = use_i18n();
    let mut forms: Vec<KycFormDto> = forms;
    if forms.iter().any(|f| f.active) {
        forms.retain(|f| f.active);
    }
    if forms.is_empty() {
        return view! {
            <div class="card">
                <p class="empty">{move || i18n.t("kyc.no_forms")}</p>
            </div>
        }
        .into_any();
    }
    let several = forms.len() > 1;
    let form_id = RwSignal::new(forms[0].id.to_string());
    let forms = StoredValue::new(forms);
    let options = Signal::derive(move || {
        forms.with_value(|fs| {
            fs.iter()
                .map(|f| (f.id.to_string(), f.name.clone()))
                .collect::<Vec<_>>()
        })
    });
    let no_error = Signal::derive(|| None);
    view! {
        <div class="card">
            {several
                .then(|| {
                    view! {
                        <div class="kyc-picker">
                            <SelectField
                                label=tlabel("kyc.choose_form")
                                id="f-kyc-form-select"
                                field="form_id"
                                value=form_id
                                options
                                error=no_error
                            />
                        </div>
                    }
                })}
            {move || {
                let id = form_id.get();
                forms
                    .with_value(|fs| fs.iter().find(|f| f.id.to_string() == id).cloned())
                    .map(|form| view! { <KycFormView form on_done/> })
            }}
        </div>
    }
    .into_any()
}

#[component]
fn KycFormView(form: KycFormDto, on_done: Callback<RequestRow>) -> impl IntoView {
    let i18n = use_i18n();
    let form_id = form.id;
    let fields: Vec<(KycItem, RwSignal<String>)> = form
        .fields
        .iter()
        .map(|f| (f.clone(), RwSignal::new(String::new())))
        .collect();
    let documents: Vec<(KycItem, RwSignal<Option<UploadDto>>, RwSignal<bool>)> = form
        .documents
        .iter()
        .map(|d| (d.clone(), RwSignal::new(None), RwSignal::new(false)))
        .collect();
    let mut shown: Vec<String> = fields
        .iter()
        .map(|(f, _)| format!("fields.{}", f.key))
        .collect();
    shown.extend(
        documents
            .iter()
            .map(|(d, _, _)| format!("documents.{}", d.key)),
    );
    let fields = StoredValue::new(fields);
    let documents = StoredValue::new(documents);
    let key = RwSignal::new(new_idempotency_key());
    let action = ServerAction::<SubmitKyc>::new();
    let error = last_error(action.value());
    Effect::new(move |_| {
        if let Some(Ok(row)) = action.value().get() {
            key.set(new_idempotency_key());
            on_done.run(row);
        }
    });
    let uploading =
        Signal::derive(move || documents.with_value(|ds| ds.iter().any(|(_, _, busy)| busy.get())));
    let pending = Signal::derive(move || action.pending().get() || uploading.get());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if uploading.get_untracked() {
            return;
        }
        let values: BTreeMap<String, String> = fields.with_value(|fs| {
            fs.iter()
                .map(|(f, v)| (f.key.clone(), v.get_untracked().trim().to_string()))
                .collect()
        });
        let docs: BTreeMap<String, i64> = documents.with_value(|ds| {
            ds.iter()
                .filter_map(|(d, u, _)| u.get_untracked().map(|u| (d.key.clone(), u.id)))
                .collect()
        });
        action.dispatch(SubmitKyc {
            idempotency_key: key.get_untracked(),
            form_id,
            fields: values,
            documents: docs,
        });
    };
    let has_fields = !form.fields.is_empty();
    let has_documents = !form.documents.is_empty();
    let description = form.description.trim().to_string();
    view! {
        <form id="kyc-form" class="form kyc-form" novalidate on:submit=on_submit data-form-id=form_id.to_string()>
            <div>
                <h2 class="card-title">{form.name.clone()}</h2>
                {(!description.is_empty()).then(|| view! { <p class="muted pre-line">{description}</p> })}
                <p class="muted required-note">{move || i18n.t("kyc.required_note")}</p>
            </div>
            <FormProblem error shown/>
            {has_fields
                .then(|| {
                    view! {
                        <fieldset class="kyc-section">
                            <legend>{move || i18n.t("kyc.details")}</legend>
                            <div class="form-grid">
                                {fields
                                    .get_value()
                                    .into_iter()
                                    .map(|(f, value)| {
                                        view! {
                                            <TextField
                                                label=f.label.clone()
                                                id=format!("f-kyc-{}", f.key)
                                                name=format!("fields[{}]", f.key)
                                                field=format!("fields.{}", f.key)
                                                value
                                                error
                                                required=f.required
                                            />
                                        }
                                    })
                                    .collect_view()}
                            </div>
                        </fieldset>
                    }
                })}
            {has_documents
                .then(|| {
                    view! {
                        <fieldset class="kyc-section">
                            <legend>{move || i18n.t("kyc.documents")}</legend>
                            <div class="form-grid">
                                {documents
                                    .get_value()
                                    .into_iter()
                                    .map(|(d, uploaded, busy)| {
                                        view! {
                                            <FileField
                                                label=d.label.clone()
                                                id=format!("f-kyc-doc-{}", d.key)
                                                field=format!("documents.{}", d.key)
                                                purpose="kyc"
                                                uploaded
                                                busy
                                                error
                                                required=d.required
                                            />
                                        }
                                    })
                                    .collect_view()}
                            </div>
                        </fieldset>
                    }
                })}
            <div class="form-actions">
                <Submit label=Signal::derive(move || i18n.t("kyc.submit")) pending/>
            </div>
        </form>
    }
}

#[component]
fn Submissions(rows: Vec<RequestRow>) -> impl IntoView {
    let i18n = use_i18n();
    if rows.is_empty() {
        return ().into_any();
    }
    let cols = vec![
        Col::text("common.id"),
        Col::text("kyc.submitted_at"),
        Col::text("common.status"),
        Col::text("funds.decided"),
        Col::text("kyc.reason"),
    ];
    view! {
        <div class="card">
            <h2 class="card-title">{move || i18n.t("kyc.submissions")}</h2>
            <RowsTable
                cols
                rows
                testid="kyc-submissions"
                row=move |r| {
                    view! {
                        <tr>
                            <td class="mono">{r.id}</td>
                            <td>{datetime(&r.created_at)}</td>
                            <td><StatusBadge status=r.status/></td>
                            <td>{r.decided_at.as_ref().map(datetime).unwrap_or_default()}</td>
                            <td class="muted">{r.reason.clone()}</td>
                        </tr>
                    }
                }
            />
        </div>
    }
    .into_any()
}
