//! The back office's promo codes: the list (search, state filter, CSV), the editor of a code
//! that was never enabled, and its lifecycle (enable, disable, delete).
use crate::api::offers::{DeletePromoCode, SavePromoCode, SetPromoCodeState, promo_codes};
use crate::domain::offers::PromoState;
use crate::i18n::use_i18n;
use crate::model::{PromoCodeForm, PromoCodeRow};
use crate::ui::form::{
    CheckField, FormError, FormProblem, SelectField, Submit, TextField, currency_options,
    last_error, tlabel,
};
use crate::ui::resource::resource;
use crate::ui::settings::Editing;
use crate::ui::table::{ListBody, ListState, SortHeader};
use crate::ui::toolbar::ListToolbar;
use leptos::prelude::*;

fn state_filters() -> Vec<(&'static str, &'static str)> {
    vec![
        ("", "common.all"),
        ("not_enabled", "offers.state_not_enabled"),
        ("enabled", "offers.state_enabled"),
        ("disabled", "offers.state_disabled"),
    ]
}

#[component]
pub fn PromoCodes() -> impl IntoView {
    let i18n = use_i18n();
    let editing = Editing::<PromoCodeForm>::new();
    let set_state = ServerAction::<SetPromoCodeState>::new();
    let delete = ServerAction::<DeletePromoCode>::new();
    let state = ListState::new("id", true);
    let data = resource(
        move || {
            (
                state.get(),
                editing.version.get(),
                set_state.version().get(),
                delete.version().get(),
            )
        },
        |(q, _, _, _)| promo_codes(q),
    );
    let export = Signal::derive(move || {
        format!("/export/promo-codes.csv?{}", state.get().to_query_string())
    });
    let act_error = Signal::derive(move || {
        last_error(set_state.value())
            .get()
            .or(last_error(delete.value()).get())
    });
    view! {
        <div class="stack">
            {move || editing.open.get().map(|form| view! { <PromoCodeEditor form editing/> })}
            <div class="card">
                <FormProblem error=act_error/>
                <ListToolbar state search="offers.search_codes" filters=state_filters() filter_label="offers.state" export>
                    <button type="button" class="btn btn-sm btn-primary" data-testid="new-promo-code"
                        on:click=move |_| editing.edit(PromoCodeForm { currency: "USD".into(), ..Default::default() })>{move || i18n.t("offers.new_code")}</button>
                </ListToolbar>
                <div class="table-wrap">
                    <table class="table" data-testid="promo-codes">
                        <thead>
                            <tr>
                                <SortHeader state col="id" label="common.id" num=true/>
                                <th>{move || i18n.t("offers.code")}</th>
                                <th>{move || i18n.t("offers.discount")}</th>
                                <th class="num">{move || i18n.t("offers.per_client")}</th>
                                <th>{move || i18n.t("offers.combinable")}</th>
                                <th>{move || i18n.t("offers.validity")}</th>
                                <th>{move || i18n.t("offers.state")}</th>
                                <th>{move || i18n.t("common.actions")}</th>
                            </tr>
                        </thead>
                        <ListBody state data cols=8 row=move |p: PromoCodeRow| view! {
                            <CodeLine p editing set_state=Callback::new(move |(id, to)| { set_state.dispatch(SetPromoCodeState { id, to }); })
                                delete=Callback::new(move |id| { delete.dispatch(DeletePromoCode { id }); })/>
                        }/>
                    </table>
                </div>
            </div>
        </div>
    }
}

/// A validity period as "from – to" ("—" for an open end).
pub fn period(from: &str, to: &str) -> String {
    let end = |s: &str| {
        if s.is_empty() {
            "—".to_string()
        } else {
            s.to_string()
        }
    };
    if from.is_empty() && to.is_empty() {
        return "∞".into();
    }
    format!("{} – {}", end(from), end(to))
}

/// A use limit: the number, or ∞.
pub fn times(n: Option<u32>) -> String {
    n.map_or_else(|| "∞".into(), |n| n.to_string())
}

