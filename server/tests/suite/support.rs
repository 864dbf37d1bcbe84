//! Support tickets and the download centre through the real router: a ticket's life from the
//! client's file to staff's resolution (notes kept from the client, the reply emailed, response
//! times), the download centre by client group, and each refusal changing nothing.
use crate::common::{self, Client, count, make_user};
use app::domain::access::UserKind;
use app::server::entity::{download, mail_outbox, ticket, user};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter,
};

const PDF: &[u8] = b"%PDF-1.4 a statement";

async fn as_user(db: &DatabaseConnection, u: &user::Model) -> Client {
    let mut c = Client::new(server::testing::state(db.clone()));
    c.cookie = Some(common::cookie_for(db, u).await);
    c
}

/// Uploads a file as `c` and answers its id (or the refusal's body).
async fn upload(c: &Client, purpose: &str, name: &str, bytes: &[u8]) -> Result<i64, String> {
    let r = c
        .call(
            "/api/files/upload",
            &common::multipart(purpose, name, bytes),
        )
        .await;
    if r.status == 200 {
        Ok(r.json()["id"].as_i64().unwrap())
    } else {
        Err(r.body)
    }
}

fn open_form(subject: &str, body: &str, uploads: &[i64]) -> String {
    let mut f = format!("ticket[category]=payments&ticket[subject]={subject}&ticket[body]={body}");
    for (i, u) in uploads.iter().enumerate() {
        f.push_str(&format!("&ticket[upload_ids][{i}]={u}"));
    }
    f
}

/// Everything the ticket tables hold, compared before and after a refusal.
async fn tickets_state(db: &DatabaseConnection) -> String {
    format!(
        "{} {} {} {:?}",
        count(db, "ticket").await,
        count(db, "ticket_message").await,
        count(db, "ticket_attachment").await,
        ticket::Entity::find().all(db).await.unwrap()
    )
}

