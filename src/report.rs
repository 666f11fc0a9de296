//! The report: the one structure the CLI prints as JSON and the page renders.
//!
//! Serialize-only wire types. Key names and meanings are a stable contract, documented in
//! the README ("JSON report"); `tests/report_contract.rs` checks the shape from outside with
//! its own types. Times are RFC 3339 strings in the record's own offset; durations are
//! seconds with millisecond precision.

use serde::Serialize;

use crate::time::Timestamp;

/// Everything computed from one run over one or more files.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Record totals over all export files.
    pub records: RecordCounts,
    /// Each file given, in the order given.
    pub files: Vec<FileSummary>,
    /// First and last time of any kept record; `null` when nothing was kept.
    pub period: Option<Period>,
    /// Which local days the exports cover, and the gaps between them.
    pub coverage: Coverage,
    /// The settings these results were computed with.
    pub options: OptionsUsed,
    /// Per app, sorted by bundle ID.
    pub apps: Vec<AppSummary>,
    /// Per domain (lower-cased), most hits first.
    pub domains: Vec<DomainSummary>,
    /// Per website (`context`) that made connections, most hits first.
    pub websites: Vec<WebsiteSummary>,
    /// Per company that owns contacted domains, most apps first.
    pub companies: Vec<CompanySummary>,
    /// Where names, owners and trackers come from.
    pub sources: Sources,
    /// Findings, third-party apps first, then by rule and count.
    pub findings: Vec<Finding>,
    /// Lines that were skipped or look wrong, per file in order (at most 500 per file).
    pub diagnostics: Vec<Diagnostic>,
    /// Diagnostics beyond the per-file limit, counted but not listed.
    pub diagnostics_omitted: u64,
}

impl Report {
    /// Takes out what only an app's own view needs (its domains, its counts per day and the
    /// per-interval lists, which can be millions of entries), leaving those fields empty:
    /// what a viewer needs first, before it opens one app. One entry per app, in report
    /// order.
    pub fn take_app_details(&mut self) -> Vec<AppDetails> {
        let details = |app: &mut AppSummary| AppDetails {
            by_domain: std::mem::take(&mut app.network.by_domain),
            intervals: app
                .access
                .iter_mut()
                .map(|c| CategoryDetails {
                    by_day: std::mem::take(&mut c.by_day),
                    timeline: std::mem::take(&mut c.timeline),
                    open_since: std::mem::take(&mut c.open_since),
                    event_times: std::mem::take(&mut c.event_times),
                })
                .collect(),
        };
        self.apps.iter_mut().map(details).collect()
    }
}

/// What [`Report::take_app_details`] took out of one app.
#[derive(Clone, Debug, Default)]
pub struct AppDetails {
    by_domain: Vec<AppDomain>,
    /// Per category, in order.
    intervals: Vec<CategoryDetails>,
}

/// What [`Report::take_app_details`] took out of one app × category.
#[derive(Clone, Debug, Default)]
struct CategoryDetails {
    by_day: Vec<DayCount>,
    timeline: Vec<Interval>,
    open_since: Vec<[i64; 2]>,
    event_times: Vec<[i64; 2]>,
}

impl AppSummary {
    /// This app as it was before [`Report::take_app_details`] took `details` out of it.
    pub fn with_details(&self, details: &AppDetails) -> AppSummary {
        let mut app = self.clone();
        app.network.by_domain = details.by_domain.clone();
        for (category, details) in app.access.iter_mut().zip(&details.intervals) {
            category.by_day = details.by_day.clone();
            category.timeline = details.timeline.clone();
            category.open_since = details.open_since.clone();
            category.event_times = details.event_times.clone();
        }
        app
    }
}

/// Record totals. `access` and `network` count the records kept after deduplication.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct RecordCounts {
    /// Kept access records (each begin and each end counts one).
    pub access: u64,
    /// Kept network records.
    pub network: u64,
    /// Kept beta access events (no duration).
    pub events: u64,
    /// JSON objects of an unknown record type.
    pub unknown: u64,
    /// Copies dropped by deduplication.
    pub duplicates: u64,
    /// Non-blank lines that were neither a usable record nor structure.
    pub skipped: u64,
}

/// The format generation of one file, inferred from the keys present.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Generation {
    /// iOS 15 beta 1: markers and a pretty-printed network section.
    Ios15Beta1,
    /// iOS 15 beta 2: markers, NDJSON records without `type`.
    Ios15Beta2,
    /// iOS 15 beta 3 to 15.1: typed NDJSON, network records without the 15.2 keys.
    Ios15_0,
    /// iOS 15.2 to 17: network records with `contextVerificationType`/`domainClassification`.
    Ios15_2,
    /// Typed access records without `accessCount` and no network record: 15.0 to 17.
    Ios15To17,
    /// iOS 18 and later: access records with `accessCount`.
    Ios18,
}

