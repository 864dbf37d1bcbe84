//! Accounts and sessions through the real router, on SQLite and on PostgreSQL.
use crate::common;
use app::domain::access::UserKind;
use app::error::AppError;
use common::{Client, count, make_user};

fn state(db: &sea_orm::DatabaseConnection) -> app::server::AppState {
    server::testing::state(db.clone())
}

const VALID: &str = "kind=trader&email=new%40example.com&password=long-enough-pw&first_name=Ann&last_name=Lee&country=GB&phone=%2B447700900123&referral_code=";

fn with(field: &str, value: &str) -> String {
    VALID
        .split('&')
        .map(|kv| {
            if kv.split('=').next() == Some(field) {
                format!("{field}={value}")
            } else {
                kv.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

on_both!(registration_rejects_bad_input_and_changes_nothing, |db| {
    let c = Client::new(state(&db));
    let before = count(&db, "users").await;
    let cases = [
        (with("email", ""), "email", "err.required"),
        (with("email", "not-an-email"), "email", "err.email_invalid"),
        (with("password", "short"), "password", "err.password_short"),
        (with("phone", "12345"), "phone", "err.phone_invalid"),
        (with("country", "Britain"), "country", "err.country_invalid"),
        (
            with("referral_code", "ZZZZ9999"),
            "referral_code",
            "err.referral_unknown",
        ),
        (with("kind", "staff"), "kind", "err.kind_invalid"),
        (
            with("first_name", "%07bell"),
            "first_name",
            "err.name_invalid",
        ),
    ];
    for (form, field, code) in cases {
        let r = c.call("/api/auth/register", &form).await;
        assert_eq!(r.status, 422, "{field}: {}", r.body);
        let errs = &r.json()["fields"];
        assert!(
            errs.as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == field && e["code"] == code),
            "{field}: {}",
            r.body
        );
        assert!(r.session_cookie().is_none());
    }
    assert_eq!(
        count(&db, "users").await,
        before,
        "bad input created a user"
    );

    let ok = c.call("/api/auth/register", VALID).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.json(), serde_json::json!("Done"));
    assert!(ok.session_cookie().is_some());
    let dup = c
        .call("/api/auth/register", &with("email", "NEW%40example.com"))
        .await;
    assert_eq!(dup.status, 422);
    assert!(dup.body.contains("err.email_taken"), "{}", dup.body);
    assert_eq!(count(&db, "users").await, before + 1);
});

on_both!(registration_links_the_referring_ib_and_signs_in, |db| {
    let ib = make_user(&db, UserKind::Ib, "ib@example.com", None).await;
    let code = ib.referral_code.clone().unwrap();
    let mut c = Client::new(state(&db));
    let r = c
        .call(
            "/api/auth/register",
            &with("referral_code", &code.to_lowercase()),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    c.cookie = r.session_cookie();
    let me = c.call("/api/auth/me", "").await.json();
    assert_eq!(me["email"], "new@example.com");
    assert_eq!(me["kind"], "Trader");
    assert_eq!(me["referral_code"].as_str().unwrap().len(), 8);
    let new_id = me["id"].as_i64().unwrap();
    let u = app::server::identity::auth::find_by_email(&db, "new@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((u.id, u.referrer_id), (new_id, Some(ib.id)));
    // The IB sees the new client, and was told.
    c.cookie = Some(common::cookie_for(&db, &ib).await);
    let feed = c.call("/api/notifications/feed", "").await.json();
    assert!(
        feed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "notice.new_referral")
    );
    let ov = c.call("/api/ib/overview", "").await.json();
    assert_eq!(ov["direct_clients"], 1);
});

on_both!(sign_in_errors_are_uniform_and_lock_out, |db| {
    make_user(&db, UserKind::Trader, "t@example.com", None).await;
    let c = Client::new(state(&db));
    let wrong = c
        .call(
            "/api/auth/login",
            "email=t%40example.com&password=wrong-password",
        )
        .await;
    let unknown = c
        .call(
            "/api/auth/login",
            "email=nobody%40example.com&password=wrong-password",
        )
        .await;
    assert_eq!((wrong.status.as_u16(), unknown.status.as_u16()), (401, 401));
    assert_eq!(
        wrong.body, unknown.body,
        "an unknown email must look like a wrong password"
    );
    let empty = c.call("/api/auth/login", "email=&password=").await;
    assert_eq!(empty.status, 422);
    for _ in 0..4 {
        c.call(
            "/api/auth/login",
            "email=t%40example.com&password=wrong-password",
        )
        .await;
    }
    // Five failures in a row: even the right password is refused for a while.
    let locked = c
        .call(
            "/api/auth/login",
            "email=t%40example.com&password=correct+horse+battery",
        )
        .await;
    assert_eq!(locked.status, 429, "{}", locked.body);
    assert_eq!(
        locked.error(),
        AppError::Locked { minutes: 15 },
        "{}",
        locked.body
    );
    assert!(locked.session_cookie().is_none());
});

on_both!(sessions_sign_out_and_forged_cookies_are_anonymous, |db| {
    make_user(&db, UserKind::Trader, "t@example.com", None).await;
    let mut c = Client::new(state(&db));
    let r = c
        .call(
            "/api/auth/login",
            "email=t%40example.com&password=correct+horse+battery",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    c.cookie = r.session_cookie();
    assert_eq!(
        c.call("/api/auth/me", "").await.json()["email"],
        "t@example.com"
    );
    let out = c.call("/api/auth/logout", "").await;
    assert_eq!(out.status, 200);
    assert_eq!(
        c.call("/api/auth/me", "").await.json(),
        serde_json::Value::Null,
        "the old cookie must be dead"
    );

    c.cookie = Some(format!("pd_session={}", "ab".repeat(32)));
    let forged = c.call("/api/auth/me", "").await;
    assert_eq!(forged.json(), serde_json::Value::Null);
    assert!(
        forged
            .headers
            .get_all("set-cookie")
            .iter()
            .any(|v| v.to_str().unwrap().contains("Max-Age=0")),
        "a forged cookie is cleared"
    );
    c.cookie = Some("pd_session=../../etc/passwd".into());
    assert_eq!(c.call("/api/notifications/feed", "").await.status, 401);
    // Staff cannot use the client sign-in, nor clients the back office's.
    make_user(&db, UserKind::Staff, "s@example.com", Some("Administrator")).await;
    c.cookie = None;
    assert_eq!(
        c.call(
            "/api/auth/login",
            "email=s%40example.com&password=correct+horse+battery"
        )
        .await
        .status,
        403
    );
    assert_eq!(
        c.call(
            "/api/auth/admin-login",
            "email=t%40example.com&password=correct+horse+battery"
        )
        .await
        .status,
        403
    );
});

on_both!(password_change_and_reset_by_email, |db| {
    let u = make_user(&db, UserKind::Trader, "t@example.com", None).await;
    let mut c = Client::new(state(&db));
    let other_device = common::cookie_for(&db, &u).await;
    c.cookie = Some(common::cookie_for(&db, &u).await);
    let bad = c
        .call(
            "/api/auth/change-password",
            "current_password=nope-nope-nope&new_password=a-new-password",
        )
        .await;
    assert!(bad.body.contains("err.password_wrong"), "{}", bad.body);
    let short = c
        .call(
            "/api/auth/change-password",
            "current_password=correct+horse+battery&new_password=short",
        )
        .await;
    assert!(short.body.contains("err.password_short"), "{}", short.body);
    let ok = c
        .call(
            "/api/auth/change-password",
            "current_password=correct+horse+battery&new_password=a-new-password",
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(
        c.call("/api/auth/me", "").await.json()["email"],
        "t@example.com",
        "this device stays signed in"
    );
    let mut other = Client::new(state(&db));
    other.cookie = Some(other_device);
    assert_eq!(
        other.call("/api/auth/me", "").await.json(),
        serde_json::Value::Null,
        "other devices are signed out"
    );

    // Reset: no mail for an unknown address, one for a known one, with a one-time link.
    let anon = Client::new(state(&db));
    assert_eq!(
        anon.call("/api/auth/forgot-password", "email=nobody%40example.com")
            .await
            .status,
        200
    );
    assert_eq!(count(&db, "mail_outbox").await, 0);
    assert_eq!(
        anon.call("/api/auth/forgot-password", "email=T%40example.com")
            .await
            .status,
        200
    );
    assert_eq!(count(&db, "mail_outbox").await, 1);
    use sea_orm::EntityTrait;
    let mail = app::server::entity::mail_outbox::Entity::find()
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mail.to_addr, "t@example.com");
    let token = mail
        .body
        .split("token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let weak = anon
        .call(
            "/api/auth/reset-password",
            &format!("token={token}&password=short"),
        )
        .await;
    assert_eq!(weak.status, 422);
    let done = anon
        .call(
            "/api/auth/reset-password",
            &format!("token={token}&password=reset-password-1"),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(done.json(), serde_json::json!("Trader"));
    let again = anon
        .call(
            "/api/auth/reset-password",
            &format!("token={token}&password=reset-password-2"),
        )
        .await;
    assert_eq!(again.status, 400, "a reset link works once");
    assert_eq!(
        c.call("/api/auth/me", "").await.json(),
        serde_json::Value::Null,
        "a reset ends every session"
    );
    let login = anon
        .call(
            "/api/auth/login",
            "email=t%40example.com&password=reset-password-1",
        )
        .await;
    assert_eq!(login.status, 200, "{}", login.body);
});

/// The code an authenticator shows `ahead` seconds from now.
fn code_at(secret: &str, ahead: u64) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_string())
        .to_bytes()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes, None, "x".into())
        .unwrap()
        .generate(now + ahead)
}

fn code_for(secret: &str) -> String {
    code_at(secret, 0)
}

on_both!(staff_must_enroll_totp_then_use_it, |db| {
    make_user(
        &db,
        UserKind::Staff,
        "admin@example.com",
        Some("Administrator"),
    )
    .await;
    let mut c = Client::new(state(&db));
    let r = c
        .call(
            "/api/auth/admin-login",
            "email=admin%40example.com&password=correct+horse+battery",
        )
        .await;
    assert_eq!(r.json(), serde_json::json!("TotpEnrollment"));
    c.cookie = r.session_cookie();
    assert_eq!(
        c.call("/api/admin/stats", "").await.status,
        401,
        "no access before enrollment"
    );
    assert_eq!(
        c.call("/api/auth/me", "").await.json(),
        serde_json::Value::Null
    );
    let setup = c.call("/api/auth/totp-setup", "").await.json();
    let secret = setup["secret"].as_str().unwrap().to_string();
    let enroll_code = code_for(&secret);
    assert!(
        setup["otpauth_uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/PropDesk")
    );
    assert!(setup["qr_svg"].as_str().unwrap().contains("<svg"));
    let wrong = c.call("/api/auth/totp-confirm", "code=000000").await;
    assert!(
        wrong.body.contains("err.totp_wrong") || code_for(&secret) == "000000",
        "{}",
        wrong.body
    );
    let ok = c
        .call("/api/auth/totp-confirm", &format!("code={}", enroll_code))
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    c.cookie = ok.session_cookie();
    assert_eq!(c.call("/api/admin/stats", "").await.status, 200);

    // Next time: password, then a code.
    let mut c2 = Client::new(state(&db));
    let r = c2
        .call(
            "/api/auth/admin-login",
            "email=admin%40example.com&password=correct+horse+battery",
        )
        .await;
    assert_eq!(r.json(), serde_json::json!("TotpRequired"));
    c2.cookie = r.session_cookie();
    assert_eq!(c2.call("/api/admin/stats", "").await.status, 401);
    assert_eq!(
        c2.call("/api/auth/verify-totp", "code=12ab56").await.status,
        422
    );
    // The code used for enrollment cannot be used again (replay); the next step's code can
    // (a clock up to 30 s ahead is tolerated).
    let replay = c2
        .call("/api/auth/verify-totp", &format!("code={}", enroll_code))
        .await;
    assert!(replay.body.contains("err.totp_wrong"), "{}", replay.body);
    let next = code_at(&secret, 30);
    let v = c2
        .call("/api/auth/verify-totp", &format!("code={next}"))
        .await;
    assert_eq!(v.status, 200, "{}", v.body);
    c2.cookie = v.session_cookie();
    assert_eq!(c2.call("/api/admin/stats", "").await.status, 200);
});

on_both!(staff_management_rules, |db| {
    let (c, admin) = common::signed_in(
        &db,
        UserKind::Staff,
        "admin@example.com",
        Some("Administrator"),
    )
    .await;
    let roles = c.call("/api/admin/roles", "").await.json();
    let admin_role = roles
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Administrator")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let before = count(&db, "users").await;
    let bad = c
        .call(
            "/api/admin/staff/create",
            "email=bad&first_name=&last_name=X&role_id=999&password=",
        )
        .await;
    assert_eq!(bad.status, 422);
    for code in ["err.email_invalid", "err.required", "err.role_unknown"] {
        assert!(bad.body.contains(code), "{code}: {}", bad.body);
    }
    assert_eq!(count(&db, "users").await, before);
    let made = c.call("/api/admin/staff/create", &format!("email=new.staff%40example.com&first_name=New&last_name=Staff&role_id={admin_role}&password=")).await;
    assert_eq!(made.status, 200, "{}", made.body);
    let id = made.json()["id"].as_i64().unwrap();
    assert_eq!(
        count(&db, "mail_outbox").await,
        1,
        "an invitation link is emailed"
    );
    // Disabling ends sessions and blocks sign-in; nobody disables themselves.
    let target = app::server::identity::auth::find_by_email(&db, "new.staff@example.com")
        .await
        .unwrap()
        .unwrap();
    let mut victim = Client::new(state(&db));
    victim.cookie = Some(common::cookie_for(&db, &target).await);
    assert_eq!(
        c.call(
            "/api/admin/staff/set-disabled",
            &format!("id={id}&disabled=true")
        )
        .await
        .status,
        200
    );
    assert_eq!(
        victim.call("/api/auth/me", "").await.json(),
        serde_json::Value::Null
    );
    let me = c
        .call(
            "/api/admin/staff/set-disabled",
            &format!("id={}&disabled=true", admin.id),
        )
        .await;
    assert!(me.body.contains("err.own_account"), "{}", me.body);
    assert_eq!(
        c.call("/api/admin/staff/set-disabled", "id=987654&disabled=true")
            .await
            .status,
        404
    );
    // A client's id is not a staff id.
    let trader = make_user(&db, UserKind::Trader, "t@example.com", None).await;
    assert_eq!(
        c.call(
            "/api/admin/staff/set-disabled",
            &format!("id={}&disabled=true", trader.id)
        )
        .await
        .status,
        404
    );
    // Roles: the system role is fixed, names are unique, a role in use cannot go.
    let sys = c
        .call(
            "/api/admin/roles/save",
            &format!("id={admin_role}&name=Administrator&description=&permissions[0]=staff.view"),
        )
        .await;
    assert!(sys.body.contains("err.role_system"), "{}", sys.body);
    let empty = c
        .call(
            "/api/admin/roles/save",
            "name=Empty&description=&permissions[0]=nope",
        )
        .await;
    assert!(
        empty.body.contains("err.permission_unknown"),
        "{}",
        empty.body
    );
    let saved = c
        .call(
            "/api/admin/roles/save",
            "name=Viewer&description=Reads&permissions[0]=staff.view&permissions[1]=clients.view",
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let viewer = saved.json().as_i64().unwrap();
    let dup = c
        .call(
            "/api/admin/roles/save",
            "name=Viewer&description=&permissions[0]=staff.view",
        )
        .await;
    assert!(dup.body.contains("err.role_name_taken"), "{}", dup.body);
    assert_eq!(c.call("/api/admin/staff/update", &format!("id={id}&email=new.staff%40example.com&first_name=New&last_name=Staff&role_id={viewer}")).await.status, 200);
    let in_use = c
        .call("/api/admin/roles/delete", &format!("id={viewer}"))
        .await;
    assert!(in_use.body.contains("err.role_in_use"), "{}", in_use.body);
    // Reset access: TOTP cleared, a new-password link emailed.
    assert_eq!(
        c.call("/api/admin/staff/reset", &format!("id={id}"))
            .await
            .status,
        200
    );
    assert_eq!(count(&db, "mail_outbox").await, 2);
    let audit = c.call("/api/admin/audit", "query[page]=0&query[per_page]=50&query[sort]=&query[desc]=true&query[q]=staff.&query[filter]=").await.json();
    assert!(audit["total"].as_u64().unwrap() >= 4, "{audit}");
});
