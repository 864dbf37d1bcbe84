//! The trader's prop pages: the challenges on offer (filtered by type, packages compared,
//! bought from the wallet or directly), "my challenges", and one challenge's page with its
//! progress, the reasons for every rule decision, the trading panel and the trade history.
//! The challenge page refreshes itself every two seconds: equity is judged as it moves.
use crate::api::offers::my_coupons;
use crate::api::prop::challenges::{
    Participate, RetryStage, get_challenge_cards, get_my_challenges, get_my_participant,
    quote_package,
};
use crate::api::prop::participants::ResetAccountPassword;
use crate::api::trading::positions::{ClosePosition, OpenPosition, get_quotes};
use crate::domain::live::Topic;
use crate::domain::offers::covers;
use crate::i18n::use_i18n;
use crate::model::{
    AccountDto, ChallengeCard, ClientCoupon, CouponState, ParticipantDetail, ParticipantRow,
    PositionDto,
};
use crate::pages::PageHeader;
use crate::ui::form::{FormProblem, SelectField, Submit, TextField, last_error, tlabel};
use crate::ui::live::{LiveDot, changes, changes_of, steady};
use crate::ui::new_idempotency_key;
use crate::ui::profit_share::{ProfitSharesTable, ProfitTerms};
use crate::ui::prop::{
    AccountsTable, DealsTable, DecisionsTable, EquityChart, ParticipantBadge, PositionsTable,
    ProgressBars, StageRules, env_text, trading_days_text,
};
use crate::ui::resource::resource;
use crate::ui::route_id;
use crate::ui::text::label_or;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn PortalChallengesPage() -> impl IntoView {
    let i18n = use_i18n();
    let cards = resource(|| (), |_| get_challenge_cards());
    // The client's valid coupons, offered on the cards they cover.
    let coupons = resource(|| (), |_| my_coupons());
    let kind = RwSignal::new(String::new());
    // `?challenge=` (a promotional link's challenge): that card comes first, marked.
    let chosen: Option<i64> = use_query_map()
        .with_untracked(|q| q.get("challenge"))
        .and_then(|c| c.parse().ok());
    view! {
        <PageHeader title="nav.challenges" subtitle="prop.challenges_sub"/>
        <Suspense fallback=move || view! { <p class="muted">{move || i18n.t("common.loading")}</p> }>
            {move || cards.get().map(|r| match r {
                Err(e) => view! { <p class="alert alert-error">{i18n.t(e.key())}</p> }.into_any(),
                Ok(cards) if cards.is_empty() => view! { <p class="card muted">{move || i18n.t("prop.no_challenges")}</p> }.into_any(),
                Ok(mut cards) => {
                    cards.sort_by_key(|c| Some(c.id) != chosen);
                    let mut mine = coupons.get().and_then(Result::ok).unwrap_or_default();
                    mine.retain(|c| c.state == CouponState::Valid);
                    let mine = StoredValue::new(mine);
                    let mut types: Vec<String> = cards.iter().flat_map(|c| c.types.clone()).collect();
                    types.sort();
                    types.dedup();
                    let cards = StoredValue::new(cards);
                    view! {
                        <div class="chips" role="group" aria-label=move || i18n.t("prop.filter_type")>
                            <button class="chip" class:active=move || kind.get().is_empty() on:click=move |_| kind.set(String::new())>{move || i18n.t("common.all")}</button>
                            {types.into_iter().map(|t| {
                                let t2 = t.clone();
                                let t3 = t.clone();
                                view! { <button class="chip" class:active=move || kind.get() == t2 on:click=move |_| kind.set(t3.clone())>{t}</button> }
                            }).collect_view()}
                        </div>
                        // Every card drawn once; a type chip hides the others rather than
                        // drawing the list again, which would reset each card's choices.
                        <div class="challenge-list">
                            {cards.with_value(|cs| cs.iter()
                                .cloned()
                                .map(|c| {
                                    let featured = Some(c.id) == chosen;
                                    let coupons = mine.with_value(|m| m.iter().filter(|k| k.scope.is_empty() || k.scope.iter().any(|s| s.challenge_id == c.id)).cloned().collect::<Vec<_>>());
                                    let types = c.types.clone();
                                    let hidden = Signal::derive(move || kind.with(|k| !k.is_empty() && !types.contains(k)));
                                    view! { <ChallengeCardView card=c featured coupons hidden/> }
                                })
                                .collect_view())}
                        </div>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

#[component]
fn ChallengeCardView(
    card: ChallengeCard,
    featured: bool,
    /// The client's valid coupons that cover some package of this challenge.
    coupons: Vec<ClientCoupon>,
    /// Whether the type chip chosen leaves this challenge out.
    hidden: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let package = RwSignal::new(
        card.packages
            .first()
            .map(|p| p.key.clone())
            .unwrap_or_default(),
    );
    let pay = RwSignal::new(
        if card.pay_from_wallet {
            "wallet"
        } else {
            "direct"
        }
        .to_string(),
    );
    let key = RwSignal::new(new_idempotency_key());
    let promo = RwSignal::new(String::new());
    let coupon = RwSignal::new("0".to_string());
    let card_id = card.id;
    let has_coupons = !coupons.is_empty();
    // The coupons that cover the chosen package ("0": none).
    let coupon_options = Signal::derive(move || {
        let p = package.get();
        let mut o = vec![("0".to_string(), i18n.t("prop.no_coupon").to_string())];
        o.extend(
            coupons
                .iter()
                .filter(|c| covers(&c.scope, card_id, &p))
                .map(|c| (c.id.to_string(), format!("{} · −{}", c.title, c.discount))),
        );
        o
    });
    let coupon_id = move || coupon.get().parse::<i64>().unwrap_or(0);
    // The code the client applied (the preview asks the server only then, not on every key).
    let applied = RwSignal::new(String::new());
    let preview = resource(
        move || (package.get(), coupon_id(), applied.get()),
        move |(package_key, coupon, code)| async move {
            if coupon == 0 && code.trim().is_empty() {
                return None;
            }
            Some(quote_package(card_id, package_key, coupon, code).await)
        },
    );
    let action = ServerAction::<Participate>::new();
    let error = last_error(action.value());
    Effect::new(move |_| {
        if let Some(Ok(p)) = action.value().get() {
            key.set(new_idempotency_key());
            let to = p
                .pay_url
                .unwrap_or_else(|| format!("/my-challenges/{}", p.participant_id));
            navigate(&to, Default::default());
        }
    });
    let id = card.id;
    let packages = card.packages.clone();
    let package_options: Vec<(String, String)> = packages
        .iter()
        .map(|p| {
            (
                p.key.clone(),
                format!("{} · {} · {}", p.name, p.account_size, p.fee),
            )
        })
        .collect();
    let mut pay_options = Vec::new();
    if card.pay_from_wallet {
        pay_options.push(("wallet".to_string(), "prop.pay_wallet".to_string()));
    }
    if card.pay_direct {
        pay_options.push(("direct".to_string(), "prop.pay_direct".to_string()));
    }
    let pay_options = Signal::derive(move || {
        pay_options
            .iter()
            .map(|(k, l)| (k.clone(), i18n.t(l).to_string()))
            .collect::<Vec<_>>()
    });
    let stage_count = packages.iter().map(|p| p.stages.len()).max().unwrap_or(0);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        action.dispatch(Participate {
            idempotency_key: key.get_untracked(),
            challenge_id: id,
            package_key: package.get_untracked(),
            pay_method: pay.get_untracked(),
            coupon: coupon.get_untracked().parse().unwrap_or(0),
            promo_code: promo.get_untracked(),
        });
    };
    let details = card.details.clone();
    view! {
        <article class="card challenge-card" class:featured=featured hidden=move || hidden.get() data-testid=format!("challenge-{}", card.name)>
            {featured.then(|| view! { <p class="badge badge-accent" data-testid="invited-challenge">{move || i18n.t("prop.invited_challenge")}</p> })}
            <header class="challenge-head">
                <div>
                    <h2 class="card-title">{card.name.clone()}</h2>
                    <p class="muted">
                        {card.types.join(" · ")}
                        " · "
                        {move || i18n.t(if card.phase == "upcoming" { "prop.upcoming" } else { "prop.ongoing" })}
                        {format!(" · {} ({})", card.starts_at, card.time_zone)}
                    </p>
                </div>
            </header>
            {(!card.cover_url.is_empty()).then(|| view! { <img class="challenge-cover" src=card.cover_url.clone() alt="" loading="lazy"/> })}
            {(!details.is_empty()).then(|| view! { <p class="challenge-details">{details}</p> })}
            {(!card.poster_url.is_empty()).then(|| view! {
                <details class="challenge-poster">
                    <summary>{move || i18n.t("prop.poster")}</summary>
                    <img src=card.poster_url.clone() alt="" loading="lazy"/>
                </details>
            })}
            <div class="table-wrap">
                <table class="table compare">
                    <thead>
                        <tr>
                            <th>{move || i18n.t("prop.package")}</th>
                            {packages.iter().map(|p| view! { <th class="num">{p.name.clone()}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        <tr><th scope="row">{move || i18n.t("prop.account_size")}</th>{packages.iter().map(|p| view! { <td class="num">{p.account_size.clone()}</td> }).collect_view()}</tr>
                        <tr><th scope="row">{move || i18n.t("prop.fee")}</th>{packages.iter().map(|p| view! { <td class="num">{p.fee.clone()}</td> }).collect_view()}</tr>
                        <tr><th scope="row">{move || i18n.t("prop.leverage")}</th>{packages.iter().map(|p| view! { <td class="num">{format!("1:{}", p.leverage)}</td> }).collect_view()}</tr>
                        {(0..stage_count).map(|s| {
                            let cells = packages.iter().map(|p| {
                                let text = p.stages.get(s).map(|st| {
                                    let env = st.environment.clone();
                                    let rules = st.rules.clone();
                                    view! {
                                        <span class="badge badge-muted">{move || label_or(i18n, &format!("prop.env_{env}"), &env)}</span>
                                        <ul class="rule-list">
                                            {rules.into_iter().map(|r| {
                                                let l = r.label.clone();
                                                view! { <li><span>{move || label_or(i18n, &l, &l)}</span>" "<strong>{r.value}</strong></li> }
                                            }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }).unwrap_or_else(|| view! { <span class="muted">"—"</span> }.into_any());
                                view! { <td>{text}</td> }
                            }).collect_view();
                            view! { <tr><th scope="row">{move || i18n.t("prop.stage")}" "{s + 1}</th>{cells}</tr> }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <form class="form participate-form" novalidate on:submit=on_submit>
                <FormProblem error shown=vec!["package".into(), "pay_method".into(), "coupon".into(), "promo_code".into()]/>
                <div class="form-row">
                    <SelectField label=tlabel("prop.package") id=format!("p-{id}-package") field="package" value=package options=package_options error/>
                    <SelectField label=tlabel("prop.pay_with") id=format!("p-{id}-pay") field="pay_method" value=pay options=pay_options error/>
                    {has_coupons.then(|| view! {
                        <SelectField label=tlabel("prop.coupon") id=format!("p-{id}-coupon") field="coupon" value=coupon options=coupon_options error/>
                    })}
                    <div class="promo-field">
                        <TextField label=tlabel("prop.promo_code") id=format!("p-{id}-promo") field="promo_code" value=promo error autocomplete="off" hint=Signal::derive(move || i18n.t("prop.promo_code_hint"))/>
                        <button type="button" class="btn btn-secondary" on:click=move |_| applied.set(promo.get_untracked())>{move || i18n.t("prop.apply_code")}</button>
                    </div>
                </div>
                <Transition fallback=|| ()>
                    {move || preview.get().flatten().map(|r| match r {
                        Ok(q) => view! {
                            <p class="promo-preview" data-testid="price-preview">
                                <span>{move || i18n.t("prop.quote_price")}" "<s data-testid="price-list">{q.list.to_string()}</s></span>
                                {(q.coupon.minor() > 0).then(|| view! { <span data-testid="price-coupon">{move || i18n.t("prop.quote_coupon")}" −"{q.coupon.to_string()}</span> })}
                                {(q.promo.minor() > 0).then(|| view! { <span data-testid="price-promo">{move || i18n.t("prop.quote_promo")}" −"{q.promo.to_string()}</span> })}
                                <strong data-testid="price-paid">{move || i18n.t("prop.quote_paid")}" "{q.paid.to_string()}</strong>
                            </p>
                        }.into_any(),
                        Err(e) => view! { <p class="field-error" role="alert" data-testid="price-error">{i18n.t(e.field_code("coupon").or(e.field_code("promo_code")).unwrap_or(e.key()))}</p> }.into_any(),
                    })}
                </Transition>
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("prop.participate")) pending=action.pending()/>
                </div>
            </form>
        </article>
    }
}

#[component]
pub fn MyChallengesPage() -> impl IntoView {
    let i18n = use_i18n();
    let live = changes(Topic::Participant);
    let rows = resource(move || live.get(), |_| get_my_challenges());
    view! {
        <PageHeader title="nav.my_challenges" subtitle="prop.mine_sub"/>
        <Suspense fallback=move || view! { <p class="muted">{move || i18n.t("common.loading")}</p> }>
            {move || rows.get().map(|r| match r {
                Err(e) => view! { <p class="alert alert-error">{i18n.t(e.key())}</p> }.into_any(),
                Ok(rows) if rows.is_empty() => view! {
                    <p class="card muted">{move || i18n.t("prop.none_yet")}" "<a href="/challenges">{move || i18n.t("nav.challenges")}</a></p>
                }.into_any(),
                Ok(rows) => view! {
                    <div class="challenge-list">
                        {rows.into_iter().map(|r| view! { <ParticipantCard row=r/> }).collect_view()}
                    </div>
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn ParticipantCard(row: ParticipantRow) -> impl IntoView {
    let i18n = use_i18n();
    let status = row.status;
    let reason = row.reason.clone();
    view! {
        <a class="card participant-card" href=format!("/my-challenges/{}", row.id) data-testid=format!("participant-{}", row.id)>
            <div class="challenge-head">
                <h2 class="card-title">{format!("{} · {}", row.challenge, row.package)}</h2>
                <ParticipantBadge status/>
            </div>
            <p class="muted">
                {move || i18n.t("prop.stage")}{format!(" {}/{} · ", row.stage, row.stages)}
                {row.login.clone()}
                {(!reason.is_empty()).then(|| {
                    let r = reason.clone();
                    view! { " · "{move || label_or(i18n, &r, &r)} }
                })}
            </p>
            <ProgressBars bars=row.bars.clone() compact=true/>
        </a>
    }
}

#[component]
pub fn ChallengePage() -> impl IntoView {
    let i18n = use_i18n();
    let id = route_id();
    // After an order of the trader's own; the live stream tells of every other change (the
    // account's figures and decisions, and the participation's requests being decided).
    let tick = RwSignal::new(0u32);
    let (account, requests) = (changes_of(Topic::Participant, id), changes(Topic::Request));
    let detail = resource(
        move || (id.get(), tick.get(), account.get(), requests.get()),
        |(id, ..)| get_my_participant(id),
    );
    let tab = RwSignal::new("overview");
    // Whether the password shows: kept here, as the account's card is drawn again with every
    // live update of its figures.
    provide_context(ShowPassword(RwSignal::new(false)));
    provide_context(Retry::new());
    let order = OrderForm::new();
    // The trade tab's live parts, read in place: the detail also holds the chart's points and
    // every deal, which a clone per read would copy at each tick.
    let account = Memo::new(move |_| detail.with(|r| r.as_ref()?.as_ref().ok()?.account.clone()));
    let positions = Memo::new(move |_| {
        detail.with(|r| match r {
            Some(Ok(d)) => d.positions.clone(),
            _ => Vec::new(),
        })
    });
    // The firm chooses whether the challenge's details or "my challenge" come first.
    let opened = StoredValue::new(false);
    Effect::new(move |_| {
        if let Some(Ok(d)) = detail.get()
            && !opened.get_value()
        {
            opened.set_value(true);
            if d.details_first && (!d.details.is_empty() || !d.poster_url.is_empty()) {
                tab.set("details");
            }
        }
    });
    view! {
        <PageHeader title="prop.challenge_page"><LiveDot/></PageHeader>
        <Transition fallback=move || view! { <p class="muted">{move || i18n.t("common.loading")}</p> }>
            {move || detail.get().map(|r| match r {
                Err(e) => view! { <p class="alert alert-error">{i18n.t(e.key())}</p> }.into_any(),
                Ok(d) => {
                    let d = StoredValue::new(d);
                    view! {
                        <ParticipantHeader d=d.get_value()/>
                        <div class="tabs" role="tablist">
                            {[("details", "prop.tab_details"), ("overview", "prop.tab_overview"), ("trade", "prop.tab_trade"), ("history", "prop.tab_history"), ("profit", "prop.tab_profit")].into_iter().filter(|(t, _)| match *t {
                                "details" => d.with_value(|d| !d.details.is_empty() || !d.poster_url.is_empty()),
                                "profit" => d.with_value(|d| d.profit_terms.is_some() || !d.profit_shares.is_empty()),
                                _ => true,
                            }).map(|(t, label)| view! {
                                <button role="tab" class="tab" class:active=move || tab.get() == t aria-selected=move || (tab.get() == t).to_string() data-testid=format!("tab-{t}") on:click=move |_| { crate::ui::open_tab(tab, t); }>{move || i18n.t(label)}</button>
                            }).collect_view()}
                        </div>
                        {move || match tab.get() {
                            // Drawn below, apart from these redraws.
                            "trade" => ().into_any(),
                            "history" => view! { <History d=d.get_value()/> }.into_any(),
                            "details" => view! { <Details d=d.get_value()/> }.into_any(),
                            "profit" => view! { <ProfitSharing d=d.get_value()/> }.into_any(),
                            _ => view! { <Overview d=d.get_value()/> }.into_any(),
                        }}
                    }.into_any()
                }
            })}
            {steady(
                move || {
                    if tab.get() != "trade" {
                        return None;
                    }
                    let a = detail.with(|r| r.as_ref()?.as_ref().ok().map(|d| d.account.clone()))?;
                    Some(a.filter(|a| a.platform == "sim").map(|a| (a.id, a.enabled)))
                },
                move |trading| match trading {
                    Some((account_id, enabled)) => view! {
                        <TradePanel account_id enabled account positions order on_done=Callback::new(move |_| tick.update(|t| *t += 1))/>
                    }.into_any(),
                    None => view! { <p class="card muted">{move || i18n.t("prop.no_trading")}</p> }.into_any(),
                },
            )}
        </Transition>
    }
}

#[component]
fn ParticipantHeader(d: ParticipantDetail) -> impl IntoView {
    let i18n = use_i18n();
    let r = d.row.clone();
    let status = r.status;
    let reason = r.reason.clone();
    view! {
        <div class="card participant-head">
            <div class="challenge-head">
                <h2 class="card-title">{format!("{} · {}", r.challenge, r.package)}</h2>
                <ParticipantBadge status testid="participant-status"/>
            </div>
            <p class="muted">
                {move || i18n.t("prop.stage")}{format!(" {}/{} (", r.stage, r.stages)}
                {let env = r.environment.clone(); move || env_text(i18n, &env)}") · "
                {move || i18n.t("prop.attempt")}{format!(" {} · ", r.attempt)}
                {move || i18n.t("prop.started")}{format!(" {}", if r.started_at.is_empty() { "—" } else { &r.started_at })}
                {(!r.ended_at.is_empty()).then(|| view! { " · "{move || i18n.t("prop.ended")}{format!(" {}", r.ended_at)} })}
            </p>
            {(!reason.is_empty()).then(|| {
                let rr = reason.clone();
                view! { <p class="alert alert-error" data-testid="participant-reason">{move || i18n.t("prop.failed_because")}" "{move || label_or(i18n, &rr, &rr)}</p> }
            })}
            {d.pay_url.clone().map(|u| view! { <p class="alert"><a class="btn btn-primary" href=u>{move || i18n.t("prop.complete_payment")}</a></p> })}
            {d.retry.clone().map(|o| view! { <RetryForm id=d.row.id attempt=o.attempt max=o.max_attempts fee=o.fee/> })}
            {d.account.clone().map(|a| view! { <Credentials a participant=d.row.id/> })}
        </div>
    }
}

#[derive(Clone, Copy)]
struct ShowPassword(RwSignal<bool>);

/// The stage account's credentials, or that it is being opened on a bridged platform (until the
/// platform acknowledges it); the password can be reset, and a bridged account's equity says
/// when the platform last reported it.
#[component]
fn Credentials(a: AccountDto, participant: i64) -> impl IntoView {
    let i18n = use_i18n();
    if a.status == "opening" {
        let text = i18n
            .t("prop.account_opening")
            .replace("{server}", &a.server);
        return view! { <p class="alert" role="status" data-testid="account-opening">{text}</p> }
            .into_any();
    }
    let show = use_context::<ShowPassword>().map_or_else(|| RwSignal::new(false), |s| s.0);
    let password = a.password.clone().unwrap_or_default();
    let reset = ServerAction::<ResetAccountPassword>::new();
    let error = last_error(reset.value());
    let asked = move || reset.value().get().is_some_and(|r| r.is_ok());
    let pending = a.reset_pending;
    let as_of = a.as_of.clone();
    view! {
        <dl class="kv credentials" data-testid="credentials">
            <dt>{move || i18n.t("prop.login")}</dt><dd data-testid="account-login">{a.login.clone()}</dd>
            <dt>{move || i18n.t("prop.password")}</dt>
            <dd>
                <span data-testid="account-password">{move || if show.get() { password.clone() } else { "••••••••••••".into() }}</span>
                " "
                <button type="button" class="btn btn-sm" on:click=move |_| show.update(|s| *s = !*s)>{move || i18n.t(if show.get() { "prop.hide" } else { "prop.show" })}</button>
                " "
                <button type="button" class="btn btn-sm" data-testid="reset-password"
                    disabled=move || pending || asked() || reset.pending().get()
                    on:click=move |_| { reset.dispatch(ResetAccountPassword { participant_id: participant }); }>
                    {move || i18n.t("prop.reset_password")}
                </button>
                {move || (pending || asked()).then(|| view! {
                    <div class="muted small" role="status" data-testid="reset-pending">{i18n.t("prop.reset_pending")}</div>
                })}
                <FormProblem error/>
            </dd>
            <dt>{move || i18n.t("prop.server")}</dt><dd data-testid="account-env">{format!("{} · {}", a.server, env_text(i18n, &a.environment))}</dd>
            <dt>{move || i18n.t("prop.balance")}</dt><dd class="num" data-testid="account-balance">{a.balance.to_string()}</dd>
            <dt>{move || i18n.t("prop.equity")}</dt>
            <dd class="num" data-testid="account-equity">
                {a.equity.to_string()}
                {as_of.map(|t| view! { <div class="muted small" data-testid="equity-as-of">{i18n.t("prop.as_of").replace("{time}", &t)}</div> })}
                {a.stale.then(|| view! { <span class="badge badge-warn" data-testid="equity-stale">{i18n.t("prop.stale")}</span> })}
            </dd>
        </dl>
    }
    .into_any()
}

/// The paid retry's request: kept by the page, as the header with its form is drawn anew with
/// every live update of the account. A key made per drawing would let a click during one
/// retry's flight become a second retry; it changes only once a retry went through.
#[derive(Clone, Copy)]
struct Retry {
    key: RwSignal<String>,
    action: ServerAction<RetryStage>,
}

impl Retry {
    fn new() -> Self {
        let retry = Self {
            key: RwSignal::new(new_idempotency_key()),
            action: ServerAction::new(),
        };
        Effect::new(move |_| {
            if matches!(retry.action.value().get(), Some(Ok(_))) {
                retry.key.set(new_idempotency_key());
            }
        });
        retry
    }
}

#[component]
fn RetryForm(id: i64, attempt: i32, max: u32, fee: String) -> impl IntoView {
    let i18n = use_i18n();
    let Retry { key, action } = expect_context();
    let error = last_error(action.value());
    view! {
        <form class="form inline-form" on:submit=move |ev| {
            ev.prevent_default();
            action.dispatch(RetryStage { idempotency_key: key.get_untracked(), participant_id: id });
        }>
            <FormProblem error/>
            <p>{move || {
                let free = fee.chars().all(|c| !c.is_ascii_digit() || c == '0');
                let key = if free { "prop.retry_offer_free" } else { "prop.retry_offer" };
                i18n.t(key).replace("{attempt}", &attempt.to_string()).replace("{max}", &max.to_string()).replace("{fee}", &fee)
            }}</p>
            <Submit label=Signal::derive(move || i18n.t("prop.retry")) pending=action.pending()/>
        </form>
    }
}

#[component]
fn Overview(d: ParticipantDetail) -> impl IntoView {
    let i18n = use_i18n();
    let end = if d.period_end.is_empty() {
        "∞".to_string()
    } else {
        d.period_end.clone()
    };
    let (traded, min_days) = (d.trading_days, d.min_trading_days);
    view! {
        <div class="grid grid-2">
            <section class="card">
                <h3 class="card-title">{move || i18n.t("prop.progress")}</h3>
                <ProgressBars bars=d.row.bars.clone()/>
                <dl class="kv-grid prop-days">
                    <div><dt>{move || i18n.t("prop.trading_days")}</dt><dd class="kv-strong" data-testid="trading-days">{move || trading_days_text(i18n, traded, min_days)}</dd></div>
                    <div><dt>{move || i18n.t("prop.period")}</dt><dd>{format!("{} → {end}", d.period_start)}</dd></div>
                </dl>
            </section>
            <section class="card">
                <h3 class="card-title">{move || i18n.t("prop.chart_title")}</h3>
                <EquityChart points=d.points.clone() currency=d.row.currency().to_string()/>
            </section>
        </div>
        <section class="card">
            <h3 class="card-title">{move || i18n.t("prop.decisions")}</h3>
            <DecisionsTable rows=d.decisions.clone() testid="decisions"/>
        </section>
        <section class="card">
            <StageRules stages=d.stage_rules.clone() current=d.row.stage/>
        </section>
    }
}

/// What the trader has typed into the order form. The page keeps it, so that it survives a
/// switch to another tab and back.
#[derive(Clone, Copy)]
struct OrderForm {
    symbol: RwSignal<String>,
    volume: RwSignal<String>,
    sl: RwSignal<String>,
    tp: RwSignal<String>,
}

impl OrderForm {
    fn new() -> Self {
        Self {
            symbol: RwSignal::new("EURUSD".to_string()),
            volume: RwSignal::new("0.10".to_string()),
            sl: RwSignal::new(String::new()),
            tp: RwSignal::new(String::new()),
        }
    }
}

/// The trade tab. Drawn once for the account, apart from the page's live redraws: the figures
/// and positions follow the page's `account` and `positions`, and the order form keeps the trader's focus as prices move.
#[component]
fn TradePanel(
    account_id: i64,
    enabled: bool,
    account: Memo<Option<AccountDto>>,
    positions: Memo<Vec<PositionDto>>,
    order: OrderForm,
    on_done: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let quotes = resource(
        move || account.with(|a| a.as_ref().map(|a| a.equity)),
        |_| get_quotes(),
    );
    let OrderForm {
        symbol,
        volume,
        sl,
        tp,
    } = order;
    let open = ServerAction::<OpenPosition>::new();
    let close = ServerAction::<ClosePosition>::new();
    let error = last_error(open.value());
    let close_error = last_error(close.value());
    Effect::new(move |_| {
        if matches!(open.value().get(), Some(Ok(()))) || matches!(close.value().get(), Some(Ok(())))
        {
            on_done.run(());
        }
    });
    let symbols = Signal::derive(move || {
        quotes
            .get()
            .and_then(|r| r.ok())
            .unwrap_or_default()
            .into_iter()
            .map(|q| (q.symbol.clone(), format!("{} · {}", q.symbol, q.price)))
            .collect::<Vec<_>>()
    });
    let send = move |side: &'static str| {
        open.dispatch(OpenPosition {
            account_id,
            symbol: symbol.get_untracked(),
            side: side.into(),
            volume: volume.get_untracked(),
            stop_loss: sl.get_untracked(),
            take_profit: tp.get_untracked(),
        });
    };
    let on_close = Callback::new(move |position_id| {
        close.dispatch(ClosePosition { position_id });
    });
    view! {
        <div class="grid grid-2">
            <section class="card">
                <h3 class="card-title">{move || i18n.t("prop.new_order")}</h3>
                {move || account.get().map(|acc| view! {
                    <dl class="kv">
                        <dt>{move || i18n.t("prop.equity")}</dt><dd class="num">{acc.equity.to_string()}</dd>
                        <dt>{move || i18n.t("prop.margin")}</dt><dd class="num">{acc.margin.amount()}</dd>
                        <dt>{move || i18n.t("prop.free_margin")}</dt><dd class="num">{acc.free_margin.amount()}</dd>
                        <dt>{move || i18n.t("prop.leverage")}</dt><dd class="num">{format!("1:{}", acc.leverage)}</dd>
                    </dl>
                })}
                <form class="form" novalidate on:submit=|ev| ev.prevent_default()>
                    <FormProblem error shown=vec!["symbol".into(), "volume".into(), "stop_loss".into(), "take_profit".into()]/>
                    <SelectField label=tlabel("prop.symbol") id="t-symbol" field="symbol" value=symbol options=symbols error/>
                    <TextField label=tlabel("prop.volume") id="t-volume" field="volume" value=volume error inputmode="decimal" required=true/>
                    <div class="form-row">
                        <TextField label=tlabel("prop.stop_loss") id="t-sl" field="stop_loss" value=sl error inputmode="decimal"/>
                        <TextField label=tlabel("prop.take_profit") id="t-tp" field="take_profit" value=tp error inputmode="decimal"/>
                    </div>
                    <div class="form-actions">
                        <button type="button" class="btn btn-success" data-testid="buy" disabled=move || !enabled || open.pending().get() on:click=move |_| send("buy")>{move || i18n.t("prop.buy")}</button>
                        <button type="button" class="btn btn-danger" data-testid="sell" disabled=move || !enabled || open.pending().get() on:click=move |_| send("sell")>{move || i18n.t("prop.sell")}</button>
                    </div>
                </form>
            </section>
            <section class="card">
                <h3 class="card-title">{move || i18n.t("prop.positions")}</h3>
                <FormProblem error=close_error/>
                {move || view! { <PositionsTable rows=positions.get() testid="positions" on_close closing=close.pending()/> }}
            </section>
        </div>
    }
}

#[component]
fn History(d: ParticipantDetail) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card">
            <h3 class="card-title">{move || i18n.t("prop.trade_history")}</h3>
            <DealsTable rows=d.deals.clone() testid="deals"/>
        </section>
        <section class="card">
            <h3 class="card-title">{move || i18n.t("prop.accounts")}</h3>
            <AccountsTable rows=d.accounts.clone() testid="stage-accounts"/>
        </section>
    }
}

/// The funded stage's profit share: its terms, where the running period stands, and every
/// settlement with its payout status.
#[component]
fn ProfitSharing(d: ParticipantDetail) -> impl IntoView {
    let i18n = use_i18n();
    let currency = d.row.currency().to_string();
    view! {
        <section class="card" data-testid="profit-sharing">
            <h3 class="card-title">{move || i18n.t("prop.ps_title")}</h3>
            {d.profit_terms.clone().map(|t| view! { <ProfitTerms t currency=currency.clone()/> })}
            <ProfitSharesTable rows=d.profit_shares.clone() testid="profit-shares"/>
        </section>
    }
}

/// The challenge as the firm describes it: its details and poster.
#[component]
fn Details(d: ParticipantDetail) -> impl IntoView {
    view! {
        <section class="card" data-testid="challenge-details">
            {(!d.details.is_empty()).then(|| view! { <p class="challenge-details">{d.details.clone()}</p> })}
            {(!d.poster_url.is_empty()).then(|| view! { <img class="challenge-poster-img" src=d.poster_url.clone() alt=""/> })}
        </section>
    }
}
