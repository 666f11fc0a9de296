//! The WebAssembly interface (`src/wasm.rs`) in headless Chromium: what the page's worker
//! gets through it must be exactly what the core computes.
#![cfg(target_arch = "wasm32")]

use privacy_lens::synthetic::{Plan, SyntheticHistory};
use privacy_lens::{analyze, Options, QuietHours};
use serde_json::Value;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const QUIRKS: &[u8] = include_bytes!("fixtures/quirks.ndjson");
const BETA1: &[u8] = include_bytes!("fixtures/beta1.json");

fn session_report(
    files: &[(&str, &[u8])],
    chunk: usize,
    quiet_hours: &str,
) -> (privacy_lens::wasm::Session, Value) {
    let mut session = privacy_lens::wasm::Session::new(0x5eed_1234_abcd_0001);
    for (name, bytes) in files {
        session.start_file(name, bytes.len() as f64);
        for piece in bytes.chunks(chunk) {
            session.feed(piece);
        }
        session.finish_file();
    }
    let json = session.report(quiet_hours).expect("valid quiet hours");
    let mut report: Value = serde_json::from_str(&json).expect("the report is JSON");
    assert_eq!(
        report["domains"],
        Value::Array(vec![]),
        "domains come separately"
    );
    report["domains"] = serde_json::from_str(&session.domains()).expect("the domains are JSON");
    (session, report)
}

/// A generated export of three days.
fn three_days() -> Vec<u8> {
    let history = SyntheticHistory::generate(&Plan {
        days: 3,
        ..Plan::default()
    });
    let mut export = Vec::new();
    history.write_export(history.window(), &mut export).unwrap();
    export
}

/// The core's report as the session's first view (without each app's details), with its
/// `domains`, which the session hands over separately.
fn core_report(files: &[(&str, &[u8])], options: &Options) -> Value {
    let mut report = analyze(files.iter().copied(), options);
    report.take_app_details();
    serde_json::to_value(report).unwrap()
}

#[wasm_bindgen_test]
fn the_session_reports_what_the_core_computes_at_any_chunk_size() {
    let week = three_days();
    let files: [(&str, &[u8]); 3] = [
        ("quirks.ndjson", QUIRKS),
        ("beta1.json", BETA1),
        ("week.ndjson", &week),
    ];
    let expected = core_report(&files, &Options::default());
    for chunk in [1, 7, 4096, 1 << 22] {
        let (_, report) = session_report(&files, chunk, "00:00-06:00");
        assert_eq!(report, expected, "chunks of {chunk} bytes");
    }
    assert!(expected["records"]["access"].as_u64().unwrap() > 100);
}

#[wasm_bindgen_test]
fn slices_fed_with_a_digesters_digests_give_the_same_report() {
    let week = three_days();
    let files: [(&str, &[u8]); 2] = [("quirks.ndjson", QUIRKS), ("week.ndjson", &week)];
    let expected = core_report(&files, &Options::default());
    let mut digester = privacy_lens::wasm::Digester::new();
    for chunk in [7, 4096, 1 << 22] {
        let mut session = privacy_lens::wasm::Session::new(0x5eed_1234_abcd_0002);
        for (name, bytes) in files {
            session.start_file(name, bytes.len() as f64);
            for piece in bytes.chunks(chunk) {
                let length = digester.digest(piece);
                assert_eq!(length, digester.digests().len());
                session.feed_digested(piece, digester.digests());
            }
            session.finish_file();
        }
        let mut report: Value =
            serde_json::from_str(&session.report("00:00-06:00").unwrap()).unwrap();
        report["domains"] = serde_json::from_str(&session.domains()).unwrap();
        assert_eq!(report, expected, "chunks of {chunk} bytes with digests");
    }
}

#[wasm_bindgen_test]
fn quiet_hours_are_recomputed_without_reading_again() {
    let files: [(&str, &[u8]); 1] = [("quirks.ndjson", QUIRKS)];
    let (mut session, _) = session_report(&files, 1 << 20, "00:00-06:00");
    let mut late = serde_json::from_str::<Value>(&session.report("22:00-07:00").unwrap()).unwrap();
    late["domains"] = serde_json::from_str(&session.domains()).unwrap();
    let options = Options {
        quiet_hours: QuietHours::new(22 * 60, 7 * 60).unwrap(),
        ..Options::default()
    };
    assert_eq!(late, core_report(&files, &options));
    assert!(
        session.report("25:00-07:00").is_err(),
        "an invalid window is refused"
    );
}

