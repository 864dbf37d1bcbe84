//! The editor of one challenge: four steps, an error summary, and the operations (save,
//! publish, discard, duplicate, terminate).
mod basics;
mod commissions;
mod fields;
mod packages;
mod payment;

use super::list::ChallengeStatus;
use crate::api::prop::challenges::{challenge_action, get_challenge_edit, save_challenge};
use crate::domain::challenge::{ChallengeDef, Change};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::model::ChallengeEdit;
use crate::pages::PageHeader;
use crate::ui::form::loading;
use crate::ui::resource::resource;
use basics::basics;
use commissions::commissions_panel;
use fields::*;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use packages::packages_panel;
use payment::payment_panel;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Save,
    Publish,
    Discard,
    Duplicate,
    Terminate,
}

impl Op {
    fn done_key(self) -> &'static str {
        match self {
            Op::Save => "chal.done_saved",
            Op::Publish => "chal.done_published",
            Op::Discard => "chal.done_discarded",
            Op::Duplicate => "chal.done_duplicated",
            Op::Terminate => "chal.done_terminated",
        }
    }
}

/// (what, challenge id (0: not saved yet), the definition in the form, whether it has edits
/// not saved).
type OpInput = (Op, i64, ChallengeDef, bool);
type OpAction = Action<OpInput, Result<(Op, i64), AppError>>;

/// Runs an operation; returns the challenge to show next. Publishing saves unsaved edits first,
/// so what is published is what the form shows.
async fn run(op: Op, id: i64, def: ChallengeDef, dirty: bool) -> Result<(Op, i64), AppError> {
    let next = match op {
        Op::Save => save_challenge(id, def).await?,
        Op::Publish => {
            let id = if dirty || id == 0 {
                save_challenge(id, def).await?
            } else {
                id
            };
            challenge_action(id, "publish".into()).await?
        }
        Op::Discard => challenge_action(id, "discard".into()).await?,
        Op::Duplicate => challenge_action(id, "duplicate".into()).await?,
        Op::Terminate => challenge_action(id, "terminate".into()).await?,
    };
    Ok((op, next))
}

const STEPS: [(u8, &str); 4] = [
    (1, "chal.step_basics"),
    (2, "chal.step_packages"),
    (3, "chal.step_payment"),
    (4, "chal.step_review"),
];

#[component]
pub fn ChallengeEditorPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    // "new" is 0 (the template of a new challenge); anything else must be a positive id.
    let id = Memo::new(move |_| {
        params.with(|p| p.get("id")).and_then(|s| {
            if s == "new" {
                Some(0)
            } else {
                s.parse::<i64>().ok().filter(|n| *n > 0)
            }
        })
    });
    let version = RwSignal::new(0u32);
    let edit = resource(
        move || (id.get(), version.get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_challenge_edit(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let step = RwSignal::new(1u8);
    let act: OpAction =
        Action::new(|(op, id, def, dirty): &OpInput| run(*op, *id, def.clone(), *dirty));
    let notice: RwSignal<Option<&'static str>> = RwSignal::new(None);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if act.pending().get() {
            notice.set(None);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok((op, next))) = act.value().get() {
            notice.set(Some(op.done_key()));
            if Some(next) == id.get_untracked() {
                version.update(|v| *v += 1);
            } else {
                navigate(&format!("/admin/challenges/{next}"), Default::default());
            }
        }
    });
    let error = Signal::derive(move || {
        act.value()
            .with(|r| r.as_ref().and_then(|r| r.clone().err()))
    });
    view! {
        <PageHeader title="chal.editor_title" subtitle="chal.editor_sub">
            <a class="btn btn-ghost" href="/admin/challenges">{move || i18n.t("chal.back")}</a>
        </PageHeader>
        <div class="stack chal-editor">
            <Show when=move || notice.get().is_some()>
                <div class="alert alert-success" role="status" data-testid="chal-notice">
                    {move || notice.get().map(|k| i18n.t(k))}
                </div>
            </Show>
            <Transition fallback=loading>
                {move || {
                    edit.get()
                        .map(|r| match r {
                            Ok(e) => view! { <Editor edit=e step act error/> }.into_any(),
                            Err(e) => view! { <div class="form-error" role="alert">{move || i18n.t(e.key())}</div> }.into_any(),
                        })
                }}
            </Transition>
        </div>
    }
}

