#![recursion_limit = "512"]
//! The browser entry point: hydrates the server-rendered page.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        // The page's text comes from its language's table, which the page preloads beside the
        // wasm; hydration must render the same text. A table that fails twice leaves keys shown
        // where text changes later, rather than a page that never becomes interactive.
        let (_, locale) = app::ui::prefs::initial();
        if let Err(first) = app::i18n::load(locale).await
            && let Err(e) = app::i18n::load(locale).await
        {
            leptos::logging::error!("translations not loaded: {first}; {e}");
        }
        // The first page may be in lazily loaded areas: their code arrives first, and then the
        // page hydrates at once (app::root, `rendered_pages`).
        app::preload_rendered_pages().await;
        leptos::mount::hydrate_body(app::App);
    });
}
