//! The back office's coupons: the list with each coupon's statistics (search, filter, CSV),
//! the editor (card, discount, limits, validity, audience, covered packages, promotional
//! link), granting to more clients, and revoking.
use super::promo_codes::{period, times};
use crate::api::offers::{GrantCoupon, RevokeCoupon, SaveCoupon, coupon_options, coupons};
use crate::domain::offers::{CouponAudience, Covered};
use crate::i18n::use_i18n;
use crate::model::{CouponChoices, CouponForm, CouponRow};
use crate::ui::form::{
    CheckField, FormProblem, GroupPicker, SelectField, Submit, TextField, currency_options,
    keyed_options, last_error, tlabel,
};
use crate::ui::resource::resource;
use crate::ui::settings::Editing;
use crate::ui::table::{ListBody, ListState, SortHeader};
use crate::ui::text::monies;
use crate::ui::toolbar::ListToolbar;
use leptos::prelude::*;

const AUDIENCES: &[(&str, &str)] = &[
    ("new_clients", "offers.audience_new_clients"),
    ("existing_clients", "offers.audience_existing_clients"),
    ("groups", "offers.audience_groups"),
    ("list", "offers.audience_list"),
];

/// The fields the coupon editor shows errors beside; the rest (groups, scope) go on top.
const SHOWN: &[&str] = &[
    "title",
    "colour",
    "body",
    "discount",
    "currency",
    "total_limit",
    "per_client",
    "valid_from",
    "valid_to",
    "audience",
    "clients",
    "link_code",
];

/// What is open above the list: a coupon's editor, or the grant form of one.
#[derive(Clone)]
enum Open {
    Edit(Box<CouponForm>),
    Grant(i64, String),
}

#[component]
pub fn Coupons() -> impl IntoView {
    let i18n = use_i18n();
    let editing = Editing::<Open>::new();
    let revoke = ServerAction::<RevokeCoupon>::new();
    let state = ListState::new("id", true);
    let data = resource(
        move || (state.get(), editing.version.get(), revoke.version().get()),
        |(q, _, _)| coupons(q),
    );
    let choices = resource(|| (), |_| coupon_options());
    let export =
        Signal::derive(move || format!("/export/coupons.csv?{}", state.get().to_query_string()));
    let filters = vec![
        ("", "common.all"),
        ("active", "offers.active"),
        ("revoked", "offers.revoked"),
    ];
    let new_coupon = move || CouponForm {
        colour: "#2563eb".into(),
        audience: "groups".into(),
        currency: "USD".into(),
        ..Default::default()
    };
    view! {
        <div class="stack">
            <Transition fallback=|| ()>
                {move || editing.open.get().map(|open| {
                    let choices = choices.get().and_then(Result::ok);
                    match open {
                        Open::Edit(form) => choices.map(|choices| view! { <CouponEditor form=*form choices editing/> }.into_any()),
                        Open::Grant(id, title) => Some(view! { <GrantForm id title choices editing/> }.into_any()),
                    }
                })}
            </Transition>
            <div class="card">
                <FormProblem error=last_error(revoke.value())/>
                <ListToolbar state search="offers.search_coupons" filters export>
                    <button type="button" class="btn btn-sm btn-primary" data-testid="new-coupon"
                        on:click=move |_| editing.edit(Open::Edit(Box::new(new_coupon())))>{move || i18n.t("offers.new_coupon")}</button>
                </ListToolbar>
                <div class="table-wrap">
                    <table class="table coupons-table" data-testid="coupons">
                        <thead>
                            <tr>
                                <SortHeader state col="id" label="common.id" num=true/>
                                <th>{move || i18n.t("offers.coupon")}</th>
                                <th>{move || i18n.t("offers.discount")}</th>
                                <th>{move || i18n.t("offers.audience")}</th>
                                <th class="num">{move || i18n.t("offers.limits")}</th>
                                <th>{move || i18n.t("offers.validity")}</th>
                                <th class="num">{move || i18n.t("offers.granted")}</th>
                                <th class="num">{move || i18n.t("offers.used")}</th>
                                <th class="num">{move || i18n.t("offers.revenue_before")}</th>
                                <th class="num">{move || i18n.t("offers.revenue_after")}</th>
                                <th>{move || i18n.t("common.actions")}</th>
                            </tr>
                        </thead>
                        <ListBody state data cols=11 row=move |c: CouponRow| view! {
                            <CouponLine c editing revoke=Callback::new(move |id| { revoke.dispatch(RevokeCoupon { id }); })/>
                        }/>
                    </table>
                </div>
            </div>
        </div>
    }
}

