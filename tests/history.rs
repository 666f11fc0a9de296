//! History beyond one export: merging weekly exports, coverage and gaps, trends, comparing
//! two periods, and the exports made from a report (CSV tables and blocklists).

mod common;

use std::collections::{BTreeMap, BTreeSet};

use privacy_lens::synthetic::{Plan, SyntheticHistory, CHANGE_DOMAINS};
use privacy_lens::{
    access_csv, apps_csv, blocklist, blocklist_domains, compare, domains_csv, intervals_csv,
    parse_local_time, Analyzer, BlocklistFormat, Options, QuietHours, Report,
};

/// A 14-day history in which WeChat changes on day 7 (see [`Plan::change_day`]).
fn changing_history() -> SyntheticHistory {
    SyntheticHistory::generate(&Plan {
        seed: 2021,
        days: 14,
        change_day: Some(7),
        ..Plan::default()
    })
}

fn export(history: &SyntheticHistory, from: u32, to: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    history
        .write_export(history.days(from, to), &mut bytes)
        .unwrap();
    bytes
}

fn analyzer_of(files: &[(&str, &[u8])]) -> Analyzer {
    let mut analyzer = Analyzer::new();
    for (name, bytes) in files {
        analyzer.start_file(name);
        analyzer.feed(bytes);
        analyzer.finish_file();
    }
    analyzer
}

fn report_of(files: &[(&str, &[u8])]) -> Report {
    analyzer_of(files).report(&Options::default())
}

#[test]
fn overlapping_weekly_exports_merge_into_the_deduplicated_truth_in_any_order() {
    let history = changing_history();
    let weeks = [
        export(&history, 0, 8),
        export(&history, 6, 14),
        export(&history, 3, 10),
    ];
    let files: Vec<(&str, &[u8])> = vec![
        ("a.ndjson", &weeks[0]),
        ("b.ndjson", &weeks[1]),
        ("c.ndjson", &weeks[2]),
    ];
    let merged = report_of(&files);
    // Intervals last at most 30 minutes and the exports overlap by days: every interval is
    // whole in some export, so the merge is the truth of the whole fortnight.
    let truth = history.truth(history.window(), QuietHours::default());
    assert_eq!(common::observed(&merged), common::counts_of_truth(&truth));
    assert!(
        merged.records.duplicates > 0,
        "the overlaps were counted once"
    );
    assert_eq!((merged.coverage.days, merged.coverage.gaps.len()), (14, 0));
    for order in [[2, 0, 1], [1, 2, 0], [2, 1, 0]] {
        let shuffled: Vec<(&str, &[u8])> = order.iter().map(|&i| files[i]).collect();
        assert_eq!(
            common::content(&report_of(&shuffled)),
            common::content(&merged),
            "order {order:?}"
        );
    }
}

#[test]
fn a_real_export_split_into_overlapping_parts_merges_back_into_itself() {
    let Some(fixtures) = common::real_fixtures() else {
        return;
    };
    for (name, bytes) in fixtures
        .iter()
        .filter(|(name, _)| name.ends_with(".ndjson"))
    {
        let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
        let (cut_a, cut_b) = (lines.len() * 6 / 10, lines.len() * 4 / 10);
        let (first, second) = (lines[..cut_a].concat(), lines[cut_b..].concat());
        let whole = report_of(&[(name.as_str(), bytes.as_slice())]);
        let parts = report_of(&[
            ("first part", first.as_slice()),
            ("second part", second.as_slice()),
        ]);
        let reversed = report_of(&[
            ("second part", second.as_slice()),
            ("first part", first.as_slice()),
        ]);
        assert_eq!(common::observed(&parts), common::observed(&whole), "{name}");
        assert_eq!(
            parts.records.access + parts.records.network,
            whole.records.access + whole.records.network,
            "{name}"
        );
        assert_eq!(
            parts.records.duplicates as usize,
            cut_a - cut_b - blank_lines(&lines[cut_b..cut_a]),
            "{name}: the shared lines count once"
        );
        assert_eq!(
            common::content(&parts),
            common::content(&reversed),
            "{name}: order does not matter"
        );
    }
}

fn blank_lines(lines: &[&[u8]]) -> usize {
    lines
        .iter()
        .filter(|line| line.iter().all(u8::is_ascii_whitespace))
        .count()
}

