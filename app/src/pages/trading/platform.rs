//! The simulated platform's controls: the prices (staff set one and every account holding it
//! is judged at once), the moving feed on or off, and the simulator's clock, moved forward a
//! day at a time to replay scenarios that span days.
use crate::api::trading::simulator::{AdvanceSimDay, SetSimPrice, get_sim_status};
use crate::i18n::use_i18n;
use crate::model::QuoteDto;
use crate::pages::PageHeader;
use crate::ui::form::{FormProblem, last_error};
use crate::ui::resource::resource;
use leptos::prelude::*;

#[component]
pub fn PlatformPage() -> impl IntoView {
    let i18n = use_i18n();
    let set = ServerAction::<SetSimPrice>::new();
    let advance = ServerAction::<AdvanceSimDay>::new();
    let status = resource(
        move || (set.version().get(), advance.version().get()),
        |_| get_sim_status(),
    );
    let set_error = last_error(set.value());
    let advance_error = last_error(advance.value());
    view! {
        <PageHeader title="nav.platform" subtitle="platform.sub"/>
        <Transition fallback=move || view! { <p class="muted">{move || i18n.t("common.loading")}</p> }>
            {move || status.get().map(|r| match r {
                Err(e) => view! { <p class="alert alert-error">{i18n.t(e.key())}</p> }.into_any(),
                Ok(s) => {
                    let running = s.running;
                    view! {
                        <div class="grid grid-2">
                            <section class="card">
                                <h2 class="card-title">{move || i18n.t("platform.feed")}</h2>
                                <p data-testid="feed-state">
                                    {move || i18n.t(if running { "platform.feed_running" } else { "platform.feed_stopped" })}
                                    {format!(" · seed {}", s.seed)}
                                </p>
                                <button class="btn" data-testid="feed-toggle" disabled=move || set.pending().get()
                                    on:click=move |_| { set.dispatch(SetSimPrice { symbol: String::new(), price: String::new(), running: !running }); }>
                                    {move || i18n.t(if running { "platform.stop_feed" } else { "platform.start_feed" })}
                                </button>
                            </section>
                            <section class="card">
                                <h2 class="card-title">{move || i18n.t("platform.clock")}</h2>
                                <p data-testid="sim-time">{s.sim_time.clone()}{format!(" (+{} d)", s.day_offset)}</p>
                                <p class="muted">{move || i18n.t("platform.clock_hint")}</p>
                                <FormProblem error=advance_error/>
                                <button class="btn btn-primary" data-testid="advance-day" disabled=move || advance.pending().get()
                                    on:click=move |_| { advance.dispatch(AdvanceSimDay {}); }>
                                    {move || i18n.t("platform.advance_day")}
                                </button>
                                {move || advance.value().get().and_then(|r| r.ok()).map(|n| view! {
                                    <p class="alert" role="status" data-testid="advance-done">{i18n.t("platform.decided").replace("{n}", &n.to_string())}</p>
                                })}
                            </section>
                        </div>
                        <section class="card">
                            <h2 class="card-title">{move || i18n.t("platform.prices")}</h2>
                            <FormProblem error=set_error/>
                            <div class="table-wrap">
                                <table class="table">
                                    <thead><tr>
                                        <th>{move || i18n.t("prop.symbol")}</th>
                                        <th>{move || i18n.t("common.name")}</th>
                                        <th class="num">{move || i18n.t("prop.price")}</th>
                                        <th>{move || i18n.t("platform.set_price")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {s.quotes.into_iter().map(|q| view! { <PriceRow q running set/> }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        </section>
                    }.into_any()
                }
            })}
        </Transition>
    }
}

#[component]
fn PriceRow(q: QuoteDto, running: bool, set: ServerAction<SetSimPrice>) -> impl IntoView {
    let i18n = use_i18n();
    let price = RwSignal::new(q.price.clone());
    let symbol = q.symbol.clone();
    let input_id = format!("price-{}", q.symbol);
    let label_id = input_id.clone();
    view! {
        <tr data-testid=format!("quote-{}", q.symbol)>
            <td>{q.symbol.clone()}</td>
            <td>{q.name.clone()}</td>
            <td class="num">{q.price.clone()}</td>
            <td>
                <form class="inline-form" on:submit=move |ev| {
                    ev.prevent_default();
                    set.dispatch(SetSimPrice { symbol: symbol.clone(), price: price.get_untracked(), running });
                }>
                    <label class="sr-only" for=label_id>{move || i18n.t("platform.set_price")}</label>
                    <input id=input_id class="input input-sm" inputmode="decimal" prop:value=move || price.get()
                        on:input=move |ev| price.set(event_target_value(&ev))/>
                    <button class="btn btn-sm" type="submit" disabled=move || set.pending().get()>{move || i18n.t("platform.set")}</button>
                </form>
            </td>
        </tr>
    }
}
