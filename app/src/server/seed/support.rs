//! Support demo data: tickets in every status (one with a file, one with an internal note, the
//! answered ones answered by the administrator some hours after they were opened), and a filled
//! download centre: platforms for each system, guides, the terms, and a guide only the VIP
//! group sees. Safe to run again.
use super::money::SAMPLE_PDF;
use super::money::seed_origin;
use crate::error::AppError;
use crate::model::{DownloadForm, NewTicket, TicketReply, TicketUpdate};
use crate::server::RuntimeConfig;
use crate::server::entity::{client_group, download, ticket, ticket_message};
use crate::server::identity::scope::Scope;
use crate::server::infra::uploads;
use crate::server::support::{downloads, tickets};
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

pub struct Cast<'a> {
    pub admin: i64,
    pub trader: i64,
    pub clients: &'a [i64],
}

pub async fn seed(
    db: &DatabaseConnection,
    cfg: &RuntimeConfig,
    c: Cast<'_>,
) -> Result<(), AppError> {
    if ticket::Entity::find().count(db).await? == 0 {
        seed_tickets(db, cfg, &c).await?;
    }
    if download::Entity::find().count(db).await? == 0 {
        seed_downloads(db, cfg, c.admin).await?;
    }
    Ok(())
}

/// What each demo ticket is, who opened it, how many hours ago, and where it ends.
const TICKETS: &[(usize, &str, &str, &str, i64, &str)] = &[
    (
        0,
        "payments",
        "Bank transfer not showing yet",
        "I sent 500 USD by bank transfer on Monday. The receipt is attached.",
        3,
        "open",
    ),
    (
        0,
        "challenges",
        "Does the news rule apply to my challenge?",
        "Can I hold positions over the NFP release during the evaluation?",
        30,
        "waiting",
    ),
    (
        1,
        "platform",
        "Cannot sign in to the platform",
        "My trading account login says the password is wrong.",
        50,
        "resolved",
    ),
    (
        2,
        "account",
        "Change of address",
        "I moved; how do I update my address for KYC?",
        120,
        "closed",
    ),
    (
        3,
        "other",
        "Certificate for my funded account",
        "Could you send a certificate for passing the challenge?",
        6,
        "open",
    ),
];

async fn seed_tickets(
    db: &DatabaseConnection,
    cfg: &RuntimeConfig,
    c: &Cast<'_>,
) -> Result<(), AppError> {
    let from = seed_origin();
    let firm = Scope::Firm;
    let who = |i: usize| {
        if i == 0 {
            c.trader
        } else {
            c.clients.get(i - 1).copied().unwrap_or(c.trader)
        }
    };
    for (i, (by, category, subject, body, hours, end)) in TICKETS.iter().enumerate() {
        let client = who(*by);
        let files = if i == 0 {
            vec![
                uploads::store(
                    db,
                    &cfg.upload_dir,
                    client,
                    "ticket",
                    "receipt.pdf",
                    SAMPLE_PDF,
                )
                .await?
                .id,
            ]
        } else {
            Vec::new()
        };
        let id = tickets::open(
            db,
            client,
            NewTicket {
                category: category.to_string(),
                subject: subject.to_string(),
                body: body.to_string(),
                upload_ids: files,
            },
            &from,
        )
        .await?;
        let reply = |text: &str, internal: bool, status: &str| TicketReply {
            ticket_id: id,
            body: text.into(),
            internal,
            status: status.into(),
            upload_ids: Vec::new(),
        };
        match *end {
            "open" if i == 0 => {
                tickets::staff_reply(
                    db,
                    &firm,
                    c.admin,
                    reply(
                        "Asked finance to match the receipt with the bank statement.",
                        true,
                        "",
                    ),
                    &from,
                )
                .await?;
            }
            "waiting" => {
                tickets::staff_reply(db, &firm, c.admin, reply("Yes: the evaluation has no news rule; the funded stage does. See the challenge's rules.", false, ""), &from).await?;
            }
            "resolved" | "closed" => {
                tickets::staff_reply(
                    db,
                    &firm,
                    c.admin,
                    reply(
                        "We reset your platform password; the new one is in your challenge page.",
                        false,
                        "",
                    ),
                    &from,
                )
                .await?;
                tickets::update(
                    db,
                    &firm,
                    c.admin,
                    TicketUpdate {
                        ticket_id: id,
                        assignee_id: c.admin,
                        priority: "normal".into(),
                        status: end.to_string(),
                    },
                    &from,
                )
                .await?;
            }
            _ => {}
        }
        backdate(db, id, *hours).await?;
    }
    Ok(())
}

