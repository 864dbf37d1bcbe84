//! Client money requests: deposits, withdrawals and transfers, checked against the firm's
//! methods, limits, fees, rates and KYC policy before they reach the approval engine.
use crate::domain::access::UserKind;
use crate::domain::approval::{PaymentStatus, RequestKind};
use crate::domain::kyc::KycStatus;
use crate::domain::money::{self, Currency};
use crate::domain::validation::Errors;
use crate::error::AppError;
use crate::error::OrInternal;
use crate::model::{DestinationDto, FundsOverview, RequestRow, TransferQuote};
use crate::server::approvals::{self, Submission};
use crate::server::entity::{payment_method, payout_destination, user};
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use crate::server::{infra::audit, infra::uploads, money::ledger, money::wallets, settings};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};

async fn client(db: &impl ConnectionTrait, id: i64) -> Result<user::Model, AppError> {
    user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthorized)
}

pub async fn overview(db: &DatabaseConnection, user_id: i64) -> Result<FundsOverview, AppError> {
    let me = client(db, user_id).await?;
    let fs = settings::funds_settings(db).await?;
    let methods = |dir: &'static str| settings::methods_for(db, dir, me.group_id);
    Ok(FundsOverview {
        wallets: wallets::of_client(db, user_id).await?,
        deposit_methods: methods("deposit")
            .await?
            .into_iter()
            .map(settings::method_dto)
            .collect(),
        withdrawal_methods: methods("withdrawal")
            .await?
            .into_iter()
            .map(settings::method_dto)
            .collect(),
        destinations: destinations(db, user_id).await?,
        third_party_transfers: fs.third_party_transfers,
        kyc_blocked: if me.kyc_status == KycStatus::Approved {
            Vec::new()
        } else {
            fs.kyc_policy
        },
    })
}

/// A method the client may use in this direction, or an error on `method_id`.
async fn usable_method(
    db: &impl ConnectionTrait,
    me: &user::Model,
    direction: &str,
    id: i64,
) -> Result<payment_method::Model, AppError> {
    settings::methods_for(db, direction, me.group_id)
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or_else(|| AppError::field("method_id", "err.method_unavailable"))
}

/// Parses an amount in the method's currency and checks the method's limits and fee.
fn amount_for(
    errs: &mut Errors,
    m: &payment_method::Model,
    text: &str,
) -> Option<(i64, i64, Currency)> {
    let cur = money::currency(&m.currency)?;
    let amount = errs.check("amount", money::parse_amount(text, cur))?;
    if m.min_minor > 0 && amount < m.min_minor {
        errs.add("amount", "err.amount_below_min");
        return None;
    }
    if m.max_minor > 0 && amount > m.max_minor {
        errs.add("amount", "err.amount_above_max");
        return None;
    }
    let fee = money::fee_minor(amount, m.fee_bps, m.fee_fixed_minor, m.fee_cap_minor);
    if fee >= amount {
        errs.add("amount", "err.amount_below_fee");
        return None;
    }
    Some((amount, fee, cur))
}

/// The firm's cap on a client's pending requests of one kind. The approval engine counts
/// and inserts in one step, so simultaneous submissions cannot pass it together.
async fn max_pending(db: &impl ConnectionTrait) -> Result<u64, AppError> {
    Ok(u64::from(settings::funds_settings(db).await?.max_pending))
}

pub struct DepositInput {
    pub idempotency_key: String,
    pub method_id: i64,
    pub amount: String,
    pub reference: String,
    pub upload_id: Option<i64>,
}

pub async fn deposit(
    db: &DatabaseConnection,
    user_id: i64,
    input: DepositInput,
    from: &Origin,
) -> Result<RequestRow, AppError> {
    deposit_by(db, user_id, user_id, input, from).await
}

