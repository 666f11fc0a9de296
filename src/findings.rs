//! Finding rules: patterns worth a person's attention, each put in the context of the other
//! apps in the same report.
//!
//! Every rule has a stable id, reads only the summaries, and states its evidence in
//! neutral words: an access means the app used the data or was told about a change to it;
//! nothing in the report shows that data left the phone.

use serde_json::{json, Map, Value};

use crate::history::HashMap;
use crate::options::Options;
use crate::report::{self, AppSummary, CategorySummary, Finding, Interval};
use crate::time::Timestamp;

/// How many intervals a finding cites.
const EVIDENCE: usize = 5;

/// Categories whose long reads are reported by `long_access`: personal libraries.
const LIBRARY_CATEGORIES: [&str; 3] = ["photos", "contacts", "mediaLibrary"];

/// Runs every rule over the summaries. `days` is the number of calendar days covered.
pub fn find(apps: &[AppSummary], days: u64, options: &Options) -> Vec<Finding> {
    let peers = Peers::of(apps);
    let mut findings = Vec::new();
    for app in apps {
        for category in &app.access {
            findings.extend(quiet_hours_access(app, category, &peers, days, options));
            findings.extend(long_access(app, category, &peers, options));
            findings.extend(frequent_access(app, category, &peers, days, options));
        }
        findings.extend(flagged_domains(app, &peers));
        findings.extend(third_party_trackers(app, &peers, options));
    }
    let rule_order = |rule: &str| RULES.iter().position(|r| *r == rule).unwrap_or(RULES.len());
    findings.sort_by(|a, b| {
        (
            a.apple,
            rule_order(a.rule),
            std::cmp::Reverse(a.count),
            &a.bundle_id,
            &a.category,
        )
            .cmp(&(
                b.apple,
                rule_order(b.rule),
                std::cmp::Reverse(b.count),
                &b.bundle_id,
                &b.category,
            ))
    });
    findings
}

/// The rule ids, in the order findings are listed.
pub const RULES: [&str; 5] = [
    "quiet_hours_access",
    "long_access",
    "frequent_access",
    "flagged_domains",
    "third_party_trackers",
];

/// `quiet_hours_access`: an app × category with at least `quiet_hours_min` intervals that
/// began in the quiet-hours window. Count: those intervals.
fn quiet_hours_access(
    app: &AppSummary,
    category: &CategorySummary,
    peers: &Peers,
    days: u64,
    options: &Options,
) -> Option<Finding> {
    let quiet = options.quiet_hours;
    if category.quiet_hours < options.thresholds.quiet_hours_min.max(1) {
        return None;
    }
    let mut evidence = Evidence::default();
    let mut nights: Vec<i64> = Vec::new();
    for &interval in &category.timeline {
        if quiet.contains(interval.begin.local_minute_of_day()) {
            evidence.consider(interval);
            nights.push(quiet_night(interval.begin, quiet.start_minute()));
        }
    }
    nights.sort_unstable();
    nights.dedup();
    let longest = evidence.longest_seconds();
    let context = peers.context(
        &category.category,
        Measure::QuietHours,
        category.quiet_hours as f64,
    );
    let name = &category.category;
    // WeChat's 2021 explanation was about the photo library; it is cited only there.
    let wechat = if name == "photos" {
        " (WeChat said in 2021 that its night reads of photos came from the system telling it about changes)"
    } else {
        ""
    };
    let text = format!(
        "{app} accessed {name} {count} during quiet hours ({start}–{end} local time), on {nights}, out of {total} \
         in {days}; the longest lasted {longest}. {context} An access means the app used this data or was told \
         about a change to it{wechat}; it does not show that anything left the phone.",
        app = label(app),
        name = object(name),
        count = plural(category.quiet_hours, "time", "times"),
        start = quiet.start_text(),
        end = quiet.end_text(),
        nights = plural(nights.len() as u64, "night", "different nights"),
        total = plural(category.intervals, "access", "accesses"),
        days = plural(days, "day", "days"),
        longest = seconds_text(longest),
        context = context.sentence(&words(name)),
    );
    let mut params = context.params();
    params.insert("quiet_start".into(), json!(quiet.start_text()));
    params.insert("quiet_end".into(), json!(quiet.end_text()));
    params.insert("nights".into(), json!(nights.len()));
    params.insert("intervals".into(), json!(category.intervals));
    params.insert("days".into(), json!(days));
    params.insert("max_seconds".into(), json!(longest));
    Some(finding(
        "quiet_hours_access",
        app,
        Some(name),
        category.quiet_hours,
        params,
        evidence,
        text,
    ))
}