/// Moves a demo ticket `hours` into the past, its first reply an hour and a half after it
/// opened, so the response-time figures read like a working desk's.
async fn backdate(db: &DatabaseConnection, id: i64, hours: i64) -> Result<(), AppError> {
    let opened = Utc::now() - Duration::hours(hours);
    let t = ticket::Entity::find_by_id(id).one(db).await?;
    let replied = t
        .and_then(|t| t.first_reply_at)
        .map(|_| opened + Duration::minutes(90));
    ticket::Entity::update_many()
        .col_expr(ticket::Column::CreatedAt, Expr::value(opened))
        .col_expr(ticket::Column::FirstReplyAt, Expr::value(replied))
        .filter(ticket::Column::Id.eq(id))
        .exec(db)
        .await?;
    ticket_message::Entity::update_many()
        .col_expr(ticket_message::Column::CreatedAt, Expr::value(opened))
        .filter(ticket_message::Column::TicketId.eq(id))
        .filter(ticket_message::Column::FromClient.eq(true))
        .exec(db)
        .await?;
    Ok(())
}

async fn seed_downloads(
    db: &DatabaseConnection,
    cfg: &RuntimeConfig,
    admin: i64,
) -> Result<(), AppError> {
    let from = seed_origin();
    let vip = client_group::Entity::find()
        .filter(client_group::Column::Name.eq("VIP"))
        .one(db)
        .await?
        .map(|g| g.id);
    let guide = uploads::store(
        db,
        &cfg.upload_dir,
        admin,
        "download",
        "getting-started.pdf",
        SAMPLE_PDF,
    )
    .await?
    .id;
    let terms = uploads::store(
        db,
        &cfg.upload_dir,
        admin,
        "download",
        "terms-of-business.pdf",
        SAMPLE_PDF,
    )
    .await?
    .id;
    let vip_guide = uploads::store(
        db,
        &cfg.upload_dir,
        admin,
        "download",
        "vip-playbook.pdf",
        SAMPLE_PDF,
    )
    .await?
    .id;
    let link = |pos: i32, os: &str, title: &str, es: &str, url: &str| DownloadForm {
        category: "platforms".into(),
        os: os.into(),
        title_en: title.into(),
        title_es: es.into(),
        description_en: "The trading platform your challenge accounts run on.".into(),
        description_es: "La plataforma en la que operan sus cuentas de desafío.".into(),
        url: url.into(),
        position: pos,
        active: true,
        ..Default::default()
    };
    let file = |category: &str,
                pos: i32,
                title: &str,
                es: &str,
                what: &str,
                upload: i64,
                groups: Vec<i64>| DownloadForm {
        category: category.into(),
        os: "any".into(),
        title_en: title.into(),
        title_es: es.into(),
        description_en: what.into(),
        upload_id: upload,
        position: pos,
        group_ids: groups,
        active: true,
        ..Default::default()
    };
    let entries = vec![
        link(
            1,
            "windows",
            "Desktop terminal for Windows",
            "Terminal de escritorio para Windows",
            "https://download.propdesk.example/terminal-setup.exe",
        ),
        link(
            2,
            "mac",
            "Desktop terminal for macOS",
            "Terminal de escritorio para macOS",
            "https://download.propdesk.example/terminal.dmg",
        ),
        link(
            3,
            "android",
            "Mobile app for Android",
            "App móvil para Android",
            "https://play.google.com/store/apps/details?id=example.terminal",
        ),
        link(
            4,
            "ios",
            "Mobile app for iPhone",
            "App móvil para iPhone",
            "https://apps.apple.com/app/id000000000",
        ),
        link(
            5,
            "web",
            "Web terminal",
            "Terminal web",
            "https://trade.propdesk.example/",
        ),
        file(
            "guides",
            1,
            "Getting started",
            "Primeros pasos",
            "From registration to your first funded account, step by step.",
            guide,
            vec![],
        ),
        file(
            "terms",
            1,
            "Terms of business",
            "Condiciones comerciales",
            "The rules of every challenge and of the funded accounts.",
            terms,
            vec![],
        ),
        file(
            "guides",
            2,
            "VIP playbook",
            "Manual VIP",
            "For VIP clients: scaling plans and priority payouts.",
            vip_guide,
            vip.into_iter().collect(),
        ),
    ];
    for f in entries {
        downloads::save(db, admin, f, &from).await?;
    }
    Ok(())
}
