//! Firm notices: the list (sent and scheduled) and the composer, each written in English and
//! Spanish and sent to everyone, client groups or chosen clients, now or at a set time.
use crate::api::messages::{SendNotice, notice_options, notices};
use crate::domain::messages::NoticeAudience;
use crate::i18n::use_i18n;
use crate::model::{NoticeChoices, NoticeForm, NoticeRow};
use crate::ui::form::{
    FormProblem, GroupPicker, SelectField, Submit, TextField, keyed_options, last_error, tlabel,
};
use crate::ui::resource::resource;
use crate::ui::table::{ListBody, ListState, SortHeader};
use crate::ui::toolbar::ListToolbar;
use leptos::prelude::*;

const AUDIENCES: &[(&str, &str)] = &[
    ("everyone", "msg.audience_everyone"),
    ("groups", "msg.audience_groups"),
    ("list", "msg.audience_list"),
];

/// The fields the composer shows errors beside; the rest (groups, coupon) go on top.
const SHOWN: &[&str] = &[
    "title_en", "body_en", "title_es", "body_es", "link", "audience", "clients", "send_at",
];

#[component]
pub fn Notices() -> impl IntoView {
    let i18n = use_i18n();
    let send = ServerAction::<SendNotice>::new();
    let writing = RwSignal::new(false);
    let state = ListState::new("id", true);
    let data = resource(
        move || (state.get(), send.version().get()),
        |(q, _)| notices(q),
    );
    let choices = resource(|| (), |_| notice_options());
    let filters = vec![
        ("", "common.all"),
        ("sent", "msg.sent"),
        ("scheduled", "msg.scheduled"),
    ];
    Effect::new(move |_| {
        if let Some(Ok(_)) = send.value().get() {
            writing.set(false);
        }
    });
    view! {
        <div class="stack">
            <Transition fallback=|| ()>
                {move || (writing.get()).then(|| choices.get().and_then(Result::ok).map(|c| view! { <Composer choices=c send writing/> }))}
            </Transition>
            <div class="card">
                <ListToolbar state search="msg.search" filters>
                    <button type="button" class="btn btn-sm btn-primary" data-testid="new-notice"
                        on:click=move |_| writing.set(true)>{move || i18n.t("msg.new_notice")}</button>
                </ListToolbar>
                <div class="table-wrap">
                    <table class="table" data-testid="notices">
                        <thead>
                            <tr>
                                <SortHeader state col="id" label="common.id" num=true/>
                                <th>{move || i18n.t("msg.title")}</th>
                                <th>{move || i18n.t("msg.audience")}</th>
                                <th>{move || i18n.t("msg.extras")}</th>
                                <th>{move || i18n.t("msg.send_at")}</th>
                                <th class="num">{move || i18n.t("msg.recipients")}</th>
                            </tr>
                        </thead>
                        <ListBody state data cols=6 row=move |n: NoticeRow| view! { <NoticeLine n/> }/>
                    </table>
                </div>
            </div>
        </div>
    }
}

