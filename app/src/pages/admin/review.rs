//! One request under review: what the client asked for and sent, who they are, what happened so
//! far, and the decisions open to this staff member at the current level.
use crate::api::approvals::{
    ApproveRequest, EditRequestAmount, RejectRequest, SetPaymentStatus, get_request_detail,
};
use crate::domain::permission::Permission;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::model::{ClientSummary, RequestDetail, RequestRow, ReviewDto, UploadDto};
use crate::pages::PageHeader;
use crate::ui::badge::{PaymentBadge, StatusBadge};
use crate::ui::form::{FormError, SelectField, Submit, TextField, last_error, tlabel};
use crate::ui::form::{keyed_options, loading};
use crate::ui::layout::MeCtx;
use crate::ui::text::{kind_key, label_text, level_text, opt_money};
use crate::ui::{date, datetime};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// Whether a failed decision should reload the request: anything but a plain validation error
/// of the form's own inputs (e.g. someone else decided first, or the request changed).
fn reload_after(e: &AppError) -> bool {
    match e {
        AppError::Invalid(errs) => errs.iter().any(|f| f.field == "request"),
        AppError::Transport(_) => false,
        _ => true,
    }
}

/// The four decisions of the page, shared by its parts.
#[derive(Clone, Copy)]
struct Decisions {
    approve: ServerAction<ApproveRequest>,
    reject: ServerAction<RejectRequest>,
    amount: ServerAction<EditRequestAmount>,
    payment: ServerAction<SetPaymentStatus>,
}

impl Decisions {
    /// Forgets the outcome of earlier attempts (their errors no longer apply).
    fn clear(&self) {
        self.approve.value().set(None);
        self.reject.value().set(None);
        self.amount.value().set(None);
        self.payment.value().set(None);
    }
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let MeCtx(me) = expect_context();
    let may_decide = Signal::derive(move || {
        me.get()
            .and_then(|r| r.ok().flatten())
            .is_some_and(|m| m.can(Permission::RequestsDecide))
    });
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .with(|p| p.get("id"))
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let version = RwSignal::new(0u32);
    let detail = Resource::new(
        move || (id.get(), version.get()),
        |(id, _)| get_request_detail(id),
    );
    let acts = Decisions {
        approve: ServerAction::new(),
        reject: ServerAction::new(),
        amount: ServerAction::new(),
        payment: ServerAction::new(),
    };
    // Which decision finished last, and what the page says about it.
    let last = RwSignal::new(0u8);
    let notice: RwSignal<Option<&'static str>> = RwSignal::new(None);
    let finished = move |which: u8, result: Option<Result<(), AppError>>, done: &'static str| {
        last.set(which);
        match result {
            Some(Ok(())) => {
                notice.set(Some(done));
                // Earlier refusals were about the request as it was.
                acts.clear();
                version.update(|v| *v += 1);
            }
            Some(Err(e)) => {
                notice.set(None);
                if reload_after(&e) {
                    version.update(|v| *v += 1);
                }
            }
            None => {}
        }
    };
    Effect::new(move |_| {
        if acts.approve.version().get() > 0 {
            finished(
                1,
                acts.approve.value().get_untracked(),
                "appr.done_approved",
            );
        }
    });
    Effect::new(move |_| {
        if acts.reject.version().get() > 0 {
            finished(2, acts.reject.value().get_untracked(), "appr.done_rejected");
        }
    });
    Effect::new(move |_| {
        if acts.amount.version().get() > 0 {
            finished(3, acts.amount.value().get_untracked(), "appr.done_amount");
        }
    });
    Effect::new(move |_| {
        if acts.payment.version().get() > 0 {
            finished(4, acts.payment.value().get_untracked(), "appr.done_payment");
        }
    });
    // Another request opened from the history: forget what was said about the previous one.
    Effect::new(move |prev: Option<i64>| {
        let now = id.get();
        if prev.is_some_and(|p| p != now) {
            notice.set(None);
            last.set(0);
            acts.clear();
        }
        now
    });
    let general_error = Signal::derive(move || match last.get() {
        1 => last_error(acts.approve.value()).get(),
        2 => last_error(acts.reject.value()).get(),
        3 => last_error(acts.amount.value()).get(),
        4 => last_error(acts.payment.value()).get(),
        _ => None,
    });
    view! {
        <PageHeader title="appr.review_title" subtitle="appr.review_sub">
            <a class="btn btn-ghost" href="/admin/approvals">{move || i18n.t("appr.back_to_queue")}</a>
        </PageHeader>
        <div class="stack">
            <FormError error=general_error/>
            <Show when=move || notice.get().is_some()>
                <div class="alert alert-success" role="status" data-testid="review-notice">
                    {move || notice.get().map(|k| i18n.t(k))}
                </div>
            </Show>
            <Transition fallback=loading>
                {move || {
                    detail
                        .get()
                        .map(|r| match r {
                            Ok(d) => view! { <ReviewBody d acts may_decide=may_decide.get()/> }.into_any(),
                            Err(e) => view! { <div class="form-error" role="alert">{move || i18n.t(e.key())}</div> }.into_any(),
                        })
                }}
            </Transition>
        </div>
    }
}

