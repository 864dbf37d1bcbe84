//! Risk alerts: the alerts as they fire (warnings sent to traders and the firm's own risk
//! rules), the firm's rules, and the warnings traders get as a loss limit comes near. The feed
//! asks for what is newer than its newest alert every two seconds; the alerts themselves fire
//! in the transaction of the account update that reached them.
use crate::api::prop::participants::get_prop_choices;
use crate::api::trading::alerts::{
    AcknowledgeAlert, DeleteAlertRule, SaveAlertRule, SaveTraderAlertSettings, get_alert_feed,
    get_alert_rules, get_trader_alert_settings,
};
use crate::domain::alerts::TraderAlertSettings;
use crate::domain::bps::Bps;
use crate::domain::live::Topic;
use crate::domain::permission::Permission;
use crate::i18n::{I18n, use_i18n};
use crate::model::{AlertEventDto, AlertRuleDto};
use crate::pages::PageHeader;
use crate::ui::form::{
    CheckField, FormProblem, SelectField, Submit, TextField, last_error, tlabel,
};
use crate::ui::layout::MeCtx;
use crate::ui::live::{LiveDot, changes};
use crate::ui::prop::or_dash;
use crate::ui::resource::resource;
use crate::ui::table::EmptyRow;
use crate::ui::text::label_text;
use leptos::prelude::*;

const KINDS: [&str; 3] = ["account_profit", "account_profit_pct", "symbol_profit"];

/// The sentence an alert reads as, in the reader's language.
fn alert_text(i18n: I18n, e: &AlertEventDto) -> String {
    let key = if e.source == "risk" {
        format!("prop.alert_fired_{}", e.code)
    } else if e.source == "security" {
        format!("prop.alert_security_{}", e.code)
    } else if e.code.starts_with("daily_loss") {
        "notice.alert_daily_loss".into()
    } else if e.code.starts_with("max_loss") {
        "notice.alert_max_loss".into()
    } else {
        "notice.alert_period_ending".into()
    };
    let mut data = e.data.clone();
    data.entry("value".into())
        .or_insert_with(|| e.value.clone());
    data.entry("limit".into())
        .or_insert_with(|| e.limit.clone());
    data.insert("level".into(), e.level.to_string());
    crate::i18n::fill(&label_text(i18n, &key), &data, |k| i18n.t(k))
}

#[component]
pub fn AlertsPage() -> impl IntoView {
    let MeCtx(me) = expect_context();
    let may_manage = Signal::derive(move || {
        me.get()
            .and_then(|r| r.ok().flatten())
            .is_some_and(|m| m.can(Permission::RiskAlertsManage))
    });
    view! {
        <PageHeader title="nav.alerts" subtitle="prop.alerts_sub"/>
        <div class="stack">
            <Feed/>
            <Rules may_manage/>
            <TraderWarnings may_manage/>
        </div>
    }
}

