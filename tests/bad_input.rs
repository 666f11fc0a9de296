//! Hostile and damaged inputs fed to the core, through both `privacy_lens::analyze` (one
//! whole buffer) and the chunked `Analyzer` API.
//!
//! Non-exports must be refused with a message that names the file and says what was
//! expected; damaged exports must lose exactly their damaged lines and nothing else. Every
//! input is generated in memory; the real exports in `../shared/fixtures/real/` are used
//! when present (and never copied).

use std::path::PathBuf;

use privacy_lens::synthetic::{Plan, SyntheticHistory};
use privacy_lens::{analyze, Analyzer, Options, RecordCounts, Report};
use serde_json::Value;

const REAL: &str = "../shared/fixtures/real";

fn real_file(name: &str) -> Option<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(REAL);
    if !dir.is_dir() {
        println!("SKIP: ../shared/fixtures/real not found");
        return None;
    }
    Some(std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{REAL}/{name}: {e}")))
}

fn json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("the report serializes")
}

/// Reads `bytes` as one file through `analyze`, and again through the `Analyzer` in chunks
/// of several sizes; all must give the same report, which is returned.
fn run(name: &str, bytes: &[u8]) -> Report {
    let whole = analyze([(name, bytes)], &Options::default());
    // Tiny chunks split every line and every multi-byte character; skip them for huge inputs.
    let sizes: &[usize] = if bytes.len() < (4 << 20) {
        &[1, 7, 4096, (1 << 20) + 3]
    } else {
        &[1 << 16, (1 << 20) + 3]
    };
    for &size in sizes {
        let mut analyzer = Analyzer::new();
        analyzer.start_file(name);
        for chunk in bytes.chunks(size) {
            analyzer.feed(chunk);
        }
        let summary = analyzer.finish_file().expect("a file was started").clone();
        let chunked = analyzer.report(&Options::default());
        assert_eq!(
            json(&summary),
            json(&chunked.files[0]),
            "finish_file returns the file's summary"
        );
        assert_eq!(
            json(&whole),
            json(&chunked),
            "{name}: chunks of {size} bytes give another report than one buffer"
        );
    }
    whole
}

/// Checks the report of a single non-export file and returns its error message.
fn assert_not_an_export<'r>(report: &'r Report, name: &str) -> &'r str {
    assert_eq!(report.files.len(), 1);
    let file = &report.files[0];
    assert_eq!(file.name, name);
    let error = file
        .error
        .as_deref()
        .unwrap_or_else(|| panic!("{name} was read as an export: {file:?}"));
    assert!(
        error.contains(name),
        "the error should name the file: {error}"
    );
    assert!(
        error.contains("expected an App Privacy Report export"),
        "the error should say what was expected: {error}"
    );
    assert_eq!(file.generation, None, "{name}");
    assert_eq!(file.records, 0, "{name}");
    assert_eq!(
        report.records,
        RecordCounts::default(),
        "{name}: totals must only count exports"
    );
    assert!(
        report.apps.is_empty() && report.domains.is_empty() && report.websites.is_empty(),
        "{name}"
    );
    assert!(report.findings.is_empty(), "{name}");
    // Lines of a non-export are not listed as skipped lines of an export.
    assert!(
        report.diagnostics.is_empty(),
        "{name}: {:?}",
        report.diagnostics
    );
    assert_eq!(report.diagnostics_omitted, 0, "{name}");
    assert!(report.period.is_none(), "{name}");
    error
}

// ---------------------------------------------------------------------------------------
// Inputs that are not exports at all.

#[test]
fn empty_file_is_refused_as_empty() {
    let report = run("empty.ndjson", b"");
    let error = assert_not_an_export(&report, "empty.ndjson");
    assert!(error.contains("is empty"), "{error}");
    assert_eq!((report.files[0].bytes, report.files[0].lines), (0, 0));

    // A file started and finished without a single feed is the same empty file.
    let mut analyzer = Analyzer::new();
    analyzer.start_file("never-fed.ndjson");
    let error = analyzer
        .finish_file()
        .unwrap()
        .error
        .clone()
        .expect("an empty file is not an export");
    assert!(
        error.contains("never-fed.ndjson") && error.contains("is empty"),
        "{error}"
    );
    assert!(!analyzer.has_export());
}

fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa".to_vec();
    bytes.extend_from_slice(
        b"\x00\x00\x00\x0aIDATx\x9cc\x00\x01\x00\x00\x05\x00\x01\n\x0d\x0a\x2d\xb4",
    );
    bytes.extend_from_slice(b"\x00\x00\x00\x00IEND\xaeB`\x82");
    bytes
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n\
      2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
        .to_vec()
}

/// A zip holding a (deflated, so unreadable) export: what a user gets by compressing it.
fn zip() -> Vec<u8> {
    let name = b"App_Privacy_Report_v4_2022-04-27T11_05_00.ndjson";
    let mut bytes = b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x21\x5a\x9b\x54".to_vec();
    bytes.extend_from_slice(&[0x3c, 0x1f, 0x8e, 0x77, 0x10, 0x02, 0, 0, 0x88, 0x5b, 0, 0]);
    bytes.extend_from_slice(&(name.len() as u16).to_le_bytes());
    bytes.extend_from_slice(&[0, 0]);
    bytes.extend_from_slice(name);
    bytes.extend((0..2000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    bytes.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00");
    bytes
}

fn jpeg() -> Vec<u8> {
    let mut bytes =
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x48\x00\x48\x00\x00".to_vec();
    bytes.extend((0..1000u32).map(|i| (i.wrapping_mul(40_503) >> 7) as u8));
    bytes.extend_from_slice(b"\xff\xd9");
    bytes
}

#[test]
fn images_documents_and_archives_are_named_for_what_they_look_like() {
    let heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic".to_vec();
    let gif =
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,"
            .to_vec();
    for (name, bytes, looks_like) in [
        ("IMG_0001.png", png(), "looks like a PNG image"),
        ("statement.pdf", pdf(), "looks like a PDF document"),
        ("export.zip", zip(), "looks like a zip archive"),
        ("IMG_0002.jpg", jpeg(), "looks like a JPEG image"),
        (
            "IMG_0003.heic",
            heic,
            "looks like a HEIC image or MP4/MOV video",
        ),
        ("anim.gif", gif, "looks like a GIF image"),
    ] {
        let report = run(name, &bytes);
        let error = assert_not_an_export(&report, name);
        assert!(error.contains(looks_like), "{name}: {error}");
        assert_eq!(report.files[0].bytes, bytes.len() as u64, "{name}");
    }
}

#[test]
fn json_array_is_refused() {
    for (name, bytes) in [
        ("array.json", &b"[{\"a\":1}]"[..]),
        (
            "array-of-records.json",
            &b"[\n{\"type\":\"access\"},\n{\"type\":\"networkActivity\"}\n]\n"[..],
        ),
    ] {
        let report = run(name, bytes);
        let error = assert_not_an_export(&report, name);
        assert!(error.contains("is not an export"), "{error}");
    }
}

#[test]
fn ndjson_of_other_objects_is_refused_as_json_without_records() {
    let bytes = "{\"hello\":\"world\"}\n".repeat(50);
    let report = run("hello.ndjson", bytes.as_bytes());
    let error = assert_not_an_export(&report, "hello.ndjson");
    assert!(
        error.contains("holds JSON") && error.contains("50 lines"),
        "{error}"
    );
    assert_eq!(report.files[0].lines, 50);
    // The 50 objects of unknown type are not counted as `unknown` records of an export.
    assert_eq!(report.records.unknown, 0);
}

/// One synthetic iOS 18 access line (no newline).
fn synthetic_line() -> Vec<u8> {
    let history = SyntheticHistory::generate(&Plan {
        days: 1,
        ..Plan::default()
    });
    let mut export = Vec::new();
    history.write_export(history.window(), &mut export).unwrap();
    let end = export.iter().position(|&b| b == b'\n').unwrap();
    export.truncate(end);
    export
}

#[test]
fn fifty_megabyte_line_without_newline_is_refused() {
    const SIZE: usize = 50 << 20;
    let record = synthetic_line();
    let records: Vec<u8> = record.iter().copied().cycle().take(SIZE).collect();
    for (name, bytes) in [
        ("x.ndjson", vec![b'x'; SIZE]),
        ("no-newlines.ndjson", records),
    ] {
        let report = run(name, &bytes);
        let error = assert_not_an_export(&report, name);
        assert!(
            error.contains("its one line is not") && error.contains("1048576-byte limit"),
            "{error}"
        );
        assert_eq!(
            (report.files[0].bytes, report.files[0].lines),
            (SIZE as u64, 1)
        );
        assert_eq!(report.files[0].skipped, 1);
    }
}

fn deep_arrays(depth: usize) -> Vec<u8> {
    let mut bytes = vec![b'['; depth];
    bytes.extend(std::iter::repeat_n(b']', depth));
    bytes
}

fn deep_objects(prefix: &[u8], depth: usize) -> Vec<u8> {
    let mut bytes = prefix.to_vec();
    for _ in 0..depth {
        bytes.extend_from_slice(b"{\"a\":");
    }
    bytes.push(b'1');
    bytes.extend(std::iter::repeat_n(b'}', depth));
    bytes
}

#[test]
fn deeply_nested_json_does_not_overflow_the_stack() {
    const DEPTH: usize = 100_000;
    let mut unclosed = vec![b'{'; 1];
    unclosed.extend(std::iter::repeat_n(b'[', DEPTH));
    let mut in_accessor = deep_objects(
        b"{\"type\":\"access\",\"kind\":\"intervalBegin\",\"accessor\":",
        DEPTH,
    );
    in_accessor.push(b'}');
    let mut in_unknown_key = deep_objects(b"{\"type\":\"access\",\"futureKey\":", DEPTH);
    in_unknown_key.push(b'}');
    for (name, mut bytes) in [
        ("arrays.json", deep_arrays(DEPTH)),
        ("objects.json", deep_objects(b"", DEPTH)),
        ("accessor.json", in_accessor),
        ("future-key.json", in_unknown_key),
        ("unclosed.json", unclosed),
    ] {
        bytes.push(b'\n');
        let report = run(name, &bytes);
        assert_not_an_export(&report, name);
        assert_eq!(
            (report.files[0].lines, report.files[0].skipped),
            (1, 1),
            "{name}"
        );
    }
}

#[test]
fn lone_record_with_invalid_utf8_is_refused() {
    let line = b"{\"accessor\":{\"identifier\":\"com.\xff\xfe.app\",\"identifierType\":\"bundleID\"},\"category\":\"photos\",\"identifier\":\"6AF95C77-3A05-41D5-9F32-F0F0C12CE8FA\",\"kind\":\"intervalBegin\",\"timeStamp\":\"2021-10-11T02:13:05.120+08:00\",\"type\":\"access\"}\n";
    let report = run("latin1.ndjson", line);
    assert_not_an_export(&report, "latin1.ndjson");
    assert_eq!(report.files[0].skipped, 1);
}

#[test]
fn nul_bytes_are_refused() {
    // What a file preallocated and never written looks like.
    let report = run("zeros.ndjson", &[0u8; 4096]);
    assert_not_an_export(&report, "zeros.ndjson");
    let mut line = synthetic_line();
    line.insert(30, 0);
    line.push(b'\n');
    let report = run("nul-in-record.ndjson", &line);
    assert_not_an_export(&report, "nul-in-record.ndjson");
    assert_eq!(report.files[0].skipped, 1);
}

#[test]
fn feeding_without_start_file_reads_a_file_named_input() {
    let mut analyzer = Analyzer::new();
    analyzer.feed(&png());
    let error = analyzer.finish_file().unwrap().error.clone().unwrap();
    assert!(error.starts_with("input looks like a PNG image"), "{error}");
}

// ---------------------------------------------------------------------------------------
// Damaged exports: every good record must still count.

const DAMAGED: &str = "App_Privacy_Report_v4_2022-04-27T11_05_00.ndjson";

fn lines_of(bytes: &[u8]) -> Vec<Vec<u8>> {
    let text = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    text.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect()
}

fn join(lines: &[Vec<u8>]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for line in lines {
        bytes.extend_from_slice(line);
        bytes.push(b'\n');
    }
    bytes
}

/// Good exports to damage: always a synthetic one, and the plaso export when present.
fn good_exports() -> Vec<(&'static str, Vec<Vec<u8>>)> {
    let history = SyntheticHistory::generate(&Plan {
        seed: 11,
        days: 2,
        ..Plan::default()
    });
    let mut synthetic = Vec::new();
    history
        .write_export(history.window(), &mut synthetic)
        .unwrap();
    let mut exports = vec![("synthetic", lines_of(&synthetic))];
    if let Some(plaso) = real_file("ios15.4_plaso.ndjson") {
        exports.push(("plaso", lines_of(&plaso)));
    }
    exports
}

/// The parts of a report that come from the records, without line numbers or file sizes.
fn record_results(report: &Report) -> Value {
    serde_json::json!({
        "apps": json(&report.apps),
        "domains": json(&report.domains),
        "websites": json(&report.websites),
        "findings": json(&report.findings),
        "period": json(&report.period),
        "access": report.records.access,
        "network": report.records.network,
        "events": report.records.events,
        "unknown": report.records.unknown,
        "duplicates": report.records.duplicates,
        "generation": json(&report.files[0].generation),
        "first": report.files[0].first,
        "last": report.files[0].last,
        "records": report.files[0].records,
    })
}

/// Inserts each damaged line before the clean line of the given 0-based index, and checks
/// that the damaged export reports exactly what the clean one does, plus one skipped line
/// and one diagnostic (with the right file and 1-based line) per damaged line.
fn check_damage(label: &str, clean: &[Vec<u8>], damage: &[(usize, Vec<u8>)]) -> Report {
    let clean_report = run(DAMAGED, &join(clean));
    assert_eq!(
        clean_report.files[0].error, None,
        "{label}: the clean export is an export"
    );
    assert_eq!(
        clean_report.records.skipped, 0,
        "{label}: the clean export has no bad line"
    );

    let mut lines = Vec::new();
    let mut damaged_at = Vec::new();
    let mut clean_to_damaged = Vec::new();
    for (index, line) in clean.iter().enumerate() {
        for (_, bad) in damage.iter().filter(|(at, _)| *at == index) {
            lines.push(bad.clone());
            damaged_at.push(lines.len() as u64);
        }
        lines.push(line.clone());
        clean_to_damaged.push(lines.len() as u64);
    }
    assert_eq!(
        damaged_at.len(),
        damage.len(),
        "{label}: every damage is inside the export"
    );
    let report = run(DAMAGED, &join(&lines));

    assert_eq!(
        record_results(&report),
        record_results(&clean_report),
        "{label}: a good record was lost or changed"
    );
    assert_eq!(report.records.skipped, damage.len() as u64, "{label}");
    assert_eq!(report.files[0].skipped, damage.len() as u64, "{label}");
    assert_eq!(report.files[0].lines, lines.len() as u64, "{label}");
    for at in &damaged_at {
        let found: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.line == *at)
            .collect();
        assert_eq!(
            found.len(),
            1,
            "{label}: one diagnostic for line {at}: {:?}",
            report.diagnostics
        );
        assert_eq!(found[0].file, DAMAGED);
        assert!(!found[0].message.is_empty());
    }
    // Diagnostics of the clean export (pairing remarks) remain, moved to their new lines.
    let mut others: Vec<(String, u64, String)> = report
        .diagnostics
        .iter()
        .filter(|d| !damaged_at.contains(&d.line))
        .map(|d| (d.file.clone(), d.line, d.message.clone()))
        .collect();
    let mut expected: Vec<(String, u64, String)> = clean_report
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.file.clone(),
                clean_to_damaged[d.line as usize - 1],
                d.message.clone(),
            )
        })
        .collect();
    others.sort();
    expected.sort();
    assert_eq!(others, expected, "{label}");
    report
}

