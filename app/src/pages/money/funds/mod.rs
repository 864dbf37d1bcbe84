//! The client's funds: wallets, deposits (offline with a receipt, or online through the test
//! payment provider), withdrawals to saved destinations, transfers, and the destinations
//! themselves, one file a tab; `preview` holds the fee and limit previews the forms share.
mod deposit;
mod destinations;
mod preview;
mod transfer;
mod withdraw;

use crate::api::money::funds::get_funds_overview;
use crate::domain::approval::RequestStatus;
use crate::domain::live::Topic;
use crate::i18n::use_i18n;
use crate::model::{FundsOverview, RequestRow, WalletDto};
use crate::pages::PageHeader;
use crate::ui::live::changes;
use crate::ui::resource::{Json, resource};
use crate::ui::text::{label_or, request_amount};
use deposit::DepositPanel;
use destinations::DestinationsPanel;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use transfer::TransferPanel;
use withdraw::WithdrawPanel;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tab {
    Deposit,
    Withdraw,
    Transfer,
    Destinations,
}

impl Tab {
    const ALL: [Tab; 4] = [
        Tab::Deposit,
        Tab::Withdraw,
        Tab::Transfer,
        Tab::Destinations,
    ];

    fn slug(self) -> &'static str {
        match self {
            Tab::Deposit => "deposit",
            Tab::Withdraw => "withdraw",
            Tab::Transfer => "transfer",
            Tab::Destinations => "destinations",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Tab::Deposit => "funds.tab_deposit",
            Tab::Withdraw => "funds.tab_withdraw",
            Tab::Transfer => "funds.tab_transfer",
            Tab::Destinations => "funds.tab_destinations",
        }
    }

    /// The KYC policy action behind the tab.
    fn action(self) -> Option<&'static str> {
        match self {
            Tab::Deposit => Some("deposit"),
            Tab::Withdraw => Some("withdrawal"),
            Tab::Transfer => Some("transfer"),
            Tab::Destinations => None,
        }
    }

    fn parse(s: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.slug() == s)
    }
}

/// A success message shown above the tabs; it survives the overview's reload.
#[derive(Clone, PartialEq)]
struct Flash {
    /// An i18n key with `{id}` and `{amount}` placeholders.
    key: &'static str,
    row: Option<RequestRow>,
}

/// What the page's parts share: the open tab, the success message and a way to reload.
#[derive(Clone, Copy)]
struct FundsCtx {
    tab: RwSignal<Tab>,
    flash: RwSignal<Option<Flash>>,
    version: RwSignal<u32>,
}

impl FundsCtx {
    fn done(&self, key: &'static str, row: Option<RequestRow>) {
        self.flash.set(Some(Flash { key, row }));
        self.version.update(|v| *v += 1);
    }
}

/// The flash key for a new request, by its kind and whether it was decided at once.
fn request_flash(kind: &str, row: &RequestRow) -> &'static str {
    let approved = row.status == RequestStatus::Approved;
    match (kind, approved) {
        ("deposit", true) => "funds.deposit_approved",
        ("deposit", false) => "funds.deposit_submitted",
        ("withdrawal", true) => "funds.withdrawal_approved",
        ("withdrawal", false) => "funds.withdrawal_submitted",
        (_, true) => "funds.transfer_done",
        (_, false) => "funds.transfer_submitted",
    }
}

