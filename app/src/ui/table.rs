//! List controls shared by every table: search, filter, sortable headers, pager, CSV export.
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::model::{ListQuery, Page};
use crate::ui::form::FormProblem;
use crate::ui::resource::Json;
use leptos::prelude::*;
use serde::{Serialize, de::DeserializeOwned};

pub const PER_PAGE: u64 = 20;

/// The query of one list. Changing any part refetches the list.
#[derive(Clone, Copy)]
pub struct ListState(pub RwSignal<ListQuery>);

impl ListState {
    pub fn new(sort: &str, desc: bool) -> Self {
        Self(RwSignal::new(ListQuery {
            page: 0,
            per_page: PER_PAGE,
            sort: sort.into(),
            desc,
            q: String::new(),
            filter: String::new(),
            ..Default::default()
        }))
    }

    pub fn get(&self) -> ListQuery {
        self.0.get()
    }

    /// Clicking a header sorts by it; clicking it again flips the direction.
    pub fn sort_by(&self, col: &str) {
        self.0.update(|q| {
            if q.sort == col {
                q.desc = !q.desc;
            } else {
                q.sort = col.into();
                q.desc = false;
            }
            q.page = 0;
        });
    }
}

#[component]
pub fn SortHeader(
    state: ListState,
    col: &'static str,
    label: &'static str,
    #[prop(optional)] num: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let aria = move || {
        let q = state.0.get();
        if q.sort == col {
            if q.desc { "descending" } else { "ascending" }
        } else {
            "none"
        }
    };
    view! {
        <th class:num=num aria-sort=aria>
            <button type="button" class="sort" on:click=move |_| state.sort_by(col)>
                {move || i18n.t(label)}
            </button>
        </th>
    }
}

/// Search box, an optional filter select and the CSV link for the current query.
#[component]
pub fn Toolbar(
    state: ListState,
    /// (value, i18n key) pairs; the first is "all".
    #[prop(optional)]
    filters: Vec<(&'static str, &'static str)>,
    /// The export URL without its query string, e.g. `/export/staff.csv`.
    #[prop(optional)]
    export: Option<&'static str>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let i18n = use_i18n();
    let on_search = move |ev| {
        let v = event_target_value(&ev);
        state.0.update(|q| {
            q.q = v;
            q.page = 0;
        });
    };
    let on_filter = move |ev| {
        let v = event_target_value(&ev);
        state.0.update(|q| {
            q.filter = v;
            q.page = 0;
        });
    };
    let has_filters = !filters.is_empty();
    view! {
        <div class="table-toolbar">
            <input
                type="search"
                class="search"
                placeholder=move || i18n.t("common.search")
                aria-label=move || i18n.t("common.search")
                on:input=on_search
            />
            {has_filters
                .then(|| {
                    view! {
                        <select aria-label=move || i18n.t("common.filter") on:change=on_filter>
                            {filters
                                .into_iter()
                                .map(|(v, k)| view! { <option value=v>{move || i18n.t(k)}</option> })
                                .collect_view()}
                        </select>
                    }
                })}
            <span class="cluster" style="margin-left:auto">
                {children.map(|c| c())}
                {export
                    .map(|path| {
                        view! {
                            <a class="btn btn-sm" href=move || format!("{path}?{}", state.get().to_query_string()) download="">
                                {move || i18n.t("common.export_csv")}
                            </a>
                        }
                    })}
            </span>
        </div>
    }
}

#[component]
pub fn Pager<T: Clone + Send + Sync + 'static>(state: ListState, page: Page<T>) -> impl IntoView {
    let i18n = use_i18n();
    let pages = page.pages();
    let current = page.page;
    let total = page.total;
    view! {
        <div class="pager">
            <span class="muted">
                {move || {
                    i18n.t("common.page_of")
                        .replace("{page}", &(current + 1).to_string())
                        .replace("{pages}", &pages.to_string())
                        .replace("{total}", &total.to_string())
                }}
            </span>
            <button type="button" class="btn btn-sm" disabled={current == 0} on:click=move |_| state.0.update(|q| q.page = q.page.saturating_sub(1))>
                {move || i18n.t("common.prev")}
            </button>
            <button type="button" class="btn btn-sm" disabled={current + 1 >= pages} on:click=move |_| state.0.update(|q| q.page += 1)>
                {move || i18n.t("common.next")}
            </button>
        </div>
    }
}