/// A fresh access record (its own identifier): if a damaged copy were read, it would show.
fn fresh_record(app: &str, identifier: &str) -> Vec<u8> {
    format!("{{\"accessor\":{{\"identifier\":\"{app}\",\"identifierType\":\"bundleID\"}},\"category\":\"contacts\",\"identifier\":\"{identifier}\",\"kind\":\"intervalBegin\",\"timeStamp\":\"2022-04-27T10:55:00.000-04:00\",\"type\":\"access\"}}").into_bytes()
}

fn message_at(report: &Report, line: u64) -> &str {
    &report
        .diagnostics
        .iter()
        .find(|d| d.line == line)
        .expect("a diagnostic on that line")
        .message
}

#[test]
fn broken_json_line_in_the_middle_is_skipped_alone() {
    for (label, clean) in good_exports() {
        let mut broken = fresh_record("com.broken.app", "11111111-1111-4111-8111-111111111111");
        broken.truncate(broken.len() / 2);
        let report = check_damage(label, &clean, &[(3, broken)]);
        assert!(
            message_at(&report, 4).contains("not valid JSON"),
            "{:?}",
            report.diagnostics
        );
    }
}

#[test]
fn nul_lines_in_the_middle_are_skipped_alone() {
    for (label, clean) in good_exports() {
        let mut nul_in_string = fresh_record("com.nul.app", "22222222-2222-4222-8222-222222222222");
        nul_in_string[35] = 0;
        let mut nul_after_record =
            fresh_record("com.nul.app", "33333333-3333-4333-8333-333333333333");
        nul_after_record.extend_from_slice(&[0; 8]);
        let middle = clean.len() / 2;
        check_damage(
            label,
            &clean,
            &[
                (2, vec![0; 300]),
                (middle, nul_in_string),
                (middle + 1, nul_after_record),
            ],
        );
    }
}

