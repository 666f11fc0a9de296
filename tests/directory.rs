//! Who is who: app names, domain owners, categories, trackers and parties, on hand-written
//! cases and on every app and domain of the real exports (with the coverage printed).

mod common;

use std::path::PathBuf;

use privacy_lens::{Analyzer, AppSummary, Options, Report};

/// The tracker database as `make data` compiled it (committed under www/data/).
fn trackerdb() -> Vec<u8> {
    std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("www/data/trackerdb.tsv"))
        .expect("www/data/trackerdb.tsv")
}

/// A report over `files`, with or without the tracker database.
fn report(files: &[(String, Vec<u8>)], with_trackerdb: bool) -> Report {
    let mut analyzer = Analyzer::new();
    if with_trackerdb {
        assert!(analyzer.load_trackerdb(&trackerdb()) > 4000);
    }
    for (name, bytes) in files {
        analyzer.start_file(name);
        analyzer.feed(bytes);
        analyzer.finish_file();
    }
    analyzer.report(&Options::default())
}

/// One network record line of `app` contacting `domain`.
fn network(app: &str, domain: &str, owner: &str, domain_type: u8) -> String {
    format!(
        r#"{{"domain":"{domain}","firstTimeStamp":"2024-05-01T10:00:00.000+08:00","context":"","timeStamp":"2024-05-01T11:00:00.000+08:00","domainType":{domain_type},"initiatedType":"AppInitiated","hits":3,"type":"networkActivity","domainOwner":"{owner}","bundleID":"{app}"}}"#
    )
}

fn app<'r>(report: &'r Report, bundle_id: &str) -> &'r AppSummary {
    report
        .apps
        .iter()
        .find(|a| a.bundle_id == bundle_id)
        .unwrap_or_else(|| panic!("{bundle_id} in the report"))
}

#[test]
fn apps_get_names_companies_and_a_tidy_fallback() {
    let lines = [
        network("com.tencent.xin", "szshort.weixin.qq.com", "", 2),
        network("5Q4J53EFRC.com.tencent.xin", "qpic.cn", "", 2),
        network("com.tencent.someNewApp", "qq.com", "", 2),
        network("com.example.FitnessTracker", "example.com", "", 2),
    ];
    let report = report(
        &[("net.ndjson".into(), lines.join("\n").into_bytes())],
        true,
    );
    let wechat = app(&report, "com.tencent.xin");
    assert_eq!(
        (
            wechat.name.as_str(),
            wechat.name_source,
            wechat.name_zh.as_deref()
        ),
        ("WeChat", "table", Some("微信"))
    );
    assert_eq!(wechat.company.as_deref(), Some("Tencent"));
    let prefixed = app(&report, "5Q4J53EFRC.com.tencent.xin");
    assert_eq!(
        (prefixed.name.as_str(), prefixed.bundle_id.as_str()),
        ("WeChat", "5Q4J53EFRC.com.tencent.xin")
    );
    let unknown_tencent = app(&report, "com.tencent.someNewApp");
    assert_eq!(
        (
            unknown_tencent.name_source,
            unknown_tencent.company.as_deref()
        ),
        ("bundle_id", Some("Tencent"))
    );
    let unknown = app(&report, "com.example.FitnessTracker");
    assert_eq!(
        (
            unknown.name.as_str(),
            unknown.name_source,
            unknown.company.as_deref()
        ),
        ("Fitness Tracker", "bundle_id", None)
    );
}

