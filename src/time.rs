//! Timestamps: an instant plus the UTC offset the device wrote with it.
//!
//! The time model is chrono's `DateTime<FixedOffset>`: every timestamp keeps the offset of
//! its own record, because the device's offset changes inside one export across DST. The
//! compact [`Timestamp`] stores exactly what that model needs (UTC milliseconds and the
//! offset in minutes) in 16 bytes, and converts to and from chrono.
//!
//! Parsing has a fast path for the one shape iOS writes (`YYYY-MM-DDTHH:MM:SS.mmm±HH:MM`,
//! also without the fraction or with `Z`), because chrono's general RFC 3339 parser was the
//! largest single cost of reading an export. Every other shape goes to chrono, and a test
//! checks the fast path against chrono on every shape it accepts.

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat};

const MS_PER_MINUTE: i64 = 60_000;
const MS_PER_DAY: i64 = 86_400_000;

/// An instant with millisecond precision and the UTC offset it was written in.
///
/// Ordered by instant first, then by offset, so sorting is chronological.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    utc_ms: i64,
    offset_minutes: i16,
}

impl Timestamp {
    /// Builds a timestamp from milliseconds since the Unix epoch (UTC) and an offset in
    /// minutes east of UTC. Returns `None` when the offset is not within ±23:59.
    pub fn from_parts(utc_ms: i64, offset_minutes: i16) -> Option<Timestamp> {
        (offset_minutes.unsigned_abs() < 24 * 60).then_some(Timestamp { utc_ms, offset_minutes })
    }

    /// Parses an RFC 3339 timestamp such as `2022-04-27T10:53:27.920-04:00` or
    /// `2021-06-21T17:03:07Z`. Fractions finer than a millisecond are truncated.
    pub fn parse(text: &str) -> Option<Timestamp> {
        parse_fast(text.as_bytes()).or_else(|| parse_with_chrono(text))
    }

    /// Milliseconds since the Unix epoch, UTC.
    pub fn utc_ms(self) -> i64 {
        self.utc_ms
    }

    /// The offset the record was written in, in minutes east of UTC.
    pub fn offset_minutes(self) -> i16 {
        self.offset_minutes
    }

    /// Milliseconds since the epoch of the local wall clock (UTC ms shifted by the offset).
    pub fn local_ms(self) -> i64 {
        self.utc_ms + i64::from(self.offset_minutes) * MS_PER_MINUTE
    }

    /// Minutes since local midnight, 0..1440.
    pub fn local_minute_of_day(self) -> u16 {
        (self.local_ms().div_euclid(MS_PER_MINUTE).rem_euclid(24 * 60)) as u16
    }

    /// Days since 1970-01-01 of the local calendar date.
    pub fn local_day(self) -> i64 {
        self.local_ms().div_euclid(MS_PER_DAY)
    }

    /// The same instant as chrono's `DateTime<FixedOffset>`.
    pub fn to_datetime(self) -> DateTime<FixedOffset> {
        let offset = FixedOffset::east_opt(i32::from(self.offset_minutes) * 60)
            .expect("offset is validated on construction");
        DateTime::from_timestamp_millis(self.utc_ms).unwrap_or_default().with_timezone(&offset)
    }

    /// RFC 3339 with milliseconds and the record's own offset (`Z` for UTC).
    pub fn to_rfc3339(self) -> String {
        self.to_datetime().to_rfc3339_opts(SecondsFormat::Millis, true)
    }
}

