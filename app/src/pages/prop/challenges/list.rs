//! The list of challenges, with their status, packages and participants.
use crate::api::prop::challenges::get_challenges;
use crate::i18n::use_i18n;
use crate::model::ChallengeRow;
use crate::pages::PageHeader;
use crate::ui::resource::resource;
use crate::ui::table::EmptyRow;
use leptos::prelude::*;

/// A challenge's status (draft, published, terminated) as a coloured badge.
#[component]
pub fn ChallengeStatus(status: String) -> impl IntoView {
    let i18n = use_i18n();
    let class = match status.as_str() {
        "published" => "badge badge-success",
        "terminated" => "badge badge-danger",
        _ => "badge badge-muted",
    };
    let key = format!("chal.status_{status}");
    view! {
        <span class=class data-status=status data-testid="chal-status">
            {move || i18n.t(&key)}
        </span>
    }
}

#[component]
pub fn ChallengesPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = resource(|| (), |_| get_challenges());
    view! {
        <PageHeader title="nav.challenges" subtitle="chal.list_sub">
            <a class="btn btn-primary" href="/admin/challenges/new" data-testid="chal-new">
                {move || i18n.t("chal.new")}
            </a>
        </PageHeader>
        <div class="card">
            <div class="table-wrap">
                <table class="table" data-testid="chal-list">
                    <thead>
                        <tr>
                            <th>{move || i18n.t("common.name")}</th>
                            <th>{move || i18n.t("common.status")}</th>
                            <th class="num">{move || i18n.t("chal.version")}</th>
                            <th class="num">{move || i18n.t("chal.packages")}</th>
                            <th class="num">{move || i18n.t("chal.participants")}</th>
                            <th>{move || i18n.t("chal.updated")}</th>
                            <th><span class="sr-only">{move || i18n.t("common.actions")}</span></th>
                        </tr>
                    </thead>
                    <Transition fallback=|| view! { <tbody><tr><td colspan="7"><div class="spinner"></div></td></tr></tbody> }>
                        {move || {
                            list.get()
                                .map(|r| match r {
                                    Ok(rows) => {
                                        view! {
                                            <tbody>
                                                {rows.is_empty().then(|| view! { <EmptyRow cols=7/> })}
                                                {rows.into_iter().map(challenge_row).collect_view()}
                                            </tbody>
                                        }
                                            .into_any()
                                    }
                                    Err(e) => view! { <tbody><tr><td colspan="7" class="form-error">{move || i18n.t(e.key())}</td></tr></tbody> }.into_any(),
                                })
                        }}
                    </Transition>
                </table>
            </div>
        </div>
    }
}

fn challenge_row(c: ChallengeRow) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/admin/challenges/{}", c.id);
    view! {
        <tr data-testid=format!("chal-row-{}", c.id) data-name=c.name.clone()>
            <td><a class="cell-main" href=href.clone()>{c.name.clone()}</a></td>
            <td>
                <span class="cluster">
                    <ChallengeStatus status=c.status.clone()/>
                    {c.has_draft.then(|| view! {
                        <span class="badge badge-warn" data-testid="chal-has-draft">{move || i18n.t("chal.unpublished")}</span>
                    })}
                </span>
            </td>
            <td class="num">{c.version}</td>
            <td class="num">{c.packages}</td>
            <td class="num">{c.participants}</td>
            <td class="nowrap">{c.updated_at.clone()}</td>
            <td><a class="btn btn-sm" href=href>{move || i18n.t("appr.open")}</a></td>
        </tr>
    }
}
