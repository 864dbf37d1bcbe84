//! Setting up a competition: its name and banner, rules in each language, registration and
//! trading periods, entry fee and starting balance, symbols, the client groups that may join,
//! the ranking measure, the board's size, the prize table and how prizes are paid. Once anyone
//! has joined, what they paid for (currency, fee, starting balance, measure) is fixed; once the
//! ranks are final, nothing changes.
use super::*;
use crate::domain::competition::{BOARD_MAX, Measure, PayoutMode, check_prizes, prize_line};
use crate::domain::money::{self, Currency};
use crate::domain::validation::{self as v, Errors};
use crate::model::{CompetitionForm, CompetitionStats, EntrantRow};
use crate::server::entity::{client_group, competition, competition_entry, trading_account, user};
use crate::server::infra::audit;
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
};
use std::collections::HashMap;
use std::str::FromStr;

const RULES_MAX: usize = 5_000;
const SYMBOLS_MAX: usize = 20;

fn when(raw: &str) -> Result<DateTime<Utc>, &'static str> {
    NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%dT%H:%M")
        .map(|d| d.and_utc())
        .map_err(|_| "err.date_invalid")
}

/// An entry fee: empty or zero is a free competition.
fn fee(raw: &str, cur: Currency) -> Result<i64, &'static str> {
    let t = raw.trim();
    if t.is_empty() || Decimal::from_str(t).is_ok_and(|d| d.is_zero()) {
        return Ok(0);
    }
    money::parse_amount(t, cur)
}

fn banner(raw: &str) -> Result<String, &'static str> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(String::new());
    }
    if t.len() > 500
        || !(t.starts_with("https://") || (t.starts_with('/') && !t.starts_with("//")))
        || t.chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"')
    {
        return Err("err.url_invalid");
    }
    Ok(t.to_string())
}

/// "EURUSD, gbpusd" → "EURUSD,GBPUSD"; empty: every symbol.
fn symbols(raw: &str) -> Result<String, &'static str> {
    let list: Vec<String> = raw
        .split([',', ' ', '\n'])
        .map(|s| s.trim().to_ascii_uppercase())
        .filter(|s| !s.is_empty())
        .collect();
    if list.len() > SYMBOLS_MAX
        || list
            .iter()
            .any(|s| s.len() > 12 || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'))
    {
        return Err("err.symbol_invalid");
    }
    Ok(list.join(","))
}

fn prize_table(raw: &str, cur: Currency, board: u32) -> Result<Vec<Prize>, &'static str> {
    let mut out = Vec::new();
    for line in raw.lines().filter(|l| !l.trim().is_empty()) {
        let (from, to, amount) = prize_line(line).ok_or("err.prize_line")?;
        out.push(Prize {
            from,
            to,
            amount: money::parse_amount(amount, cur)?,
        });
    }
    check_prizes(out, board)
}

fn rules_json(en: &str, es: &str) -> String {
    let mut t = Texts::from([(Locale::En.code().to_string(), en.to_string())]);
    if !es.is_empty() {
        t.insert(Locale::Es.code().to_string(), es.to_string());
    }
    serde_json::to_string(&t).unwrap_or_default()
}

