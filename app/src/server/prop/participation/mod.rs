//! A trader's way through a challenge: buying it (fee from the wallet or paid directly),
//! the participation request, a trading account per stage, passing or failing each stage,
//! the live step, retries and manual advancement. Every decision runs through the approval
//! engine or the rules engine; this module applies their outcomes.
use crate::domain::challenge::{ChallengeDef, PackageDef};
use crate::domain::money::{self, Currency};
use crate::domain::participant::ParticipantStatus;
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::entity::participant;
use crate::server::infra::notify;
use crate::server::infra::origin::Origin;
use crate::server::prop::tree_stats;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod buy;
pub use buy::*;
mod accounts;
pub use accounts::*;
mod stages;
pub use stages::*;

/// What a participant bought: the package of the published version, frozen, so that later
/// edits of the challenge never change a running participant's rules.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Bought {
    pub version: i32,
    pub time_zone: String,
    pub package: PackageDef,
}

pub fn bought(p: &participant::Model) -> Result<Bought, AppError> {
    serde_json::from_str(&p.definition).or_internal("decoding a participant's bought definition")
}

/// The retry fee of the participant's current stage, before any discount.
pub fn retry_fee(p: &participant::Model) -> Result<i64, AppError> {
    Ok(bought(p)?
        .package
        .stages
        .get(p.stage as usize)
        .or_internal("a participant's stage beyond its package")?
        .retry_fee_minor)
}

fn cur(code: &str) -> Result<Currency, AppError> {
    money::currency(code).or_internal("a stored currency is unknown")
}

fn system() -> Origin {
    Origin::internal("system")
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<participant::Model, AppError> {
    participant::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

async fn set_status(
    db: &impl ConnectionTrait,
    id: i64,
    to: ParticipantStatus,
    ended: bool,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let before = find(db, id).await?;
    let now = Utc::now();
    let mut q = participant::Entity::update_many()
        .col_expr(participant::Column::Status, Expr::value(to))
        .col_expr(participant::Column::UpdatedAt, Expr::value(now));
    if ended {
        q = q.col_expr(participant::Column::EndedAt, Expr::value(Some(now)));
    }
    if let Some(r) = reason {
        q = q.col_expr(participant::Column::Reason, Expr::value(r));
    }
    q.filter(participant::Column::Id.eq(id)).exec(db).await?;
    tree_stats::track(db, Some(&before), &find(db, id).await?).await
}

async fn tell(
    db: &impl ConnectionTrait,
    p: &participant::Model,
    key: &str,
    extra: &[(&str, String)],
) -> Result<(), AppError> {
    let mut data = BTreeMap::from([
        ("challenge".to_string(), p.challenge_name.clone()),
        ("id".to_string(), p.id.to_string()),
    ]);
    for (k, v) in extra {
        data.insert((*k).to_string(), v.clone());
    }
    notify::push_and_mail(db, p.user_id, key, data).await
}

/// Whether the client's group may see (and buy) the challenge.
pub fn visible_to(def: &ChallengeDef, group: Option<i64>) -> bool {
    def.groups.is_empty() || group.is_some_and(|g| def.groups.contains(&g))
}