#[component]
fn CouponLine(c: CouponRow, editing: Editing<Open>, revoke: Callback<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let id = c.id;
    let (amount, currency) = match c.discount.split_once(' ') {
        Some((a, cur)) => (a.to_string(), cur.to_string()),
        None => (c.discount.clone(), String::new()),
    };
    let form = CouponForm {
        id,
        title: c.title.clone(),
        colour: c.colour.clone(),
        body: c.body.clone(),
        discount: amount,
        currency,
        total_limit: c.total_limit.unwrap_or(0),
        per_client: c.per_client.unwrap_or(0),
        valid_from: c.valid_from.clone(),
        valid_to: c.valid_to.clone(),
        audience: c.audience.as_str().into(),
        group_ids: c.group_ids.clone(),
        clients: String::new(),
        scope: c.scope.clone(),
        on_retry: c.on_retry,
        link_code: c.link_code.clone(),
    };
    let audience = format!("offers.audience_{}", c.audience.as_str());
    let link = c.link_code.clone();
    let title = c.title.clone();
    let editable = !c.revoked && c.used == 0;
    view! {
        <tr data-testid=format!("coupon-{}", c.title) data-granted=c.granted data-used=c.used>
            <td class="num mono">{id}</td>
            <td>
                <span class="cell-main coupon-name"><span class="swatch" style=format!("background:{}", c.colour)></span>{c.title.clone()}</span>
                {c.revoked.then(|| view! { <span class="badge badge-muted">{move || i18n.t("offers.revoked")}</span> })}
            </td>
            <td>{c.discount.clone()}</td>
            <td>
                {move || i18n.t(&audience)}
                {(!link.is_empty()).then(|| view! { <span class="cell-sub mono">{format!("/r/{link}")}</span> })}
            </td>
            <td class="num">{format!("{} / {}", times(c.total_limit), times(c.per_client))}</td>
            <td>{period(&c.valid_from, &c.valid_to)}</td>
            <td class="num" data-testid="coupon-granted">{c.granted}</td>
            <td class="num" data-testid="coupon-used">{c.used}</td>
            <td class="num" data-testid="coupon-before">{monies(&c.revenue_before)}</td>
            <td class="num" data-testid="coupon-after">{monies(&c.revenue_after)}</td>
            <td>
                <div class="cluster">
                    {editable.then(|| view! {
                        <button type="button" class="btn btn-sm" on:click=move |_| editing.edit(Open::Edit(Box::new(form.clone())))>{move || i18n.t("common.edit")}</button>
                    })}
                    {(!c.revoked).then(|| view! {
                        <button type="button" class="btn btn-sm" on:click=move |_| editing.edit(Open::Grant(id, title.clone()))>{move || i18n.t("offers.grant")}</button>
                        <button type="button" class="btn btn-sm btn-ghost" on:click=move |_| revoke.run(id)>{move || i18n.t("offers.revoke")}</button>
                    })}
                </div>
            </td>
        </tr>
    }
}

