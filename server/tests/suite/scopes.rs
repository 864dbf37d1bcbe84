//! The access matrix's data-scope dimension. A staff member whose role sees only their own
//! clients calls every back-office endpoint: lists show their client and never another's,
//! and every endpoint that names a client (or a request, participant or alert of one) answers
//! "not found" for another's and changes nothing. Every staff endpoint of the permission matrix
//! must be classified here, so a new endpoint cannot forget its scope silently.
use crate::access::{Rule, matrix};
use crate::common::prop::{
    admin_with_still_feed, evaluation_stage, publish, trader_in, usd_challenge,
};
use crate::common::{self, cfg, here, make_user};
use app::domain::access::{Access, UserKind};
use app::domain::permission::Permission;
use app::server::entity::{alert_event, request, user};
use app::server::identity::staff;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter,
};

const Q: &str =
    "query[page]=0&query[per_page]=100&query[sort]=&query[desc]=false&query[q]=&query[filter]=";

fn prop_q() -> String {
    format!(
        "{}&f[challenge]=0&f[package]=&f[stage]=0&f[data_type]=&f[ib]=0",
        Q.replace("query[", "q[")
    )
}

/// One client and what hangs off them.
struct Party {
    client: i64,
    /// The staff member who owns them.
    owner: i64,
    /// A pending request of theirs (a second challenge purchase).
    request: i64,
    participant: i64,
    alert: i64,
    lead: i64,
    task: i64,
    ticket: i64,
}

/// How an endpoint meets the data scope.
enum Seen {
    /// A list or report: as the scoped agent it shows the agent's client (when `mine`) and
    /// never the other's name or email.
    List { body: String, mine: bool },
    /// Reads or changes what one party owns, named in the body: the other party's answers 404
    /// and changes nothing; the agent's own does not.
    Named(fn(&Party) -> String),
    /// As `Named`, where the fixture's own client cannot take the action for reasons of its own
    /// (a tier for a client who is no IB): only the other party's refusal is checked.
    Guarded(fn(&Party) -> String),
    /// Headline counts, checked against the agent's one client below.
    Counts,
    /// Not any one client's data (the firm's settings, catalogue, staff, offers, templates).
    Firm,
}

