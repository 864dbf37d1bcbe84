//! Saved withdrawal destinations: the list and the form to add one.
use super::FundsCtx;
use super::withdraw::destination_kind_key;
use crate::api::money::funds::{AddDestination, RemoveDestination};
use crate::i18n::use_i18n;
use crate::model::DestinationDto;
use crate::ui::form::{FormProblem, SelectField, Submit, TextField, last_error, tlabel};
use crate::ui::table::{Col, RowsTable};
use leptos::prelude::*;

#[component]
pub(super) fn DestinationsPanel(destinations: Vec<DestinationDto>, ctx: FundsCtx) -> impl IntoView {
    let i18n = use_i18n();
    let remove = ServerAction::<RemoveDestination>::new();
    let remove_error = last_error(remove.value());
    let removing = RwSignal::new(None::<i64>);
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            ctx.done("funds.destination_removed", None);
        }
    });
    let has_any = !destinations.is_empty();
    let list = if has_any {
        let cols = vec![
            Col::text("funds.dest_label"),
            Col::text("common.type"),
            Col::text("funds.dest_details"),
            Col::text("common.actions"),
        ];
        view! {
            <RowsTable
                cols
                rows=destinations
                testid="destinations"
                row=move |d| {
                    let id = d.id;
                    let kind = destination_kind_key(&d.kind);
                    let name = d.label.clone();
                    view! {
                        <tr data-testid=format!("destination-{id}")>
                            <td>{d.label.clone()}</td>
                            <td>{move || i18n.t(kind)}</td>
                            <td class="mono">{d.details.clone()}</td>
                            <td>
                                <button
                                    type="button"
                                    class="btn btn-sm"
                                    class:is-loading=move || remove.pending().get() && removing.get() == Some(id)
                                    disabled=move || remove.pending().get()
                                    aria-label=move || format!("{} {}", i18n.t("funds.remove"), name)
                                    on:click=move |_| {
                                        removing.set(Some(id));
                                        remove.dispatch(RemoveDestination { id });
                                    }
                                >
                                    {move || i18n.t("funds.remove")}
                                </button>
                            </td>
                        </tr>
                    }
                }
            />
        }
            .into_any()
    } else {
        view! { <p class="empty">{move || i18n.t("funds.no_destinations")}</p> }.into_any()
    };
    view! {
        <div class="funds-split">
            <div class="stack">
                <div>
                    <h2 class="card-title">{move || i18n.t("funds.destinations_title")}</h2>
                    <p class="muted">{move || i18n.t("funds.destinations_intro")}</p>
                </div>
                <FormProblem error=remove_error/>
                {list}
            </div>
            <DestinationForm ctx/>
        </div>
    }
}

#[component]
pub(super) fn DestinationForm(ctx: FundsCtx) -> impl IntoView {
    let i18n = use_i18n();
    let kind = RwSignal::new("bank_card".to_string());
    let label = RwSignal::new(String::new());
    let number = RwSignal::new(String::new());
    let network = RwSignal::new(String::new());
    let is_crypto = move || kind.get() == "crypto";
    let action = ServerAction::<AddDestination>::new();
    let error = last_error(action.value());
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            ctx.done("funds.destination_saved", None);
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let crypto = kind.get_untracked() == "crypto";
        action.dispatch(AddDestination {
            kind: kind.get_untracked(),
            label: label.get_untracked().trim().to_string(),
            number: number.get_untracked().trim().to_string(),
            network: if crypto {
                network.get_untracked().trim().to_string()
            } else {
                String::new()
            },
        });
    };
    let kinds = Signal::derive(move || {
        vec![
            (
                "bank_card".to_string(),
                i18n.t("funds.dest_bank_card").to_string(),
            ),
            (
                "crypto".to_string(),
                i18n.t("funds.dest_crypto").to_string(),
            ),
        ]
    });
    let shown: Vec<String> = ["kind", "label", "number", "network"]
        .map(String::from)
        .to_vec();
    view! {
        <form id="destination-form" class="form method-info" novalidate on:submit=on_submit>
            <h3>{move || i18n.t("funds.add_destination")}</h3>
            <FormProblem error shown/>
            <SelectField label=tlabel("funds.dest_kind") id="f-dest-kind" field="kind" value=kind options=kinds error/>
            <TextField
                label=tlabel("funds.dest_label")
                id="f-dest-label"
                field="label"
                value=label
                error
                required=true
                autocomplete="off"
                hint=tlabel("funds.dest_label_hint")
            />
            <TextField
                label=Signal::derive(move || {
                    (if is_crypto() { i18n.t("funds.dest_address") } else { i18n.t("funds.dest_card_number") }).to_string()
                })
                id="f-dest-number"
                field="number"
                value=number
                error
                required=true
                autocomplete="off"
                hint=Signal::derive(move || {
                    (if is_crypto() { i18n.t("funds.dest_address_hint") } else { i18n.t("funds.dest_card_hint") }).to_string()
                })
            />
            <Show when=is_crypto>
                <TextField
                    label=tlabel("funds.dest_network")
                    id="f-dest-network"
                    field="network"
                    value=network
                    error
                    required=true
                    autocomplete="off"
                    placeholder="TRC20"
                    list="crypto-networks"
                    hint=tlabel("funds.dest_network_hint")
                />
                <datalist id="crypto-networks">
                    <option value="TRC20"></option>
                    <option value="ERC20"></option>
                    <option value="BEP20"></option>
                    <option value="SOL"></option>
                </datalist>
            </Show>
            <div class="form-actions">
                <Submit label=Signal::derive(move || i18n.t("funds.save_destination")) pending=action.pending()/>
            </div>
        </form>
    }
}
