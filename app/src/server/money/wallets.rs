//! Wallets as people see them: a client's balances, the back office's wallets list and
//! "modify balance", and the transactions report (wallet postings with their entries).
use crate::domain::access::UserKind;
use crate::domain::money::{self, CURRENCIES, Currency, Money};
use crate::domain::validation::Errors;
use crate::error::AppError;
use crate::error::OrInternal;
use crate::model::{ClientSummary, ListQuery, Page, TransactionRow, WalletDto, WalletRow};
use crate::server::entity::{client_group, journal_entry, ledger_account, posting, user};
use crate::server::identity::scope::Scope;
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use crate::server::money::ledger::{self, AccountKind, Entry, Leg};
use crate::server::{infra::audit, infra::list, infra::notify};
use chrono::NaiveDate;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait,
};
use std::collections::{BTreeMap, HashMap};

fn dto(a: &ledger_account::Model) -> Result<WalletDto, AppError> {
    let cur = money::currency(&a.currency).or_internal("a wallet in an unknown currency")?;
    Ok(wallet(a.balance_minor, a.held_minor, cur))
}

fn wallet(balance_minor: i64, held_minor: i64, cur: Currency) -> WalletDto {
    WalletDto {
        balance: Money::new(balance_minor, cur),
        held: Money::new(held_minor, cur),
        // The ledger keeps held within the balance, so this cannot overflow.
        available: Money::new(balance_minor.saturating_sub(held_minor), cur),
    }
}

/// A client's wallets, one per currency (the ones never used show zero).
pub async fn of_client(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<WalletDto>, AppError> {
    let have: HashMap<String, ledger_account::Model> = ledger_account::Entity::find()
        .filter(ledger_account::Column::Kind.eq(AccountKind::Wallet))
        .filter(ledger_account::Column::OwnerId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.currency.clone(), a))
        .collect();
    CURRENCIES
        .iter()
        .map(|c| match have.get(c.code) {
            Some(a) => dto(a),
            None => Ok(wallet(0, 0, *c)),
        })
        .collect()
}

pub async fn client_summary(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<ClientSummary, AppError> {
    let u = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .filter(|u| u.kind != UserKind::Staff)
        .ok_or(AppError::NotFound)?;
    let group = match u.group_id {
        Some(g) => client_group::Entity::find_by_id(g)
            .one(db)
            .await?
            .map(|g| g.name),
        None => None,
    };
    Ok(ClientSummary {
        id: u.id,
        name: format!("{} {}", u.first_name, u.last_name),
        email: u.email.clone(),
        kind: u.kind,
        country: u.country.clone(),
        status: u.status.clone(),
        kyc_status: u.kyc_status,
        group_id: u.group_id,
        group: group.unwrap_or_default(),
        created_at: u.created_at,
        wallets: of_client(db, user_id).await?,
    })
}

/// Client ids matching a search: a number is a user ID (exactly, so one client's page never
/// shows another's postings); anything else matches email or name.
async fn matching_clients(
    db: &impl ConnectionTrait,
    text: &str,
) -> Result<Option<Vec<i64>>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Ok(id) = text.parse::<i64>() {
        return Ok(Some(vec![id]));
    }
    let any = list::search(
        text,
        &[
            user::Column::Email,
            user::Column::FirstName,
            user::Column::LastName,
        ],
    )
    .unwrap_or_else(Condition::any);
    Ok(Some(
        user::Entity::find()
            .filter(any)
            .select_only()
            .column(user::Column::Id)
            .into_tuple()
            .all(db)
            .await?,
    ))
}

async fn names(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<HashMap<i64, user::Model>, AppError> {
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect())
}

