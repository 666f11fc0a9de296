//! Regressions found by review of the analysis core, one test each.

mod common;

use privacy_lens::{analyze, Generation, Options, Report};

const ID: &str = "6AF95C77-3A05-41D5-9F32-F0F0C12CE8FA";

fn access(app: &str, kind: &str, time: &str) -> String {
    format!(
        r#"{{"accessor":{{"identifier":"{app}","identifierType":"bundleID"}},"category":"photos","identifier":"{ID}","kind":"{kind}","timeStamp":"{time}","type":"access"}}"#
    )
}

fn network(app: &str, domain: &str, hits: &str, first: &str, last: &str, flagged: bool) -> String {
    let (domain_type, owner) = if flagged {
        (1, "Tracker Inc.")
    } else {
        (2, "")
    };
    format!(
        r#"{{"timeStamp":"{last}","initiatedType":"AppInitiated","context":"","domain":"{domain}","contextVerificationType":0,"type":"networkActivity","domainType":{domain_type},"firstTimeStamp":"{first}","bundleID":"{app}","domainOwner":"{owner}","hits":{hits},"domainClassification":1}}"#
    )
}

fn run(files: &[(&str, String)]) -> Report {
    analyze(
        files.iter().map(|(name, text)| (*name, text.as_bytes())),
        &Options::default(),
    )
}

#[test]
fn the_period_ignores_copies_that_deduplication_dropped() {
    let a = [
        access("com.a", "intervalBegin", "2025-03-27T10:00:00.000Z"),
        access("com.a", "intervalEnd", "2025-03-27T10:01:00.000Z"),
    ]
    .join("\n");
    let b = [
        access("com.a", "intervalBegin", "2025-03-27T10:00:00.000Z"),
        access("com.a", "intervalEnd", "2025-03-30T10:00:00.000Z"),
    ]
    .join("\n");
    let report = run(&[("a", a), ("b", b)]);
    let period = report.period.unwrap();
    assert_eq!(
        (period.last.as_str(), period.days),
        ("2025-03-27T10:01:00.000Z", 1)
    );
}

#[test]
fn flagged_hits_saturate_and_say_up_to_when_exports_overlap() {
    let huge = "9223372036854775808";
    let text = [
        network(
            "com.a",
            "a.com",
            huge,
            "2025-03-27T10:00:00.000Z",
            "2025-03-27T11:00:00.000Z",
            true,
        ),
        network(
            "com.a",
            "b.com",
            huge,
            "2025-03-27T10:00:00.000Z",
            "2025-03-27T11:00:00.000Z",
            true,
        ),
    ]
    .join("\n");
    let report = run(&[("a", text)]);
    let finding = report
        .findings
        .iter()
        .find(|f| f.rule == "flagged_domains")
        .unwrap();
    assert_eq!(finding.params["hits"], u64::MAX);
    let first = network(
        "com.a",
        "a.com",
        "50",
        "2025-03-27T10:00:00.000Z",
        "2025-03-28T10:00:00.000Z",
        true,
    );
    let second = network(
        "com.a",
        "a.com",
        "60",
        "2025-03-28T09:00:00.000Z",
        "2025-03-29T10:00:00.000Z",
        true,
    );
    let report = run(&[("a", first), ("b", second)]);
    let finding = report
        .findings
        .iter()
        .find(|f| f.rule == "flagged_domains")
        .unwrap();
    assert!(finding.text.contains("up to 110 times"), "{}", finding.text);
}

#[test]
fn overlap_of_windows_is_decided_by_instants_not_offsets() {
    let touching = |end: &str, start: &str| {
        let a = network(
            "com.a",
            "a.com",
            "1",
            "2025-03-27T09:00:00.000Z",
            end,
            false,
        );
        let b = network(
            "com.a",
            "a.com",
            "2",
            start,
            "2025-03-27T12:00:00.000Z",
            false,
        );
        run(&[("a", a), ("b", b)]).apps[0].network.hits_upper_bound
    };
    // The same two instants, written in two ways.
    assert!(touching(
        "2025-03-27T10:00:00.000Z",
        "2025-03-27T11:00:00.000+01:00"
    ));
    assert!(touching(
        "2025-03-27T11:00:00.000+01:00",
        "2025-03-27T10:00:00.000Z"
    ));
}

