//! CRM demo data: a sales team (a lead who sees the team's clients, two agents who see their
//! own), clients owned by each and some in the unowned pool, leads in every status, tasks due
//! today and overdue, and a note on the demo trader. Safe to run again.
use super::{NewUser, ensure_user};
use crate::domain::access::{DataScope, UserKind};
use crate::domain::crm::LeadStatus;
use crate::domain::permission::{Permission, PermissionSet};
use crate::error::AppError;
use crate::server::RuntimeConfig;
use crate::server::entity::{client_note, lead, role, task, user};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter,
};

pub struct Cast<'a> {
    pub trader: i64,
    pub clients: &'a [i64],
}

async fn ensure_role(
    db: &DatabaseConnection,
    name: &str,
    description: &str,
    scope: DataScope,
) -> Result<(), AppError> {
    if role::Entity::find()
        .filter(role::Column::Name.eq(name))
        .one(db)
        .await?
        .is_some()
    {
        return Ok(());
    }
    // Sales sees and works clients; contact details are theirs to use.
    let perms: PermissionSet = [
        Permission::DashboardView,
        Permission::ClientsView,
        Permission::ClientsManage,
        Permission::ClientsContact,
        Permission::RequestsView,
        Permission::FundsView,
        Permission::ParticipantsView,
    ]
    .into_iter()
    .collect();
    role::ActiveModel {
        name: Set(name.into()),
        description: Set(description.into()),
        permissions: Set(perms.to_stored()),
        is_system: Set(false),
        data_scope: Set(scope),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

async fn set_owner(db: &DatabaseConnection, id: i64, owner: Option<i64>) -> Result<(), AppError> {
    if let Some(u) = user::Entity::find_by_id(id).one(db).await? {
        let mut am = u.into_active_model();
        am.owner_id = Set(owner);
        am.update(db).await?;
    }
    Ok(())
}

pub async fn seed(
    db: &DatabaseConnection,
    cfg: &RuntimeConfig,
    c: Cast<'_>,
) -> Result<(), AppError> {
    ensure_role(
        db,
        "Sales lead",
        "Works the team's clients, leads and tasks.",
        DataScope::Team,
    )
    .await?;
    ensure_role(
        db,
        "Sales agent",
        "Works their own clients, leads and tasks.",
        DataScope::Own,
    )
    .await?;
    let person = |email, first, last, role| NewUser {
        kind: UserKind::Staff,
        email,
        password: "Sales-demo-2026",
        first_name: first,
        last_name: last,
        country: "",
        phone: "",
        role: Some(role),
        referrer_id: None,
        created_days_ago: 25,
    };
    let (lead_u, _) = ensure_user(
        db,
        cfg,
        person("sales.lead@propdesk.test", "Lucia", "Lead", "Sales lead"),
    )
    .await?;
    let (agent1, _) = ensure_user(
        db,
        cfg,
        person("agent.one@propdesk.test", "Omar", "Agent", "Sales agent"),
    )
    .await?;
    let (agent2, _) = ensure_user(
        db,
        cfg,
        person("agent.two@propdesk.test", "Tara", "Agent", "Sales agent"),
    )
    .await?;
    for a in [&agent1, &agent2] {
        if a.supervisor_id.is_none() {
            let mut am = a.clone().into_active_model();
            am.supervisor_id = Set(Some(lead_u.id));
            am.update(db).await?;
        }
    }
    // Already seeded: the rest is there.
    if lead::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    // The demo trader and half the clients belong to the agents; one to the lead; the rest
    // wait in the unowned pool.
    set_owner(db, c.trader, Some(agent1.id)).await?;
    for (i, id) in c.clients.iter().enumerate() {
        let owner = match i % 4 {
            0 => Some(agent1.id),
            1 => Some(agent2.id),
            2 => Some(lead_u.id),
            _ => None,
        };
        set_owner(db, *id, owner).await?;
    }
    let now = Utc::now();
    let leads = [
        (
            "Hannah Berg",
            "hannah.berg@example.com",
            "Webinar",
            LeadStatus::New,
            Some(agent1.id),
        ),
        (
            "Yusuf Demir",
            "yusuf.demir@example.com",
            "Referral",
            LeadStatus::Contacted,
            Some(agent2.id),
        ),
        (
            "Chloe Martin",
            "chloe.martin@example.com",
            "Google ads",
            LeadStatus::Qualified,
            Some(agent1.id),
        ),
        (
            "Ivan Petrov",
            "ivan.petrov@example.com",
            "Trade show",
            LeadStatus::Lost,
            Some(lead_u.id),
        ),
        (
            "Mei Chen",
            "mei.chen@example.com",
            "Website chat",
            LeadStatus::New,
            None,
        ),
    ];
    let mut first_lead = None;
    for (name, email, source, status, owner) in leads {
        let l = lead::ActiveModel {
            name: Set(name.into()),
            email: Set(email.into()),
            phone: Set(String::new()),
            country: Set(String::new()),
            source: Set(source.into()),
            status: Set(status.as_str().into()),
            owner_id: Set(owner),
            notes: Set(String::new()),
            client_id: Set(None),
            converted_at: Set(None),
            created_at: Set(now - Duration::days(3)),
            updated_at: Set(now - Duration::days(1)),
            ..Default::default()
        }
        .insert(db)
        .await?;
        first_lead.get_or_insert(l.id);
    }
    // A converted lead: the demo trader came from one.
    let trader = user::Entity::find_by_id(c.trader).one(db).await?;
    if let Some(t) = &trader {
        lead::ActiveModel {
            name: Set(format!("{} {}", t.first_name, t.last_name)),
            email: Set(t.email.clone()),
            phone: Set(t.phone.clone()),
            country: Set(t.country.clone()),
            source: Set("IB referral".into()),
            status: Set(LeadStatus::Converted.as_str().into()),
            owner_id: Set(Some(agent1.id)),
            notes: Set("Came through Iris Broker's webinar.".into()),
            client_id: Set(Some(t.id)),
            converted_at: Set(Some(t.created_at)),
            created_at: Set(t.created_at - Duration::days(2)),
            updated_at: Set(t.created_at),
            ..Default::default()
        }
        .insert(db)
        .await?;
        client_note::ActiveModel {
            client_id: Set(t.id),
            author_id: Set(agent1.id),
            body: Set(
                "Prefers email. Asked about the funded stage's profit split; sent the terms."
                    .into(),
            ),
            created_at: Set(now - Duration::days(1)),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    let tasks = [
        (
            "Call about KYC documents",
            now - Duration::hours(20),
            agent1.id,
            Some(c.trader),
            None,
        ),
        (
            "Follow up the deposit",
            now + Duration::hours(3),
            agent1.id,
            Some(c.trader),
            None,
        ),
        (
            "Send the challenge offer",
            now + Duration::hours(5),
            agent2.id,
            None,
            first_lead,
        ),
        (
            "Weekly team review",
            now + Duration::days(2),
            lead_u.id,
            None,
            None,
        ),
    ];
    for (title, due, assignee, client, lead_id) in tasks {
        task::ActiveModel {
            title: Set(title.into()),
            details: Set(String::new()),
            due_at: Set(due),
            remind_minutes: Set(60),
            assignee_id: Set(assignee),
            client_id: Set(client),
            lead_id: Set(lead_id),
            status: Set("open".into()),
            created_by: Set(lead_u.id),
            reminded_at: Set(None),
            done_at: Set(None),
            created_at: Set(now - Duration::days(1)),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
