//! Properties of the whole analysis over small random exports.
//!
//! The generator writes NDJSON lines the way iOS does (access keys in alphabetical order,
//! network keys in the iOS 15.2+ order) from plain structs: access records whose identifiers
//! come from a small pool (so begins, ends and copies collide), apps and categories from
//! small sets (Chinese names included), timestamps over four days in several offsets (with
//! and without milliseconds, `Z` and `+00:00`), optional `outOfProcess`/`accessCount`,
//! network aggregates over small pools of apps and mixed-case domains, a few iOS 15 beta
//! access events, and junk lines.
//!
//! The pairing and deduplication expectations come from an independent model written here
//! over those structs (chrono for the times); the crate's summary code is not reused.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset, SecondsFormat, Timelike};
use common::{observed, Counts};
use privacy_lens::{analyze, Options, Report};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;

// ---------------------------------------------------------------------------------------
// Pools.

/// Access identifiers. Includes a lower-case spelling of an upper-case UUID (a different
/// identifier: matching is exact) and identifiers that are not UUIDs at all.
const IDENTIFIERS: [&str; 8] = [
    "6AF95C77-3A05-41D5-9F32-F0F0C12CE8FA",
    "BE77C3FE-30F6-4205-AD33-A384C9DC9AE8",
    "00000001-0000-4000-8000-000000000001",
    "00000002-0000-4000-8000-000000000002",
    "be77c3fe-30f6-4205-ad33-a384c9dc9ae8",
    "B1",
    "not-a-uuid",
    "0000000200000000400080000000000000002",
];
const APPS: [&str; 5] = [
    "com.tencent.xin",
    "com.apple.weather",
    "5Q4J53EFRC.com.sbb.ch",
    "com.例子.地图",
    "com.google.gemini",
];
const CATEGORIES: [&str; 6] = [
    "photos",
    "contacts",
    "location",
    "screenRecording",
    "microphone",
    "未来传感器",
];
const NETWORK_APPS: [&str; 4] = [
    "com.tencent.xin",
    "com.apple.mobilesafari",
    "com.例子.地图",
    "com.burbn.instagram",
];
const DOMAINS: [&str; 8] = [
    "Mmbiz.QPIC.cn",
    "mmbiz.qpic.cn",
    "graph.facebook.com",
    "GRAPH.Facebook.com",
    "8.8.8.8",
    "2001:4860:4860::8888",
    "www.nytimes.com",
    "例子.中国",
];
const CONTEXTS: [&str; 3] = ["", "nytimes.com", "youtube.com"];
const OWNERS: [&str; 3] = ["", "Google LLC", "Facebook, Inc."];
/// Offsets as written, with their minutes east of UTC.
const OFFSETS: [(&str, i32); 8] = [
    ("+08:00", 480),
    ("-04:00", -240),
    ("Z", 0),
    ("+05:45", 345),
    ("+01:00", 60),
    ("+02:00", 120),
    ("-09:30", -570),
    ("+00:00", 0),
];
/// Lines that are not usable records (blank, broken, unknown types, bad times).
const JUNK: [&str; 11] = [
    "{not json",
    "",
    "   ",
    r#"{"type":"somethingNew","x":1}"#,
    "[1,2]",
    r#"{"type":"access","kind":"intervalBegin"}"#,
    "垃圾 行",
    r#"{"type":"access","kind":"sideways"}"#,
    r#"{"accessor":{"identifier":"com.tencent.xin","identifierType":"bundleID"},"category":"photos","identifier":"B1","kind":"intervalBegin","timeStamp":"yesterday","type":"access"}"#,
    r#"{"hello":"world"}"#,
    r#"{"accessor":{"identifier":"com.例子.地图","identifierType":"bundleID"},"category":"photos""#,
];

/// 2025-03-27T00:00:00Z.
const BASE_UTC_MS: i64 = 1_743_033_600_000;
const SECOND: i64 = 1000;
const HOUR: i64 = 3600 * SECOND;
const DAY: i64 = 24 * HOUR;

// ---------------------------------------------------------------------------------------
// Generated records and how they are written.

#[derive(Clone, Debug, PartialEq)]
struct Time {
    utc_ms: i64,
    offset: usize,
    /// Written with `.mmm`; without it the instant is a whole second.
    fraction: bool,
}

impl Time {
    fn new(utc_ms: i64, offset: usize, fraction: bool) -> Time {
        let utc_ms = if fraction {
            utc_ms
        } else {
            utc_ms - utc_ms.rem_euclid(SECOND)
        };
        Time {
            utc_ms,
            offset,
            fraction,
        }
    }