/// A deposit request for client `user_id` made by `by`: the client, or a staff member on the
/// client's behalf (the request says who made it; it is decided like any other).
pub async fn deposit_by(
    db: &DatabaseConnection,
    user_id: i64,
    by: i64,
    input: DepositInput,
    from: &Origin,
) -> Result<RequestRow, AppError> {
    let me = client(db, user_id).await?;
    settings::require_kyc(db, &me, "deposit").await?;
    let m = usable_method(db, &me, "deposit", input.method_id).await?;
    let mut errs = Errors::default();
    let parsed = amount_for(&mut errs, &m, &input.amount);
    let reference = input.reference.trim().to_string();
    if reference.chars().count() > 100 {
        errs.add("reference", "err.too_long");
    }
    errs.into_result()?;
    let (amount, fee, cur) = parsed.or_internal("a validated deposit amount is missing")?;
    let max_pending = max_pending(db).await?;
    let online = m.kind == "test_psp";
    let txn = db.write().await?;
    let done = approvals::submit(
        &txn,
        Submission {
            idempotency_key: input.idempotency_key,
            kind: Some(RequestKind::Deposit),
            user_id,
            created_by: by,
            currency: Some(cur),
            amount_minor: Some(amount),
            fee_minor: fee,
            method_id: Some(m.id),
            online,
            payment_status: online.then_some(PaymentStatus::Pending),
            reference,
            payload: serde_json::json!({}),
            max_pending: Some(max_pending),
            ..Default::default()
        },
        from,
    )
    .await?;
    if done.created
        && let Some(upload) = input.upload_id
    {
        uploads::attach(&txn, user_id, upload, done.request.id).await?;
    }
    txn.commit().await?;
    approvals::client_row(db, done.request).await
}

/// The test payment provider's answer for an online deposit.
pub async fn test_psp_result(
    db: &DatabaseConnection,
    user_id: i64,
    request_id: i64,
    succeed: bool,
    from: &Origin,
) -> Result<RequestRow, AppError> {
    let req = approvals::own(db, user_id, request_id).await?;
    // Online deposits by the test provider, and challenges bought directly.
    let online = match req.method_id {
        Some(m) => {
            req.kind == RequestKind::Deposit
                && payment_method::Entity::find_by_id(m)
                    .one(db)
                    .await?
                    .is_some_and(|m| m.kind == "test_psp")
        }
        None => req.kind == RequestKind::Participation && req.payment_status.is_some(),
    };
    if !online {
        return Err(AppError::NotFound);
    }
    if req.payment_status != Some(PaymentStatus::Pending) {
        return Err(AppError::field("request", "err.payment_already_reported"));
    }
    let status = if succeed {
        PaymentStatus::Success
    } else {
        PaymentStatus::Failed
    };
    approvals::set_payment_status(
        db,
        None,
        request_id,
        status.as_str(),
        "test payment provider",
        from,
    )
    .await?;
    approvals::client_row(db, approvals::own(db, user_id, request_id).await?).await
}

pub struct WithdrawInput {
    pub idempotency_key: String,
    pub method_id: i64,
    pub destination_id: i64,
    pub amount: String,
}

pub async fn withdraw(
    db: &DatabaseConnection,
    user_id: i64,
    input: WithdrawInput,
    from: &Origin,
) -> Result<RequestRow, AppError> {
    let me = client(db, user_id).await?;
    settings::require_kyc(db, &me, "withdrawal").await?;
    let m = usable_method(db, &me, "withdrawal", input.method_id).await?;
    let mut errs = Errors::default();
    let dest = payout_destination::Entity::find_by_id(input.destination_id)
        .one(db)
        .await?
        .filter(|d| d.user_id == user_id && d.active);
    match &dest {
        None => errs.add("destination_id", "err.destination_unknown"),
        Some(d) if d.kind != m.kind => errs.add("destination_id", "err.destination_kind"),
        _ => {}
    }
    let parsed = amount_for(&mut errs, &m, &input.amount);
    errs.into_result()?;
    let (amount, fee, cur) = parsed.or_internal("a validated withdrawal amount is missing")?;
    let max_pending = max_pending(db).await?;
    let wallet = ledger::wallet(db, user_id, cur).await?;
    let txn = db.write().await?;
    let done = approvals::submit(
        &txn,
        Submission {
            idempotency_key: input.idempotency_key,
            kind: Some(RequestKind::Withdrawal),
            user_id,
            created_by: user_id,
            currency: Some(cur),
            amount_minor: Some(amount),
            fee_minor: fee,
            method_id: Some(m.id),
            payment_status: Some(PaymentStatus::Pending),
            destination_id: dest.map(|d| d.id),
            payload: serde_json::json!({}),
            hold_wallet: Some(wallet.id),
            max_pending: Some(max_pending),
            ..Default::default()
        },
        from,
    )
    .await?;
    txn.commit().await?;
    approvals::client_row(db, approvals::own(db, user_id, done.request.id).await?).await
}

