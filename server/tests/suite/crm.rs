//! CRM operations and the firm's security settings through the real router: owners, teams and
//! bulk actions, the client's page, suspension, verified sign-up, the blacklist, the lockout,
//! the unfamiliar sign-in alert and clients' own sessions. Each refusal changes nothing.
use crate::common::{self, Client, count, make_user};
use app::domain::access::UserKind;
use app::domain::permission::Permission;
use app::server::entity::{alert_event, client_tag, mail_outbox, user};
use app::server::identity::staff;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder,
};

fn client_for(db: &DatabaseConnection) -> Client {
    Client::new(server::testing::state(db.clone()))
}

async fn as_user(db: &DatabaseConnection, u: &user::Model) -> Client {
    let mut c = client_for(db);
    c.cookie = Some(common::cookie_for(db, u).await);
    c
}

async fn owned_by(db: &DatabaseConnection, client: &user::Model, owner: Option<i64>) {
    let mut am = client.clone().into_active_model();
    am.owner_id = Set(owner);
    am.update(db).await.unwrap();
}

async fn role(db: &DatabaseConnection, admin: i64, name: &str, scope: &str) {
    let every: Vec<String> = Permission::ALL
        .iter()
        .map(|p| p.name().to_string())
        .collect();
    staff::save_role(
        db,
        admin,
        None,
        staff::RoleInput {
            name,
            description: "",
            permissions: &every,
            data_scope: scope,
        },
        &common::here(),
    )
    .await
    .unwrap();
}

async fn reload(db: &DatabaseConnection, id: i64) -> user::Model {
    user::Entity::find_by_id(id).one(db).await.unwrap().unwrap()
}

/// The newest email to `to` whose body holds `marker`.
async fn mail_to(db: &DatabaseConnection, to: &str, marker: &str) -> Option<String> {
    mail_outbox::Entity::find()
        .filter(mail_outbox::Column::ToAddr.eq(to))
        .order_by_desc(mail_outbox::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.body)
        .find(|b| b.contains(marker))
}

fn code_in(body: &str) -> String {
    let at = body.find("code=").expect("a link with the code") + 5;
    body[at..at + 6].to_string()
}