    fn text(&self) -> String {
        let (name, minutes) = OFFSETS[self.offset];
        let offset = FixedOffset::east_opt(minutes * 60).unwrap();
        let local = DateTime::from_timestamp_millis(self.utc_ms)
            .unwrap()
            .with_timezone(&offset);
        let mut text = local.format("%Y-%m-%dT%H:%M:%S").to_string();
        if self.fraction {
            text.push_str(&format!(".{:03}", self.utc_ms.rem_euclid(SECOND)));
        }
        text.push_str(name);
        text
    }
}

#[derive(Clone, Debug, PartialEq)]
struct AccessRec {
    id: usize,
    begin: bool,
    app: usize,
    category: usize,
    time: Time,
    out_of_process: bool,
    access_count: bool,
}

#[derive(Clone, Debug, PartialEq)]
struct NetRec {
    app: usize,
    domain: usize,
    context: usize,
    app_initiated: bool,
    flagged: bool,
    owner: usize,
    hits: u64,
    first: Time,
    last: Time,
    /// Has `contextVerificationType` and `domainClassification` (iOS 15.2+).
    new_keys: bool,
}

#[derive(Clone, Debug, PartialEq)]
struct EventRec {
    id: usize,
    app: usize,
    category: usize,
    time: Time,
}

#[derive(Clone, Debug, PartialEq)]
enum Item {
    Access(AccessRec),
    Network(NetRec),
    Event(EventRec),
    Junk(usize),
}

