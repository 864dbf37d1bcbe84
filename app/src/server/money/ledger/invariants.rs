//! The ledger's invariants, checked against its rows (the tests and the benchmarks use it).
use super::*;
use crate::error::AppError;
use crate::server::entity::{hold, ledger_account, posting};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// The ledger's invariants, checked against the rows: every entry sums to zero; each wallet's
/// cached balance equals the sum of its postings and its held amount the sum of its active
/// holds; no wallet's balance or available balance is negative. Returns what is wrong.
pub async fn check_invariants(db: &impl ConnectionTrait) -> Result<Vec<String>, AppError> {
    use std::collections::HashMap;
    let mut problems = Vec::new();
    let postings = posting::Entity::find().all(db).await?;
    let mut per_entry: HashMap<i64, i64> = HashMap::new();
    let mut per_account: HashMap<i64, i64> = HashMap::new();
    for p in &postings {
        *per_entry.entry(p.entry_id).or_default() += p.amount_minor;
        *per_account.entry(p.account_id).or_default() += p.amount_minor;
    }
    for (entry, sum) in per_entry {
        if sum != 0 {
            problems.push(format!("entry {entry} sums to {sum}"));
        }
    }
    let mut held: HashMap<i64, i64> = HashMap::new();
    for h in hold::Entity::find()
        .filter(hold::Column::Status.eq("active"))
        .all(db)
        .await?
    {
        *held.entry(h.account_id).or_default() += h.amount_minor;
    }
    for a in ledger_account::Entity::find()
        .filter(ledger_account::Column::Kind.eq(AccountKind::Wallet))
        .all(db)
        .await?
    {
        let posted = per_account.get(&a.id).copied().unwrap_or(0);
        let holds = held.get(&a.id).copied().unwrap_or(0);
        if a.balance_minor != posted {
            problems.push(format!(
                "wallet {} caches {} but its postings sum to {posted}",
                a.id, a.balance_minor
            ));
        }
        if a.held_minor != holds {
            problems.push(format!(
                "wallet {} holds {} but its active holds sum to {holds}",
                a.id, a.held_minor
            ));
        }
        if a.balance_minor < 0 || a.balance_minor - a.held_minor < 0 {
            problems.push(format!(
                "wallet {} is negative: balance {}, held {}",
                a.id, a.balance_minor, a.held_minor
            ));
        }
    }
    Ok(problems)
}
