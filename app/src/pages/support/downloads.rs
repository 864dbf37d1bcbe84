//! The download centre: staff publish files and links (`/admin/downloads`), clients see their
//! group's by category (`/downloads`).
use crate::api::support::{
    RemoveDownload, SaveDownload, download_entries, download_groups, my_downloads,
};
use crate::domain::support::{DownloadCategory, Os};
use crate::i18n::use_i18n;
use crate::model::{DownloadForm, DownloadItem, DownloadRow, UploadDto};
use crate::pages::PageHeader;
use crate::ui::form::{
    CheckField, FileField, FormError, GroupChecks, SelectField, Submit, TextField, first_error,
    last_error, tlabel,
};
use crate::ui::resource::resource;
use leptos::prelude::*;

fn category_key(c: DownloadCategory) -> &'static str {
    match c {
        DownloadCategory::Platforms => "downloads.platforms",
        DownloadCategory::Guides => "downloads.guides",
        DownloadCategory::Terms => "downloads.terms",
        DownloadCategory::Other => "downloads.other",
    }
}

fn os_key(o: Os) -> &'static str {
    match o {
        Os::Any => "downloads.os_any",
        Os::Windows => "downloads.os_windows",
        Os::Mac => "downloads.os_mac",
        Os::Linux => "downloads.os_linux",
        Os::Android => "downloads.os_android",
        Os::Ios => "downloads.os_ios",
        Os::Web => "downloads.os_web",
    }
}