fn js(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

fn accessor(app: &str) -> String {
    format!(
        "{{\"identifier\":{},\"identifierType\":\"bundleID\"}}",
        js(app)
    )
}

impl Item {
    /// The line as iOS writes it.
    fn line(&self) -> String {
        match self {
            Item::Access(a) => {
                let mut line = String::from("{");
                if a.access_count {
                    line.push_str("\"accessCount\":0,");
                }
                line.push_str(&format!("\"accessor\":{},", accessor(APPS[a.app])));
                if CATEGORIES[a.category] == "screenRecording" {
                    line.push_str(&format!("\"broadcaster\":{},", accessor(APPS[a.app])));
                }
                line.push_str(&format!(
                    "\"category\":{},\"identifier\":{},\"kind\":\"{}\",",
                    js(CATEGORIES[a.category]),
                    js(IDENTIFIERS[a.id]),
                    if a.begin { "intervalBegin" } else { "intervalEnd" }
                ));
                if a.out_of_process {
                    line.push_str("\"outOfProcess\":true,");
                }
                line.push_str(&format!("\"timeStamp\":\"{}\",\"type\":\"access\"}}", a.time.text()));
                line
            }
            Item::Network(n) => {
                let domain = DOMAINS[n.domain];
                let mut line = format!(
                    "{{\"timeStamp\":\"{}\",\"initiatedType\":\"{}\",\"context\":{},\"domain\":{},",
                    n.last.text(),
                    if n.app_initiated { "AppInitiated" } else { "NonAppInitiated" },
                    js(CONTEXTS[n.context]),
                    js(domain)
                );
                if n.new_keys {
                    line.push_str(&format!("\"contextVerificationType\":{},", if n.context == 0 { 0 } else { 2 }));
                }
                line.push_str(&format!(
                    "\"type\":\"networkActivity\",\"domainType\":{},\"firstTimeStamp\":\"{}\",\"bundleID\":{},\"domainOwner\":{},\"hits\":{}",
                    if n.flagged { 1 } else { 2 },
                    n.first.text(),
                    js(NETWORK_APPS[n.app]),
                    js(OWNERS[n.owner]),
                    n.hits
                ));
                if n.new_keys {
                    line.push_str(&format!(",\"domainClassification\":{}", if domain.contains(['.', ':']) && domain.starts_with(|c: char| c.is_ascii_digit()) { 2 } else { 1 }));
                }
                line.push('}');
                line
            }
            Item::Event(e) => format!(
                "{{\"accessor\":{},\"category\":{},\"identifier\":{},\"kind\":\"event\",\"timestamp\":\"{}\"}}",
                accessor(APPS[e.app]),
                js(CATEGORIES[e.category]),
                js(IDENTIFIERS[e.id]),
                e.time.text()
            ),
            Item::Junk(index) => JUNK[*index].to_owned(),
        }
    }
}

fn export_bytes(items: &[Item]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for item in items {
        bytes.extend_from_slice(item.line().as_bytes());
        bytes.push(b'\n');
    }
    bytes
}

// ---------------------------------------------------------------------------------------
// Strategies.

fn time() -> impl Strategy<Value = Time> {
    (0..4 * DAY, 0..OFFSETS.len(), prop::bool::weighted(0.8))
        .prop_map(|(at, offset, fraction)| Time::new(BASE_UTC_MS + at, offset, fraction))
}

/// App and category: usually the identifier's own (as in real exports), sometimes any.
fn app_and_category(id: usize, odd: bool, app: usize, category: usize) -> (usize, usize) {
    if odd {
        (app, category)
    } else {
        (id % APPS.len(), id % CATEGORIES.len())
    }
}

/// One access record alone, or a begin and an end of one identifier close together
/// (zero-length and slightly inverted ones included).
fn access_group() -> impl Strategy<Value = Vec<AccessRec>> {
    let single = (
        0..IDENTIFIERS.len(),
        any::<bool>(),
        prop::bool::weighted(0.2),
        0..APPS.len(),
        0..CATEGORIES.len(),
        time(),
        prop::bool::weighted(0.2),
        any::<bool>(),
    )
        .prop_map(
            |(id, begin, odd, app, category, time, out_of_process, access_count)| {
                let (app, category) = app_and_category(id, odd, app, category);
                vec![AccessRec {
                    id,
                    begin,
                    app,
                    category,
                    time,
                    out_of_process,
                    access_count,
                }]
            },
        );
    let duration =
        prop_oneof![2 => Just(0i64), 6 => 0..2 * HOUR, 1 => -5 * SECOND..0, 1 => 0..5 * SECOND];
    let pair = (
        (
            0..IDENTIFIERS.len(),
            prop::bool::weighted(0.1),
            0..APPS.len(),
            0..CATEGORIES.len(),
        ),
        time(),
        duration,
        prop::option::weighted(0.2, 0..OFFSETS.len()),
        (prop::bool::weighted(0.2), any::<bool>()),
    )
        .prop_map(
            |(
                (id, odd, app, category),
                begin_time,
                duration,
                end_offset,
                (out_of_process, access_count),
            )| {
                let (app, category) = app_and_category(id, odd, app, category);
                let begin = AccessRec {
                    id,
                    begin: true,
                    app,
                    category,
                    time: begin_time.clone(),
                    out_of_process,
                    access_count,
                };
                let end_time = Time::new(
                    begin_time.utc_ms + duration,
                    end_offset.unwrap_or(begin_time.offset),
                    begin_time.fraction || duration % SECOND != 0,
                );
                let end = AccessRec {
                    begin: false,
                    time: end_time,
                    ..begin.clone()
                };
                vec![begin, end]
            },
        );
    prop_oneof![single, pair]
}

fn network() -> impl Strategy<Value = NetRec> {
    (
        (
            0..NETWORK_APPS.len(),
            0..DOMAINS.len(),
            0..CONTEXTS.len(),
            any::<bool>(),
            any::<bool>(),
            0..OWNERS.len(),
        ),
        prop_oneof![1u64..5, 1u64..5000],
        time(),
        0..3 * DAY,
        0..OFFSETS.len(),
        prop::bool::weighted(0.8),
    )
        .prop_map(
            |(
                (app, domain, context, app_initiated, flagged, owner),
                hits,
                first,
                span,
                last_offset,
                new_keys,
            )| {
                let last = Time::new(first.utc_ms + span, last_offset, first.fraction);
                NetRec {
                    app,
                    domain,
                    context,
                    app_initiated,
                    flagged,
                    owner,
                    hits,
                    first,
                    last,
                    new_keys,
                }
            },
        )
}

fn event() -> impl Strategy<Value = EventRec> {
    (
        0..IDENTIFIERS.len(),
        0..APPS.len(),
        0..CATEGORIES.len(),
        time(),
    )
        .prop_map(|(id, app, category, time)| EventRec {
            id,
            app,
            category,
            time,
        })
}

/// A random export: at least one access record, so every file is an export.
fn export() -> impl Strategy<Value = Vec<Item>> {
    (
        prop::collection::vec(access_group(), 1..20),
        prop::collection::vec(network(), 0..10),
        prop::collection::vec(event(), 0..3),
        prop::collection::vec(0..JUNK.len(), 0..4),
    )
        .prop_flat_map(|(access, network, events, junk)| {
            let mut items: Vec<Item> = access.into_iter().flatten().map(Item::Access).collect();
            items.extend(network.into_iter().map(Item::Network));
            items.extend(events.into_iter().map(Item::Event));
            items.extend(junk.into_iter().map(Item::Junk));
            Just(items).prop_shuffle()
        })
}

/// Keeps the first access record of each (identifier, kind) and the first event of each
/// identifier, so nothing is deduplicated.
fn distinct(items: Vec<Item>) -> Vec<Item> {
    let mut seen_access = BTreeSet::new();
    let mut seen_events = BTreeSet::new();
    items
        .into_iter()
        .filter(|item| match item {
            Item::Access(a) => seen_access.insert((a.id, a.begin)),
            Item::Event(e) => seen_events.insert(e.id),
            _ => true,
        })
        .collect()
}

/// A change that makes a conflicting copy of an access record (same identifier and kind).
#[derive(Clone, Debug)]
struct Conflict {
    shift_ms: i64,
    offset: Option<usize>,
    app: Option<usize>,
    category: Option<usize>,
    toggle_out_of_process: bool,
    toggle_access_count: bool,
}

fn conflict() -> impl Strategy<Value = Conflict> {
    (
        prop::sample::select(vec![
            -60 * SECOND,
            -SECOND,
            -1,
            0,
            0,
            0,
            1,
            SECOND,
            60 * SECOND,
        ]),
        prop::option::weighted(0.4, 0..OFFSETS.len()),
        prop::option::weighted(0.3, 0..APPS.len()),
        prop::option::weighted(0.2, 0..CATEGORIES.len()),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.2),
    )
        .prop_map(
            |(shift_ms, offset, app, category, toggle_out_of_process, toggle_access_count)| {
                Conflict {
                    shift_ms,
                    offset,
                    app,
                    category,
                    toggle_out_of_process,
                    toggle_access_count,
                }
            },
        )
}