#[test]
fn invalid_utf8_line_in_the_middle_is_skipped_alone() {
    for (label, clean) in good_exports() {
        let mut latin1 = fresh_record("com.caf_.app", "44444444-4444-4444-8444-444444444444");
        let at = latin1.windows(4).position(|w| w == b"caf_").unwrap() + 3;
        latin1[at] = 0xE9; // "café" written in Latin-1
        let lone_continuation = b"{\"type\":\"networkActivity\",\"bundleID\":\"\x80\x80\",\"domain\":\"a.b\",\"timeStamp\":\"2022-04-27T10:55:00.000-04:00\",\"hits\":1}".to_vec();
        check_damage(
            label,
            &clean,
            &[(3, latin1), (clean.len() - 2, lone_continuation)],
        );
    }
}

#[test]
fn two_mebibyte_line_in_the_middle_is_skipped_alone() {
    for (label, clean) in good_exports() {
        // A record that would be valid but for its 2 MiB context string.
        let long = format!(
            "{{\"timeStamp\":\"2022-04-27T10:53:27.920-04:00\",\"initiatedType\":\"NonAppInitiated\",\"context\":\"{}\",\"domain\":\"long.example\",\"type\":\"networkActivity\",\"domainType\":2,\"firstTimeStamp\":\"2022-04-27T10:52:03.021-04:00\",\"bundleID\":\"com.long.app\",\"domainOwner\":\"\",\"hits\":4}}",
            "a".repeat(2 << 20)
        );
        let middle = clean.len() / 2;
        let report = check_damage(label, &clean, &[(middle, long.clone().into_bytes())]);
        let message = message_at(&report, middle as u64 + 1);
        assert!(
            message.contains(&format!("{} bytes long", long.len())),
            "{message}"
        );
    }
}

