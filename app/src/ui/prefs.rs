//! Theme and language: read from the request on the server, from the page on the browser, and
//! saved per user (and in cookies) when changed.
use crate::api::identity::auth::set_preferences;
use crate::i18n::{I18n, Locale};
use crate::model::Theme;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct ThemeCtx(pub RwSignal<Theme>);

/// The theme and language the first render uses.
pub fn initial() -> (Theme, Locale) {
    #[cfg(feature = "ssr")]
    {
        crate::api::identity::auth::request_preferences()
    }
    #[cfg(not(feature = "ssr"))]
    {
        // The server wrote both onto <html>; reading them back keeps hydration consistent.
        let root = document().document_element();
        let attr = |name: &str| {
            root.as_ref()
                .and_then(|r| r.get_attribute(name))
                .unwrap_or_default()
        };
        (
            Theme::parse(&attr("data-theme")).unwrap_or_default(),
            Locale::from_code(&attr("lang")),
        )
    }
}

pub fn provide() {
    let (theme, locale) = initial();
    let theme = RwSignal::new(theme);
    let locale = RwSignal::new(locale);
    provide_context(ThemeCtx(theme));
    provide_context(I18n(locale));
    crate::i18n::watch(locale);
    // Keep <html> in step with the signals (the shell is rendered once, outside the app).
    Effect::new(move |_| {
        let (t, l) = (theme.get(), locale.get());
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-theme", t.as_str());
            let _ = root.set_attribute("lang", l.code());
        }
    });
}

/// Saves preferences on the server; the UI has already changed.
pub fn save(theme: Option<Theme>, locale: Option<Locale>) {
    leptos::task::spawn_local(async move {
        if let Err(e) = set_preferences(theme, locale.map(|l| l.code().to_string())).await {
            leptos::logging::warn!("preferences not saved: {e}");
        }
    });
}

#[component]
pub fn ThemeToggle() -> impl IntoView {
    let ThemeCtx(theme) = expect_context();
    let i18n = crate::i18n::use_i18n();
    let toggle = move |_| {
        let next = theme.get_untracked().toggled();
        theme.set(next);
        save(Some(next), None);
    };
    view! {
        <button
            type="button"
            class="icon-btn theme-toggle"
            on:click=toggle
            title=move || i18n.t("common.toggle_theme")
            aria-label=move || i18n.t("common.toggle_theme")
            data-theme-current=move || theme.get().as_str()
        >
            {move || if theme.get() == Theme::Dark { "☀" } else { "☾" }}
        </button>
    }
}

#[component]
pub fn LanguageSelect() -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    let on_change = move |ev| {
        let l = Locale::from_code(&event_target_value(&ev));
        // The browser holds only the language in use: load the new one's table first.
        leptos::task::spawn_local(async move {
            match crate::i18n::switch_to(l).await {
                Ok(()) => {
                    i18n.0.set(l);
                    save(None, Some(l));
                }
                Err(e) => leptos::logging::warn!("language not loaded: {e}"),
            }
        });
    };
    view! {
        <select class="lang-select" aria-label=move || i18n.t("common.language") on:change=on_change>
            {Locale::ALL
                .into_iter()
                .map(|l| {
                    view! {
                        <option value=l.code() selected=move || i18n.locale() == l>
                            {l.native_name()}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}