fn apply_conflict(record: &AccessRec, conflict: &Conflict) -> AccessRec {
    let mut copy = record.clone();
    copy.time = Time::new(
        record.time.utc_ms + conflict.shift_ms,
        conflict.offset.unwrap_or(record.time.offset),
        record.time.fraction || conflict.shift_ms % SECOND != 0,
    );
    copy.app = conflict.app.unwrap_or(record.app);
    copy.category = conflict.category.unwrap_or(record.category);
    copy.out_of_process ^= conflict.toggle_out_of_process;
    copy.access_count ^= conflict.toggle_access_count;
    copy
}

/// Two exports that overlap: B holds a random subset of A's lines, conflicting copies of
/// some of A's access records (same identifier and kind, other time, offset, app, …), and
/// new lines, in random order.
fn overlapping_exports() -> impl Strategy<Value = (Vec<Item>, Vec<Item>)> {
    (
        export(),
        prop::collection::vec(any::<bool>(), 64),
        prop::collection::vec((any::<Index>(), conflict()), 0..6),
        export(),
        0usize..30,
    )
        .prop_flat_map(|(a, keep, conflicts, new, new_count)| {
            let mut b: Vec<Item> = a
                .iter()
                .zip(keep.iter().cycle())
                .filter(|(_, &k)| k)
                .map(|(i, _)| i.clone())
                .collect();
            let access: Vec<&AccessRec> = a
                .iter()
                .filter_map(|i| {
                    if let Item::Access(r) = i {
                        Some(r)
                    } else {
                        None
                    }
                })
                .collect();
            for (index, change) in &conflicts {
                b.push(Item::Access(apply_conflict(
                    index.get::<&AccessRec>(&access),
                    change,
                )));
            }
            b.extend(new.into_iter().take(new_count));
            (Just(a), Just(b).prop_shuffle())
        })
}

// ---------------------------------------------------------------------------------------
// The independent model.

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct ParsedTime {
    utc_ms: i64,
    offset_minutes: i32,
}

struct ModelTime {
    at: ParsedTime,
    local_hour: u32,
    canonical: String,
}