pub struct TransferInput {
    pub idempotency_key: String,
    pub from: String,
    pub to: String,
    pub amount: String,
    /// Empty for the client's own wallets; else another client's email or user ID.
    pub recipient: String,
}

/// Checks a transfer and works out what it credits. Returns the quote and the recipient.
pub async fn quote(
    db: &impl ConnectionTrait,
    user_id: i64,
    input: &TransferInput,
) -> Result<(TransferQuote, Option<user::Model>), AppError> {
    let me = client(db, user_id).await?;
    let mut errs = Errors::default();
    let from = money::currency(&input.from);
    let to = money::currency(&input.to);
    if from.is_none() {
        errs.add("from", "err.currency_unknown");
    }
    if to.is_none() {
        errs.add("to", "err.currency_unknown");
    }
    let amount = from.and_then(|c| errs.check("amount", money::parse_amount(&input.amount, c)));
    let recipient_text = input.recipient.trim();
    let mut recipient = None;
    if !recipient_text.is_empty() {
        if !settings::funds_settings(db).await?.third_party_transfers {
            errs.add("recipient", "err.third_party_disabled");
        } else {
            let found = match recipient_text.parse::<i64>() {
                Ok(id) => user::Entity::find_by_id(id).one(db).await?,
                Err(_) => {
                    user::Entity::find()
                        .filter(user::Column::Email.eq(recipient_text.to_lowercase()))
                        .one(db)
                        .await?
                }
            };
            match found {
                Some(u) if u.id == user_id => errs.add("recipient", "err.recipient_self"),
                Some(u)
                    if (u.kind == UserKind::Trader || u.kind == UserKind::Ib)
                        && u.status == "active" =>
                {
                    recipient = Some(u)
                }
                _ => errs.add("recipient", "err.recipient_unknown"),
            }
            if from.is_some() && from != to {
                errs.add("to", "err.third_party_same_currency");
            }
        }
    } else if from.is_some() && from == to {
        errs.add("to", "err.same_currency");
    }
    let (from, to, amount) = errs.values((from, to, amount))?;
    let (credited, rate) = if from == to {
        (amount, rust_decimal::Decimal::ONE)
    } else {
        let rate = settings::rate_for(db, from, to, me.group_id)
            .await?
            .ok_or_else(|| AppError::field("to", "err.rate_missing"))?;
        let credited = money::convert(amount, from, to, rate)
            .ok_or_else(|| AppError::field("amount", "err.amount_too_large"))?;
        if credited <= 0 {
            return Err(AppError::field("amount", "err.amount_too_small_to_convert"));
        }
        (credited, rate)
    };
    Ok((
        TransferQuote {
            amount: money::format(amount, from),
            from: from.code.into(),
            credited: money::format(credited, to),
            to: to.code.into(),
            rate: rate.normalize().to_string(),
        },
        recipient,
    ))
}

pub async fn transfer(
    db: &DatabaseConnection,
    user_id: i64,
    input: TransferInput,
    from_ip: &Origin,
) -> Result<RequestRow, AppError> {
    let me = client(db, user_id).await?;
    settings::require_kyc(db, &me, "transfer").await?;
    let (q, recipient) = quote(db, user_id, &input).await?;
    let max_pending = max_pending(db).await?;
    let from = money::currency(&q.from).or_internal("a quoted currency is unknown")?;
    let to = money::currency(&q.to).or_internal("a quoted currency is unknown")?;
    let amount = money::parse_amount(&q.amount, from).map_err(|c| AppError::field("amount", c))?;
    let credited =
        money::parse_amount(&q.credited, to).map_err(|c| AppError::field("amount", c))?;
    let wallet = ledger::wallet(db, user_id, from).await?;
    // Make sure the target wallet exists before the transaction that credits it.
    let target = ledger::wallet(db, recipient.as_ref().map_or(user_id, |r| r.id), to).await?;
    let txn = db.write().await?;
    let done = approvals::submit(
        &txn,
        Submission {
            idempotency_key: input.idempotency_key,
            kind: Some(RequestKind::Transfer),
            user_id,
            created_by: user_id,
            currency: Some(from),
            amount_minor: Some(amount),
            counterparty_id: recipient.as_ref().map(|r| r.id),
            target_currency: Some(to),
            target_amount_minor: Some(credited),
            payload: serde_json::json!({"Rate": q.rate}),
            hold_wallet: Some(wallet.id),
            credit_wallet: Some(target.id),
            max_pending: Some(max_pending),
            ..Default::default()
        },
        from_ip,
    )
    .await?;
    txn.commit().await?;
    approvals::client_row(db, approvals::own(db, user_id, done.request.id).await?).await
}

