//! A trader's way through a challenge: buying it (fee from the wallet or paid directly),
//! the participation request, a trading account per stage, passing or failing each stage,
//! the live step, retries and manual advancement. Every decision runs through the approval
//! engine or the rules engine; this module applies their outcomes.
use crate::domain::approval::{PaymentStatus, RequestKind, RequestStatus};
use crate::domain::challenge::{ChallengeDef, Environment, PackageDef, StageDef};
use crate::domain::clock;
use crate::domain::money::{self, Currency};
use crate::domain::rules::{Decision, StageState};
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::approvals::{self, Submission};
use crate::server::entity::{
    challenge, participant, request, rule_decision, trading_account, user,
};
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use crate::server::money::ledger::{self, AccountKind, Entry, Leg};
use crate::server::trading::platform::{Platform, TradingPlatform};
use crate::server::{
    infra::audit, infra::crypto, infra::notify, prop::fees, prop::profit_share, settings,
    trading::risk, trading::sim,
};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a participant bought: the package of the published version, frozen, so that later
/// edits of the challenge never change a running participant's rules.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Bought {
    pub version: i32,
    pub time_zone: String,
    pub package: PackageDef,
}

pub mod status {
    pub const AWAITING_PAYMENT: &str = "awaiting_payment";
    pub const PENDING_APPROVAL: &str = "pending_approval";
    pub const IN_PROGRESS: &str = "in_progress";
    pub const PENDING_LIVE: &str = "pending_live";
    pub const RETRY_PENDING: &str = "retry_pending";
    pub const COMPLETED: &str = "completed";
    pub const FAILED: &str = "failed";
    pub const REJECTED: &str = "rejected";
    pub const CANCELLED: &str = "cancelled";
    pub const ALL: &[&str] = &[
        AWAITING_PAYMENT,
        PENDING_APPROVAL,
        IN_PROGRESS,
        PENDING_LIVE,
        RETRY_PENDING,
        COMPLETED,
        FAILED,
        REJECTED,
        CANCELLED,
    ];
}