/// `long_access`: an interval of photos, contacts or the media library that lasted at least
/// `long_seconds`. Count: such intervals.
fn long_access(
    app: &AppSummary,
    category: &CategorySummary,
    peers: &Peers,
    options: &Options,
) -> Option<Finding> {
    let limit = options.thresholds.long_seconds;
    let library = LIBRARY_CATEGORIES.contains(&category.category.as_str());
    // Written so that a NaN threshold matches nothing.
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    let below = !(category.max_seconds >= limit);
    if !library || category.intervals == 0 || below {
        return None;
    }
    let mut evidence = Evidence::default();
    let mut count = 0;
    for &interval in &category.timeline {
        if interval.seconds() >= limit {
            evidence.consider(interval);
            count += 1;
        }
    }
    let context = peers.context(&category.category, Measure::Longest, category.max_seconds);
    let name = &category.category;
    let text = format!(
        "{app} kept {object} in use for {limit} or more {count}, the longest for {longest}. {context} A long \
         access can be someone browsing their {plain} inside the app, or the app reading {pronoun} on its own.",
        app = label(app),
        object = object(name),
        plain = words(name),
        pronoun = if name == "mediaLibrary" { "it" } else { "them" },
        count = plural(count, "time", "times"),
        limit = seconds_text(limit),
        longest = seconds_text(category.max_seconds),
        context = context.sentence(&words(name)),
    );
    let mut params = context.params();
    params.insert("long_seconds".into(), json!(limit));
    params.insert("max_seconds".into(), json!(category.max_seconds));
    params.insert("intervals".into(), json!(category.intervals));
    Some(finding(
        "long_access",
        app,
        Some(name),
        count,
        params,
        evidence,
        text,
    ))
}

/// `frequent_access`: an app × category with at least `frequent_per_day` intervals per
/// calendar day covered, on average. Count: all its intervals.
fn frequent_access(
    app: &AppSummary,
    category: &CategorySummary,
    peers: &Peers,
    days: u64,
    options: &Options,
) -> Option<Finding> {
    let per_day = category.intervals as f64 / days.max(1) as f64;
    // Written so that a NaN threshold matches nothing.
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    let below = !(per_day >= options.thresholds.frequent_per_day);
    if category.intervals == 0 || below {
        return None;
    }
    let busiest = category
        .by_day
        .iter()
        .max_by(|a, b| a.intervals.cmp(&b.intervals).then(b.date.cmp(&a.date)))?;
    let context = peers.context(
        &category.category,
        Measure::Intervals,
        category.intervals as f64,
    );
    let name = &category.category;
    let per_day = (per_day * 10.0).round() / 10.0;
    let text = format!(
        "{app} accessed {name} {count} in {days}, {per_day} {times} a day on average and {busiest} on {date}, its \
         busiest day. {context}",
        app = label(app),
        name = object(name),
        times = if per_day == 1.0 { "time" } else { "times" },
        count = plural(category.intervals, "time", "times"),
        days = plural(days, "day", "days"),
        busiest = plural(busiest.intervals, "time", "times"),
        date = busiest.date,
        context = context.sentence(&words(name)),
    );
    let mut params = context.params();
    params.insert("per_day".into(), json!(per_day));
    params.insert("days".into(), json!(days));
    params.insert("busiest_day".into(), json!(busiest.date));
    params.insert("busiest_day_intervals".into(), json!(busiest.intervals));
    let mut evidence = Evidence::default();
    for &interval in &category.timeline {
        evidence.consider(interval);
    }
    Some(finding(
        "frequent_access",
        app,
        Some(name),
        category.intervals,
        params,
        evidence,
        text,
    ))
}