#[component]
fn Editor(
    edit: ChallengeEdit,
    step: RwSignal<u8>,
    act: OpAction,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = edit.id;
    let status = edit.status.clone();
    let terminated = status == "terminated";
    let published = edit.published.is_some();
    let has_draft = edit.published.as_ref().is_some_and(|p| *p != edit.def);
    let can_terminate = status == "published";
    let never_published = status == "draft";
    let loaded = StoredValue::new(edit.def.clone());
    let def = RwSignal::new(edit.def.clone());
    let ed = Ed {
        def,
        local: RwSignal::new(BTreeMap::new()),
        server: error,
        shape: RwSignal::new(0),
    };
    let dirty = Memo::new(move |_| def.with(|d| loaded.with_value(|l| d != l)));
    let running = Signal::derive(move || {
        if act.pending().get() {
            act.input().with(|i| i.as_ref().map(|x| x.0))
        } else {
            None
        }
    });
    let busy = move || act.pending().get();
    // Texts that do not parse block saving: the definition would silently keep older values.
    let dispatch = move |op: Op| {
        if matches!(op, Op::Save | Op::Publish)
            && let Some(first) = ed.local.with_untracked(|m| m.keys().next().cloned())
        {
            step.set(step_of(&first));
            focus_field(&first);
            return;
        }
        act.dispatch((op, id, def.get_untracked(), dirty.get_untracked()));
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        dispatch(Op::Save);
    };
    let step_errors = move |n: u8| {
        ed.field_errors()
            .iter()
            .filter(|(p, _)| step_of(p) == n)
            .count()
    };
    let general = move || match error.get() {
        None => None,
        Some(AppError::Invalid(errs)) => {
            let g: Vec<&str> = errs
                .iter()
                .filter(|e| GENERAL_FIELDS.contains(&e.field.as_str()))
                .map(|e| i18n.t(&e.code))
                .collect();
            (!g.is_empty()).then(|| g.join(" "))
        }
        Some(e) => Some(i18n.t(e.key()).to_string()),
    };
    let title = move || def.with(|d| d.name.clone());
    let subtitle = move || {
        if id == 0 {
            i18n.t("chal.not_saved").to_string()
        } else {
            format!(
                "#{id} · {}",
                i18n.t("chal.version_n")
                    .replace("{n}", &edit.version.to_string())
            )
        }
    };
    let changes = edit.changes.clone();
    let busy_is = move |op: Op| running.get() == Some(op);
    view! {
        <div class="card chal-head">
            <div class="card-header">
                <div>
                    <h2 class="card-title" data-testid="chal-title">{title}</h2>
                    <span class="muted small">{subtitle}</span>
                </div>
                <div class="cluster">
                    <ChallengeStatus status=status.clone()/>
                    {has_draft.then(|| view! {
                        <span class="badge badge-warn" data-testid="chal-has-draft">{move || i18n.t("chal.unpublished")}</span>
                    })}
                    <Show when=move || dirty.get()>
                        <span class="badge badge-accent" data-testid="chal-dirty">{move || i18n.t("chal.dirty")}</span>
                    </Show>
                </div>
            </div>
            {terminated.then(|| view! {
                <div class="alert alert-warn" role="status">{move || i18n.t("chal.terminated_note")}</div>
            })}
        </div>
        <Show when=move || general().is_some()>
            <div class="form-error" role="alert" data-testid="chal-general-error">{general}</div>
        </Show>
        <ErrorSummary ed step/>
        <div class="tabs chal-steps" role="tablist" aria-label=move || i18n.t("chal.steps")>
            {STEPS
                .into_iter()
                .map(|(n, key)| {
                    view! {
                        <button
                            type="button"
                            role="tab"
                            class="tab"
                            id=format!("chal-tab-{n}")
                            aria-controls=format!("chal-panel-{n}")
                            aria-selected=move || (step.get() == n).to_string()
                            data-testid=format!("chal-step-{n}")
                            on:click=move |_| step.set(n)
                        >
                            <span class="chal-step-num" aria-hidden="true">{n}</span>
                            {move || i18n.t(key)}
                            {move || {
                                let c = step_errors(n);
                                (c > 0).then(|| view! { <span class="badge badge-danger tab-count" data-testid=format!("chal-step-{n}-errors")>{c}</span> })
                            }}
                        </button>
                    }
                })
                .collect_view()}
        </div>
        <form id="chal-form" class="form" on:submit=on_submit novalidate>
            <fieldset class="chal-fieldset" disabled=terminated>
                <section id="chal-panel-1" role="tabpanel" aria-labelledby="chal-tab-1" class="card form" hidden=move || step.get() != 1>
                    <h2 class="card-title">{move || i18n.t("chal.step_basics")}</h2>
                    {basics(ed)}
                </section>
                <section id="chal-panel-2" role="tabpanel" aria-labelledby="chal-tab-2" class="card form" hidden=move || step.get() != 2>
                    <h2 class="card-title">{move || i18n.t("chal.step_packages")}</h2>
                    {packages_panel(ed)}
                </section>
                <section id="chal-panel-3" role="tabpanel" aria-labelledby="chal-tab-3" class="card form" hidden=move || step.get() != 3>
                    <h2 class="card-title">{move || i18n.t("chal.step_payment")}</h2>
                    {payment_panel(ed)}
                    {commissions_panel(ed)}
                </section>
            </fieldset>
            <section id="chal-panel-4" role="tabpanel" aria-labelledby="chal-tab-4" class="card form" hidden=move || step.get() != 4>
                <h2 class="card-title">{move || i18n.t("chal.step_review")}</h2>
                <ChangesList changes published=published id/>
                <Show when=move || dirty.get()>
                    <div class="alert alert-info" role="status" data-testid="chal-unsaved-note">{move || i18n.t("chal.unsaved_edits")}</div>
                </Show>
                <div class="form-actions">
                    <button
                        type="button"
                        class="btn btn-primary"
                        data-testid="chal-publish"
                        class:is-loading=move || busy_is(Op::Publish)
                        disabled=move || {
                            busy() || terminated || !(dirty.get() || never_published || has_draft)
                        }
                        on:click=move |_| dispatch(Op::Publish)
                    >
                        {move || i18n.t("chal.publish")}
                    </button>
                    {(published && has_draft)
                        .then(|| view! {
                            <button
                                type="button"
                                class="btn"
                                data-testid="chal-discard"
                                class:is-loading=move || busy_is(Op::Discard)
                                disabled=busy
                                on:click=move |_| {
                                    if confirm(i18n.t("chal.confirm_discard")) {
                                        dispatch(Op::Discard);
                                    }
                                }
                            >
                                {move || i18n.t("chal.discard")}
                            </button>
                        })}
                    {(id != 0)
                        .then(|| view! {
                            <button
                                type="button"
                                class="btn"
                                data-testid="chal-duplicate"
                                class:is-loading=move || busy_is(Op::Duplicate)
                                disabled=busy
                                on:click=move |_| dispatch(Op::Duplicate)
                            >
                                {move || i18n.t("chal.duplicate")}
                            </button>
                        })}
                    {can_terminate
                        .then(|| view! {
                            <button
                                type="button"
                                class="btn btn-danger"
                                data-testid="chal-terminate"
                                class:is-loading=move || busy_is(Op::Terminate)
                                disabled=busy
                                on:click=move |_| {
                                    if confirm(i18n.t("chal.confirm_terminate")) {
                                        dispatch(Op::Terminate);
                                    }
                                }
                            >
                                {move || i18n.t("chal.terminate")}
                            </button>
                        })}
                </div>
                <p class="hint muted small">{move || i18n.t("chal.publish_hint")}</p>
            </section>
            <div class="card chal-footer">
                <button type="button" class="btn" data-testid="chal-prev" disabled=move || { step.get() <= 1 } on:click=move |_| step.update(|s| *s = s.saturating_sub(1).max(1))>
                    {move || i18n.t("common.prev")}
                </button>
                <button type="button" class="btn" data-testid="chal-next" disabled=move || { step.get() >= 4 } on:click=move |_| step.update(|s| *s = (*s + 1).min(4))>
                    {move || i18n.t("common.next")}
                </button>
                <span class="chal-spacer"></span>
                <button type="submit" class="btn btn-primary" data-testid="chal-save" class:is-loading=move || busy_is(Op::Save) disabled=move || busy() || terminated>
                    {move || i18n.t("chal.save")}
                </button>
            </div>
        </form>
    }
}

