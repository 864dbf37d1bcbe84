//! The pages' stylesheet (style/pages.css): the components of the pages loaded when first
//! opened, apart from the main stylesheet so that a trader's first visit does without them
//! (docs/benchmarks.md, front-end bundle). The server serves it minified at [`URL`].
use leptos::prelude::*;

/// Where the server serves it.
pub const URL: &str = "/style/pages.css";

/// Drawn first by every page loaded when first opened (`root::LazyPage`): on a page the server
/// drew, the browser applies the stylesheet before it draws what follows the link.
pub fn link() -> impl IntoView {
    view! { <link rel="stylesheet" href=URL/> }
}

/// In the browser, before such a page is drawn: links the stylesheet from the head once (it stays
/// for every later page, so going from one page to another never drops it) and waits until it
/// has loaded, or failed (the page is then drawn without it rather than not at all). Once it
/// has, it returns at once: the router hydrates a page only if its view is ready when asked.
pub async fn load() {
    #[cfg(feature = "hydrate")]
    {
        use std::cell::{Cell, OnceCell};
        thread_local! {
            static LINKED: OnceCell<Option<js_sys::Promise>> = const { OnceCell::new() };
            static SETTLED: Cell<bool> = const { Cell::new(false) };
        }
        if SETTLED.with(Cell::get) {
            return;
        }
        if let Some(settled) = LINKED.with(|l| l.get_or_init(add).clone()) {
            let _ = wasm_bindgen_futures::JsFuture::from(settled).await;
        }
        SETTLED.with(|s| s.set(true));
    }
}

/// The stylesheet's link in the head, and a promise settled by its load or its failure; none
/// when the page has no head.
#[cfg(feature = "hydrate")]
fn add() -> Option<js_sys::Promise> {
    use wasm_bindgen::JsCast;
    let doc = document();
    let head = doc.head()?;
    let link: web_sys::HtmlElement = doc.create_element("link").ok()?.dyn_into().ok()?;
    link.set_attribute("rel", "stylesheet").ok()?;
    link.set_attribute("href", URL).ok()?;
    let loaded = js_sys::Promise::new(&mut |resolve, _| {
        link.set_onload(Some(&resolve));
        link.set_onerror(Some(&resolve));
    });
    head.append_child(&link).ok()?;
    Some(loaded)
}