pub async fn list(
    db: &impl ConnectionTrait,
    scope: &Scope,
    q: &ListQuery,
    paged: bool,
) -> Result<Page<WalletRow>, AppError> {
    use ledger_account::Column as C;
    let mut select = scope.restrict(
        ledger_account::Entity::find().filter(C::Kind.eq(AccountKind::Wallet)),
        C::OwnerId,
    );
    if let Some(ids) = matching_clients(db, &q.q).await? {
        select = select.filter(C::OwnerId.is_in(ids));
    }
    if money::currency(&q.currency).is_some() {
        select = select.filter(C::Currency.eq(q.currency.as_str()));
    }
    let col = match q.sort.as_str() {
        "currency" => C::Currency,
        "balance" => C::BalanceMinor,
        "held" => C::HeldMinor,
        "user" => C::OwnerId,
        _ => C::Id,
    };
    select = if q.desc {
        select.order_by_desc(col)
    } else {
        select.order_by_asc(col)
    };
    let (accounts, total) = list::fetch(db, select, q, paged).await?;
    let users = names(db, accounts.iter().map(|a| a.owner_id).collect()).await?;
    let rows = accounts
        .iter()
        .map(|a| {
            let w = dto(a)?;
            let u = users.get(&a.owner_id);
            Ok(WalletRow {
                user_id: a.owner_id,
                client: u
                    .map(|u| format!("{} {}", u.first_name, u.last_name))
                    .unwrap_or_default(),
                email: u.map(|u| u.email.clone()).unwrap_or_default(),
                balance: w.balance,
                held: w.held,
                available: w.available,
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(list::page(rows, total, q, paged))
}

fn day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// Wallet postings with their entries: every movement of client money in the caller's scope.
/// `only_user` limits it to one client's wallets (the client's own list).
pub async fn transactions(
    db: &impl ConnectionTrait,
    scope: &Scope,
    q: &ListQuery,
    only_user: Option<i64>,
    paged: bool,
) -> Result<Page<TransactionRow>, AppError> {
    use posting::Column as P;
    let mut wallets = scope.restrict(
        ledger_account::Entity::find()
            .select_only()
            .column(ledger_account::Column::Id)
            .filter(ledger_account::Column::Kind.eq(AccountKind::Wallet)),
        ledger_account::Column::OwnerId,
    );
    if let Some(u) = only_user {
        wallets = wallets.filter(ledger_account::Column::OwnerId.eq(u));
    } else if let Some(ids) = matching_clients(db, &q.q).await? {
        wallets = wallets.filter(ledger_account::Column::OwnerId.is_in(ids));
    }
    if money::currency(&q.currency).is_some() {
        wallets = wallets.filter(ledger_account::Column::Currency.eq(q.currency.as_str()));
    }
    let mut select = posting::Entity::find().filter(P::AccountId.in_subquery(wallets.into_query()));
    let mut entries = journal_entry::Entity::find()
        .select_only()
        .column(journal_entry::Column::Id);
    let mut entry_filter = false;
    if !q.filter.is_empty() {
        entries = entries.filter(journal_entry::Column::Kind.eq(q.filter.as_str()));
        entry_filter = true;
    }
    if let Some(d) = day(&q.from) {
        entries = entries.filter(
            journal_entry::Column::CreatedAt
                .gte(d.and_hms_opt(0, 0, 0).expect("midnight").and_utc()),
        );
        entry_filter = true;
    }
    if let Some(d) = day(&q.to).and_then(|d| d.succ_opt()) {
        entries = entries.filter(
            journal_entry::Column::CreatedAt
                .lt(d.and_hms_opt(0, 0, 0).expect("midnight").and_utc()),
        );
        entry_filter = true;
    }
    if entry_filter {
        select = select.filter(P::EntryId.in_subquery(entries.into_query()));
    }
    select = match (q.sort.as_str(), q.desc) {
        ("amount", true) => select.order_by_desc(P::AmountMinor),
        ("amount", false) => select.order_by_asc(P::AmountMinor),
        (_, false) => select.order_by_asc(P::Id),
        (_, true) => select.order_by_desc(P::Id),
    };
    let (postings, total) = list::fetch(db, select, q, paged).await?;
    let accounts: HashMap<i64, ledger_account::Model> = ledger_account::Entity::find()
        .filter(ledger_account::Column::Id.is_in(postings.iter().map(|p| p.account_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let entries: HashMap<i64, journal_entry::Model> = journal_entry::Entity::find()
        .filter(journal_entry::Column::Id.is_in(postings.iter().map(|p| p.entry_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    let users = names(db, accounts.values().map(|a| a.owner_id).collect()).await?;
    let rows = postings
        .into_iter()
        .filter_map(|p| {
            let a = accounts.get(&p.account_id)?;
            let e = entries.get(&p.entry_id)?;
            let cur = money::currency(&a.currency)?;
            let u = users.get(&a.owner_id);
            Some(TransactionRow {
                id: p.id,
                entry_id: e.id,
                at: e.created_at,
                user_id: a.owner_id,
                client: u
                    .map(|u| format!("{} {}", u.first_name, u.last_name))
                    .unwrap_or_default(),
                currency: a.currency.clone(),
                kind: e.kind.clone(),
                amount: money::format(p.amount_minor, cur),
                memo: e.memo.clone(),
            })
        })
        .collect();
    Ok(list::page(rows, total, q, paged))
}

pub struct Adjustment {
    pub idempotency_key: String,
    pub user_id: i64,
    pub currency: String,
    /// deposit | withdraw
    pub direction: String,
    pub amount: String,
    pub comment: String,
}

/// Staff "modify balance": applied at once against the firm's manual-adjustments account,
/// with a mandatory comment, audited, and the client told.
pub async fn adjust(
    db: &DatabaseConnection,
    actor: i64,
    a: Adjustment,
    from: &Origin,
) -> Result<(), AppError> {
    let mut errs = Errors::default();
    let cur = money::currency(&a.currency);
    if cur.is_none() {
        errs.add("currency", "err.currency_unknown");
    }
    let sign = match a.direction.as_str() {
        "deposit" => 1,
        "withdraw" => -1,
        _ => {
            errs.add("direction", "err.direction_unknown");
            0
        }
    };
    let amount = cur.and_then(|c| errs.check("amount", money::parse_amount(&a.amount, c)));
    let comment = a.comment.trim();
    if comment.is_empty() {
        errs.add("comment", "err.comment_required");
    } else if comment.chars().count() > 500 {
        errs.add("comment", "err.too_long");
    }
    if a.idempotency_key.trim().is_empty() || a.idempotency_key.len() > 100 {
        errs.add("form", "err.idempotency_key");
    }
    let (cur, amount) = errs.values((cur, amount))?;
    user::Entity::find_by_id(a.user_id)
        .one(db)
        .await?
        .filter(|u| u.kind != UserKind::Staff)
        .ok_or(AppError::NotFound)?;
    let wallet = ledger::wallet(db, a.user_id, cur).await?;
    let manual = ledger::firm(db, AccountKind::ManualAdjustments, cur).await?;
    let key = format!("adjust-{actor}-{}", a.idempotency_key.trim());
    let txn = db.write().await?;
    let posted = ledger::post_in(
        &txn,
        Entry {
            idempotency_key: &key,
            kind: "adjustment",
            currency: cur,
            legs: vec![
                Leg {
                    account_id: wallet.id,
                    amount_minor: sign * amount,
                },
                Leg {
                    account_id: manual.id,
                    amount_minor: -sign * amount,
                },
            ],
            memo: comment,
            actor_id: Some(actor),
        },
    )
    .await?;
    if !posted.replayed {
        audit::record(
            &txn,
            Some(actor),
            "wallet.adjust",
            "user",
            Some(a.user_id),
            serde_json::json!({"currency": cur.code, "amount_minor": sign * amount, "comment": comment, "entry_id": posted.entry_id}),
            &from.ip,
        )
        .await?;
        let data = BTreeMap::from([
            (
                "amount".to_string(),
                format!("{} {}", money::format(sign * amount, cur), cur.code),
            ),
            ("comment".to_string(), comment.to_string()),
        ]);
        notify::push(&txn, a.user_id, "notice.balance_adjusted", data).await?;
    }
    txn.commit().await?;
    Ok(())
}