#[component]
fn Feed() -> impl IntoView {
    let i18n = use_i18n();
    let items: RwSignal<Vec<AlertEventDto>> = RwSignal::new(Vec::new());
    let open = RwSignal::new(0u64);
    let loaded = RwSignal::new(false);
    let source = RwSignal::new(String::new());
    let fresh = RwSignal::new(std::collections::HashSet::<i64>::new());
    let poll = move || {
        let since = items.with_untracked(|v| v.first().map_or(0, |e| e.id));
        let src = source.get_untracked();
        leptos::task::spawn_local(async move {
            let Ok(f) = get_alert_feed(since, src.clone()).await else {
                return;
            };
            // The source may have changed while this was on its way.
            if source.get_untracked() != src {
                return;
            }
            open.set(f.open);
            loaded.set(true);
            let newest = items.with_untracked(|v| v.first().map_or(0, |e| e.id));
            let new: Vec<AlertEventDto> = f.items.into_iter().filter(|e| e.id > newest).collect();
            if new.is_empty() {
                return;
            }
            if newest > 0 {
                fresh.update(|s| s.extend(new.iter().map(|e| e.id)));
            }
            items.update(|v| {
                let mut all = new;
                all.append(v);
                all.truncate(200);
                *v = all;
            });
        });
    };
    Effect::new(move |_| {
        source.track();
        items.set(Vec::new());
        poll();
    });
    // A new alert (or one acknowledged elsewhere) arrives on the live stream.
    let alerts = changes(Topic::Alert);
    Effect::new(move |first: Option<()>| {
        alerts.track();
        if first.is_some() {
            poll();
        }
    });
    let ack = ServerAction::<AcknowledgeAlert>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = ack.value().get()
            && let Some(a) = ack.input().get_untracked()
        {
            items.update(|v| {
                if let Some(e) = v.iter_mut().find(|e| e.id == a.id) {
                    e.acknowledged = true;
                }
            });
            open.update(|n| *n = n.saturating_sub(1));
        }
    });
    view! {
        <div class="card" data-testid="alert-feed">
            <div class="card-header">
                <div class="cluster">
                    <h2 class="card-title">{move || i18n.t("prop.alerts_feed")}</h2>
                    <span class="badge badge-warn" data-testid="alerts-open">{move || i18n.t("prop.alerts_open").replace("{n}", &open.get().to_string())}</span>
                    <LiveDot/>
                </div>
                <select class="inline-select" aria-label=move || i18n.t("prop.alerts_source") data-testid="alerts-source" on:change=move |ev| source.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t("prop.alerts_all")}</option>
                    <option value="risk">{move || i18n.t("prop.alerts_risk")}</option>
                    <option value="trader">{move || i18n.t("prop.alerts_trader")}</option>
                    <option value="security">{move || i18n.t("prop.alerts_security")}</option>
                </select>
            </div>
            <div class="table-wrap">
                <table class="table prop-table" data-testid="alerts">
                    <thead>
                        <tr>
                            <th>{move || i18n.t("prop.when")}</th>
                            <th>{move || i18n.t("prop.alerts_kind")}</th>
                            <th>{move || i18n.t("prop.alerts_what")}</th>
                            <th>{move || i18n.t("appr.client")}</th>
                            <th><span class="sr-only">{move || i18n.t("common.actions")}</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || (!loaded.get()).then(|| view! { <tr><td colspan="5"><div class="spinner"></div></td></tr> })}
                        {move || (loaded.get() && items.with(|v| v.is_empty())).then(|| view! { <EmptyRow cols=5 text="prop.alerts_none"/> })}
                        <For each=move || items.get() key=|e| (e.id, e.acknowledged) let:e>
                            {
                                let id = e.id;
                                let text = { let e = e.clone(); move || alert_text(i18n, &e) };
                                let (kind, badge) = match e.source.as_str() {
                                    "risk" => ("prop.alerts_risk", "badge badge-danger"),
                                    "security" => ("prop.alerts_security", "badge badge-accent"),
                                    _ => ("prop.alerts_trader", "badge badge-warn"),
                                };
                                let href = match e.participant_id {
                                    Some(p) => Some(format!("/admin/participants/{p}")),
                                    None => (e.source == "security").then(|| format!("/admin/clients/{}", e.user_id)),
                                };
                                view! {
                                    <tr data-testid=format!("alert-{id}") data-code=e.code.clone() data-source=e.source.clone() class:is-new=move || fresh.with(|s| s.contains(&id)) class:is-muted=e.acknowledged>
                                        <td class="nowrap">{e.at.clone()}</td>
                                        <td><span class=badge>{move || i18n.t(kind)}</span></td>
                                        <td class="alert-text">{text}</td>
                                        <td class="client-cell">
                                            <span class="cell-main">
                                                {match href {
                                                    Some(h) => view! { <a href=h>{or_dash(&e.client)}</a> }.into_any(),
                                                    None => or_dash(&e.client).into_any(),
                                                }}
                                            </span>
                                            <span class="cell-sub mono">{e.login.clone()}</span>
                                        </td>
                                        <td>
                                            {if e.acknowledged {
                                                view! { <span class="muted small">{move || i18n.t("prop.alerts_seen")}</span> }.into_any()
                                            } else {
                                                view! { <button type="button" class="btn btn-sm" on:click=move |_| { ack.dispatch(AcknowledgeAlert { id }); }>{move || i18n.t("prop.alerts_ack")}</button> }.into_any()
                                            }}
                                        </td>
                                    </tr>
                                }
                            }
                        </For>
                    </tbody>
                </table>
            </div>
        </div>
    }
}