pub fn bought(p: &participant::Model) -> Result<Bought, AppError> {
    serde_json::from_str(&p.definition).or_internal("decoding a participant's bought definition")
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
    to: &str,
    ended: bool,
    reason: Option<&str>,
) -> Result<(), AppError> {
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
    Ok(())
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

pub struct ParticipateInput {
    pub challenge_id: i64,
    pub package_key: String,
    /// wallet | direct
    pub pay_method: String,
    pub idempotency_key: String,
}

/// Buys a challenge package. The fee is taken first (from the wallet now, or by the payment
/// provider), then the participation request goes through the approval engine; a rejection
/// refunds the fee to the wallet. Returns the participant and its request.
pub async fn participate(
    db: &DatabaseConnection,
    user_id: i64,
    input: ParticipateInput,
    from: &Origin,
) -> Result<(participant::Model, request::Model), AppError> {
    let client = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    settings::require_kyc(db, &client, "participation").await?;
    let ch = challenge::Entity::find_by_id(input.challenge_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::field("challenge", "err.challenge_unknown"))?;
    let def: ChallengeDef = match (&ch.published, ch.status.as_str()) {
        (Some(json), "published") => {
            serde_json::from_str(json).or_internal("decoding a published challenge definition")?
        }
        (_, "terminated") => return Err(AppError::field("challenge", "err.challenge_terminated")),
        _ => return Err(AppError::field("challenge", "err.challenge_unknown")),
    };
    if !visible_to(&def, client.group_id) {
        return Err(AppError::field("challenge", "err.challenge_unknown"));
    }
    let package = def
        .package(&input.package_key)
        .cloned()
        .ok_or_else(|| AppError::field("package", "err.package_unknown"))?;
    let currency = cur(&package.currency)?;
    let fee = package.fee_minor;
    let direct = match input.pay_method.as_str() {
        "wallet" if def.pay_from_wallet => false,
        "direct" if def.pay_direct => fee > 0,
        "wallet" | "direct" => return Err(AppError::field("pay_method", "err.pay_method_off")),
        _ => return Err(AppError::field("pay_method", "err.pay_method_unknown")),
    };
    let key = input.idempotency_key.trim();
    if key.is_empty() || key.len() > 100 {
        return Err(AppError::field("request", "err.idempotency_key"));
    }
    let txn = db.write().await?;
    // A double submit finds the first request and its participant: on PostgreSQL the second
    // waits here until the first commits, rather than both missing each other and buying (and
    // paying) twice.
    crate::server::infra::db::lock_user(&txn, user_id).await?;
    if let Some(first) = request::Entity::find()
        .filter(request::Column::IdempotencyKey.eq(format!("{user_id}:{key}")))
        .one(&txn)
        .await?
    {
        let pid = participant_of(&first)?;
        return Ok((find(&txn, pid).await?, first));
    }
    let now = Utc::now();
    let bought = Bought {
        version: ch.version,
        time_zone: def.time_zone.clone(),
        package: package.clone(),
    };
    let p =
        participant::ActiveModel {
            user_id: Set(user_id),
            challenge_id: Set(ch.id),
            package_key: Set(package.key.clone()),
            definition: Set(
                serde_json::to_string(&bought).or_internal("encoding a bought definition")?
            ),
            challenge_name: Set(def.name.clone()),
            currency: Set(package.currency.clone()),
            fee_minor: Set(fee),
            pay_method: Set(if direct { "direct" } else { "wallet" }.into()),
            status: Set(if direct {
                status::AWAITING_PAYMENT
            } else {
                status::PENDING_APPROVAL
            }
            .into()),
            stage: Set(0),
            attempt: Set(1),
            request_id: Set(None),
            account_id: Set(None),
            data_type: Set("real".into()),
            referrer_id: Set(client.referrer_id),
            reason: Set(String::new()),
            started_at: Set(None),
            ended_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    if !direct && fee > 0 {
        charge_wallet(
            &txn,
            &p,
            fees::kind::FEE,
            fee,
            &format!("prop-fee-{}", p.id),
        )
        .await?;
    }
    let done = approvals::submit(
        &txn,
        Submission {
            idempotency_key: key.to_string(),
            kind: Some(RequestKind::Participation),
            user_id,
            created_by: user_id,
            currency: Some(currency),
            amount_minor: Some(fee),
            online: direct,
            payment_status: direct.then_some(PaymentStatus::Pending),
            reference: format!("{} · {}", def.name, package.name),
            payload: serde_json::json!({"participant_id": p.id, "package": package.name}),
            ..Default::default()
        },
        from,
    )
    .await?;
    participant::Entity::update_many()
        .col_expr(
            participant::Column::RequestId,
            Expr::value(Some(done.request.id)),
        )
        .filter(participant::Column::Id.eq(p.id))
        .exec(&txn)
        .await?;
    let p = find(&txn, p.id).await?;
    txn.commit().await?;
    Ok((p, done.request))
}

/// Takes a fee (or a retry fee) of `p` from the client's wallet in the package's currency.
async fn charge_wallet(
    txn: &impl ConnectionTrait,
    p: &participant::Model,
    kind: &str,
    fee: i64,
    key: &str,
) -> Result<(), AppError> {
    let currency = cur(&p.currency)?;
    let wallet = ledger::wallet(txn, p.user_id, currency).await?;
    let fees = ledger::firm(txn, AccountKind::ParticipationFees, currency).await?;
    let posted = ledger::post_in(
        txn,
        Entry {
            idempotency_key: key,
            kind: "participation_fee",
            currency,
            legs: vec![
                Leg {
                    account_id: wallet.id,
                    amount_minor: -fee,
                },
                Leg {
                    account_id: fees.id,
                    amount_minor: fee,
                },
            ],
            memo: "challenge fee",
            actor_id: Some(p.user_id),
        },
    )
    .await
    .map_err(|e| match e {
        AppError::Invalid(f) if f.iter().any(|f| f.code == "err.insufficient_funds") => {
            AppError::field("pay_method", "err.fee_exceeds_wallet")
        }
        other => other,
    })?;
    fees::record(txn, p, kind, fee, posted).await
}

fn participant_of(req: &request::Model) -> Result<i64, AppError> {
    serde_json::from_str::<serde_json::Value>(&req.payload)
        .ok()
        .and_then(|v| v.get("participant_id").and_then(|i| i.as_i64()))
        .or_internal("a request without its participant id")
}

/// The payment provider reported a direct purchase paid: the fee is the firm's, and the
/// request now waits for its decision.
pub async fn on_paid(txn: &impl ConnectionTrait, req: &request::Model) -> Result<(), AppError> {
    let p = find(txn, participant_of(req)?).await?;
    let currency = cur(&p.currency)?;
    let amount = req.amount_minor.unwrap_or(0);
    if amount > 0 {
        let clearing = ledger::firm(txn, AccountKind::PspClearing, currency).await?;
        let fees = ledger::firm(txn, AccountKind::ParticipationFees, currency).await?;
        let posted = ledger::post_in(
            txn,
            Entry {
                idempotency_key: &format!("prop-paid-{}", req.id),
                kind: "participation_fee",
                currency,
                legs: vec![
                    Leg {
                        account_id: clearing.id,
                        amount_minor: -amount,
                    },
                    Leg {
                        account_id: fees.id,
                        amount_minor: amount,
                    },
                ],
                memo: "challenge fee (direct purchase)",
                actor_id: None,
            },
        )
        .await?;
        fees::record(txn, &p, fees::kind::FEE, amount, posted).await?;
    }
    if p.status == status::AWAITING_PAYMENT {
        set_status(txn, p.id, status::PENDING_APPROVAL, false, None).await?;
    }
    Ok(())
}

/// Whether the request's fee reached the firm (and so is refunded if it is turned down).
fn fee_taken(req: &request::Model, p: &participant::Model) -> bool {
    req.amount_minor.unwrap_or(0) > 0
        && (p.pay_method == "wallet"
            || req.payment_status.as_deref() == Some(PaymentStatus::Success.as_str()))
}

async fn refund(
    txn: &impl ConnectionTrait,
    req: &request::Model,
    p: &participant::Model,
) -> Result<(), AppError> {
    let currency = cur(&p.currency)?;
    let amount = req.amount_minor.unwrap_or(0);
    let wallet = ledger::wallet(txn, p.user_id, currency).await?;
    let fees = ledger::firm(txn, AccountKind::ParticipationFees, currency).await?;
    let posted = ledger::post_in(
        txn,
        Entry {
            idempotency_key: &format!("prop-refund-{}", req.id),
            kind: "participation_refund",
            currency,
            legs: vec![
                Leg {
                    account_id: fees.id,
                    amount_minor: -amount,
                },
                Leg {
                    account_id: wallet.id,
                    amount_minor: amount,
                },
            ],
            memo: "challenge fee refund",
            actor_id: None,
        },
    )
    .await?;
    fees::record(txn, p, fees::kind::REFUND, -amount, posted).await
}

/// Approval of a participation, live-step or retry request: the account is issued.
pub async fn on_approved(txn: &impl ConnectionTrait, req: &request::Model) -> Result<(), AppError> {
    let p = find(txn, participant_of(req)?).await?;
    let b = bought(&p)?;
    match RequestKind::parse(&req.kind) {
        Some(RequestKind::Participation) => issue_account(txn, &p, &b, 0, 1).await,
        Some(RequestKind::LiveStep) => {
            let stage = stage_of(req).unwrap_or(p.stage + 1);
            issue_account(txn, &p, &b, stage, 1).await
        }
        Some(RequestKind::Retry) => issue_account(txn, &p, &b, p.stage, p.attempt + 1).await,
        _ => Err(AppError::internal(
            "a participation handler given another request kind",
        )),
    }
}

fn stage_of(req: &request::Model) -> Option<i32> {
    serde_json::from_str::<serde_json::Value>(&req.payload)
        .ok()
        .and_then(|v| v.get("stage").and_then(|s| s.as_i64()))
        .map(|s| s as i32)
}

/// A participation, live-step or retry request turned down or withdrawn.
pub async fn on_closed(
    txn: &impl ConnectionTrait,
    req: &request::Model,
    to: RequestStatus,
) -> Result<(), AppError> {
    let p = find(txn, participant_of(req)?).await?;
    match RequestKind::parse(&req.kind) {
        Some(RequestKind::Participation) => {
            if fee_taken(req, &p) {
                refund(txn, req, &p).await?;
            }
            let s = if to == RequestStatus::Rejected {
                status::REJECTED
            } else {
                status::CANCELLED
            };
            set_status(txn, p.id, s, true, None).await
        }
        Some(RequestKind::Retry) => {
            if req.amount_minor.unwrap_or(0) > 0 {
                refund(txn, req, &p).await?;
            }
            set_status(txn, p.id, status::FAILED, false, None).await
        }
        // A refused live step ends the challenge.
        Some(RequestKind::LiveStep) => {
            set_status(txn, p.id, status::FAILED, true, Some("live_step_rejected")).await?;
            tell(txn, &p, "notice.prop_live_rejected", &[]).await
        }
        _ => Err(AppError::internal(
            "a participation handler given another request kind",
        )),
    }
}

/// A fresh login: eight digits, unique among accounts.
async fn new_login(db: &impl ConnectionTrait) -> Result<String, AppError> {
    for _ in 0..5 {
        let b = crypto::random_bytes::<4>();
        let login = (10_000_000 + u32::from_le_bytes(b) % 89_999_999).to_string();
        if trading_account::Entity::find()
            .filter(trading_account::Column::Login.eq(&login))
            .one(db)
            .await?
            .is_none()
        {
            return Ok(login);
        }
    }
    Err(AppError::internal("no free account login after five tries"))
}

/// Opens the account of `stage` (attempt `attempt`) and puts the participant on it.
pub async fn issue_account(
    txn: &impl ConnectionTrait,
    p: &participant::Model,
    b: &Bought,
    stage: i32,
    attempt: i32,
) -> Result<(), AppError> {
    let def: &StageDef = b
        .package
        .stages
        .get(stage as usize)
        .or_internal("a stage beyond the bought package")?;
    let balance = b.package.account_size_minor;
    let rules = def.rules(balance);
    let tz = clock::parse_tz(&b.time_zone).unwrap_or(chrono_tz::UTC);
    // Accounts open on the simulated platform: its clock gives the stage's first day.
    let sim_now = sim::feed(txn).await?.now();
    let state = StageState::new(&rules, clock::local_day(sim_now, tz));
    let now = Utc::now();
    let password: String = crypto::random_token().chars().take(12).collect();
    let acc = trading_account::ActiveModel {
        participant_id: Set(Some(p.id)),
        user_id: Set(p.user_id),
        platform: Set("sim".into()),
        bridge_id: Set(None),
        login: Set(new_login(txn).await?),
        password: Set(password),
        environment: Set(match def.environment {
            Environment::Demo => "demo",
            Environment::Live => "live",
        }
        .into()),
        currency: Set(p.currency.clone()),
        leverage: Set(b.package.leverage as i32),
        stage: Set(stage),
        attempt: Set(attempt),
        initial_balance: Set(balance),
        balance: Set(balance),
        equity: Set(balance),
        margin: Set(0),
        open_positions: Set(0),
        enabled: Set(true),
        status: Set("active".into()),
        time_zone: Set(b.time_zone.clone()),
        rules: Set(serde_json::to_string(&rules).or_internal("encoding an account's rules")?),
        state: Set(serde_json::to_string(&state).or_internal("encoding an account's rule state")?),
        decision: Set(String::new()),
        last_seq: Set(0),
        version: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Platform::of(&acc).create(txn, &acc).await?;
    let mut q = participant::Entity::update_many()
        .col_expr(
            participant::Column::Status,
            Expr::value(status::IN_PROGRESS),
        )
        .col_expr(participant::Column::Stage, Expr::value(stage))
        .col_expr(participant::Column::Attempt, Expr::value(attempt))
        .col_expr(participant::Column::AccountId, Expr::value(Some(acc.id)))
        .col_expr(participant::Column::Reason, Expr::value(""))
        .col_expr(
            participant::Column::EndedAt,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(participant::Column::UpdatedAt, Expr::value(now));
    if p.started_at.is_none() {
        q = q.col_expr(participant::Column::StartedAt, Expr::value(Some(now)));
    }
    q.filter(participant::Column::Id.eq(p.id)).exec(txn).await?;
    tell(
        txn,
        p,
        "notice.prop_account_ready",
        &[
            ("login", acc.login.clone()),
            ("stage", (stage + 1).to_string()),
        ],
    )
    .await
}

crate::register_stage_listener!(|txn, p, acc, d, actor| Box::pin(on_stage_decided(
    txn, p, acc, d, actor
)));

/// The rules engine ended the participant's current stage.
pub async fn on_stage_decided(
    txn: &sea_orm::DatabaseTransaction,
    participant_id: i64,
    acc: &trading_account::Model,
    d: &Decision,
    actor: Option<i64>,
) -> Result<(), AppError> {
    let p = find(txn, participant_id).await?;
    // Only the participant's current account moves it.
    if p.account_id != Some(acc.id) || p.status != status::IN_PROGRESS {
        return Ok(());
    }
    match d {
        Decision::Passed(_) => progress(txn, &p, actor).await,
        Decision::Breach(f) | Decision::Expired(f) => {
            let reason = risk::rule_name(f.rule);
            set_status(txn, p.id, status::FAILED, true, Some(reason)).await?;
            tell(
                txn,
                &p,
                "notice.prop_failed",
                &[("rule", format!("rule.{reason}"))],
            )
            .await
        }
    }
}

/// The current stage passed: the next demo stage's account is opened, a live stage waits for
/// the live-step request, and after the last stage the challenge is completed.
async fn progress(
    txn: &sea_orm::DatabaseTransaction,
    p: &participant::Model,
    actor: Option<i64>,
) -> Result<(), AppError> {
    let b = bought(p)?;
    let next = p.stage + 1;
    let Some(stage) = b.package.stages.get(next as usize) else {
        set_status(txn, p.id, status::COMPLETED, true, None).await?;
        return tell(txn, p, "notice.prop_completed", &[]).await;
    };
    tell(
        txn,
        p,
        "notice.prop_passed",
        &[("stage", (p.stage + 1).to_string())],
    )
    .await?;
    match stage.environment {
        Environment::Demo => issue_account(txn, p, &b, next, 1).await,
        Environment::Live => {
            set_status(txn, p.id, status::PENDING_LIVE, false, None).await?;
            approvals::submit(
                txn,
                Submission {
                    idempotency_key: format!("live-step-{}-{next}", p.id),
                    kind: Some(RequestKind::LiveStep),
                    user_id: p.user_id,
                    created_by: actor.unwrap_or(p.user_id),
                    currency: Some(cur(&p.currency)?),
                    reference: format!("{} · {}", p.challenge_name, b.package.name),
                    payload: serde_json::json!({"participant_id": p.id, "stage": next}),
                    ..Default::default()
                },
                &system(),
            )
            .await?;
            Ok(())
        }
    }
}

/// Staff move an in-progress participant past the current stage. Only an account with no
/// open positions may be advanced, so no floating result is left behind.
pub async fn advance(
    db: &DatabaseConnection,
    staff: i64,
    participant_id: i64,
    comment: &str,
    from: &Origin,
) -> Result<(), AppError> {
    if comment.trim().is_empty() {
        return Err(AppError::field("comment", "err.comment_required"));
    }
    let txn = db.write().await?;
    let p = find(&txn, participant_id).await?;
    if p.status != status::IN_PROGRESS {
        return Err(AppError::field("participant", "err.not_in_progress"));
    }
    let acc_id = p
        .account_id
        .or_internal("a participant in progress without an account")?;
    let acc = risk::lock(&txn, acc_id).await?;
    if acc.open_positions > 0 {
        return Err(AppError::field("participant", "err.open_positions"));
    }
    // A funded stage pays its due profit share before the trader moves on.
    profit_share::settle_final(&txn, &acc, staff, from).await?;
    trading_account::Entity::update_many()
        .col_expr(trading_account::Column::Status, Expr::value("passed"))
        .filter(trading_account::Column::Id.eq(acc.id))
        .exec(&txn)
        .await?;
    Platform::of(&acc).set_enabled(&txn, &acc, false).await?;
    rule_decision::ActiveModel {
        account_id: Set(acc.id),
        participant_id: Set(Some(p.id)),
        outcome: Set("advanced".into()),
        rule: Set("manual".into()),
        figures: Set(serde_json::json!({"comment": comment.trim()}).to_string()),
        actor_id: Set(Some(staff)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(staff),
        "participant.advanced",
        "participant",
        Some(p.id),
        serde_json::json!({"stage": p.stage + 1, "comment": comment.trim()}),
        &from.ip,
    )
    .await?;
    progress(&txn, &p, Some(staff)).await?;
    txn.commit().await?;
    Ok(())
}

/// A failed stage is tried again on a new account, if the stage allows it and attempts are
/// left; the retry fee (if any) comes from the wallet.
pub async fn retry(
    db: &DatabaseConnection,
    user_id: i64,
    participant_id: i64,
    idempotency_key: &str,
    from: &Origin,
) -> Result<request::Model, AppError> {
    let txn = db.write().await?;
    // Two retries sent together queue here; the second then sees the first one's status.
    crate::server::infra::db::lock_user(&txn, user_id).await?;
    let p = find(&txn, participant_id).await?;
    if p.user_id != user_id {
        return Err(AppError::NotFound);
    }
    let b = bought(&p)?;
    let stage = b
        .package
        .stages
        .get(p.stage as usize)
        .or_internal("a participant's stage beyond its package")?;
    if p.status != status::FAILED || p.account_id.is_none() {
        return Err(AppError::field("participant", "err.retry_not_failed"));
    }
    if !stage.retry_allowed || p.attempt as u32 >= stage.max_attempts {
        return Err(AppError::field("participant", "err.retry_exhausted"));
    }
    let currency = cur(&p.currency)?;
    let fee = stage.retry_fee_minor;
    let key = idempotency_key.trim();
    if key.is_empty() || key.len() > 100 {
        return Err(AppError::field("request", "err.idempotency_key"));
    }
    if fee > 0 {
        charge_wallet(
            &txn,
            &p,
            fees::kind::RETRY,
            fee,
            &format!("prop-retry-{}-{}", p.id, p.attempt + 1),
        )
        .await?;
    }
    set_status(&txn, p.id, status::RETRY_PENDING, false, None).await?;
    let done = approvals::submit(
        &txn,
        Submission {
            idempotency_key: key.to_string(),
            kind: Some(RequestKind::Retry),
            user_id,
            created_by: user_id,
            currency: Some(currency),
            amount_minor: Some(fee),
            reference: format!("{} · {}", p.challenge_name, b.package.name),
            payload: serde_json::json!({"participant_id": p.id, "attempt": p.attempt + 1}),
            ..Default::default()
        },
        from,
    )
    .await?;
    txn.commit().await?;
    Ok(done.request)
}
