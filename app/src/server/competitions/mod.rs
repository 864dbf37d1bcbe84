//! Trading competitions: staff set one up (`manage`), traders join and get a competition
//! account on its trading server (`entries`), the board ranks them from the same account
//! updates the rules engine judges (`board`, a `register_update_listener!`), and when trading
//! ends the final ranks are fixed and the prizes paid, once (`results`, a job step).
pub mod board;
pub mod entries;
pub mod manage;
pub mod results;

use crate::domain::competition::{Dates, Measure, Prize, score};
use crate::domain::money::Money;
use crate::error::{AppError, OrInternal};
use crate::i18n::Locale;
use crate::model::{CompetitionRow, PrizeRow};
use crate::server::entity::competition;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

type Texts = BTreeMap<String, String>;

fn texts_get(json: &str, locale: Locale) -> String {
    let t: Texts = serde_json::from_str(json).unwrap_or_default();
    t.get(locale.code()).cloned().unwrap_or_default()
}

fn group_ids(c: &competition::Model) -> Vec<i64> {
    serde_json::from_str(&c.group_ids).unwrap_or_default()
}

fn prizes(c: &competition::Model) -> Vec<Prize> {
    serde_json::from_str(&c.prizes).unwrap_or_default()
}

fn dates(c: &competition::Model) -> Dates<DateTime<Utc>> {
    Dates {
        registration_start: c.registration_start,
        registration_end: c.registration_end,
        start: c.start_at,
        end: c.end_at,
    }
}

/// Whether a client of `group` may see and join it.
fn open_to(c: &competition::Model, group: Option<i64>) -> bool {
    let groups = group_ids(c);
    c.published && (groups.is_empty() || group.is_some_and(|g| groups.contains(&g)))
}

fn money(minor: i64, c: &competition::Model) -> Result<Money, AppError> {
    Money::of(minor, &c.currency).or_internal("a competition's currency")
}

/// The ranked figure as people read it: a percentage, or an amount.
fn score_text(c: &competition::Model, score: i64) -> String {
    match c.measure {
        Measure::ReturnPct => crate::domain::bps::Bps(score).to_string(),
        Measure::Profit | Measure::Equity => Money::of(score, &c.currency)
            .map(|m| m.to_string())
            .unwrap_or_default(),
    }
}

/// An entry's score with `equity`.
fn score_of(c: &competition::Model, equity: i64) -> i64 {
    score(c.measure, c.starting_balance_minor, equity)
}

fn row(
    c: &competition::Model,
    locale: Locale,
    entrants: i64,
    joined: bool,
) -> Result<CompetitionRow, AppError> {
    let rules_en = texts_get(&c.rules, Locale::En);
    let rules = match texts_get(&c.rules, locale) {
        t if t.is_empty() => rules_en.clone(),
        t => t,
    };
    Ok(CompetitionRow {
        prizes: prizes(c)
            .into_iter()
            .map(|p| {
                Ok(PrizeRow {
                    from: p.from,
                    to: p.to,
                    amount: money(p.amount, c)?,
                })
            })
            .collect::<Result<_, AppError>>()?,
        phase: dates(c).phase(Utc::now(), c.paid_at.is_some()),
        fee: money(c.fee_minor, c)?,
        starting_balance: money(c.starting_balance_minor, c)?,
        group_ids: group_ids(c),
        rules_es: texts_get(&c.rules, Locale::Es),
        rules,
        rules_en,
        id: c.id,
        name: c.name.clone(),
        banner_url: c.banner_url.clone(),
        registration_start: c.registration_start,
        registration_end: c.registration_end,
        start_at: c.start_at,
        end_at: c.end_at,
        symbols: c.symbols.clone(),
        measure: c.measure,
        board_size: c.board_size,
        payout: c.payout,
        published: c.published,
        entrants,
        joined,
        settled: c.settled_at.is_some(),
    })
}