/// Creates (`id` 0) or changes a competition.
pub async fn save(
    db: &DatabaseConnection,
    staff: i64,
    f: CompetitionForm,
    from: &Origin,
) -> Result<i64, AppError> {
    let mut e = Errors::default();
    let name = e.check("name", v::name(&f.name));
    let banner_url = e.check("banner_url", banner(&f.banner_url));
    let rules_en = e.check("rules_en", v::text(&f.rules_en, RULES_MAX));
    let rules_es = e.check(
        "rules_es",
        if f.rules_es.trim().is_empty() {
            Ok(String::new())
        } else {
            v::text(&f.rules_es, RULES_MAX)
        },
    );
    let reg_start = e.check("registration_start", when(&f.registration_start));
    let reg_end = e.check("registration_end", when(&f.registration_end));
    let start = e.check("start_at", when(&f.start_at));
    let end = e.check("end_at", when(&f.end_at));
    let cur = e.check(
        "currency",
        money::currency(f.currency.trim()).ok_or("err.currency_unknown"),
    );
    let measure = e.check(
        "measure",
        Measure::parse(&f.measure).ok_or("err.measure_unknown"),
    );
    let payout = e.check(
        "payout",
        PayoutMode::parse(&f.payout).ok_or("err.payout_unknown"),
    );
    let symbols = e.check("symbols", symbols(&f.symbols));
    let board = e.check(
        "board_size",
        (1..=BOARD_MAX as i32)
            .contains(&f.board_size)
            .then_some(f.board_size as u32)
            .ok_or("err.setting_range"),
    );
    let (mut fee_minor, mut balance, mut prizes) = (None, None, None);
    if let Some(c) = cur {
        fee_minor = e.check("fee", fee(&f.fee, c));
        balance = e.check(
            "starting_balance",
            money::parse_amount(&f.starting_balance, c),
        );
        if let Some(b) = board {
            prizes = e.check("prizes", prize_table(&f.prizes, c, b));
        }
    }
    if let (Some(rs), Some(re), Some(s), Some(en)) = (reg_start, reg_end, start, end) {
        let d = Dates {
            registration_start: rs,
            registration_end: re,
            start: s,
            end: en,
        };
        if let Err((field, code)) = d.check() {
            e.add(field, code);
        }
    }
    let (name, banner_url, rules_en, rules_es, (rs, re, s, en), (cur, measure, payout)) = e
        .values((
            name,
            banner_url,
            rules_en,
            rules_es,
            reg_start
                .zip(reg_end)
                .zip(start)
                .zip(end)
                .map(|(((a, b), c), d)| (a, b, c, d)),
            cur.zip(measure).zip(payout).map(|((a, b), c)| (a, b, c)),
        ))?;
    let (symbols, board, fee_minor, balance, prizes) =
        Errors::default().values((symbols, board, fee_minor, balance, prizes))?;
    let mut groups = f.group_ids.clone();
    groups.sort_unstable();
    groups.dedup();
    let known = client_group::Entity::find()
        .filter(client_group::Column::Id.is_in(groups.clone()))
        .count(db)
        .await?;
    if known as usize != groups.len() {
        return Err(AppError::field("group_ids", "err.group_unknown"));
    }
    let now = Utc::now();
    let txn = db.write().await?;
    let mut am = match f.id {
        0 => competition::ActiveModel {
            server_id: Set(None),
            settled_at: Set(None),
            paid_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        },
        id => {
            let c = competition::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or(AppError::NotFound)?;
            if c.settled_at.is_some() {
                return Err(AppError::field("name", "err.competition_settled"));
            }
            let joined = competition_entry::Entity::find()
                .filter(competition_entry::Column::CompetitionId.eq(id))
                .count(&txn)
                .await?;
            if joined > 0
                && (c.currency != cur.code
                    || c.fee_minor != fee_minor
                    || c.starting_balance_minor != balance
                    || c.measure != measure)
            {
                return Err(AppError::field("fee", "err.competition_has_entrants"));
            }
            c.into_active_model()
        }
    };
    am.name = Set(name.clone());
    am.banner_url = Set(banner_url);
    am.rules = Set(rules_json(&rules_en, &rules_es));
    am.registration_start = Set(rs);
    am.registration_end = Set(re);
    am.start_at = Set(s);
    am.end_at = Set(en);
    am.currency = Set(cur.code.into());
    am.fee_minor = Set(fee_minor);
    am.starting_balance_minor = Set(balance);
    am.symbols = Set(symbols);
    am.group_ids = Set(serde_json::to_string(&groups).unwrap_or_else(|_| "[]".into()));
    am.measure = Set(measure);
    am.board_size = Set(board as i32);
    am.prizes = Set(serde_json::to_string(&prizes).unwrap_or_else(|_| "[]".into()));
    am.payout = Set(payout);
    am.published = Set(f.published);
    am.updated_at = Set(now);
    let saved = am.save(&txn).await?;
    let id = saved.id.unwrap();
    audit::record(
        &txn,
        Some(staff),
        if f.id == 0 {
            "competition.create"
        } else {
            "competition.update"
        },
        "competition",
        Some(id),
        serde_json::json!({"name": name, "published": f.published, "fee_minor": fee_minor, "prizes": prizes}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

async fn entrant_counts(db: &impl ConnectionTrait) -> Result<HashMap<i64, i64>, AppError> {
    use sea_orm::QuerySelect;
    Ok(competition_entry::Entity::find()
        .select_only()
        .column(competition_entry::Column::CompetitionId)
        .column_as(competition_entry::Column::Id.count(), "n")
        .group_by(competition_entry::Column::CompetitionId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Every competition, the newest first.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<CompetitionRow>, AppError> {
    let counts = entrant_counts(db).await?;
    competition::Entity::find()
        .order_by_desc(competition::Column::StartAt)
        .order_by_desc(competition::Column::Id)
        .all(db)
        .await?
        .iter()
        .map(|c| {
            row(
                c,
                Locale::En,
                counts.get(&c.id).copied().unwrap_or(0),
                false,
            )
        })
        .collect()
}

/// The published competitions a client's group may see, with whether they joined.
pub async fn for_client(
    db: &impl ConnectionTrait,
    client: i64,
) -> Result<Vec<CompetitionRow>, AppError> {
    let u = user::Entity::find_by_id(client)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let counts = entrant_counts(db).await?;
    let mine: Vec<i64> = competition_entry::Entity::find()
        .filter(competition_entry::Column::UserId.eq(client))
        .all(db)
        .await?
        .into_iter()
        .map(|e| e.competition_id)
        .collect();
    competition::Entity::find()
        .filter(competition::Column::Published.eq(true))
        .order_by_desc(competition::Column::StartAt)
        .all(db)
        .await?
        .iter()
        .filter(|c| open_to(c, u.group_id) || mine.contains(&c.id))
        .map(|c| {
            row(
                c,
                Locale::from_code(&u.locale),
                counts.get(&c.id).copied().unwrap_or(0),
                mine.contains(&c.id),
            )
        })
        .collect()
}

/// Staff's page of one competition: its figures and every entrant.
pub async fn desk(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<crate::model::CompetitionDesk, AppError> {
    let c = competition::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let entries = competition_entry::Entity::find()
        .filter(competition_entry::Column::CompetitionId.eq(id))
        .all(db)
        .await?;
    let ranks = board::ranks(&entries);
    let people =
        crate::server::identity::accounts::by_id(db, entries.iter().map(|e| e.user_id)).await?;
    let accounts: HashMap<i64, trading_account::Model> = trading_account::Entity::find()
        .filter(trading_account::Column::Id.is_in(entries.iter().map(|e| e.account_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let traded = |e: &competition_entry::Model| {
        accounts.get(&e.account_id).is_some_and(|a| {
            a.open_positions > 0 || a.balance != c.starting_balance_minor || a.equity != a.balance
        })
    };
    let sum = |f: &dyn Fn(&competition_entry::Model) -> Option<i64>| -> i64 {
        entries.iter().filter_map(f).sum()
    };
    let stats = CompetitionStats {
        entrants: entries.len() as i64,
        suspended: entries
            .iter()
            .filter(|e| e.status == crate::domain::competition::EntryStatus::Suspended)
            .count() as i64,
        active_traders: entries.iter().filter(|e| traded(e)).count() as i64,
        fees: money(sum(&|e| Some(e.fee_minor)), &c)?,
        prizes_paid: money(sum(&|e| e.paid_at.and(e.prize_minor)), &c)?,
        prizes_due: money(
            sum(&|e| {
                if e.paid_at.is_none() {
                    e.prize_minor
                } else {
                    None
                }
            }),
            &c,
        )?,
    };
    let mut rows = entries
        .iter()
        .map(|e| {
            let u = people.get(&e.user_id);
            Ok(EntrantRow {
                entry_id: e.id,
                user_id: e.user_id,
                name: u
                    .map(crate::server::identity::accounts::full_name)
                    .unwrap_or_default(),
                email: u.map(|u| u.email.clone()).unwrap_or_default(),
                country: u.map(|u| u.country.clone()).unwrap_or_default(),
                login: accounts
                    .get(&e.account_id)
                    .map(|a| a.login.clone())
                    .unwrap_or_default(),
                status: e.status,
                suspend_reason: e.suspend_reason.clone(),
                rank: ranks.get(&e.id).copied(),
                score: score_text(&c, e.score),
                equity: money(e.equity_minor, &c)?,
                fee: money(e.fee_minor, &c)?,
                prize: e.prize_minor.map(|p| money(p, &c)).transpose()?,
                paid: e.paid_at.is_some(),
                joined_at: e.joined_at,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    rows.sort_by_key(|r| (r.rank.unwrap_or(u32::MAX), r.entry_id));
    Ok(crate::model::CompetitionDesk {
        competition: row(&c, Locale::En, entries.len() as i64, false)?,
        stats,
        entrants: rows,
    })
}