#[test]
fn deeply_nested_line_in_the_middle_is_skipped_alone() {
    for (label, clean) in good_exports() {
        let middle = clean.len() / 2;
        check_damage(
            label,
            &clean,
            &[
                (middle, deep_arrays(100_000)),
                (middle + 1, deep_objects(b"", 100_000)),
            ],
        );
    }
}

#[test]
fn many_kinds_of_damage_together_are_each_skipped_once() {
    for (label, clean) in good_exports() {
        let mut broken = fresh_record("com.broken.app", "55555555-5555-4555-8555-555555555555");
        broken.truncate(40);
        let (quarter, middle) = (clean.len() / 4, clean.len() / 2);
        let report = check_damage(
            label,
            &clean,
            &[
                (1, broken),
                (quarter, vec![0; 10]),
                (quarter, b"\xff\xfe\xfd".to_vec()),
                (middle, vec![b'x'; (1 << 20) + 1]),
                (middle, b"[]".to_vec()),
                (middle + 1, b"\"just a string\"".to_vec()),
                (
                    clean.len() - 1,
                    b"{\"type\":\"access\",\"kind\":\"intervalBegin\"}".to_vec(),
                ),
            ],
        );
        assert_eq!(report.records.skipped, 7);
    }
}

#[test]
fn blank_lines_are_not_damage() {
    for (label, clean) in good_exports() {
        let clean_report = run(DAMAGED, &join(&clean));
        let mut lines = clean.clone();
        lines.insert(2, Vec::new());
        lines.insert(5, b"   \t ".to_vec());
        let report = run(DAMAGED, &join(&lines));
        assert_eq!(
            record_results(&report),
            record_results(&clean_report),
            "{label}"
        );
        assert_eq!(report.records.skipped, 0, "{label}");
        assert!(
            report.diagnostics.is_empty(),
            "{label}: {:?}",
            report.diagnostics
        );
    }
}