#[wasm_bindgen_test]
fn one_app_comes_with_its_intervals() {
    let files: [(&str, &[u8]); 1] = [("quirks.ndjson", QUIRKS)];
    let (session, report) = session_report(&files, 1 << 20, "00:00-06:00");
    let full = analyze(files.iter().copied(), &Options::default());
    for app in &full.apps {
        let json = session
            .app(&app.bundle_id)
            .expect("every app of the report");
        assert_eq!(
            serde_json::from_str::<Value>(&json).unwrap(),
            serde_json::to_value(app).unwrap()
        );
    }
    assert!(session.app("no.such.app").is_none());
    // The first view carries neither interval lists nor each app's domains.
    for app in report["apps"].as_array().unwrap() {
        assert_eq!(app["network"]["by_domain"], Value::Array(vec![]));
        for category in app["access"].as_array().unwrap() {
            assert_eq!(category["timeline"], Value::Array(vec![]));
            assert_eq!(category["by_day"], Value::Array(vec![]));
        }
    }
}

#[wasm_bindgen_test]
fn a_file_that_is_not_an_export_is_named_and_the_others_still_count() {
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let mut session = privacy_lens::wasm::Session::new(7);
    session.start_file("holiday.png", png.len() as f64);
    session.feed(png);
    let summary: Value = serde_json::from_str(&session.finish_file()).unwrap();
    assert!(
        summary["error"].as_str().unwrap().contains("PNG"),
        "{summary}"
    );
    assert!(!session.has_export());
    session.start_file("quirks.ndjson", QUIRKS.len() as f64);
    session.feed(QUIRKS);
    session.finish_file();
    assert!(session.has_export());
    let report: Value = serde_json::from_str(&session.report("00:00-06:00").unwrap()).unwrap();
    assert_eq!(report["files"].as_array().unwrap().len(), 2);
}

#[wasm_bindgen_test]
fn exports_and_comparisons_are_the_cores() {
    let history = SyntheticHistory::generate(&Plan {
        days: 14,
        change_day: Some(7),
        ..Plan::default()
    });
    let (mut first, mut second) = (Vec::new(), Vec::new());
    history
        .write_export(history.days(0, 8), &mut first)
        .unwrap();
    history
        .write_export(history.days(6, 14), &mut second)
        .unwrap();
    let files: [(&str, &[u8]); 2] = [("first.ndjson", &first), ("second.ndjson", &second)];
    let (session, _) = session_report(&files, 1 << 20, "00:00-06:00");
    let full = analyze(files.iter().copied(), &Options::default());
    let quiet = QuietHours::default();
    assert_eq!(
        session.export("intervals.csv").unwrap(),
        privacy_lens::intervals_csv(&full.apps, quiet)
    );
    assert_eq!(
        session.export("apps.csv").unwrap(),
        privacy_lens::apps_csv(&full)
    );
    assert_eq!(
        session.export("domains.csv").unwrap(),
        privacy_lens::domains_csv(&full.domains)
    );
    assert_eq!(
        session.export("hosts.txt").unwrap(),
        privacy_lens::blocklist(&full, privacy_lens::BlocklistFormat::Hosts)
    );
    assert_eq!(
        serde_json::from_str::<Value>(&session.export("report.json").unwrap()).unwrap(),
        serde_json::to_value(&full).unwrap()
    );
    assert!(session.export("secrets.txt").is_err());

    let mut analyzer = privacy_lens::Analyzer::new();
    for (name, bytes) in files {
        analyzer.start_file(name);
        analyzer.feed(bytes);
        analyzer.finish_file();
    }
    let split = analyzer.compare_split(
        privacy_lens::parse_local_time("2021-10-11").unwrap(),
        &Options::default(),
    );
    assert_eq!(
        serde_json::from_str::<Value>(&session.compare_split("2021-10-11", "00:00-06:00").unwrap())
            .unwrap(),
        serde_json::to_value(&split).unwrap()
    );
    assert!(session.compare_split("someday", "00:00-06:00").is_err());
    let (after, _) = session_report(&files[1..], 1 << 20, "00:00-06:00");
    let (before, _) = session_report(&files[..1], 1 << 20, "00:00-06:00");
    let two = privacy_lens::compare(
        &analyze(files[..1].iter().copied(), &Options::default()),
        &analyze(files[1..].iter().copied(), &Options::default()),
    );
    assert_eq!(
        serde_json::from_str::<Value>(&before.compare_with(&after, "00:00-06:00").unwrap())
            .unwrap(),
        serde_json::to_value(&two).unwrap()
    );
}

#[wasm_bindgen_test]
fn a_warm_up_leaves_nothing_behind_in_the_next_session() {
    privacy_lens::wasm::Session::warm_up(0x5eed_1234_abcd_0002, 256 << 10);
    let files: [(&str, &[u8]); 1] = [("quirks.ndjson", QUIRKS)];
    let (_, report) = session_report(&files, 4096, "00:00-06:00");
    assert_eq!(report, core_report(&files, &Options::default()));
}
