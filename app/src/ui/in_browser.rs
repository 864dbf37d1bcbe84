//! Parts of a page that load in the browser once it has hydrated.
use leptos::prelude::*;

/// Shows `children` once the page has hydrated, a spinner until then (on the server and in the
/// browser alike), or nothing when `quiet` (an overlay that may have nothing to show). For a
/// part drawn inside another resource's suspense or transition that loads data of its own: such
/// a nested resource does not hydrate reliably, so it is loaded (with a `LocalResource`) after
/// hydration instead.
#[component]
pub fn InBrowser(children: ChildrenFn, #[prop(optional)] quiet: bool) -> impl IntoView {
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    view! {
        <Show when=move || mounted.get() fallback=move || (!quiet).then(|| view! { <div class="spinner"></div> })>
            {children()}
        </Show>
    }
}