#[test]
fn truncated_last_line_loses_only_that_record() {
    for (label, clean) in good_exports() {
        let (last, complete) = clean.split_last().unwrap();
        let expected = run(DAMAGED, &join(complete));
        let mut bytes = join(complete);
        bytes.extend_from_slice(&last[..last.len() / 2]); // cut mid-record, no final newline
        let report = run(DAMAGED, &bytes);
        assert_eq!(
            record_results(&report),
            record_results(&expected),
            "{label}"
        );
        assert_eq!(report.records.skipped, 1, "{label}");
        assert_eq!(report.files[0].lines, clean.len() as u64, "{label}");
        let listed: Vec<_> = report
            .diagnostics
            .iter()
            .map(|d| (d.file.as_str(), d.line))
            .collect();
        assert!(
            listed.contains(&(DAMAGED, clean.len() as u64)),
            "{label}: {listed:?}"
        );
        assert_eq!(
            report.diagnostics.len(),
            expected.diagnostics.len() + 1,
            "{label}"
        );
    }
}

const CHINESE_APP: &str = "com.例子.app";

fn chinese_record() -> Vec<u8> {
    fresh_record(CHINESE_APP, "66666666-6666-4666-8666-666666666666")
}

#[test]
fn file_cut_inside_a_multibyte_character_loses_only_that_record() {
    for (label, clean) in good_exports() {
        let clean_report = run(DAMAGED, &join(&clean));
        let mut whole = join(&clean);
        whole.extend_from_slice(&chinese_record());
        whole.push(b'\n');
        // Uncut, the last record is read, and its app appears.
        let uncut = run(DAMAGED, &whole);
        assert!(
            uncut.apps.iter().any(|a| a.bundle_id == CHINESE_APP),
            "{label}"
        );
        assert_eq!(uncut.records.skipped, 0);

        let character = join(&clean).len()
            + chinese_record()
                .windows(3)
                .position(|w| w == "例".as_bytes())
                .unwrap();
        for cut in [character + 1, character + 2] {
            let report = run(DAMAGED, &whole[..cut]);
            assert_eq!(
                record_results(&report),
                record_results(&clean_report),
                "{label}: cut at {cut}"
            );
            assert_eq!(report.records.skipped, 1, "{label}");
            let lines: Vec<u64> = report.diagnostics.iter().map(|d| d.line).collect();
            assert!(
                lines.contains(&(clean.len() as u64 + 1)),
                "{label}: {lines:?}"
            );
        }
    }
}

#[test]
fn multibyte_bundle_id_split_across_chunks_is_read_intact() {
    // `run` feeds the file one byte at a time, among other chunk sizes, so "例" is split.
    let mut bytes = chinese_record();
    bytes.extend_from_slice(b"\n");
    let report = run("chinese.ndjson", &bytes);
    assert_eq!(report.files[0].error, None);
    assert_eq!(report.apps.len(), 1);
    assert_eq!(report.apps[0].bundle_id, CHINESE_APP);
    assert_eq!(report.apps[0].access[0].open, 1);
}

