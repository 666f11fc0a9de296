//! The report on real exports and on the project's hand-written fixtures.
//!
//! Real exports are checked against facts stated in shared/FORMAT.md and against an
//! independent model written here with serde_json and chrono (not the crate's code). The
//! hand-written fixtures were written with known answers, stated next to each assertion.

mod common;

use common::{observed, Counts};
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Timelike};
use privacy_lens::{analyze, Generation, Options, Report};
use serde_json::Value;

fn report_of(name: &str, bytes: &[u8]) -> Report {
    analyze([(name, bytes)], &Options::default())
}

fn category<'r>(
    report: &'r Report,
    app: &str,
    category: &str,
) -> &'r privacy_lens::CategorySummary {
    report
        .apps
        .iter()
        .find(|a| a.bundle_id == app)
        .and_then(|a| a.access.iter().find(|c| c.category == category))
        .unwrap_or_else(|| panic!("{app} × {category} missing"))
}

/// The independent model: per (app, category) of the typed access records of one file.
fn model(bytes: &[u8]) -> BTreeMap<(String, String), Counts> {
    let mut by_id: BTreeMap<String, (Option<Value>, Option<Value>)> = BTreeMap::new();
    for line in bytes.split(|&b| b == b'\n') {
        let Ok(value) = serde_json::from_slice::<Value>(line) else {
            continue;
        };
        if value["type"] != "access" {
            continue;
        }
        let entry = by_id
            .entry(value["identifier"].as_str().unwrap().to_owned())
            .or_default();
        match value["kind"].as_str().unwrap() {
            "intervalBegin" => entry.0 = entry.0.take().or(Some(value)),
            _ => entry.1 = entry.1.take().or(Some(value)),
        }
    }
    let time = |v: &Value| DateTime::parse_from_rfc3339(v["timeStamp"].as_str().unwrap()).unwrap();
    let key = |v: &Value| {
        (
            v["accessor"]["identifier"].as_str().unwrap().to_owned(),
            v["category"].as_str().unwrap().to_owned(),
        )
    };
    let mut expected: BTreeMap<(String, String), Counts> = BTreeMap::new();
    for (begin, end) in by_id.into_values() {
        match (begin, end) {
            (Some(begin), Some(end)) => {
                let e = expected.entry(key(&begin)).or_default();
                let ms = (time(&end) - time(&begin)).num_milliseconds();
                e.intervals += 1;
                e.total_ms += ms;
                e.max_ms = e.max_ms.max(ms);
                e.quiet_hours += u64::from(time(&begin).hour() < 6);
                let picker = |v: &Value| v["outOfProcess"] == true;
                e.out_of_process += u64::from(picker(&begin) || picker(&end));
            }
            (Some(begin), None) => expected.entry(key(&begin)).or_default().open += 1,
            (None, Some(end)) => expected.entry(key(&end)).or_default().orphan_ends += 1,
            (None, None) => unreachable!(),
        }
    }
    expected
}

#[test]
fn real_exports_match_the_independent_model_and_format_facts() {
    let Some(files) = common::real_fixtures() else {
        return;
    };
    for (name, bytes) in &files {
        let report = report_of(name, bytes);
        assert_eq!(
            report.records.skipped, 0,
            "{name}: {:?}",
            report.diagnostics
        );
        assert!(report.files[0].error.is_none(), "{name}");
        assert_eq!(observed(&report), model(bytes), "{name}");
        let lines = bytes
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .count() as u64;
        if name.ends_with(".ndjson") {
            assert_eq!(
                report.records.access + report.records.network,
                lines,
                "{name}: every line is one record"
            );
        }
    }
}