#[component]
fn ReviewBody(d: RequestDetail, acts: Decisions, may_decide: bool) -> impl IntoView {
    let i18n = use_i18n();
    let row = d.row.clone();
    let kind = kind_key(&row.kind);
    let (l, n) = (row.level, row.levels);
    let level = move || level_text(i18n, l, n);
    let has_amount = row.amount.as_deref().is_some_and(|a| !a.is_empty());
    let has_levels = row.levels > 0;
    let level_badge = move || {
        i18n.t("appr.level_badge")
            .replace("{level}", &l.min(n).to_string())
            .replace("{levels}", &n.to_string())
    };
    let amount = opt_money(row.amount.as_deref(), row.currency.as_deref());
    let fee = opt_money(
        row.fee.as_deref().filter(|f| !f.is_empty()),
        row.currency.as_deref(),
    );
    let method = row.method.clone().filter(|m| !m.is_empty());
    let reason = row.reason.clone();
    let decided = row.decided_at.as_ref().map(datetime);
    let details = d.details.clone();
    let reference = d.reference.clone();
    view! {
        <div class="card review-head" data-testid="review-head">
            <div class="review-title">
                <h2>{move || i18n.t(&kind)} <span class="muted mono">{format!(" #{}", row.id)}</span></h2>
                <div class="cluster">
                    <StatusBadge status=row.status.clone()/>
                    {has_levels.then(|| view! { <span class="badge badge-muted" data-testid="review-level">{level_badge}</span> })}
                    {row.payment_status.is_some().then(|| view! { <PaymentBadge status=row.payment_status.clone()/> })}
                </div>
            </div>
            <dl class="kv-grid">
                {has_amount
                    .then(|| {
                        view! {
                            <div><dt>{move || i18n.t("appr.amount")}</dt><dd class="kv-strong" data-testid="review-amount">{amount}</dd></div>
                            <div><dt>{move || i18n.t("appr.fee")}</dt><dd>{fee}</dd></div>
                            <div><dt>{move || i18n.t("appr.currency")}</dt><dd>{row.currency.clone().unwrap_or_default()}</dd></div>
                        }
                    })}
                <div><dt>{move || i18n.t("appr.level")}</dt><dd>{level}</dd></div>
                {row.payment_status
                    .clone()
                    .map(|p| {
                        view! {
                            <div>
                                <dt>{move || i18n.t("appr.payment")}</dt>
                                <dd><PaymentBadge status=Some(p)/></dd>
                            </div>
                        }
                    })}
                {method.map(|m| view! { <div><dt>{move || i18n.t("appr.method")}</dt><dd>{move || label_text(i18n, &m)}</dd></div> })}
                <div><dt>{move || i18n.t("appr.created")}</dt><dd>{datetime(&row.created_at)}</dd></div>
                {decided.map(|t| view! { <div><dt>{move || i18n.t("appr.decided")}</dt><dd>{t}</dd></div> })}
            </dl>
            {(!reason.is_empty())
                .then(|| {
                    view! {
                        <div class="alert alert-warn">
                            <strong>{move || i18n.t("appr.reason")}</strong>
                            <span>{reason}</span>
                        </div>
                    }
                })}
        </div>
        <div class="review-grid">
            <div class="stack">
                <Decide d=d.clone() acts may_decide/>
                <div class="card">
                    <h2 class="card-title">{move || i18n.t("appr.details")}</h2>
                    {(details.is_empty() && reference.is_empty())
                        .then(|| view! { <p class="muted">{move || i18n.t("appr.no_details")}</p> })}
                    <dl class="kv-grid">
                        {details
                            .into_iter()
                            .map(|(k, v)| view! { <div><dt>{move || label_text(i18n, &k)}</dt><dd class="pre-wrap">{v}</dd></div> })
                            .collect_view()}
                        {(!reference.is_empty())
                            .then(|| {
                                view! {
                                    <div>
                                        <dt>{move || i18n.t("appr.reference")}</dt>
                                        <dd class="mono">{reference}</dd>
                                    </div>
                                }
                            })}
                    </dl>
                    <Uploads uploads=d.uploads.clone()/>
                </div>
            </div>
            <ClientPanel client=d.client.clone()/>
        </div>
        <History rows=d.history.clone() current=row.id/>
        <ReviewLog reviews=d.reviews.clone()/>
    }
}

