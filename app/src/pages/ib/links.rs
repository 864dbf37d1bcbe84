//! Promotional links: an IB names a link to the registration page or a published challenge,
//! shares it, and watches its funnel (clicks, sign-ups, first deposits, purchases, fees). The
//! list is shared with the back office's firm links.
use super::IbNav;
use crate::api::ib::{ArchiveIbLink, CreateIbLink, ib_links};
use crate::api::prop::challenges::get_challenge_cards;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::model::{LinkForm, LinkRow, Page};
use crate::pages::PageHeader;
use crate::ui::form::{FormProblem, last_error};
use crate::ui::layout::CopyButton;
use crate::ui::resource::{Json, resource};
use crate::ui::table::{ListBody, ListState, SortHeader};
use crate::ui::text::monies;
use crate::ui::toolbar::ListToolbar;
use leptos::prelude::*;

pub fn link_filters() -> Vec<(&'static str, &'static str)> {
    vec![
        ("", "common.all"),
        ("active", "ib.links_active"),
        ("archived", "ib.links_archived"),
    ]
}

#[component]
pub fn IbLinksPage() -> impl IntoView {
    let create = ServerAction::<CreateIbLink>::new();
    let archive = ServerAction::<ArchiveIbLink>::new();
    let state = ListState::new("id", true);
    let data = resource(
        move || (state.get(), create.version().get(), archive.version().get()),
        |(q, _, _)| ib_links(q),
    );
    let export =
        Signal::derive(move || format!("/export/ib-links.csv?{}", state.get().to_query_string()));
    view! {
        <PageHeader title="ib.nav_links" subtitle="ib.links_sub"/>
        <IbNav/>
        <div class="stack">
            <LinkCreator submit=Callback::new(move |form| { create.dispatch(CreateIbLink { form }); })
                pending=create.pending().into() error=last_error(create.value()) created=Signal::derive(move || matches!(create.value().get(), Some(Ok(_))))/>
            <LinkList state data export archive=Callback::new(move |id| { archive.dispatch(ArchiveIbLink { id }); }) owner=false/>
        </div>
    }
}

/// The form that names a new link.
#[component]
pub fn LinkCreator(
    submit: Callback<LinkForm>,
    pending: Signal<bool>,
    error: Signal<Option<AppError>>,
    created: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let target = RwSignal::new("register".to_string());
    let challenge = RwSignal::new(0i64);
    let cards = resource(|| (), |_| get_challenge_cards());
    Effect::new(move |_| {
        if created.get() {
            name.set(String::new());
        }
    });
    view! {
        <form class="card stack" data-testid="link-form" on:submit=move |ev| {
            ev.prevent_default();
            submit.run(LinkForm { name: name.get_untracked(), target: target.get_untracked(), challenge_id: challenge.get_untracked() });
        }>
            <h2 class="card-title">{move || i18n.t("ib.new_link")}</h2>
            <div class="form-row">
                <label class="field">
                    <span>{move || i18n.t("common.name")}</span>
                    <input name="name" required maxlength="100" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span>{move || i18n.t("ib.link_target")}</span>
                    <select name="target" prop:value=move || target.get() on:change=move |ev| target.set(event_target_value(&ev))>
                        <option value="register">{move || i18n.t("ib.target_register")}</option>
                        <option value="challenge">{move || i18n.t("ib.target_challenge")}</option>
                    </select>
                </label>
                <Show when=move || target.get() == "challenge">
                    <label class="field">
                        <span>{move || i18n.t("prop.challenge")}</span>
                        <select name="challenge" on:change=move |ev| challenge.set(event_target_value(&ev).parse().unwrap_or(0))>
                            <option value="0">{move || i18n.t("ib.choose_challenge")}</option>
                            <Transition fallback=|| ()>
                                {move || cards.get().and_then(Result::ok).map(|cs| cs.into_iter().map(|c| view! {
                                    <option value=c.id.to_string()>{c.name}</option>
                                }).collect_view())}
                            </Transition>
                        </select>
                    </label>
                </Show>
            </div>
            <FormProblem error/>
            <div class="cluster">
                <button type="submit" class="btn btn-primary" disabled=move || pending.get()>{move || i18n.t("ib.create_link")}</button>
            </div>
        </form>
    }
}

/// Links with their funnels; `owner` shows whose each is (the firm's list).
#[component]
pub fn LinkList(
    state: ListState,
    data: Resource<Result<Page<LinkRow>, AppError>, Json>,
    export: Signal<String>,
    archive: Callback<i64>,
    owner: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="card">
            <ListToolbar state search="ib.search_links" filters=link_filters() export/>
            <div class="table-wrap">
                <table class="table prop-table" data-testid="links">
                    <thead>
                        <tr>
                            <SortHeader state col="id" label="common.id" num=true/>
                            <th>{move || i18n.t("common.name")}</th>
                            <th>{move || i18n.t("ib.link_target")}</th>
                            {owner.then(|| view! { <th>{move || i18n.t("ib.owner")}</th> })}
                            <th class="num">{move || i18n.t("ib.clicks")}</th>
                            <th class="num">{move || i18n.t("ib.signups")}</th>
                            <th class="num">{move || i18n.t("ib.first_deposits")}</th>
                            <th class="num">{move || i18n.t("ib.purchases")}</th>
                            <th class="num">{move || i18n.t("ib.fees")}</th>
                            <th>{move || i18n.t("common.actions")}</th>
                        </tr>
                    </thead>
                    <ListBody state data cols=if owner { 10 } else { 9 } row=move |l: LinkRow| view! { <LinkLine l archive owner/> }/>
                </table>
            </div>
        </div>
    }
}

#[component]
fn LinkLine(l: LinkRow, archive: Callback<i64>, owner: bool) -> impl IntoView {
    let i18n = use_i18n();
    let id = l.id;
    let url = l.url.clone();
    let (kind, challenge) = (l.target.clone(), l.challenge.clone());
    let target = move || {
        if kind == "challenge" {
            format!("{}: {}", i18n.t("ib.target_challenge"), challenge)
        } else {
            i18n.t("ib.target_register").to_string()
        }
    };
    let funnel = |n: u64, of: u64| -> String {
        match crate::domain::bps::Bps::ratio(n as i64, of as i64) {
            Some(b) if of > 0 => format!("{n} ({b})"),
            _ => n.to_string(),
        }
    };
    view! {
        <tr data-testid=format!("link-{id}") data-clicks=l.clicks data-signups=l.signups data-purchases=l.purchases>
            <td class="num mono">{id}</td>
            <td>
                <span class="cell-main">{l.name.clone()}</span>
                <span class="cell-sub mono">{l.url.clone()}</span>
            </td>
            <td>{target}</td>
            {owner.then(|| view! { <td>{crate::ui::prop::or_dash(&l.owner)}</td> })}
            <td class="num">{l.clicks}</td>
            <td class="num">{funnel(l.signups, l.clicks)}</td>
            <td class="num">{funnel(l.first_deposits, l.signups)}</td>
            <td class="num">{funnel(l.purchases, l.signups)}</td>
            <td class="num">{monies(&l.fees)}</td>
            <td>
                <div class="cluster">
                    <CopyButton text=Signal::derive(move || url.clone())/>
                    {(!l.archived).then(|| view! {
                        <button type="button" class="btn btn-sm" on:click=move |_| archive.run(id)>{move || i18n.t("ib.archive")}</button>
                    })}
                    {l.archived.then(|| view! { <span class="badge badge-muted">{move || i18n.t("ib.archived")}</span> })}
                </div>
            </td>
        </tr>
    }
}
