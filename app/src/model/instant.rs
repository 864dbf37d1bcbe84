//! How the browser reads an instant (`DateTime<Utc>`) that the server sends: the RFC 3339 text
//! chrono writes (`2026-12-06T07:48:47.123456Z`), read here instead of by chrono's
//! `Deserialize`, whose relaxed reader brings chrono's general date parser (the `%`-pattern
//! reader, RFC 2822's, `Parsed`) into the wasm; the main module carried it for the dashboard's
//! and the notifications' dates. Writing is chrono's own `Serialize`.
//!
//! Every `DateTime<Utc>` field of `model` is read with `read` or `read_option`.
use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use serde::Deserializer;
use serde::de::{Error, Unexpected, Visitor};
use std::fmt;

/// `#[serde(deserialize_with = "…::instant::read")]`
pub fn read<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    d.deserialize_str(Rfc3339)
}

/// `#[serde(deserialize_with = "…::instant::read_option")]`, for `Option<DateTime<Utc>>` (null
/// is None).
pub fn read_option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    d.deserialize_option(OptionOf)
}

struct Rfc3339;

impl<'de> Visitor<'de> for Rfc3339 {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an RFC 3339 date and time")
    }

    fn visit_str<E: Error>(self, s: &str) -> Result<Self::Value, E> {
        parse(s).ok_or_else(|| E::invalid_value(Unexpected::Str(s), &self))
    }
}

/// The same, or null: `deserialize_option` calls `visit_none` (or `visit_unit`) or `visit_some`.
struct OptionOf;

impl<'de> Visitor<'de> for OptionOf {
    type Value = Option<DateTime<Utc>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an RFC 3339 date and time, or null")
    }

    fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        read(d).map(Some)
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, the separator `T`, `t` or a space; a fraction
/// beyond nanoseconds is cut.
pub fn parse(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = b.get(range)?;
        digits.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let at = |i: usize, allowed: &[u8]| b.get(i).is_some_and(|c| allowed.contains(c));
    if !(at(4, b"-") && at(7, b"-") && at(10, b"Tt ") && at(13, b":") && at(16, b":")) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut i = 19;
    let mut nanos = 0u32;
    if at(i, b".") {
        let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        let kept = digits.min(9);
        nanos = num(i + 1..i + 1 + kept)? * 10u32.pow((9 - kept) as u32);
        i += 1 + digits;
    }
    let offset_seconds = match b.get(i..)? {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), ..] if b.len() == i + 6 && at(i + 3, b":") => {
            let seconds = i64::from(num(i + 1..i + 3)? * 3600 + num(i + 4..i + 6)? * 60);
            if *sign == b'+' { seconds } else { -seconds }
        }
        _ => return None,
    };
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    let local = date.and_time(time);
    Some(
        local
            .checked_sub_signed(TimeDelta::seconds(offset_seconds))?
            .and_utc(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde::Deserialize;

    #[test]
    fn reads_what_chrono_writes() {
        for at in [
            Utc.with_ymd_and_hms(2026, 12, 6, 7, 48, 47).unwrap(),
            Utc.timestamp_opt(1_796_000_000, 123_000_000).unwrap(),
            Utc.timestamp_opt(1_796_000_000, 123_456_000).unwrap(),
            Utc.timestamp_opt(1_796_000_000, 123_456_789).unwrap(),
            Utc.timestamp_opt(0, 1).unwrap(),
        ] {
            let text = serde_json::to_string(&at).unwrap();
            #[derive(Deserialize)]
            struct Row {
                #[serde(deserialize_with = "read")]
                at: DateTime<Utc>,
                #[serde(deserialize_with = "read_option")]
                seen: Option<DateTime<Utc>>,
            }
            let json = format!(r#"{{"at":{text},"seen":{text}}}"#);
            let row: Row = serde_json::from_str(&json).unwrap();
            assert_eq!((row.at, row.seen), (at, Some(at)), "{text}");
            let row: Row =
                serde_json::from_str(&format!(r#"{{"at":{text},"seen":null}}"#)).unwrap();
            assert_eq!(row.seen, None);
        }
    }

    #[test]
    fn reads_offsets_and_the_other_separators_as_chrono_does() {
        for text in [
            "2026-12-06T07:48:47Z",
            "2026-12-06t07:48:47z",
            "2026-12-06 07:48:47Z",
            "2026-12-06T09:48:47+02:00",
            "2026-12-05T23:18:47-08:30",
            "2026-12-06T07:48:47.5Z",
            "2026-12-06T07:48:47.1234567891234Z",
        ] {
            let chrono = DateTime::parse_from_rfc3339(text).map(|d| d.with_timezone(&Utc));
            assert_eq!(parse(text), chrono.ok(), "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_an_instant() {
        for text in [
            "",
            "2026-12-06",
            "2026-12-06T07:48:47",
            "2026-13-06T07:48:47Z",
            "2026-02-30T07:48:47Z",
            "2026-12-06T24:00:00Z",
            "2026-12-06T07:48:47.Z",
            "2026-12-06T07:48:47+0200",
            "2026-12-06T07:48:47Z ",
            "2026-12-06T07:4８:47Z",
            "２026-12-06T07:48:47Z",
            "+2026-12-06T07:48:47Z",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
        let err = read(&mut serde_json::Deserializer::from_str(r#""yesterday""#)).unwrap_err();
        assert!(err.to_string().contains("RFC 3339"), "{err}");
    }
}
