//! CSV exports of the back-office and IB lists. Each export runs the same query as the list
//! on screen, with the same filter and sort, but without paging.
use crate::domain::bps::Bps;
use crate::domain::money::Money;
use crate::error::AppError;
use crate::error::OrInternal;
use crate::model::{
    AuditRow, ClientRow, CommissionRow, CouponRow, DownlineRow, FeeRow, LinkRow, MailRow,
    ParticipantRow, ProfitShareDto, PromoCodeRow, RequestRow, StaffRow, TransactionRow, WalletRow,
};

pub trait CsvRow {
    const HEADERS: &'static [&'static str];
    fn record(&self) -> Vec<String>;
}

/// Cells starting with these are formulas in spreadsheet apps; prefixing a quote neutralises
/// them (CSV injection).
fn cell(s: &str) -> String {
    // A negative amount ("-50.00") is a number, not a formula: it stays as it is.
    let number = s
        .strip_prefix('-')
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '.'));
    if !number && s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

pub fn to_csv<T: CsvRow>(rows: &[T]) -> Result<Vec<u8>, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(T::HEADERS)
        .or_internal("writing a CSV header")?;
    for r in rows {
        w.write_record(r.record().iter().map(|c| cell(c)))
            .or_internal("writing a CSV row")?;
    }
    w.into_inner().or_internal("finishing a CSV export")
}

fn time(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

impl CsvRow for StaffRow {
    const HEADERS: &'static [&'static str] = &[
        "id",
        "email",
        "first_name",
        "last_name",
        "role",
        "status",
        "two_factor",
        "last_login",
        "created",
    ];
    fn record(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.email.clone(),
            self.first_name.clone(),
            self.last_name.clone(),
            self.role_name.clone(),
            self.status.clone(),
            self.totp_enabled.to_string(),
            self.last_login_at.as_ref().map(time).unwrap_or_default(),
            time(&self.created_at),
        ]
    }
}

impl CsvRow for ClientRow {
    const HEADERS: &'static [&'static str] = &[
        "id",
        "kind",
        "email",
        "first_name",
        "last_name",
        "country",
        "referral_code",
        "referred_by",
        "owner",
        "status",
        "created",
    ];
    fn record(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.kind.as_str().into(),
            self.email.clone(),
            self.first_name.clone(),
            self.last_name.clone(),
            self.country.clone(),
            self.referral_code.clone(),
            self.referrer.clone().unwrap_or_default(),
            self.owner.clone(),
            self.status.clone(),
            time(&self.created_at),
        ]
    }
}

impl CsvRow for AuditRow {
    const HEADERS: &'static [&'static str] = &[
        "id",
        "at",
        "actor",
        "action",
        "target_type",
        "target_id",
        "detail",
        "ip",
    ];
    fn record(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            time(&self.at),
            self.actor.clone().unwrap_or_default(),
            self.action.clone(),
            self.target_type.clone(),
            self.target_id.map(|i| i.to_string()).unwrap_or_default(),
            self.detail.clone(),
            self.ip.clone(),
        ]
    }
}

impl CsvRow for ParticipantRow {
    const HEADERS: &'static [&'static str] = &[
        "id",
        "user_id",
        "client",
        "email",
        "challenge",
        "package",
        "stage",
        "stages",
        "environment",
        "attempt",
        "status",
        "reason",
        "currency",
        "fee",
        "login",
        "balance",
        "equity",
        "data_type",
        "ib",
        "created_at",
        "started_at",
        "ended_at",
    ];
    fn record(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.user_id.to_string(),
            self.client.clone(),
            self.email.clone(),
            self.challenge.clone(),
            self.package.clone(),
            self.stage.to_string(),
            self.stages.to_string(),
            self.environment.clone(),
            self.attempt.to_string(),
            self.status.to_string(),
            self.reason.trim_start_matches("rule.").to_string(),
            self.currency().to_string(),
            self.fee.amount(),
            self.login.clone(),
            self.balance.map(Money::amount).unwrap_or_default(),
            self.equity.map(Money::amount).unwrap_or_default(),
            self.data_type.clone(),
            self.ib.clone(),
            self.created_at.clone(),
            self.started_at.clone(),
            self.ended_at.clone(),
        ]
    }
}

impl CsvRow for WalletRow {
    const HEADERS: &'static [&'static str] = &[
        "user_id",
        "client",
        "email",
        "currency",
        "balance",
        "held",
        "available",
    ];
    fn record(&self) -> Vec<String> {
        vec![
            self.user_id.to_string(),
            self.client.clone(),
            self.email.clone(),
            self.balance.code().to_string(),
            self.balance.amount(),
            self.held.amount(),
            self.available.amount(),
        ]
    }
}

