//! Tasks: a list (mine, open, overdue, today, done) and a month calendar, with a form to add
//! one (from a client's page it comes with the client). Reminders reach the assignee's bell.
use crate::api::crm::{SaveTask, SetTaskDone, list_tasks, month_tasks};
use crate::api::identity::staff::staff_choices;
use crate::domain::crm::TaskStatus;
use crate::i18n::use_i18n;
use crate::model::{TaskForm, TaskRow};
use crate::pages::PageHeader;
use crate::ui::form::{FormError, SelectField, Submit, TextField, last_error, tlabel};
use crate::ui::resource::resource;
use crate::ui::table::{ListBody, ListState, SortHeader, Toolbar};
use crate::ui::tabs::TabBar;
use chrono::{Datelike, Duration, NaiveDate};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    List,
    Calendar,
}

#[component]
pub fn TasksPage() -> impl IntoView {
    let i18n = use_i18n();
    let q = use_query_map();
    let client = q.with_untracked(|q| {
        q.get("client")
            .and_then(|c| c.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let adding = RwSignal::new(client != 0);
    let version = RwSignal::new(0u32);
    let view_tab = RwSignal::new(View::List);
    let done = Callback::new(move |_| {
        adding.set(false);
        version.update(|v| *v += 1);
    });
    view! {
        <PageHeader title="nav.tasks" subtitle="crm.tasks_sub">
            <button type="button" class="btn btn-primary" data-testid="new-task" on:click=move |_| adding.set(true)>{move || i18n.t("crm.new_task")}</button>
        </PageHeader>
        <div class="stack">
            <Show when=move || adding.get()>
                <TaskEditor client on_done=done on_cancel=Callback::new(move |_| adding.set(false))/>
            </Show>
            <TabBar tab=view_tab tabs=vec![(View::List, "crm.tasks_list"), (View::Calendar, "crm.tasks_calendar")] label="nav.tasks"/>
            {move || match view_tab.get() {
                View::List => view! { <TaskList version/> }.into_any(),
                View::Calendar => view! { <Calendar version/> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn TaskList(version: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let state = ListState::new("due", false);
    state.0.update(|q| q.filter = "mine".into());
    let toggle = ServerAction::<SetTaskDone>::new();
    let tasks = resource(
        move || (state.get(), version.get(), toggle.version().get()),
        |(q, _, _)| list_tasks(q),
    );
    let filters = vec![
        ("mine", "crm.tasks_mine"),
        ("open", "crm.tasks_open"),
        ("overdue", "crm.tasks_overdue"),
        ("today", "crm.tasks_today"),
        ("done", "crm.tasks_done"),
        ("", "common.all"),
    ];
    view! {
        <div class="card">
            <Toolbar state filters/>
            <div class="table-wrap">
                <table class="table" data-testid="tasks">
                    <thead>
                        <tr>
                            <th><span class="sr-only">{move || i18n.t("crm.tasks_done")}</span></th>
                            <SortHeader state col="due" label="crm.due"/>
                            <th>{move || i18n.t("crm.task")}</th>
                            <th>{move || i18n.t("crm.about")}</th>
                            <th>{move || i18n.t("crm.assignee")}</th>
                        </tr>
                    </thead>
                    <ListBody state data=tasks cols=5 row=move |t: TaskRow| {
                        let id = t.id;
                        let is_done = t.status == TaskStatus::Done;
                        let about = match (t.client_id, t.lead_id) {
                            (Some(c), _) => view! { <a href=format!("/admin/clients/{c}")>{t.about.clone()}</a> }.into_any(),
                            (None, Some(_)) => view! { <a href="/admin/leads">{t.about.clone()}</a> }.into_any(),
                            _ => "—".into_any(),
                        };
                        view! {
                            <tr data-testid=format!("task-{id}") class:is-muted=is_done>
                                <td><input type="checkbox" aria-label=move || i18n.t("crm.mark_done") prop:checked=is_done
                                    on:change=move |ev| { toggle.dispatch(SetTaskDone { id, done: event_target_checked(&ev) }); }/></td>
                                <td class="nowrap">
                                    {crate::ui::datetime(&t.due_at)}
                                    {t.overdue.then(|| view! { " " <span class="badge badge-danger">{move || i18n.t("crm.overdue")}</span> })}
                                </td>
                                <td><span class="cell-main">{t.title.clone()}</span><span class="cell-sub">{t.details.clone()}</span></td>
                                <td>{about}</td>
                                <td>{t.assignee.clone()}</td>
                            </tr>
                        }
                    }/>
                </table>
            </div>
        </div>
    }
}

/// The calendar's columns, Monday first.
const WEEKDAYS: [&str; 7] = [
    "crm.day_mon",
    "crm.day_tue",
    "crm.day_wed",
    "crm.day_thu",
    "crm.day_fri",
    "crm.day_sat",
    "crm.day_sun",
];

/// A month grid, Monday first, each day listing its tasks.
#[component]
fn Calendar(version: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let today = crate::ui::today();
    let first = RwSignal::new(today.with_day(1).unwrap_or(today));
    let tasks = resource(
        move || (first.get(), version.get()),
        |(f, _)| month_tasks(f.format("%Y-%m").to_string()),
    );
    let shift = move |months: i32| {
        first.update(|f| {
            *f = if months > 0 {
                f.checked_add_months(chrono::Months::new(1)).unwrap_or(*f)
            } else {
                f.checked_sub_months(chrono::Months::new(1)).unwrap_or(*f)
            }
        })
    };
    view! {
        <div class="card stack" data-testid="task-calendar">
            <div class="card-header">
                <button type="button" class="btn btn-sm" on:click=move |_| shift(-1) aria-label=move || i18n.t("crm.prev_month")>"‹"</button>
                <h2 class="card-title">{move || first.get().format("%Y-%m").to_string()}</h2>
                <button type="button" class="btn btn-sm" on:click=move |_| shift(1) aria-label=move || i18n.t("crm.next_month")>"›"</button>
            </div>
            <Transition fallback=|| view! { <div class="spinner"></div> }>
                {move || tasks.get().map(|r| {
                    let list = r.unwrap_or_default();
                    let f = first.get_untracked();
                    let start = f - Duration::days(f.weekday().num_days_from_monday().into());
                    let days: Vec<NaiveDate> = (0..42).map(|i| start + Duration::days(i)).collect();
                    view! {
                        <div class="calendar">
                            {WEEKDAYS.iter().map(|k| view! { <div class="calendar-head">{move || i18n.t(k)}</div> }).collect_view()}
                            {days.into_iter().map(|d| {
                                let mine: Vec<TaskRow> = list.iter().filter(|t| t.due_at.date_naive() == d).cloned().collect();
                                view! {
                                    <div class="calendar-day" class:is-other=d.month() != f.month() class:is-today=d == today>
                                        <span class="calendar-date">{d.day()}</span>
                                        {mine.into_iter().map(|t| view! {
                                            <span class="calendar-task" class:is-overdue=t.overdue class:is-done=t.status == TaskStatus::Done title=t.details.clone()>
                                                {t.due_at.format("%H:%M").to_string()} " " {t.title.clone()}
                                            </span>
                                        }).collect_view()}
                                    </div>
                                }
                            }).collect_view()}
                        </div>
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn TaskEditor(client: i64, on_done: Callback<()>, on_cancel: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveTask>::new();
    let error = last_error(save.value());
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            on_done.run(());
        }
    });
    let title = RwSignal::new(String::new());
    let details = RwSignal::new(String::new());
    let tomorrow = (crate::ui::now() + Duration::days(1))
        .format("%Y-%m-%dT09:00")
        .to_string();
    let due = RwSignal::new(tomorrow);
    let remind = RwSignal::new("60".to_string());
    let assignee = RwSignal::new("0".to_string());
    let people = resource(|| (), |_| staff_choices());
    let reminders = Signal::derive(move || {
        [
            ("0", "crm.remind_at_due"),
            ("15", "crm.remind_15"),
            ("60", "crm.remind_60"),
            ("1440", "crm.remind_day"),
        ]
        .iter()
        .map(|(v, k)| (v.to_string(), i18n.t(k).to_string()))
        .collect::<Vec<_>>()
    });
    let assignees = Signal::derive(move || {
        let mut o = vec![("0".to_string(), i18n.t("crm.me").to_string())];
        o.extend(
            people
                .get()
                .and_then(|r| r.ok())
                .unwrap_or_default()
                .into_iter()
                .map(|p| (p.id.to_string(), p.name)),
        );
        o
    });
    view! {
        <div class="card">
            <h2 class="card-title">{move || i18n.t("crm.new_task")}</h2>
            <form class="form" data-testid="task-form" on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(SaveTask { form: TaskForm {
                    id: 0,
                    title: title.get_untracked(),
                    details: details.get_untracked(),
                    due_at: due.get_untracked(),
                    remind_minutes: remind.get_untracked().parse().unwrap_or(0),
                    assignee_id: assignee.get_untracked().parse().unwrap_or(0),
                    client_id: client,
                    lead_id: 0,
                } });
            }>
                <FormError error/>
                {(client != 0).then(|| view! { <p class="muted small">{move || i18n.t("crm.task_for_client")} " #" {client}</p> })}
                <TextField label=tlabel("crm.task") id="f-task-title" field="title" value=title error required=true/>
                <TextField label=tlabel("crm.details") id="f-task-details" field="details" value=details error multiline=true/>
                <div class="form-row-3">
                    <TextField label=tlabel("crm.due_utc") id="f-task-due" field="due_at" value=due error kind="datetime-local" required=true/>
                    <SelectField label=tlabel("crm.remind") id="f-task-remind" field="remind_minutes" value=remind options=reminders error/>
                    <Transition fallback=|| ()>
                        {move || people.get().map(|_| view! {
                            <SelectField label=tlabel("crm.assignee") id="f-task-assignee" field="assignee_id" value=assignee options=assignees error/>
                        })}
                    </Transition>
                </div>
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("common.save")) pending=save.pending()/>
                    <button type="button" class="btn btn-ghost" on:click=move |_| on_cancel.run(())>{move || i18n.t("common.cancel")}</button>
                </div>
            </form>
        </div>
    }
}