/// `flagged_domains`: an app contacted domains Apple flags (`domainType` 1) as possibly
/// collecting information across apps and websites. Count: such domains.
fn flagged_domains(app: &AppSummary, peers: &Peers) -> Option<Finding> {
    let network = &app.network;
    if network.flagged_domains == 0 {
        return None;
    }
    let flagged: Vec<_> = network.by_domain.iter().filter(|d| d.flagged).collect();
    let hits = flagged
        .iter()
        .fold(0u64, |sum, d| sum.saturating_add(d.hits));
    let upper_bound = flagged.iter().any(|d| d.hits_upper_bound);
    let mut owners: Vec<&str> = flagged
        .iter()
        .map(|d| d.ownership.apple_owner.as_str())
        .filter(|o| !o.is_empty())
        .collect();
    owners.sort_unstable();
    owners.dedup();
    let named: Vec<&str> = flagged.iter().take(5).map(|d| d.domain.as_str()).collect();
    let context = Context::among(&peers.flagged, network.flagged_domains as f64);
    let text = format!(
        "{app} contacted {count} that Apple flags as possibly collecting information across apps and websites \
         ({named}{more}), {up_to}{hits} in all{owners}. {context} Contact with such a domain does not show what \
         was sent.",
        app = label(app),
        count = plural(network.flagged_domains, "domain", "domains"),
        hits = plural(hits, "time", "times"),
        up_to = if upper_bound { "up to " } else { "" },
        named = named.join(", "),
        more = if flagged.len() > named.len() { ", …" } else { "" },
        owners = if owners.is_empty() { String::new() } else { format!(" (owners named by Apple: {})", owners.join("; ")) },
        context = context.sentence("network"),
    );
    let mut params = context.params();
    params.insert(
        "domains".into(),
        json!(flagged
            .iter()
            .map(|d| d.domain.as_str())
            .collect::<Vec<_>>()),
    );
    params.insert("owners".into(), json!(owners));
    params.insert("hits".into(), json!(hits));
    params.insert("hits_upper_bound".into(), json!(upper_bound));
    Some(finding(
        "flagged_domains",
        app,
        None,
        network.flagged_domains,
        params,
        Evidence::default(),
        text,
    ))
}

/// `third_party_trackers`: an app contacted at least `trackers_min` advertising or analytics
/// domains of companies other than its own (by the project's table or the tracker
/// database). Count: such domains.
fn third_party_trackers(app: &AppSummary, peers: &Peers, options: &Options) -> Option<Finding> {
    let network = &app.network;
    if network.tracker_domains == 0 || network.tracker_domains < options.thresholds.trackers_min {
        return None;
    }
    let trackers: Vec<_> = network
        .by_domain
        .iter()
        .filter(|d| d.ownership.tracker && d.party != "first")
        .collect();
    let hits = trackers
        .iter()
        .fold(0u64, |sum, d| sum.saturating_add(d.hits));
    let upper_bound = trackers.iter().any(|d| d.hits_upper_bound);
    let mut companies: Vec<&str> = trackers
        .iter()
        .filter_map(|d| d.ownership.owner.as_deref())
        .collect();
    companies.sort_unstable();
    companies.dedup();
    let named: Vec<&str> = trackers.iter().take(5).map(|d| d.domain.as_str()).collect();
    let context = Context::among(&peers.trackers, network.tracker_domains as f64);
    let text = format!(
        "{app} contacted {count} of other companies that serve advertising or analytics ({named}{more}), \
         {up_to}{hits} in all{companies}. {context} Contact with such a domain does not show what was sent.",
        app = label(app),
        count = plural(network.tracker_domains, "tracker domain", "tracker domains"),
        hits = plural(hits, "time", "times"),
        up_to = if upper_bound { "up to " } else { "" },
        named = named.join(", "),
        more = if trackers.len() > named.len() { ", …" } else { "" },
        companies = if companies.is_empty() { String::new() } else { format!(" (owners: {})", companies.join("; ")) },
        context = context.sentence("network"),
    );
    let mut params = context.params();
    params.insert(
        "domains".into(),
        json!(trackers
            .iter()
            .map(|d| d.domain.as_str())
            .collect::<Vec<_>>()),
    );
    params.insert("companies".into(), json!(companies));
    params.insert("hits".into(), json!(hits));
    params.insert("hits_upper_bound".into(), json!(upper_bound));
    Some(finding(
        "third_party_trackers",
        app,
        None,
        network.tracker_domains,
        params,
        Evidence::default(),
        text,
    ))
}

/// How an app is named in a sentence: `WeChat (com.tencent.xin)` when the table knows it.
fn label(app: &AppSummary) -> String {
    if app.name_source == "table" {
        format!("{} ({})", app.name, app.bundle_id)
    } else {
        app.bundle_id.clone()
    }
}