fn seen(path: &str) -> Seen {
    use Seen::*;
    let list = |body: String| List { body, mine: true };
    let absent = |body: String| List { body, mine: false };
    match path {
        "/api/admin/clients" | "/api/wallets/list" | "/api/wallets/transactions" => list(Q.into()),
        "/api/approvals/list" => list(format!("kind=&mine=false&{Q}")),
        "/api/admin/participants" | "/api/admin/prop/fees" => list(prop_q()),
        "/api/admin/profit-shares" => absent(prop_q()),
        "/api/admin/alerts/feed" => list("since=0&source=".into()),
        "/api/ib/fee-report" => absent(format!("{Q}&challenge=0")),
        "/api/admin/audit" | "/api/messages/outbox" => absent(Q.into()),
        "/api/crm/leads" | "/api/crm/tasks" | "/api/support/queue" => list(Q.into()),
        "/api/support/response-times" => absent(Q.into()),
        "/api/support/ticket" => Named(|p| format!("id={}", p.ticket)),
        "/api/support/ticket/reply" => {
            Named(|p| format!("reply[ticket_id]={}&reply[body]=Hello", p.ticket))
        }
        "/api/support/ticket/update" => Named(|p| {
            format!(
                "update[ticket_id]={}&update[priority]=high&update[status]=resolved",
                p.ticket
            )
        }),
        "/api/crm/tasks/month" => list(format!("month={}", Utc::now().format("%Y-%m"))),
        "/api/crm/leads/save" => Named(|p| {
            format!(
                "form[id]={}&form[name]=Renamed&form[email]=x%40example.com&form[status]=nonsense",
                p.lead
            )
        }),
        "/api/crm/tasks/save" => Named(|p| format!("form[id]={}&form[title]=", p.task)),
        "/api/crm/tasks/done" => Named(|p| format!("id={}&done=true", p.task)),
        "/api/admin/stats"
        | "/api/approvals/counts"
        | "/api/admin/prop/dashboard"
        | "/api/support/queue/counts" => Counts,
        "/api/crm/client" | "/api/crm/client/deposit-methods" | "/api/crm/client/challenges" => {
            Named(|p| format!("id={}", p.client))
        }
        "/api/crm/client/requests" => Named(|p| format!("id={}&{Q}", p.client)),
        "/api/crm/client/edit" => Named(|p| {
            format!(
                "id={}&edit[first_name]=Mabel&edit[last_name]=User&edit[email]=renamed{}%40example.com&edit[country]=GB&edit[phone]=&edit[locale]=en",
                p.client, p.client
            )
        }),
        "/api/crm/client/suspend" => Named(|p| format!("id={}&suspended=true&reason=x", p.client)),
        "/api/crm/client/reset-password" => Named(|p| format!("id={}", p.client)),
        "/api/crm/client/note" => Named(|p| format!("id={}&body=hello", p.client)),
        "/api/crm/clients/owner" => Named(|p| format!("ids[0]={}&owner_id={}", p.client, p.owner)),
        "/api/crm/clients/group" => Named(|p| format!("ids[0]={}&group_id=1", p.client)),
        "/api/crm/clients/tag" => Named(|p| format!("ids[0]={}&tag=vip&on=true", p.client)),
        "/api/crm/client/deposit" => Named(|p| {
            format!(
                "id={}&idempotency_key=k{}&method_id=0&amount=1",
                p.client, p.client
            )
        }),
        "/api/wallets/client" => Named(|p| format!("user_id={}", p.client)),
        "/api/wallets/adjust" => Named(|p| {
            format!(
                "idempotency_key=adj{}&user_id={}&currency=USD&direction=deposit&amount=1&comment=x",
                p.client, p.client
            )
        }),
        "/api/settings/groups/assign" => Named(|p| format!("user_id={}&group_id=1", p.client)),
        "/api/ib/client" => Named(|p| format!("client={}", p.client)),
        "/api/ib/tier" => Guarded(|p| format!("client={}&tier=0", p.client)),
        "/api/ib/upline" => Named(|p| format!("client={}&upline=0", p.client)),
        "/api/approvals/detail" => Named(|p| format!("id={}", p.request)),
        "/api/approvals/approve" => Named(|p| format!("id={}&level=9&comment=", p.request)),
        "/api/approvals/reject" => Named(|p| format!("id={}&reason=", p.request)),
        "/api/approvals/edit-amount" => Named(|p| format!("id={}&amount=x&comment=", p.request)),
        "/api/approvals/payment-status" => {
            Named(|p| format!("id={}&status=nonsense&comment=", p.request))
        }
        "/api/admin/participant" | "/api/admin/participant/settle" => {
            Named(|p| format!("id={}", p.participant))
        }
        "/api/admin/participant/advance" => Named(|p| format!("id={}&comment=", p.participant)),
        "/api/admin/participant/data-type" => {
            Named(|p| format!("id={}&data_type=nonsense", p.participant))
        }
        "/api/admin/alerts/ack" => Named(|p| format!("id={}", p.alert)),
        _ => Firm,
    }
}