impl Generation {
    /// The id used in the JSON report, e.g. `ios15.2-17`.
    pub fn as_str(self) -> &'static str {
        match self {
            Generation::Ios15Beta1 => "ios15-beta1",
            Generation::Ios15Beta2 => "ios15-beta2",
            Generation::Ios15_0 => "ios15.0-15.1",
            Generation::Ios15_2 => "ios15.2-17",
            Generation::Ios15To17 => "ios15-17",
            Generation::Ios18 => "ios18+",
        }
    }
}

impl Serialize for Generation {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One input file.
#[derive(Clone, Debug, Serialize)]
pub struct FileSummary {
    /// The name the file was given as.
    pub name: String,
    /// The format generation; `null` when the file is not an export.
    pub generation: Option<Generation>,
    /// First record time in this file.
    pub first: Option<String>,
    /// Last record time in this file.
    pub last: Option<String>,
    /// Bytes read.
    pub bytes: u64,
    /// Lines read.
    pub lines: u64,
    /// Records read (before deduplication against other files).
    pub records: u64,
    /// Lines skipped in this file.
    pub skipped: u64,
    /// Why the file is not an export; `null` when it is one.
    pub error: Option<String>,
}

/// A span of time.
#[derive(Clone, Debug, Serialize)]
pub struct Period {
    /// Start, RFC 3339.
    pub first: String,
    /// End, RFC 3339.
    pub last: String,
    /// Local calendar days from the first to the last record, counting both.
    pub days: u64,
}

/// The local days that the exports' windows cover. Each file covers the days from its
/// first to its last record; the days between files are gaps: no data, not no access.
#[derive(Clone, Debug, Serialize)]
pub struct Coverage {
    /// Days covered by at least one file (within the report's range).
    pub days: u64,
    /// Runs of days no file covers, between the first and the last covered day, in order.
    pub gaps: Vec<Gap>,
}

/// Days in a row that no export covers.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Gap {
    /// First uncovered day, `YYYY-MM-DD`.
    pub first: String,
    /// Last uncovered day, `YYYY-MM-DD`.
    pub last: String,
    /// How many days.
    pub days: u64,
}

/// The settings used.
#[derive(Clone, Debug, Serialize)]
pub struct OptionsUsed {
    /// Quiet hours as `HH:MM-HH:MM`, local time, start included, end excluded.
    pub quiet_hours: String,
    /// The part of the history reported on, local time `YYYY-MM-DDTHH:MM`: records from
    /// `from` (included) until `until` (excluded); `null` for an open end.
    pub from: Option<String>,
    /// See `from`.
    pub until: Option<String>,
    /// Thresholds of the finding rules.
    pub thresholds: Thresholds,
}

/// Thresholds of the finding rules (see the README, "Findings").
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Thresholds {
    /// `quiet_hours_access`: at least this many quiet-hours intervals.
    pub quiet_hours_min: u64,
    /// `frequent_access`: at least this many intervals per day on average.
    pub frequent_per_day: f64,
    /// `long_access`: an interval at least this long, in seconds.
    pub long_seconds: f64,
    /// `third_party_trackers`: at least this many third-party tracker domains.
    pub trackers_min: u64,
}

/// One app (an `accessor.identifier` or a network `bundleID`).
#[derive(Clone, Debug, Default, Serialize)]
pub struct AppSummary {
    /// The bundle ID exactly as written in the file.
    pub bundle_id: String,
    /// The app's name: from the project's table, else made from the bundle ID.
    pub name: String,
    /// Where `name` comes from: `table` or `bundle_id`.
    pub name_source: &'static str,
    /// The app's Simplified Chinese name, if the table has one.
    pub name_zh: Option<String>,
    /// The company behind the app (from the table or the bundle ID's prefix), if known.
    pub company: Option<String>,
    /// The company's Simplified Chinese name, if it has one.
    pub company_zh: Option<String>,
    /// Per data category, sorted by category name.
    pub access: Vec<CategorySummary>,
    /// Network activity; all zero when the app made no connections.
    pub network: AppNetwork,
}

