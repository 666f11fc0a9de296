//! Helpers shared by the integration tests: fixture paths and report comparison.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use privacy_lens::synthetic::{Plan, SyntheticHistory, Truth};
use privacy_lens::{Analyzer, Options, Report};

/// The real exports published by others, read at run time (never copied into the project).
pub const REAL_DIR: &str = "../shared/fixtures/real";

/// The real fixtures' bytes by file name, or `None` (after printing a SKIP line) when the
/// folder is absent.
pub fn real_fixtures() -> Option<Vec<(String, Vec<u8>)>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(REAL_DIR);
    if !dir.is_dir() {
        println!("SKIP: {REAL_DIR} not found; the tests on real exports did not run");
        return None;
    }
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("listing the real fixtures")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("ndjson" | "json")
            )
        })
        .map(|path| {
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&path).unwrap(),
            )
        })
        .collect();
    files.sort();
    Some(files)
}

/// One real fixture by name (see [`real_fixtures`]).
pub fn real_fixture(name: &str) -> Option<Vec<u8>> {
    real_fixtures()?
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, bytes)| bytes)
}

/// The project's own fixture `tests/fixtures/NAME`.
pub fn own_fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .expect("own fixture")
}

/// Every fixture: the project's own, and the real ones when present.
pub fn all_fixtures() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = ["quirks.ndjson", "beta1.json", "beta2.ndjson"]
        .iter()
        .map(|n| (n.to_string(), own_fixture(n)))
        .collect();
    files.extend(real_fixtures().unwrap_or_default());
    files
}

/// Analyses files given as (name, chunks of bytes), feeding each chunk separately.
pub fn analyze_chunks<'a>(
    files: impl IntoIterator<Item = (&'a str, Vec<&'a [u8]>)>,
    options: &Options,
) -> Report {
    let mut analyzer = Analyzer::new();
    for (name, chunks) in files {
        analyzer.start_file(name);
        for chunk in chunks {
            analyzer.feed(chunk);
        }
        analyzer.finish_file();
    }
    analyzer.report(options)
}

/// The report as JSON text, for exact comparisons.
pub fn json(report: &Report) -> String {
    serde_json::to_string(report).expect("a report serializes")
}

/// The report as JSON without what legitimately depends on file order and copies
/// (the files list, diagnostics and the duplicate count).
pub fn content(report: &Report) -> serde_json::Value {
    let mut value = serde_json::to_value(report).expect("a report serializes");
    let object = value.as_object_mut().unwrap();
    object.remove("files");
    object.remove("diagnostics");
    object["records"]
        .as_object_mut()
        .unwrap()
        .remove("duplicates");
    value
}

/// What the report says of one app × category, in whole milliseconds; the tests' models
/// compute the same struct independently.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub intervals: u64,
    pub open: u64,
    pub orphan_ends: u64,
    pub inverted: u64,
    pub events: u64,
    pub total_ms: i64,
    pub max_ms: i64,
    pub quiet_hours: u64,
    pub out_of_process: u64,
}

/// The report's counts per (bundle ID, category).
pub fn observed(report: &Report) -> BTreeMap<(String, String), Counts> {
    let mut counts = BTreeMap::new();
    for app in &report.apps {
        for category in &app.access {
            counts.insert(
                (app.bundle_id.clone(), category.category.clone()),
                Counts {
                    intervals: category.intervals,
                    open: category.open,
                    orphan_ends: category.orphan_ends,
                    inverted: category.inverted,
                    events: category.events,
                    total_ms: (category.total_seconds * 1000.0).round() as i64,
                    max_ms: (category.max_seconds * 1000.0).round() as i64,
                    quiet_hours: category.quiet_hours,
                    out_of_process: category.out_of_process,
                },
            );
        }
    }
    counts
}

impl From<&Truth> for Counts {
    fn from(truth: &Truth) -> Counts {
        Counts {
            intervals: truth.intervals,
            open: truth.open,
            orphan_ends: truth.orphan_ends,
            total_ms: truth.total_ms,
            max_ms: truth.max_ms,
            quiet_hours: truth.quiet_hours,
            out_of_process: truth.out_of_process,
            ..Counts::default()
        }
    }
}

/// The generator's truth in the report's terms.
pub fn counts_of_truth(
    truth: &BTreeMap<(String, String), Truth>,
) -> BTreeMap<(String, String), Counts> {
    truth
        .iter()
        .map(|(key, truth)| (key.clone(), Counts::from(truth)))
        .collect()
}

/// A generated export of `days` days with damage spread over it: bad JSON, CRLF, a blank
/// line, an overlong line, a NUL, a byte that is not UTF-8 (whose whole batch or chunk is
/// then read line by line, without digests).
pub fn damaged_export(days: u32) -> Vec<u8> {
    let history = SyntheticHistory::generate(&Plan {
        days,
        ..Plan::default()
    });
    let mut bytes = Vec::new();
    history.write_export(history.window(), &mut bytes).unwrap();
    let mut lines: Vec<Vec<u8>> = bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    let damage = [
        (10, b"{not json".to_vec()),
        (2000, vec![b'x'; (1 << 20) + 5]),
        (4000, b"\0".to_vec()),
        (5000, b"{\"type\":\"access\",\"kind\":\"\xFF\"}".to_vec()),
        (6000, Vec::new()),
    ];
    for (at, damage) in damage {
        lines.insert(at.min(lines.len()), damage);
    }
    let crlf = 3000.min(lines.len() - 1);
    lines[crlf].push(b'\r');
    lines.join(&b'\n')
}
