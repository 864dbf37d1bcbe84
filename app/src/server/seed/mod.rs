//! System roles (every start), the first administrator, and the demo data set.
pub mod bridge;
pub mod competitions;
pub mod crm;
pub mod ib;
pub mod messages;
pub mod money;
pub mod offers;
pub mod prop;
pub mod support;

use crate::domain::access::UserKind;
use crate::domain::permission::{Permission, PermissionSet};
use crate::domain::validation as v;
use crate::error::AppError;
use crate::error::OrInternal;
use crate::i18n::Locale;
use crate::server::entity::{role, user};
use crate::server::identity::roles::{ADMIN_ROLE, ensure_system_roles};
use crate::server::{
    RuntimeConfig, identity::accounts, infra::audit, infra::notify, infra::password,
};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};
use std::collections::BTreeMap;

async fn role_id(db: &DatabaseConnection, name: &str) -> Result<Option<i64>, AppError> {
    Ok(role::Entity::find()
        .filter(role::Column::Name.eq(name))
        .one(db)
        .await?
        .map(|r| r.id))
}

pub struct NewUser<'a> {
    pub kind: UserKind,
    pub email: &'a str,
    pub password: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub country: &'a str,
    pub phone: &'a str,
    pub role: Option<&'a str>,
    pub referrer_id: Option<i64>,
    pub created_days_ago: i64,
}

/// Inserts a user unless the email exists; returns the user either way and whether it was new.
pub async fn ensure_user(
    db: &DatabaseConnection,
    cfg: &RuntimeConfig,
    n: NewUser<'_>,
) -> Result<(user::Model, bool), AppError> {
    let email = v::email(n.email).map_err(|c| AppError::field("email", c))?;
    let pw = v::password(n.password).map_err(|c| AppError::field("password", c))?;
    if let Some(u) = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
    {
        return Ok((u, false));
    }
    let role_id = match n.role {
        Some(name) => Some(
            role_id(db, name)
                .await?
                .ok_or_else(|| AppError::field("role", "err.role_unknown"))?,
        ),
        None => None,
    };
    let at = Utc::now()
        - Duration::days(n.created_days_ago)
        - Duration::minutes(n.created_days_ago * 37 % 600);
    let u = accounts::insert(
        db,
        accounts::NewAccount {
            kind: n.kind,
            email,
            password_hash: password::hash(cfg.argon2, pw).await?,
            first_name: n.first_name.into(),
            last_name: n.last_name.into(),
            country: n.country.into(),
            phone: n.phone.into(),
            role_id,
            referrer_id: n.referrer_id,
            promo_link_id: None,
            locale: Locale::En,
            pending: false,
            created_at: at,
        },
    )
    .await?;
    if n.kind.is_client() {
        notify::push(db, u.id, "notice.welcome", BTreeMap::new()).await?;
    }
    audit::record(
        db,
        None,
        "user.seed",
        "user",
        Some(u.id),
        serde_json::json!({"kind": u.kind}),
        "",
    )
    .await?;
    Ok((u, true))
}

pub async fn create_admin(
    db: &DatabaseConnection,
    cfg: &RuntimeConfig,
    email: &str,
    pw: &str,
    first: &str,
    last: &str,
) -> Result<user::Model, AppError> {
    let (u, created) = ensure_user(
        db,
        cfg,
        NewUser {
            kind: UserKind::Staff,
            email,
            password: pw,
            first_name: first,
            last_name: last,
            country: "",
            phone: "",
            role: Some(ADMIN_ROLE),
            referrer_id: None,
            created_days_ago: 0,
        },
    )
    .await?;
    if !created {
        return Err(AppError::field("email", "err.email_taken"));
    }
    Ok(u)
}

pub const DEMO_ADMIN: (&str, &str) = ("admin@propdesk.test", "Admin-demo-2026");
pub const DEMO_IB: (&str, &str) = ("ib@propdesk.test", "Ib-demo-2026!");
pub const DEMO_TRADER: (&str, &str) = ("trader@propdesk.test", "Trader-demo-2026");

async fn find_email(db: &DatabaseConnection, email: &str) -> Result<Option<user::Model>, AppError> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await?)
}

/// Someone who signed up as an IB and waits for the firm's approval.
async fn pending_ib(db: &DatabaseConnection, cfg: &RuntimeConfig) -> Result<(), AppError> {
    let email = "priya.shah@example.com";
    if find_email(db, email).await?.is_some() {
        return Ok(());
    }
    accounts::insert(
        db,
        accounts::NewAccount {
            kind: UserKind::Ib,
            email: email.into(),
            password_hash: password::hash(cfg.argon2, "Client-demo-2026".into()).await?,
            first_name: "Priya".into(),
            last_name: "Shah".into(),
            country: "IN".into(),
            phone: "+919876543210".into(),
            role_id: None,
            referrer_id: None,
            promo_link_id: None,
            locale: Locale::En,
            pending: true,
            created_at: Utc::now() - Duration::hours(3),
        },
    )
    .await?;
    Ok(())
}