#[component]
fn CodeLine(
    p: PromoCodeRow,
    editing: Editing<PromoCodeForm>,
    set_state: Callback<(i64, PromoState)>,
    delete: Callback<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = p.id;
    let st = p.state;
    let (amount, currency) = match p.discount.split_once(' ') {
        Some((a, c)) => (a.to_string(), c.to_string()),
        None => (p.discount.clone(), String::new()),
    };
    let form = PromoCodeForm {
        id,
        code: p.code.clone(),
        name: p.name.clone(),
        discount: amount,
        currency,
        per_client: p.per_client.unwrap_or(0),
        combinable: p.combinable,
        valid_from: p.valid_from.clone(),
        valid_to: p.valid_to.clone(),
    };
    let badge = match st {
        PromoState::Enabled => "badge badge-success",
        PromoState::NotEnabled => "badge badge-muted",
        PromoState::Disabled => "badge badge-warn",
    };
    let state_key = format!("offers.state_{}", st.as_str());
    view! {
        <tr data-testid=format!("promo-{}", p.code)>
            <td class="num mono">{id}</td>
            <td>
                <span class="cell-main mono">{p.code.clone()}</span>
                <span class="cell-sub">{p.name.clone()}</span>
            </td>
            <td>{p.discount.clone()}</td>
            <td class="num">{times(p.per_client)}</td>
            <td>{move || i18n.t(if p.combinable { "common.yes" } else { "common.no" })}</td>
            <td>{period(&p.valid_from, &p.valid_to)}</td>
            <td><span class=badge data-testid="promo-state">{move || i18n.t(&state_key)}</span></td>
            <td>
                <div class="cluster">
                    {st.editable().then(|| view! {
                        <button type="button" class="btn btn-sm" on:click=move |_| editing.edit(form.clone())>{move || i18n.t("common.edit")}</button>
                    })}
                    {st.can_become(PromoState::Enabled).then(|| view! {
                        <button type="button" class="btn btn-sm btn-primary" data-testid="enable"
                            on:click=move |_| set_state.run((id, PromoState::Enabled))>{move || i18n.t("offers.enable")}</button>
                    })}
                    {st.can_become(PromoState::Disabled).then(|| view! {
                        <button type="button" class="btn btn-sm" data-testid="disable"
                            on:click=move |_| set_state.run((id, PromoState::Disabled))>{move || i18n.t("offers.disable")}</button>
                    })}
                    {st.deletable().then(|| view! {
                        <button type="button" class="btn btn-sm btn-ghost" on:click=move |_| delete.run(id)>{move || i18n.t("common.delete")}</button>
                    })}
                </div>
            </td>
        </tr>
    }
}

#[component]
fn PromoCodeEditor(form: PromoCodeForm, editing: Editing<PromoCodeForm>) -> impl IntoView {
    let i18n = use_i18n();
    let id = form.id;
    let code = RwSignal::new(form.code);
    let name = RwSignal::new(form.name);
    let discount = RwSignal::new(form.discount);
    let currency = RwSignal::new(form.currency);
    let per_client = RwSignal::new(if form.per_client == 0 {
        String::new()
    } else {
        form.per_client.to_string()
    });
    let combinable = RwSignal::new(form.combinable);
    let from = RwSignal::new(form.valid_from);
    let to = RwSignal::new(form.valid_to);
    let save = ServerAction::<SavePromoCode>::new();
    let error = last_error(save.value());
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            editing.on_saved().run(());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SavePromoCode {
            form: PromoCodeForm {
                id,
                code: code.get_untracked(),
                name: name.get_untracked(),
                discount: discount.get_untracked(),
                currency: currency.get_untracked(),
                per_client: per_client.get_untracked().trim().parse().unwrap_or(0),
                combinable: combinable.get_untracked(),
                valid_from: from.get_untracked(),
                valid_to: to.get_untracked(),
            },
        });
    };
    view! {
        <div class="card">
            <h2 class="card-title">{move || i18n.t(if id == 0 { "offers.new_code" } else { "offers.edit_code" })}</h2>
            <form class="form" on:submit=submit novalidate data-testid="promo-code-form">
                <FormError error/>
                <div class="form-row">
                    <TextField label=tlabel("offers.code") id="promo-code" field="code" value=code error required=true autocomplete="off"/>
                    <TextField label=tlabel("common.name") id="promo-name" field="name" value=name error required=true autocomplete="off"/>
                </div>
                <div class="form-row">
                    <TextField label=tlabel("offers.discount") id="promo-discount" field="discount" value=discount error required=true autocomplete="off" hint=tlabel("offers.discount_hint")/>
                    <SelectField label=tlabel("offers.currency") id="promo-currency" field="currency" value=currency options=currency_options() error/>
                    <TextField label=tlabel("offers.per_client") id="promo-per-client" field="per_client" value=per_client error inputmode="numeric" hint=tlabel("offers.unlimited_hint")/>
                </div>
                <div class="form-row">
                    <TextField label=tlabel("offers.valid_from") id="promo-from" field="valid_from" value=from error kind="date"/>
                    <TextField label=tlabel("offers.valid_to") id="promo-to" field="valid_to" value=to error kind="date"/>
                </div>
                <CheckField label=tlabel("offers.combinable_hint") checked=combinable/>
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("common.save")) pending=save.pending()/>
                    <button type="button" class="btn btn-ghost" on:click=move |_| editing.on_cancel().run(())>{move || i18n.t("common.cancel")}</button>
                </div>
            </form>
        </div>
    }
}