/// The row shown when a list is empty; `text` is its i18n key ("No rows" unless given).
#[component]
pub fn EmptyRow(
    cols: usize,
    #[prop(default = "common.no_rows")] text: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <tr>
            <td colspan=cols.to_string() class="empty">{move || i18n.t(text)}</td>
        </tr>
    }
}

/// One column of a [`RowsTable`]: the i18n key of its header, and how the header is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Col {
    key: &'static str,
    num: bool,
    hidden: bool,
}

impl Col {
    /// A column of text.
    pub const fn text(key: &'static str) -> Self {
        Col {
            key,
            num: false,
            hidden: false,
        }
    }
    /// A column of figures, aligned right.
    pub const fn num(key: &'static str) -> Self {
        Col {
            key,
            num: true,
            hidden: false,
        }
    }
    /// A column of buttons, whose header only screen readers read.
    pub const fn actions() -> Self {
        Col {
            key: "common.actions",
            num: false,
            hidden: true,
        }
    }
}

/// A table of rows already loaded (a settings list, an account's positions): the frame, the
/// headers, a row an item, and the empty row when there are none. Paged lists use
/// [`ListBody`] instead.
#[component]
pub fn RowsTable<T, R, V>(
    cols: Vec<Col>,
    rows: Vec<T>,
    row: R,
    /// The i18n key of the empty row's text.
    #[prop(default = "common.no_rows")]
    empty: &'static str,
    #[prop(optional)] testid: Option<&'static str>,
) -> impl IntoView
where
    T: 'static,
    R: FnMut(T) -> V + 'static,
    V: IntoView + 'static,
{
    let i18n = use_i18n();
    let span = cols.len();
    let head = cols
        .into_iter()
        .map(|c| {
            let label = move || i18n.t(c.key);
            view! {
                <th class:num=c.num>
                    {if c.hidden {
                        view! { <span class="sr-only">{label}</span> }.into_any()
                    } else {
                        label.into_any()
                    }}
                </th>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table" data-testid=testid>
                <thead>
                    <tr>{head}</tr>
                </thead>
                <tbody>
                    {rows.is_empty().then(|| view! { <EmptyRow cols=span text=empty/> })}
                    {rows.into_iter().map(row).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The body of a paged list: a spinner while loading, then the rows (or an empty row) and the
/// pager, or the error.
#[component]
pub fn ListBody<T, R, V>(
    state: ListState,
    data: Resource<Result<Page<T>, AppError>, Json>,
    cols: usize,
    row: R,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    R: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let span = cols.to_string();
    let spinner_span = span.clone();
    view! {
        <Transition fallback=move || view! { <tbody><tr><td colspan=spinner_span.clone()><div class="spinner"></div></td></tr></tbody> }>
            {move || {
                let (row, span) = (row.clone(), span.clone());
                data.get()
                    .map(|r| match r {
                        Ok(page) => {
                            let rows = page.rows.clone();
                            view! {
                                <tbody>
                                    {rows.is_empty().then(|| view! { <EmptyRow cols/> })}
                                    {rows.into_iter().map(row).collect_view()}
                                </tbody>
                                <tfoot>
                                    <tr>
                                        <td colspan=span><Pager state page/></td>
                                    </tr>
                                </tfoot>
                            }
                                .into_any()
                        }
                        // A refused query (a malformed date, say) says what is wrong with it.
                        Err(e) => view! { <tbody><tr><td colspan=span><FormProblem error=Signal::derive(move || Some(e.clone()))/></td></tr></tbody> }.into_any(),
                    })
            }}
        </Transition>
    }
}
