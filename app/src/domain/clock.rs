//! Trading days in a challenge's time zone. The rules engine works on local dates; these turn
//! UTC instants into those dates and find the instant each day ends, DST included. A day ends
//! at midnight, or at the local time the firm chose (17:00 New York, the forex convention).
use chrono::{DateTime, Days, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// An IANA zone name such as "Europe/London" (exact spelling, as stored).
pub fn parse_tz(name: &str) -> Result<Tz, &'static str> {
    name.parse::<Tz>().map_err(|_| "err.time_zone_unknown")
}

/// The local time a trading day ends, "HH:MM"; empty is midnight.
pub fn parse_day_end(text: &str) -> Result<NaiveTime, &'static str> {
    if text.is_empty() {
        return Ok(NaiveTime::MIN);
    }
    NaiveTime::parse_from_str(text, "%H:%M").map_err(|_| "err.day_end_invalid")
}

/// Where and when trading days turn over: a zone, and the local time each day ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayZone {
    pub tz: Tz,
    pub ends_at: NaiveTime,
}

impl Default for DayZone {
    fn default() -> Self {
        chrono_tz::UTC.into()
    }
}

impl From<Tz> for DayZone {
    /// Days that end at midnight.
    fn from(tz: Tz) -> Self {
        DayZone {
            tz,
            ends_at: NaiveTime::MIN,
        }
    }
}

impl DayZone {
    /// "Europe/London", or "America/New_York 17:00" for days that end at 17:00 there, as an
    /// account stores it.
    pub fn parse(text: &str) -> Result<DayZone, &'static str> {
        let (zone, end) = text.split_once(' ').unwrap_or((text, ""));
        Ok(DayZone {
            tz: parse_tz(zone)?,
            ends_at: parse_day_end(end)?,
        })
    }

    /// The stored form `parse` reads.
    pub fn text(&self) -> String {
        if self.ends_at == NaiveTime::MIN {
            self.tz.name().to_string()
        } else {
            format!("{} {}", self.tz.name(), self.ends_at.format("%H:%M"))
        }
    }

    /// How far a local time moves so that its calendar date is its trading day: a day that ends
    /// at 17:00 began at 17:00 the evening before, 7 hours before its midnight.
    fn shift(&self) -> Duration {
        let ends = Duration::seconds(i64::from(chrono::Timelike::num_seconds_from_midnight(
            &self.ends_at,
        )));
        if ends.is_zero() {
            ends
        } else {
            Duration::days(1) - ends
        }
    }
}

/// The trading day in `zone` at the instant `at` (its calendar date where days end at midnight).
pub fn local_day(at: DateTime<Utc>, zone: impl Into<DayZone>) -> NaiveDate {
    let zone = zone.into();
    (at.with_timezone(&zone.tz).naive_local() + zone.shift()).date()
}

/// A local wall-clock time as a UTC instant: the earlier one when the clocks go back and it
/// happens twice, None when the clocks go forward over it.
pub fn local_to_utc(local: NaiveDateTime, tz: Tz) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// The instant trading day `day` ends in `zone`: its end time (00:00 local of the next day by
/// default), or, where the clocks skip that time, the first instant after it that exists (the
/// end of the gap).
pub fn day_end(day: NaiveDate, zone: impl Into<DayZone>) -> DateTime<Utc> {
    let zone = zone.into();
    let end = day
        .checked_add_days(Days::new(1))
        .unwrap_or(day)
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        - zone.shift();
    local_to_utc(end, zone.tz).unwrap_or_else(|| first_instant_at_or_after(end, zone.tz))
}