#[test]
fn a_missing_week_is_a_gap_and_averages_are_over_covered_days() {
    let history = SyntheticHistory::generate(&Plan {
        seed: 7,
        days: 21,
        ..Plan::default()
    });
    let (first, third) = (export(&history, 0, 7), export(&history, 14, 21));
    let report = report_of(&[("week 1", &first), ("week 3", &third)]);
    assert_eq!(report.coverage.days, 14);
    assert_eq!(report.coverage.gaps.len(), 1);
    let gap = &report.coverage.gaps[0];
    assert_eq!(
        (gap.first.as_str(), gap.last.as_str(), gap.days),
        ("2021-10-11", "2021-10-17", 7)
    );
    assert_eq!(
        report.period.as_ref().unwrap().days,
        21,
        "the period still spans the gap"
    );
    let frequent = report
        .findings
        .iter()
        .find(|f| f.rule == "frequent_access")
        .expect("Weather reads location often");
    assert_eq!(
        frequent.params["days"], 14,
        "per-day figures divide by covered days"
    );
}

#[test]
fn trends_add_up_by_day_and_by_week() {
    let history = changing_history();
    let bytes = export(&history, 0, 14);
    let report = report_of(&[("fortnight", &bytes)]);
    for app in &report.apps {
        for c in &app.access {
            let days: u64 = c.by_day.iter().map(|d| d.intervals).sum();
            let weeks: u64 = c.by_week.iter().map(|w| w.intervals).sum();
            let quiet: (u64, u64) = (
                c.by_day.iter().map(|d| d.quiet_hours).sum(),
                c.by_week.iter().map(|w| w.quiet_hours).sum(),
            );
            assert_eq!(
                (days, weeks),
                (c.intervals, c.intervals),
                "{} {}",
                app.bundle_id,
                c.category
            );
            assert_eq!(
                quiet,
                (c.quiet_hours, c.quiet_hours),
                "{} {}",
                app.bundle_id,
                c.category
            );
            for week in &c.by_week {
                let monday =
                    chrono::NaiveDate::parse_from_str(&week.week.to_string(), "%Y-%m-%d").unwrap();
                assert_eq!(monday.format("%a").to_string(), "Mon");
            }
        }
    }
    let wechat = report
        .apps
        .iter()
        .find(|a| a.bundle_id == "com.tencent.xin")
        .unwrap();
    let photos = wechat
        .access
        .iter()
        .find(|c| c.category == "photos")
        .unwrap();
    // 2021-10-04 and 2021-10-11 are Mondays: the change on day 7 falls on a week's start.
    assert_eq!(
        photos
            .by_week
            .iter()
            .map(|w| w.week.to_string())
            .collect::<Vec<_>>(),
        ["2021-10-04", "2021-10-11"]
    );
    assert!(
        photos.by_week[0].quiet_hours > 0 && photos.by_week[1].quiet_hours == 0,
        "{:?}",
        photos.by_week
    );
}

#[test]
fn splitting_a_history_finds_the_planted_change() {
    let history = changing_history();
    let weeks = [export(&history, 0, 8), export(&history, 6, 14)];
    let analyzer = analyzer_of(&[("a", &weeks[0]), ("b", &weeks[1])]);
    let comparison =
        analyzer.compare_split(parse_local_time("2021-10-11").unwrap(), &Options::default());
    assert_eq!(
        (
            comparison.before.days_covered,
            comparison.after.days_covered
        ),
        (7, 7)
    );
    assert_eq!(comparison.before.until.as_deref(), Some("2021-10-11T00:00"));
    assert_eq!(comparison.after.from.as_deref(), Some("2021-10-11T00:00"));

    let truth = |from, to| history.truth(history.days(from, to), QuietHours::default());
    let (before, after) = (truth(0, 7), truth(7, 14));
    let photos = comparison
        .changes
        .iter()
        .find(|c| c.bundle_id == "com.tencent.xin" && c.category == "photos")
        .unwrap();
    let key = ("com.tencent.xin".to_owned(), "photos".to_owned());
    // The split counts an interval where it begins; the truth of a window counts only whole
    // intervals. WeChat's reads last a minute at most and none crosses midnight at day 7
    // in this history, so the two agree.
    assert_eq!(photos.before.intervals, before[&key].intervals);
    assert_eq!(photos.after.intervals, after[&key].intervals);
    assert_eq!(
        (photos.before.quiet_hours > 0, photos.after.quiet_hours),
        (true, 0),
        "the night reads stopped"
    );
    assert_eq!(photos.change.quiet_share, -photos.before.quiet_share);
    assert!((photos.before.per_day - before[&key].intervals as f64 / 7.0).abs() < 1e-4);

    // Every per-app change, biggest first.
    let sizes: Vec<f64> = comparison
        .changes
        .iter()
        .map(|c| c.change.per_day.abs())
        .collect();
    assert!(sizes.windows(2).all(|pair| pair[0] >= pair[1]), "{sizes:?}");

    let domains = |from, to| history.domains(history.days(from, to));
    let expected: Vec<String> = domains(7, 14).difference(&domains(0, 7)).cloned().collect();
    assert_eq!(comparison.domains_appeared, expected);
    assert!(comparison
        .domains_appeared
        .contains(&CHANGE_DOMAINS[1].to_owned()));
    let gone: Vec<String> = domains(0, 7).difference(&domains(7, 14)).cloned().collect();
    assert_eq!(comparison.domains_disappeared, gone);
    let wechat = comparison
        .new_third_parties
        .iter()
        .find(|n| n.bundle_id == "com.tencent.xin")
        .expect("WeChat's new tracker");
    assert!(
        wechat.companies.contains(&"Google".to_owned()),
        "{:?}",
        wechat.companies
    );
}

