//! A page's tab bar: one button a tab, the open one selected.
use crate::i18n::use_i18n;
use crate::ui::open_tab;
use leptos::prelude::*;

/// `tabs` pairs each tab with the i18n key of its label; `label` names the list for screen
/// readers. Each button's test id is `tab-{key}`.
#[component]
pub fn TabBar<T>(
    tab: RwSignal<T>,
    tabs: Vec<(T, &'static str)>,
    label: &'static str,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let i18n = use_i18n();
    view! {
        <div class="tabs" role="tablist" aria-label=move || i18n.t(label)>
            {tabs.into_iter().map(|(t, key)| view! {
                <button type="button" role="tab" class="tab" aria-selected=move || (tab.get() == t).to_string()
                    data-testid=format!("tab-{key}") on:click=move |_| { open_tab(tab, t); }>{move || i18n.t(key)}</button>
            }).collect_view()}
        </div>
    }
}
