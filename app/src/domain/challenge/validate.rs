//! Validation of a challenge definition: every problem at once, each under its field's path.
use super::*;
use crate::domain::clock;
use crate::domain::money::{self, MAX_MINOR};
use crate::domain::rules::TradeLossLimit;
use crate::domain::validation::{Errors, FieldError};
use std::collections::HashSet;

const NAME_MAX: usize = 100;
const TYPES_MAX: usize = 10;
const TYPE_MAX: usize = 30;
const URL_MAX: usize = 500;
const DETAILS_MAX: usize = 20_000;
const LANGUAGES: &[&str] = &["en", "es"];
const PACKAGES_MAX: usize = 10;
const KEY_MAX: usize = 20;
const LEVERAGE_MAX: u32 = 1_000;
const STAGES_MAX: usize = 5;
/// 100%.
const BPS_MAX: i64 = 10_000;
const PERIOD_MAX: u32 = 3_650;
const ATTEMPTS_MAX: u32 = 20;
/// How many referrers up the tree a profit share may pay.
const REFERRER_LEVELS_MAX: usize = 10;

impl ChallengeDef {
    /// Every problem, each under its field's path (see the module tests for the paths).
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut e = Errors::default();
        let name = self.name.trim();
        if name.is_empty() {
            e.add("name", "err.required");
        } else if name.chars().count() > NAME_MAX {
            e.add("name", "err.challenge_name_too_long");
        }
        self.validate_types(&mut e);
        if self.time_zone.is_empty() {
            e.add("time_zone", "err.required");
        } else {
            e.check("time_zone", clock::parse_tz(&self.time_zone));
        }
        e.check("day_ends_at", clock::parse_day_end(&self.day_ends_at));
        e.check("cover_url", url(&self.cover_url));
        e.check("poster_url", url(&self.poster_url));
        for (lang, text) in &self.details {
            let field = format!("details.{lang}");
            if !LANGUAGES.contains(&lang.as_str()) {
                e.add(&field, "err.challenge_details_language");
            } else if text.chars().count() > DETAILS_MAX {
                e.add(&field, "err.challenge_details_too_long");
            }
        }
        if self.packages.is_empty() {
            e.add("packages", "err.challenge_packages_none");
        } else if self.packages.len() > PACKAGES_MAX {
            e.add("packages", "err.challenge_packages_too_many");
        }
        let mut keys = HashSet::new();
        let mut names = HashSet::new();
        for (i, p) in self.packages.iter().enumerate() {
            let at = |f: &str| format!("packages.{i}.{f}");
            if p.key.is_empty() {
                e.add(&at("key"), "err.required");
            } else if p.key.len() > KEY_MAX
                || !p
                    .key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                e.add(&at("key"), "err.package_key_invalid");
            } else if !keys.insert(p.key.as_str()) {
                e.add(&at("key"), "err.package_key_duplicate");
            }
            let name = p.name.trim();
            if name.is_empty() {
                e.add(&at("name"), "err.required");
            } else if name.chars().count() > NAME_MAX {
                e.add(&at("name"), "err.package_name_too_long");
            } else if !names.insert(name.to_lowercase()) {
                e.add(&at("name"), "err.package_name_duplicate");
            }
            if money::currency(&p.currency).is_none() {
                e.add(&at("currency"), "err.currency_unknown");
            }
            if p.account_size_minor <= 0 {
                e.add(&at("account_size"), "err.amount_not_positive");
            } else if p.account_size_minor > MAX_MINOR {
                e.add(&at("account_size"), "err.amount_too_large");
            }
            e.check(&at("fee"), fee(p.fee_minor));
            if !(1..=LEVERAGE_MAX).contains(&p.leverage) {
                e.add(&at("leverage"), "err.package_leverage_range");
            }
            if p.stages.is_empty() {
                e.add(&at("stages"), "err.package_stages_none");
            } else if p.stages.len() > STAGES_MAX {
                e.add(&at("stages"), "err.package_stages_too_many");
            }
            let last = p.stages.len().saturating_sub(1);
            for (j, s) in p.stages.iter().enumerate() {
                validate_stage(&mut e, &format!("packages.{i}.stages.{j}"), s, j == last);
            }
        }
        if !self.pay_from_wallet && !self.pay_direct {
            e.add("payment", "err.challenge_payment_none");
        }
        let fees: Vec<i64> = self.packages.iter().map(|p| p.fee_minor).collect();
        self.commissions.validate(&fees, &mut e);
        let mut groups = HashSet::new();
        if !self.groups.iter().all(|g| groups.insert(*g)) {
            e.add("groups", "err.challenge_group_duplicate");
        }
        e.into_result()
    }

    /// Each kind of problem with the types is reported once: they share one field.
    fn validate_types(&self, e: &mut Errors) {
        if self.types.len() > TYPES_MAX {
            e.add("types", "err.challenge_types_too_many");
        }
        if self
            .types
            .iter()
            .any(|t| !(1..=TYPE_MAX).contains(&t.trim().chars().count()))
        {
            e.add("types", "err.challenge_type_length");
        }
        let mut seen = HashSet::new();
        if !self
            .types
            .iter()
            .all(|t| seen.insert(t.trim().to_lowercase()))
        {
            e.add("types", "err.challenge_type_duplicate");
        }
    }
}

