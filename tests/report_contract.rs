//! The JSON report's wire format, checked from outside with test-local types.
//!
//! The types below mirror the documented shape key for key: `deny_unknown_fields` rejects
//! any key the contract does not name, and every key must be present (nullable ones as
//! `null`, through `nullable`). If `src/report.rs` changes the shape, these tests fail and
//! the README's "JSON report" section needs the same change.

#![allow(dead_code)] // Fields exist to be checked by deserialization, not all are read.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Timelike};
use privacy_lens::synthetic::{Plan, SyntheticHistory};
use privacy_lens::{analyze, Options, Report, RULES};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// Makes an `Option` field required: it must be present, and may be `null`.
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    Option::<T>::deserialize(deserializer)
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct WireReport {
    records: WireRecords,
    files: Vec<WireFile>,
    #[serde(deserialize_with = "nullable")]
    period: Option<WirePeriod>,
    coverage: WireCoverage,
    options: WireOptions,
    apps: Vec<WireApp>,
    domains: Vec<WireDomain>,
    websites: Vec<WireWebsite>,
    companies: Vec<WireCompany>,
    sources: WireSources,
    findings: Vec<WireFinding>,
    diagnostics: Vec<WireDiagnostic>,
    diagnostics_omitted: u64,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct WireCompany {
    company: String,
    #[serde(deserialize_with = "nullable")]
    company_zh: Option<String>,
    apps: Vec<String>,
    third_party_apps: u64,
    domains: u64,
    tracker_domains: u64,
    hits: u64,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct WireSources {
    project_apps: u64,
    project_companies: u64,
    project_domains: u64,
    #[serde(deserialize_with = "nullable")]
    trackerdb: Option<String>,
    trackerdb_domains: u64,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct WireRecords {
    access: u64,
    network: u64,
    events: u64,
    unknown: u64,
    duplicates: u64,
    skipped: u64,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct WireFile {
    name: String,
    #[serde(deserialize_with = "nullable")]
    generation: Option<String>,
    #[serde(deserialize_with = "nullable")]
    first: Option<String>,
    #[serde(deserialize_with = "nullable")]
    last: Option<String>,
    bytes: u64,
    lines: u64,
    records: u64,
    skipped: u64,
    #[serde(deserialize_with = "nullable")]
    error: Option<String>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct WirePeriod {
    first: String,
    last: String,
    days: u64,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct WireCoverage {
    days: u64,
    gaps: Vec<WireGap>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct WireGap {
    first: String,
    last: String,
    days: u64,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct WireOptions {
    quiet_hours: String,
    #[serde(deserialize_with = "nullable")]
    from: Option<String>,
    #[serde(deserialize_with = "nullable")]
    until: Option<String>,
    thresholds: WireThresholds,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct WireThresholds {
    quiet_hours_min: u64,
    frequent_per_day: f64,
    long_seconds: f64,
    trackers_min: u64,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct WireApp {
    bundle_id: String,
    name: String,
    name_source: String,
    #[serde(deserialize_with = "nullable")]
    name_zh: Option<String>,
    #[serde(deserialize_with = "nullable")]
    company: Option<String>,
    #[serde(deserialize_with = "nullable")]
    company_zh: Option<String>,
    access: Vec<WireCategory>,
    network: WireNetwork,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct WireCategory {
    category: String,
    intervals: u64,
    open: u64,
    orphan_ends: u64,
    inverted: u64,
    events: u64,
    total_seconds: f64,
    max_seconds: f64,
    quiet_hours: u64,
    out_of_process: u64,
    #[serde(deserialize_with = "nullable")]
    first: Option<String>,
    #[serde(deserialize_with = "nullable")]
    last: Option<String>,
    by_hour: Vec<u64>,
    by_week: Vec<WireWeek>,
    by_day: Vec<WireDay>,
    timeline: Vec<[i64; 4]>,
    open_since: Vec<[i64; 2]>,
    event_times: Vec<[i64; 2]>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct WireDay {
    date: String,
    intervals: u64,
    quiet_hours: u64,
    by_hour: Vec<u64>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct WireWeek {
    week: String,
    intervals: u64,
    quiet_hours: u64,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct WireNetwork {
    domains: u64,
    hits: u64,
    hits_upper_bound: bool,
    app_initiated_hits: u64,
    website_hits: u64,
    flagged_domains: u64,
    tracker_domains: u64,
    third_party_companies: Vec<String>,
    by_domain: Vec<WireAppDomain>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct WireAppDomain {
    domain: String,
    hits: u64,
    hits_upper_bound: bool,
    flagged: bool,
    #[serde(deserialize_with = "nullable")]
    owner: Option<String>,
    #[serde(deserialize_with = "nullable")]
    owner_zh: Option<String>,
    #[serde(deserialize_with = "nullable")]
    owner_source: Option<String>,
    apple_owner: String,
    #[serde(deserialize_with = "nullable")]
    category: Option<String>,
    tracker: bool,
    party: String,
    app_initiated_hits: u64,
    website_hits: u64,
    contexts: Vec<String>,
    first: String,
    last: String,
}

// The ownership keys are written out here and in `WireAppDomain` rather than shared through
// `#[serde(flatten)]`: serde cannot combine `flatten` with `deny_unknown_fields`, and the
// contract test must reject keys it does not know.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct WireDomain {
    domain: String,
    ip_literal: bool,
    apps: Vec<String>,
    hits: u64,
    hits_upper_bound: bool,
    flagged: bool,
    #[serde(deserialize_with = "nullable")]
    owner: Option<String>,
    #[serde(deserialize_with = "nullable")]
    owner_zh: Option<String>,
    #[serde(deserialize_with = "nullable")]
    owner_source: Option<String>,
    apple_owner: String,
    #[serde(deserialize_with = "nullable")]
    category: Option<String>,
    tracker: bool,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct WireWebsite {
    site: String,
    hits: u64,
    apps: Vec<String>,
    domains: Vec<String>,
    flagged_domains: u64,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct WireFinding {
    rule: String,
    bundle_id: String,
    #[serde(deserialize_with = "nullable")]
    category: Option<String>,
    count: u64,
    apple: bool,
    params: Map<String, Value>,
    evidence: Vec<WireEvidence>,
    text: String,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct WireEvidence {
    begin: String,
    end: String,
    seconds: f64,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct WireDiagnostic {
    file: String,
    line: u64,
    message: String,
}

// ---------------------------------------------------------------------------------------

const REAL: &str = "../shared/fixtures/real";
const GENERATIONS: [&str; 6] = [
    "ios15-beta1",
    "ios15-beta2",
    "ios15.0-15.1",
    "ios15.2-17",
    "ios15-17",
    "ios18+",
];

fn real_exports() -> Option<Vec<(String, Vec<u8>)>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(REAL);
    if !dir.is_dir() {
        println!("SKIP: ../shared/fixtures/real not found");
        return None;
    }
    let names = [
        "ios15.4_plaso.ndjson",
        "ios17_tweaselORG-ReportHAR.ndjson",
        "ios15-beta1_eJamesLin-AppActivityViewer.json",
    ];
    Some(
        names
            .iter()
            .map(|name| (name.to_string(), std::fs::read(dir.join(name)).unwrap()))
            .collect(),
    )
}

fn fixture(name: &str) -> (String, Vec<u8>) {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    (
        name.to_owned(),
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
}

fn synthetic_export() -> (String, Vec<u8>) {
    let history = SyntheticHistory::generate(&Plan {
        seed: 7,
        ..Plan::default()
    });
    let mut bytes = Vec::new();
    history.write_export(history.window(), &mut bytes).unwrap();
    ("synthetic.ndjson".to_owned(), bytes)
}

/// Reports over inputs that are always present: each hand-written fixture, a synthetic
/// export, all of them together, a non-export beside an export, and a non-export alone.
fn local_reports() -> Vec<(String, Report)> {
    let inputs = [
        fixture("quirks.ndjson"),
        fixture("beta1.json"),
        fixture("beta2.ndjson"),
        synthetic_export(),
    ];
    let mut reports: Vec<(String, Report)> = inputs
        .iter()
        .map(|(name, bytes)| {
            (
                name.clone(),
                analyze([(name.as_str(), bytes.as_slice())], &Options::default()),
            )
        })
        .collect();
    let all = analyze(
        inputs.iter().map(|(n, b)| (n.as_str(), b.as_slice())),
        &Options::default(),
    );
    reports.push(("all local inputs".into(), all));
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR";
    let (quirks, quirks_bytes) = &inputs[0];
    reports.push((
        "png beside quirks".into(),
        analyze(
            [
                ("photo.png", png),
                (quirks.as_str(), quirks_bytes.as_slice()),
            ],
            &Options::default(),
        ),
    ));
    reports.push((
        "png alone".into(),
        analyze([("photo.png", png)], &Options::default()),
    ));
    reports
}

fn real_reports() -> Vec<(String, Report)> {
    let Some(exports) = real_exports() else {
        return Vec::new();
    };
    let mut reports: Vec<(String, Report)> = exports
        .iter()
        .map(|(name, bytes)| {
            (
                name.clone(),
                analyze([(name.as_str(), bytes.as_slice())], &Options::default()),
            )
        })
        .collect();
    let all = analyze(
        exports.iter().map(|(n, b)| (n.as_str(), b.as_slice())),
        &Options::default(),
    );
    reports.push(("all real exports".into(), all));
    reports
}

fn wire(label: &str, report: &Report) -> WireReport {
    let text = serde_json::to_string(report).expect("the report serializes");
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{label}: the JSON does not match the contract: {e}"))
}

/// Every RFC 3339 time in the report, with where it was found.
fn times(report: &WireReport) -> Vec<(String, &str)> {
    let mut times = Vec::new();
    for file in &report.files {
        times.extend(
            file.first
                .iter()
                .map(|t| (format!("files[{}].first", file.name), t.as_str())),
        );
        times.extend(
            file.last
                .iter()
                .map(|t| (format!("files[{}].last", file.name), t.as_str())),
        );
    }
    if let Some(period) = &report.period {
        times.push(("period.first".into(), &period.first));
        times.push(("period.last".into(), &period.last));
    }
    for app in &report.apps {
        for c in &app.access {
            times.extend(c.first.iter().map(|t| {
                (
                    format!("{} {} first", app.bundle_id, c.category),
                    t.as_str(),
                )
            }));
            times.extend(
                c.last
                    .iter()
                    .map(|t| (format!("{} {} last", app.bundle_id, c.category), t.as_str())),
            );
        }
        for d in &app.network.by_domain {
            times.push((format!("{} {} first", app.bundle_id, d.domain), &d.first));
            times.push((format!("{} {} last", app.bundle_id, d.domain), &d.last));
        }
    }
    for finding in &report.findings {
        for e in &finding.evidence {
            times.push((
                format!("{} {} evidence begin", finding.rule, finding.bundle_id),
                &e.begin,
            ));
            times.push((
                format!("{} {} evidence end", finding.rule, finding.bundle_id),
                &e.end,
            ));
        }
    }
    times
}

/// Checks the value-level contract of one report.
fn check_values(label: &str, report: &WireReport) {
    for (place, time) in times(report) {
        assert!(
            DateTime::parse_from_rfc3339(time).is_ok(),
            "{label}: {place} {time:?} is not RFC 3339"
        );
    }
    for file in &report.files {
        match (&file.generation, &file.error) {
            (Some(generation), None) => {
                assert!(
                    GENERATIONS.contains(&generation.as_str()),
                    "{label}: unknown generation {generation:?}"
                )
            }
            (None, Some(error)) => assert!(error.contains(&file.name), "{label}: {error}"),
            other => panic!(
                "{label}: {}: a file has a generation or an error, not {other:?}",
                file.name
            ),
        }
    }
    if let Some(period) = &report.period {
        assert!(period.days >= 1, "{label}");
    }
    for finding in &report.findings {
        assert!(
            RULES.contains(&finding.rule.as_str()),
            "{label}: unknown rule {:?}",
            finding.rule
        );
        assert!(
            report.apps.iter().any(|a| a.bundle_id == finding.bundle_id),
            "{label}: {finding:?}"
        );
        assert!(!finding.text.is_empty());
    }
    for app in &report.apps {
        for c in &app.access {
            let what = format!("{label}: {} {}", app.bundle_id, c.category);
            assert_eq!(c.by_hour.len(), 24, "{what}");
            assert_eq!(
                c.by_hour.iter().sum::<u64>(),
                c.intervals,
                "{what}: by_hour"
            );
            assert_eq!(
                c.by_day.iter().map(|d| d.intervals).sum::<u64>(),
                c.intervals,
                "{what}: by_day"
            );
            for day in &c.by_day {
                assert!(
                    NaiveDate::parse_from_str(&day.date, "%Y-%m-%d").is_ok(),
                    "{what}: date {:?}",
                    day.date
                );
                assert_eq!(
                    day.by_hour.iter().sum::<u64>(),
                    day.intervals,
                    "{what}: {} by_hour",
                    day.date
                );
            }
            // The day × hour grid is the timeline's begins in their own local time.
            let mut grid = std::collections::BTreeMap::<(String, usize), u64>::new();
            for [begin, _, offset, _] in &c.timeline {
                let local = DateTime::from_timestamp_millis(begin + offset * 60_000)
                    .expect("in range")
                    .naive_utc();
                *grid
                    .entry((local.date().to_string(), local.hour() as usize))
                    .or_default() += 1;
            }
            let listed = c.by_day.iter().flat_map(|d| {
                d.by_hour
                    .iter()
                    .enumerate()
                    .filter(|(_, &n)| n > 0)
                    .map(move |(h, &n)| ((d.date.clone(), h), n))
            });
            assert_eq!(
                listed.collect::<std::collections::BTreeMap<_, _>>(),
                grid,
                "{what}: by_day hours"
            );
            assert_eq!(c.timeline.len() as u64, c.intervals, "{what}: timeline");
            assert_eq!(c.open_since.len() as u64, c.open, "{what}: open_since");
            assert_eq!(c.event_times.len() as u64, c.events, "{what}: event_times");
            for [begin, end, begin_offset, end_offset] in &c.timeline {
                assert!(begin <= end, "{what}: {begin} > {end}");
                assert!(
                    begin_offset.abs() < 24 * 60 && end_offset.abs() < 24 * 60,
                    "{what}"
                );
            }
        }
    }
    for diagnostic in &report.diagnostics {
        assert!(diagnostic.line >= 1, "{label}: lines are 1-based");
        assert!(
            report.files.iter().any(|f| f.name == diagnostic.file),
            "{label}: {diagnostic:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------

#[test]
fn real_exports_serialize_to_the_documented_shape() {
    for (label, report) in real_reports() {
        check_values(&label, &wire(&label, &report));
    }
}

#[test]
fn hand_written_and_synthetic_exports_serialize_to_the_documented_shape() {
    for (label, report) in local_reports() {
        check_values(&label, &wire(&label, &report));
    }
}

#[test]
fn the_local_inputs_exercise_every_part_of_the_contract() {
    // deny_unknown_fields only checks objects that occur: make sure every kind of object
    // and every nullable value occurs in the reports checked above.
    let reports: Vec<WireReport> = local_reports()
        .iter()
        .map(|(label, r)| wire(label, r))
        .collect();
    let apps = || reports.iter().flat_map(|r| &r.apps);
    let categories = || apps().flat_map(|a| &a.access);
    let findings = || reports.iter().flat_map(|r| &r.findings);
    let files = || reports.iter().flat_map(|r| &r.files);
    assert!(
        categories().any(|c| !c.by_day.is_empty() && !c.timeline.is_empty()),
        "intervals"
    );
    assert!(categories().any(|c| !c.open_since.is_empty()), "open_since");
    assert!(
        categories().any(|c| !c.event_times.is_empty()),
        "event_times"
    );
    assert!(
        apps().any(|a| a.network.by_domain.iter().any(|d| !d.contexts.is_empty())),
        "contexts"
    );
    assert!(reports.iter().any(|r| !r.domains.is_empty()), "domains");
    assert!(reports.iter().any(|r| !r.websites.is_empty()), "websites");
    assert!(
        findings().any(|f| !f.evidence.is_empty() && f.category.is_some()),
        "findings with evidence"
    );
    assert!(
        findings().any(|f| f.category.is_none()),
        "findings about no category"
    );
    assert!(findings().any(|f| !f.params.is_empty()), "params");
    assert!(
        reports.iter().any(|r| !r.diagnostics.is_empty()),
        "diagnostics"
    );
    assert!(
        reports.iter().any(|r| r.period.is_none()) && reports.iter().any(|r| r.period.is_some()),
        "period"
    );
    assert!(
        files().any(|f| f.error.is_some() && f.generation.is_none() && f.first.is_none()),
        "a non-export"
    );
    let generations: Vec<&str> = files().filter_map(|f| f.generation.as_deref()).collect();
    for generation in ["ios15-beta1", "ios15-beta2", "ios15.2-17", "ios18+"] {
        assert!(
            generations.contains(&generation),
            "{generation} in {generations:?}"
        );
    }
}

#[test]
fn contract_types_reject_extra_and_missing_keys() {
    // Guards the guard: the test types must fail on a shape that differs.
    let (label, report) = local_reports().swap_remove(0);
    let value = serde_json::to_value(&report).unwrap();
    assert!(
        serde_json::from_value::<WireReport>(value.clone()).is_ok(),
        "{label}"
    );
    let mut extra = value.clone();
    extra["apps"][0]["access"][0]["surprise"] = Value::Bool(true);
    assert!(
        serde_json::from_value::<WireReport>(extra).is_err(),
        "an unknown key must be rejected"
    );
    let mut missing_nullable = value.clone();
    missing_nullable["files"][0]
        .as_object_mut()
        .unwrap()
        .remove("error");
    assert!(
        serde_json::from_value::<WireReport>(missing_nullable).is_err(),
        "a null key must still be present"
    );
    let mut fraction = value;
    fraction["records"]["access"] = serde_json::json!(1.5);
    assert!(
        serde_json::from_value::<WireReport>(fraction).is_err(),
        "counts are whole numbers"
    );
}

#[test]
fn times_keep_the_records_own_offset() {
    let Some(exports) = real_exports() else {
        return;
    };
    // plaso is all -04:00; tweaselORG crosses DST, +01:00 and +02:00 (FORMAT.md §0).
    for (name, offsets) in [
        ("ios15.4_plaso.ndjson", &["-04:00"][..]),
        ("ios17_tweaselORG-ReportHAR.ndjson", &["+01:00", "+02:00"]),
    ] {
        let bytes = &exports.iter().find(|(n, _)| n == name).unwrap().1;
        let report = wire(
            name,
            &analyze([(name, bytes.as_slice())], &Options::default()),
        );
        let all = times(&report);
        assert!(!all.is_empty());
        for (place, time) in all {
            assert!(
                offsets.iter().any(|o| time.ends_with(o)),
                "{name}: {place} {time} is not in the record's offset"
            );
        }
    }
}

#[test]
fn options_are_echoed() {
    let (name, bytes) = fixture("quirks.ndjson");
    let options = Options {
        quiet_hours: "22:00-07:00".parse().unwrap(),
        thresholds: privacy_lens::Thresholds {
            quiet_hours_min: 1,
            frequent_per_day: 2.5,
            long_seconds: 10.0,
            trackers_min: 2,
        },
        range: privacy_lens::LocalRange::ALL,
    };
    let report = wire(
        &name,
        &analyze([(name.as_str(), bytes.as_slice())], &options),
    );
    assert_eq!(report.options.quiet_hours, "22:00-07:00");
    let t = &report.options.thresholds;
    assert_eq!(
        (t.quiet_hours_min, t.frequent_per_day, t.long_seconds),
        (1, 2.5, 10.0)
    );
}

/// One file with `pairs` inverted access pairs (end before begin): each is a pairing diagnostic.
fn inverted_pairs(pairs: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    for i in 0..pairs {
        for (kind, time) in [
            ("intervalBegin", "2022-04-27T10:00:10.000-04:00"),
            ("intervalEnd", "2022-04-27T10:00:00.000-04:00"),
        ] {
            let line = format!("{{\"accessor\":{{\"identifier\":\"com.backwards.app\",\"identifierType\":\"bundleID\"}},\"category\":\"photos\",\"identifier\":\"{i:08X}-0000-4000-8000-000000000000\",\"kind\":\"{kind}\",\"timeStamp\":\"{time}\",\"type\":\"access\"}}\n");
            bytes.extend_from_slice(line.as_bytes());
        }
    }
    bytes
}

#[test]
fn diagnostics_are_capped_at_500_per_file() {
    let bytes = inverted_pairs(600);
    let report = analyze(
        [("backwards.ndjson", bytes.as_slice())],
        &Options::default(),
    );
    assert_eq!(report.apps[0].access[0].inverted, 600);
    assert!(
        report.diagnostics.len() <= 500,
        "{} diagnostics listed for one file",
        report.diagnostics.len()
    );
    assert_eq!(
        report.diagnostics.len() as u64 + report.diagnostics_omitted,
        600,
        "the rest are counted"
    );
}

#[test]
fn diagnostics_are_listed_per_file_in_file_order() {
    let first = inverted_pairs(1);
    let second = b"{not json\n{\"accessor\":{\"identifier\":\"com.b\",\"identifierType\":\"bundleID\"},\"category\":\"photos\",\"identifier\":\"00000009-0000-4000-8000-000000000000\",\"kind\":\"intervalBegin\",\"timeStamp\":\"2022-04-27T10:00:00.000-04:00\",\"type\":\"access\"}\n";
    let report = analyze(
        [
            ("first.ndjson", first.as_slice()),
            ("second.ndjson", &second[..]),
        ],
        &Options::default(),
    );
    let files: Vec<&str> = report.diagnostics.iter().map(|d| d.file.as_str()).collect();
    assert_eq!(
        files,
        ["first.ndjson", "second.ndjson"],
        "{:?}",
        report.diagnostics
    );
}

#[test]
fn app_details_taken_out_and_put_back_give_the_same_apps() {
    for (label, report) in local_reports().into_iter().chain(real_reports()) {
        let mut first_view = report.clone();
        let details = first_view.take_app_details();
        assert_eq!(details.len(), report.apps.len(), "{label}");
        for ((lean, full), detail) in first_view.apps.iter().zip(&report.apps).zip(&details) {
            assert!(
                lean.network.by_domain.is_empty()
                    && lean.access.iter().all(|c| c.timeline.is_empty()),
                "{label}"
            );
            let restored = serde_json::to_value(lean.with_details(detail)).unwrap();
            assert_eq!(
                restored,
                serde_json::to_value(full).unwrap(),
                "{label}: {}",
                full.bundle_id
            );
        }
        // Everything else is untouched.
        let strip = |mut value: Value| {
            value["apps"] = Value::Null;
            value
        };
        assert_eq!(
            strip(serde_json::to_value(&first_view).unwrap()),
            strip(serde_json::to_value(&report).unwrap()),
            "{label}"
        );
    }
}
