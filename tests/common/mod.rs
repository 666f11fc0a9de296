//! Helpers shared by the integration tests: fixture paths and report comparison.
#![allow(dead_code)]

use std::path::PathBuf;

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
        .filter(|path| matches!(path.extension().and_then(|e| e.to_str()), Some("ndjson" | "json")))
        .map(|path| (path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&path).unwrap()))
        .collect();
    files.sort();
    Some(files)
}

/// One real fixture by name (see [`real_fixtures`]).
pub fn real_fixture(name: &str) -> Option<Vec<u8>> {
    real_fixtures()?.into_iter().find(|(n, _)| n == name).map(|(_, bytes)| bytes)
}

/// The project's own fixture `tests/fixtures/NAME`.
pub fn own_fixture(name: &str) -> Vec<u8> {
    std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)).expect("own fixture")
}

/// Every fixture: the project's own, and the real ones when present.
pub fn all_fixtures() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> =
        ["quirks.ndjson", "beta1.json", "beta2.ndjson"].iter().map(|n| (n.to_string(), own_fixture(n))).collect();
    files.extend(real_fixtures().unwrap_or_default());
    files
}

/// Analyses files given as (name, chunks of bytes), feeding each chunk separately.
pub fn analyze_chunks<'a>(files: impl IntoIterator<Item = (&'a str, Vec<&'a [u8]>)>, options: &Options) -> Report {
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
    object["records"].as_object_mut().unwrap().remove("duplicates");
    value
}
