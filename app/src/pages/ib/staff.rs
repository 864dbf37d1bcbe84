//! The back office's IB programme: the Fee Commission Report, rank sets and their tiers, the
//! firm's promotional links (tabs of `/admin/ib`), and a client's place in the programme
//! (`/admin/ib/clients/:id`: upline, tier, downlines).
use super::commission::{CommissionTable, structure_filters};
use super::links::{LinkCreator, LinkList};
use crate::api::ib::{
    ArchiveFirmLink, CreateFirmLink, MoveUpline, SaveRankSet, SetIbTier, client_ib_info,
    fee_commission_report, firm_links, rank_sets,
};
use crate::api::prop::challenges::get_challenges;
use crate::i18n::use_i18n;
use crate::model::{RankSetForm, RankSetRow, TierForm};
use crate::pages::PageHeader;
use crate::ui::form::{FormError, FormProblem, Submit, TextField, last_error, tlabel};
use crate::ui::resource::resource;
use crate::ui::route_id;
use crate::ui::settings::{Editing, SettingsList};
use crate::ui::table::{Col, ListState, RowsTable};
use crate::ui::tabs::TabBar;
use crate::ui::toolbar::ListToolbar;
use leptos::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Report,
    Ranks,
    Links,
}

#[component]
pub fn IbAdminPage() -> impl IntoView {
    let tab = RwSignal::new(Tab::Report);
    let tabs = vec![
        (Tab::Report, "ib.fee_report"),
        (Tab::Ranks, "ib.rank_sets"),
        (Tab::Links, "ib.firm_links"),
    ];
    view! {
        <PageHeader title="nav.ib_admin" subtitle="ib.admin_sub"/>
        <TabBar tab tabs label="nav.ib_admin"/>
        {move || match tab.get() {
            Tab::Report => view! { <FeeReport/> }.into_any(),
            Tab::Ranks => view! { <RankSets/> }.into_any(),
            Tab::Links => view! { <FirmLinks/> }.into_any(),
        }}
    }
}

/// Every fee commission (recipient, level or tier, fees before and after discount, amount)
/// with its summation bar, by challenge and period, and CSV.
#[component]
fn FeeReport() -> impl IntoView {
    let i18n = use_i18n();
    let state = ListState::new("id", true);
    let challenge = RwSignal::new(0i64);
    let challenges = resource(|| (), |_| get_challenges());
    let data = resource(
        move || (state.get(), challenge.get()),
        |(q, c)| fee_commission_report(q, c),
    );
    let export = Signal::derive(move || {
        format!(
            "/export/fee-commissions.csv?{}&challenge={}",
            state.get().to_query_string(),
            challenge.get()
        )
    });
    view! {
        <div class="card" data-testid="fee-report">
            <ListToolbar state search="ib.search_recipients" filters=structure_filters() filter_label="ib.structure" dates=true export>
                <select aria-label=move || i18n.t("prop.challenge") data-testid="report-challenge"
                    on:change=move |ev| { challenge.set(event_target_value(&ev).parse().unwrap_or(0)); state.0.update(|q| q.page = 0); }>
                    <option value="0">{move || i18n.t("prop.all_challenges")}</option>
                    <Transition fallback=|| ()>
                        {move || challenges.get().and_then(Result::ok).map(|cs| cs.into_iter().map(|c| view! {
                            <option value=c.id.to_string()>{c.name}</option>
                        }).collect_view())}
                    </Transition>
                </select>
            </ListToolbar>
            <CommissionTable state data staff=true/>
        </div>
    }
}

#[component]
fn FirmLinks() -> impl IntoView {
    let create = ServerAction::<CreateFirmLink>::new();
    let archive = ServerAction::<ArchiveFirmLink>::new();
    let state = ListState::new("id", true);
    let data = resource(
        move || (state.get(), create.version().get(), archive.version().get()),
        |(q, _, _)| firm_links(q),
    );
    let export =
        Signal::derive(move || format!("/export/firm-links.csv?{}", state.get().to_query_string()));
    view! {
        <div class="stack">
            <LinkCreator submit=Callback::new(move |form| { create.dispatch(CreateFirmLink { form }); })
                pending=create.pending().into() error=last_error(create.value())
                created=Signal::derive(move || matches!(create.value().get(), Some(Ok(_))))/>
            <LinkList state data export archive=Callback::new(move |id| { archive.dispatch(ArchiveFirmLink { id }); }) owner=true/>
        </div>
    }
}

