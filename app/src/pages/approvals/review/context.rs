//! What a reviewer reads before deciding: the client, their files, their other requests and
//! the request's log.
use crate::i18n::use_i18n;
use crate::model::{ClientSummary, RequestRow, ReviewDto, UploadDto};
use crate::ui::badge::StatusBadge;
use crate::ui::table::{Col, RowsTable};
use crate::ui::text::{file_size, label_text, level_text, opt_money};
use crate::ui::{date, datetime};
use leptos::prelude::*;

#[component]
pub(super) fn Uploads(uploads: Vec<UploadDto>) -> impl IntoView {
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
pub(super) fn client_rows(c: &ClientSummary) -> Vec<(&'static str, String, bool)> {
    vec![
        ("common.name", c.name.clone(), false),
        ("auth.email", c.email.clone(), false),
        ("common.id", c.id.to_string(), false),
        (
            "common.type",
            format!("auth.kind_{}", c.kind.as_str()),
            true,
        ),
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
pub(super) fn ClientPanel(client: ClientSummary) -> impl IntoView {
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
                                    <li data-testid=format!("client-wallet-{}", w.currency())>
                                        <span class="wallet-currency">{w.currency().to_string()}</span>
                                        <dl>
                                            <div><dt>{move || i18n.t("wallets.balance")}</dt><dd>{w.balance.to_string()}</dd></div>
                                            <div><dt>{move || i18n.t("wallets.held")}</dt><dd>{w.held.to_string()}</dd></div>
                                            <div><dt>{move || i18n.t("wallets.available")}</dt><dd>{w.available.to_string()}</dd></div>
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
pub(super) fn History(rows: Vec<RequestRow>, current: i64) -> impl IntoView {
    let i18n = use_i18n();
    let cols = vec![
        Col::text("common.id"),
        Col::text("appr.kind"),
        Col::num("appr.amount"),
        Col::text("appr.level"),
        Col::text("common.status"),
        Col::text("appr.created"),
    ];
    view! {
        <div class="card">
            <h2 class="card-title">{move || i18n.t("appr.history")}</h2>
            <RowsTable
                cols
                rows
                row=move |r| {
                    let kind = r.kind.label_key();
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
                            <td><StatusBadge status=r.status/></td>
                            <td class="nowrap">{datetime(&r.created_at)}</td>
                        </tr>
                    }
                }
            />
        </div>
    }
}

#[component]
pub(super) fn ReviewLog(reviews: Vec<ReviewDto>) -> impl IntoView {
    let i18n = use_i18n();
    let cols = vec![
        Col::text("common.when"),
        Col::text("admin.actor"),
        Col::text("appr.level"),
        Col::text("admin.action"),
        Col::text("appr.comment"),
    ];
    view! {
        <div class="card">
            <h2 class="card-title">{move || i18n.t("appr.review_log")}</h2>
            <RowsTable
                cols
                rows=reviews
                testid="review-log"
                row=move |r| {
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
                }
            />
        </div>
    }
}