impl CsvRow for TransactionRow {
    const HEADERS: &'static [&'static str] = &[
        "id", "entry_id", "at", "user_id", "client", "currency", "type", "amount", "memo",
    ];
    fn record(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.entry_id.to_string(),
            time(&self.at),
            self.user_id.to_string(),
            self.client.clone(),
            self.currency.clone(),
            self.kind.clone(),
            self.amount.clone(),
            self.memo.clone(),
        ]
    }
}

impl CsvRow for RequestRow {
    const HEADERS: &'static [&'static str] = &[
        "id",
        "type",
        "user_id",
        "client",
        "email",
        "status",
        "level",
        "levels",
        "amount",
        "currency",
        "fee",
        "payment_status",
        "method",
        "reason",
        "created",
        "decided",
    ];
    fn record(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.kind.to_string(),
            self.user_id.to_string(),
            self.client.clone(),
            self.email.clone(),
            self.status.to_string(),
            self.level.to_string(),
            self.levels.to_string(),
            self.amount.clone().unwrap_or_default(),
            self.currency.clone().unwrap_or_default(),
            self.fee.clone().unwrap_or_default(),
            self.payment_status
                .map(|p| p.to_string())
                .unwrap_or_default(),
            self.method.clone().unwrap_or_default(),
            self.reason.clone(),
            time(&self.created_at),
            self.decided_at.as_ref().map(time).unwrap_or_default(),
        ]
    }
}

impl CsvRow for ProfitShareDto {
    const HEADERS: &'static [&'static str] = &[
        "id",
        "participant_id",
        "client",
        "email",
        "challenge",
        "login",
        "period_start",
        "period_end",
        "base",
        "balance",
        "profit",
        "trader_share_pct",
        "trader_share",
        "other_shares",
        "firm_share",
        "currency",
        "distribution",
        "status",
        "settled_at",
        "decided_at",
    ];
    fn record(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.participant_id.to_string(),
            self.client.clone(),
            self.email.clone(),
            self.challenge.clone(),
            self.login.clone(),
            self.period_start.clone(),
            self.period_end.clone(),
            self.base.amount(),
            self.balance.amount(),
            self.profit.amount(),
            Bps(self.trader_bps).percent().to_string(),
            self.trader_share.amount(),
            self.other_shares.amount(),
            self.firm_share.amount(),
            self.currency().to_string(),
            self.distribution.clone(),
            self.status.to_string(),
            self.created_at.clone(),
            self.decided_at.clone(),
        ]
    }
}

impl CsvRow for FeeRow {
    const HEADERS: &'static [&'static str] = &[
        "id",
        "at",
        "participant_id",
        "client",
        "email",
        "challenge",
        "package",
        "kind",
        "before_discount",
        "discount",
        "discount_source",
        "amount",
        "currency",
        "ib",
        "data_type",
    ];
    fn record(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.at.clone(),
            self.participant_id.to_string(),
            self.client.clone(),
            self.email.clone(),
            self.challenge.clone(),
            self.package.clone(),
            self.kind.clone(),
            self.list.clone(),
            self.discount.clone(),
            self.source.clone(),
            self.amount.clone(),
            self.currency.clone(),
            self.ib.clone(),
            self.data_type.clone(),
        ]
    }
}

/// Several sums in different currencies in one cell: "10.00 USD; 5.00 EUR".
fn monies(m: &[Money]) -> String {
    m.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl CsvRow for DownlineRow {
    const HEADERS: &'static [&'static str] = &[
        "id",
        "level",
        "upline_id",
        "name",
        "email",
        "ib",
        "group",
        "kyc",
        "joined",
        "direct",
    ];
    fn record(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.level.to_string(),
            self.upline_id.map(|i| i.to_string()).unwrap_or_default(),
            self.name.clone(),
            self.email.clone(),
            if self.is_ib { "yes" } else { "no" }.into(),
            self.group.clone(),
            self.kyc.map(|k| k.as_str().to_string()).unwrap_or_default(),
            self.joined.clone(),
            self.direct.to_string(),
        ]
    }
}

impl CsvRow for CommissionRow {
    const HEADERS: &'static [&'static str] = &[
        "id",
        "at",
        "recipient",
        "client",
        "challenge",
        "structure",
        "level",
        "tier",
        "fee_before_discount",
        "fee_paid",
        "amount",
        "currency",
        "status",
    ];
    fn record(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.at.clone(),
            self.recipient.clone(),
            self.client.clone(),
            self.challenge.clone(),
            self.structure.as_str().into(),
            self.level.to_string(),
            self.tier.clone(),
            self.fee_before_discount.amount(),
            self.fee_paid.amount(),
            self.amount.amount(),
            self.amount.code().into(),
            self.status.clone(),
        ]
    }
}