#[component]
fn RankSets() -> impl IntoView {
    let editing = Editing::<RankSetForm>::new();
    let data = resource(move || editing.version.get(), |_| rank_sets());
    view! {
        <SettingsList
            title="ib.rank_sets"
            add="ib.add_rank_set"
            editing
            data
            new_item=|| RankSetForm { tiers: vec![TierForm::default()], ..Default::default() }
            list=move |list| view! { <RankSetsTable list editing/> }
            editor=move |form, _| view! { <RankSetEditor form on_done=editing.on_saved() on_cancel=editing.on_cancel()/> }
        />
    }
}

#[component]
fn RankSetsTable(list: Vec<RankSetRow>, editing: Editing<RankSetForm>) -> impl IntoView {
    let i18n = use_i18n();
    let cols = vec![
        Col::text("common.name"),
        Col::text("ib.tiers"),
        Col::actions(),
    ];
    view! {
        <RowsTable cols rows=list testid="rank-sets" row=move |s: RankSetRow| {
            let form = RankSetForm {
                id: s.id,
                name: s.name.clone(),
                tiers: s.tiers.iter().map(|t| TierForm { id: t.id, name: t.name.clone() }).collect(),
            };
            let tiers = s.tiers.iter().map(|t| format!("{}. {}", t.position, t.name)).collect::<Vec<_>>().join(" · ");
            view! {
                <tr data-testid=format!("rank-set-{}", s.name)>
                    <td>{s.name.clone()}</td>
                    <td class="muted">{tiers}</td>
                    <td><button type="button" class="btn btn-sm" on:click=move |_| editing.edit(form.clone())>{move || i18n.t("common.edit")}</button></td>
                </tr>
            }
        }/>
    }
}

/// A rank set's name and its tiers, lowest first; tiers are added, renamed, moved and removed
/// here (a tier someone holds cannot be removed).
#[component]
fn RankSetEditor(
    form: RankSetForm,
    on_done: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = form.id;
    let name = RwSignal::new(form.name.clone());
    let tiers = RwSignal::new(
        form.tiers
            .iter()
            .map(|t| (t.id, RwSignal::new(t.name.clone())))
            .collect::<Vec<_>>(),
    );
    let save = ServerAction::<SaveRankSet>::new();
    let error = last_error(save.value());
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            on_done.run(());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = RankSetForm {
            id,
            name: name.get_untracked(),
            tiers: tiers
                .get_untracked()
                .iter()
                .map(|(id, n)| TierForm {
                    id: *id,
                    name: n.get_untracked(),
                })
                .collect(),
        };
        save.dispatch(SaveRankSet { form });
    };
    let swap = move |i: usize| {
        tiers.update(|t| {
            if i + 1 < t.len() {
                t.swap(i, i + 1)
            }
        })
    };
    view! {
        <div class="card">
            <h2 class="card-title">{move || i18n.t(if id == 0 { "ib.add_rank_set" } else { "ib.edit_rank_set" })}</h2>
            <form class="form" on:submit=submit novalidate data-testid="rank-set-form">
                <FormError error/>
                <TextField label=tlabel("common.name") id="rank-set-name" value=name field="name" error required=true autocomplete="off"/>
                <p class="muted">{move || i18n.t("ib.tiers_hint")}</p>
                <ol class="stack">
                    {move || tiers.get().into_iter().enumerate().map(|(i, (_, n))| view! {
                        <li class="cluster">
                            <TextField label=Signal::derive(move || format!("{} {}", i18n.t("ib.tier"), i + 1)) id=format!("tier-{i}") value=n field=format!("tiers.{i}") error autocomplete="off"/>
                            <button type="button" class="btn btn-sm btn-ghost" aria-label=move || i18n.t("ib.tier_up")
                                disabled=i == 0 on:click=move |_| swap(i.saturating_sub(1))>"↑"</button>
                            <button type="button" class="btn btn-sm btn-ghost" aria-label=move || i18n.t("ib.tier_remove")
                                on:click=move |_| tiers.update(|t| { t.remove(i); })>"✕"</button>
                        </li>
                    }).collect_view()}
                </ol>
                <div class="cluster">
                    <button type="button" class="btn btn-sm" data-testid="add-tier"
                        on:click=move |_| tiers.update(|t| t.push((0, RwSignal::new(String::new()))))>{move || i18n.t("ib.add_tier")}</button>
                </div>
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("common.save")) pending=save.pending()/>
                    <button type="button" class="btn btn-ghost" on:click=move |_| on_cancel.run(())>{move || i18n.t("common.cancel")}</button>
                </div>
            </form>
        </div>
    }
}

