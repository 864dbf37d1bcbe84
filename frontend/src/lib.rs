#![recursion_limit = "512"]
//! The browser entry point: hydrates the server-rendered page.

/// Room in the wasm's read-only data for the release build's splitter (cargo-leptos `--split`).
/// It moves each data item to the files whose code uses it, packing each file's share apart
/// (aligned), all within the addresses the data had. When the packing needs more bytes than the
/// data had, it puts all of the program's data into the main file instead (350 KB, every area's
/// text: a first visit's download grew by 65 KB gzip for a change of a few lines). Nothing uses
/// these bytes, so no file carries them; they only lengthen the range the packing may fill.
#[used]
static SPLIT_DATA_ROOM: [u8; 32 * 1024] = [0xA5; 32 * 1024];

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