/// Endpoints that are the firm's and not a client's: listed, so that a new endpoint lands in
/// `seen` or here by a decision, not by default.
const FIRM: &[&str] = &[
    "/api/ib/rank-sets",
    "/api/ib/rank-sets/save",
    "/api/ib/firm-links",
    "/api/ib/firm-links/create",
    "/api/ib/firm-links/archive",
    "/api/offers/coupons",
    "/api/offers/choices",
    "/api/offers/coupons/save",
    "/api/offers/coupons/grant",
    "/api/offers/coupons/revoke",
    "/api/offers/promo-codes",
    "/api/offers/promo-codes/save",
    "/api/offers/promo-codes/state",
    "/api/offers/promo-codes/delete",
    // A competition is the firm's; its entrants are every admitted client's, masked without
    // `clients.contact`.
    "/api/competitions",
    "/api/competitions/save",
    "/api/competitions/desk",
    "/api/competitions/board/staff",
    "/api/competitions/suspend",
    "/api/competitions/end",
    "/api/competitions/pay",
    "/api/competitions/groups",
    "/api/support/downloads",
    "/api/support/downloads/save",
    "/api/support/downloads/remove",
    "/api/support/downloads/groups",
    "/api/support/downloads/upload",
    "/api/messages/notices",
    "/api/messages/notices/choices",
    "/api/messages/notices/send",
    "/api/messages/templates",
    "/api/messages/template",
    "/api/messages/templates/save",
    "/api/messages/templates/reset",
    "/api/messages/templates/preview",
    "/api/messages/templates/test",
    "/api/admin/staff",
    "/api/admin/staff/choices",
    "/api/admin/staff/create",
    "/api/admin/staff/update",
    "/api/admin/staff/set-disabled",
    "/api/admin/staff/reset",
    "/api/admin/roles",
    "/api/admin/roles/save",
    "/api/admin/roles/delete",
    "/api/crm/groups",
    "/api/crm/assignment",
    "/api/crm/assignment/save",
    "/api/crm/profile-policy/save",
    "/api/settings/approvals",
    "/api/settings/approvals/save",
    "/api/settings/groups",
    "/api/settings/groups/save",
    "/api/settings/methods",
    "/api/settings/methods/save",
    "/api/settings/rates",
    "/api/settings/rates/save",
    "/api/settings/rates/delete",
    "/api/settings/funds",
    "/api/settings/funds/save",
    "/api/settings/kyc-forms",
    "/api/settings/kyc-forms/save",
    "/api/settings/security",
    "/api/settings/security/save",
    "/api/settings/blacklist",
    "/api/settings/blacklist/add",
    "/api/settings/blacklist/remove",
    "/api/settings/blacklist/import",
    "/api/admin/challenges",
    "/api/admin/challenge",
    "/api/admin/challenge/save",
    "/api/admin/challenge/act",
    "/api/admin/prop/choices",
    "/api/admin/alerts/rules",
    "/api/admin/alerts/rules/save",
    "/api/admin/alerts/rules/delete",
    "/api/admin/alerts/settings",
    "/api/admin/alerts/settings/save",
    "/api/admin/sim/price",
    "/api/admin/sim/advance-day",
    "/api/admin/sim/status",
    "/api/admin/servers",
    "/api/admin/servers/choices",
    "/api/admin/servers/save",
];

fn staff_endpoints() -> Vec<&'static str> {
    matrix()
        .into_iter()
        .filter(|(_, rule, _)| {
            matches!(
                rule,
                Rule::Is(Access::Staff(_)) | Rule::Is(Access::AnyStaff)
            )
        })
        .map(|(p, _, _)| p)
        .collect()
}

#[test]
fn every_staff_endpoint_is_classified_by_data_scope() {
    for p in staff_endpoints() {
        let firm = matches!(seen(p), Seen::Firm);
        assert_eq!(
            firm,
            FIRM.contains(&p),
            "{p}: say how it meets the data scope (in `seen`) or that it is the firm's (`FIRM`)"
        );
    }
}