#[component]
pub fn DownloadCentrePage() -> impl IntoView {
    let i18n = use_i18n();
    let items = resource(|| (), |_| my_downloads());
    view! {
        <PageHeader title="nav.downloads" subtitle="downloads.mine_sub"/>
        <Suspense fallback=move || view! { <div class="spinner"></div> }>
            {move || items.get().map(|r| match r {
                Err(e) => view! { <p class="alert alert-error">{i18n.t(e.key())}</p> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="card muted">{move || i18n.t("downloads.none")}</p> }.into_any(),
                Ok(list) => view! {
                    <div class="stack" data-testid="download-centre">
                        {DownloadCategory::ALL.iter().filter_map(|c| {
                            let these: Vec<DownloadItem> = list.iter().filter(|d| d.category == *c).cloned().collect();
                            (!these.is_empty()).then(|| {
                                let key = category_key(*c);
                                view! {
                                    <section class="stack">
                                        <h2 class="section-title">{move || i18n.t(key)}</h2>
                                        <div class="download-grid">
                                            {these.into_iter().map(|d| view! { <Entry d/> }).collect_view()}
                                        </div>
                                    </section>
                                }
                            })
                        }).collect_view()}
                    </div>
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Entry(d: DownloadItem) -> impl IntoView {
    let i18n = use_i18n();
    let os = d.os;
    view! {
        <div class="card download-card" data-testid=format!("download-{}", d.title)>
            <div class="thread-head">
                <strong>{d.title.clone()}</strong>
                {(os != Os::Any).then(|| view! { <span class="badge badge-muted">{move || i18n.t(os_key(os))}</span> })}
            </div>
            <p class="muted">{d.description.clone()}</p>
            {if d.is_file {
                view! { <a class="btn btn-primary btn-sm" href=d.href.clone() rel="external" download="">{move || i18n.t("downloads.download")}</a> }.into_any()
            } else {
                view! { <a class="btn btn-sm" href=d.href.clone() rel="external noopener" target="_blank">{move || i18n.t("downloads.open_link")}</a> }.into_any()
            }}
        </div>
    }
}

#[component]
pub fn DownloadsAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(0u32);
    let entries = resource(move || version.get(), |_| download_entries());
    let editing: RwSignal<Option<Option<DownloadRow>>> = RwSignal::new(None);
    let remove = ServerAction::<RemoveDownload>::new();
    let remove_error = last_error(remove.value());
    let done = Callback::new(move |_| {
        editing.set(None);
        version.update(|v| *v += 1);
    });
    Effect::new(move |_| {
        if matches!(remove.value().get(), Some(Ok(()))) {
            version.update(|v| *v += 1);
        }
    });
    view! {
        <PageHeader title="nav.downloads" subtitle="downloads.admin_sub">
            <button type="button" class="btn btn-primary" data-testid="new-download" on:click=move |_| editing.set(Some(None))>
                {move || i18n.t("downloads.new")}
            </button>
        </PageHeader>
        <div class="stack">
            {move || editing.get().map(|row| view! {
                <DownloadEditor row on_done=done on_cancel=Callback::new(move |_| editing.set(None))/>
            })}
            <div class="card">
                <FormError error=remove_error/>
                <div class="table-wrap">
                    <table class="table" data-testid="downloads">
                        <thead>
                            <tr>
                                <th>{move || i18n.t("downloads.title")}</th>
                                <th>{move || i18n.t("downloads.category")}</th>
                                <th>{move || i18n.t("downloads.os")}</th>
                                <th>{move || i18n.t("downloads.what")}</th>
                                <th>{move || i18n.t("downloads.groups")}</th>
                                <th>{move || i18n.t("downloads.count")}</th>
                                <th>{move || i18n.t("common.actions")}</th>
                            </tr>
                        </thead>
                        <Transition fallback=|| ()>
                            {move || entries.get().map(|r| match r {
                                Err(e) => view! { <tbody><tr><td colspan="7" class="alert alert-error">{i18n.t(e.key())}</td></tr></tbody> }.into_any(),
                                Ok(rows) if rows.is_empty() => view! { <tbody><tr><td colspan="7" class="muted">{move || i18n.t("downloads.none")}</td></tr></tbody> }.into_any(),
                                Ok(rows) => view! {
                                    <tbody>
                                        {rows.into_iter().map(|d| {
                                            let row = d.clone();
                                            let (cat, os) = (category_key(d.category), os_key(d.os));
                                            view! {
                                                <tr data-testid=format!("entry-{}", d.title_en)>
                                                    <td>
                                                        <a href=format!("/downloads/{}", d.id) rel="external" target="_blank">{d.title_en.clone()}</a>
                                                        {(!d.active).then(|| view! { " "<span class="badge badge-muted">{move || i18n.t("downloads.hidden")}</span> })}
                                                    </td>
                                                    <td>{move || i18n.t(cat)}</td>
                                                    <td>{move || i18n.t(os)}</td>
                                                    <td class="cell-sub">{d.file.as_ref().map(|f| f.file_name.clone()).unwrap_or_else(|| d.url.clone())}</td>
                                                    <td>{if d.group_ids.is_empty() { i18n.t("downloads.all_groups").to_string() } else { d.group_ids.len().to_string() }}</td>
                                                    <td data-testid="download-count">{d.downloads}</td>
                                                    <td class="row-actions">
                                                        <button type="button" class="btn btn-sm" on:click=move |_| editing.set(Some(Some(row.clone())))>{move || i18n.t("common.edit")}</button>
                                                        <button type="button" class="btn btn-sm btn-ghost" on:click=move |_| { remove.dispatch(RemoveDownload { id: d.id }); }>{move || i18n.t("downloads.remove")}</button>
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                }.into_any(),
                            })}
                        </Transition>
                    </table>
                </div>
            </div>
        </div>
    }
}

#[component]
fn DownloadEditor(
    row: Option<DownloadRow>,
    on_done: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveDownload>::new();
    let save_error = last_error(save.value());
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            on_done.run(());
        }
    });
    let r = row.clone();
    let text = |f: fn(&DownloadRow) -> String| RwSignal::new(r.as_ref().map(f).unwrap_or_default());
    let title_en = text(|d| d.title_en.clone());
    let title_es = text(|d| d.title_es.clone());
    let description_en = text(|d| d.description_en.clone());
    let description_es = text(|d| d.description_es.clone());
    let url = text(|d| d.url.clone());
    let category = text(|d| d.category.as_str().to_string());
    let os = text(|d| d.os.as_str().to_string());
    let position = text(|d| d.position.to_string());
    if r.is_none() {
        category.set(DownloadCategory::Platforms.as_str().into());
        os.set(Os::Any.as_str().into());
        position.set("0".into());
    }
    let file: RwSignal<Option<UploadDto>> = RwSignal::new(r.as_ref().and_then(|d| d.file.clone()));
    let busy = RwSignal::new(false);
    let active = RwSignal::new(r.as_ref().map(|d| d.active).unwrap_or(true));
    let chosen = RwSignal::new(r.as_ref().map(|d| d.group_ids.clone()).unwrap_or_default());
    let groups = resource(|| (), |_| download_groups());
    let id = r.as_ref().map(|d| d.id).unwrap_or(0);
    let categories = Signal::derive(move || {
        DownloadCategory::ALL
            .iter()
            .map(|c| (c.as_str().to_string(), i18n.t(category_key(*c)).to_string()))
            .collect::<Vec<_>>()
    });
    let systems = Signal::derive(move || {
        Os::ALL
            .iter()
            .map(|o| (o.as_str().to_string(), i18n.t(os_key(*o)).to_string()))
            .collect::<Vec<_>>()
    });
    let error = first_error([save_error]);
    view! {
        <div class="card">
            <h2 class="card-title">{move || if id == 0 { i18n.t("downloads.new") } else { i18n.t("downloads.edit") }}</h2>
            <form class="form" data-testid="download-form" on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(SaveDownload { form: DownloadForm {
                    id,
                    category: category.get_untracked(),
                    os: os.get_untracked(),
                    title_en: title_en.get_untracked(),
                    title_es: title_es.get_untracked(),
                    description_en: description_en.get_untracked(),
                    description_es: description_es.get_untracked(),
                    url: if file.get_untracked().is_some() { String::new() } else { url.get_untracked() },
                    upload_id: file.get_untracked().map(|f| f.id).unwrap_or(0),
                    position: position.get_untracked().trim().parse().unwrap_or(-1),
                    group_ids: chosen.get_untracked(),
                    active: active.get_untracked(),
                } });
            }>
                <FormError error/>
                <div class="form-row-3">
                    <SelectField label=tlabel("downloads.category") id="f-dl-category" field="category" value=category options=categories error/>
                    <SelectField label=tlabel("downloads.os") id="f-dl-os" field="os" value=os options=systems error/>
                    <TextField label=tlabel("downloads.position") id="f-dl-position" field="position" value=position error inputmode="numeric"/>
                </div>
                <div class="form-row">
                    <TextField label=tlabel("downloads.title_en") id="f-dl-title-en" field="title_en" value=title_en error required=true/>
                    <TextField label=tlabel("downloads.title_es") id="f-dl-title-es" field="title_es" value=title_es error/>
                </div>
                <div class="form-row">
                    <TextField label=tlabel("downloads.description_en") id="f-dl-desc-en" field="description_en" value=description_en error multiline=true/>
                    <TextField label=tlabel("downloads.description_es") id="f-dl-desc-es" field="description_es" value=description_es error multiline=true/>
                </div>
                <div class="form-row">
                    <TextField label=tlabel("downloads.link") id="f-dl-url" field="url" value=url error kind="url" hint=tlabel("downloads.link_hint")/>
                    <FileField label=tlabel("downloads.file") id="f-dl-file" field="upload_id" purpose="download" uploaded=file busy error/>
                </div>
                <GroupChecks groups chosen hint="downloads.groups_hint"/>
                <CheckField label=tlabel("downloads.visible") checked=active/>
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("common.save")) pending=Signal::derive(move || save.pending().get() || busy.get())/>
                    <button type="button" class="btn btn-ghost" on:click=move |_| on_cancel.run(())>{move || i18n.t("common.cancel")}</button>
                </div>
            </form>
        </div>
    }
}