#[component]
pub fn FundsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let initial = query
        .with_untracked(|q| q.get("tab").and_then(|t| Tab::parse(&t)))
        .unwrap_or(Tab::Deposit);
    let ctx = FundsCtx {
        tab: RwSignal::new(initial),
        flash: RwSignal::new(None),
        version: RwSignal::new(0),
    };
    // The trader's own request reloads the page (its forms start afresh). Balances also move
    // when a request is decided and with a notice (an adjustment, a payout): then only the
    // wallets and the KYC notice are drawn again, so a form being filled in keeps its values.
    let (requests, notices) = (changes(Topic::Request), changes(Topic::Notification));
    let overview = resource(move || ctx.version.get(), |_| get_funds_overview());
    let latest = resource(
        move || (ctx.version.get(), requests.get(), notices.get()),
        |(_, decided, noticed)| async move {
            if decided + noticed == 0 {
                None
            } else {
                get_funds_overview().await.ok()
            }
        },
    );
    view! {
        <PageHeader title="nav.funds" subtitle="funds.subtitle">
            <a class="btn" href="/transactions">{move || i18n.t("nav.transactions")}</a>
            <a class="btn" href="/requests">{move || i18n.t("nav.requests")}</a>
        </PageHeader>
        <Transition fallback=|| view! { <div class="spinner"></div> }>
            {move || {
                overview
                    .get()
                    .map(|r| match r {
                        Ok(o) => view! { <Funds o latest ctx/> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{move || i18n.t(e.key())}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn Funds(
    o: FundsOverview,
    latest: Resource<Option<FundsOverview>, Json>,
    ctx: FundsCtx,
) -> impl IntoView {
    let i18n = use_i18n();
    let data = StoredValue::new(o);
    // The newest figures: those a live update brought, else the page's own.
    let current = move || latest.get().flatten().unwrap_or_else(|| data.get_value());
    let flash = move || {
        ctx.flash.get().map(|f| {
            let key = f.key;
            let has_row = f.row.is_some();
            let (id, amount) = f
                .row
                .as_ref()
                .map(|r| (r.id.to_string(), request_amount(r)))
                .unwrap_or_default();
            view! {
                <div class="alert alert-success funds-flash" role="status" data-testid="funds-flash">
                    <span>
                        {move || i18n.t(key).replace("{id}", &id).replace("{amount}", &amount)} " "
                        {has_row.then(|| view! { <a href="/requests">{move || i18n.t("funds.see_requests")}</a> })}
                    </span>
                    <button
                        type="button"
                        class="btn btn-sm btn-ghost"
                        aria-label=move || i18n.t("funds.dismiss")
                        on:click=move |_| ctx.flash.set(None)
                    >
                        "×"
                    </button>
                </div>
            }
        })
    };
    let kyc_notice = move || {
        let blocked = current().kyc_blocked;
        (!blocked.is_empty()).then(|| {
            let actions: Vec<String> = blocked
                .iter()
                .map(|a| label_or(i18n, &format!("kyc.action_{a}"), a))
                .collect();
            let actions = actions.join(", ");
            view! {
                <div class="alert alert-warn" role="note" data-testid="kyc-notice">
                    <strong>{move || i18n.t("funds.kyc_notice_title")}</strong>
                    <span>
                        {move || i18n.t("funds.kyc_notice").replace("{actions}", &actions)} " "
                        <a href="/kyc">{move || i18n.t("funds.kyc_link")}</a>
                    </span>
                </div>
            }
        })
    };
    let panel = move || {
        // Drawn again on a change of tab, with the newest figures, but not with a live update.
        let o = latest
            .get_untracked()
            .flatten()
            .unwrap_or_else(|| data.get_value());
        let tab = ctx.tab.get();
        let is_blocked = tab
            .action()
            .is_some_and(|a| o.kyc_blocked.iter().any(|b| b == a));
        let notice = is_blocked.then(|| {
            view! {
                <div class="alert alert-warn" role="note">
                    <span>
                        {move || i18n.t("funds.tab_blocked")} " "
                        <a href="/kyc">{move || i18n.t("funds.kyc_link")}</a>
                    </span>
                </div>
            }
        });
        let body = match tab {
            Tab::Deposit => view! { <DepositPanel methods=o.deposit_methods ctx/> }.into_any(),
            Tab::Withdraw => {
                view! { <WithdrawPanel methods=o.withdrawal_methods destinations=o.destinations wallets=o.wallets ctx/> }
                    .into_any()
            }
            Tab::Transfer => {
                view! { <TransferPanel wallets=o.wallets third_party=o.third_party_transfers ctx/> }.into_any()
            }
            Tab::Destinations => view! { <DestinationsPanel destinations=o.destinations ctx/> }.into_any(),
        };
        view! {
            {notice}
            {body}
        }
    };
    view! {
        <div class="stack funds">
            {flash}
            {kyc_notice}
            <section aria-label=move || i18n.t("funds.wallets")>
                {move || view! { <Wallets wallets=current().wallets/> }}
            </section>
            <div class="card">
                <div class="tabs" role="tablist" aria-label=move || i18n.t("nav.funds")>
                    {Tab::ALL
                        .into_iter()
                        .map(|t| {
                            view! {
                                <button
                                    type="button"
                                    role="tab"
                                    class="tab"
                                    id=format!("tab-{}", t.slug())
                                    aria-controls="funds-panel"
                                    aria-selected=move || (ctx.tab.get() == t).to_string()
                                    class:is-active=move || ctx.tab.get() == t
                                    on:click=move |_| {
                                        if crate::ui::open_tab(ctx.tab, t) {
                                            ctx.flash.set(None);
                                        }
                                    }
                                >
                                    {move || i18n.t(t.label())}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
                <div
                    class="stack"
                    role="tabpanel"
                    id="funds-panel"
                    aria-labelledby=move || format!("tab-{}", ctx.tab.get().slug())
                >
                    {panel}
                </div>
            </div>
        </div>
    }
}

#[component]
fn Wallets(wallets: Vec<WalletDto>) -> impl IntoView {
    let i18n = use_i18n();
    if wallets.is_empty() {
        return view! {
            <div class="card">
                <p class="empty">{move || i18n.t("funds.no_wallets")}</p>
            </div>
        }
        .into_any();
    }
    view! {
        <div class="grid-cards wallets">
            {wallets
                .into_iter()
                .map(|w| {
                    let cur = w.currency().to_string();
                    let tid = move |part: &str| format!("wallet-{cur}-{part}");
                    view! {
                        <div class="card wallet-card" data-testid=format!("wallet-{}", w.currency())>
                            <div class="wallet-head">
                                <span class="wallet-cur">{w.currency().to_string()}</span>
                                <span class="muted">{move || i18n.t("funds.wallet")}</span>
                            </div>
                            <div class="stat">
                                <span class="stat-label">{move || i18n.t("funds.balance")}</span>
                                <span class="stat-value" data-testid=tid("balance")>{w.balance.to_string()}</span>
                            </div>
                            <dl class="wallet-split">
                                <div>
                                    <dt>{move || i18n.t("funds.available")}</dt>
                                    <dd data-testid=tid("available")>{w.available.to_string()}</dd>
                                </div>
                                <div>
                                    <dt>{move || i18n.t("funds.held")}</dt>
                                    <dd data-testid=tid("held")>{w.held.to_string()}</dd>
                                </div>
                            </dl>
                        </div>
                    }
                })
                .collect_view()}
        </div>
    }
        .into_any()
}
