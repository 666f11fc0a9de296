//! The `privacy-lens` binary, run as a user runs it: exit codes, stdout and stderr.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::Value;

const REAL: &str = "../shared/fixtures/real";
const REAL_FILES: [&str; 3] = [
    "ios15.4_plaso.ndjson",
    "ios17_tweaselORG-ReportHAR.ndjson",
    "ios15-beta1_eJamesLin-AppActivityViewer.json",
];

fn real_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(REAL);
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("SKIP: ../shared/fixtures/real not found");
        None
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn privacy_lens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_privacy-lens"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("test paths are UTF-8")
}

/// A file in the temp directory under a unique name, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn path(name: &str) -> TempFile {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let unique = format!(
            "privacy-lens-cli-{}-{}-{name}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        TempFile(std::env::temp_dir().join(unique))
    }

    fn with(name: &str, bytes: &[u8]) -> TempFile {
        let file = TempFile::path(name);
        std::fs::write(&file.0, bytes).expect("the temp directory is writable");
        file
    }

    fn as_str(&self) -> &str {
        path_str(&self.0)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\x00IEND\xaeB`\x82";

fn analyze_json(args: &[&str]) -> Value {
    let mut all = vec!["analyze", "--json"];
    all.extend_from_slice(args);
    let output = privacy_lens(&all);
    assert!(
        output.status.success(),
        "{all:?} failed: {}",
        stderr(&output)
    );
    serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|e| panic!("{all:?} printed invalid JSON: {e}"))
}

/// Writes `generate --days 7 --seed SEED` to a temp file.
fn generated(seed: u64) -> TempFile {
    let file = TempFile::path(&format!("seed{seed}.ndjson"));
    let output = privacy_lens(&[
        "generate",
        "--days",
        "7",
        "--seed",
        &seed.to_string(),
        "-o",
        file.as_str(),
    ]);
    assert!(
        output.status.success(),
        "generate failed: {}",
        stderr(&output)
    );
    file
}

#[test]
fn analyze_json_of_each_real_export_exits_zero_and_prints_json() {
    let Some(dir) = real_dir() else { return };
    for name in REAL_FILES {
        let path = dir.join(name);
        let report = analyze_json(&[path_str(&path)]);
        assert_eq!(report["files"][0]["name"], path_str(&path), "{name}");
        assert_eq!(
            report["files"][0]["error"],
            Value::Null,
            "{name} is an export"
        );
        assert!(
            report["records"]["access"].as_u64().unwrap()
                + report["records"]["network"].as_u64().unwrap()
                > 0,
            "{name}"
        );
        assert!(!report["apps"].as_array().unwrap().is_empty(), "{name}");
    }
}

#[test]
fn text_report_puts_findings_before_the_overview() {
    let mut files = vec![fixture("quirks.ndjson")];
    if let Some(dir) = real_dir() {
        files.push(dir.join("ios17_tweaselORG-ReportHAR.ndjson"));
    }
    for file in files {
        let output = privacy_lens(&["analyze", path_str(&file)]);
        assert!(output.status.success(), "{}", stderr(&output));
        let text = stdout(&output);
        let findings = text
            .find("\nFindings (")
            .unwrap_or_else(|| panic!("no Findings section:\n{text}"));
        let overview = text
            .find("\nOverview\n")
            .unwrap_or_else(|| panic!("no Overview section:\n{text}"));
        assert!(
            findings < overview,
            "Findings should come before the Overview:\n{text}"
        );
        assert!(
            text.contains(path_str(&file)),
            "the overview names the file:\n{text}"
        );
    }
}

#[test]
fn only_file_not_an_export_exits_nonzero_and_names_it() {
    let png = TempFile::with("IMG_0001.png", PNG);
    for json in [true, false] {
        let mut args = vec!["analyze"];
        if json {
            args.push("--json");
        }
        args.push(png.as_str());
        let output = privacy_lens(&args);
        assert!(!output.status.success(), "a PNG alone must fail: {args:?}");
        let message = stderr(&output);
        assert!(
            message.contains(png.as_str()),
            "stderr should name the file: {message}"
        );
        assert!(message.contains("looks like a PNG image"), "{message}");
        assert!(
            message.contains("App Privacy Report"),
            "stderr should say what was expected: {message}"
        );
    }
}

#[test]
fn export_beside_garbage_exits_zero_and_names_the_garbage() {
    let garbage = TempFile::with(
        "notes.pdf",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n",
    );
    let export = fixture("quirks.ndjson");
    for args in [
        [path_str(&export), garbage.as_str()],
        [garbage.as_str(), path_str(&export)],
    ] {
        let output = privacy_lens(&[&["analyze", "--json"][..], &args[..]].concat());
        assert!(
            output.status.success(),
            "one export among the files is enough: {}",
            stderr(&output)
        );
        let message = stderr(&output);
        assert!(
            message.contains(garbage.as_str()),
            "stderr should name the garbage file: {message}"
        );
        assert!(message.contains("looks like a PDF document"), "{message}");
        let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
        let files = report["files"].as_array().unwrap();
        assert_eq!(files.len(), 2);
        let garbage_entry = files
            .iter()
            .find(|f| f["name"] == garbage.as_str())
            .unwrap();
        assert!(garbage_entry["error"].is_string());
        let export_entry = files
            .iter()
            .find(|f| f["name"] == path_str(&export))
            .unwrap();
        assert!(export_entry["error"].is_null());
    }
}

/// Quiet-hours intervals per (app, category), counted from the JSON timeline itself:
/// an interval counts when its begin's local clock time is in `[start, end)` minutes.
fn quiet_counts_from_timeline(
    report: &Value,
    start: i64,
    end: i64,
) -> Vec<(String, String, u64, u64)> {
    let in_window = |minute: i64| {
        if start <= end {
            start <= minute && minute < end
        } else {
            minute >= start || minute < end
        }
    };
    let mut counts = Vec::new();
    for app in report["apps"].as_array().unwrap() {
        for category in app["access"].as_array().unwrap() {
            let independent = category["timeline"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|interval| {
                    let (begin_ms, offset_minutes) =
                        (interval[0].as_i64().unwrap(), interval[2].as_i64().unwrap());
                    in_window((begin_ms + offset_minutes * 60_000).rem_euclid(86_400_000) / 60_000)
                })
                .count() as u64;
            counts.push((
                app["bundle_id"].as_str().unwrap().to_owned(),
                category["category"].as_str().unwrap().to_owned(),
                category["quiet_hours"].as_u64().unwrap(),
                independent,
            ));
        }
    }
    counts
}

#[test]
fn quiet_hours_option_changes_the_options_and_the_counts() {
    let synthetic = generated(3);
    let mut files = vec![synthetic.0.clone()];
    if let Some(dir) = real_dir() {
        files.push(dir.join("ios17_tweaselORG-ReportHAR.ndjson"));
    }
    for file in &files {
        let default = analyze_json(&[path_str(file)]);
        let night = analyze_json(&["--quiet-hours", "22:00-07:00", path_str(file)]);
        assert_eq!(default["options"]["quiet_hours"], "00:00-06:00");
        assert_eq!(night["options"]["quiet_hours"], "22:00-07:00");
        let mut totals = Vec::new();
        for (report, (start, end)) in [(&default, (0, 6 * 60)), (&night, (22 * 60, 7 * 60))] {
            let mut total = 0;
            for (app, category, reported, independent) in
                quiet_counts_from_timeline(report, start, end)
            {
                assert_eq!(
                    reported,
                    independent,
                    "{}: {app} {category}",
                    file.display()
                );
                total += reported;
            }
            totals.push(total);
        }
        // Only quiet hours changed: the timelines are the same.
        for (a, b) in default["apps"]
            .as_array()
            .unwrap()
            .iter()
            .zip(night["apps"].as_array().unwrap())
        {
            for (x, y) in a["access"]
                .as_array()
                .unwrap()
                .iter()
                .zip(b["access"].as_array().unwrap())
            {
                assert_eq!(x["timeline"], y["timeline"]);
            }
        }
        if file == &synthetic.0 {
            // The synthetic phone is used by night and from 22:00 on, so the two windows differ.
            assert!(
                totals[0] > 0 && totals[1] > 0 && totals[0] != totals[1],
                "{totals:?}"
            );
        }
    }
}

#[test]
fn impossible_quiet_hours_is_a_usage_error() {
    let export = fixture("quirks.ndjson");
    for bad in ["25:00-01:00", "22:00", "22:00-07:60"] {
        let output = privacy_lens(&["analyze", "--quiet-hours", bad, path_str(&export)]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{bad}: clap's usage-error status"
        );
        assert!(
            output.stdout.is_empty(),
            "{bad}: no report on a usage error"
        );
        let message = stderr(&output);
        assert!(
            message.contains(bad) && message.contains("quiet hours"),
            "{bad}: {message}"
        );
        assert!(
            message.contains("HH:MM-HH:MM"),
            "the message shows the expected form: {message}"
        );
    }
}

#[test]
fn thresholds_that_would_make_every_access_a_finding_are_usage_errors() {
    let export = fixture("quirks.ndjson");
    for (flag, bad) in [
        ("--long-seconds", "0"),
        ("--long-seconds", "NaN"),
        ("--frequent-per-day", "-1"),
        ("--quiet-hours-min", "0"),
    ] {
        let output = privacy_lens(&["analyze", flag, bad, path_str(&export)]);
        assert_eq!(output.status.code(), Some(2), "{flag} {bad}");
        assert!(
            stderr(&output).contains(bad),
            "{flag} {bad}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn generate_is_deterministic_and_its_output_analyzes() {
    let (first, second, other) = (generated(3), generated(3), generated(4));
    let bytes = std::fs::read(&first.0).unwrap();
    assert!(
        bytes.len() > 10_000,
        "a week of activity is more than a few lines"
    );
    assert_eq!(
        bytes,
        std::fs::read(&second.0).unwrap(),
        "the same seed writes the same bytes"
    );
    assert_ne!(
        bytes,
        std::fs::read(&other.0).unwrap(),
        "another seed writes another week"
    );
    let to_stdout = privacy_lens(&["generate", "--days", "7", "--seed", "3"]);
    assert!(to_stdout.status.success());
    assert_eq!(
        to_stdout.stdout, bytes,
        "-o writes what standard output gets"
    );

    let mut reports = Vec::new();
    for file in [&first, &second] {
        let mut report = analyze_json(&[file.as_str()]);
        assert_eq!(report["files"][0]["error"], Value::Null);
        assert_eq!(report["files"][0]["generation"], "ios18+");
        assert_eq!(report["records"]["skipped"], 0, "{}", report["diagnostics"]);
        assert!(report["apps"].as_array().unwrap().len() > 5);
        assert!(
            !report["findings"].as_array().unwrap().is_empty(),
            "the planted pattern is found"
        );
        report["files"][0]["name"] = Value::Null;
        reports.push(report);
    }
    assert_eq!(
        reports[0], reports[1],
        "the same bytes give the same report"
    );
}

#[test]
fn missing_file_says_cannot_open() {
    let missing = TempFile::path("does-not-exist.ndjson");
    let output = privacy_lens(&["analyze", missing.as_str()]);
    assert!(!output.status.success(), "nothing was read");
    let message = stderr(&output);
    assert!(
        message.contains("cannot open") && message.contains(missing.as_str()),
        "{message}"
    );

    // Beside a readable export, a missing file is reported but the run succeeds.
    let export = fixture("quirks.ndjson");
    let output = privacy_lens(&["analyze", "--json", missing.as_str(), path_str(&export)]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("cannot open"));
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        report["files"].as_array().unwrap().len(),
        1,
        "a file that cannot be opened is not listed"
    );
}

#[test]
fn dash_reads_standard_input() {
    use std::io::Write;
    use std::process::Stdio;
    let export = std::fs::read(fixture("quirks.ndjson")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_privacy-lens"))
        .args(["analyze", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&export).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["files"][0]["name"], "-");
    assert_eq!(report["files"][0]["bytes"], export.len() as u64);
    assert_eq!(report["files"][0]["error"], Value::Null);
}

/// `generate --seed 2021 --days 14 --change-day 7 --window FROM..TO` to a temp file.
fn changing_window(from: u32, to: u32) -> TempFile {
    let file = TempFile::path(&format!("window{from}-{to}.ndjson"));
    let window = format!("{from}..{to}");
    let output = privacy_lens(&[
        "generate",
        "--seed",
        "2021",
        "--days",
        "14",
        "--change-day",
        "7",
        "--window",
        &window,
        "-o",
        file.as_str(),
    ]);
    assert!(
        output.status.success(),
        "generate failed: {}",
        stderr(&output)
    );
    file
}

#[test]
fn compare_split_and_two_sets_print_the_documented_json() {
    let (first, second) = (changing_window(0, 8), changing_window(6, 14));
    let output = privacy_lens(&[
        "compare",
        "--json",
        "--split-at",
        "2021-10-11",
        first.as_str(),
        second.as_str(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let split: Value = serde_json::from_str(&stdout(&output)).unwrap();
    for key in [
        "before",
        "after",
        "changes",
        "apps_appeared",
        "apps_disappeared",
        "domains_appeared",
        "domains_disappeared",
        "new_third_parties",
    ] {
        assert!(split.get(key).is_some(), "missing {key}");
    }
    assert_eq!(split["after"]["from"], "2021-10-11T00:00");
    let photos = split["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["bundle_id"] == "com.tencent.xin" && c["category"] == "photos")
        .unwrap();
    assert_eq!(photos["after"]["quiet_hours"], 0);
    assert!(photos["before"]["quiet_hours"].as_u64().unwrap() > 0);
    assert!(split["domains_appeared"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d == "update.weixin.qq.com"));

    let output = privacy_lens(&[
        "compare",
        "--before",
        first.as_str(),
        "--after",
        second.as_str(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("Changes per app and data, biggest first")
            && text.contains("WeChat (com.tencent.xin), photos"),
        "{text}"
    );

    let usage = privacy_lens(&["compare", first.as_str()]);
    assert_eq!(
        usage.status.code(),
        Some(2),
        "neither --before/--after nor --split-at is a usage error"
    );
    let bad_date = privacy_lens(&["compare", "--split-at", "11/10/2021", first.as_str()]);
    assert!(
        !bad_date.status.success() && stderr(&bad_date).contains("2021-10-08"),
        "{}",
        stderr(&bad_date)
    );
    let garbage = TempFile::with("photo.png", PNG);
    let one_side = privacy_lens(&[
        "compare",
        "--before",
        garbage.as_str(),
        "--after",
        second.as_str(),
    ]);
    assert!(
        !one_side.status.success() && stderr(&one_side).contains("each side needs"),
        "{}",
        stderr(&one_side)
    );
}

#[test]
fn csv_dir_and_blocklists_come_from_the_same_report_as_the_json() {
    let export = changing_window(0, 14);
    let report = analyze_json(&[export.as_str()]);
    let dir = std::env::temp_dir().join(format!("privacy-lens-csv-{}", std::process::id()));
    let output = privacy_lens(&["analyze", "--csv", path_str(&dir), export.as_str()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let intervals = std::fs::read_to_string(dir.join("intervals.csv")).unwrap();
    let expected: u64 = report["apps"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| {
            a["access"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["intervals"].as_u64().unwrap())
        })
        .sum();
    assert_eq!(
        intervals.lines().count() as u64,
        expected + 1,
        "one row per interval, and the header"
    );
    for name in ["access.csv", "apps.csv", "domains.csv"] {
        assert!(dir.join(name).is_file(), "{name}");
    }
    let _ = std::fs::remove_dir_all(&dir);

    let flagged: std::collections::BTreeSet<String> = report["domains"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| (d["tracker"] == true || d["flagged"] == true) && d["ip_literal"] == false)
        .map(|d| d["domain"].as_str().unwrap().to_owned())
        .collect();
    let hosts = privacy_lens(&["analyze", "--blocklist", "hosts", export.as_str()]);
    let listed: std::collections::BTreeSet<String> = stdout(&hosts)
        .lines()
        .filter_map(|l| l.strip_prefix("0.0.0.0 ").map(str::to_owned))
        .collect();
    assert_eq!(listed, flagged);
    assert!(
        listed.contains("app-measurement.com"),
        "a tracker by the tracker database"
    );
    let adblock = privacy_lens(&["analyze", "--blocklist", "adblock", export.as_str()]);
    assert_eq!(
        stdout(&adblock)
            .lines()
            .filter(|l| l.starts_with("||"))
            .count(),
        flagged.len()
    );
    let wrong = privacy_lens(&["analyze", "--blocklist", "pihole", export.as_str()]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        stderr(&wrong).contains("use hosts or adblock"),
        "{}",
        stderr(&wrong)
    );
}

#[test]
fn the_readable_output_follows_lang_and_the_locale_while_json_stays_english() {
    let export = generated(2021);
    let chinese = privacy_lens(&["analyze", "--lang", "zh", export.as_str()]);
    let text = stdout(&chinese);
    for heading in ["发现（", "概览", "应用（"] {
        assert!(text.contains(heading), "{heading} missing:\n{text}");
    }
    assert!(
        text.contains("在静默时段"),
        "the findings are written in Chinese"
    );
    for english in [
        "Findings (",
        "Overview",
        "Apps (",
        "accessed",
        "during quiet hours",
    ] {
        assert!(!text.contains(english), "English left: {english}");
    }
    let from_locale = Command::new(env!("CARGO_BIN_EXE_privacy-lens"))
        .args(["analyze", export.as_str()])
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    assert_eq!(stdout(&from_locale), text, "LANG=zh_CN picks Chinese");
    let english = Command::new(env!("CARGO_BIN_EXE_privacy-lens"))
        .args(["analyze", "--lang", "en", export.as_str()])
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    assert!(
        stdout(&english).contains("Findings ("),
        "--lang wins over the locale"
    );
    let json = Command::new(env!("CARGO_BIN_EXE_privacy-lens"))
        .args(["analyze", "--json", export.as_str()])
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&stdout(&json)).unwrap(),
        analyze_json(&[export.as_str()]),
        "JSON is the same in every language"
    );
    let (first, second) = (changing_window(0, 8), changing_window(6, 14));
    let compared = stdout(&privacy_lens(&[
        "compare",
        "--lang",
        "zh",
        "--split-at",
        "2021-10-11",
        first.as_str(),
        second.as_str(),
    ]));
    assert!(
        compared.contains("按应用和数据的变化") && compared.contains("照片"),
        "{compared}"
    );
}
