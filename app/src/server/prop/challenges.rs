//! Challenge definitions: drafts, publishing (with the changes shown first), duplicates and
//! termination, and the published challenges a client may buy. Participants keep the version
//! they bought, so publishing or terminating never disturbs a running one.
use crate::domain::bps::Bps;
use crate::domain::challenge::{self as def_, ChallengeDef, StageDef};
use crate::domain::money::{self, Currency, Money};
use crate::domain::rules::TradeLossLimit;
use crate::error::AppError;
use crate::error::OrInternal;
use crate::model::{
    ChallengeCard, ChallengeEdit, ChallengeRow, PackageCard, PackageChoice, RuleLine, StageCard,
};
use crate::server::entity::{challenge, participant, user};
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use crate::server::{infra::audit, prop::participation, settings, trading};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

fn parse(json: &str) -> Result<ChallengeDef, AppError> {
    serde_json::from_str(json).or_internal("decoding a stored challenge definition")
}

fn to_json(def: &ChallengeDef) -> Result<String, AppError> {
    serde_json::to_string(def).or_internal("encoding a challenge definition")
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<challenge::Model, AppError> {
    challenge::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The definition being edited: the draft if there is one, else the published one.
fn current(c: &challenge::Model) -> Result<ChallengeDef, AppError> {
    match (&c.draft, &c.published) {
        (Some(d), _) | (None, Some(d)) => parse(d),
        (None, None) => Err(AppError::internal(
            "a challenge with neither a draft nor a published definition",
        )),
    }
}

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<ChallengeRow>, AppError> {
    let rows = challenge::Entity::find()
        .order_by_asc(challenge::Column::Position)
        .order_by_desc(challenge::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for c in rows {
        let def = current(&c)?;
        let participants = participant::Entity::find()
            .filter(participant::Column::ChallengeId.eq(c.id))
            .count(db)
            .await?;
        out.push(ChallengeRow {
            id: c.id,
            name: def.name.clone(),
            status: c.status.clone(),
            version: c.version,
            has_draft: c.draft.is_some() && c.published.is_some(),
            packages: def.packages.len(),
            participants,
            updated_at: c.updated_at.format("%Y-%m-%d %H:%M").to_string(),
        });
    }
    Ok(out)
}

pub async fn edit(db: &impl ConnectionTrait, id: i64) -> Result<ChallengeEdit, AppError> {
    let c = find(db, id).await?;
    let def = current(&c)?;
    let published = c.published.as_deref().map(parse).transpose()?;
    let changes = published
        .as_ref()
        .map(|p| def_::diff(p, &def))
        .unwrap_or_default();
    Ok(ChallengeEdit {
        id: c.id,
        status: c.status,
        version: c.version,
        def,
        published,
        changes,
    })
}

/// Saves a definition as a draft: a new challenge (id None) or edits of an existing one.
/// Invalid definitions are refused with every problem listed.
pub async fn save(
    db: &DatabaseConnection,
    actor: i64,
    id: Option<i64>,
    def: ChallengeDef,
    from: &Origin,
) -> Result<i64, AppError> {
    def.validate().map_err(AppError::Invalid)?;
    settings::ranks::check_plan(db, &def.commissions).await?;
    trading::servers::check_challenge(db, &def).await?;
    let now = Utc::now();
    let json = to_json(&def)?;
    let txn = db.write().await?;
    let id = match id {
        None => {
            challenge::ActiveModel {
                name: Set(def.name.clone()),
                status: Set("draft".into()),
                draft: Set(Some(json)),
                published: Set(None),
                version: Set(0),
                position: Set(0),
                created_at: Set(now),
                updated_at: Set(now),
                published_at: Set(None),
                terminated_at: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?
            .id
        }
        Some(id) => {
            let c = find(&txn, id).await?;
            if c.status == "terminated" {
                return Err(AppError::field("challenge", "err.challenge_terminated"));
            }
            // Saving what is already published leaves no draft behind.
            let unchanged = c.published.as_deref().map(parse).transpose()? == Some(def.clone());
            challenge::Entity::update_many()
                .col_expr(challenge::Column::Name, Expr::value(def.name.clone()))
                .col_expr(
                    challenge::Column::Draft,
                    Expr::value(if unchanged { None } else { Some(json) }),
                )
                .col_expr(challenge::Column::UpdatedAt, Expr::value(now))
                .filter(challenge::Column::Id.eq(id))
                .exec(&txn)
                .await?;
            id
        }
    };
    audit::record(
        &txn,
        Some(actor),
        "challenge.saved",
        "challenge",
        Some(id),
        serde_json::json!({"name": def.name}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Publishes the draft: clients see it from now on, and new participants buy this version.
pub async fn publish(
    db: &DatabaseConnection,
    actor: i64,
    id: i64,
    from: &Origin,
) -> Result<(), AppError> {
    let txn = db.write().await?;
    let c = find(&txn, id).await?;
    if c.status == "terminated" {
        return Err(AppError::field("challenge", "err.challenge_terminated"));
    }
    let Some(draft) = c.draft.clone() else {
        return Err(AppError::field("challenge", "err.nothing_to_publish"));
    };
    let def = parse(&draft)?;
    def.validate().map_err(AppError::Invalid)?;
    settings::ranks::check_plan(db, &def.commissions).await?;
    trading::servers::check_challenge(db, &def).await?;
    let changes = match c.published.as_deref() {
        Some(p) => def_::diff(&parse(p)?, &def),
        None => Vec::new(),
    };
    let now = Utc::now();
    // Conditional on the version read, so two publishers cannot both bump it.
    let r = challenge::Entity::update_many()
        .col_expr(challenge::Column::Status, Expr::value("published"))
        .col_expr(challenge::Column::Published, Expr::value(Some(draft)))
        .col_expr(
            challenge::Column::Draft,
            Expr::value(Option::<String>::None),
        )
        .col_expr(challenge::Column::Version, Expr::value(c.version + 1))
        .col_expr(challenge::Column::PublishedAt, Expr::value(Some(now)))
        .col_expr(challenge::Column::UpdatedAt, Expr::value(now))
        .filter(challenge::Column::Id.eq(id))
        .filter(challenge::Column::Version.eq(c.version))
        .exec(&txn)
        .await?;
    if r.rows_affected != 1 {
        return Err(AppError::field("challenge", "err.challenge_changed"));
    }
    audit::record(
        &txn,
        Some(actor),
        "challenge.published",
        "challenge",
        Some(id),
        serde_json::json!({"version": c.version + 1, "changes": changes}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Throws away unpublished edits (only when a published version exists to fall back on).
pub async fn discard_draft(
    db: &DatabaseConnection,
    actor: i64,
    id: i64,
    from: &Origin,
) -> Result<(), AppError> {
    let c = find(db, id).await?;
    if c.published.is_none() || c.draft.is_none() {
        return Err(AppError::field("challenge", "err.no_draft_to_discard"));
    }
    challenge::Entity::update_many()
        .col_expr(
            challenge::Column::Draft,
            Expr::value(Option::<String>::None),
        )
        .col_expr(challenge::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(challenge::Column::Id.eq(id))
        .exec(db)
        .await?;
    audit::record(
        db,
        Some(actor),
        "challenge.draft_discarded",
        "challenge",
        Some(id),
        serde_json::json!({}),
        &from.ip,
    )
    .await
}

/// A new draft with the same definition.
pub async fn duplicate(
    db: &DatabaseConnection,
    actor: i64,
    id: i64,
    from: &Origin,
) -> Result<i64, AppError> {
    let mut def = current(&find(db, id).await?)?;
    def.name = format!("{} (copy)", def.name).chars().take(100).collect();
    save(db, actor, None, def, from).await
}

/// Stops new participation; running participants continue on the version they bought.
pub async fn terminate(
    db: &DatabaseConnection,
    actor: i64,
    id: i64,
    from: &Origin,
) -> Result<(), AppError> {
    let c = find(db, id).await?;
    if c.status != "published" {
        return Err(AppError::field("challenge", "err.challenge_not_published"));
    }
    let now = Utc::now();
    challenge::Entity::update_many()
        .col_expr(challenge::Column::Status, Expr::value("terminated"))
        .col_expr(challenge::Column::TerminatedAt, Expr::value(Some(now)))
        .col_expr(challenge::Column::UpdatedAt, Expr::value(now))
        .filter(challenge::Column::Id.eq(id))
        .exec(db)
        .await?;
    audit::record(
        db,
        Some(actor),
        "challenge.terminated",
        "challenge",
        Some(id),
        serde_json::json!({}),
        &from.ip,
    )
    .await
}

fn amount(minor: i64, cur: Option<Currency>) -> String {
    match cur {
        Some(c) => format!("{} {}", money::format(minor, c), c.code),
        None => minor.to_string(),
    }
}

/// A stage's rules as a client sees them (the hidden ones left out).
pub fn stage_card(s: &StageDef, cur: Option<Currency>) -> StageCard {
    use def_::RuleField as F;
    let mut rules = Vec::new();
    let mut add = |f: F, value: Option<String>| {
        if let Some(v) = value
            && !s.hidden.contains(&f)
        {
            rules.push(RuleLine {
                label: f.label_key().into(),
                value: v,
            });
        }
    };
    add(
        F::TradingPeriod,
        Some(s.period_days.map_or_else(|| "∞".into(), |d| d.to_string())),
    );
    add(F::MinTradingDays, Some(s.min_trading_days.to_string()));
    add(
        F::ProfitTarget,
        s.profit_target_bps.map(|b| Bps(b).to_string()),
    );
    add(
        F::MaxDailyLoss,
        s.max_daily_loss_bps.map(|b| Bps(b).to_string()),
    );
    add(F::MaxLoss, s.max_loss_bps.map(|b| Bps(b).to_string()));
    add(
        F::MaxLossPerTrade,
        s.max_loss_per_trade.map(|l| match l {
            TradeLossLimit::Amount(a) => amount(a, cur),
            TradeLossLimit::Bps(b) => Bps(b).to_string(),
        }),
    );
    add(
        F::ProfitShare,
        s.profit_share_bps.map(|b| Bps(b).to_string()),
    );
    StageCard {
        environment: s.environment.as_str().into(),
        rules,
    }
}

fn card(c: &challenge::Model, def: ChallengeDef, locale: &str) -> ChallengeCard {
    let packages = def
        .packages
        .iter()
        .map(|p| {
            let cur = money::currency(&p.currency);
            PackageCard {
                key: p.key.clone(),
                name: p.name.clone(),
                currency: p.currency.clone(),
                account_size: amount(p.account_size_minor, cur),
                fee: amount(p.fee_minor, cur),
                leverage: p.leverage,
                stages: p.stages.iter().map(|s| stage_card(s, cur)).collect(),
            }
        })
        .collect();
    let starts = crate::domain::clock::parse_tz(&def.time_zone)
        .ok()
        .and_then(|tz| crate::domain::clock::local_to_utc(def.starts_at, tz));
    let phase = if starts.is_some_and(|s| s > Utc::now()) {
        "upcoming"
    } else {
        "ongoing"
    };
    let details = def
        .details
        .get(locale)
        .or_else(|| def.details.get("en"))
        .cloned()
        .unwrap_or_default();
    ChallengeCard {
        id: c.id,
        name: def.name,
        types: def.types,
        details,
        details_first: def.details_first,
        cover_url: def.cover_url,
        poster_url: def.poster_url,
        starts_at: def.starts_at.format("%Y-%m-%d %H:%M").to_string(),
        time_zone: def.time_zone,
        phase: phase.into(),
        pay_from_wallet: def.pay_from_wallet,
        pay_direct: def.pay_direct,
        packages,
    }
}

/// Every package of the published challenges, with its price: what an offer may cover.
pub async fn on_sale(db: &impl ConnectionTrait) -> Result<Vec<PackageChoice>, AppError> {
    let rows = challenge::Entity::find()
        .filter(challenge::Column::Status.eq("published"))
        .order_by_asc(challenge::Column::Position)
        .order_by_desc(challenge::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for c in rows {
        let Some(json) = c.published.as_deref() else {
            continue;
        };
        let def = parse(json)?;
        for p in &def.packages {
            out.push(PackageChoice {
                challenge_id: c.id,
                challenge: def.name.clone(),
                key: p.key.clone(),
                package: p.name.clone(),
                fee: Money::of(p.fee_minor, &p.currency)
                    .or_internal("a published package's currency is unknown")?,
            });
        }
    }
    Ok(out)
}

/// The published challenges the client's group sees.
pub async fn for_client(
    db: &impl ConnectionTrait,
    user_id: i64,
    locale: &str,
) -> Result<Vec<ChallengeCard>, AppError> {
    let u = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let rows = challenge::Entity::find()
        .filter(challenge::Column::Status.eq("published"))
        .order_by_asc(challenge::Column::Position)
        .order_by_desc(challenge::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for c in rows {
        let Some(json) = c.published.as_deref() else {
            continue;
        };
        let def = parse(json)?;
        if participation::visible_to(&def, u.group_id) {
            out.push(card(&c, def, locale));
        }
    }
    Ok(out)
}
