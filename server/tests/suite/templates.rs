//! Email templates: the firm's wording is checked when saved, used for the client's language
//! (approval and rejection mails of every request kind), previewed with sample values, and
//! reset to the built-in wording; the outbox log shows each mail's status.
use crate::common::prop::admin_with_still_feed;
use crate::common::{self, code, here};
use app::domain::access::UserKind;
use app::model::{ListQuery, MailStatus, TemplateText};
use app::server::entity::{mail_outbox, user};
use app::server::messages::templates;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, QueryOrder};

fn text(key: &str, locale: &str, subject: &str, body: &str) -> TemplateText {
    TemplateText {
        key: key.into(),
        locale: locale.into(),
        subject: subject.into(),
        body: body.into(),
        edited: false,
    }
}

on_both!(a_spanish_template_words_a_spanish_clients_rejection, |db| {
    use app::server::approvals;
    use app::server::money::funds;
    let admin = admin_with_still_feed(&db).await;
    let ana = common::make_user(&db, UserKind::Trader, "ana@example.com", None).await;
    let mut m: user::ActiveModel = ana.clone().into();
    m.locale = Set("es".into());
    m.update(&db).await.unwrap();
    // Bad wordings change nothing.
    for (bad, field, want) in [
        (
            text("rejected.deposit", "es", "Hola {nombre}", "x"),
            "subject",
            "err.template_placeholder",
        ),
        (
            text("rejected.deposit", "es", "Hola", "Hola {name"),
            "body",
            "err.template_braces",
        ),
        (
            text("rejected.deposit", "es", "Hola", "<b>Hola {name}"),
            "body",
            "err.template_markup",
        ),
        (
            text("rejected.deposit", "es", "Hola", "<script>x</script>"),
            "body",
            "err.template_markup",
        ),
        (
            text("rejected.deposit", "es", "", "Hola"),
            "subject",
            "err.required",
        ),
    ] {
        let e = templates::save(&db, admin, bad, &here()).await.unwrap_err();
        assert_eq!(code(e, field), want);
    }
    let e = templates::save(
        &db,
        admin,
        text("rejected.deposit", "fr", "x", "y"),
        &here(),
    )
    .await
    .unwrap_err();
    assert_eq!(code(e, "locale"), "err.locale_unknown");
    assert_eq!(common::count(&db, "mail_template").await, 0);

    let saved = templates::save(
        &db,
        admin,
        text(
            "rejected.deposit",
            "es",
            "Depósito n.º {id} rechazado",
            "<p>Hola <b>{name}</b>:</p><p>Motivo: {reason}</p>",
        ),
        &here(),
    )
    .await
    .unwrap();
    assert!(saved.edited);
    // The preview fills sample values; the plain part has no tags.
    let p = templates::preview(&saved).unwrap();
    assert_eq!(p.subject, "Depósito n.º 1042 rechazado");
    assert!(p.text.starts_with("Hola Ana:\n"), "{}", p.text);
    assert!(p.html.unwrap().contains("<b>Ana</b>"));

    // A deposit request of Ana's, rejected: the mail uses the Spanish wording.
    let bank = app::server::settings::save_method(
        &db,
        admin,
        app::model::MethodDto {
            direction: "deposit".into(),
            kind: "bank_transfer".into(),
            name: "Bank transfer".into(),
            currency: "USD".into(),
            enabled: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let req = funds::deposit(
        &db,
        ana.id,
        funds::DepositInput {
            idempotency_key: "d1".into(),
            method_id: bank,
            amount: "100.00".into(),
            reference: "REF-1".into(),
            upload_id: None,
        },
        &here(),
    )
    .await
    .unwrap()
    .id;
    approvals::reject(&db, admin, req, "Documento ilegible <falso>", &here())
        .await
        .unwrap();
    let mail = mail_outbox::Entity::find()
        .order_by_desc(mail_outbox::Column::Id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mail.to_addr, "ana@example.com");
    assert_eq!(mail.subject, format!("Depósito n.º {req} rechazado"));
    assert!(
        mail.body.contains("Motivo: Documento ilegible <falso>"),
        "{}",
        mail.body
    );
    assert!(
        mail.html
            .unwrap()
            .contains("Documento ilegible &lt;falso&gt;"),
        "values are escaped in HTML"
    );
    // Back to the built-in wording.
    let reset = templates::reset(&db, admin, "rejected.deposit", "es", &here())
        .await
        .unwrap();
    assert!(!reset.edited && reset.subject.contains("{id}"));

    // The log: this mail, pending until the sender runs.
    let log = templates::outbox(
        &db,
        &app::server::identity::scope::Scope::Firm,
        &ListQuery {
            q: "ana@".into(),
            ..Default::default()
        },
        true,
    )
    .await
    .unwrap();
    assert_eq!(log.rows[0].status, MailStatus::Pending);
    let failed = templates::outbox(
        &db,
        &app::server::identity::scope::Scope::Firm,
        &ListQuery {
            filter: "failed".into(),
            ..Default::default()
        },
        true,
    )
    .await
    .unwrap();
    assert_eq!(failed.total, 0);
});
