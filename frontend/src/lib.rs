#![recursion_limit = "512"]
//! The browser entry point: hydrates the server-rendered page.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy: the first page may be a lazily loaded route, whose code arrives before hydration.
    leptos::mount::hydrate_lazy(app::App);
}
