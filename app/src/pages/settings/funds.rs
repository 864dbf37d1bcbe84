//! The funds and KYC policy: which actions wait for approved KYC, how many pending requests a
//! client may have, and whether clients may send money to each other.
use crate::api::settings::{SaveFundsSettings, get_funds_settings};
use crate::domain::approval::KYC_ACTIONS;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::model::FundsSettings;
use crate::ui::form::loading;
use crate::ui::form::{CheckField, FormError, Submit, TextField, last_error, tlabel};
use crate::ui::resource::resource;
use leptos::prelude::*;
use std::collections::BTreeSet;

#[component]
pub fn FundsSection() -> impl IntoView {
    let i18n = use_i18n();
    let settings = resource(|| (), |_| get_funds_settings());
    view! {
        <Transition fallback=loading>
            {move || {
                settings
                    .get()
                    .map(|r| match r {
                        Ok(s) => view! { <FundsForm settings=s/> }.into_any(),
                        Err(e) => view! { <div class="form-error" role="alert">{move || i18n.t(e.key())}</div> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn FundsForm(settings: FundsSettings) -> impl IntoView {
    let i18n = use_i18n();
    let policy: RwSignal<BTreeSet<String>> =
        RwSignal::new(settings.kyc_policy.iter().cloned().collect());
    let max_pending = RwSignal::new(settings.max_pending.to_string());
    let third_party = RwSignal::new(settings.third_party_transfers);
    let save = ServerAction::<SaveFundsSettings>::new();
    let local_error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let server_error = last_error(save.value());
    let error = Signal::derive(move || local_error.get().or_else(|| server_error.get()));
    let saved =
        move || local_error.with(Option::is_none) && matches!(save.value().get(), Some(Ok(())));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(max) = max_pending.get_untracked().trim().parse::<u32>() else {
            local_error.set(Some(AppError::field(
                "max_pending",
                "settings.max_pending_invalid",
            )));
            return;
        };
        local_error.set(None);
        save.dispatch(SaveFundsSettings {
            // In the catalogue's order, whatever order they were ticked in.
            kyc_policy: KYC_ACTIONS
                .iter()
                .filter(|a| policy.with_untracked(|p| p.contains(**a)))
                .map(|a| a.to_string())
                .collect(),
            max_pending: max,
            third_party_transfers: third_party.get_untracked(),
        });
    };
    let policy_code = move || {
        error
            .get()
            .and_then(|e| e.field_code("kyc_policy").map(str::to_string))
    };
    view! {
        <div class="card">
            <h2 class="card-title">{move || i18n.t("settings.tab_funds")}</h2>
            <form id="funds-settings-form" class="form" on:submit=submit novalidate>
                <FormError error/>
                <fieldset class="field" class:has-error=move || policy_code().is_some()>
                    <legend>{move || i18n.t("settings.kyc_policy")}</legend>
                    <p class="hint">{move || i18n.t("settings.kyc_policy_hint")}</p>
                    <div class="checkbox-grid">
                        {KYC_ACTIONS
                            .iter()
                            .map(|a| {
                                let a = *a;
                                let key = format!("kyc.action_{a}");
                                view! {
                                    <label class="checkbox">
                                        <input
                                            type="checkbox"
                                            value=a
                                            prop:checked=move || policy.with(|p| p.contains(a))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                policy.update(|p| {
                                                    if on {
                                                        p.insert(a.to_string());
                                                    } else {
                                                        p.remove(a);
                                                    }
                                                });
                                            }
                                        />
                                        <span>{move || i18n.t(&key)}</span>
                                    </label>
                                }
                            })
                            .collect_view()}
                    </div>
                    <span class="field-error" role="alert">{move || policy_code().map(|c| i18n.t(&c))}</span>
                </fieldset>
                <TextField
                    label=tlabel("settings.max_pending")
                    id="funds-max-pending"
                    value=max_pending
                    field="max_pending"
                    autocomplete="off"
                    kind="number"
                    inputmode="numeric"
                    error
                    hint=tlabel("settings.max_pending_hint")
                />
                <CheckField label=tlabel("settings.third_party") checked=third_party/>
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("common.save")) pending=save.pending()/>
                    <Show when=saved>
                        <span class="text-success" role="status">{move || i18n.t("settings.saved")}</span>
                    </Show>
                </div>
            </form>
        </div>
    }
}
