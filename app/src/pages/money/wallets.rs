//! Client wallets: the list of every wallet, and one client's wallets with their postings and
//! the "modify balance" form.
use super::transactions::{TX_TYPES, TransactionsTable};
use crate::api::money::wallets::{
    AdjustBalance, client_wallets, list_wallets, transactions_report,
};
use crate::api::settings::{AssignGroup, list_groups};
use crate::domain::permission::Permission;
use crate::i18n::use_i18n;
use crate::model::{ClientSummary, WalletRow};
use crate::pages::PageHeader;
use crate::ui::form::{FormError, SelectField, Submit, TextField, last_error, tlabel};
use crate::ui::form::{currency_options, loading};
use crate::ui::layout::MeCtx;
use crate::ui::resource::resource;
use crate::ui::table::{ListBody, ListState, SortHeader};
use crate::ui::toolbar::ListToolbar;
use crate::ui::{date, money, new_idempotency_key};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn WalletsPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = ListState::new("user", false);
    let wallets = resource(move || state.get(), list_wallets);
    let export =
        Signal::derive(move || format!("/export/wallets.csv?{}", state.get().to_query_string()));
    view! {
        <PageHeader title="nav.wallets" subtitle="wallets.sub"/>
        <div class="card">
            <ListToolbar state search="wallets.search" currency=true export/>
            <div class="table-wrap">
                <table class="table">
                    <thead>
                        <tr>
                            <SortHeader state col="user" label="appr.client"/>
                            <th>{move || i18n.t("auth.email")}</th>
                            <SortHeader state col="currency" label="appr.currency"/>
                            <SortHeader state col="balance" label="wallets.balance" num=true/>
                            <th class="num">{move || i18n.t("wallets.held")}</th>
                            <SortHeader state col="available" label="wallets.available" num=true/>
                            <th><span class="sr-only">{move || i18n.t("common.actions")}</span></th>
                        </tr>
                    </thead>
                    <ListBody state data=wallets cols=7 row=move |w: WalletRow| {
                        let href = format!("/admin/wallets/{}", w.user_id);
                        view! {
                            <tr data-testid=format!("wallet-{}-{}", w.email, w.currency())>
                                <td><a href=href.clone()>{w.client.clone()}</a></td>
                                <td>{w.email.clone()}</td>
                                <td>{w.currency().to_string()}</td>
                                <td class="num">{w.balance.amount()}</td>
                                <td class="num">{w.held.amount()}</td>
                                <td class="num">{w.available.amount()}</td>
                                <td><a class="btn btn-sm" href=href>{move || i18n.t("appr.open")}</a></td>
                            </tr>
                        }
                    }/>
                </table>
            </div>
        </div>
    }
}