/// The decisions open now, or why there are none.
#[component]
fn Decide(d: RequestDetail, acts: Decisions, may_decide: bool) -> impl IntoView {
    let i18n = use_i18n();
    let row = d.row;
    let pending = row.status == "pending";
    if !pending {
        let status = format!("appr.status_{}", row.status);
        return view! {
            <div class="card">
                <h2 class="card-title">{move || i18n.t("appr.decision")}</h2>
                <p class="muted" data-testid="review-closed">
                    {move || i18n.t("appr.closed").replace("{status}", i18n.t(&status))}
                </p>
            </div>
        }
        .into_any();
    }
    let id = row.id;
    let level = row.level;
    let levels = row.levels;
    let can_decide = d.can_decide && may_decide;
    let can_amount = d.can_edit_amount && may_decide;
    let can_payment = d.can_edit_payment && may_decide;
    let waiting = move || {
        i18n.t("appr.waiting_level")
            .replace("{level}", &level.max(1).to_string())
    };
    let approve_hint = move || {
        if levels > 1 && level < levels {
            i18n.t("appr.approve_hint_next")
                .replace("{level}", &level.to_string())
                .replace("{levels}", &levels.to_string())
                .replace("{next}", &(level + 1).to_string())
        } else {
            i18n.t("appr.approve_hint_final").to_string()
        }
    };
    view! {
        <div class="card">
            <h2 class="card-title">{move || i18n.t("appr.decision")}</h2>
            {if can_decide {
                view! {
                    <div class="decide-grid">
                        <ApproveForm id level acts hint=Signal::derive(approve_hint)/>
                        <RejectForm id acts/>
                    </div>
                }
                    .into_any()
            } else if !may_decide {
                view! { <div class="alert alert-info" data-testid="review-waiting">{move || i18n.t("appr.no_decide_permission")}</div> }.into_any()
            } else {
                view! {
                    <div class="alert alert-info" data-testid="review-waiting">
                        <strong>{waiting}</strong>
                        <span>{move || i18n.t("appr.waiting_level_why")}</span>
                    </div>
                }
                    .into_any()
            }}
            {(can_amount || can_payment)
                .then(|| {
                    view! {
                        <hr class="divider"/>
                        <div class="decide-grid">
                            {can_amount.then(|| view! { <AmountForm id current=row.amount.clone().unwrap_or_default() currency=row.currency.clone().unwrap_or_default() acts/> })}
                            {can_payment.then(|| view! { <PaymentForm id current=row.payment_status.clone().unwrap_or_else(|| "pending".into()) acts/> })}
                        </div>
                    }
                })}
        </div>
    }
    .into_any()
}

#[component]
fn ApproveForm(id: i64, level: i32, acts: Decisions, hint: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let comment = RwSignal::new(String::new());
    let action = acts.approve;
    let error = last_error(action.value());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        action.dispatch(ApproveRequest {
            id,
            level,
            comment: comment.get_untracked(),
        });
    };
    view! {
        <form id="approve-form" class="form" on:submit=submit novalidate>
            <h3>{move || i18n.t("appr.approve_title")}</h3>
            <p class="muted small">{move || hint.get()}</p>
            <TextField
                label=tlabel("appr.approve_comment")
                id="approve-comment"
                value=comment
                field="comment"
                error
                multiline=true
            />
            <div class="form-actions">
                <Submit label=Signal::derive(move || i18n.t("appr.approve")) pending=action.pending()/>
            </div>
        </form>
    }
}

#[component]
fn RejectForm(id: i64, acts: Decisions) -> impl IntoView {
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let action = acts.reject;
    let error = last_error(action.value());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        action.dispatch(RejectRequest {
            id,
            reason: reason.get_untracked(),
        });
    };
    view! {
        <form id="reject-form" class="form" on:submit=submit novalidate>
            <h3>{move || i18n.t("appr.reject_title")}</h3>
            <p class="muted small">{move || i18n.t("appr.reject_hint")}</p>
            <TextField
                label=tlabel("appr.reject_reason")
                id="reject-reason"
                value=reason
                field="reason"
                error
                multiline=true
                required=true
            />
            <div class="form-actions">
                <Submit label=Signal::derive(move || i18n.t("appr.reject")) pending=action.pending() class="btn-danger"/>
            </div>
        </form>
    }
}