#[test]
fn a_lone_brace_in_a_beta_2_file_is_one_skipped_line() {
    let fixture = String::from_utf8(common::own_fixture("beta2.ndjson")).unwrap();
    let clean = run(&[("beta2.ndjson", fixture.clone())]);
    let mut lines: Vec<&str> = fixture.lines().collect();
    let metadata = lines
        .iter()
        .position(|l| l.contains(r#""recordType":"networkActivity""#))
        .unwrap();
    lines.insert(metadata + 1, "{");
    let damaged = run(&[("beta2.ndjson", lines.join("\n"))]);
    assert_eq!(damaged.files[0].generation, Some(Generation::Ios15Beta2));
    assert_eq!(
        (damaged.records.network, damaged.records.skipped),
        (clean.records.network, 1)
    );
    assert_eq!(damaged.diagnostics[0].line, metadata as u64 + 2);
}

#[test]
fn a_compacted_beta_1_network_section_is_read() {
    let Some(bytes) = common::real_fixture("ios15-beta1_eJamesLin-AppActivityViewer.json") else {
        return;
    };
    let text = String::from_utf8(bytes).unwrap();
    let (head, block) = text.split_at(text.find("\n\n{").unwrap());
    let value: serde_json::Value =
        serde_json::from_str(&block.replace("},\n  ]", "}\n  ]")).unwrap();
    let compacted = format!("{head}\n{value}\n");
    let report = run(&[("compact.json", compacted)]);
    assert_eq!((report.records.network, report.records.unknown), (2, 0));
    assert_eq!(report.files[0].generation, Some(Generation::Ios15Beta1));
}

#[test]
fn a_file_of_broken_records_says_why_its_lines_were_refused() {
    let line = r#"{"accessor":{"identifier":"a","identifierType":"bundleID"},"identifier":"X","kind":"intervalBegin","timeStamp":"2025-03-27T10:00:00.000Z","type":"access"}"#;
    let report = run(&[("broken.ndjson", [line, line, line].join("\n"))]);
    let error = report.files[0].error.as_deref().unwrap();
    assert!(
        error.contains("line 1: the record has no category"),
        "{error}"
    );
    let one = run(&[("one.ndjson", line.to_owned())]);
    assert!(one.files[0]
        .error
        .as_deref()
        .unwrap()
        .contains("its one line is not"));
}

#[test]
fn diagnostics_keep_the_first_lines_when_there_are_too_many() {
    // An unclosed beta-1 section: 510 bad dictionaries, then "never closes" for line 3.
    let mut text = String::from("{\"_marker\": \"<end-of-section>\"}\n\n{\n \"com.a\" : [\n");
    for _ in 0..510 {
        text.push_str("  {\"domain\" : \"a.com\", \"hits\" : \"x\", \"timeStamp\" : \"2021-06-21T17:03:07Z\"},\n");
    }
    let report = run(&[("beta1.json", text)]);
    let lines: Vec<u64> = report.diagnostics.iter().map(|d| d.line).collect();
    assert_eq!(lines.len(), 500);
    assert_eq!(lines[0], 3, "the unclosed section is listed first");
    assert_eq!(report.diagnostics_omitted, 11);
    assert!(lines.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn an_unclosed_quote_in_a_beta_1_section_does_not_swallow_memory_or_lines() {
    let mut text = String::from("{\"_marker\": \"<end-of-section>\"}\n{\n \"com.a");
    for _ in 0..50 {
        text.push_str(&"x".repeat(100_000));
        text.push('\n');
    }
    let report = run(&[("beta1.json", text)]);
    assert_eq!(report.records.skipped, 1);
    assert!(report.diagnostics[0].message.contains("never closes"));
}

#[test]
fn a_website_counts_a_domain_as_flagged_only_by_its_own_records() {
    // One app × domain: flagged by Apple in a record of the app's own traffic, not in the
    // record of a website's. The domain is flagged; the website's flagged count is 0.
    let line = |context: &str, domain_type: u8, hits: u32| {
        format!(
            r#"{{"timeStamp":"2025-03-27T10:00:00.000Z","initiatedType":"NonAppInitiated","context":"{context}","domain":"ads.example","contextVerificationType":0,"type":"networkActivity","domainType":{domain_type},"firstTimeStamp":"2025-03-27T09:00:00.000Z","bundleID":"com.browser","domainOwner":"","hits":{hits},"domainClassification":1}}"#
        )
    };
    let report = run(&[(
        "a",
        [
            line("", 1, 3),
            line("news.example", 2, 4),
            line("shop.example", 1, 5),
        ]
        .join("\n"),
    )]);
    assert!(report.domains[0].flagged);
    let site = |name: &str| report.websites.iter().find(|w| w.site == name).unwrap();
    assert_eq!(
        (
            site("news.example").flagged_domains,
            site("news.example").hits
        ),
        (0, 4)
    );
    assert_eq!(
        (
            site("shop.example").flagged_domains,
            site("shop.example").hits
        ),
        (1, 5)
    );
}