fn kind_label(i18n: I18n, k: &str) -> String {
    label_text(i18n, &format!("prop.alert_kind_{k}"))
}

fn threshold_text(i18n: I18n, r: &AlertRuleDto) -> String {
    let mut s = if r.kind == "account_profit_pct" {
        format!("{}%", r.threshold)
    } else {
        r.threshold.clone()
    };
    if r.kind == "account_profit_pct" && r.min_profit != "0" {
        s.push_str(&format!(
            " · {} {}",
            i18n.t("prop.alert_min_profit"),
            r.min_profit
        ));
    }
    if r.kind == "symbol_profit" {
        s = format!("{} · {s}", r.symbol);
    }
    if r.step != "0" {
        s.push_str(&format!(" · {} {}", i18n.t("prop.alert_step"), r.step));
    }
    s
}

#[component]
fn Rules(may_manage: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(0u32);
    let rules = resource(move || version.get(), |_| get_alert_rules());
    let editing: RwSignal<Option<AlertRuleDto>> = RwSignal::new(None);
    let delete = ServerAction::<DeleteAlertRule>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            version.update(|v| *v += 1);
        }
    });
    let on_saved = Callback::new(move |_| {
        editing.set(None);
        version.update(|v| *v += 1);
    });
    view! {
        <div class="card" data-testid="alert-rules">
            <h2 class="card-title">{move || i18n.t("prop.alert_rules")}</h2>
            <p class="muted small">{move || i18n.t("prop.alert_rules_hint")}</p>
            <div class="table-wrap">
                <table class="table">
                    <thead>
                        <tr>
                            <th>{move || i18n.t("prop.alert_name")}</th>
                            <th>{move || i18n.t("prop.alerts_kind")}</th>
                            <th>{move || i18n.t("prop.alert_threshold")}</th>
                            <th>{move || i18n.t("prop.alert_accounts")}</th>
                            <th class="num">{move || i18n.t("prop.alert_fired")}</th>
                            <th>{move || i18n.t("common.status")}</th>
                            <th><span class="sr-only">{move || i18n.t("common.actions")}</span></th>
                        </tr>
                    </thead>
                    <Transition fallback=|| view! { <tbody><tr><td colspan="7"><div class="spinner"></div></td></tr></tbody> }>
                        {move || rules.get().map(|r| match r {
                            Ok(list) => view! {
                                <tbody>
                                    {list.is_empty().then(|| view! { <EmptyRow cols=7 text="prop.alert_no_rules"/> })}
                                    {list.into_iter().map(|r| {
                                        let edit = r.clone();
                                        let id = r.id;
                                        let env = format!("prop.alert_env_{}", r.environment);
                                        let kind = r.kind.clone();
                                        view! {
                                            <tr data-testid=format!("rule-{id}")>
                                                <td>{r.name.clone()}</td>
                                                <td>{move || kind_label(i18n, &kind)}</td>
                                                <td class="mono">{threshold_text(i18n, &r)}</td>
                                                <td>{move || label_text(i18n, &env)}</td>
                                                <td class="num">{r.fired}</td>
                                                <td>{if r.enabled { view! { <span class="badge badge-success">{move || i18n.t("prop.alert_on")}</span> }.into_any() } else { view! { <span class="badge badge-muted">{move || i18n.t("prop.alert_off")}</span> }.into_any() }}</td>
                                                <td class="cluster">
                                                    <Show when=move || may_manage.get()>
                                                        <button type="button" class="btn btn-sm" on:click={ let edit = edit.clone(); move |_| editing.set(Some(edit.clone())) }>{move || i18n.t("common.edit")}</button>
                                                        <button type="button" class="btn btn-sm btn-ghost" on:click=move |_| { delete.dispatch(DeleteAlertRule { id }); }>{move || i18n.t("common.delete")}</button>
                                                    </Show>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            }.into_any(),
                            Err(e) => view! { <tbody><tr><td colspan="7" class="form-error">{move || i18n.t(e.key())}</td></tr></tbody> }.into_any(),
                        })}
                    </Transition>
                </table>
            </div>
            <Show when=move || may_manage.get()>
                {move || view! { <RuleForm rule=editing.get() on_saved on_cancel=Callback::new(move |_| editing.set(None))/> }}
            </Show>
        </div>
    }
}

#[component]
fn RuleForm(
    rule: Option<AlertRuleDto>,
    on_saved: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let r = rule.clone();
    let id = r.as_ref().map_or(0, |r| r.id);
    let name = RwSignal::new(r.as_ref().map(|r| r.name.clone()).unwrap_or_default());
    let kind = RwSignal::new(
        r.as_ref()
            .map_or_else(|| KINDS[0].to_string(), |r| r.kind.clone()),
    );
    let threshold = RwSignal::new(r.as_ref().map(|r| r.threshold.clone()).unwrap_or_default());
    let min_profit = RwSignal::new(
        r.as_ref()
            .map_or_else(|| "0".to_string(), |r| r.min_profit.clone()),
    );
    let step = RwSignal::new(
        r.as_ref()
            .map_or_else(|| "0".to_string(), |r| r.step.clone()),
    );
    let symbol = RwSignal::new(r.as_ref().map(|r| r.symbol.clone()).unwrap_or_default());
    let environment = RwSignal::new(
        r.as_ref()
            .map_or_else(|| "all".to_string(), |r| r.environment.clone()),
    );
    let challenge = RwSignal::new(
        r.as_ref()
            .map_or_else(|| "0".to_string(), |r| r.challenge_id.to_string()),
    );
    let enabled = RwSignal::new(r.as_ref().is_none_or(|r| r.enabled));
    let save = ServerAction::<SaveAlertRule>::new();
    let error = last_error(save.value());
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            on_saved.run(());
        }
    });
    let choices = LocalResource::new(get_prop_choices);
    let kinds = Signal::derive(move || {
        KINDS
            .iter()
            .map(|k| (k.to_string(), kind_label(i18n, k)))
            .collect::<Vec<_>>()
    });
    let envs = Signal::derive(move || {
        ["all", "live", "demo"]
            .iter()
            .map(|e| {
                (
                    e.to_string(),
                    label_text(i18n, &format!("prop.alert_env_{e}")),
                )
            })
            .collect::<Vec<_>>()
    });
    let challenges = Signal::derive(move || {
        let mut v = vec![("0".to_string(), i18n.t("prop.all_challenges").to_string())];
        if let Some(Ok(c)) = choices.get() {
            v.extend(c.challenges.into_iter().map(|c| (c.id.to_string(), c.name)));
        }
        v
    });
    let pct_kind = move || kind.get() == "account_profit_pct";
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveAlertRule {
            id,
            name: name.get_untracked(),
            kind: kind.get_untracked(),
            threshold: threshold.get_untracked(),
            min_profit: min_profit.get_untracked(),
            step: step.get_untracked(),
            symbol: symbol.get_untracked(),
            environment: environment.get_untracked(),
            challenge_id: challenge.get_untracked().parse().unwrap_or(0),
            enabled: enabled.get_untracked(),
        });
    };
    let title = if id == 0 {
        "prop.alert_new"
    } else {
        "prop.alert_edit"
    };
    view! {
        <form class="form" id="alert-rule-form" on:submit=submit novalidate>
            <h3 class="section-title">{move || i18n.t(title)}</h3>
            <FormProblem error shown=vec!["name".into(), "threshold".into(), "step".into(), "symbol".into(), "min_profit".into(), "environment".into()]/>
            <div class="grid-2">
                <TextField label=tlabel("prop.alert_name") id="rule-name" field="name" value=name error required=true/>
                <SelectField label=tlabel("prop.alerts_kind") id="rule-kind" field="kind" value=kind options=kinds error/>
                <TextField
                    label=Signal::derive(move || if pct_kind() { i18n.t("prop.alert_threshold_pct").to_string() } else { i18n.t("prop.alert_threshold_amount").to_string() })
                    id="rule-threshold" field="threshold" value=threshold error required=true inputmode="decimal"
                />
                <TextField label=tlabel("prop.alert_step") id="rule-step" field="step" value=step error inputmode="decimal" hint=tlabel("prop.alert_step_hint")/>
                <Show when=pct_kind>
                    <TextField label=tlabel("prop.alert_min_profit") id="rule-min-profit" field="min_profit" value=min_profit error inputmode="decimal"/>
                </Show>
                <Show when=move || kind.get() == "symbol_profit">
                    <TextField label=tlabel("prop.alert_symbol") id="rule-symbol" field="symbol" value=symbol error/>
                </Show>
                <SelectField label=tlabel("prop.alert_accounts") id="rule-environment" field="environment" value=environment options=envs error/>
                <SelectField label=tlabel("prop.challenge") id="rule-challenge" field="challenge" value=challenge options=challenges error/>
            </div>
            <CheckField label=tlabel("prop.alert_enabled") checked=enabled/>
            <div class="form-actions">
                <Submit label=Signal::derive(move || i18n.t("common.save")) pending=save.pending()/>
                {(id != 0).then(|| view! { <button type="button" class="btn btn-ghost" on:click=move |_| on_cancel.run(())>{move || i18n.t("common.cancel")}</button> })}
            </div>
        </form>
    }
}

