//! One request under review: what the client asked for and sent, who they are, what happened so
//! far, and the decisions open to this staff member at the current level.
use crate::api::approvals::{
    ApproveRequest, EditRequestAmount, RejectRequest, SetPaymentStatus, get_request_detail,
};
use crate::domain::permission::Permission;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::model::RequestDetail;
use crate::pages::PageHeader;
use crate::ui::badge::{PaymentBadge, StatusBadge};
use crate::ui::datetime;
use crate::ui::form::loading;
use crate::ui::form::{FormError, last_error};
use crate::ui::layout::MeCtx;
use crate::ui::resource::resource;
use crate::ui::route_id;
use crate::ui::text::{label_text, level_text, opt_money};
use leptos::prelude::*;

mod decide;
pub use decide::*;
mod context;
pub use context::*;

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
pub struct Decisions {
    pub(super) approve: ServerAction<ApproveRequest>,
    pub(super) reject: ServerAction<RejectRequest>,
    pub(super) amount: ServerAction<EditRequestAmount>,
    pub(super) payment: ServerAction<SetPaymentStatus>,
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
    let id = route_id();
    let version = RwSignal::new(0u32);
    let detail = resource(
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
    let kind = row.kind.label_key();
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
                    <StatusBadge status=row.status/>
                    {has_levels.then(|| view! { <span class="badge badge-muted" data-testid="review-level">{level_badge}</span> })}
                    {row.payment_status.is_some().then(|| view! { <PaymentBadge status=row.payment_status/> })}
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
