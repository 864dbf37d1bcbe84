//! Calendar days in a challenge's time zone. The rules engine works on local dates; these turn
//! UTC instants into those dates and find the instant each day ends, DST included.
use chrono::{DateTime, Days, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// An IANA zone name such as "Europe/London" (exact spelling, as stored).
pub fn parse_tz(name: &str) -> Result<Tz, &'static str> {
    name.parse::<Tz>().map_err(|_| "err.time_zone_unknown")
}

/// The calendar date in `tz` at the instant `at`.
pub fn local_day(at: DateTime<Utc>, tz: Tz) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

/// A local wall-clock time as a UTC instant: the earlier one when the clocks go back and it
/// happens twice, None when the clocks go forward over it.
pub fn local_to_utc(local: NaiveDateTime, tz: Tz) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// The instant `day` ends in `tz`: 00:00 local of the next day, or, where the clocks skip
/// midnight, the first instant after it that exists (the end of the gap).
pub fn next_midnight(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = day
        .checked_add_days(Days::new(1))
        .unwrap_or(day)
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    local_to_utc(midnight, tz).unwrap_or_else(|| first_instant_at_or_after(midnight, tz))
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
        assert_eq!(next_midnight(date(2026, 3, 7), ny), utc(2026, 3, 8, 5, 0));
        assert_eq!(next_midnight(date(2026, 3, 8), ny), utc(2026, 3, 9, 4, 0));
        assert_eq!(
            next_midnight(date(2026, 3, 8), ny) - next_midnight(date(2026, 3, 7), ny),
            Duration::hours(23)
        );
        // Fall back on 2026-11-01.
        assert_eq!(
            next_midnight(date(2026, 10, 31), ny),
            utc(2026, 11, 1, 4, 0)
        );
        assert_eq!(next_midnight(date(2026, 11, 1), ny), utc(2026, 11, 2, 5, 0));
        assert_eq!(
            next_midnight(date(2026, 11, 1), ny) - next_midnight(date(2026, 10, 31), ny),
            Duration::hours(25)
        );
        // The instant a day ends is the first instant of the next one.
        let end = next_midnight(date(2026, 3, 8), ny);
        assert_eq!(local_day(end, ny), date(2026, 3, 9));
        assert_eq!(local_day(end - Duration::seconds(1), ny), date(2026, 3, 8));
    }

    #[test]
    fn london_follows_bst() {
        let london = tz("Europe/London");
        assert_eq!(
            next_midnight(date(2026, 1, 15), london),
            utc(2026, 1, 16, 0, 0)
        );
        assert_eq!(
            next_midnight(date(2026, 7, 15), london),
            utc(2026, 7, 15, 23, 0)
        );
        // BST starts at 01:00 on 2026-03-29: that day has 23 hours.
        assert_eq!(
            next_midnight(date(2026, 3, 29), london) - next_midnight(date(2026, 3, 28), london),
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
        let end = next_midnight(date(2026, 3, 7), havana);
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
        let end = next_midnight(date(2026, 9, 5), santiago);
        assert_eq!(
            end.with_timezone(&santiago).naive_local(),
            date(2026, 9, 6).and_hms_opt(1, 0, 0).unwrap()
        );
        assert_eq!(end, utc(2026, 9, 6, 4, 0));
        // Samoa skipped 2011-12-30 entirely: the 29th ended when the 31st began.
        let apia = tz("Pacific/Apia");
        let end = next_midnight(date(2011, 12, 29), apia);
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
        assert_eq!(
            next_midnight(date(2026, 10, 31), havana),
            utc(2026, 11, 1, 4, 0)
        );
    }
}
