//! Generated exports with planted patterns: the analysis must find exactly what the
//! generator put in (its truth is computed from the history, not by reading the file),
//! alone, across DST, and merged from overlapping weekly exports in any order.

mod common;

use std::collections::BTreeMap;

use common::{counts_of_truth, observed};
use privacy_lens::synthetic::{Plan, SyntheticHistory};
use privacy_lens::{analyze, Options, QuietHours};

const DAY: i64 = 86_400_000;

fn export(history: &SyntheticHistory, window: (i64, i64)) -> Vec<u8> {
    let mut bytes = Vec::new();
    history
        .write_export(window, &mut bytes)
        .expect("writing to memory");
    bytes
}

#[test]
fn one_export_gives_the_planted_truth_for_several_seeds_and_quiet_windows() {
    for seed in 1..=4 {
        let history = SyntheticHistory::generate(&Plan {
            seed,
            ..Plan::default()
        });
        let bytes = export(&history, history.window());
        for window in ["00:00-06:00", "22:00-07:00", "13:30-14:15"] {
            let quiet: QuietHours = window.parse().unwrap();
            let report = analyze(
                [("week.ndjson", &bytes[..])],
                &Options {
                    quiet_hours: quiet,
                    ..Options::default()
                },
            );
            assert_eq!(report.records.skipped, 0);
            assert_eq!(
                observed(&report),
                counts_of_truth(&history.truth(history.window(), quiet)),
                "seed {seed}, quiet {window}"
            );
            let hits: BTreeMap<String, u64> = report
                .apps
                .iter()
                .filter(|a| a.network.hits > 0)
                .map(|a| (a.bundle_id.clone(), a.network.hits))
                .collect();
            assert_eq!(hits, history.hits(history.window()), "seed {seed}");
        }
    }
}

#[test]
fn offset_changes_inside_an_export_keep_each_records_local_clock() {
    // Europe's spring DST change after three days: +01:00 then +02:00; iOS 15.2–17 format.
    let plan = Plan {
        offset_minutes: 60,
        offset_change: Some((3 * 24 + 1, 120)),
        ios18: false,
        ..Plan::default()
    };
    let history = SyntheticHistory::generate(&plan);
    let bytes = export(&history, history.window());
    let text = std::str::from_utf8(&bytes).unwrap();
    assert!(text.contains("+01:00\"") && text.contains("+02:00\""));
    let report = analyze([("dst.ndjson", &bytes[..])], &Options::default());
    assert_eq!(
        observed(&report),
        counts_of_truth(&history.truth(history.window(), QuietHours::default()))
    );
    assert_eq!(
        report.files[0].generation,
        Some(privacy_lens::Generation::Ios15_2)
    );
}

#[test]
fn the_planted_wechat_pattern_is_found_and_ranked_first() {
    let history = SyntheticHistory::generate(&Plan::default());
    let report = analyze(
        [("week.ndjson", &export(&history, history.window())[..])],
        &Options::default(),
    );
    assert_eq!(
        report.files[0].generation,
        Some(privacy_lens::Generation::Ios18)
    );
    let finding = report
        .findings
        .iter()
        .find(|f| {
            f.rule == "quiet_hours_access"
                && f.bundle_id == "com.tencent.xin"
                && f.category.as_deref() == Some("photos")
        })
        .expect("WeChat's night reads of photos are a finding");
    assert_eq!(
        finding.params["rank"], 1,
        "more than QQ and Taobao: {}",
        finding.text
    );
    assert!(
        finding.text.contains("more than any other"),
        "{}",
        finding.text
    );
    assert!(!finding.evidence.is_empty() && finding.evidence.len() <= 5);
    assert!(finding.evidence.iter().all(|e| e.seconds <= 60.0));
    // Findings about third-party apps come before Apple's own.
    let first_apple = report
        .findings
        .iter()
        .position(|f| f.apple)
        .unwrap_or(report.findings.len());
    assert!(report.findings[first_apple..].iter().all(|f| f.apple));
    // The weather widget's frequent location reads.
    assert!(report
        .findings
        .iter()
        .any(|f| f.rule == "frequent_access" && f.bundle_id == "com.apple.weather"));
}

/// Three weekly exports of one three-week history, each overlapping the next by two days.
fn weekly_exports(history: &SyntheticHistory) -> Vec<((i64, i64), Vec<u8>)> {
    let (start, _) = history.window();
    [
        (start, start + 8 * DAY),
        (start + 6 * DAY, start + 15 * DAY),
        (start + 13 * DAY, start + 21 * DAY),
    ]
    .into_iter()
    .map(|window| (window, export(history, window)))
    .collect()
}

#[test]
fn overlapping_weekly_exports_merge_into_the_truth_of_their_union() {
    let history = SyntheticHistory::generate(&Plan {
        days: 21,
        ..Plan::default()
    });
    let exports = weekly_exports(&history);
    let files: Vec<(&str, &[u8])> = vec![
        ("w1", &exports[0].1),
        ("w2", &exports[1].1),
        ("w3", &exports[2].1),
    ];
    let merged = analyze(files.iter().copied(), &Options::default());
    let union = (exports[0].0 .0, exports[2].0 .1);
    assert_eq!(
        observed(&merged),
        counts_of_truth(&history.truth(union, QuietHours::default()))
    );
    assert!(merged.records.duplicates > 0, "the overlaps share lines");
    // Every order of the files gives the same history.
    for order in [[2, 0, 1], [1, 2, 0], [2, 1, 0]] {
        let reordered = analyze(order.iter().map(|&i| files[i]), &Options::default());
        assert_eq!(
            common::content(&reordered),
            common::content(&merged),
            "order {order:?}"
        );
    }
    // Hits in overlapping windows may count a connection twice: marked as an upper bound.
    assert!(merged.apps.iter().any(|a| a.network.hits_upper_bound));
}

#[test]
fn adjacent_exports_without_overlap_are_exact_sums() {
    let history = SyntheticHistory::generate(&Plan {
        days: 14,
        ..Plan::default()
    });
    let (start, end) = history.window();
    let first = export(&history, (start, start + 7 * DAY));
    let second = export(&history, (start + 7 * DAY, end));
    let merged = analyze([("a", &first[..]), ("b", &second[..])], &Options::default());
    assert!(merged.apps.iter().all(|a| !a.network.hits_upper_bound));
    let hits: BTreeMap<String, u64> = merged
        .apps
        .iter()
        .filter(|a| a.network.hits > 0)
        .map(|a| (a.bundle_id.clone(), a.network.hits))
        .collect();
    assert_eq!(hits, history.hits(history.window()));
    // An interval open at the end of the first export is completed by the second.
    let truth = counts_of_truth(&history.truth(history.window(), QuietHours::default()));
    assert_eq!(observed(&merged), truth);
}