#[test]
fn real_exports_hold_what_format_md_counts() {
    let Some(files) = common::real_fixtures() else {
        return;
    };
    let get = |name: &str| {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(n, b)| report_of(n, b))
            .unwrap()
    };

    let plaso = get("ios15.4_plaso.ndjson");
    assert_eq!((plaso.records.access, plaso.records.network), (8, 64));
    assert_eq!(plaso.files[0].generation, Some(Generation::Ios15_2));
    assert_eq!(
        plaso.files[0].first.as_deref(),
        Some("2022-04-27T10:41:46.510-04:00")
    );

    let tweasel = get("ios17_tweaselORG-ReportHAR.ndjson");
    assert_eq!(
        (tweasel.records.access, tweasel.records.network),
        (146, 179)
    );
    assert_eq!(tweasel.files[0].generation, Some(Generation::Ios15_2));
    // Offsets +01:00 and +02:00 both appear, each kept on its own records.
    let times: Vec<&str> = tweasel
        .apps
        .iter()
        .flat_map(|a| a.access.iter())
        .filter_map(|c| c.first.as_deref())
        .collect();
    assert!(
        times.iter().any(|t| t.ends_with("+01:00")) && times.iter().any(|t| t.ends_with("+02:00"))
    );
    // Web-view ads: app-initiated records with a context.
    assert!(tweasel
        .websites
        .iter()
        .any(|w| w.site == "googlesyndication.com" || w.site == "doubleclick.net"));

    let beta1 = get("ios15-beta1_eJamesLin-AppActivityViewer.json");
    assert_eq!(beta1.files[0].generation, Some(Generation::Ios15Beta1));
    assert_eq!(
        (
            beta1.records.access,
            beta1.records.network,
            beta1.records.skipped
        ),
        (0, 2, 0)
    );
    let app = &beta1.apps[0];
    assert_eq!(
        (
            app.bundle_id.as_str(),
            app.network.domains,
            app.network.hits
        ),
        ("com.sample.app", 2, 18)
    );
}

#[test]
fn real_network_totals_match_an_independent_sum() {
    let Some(files) = common::real_fixtures() else {
        return;
    };
    for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".ndjson")) {
        let report = report_of(name, bytes);
        let mut hits: BTreeMap<String, u64> = BTreeMap::new();
        let mut domains: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut flagged: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut seen = BTreeSet::new();
        for line in bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            let v: Value = serde_json::from_slice(line).unwrap();
            if v["type"] != "networkActivity" || !seen.insert(line.to_vec()) {
                continue;
            }
            let app = v["bundleID"].as_str().unwrap().to_owned();
            let domain = v["domain"].as_str().unwrap().to_ascii_lowercase();
            *hits.entry(app.clone()).or_default() += v["hits"].as_u64().unwrap();
            if v["domainType"] == 1 {
                flagged
                    .entry(app.clone())
                    .or_default()
                    .insert(domain.clone());
            }
            domains.entry(app).or_default().insert(domain);
        }
        for app in report.apps.iter().filter(|a| a.network.domains > 0) {
            let id = &app.bundle_id;
            assert_eq!(app.network.hits, hits[id], "{name} {id}");
            assert_eq!(app.network.domains, domains[id].len() as u64, "{name} {id}");
            assert_eq!(
                app.network.flagged_domains,
                flagged.get(id).map_or(0, BTreeSet::len) as u64,
                "{name} {id}"
            );
            assert!(
                !app.network.hits_upper_bound,
                "one export never overlaps itself"
            );
        }
        assert_eq!(
            report.apps.iter().filter(|a| a.network.domains > 0).count(),
            hits.len(),
            "{name}"
        );
    }
}

#[test]
fn quirks_fixture_reads_every_tolerated_oddity() {
    let report = report_of("quirks.ndjson", &common::own_fixture("quirks.ndjson"));
    let r = &report.records;
    // 16 access records kept; one copied begin and one copied network line dropped; three
    // bad lines (invalid JSON, a record without accessor, hits as a string); one unknown type.
    assert_eq!(
        (
            r.access,
            r.network,
            r.events,
            r.unknown,
            r.duplicates,
            r.skipped
        ),
        (16, 7, 0, 1, 2, 3)
    );
    assert_eq!(report.files[0].generation, Some(Generation::Ios15_2));
    let lines: Vec<u64> = report.diagnostics.iter().map(|d| d.line).collect();
    assert_eq!(lines, [9, 11, 29]);

    let photos = category(&report, "com.tencent.xin", "photos");
    // 60 s, 30.25 s (begin without fraction), 3605 s across the DST change, 10 s in Z, 45 s
    // through the picker; one begin still open at the end.
    assert_eq!(
        (photos.intervals, photos.open, photos.out_of_process),
        (5, 1, 1)
    );
    assert_eq!(
        (photos.total_seconds, photos.max_seconds),
        (3750.25, 3605.0)
    );
    // Quiet hours use the clock written in the record: 01:00, 02:00, 01:30 (+01:00), 04:00 (Z).
    assert_eq!(photos.quiet_hours, 4);
    assert_eq!(
        photos.by_hour[1] + photos.by_hour[2] + photos.by_hour[4] + photos.by_hour[12],
        5
    );
    let zero = category(&report, "com.apple.weather", "location");
    assert_eq!((zero.intervals, zero.max_seconds), (1, 0.0));
    assert_eq!(
        category(&report, "com.example.maps", "location").orphan_ends,
        1
    );
    // A team-ID prefix is kept as written; an unknown category is kept.
    assert_eq!(
        category(&report, "5Q4J53EFRC.com.sbb.ch", "futureSensor").intervals,
        1
    );

    let wechat = report
        .apps
        .iter()
        .find(|a| a.bundle_id == "com.tencent.xin")
        .unwrap();
    // Mmbiz.QPIC.cn and mmbiz.qpic.cn are one domain; an IPv4 and an IPv6 literal.
    assert_eq!((wechat.network.domains, wechat.network.hits), (3, 11));
    let ip = report.domains.iter().filter(|d| d.ip_literal).count();
    assert_eq!(ip, 2);
    assert_eq!(report.websites.len(), 1);
    assert_eq!(report.websites[0].site, "nytimes.com");

    let rules: Vec<(&str, &str, u64)> = report
        .findings
        .iter()
        .map(|f| (f.rule, f.bundle_id.as_str(), f.count))
        .collect();
    assert!(
        rules.contains(&("quiet_hours_access", "com.tencent.xin", 4)),
        "{rules:?}"
    );
    assert!(
        rules.contains(&("long_access", "com.tencent.xin", 4)),
        "{rules:?}"
    );
    assert!(
        rules.contains(&("flagged_domains", "com.burbn.instagram", 1)),
        "{rules:?}"
    );
}

