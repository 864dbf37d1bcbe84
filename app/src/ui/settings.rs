//! The frame of a settings section (client groups, methods, rates, KYC forms): the saved items
//! in a card with its title and an "add" button, and above them the editor of one item, new or
//! saved, while it is open. Saving closes the editor and loads the list again.
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::form::{FormProblem, loading};
use crate::ui::resource::Json;
use leptos::prelude::*;
use serde::{Serialize, de::DeserializeOwned};

/// Which item of a section is open in its editor, and the version of its list (each save moves
/// it, and the section's resource loads again).
pub struct Editing<T: Send + Sync + 'static> {
    pub open: RwSignal<Option<T>>,
    pub version: RwSignal<u32>,
}

impl<T: Send + Sync + 'static> Clone for Editing<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Editing<T> {}

impl<T: Send + Sync + 'static> Editing<T> {
    pub fn new() -> Self {
        Editing {
            open: RwSignal::new(None),
            version: RwSignal::new(0),
        }
    }

    pub fn edit(self, item: T) {
        self.open.set(Some(item));
    }

    /// For the editor's Cancel button.
    pub fn on_cancel(self) -> Callback<()> {
        Callback::new(move |_| self.open.set(None))
    }

    /// Loads the list again (after a change made from the list itself, such as a delete).
    pub fn reload(self) {
        self.version.update(|v| *v += 1);
    }

    /// For the editor's successful save: close it and load the list again.
    pub fn on_saved(self) -> Callback<()> {
        Callback::new(move |_| {
            self.open.set(None);
            self.reload();
        })
    }
}

impl<T: Send + Sync + 'static> Default for Editing<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// A settings section. `data` is what the list (and the editor, for its choices) need, loaded
/// again whenever `editing.version` moves; `new_item` is what "add" opens.
#[component]
pub fn SettingsList<T, D, N, L, LV, E, EV>(
    /// i18n keys of the card's title and of the add button.
    title: &'static str,
    add: &'static str,
    editing: Editing<T>,
    data: Resource<Result<D, AppError>, Json>,
    new_item: N,
    list: L,
    editor: E,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    D: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    N: Fn() -> T + Clone + Send + Sync + 'static,
    L: Fn(D) -> LV + Clone + Send + Sync + 'static,
    LV: IntoView + 'static,
    E: Fn(T, D) -> EV + Clone + Send + Sync + 'static,
    EV: IntoView + 'static,
{
    let i18n = use_i18n();
    view! {
        <div class="stack">
            <Transition fallback=loading>
                {move || {
                    let (list, editor, new_item) = (list.clone(), editor.clone(), new_item.clone());
                    data.get()
                        .map(|r| match r {
                            Ok(d) => {
                                let for_editor = d.clone();
                                view! {
                                    {move || editing.open.get().map(|item| editor(item, for_editor.clone()))}
                                    <div class="card">
                                        <div class="card-header">
                                            <h2 class="card-title">{move || i18n.t(title)}</h2>
                                            <button type="button" class="btn btn-primary btn-sm" on:click=move |_| editing.edit(new_item())>
                                                {move || i18n.t(add)}
                                            </button>
                                        </div>
                                        {list(d)}
                                    </div>
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <FormProblem error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                        })
                }}
            </Transition>
        </div>
    }
}