fn parse(text: &str) -> ModelTime {
    let time = DateTime::parse_from_rfc3339(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    ModelTime {
        at: ParsedTime {
            utc_ms: time.timestamp_millis(),
            offset_minutes: time.offset().local_minus_utc() / 60,
        },
        local_hour: time.hour(),
        canonical: time.to_rfc3339_opts(SecondsFormat::Millis, true),
    }
}

/// One kept end of an access interval in the model.
struct ModelEnd {
    utc_ms: i64,
    local_hour: u32,
    app: &'static str,
    category: &'static str,
    out_of_process: bool,
    /// The record as compact JSON with alphabetical keys and a normalised time: the
    /// tie-break between copies with the same instant.
    canonical: String,
}

fn model_end(record: &AccessRec) -> ModelEnd {
    let time = parse(&record.time.text());
    let (app, category) = (APPS[record.app], CATEGORIES[record.category]);
    let mut canonical = String::from("{");
    if record.access_count {
        canonical.push_str("\"accessCount\":0,");
    }
    canonical.push_str(&format!("\"accessor\":{},", accessor(app)));
    if category == "screenRecording" {
        canonical.push_str(&format!("\"broadcaster\":{},", accessor(app)));
    }
    canonical.push_str(&format!(
        "\"category\":{},\"identifier\":{},\"kind\":\"{}\",",
        js(category),
        js(IDENTIFIERS[record.id]),
        if record.begin {
            "intervalBegin"
        } else {
            "intervalEnd"
        }
    ));
    if record.out_of_process {
        canonical.push_str("\"outOfProcess\":true,");
    }
    canonical.push_str(&format!(
        "\"timeStamp\":\"{}\",\"type\":\"access\"}}",
        time.canonical
    ));
    ModelEnd {
        utc_ms: time.at.utc_ms,
        local_hour: time.local_hour,
        app,
        category,
        out_of_process: record.out_of_process,
        canonical,
    }
}

/// The model's totals beside the per app × category counts.
#[derive(Debug, Default, PartialEq, Eq)]
struct ModelTotals {
    access: u64,
    network: u64,
    events: u64,
    record_lines: u64,
}

/// Deduplicates and pairs the records of several files as the pinned semantics say:
/// access records by (identifier, kind), the earliest instant winning, then the smaller
/// canonical line; events by identifier the same way (instant, then app, category, time text);
/// network records when every field is equal. Quiet hours: 00:00-06:00 on the begin's own
/// local clock.
fn model(files: &[&[Item]]) -> (BTreeMap<(String, String), Counts>, ModelTotals) {
    let mut access: BTreeMap<(usize, bool), ModelEnd> = BTreeMap::new();
    let mut events: BTreeMap<usize, (i64, &'static str, &'static str, i32)> = BTreeMap::new();
    let mut network = BTreeSet::new();
    let mut totals = ModelTotals::default();
    for item in files.iter().flat_map(|f| f.iter()) {
        match item {
            Item::Access(record) => {
                totals.record_lines += 1;
                let end = model_end(record);
                let key = (record.id, record.begin);
                let replace = access.get(&key).is_none_or(|kept| {
                    (end.utc_ms, &end.canonical) < (kept.utc_ms, &kept.canonical)
                });
                if replace {
                    access.insert(key, end);
                }
            }
            Item::Event(event) => {
                totals.record_lines += 1;
                // At equal instants the canonical line decides: app, then category, then the
                // time text (which, at one instant, orders as the offset does).
                let at = parse(&event.time.text()).at;
                let candidate = (
                    at.utc_ms,
                    APPS[event.app],
                    CATEGORIES[event.category],
                    at.offset_minutes,
                );
                let kept = events.entry(event.id).or_insert(candidate);
                if candidate < *kept {
                    *kept = candidate;
                }
            }
            Item::Network(n) => {
                totals.record_lines += 1;
                network.insert((
                    n.app,
                    n.domain,
                    n.context,
                    n.app_initiated,
                    n.flagged,
                    n.owner,
                    n.hits,
                    parse(&n.first.text()).at,
                    parse(&n.last.text()).at,
                    n.new_keys,
                ));
            }
            Item::Junk(_) => {}
        }
    }
    totals.access = access.len() as u64;
    totals.network = network.len() as u64;
    totals.events = events.len() as u64;

    let mut counts: BTreeMap<(String, String), Counts> = BTreeMap::new();
    fn entry<'c>(
        counts: &'c mut BTreeMap<(String, String), Counts>,
        app: &str,
        category: &str,
    ) -> &'c mut Counts {
        counts
            .entry((app.to_owned(), category.to_owned()))
            .or_default()
    }
    for id in 0..IDENTIFIERS.len() {
        match (access.get(&(id, true)), access.get(&(id, false))) {
            (Some(begin), Some(end)) => {
                let counts = entry(&mut counts, begin.app, begin.category);
                let duration = end.utc_ms - begin.utc_ms;
                if duration < 0 {
                    counts.inverted += 1;
                } else {
                    counts.intervals += 1;
                    counts.total_ms += duration;
                    counts.max_ms = counts.max_ms.max(duration);
                    counts.quiet_hours += u64::from(begin.local_hour < 6);
                    counts.out_of_process += u64::from(begin.out_of_process || end.out_of_process);
                }
            }
            (Some(begin), None) => entry(&mut counts, begin.app, begin.category).open += 1,
            (None, Some(end)) => entry(&mut counts, end.app, end.category).orphan_ends += 1,
            (None, None) => {}
        }
    }
    for (_, app, category, _) in events.values() {
        entry(&mut counts, app, category).events += 1;
    }
    (counts, totals)
}