/// The earliest instant whose local time is at least `local`, for a `local` inside a DST gap.
/// Within the window searched (offsets never exceed ±15 h) the zone has a single transition,
/// so local time only moves forward and a binary search on seconds finds the gap's end.
fn first_instant_at_or_after(local: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    let window = Duration::hours(15);
    let reached = |secs: i64| {
        DateTime::from_timestamp(secs, 0)
            .is_some_and(|t| t.with_timezone(&tz).naive_local() >= local)
    };
    // Whole seconds: transitions fall on them, so the answer is exact.
    let mut lo = (local - window).and_utc().timestamp(); // its local time is before `local`
    let mut hi = (local + window).and_utc().timestamp(); // its local time is after `local`
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if reached(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    DateTime::from_timestamp(hi, 0).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        date(y, m, d).and_hms_opt(h, min, 0).unwrap().and_utc()
    }

    fn tz(name: &str) -> Tz {
        parse_tz(name).unwrap()
    }

    #[test]
    fn parses_iana_names_only() {
        assert_eq!(parse_tz("Europe/London"), Ok(chrono_tz::Europe::London));
        assert_eq!(parse_tz("UTC"), Ok(chrono_tz::UTC));
        for bad in ["", "Mars/Olympus", "europe/london", " Europe/London"] {
            assert_eq!(parse_tz(bad), Err("err.time_zone_unknown"), "{bad:?}");
        }
    }

    #[test]
    fn the_same_instant_is_a_different_day_in_different_zones() {
        let at = utc(2026, 3, 8, 23, 30);
        assert_eq!(local_day(at, tz("America/New_York")), date(2026, 3, 8));
        assert_eq!(local_day(at, tz("Asia/Tokyo")), date(2026, 3, 9));
        assert_eq!(local_day(at, tz("UTC")), date(2026, 3, 8));
        // 23:30 UTC in winter is 23:30 in London, in summer it is already tomorrow.
        assert_eq!(
            local_day(utc(2026, 1, 10, 23, 30), tz("Europe/London")),
            date(2026, 1, 10)
        );
        assert_eq!(
            local_day(utc(2026, 7, 10, 23, 30), tz("Europe/London")),
            date(2026, 7, 11)
        );
    }

    #[test]
    fn new_york_days_are_23_and_25_hours_long_at_the_dst_changes() {
        let ny = tz("America/New_York");
        // Spring forward on 2026-03-08: EST (UTC-5) until 02:00, then EDT (UTC-4).
        assert_eq!(day_end(date(2026, 3, 7), ny), utc(2026, 3, 8, 5, 0));
        assert_eq!(day_end(date(2026, 3, 8), ny), utc(2026, 3, 9, 4, 0));
        assert_eq!(
            day_end(date(2026, 3, 8), ny) - day_end(date(2026, 3, 7), ny),
            Duration::hours(23)
        );
        // Fall back on 2026-11-01.
        assert_eq!(day_end(date(2026, 10, 31), ny), utc(2026, 11, 1, 4, 0));
        assert_eq!(day_end(date(2026, 11, 1), ny), utc(2026, 11, 2, 5, 0));
        assert_eq!(
            day_end(date(2026, 11, 1), ny) - day_end(date(2026, 10, 31), ny),
            Duration::hours(25)
        );
        // The instant a day ends is the first instant of the next one.
        let end = day_end(date(2026, 3, 8), ny);
        assert_eq!(local_day(end, ny), date(2026, 3, 9));
        assert_eq!(local_day(end - Duration::seconds(1), ny), date(2026, 3, 8));
    }

    #[test]
    fn london_follows_bst() {
        let london = tz("Europe/London");
        assert_eq!(day_end(date(2026, 1, 15), london), utc(2026, 1, 16, 0, 0));
        assert_eq!(day_end(date(2026, 7, 15), london), utc(2026, 7, 15, 23, 0));
        // BST starts at 01:00 on 2026-03-29: that day has 23 hours.
        assert_eq!(
            day_end(date(2026, 3, 29), london) - day_end(date(2026, 3, 28), london),
            Duration::hours(23)
        );
    }

    #[test]
    fn a_skipped_midnight_ends_the_day_when_the_clocks_resume() {
        // Havana springs forward at 00:00 on 2026-03-08 (CST UTC-5 to CDT UTC-4): there is no
        // midnight that day, so 2026-03-07 ends at the instant the clocks read 01:00.
        let havana = tz("America/Havana");
        let local = date(2026, 3, 8).and_hms_opt(0, 0, 0).unwrap();
        assert_eq!(local_to_utc(local, havana), None);
        let end = day_end(date(2026, 3, 7), havana);
        assert_eq!(end, utc(2026, 3, 8, 5, 0));
        assert_eq!(
            end.with_timezone(&havana).naive_local(),
            date(2026, 3, 8).and_hms_opt(1, 0, 0).unwrap()
        );
        assert_eq!(
            local_day(end - Duration::seconds(1), havana),
            date(2026, 3, 7)
        );
        // Santiago does the same on the first Sunday of September.
        let santiago = tz("America/Santiago");
        let end = day_end(date(2026, 9, 5), santiago);
        assert_eq!(
            end.with_timezone(&santiago).naive_local(),
            date(2026, 9, 6).and_hms_opt(1, 0, 0).unwrap()
        );
        assert_eq!(end, utc(2026, 9, 6, 4, 0));
        // Samoa skipped 2011-12-30 entirely: the 29th ended when the 31st began.
        let apia = tz("Pacific/Apia");
        let end = day_end(date(2011, 12, 29), apia);
        assert_eq!(end, utc(2011, 12, 30, 10, 0));
        assert_eq!(local_day(end, apia), date(2011, 12, 31));
    }

    #[test]
    fn ambiguous_times_take_the_earlier_instant() {
        // 01:30 happens twice in New York on 2026-11-01: first in EDT (UTC-4).
        let local = date(2026, 11, 1).and_hms_opt(1, 30, 0).unwrap();
        assert_eq!(
            local_to_utc(local, tz("America/New_York")),
            Some(utc(2026, 11, 1, 5, 30))
        );
        // Havana falls back at 01:00 to 00:00 on 2026-11-01, so that midnight happens twice.
        let havana = tz("America/Havana");
        assert_eq!(day_end(date(2026, 10, 31), havana), utc(2026, 11, 1, 4, 0));
    }

    #[test]
    fn a_day_can_end_at_five_in_new_york() {
        let zone = DayZone::parse("America/New_York 17:00").unwrap();
        assert_eq!(zone.text(), "America/New_York 17:00");
        assert_eq!(DayZone::parse("UTC").unwrap().text(), "UTC");
        // Monday 2026-03-09 runs from Sunday 17:00 to Monday 17:00 (EDT, UTC-4).
        assert_eq!(local_day(utc(2026, 3, 8, 20, 59), zone), date(2026, 3, 8));
        assert_eq!(local_day(utc(2026, 3, 8, 21, 0), zone), date(2026, 3, 9));
        assert_eq!(local_day(utc(2026, 3, 9, 20, 59), zone), date(2026, 3, 9));
        assert_eq!(day_end(date(2026, 3, 9), zone), utc(2026, 3, 9, 21, 0));
        // Across the change to daylight time the day that ends on it is 23 hours long.
        assert_eq!(
            day_end(date(2026, 3, 8), zone) - day_end(date(2026, 3, 7), zone),
            Duration::hours(23)
        );
        for bad in [
            "America/New_York 25:00",
            "America/New_York 5pm",
            "Nowhere 17:00",
        ] {
            assert!(DayZone::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_day_end("7:30"),
            Ok(NaiveTime::from_hms_opt(7, 30, 0).unwrap())
        );
    }
}
