//! Text for values the server sends as keys or raw figures.
use crate::domain::money::Money;
use crate::i18n::I18n;
use crate::model::RequestRow;
use crate::ui::money as fmt_money;

/// A key for a label the server sent: translated when it is a known key, shown as is otherwise
/// (labels typed by the firm, such as a KYC form's fields).
pub fn label_text(i18n: I18n, label: &str) -> String {
    let looks_like_key = label.contains('.')
        && label
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_');
    if looks_like_key {
        i18n.t(label).to_string()
    } else {
        label.to_string()
    }
}

/// An optional amount with its currency, or a dash.
pub fn opt_money(amount: Option<&str>, currency: Option<&str>) -> String {
    match (amount, currency) {
        (Some(a), Some(c)) if !a.is_empty() => crate::ui::money(a, c),
        (Some(a), None) if !a.is_empty() => a.to_string(),
        _ => "—".to_string(),
    }
}

/// An amount with its currency ("1234.50 USD"), or a dash when there is none.
pub fn money_or_dash(m: Option<Money>) -> String {
    m.map_or_else(|| "—".to_string(), |m| m.to_string())
}

/// "k of n" for a request's approval level, or a dash when its kind has no levels.
pub fn level_text(i18n: I18n, level: i32, levels: i32) -> String {
    if levels <= 0 {
        "—".to_string()
    } else {
        i18n.t("appr.level_k_of_n")
            .replace("{level}", &level.min(levels).to_string())
            .replace("{levels}", &levels.to_string())
    }
}

/// The translation of a computed key (`appr.kind_deposit`), or `fallback` when there is none.
pub fn label_or(i18n: I18n, key: &str, fallback: &str) -> String {
    let t = i18n.t(key);
    if t == key {
        fallback.to_string()
    } else {
        t.to_string()
    }
}

/// A one-line description of a request's money ("100.00 USD"), if it has any.
pub fn request_amount(r: &RequestRow) -> String {
    match (&r.amount, &r.currency) {
        (Some(a), Some(c)) => fmt_money(a, c),
        (Some(a), None) => a.clone(),
        _ => String::new(),
    }
}

/// A file size for people: "820 B", "14.2 KB", "1.8 MB".
pub fn file_size(bytes: i64) -> String {
    let b = bytes.max(0) as f64;
    if b < 1024.0 {
        format!("{bytes} B")
    } else if b < 1024.0 * 1024.0 {
        format!("{:.1} KB", b / 1024.0)
    } else {
        format!("{:.1} MB", b / (1024.0 * 1024.0))
    }
}

/// Sums in several currencies, one after another ("—" for none).
pub fn monies(m: &[Money]) -> String {
    if m.is_empty() {
        return "—".into();
    }
    m.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" · ")
}

#[cfg(test)]
mod tests {
    use super::file_size;

    #[test]
    fn file_sizes_read_as_people_say_them() {
        assert_eq!(file_size(820), "820 B");
        assert_eq!(file_size(14_540), "14.2 KB");
        assert_eq!(file_size(1_887_437), "1.8 MB");
    }
}