/// Formats a day number from [`Timestamp::local_day`] as `YYYY-MM-DD`.
pub fn format_day(day: i64) -> String {
    NaiveDate::from_num_days_from_ce_opt((day + 719_163) as i32)
        .map(|date| date.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn parse_with_chrono(text: &str) -> Option<Timestamp> {
    let parsed = DateTime::parse_from_rfc3339(text).ok()?;
    let offset_minutes = i16::try_from(parsed.offset().local_minus_utc() / 60).ok()?;
    // Only whole-minute offsets exist on devices; a seconds part would be lost here.
    if parsed.offset().local_minus_utc() % 60 != 0 {
        return None;
    }
    Timestamp::from_parts(parsed.timestamp_millis(), offset_minutes)
}

/// The fast path: `YYYY-MM-DDTHH:MM:SS`, an optional `.mmm`, then `Z` or `±HH:MM`.
/// Returns `None` for anything else (chrono then decides), never a different answer.
fn parse_fast(b: &[u8]) -> Option<Timestamp> {
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let year = digits(&b[0..4])? as i64;
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    let hour = digits(&b[11..13])?;
    let minute = digits(&b[14..16])?;
    let second = digits(&b[17..19])?;
    // Second 60 (a leap second) is left to chrono.
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let (millis, rest) = match &b[19..] {
        [b'.', d0, d1, d2, rest @ ..] => (digits(&[*d0, *d1, *d2])?, rest),
        rest => (0, rest),
    };
    let offset_minutes: i16 = match rest {
        b"Z" => 0,
        [sign @ (b'+' | b'-'), h0, h1, b':', m0, m1] => {
            let (hours, minutes) = (digits(&[*h0, *h1])?, digits(&[*m0, *m1])?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let total = (hours * 60 + minutes) as i16;
            if *sign == b'-' { -total } else { total }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let local_ms = ((days * 24 + i64::from(hour)) * 60 + i64::from(minute)) * MS_PER_MINUTE
        + i64::from(second) * 1000
        + i64::from(millis);
    Timestamp::from_parts(local_ms - i64::from(offset_minutes) * MS_PER_MINUTE, offset_minutes)
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
}

fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn via_chrono(text: &str) -> Option<Timestamp> {
        parse_with_chrono(text)
    }

    #[test]
    fn fast_path_agrees_with_chrono_on_export_shapes() {
        for text in [
            "2022-04-27T10:53:27.920-04:00",
            "2023-11-20T18:55:24.086+01:00",
            "2021-06-21T17:03:07Z",
            "2024-02-29T23:59:59.999+14:00",
            "2000-02-29T00:00:00.000-12:00",
            "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.001+00:00",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999-23:59",
            "2025-03-30T02:30:00.000+05:45",
        ] {
            let fast = parse_fast(text.as_bytes());
            assert!(fast.is_some(), "fast path should take {text}");
            assert_eq!(fast, via_chrono(text), "{text}");
        }
    }

    #[test]
    fn fast_path_declines_what_it_does_not_know() {
        for text in [
            "2022-04-27t10:53:27.920-04:00",
            "2022-04-27 10:53:27-04:00",
            "2022-04-27T10:53:27.92-04:00",
            "2022-04-27T10:53:27.920123-04:00",
            "2022-04-27T10:53:60Z",
            "2023-02-29T10:53:27Z",
            "2022-13-27T10:53:27Z",
            "2022-04-27T24:00:00Z",
            "2022-04-27T10:53:27+24:00",
            "2022-04-27T10:53:27",
            "2022-04-27T10:53:27z",
            "+2022-04-27T10:53:27Z",
        ] {
            assert_eq!(parse_fast(text.as_bytes()), None, "{text}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]

        /// Any date and time in the export's shape, valid or not: whatever the fast path
        /// accepts, chrono reads the same; whatever is valid, the fast path accepts.
        #[test]
        fn fast_path_matches_chrono_on_random_timestamps(
            year in 0u32..10000, month in 0u32..14, day in 0u32..33, hour in 0u32..25, minute in 0u32..61,
            second in 0u32..61, millis in proptest::option::of(0u32..1000),
            offset in proptest::option::of((proptest::bool::ANY, 0u32..25, 0u32..61)),
        ) {
            let fraction = millis.map(|ms| format!(".{ms:03}")).unwrap_or_default();
            let zone = match offset {
                None => "Z".to_owned(),
                Some((east, hours, minutes)) => format!("{}{hours:02}:{minutes:02}", if east { '+' } else { '-' }),
            };
            let text = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}{zone}");
            let chrono = via_chrono(&text);
            match parse_fast(text.as_bytes()) {
                Some(fast) => proptest::prop_assert_eq!(Some(fast), chrono, "{}", text),
                // Declined: only leap seconds, which chrono may read, or what chrono rejects too.
                None => proptest::prop_assert!(chrono.is_none() || second == 60, "{}", text),
            }
        }
    }

    #[test]
    fn chrono_handles_the_other_shapes() {
        let micro = Timestamp::parse("2022-04-27T10:53:27.920999-04:00").unwrap();
        assert_eq!(micro, Timestamp::parse("2022-04-27T10:53:27.920-04:00").unwrap());
        assert!(Timestamp::parse("2022-04-27 10:53:27-04:00").is_some());
        assert_eq!(Timestamp::parse("yesterday"), None);
        assert_eq!(Timestamp::parse(""), None);
    }

    #[test]
    fn local_time_uses_the_records_own_offset() {
        let before = Timestamp::parse("2025-03-30T01:59:00.000+01:00").unwrap();
        let after = Timestamp::parse("2025-03-30T03:01:00.000+02:00").unwrap();
        assert_eq!(before.local_minute_of_day(), 119);
        assert_eq!(after.local_minute_of_day(), 181);
        assert_eq!(after.utc_ms() - before.utc_ms(), 2 * 60_000);
        assert_eq!(format_day(before.local_day()), "2025-03-30");
        let late = Timestamp::parse("2022-04-27T23:30:00.000-04:00").unwrap();
        assert_eq!(format_day(late.local_day()), "2022-04-27");
        assert_eq!(late.to_rfc3339(), "2022-04-27T23:30:00.000-04:00");
        assert_eq!(Timestamp::parse("2021-06-21T17:03:07Z").unwrap().to_rfc3339(), "2021-06-21T17:03:07.000Z");
    }
}