#[test]
fn two_sets_of_exports_compare_like_their_reports() {
    let history = changing_history();
    let (first, second) = (export(&history, 0, 7), export(&history, 7, 14));
    let (before, after) = (
        report_of(&[("first", &first)]),
        report_of(&[("second", &second)]),
    );
    let comparison = compare(&before, &after);
    assert_eq!(comparison.before.files, ["first"]);
    assert_eq!(comparison.after.files, ["second"]);
    let same = compare(&before, &before);
    assert!(same
        .changes
        .iter()
        .all(|c| c.change.per_day == 0.0 && c.status == "both"));
    assert!(
        same.apps_appeared.is_empty()
            && same.domains_appeared.is_empty()
            && same.new_third_parties.is_empty()
    );
    let apps = |report: &Report| -> BTreeSet<String> {
        report.apps.iter().map(|a| a.bundle_id.clone()).collect()
    };
    let appeared: BTreeSet<String> = comparison
        .apps_appeared
        .iter()
        .map(|a| a.bundle_id.clone())
        .collect();
    assert_eq!(
        appeared,
        apps(&after).difference(&apps(&before)).cloned().collect()
    );
}

/// Reads a CSV table back into header → column.
fn read_csv(text: &str) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    (header, reader.records().map(Result::unwrap).collect())
}

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

#[test]
fn csv_tables_read_back_give_the_reports_numbers() {
    let history = changing_history();
    let bytes = export(&history, 0, 14);
    let mut files: Vec<(String, Vec<u8>)> = vec![("fortnight".into(), bytes)];
    files.extend(common::real_fixtures().unwrap_or_default());
    for (name, bytes) in &files {
        let quiet = "22:00-07:00".parse().unwrap();
        let report = analyzer_of(&[(name.as_str(), bytes.as_slice())]).report(&Options {
            quiet_hours: quiet,
            ..Options::default()
        });

        let (header, rows) = read_csv(&intervals_csv(&report.apps, quiet));
        let mut per_category: BTreeMap<(String, String), (u64, i64, u64)> = BTreeMap::new();
        let (app, category, seconds, quiet_column) = (
            column(&header, "bundle_id"),
            column(&header, "category"),
            column(&header, "seconds"),
            column(&header, "quiet_hours"),
        );
        for row in &rows {
            let entry = per_category
                .entry((row[app].to_owned(), row[category].to_owned()))
                .or_default();
            entry.0 += 1;
            entry.1 += (row[seconds].parse::<f64>().unwrap() * 1000.0).round() as i64;
            entry.2 += u64::from(&row[quiet_column] == "true");
            let begin =
                chrono::DateTime::parse_from_rfc3339(&row[column(&header, "begin_local")]).unwrap();
            let begin_utc =
                chrono::DateTime::parse_from_rfc3339(&row[column(&header, "begin_utc")]).unwrap();
            assert_eq!(
                begin, begin_utc,
                "{name}: local and UTC are the same instant"
            );
            assert!(row[column(&header, "begin_utc")].ends_with('Z'));
        }
        for a in &report.apps {
            for c in a.access.iter().filter(|c| c.intervals > 0) {
                let (count, ms, quiet) = per_category[&(a.bundle_id.clone(), c.category.clone())];
                assert_eq!(
                    (count, quiet),
                    (c.intervals, c.quiet_hours),
                    "{name} {} {}",
                    a.bundle_id,
                    c.category
                );
                assert_eq!(
                    ms,
                    (c.total_seconds * 1000.0).round() as i64,
                    "{name} {} {}",
                    a.bundle_id,
                    c.category
                );
            }
        }

        let (header, rows) = read_csv(&access_csv(&report));
        let categories: Vec<_> = report
            .apps
            .iter()
            .flat_map(|a| a.access.iter().map(move |c| (a, c)))
            .collect();
        assert_eq!(rows.len(), categories.len());
        for (row, (a, c)) in rows.iter().zip(&categories) {
            assert_eq!(&row[column(&header, "bundle_id")], a.bundle_id);
            assert_eq!(
                row[column(&header, "intervals")].parse::<u64>().unwrap(),
                c.intervals
            );
            assert_eq!(
                row[column(&header, "quiet_hours")].parse::<u64>().unwrap(),
                c.quiet_hours
            );
            assert_eq!(
                row[column(&header, "max_seconds")].parse::<f64>().unwrap(),
                c.max_seconds
            );
            assert_eq!(
                row[column(&header, "total_seconds")]
                    .parse::<f64>()
                    .unwrap(),
                c.total_seconds
            );
        }

        let (header, rows) = read_csv(&apps_csv(&report));
        assert_eq!(rows.len(), report.apps.len());
        for (row, a) in rows.iter().zip(&report.apps) {
            assert_eq!(
                row[column(&header, "hits")].parse::<u64>().unwrap(),
                a.network.hits
            );
            assert_eq!(
                row[column(&header, "domains")].parse::<u64>().unwrap(),
                a.network.domains
            );
            let intervals: u64 = a.access.iter().map(|c| c.intervals).sum();
            assert_eq!(
                row[column(&header, "intervals")].parse::<u64>().unwrap(),
                intervals
            );
        }

        let (header, rows) = read_csv(&domains_csv(&report.domains));
        assert_eq!(rows.len(), report.domains.len());
        let hits: u64 = rows
            .iter()
            .map(|row| row[column(&header, "hits")].parse::<u64>().unwrap())
            .sum();
        assert_eq!(
            hits,
            report.domains.iter().map(|d| d.hits).sum::<u64>(),
            "{name}"
        );
    }
}