// ---------------------------------------------------------------- destinations

pub async fn destinations(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<DestinationDto>, AppError> {
    Ok(payout_destination::Entity::find()
        .filter(payout_destination::Column::UserId.eq(user_id))
        .filter(payout_destination::Column::Active.eq(true))
        .order_by_asc(payout_destination::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|d| DestinationDto {
            id: d.id,
            kind: d.kind,
            label: d.label,
            details: d.details,
        })
        .collect())
}

/// The Luhn checksum every card number carries.
fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| {
            // Every second digit from the right is doubled, its digits summed.
            if i % 2 == 0 {
                d
            } else if d * 2 > 9 {
                d * 2 - 9
            } else {
                d * 2
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The last `n` characters of a text (all of it when shorter), cut between characters.
fn last_chars(s: &str, n: usize) -> &str {
    let skip = s.chars().count().saturating_sub(n);
    s.char_indices().nth(skip).map_or("", |(i, _)| &s[i..])
}

const NETWORKS: &[&str] = &["TRC20", "ERC20", "BEP20", "SOL"];
const MAX_DESTINATIONS: usize = 10;

pub async fn add_destination(
    db: &DatabaseConnection,
    user_id: i64,
    kind: &str,
    label: &str,
    number: &str,
    network: &str,
    from: &Origin,
) -> Result<DestinationDto, AppError> {
    let mut errs = Errors::default();
    let label = label.trim();
    if label.is_empty() || label.chars().count() > 60 {
        errs.add("label", "err.name_length");
    }
    let number: String = number
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let details = match kind {
        "bank_card" => {
            if !number.chars().all(|c| c.is_ascii_digit())
                || !(12..=19).contains(&number.chars().count())
                || !luhn(&number)
            {
                errs.add("number", "err.card_invalid");
                String::new()
            } else {
                // Only the last four digits are kept: the firm pays out through its PSP's token.
                format!("•••• {}", last_chars(&number, 4))
            }
        }
        "crypto" => {
            if !(26..=64).contains(&number.len())
                || !number.chars().all(|c| c.is_ascii_alphanumeric())
            {
                errs.add("number", "err.address_invalid");
            }
            let network = network.trim().to_uppercase();
            if !NETWORKS.contains(&network.as_str()) {
                errs.add("network", "err.network_unknown");
            }
            format!("{number} ({network})")
        }
        _ => {
            errs.add("kind", "err.destination_kind");
            String::new()
        }
    };
    errs.into_result()?;
    if destinations(db, user_id).await?.len() >= MAX_DESTINATIONS {
        return Err(AppError::field("form", "err.too_many_destinations"));
    }
    let txn = db.write().await?;
    let d = payout_destination::ActiveModel {
        user_id: Set(user_id),
        kind: Set(kind.into()),
        label: Set(label.into()),
        details: Set(details),
        active: Set(true),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(user_id),
        "destination.add",
        "payout_destination",
        Some(d.id),
        serde_json::json!({"kind": kind}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(DestinationDto {
        id: d.id,
        kind: d.kind,
        label: d.label,
        details: d.details,
    })
}

/// Hides a destination (pending withdrawals keep pointing at it).
pub async fn remove_destination(
    db: &DatabaseConnection,
    user_id: i64,
    id: i64,
) -> Result<(), AppError> {
    let r = payout_destination::Entity::update_many()
        .col_expr(payout_destination::Column::Active, false.into())
        .filter(payout_destination::Column::Id.eq(id))
        .filter(payout_destination::Column::UserId.eq(user_id))
        .filter(payout_destination::Column::Active.eq(true))
        .exec(db)
        .await?;
    if r.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn luhn_accepts_test_cards_and_refuses_typos() {
        assert!(super::luhn("4242424242424242"));
        assert!(super::luhn("5555555555554444"));
        assert!(!super::luhn("4242424242424241"));
    }

    #[test]
    fn last_chars_cuts_between_characters() {
        assert_eq!(super::last_chars("4242424242424242", 4), "4242");
        assert_eq!(super::last_chars("€€€€€", 4), "€€€€");
        assert_eq!(super::last_chars("٣٣", 4), "٣٣");
        assert_eq!(super::last_chars("", 4), "");
    }
}