/// An image address: empty, absolute https, or a path on this site. "//host" is refused: it
/// is another site, fetched over whatever scheme the page uses.
fn url(u: &str) -> Result<(), &'static str> {
    if u.is_empty() {
        return Ok(());
    }
    if u.chars().count() > URL_MAX {
        return Err("err.challenge_url_too_long");
    }
    let shape_ok = (u.starts_with("https://") && u.len() > "https://".len())
        || (u.starts_with('/') && !u.starts_with("//"));
    if !shape_ok || u.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("err.challenge_url_invalid");
    }
    Ok(())
}

fn fee(minor: i64) -> Result<(), &'static str> {
    if minor < 0 {
        Err("err.fee_negative")
    } else if minor > MAX_MINOR {
        Err("err.amount_too_large")
    } else {
        Ok(())
    }
}

/// A percentage limit: 0% is meaningless and more than 100% of the balance cannot happen.
fn percent(bps: Option<i64>) -> Result<(), &'static str> {
    match bps {
        Some(b) if b <= 0 || b > BPS_MAX => Err("err.stage_percent_range"),
        _ => Ok(()),
    }
}

fn validate_stage(e: &mut Errors, prefix: &str, s: &StageDef, is_last: bool) {
    let at = |f: &str| format!("{prefix}.{f}");
    let live = s.environment == Environment::Live;
    // Funded trading ends the journey: nothing can follow it, so a live stage first is only a
    // one-step challenge.
    if live && !is_last {
        e.add(&at("environment"), "err.stage_live_not_last");
    }
    if let Some(days) = s.period_days {
        if !(1..=PERIOD_MAX).contains(&days) {
            e.add(&at("period_days"), "err.stage_period_range");
        } else if s.min_trading_days > days {
            e.add(&at("min_trading_days"), "err.stage_min_days_above_period");
        }
    }
    if s.profit_target_bps.is_none() && !live {
        e.add(&at("profit_target"), "err.stage_demo_needs_target");
    }
    e.check(&at("profit_target"), percent(s.profit_target_bps));
    e.check(&at("max_daily_loss"), percent(s.max_daily_loss_bps));
    if e.check(&at("max_loss"), percent(s.max_loss_bps)).is_some()
        && percent(s.max_daily_loss_bps).is_ok()
    {
        // Otherwise the overall limit always fires first and the daily one never matters.
        if let (Some(daily), Some(total)) = (s.max_daily_loss_bps, s.max_loss_bps)
            && total <= daily
        {
            e.add(&at("max_loss"), "err.stage_max_loss_not_above_daily");
        }
    }
    match s.max_loss_per_trade {
        Some(TradeLossLimit::Amount(a)) if a <= 0 => {
            e.add(&at("max_loss_per_trade"), "err.amount_not_positive");
        }
        Some(TradeLossLimit::Amount(a)) if a > MAX_MINOR => {
            e.add(&at("max_loss_per_trade"), "err.amount_too_large");
        }
        Some(TradeLossLimit::Bps(b)) => {
            e.check(&at("max_loss_per_trade"), percent(Some(b)));
        }
        _ => {}
    }
    if !(1..=ATTEMPTS_MAX).contains(&s.max_attempts) {
        e.add(&at("max_attempts"), "err.stage_attempts_range");
    }
    e.check(&at("retry_fee"), fee(s.retry_fee_minor));
    if s.profit_share_bps.is_some() && !live {
        e.add(&at("profit_share"), "err.stage_profit_share_demo");
    } else {
        e.check(&at("profit_share"), percent(s.profit_share_bps));
    }
    let shares = &s.referrer_share_bps;
    let code = if shares.is_empty() {
        None
    } else if s.profit_share_bps.is_none() {
        Some("err.stage_referrer_share_without_split")
    } else if shares.len() > REFERRER_LEVELS_MAX {
        Some("err.commission_levels_too_many")
    } else if shares.iter().any(|b| *b <= 0 || *b > BPS_MAX) {
        Some("err.stage_percent_range")
    } else if shares.iter().sum::<i64>() + s.profit_share_bps.unwrap_or(0) > BPS_MAX {
        Some("err.split_over_100")
    } else {
        None
    };
    if let Some(code) = code {
        e.add(&at("referrer_share"), code);
    }
}

#[cfg(test)]
mod tests;
