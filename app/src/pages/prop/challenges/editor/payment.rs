//! Step 3: how a challenge is paid for, and who sees it.
use super::fields::*;
use crate::api::settings::list_groups;
use crate::i18n::use_i18n;
use crate::ui::form::loading;
use crate::ui::resource::resource;
use leptos::prelude::*;

// Step 3: payment and visibility
// ---------------------------------------------------------------------------------------------

pub(super) fn payment_panel(ed: Ed) -> impl IntoView {
    let i18n = use_i18n();
    let (pay_from_wallet, pay_direct, chosen) = ed
        .def
        .with_untracked(|d| (d.pay_from_wallet, d.pay_direct, d.groups.clone()));
    let groups = resource(|| (), |_| list_groups());
    let payment_error = move || ed.code("payment").is_some();
    let groups_error = move || ed.code("groups").is_some();
    let toggle = move |gid: i64, on: bool| {
        ed.def.update(|d| {
            d.groups.retain(|g| *g != gid);
            if on {
                d.groups.push(gid);
                d.groups.sort_unstable();
            }
        });
    };
    let group_check = move |gid: i64, name: String| {
        let id = dom_id(&format!("groups.{gid}"));
        let init = ed.def.with_untracked(|d| d.groups.contains(&gid));
        let label_for = id.clone();
        view! {
            <label class="checkbox" for=label_for>
                <input
                    type="checkbox"
                    id=id
                    name="groups"
                    value=gid.to_string()
                    checked=init
                    prop:checked=move || ed.def.with(|d| d.groups.contains(&gid))
                    on:change=move |ev| toggle(gid, event_target_checked(&ev))
                />
                <span>{name}</span>
            </label>
        }
    };
    view! {
        <fieldset class="field chal-group" id=dom_id("payment") class:has-error=payment_error>
            <legend>{move || i18n.t("chal.payment")}</legend>
            <div class="checkbox-grid">
                {check_input(ed, "pay_from_wallet".into(), "chal.pay_from_wallet", pay_from_wallet, |d, on| d.pay_from_wallet = on)}
                {check_input(ed, "pay_direct".into(), "chal.pay_direct", pay_direct, |d, on| d.pay_direct = on)}
            </div>
            {block_error(ed, "payment")}
        </fieldset>
        <fieldset class="field chal-group" id=dom_id("groups") class:has-error=groups_error>
            <legend>{move || i18n.t("chal.groups")}</legend>
            <p class="hint">{move || i18n.t("chal.groups_hint")}</p>
            <Transition fallback=loading>
                {move || {
                    groups
                        .get()
                        .map(|r| match r {
                            Ok(list) => {
                                // Groups the definition names that no longer exist can still be
                                // unchecked.
                                let known: Vec<i64> = list.iter().map(|g| g.id).collect();
                                let gone: Vec<i64> = chosen
                                    .iter()
                                    .copied()
                                    .filter(|g| !known.contains(g))
                                    .collect();
                                view! {
                                    <div class="checkbox-grid" data-testid="chal-groups">
                                        {list.into_iter().map(|g| group_check(g.id, g.name)).collect_view()}
                                        {gone.into_iter().map(|g| group_check(g, format!("#{g}"))).collect_view()}
                                    </div>
                                }
                                    .into_any()
                            }
                            Err(_) => {
                                let ids = chosen.clone();
                                view! {
                                    <p class="muted" data-testid="chal-groups-unavailable">
                                        {move || {
                                            let list = if ids.is_empty() {
                                                i18n.t("settings.all_groups").to_string()
                                            } else {
                                                ids.iter().map(|g| format!("#{g}")).collect::<Vec<_>>().join(", ")
                                            };
                                            i18n.t("chal.groups_unavailable").replace("{groups}", &list)
                                        }}
                                    </p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
            {block_error(ed, "groups")}
        </fieldset>
    }
}