fn finding(
    rule: &'static str,
    app: &AppSummary,
    category: Option<&str>,
    count: u64,
    mut params: Map<String, Value>,
    evidence: Evidence,
    text: String,
) -> Finding {
    params.insert("app".into(), json!(app.bundle_id));
    if let Some(category) = category {
        params.insert("category".into(), json!(category));
    }
    let evidence = evidence
        .longest
        .iter()
        .map(|interval| report::Evidence {
            begin: interval.begin.to_rfc3339(),
            end: interval.end.to_rfc3339(),
            seconds: interval.seconds(),
        })
        .collect();
    Finding {
        rule,
        bundle_id: app.bundle_id.clone(),
        category: category.map(str::to_owned),
        count,
        apple: app.bundle_id.starts_with("com.apple."),
        params,
        evidence,
        text,
    }
}

/// The intervals a finding cites: the `EVIDENCE` longest of those it is shown, longest
/// first, the earlier first among equally long ones. Chosen as the intervals go by, so that
/// a rule over a million intervals copies none of them.
#[derive(Default)]
struct Evidence {
    longest: Vec<Interval>,
}

impl Evidence {
    fn consider(&mut self, interval: Interval) {
        let longer = |a: &Interval, b: &Interval| {
            b.seconds()
                .total_cmp(&a.seconds())
                .then(a.begin.cmp(&b.begin))
                .is_lt()
        };
        if self.longest.len() == EVIDENCE && !longer(&interval, &self.longest[EVIDENCE - 1]) {
            return;
        }
        // After every interval it is not longer than: equals keep the order they came in.
        let at = self
            .longest
            .partition_point(|kept| !longer(&interval, kept));
        self.longest.insert(at, interval);
        self.longest.truncate(EVIDENCE);
    }

    /// The longest interval's duration in seconds, 0 without any.
    fn longest_seconds(&self) -> f64 {
        self.longest.first().map_or(0.0, Interval::seconds)
    }
}

/// A measure apps are compared on.
#[derive(Clone, Copy)]
enum Measure {
    QuietHours,
    Longest,
    Intervals,
}

/// Every app's value of each measure, sorted from the highest, computed once per report so
/// that ranking an app is a binary search (a report can hold thousands of apps).
struct Peers<'a> {
    by_category: HashMap<&'a str, [Vec<f64>; 3]>,
    /// Flagged domains of each app with network activity.
    flagged: Vec<f64>,
    /// Third-party tracker domains of each app with network activity.
    trackers: Vec<f64>,
}

impl<'a> Peers<'a> {
    fn of(apps: &'a [AppSummary]) -> Peers<'a> {
        let mut by_category: HashMap<&str, [Vec<f64>; 3]> = HashMap::default();
        for category in apps
            .iter()
            .flat_map(|app| &app.access)
            .filter(|c| c.intervals > 0)
        {
            let values = by_category.entry(category.category.as_str()).or_default();
            values[Measure::QuietHours as usize].push(category.quiet_hours as f64);
            values[Measure::Longest as usize].push(category.max_seconds);
            values[Measure::Intervals as usize].push(category.intervals as f64);
        }
        let mut flagged: Vec<f64> = apps
            .iter()
            .filter(|a| a.network.domains > 0)
            .map(|a| a.network.flagged_domains as f64)
            .collect();
        let mut trackers: Vec<f64> = apps
            .iter()
            .filter(|a| a.network.domains > 0)
            .map(|a| a.network.tracker_domains as f64)
            .collect();
        let highest_first = |values: &mut Vec<f64>| values.sort_unstable_by(|a, b| b.total_cmp(a));
        by_category.values_mut().flatten().for_each(highest_first);
        highest_first(&mut flagged);
        highest_first(&mut trackers);
        Peers {
            by_category,
            flagged,
            trackers,
        }
    }

    fn context(&self, category: &str, measure: Measure, own: f64) -> Context {
        let values = self
            .by_category
            .get(category)
            .map_or(&[][..], |values| &values[measure as usize][..]);
        Context::among(values, own)
    }
}

/// Where one app stands among the apps of the same report on one measure.
struct Context {
    /// 1 + the number of apps with a strictly higher value.
    rank: usize,
    /// Other apps with exactly the same value.
    tied: usize,
    /// Apps compared, this one included.
    compared: usize,
}

impl Context {
    /// Places `own` among `values` (sorted from the highest, `own` among them).
    fn among(values: &[f64], own: f64) -> Context {
        let higher = values.partition_point(|&v| v > own);
        let at_least = values.partition_point(|&v| v >= own);
        Context {
            rank: 1 + higher,
            tied: (at_least - higher).saturating_sub(1),
            compared: values.len().max(1),
        }
    }

