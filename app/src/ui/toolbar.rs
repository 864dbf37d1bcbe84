//! A list's toolbar: search, filter, currency, dates and the CSV link.
use crate::domain::money::CURRENCIES;
use crate::i18n::use_i18n;
use crate::ui::table::ListState;
use leptos::prelude::*;

/// A list's toolbar: search, a filter select, a currency select, a date range and the CSV link.
/// Every control shows the list's current query, so changes made elsewhere show here too.
#[component]
pub fn ListToolbar(
    state: ListState,
    /// Placeholder key of the search box; no search box without it.
    #[prop(optional)]
    search: Option<&'static str>,
    /// (value, i18n key) pairs of `query.filter`; the first is "all".
    #[prop(optional)]
    filters: Vec<(&'static str, &'static str)>,
    /// The accessible name of the filter select.
    #[prop(default = "common.filter")]
    filter_label: &'static str,
    #[prop(optional)] currency: bool,
    #[prop(optional)] dates: bool,
    /// The export URL with its query string.
    #[prop(optional, into)]
    export: Option<Signal<String>>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let i18n = use_i18n();
    let set = move |f: fn(&mut crate::model::ListQuery, String), v: String| {
        state.0.update(|q| {
            f(q, v);
            q.page = 0;
        });
    };
    let current = state.0.get_untracked();
    view! {
        <div class="table-toolbar">
            {search
                .map(|placeholder| {
                    view! {
                        <input
                            type="search"
                            class="search"
                            placeholder=move || i18n.t(placeholder)
                            aria-label=move || i18n.t("common.search")
                            prop:value=move || state.0.with(|q| q.q.clone())
                            on:input=move |ev| set(|q, v| q.q = v, event_target_value(&ev))
                        />
                    }
                })}
            {(!filters.is_empty())
                .then(|| {
                    view! {
                        <select
                            aria-label=move || i18n.t(filter_label)
                            prop:value=move || state.0.with(|q| q.filter.clone())
                            on:change=move |ev| set(|q, v| q.filter = v, event_target_value(&ev))
                        >
                            {filters
                                .into_iter()
                                .map(|(v, k)| view! { <option value=v selected=current.filter == v>{move || i18n.t(k)}</option> })
                                .collect_view()}
                        </select>
                    }
                })}
            {currency
                .then(|| {
                    view! {
                        <select
                            aria-label=move || i18n.t("wallets.filter_currency")
                            prop:value=move || state.0.with(|q| q.currency.clone())
                            on:change=move |ev| set(|q, v| q.currency = v, event_target_value(&ev))
                        >
                            <option value="">{move || i18n.t("wallets.all_currencies")}</option>
                            {CURRENCIES
                                .iter()
                                .map(|c| view! { <option value=c.code selected=current.currency == c.code>{c.code}</option> })
                                .collect_view()}
                        </select>
                    }
                })}
            {dates
                .then(|| {
                    view! {
                        <label class="toolbar-date">
                            <span>{move || i18n.t("wallets.date_from")}</span>
                            <input
                                type="date"
                                prop:value=move || state.0.with(|q| q.from.clone())
                                on:change=move |ev| set(|q, v| q.from = v, event_target_value(&ev))
                            />
                        </label>
                        <label class="toolbar-date">
                            <span>{move || i18n.t("wallets.date_to")}</span>
                            <input
                                type="date"
                                prop:value=move || state.0.with(|q| q.to.clone())
                                on:change=move |ev| set(|q, v| q.to = v, event_target_value(&ev))
                            />
                        </label>
                    }
                })}
            <span class="cluster" style="margin-left:auto">
                {children.map(|c| c())}
                {export
                    .map(|href| {
                        view! {
                            <a class="btn btn-sm" href=move || href.get() download="">
                                {move || i18n.t("common.export_csv")}
                            </a>
                        }
                    })}
            </span>
        </div>
    }
}