#[test]
fn domains_get_owners_categories_trackers_and_parties() {
    let lines = [
        network("com.tencent.xin", "szshort.weixin.qq.com", "", 2),
        network("com.tencent.xin", "WX.QLOGO.CN", "", 2),
        network("com.tencent.xin", "1.2.3.4", "", 2),
        network("com.tencent.xin", "2001:db8::1", "", 2),
        network("com.tencent.xin", "a1.b2.graph.facebook.com", "", 2),
        network("com.tencent.xin", "ios.bugly.qq.com", "", 2),
        network(
            "com.midasplayer.apps.candycrushsaga",
            "app.adjust.com",
            "",
            1,
        ),
        network("com.midasplayer.apps.candycrushsaga", "gdt.qq.com", "", 2),
        network(
            "com.midasplayer.apps.candycrushsaga",
            "googleads.g.doubleclick.net",
            "",
            1,
        ),
        network(
            "com.midasplayer.apps.candycrushsaga",
            "unknown-cdn.example",
            "Example Hosting Ltd",
            2,
        ),
    ];
    let report = report(
        &[("net.ndjson".into(), lines.join("\n").into_bytes())],
        true,
    );
    let domain = |app_id: &str, domain: &str| {
        let found = app(&report, app_id)
            .network
            .by_domain
            .iter()
            .find(|d| d.domain == domain);
        let d = found.unwrap_or_else(|| panic!("{domain}"));
        (
            d.ownership.owner.clone(),
            d.ownership.owner_source,
            d.ownership.category.clone(),
            d.ownership.tracker,
            d.party,
        )
    };
    let some = |s: &str| Some(s.to_owned());
    assert_eq!(
        domain("com.tencent.xin", "szshort.weixin.qq.com"),
        (
            some("Tencent"),
            Some("project"),
            some("service"),
            false,
            "first"
        )
    );
    // Mixed case is folded before look-up.
    assert_eq!(
        domain("com.tencent.xin", "wx.qlogo.cn"),
        (
            some("Tencent"),
            Some("project"),
            some("cdn"),
            false,
            "first"
        )
    );
    assert_eq!(
        domain("com.tencent.xin", "1.2.3.4"),
        (None, None, some("ip_address"), false, "unknown")
    );
    assert_eq!(
        domain("com.tencent.xin", "2001:db8::1"),
        (None, None, some("ip_address"), false, "unknown")
    );
    // A sub-sub-domain finds its parent entry.
    assert_eq!(
        domain("com.tencent.xin", "a1.b2.graph.facebook.com").0,
        some("Meta")
    );
    assert_eq!(
        domain("com.tencent.xin", "a1.b2.graph.facebook.com").4,
        "third"
    );
    // The most specific entry wins (bugly.qq.com, not qq.com).
    assert_eq!(
        domain("com.tencent.xin", "ios.bugly.qq.com").2,
        some("crash_reporting")
    );
    assert!(domain("com.midasplayer.apps.candycrushsaga", "app.adjust.com").3);
    // A tracker of the app's own company is still a tracker, but not a third party's.
    let gdt = domain("com.midasplayer.apps.candycrushsaga", "gdt.qq.com");
    assert_eq!((gdt.3, gdt.4), (true, "third"));
    // From the tracker database (the project's table has doubleclick.net too: it wins).
    assert_eq!(
        domain(
            "com.midasplayer.apps.candycrushsaga",
            "googleads.g.doubleclick.net"
        )
        .0,
        some("Google")
    );
    // Apple's domainOwner when nothing else knows the domain.
    assert_eq!(
        domain("com.midasplayer.apps.candycrushsaga", "unknown-cdn.example").0,
        some("Example Hosting Ltd")
    );
    assert_eq!(
        domain("com.midasplayer.apps.candycrushsaga", "unknown-cdn.example").1,
        Some("apple")
    );

    let candy = app(&report, "com.midasplayer.apps.candycrushsaga");
    assert_eq!(
        candy.network.tracker_domains, 3,
        "{:?}",
        candy.network.by_domain
    );
    let finding = report
        .findings
        .iter()
        .find(|f| f.rule == "third_party_trackers" && f.bundle_id == candy.bundle_id);
    assert_eq!(finding.expect("third_party_trackers finding").count, 3);
    let tencent = report
        .companies
        .iter()
        .find(|c| c.company == "Tencent")
        .expect("Tencent in companies");
    assert_eq!((tencent.apps.len(), tencent.third_party_apps), (2, 1));
}

#[test]
fn the_tracker_database_fills_in_what_the_project_table_lacks() {
    let lines = [
        network("com.imangi.templerun2", "c.iads.unity3d.com", "", 2),
        network("com.imangi.templerun2", "dpm.demdex.net", "", 2),
    ];
    let files = [("net.ndjson".to_owned(), lines.join("\n").into_bytes())];
    let without = report(&files, false);
    let with = report(&files, true);
    let owner = |report: &Report, domain: &str| {
        app(report, "com.imangi.templerun2")
            .network
            .by_domain
            .iter()
            .find(|d| d.domain == domain)
            .unwrap()
            .ownership
            .owner
            .clone()
    };
    assert_eq!(owner(&without, "dpm.demdex.net"), None);
    assert_eq!(owner(&with, "dpm.demdex.net").as_deref(), Some("Adobe"));
    assert!(with
        .sources
        .trackerdb
        .as_deref()
        .unwrap_or("")
        .contains("Ghostery"));
    assert_eq!(without.sources.trackerdb, None);
}

#[test]
fn coverage_of_the_real_exports() {
    let Some(files) = common::real_fixtures() else {
        return;
    };
    let report = report(&files, true);
    let named = report
        .apps
        .iter()
        .filter(|a| a.name_source == "table")
        .count();
    let owned = report
        .domains
        .iter()
        .filter(|d| d.ownership.owner.is_some())
        .count();
    let unnamed: Vec<&str> = report
        .apps
        .iter()
        .filter(|a| a.name_source != "table")
        .map(|a| a.bundle_id.as_str())
        .collect();
    println!(
        "coverage of the real exports: {named} of {} apps named ({:.0} %), {owned} of {} domains with an owner ({:.0} %); unnamed: {unnamed:?}",
        report.apps.len(),
        100.0 * named as f64 / report.apps.len() as f64,
        report.domains.len(),
        100.0 * owned as f64 / report.domains.len() as f64,
    );
    // Floors that catch a broken table or look-up, below today's figures.
    assert!(
        named * 10 >= report.apps.len() * 8,
        "apps named: {named} of {}",
        report.apps.len()
    );
    assert!(
        owned * 10 >= report.domains.len() * 6,
        "domains owned: {owned} of {}",
        report.domains.len()
    );
}