/// One app × data category.
#[derive(Clone, Debug, Serialize)]
pub struct CategorySummary {
    /// `photos`, `contacts`, `location`, … as written.
    pub category: String,
    /// Complete intervals (a begin and an end).
    pub intervals: u64,
    /// Begins without an end (still running at export).
    pub open: u64,
    /// Ends without a begin (the begin fell outside the export window).
    pub orphan_ends: u64,
    /// Pairs whose end is earlier than their begin (not counted as intervals).
    pub inverted: u64,
    /// Beta access events (single moments).
    pub events: u64,
    /// Sum of interval durations.
    pub total_seconds: f64,
    /// Longest interval.
    pub max_seconds: f64,
    /// Intervals that began within quiet hours.
    pub quiet_hours: u64,
    /// Intervals made through a system picker (`outOfProcess`).
    pub out_of_process: u64,
    /// Earliest time of any record of this app × category.
    pub first: Option<String>,
    /// Latest time of any record of this app × category.
    pub last: Option<String>,
    /// Intervals by the local hour of day their begin falls in (24 numbers).
    pub by_hour: Vec<u64>,
    /// Intervals per week (Monday to Sunday, local dates) of their begin, in order; weeks
    /// without intervals are left out.
    pub by_week: Vec<WeekCount>,
    /// Intervals per local calendar day of their begin, in date order.
    pub by_day: Vec<DayCount>,
    /// Every interval, in order of begin (then end).
    pub timeline: Vec<Interval>,
    /// Open begins as `[UTC ms, offset minutes]`.
    pub open_since: Vec<[i64; 2]>,
    /// Beta events as `[UTC ms, offset minutes]`.
    pub event_times: Vec<[i64; 2]>,
}

/// One interval: its begin and its end, each in the offset it was written in. Written as
/// `[begin UTC ms, end UTC ms, begin offset minutes, end offset minutes]`; kept as two
/// packed timestamps (16 bytes), as a report holds one per interval (millions for years
/// of exports).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Interval {
    /// The `intervalBegin`'s time.
    pub begin: Timestamp,
    /// The `intervalEnd`'s time.
    pub end: Timestamp,
}

impl Interval {
    /// Its duration in seconds (millisecond precision).
    pub fn seconds(&self) -> f64 {
        (self.end.utc_ms() - self.begin.utc_ms()) as f64 / 1000.0
    }
}

impl Serialize for Interval {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (begin, end) = (self.begin, self.end);
        [
            begin.utc_ms(),
            end.utc_ms(),
            i64::from(begin.offset_minutes()),
            i64::from(end.offset_minutes()),
        ]
        .serialize(serializer)
    }
}

/// A local calendar date, as days since 1970-01-01; written `YYYY-MM-DD`. A report has one
/// per app × category × day: kept as a number, not as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalDate(pub i64);

impl std::fmt::Display for LocalDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::time::format_day(self.0))
    }
}

impl Serialize for LocalDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A count on one local calendar day.
#[derive(Clone, Debug, Serialize)]
pub struct DayCount {
    /// `YYYY-MM-DD`
    pub date: LocalDate,
    /// Intervals that began that day.
    pub intervals: u64,
    /// Of those, intervals that began in quiet hours.
    pub quiet_hours: u64,
    /// Of those, by the local hour of day they began in (24 numbers).
    pub by_hour: [u32; 24],
}

/// A count over one week, Monday to Sunday in local dates.
#[derive(Clone, Debug, Serialize)]
pub struct WeekCount {
    /// The week's Monday, `YYYY-MM-DD`.
    pub week: LocalDate,
    /// Intervals that began that week.
    pub intervals: u64,
    /// Of those, intervals that began in quiet hours.
    pub quiet_hours: u64,
}

/// One app's network activity.
#[derive(Clone, Debug, Default, Serialize)]
pub struct AppNetwork {
    /// Distinct domains (case-insensitive).
    pub domains: u64,
    /// Sum of `hits` (an upper bound when `hits_upper_bound`).
    pub hits: u64,
    /// Windows of different exports overlap for some domain, so `hits` may count some twice.
    pub hits_upper_bound: bool,
    /// Hits of `AppInitiated` records.
    pub app_initiated_hits: u64,
    /// Hits of `NonAppInitiated` records (websites and user-initiated loads).
    pub website_hits: u64,
    /// Distinct domains Apple flags (`domainType` 1).
    pub flagged_domains: u64,
    /// Distinct third-party domains that are trackers (advertising or analytics).
    pub tracker_domains: u64,
    /// Companies other than the app's own that own contacted domains, sorted.
    pub third_party_companies: Vec<String>,
    /// Per domain, most hits first.
    pub by_domain: Vec<AppDomain>,
}

/// One app × domain.
#[derive(Clone, Debug, Serialize)]
pub struct AppDomain {
    /// Lower-cased domain or IP literal.
    pub domain: String,
    /// Sum of `hits`.
    pub hits: u64,
    /// See [`AppNetwork::hits_upper_bound`].
    pub hits_upper_bound: bool,
    /// Apple flagged it in at least one record.
    pub flagged: bool,
    /// Who owns it and what it is for.
    #[serde(flatten)]
    pub ownership: Ownership,
    /// `first` when the app's own company owns it, `third` when another does, else `unknown`.
    pub party: &'static str,
    /// Hits of `AppInitiated` records.
    pub app_initiated_hits: u64,
    /// Hits of `NonAppInitiated` records.
    pub website_hits: u64,
    /// Websites (`context`) that made these connections.
    pub contexts: Vec<String>,
    /// Earliest `firstTimeStamp` (written as RFC 3339 in its own offset; formatted only when
    /// written, as there is one per app × domain and a viewer shows few).
    pub first: Timestamp,
    /// Latest `timeStamp`.
    pub last: Timestamp,
}

