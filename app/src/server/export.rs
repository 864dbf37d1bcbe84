//! CSV exports of the back-office and IB lists. Each export runs the same query as the list
//! on screen, with the same filter and sort, but without paging.
use crate::error::AppError;
use crate::model::{AuditRow, ClientRow, ReferredClient, StaffRow};

pub trait CsvRow {
    const HEADERS: &'static [&'static str];
    fn record(&self) -> Vec<String>;
}

/// Cells starting with these are formulas in spreadsheet apps; prefixing a quote neutralises
/// them (CSV injection).
fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

pub fn to_csv<T: CsvRow>(rows: &[T]) -> Result<Vec<u8>, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(T::HEADERS).map_err(|_| AppError::Internal)?;
    for r in rows {
        w.write_record(r.record().iter().map(|c| cell(c)))
            .map_err(|_| AppError::Internal)?;
    }
    w.into_inner().map_err(|_| AppError::Internal)
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

impl CsvRow for ReferredClient {
    const HEADERS: &'static [&'static str] = &["id", "name", "kind", "country", "joined"];
    fn record(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.kind.as_str().into(),
            self.country.clone(),
            time(&self.joined),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_quotes_escaped() {
        let row = ReferredClient {
            id: 1,
            name: "=HYPERLINK(\"x\")".into(),
            kind: crate::domain::access::UserKind::Trader,
            country: "GB".into(),
            joined: chrono::Utc::now(),
        };
        let out = String::from_utf8(to_csv(&[row]).unwrap()).unwrap();
        assert!(out.starts_with("id,name,kind,country,joined\n"));
        assert!(out.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{out}");
    }
}