on_both!(a_ticket_goes_from_the_client_to_resolution, |db| {
    let admin = make_user(
        &db,
        UserKind::Staff,
        "admin@example.com",
        Some("Administrator"),
    )
    .await;
    let trader = make_user(&db, UserKind::Trader, "tess@example.com", None).await;
    let client = as_user(&db, &trader).await;
    let staff = as_user(&db, &admin).await;

    let file = upload(&client, "ticket", "statement.pdf", PDF)
        .await
        .unwrap();
    let r = client
        .call(
            "/api/support/tickets/open",
            &open_form("Deposit%20missing", "I%20paid%20yesterday", &[file]),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.json().as_i64().unwrap();

    // Staff see it in the queue, with the client and the file.
    let q = staff.call("/api/support/queue", QUEUE).await;
    assert!(
        q.body.contains("Deposit missing") && q.body.contains("tess@example.com"),
        "{}",
        q.body
    );
    let d = staff.call("/api/support/ticket", &format!("id={id}")).await;
    assert!(d.body.contains("statement.pdf"), "{}", d.body);
    // Staff open the client's file.
    let f = staff.get(&format!("/files/{file}")).await;
    assert_eq!(f.status, 200, "{}", f.body);

    // An internal note: the client never sees it, and the ticket does not move.
    let r = staff
        .call(
            "/api/support/ticket/reply",
            &format!("reply[ticket_id]={id}&reply[body]=Check%20the%20PSP&reply[internal]=true"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let mine = client
        .call("/api/support/tickets/one", &format!("id={id}"))
        .await;
    assert!(!mine.body.contains("Check the PSP"), "{}", mine.body);
    let t = ticket::Entity::find_by_id(id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t.status.as_str(), "open");
    assert!(t.first_reply_at.is_none());

    // The reply: the client sees it and is emailed; the ticket waits for them.
    let r = staff
        .call(
            "/api/support/ticket/reply",
            &format!("reply[ticket_id]={id}&reply[body]=Found%20it%2C%20credited"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let mine = client
        .call("/api/support/tickets/one", &format!("id={id}"))
        .await;
    assert!(mine.body.contains("Found it, credited"), "{}", mine.body);
    let mailed = mail_outbox::Entity::find()
        .filter(mail_outbox::Column::ToAddr.eq("tess@example.com"))
        .all(&db)
        .await
        .unwrap();
    assert!(
        mailed.iter().any(|m| m.body.contains("Deposit missing")),
        "{mailed:?}"
    );
    let t = ticket::Entity::find_by_id(id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t.status.as_str(), "waiting");
    assert_eq!(t.first_reply_by, Some(admin.id));
    assert_eq!(
        t.assignee_id,
        Some(admin.id),
        "the replier takes an unassigned ticket"
    );

    // The client answers: open again. Staff resolve it.
    let r = client
        .call(
            "/api/support/tickets/reply",
            &format!("reply[ticket_id]={id}&reply[body]=Thanks"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let t = ticket::Entity::find_by_id(id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t.status.as_str(), "open");
    let r = staff
        .call(
            "/api/support/ticket/update",
            &format!(
                "update[ticket_id]={id}&update[assignee_id]={}&update[priority]=high&update[status]=resolved",
                admin.id
            ),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let t = ticket::Entity::find_by_id(id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (t.status.as_str(), t.priority.as_str()),
        ("resolved", "high")
    );
    assert!(t.resolved_at.is_some());

    // The response-time figures: one first reply, two replies (the note is not one), one
    // resolved.
    let rt = staff
        .call("/api/support/response-times", QUEUE)
        .await
        .json();
    let me = rt
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["staff_id"] == admin.id)
        .expect("the replier's figures")
        .clone();
    assert_eq!(me["first_replies"], 1, "{me}");
    assert_eq!(me["replies"], 1, "{me}");
    assert_eq!(me["resolved"], 1, "{me}");
    assert!(me["median_first_reply_secs"].as_i64().unwrap() >= 0);

    // The client closes it; a closed ticket takes no more messages.
    let r = client
        .call("/api/support/tickets/close", &format!("id={id}"))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let before = tickets_state(&db).await;
    let r = client
        .call(
            "/api/support/tickets/reply",
            &format!("reply[ticket_id]={id}&reply[body]=Again"),
        )
        .await;
    assert_eq!(common::code(r.error(), "body"), "err.ticket_closed");
    assert_eq!(before, tickets_state(&db).await);
});

const QUEUE: &str = "query[page]=0&query[per_page]=50&query[sort]=&query[desc]=false&query[q]=&query[filter]=&query[from]=&query[to]=";

on_both!(bad_tickets_are_refused_and_change_nothing, |db| {
    let admin = make_user(
        &db,
        UserKind::Staff,
        "admin@example.com",
        Some("Administrator"),
    )
    .await;
    let tess = make_user(&db, UserKind::Trader, "tess@example.com", None).await;
    let otto = make_user(&db, UserKind::Trader, "otto@example.com", None).await;
    let (c, other) = (as_user(&db, &tess).await, as_user(&db, &otto).await);
    let staff = as_user(&db, &admin).await;
    let theirs = upload(&other, "ticket", "theirs.pdf", PDF).await.unwrap();
    let kyc = upload(&c, "kyc", "passport.pdf", PDF).await.unwrap();
    let mut six = Vec::new();
    for i in 0..6 {
        six.push(
            upload(&c, "ticket", &format!("f{i}.pdf"), PDF)
                .await
                .unwrap(),
        );
    }
    // A file of the wrong type, or too big, is refused at upload.
    let e = upload(&c, "ticket", "x.exe", b"MZ\x90\x00 program")
        .await
        .unwrap_err();
    assert!(e.contains("err.file_type"), "{e}");
    let big = vec![b'%'; 5 * 1024 * 1024 + 10];
    let e = upload(&c, "ticket", "big.pdf", &big).await.unwrap_err();
    assert!(e.contains("err.file_too_big"), "{e}");
    // A client may not upload for the download centre.
    let e = upload(&c, "download", "x.pdf", PDF).await.unwrap_err();
    assert!(e.contains("err.purpose_unknown"), "{e}");

    let before = tickets_state(&db).await;
    let long = "x".repeat(5_001);
    for (form, field, code) in [
        (open_form("", "Body", &[]), "subject", "err.required"),
        (
            "ticket[category]=nonsense&ticket[subject]=S&ticket[body]=B".to_string(),
            "category",
            "err.category_unknown",
        ),
        (open_form("S", "", &[]), "body", "err.required"),
        (open_form("S", &long, &[]), "body", "err.too_long"),
        (open_form("S", "bell%07", &[]), "body", "err.text_invalid"),
        (
            open_form("S", "B", &[theirs]),
            "upload_ids",
            "err.upload_unknown",
        ),
        (
            open_form("S", "B", &[kyc]),
            "upload_ids",
            "err.upload_unknown",
        ),
        (
            open_form("S", "B", &[999_999]),
            "upload_ids",
            "err.upload_unknown",
        ),
        (
            open_form("S", "B", &six),
            "upload_ids",
            "err.attachments_too_many",
        ),
    ] {
        let r = c.call("/api/support/tickets/open", &form).await;
        assert_eq!(common::code(r.error(), field), code, "{form}");
        assert_eq!(before, tickets_state(&db).await, "{form}");
    }

    // A double submit is one ticket.
    let first = c
        .call(
            "/api/support/tickets/open",
            &open_form("Twice", "Same", &[six[0]]),
        )
        .await;
    let second = c
        .call(
            "/api/support/tickets/open",
            &open_form("Twice", "Same", &[six[0]]),
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.json(), second.json());
    assert_eq!(count(&db, "ticket").await, 1);
    let id = first.json().as_i64().unwrap();
    // The same file cannot go on a second message.
    let r = c
        .call(
            "/api/support/tickets/reply",
            &format!(
                "reply[ticket_id]={id}&reply[body]=more&reply[upload_ids][0]={}",
                six[0]
            ),
        )
        .await;
    assert_eq!(common::code(r.error(), "upload_ids"), "err.upload_unknown");

    // Another client's ticket: not found, for reading, replying and closing.
    let before = tickets_state(&db).await;
    for (path, form) in [
        ("/api/support/tickets/one", format!("id={id}")),
        (
            "/api/support/tickets/reply",
            format!("reply[ticket_id]={id}&reply[body]=mine%20now"),
        ),
        ("/api/support/tickets/close", format!("id={id}")),
    ] {
        let r = other.call(path, &form).await;
        assert_eq!(r.status, 404, "{path}: {}", r.body);
    }
    assert_eq!(before, tickets_state(&db).await);

    // Staff's bad input.
    for (form, field, code) in [
        (
            format!("reply[ticket_id]={id}&reply[body]="),
            "body",
            "err.required",
        ),
        (
            format!("reply[ticket_id]={id}&reply[body]=x&reply[status]=nonsense"),
            "status",
            "err.status_unknown",
        ),
    ] {
        let r = staff.call("/api/support/ticket/reply", &form).await;
        assert_eq!(common::code(r.error(), field), code, "{form}");
    }
    for (form, field, code) in [
        (
            format!("update[ticket_id]={id}&update[priority]=meh&update[status]=open"),
            "priority",
            "err.priority_unknown",
        ),
        (
            format!(
                "update[ticket_id]={id}&update[priority]=low&update[status]=open&update[assignee_id]={}",
                tess.id
            ),
            "assignee_id",
            "err.assignee_invalid",
        ),
    ] {
        let r = staff.call("/api/support/ticket/update", &form).await;
        assert_eq!(common::code(r.error(), field), code, "{form}");
    }
    let r = staff
        .call(
            "/api/support/ticket/reply",
            "reply[ticket_id]=999999&reply[body]=x",
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert_eq!(before, tickets_state(&db).await);
});

fn entry_form(title: &str, url: &str, groups: &[i64]) -> String {
    let mut f = format!(
        "form[category]=platforms&form[os]=windows&form[title_en]={title}&form[url]={url}&form[position]=1&form[active]=true"
    );
    for (i, g) in groups.iter().enumerate() {
        f.push_str(&format!("&form[group_ids][{i}]={g}"));
    }
    f
}

on_both!(the_download_centre_shows_each_group_its_own, |db| {
    let admin = make_user(
        &db,
        UserKind::Staff,
        "admin@example.com",
        Some("Administrator"),
    )
    .await;
    let tess = make_user(&db, UserKind::Trader, "tess@example.com", None).await;
    let vince = make_user(&db, UserKind::Trader, "vince@example.com", None).await;
    let staff = as_user(&db, &admin).await;
    let vip = app::server::entity::client_group::ActiveModel {
        name: Set("VIP".into()),
        description: Set(String::new()),
        is_default: Set(false),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap()
    .id;
    let mut am = vince.clone().into_active_model();
    am.group_id = Set(Some(vip));
    am.update(&db).await.unwrap();

    let everyone = staff
        .call(
            "/api/support/downloads/save",
            &entry_form("Desktop", "https://example.com/setup.exe", &[]),
        )
        .await;
    assert_eq!(everyone.status, 200, "{}", everyone.body);
    let vip_only = staff
        .call(
            "/api/support/downloads/save",
            &entry_form("VIP%20guide", "https://example.com/vip.pdf", &[vip]),
        )
        .await
        .json()
        .as_i64()
        .unwrap();

    let (t, v) = (as_user(&db, &tess).await, as_user(&db, &vince).await);
    let theirs = t.call("/api/support/downloads/mine", "").await;
    assert!(
        theirs.body.contains("Desktop") && !theirs.body.contains("VIP guide"),
        "{}",
        theirs.body
    );
    let vips = v.call("/api/support/downloads/mine", "").await;
    assert!(
        vips.body.contains("Desktop") && vips.body.contains("VIP guide"),
        "{}",
        vips.body
    );

    // The hidden group's entry by id: not found, not counted. The VIP downloads it, counted.
    let r = t.get(&format!("/downloads/{vip_only}")).await;
    assert_eq!(r.status, 404, "{}", r.body);
    let counted = |id: i64| {
        let db = db.clone();
        async move {
            download::Entity::find_by_id(id)
                .one(&db)
                .await
                .unwrap()
                .unwrap()
                .download_count
        }
    };
    assert_eq!(counted(vip_only).await, 0);
    let r = v.get(&format!("/downloads/{vip_only}")).await;
    assert!(r.status.is_redirection(), "{}", r.status);
    assert_eq!(r.headers["location"], "https://example.com/vip.pdf");
    assert_eq!(counted(vip_only).await, 1);

    // A staff file: uploaded for the centre, then sent as an attachment.
    let up = staff
        .call(
            "/api/support/downloads/upload",
            &common::multipart("download", "terms.pdf", PDF),
        )
        .await;
    assert_eq!(up.status, 200, "{}", up.body);
    let file = up.json()["id"].as_i64().unwrap();
    let terms = staff
        .call(
            "/api/support/downloads/save",
            &format!(
                "form[category]=terms&form[os]=any&form[title_en]=Terms&form[upload_id]={file}&form[position]=0&form[active]=true"
            ),
        )
        .await
        .json()
        .as_i64()
        .unwrap();
    let r = t.get(&format!("/downloads/{terms}")).await;
    assert_eq!(r.status, 200);
    assert!(r.body.starts_with("%PDF"), "{}", r.body);
    assert!(
        r.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );

    // Bad entries change nothing.
    let before = format!("{:?}", download::Entity::find().all(&db).await.unwrap());
    let kyc = upload(&t, "kyc", "p.pdf", PDF).await.unwrap();
    for (form, field, code) in [
        (
            entry_form("", "https://example.com/x", &[]),
            "title_en",
            "err.required",
        ),
        (
            entry_form("X", "ftp://example.com/x", &[]),
            "url",
            "err.url_invalid",
        ),
        (entry_form("X", "", &[]), "url", "err.download_target"),
        (
            entry_form("X", "https://example.com/x", &[999_999]),
            "group_ids",
            "err.group_unknown",
        ),
        (
            format!(
                "{}&form[upload_id]={file}",
                entry_form("X", "https://example.com/x", &[])
            ),
            "url",
            "err.download_target",
        ),
        (
            format!(
                "form[category]=terms&form[os]=any&form[title_en]=X&form[upload_id]={kyc}&form[position]=0"
            ),
            "upload_id",
            "err.upload_unknown",
        ),
        (
            entry_form("X", "https://example.com/x", &[]).replace("platforms", "games"),
            "category",
            "err.category_unknown",
        ),
        (
            entry_form("X", "https://example.com/x", &[]).replace("position]=1", "position]=-4"),
            "position",
            "err.setting_range",
        ),
    ] {
        let r = staff.call("/api/support/downloads/save", &form).await;
        assert_eq!(common::code(r.error(), field), code, "{form}");
    }
    let r = staff
        .call(
            "/api/support/downloads/save",
            &format!(
                "{}&form[id]=999999",
                entry_form("X", "https://example.com/x", &[])
            ),
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert_eq!(
        before,
        format!("{:?}", download::Entity::find().all(&db).await.unwrap())
    );
});

on_both!(
    demo_data_has_tickets_in_every_status_and_a_download_centre,
    |db| {
        app::server::identity::roles::ensure_system_roles(&db)
            .await
            .unwrap();
        app::server::seed::seed_demo(&db, &common::cfg())
            .await
            .unwrap();
        let mut statuses: Vec<String> = ticket::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.status.as_str().to_string())
            .collect();
        statuses.sort();
        statuses.dedup();
        assert_eq!(statuses, ["closed", "open", "resolved", "waiting"]);
        let entries = download::Entity::find().all(&db).await.unwrap();
        assert!(entries.len() >= 8, "{entries:?}");
        assert!(
            entries.iter().any(|d| d.group_ids != "[]"),
            "a group's own entry"
        );
        // Seeding again adds nothing.
        app::server::seed::seed_demo(&db, &common::cfg())
            .await
            .unwrap();
        assert_eq!(
            download::Entity::find().count(&db).await.unwrap() as usize,
            entries.len()
        );
    }
);
