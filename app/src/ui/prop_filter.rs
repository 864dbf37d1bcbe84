//! The prop lists' extra filters: challenge, package, stage, data type (real or demo) and the
//! referring IB. The browser asks the server for the choices once per page.
use crate::api::prop::participants::get_prop_choices;
use crate::i18n::use_i18n;
use crate::model::{PropChoices, PropFilter};
use leptos::prelude::*;

/// Which of the filters a list offers (the challenge is always there).
#[derive(Clone, Copy, Default)]
pub struct Offer {
    pub package: bool,
    pub stage: bool,
    pub data_type: bool,
    pub ib: bool,
}

impl Offer {
    pub const ALL: Offer = Offer {
        package: true,
        stage: true,
        data_type: true,
        ib: true,
    };
}

#[component]
pub fn PropFilterBar(filter: RwSignal<PropFilter>, offer: Offer) -> impl IntoView {
    let i18n = use_i18n();
    // Only the browser needs the choices (the selects start at "all" either way).
    let choices = LocalResource::new(get_prop_choices);
    let loaded = move || {
        choices
            .get()
            .and_then(|r| r.ok())
            .unwrap_or_else(PropChoices::default)
    };
    let chosen = move || {
        let id = filter.with(|f| f.challenge);
        loaded().challenges.into_iter().find(|c| c.id == id)
    };
    let set = move |f: fn(&mut PropFilter, String), v: String| filter.update(|x| f(x, v));
    view! {
        <div class="table-toolbar prop-filters" data-testid="prop-filters">
            <select
                aria-label=move || i18n.t("prop.challenge")
                data-testid="filter-challenge"
                prop:value=move || filter.with(|f| f.challenge.to_string())
                on:change=move |ev| set(|f, v| {
                    f.challenge = v.parse().unwrap_or(0);
                    f.package.clear();
                    f.stage = 0;
                }, event_target_value(&ev))
            >
                <option value="0">{move || i18n.t("prop.all_challenges")}</option>
                {move || loaded().challenges.into_iter().map(|c| view! { <option value=c.id.to_string()>{c.name}</option> }).collect_view()}
            </select>
            {offer.package.then(|| view! {
                <select
                    aria-label=move || i18n.t("prop.package")
                    data-testid="filter-package"
                    prop:value=move || filter.with(|f| f.package.clone())
                    disabled=move || chosen().is_none()
                    on:change=move |ev| set(|f, v| f.package = v, event_target_value(&ev))
                >
                    <option value="">{move || i18n.t("prop.all_packages")}</option>
                    {move || chosen().map(|c| c.packages.into_iter().map(|(k, n)| view! { <option value=k>{n}</option> }).collect_view())}
                </select>
            })}
            {offer.stage.then(|| view! {
                <select
                    aria-label=move || i18n.t("prop.stage")
                    data-testid="filter-stage"
                    prop:value=move || filter.with(|f| f.stage.to_string())
                    on:change=move |ev| set(|f, v| f.stage = v.parse().unwrap_or(0), event_target_value(&ev))
                >
                    <option value="0">{move || i18n.t("prop.all_stages")}</option>
                    {move || {
                        let n = chosen().map(|c| c.stages).unwrap_or_else(|| loaded().challenges.iter().map(|c| c.stages).max().unwrap_or(0));
                        (1..=n).map(|s| view! { <option value=s.to_string()>{move || i18n.t("prop.stage_n").replace("{n}", &s.to_string())}</option> }).collect_view()
                    }}
                </select>
            })}
            {offer.data_type.then(|| view! {
                <select
                    aria-label=move || i18n.t("prop.data_type")
                    data-testid="filter-data-type"
                    prop:value=move || filter.with(|f| f.data_type.clone())
                    on:change=move |ev| set(|f, v| f.data_type = v, event_target_value(&ev))
                >
                    <option value="">{move || i18n.t("prop.all_data_types")}</option>
                    <option value="real">{move || i18n.t("prop.data_real")}</option>
                    <option value="demo">{move || i18n.t("prop.data_demo")}</option>
                </select>
            })}
            {offer.ib.then(|| view! {
                <select
                    aria-label=move || i18n.t("prop.ib")
                    data-testid="filter-ib"
                    prop:value=move || filter.with(|f| f.ib.to_string())
                    on:change=move |ev| set(|f, v| f.ib = v.parse().unwrap_or(0), event_target_value(&ev))
                >
                    <option value="0">{move || i18n.t("prop.all_ibs")}</option>
                    {move || loaded().ibs.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                </select>
            })}
        </div>
    }
}