#[component]
fn AmountForm(id: i64, current: String, currency: String, acts: Decisions) -> impl IntoView {
    let i18n = use_i18n();
    let amount = RwSignal::new(current);
    let comment = RwSignal::new(String::new());
    let action = acts.amount;
    let error = last_error(action.value());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        action.dispatch(EditRequestAmount {
            id,
            amount: amount.get_untracked().trim().to_string(),
            comment: comment.get_untracked(),
        });
    };
    let hint = move || i18n.t("appr.amount_hint").replace("{currency}", &currency);
    view! {
        <form id="amount-form" class="form" on:submit=submit novalidate>
            <h3>{move || i18n.t("appr.edit_amount")}</h3>
            <p class="muted small">{hint}</p>
            <TextField
                label=tlabel("appr.new_amount")
                id="amount-amount"
                value=amount
                field="amount"
                autocomplete="off"
                error
                inputmode="decimal"
                required=true
            />
            <TextField
                label=tlabel("appr.amount_comment")
                id="amount-comment"
                value=comment
                field="comment"
                error
                multiline=true
            />
            <div class="form-actions">
                <Submit label=Signal::derive(move || i18n.t("appr.save_amount")) pending=action.pending()/>
            </div>
        </form>
    }
}

const PAYMENT_OPTIONS: &[(&str, &str)] = &[
    ("pending", "appr.payment_pending"),
    ("success", "appr.payment_success"),
    ("failed", "appr.payment_failed"),
];

#[component]
fn PaymentForm(id: i64, current: String, acts: Decisions) -> impl IntoView {
    let i18n = use_i18n();
    let status = RwSignal::new(current);
    let comment = RwSignal::new(String::new());
    let action = acts.payment;
    let error = last_error(action.value());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        action.dispatch(SetPaymentStatus {
            id,
            status: status.get_untracked(),
            comment: comment.get_untracked(),
        });
    };
    view! {
        <form id="payment-form" class="form" on:submit=submit novalidate>
            <h3>{move || i18n.t("appr.edit_payment")}</h3>
            <p class="muted small">{move || i18n.t("appr.payment_hint")}</p>
            <SelectField
                label=tlabel("appr.new_payment_status")
                id="payment-status"
                value=status
                options=keyed_options(i18n, PAYMENT_OPTIONS)
                field="status"
                error
            />
            <TextField
                label=tlabel("appr.payment_comment")
                id="payment-comment"
                value=comment
                field="comment"
                error
                multiline=true
            />
            <div class="form-actions">
                <Submit label=Signal::derive(move || i18n.t("appr.save_payment")) pending=action.pending()/>
            </div>
        </form>
    }
}

fn file_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else if bytes >= 1024 {
        format!("{} KB", bytes / 1024)
    } else {
        format!("{bytes} B")
    }
}