fn report_of(files: &[&[u8]]) -> Report {
    let names = ["A.ndjson", "B.ndjson", "C.ndjson", "D.ndjson"];
    analyze(
        files
            .iter()
            .enumerate()
            .map(|(i, bytes)| (names[i], *bytes)),
        &Options::default(),
    )
}

fn lines_text(items: &[Item]) -> String {
    String::from_utf8(export_bytes(items)).unwrap()
}

/// Removes every `hits_upper_bound` key (the one thing that legitimately depends on which
/// export a network record was read from).
fn without_upper_bounds(mut value: Value) -> Value {
    fn strip(value: &mut Value) {
        match value {
            Value::Object(object) => {
                object.remove("hits_upper_bound");
                // A finding's text says "up to" when its hits are an upper bound.
                if let Some(Value::String(text)) = object.get_mut("text") {
                    *text = text.replace("up to ", "");
                }
                object.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut value);
    value
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------
// Properties.

proptest! {
    #![proptest_config(config(256))]

    /// Single file, distinct (identifier, kind): per app × category counts of intervals,
    /// open begins, orphan ends, inverted pairs, events, total and longest duration, quiet
    /// hours and picker intervals are what the model computes.
    #[test]
    fn pairing_of_one_file_matches_the_independent_model(items in export().prop_map(distinct)) {
        let bytes = export_bytes(&items);
        let report = report_of(&[&bytes]);
        let (expected, totals) = model(&[&items]);
        prop_assert_eq!(observed(&report), expected, "export:\n{}", lines_text(&items));
        prop_assert_eq!(report.records.access, totals.access);
        prop_assert_eq!(report.records.events, totals.events);
        prop_assert_eq!(report.records.network, totals.network);
        prop_assert_eq!(report.records.duplicates, totals.record_lines - totals.access - totals.network - totals.events);
    }

    /// Reading the same export twice changes nothing but the file list, the diagnostics and
    /// the copy counts: every record line of the second copy is a duplicate, and lines that
    /// are not records (skipped or of unknown type) are counted per file, so twice.
    #[test]
    fn reading_an_export_twice_adds_only_duplicates(items in export()) {
        let bytes = export_bytes(&items);
        let once = report_of(&[&bytes]);
        let twice = report_of(&[&bytes, &bytes]);
        let mut once_content = common::content(&once);
        let mut twice_content = common::content(&twice);
        for content in [&mut once_content, &mut twice_content] {
            let records = content["records"].as_object_mut().unwrap();
            records.remove("skipped");
            records.remove("unknown");
        }
        prop_assert_eq!(&twice_content, &once_content, "export:\n{}", lines_text(&items));
        prop_assert_eq!(twice.records.skipped, 2 * once.records.skipped);
        prop_assert_eq!(twice.records.unknown, 2 * once.records.unknown);
        let kept = once.records.access + once.records.network + once.records.events;
        let read = once.files[0].records;
        prop_assert_eq!(read, kept + once.records.duplicates, "records read = kept + copies dropped");
        prop_assert_eq!(twice.records.duplicates, once.records.duplicates + read);
        if once.records.duplicates == 0 {
            prop_assert_eq!(twice.records.duplicates, kept);
        }
    }

    /// The order of the files does not matter, also when they share lines and when they
    /// hold conflicting copies of one (identifier, kind).
    #[test]
    fn file_order_does_not_change_the_report((a, b) in overlapping_exports()) {
        let (a_bytes, b_bytes) = (export_bytes(&a), export_bytes(&b));
        let ab = report_of(&[&a_bytes, &b_bytes]);
        let ba = report_of(&[&b_bytes, &a_bytes]);
        prop_assert_eq!(common::content(&ab), common::content(&ba), "A:\n{}\nB:\n{}", lines_text(&a), lines_text(&b));
        prop_assert_eq!(ab.records.duplicates, ba.records.duplicates);
    }

    /// Chunk boundaries anywhere (one-byte chunks, splits inside multi-byte UTF-8) give
    /// exactly the one-shot report, byte for byte.
    #[test]
    fn chunking_does_not_change_the_report(
        items in export(),
        sizes in prop::collection::vec(prop_oneof![3 => 1usize..4, 2 => 1usize..64, 1 => 64usize..5000], 1..20),
    ) {
        let bytes = export_bytes(&items);
        prop_assume!(bytes.len() > 1);
        let expected = common::json(&report_of(&[&bytes]));
        let mut chunks = Vec::new();
        let mut rest = &bytes[..];
        for size in sizes.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (chunk, tail) = rest.split_at((*size).min(rest.len()));
            chunks.push(chunk);
            rest = tail;
        }
        let chunked = common::analyze_chunks([("A.ndjson", chunks)], &Options::default());
        prop_assert_eq!(common::json(&chunked), expected.clone(), "export:\n{}", lines_text(&items));
        let bytewise = common::analyze_chunks([("A.ndjson", bytes.chunks(1).collect())], &Options::default());
        prop_assert_eq!(common::json(&bytewise), expected);
    }

    /// A then B as one file reports what A and B as two files do. The allowed differences:
    /// `hits_upper_bound` (network windows can only overlap "across exports" when there are
    /// two exports), and the coverage when the two files' windows leave days between them
    /// uncovered or end on other local days (records in other offsets), and then the
    /// findings too (their per-day averages are over covered days).
    #[test]
    fn concatenated_exports_report_like_separate_files(
        (a, b) in prop_oneof![overlapping_exports(), (export(), export())],
    ) {
        let (a_bytes, b_bytes) = (export_bytes(&a), export_bytes(&b));
        let joined: Vec<u8> = [a_bytes.clone(), b_bytes.clone()].concat();
        let one = report_of(&[&joined]);
        let two = report_of(&[&a_bytes, &b_bytes]);
        let context = format!("A:\n{}\nB:\n{}", lines_text(&a), lines_text(&b));
        prop_assert!(one.coverage.gaps.is_empty(), "one file has no gap");
        let gap = !two.coverage.gaps.is_empty() || one.coverage.days != two.coverage.days;
        let comparable = |report: &Report| {
            let mut value = without_upper_bounds(common::content(report));
            if gap {
                value.as_object_mut().unwrap().remove("coverage");
                value.as_object_mut().unwrap().remove("findings");
            }
            value
        };
        prop_assert_eq!(comparable(&one), comparable(&two), "{}", context);
        prop_assert_eq!(one.records.duplicates, two.records.duplicates, "{}", context);
        prop_assert!(!common::json(&one).contains("\"hits_upper_bound\":true"), "one export cannot overlap itself");
        // Exact equality when no app × domain has network records in both files.
        let groups = |items: &[Item]| -> BTreeSet<(usize, String)> {
            items.iter().filter_map(|i| match i {
                Item::Network(n) => Some((n.app, DOMAINS[n.domain].to_lowercase())),
                _ => None,
            }).collect()
        };
        if groups(&a).is_disjoint(&groups(&b)) && !gap {
            prop_assert_eq!(common::content(&one), common::content(&two), "{}", context);
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Several overlapping files with copies and conflicting copies: the kept records, their
    /// pairing and the totals are what the model's deduplication gives.
    ///
    /// Conflicting copies at the same instant written with different offsets are left out
    /// here (see the next property).
    #[test]
    fn merged_exports_deduplicate_and_pair_as_the_model_says(
        (a, b) in overlapping_exports().prop_filter("no same-instant copies in different offsets", |(a, b)| !same_instant_other_offset(a, b)),
    ) {
        check_merge_against_model(&a, &b)?;
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Copies of one (identifier, kind) at the same instant but written in different
    /// offsets are equally early, so the pinned semantics choose the smaller canonical line.
    #[test]
    fn merged_exports_with_same_instant_copies_deduplicate_as_the_model_says(
        (a, b) in overlapping_exports(),
    ) {
        check_merge_against_model(&a, &b)?;
    }
}

/// Whether some access (identifier, kind) has copies at one instant written in two offsets.
fn same_instant_other_offset(a: &[Item], b: &[Item]) -> bool {
    let mut seen: BTreeMap<(usize, bool, i64), BTreeSet<i32>> = BTreeMap::new();
    for item in a.iter().chain(b) {
        if let Item::Access(r) = item {
            let at = parse(&r.time.text()).at;
            seen.entry((r.id, r.begin, at.utc_ms))
                .or_default()
                .insert(at.offset_minutes);
        }
    }
    seen.values().any(|offsets| offsets.len() > 1)
}

fn check_merge_against_model(a: &[Item], b: &[Item]) -> Result<(), TestCaseError> {
    let (a_bytes, b_bytes) = (export_bytes(a), export_bytes(b));
    let report = report_of(&[&a_bytes, &b_bytes]);
    let (expected, totals) = model(&[a, b]);
    let context = format!("A:\n{}\nB:\n{}", lines_text(a), lines_text(b));
    prop_assert_eq!(observed(&report), expected, "{}", context);
    prop_assert_eq!(report.records.access, totals.access, "{}", context);
    prop_assert_eq!(report.records.events, totals.events, "{}", context);
    prop_assert_eq!(report.records.network, totals.network, "{}", context);
    prop_assert_eq!(
        report.records.duplicates,
        totals.record_lines - totals.access - totals.network - totals.events,
        "{}",
        context
    );
    Ok(())
}

/// A hand-made case of the same-instant rule, so the question is visible without proptest.
#[test]
fn same_instant_copies_in_different_offsets_keep_the_smaller_canonical_line() {
    // The same instant, 2025-03-27T00:00:00Z, written in two offsets, naming two apps.
    let western = r#"{"accessor":{"identifier":"com.b","identifierType":"bundleID"},"category":"photos","identifier":"6AF95C77-3A05-41D5-9F32-F0F0C12CE8FA","kind":"intervalBegin","timeStamp":"2025-03-27T00:00:00.000Z","type":"access"}"#;
    let eastern = r#"{"accessor":{"identifier":"com.a","identifierType":"bundleID"},"category":"photos","identifier":"6AF95C77-3A05-41D5-9F32-F0F0C12CE8FA","kind":"intervalBegin","timeStamp":"2025-03-27T08:00:00.000+08:00","type":"access"}"#;
    // Canonical lines: `…"identifier":"com.a"…` < `…"identifier":"com.b"…`, so com.a's copy is kept.
    for order in [[western, eastern], [eastern, western]] {
        let report = report_of(&[order[0].as_bytes(), order[1].as_bytes()]);
        let apps: Vec<&str> = report.apps.iter().map(|a| a.bundle_id.as_str()).collect();
        assert_eq!(apps, ["com.a"], "files in order {order:?}");
    }
}

/// The same rule for beta events ("Beta events are deduplicated the same way").
#[test]
fn same_instant_event_copies_in_different_offsets_keep_the_smaller_canonical_line() {
    let western = r#"{"accessor":{"identifier":"com.b","identifierType":"bundleID"},"category":"photos","identifier":"E1","kind":"event","timestamp":"2021-06-21T17:03:07Z"}"#;
    let eastern = r#"{"accessor":{"identifier":"com.a","identifierType":"bundleID"},"category":"photos","identifier":"E1","kind":"event","timestamp":"2021-06-22T01:03:07+08:00"}"#;
    for order in [[western, eastern], [eastern, western]] {
        let report = report_of(&[order[0].as_bytes(), order[1].as_bytes()]);
        let apps: Vec<&str> = report.apps.iter().map(|a| a.bundle_id.as_str()).collect();
        assert_eq!(apps, ["com.a"], "files in order {order:?}");
    }
}

/// The generator is not vacuous: over a few hundred exports the model sees every pairing
/// outcome, quiet hours, pickers, beta events, copies and conflicting copies.
#[test]
fn generated_exports_cover_every_pairing_outcome() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut sum = Counts::default();
    let (mut zero_length, mut duplicates, mut junk) = (0, 0, 0);
    for _ in 0..256 {
        let items = distinct(export().new_tree(&mut runner).unwrap().current());
        junk += items.iter().filter(|i| matches!(i, Item::Junk(_))).count();
        let (counts, _) = model(&[&items]);
        for c in counts.values() {
            sum.intervals += c.intervals;
            sum.open += c.open;
            sum.orphan_ends += c.orphan_ends;
            sum.inverted += c.inverted;
            sum.events += c.events;
            sum.quiet_hours += c.quiet_hours;
            sum.out_of_process += c.out_of_process;
            zero_length += u64::from(c.intervals > 0 && c.max_ms == 0);
        }
        let (a, b) = overlapping_exports()
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let (_, totals) = model(&[&a, &b]);
        duplicates += totals.record_lines - totals.access - totals.network - totals.events;
    }
    println!("{sum:?}, zero-length {zero_length}, duplicates {duplicates}, junk {junk}");
    for (what, n) in [
        ("intervals", sum.intervals),
        ("open", sum.open),
        ("orphan ends", sum.orphan_ends),
        ("inverted", sum.inverted),
        ("events", sum.events),
        ("quiet hours", sum.quiet_hours),
        ("pickers", sum.out_of_process),
        ("zero-length", zero_length),
        ("duplicates", duplicates),
        ("junk", junk as u64),
    ] {
        assert!(n >= 20, "the generator rarely produces {what}: {n}");
    }
}