/// A client's place in the programme: their upline (movable, with the loop check on the
/// server), their tier (for IBs), and how many clients are under them.
#[component]
pub fn ClientIbPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = route_id();
    let set_tier = ServerAction::<SetIbTier>::new();
    let move_up = ServerAction::<MoveUpline>::new();
    let info = resource(
        move || (id.get(), set_tier.version().get(), move_up.version().get()),
        |(id, _, _)| client_ib_info(id),
    );
    let sets = resource(|| (), |_| rank_sets());
    let upline = RwSignal::new(String::new());
    let move_error = last_error(move_up.value());
    let tier_error = last_error(set_tier.value());
    view! {
        <PageHeader title="ib.client_title" subtitle="ib.client_sub">
            <a class="btn btn-ghost" href="/admin/clients">{move || i18n.t("prop.back")}</a>
        </PageHeader>
        <Transition fallback=|| view! { <div class="spinner"></div> }>
            {move || info.get().map(|r| match r {
                Ok(c) => {
                    let tier = c.tier_id.unwrap_or(0).to_string();
                    view! {
                        <div class="grid-cards" data-testid="client-ib">
                            <div class="card stat">
                                <span class="stat-label">{move || i18n.t("ib.upline")}</span>
                                <span class="stat-value small" data-testid="client-upline">{crate::ui::prop::or_dash(&c.upline)}</span>
                            </div>
                            <div class="card stat">
                                <span class="stat-label">{move || i18n.t("ib.direct")}</span>
                                <span class="stat-value">{c.direct}</span>
                            </div>
                            <div class="card stat">
                                <span class="stat-label">{move || i18n.t("ib.downlines")}</span>
                                <span class="stat-value">{c.downlines}</span>
                            </div>
                        </div>
                        <div class="card stack">
                            <h2 class="card-title">{move || i18n.t("ib.move_upline")}</h2>
                            <form class="cluster" on:submit=move |ev| {
                                ev.prevent_default();
                                let to = upline.get_untracked().trim().parse::<i64>().unwrap_or(-1);
                                move_up.dispatch(MoveUpline { client: id.get_untracked(), upline: to });
                            }>
                                <TextField label=tlabel("ib.new_upline_id") id="new-upline" value=upline field="referrer" error=move_error inputmode="numeric" hint=tlabel("ib.new_upline_hint")/>
                                <button type="submit" class="btn" disabled=move || move_up.pending().get()>{move || i18n.t("ib.move")}</button>
                            </form>
                        </div>
                        {c.is_ib.then(|| view! {
                            <div class="card stack">
                                <h2 class="card-title">{move || i18n.t("ib.tier")}</h2>
                                <FormProblem error=tier_error/>
                                <select aria-label=move || i18n.t("ib.tier") data-testid="tier-select" prop:value=tier.clone()
                                    on:change=move |ev| { set_tier.dispatch(SetIbTier { client: id.get_untracked(), tier: event_target_value(&ev).parse().unwrap_or(0) }); }>
                                    <option value="0">{move || i18n.t("ib.no_tier")}</option>
                                    <Transition fallback=|| ()>
                                        {move || sets.get().and_then(Result::ok).map(|sets| sets.into_iter().map(|s| view! {
                                            <optgroup label=s.name.clone()>
                                                {s.tiers.into_iter().map(|t| view! { <option value=t.id.to_string()>{format!("{}. {}", t.position, t.name)}</option> }).collect_view()}
                                            </optgroup>
                                        }).collect_view())}
                                    </Transition>
                                </select>
                            </div>
                        })}
                    }.into_any()
                }
                Err(e) => view! { <FormProblem error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
            })}
        </Transition>
    }
}
