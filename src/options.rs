//! Settings that change the results but not the reading: quiet hours and rule thresholds.

use std::fmt;
use std::str::FromStr;

pub use crate::report::Thresholds;

/// The settings a report is computed with.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// The quiet-hours window.
    pub quiet_hours: QuietHours,
    /// Thresholds of the finding rules.
    pub thresholds: Thresholds,
    /// The part of the history to report on (all of it by default).
    pub range: LocalRange,
}

/// A stretch of local clock time `[from, until)`, either end open; used to report on one
/// part of a history (before or after a date).
///
/// A record belongs to it when its own local time does: an interval by its begin, an open
/// begin or an orphan end by its time. So an interval that begins before a split and ends
/// after it counts before. A network record belongs to every range that holds one of its
/// two known connections (`firstTimeStamp` and `timeStamp`); when its window reaches
/// outside the range, its hits are an upper bound.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LocalRange {
    /// Local milliseconds since 1970-01-01 00:00 (see [`crate::Timestamp::local_ms`]), included.
    pub from: Option<i64>,
    /// Local milliseconds, excluded.
    pub until: Option<i64>,
}

impl LocalRange {
    /// The whole history.
    pub const ALL: LocalRange = LocalRange {
        from: None,
        until: None,
    };

    /// Whether a time given as local milliseconds falls in the range.
    pub fn contains_local(self, local_ms: i64) -> bool {
        self.from.is_none_or(|from| local_ms >= from)
            && self.until.is_none_or(|until| local_ms < until)
    }

    /// Whether a local calendar day (days since 1970-01-01) overlaps the range.
    pub fn overlaps_day(self, day: i64) -> bool {
        const DAY_MS: i64 = 86_400_000;
        let (start, end) = (day * DAY_MS, (day + 1) * DAY_MS);
        self.from.is_none_or(|from| end > from) && self.until.is_none_or(|until| start < until)
    }

    /// Before and after a local time: the two halves of a history split there.
    pub fn split_at(local_ms: i64) -> (LocalRange, LocalRange) {
        (
            LocalRange {
                from: None,
                until: Some(local_ms),
            },
            LocalRange {
                from: Some(local_ms),
                until: None,
            },
        )
    }
}

/// Parses a split point in local time: `YYYY-MM-DD` (midnight) or `YYYY-MM-DDTHH:MM`;
/// returns local milliseconds since 1970-01-01 00:00.
pub fn parse_local_time(text: &str) -> Result<i64, String> {
    use chrono::{NaiveDate, NaiveDateTime};
    let text = text.trim();
    let time = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M"))
        .or_else(|_| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(|date| date.and_time(chrono::NaiveTime::MIN))
        })
        .map_err(|_| {
            format!("{text:?} should be a date such as 2021-10-08 or 2021-10-08T12:00 (local time)")
        })?;
    Ok(time.and_utc().timestamp_millis())
}

/// Local milliseconds as `YYYY-MM-DDTHH:MM` (the form [`parse_local_time`] reads).
pub fn format_local_time(local_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(local_ms).map_or_else(String::new, |time| {
        time.format("%Y-%m-%dT%H:%M").to_string()
    })
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            quiet_hours_min: 3,
            frequent_per_day: 24.0,
            long_seconds: 30.0,
            trackers_min: 1,
        }
    }
}

/// A daily window of local clock time, `[start, end)`, which may cross midnight.
/// A window whose start equals its end is empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuietHours {
    start: u16,
    end: u16,
}

impl Default for QuietHours {
    /// 00:00–06:00.
    fn default() -> Self {
        QuietHours {
            start: 0,
            end: 6 * 60,
        }
    }
}

impl QuietHours {
    /// A window from minutes after midnight; `None` unless both are below 1440.
    pub fn new(start_minute: u16, end_minute: u16) -> Option<QuietHours> {
        (start_minute < 1440 && end_minute < 1440).then_some(QuietHours {
            start: start_minute,
            end: end_minute,
        })
    }

    /// Whether a local clock time (minutes after midnight) falls in the window.
    pub fn contains(self, minute_of_day: u16) -> bool {
        if self.start <= self.end {
            (self.start..self.end).contains(&minute_of_day)
        } else {
            minute_of_day >= self.start || minute_of_day < self.end
        }
    }

    /// The start, in minutes after midnight.
    pub fn start_minute(self) -> u16 {
        self.start
    }

    /// The start as `HH:MM`.
    pub fn start_text(self) -> String {
        clock(self.start)
    }

    /// The end as `HH:MM`.
    pub fn end_text(self) -> String {
        clock(self.end)
    }
}

fn clock(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

impl fmt::Display for QuietHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", clock(self.start), clock(self.end))
    }
}

impl FromStr for QuietHours {
    type Err = String;

    /// Parses `HH:MM-HH:MM`, e.g. `22:00-07:00`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || {
            format!(
                "quiet hours {text:?} should look like 22:00-07:00 (HH:MM-HH:MM, 24-hour clock)"
            )
        };
        let (start, end) = text.trim().split_once('-').ok_or_else(invalid)?;
        let minute = |part: &str| -> Option<u16> {
            let (hours, minutes) = part.trim().split_once(':')?;
            let valid = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
            if !valid(hours) || !valid(minutes) {
                return None;
            }
            let (hours, minutes): (u16, u16) = (hours.parse().ok()?, minutes.parse().ok()?);
            (hours < 24 && minutes < 60).then_some(hours * 60 + minutes)
        };
        QuietHours::new(
            minute(start).ok_or_else(invalid)?,
            minute(end).ok_or_else(invalid)?,
        )
        .ok_or_else(invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_may_cross_midnight() {
        let night: QuietHours = "22:00-07:00".parse().unwrap();
        assert!(night.contains(22 * 60) && night.contains(0) && night.contains(6 * 60 + 59));
        assert!(!night.contains(7 * 60) && !night.contains(21 * 60 + 59));
        let default = QuietHours::default();
        assert!(default.contains(0) && default.contains(359) && !default.contains(360));
        assert!(!"00:00-00:00".parse::<QuietHours>().unwrap().contains(0));
        assert_eq!(night.to_string(), "22:00-07:00");
    }

    #[test]
    fn rejects_what_is_not_a_window() {
        for text in [
            "",
            "22-07",
            "24:00-06:00",
            "22:00",
            "2:00-06:00",
            "aa:bb-cc:dd",
            "22:00-06:60",
        ] {
            assert!(text.parse::<QuietHours>().is_err(), "{text}");
        }
    }
}