#[component]
fn NoticeLine(n: NoticeRow) -> impl IntoView {
    let i18n = use_i18n();
    let audience = format!("msg.audience_{}", n.audience.as_str());
    let extras = [n.coupon.clone(), n.link.clone()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let sent = !n.sent_at.is_empty();
    view! {
        <tr data-testid=format!("notice-{}", n.title) data-recipients=n.recipients>
            <td class="num mono">{n.id}</td>
            <td>{n.title.clone()}</td>
            <td>{move || i18n.t(&audience)}</td>
            <td>{crate::ui::prop::or_dash(&extras)}</td>
            <td>
                {n.send_at.clone()}
                {(!sent).then(|| view! { " "<span class="badge badge-muted">{move || i18n.t("msg.scheduled")}</span> })}
            </td>
            <td class="num">{if sent { n.recipients.to_string() } else { "—".into() }}</td>
        </tr>
    }
}

#[component]
fn Composer(
    choices: NoticeChoices,
    send: ServerAction<SendNotice>,
    writing: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let title_en = RwSignal::new(String::new());
    let body_en = RwSignal::new(String::new());
    let title_es = RwSignal::new(String::new());
    let body_es = RwSignal::new(String::new());
    let link = RwSignal::new(String::new());
    let coupon = RwSignal::new("0".to_string());
    let audience = RwSignal::new("everyone".to_string());
    let group_ids = RwSignal::new(Vec::<i64>::new());
    let clients = RwSignal::new(String::new());
    let send_at = RwSignal::new(String::new());
    let error = last_error(send.value());
    let mut coupon_options = vec![("0".to_string(), String::new())];
    coupon_options.extend(
        choices
            .coupons
            .iter()
            .map(|(id, t)| (id.to_string(), t.clone())),
    );
    let coupon_options = Signal::derive(move || {
        let mut o = coupon_options.clone();
        o[0].1 = i18n.t("msg.no_coupon").to_string();
        o
    });
    let groups = choices.groups.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send.dispatch(SendNotice {
            form: NoticeForm {
                title_en: title_en.get_untracked(),
                body_en: body_en.get_untracked(),
                title_es: title_es.get_untracked(),
                body_es: body_es.get_untracked(),
                link: link.get_untracked(),
                coupon_id: coupon.get_untracked().parse().unwrap_or(0),
                audience: audience.get_untracked(),
                group_ids: group_ids.get_untracked(),
                clients: clients.get_untracked(),
                send_at: send_at.get_untracked(),
            },
        });
    };
    let is = move |a: NoticeAudience| audience.with(|v| v == a.as_str());
    view! {
        <div class="card">
            <h2 class="card-title">{move || i18n.t("msg.new_notice")}</h2>
            <form class="form" on:submit=submit novalidate data-testid="notice-form">
                <FormProblem error shown=SHOWN.iter().map(|f| f.to_string()).collect()/>
                <div class="form-row">
                    <div class="stack">
                        <TextField label=tlabel("msg.title_en") id="notice-title-en" field="title_en" value=title_en error required=true autocomplete="off"/>
                        <TextField label=tlabel("msg.body_en") id="notice-body-en" field="body_en" value=body_en error required=true multiline=true/>
                    </div>
                    <div class="stack">
                        <TextField label=tlabel("msg.title_es") id="notice-title-es" field="title_es" value=title_es error autocomplete="off"/>
                        <TextField label=tlabel("msg.body_es") id="notice-body-es" field="body_es" value=body_es error multiline=true hint=tlabel("msg.es_hint")/>
                    </div>
                </div>
                <div class="form-row">
                    <TextField label=tlabel("msg.link") id="notice-link" field="link" value=link error autocomplete="off" hint=tlabel("msg.link_hint")/>
                    <SelectField label=tlabel("msg.coupon") id="notice-coupon" field="coupon_id" value=coupon options=coupon_options error/>
                </div>
                <div class="form-row">
                    <SelectField label=tlabel("msg.audience") id="notice-audience" field="audience" value=audience options=keyed_options(i18n, AUDIENCES) error/>
                    <TextField label=tlabel("msg.send_at") id="notice-send-at" field="send_at" value=send_at error kind="datetime-local" hint=tlabel("msg.send_at_hint")/>
                </div>
                {move || is(NoticeAudience::Groups).then(|| view! {
                    <GroupPicker groups=groups.clone() chosen=group_ids testid="notice-group"/>
                })}
                {move || is(NoticeAudience::List).then(|| view! {
                    <TextField label=tlabel("offers.clients") id="notice-clients" field="clients" value=clients error multiline=true hint=tlabel("offers.clients_hint")/>
                })}
                <div class="form-actions">
                    <Submit label=Signal::derive(move || i18n.t("msg.send")) pending=send.pending()/>
                    <button type="button" class="btn btn-ghost" on:click=move |_| writing.set(false)>{move || i18n.t("common.cancel")}</button>
                </div>
            </form>
        </div>
    }
}