impl CsvRow for LinkRow {
    const HEADERS: &'static [&'static str] = &[
        "id",
        "name",
        "url",
        "target",
        "challenge",
        "owner",
        "archived",
        "clicks",
        "signups",
        "first_deposits",
        "purchases",
        "fees",
        "created",
    ];
    fn record(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.url.clone(),
            self.target.clone(),
            self.challenge.clone(),
            self.owner.clone(),
            if self.archived { "yes" } else { "no" }.into(),
            self.clicks.to_string(),
            self.signups.to_string(),
            self.first_deposits.to_string(),
            self.purchases.to_string(),
            monies(&self.fees),
            self.created.clone(),
        ]
    }
}

/// A limit as a cell: the number, or "unlimited".
fn limit(n: Option<u32>) -> String {
    n.map_or_else(|| "unlimited".into(), |n| n.to_string())
}

impl CsvRow for CouponRow {
    const HEADERS: &'static [&'static str] = &[
        "id",
        "title",
        "discount",
        "audience",
        "total_limit",
        "per_client",
        "valid_from",
        "valid_to",
        "revoked",
        "granted",
        "used",
        "revenue_before_discount",
        "revenue_after_discount",
    ];
    fn record(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.title.clone(),
            self.discount.clone(),
            self.audience.as_str().into(),
            limit(self.total_limit),
            limit(self.per_client),
            self.valid_from.clone(),
            self.valid_to.clone(),
            if self.revoked { "yes" } else { "no" }.into(),
            self.granted.to_string(),
            self.used.to_string(),
            monies(&self.revenue_before),
            monies(&self.revenue_after),
        ]
    }
}

impl CsvRow for PromoCodeRow {
    const HEADERS: &'static [&'static str] = &[
        "id",
        "code",
        "name",
        "discount",
        "per_client",
        "combinable",
        "valid_from",
        "valid_to",
        "state",
    ];
    fn record(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.code.clone(),
            self.name.clone(),
            self.discount.clone(),
            limit(self.per_client),
            if self.combinable { "yes" } else { "no" }.into(),
            self.valid_from.clone(),
            self.valid_to.clone(),
            self.state.as_str().into(),
        ]
    }
}

impl CsvRow for MailRow {
    const HEADERS: &'static [&'static str] = &[
        "id",
        "to",
        "subject",
        "queued",
        "sent",
        "status",
        "attempts",
        "last_error",
    ];
    fn record(&self) -> Vec<String> {
        let status = match self.status {
            crate::model::MailStatus::Pending => "pending",
            crate::model::MailStatus::Retrying => "retrying",
            crate::model::MailStatus::Sent => "sent",
            crate::model::MailStatus::Failed => "failed",
        };
        vec![
            self.id.to_string(),
            self.to.clone(),
            self.subject.clone(),
            self.created_at.clone(),
            self.sent_at.clone(),
            status.into(),
            self.attempts.to_string(),
            self.last_error.clone(),
        ]
    }
}

impl CsvRow for crate::model::TicketRow {
    const HEADERS: &'static [&'static str] = &[
        "id",
        "client",
        "email",
        "category",
        "subject",
        "status",
        "priority",
        "assignee",
        "opened",
        "updated",
        "first_reply",
    ];
    fn record(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.client.clone(),
            self.email.clone(),
            self.category.as_str().into(),
            self.subject.clone(),
            self.status.as_str().into(),
            self.priority.as_str().into(),
            self.assignee.clone(),
            time(&self.created_at),
            time(&self.updated_at),
            self.first_reply_at.as_ref().map(time).unwrap_or_default(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_quotes_escaped() {
        let row = DownlineRow {
            id: 1,
            level: 1,
            upline_id: None,
            visible: true,
            name: "=HYPERLINK(\"x\")".into(),
            email: "x@example.com".into(),
            is_ib: false,
            group: "Standard".into(),
            kyc: None,
            joined: "2026-12-04".into(),
            direct: 0,
        };
        let out = String::from_utf8(to_csv(&[row]).unwrap()).unwrap();
        assert!(out.starts_with("id,level,upline_id,name,"));
        assert!(out.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{out}");
        assert_eq!(cell("-50.00"), "-50.00", "negative amounts stay numbers");
        assert_eq!(cell("-1+1"), "'-1+1");
    }
}