/// One domain across apps.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DomainSummary {
    /// Lower-cased domain or IP literal.
    pub domain: String,
    /// The domain is an IPv4 or IPv6 literal.
    pub ip_literal: bool,
    /// Apps that contacted it, sorted.
    pub apps: Vec<String>,
    /// Sum of `hits` over apps.
    pub hits: u64,
    /// See [`AppNetwork::hits_upper_bound`].
    pub hits_upper_bound: bool,
    /// Apple flagged it in at least one record.
    pub flagged: bool,
    /// Who owns it and what it is for.
    #[serde(flatten)]
    pub ownership: Ownership,
}

/// Who owns a domain and what it is for (see "Who is who" in the README).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Ownership {
    /// Who owns it: the project's table, else the tracker database, else Apple's
    /// `domainOwner`; `null` when none knows.
    pub owner: Option<String>,
    /// The owner's Simplified Chinese name.
    pub owner_zh: Option<String>,
    /// Where `owner` comes from: `project`, `trackerdb` or `apple`.
    pub owner_source: Option<&'static str>,
    /// Apple's `domainOwner` (the most frequent non-empty one), or empty.
    pub apple_owner: String,
    /// `advertising`, `analytics`, `crash_reporting`, `push`, `social`, `cdn`, `payments`,
    /// `maps`, `service`, `media`, `customer_interaction`, `consent`, `utilities`, `misc`, or
    /// `ip_address`; `null` when unknown.
    pub category: Option<String>,
    /// An advertising or analytics domain (by the project's table or the tracker database).
    pub tracker: bool,
}

/// One company that owns contacted domains.
#[derive(Clone, Debug, Serialize)]
pub struct CompanySummary {
    /// Its name.
    pub company: String,
    /// Its Simplified Chinese name.
    pub company_zh: Option<String>,
    /// Apps that contacted its domains, sorted.
    pub apps: Vec<String>,
    /// Of those, apps of another company (for which it is a third party).
    pub third_party_apps: u64,
    /// Its domains contacted.
    pub domains: u64,
    /// Of those, trackers.
    pub tracker_domains: u64,
    /// Sum of `hits`.
    pub hits: u64,
}

/// Where names, owners and trackers come from.
#[derive(Clone, Debug, Serialize)]
pub struct Sources {
    /// Rows of the project's app table.
    pub project_apps: u64,
    /// Rows of the project's company table.
    pub project_companies: u64,
    /// Rows of the project's domain table.
    pub project_domains: u64,
    /// The tracker database loaded, if any: its version line.
    pub trackerdb: Option<String>,
    /// Its domains.
    pub trackerdb_domains: u64,
}

/// One website (`context`) and the connections it made.
#[derive(Clone, Debug, Serialize)]
pub struct WebsiteSummary {
    /// The `context` value.
    pub site: String,
    /// Sum of `hits`.
    pub hits: u64,
    /// Apps it was seen in (usually browsers), sorted.
    pub apps: Vec<String>,
    /// Domains it contacted, sorted.
    pub domains: Vec<String>,
    /// Of those, domains Apple flags.
    pub flagged_domains: u64,
}

/// A notable pattern, with its evidence and context.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    /// Stable rule id: `quiet_hours_access`, `long_access`, `frequent_access`, `flagged_domains`,
    /// `third_party_trackers`.
    pub rule: &'static str,
    /// The app.
    pub bundle_id: String,
    /// The data category, or `null` for rules not about one.
    pub category: Option<String>,
    /// The rule's main number (see the README for each rule).
    pub count: u64,
    /// The bundle ID is Apple's own (`com.apple.`).
    pub apple: bool,
    /// Numbers and names the sentence is made of, for rendering in any language.
    pub params: serde_json::Map<String, serde_json::Value>,
    /// A few intervals that show it, longest first.
    pub evidence: Vec<Evidence>,
    /// The finding in plain English.
    pub text: String,
}

/// One interval cited as evidence.
#[derive(Clone, Debug, Serialize)]
pub struct Evidence {
    /// Begin, RFC 3339 in its own offset.
    pub begin: String,
    /// End, RFC 3339 in its own offset.
    pub end: String,
    /// Duration.
    pub seconds: f64,
}

/// A problem with one line of one file.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file's name.
    pub file: String,
    /// 1-based line number.
    pub line: u64,
    /// What is wrong, in English.
    pub message: String,
}