#[test]
fn beta_fixtures_count_events_and_read_the_pretty_printed_network_section() {
    let beta2 = report_of("beta2.ndjson", &common::own_fixture("beta2.ndjson"));
    assert_eq!(beta2.files[0].generation, Some(Generation::Ios15Beta2));
    let r = &beta2.records;
    assert_eq!(
        (r.access, r.events, r.network, r.duplicates, r.skipped),
        (0, 3, 2, 1, 0)
    );
    assert_eq!(category(&beta2, "com.tencent.xin", "photos").events, 2);
    // tccService names the category when `category` is absent.
    assert_eq!(category(&beta2, "com.tencent.mqq", "contacts").events, 1);
    assert_eq!(
        category(&beta2, "com.tencent.xin", "photos").intervals,
        0,
        "events are never intervals"
    );

    let beta1 = report_of("beta1.json", &common::own_fixture("beta1.json"));
    assert_eq!(beta1.files[0].generation, Some(Generation::Ios15Beta1));
    let r = &beta1.records;
    // Two events, two good network entries; the entry with "hits": "many" is skipped at the
    // line where it begins; the empty app list and the trailing comma are fine.
    assert_eq!((r.events, r.network, r.skipped), (2, 2, 1));
    assert_eq!(beta1.diagnostics[0].line, 20);
    let odd = beta1
        .apps
        .iter()
        .find(|a| a.bundle_id == "com.apple.{odd}\"app")
        .expect("escaped key decoded");
    assert_eq!(
        (
            odd.network.flagged_domains,
            odd.network.by_domain[0].domain.as_str()
        ),
        (1, "graph.facebook.com")
    );
}

#[test]
fn merged_history_counts_shared_records_once() {
    let Some(tweasel) = common::real_fixture("ios17_tweaselORG-ReportHAR.ndjson") else {
        return;
    };
    let alone = report_of("a.ndjson", &tweasel);
    let twice = analyze(
        [("a.ndjson", &tweasel[..]), ("b.ndjson", &tweasel[..])],
        &Options::default(),
    );
    assert_eq!(common::content(&alone), common::content(&twice));
    assert_eq!(
        twice.records.duplicates,
        alone.records.access + alone.records.network
    );
}

#[test]
fn files_that_only_look_like_exports_are_refused_or_explained() {
    // An unknown `_marker` is not evidence of an export.
    let marker = report_of("m.ndjson", br#"{"_marker":"hello"}"#);
    assert!(marker.files[0].error.is_some());
    // Records whose times are all unreadable: an export whose every line is skipped, with reasons.
    let bad_times = br#"{"accessor":{"identifier":"a","identifierType":"bundleID"},"category":"photos","identifier":"X","kind":"intervalBegin","timeStamp":"yesterday","type":"access"}"#;
    let report = report_of("t.ndjson", bad_times);
    assert!(report.files[0].error.is_none());
    assert_eq!((report.records.skipped, report.records.access), (1, 0));
    assert!(
        report.diagnostics[0]
            .message
            .contains("is not an RFC 3339 time"),
        "{:?}",
        report.diagnostics
    );
}