async fn party(
    db: &DatabaseConnection,
    admin: i64,
    challenge: i64,
    email: &str,
    first_name: &str,
    owner: i64,
) -> Party {
    use app::server::prop::participation::{self, ParticipateInput};
    let (client, participant, account) = trader_in(db, admin, challenge, email, "500.00").await;
    let u = user::Entity::find_by_id(client)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut am = u.into_active_model();
    am.first_name = Set(first_name.into());
    am.owner_id = Set(Some(owner));
    am.update(db).await.unwrap();
    let again = ParticipateInput {
        coupon: 0,
        promo_code: String::new(),
        challenge_id: challenge,
        package_key: "p1".into(),
        pay_method: "wallet".into(),
        idempotency_key: format!("again-{email}"),
    };
    participation::participate(db, client, again, &here())
        .await
        .unwrap();
    let request = request::Entity::find()
        .filter(request::Column::UserId.eq(client))
        .filter(request::Column::Status.eq("pending"))
        .one(db)
        .await
        .unwrap()
        .expect("a pending purchase")
        .id;
    let alert = alert_event::ActiveModel {
        source: Set("risk".into()),
        code: Set("daily_loss".into()),
        account_id: Set(account),
        participant_id: Set(Some(participant)),
        user_id: Set(client),
        login: Set(format!("L{client}")),
        currency: Set("USD".into()),
        value_minor: Set(100),
        limit_minor: Set(50),
        level: Set(1),
        data: Set("{}".into()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id;
    // Mail to them, for the mail log.
    let u = user::Entity::find_by_id(client)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    app::server::identity::auth::send_reset_link(db, &cfg(), &u, "mail.reset")
        .await
        .unwrap();
    let lead = app::server::entity::lead::ActiveModel {
        name: Set(format!("{first_name} lead")),
        email: Set(format!("lead-{email}")),
        phone: Set(String::new()),
        country: Set("GB".into()),
        source: Set("test".into()),
        status: Set("new".into()),
        owner_id: Set(Some(owner)),
        notes: Set(String::new()),
        created_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id;
    let task = app::server::entity::task::ActiveModel {
        title: Set(format!("Call {first_name}")),
        details: Set(String::new()),
        due_at: Set(Utc::now() + chrono::Duration::minutes(5)),
        remind_minutes: Set(0),
        assignee_id: Set(owner),
        client_id: Set(Some(client)),
        status: Set("open".into()),
        created_by: Set(owner),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id;
    let ticket = app::server::support::tickets::open(
        db,
        client,
        app::model::NewTicket {
            category: "account".into(),
            subject: format!("Help {first_name}"),
            body: "Please".into(),
            upload_ids: vec![],
        },
        &here(),
    )
    .await
    .unwrap();
    Party {
        client,
        owner,
        lead,
        task,
        ticket,
        request,
        participant,
        alert,
    }
}

/// Everything about a client that an action could change: compared before and after.
async fn snapshot(db: &DatabaseConnection, p: &Party) -> String {
    let u = user::Entity::find_by_id(p.client).one(db).await.unwrap();
    let r = request::Entity::find_by_id(p.request)
        .one(db)
        .await
        .unwrap();
    let a = alert_event::Entity::find_by_id(p.alert)
        .one(db)
        .await
        .unwrap();
    let notes = common::count(db, "client_note").await;
    let l = app::server::entity::lead::Entity::find_by_id(p.lead)
        .one(db)
        .await
        .unwrap();
    let t = app::server::entity::task::Entity::find_by_id(p.task)
        .one(db)
        .await
        .unwrap();
    let tags = common::count(db, "client_tag").await;
    let k = app::server::entity::ticket::Entity::find_by_id(p.ticket)
        .one(db)
        .await
        .unwrap();
    let messages = common::count(db, "ticket_message").await;
    let requests = common::count(db, "request").await;
    let entries = common::count(db, "journal_entry").await;
    format!("{u:?} {r:?} {a:?} {l:?} {t:?} {k:?} {notes} {tags} {messages} {requests} {entries}")
}

on_both!(
    a_scoped_staff_member_sees_and_touches_only_clients_in_scope,
    |db| {
        let admin = admin_with_still_feed(&db).await;
        let every: Vec<String> = Permission::ALL
            .iter()
            .map(|p| p.name().to_string())
            .collect();
        staff::save_role(
            &db,
            admin,
            None,
            staff::RoleInput {
                name: "Own desk",
                description: "",
                permissions: &every,
                data_scope: "own",
            },
            &here(),
        )
        .await
        .unwrap();
        let agent = make_user(&db, UserKind::Staff, "agent@example.com", Some("Own desk")).await;
        let challenge = publish(
            &db,
            admin,
            usd_challenge("Scoped", vec![evaluation_stage()]),
        )
        .await;
        let mine = party(
            &db,
            admin,
            challenge,
            "mabel@example.com",
            "Mabel",
            agent.id,
        )
        .await;
        let other = party(
            &db,
            admin,
            challenge,
            "zebedee@example.com",
            "Zebedee",
            admin,
        )
        .await;
        let mut c = common::Client::new(server::testing::state(db.clone()));
        c.cookie = Some(common::cookie_for(&db, &agent).await);
        let mut lists = 0;
        let mut named = 0;
        for path in staff_endpoints() {
            match seen(path) {
                Seen::Firm => {}
                Seen::List {
                    body,
                    mine: expect_mine,
                } => {
                    let r = c.call(path, &body).await;
                    assert_eq!(r.status, 200, "{path}: {}", r.body);
                    for marker in ["Zebedee", "zebedee@"] {
                        assert!(
                            !r.body.contains(marker),
                            "{path} shows another's client: {}",
                            r.body
                        );
                    }
                    if expect_mine {
                        assert!(
                            r.body.contains("Mabel"),
                            "{path} lost the agent's own client: {}",
                            r.body
                        );
                    }
                    lists += 1;
                }
                Seen::Named(body) | Seen::Guarded(body) => {
                    let before = snapshot(&db, &other).await;
                    let r = c.call(path, &body(&other)).await;
                    assert_eq!(r.status, 404, "{path} on another's client: {}", r.body);
                    assert_eq!(
                        before,
                        snapshot(&db, &other).await,
                        "{path} changed another's client"
                    );
                    if matches!(seen(path), Seen::Named(_)) {
                        let r = c.call(path, &body(&mine)).await;
                        assert_ne!(
                            r.status, 404,
                            "{path} refused the agent's own client: {}",
                            r.body
                        );
                    }
                    named += 1;
                }
                Seen::Counts => {}
            }
        }
        assert!(
            lists >= 10 && named >= 25,
            "{lists} lists and {named} named endpoints checked"
        );

        // Headline counts are the agent's one client's.
        let stats = c.call("/api/admin/stats", "").await.json();
        assert_eq!(stats["traders"], 1, "{stats}");
        let tickets = c.call("/api/support/queue/counts", "").await.json();
        // The agent's client's one ticket, in whatever status the calls above left it.
        let in_queue = ["open", "waiting", "resolved"]
            .iter()
            .map(|k| tickets[*k].as_i64().unwrap())
            .sum::<i64>();
        assert_eq!(in_queue, 1, "{tickets}");
        let counts = c.call("/api/approvals/counts", "").await.json();
        let pending: u64 = counts
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["pending"].as_u64().unwrap())
            .sum();
        // The agent's client's pending purchase (the approve call above may have decided it).
        assert!(pending <= 1, "{counts}");
        let dash = c
            .call(
                "/api/admin/prop/dashboard",
                "q[challenge]=0&q[from]=&q[to]=&q[currency]=",
            )
            .await
            .json();
        let all = {
            let mut a = common::Client::new(server::testing::state(db.clone()));
            let admin_user = user::Entity::find_by_id(admin)
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            a.cookie = Some(common::cookie_for(&db, &admin_user).await);
            a.call(
                "/api/admin/prop/dashboard",
                "q[challenge]=0&q[from]=&q[to]=&q[currency]=",
            )
            .await
            .json()
        };
        let (all, dash) = (
            all["participants"].as_u64().unwrap(),
            dash["participants"].as_u64().unwrap(),
        );
        assert!(
            dash > 0 && dash * 2 == all,
            "the agent's {dash} of {all} participants"
        );

        // The export of a list is the list: the other client is not in it.
        for name in [
            "clients",
            "wallets",
            "transactions",
            "requests",
            "participants",
            "prop-fees",
            "tickets",
        ] {
            let r = c.get(&format!("/export/{name}.csv")).await;
            assert_eq!(r.status, 200, "{name}: {}", r.body);
            assert!(
                !r.body.contains("Zebedee") && !r.body.contains("zebedee@"),
                "{name}.csv: {}",
                r.body
            );
        }
    }
);
