//! Settings › New clients: who owns a client who registers (a lead with their email names its
//! owner first; then this rule), and what clients may change on their profile.
use crate::api::crm::{
    SaveAssignmentRule, SaveProfilePolicy, get_assignment_rule, get_profile_policy,
};
use crate::api::identity::staff::staff_choices;
use crate::domain::crm::{AssignKind, AssignmentRule, PROFILE_FIELDS, ProfilePolicy};
use crate::i18n::use_i18n;
use crate::ui::form::{FormError, SelectField, Submit, TextField, last_error, loading, tlabel};
use crate::ui::in_browser::InBrowser;
use crate::ui::resource::resource;
use leptos::prelude::*;

#[component]
pub fn AssignmentSection() -> impl IntoView {
    let i18n = use_i18n();
    let rule = resource(|| (), |_| get_assignment_rule());
    let policy = resource(|| (), |_| get_profile_policy());
    view! {
        <div class="stack">
            <Transition fallback=loading>
                {move || rule.get().map(|r| match r {
                    Ok(r) => view! { <RuleForm rule=r/> }.into_any(),
                    Err(e) => view! { <div class="form-error" role="alert">{move || i18n.t(e.key())}</div> }.into_any(),
                })}
            </Transition>
            <Transition fallback=loading>
                {move || policy.get().and_then(|r| r.ok()).map(|p| view! { <PolicyForm policy=p/> })}
            </Transition>
        </div>
    }
}

#[component]
fn RuleForm(rule: AssignmentRule) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveAssignmentRule>::new();
    let error = last_error(save.value());
    let kind = RwSignal::new(rule.kind.as_str().to_string());
    let lead = RwSignal::new(rule.team_lead.to_string());
    let countries = RwSignal::new(rule.countries.clone());
    // Loaded in the browser: the form is drawn inside the rule's own transition.
    let people = LocalResource::new(staff_choices);
    let kinds = Signal::derive(move || {
        AssignKind::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str().to_string(),
                    i18n.t(&format!("settings.assign_{}", k.as_str()))
                        .to_string(),
                )
            })
            .collect::<Vec<_>>()
    });
    let leads = Signal::derive(move || {
        let mut o = vec![(
            "0".to_string(),
            i18n.t("settings.assign_everyone").to_string(),
        )];
        o.extend(
            people
                .get()
                .and_then(|r| r.ok())
                .unwrap_or_default()
                .into_iter()
                .map(|p| (p.id.to_string(), format!("{} (#{})", p.name, p.id))),
        );
        o
    });
    view! {
        <div class="card">
            <h2 class="card-title">{move || i18n.t("settings.assign_title")}</h2>
            <form class="form" id="assignment-form" on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(SaveAssignmentRule { rule: AssignmentRule {
                    kind: AssignKind::parse(&kind.get_untracked()).unwrap_or(AssignKind::None),
                    team_lead: lead.get_untracked().parse().unwrap_or(0),
                    countries: countries.get_untracked(),
                } });
            }>
                <p class="hint">{move || i18n.t("settings.assign_hint")}</p>
                <FormError error/>
                <SelectField label=tlabel("settings.assign_rule") id="f-assign-kind" field="kind" value=kind options=kinds error/>
                <Show when=move || kind.get() == "round_robin">
                    <InBrowser>
                    <Transition fallback=|| ()>
                        {move || people.get().map(|_| view! {
                            <SelectField label=tlabel("settings.assign_team") id="f-assign-lead" field="team_lead" value=lead options=leads error/>
                        })}
                    </Transition>
                    </InBrowser>
                </Show>
                <Show when=move || kind.get() == "country">
                    <TextField label=tlabel("settings.assign_countries") id="f-assign-countries" field="countries" value=countries error multiline=true
                        hint=tlabel("settings.assign_countries_hint")/>
                </Show>
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("common.save")) pending=save.pending()/>
                    <Show when=move || matches!(save.value().get(), Some(Ok(())))>
                        <span class="text-success" role="status">{move || i18n.t("settings.saved")}</span>
                    </Show>
                </div>
            </form>
        </div>
    }
}

#[component]
fn PolicyForm(policy: ProfilePolicy) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveProfilePolicy>::new();
    let error = last_error(save.value());
    let p = RwSignal::new(policy);
    let label = |f: &str| match f {
        "first_name" => "auth.first_name",
        "last_name" => "auth.last_name",
        "country" => "auth.country",
        _ => "auth.phone",
    };
    let toggle =
        move |list: fn(&mut ProfilePolicy) -> &mut Vec<String>, f: &'static str, on: bool| {
            p.update(|p| {
                let l = list(p);
                l.retain(|x| x != f);
                if on {
                    l.push(f.to_string());
                }
            })
        };
    view! {
        <div class="card">
            <h2 class="card-title">{move || i18n.t("settings.profile_title")}</h2>
            <form class="form" id="profile-policy-form" on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(SaveProfilePolicy { policy: p.get_untracked() });
            }>
                <p class="hint">{move || i18n.t("settings.profile_hint")}</p>
                <FormError error/>
                <div class="table-wrap">
                    <table class="table">
                        <thead>
                            <tr>
                                <th>{move || i18n.t("settings.profile_field")}</th>
                                <th>{move || i18n.t("settings.profile_editable")}</th>
                                <th>{move || i18n.t("settings.profile_reviewed")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {PROFILE_FIELDS.iter().map(|f| {
                                let f: &'static str = f;
                                let key = label(f);
                                view! {
                                    <tr>
                                        <td>{move || i18n.t(key)}</td>
                                        <td><input type="checkbox" aria-label=move || i18n.t("settings.profile_editable")
                                            prop:checked=move || p.with(|p| p.may_edit(f))
                                            on:change=move |ev| toggle(|p| &mut p.editable, f, event_target_checked(&ev))/></td>
                                        <td><input type="checkbox" aria-label=move || i18n.t("settings.profile_reviewed")
                                            prop:checked=move || p.with(|p| p.is_reviewed(f))
                                            on:change=move |ev| toggle(|p| &mut p.reviewed, f, event_target_checked(&ev))/></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("common.save")) pending=save.pending()/>
                    <Show when=move || matches!(save.value().get(), Some(Ok(())))>
                        <span class="text-success" role="status">{move || i18n.t("settings.saved")}</span>
                    </Show>
                </div>
            </form>
        </div>
    }
}
