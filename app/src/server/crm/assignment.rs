//! Who owns a new client. At sign-up (one listener, in the registration's transaction): a lead
//! with their email hands them the lead's owner; otherwise the firm's rule decides (the next
//! member of a team in turn, the staff member for their country, or their IB's owner); a
//! client no rule places waits in the unowned pool.
use crate::domain::access::UserKind;
use crate::domain::crm::{AssignKind, AssignmentRule, next_in_turn};
use crate::error::AppError;
use crate::server::entity::{setting, user};
use crate::server::identity::scope::team_of;
use crate::server::settings;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect,
};

const RULE_KEY: &str = "assignment_rule";
/// The last staff member the round robin gave a client.
const TURN_KEY: &str = "assignment_turn";

pub async fn rule(db: &impl ConnectionTrait) -> Result<AssignmentRule, AppError> {
    Ok(setting::Entity::find_by_id(RULE_KEY)
        .one(db)
        .await?
        .and_then(|s| serde_json::from_str(&s.value).ok())
        .unwrap_or_default())
}

/// Saves the rule: the team lead and every staff member named for a country must be active
/// staff.
pub async fn save_rule(
    db: &DatabaseConnection,
    actor: i64,
    r: AssignmentRule,
) -> Result<(), AppError> {
    let countries = r
        .country_map()
        .map_err(|_| AppError::field("countries", "err.countries_invalid"))?;
    let mut named: Vec<(&str, i64)> = countries.iter().map(|(_, s)| ("countries", *s)).collect();
    if r.team_lead != 0 {
        named.push(("team_lead", r.team_lead));
    }
    for (field, id) in named {
        if active_staff(db).await?.binary_search(&id).is_err() {
            return Err(AppError::field(field, "err.owner_not_staff"));
        }
    }
    settings::save_audited(db, actor, RULE_KEY, "firm.assignment_rule", &r).await
}

/// The active staff members' ids, sorted.
async fn active_staff(db: &impl ConnectionTrait) -> Result<Vec<i64>, AppError> {
    let mut ids: Vec<i64> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Kind.eq(UserKind::Staff.as_str()))
        .filter(user::Column::Status.eq("active"))
        .into_tuple()
        .all(db)
        .await?;
    ids.sort_unstable();
    Ok(ids)
}

/// The owner the rule gives `u`, if any.
async fn by_rule(txn: &DatabaseTransaction, u: &user::Model) -> Result<Option<i64>, AppError> {
    let r = rule(txn).await?;
    let staff = active_staff(txn).await?;
    let active = |id: i64| staff.binary_search(&id).is_ok();
    Ok(match r.kind {
        AssignKind::None => None,
        AssignKind::Country => r
            .country_map()
            .unwrap_or_default()
            .into_iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(&u.country))
            .map(|(_, s)| s)
            .filter(|&s| active(s)),
        AssignKind::IbManager => match u.referrer_id {
            Some(ib) => user::Entity::find_by_id(ib)
                .one(txn)
                .await?
                .and_then(|i| i.owner_id)
                .filter(|&s| active(s)),
            None => None,
        },
        AssignKind::RoundRobin => {
            let mut members: Vec<i64> = if r.team_lead == 0 {
                staff.clone()
            } else {
                team_of(txn, r.team_lead).await?
            };
            members.retain(|&m| active(m));
            members.sort_unstable();
            let last = setting::Entity::find_by_id(TURN_KEY)
                .one(txn)
                .await?
                .and_then(|s| s.value.parse::<i64>().ok());
            let next = next_in_turn(&members, last);
            if let Some(n) = next {
                settings::store(txn, TURN_KEY, &n).await?;
            }
            next
        }
    })
}

async fn on_signup(txn: &DatabaseTransaction, client: i64, _link: &str) -> Result<(), AppError> {
    let Some(u) = user::Entity::find_by_id(client).one(txn).await? else {
        return Ok(());
    };
    let owner = match super::leads::convert(txn, &u).await? {
        Some(o) => Some(o),
        None => by_rule(txn, &u).await?,
    };
    if owner.is_some() {
        let mut am = u.into_active_model();
        am.owner_id = Set(owner);
        am.update(txn).await?;
    }
    Ok(())
}

crate::register_signup_listener!(|txn, user_id, link| Box::pin(on_signup(txn, user_id, link)));