/// The packages as checkboxes, grouped by challenge: a challenge's own box covers all its
/// packages.
#[component]
fn ScopePicker(choices: CouponChoices, scope: RwSignal<Vec<Covered>>) -> impl IntoView {
    let i18n = use_i18n();
    let mut challenges: Vec<(i64, String)> = choices
        .packages
        .iter()
        .map(|p| (p.challenge_id, p.challenge.clone()))
        .collect();
    challenges.dedup();
    let has = move |c: Covered| scope.with(|s| s.contains(&c));
    let toggle = move |c: Covered, on: bool| {
        scope.update(|s| {
            s.retain(|x| *x != c);
            if on {
                s.push(c);
            }
        })
    };
    view! {
        <fieldset class="scope-picker">
            <legend>{move || i18n.t("offers.scope")}</legend>
            <p class="muted">{move || i18n.t("offers.scope_hint")}</p>
            {challenges.into_iter().map(|(cid, name)| {
                let all = Covered { challenge_id: cid, package: None };
                let all2 = all.clone();
                let packages = choices.packages.iter().filter(|p| p.challenge_id == cid).cloned().collect::<Vec<_>>();
                view! {
                    <div class="scope-challenge">
                        <label class="checkbox">
                            <input type="checkbox" data-testid=format!("scope-{name}") prop:checked=move || has(all.clone())
                                on:change=move |ev| toggle(all2.clone(), event_target_checked(&ev))/>
                            <strong>{name.clone()}</strong>
                        </label>
                        <div class="cluster">
                            {packages.into_iter().map(|p| {
                                let one = Covered { challenge_id: cid, package: Some(p.key.clone()) };
                                let one2 = one.clone();
                                view! {
                                    <label class="checkbox">
                                        <input type="checkbox" prop:checked=move || has(one.clone())
                                            on:change=move |ev| toggle(one2.clone(), event_target_checked(&ev))/>
                                        <span>{format!("{} · {}", p.package, p.fee)}</span>
                                    </label>
                                }
                            }).collect_view()}
                        </div>
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

#[component]
fn CouponEditor(form: CouponForm, choices: CouponChoices, editing: Editing<Open>) -> impl IntoView {
    let i18n = use_i18n();
    let id = form.id;
    let title = RwSignal::new(form.title);
    let colour = RwSignal::new(form.colour);
    let body = RwSignal::new(form.body);
    let discount = RwSignal::new(form.discount);
    let currency = RwSignal::new(form.currency);
    let count = |n: u32| if n == 0 { String::new() } else { n.to_string() };
    let total_limit = RwSignal::new(count(form.total_limit));
    let per_client = RwSignal::new(count(form.per_client));
    let from = RwSignal::new(form.valid_from);
    let to = RwSignal::new(form.valid_to);
    let audience = RwSignal::new(form.audience);
    let group_ids = RwSignal::new(form.group_ids);
    let clients = RwSignal::new(form.clients);
    let scope = RwSignal::new(form.scope);
    let on_retry = RwSignal::new(form.on_retry);
    let link_code = RwSignal::new(form.link_code);
    let save = ServerAction::<SaveCoupon>::new();
    let error = last_error(save.value());
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            editing.on_saved().run(());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let n = |s: RwSignal<String>| s.get_untracked().trim().parse().unwrap_or(0);
        save.dispatch(SaveCoupon {
            form: CouponForm {
                id,
                title: title.get_untracked(),
                colour: colour.get_untracked(),
                body: body.get_untracked(),
                discount: discount.get_untracked(),
                currency: currency.get_untracked(),
                total_limit: n(total_limit),
                per_client: n(per_client),
                valid_from: from.get_untracked(),
                valid_to: to.get_untracked(),
                audience: audience.get_untracked(),
                group_ids: group_ids.get_untracked(),
                clients: clients.get_untracked(),
                scope: scope.get_untracked(),
                on_retry: on_retry.get_untracked(),
                link_code: link_code.get_untracked(),
            },
        });
    };
    let is = move |a: CouponAudience| audience.with(|v| v == a.as_str());
    let groups = choices.groups.clone();
    view! {
        <div class="card">
            <h2 class="card-title">{move || i18n.t(if id == 0 { "offers.new_coupon" } else { "offers.edit_coupon" })}</h2>
            <form class="form" on:submit=submit novalidate data-testid="coupon-form">
                <FormProblem error shown=SHOWN.iter().map(|f| f.to_string()).collect()/>
                <div class="coupon-editor">
                    <div class="stack">
                        <div class="form-row">
                            <TextField label=tlabel("offers.title") id="coupon-title" field="title" value=title error required=true autocomplete="off"/>
                            <TextField label=tlabel("offers.colour") id="coupon-colour" field="colour" value=colour error kind="color"/>
                        </div>
                        <TextField label=tlabel("offers.text") id="coupon-body" field="body" value=body error multiline=true/>
                    </div>
                    <div class="coupon-preview" aria-hidden="true">
                        <CouponCard title=title colour=colour body=body discount=Signal::derive(move || {
                            let d = discount.get();
                            if d.trim().ends_with('%') || d.trim().is_empty() { d } else { format!("{} {}", d.trim(), currency.get()) }
                        })/>
                    </div>
                </div>
                <div class="form-row">
                    <TextField label=tlabel("offers.discount") id="coupon-discount" field="discount" value=discount error required=true autocomplete="off" hint=tlabel("offers.discount_hint")/>
                    <SelectField label=tlabel("offers.currency") id="coupon-currency" field="currency" value=currency options=currency_options() error/>
                    <TextField label=tlabel("offers.total_limit") id="coupon-total" field="total_limit" value=total_limit error inputmode="numeric" hint=tlabel("offers.unlimited_hint")/>
                    <TextField label=tlabel("offers.per_client") id="coupon-per-client" field="per_client" value=per_client error inputmode="numeric" hint=tlabel("offers.unlimited_hint")/>
                </div>
                <div class="form-row">
                    <TextField label=tlabel("offers.valid_from") id="coupon-from" field="valid_from" value=from error kind="date"/>
                    <TextField label=tlabel("offers.valid_to") id="coupon-to" field="valid_to" value=to error kind="date"/>
                </div>
                <SelectField label=tlabel("offers.audience") id="coupon-audience" field="audience" value=audience options=keyed_options(i18n, AUDIENCES) error/>
                {move || is(CouponAudience::Groups).then(|| view! { <GroupPicker groups=groups.clone() chosen=group_ids testid="group"/> })}
                {move || is(CouponAudience::List).then(|| view! {
                    <TextField label=tlabel("offers.clients") id="coupon-clients" field="clients" value=clients error multiline=true hint=tlabel("offers.clients_hint")/>
                })}
                <TextField label=tlabel("offers.link_code") id="coupon-link" field="link_code" value=link_code error autocomplete="off" hint=tlabel("offers.link_code_hint")/>
                <ScopePicker choices=choices.clone() scope/>
                <CheckField label=tlabel("offers.on_retry") checked=on_retry/>
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t(if id == 0 { "offers.create_and_grant" } else { "common.save" })) pending=save.pending()/>
                    <button type="button" class="btn btn-ghost" on:click=move |_| editing.on_cancel().run(())>{move || i18n.t("common.cancel")}</button>
                </div>
            </form>
        </div>
    }
}

/// A coupon's visual card, as the client sees it.
#[component]
pub fn CouponCard(
    #[prop(into)] title: Signal<String>,
    #[prop(into)] colour: Signal<String>,
    #[prop(into)] body: Signal<String>,
    #[prop(into)] discount: Signal<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="coupon-card" style=move || format!("--coupon:{}", colour.get())>
            <div class="coupon-discount">{move || format!("−{}", discount.get())}</div>
            <div class="coupon-body">
                <strong class="coupon-title">{move || title.get()}</strong>
                <p>{move || body.get()}</p>
                {children.map(|c| c())}
            </div>
        </div>
    }
}

/// Grants a coupon to the members of client groups and to clients named by e-mail.
#[component]
fn GrantForm(
    id: i64,
    title: String,
    choices: Option<CouponChoices>,
    editing: Editing<Open>,
) -> impl IntoView {
    let i18n = use_i18n();
    let group_ids = RwSignal::new(Vec::<i64>::new());
    let clients = RwSignal::new(String::new());
    let grant = ServerAction::<GrantCoupon>::new();
    let error = last_error(grant.value());
    let granted = move || grant.value().get().and_then(Result::ok);
    Effect::new(move |_| {
        if granted().is_some() {
            editing.reload();
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        grant.dispatch(GrantCoupon {
            id,
            group_ids: group_ids.get_untracked(),
            clients: clients.get_untracked(),
        });
    };
    view! {
        <div class="card">
            <h2 class="card-title">{move || i18n.t("offers.grant")}" · "{title}</h2>
            <form class="form" on:submit=submit novalidate data-testid="grant-form">
                <FormProblem error shown=vec!["clients".into()]/>
                {choices.map(|c| view! { <GroupPicker groups=c.groups chosen=group_ids testid="group"/> })}
                <TextField label=tlabel("offers.clients") id="grant-clients" field="clients" value=clients error multiline=true hint=tlabel("offers.clients_hint")/>
                {move || granted().map(|n| view! { <p class="alert alert-success" role="status">{format!("{} {n}", i18n.t("offers.granted_now"))}</p> })}
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("offers.grant")) pending=grant.pending()/>
                    <button type="button" class="btn btn-ghost" on:click=move |_| editing.on_cancel().run(())>{move || i18n.t("common.cancel")}</button>
                </div>
            </form>
        </div>
    }
}