    fn params(&self) -> Map<String, Value> {
        let mut params = Map::new();
        params.insert("rank".into(), json!(self.rank));
        params.insert("tied".into(), json!(self.tied));
        params.insert("apps_compared".into(), json!(self.compared));
        params
    }

    fn sentence(&self, category: &str) -> String {
        match (self.compared, self.rank, self.tied) {
            (1, _, _) => format!("It is the only app in this report with {category} activity."),
            (n, 1, 0) => format!("That is more than any other of the {n} apps with {category} activity in this report."),
            (n, 1, t) => format!(
                "{t} of the other {} apps with {category} activity in this report reached the same; none more.",
                n - 1
            ),
            (n, rank, 0) => format!("It ranks {} of the {n} apps with {category} activity in this report.", ordinal(rank)),
            (n, rank, _) => {
                format!("It ties for {} of the {n} apps with {category} activity in this report.", ordinal(rank))
            }
        }
    }
}

/// The local day a quiet-hours interval belongs to: windows that cross midnight count as
/// the night that began on the evening before.
fn quiet_night(begin: Timestamp, window_start: u16) -> i64 {
    let day = begin.local_day();
    if window_start > 0 && begin.local_minute_of_day() < window_start {
        day - 1
    } else {
        day
    }
}

/// A category name as English words: `mediaLibrary` → `media library`.
fn words(category: &str) -> String {
    match category {
        "mediaLibrary" => "media library".into(),
        "screenRecording" => "screen recording".into(),
        other => other.into(),
    }
}

/// A category as the object of "accessed": `the camera`, `photos`.
fn object(category: &str) -> String {
    match category {
        "camera" | "microphone" | "mediaLibrary" => format!("the {}", words(category)),
        other => words(other),
    }
}

/// `1 time`, `3 times`.
fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Seconds in words: `45 s`, `2.5 s`, `3 min 20 s`.
fn seconds_text(seconds: f64) -> String {
    let tenths = (seconds * 10.0).round() / 10.0;
    if tenths >= 60.0 {
        let whole = seconds.round() as u64;
        format!("{} min {} s", whole / 60, whole % 60)
    } else {
        format!("{tenths} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interval(begin: &str, seconds: i64) -> Interval {
        let begin = Timestamp::parse(begin).expect("a timestamp");
        let end = Timestamp::parse(&format!(
            "2021-09-01T00:{:02}:{:02}.000+08:00",
            seconds / 60,
            seconds % 60
        ))
        .expect("a timestamp");
        Interval { begin, end }
    }

    #[test]
    fn evidence_is_the_longest_few_longest_first_earlier_first_among_equals() {
        let mut evidence = Evidence::default();
        // Begin times 00:00:00 to 00:00:09; ends chosen for durations 1 s to 10 s, with ties.
        let durations = [3, 9, 1, 9, 5, 2, 7, 9, 4, 6];
        let intervals: Vec<Interval> = durations
            .iter()
            .enumerate()
            .map(|(second, &length)| {
                interval(
                    &format!("2021-09-01T00:00:{second:02}.000+08:00"),
                    second as i64 + length,
                )
            })
            .collect();
        // Shown in reverse, so that the order they come in is not the answer.
        intervals.iter().rev().for_each(|&i| evidence.consider(i));
        let chosen: Vec<(f64, i64)> = evidence
            .longest
            .iter()
            .map(|i| (i.seconds(), i.begin.utc_ms()))
            .collect();
        let base = intervals[0].begin.utc_ms();
        assert_eq!(
            chosen,
            vec![
                (9.0, base + 1000),
                (9.0, base + 3000),
                (9.0, base + 7000),
                (7.0, base + 6000),
                (6.0, base + 9000)
            ]
        );
        assert_eq!(evidence.longest_seconds(), 9.0);
        assert_eq!(Evidence::default().longest_seconds(), 0.0);
    }
}