fn shares_text(v: &[i64]) -> String {
    v.iter()
        .map(|b| Bps(*b).percent().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
fn TraderWarnings(may_manage: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let settings = resource(|| (), |_| get_trader_alert_settings());
    view! {
        <div class="card" data-testid="trader-warnings">
            <h2 class="card-title">{move || i18n.t("prop.warn_title")}</h2>
            <p class="muted small">{move || i18n.t("prop.warn_hint")}</p>
            <Transition fallback=|| view! { <div class="spinner"></div> }>
                {move || settings.get().map(|r| match r {
                    Ok(s) => view! { <WarningsForm s may_manage/> }.into_any(),
                    Err(e) => view! { <p class="form-error">{move || i18n.t(e.key())}</p> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

#[component]
fn WarningsForm(s: TraderAlertSettings, may_manage: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let daily = RwSignal::new(shares_text(&s.daily_loss_bps));
    let total = RwSignal::new(shares_text(&s.max_loss_bps));
    let days = RwSignal::new(s.period_end_days.to_string());
    let save = ServerAction::<SaveTraderAlertSettings>::new();
    let error = last_error(save.value());
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveTraderAlertSettings {
            daily_loss: daily.get_untracked(),
            max_loss: total.get_untracked(),
            period_end_days: days.get_untracked(),
        });
    };
    view! {
        <form class="form narrow-form" id="warnings-form" on:submit=submit novalidate>
            <FormProblem error shown=vec!["daily_loss".into(), "max_loss".into(), "period_end_days".into()]/>
            <TextField label=tlabel("prop.warn_daily") id="warn-daily" field="daily_loss" value=daily error hint=tlabel("prop.warn_shares_hint")/>
            <TextField label=tlabel("prop.warn_total") id="warn-total" field="max_loss" value=total error hint=tlabel("prop.warn_shares_hint")/>
            <TextField label=tlabel("prop.warn_days") id="warn-days" field="period_end_days" value=days error inputmode="numeric"/>
            <Show when=move || may_manage.get()>
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("common.save")) pending=save.pending()/>
                    <Show when=saved>
                        <span class="text-success" role="status" data-testid="warnings-saved">{move || i18n.t("common.saved")}</span>
                    </Show>
                </div>
            </Show>
        </form>
    }
}