/// Every field error, with its message and where it is; a click shows the step and the input.
#[component]
fn ErrorSummary(ed: Ed, step: RwSignal<u8>) -> impl IntoView {
    let i18n = use_i18n();
    let items = Memo::new(move |_| ed.field_errors());
    view! {
        <Show when=move || items.with(|v| !v.is_empty())>
            <div class="form-error chal-summary" role="alert" data-testid="chal-errors">
                <strong>{move || i18n.t("chal.errors_title")}</strong>
                <ul>
                    {move || {
                        items
                            .get()
                            .into_iter()
                            .map(|(path, code)| {
                                let target = path.clone();
                                let to = step_of(&path);
                                let place = path.clone();
                                let field = path.clone();
                                view! {
                                    <li data-field=field>
                                        <button
                                            type="button"
                                            class="chal-linklike"
                                            on:click=move |_| {
                                                step.set(to);
                                                focus_field(&target);
                                            }
                                        >
                                            {move || i18n.t(&code)}
                                        </button>
                                        " — "
                                        <span>{move || path_label(i18n, &place)}</span>
                                        " "
                                        <code class="muted">{path}</code>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
        </Show>
    }
}

/// What saving the draft would change for clients, against the published version.
#[component]
fn ChangesList(changes: Vec<Change>, published: bool, id: i64) -> impl IntoView {
    let i18n = use_i18n();
    if id == 0 {
        return view! { <p class="muted" data-testid="chal-changes-none">{move || i18n.t("chal.not_saved")}</p> }.into_any();
    }
    if !published {
        return view! { <p class="muted" data-testid="chal-changes-none">{move || i18n.t("chal.never_published")}</p> }.into_any();
    }
    if changes.is_empty() {
        return view! { <p class="muted" data-testid="chal-changes-none">{move || i18n.t("chal.changes_none")}</p> }.into_any();
    }
    view! {
        <h3 class="section-title">{move || i18n.t("chal.changes")}</h3>
        <div class="table-wrap">
            <table class="table" data-testid="chal-changes">
                <thead>
                    <tr>
                        <th>{move || i18n.t("chal.field")}</th>
                        <th>{move || i18n.t("chal.before")}</th>
                        <th>{move || i18n.t("chal.after")}</th>
                    </tr>
                </thead>
                <tbody>
                    {changes
                        .into_iter()
                        .map(|c| {
                            let path = c.field.clone();
                            view! {
                                <tr data-field=c.field.clone()>
                                    <td>
                                        <span class="cell-main">{move || path_label(i18n, &path)}</span>
                                        <span class="cell-sub mono">{c.field.clone()}</span>
                                    </td>
                                    <td class="pre-wrap">{c.before}</td>
                                    <td class="pre-wrap">{c.after}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::challenge::text::{parse_base, parse_mode};
    use crate::domain::challenge::{Distribution, Environment, SettlementFrequency};

    #[test]
    fn every_option_is_a_value_the_definition_knows() {
        for (v, _) in BASES {
            assert!(parse_base(v).is_some());
        }
        for (v, _) in MODES {
            assert!(parse_mode(v).is_some());
        }
        for (v, _) in ENVIRONMENTS {
            assert!(Environment::parse(v).is_some());
        }
        for (v, _) in SETTLEMENTS {
            assert!(SettlementFrequency::parse(v).is_some());
        }
        for (v, _) in DISTRIBUTIONS {
            assert!(Distribution::parse(v).is_some());
        }
    }

    #[test]
    fn field_paths_find_their_step() {
        assert_eq!(step_of("name"), 1);
        assert_eq!(step_of("details.en"), 1);
        assert_eq!(step_of("packages.0.stages.1.profit_target"), 2);
        assert_eq!(step_of("payment"), 3);
        assert_eq!(step_of("groups"), 3);
        assert_eq!(dom_id("packages.0.fee"), "chal-packages-0-fee");
    }

    #[test]
    fn new_packages_and_stages_fit_the_rules() {
        let mut d = ChallengeDef::example();
        let p = new_package(&d, "Package {n}");
        assert_eq!(p.key, "p2");
        assert_eq!(p.name, "Package 2");
        d.packages.push(p);
        add_stage(&mut d.packages[1]);
        assert_eq!(d.packages[1].stages.len(), 4);
        assert_eq!(
            d.packages[1].stages.last().map(|s| s.environment),
            Some(Environment::Live)
        );
        assert_eq!(d.validate(), Ok(()));
    }
}