#[test]
fn blocklists_hold_exactly_the_tracker_and_flagged_host_names() {
    let history = changing_history();
    let bytes = export(&history, 0, 14);
    let mut files: Vec<(String, Vec<u8>)> = vec![("fortnight".into(), bytes)];
    files.extend(common::real_fixtures().unwrap_or_default());
    for (name, bytes) in &files {
        let report = report_of(&[(name.as_str(), bytes.as_slice())]);
        let expected: BTreeSet<&str> = report
            .domains
            .iter()
            .filter(|d| (d.ownership.tracker || d.flagged) && !d.ip_literal)
            .map(|d| d.domain.as_str())
            .collect();
        let hosts = blocklist(&report, BlocklistFormat::Hosts);
        let listed: BTreeSet<&str> = hosts
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.strip_prefix("0.0.0.0 ").unwrap())
            .collect();
        assert_eq!(listed, expected, "{name}: hosts");
        let adblock = blocklist(&report, BlocklistFormat::Adblock);
        let rules: BTreeSet<&str> = adblock
            .lines()
            .filter(|l| !l.starts_with('!') && !l.starts_with('['))
            .map(|l| {
                l.strip_prefix("||")
                    .and_then(|l| l.strip_suffix('^'))
                    .unwrap()
            })
            .collect();
        assert_eq!(rules, expected, "{name}: adblock");
        assert_eq!(blocklist_domains(&report.domains).0.len(), expected.len());
    }
}

#[test]
fn names_from_a_file_cannot_break_a_blocklist_or_a_spreadsheet() {
    let hostile = [
        "evil.example\\n0.0.0.0 bank.example",
        "ads.example ## comment",
        "||allow.example^$badfilter",
        "=cmd|' /C calc'!A0",
    ];
    let mut bytes = Vec::new();
    for (i, domain) in hostile.iter().enumerate() {
        bytes.extend(format!(
            "{{\"timeStamp\":\"2024-01-0{d}T10:00:00.000+08:00\",\"initiatedType\":\"AppInitiated\",\"domain\":\"{domain}\",\"type\":\"networkActivity\",\"domainType\":1,\"firstTimeStamp\":\"2024-01-0{d}T09:00:00.000+08:00\",\"bundleID\":\"=HYPERLINK(\\\"http://x\\\")\",\"domainOwner\":\"@SUM(1)\",\"hits\":3}}\n",
            d = i + 1
        ).as_bytes());
    }
    let report = report_of(&[("hostile.ndjson", &bytes)]);
    assert_eq!(report.domains.len(), hostile.len(), "every record was read");
    let hosts = blocklist(&report, BlocklistFormat::Hosts);
    assert!(
        hosts.lines().all(|line| line.starts_with('#')),
        "no hostile name became a rule:\n{hosts}"
    );
    assert!(hosts.contains("4 flagged names were left out"));
    let adblock = blocklist(&report, BlocklistFormat::Adblock);
    assert_eq!(
        adblock.lines().filter(|l| l.starts_with("||")).count(),
        0,
        "{adblock}"
    );

    for table in [apps_csv(&report), domains_csv(&report.domains)] {
        let (_, rows) = read_csv(&table);
        for cell in rows
            .iter()
            .flat_map(|row| row.iter().map(str::to_owned).collect::<Vec<_>>())
        {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "a cell that a spreadsheet would run: {cell:?}"
            );
        }
    }
    let (_, rows) = read_csv(&domains_csv(&report.domains));
    assert!(
        rows.iter().any(|row| &row[0] == "'=cmd|' /c calc'!a0"),
        "kept (lower-cased) as text, with a leading quote"
    );
}