#[component]
pub fn ClientWalletPage() -> impl IntoView {
    let i18n = use_i18n();
    let MeCtx(me) = expect_context();
    let can = move |p: Permission| {
        me.get()
            .and_then(|r| r.ok().flatten())
            .is_some_and(|m| m.can(p))
    };
    let can_adjust = move || can(Permission::FundsAdjust);
    let can_group = move || can(Permission::SettingsManage);
    let params = use_params_map();
    let user_id = Memo::new(move |_| {
        params
            .with(|p| p.get("user_id"))
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let version = RwSignal::new(0u32);
    let summary = resource(
        move || (user_id.get(), version.get()),
        |(id, _)| client_wallets(id),
    );
    // The client's postings: the report narrowed to this client by their id.
    let tx_state = ListState::new("at", true);
    let transactions = resource(
        move || {
            let mut q = tx_state.get();
            q.q = user_id.get().to_string();
            (q, version.get())
        },
        |(q, _)| transactions_report(q),
    );
    let export = Signal::derive(move || {
        let mut q = tx_state.get();
        q.q = user_id.get().to_string();
        format!("/export/transactions.csv?{}", q.to_query_string())
    });
    let refresh = Callback::new(move |_| version.update(|v| *v += 1));
    view! {
        <PageHeader title="wallets.client_title" subtitle="wallets.client_sub">
            <a class="btn btn-ghost" href="/admin/wallets">{move || i18n.t("wallets.back")}</a>
        </PageHeader>
        <div class="stack">
            <Transition fallback=loading>
                {move || {
                    summary
                        .get()
                        .map(|r| match r {
                            Ok(c) => view! { <ClientWallets client=c/> }.into_any(),
                            Err(e) => view! { <div class="form-error" role="alert">{move || i18n.t(e.key())}</div> }.into_any(),
                        })
                }}
            </Transition>
            <Show when=can_group>
                <GroupForm user_id=user_id on_done=refresh/>
            </Show>
            <Show when=can_adjust>
                <AdjustForm user_id=user_id on_done=refresh/>
            </Show>
            <div class="card">
                <h2 class="card-title">{move || i18n.t("nav.transactions")}</h2>
                <ListToolbar state=tx_state filters=TX_TYPES.to_vec() filter_label="wallets.filter_type" dates=true export/>
                <TransactionsTable state=tx_state data=transactions/>
            </div>
        </div>
    }
}

/// Moves the client into another client group (which decides their methods and rates).
#[component]
fn GroupForm(user_id: Memo<i64>, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let groups = resource(|| (), |_| list_groups());
    let group = RwSignal::new(String::new());
    let assign = ServerAction::<AssignGroup>::new();
    let error = last_error(assign.value());
    Effect::new(move |_| {
        if let Some(Ok(())) = assign.value().get() {
            on_done.run(());
        }
    });
    let options = Signal::derive(move || {
        groups
            .get()
            .and_then(|r| r.ok())
            .unwrap_or_default()
            .into_iter()
            .map(|g| (g.id.to_string(), g.name))
            .collect::<Vec<_>>()
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Ok(group_id) = group.get_untracked().parse::<i64>() {
            assign.dispatch(AssignGroup {
                user_id: user_id.get_untracked(),
                group_id,
            });
        }
    };
    view! {
        <div class="card">
            <h2 class="card-title">{move || i18n.t("wallets.group_title")}</h2>
            <form id="group-assign-form" class="form" on:submit=submit novalidate>
                <p class="muted small">{move || i18n.t("wallets.group_intro")}</p>
                <FormError error/>
                <Transition fallback=loading>
                    {move || groups.get().map(|_| view! {
                        <SelectField label=tlabel("wallets.group") id="f-assign-group" field="group_id" value=group options error/>
                    })}
                </Transition>
                <Show when=move || matches!(assign.value().get(), Some(Ok(())))>
                    <div class="alert alert-success" role="status" data-testid="group-done">{move || i18n.t("settings.saved")}</div>
                </Show>
                <Submit label=Signal::derive(move || i18n.t("wallets.group_move")) pending=assign.pending()/>
            </form>
        </div>
    }
}

#[component]
fn ClientWallets(client: ClientSummary) -> impl IntoView {
    let i18n = use_i18n();
    let kind = format!("auth.kind_{}", client.kind.as_str());
    let status = format!("common.status_{}", client.status);
    let kyc = format!("kyc.status_{}", client.kyc_status);
    view! {
        <div class="card" data-testid="wallet-client">
            <div class="card-header">
                <div>
                    <h2 class="card-title">{client.name.clone()}</h2>
                    <span class="muted">{client.email.clone()} " · #" {client.id}</span>
                </div>
                <div class="cluster">
                    <span class="badge">{move || i18n.t(&kind)}</span>
                    <span class="badge">{move || i18n.t(&status)}</span>
                    <span class="badge badge-muted">"KYC: " {move || i18n.t(&kyc)}</span>
                </div>
            </div>
            <dl class="kv-grid">
                <div><dt>{move || i18n.t("auth.country")}</dt><dd>{client.country.clone()}</dd></div>
                <div><dt>{move || i18n.t("appr.group")}</dt><dd>{client.group.clone()}</dd></div>
                <div><dt>{move || i18n.t("common.joined")}</dt><dd>{date(&client.created_at)}</dd></div>
            </dl>
        </div>
        {if client.wallets.is_empty() {
            view! { <div class="card"><p class="muted">{move || i18n.t("wallets.none")}</p></div> }.into_any()
        } else {
            view! {
                <div class="grid-cards">
                    {client
                        .wallets
                        .into_iter()
                        .map(|w| {
                            view! {
                                <div class="card wallet-card" data-testid=format!("wallet-{}", w.currency())>
                                    <div class="wallet-currency">{w.currency().to_string()}</div>
                                    <div class="stat">
                                        <span class="stat-label">{move || i18n.t("wallets.balance")}</span>
                                        <span class="stat-value" data-testid="balance">{w.balance.to_string()}</span>
                                    </div>
                                    <dl class="kv-list">
                                        <div>
                                            <dt>{move || i18n.t("wallets.held_pending")}</dt>
                                            <dd data-testid="held">{w.held.to_string()}</dd>
                                        </div>
                                        <div>
                                            <dt>{move || i18n.t("wallets.available")}</dt>
                                            <dd data-testid="available">{w.available.to_string()}</dd>
                                        </div>
                                    </dl>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
            }
                .into_any()
        }}
    }
}

const DIRECTIONS: &[(&str, &str)] = &[
    ("deposit", "wallets.direction_deposit"),
    ("withdraw", "wallets.direction_withdraw"),
];

/// Credits or debits a wallet at once. Each intended operation has its own idempotency key, so
/// a double submit or a retry is applied once; a new key is made after each success.
#[component]
fn AdjustForm(user_id: Memo<i64>, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let key = RwSignal::new(new_idempotency_key());
    let currency = RwSignal::new("USD".to_string());
    let direction = RwSignal::new("deposit".to_string());
    let amount = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let adjust = ServerAction::<AdjustBalance>::new();
    let error = last_error(adjust.value());
    // What was sent, for the confirmation.
    let sent: RwSignal<Option<(String, String)>> = RwSignal::new(None);
    let done: RwSignal<Option<(String, String)>> = RwSignal::new(None);
    Effect::new(move |_| {
        if adjust.version().get() == 0 {
            return;
        }
        if let Some(Ok(())) = adjust.value().get_untracked() {
            done.set(sent.get_untracked());
            key.set(new_idempotency_key());
            amount.set(String::new());
            comment.set(String::new());
            on_done.run(());
        } else {
            done.set(None);
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let a = AdjustBalance {
            idempotency_key: key.get_untracked(),
            user_id: user_id.get_untracked(),
            currency: currency.get_untracked(),
            direction: direction.get_untracked(),
            amount: amount.get_untracked().trim().to_string(),
            comment: comment.get_untracked(),
        };
        sent.set(Some((a.direction.clone(), money(&a.amount, &a.currency))));
        done.set(None);
        adjust.dispatch(a);
    };
    let confirmation = move || {
        done.get().map(|(dir, amount)| {
            let key = if dir == "withdraw" {
                "wallets.adjust_done_withdraw"
            } else {
                "wallets.adjust_done_deposit"
            };
            i18n.t(key).replace("{amount}", &amount)
        })
    };
    view! {
        <div class="card">
            <h2 class="card-title">{move || i18n.t("wallets.adjust_title")}</h2>
            <form id="adjust-form" class="form" on:submit=submit novalidate>
                <p class="muted small">{move || i18n.t("wallets.adjust_intro")}</p>
                <FormError error/>
                <Show when=move || done.with(|d| d.is_some())>
                    <div class="alert alert-success" role="status" data-testid="adjust-done">{confirmation}</div>
                </Show>
                <div class="form-row">
                    <SelectField
                        label=tlabel("appr.currency")
                        id="adjust-currency"
                        value=currency
                        options=currency_options()
                        field="currency"
                        error
                    />
                    <SelectField
                        label=tlabel("wallets.direction")
                        id="adjust-direction"
                        value=direction
                        options=crate::ui::form::keyed_options(i18n, DIRECTIONS)
                        field="direction"
                        error
                    />
                </div>
                <TextField
                    label=tlabel("appr.amount")
                    id="adjust-amount"
                    value=amount
                    field="amount"
                    autocomplete="off"
                    error
                    inputmode="decimal"
                    required=true
                    placeholder="0.00"
                />
                <TextField
                    label=tlabel("appr.comment")
                    id="adjust-comment"
                    value=comment
                    field="comment"
                    error
                    multiline=true
                    required=true
                    hint=tlabel("wallets.comment_hint")
                />
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("wallets.adjust_submit")) pending=adjust.pending()/>
                </div>
            </form>
        </div>
    }
}