/// The demo data set: an administrator, a support role and user, an IB, a trader referred by the
/// IB, and a handful of clients who joined over the last two weeks. Safe to run again.
pub async fn seed_demo(db: &DatabaseConnection, cfg: &RuntimeConfig) -> Result<String, AppError> {
    ensure_system_roles(db).await?;
    if role_id(db, "Support").await?.is_none() {
        role::ActiveModel {
            name: Set("Support".into()),
            description: Set("Reads clients and staff; changes nothing.".into()),
            permissions: Set([
                Permission::DashboardView,
                Permission::ClientsView,
                Permission::StaffView,
            ]
            .into_iter()
            .collect::<PermissionSet>()
            .to_stored()),
            is_system: Set(false),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    if role_id(db, "Finance").await?.is_none() {
        role::ActiveModel {
            name: Set("Finance".into()),
            description: Set("Works the approval queues and the wallets.".into()),
            permissions: Set([
                Permission::DashboardView,
                Permission::ClientsView,
                Permission::RequestsView,
                Permission::RequestsDecide,
                Permission::FundsView,
                Permission::FundsAdjust,
            ]
            .into_iter()
            .collect::<PermissionSet>()
            .to_stored()),
            is_system: Set(false),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    let staff = |email, pw, first, last, role| NewUser {
        kind: UserKind::Staff,
        email,
        password: pw,
        first_name: first,
        last_name: last,
        country: "",
        phone: "",
        role: Some(role),
        referrer_id: None,
        created_days_ago: 30,
    };
    ensure_user(
        db,
        cfg,
        staff(DEMO_ADMIN.0, DEMO_ADMIN.1, "Ada", "Admin", ADMIN_ROLE),
    )
    .await?;
    ensure_user(
        db,
        cfg,
        staff(
            "support@propdesk.test",
            "Support-demo-2026",
            "Sam",
            "Support",
            "Support",
        ),
    )
    .await?;
    ensure_user(
        db,
        cfg,
        staff(
            "finance@propdesk.test",
            "Finance-demo-2026",
            "Fiona",
            "Finance",
            "Finance",
        ),
    )
    .await?;
    let (ib, _) = ensure_user(
        db,
        cfg,
        NewUser {
            kind: UserKind::Ib,
            email: DEMO_IB.0,
            password: DEMO_IB.1,
            first_name: "Iris",
            last_name: "Broker",
            country: "GB",
            phone: "+447700900123",
            role: None,
            referrer_id: None,
            created_days_ago: 20,
        },
    )
    .await?;
    let (trader, _) = ensure_user(
        db,
        cfg,
        NewUser {
            kind: UserKind::Trader,
            email: DEMO_TRADER.0,
            password: DEMO_TRADER.1,
            first_name: "Tom",
            last_name: "Trader",
            country: "DE",
            phone: "+4915112345678",
            role: None,
            referrer_id: Some(ib.id),
            created_days_ago: 12,
        },
    )
    .await?;
    let others = [
        ("lena.fischer@example.com", "Lena", "Fischer", "DE", 11),
        ("marco.rossi@example.com", "Marco", "Rossi", "IT", 9),
        ("aiko.tanaka@example.com", "Aiko", "Tanaka", "JP", 6),
        ("carlos.mendez@example.com", "Carlos", "Mendez", "ES", 4),
        ("nora.olsen@example.com", "Nora", "Olsen", "NO", 2),
        ("sam.okafor@example.com", "Sam", "Okafor", "NG", 1),
        ("eva.novak@example.com", "Eva", "Novak", "CZ", 0),
    ];
    let mut clients = Vec::new();
    for (i, (email, first, last, country, days)) in others.into_iter().enumerate() {
        let referrer_id = (i % 2 == 0).then_some(ib.id);
        let (u, _) = ensure_user(
            db,
            cfg,
            NewUser {
                kind: UserKind::Trader,
                email,
                password: "Client-demo-2026",
                first_name: first,
                last_name: last,
                country,
                phone: "+441632960000",
                role: None,
                referrer_id,
                created_days_ago: days,
            },
        )
        .await?;
        clients.push(u.id);
    }
    pending_ib(db, cfg).await?;
    let admin = find_email(db, DEMO_ADMIN.0)
        .await?
        .or_internal("the demo administrator is not there")?;
    crate::server::seed::money::seed(
        db,
        cfg,
        crate::server::seed::money::Cast {
            admin: admin.id,
            admin_role: admin.role_id.unwrap_or_default(),
            finance_role: role_id(db, "Finance").await?.unwrap_or_default(),
            trader: trader.id,
            clients: clients.clone(),
        },
    )
    .await?;
    crate::server::seed::prop::seed(
        db,
        cfg,
        crate::server::seed::prop::Cast {
            admin: admin.id,
            ib: ib.id,
            trader: trader.id,
            clients: &clients,
        },
    )
    .await?;
    crate::server::seed::offers::seed(db, admin.id, trader.id).await?;
    crate::server::seed::messages::seed(db, admin.id).await?;
    crate::server::seed::crm::seed(
        db,
        cfg,
        crate::server::seed::crm::Cast {
            trader: trader.id,
            clients: &clients,
        },
    )
    .await?;
    crate::server::seed::support::seed(
        db,
        cfg,
        crate::server::seed::support::Cast {
            admin: admin.id,
            trader: trader.id,
            clients: &clients,
        },
    )
    .await?;
    crate::server::seed::competitions::seed(
        db,
        crate::server::seed::competitions::Cast {
            admin: admin.id,
            trader: trader.id,
            clients: &clients,
        },
    )
    .await?;
    let url = cfg.public_url.trim_end_matches('/');
    Ok(format!(
        "Demo data ready.\n  Back office  {url}/admin  {} / {}  (sets up two-factor at first sign-in; finance@propdesk.test / Finance-demo-2026 works the queues; sales.lead@, agent.one@, agent.two@propdesk.test / Sales-demo-2026 are a sales team)\n  IB           {url}/login  {} / {}  (referral code {})\n  Trader       {url}/login  {} / {}",
        DEMO_ADMIN.0,
        DEMO_ADMIN.1,
        DEMO_IB.0,
        DEMO_IB.1,
        ib.referral_code.unwrap_or_default(),
        DEMO_TRADER.0,
        DEMO_TRADER.1,
    ) + &format!("  (referred by the IB, user ID {})", trader.id))
}
