//! Staff's competitions (`/admin/competitions`): every competition with its phase and entrants,
//! and the editor.
use super::{PhaseBadge, measure_key};
use crate::api::competitions::{SaveCompetition, competition_groups, competitions};
use crate::domain::competition::{Measure, PayoutMode};
use crate::i18n::use_i18n;
use crate::model::{CompetitionForm, CompetitionRow};
use crate::pages::PageHeader;
use crate::ui::datetime;
use crate::ui::form::{
    CheckField, FormError, GroupChecks, SelectField, Submit, TextField, last_error, tlabel,
};
use crate::ui::resource::resource;
use leptos::prelude::*;

#[component]
pub fn CompetitionsAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(0u32);
    let list = resource(move || version.get(), |_| competitions());
    let editing: RwSignal<Option<Option<CompetitionRow>>> = RwSignal::new(None);
    let done = Callback::new(move |_| {
        editing.set(None);
        version.update(|v| *v += 1);
    });
    view! {
        <PageHeader title="nav.competitions" subtitle="comp.admin_sub">
            <button type="button" class="btn btn-primary" data-testid="new-competition" on:click=move |_| editing.set(Some(None))>
                {move || i18n.t("comp.new")}
            </button>
        </PageHeader>
        <div class="stack">
            {move || editing.get().map(|row| view! {
                <Editor row on_done=done on_cancel=Callback::new(move |_| editing.set(None))/>
            })}
            <div class="card">
                <div class="table-wrap">
                    <table class="table" data-testid="competitions-admin">
                        <thead>
                            <tr>
                                <th>{move || i18n.t("common.name")}</th>
                                <th>{move || i18n.t("common.status")}</th>
                                <th>{move || i18n.t("comp.trading")}</th>
                                <th>{move || i18n.t("comp.fee")}</th>
                                <th>{move || i18n.t("comp.entrants")}</th>
                                <th>{move || i18n.t("comp.ranked_by")}</th>
                                <th>{move || i18n.t("common.actions")}</th>
                            </tr>
                        </thead>
                        <Transition fallback=|| ()>
                            {move || list.get().map(|r| match r {
                                Err(e) => view! { <tbody><tr><td colspan="7" class="alert alert-error">{i18n.t(e.key())}</td></tr></tbody> }.into_any(),
                                Ok(rows) if rows.is_empty() => view! { <tbody><tr><td colspan="7" class="muted">{move || i18n.t("comp.none")}</td></tr></tbody> }.into_any(),
                                Ok(rows) => view! {
                                    <tbody>
                                        {rows.into_iter().map(|c| {
                                            let row = c.clone();
                                            let measure = measure_key(c.measure);
                                            view! {
                                                <tr data-testid=format!("comp-{}", c.name)>
                                                    <td>
                                                        <a href=format!("/admin/competitions/{}", c.id)>{c.name.clone()}</a>
                                                        {(!c.published).then(|| view! { " "<span class="badge badge-muted">{move || i18n.t("comp.draft")}</span> })}
                                                    </td>
                                                    <td><PhaseBadge phase=c.phase/></td>
                                                    <td class="cell-sub">{datetime(&c.start_at)}" → "{datetime(&c.end_at)}</td>
                                                    <td class="amount">{c.fee.to_string()}</td>
                                                    <td>{c.entrants}</td>
                                                    <td>{move || i18n.t(measure)}</td>
                                                    <td>
                                                        {(!c.settled).then(|| view! {
                                                            <button type="button" class="btn btn-sm" on:click=move |_| editing.set(Some(Some(row.clone())))>{move || i18n.t("common.edit")}</button>
                                                        })}
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

fn local(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M").to_string()
}

#[component]
fn Editor(
    row: Option<CompetitionRow>,
    on_done: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveCompetition>::new();
    let error = last_error(save.value());
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            on_done.run(());
        }
    });
    let r = row.clone();
    let text = |f: fn(&CompetitionRow) -> String, default: String| {
        RwSignal::new(r.as_ref().map(f).unwrap_or(default))
    };
    let now = crate::ui::now();
    let name = text(|c| c.name.clone(), String::new());
    let banner = text(|c| c.banner_url.clone(), String::new());
    let rules_en = text(|c| c.rules_en.clone(), String::new());
    let rules_es = text(|c| c.rules_es.clone(), String::new());
    let reg_start = text(|c| local(&c.registration_start), local(&now));
    let reg_end = text(
        |c| local(&c.registration_end),
        local(&(now + chrono::Duration::days(7))),
    );
    let start = text(
        |c| local(&c.start_at),
        local(&(now + chrono::Duration::days(7))),
    );
    let end = text(
        |c| local(&c.end_at),
        local(&(now + chrono::Duration::days(21))),
    );
    let currency = text(|c| c.fee.code().to_string(), "USD".into());
    let fee = text(|c| c.fee.amount(), "0".into());
    let balance = text(|c| c.starting_balance.amount(), "10000.00".into());
    let symbols = text(|c| c.symbols.clone(), String::new());
    let measure = text(
        |c| c.measure.as_str().to_string(),
        Measure::ReturnPct.as_str().into(),
    );
    let board = text(|c| c.board_size.to_string(), "20".into());
    let payout = text(
        |c| c.payout.as_str().to_string(),
        PayoutMode::Auto.as_str().into(),
    );
    let prizes = text(
        |c| {
            c.prizes
                .iter()
                .map(|p| {
                    if p.from == p.to {
                        format!("{} {}", p.from, p.amount.amount())
                    } else {
                        format!("{}-{} {}", p.from, p.to, p.amount.amount())
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
        },
        String::new(),
    );
    let published = RwSignal::new(r.as_ref().map(|c| c.published).unwrap_or(false));
    let chosen = RwSignal::new(r.as_ref().map(|c| c.group_ids.clone()).unwrap_or_default());
    let groups = resource(|| (), |_| competition_groups());
    let id = r.as_ref().map(|c| c.id).unwrap_or(0);
    let measures = Signal::derive(move || {
        Measure::ALL
            .iter()
            .map(|m| (m.as_str().to_string(), i18n.t(measure_key(*m)).to_string()))
            .collect::<Vec<_>>()
    });
    let payouts = Signal::derive(move || {
        vec![
            (
                PayoutMode::Auto.as_str().to_string(),
                i18n.t("comp.payout_auto").to_string(),
            ),
            (
                PayoutMode::Review.as_str().to_string(),
                i18n.t("comp.payout_review").to_string(),
            ),
        ]
    });
    let currencies = Signal::derive(|| {
        crate::domain::money::CURRENCIES
            .iter()
            .map(|c| (c.code.to_string(), c.code.to_string()))
            .collect::<Vec<_>>()
    });
    view! {
        <div class="card">
            <h2 class="card-title">{move || if id == 0 { i18n.t("comp.new") } else { i18n.t("comp.edit") }}</h2>
            <form class="form" data-testid="competition-form" on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(SaveCompetition { form: CompetitionForm {
                    id,
                    name: name.get_untracked(),
                    banner_url: banner.get_untracked(),
                    rules_en: rules_en.get_untracked(),
                    rules_es: rules_es.get_untracked(),
                    registration_start: reg_start.get_untracked(),
                    registration_end: reg_end.get_untracked(),
                    start_at: start.get_untracked(),
                    end_at: end.get_untracked(),
                    currency: currency.get_untracked(),
                    fee: fee.get_untracked(),
                    starting_balance: balance.get_untracked(),
                    symbols: symbols.get_untracked(),
                    group_ids: chosen.get_untracked(),
                    measure: measure.get_untracked(),
                    board_size: board.get_untracked().trim().parse().unwrap_or(0),
                    prizes: prizes.get_untracked(),
                    payout: payout.get_untracked(),
                    published: published.get_untracked(),
                } });
            }>
                <FormError error/>
                <div class="form-row">
                    <TextField label=tlabel("common.name") id="f-comp-name" field="name" value=name error required=true/>
                    <TextField label=tlabel("comp.banner") id="f-comp-banner" field="banner_url" value=banner error kind="url" hint=tlabel("comp.banner_hint")/>
                </div>
                <div class="form-row">
                    <TextField label=tlabel("comp.rules_en") id="f-comp-rules-en" field="rules_en" value=rules_en error multiline=true required=true/>
                    <TextField label=tlabel("comp.rules_es") id="f-comp-rules-es" field="rules_es" value=rules_es error multiline=true/>
                </div>
                <p class="hint">{move || i18n.t("comp.times_utc")}</p>
                <div class="form-row">
                    <TextField label=tlabel("comp.registration_start") id="f-comp-reg-start" field="registration_start" value=reg_start error kind="datetime-local"/>
                    <TextField label=tlabel("comp.registration_end") id="f-comp-reg-end" field="registration_end" value=reg_end error kind="datetime-local"/>
                </div>
                <div class="form-row">
                    <TextField label=tlabel("comp.start") id="f-comp-start" field="start_at" value=start error kind="datetime-local"/>
                    <TextField label=tlabel("comp.end") id="f-comp-end" field="end_at" value=end error kind="datetime-local"/>
                </div>
                <div class="form-row-3">
                    <SelectField label=tlabel("comp.currency") id="f-comp-currency" field="currency" value=currency options=currencies error/>
                    <TextField label=tlabel("comp.fee") id="f-comp-fee" field="fee" value=fee error inputmode="decimal" hint=tlabel("comp.fee_hint")/>
                    <TextField label=tlabel("comp.starting_balance") id="f-comp-balance" field="starting_balance" value=balance error inputmode="decimal"/>
                </div>
                <div class="form-row-3">
                    <SelectField label=tlabel("comp.ranked_by") id="f-comp-measure" field="measure" value=measure options=measures error/>
                    <TextField label=tlabel("comp.board_size") id="f-comp-board" field="board_size" value=board error inputmode="numeric"/>
                    <SelectField label=tlabel("comp.payout") id="f-comp-payout" field="payout" value=payout options=payouts error/>
                </div>
                <div class="form-row">
                    <TextField label=tlabel("comp.prizes") id="f-comp-prizes" field="prizes" value=prizes error multiline=true hint=tlabel("comp.prizes_hint")/>
                    <TextField label=tlabel("comp.symbols") id="f-comp-symbols" field="symbols" value=symbols error hint=tlabel("comp.symbols_hint")/>
                </div>
                <GroupChecks groups chosen hint="comp.groups_hint"/>
                <CheckField label=tlabel("comp.published") checked=published/>
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("common.save")) pending=save.pending()/>
                    <button type="button" class="btn btn-ghost" on:click=move |_| on_cancel.run(())>{move || i18n.t("common.cancel")}</button>
                </div>
            </form>
        </div>
    }
}
