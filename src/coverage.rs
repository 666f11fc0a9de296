//! Which local days the exports cover: a day no export covers is a day with no data, not a
//! day without access.

use crate::options::LocalRange;
use crate::report::{Coverage, Gap};
use crate::time::{format_day, Timestamp};

/// The days covered by the files' windows (each from its first to its last record, in local
/// dates, both days included) within `range`, and the runs of uncovered days between the
/// first and the last covered day.
pub fn coverage(windows: &[(Timestamp, Timestamp)], range: LocalRange) -> Coverage {
    let mut spans: Vec<(i64, i64)> = windows
        .iter()
        .filter_map(|&(first, last)| {
            let (mut from, mut to) = (first.local_day(), last.local_day());
            while from <= to && !range.overlaps_day(from) {
                from += 1;
            }
            while to >= from && !range.overlaps_day(to) {
                to -= 1;
            }
            (from <= to).then_some((from, to))
        })
        .collect();
    spans.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::with_capacity(spans.len());
    for (from, to) in spans {
        match merged.last_mut() {
            Some(last) if from <= last.1 + 1 => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    let days = merged.iter().map(|(from, to)| (to - from + 1) as u64).sum();
    let gaps = merged
        .windows(2)
        .map(|pair| Gap {
            first: format_day(pair[0].1 + 1),
            last: format_day(pair[1].0 - 1),
            days: (pair[1].0 - pair[0].1 - 1) as u64,
        })
        .collect();
    Coverage { days, gaps }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    #[test]
    fn overlapping_windows_leave_no_gap_and_count_days_once() {
        let windows = [
            (
                at("2021-10-01T10:00:00+08:00"),
                at("2021-10-07T23:00:00+08:00"),
            ),
            (
                at("2021-10-05T00:30:00+08:00"),
                at("2021-10-11T08:00:00+08:00"),
            ),
        ];
        let covered = coverage(&windows, LocalRange::ALL);
        assert_eq!((covered.days, covered.gaps.len()), (11, 0));
    }

    #[test]
    fn a_missing_week_is_a_gap_in_local_dates() {
        let windows = [
            (
                at("2021-10-18T09:00:00+08:00"),
                at("2021-10-24T22:00:00+08:00"),
            ),
            (
                at("2021-10-01T10:00:00+08:00"),
                at("2021-10-07T23:30:00+08:00"),
            ),
        ];
        let covered = coverage(&windows, LocalRange::ALL);
        assert_eq!(covered.days, 14);
        assert_eq!(
            covered.gaps,
            vec![Gap {
                first: "2021-10-08".into(),
                last: "2021-10-17".into(),
                days: 10
            }]
        );
    }

    #[test]
    fn a_range_clips_the_days() {
        let windows = [(at("2021-10-01T10:00:00Z"), at("2021-10-07T23:30:00Z"))];
        let split = crate::options::parse_local_time("2021-10-05").unwrap();
        let (before, after) = LocalRange::split_at(split);
        assert_eq!(coverage(&windows, before).days, 4);
        assert_eq!(coverage(&windows, after).days, 3);
    }
}