// ---------------------------------------------------------------------------------------
// Garbage beside an export.

/// Runs `[garbage, export]` and `[export, garbage]` and checks the export is read as alone.
fn check_garbage_beside(export_name: &str, export: &[u8]) {
    let alone = analyze([(export_name, export)], &Options::default());
    assert_eq!(alone.files[0].error, None, "{export_name} is an export");
    let garbage = [
        ("IMG_0001.png", png()),
        ("notes.pdf", pdf()),
        ("hello.ndjson", b"{\"hello\":\"world\"}\n".repeat(3)),
    ];
    for (garbage_name, garbage_bytes) in &garbage {
        for garbage_first in [true, false] {
            let mut files = vec![
                (export_name, export),
                (*garbage_name, garbage_bytes.as_slice()),
            ];
            if garbage_first {
                files.reverse();
            }
            let report = analyze(files, &Options::default());
            let (g, e) = if garbage_first { (0, 1) } else { (1, 0) };
            assert_eq!(report.files.len(), 2);
            let error = report.files[g]
                .error
                .as_deref()
                .expect("the garbage file has its error");
            assert!(error.contains(garbage_name), "{error}");
            assert_eq!(report.files[g].generation, None);
            assert_eq!(report.files[e].error, None);
            assert_eq!(
                json(&report.files[e]),
                json(&alone.files[0]),
                "the export's own summary is unchanged"
            );
            assert_eq!(
                report.records, alone.records,
                "totals count only the export"
            );
            assert_eq!(json(&report.apps), json(&alone.apps));
            assert_eq!(json(&report.domains), json(&alone.domains));
            assert_eq!(json(&report.websites), json(&alone.websites));
            assert_eq!(json(&report.findings), json(&alone.findings));
            assert_eq!(json(&report.period), json(&alone.period));
            assert_eq!(
                report.diagnostics, alone.diagnostics,
                "no diagnostics of the garbage file"
            );
            assert_eq!(report.diagnostics_omitted, alone.diagnostics_omitted);
        }
    }
}

#[test]
fn garbage_beside_a_real_export_leaves_the_export_fully_analysed() {
    let Some(export) = real_file("ios17_tweaselORG-ReportHAR.ndjson") else {
        return;
    };
    check_garbage_beside("ios17_tweaselORG-ReportHAR.ndjson", &export);
    let plaso = real_file("ios15.4_plaso.ndjson").unwrap();
    check_garbage_beside("ios15.4_plaso.ndjson", &plaso);
}

#[test]
fn garbage_beside_a_synthetic_export_leaves_the_export_fully_analysed() {
    let history = SyntheticHistory::generate(&Plan {
        seed: 5,
        days: 3,
        ..Plan::default()
    });
    let mut export = Vec::new();
    history.write_export(history.window(), &mut export).unwrap();
    check_garbage_beside("synthetic.ndjson", &export);
}

// ---------------------------------------------------------------------------------------
// Extreme values.

#[test]
fn interval_durations_summing_past_i64_do_not_wrap() {
    // Each pair spans 0001 → 9999 (about 3.2e14 ms); 30 000 of them sum past i64::MAX ms.
    let mut bytes = Vec::new();
    for i in 0..30_000u32 {
        for (kind, time) in [
            ("intervalBegin", "0001-01-01T00:00:00.000+00:00"),
            ("intervalEnd", "9999-12-31T23:59:59.000+00:00"),
        ] {
            let line = format!("{{\"accessor\":{{\"identifier\":\"com.forever.app\",\"identifierType\":\"bundleID\"}},\"category\":\"location\",\"identifier\":\"{i:08X}-0000-4000-8000-000000000000\",\"kind\":\"{kind}\",\"timeStamp\":\"{time}\",\"type\":\"access\"}}\n");
            bytes.extend_from_slice(line.as_bytes());
        }
    }
    let report = analyze([("forever.ndjson", bytes.as_slice())], &Options::default());
    let location = &report.apps[0].access[0];
    assert_eq!(location.intervals, 30_000);
    assert!(
        location.total_seconds >= location.max_seconds,
        "total {} < longest {}",
        location.total_seconds,
        location.max_seconds
    );
}