#[component]
fn Uploads(uploads: Vec<UploadDto>) -> impl IntoView {
    let i18n = use_i18n();
    (!uploads.is_empty()).then(|| {
        view! {
            <h3 class="section-title">{move || i18n.t("appr.files")}</h3>
            <ul class="file-list">
                {uploads
                    .into_iter()
                    .map(|u| {
                        let purpose = u.purpose.clone();
                        view! {
                            <li>
                                <a href=u.url target="_blank" rel="noopener noreferrer external">{u.file_name}</a>
                                <span class="muted small">
                                    {move || label_text(i18n, &purpose)} " · " {u.content_type} " · " {file_size(u.size)}
                                </span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}

/// (label key, value, whether the value is an i18n key) of the client panel.
fn client_rows(c: &ClientSummary) -> Vec<(&'static str, String, bool)> {
    vec![
        ("common.name", c.name.clone(), false),
        ("auth.email", c.email.clone(), false),
        ("common.id", c.id.to_string(), false),
        ("common.type", format!("auth.kind_{}", c.kind), true),
        ("auth.country", c.country.clone(), false),
        ("common.status", format!("common.status_{}", c.status), true),
        (
            "appr.kyc_status",
            format!("kyc.status_{}", c.kyc_status),
            true,
        ),
        ("appr.group", c.group.clone(), false),
        ("common.joined", date(&c.created_at), false),
    ]
}

#[component]
fn ClientPanel(client: ClientSummary) -> impl IntoView {
    let i18n = use_i18n();
    let rows = client_rows(&client);
    let href = format!("/admin/wallets/{}", client.id);
    view! {
        <aside class="card" data-testid="review-client">
            <div class="card-header">
                <h2 class="card-title">{move || i18n.t("appr.client")}</h2>
                <a class="btn btn-sm" href=href>{move || i18n.t("appr.open_wallets")}</a>
            </div>
            <dl class="kv-list">
                {rows
                    .into_iter()
                    .map(|(k, v, is_key)| {
                        view! {
                            <div>
                                <dt>{move || i18n.t(k)}</dt>
                                <dd>{move || if is_key { i18n.t(&v).to_string() } else { v.clone() }}</dd>
                            </div>
                        }
                    })
                    .collect_view()}
            </dl>
            <h3 class="section-title">{move || i18n.t("nav.wallets")}</h3>
            {if client.wallets.is_empty() {
                view! { <p class="muted">{move || i18n.t("wallets.none")}</p> }.into_any()
            } else {
                view! {
                    <ul class="mini-wallets">
                        {client
                            .wallets
                            .into_iter()
                            .map(|w| {
                                view! {
                                    <li data-testid=format!("client-wallet-{}", w.currency)>
                                        <span class="wallet-currency">{w.currency.clone()}</span>
                                        <dl>
                                            <div><dt>{move || i18n.t("wallets.balance")}</dt><dd>{w.balance}</dd></div>
                                            <div><dt>{move || i18n.t("wallets.held")}</dt><dd>{w.held}</dd></div>
                                            <div><dt>{move || i18n.t("wallets.available")}</dt><dd>{w.available}</dd></div>
                                        </dl>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </aside>
    }
}

#[component]
fn History(rows: Vec<RequestRow>, current: i64) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="card">
            <h2 class="card-title">{move || i18n.t("appr.history")}</h2>
            <div class="table-wrap">
                <table class="table">
                    <thead>
                        <tr>
                            <th>{move || i18n.t("common.id")}</th>
                            <th>{move || i18n.t("appr.kind")}</th>
                            <th class="num">{move || i18n.t("appr.amount")}</th>
                            <th>{move || i18n.t("appr.level")}</th>
                            <th>{move || i18n.t("common.status")}</th>
                            <th>{move || i18n.t("appr.created")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows.is_empty().then(|| view! { <crate::ui::table::EmptyRow cols=6/> })}
                        {rows
                            .into_iter()
                            .map(|r| {
                                let kind = kind_key(&r.kind);
                                let is_current = r.id == current;
                                view! {
                                    <tr class:is-current=is_current>
                                        <td class="mono">
                                            {if is_current {
                                                view! { <span aria-current="true">{format!("#{}", r.id)}</span> }.into_any()
                                            } else {
                                                view! { <a href=format!("/admin/approvals/{}", r.id)>{format!("#{}", r.id)}</a> }.into_any()
                                            }}
                                        </td>
                                        <td>{move || i18n.t(&kind)}</td>
                                        <td class="num">{opt_money(r.amount.as_deref(), r.currency.as_deref())}</td>
                                        <td>{move || level_text(i18n, r.level, r.levels)}</td>
                                        <td><StatusBadge status=r.status.clone()/></td>
                                        <td class="nowrap">{datetime(&r.created_at)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
}

#[component]
fn ReviewLog(reviews: Vec<ReviewDto>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="card">
            <h2 class="card-title">{move || i18n.t("appr.review_log")}</h2>
            <div class="table-wrap">
                <table class="table" data-testid="review-log">
                    <thead>
                        <tr>
                            <th>{move || i18n.t("common.when")}</th>
                            <th>{move || i18n.t("admin.actor")}</th>
                            <th>{move || i18n.t("appr.level")}</th>
                            <th>{move || i18n.t("admin.action")}</th>
                            <th>{move || i18n.t("appr.comment")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {reviews.is_empty().then(|| view! { <crate::ui::table::EmptyRow cols=5/> })}
                        {reviews
                            .into_iter()
                            .map(|r| {
                                let action = format!("appr.action_{}", r.action);
                                let actor = r.actor.clone();
                                view! {
                                    <tr>
                                        <td class="nowrap">{datetime(&r.at)}</td>
                                        <td>{move || actor.clone().unwrap_or_else(|| i18n.t("admin.system_actor").to_string())}</td>
                                        <td>{if r.level > 0 { r.level.to_string() } else { "—".to_string() }}</td>
                                        <td>{move || i18n.t(&action)}</td>
                                        <td class="pre-wrap">{r.comment}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
}