on_both!(a_suspended_client_is_signed_out_and_refused, |db| {
    let admin = make_user(
        &db,
        UserKind::Staff,
        "admin@example.com",
        Some("Administrator"),
    )
    .await;
    let t = make_user(&db, UserKind::Trader, "t@example.com", None).await;
    let trader = as_user(&db, &t).await;
    let me = trader.call("/api/auth/me", "").await;
    assert!(me.body.contains("t@example.com"), "{}", me.body);
    let staff = as_user(&db, &admin).await;
    // No reason: refused, nothing changes.
    let r = staff
        .call(
            "/api/crm/client/suspend",
            &format!("id={}&suspended=true&reason=", t.id),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(reload(&db, t.id).await.status, "active");
    let r = staff
        .call(
            "/api/crm/client/suspend",
            &format!("id={}&suspended=true&reason=chargeback", t.id),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // Their open session is gone, and signing in is refused.
    let me = trader.call("/api/auth/me", "").await;
    assert!(!me.body.contains("t@example.com"), "{}", me.body);
    let login = client_for(&db)
        .call(
            "/api/auth/login",
            "email=t%40example.com&password=correct+horse+battery",
        )
        .await;
    assert_eq!(login.status, 403, "{}", login.body);
    assert_eq!(login.error(), app::error::AppError::Disabled);
    // Suspending twice is refused; reactivating lets them in again.
    let again = staff
        .call(
            "/api/crm/client/suspend",
            &format!("id={}&suspended=true&reason=x", t.id),
        )
        .await;
    assert_eq!(again.status, 422, "{}", again.body);
    let r = staff
        .call(
            "/api/crm/client/suspend",
            &format!("id={}&suspended=false", t.id),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let login = client_for(&db)
        .call(
            "/api/auth/login",
            "email=t%40example.com&password=correct+horse+battery",
        )
        .await;
    assert_eq!(login.status, 200, "{}", login.body);
    // The page shows the suspension and the reactivation in the client's activity.
    let page = staff.call("/api/crm/client", &format!("id={}", t.id)).await;
    assert!(page.body.contains("client.suspend") && page.body.contains("client.reactivate"));
});

on_both!(owners_are_staff_and_supervisors_never_loop, |db| {
    let admin = make_user(
        &db,
        UserKind::Staff,
        "admin@example.com",
        Some("Administrator"),
    )
    .await;
    let lead = make_user(
        &db,
        UserKind::Staff,
        "lead@example.com",
        Some("Administrator"),
    )
    .await;
    let agent = make_user(
        &db,
        UserKind::Staff,
        "agent@example.com",
        Some("Administrator"),
    )
    .await;
    let t = make_user(&db, UserKind::Trader, "t@example.com", None).await;
    let other = make_user(&db, UserKind::Trader, "o@example.com", None).await;
    let staff_c = as_user(&db, &admin).await;
    // An owner who is a client, or nobody known: refused, nothing changes.
    for owner in [other.id, 999_999] {
        let r = staff_c
            .call(
                "/api/crm/clients/owner",
                &format!("ids[0]={}&owner_id={owner}", t.id),
            )
            .await;
        assert_eq!(common::code(r.error(), "owner_id"), "err.owner_not_staff");
    }
    assert_eq!(reload(&db, t.id).await.owner_id, None);
    // agent reports to lead; lead reporting to agent would close the loop.
    let update = |id: i64, email: &str, sup: i64| {
        format!(
            "id={id}&email={}&first_name=Test&last_name=User&role_id={}&supervisor_id={sup}",
            email.replace('@', "%40"),
            admin.role_id.unwrap()
        )
    };
    let r = staff_c
        .call(
            "/api/admin/staff/update",
            &update(agent.id, &agent.email, lead.id),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = staff_c
        .call(
            "/api/admin/staff/update",
            &update(lead.id, &lead.email, agent.id),
        )
        .await;
    assert_eq!(
        common::code(r.error(), "supervisor_id"),
        "err.supervisor_loop"
    );
    let r = staff_c
        .call(
            "/api/admin/staff/update",
            &update(lead.id, &lead.email, lead.id),
        )
        .await;
    assert_eq!(
        common::code(r.error(), "supervisor_id"),
        "err.supervisor_loop"
    );
    let r = staff_c
        .call(
            "/api/admin/staff/update",
            &update(lead.id, &lead.email, t.id),
        )
        .await;
    assert_eq!(
        common::code(r.error(), "supervisor_id"),
        "err.supervisor_not_staff"
    );
    assert_eq!(reload(&db, lead.id).await.supervisor_id, None);
    assert_eq!(reload(&db, agent.id).await.supervisor_id, Some(lead.id));
});

on_both!(
    a_team_lead_sees_the_teams_clients_and_an_agent_only_theirs,
    |db| {
        let admin = make_user(
            &db,
            UserKind::Staff,
            "admin@example.com",
            Some("Administrator"),
        )
        .await;
        role(&db, admin.id, "Team lead", "team").await;
        role(&db, admin.id, "Agent", "own").await;
        let lead = make_user(&db, UserKind::Staff, "lead@example.com", Some("Team lead")).await;
        let agent = make_user(&db, UserKind::Staff, "agent@example.com", Some("Agent")).await;
        let mut am = agent.clone().into_active_model();
        am.supervisor_id = Set(Some(lead.id));
        am.update(&db).await.unwrap();
        let a = make_user(&db, UserKind::Trader, "agents@example.com", None).await;
        let l = make_user(&db, UserKind::Trader, "leads@example.com", None).await;
        let x = make_user(&db, UserKind::Trader, "nobodys@example.com", None).await;
        owned_by(&db, &a, Some(agent.id)).await;
        owned_by(&db, &l, Some(lead.id)).await;
        let q = "query[page]=0&query[per_page]=50&query[sort]=&query[desc]=false&query[q]=&query[filter]=";
        let lead_sees = as_user(&db, &lead)
            .await
            .call("/api/admin/clients", q)
            .await
            .body;
        assert!(
            lead_sees.contains("agents@") && lead_sees.contains("leads@"),
            "{lead_sees}"
        );
        assert!(!lead_sees.contains("nobodys@"), "{lead_sees}");
        let agent_c = as_user(&db, &agent).await;
        let agent_sees = agent_c.call("/api/admin/clients", q).await.body;
        assert!(
            agent_sees.contains("agents@") && !agent_sees.contains("leads@"),
            "{agent_sees}"
        );
        // A bulk action naming a client outside the scope changes nothing for anyone named.
        let r = agent_c
            .call(
                "/api/crm/clients/tag",
                &format!("ids[0]={}&ids[1]={}&tag=vip&on=true", a.id, l.id),
            )
            .await;
        assert_eq!(r.status, 404, "{}", r.body);
        assert_eq!(count(&db, "client_tag").await, 0);
        let r = agent_c
            .call(
                "/api/crm/clients/owner",
                &format!("ids[0]={}&ids[1]={}&owner_id={}", a.id, x.id, agent.id),
            )
            .await;
        assert_eq!(r.status, 404, "{}", r.body);
        assert_eq!(reload(&db, x.id).await.owner_id, None);
        // Within the scope it applies to each, once.
        let r = agent_c
            .call(
                "/api/crm/clients/tag",
                &format!("ids[0]={}&ids[1]={}&tag=VIP&on=true", a.id, a.id),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let tags = client_tag::Entity::find().all(&db).await.unwrap();
        assert_eq!(tags.len(), 1);
        assert_eq!(tags[0].tag, "vip");
        // A system tag's name is refused; an empty selection too.
        let r = agent_c
            .call(
                "/api/crm/clients/tag",
                &format!("ids[0]={}&tag=suspended&on=true", a.id),
            )
            .await;
        assert_eq!(common::code(r.error(), "tag"), "err.tag_reserved");
        let r = agent_c.call("/api/crm/clients/group", "group_id=1").await;
        assert_eq!(r.status, 422, "{}", r.body);
        // The unowned pool: a role that sees unowned clients sees only x.
        role(&db, admin.id, "Pool", "unowned").await;
        let pool = make_user(&db, UserKind::Staff, "pool@example.com", Some("Pool")).await;
        let pool_sees = as_user(&db, &pool)
            .await
            .call("/api/admin/clients", q)
            .await
            .body;
        assert!(
            pool_sees.contains("nobodys@") && !pool_sees.contains("agents@"),
            "{pool_sees}"
        );
    }
);

on_both!(
    a_clients_details_are_edited_with_an_audit_of_each_change,
    |db| {
        let admin = make_user(
            &db,
            UserKind::Staff,
            "admin@example.com",
            Some("Administrator"),
        )
        .await;
        let t = make_user(&db, UserKind::Trader, "t@example.com", None).await;
        make_user(&db, UserKind::Trader, "taken@example.com", None).await;
        let c = as_user(&db, &admin).await;
        let edit = |email: &str, phone: &str| {
            format!(
                "id={}&edit[first_name]=Tess&edit[last_name]=User&edit[email]={}&edit[country]=GB&edit[phone]={}&edit[locale]=es",
                t.id,
                email.replace('@', "%40"),
                phone.replace('+', "%2B")
            )
        };
        let r = c
            .call(
                "/api/crm/client/edit",
                &edit("taken@example.com", "+441632960001"),
            )
            .await;
        assert_eq!(common::code(r.error(), "email"), "err.email_taken");
        let r = c
            .call("/api/crm/client/edit", &edit("t@example.com", "12"))
            .await;
        assert_eq!(common::code(r.error(), "phone"), "err.phone_invalid");
        assert_eq!(reload(&db, t.id).await.first_name, "Test");
        let r = c
            .call(
                "/api/crm/client/edit",
                &edit("t@example.com", "+441632960001"),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let u = reload(&db, t.id).await;
        assert_eq!((u.first_name.as_str(), u.locale.as_str()), ("Tess", "es"));
        let page = c
            .call("/api/crm/client", &format!("id={}", t.id))
            .await
            .json();
        let change = page["activity"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["action"] == "client.update")
            .expect("the edit's audit record")["detail"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            change.contains("\"before\":\"Test\"") && change.contains("\"after\":\"Tess\""),
            "{change}"
        );
        assert!(!change.contains("last_name"), "only what changed: {change}");
        // A note, with its author.
        let r = c
            .call("/api/crm/client/note", &format!("id={}&body=%20%20", t.id))
            .await;
        assert_eq!(common::code(r.error(), "body"), "err.note_required");
        let r = c
            .call(
                "/api/crm/client/note",
                &format!("id={}&body=Called+about+KYC", t.id),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let page = c
            .call("/api/crm/client", &format!("id={}", t.id))
            .await
            .json();
        assert_eq!(page["notes"][0]["body"], "Called about KYC");
        assert_eq!(page["notes"][0]["author"], "Test User");
    }
);

on_both!(
    the_blacklist_refuses_emails_domains_addresses_and_countries,
    |db| {
        let admin = make_user(
            &db,
            UserKind::Staff,
            "admin@example.com",
            Some("Administrator"),
        )
        .await;
        let staff_c = as_user(&db, &admin).await;
        let r = staff_c
        .call(
            "/api/settings/blacklist/import",
            "csv=kind%2Cvalue%2Cnote%0Aemail%2C%40spam.example%2Cbulk%0Aemail%2Cbad%40example.com%2C%0Acountry%2Ckp%2C%0Aip%2Cnot-an-ip%2C%0Aphone%2C1%2C%0Aemail%2Cbad%40example.com%2C",
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let result = r.json();
        assert_eq!(result["added"], 3, "{result}");
        assert_eq!(result["existing"], 1, "{result}");
        assert_eq!(result["refused"].as_array().unwrap().len(), 2, "{result}");
        // The same entry again by hand: refused on its field.
        let r = staff_c
            .call(
                "/api/settings/blacklist/add",
                "kind=email&value=BAD%40example.com",
            )
            .await;
        assert_eq!(common::code(r.error(), "value"), "err.blacklist_taken");
        let before = count(&db, "users").await;
        let anon = client_for(&db);
        let register = |email: &str| {
            format!(
                "kind=trader&email={}&password=long-enough-pw&first_name=Ann&last_name=Lee&country=GB&phone=%2B447700900123&referral_code=",
                email.replace('@', "%40")
            )
        };
        for email in ["bad@example.com", "someone@spam.example"] {
            let r = anon.call("/api/auth/register", &register(email)).await;
            assert_eq!(
                common::code(r.error(), "email"),
                "err.email_blocked",
                "{email}"
            );
        }
        let r = anon
            .call_with(
                "/api/auth/register",
                &register("fine@example.com"),
                &[("x-test-country", "KP")],
            )
            .await;
        assert_eq!(r.status, 403, "{}", r.body);
        assert_eq!(r.error(), app::error::AppError::Blocked);
        assert_eq!(count(&db, "users").await, before, "nothing was created");
        // An address blocked after sign-up cannot sign in.
        make_user(&db, UserKind::Trader, "t@example.com", None).await;
        staff_c
            .call("/api/settings/blacklist/add", "kind=ip&value=127.0.0.0%2F8")
            .await;
        // The test router has no peer address, so the address rule is checked on the service.
        let from = app::server::infra::origin::Origin {
            ip: "127.0.0.9".into(),
            user_agent: "test".into(),
            country: String::new(),
        };
        let refused = app::server::identity::auth::login(
            &db,
            &common::cfg(),
            "t@example.com",
            "correct horse battery",
            app::server::identity::auth::Portal::Client,
            &from,
        )
        .await;
        assert!(matches!(refused, Err(app::error::AppError::Blocked)));
    }
);

on_both!(a_sign_up_must_verify_the_emailed_code_first, |db| {
    let admin = make_user(
        &db,
        UserKind::Staff,
        "admin@example.com",
        Some("Administrator"),
    )
    .await;
    let staff_c = as_user(&db, &admin).await;
    let r = staff_c.call("/api/settings/security", "").await;
    let mut s = r.json();
    s["verify_email"] = serde_json::Value::Bool(true);
    let form: String = s
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| format!("s[{k}]={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let r = staff_c.call("/api/settings/security/save", &form).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let anon = client_for(&db);
    let r = anon
        .call(
            "/api/auth/register",
            "kind=trader&email=new%40example.com&password=long-enough-pw&first_name=Ann&last_name=Lee&country=GB&phone=%2B447700900123&referral_code=",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body, "\"VerifyEmail\"");
    let login = "email=new%40example.com&password=long-enough-pw";
    let r = anon.call("/api/auth/login", login).await;
    assert_eq!(r.error(), app::error::AppError::EmailUnverified);
    let mail = mail_to(&db, "new@example.com", "code=")
        .await
        .expect("the code's email");
    let code = code_in(&mail);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    // Wrong codes: four are told "wrong", the fifth ends the code, then even the right one is
    // refused until a new code is sent.
    for i in 1..=5 {
        let r = anon
            .call(
                "/api/auth/verify-email",
                &format!("email=new%40example.com&code={wrong}"),
            )
            .await;
        let expect = if i < 5 {
            "err.code_wrong"
        } else {
            "err.code_expired"
        };
        assert_eq!(common::code(r.error(), "code"), expect, "try {i}");
    }
    let r = anon
        .call(
            "/api/auth/verify-email",
            &format!("email=new%40example.com&code={code}"),
        )
        .await;
    assert_eq!(common::code(r.error(), "code"), "err.code_expired");
    assert!(
        reload_by_email(&db, "new@example.com")
            .await
            .email_verified_at
            .is_none()
    );
    // A new code (two more within the hour, then the limit).
    for _ in 0..2 {
        let r = anon
            .call("/api/auth/resend-verification", "email=new%40example.com")
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let r = anon
        .call("/api/auth/resend-verification", "email=new%40example.com")
        .await;
    assert_eq!(common::code(r.error(), "code"), "err.resend_limit");
    let fresh = code_in(&mail_to(&db, "new@example.com", "code=").await.unwrap());
    let r = anon
        .call(
            "/api/auth/verify-email",
            &format!("email=new%40example.com&code={fresh}"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = anon.call("/api/auth/login", login).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // Unknown emails answer as a wrong code and send nothing.
    let mails = count(&db, "mail_outbox").await;
    let r = anon
        .call("/api/auth/resend-verification", "email=ghost%40example.com")
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(count(&db, "mail_outbox").await, mails);
    let r = anon
        .call(
            "/api/auth/verify-email",
            "email=ghost%40example.com&code=123456",
        )
        .await;
    assert_eq!(common::code(r.error(), "code"), "err.code_wrong");
});

async fn reload_by_email(db: &DatabaseConnection, email: &str) -> user::Model {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

on_both!(
    a_sign_in_from_a_new_country_alerts_the_client_and_staff,
    |db| {
        let t = make_user(&db, UserKind::Trader, "t@example.com", None).await;
        let c = client_for(&db);
        let login = "email=t%40example.com&password=correct+horse+battery";
        let firefox = ("user-agent", "Firefox");
        for _ in 0..2 {
            let r = c
                .call_with(
                    "/api/auth/login",
                    login,
                    &[("x-test-country", "PT"), firefox],
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.body);
        }
        let alerts = || async {
            alert_event::Entity::find()
                .filter(alert_event::Column::Source.eq("security"))
                .all(&db)
                .await
                .unwrap()
        };
        assert!(
            alerts().await.is_empty(),
            "the first sign-ins set what is familiar"
        );
        assert!(mail_to(&db, "t@example.com", "BR").await.is_none());
        let r = c
            .call_with(
                "/api/auth/login",
                login,
                &[("x-test-country", "br"), firefox],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let fired = alerts().await;
        assert_eq!(fired.len(), 1);
        assert_eq!(
            (fired[0].user_id, fired[0].code.as_str()),
            (t.id, "new_sign_in")
        );
        assert!(fired[0].data.contains("BR"), "{}", fired[0].data);
        assert!(mail_to(&db, "t@example.com", "Country: BR").await.is_some());
        // Staff see it on the alerts page's feed.
        let admin = make_user(
            &db,
            UserKind::Staff,
            "admin@example.com",
            Some("Administrator"),
        )
        .await;
        let feed = as_user(&db, &admin)
            .await
            .call("/api/admin/alerts/feed", "since=0&source=security")
            .await;
        assert!(feed.body.contains("new_sign_in"), "{}", feed.body);
        // The same country and device again: nothing new.
        c.call_with(
            "/api/auth/login",
            login,
            &[("x-test-country", "BR"), firefox],
        )
        .await;
        assert_eq!(alerts().await.len(), 1);
    }
);

on_both!(clients_see_and_end_their_own_sessions, |db| {
    let t = make_user(&db, UserKind::Trader, "t@example.com", None).await;
    let o = make_user(&db, UserKind::Trader, "o@example.com", None).await;
    let phone = as_user(&db, &t).await;
    let laptop = as_user(&db, &t).await;
    let theirs = as_user(&db, &o).await;
    let list = laptop.call("/api/auth/sessions", "").await.json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1);
    let other_id = list.iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Someone else's session id is not theirs to end.
    let r = theirs
        .call("/api/auth/sessions/end", &format!("id={other_id}"))
        .await;
    assert_eq!(common::code(r.error(), "id"), "err.session_unknown");
    assert!(
        phone
            .call("/api/auth/me", "")
            .await
            .body
            .contains("t@example.com")
    );
    let r = laptop
        .call("/api/auth/sessions/end", &format!("id={other_id}"))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        !phone
            .call("/api/auth/me", "")
            .await
            .body
            .contains("t@example.com")
    );
    assert!(
        laptop
            .call("/api/auth/me", "")
            .await
            .body
            .contains("t@example.com")
    );
});

on_both!(the_lockout_and_session_limits_follow_the_settings, |db| {
    let admin = make_user(
        &db,
        UserKind::Staff,
        "admin@example.com",
        Some("Administrator"),
    )
    .await;
    make_user(&db, UserKind::Trader, "t@example.com", None).await;
    let staff_c = as_user(&db, &admin).await;
    let mut s = staff_c.call("/api/settings/security", "").await.json();
    let save = |s: &serde_json::Value| -> String {
        s.as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("s[{k}]={v}"))
            .collect::<Vec<_>>()
            .join("&")
    };
    // Out of range: refused on the field, nothing saved.
    s["lockout_failures"] = 1.into();
    let r = staff_c.call("/api/settings/security/save", &save(&s)).await;
    assert_eq!(
        common::code(r.error(), "lockout_failures"),
        "err.setting_range"
    );
    s["lockout_failures"] = 3.into();
    s["client_idle_hours"] = 2.into();
    let r = staff_c.call("/api/settings/security/save", &save(&s)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let c = client_for(&db);
    for _ in 0..3 {
        let r = c
            .call(
                "/api/auth/login",
                "email=t%40example.com&password=wrong-password",
            )
            .await;
        assert_eq!(r.status, 401);
    }
    let r = c
        .call(
            "/api/auth/login",
            "email=t%40example.com&password=correct+horse+battery",
        )
        .await;
    assert_eq!(r.status, 429, "locked after three: {}", r.body);
    // A new client session carries the idle limit in force at sign-in.
    let u = make_user(&db, UserKind::Trader, "u@example.com", None).await;
    app::server::identity::session::create(
        &db,
        &u,
        app::server::identity::session::Stage::Full,
        "",
        "",
    )
    .await
    .unwrap();
    let s = app::server::entity::session::Entity::find()
        .filter(app::server::entity::session::Column::UserId.eq(u.id))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.idle_secs, 2 * 3600);
});

on_both!(
    a_lead_converts_when_its_email_registers_and_hands_over_its_owner,
    |db| {
        let admin = make_user(
            &db,
            UserKind::Staff,
            "admin@example.com",
            Some("Administrator"),
        )
        .await;
        let agent = make_user(
            &db,
            UserKind::Staff,
            "agent@example.com",
            Some("Administrator"),
        )
        .await;
        let c = as_user(&db, &admin).await;
        // A lead needs a name and an email or phone; a converted status is the system's.
        let r = c
            .call("/api/crm/leads/save", "form[name]=Ann+Lee&form[status]=new")
            .await;
        assert_eq!(common::code(r.error(), "email"), "err.lead_contact");
        let r = c
            .call(
                "/api/crm/leads/save",
                "form[name]=Ann+Lee&form[email]=ann%40example.com&form[status]=converted",
            )
            .await;
        assert_eq!(common::code(r.error(), "status"), "err.status_unknown");
        let r = c
        .call(
            "/api/crm/leads/save",
            &format!("form[name]=Ann+Lee&form[email]=Ann%40Example.com&form[status]=qualified&form[owner_id]={}&form[source]=webinar", agent.id),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let lead_id: i64 = r.body.parse().unwrap();
        assert_eq!(count(&db, "lead").await, 1);
        let r = client_for(&db)
        .call(
            "/api/auth/register",
            "kind=trader&email=ann%40example.com&password=long-enough-pw&first_name=Ann&last_name=Lee&country=GB&phone=%2B447700900123&referral_code=",
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let ann = reload_by_email(&db, "ann@example.com").await;
        assert_eq!(
            ann.owner_id,
            Some(agent.id),
            "the lead's owner owns the client"
        );
        let l = app::server::entity::lead::Entity::find_by_id(lead_id)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (l.status.as_str(), l.client_id),
            ("converted", Some(ann.id))
        );
        // A converted lead is not edited any more.
        let r = c
            .call(
                "/api/crm/leads/save",
                &format!(
                    "form[id]={lead_id}&form[name]=X&form[email]=x%40example.com&form[status]=new"
                ),
            )
            .await;
        assert_eq!(common::code(r.error(), "status"), "err.lead_converted");
    }
);

on_both!(new_clients_are_owned_in_turn_by_the_round_robin, |db| {
    let admin = make_user(
        &db,
        UserKind::Staff,
        "admin@example.com",
        Some("Administrator"),
    )
    .await;
    let lead = make_user(
        &db,
        UserKind::Staff,
        "lead@example.com",
        Some("Administrator"),
    )
    .await;
    let a = make_user(&db, UserKind::Staff, "a@example.com", Some("Administrator")).await;
    let mut am = a.clone().into_active_model();
    am.supervisor_id = Set(Some(lead.id));
    am.update(&db).await.unwrap();
    let c = as_user(&db, &admin).await;
    let r = c
        .call(
            "/api/crm/assignment/save",
            "rule[kind]=round_robin&rule[team_lead]=999999",
        )
        .await;
    assert_eq!(common::code(r.error(), "team_lead"), "err.owner_not_staff");
    let r = c
        .call(
            "/api/crm/assignment/save",
            "rule[kind]=country&rule[countries]=Portugal%3D1",
        )
        .await;
    assert_eq!(
        common::code(r.error(), "countries"),
        "err.countries_invalid"
    );
    let r = c
        .call(
            "/api/crm/assignment/save",
            &format!("rule[kind]=round_robin&rule[team_lead]={}", lead.id),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let mut owners = Vec::new();
    for i in 0..4 {
        let r = client_for(&db)
            .call(
                "/api/auth/register",
                &format!("kind=trader&email=c{i}%40example.com&password=long-enough-pw&first_name=C&last_name=Lee&country=GB&phone=%2B447700900123&referral_code="),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        owners.push(
            reload_by_email(&db, &format!("c{i}@example.com"))
                .await
                .owner_id
                .unwrap(),
        );
    }
    let (x, y) = (lead.id.min(a.id), lead.id.max(a.id));
    assert_eq!(
        owners,
        vec![x, y, x, y],
        "the team in turn, the admin outside it never"
    );
});

on_both!(a_task_reminder_reaches_the_assignees_bell_once, |db| {
    let admin = make_user(
        &db,
        UserKind::Staff,
        "admin@example.com",
        Some("Administrator"),
    )
    .await;
    let agent = make_user(
        &db,
        UserKind::Staff,
        "agent@example.com",
        Some("Administrator"),
    )
    .await;
    let t = make_user(&db, UserKind::Trader, "t@example.com", None).await;
    let c = as_user(&db, &admin).await;
    let soon = (chrono::Utc::now() + chrono::Duration::minutes(10)).format("%Y-%m-%dT%H:%M");
    let later = (chrono::Utc::now() + chrono::Duration::days(3)).format("%Y-%m-%dT%H:%M");
    for (body, field, code) in [
        (
            format!(
                "form[title]=Call&form[due_at]=tomorrow&form[client_id]={}",
                t.id
            ),
            "due_at",
            "err.due_invalid",
        ),
        (
            format!("form[title]=&form[due_at]={soon}"),
            "title",
            "err.required",
        ),
        (
            format!(
                "form[title]=Call&form[due_at]={soon}&form[assignee_id]={}",
                t.id
            ),
            "assignee_id",
            "err.assignee_invalid",
        ),
        (
            format!("form[title]=Call&form[due_at]={soon}&form[remind_minutes]=-5"),
            "remind_minutes",
            "err.setting_range",
        ),
    ] {
        let r = c.call("/api/crm/tasks/save", &body).await;
        assert_eq!(common::code(r.error(), field), code, "{body}");
    }
    assert_eq!(count(&db, "task").await, 0);
    let r = c
        .call(
            "/api/crm/tasks/save",
            &format!("form[title]=Call+about+KYC&form[due_at]={soon}&form[remind_minutes]=15&form[assignee_id]={}&form[client_id]={}", agent.id, t.id),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    c.call(
        "/api/crm/tasks/save",
        &format!(
            "form[title]=Later&form[due_at]={later}&form[remind_minutes]=60&form[assignee_id]={}",
            agent.id
        ),
    )
    .await;
    assert_eq!(app::server::crm::tasks::remind_due(&db).await.unwrap(), 1);
    assert_eq!(
        app::server::crm::tasks::remind_due(&db).await.unwrap(),
        0,
        "once"
    );
    let bell = as_user(&db, &agent)
        .await
        .call("/api/notifications/feed", "")
        .await
        .json();
    assert_eq!(bell["unread"], 1, "{bell}");
    assert_eq!(bell["items"][0]["kind"], "notice.task_due");
    assert_eq!(bell["items"][0]["data"]["title"], "Call about KYC");
    // The agent's list shows it, about the client.
    let mine = as_user(&db, &agent)
        .await
        .call("/api/crm/tasks", "query[page]=0&query[per_page]=20&query[sort]=&query[desc]=false&query[q]=&query[filter]=mine")
        .await
        .json();
    assert_eq!(mine["total"], 2, "{mine}");
    assert_eq!(mine["rows"][0]["about"], "Test User");
});

on_both!(
    a_client_changes_what_the_firm_allows_and_reviewed_fields_wait_for_approval,
    |db| {
        let admin = make_user(
            &db,
            UserKind::Staff,
            "admin@example.com",
            Some("Administrator"),
        )
        .await;
        let t = make_user(&db, UserKind::Trader, "t@example.com", None).await;
        let staff_c = as_user(&db, &admin).await;
        // Phone at once, last name reviewed, first name locked, country at once.
        let r = staff_c
        .call(
            "/api/crm/profile-policy/save",
            "policy[editable][0]=phone&policy[editable][1]=last_name&policy[editable][2]=country&policy[reviewed][0]=last_name",
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let r = staff_c
            .call(
                "/api/crm/profile-policy/save",
                "policy[editable][0]=phone&policy[reviewed][0]=country",
            )
            .await;
        assert_eq!(
            common::code(r.error(), "reviewed"),
            "err.reviewed_not_editable"
        );
        let c = as_user(&db, &t).await;
        // A locked field refuses the whole edit: nothing changes, not even the allowed phone.
        let r = c
            .call(
                "/api/profile/update",
                "edit[first_name]=Tina&edit[phone]=%2B441632960999",
            )
            .await;
        assert_eq!(common::code(r.error(), "first_name"), "err.field_locked");
        let u = reload(&db, t.id).await;
        assert_eq!(
            (u.first_name.as_str(), u.phone.as_str()),
            ("Test", "+441632960001")
        );
        let r = c.call("/api/profile/update", "edit[phone]=12").await;
        assert_eq!(common::code(r.error(), "phone"), "err.phone_invalid");
        let r = c
            .call(
                "/api/profile/update",
                "edit[phone]=%2B441632960999&edit[last_name]=Smith&edit[country]=PT",
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let out = r.json();
        assert_eq!(
            out["applied"],
            serde_json::json!(["country", "phone"]),
            "{out}"
        );
        let req = out["request_id"]
            .as_i64()
            .expect("a profile-change request");
        let u = reload(&db, t.id).await;
        assert_eq!(
            (u.phone.as_str(), u.country.as_str(), u.last_name.as_str()),
            ("+441632960999", "PT", "User")
        );
        // One change waits at a time.
        let r = c.call("/api/profile/update", "edit[last_name]=Jones").await;
        assert_eq!(common::code(r.error(), "form"), "err.too_many_pending");
        // Approved: the surname changes; the dashboard showed the request meanwhile.
        let home = c.call("/api/home/summary", "").await.json();
        assert_eq!(home["pending"][0]["kind"], "profile_change", "{home}");
        app::server::approvals::approve(&db, admin.id, req, 1, "", &common::here())
            .await
            .unwrap();
        assert_eq!(reload(&db, t.id).await.last_name, "Smith");
        let home = c.call("/api/home/summary", "").await.json();
        assert!(home["pending"].as_array().unwrap().is_empty(), "{home}");
    }
);
