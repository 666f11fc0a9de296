//! From the merged history to per-app, per-domain and per-website summaries.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::net::IpAddr;

use crate::history::HashMap;

use crate::history::{FileIndex, History, Name, Names, NetworkRecord, Origin};
use crate::options::{LocalRange, Options};
use crate::report::{
    AppDomain, AppNetwork, AppSummary, CategorySummary, DayCount, DomainSummary, Interval,
    LocalDate, Ownership, WebsiteSummary, WeekCount,
};
use crate::time::Timestamp;

/// An app × category before it is written out.
#[derive(Default)]
struct CategoryRecords {
    /// The intervals, already as the report's timeline entries (in no order until sorted):
    /// sized exactly, because there is one per interval and the report keeps them.
    timeline: Vec<Interval>,
    out_of_process: u64,
    open: Vec<Timestamp>,
    orphan_ends: Vec<Timestamp>,
    inverted: u64,
    events: Vec<Timestamp>,
    /// The earliest and latest time of any record.
    span: TimeSpan,
}

/// The earliest and the latest of the times seen, if any. Timestamps order by instant,
/// then offset, so the span does not depend on the order they are seen in.
#[derive(Clone, Copy, Debug, Default)]
pub struct TimeSpan(pub Option<(Timestamp, Timestamp)>);

impl TimeSpan {
    fn saw(&mut self, time: Timestamp) {
        self.0 = Some(self.0.map_or((time, time), |(first, last)| {
            (first.min(time), last.max(time))
        }));
    }

    fn and(mut self, other: TimeSpan) -> TimeSpan {
        if let Some((first, last)) = other.0 {
            self.saw(first);
            self.saw(last);
        }
        self
    }
}

/// The summaries of [`History`] for one set of options.
pub struct Summaries {
    /// Per app, sorted by bundle ID.
    pub apps: Vec<AppSummary>,
    /// Per domain, most hits first.
    pub domains: Vec<DomainSummary>,
    /// Per website, most hits first.
    pub websites: Vec<WebsiteSummary>,
    /// Problems found while pairing (an end before its begin, a pair naming two apps), as
    /// (file, line, message).
    pub pairing_diagnostics: Vec<(FileIndex, u64, &'static str)>,
    /// The earliest and the latest time of any kept record in the range (of access records
    /// each end on its own; network records by `firstTimeStamp` and `timeStamp`).
    pub span: TimeSpan,
}

/// Summarises the history. The access side and the network side are independent; where
/// threads exist they are computed on two, and then the domains' summaries in two halves.
///
/// `then` is given each half of the domains as soon as they are summarised, on that half's
/// thread; its results are returned in the order of the domains. (Timed at 100 MB, with
/// 13 000 domains: the access side takes about 10 ms; the network side 20 ms before its
/// domains, and their summaries and look-ups 18 ms more, the part split in two.)
pub fn summarize<T: Send>(
    history: &History,
    options: &Options,
    then: impl Fn(&[DomainSummary]) -> Vec<T> + Sync,
) -> (Summaries, Vec<T>) {
    let ((categories, pairing_diagnostics, access_span), network) = both(
        || access_summaries(history, options),
        || NetworkSummaries::new(history, options.range),
    );
    let names = &history.names;
    let finish = |part: Vec<DomainToSummarize<'_>>| {
        let domains: Vec<DomainSummary> = part
            .into_iter()
            .map(|(domain, totals)| domain_summary(domain, totals, names))
            .collect();
        let then = then(&domains);
        (domains, then)
    };
    let mut first = network.domains;
    let second = first.split_off(first.len() / 2);
    let ((mut domains, mut then), (more_domains, more_then)) =
        both(|| finish(first), || finish(second));
    domains.extend(more_domains);
    then.extend(more_then);
    let mut apps: BTreeMap<&str, AppSummary> = BTreeMap::new();
    for (app, category) in categories {
        app_entry(&mut apps, names.text(app)).access.push(category);
    }
    for (app, app_network) in network.apps {
        app_entry(&mut apps, names.text(app)).network = app_network;
    }
    let mut apps: Vec<AppSummary> = apps.into_values().collect();
    for app in &mut apps {
        // An app has each category once, so no two compare equal: unstable is as good, and cheaper.
        app.access
            .sort_unstable_by(|a, b| a.category.cmp(&b.category));
    }
    let span = access_span.and(network.span);
    (
        Summaries {
            apps,
            domains,
            websites: network.websites,
            pairing_diagnostics,
            span,
        },
        then,
    )
}

/// Runs `a` and `b`, on two threads where there are threads.
fn both<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    #[cfg(not(target_arch = "wasm32"))]
    return std::thread::scope(|scope| {
        let other = scope.spawn(b);
        let first = a();
        (first, other.join().expect("summaries do not panic"))
    });
    // `b` first: the network side's temporaries are freed before the access side builds
    // its timelines, which can then reuse that memory (WebAssembly memory never shrinks).
    #[cfg(target_arch = "wasm32")]
    {
        let second = b();
        (a(), second)
    }
}

/// Per-category summaries with their app, the problems found while pairing, and the span
/// of the access records and events in the range.
type AccessSummaries = (
    Vec<(Name, CategorySummary)>,
    Vec<(FileIndex, u64, &'static str)>,
    TimeSpan,
);

fn access_summaries(history: &History, options: &Options) -> AccessSummaries {
    let mut by_category: HashMap<(Name, Name), CategoryRecords> = HashMap::default();
    // Count the intervals first, so that each timeline is allocated once at its size.
    let mut interval_counts: HashMap<(Name, Name), usize> = HashMap::default();
    let range = options.range;
    let within = |time: Timestamp| range.contains_local(time.local_ms());
    for pair in history.access.pairs() {
        if let (Some(begin), Some(end)) = (pair.begin, pair.end) {
            if end.time.utc_ms() >= begin.time.utc_ms() && within(begin.time) {
                *interval_counts
                    .entry((begin.app, begin.category))
                    .or_default() += 1;
            }
        }
    }
    for (category, count) in interval_counts {
        by_category
            .entry(category)
            .or_default()
            .timeline
            .reserve_exact(count);
    }
    let mut pairing_diagnostics = Vec::new();
    let mut diagnose = |origin: Origin, message: &'static str| {
        pairing_diagnostics.push((origin.file, origin.line, message))
    };
    let mut span = TimeSpan::default();
    for pair in history.access.pairs() {
        for end in [pair.begin, pair.end].into_iter().flatten() {
            if within(end.time) {
                span.saw(end.time);
            }
        }
        match (pair.begin, pair.end) {
            // A pair belongs where its begin does; a lone begin or end where it is.
            (Some(begin), _) if !within(begin.time) => {}
            (None, Some(end)) if !within(end.time) => {}
            (Some(begin), Some(end)) => {
                if (begin.app, begin.category) != (end.app, end.category) {
                    diagnose(pair.end_origin, "this intervalEnd names another app or category than its intervalBegin; the begin's are used");
                }
                let records = by_category.entry((begin.app, begin.category)).or_default();
                if end.time.utc_ms() < begin.time.utc_ms() {
                    diagnose(pair.end_origin, "this intervalEnd is earlier than its intervalBegin; the pair is not counted as an interval");
                    records.inverted += 1;
                } else {
                    let (begin, end, picker) = (
                        begin.time,
                        end.time,
                        begin.out_of_process || end.out_of_process,
                    );
                    records.span.saw(begin);
                    records.span.saw(end);
                    records.timeline.push(Interval { begin, end });
                    records.out_of_process += u64::from(picker);
                }
            }
            (Some(begin), None) => {
                let records = by_category.entry((begin.app, begin.category)).or_default();
                records.span.saw(begin.time);
                records.open.push(begin.time);
            }
            (None, Some(end)) => {
                let records = by_category.entry((end.app, end.category)).or_default();
                records.span.saw(end.time);
                records.orphan_ends.push(end.time);
            }
            (None, None) => {}
        }
    }
    for event in history
        .events
        .values()
        .flatten()
        .filter(|event| within(event.time))
    {
        span.saw(event.time);
        let records = by_category.entry((event.app, event.category)).or_default();
        records.span.saw(event.time);
        records.events.push(event.time);
    }
    pairing_diagnostics.sort_unstable();
    let names = &history.names;
    let categories = by_category
        .into_iter()
        .map(|((app, category), records)| {
            (
                app,
                category_summary(names.text(category), records, options),
            )
        })
        .collect();
    (categories, pairing_diagnostics, span)
}

fn app_entry<'m, 'n>(
    apps: &'m mut BTreeMap<&'n str, AppSummary>,
    bundle_id: &'n str,
) -> &'m mut AppSummary {
    apps.entry(bundle_id).or_insert_with(|| AppSummary {
        bundle_id: bundle_id.to_owned(),
        ..AppSummary::default()
    })
}

fn category_summary(
    category: &str,
    mut records: CategoryRecords,
    options: &Options,
) -> CategorySummary {
    // In order of begin, then end (as timestamps: instant, then offset).
    records.timeline.sort_unstable();
    records.open.sort_unstable();
    records.orphan_ends.sort_unstable();
    records.events.sort_unstable();
    let mut by_hour = vec![0u64; 24];
    // Intervals are sorted by begin, so days arrive in runs (in order, but for offset changes).
    let mut by_day: Vec<DayRun> = Vec::new();
    let (mut total_ms, mut max_ms, mut quiet_hours) = (0i64, 0i64, 0u64);
    for &Interval { begin, end } in &records.timeline {
        let duration = end.utc_ms() - begin.utc_ms();
        total_ms = total_ms.saturating_add(duration);
        max_ms = max_ms.max(duration);
        let (minute, day) = (begin.local_minute_of_day(), begin.local_day());
        let quiet = u64::from(options.quiet_hours.contains(minute));
        quiet_hours += quiet;
        let hour = usize::from(minute / 60);
        by_hour[hour] += 1;
        match by_day.last_mut() {
            Some(run) if run.day == day => {
                run.hours[hour] += 1;
                run.quiet_hours += quiet;
            }
            _ => {
                let mut hours = [0; 24];
                hours[hour] = 1;
                by_day.push(DayRun {
                    day,
                    hours,
                    quiet_hours: quiet,
                });
            }
        }
    }
    let (first, last) = records.span.0.unzip();
    let runs = merge_days(by_day);
    let by_week = weeks(&runs);
    // A new vector, not `runs` collected in place, which would keep its 200 bytes per day.
    let mut days = Vec::with_capacity(runs.len());
    days.extend(runs.into_iter().map(|run| DayCount {
        date: LocalDate(run.day),
        intervals: run.hours.iter().map(|&n| u64::from(n)).sum(),
        quiet_hours: run.quiet_hours,
        by_hour: run.hours,
    }));
    let moment = |t: &Timestamp| [t.utc_ms(), i64::from(t.offset_minutes())];
    CategorySummary {
        category: category.to_owned(),
        intervals: records.timeline.len() as u64,
        open: records.open.len() as u64,
        orphan_ends: records.orphan_ends.len() as u64,
        inverted: records.inverted,
        events: records.events.len() as u64,
        total_seconds: total_ms as f64 / 1000.0,
        max_seconds: max_ms as f64 / 1000.0,
        quiet_hours,
        out_of_process: records.out_of_process,
        first: first.map(Timestamp::to_rfc3339),
        last: last.map(Timestamp::to_rfc3339),
        by_hour,
        by_week,
        by_day: days,
        timeline: records.timeline,
        open_since: records.open.iter().map(moment).collect(),
        event_times: records.events.iter().map(moment).collect(),
    }
}

/// The intervals that began on one local day, by hour.
struct DayRun {
    /// Days since 1970-01-01.
    day: i64,
    hours: [u32; 24],
    quiet_hours: u64,
}

/// Sorts day runs and adds up runs of the same day, hour by hour.
fn merge_days(mut runs: Vec<DayRun>) -> Vec<DayRun> {
    runs.sort_by_key(|run| run.day);
    runs.dedup_by(|later, earlier| {
        let same = later.day == earlier.day;
        if same {
            earlier
                .hours
                .iter_mut()
                .zip(later.hours)
                .for_each(|(sum, count)| *sum += count);
            earlier.quiet_hours += later.quiet_hours;
        }
        same
    });
    runs
}

/// Days since 1970-01-01 of the Monday that starts the week of `day` (1970-01-01 was a Thursday).
pub fn week_start(day: i64) -> i64 {
    day - (day + 3).rem_euclid(7)
}

/// Day runs (sorted by day) added up by week, Monday to Sunday.
fn weeks(days: &[DayRun]) -> Vec<WeekCount> {
    let mut weeks: Vec<(i64, u64, u64)> = Vec::new();
    for run in days {
        let (start, intervals) = (
            week_start(run.day),
            run.hours.iter().map(|&n| u64::from(n)).sum::<u64>(),
        );
        match weeks.last_mut() {
            Some(week) if week.0 == start => {
                week.1 += intervals;
                week.2 += run.quiet_hours;
            }
            _ => weeks.push((start, intervals, run.quiet_hours)),
        }
    }
    weeks
        .into_iter()
        .map(|(start, intervals, quiet_hours)| WeekCount {
            week: LocalDate(start),
            intervals,
            quiet_hours,
        })
        .collect()
}

/// Network records grouped by app × lower-cased domain, then rolled up three ways; the
/// domains are left to summarise (see [`domain_summary`]).
struct NetworkSummaries<'h> {
    span: TimeSpan,
    apps: BTreeMap<Name, AppNetwork>,
    /// Most hits first.
    domains: Vec<DomainToSummarize<'h>>,
    websites: Vec<WebsiteSummary>,
}

/// A lower-cased domain and its sums.
type DomainToSummarize<'h> = (Cow<'h, str>, DomainTotals);

/// A network record and the files it was read from.
type ReadRecord<'h> = (&'h NetworkRecord, &'h [FileIndex]);

/// Counts of names, for the most frequent one.
#[derive(Default)]
struct Tally(Vec<(Name, u64)>);

impl Tally {
    fn add(&mut self, name: Name, times: u64) {
        match self.0.iter_mut().find(|(other, _)| *other == name) {
            Some((_, count)) => *count += times,
            None => self.0.push((name, times)),
        }
    }

    /// The most frequent name, the alphabetically first among equals; empty when none.
    fn most_frequent(&self, names: &Names) -> String {
        let counted = self
            .0
            .iter()
            .map(|&(name, count)| (Reverse(count), names.text(name)));
        counted
            .min()
            .map(|(_, text)| text.to_owned())
            .unwrap_or_default()
    }
}

/// What is summed per app × lower-cased domain while reading the records. Kept small: there
/// is one per group, tens of thousands, met in random order, and the misses on them were
/// most of the time spent here. What few records have is kept beside, in [`GroupExtras`].
struct GroupTotals {
    app: Name,
    domain: u32,
    /// The file of the group's first record.
    file: FileIndex,
    flags: u8,
    /// The owner of the first record with one, and how many records name it.
    owner: Name,
    owner_count: u32,
    hits: u64,
    app_initiated_hits: u64,
    website_hits: u64,
    first: Timestamp,
    last: Timestamp,
}

/// Apple flags the domain in a record of the group.
const FLAGGED: u8 = 1;
/// A record's window reaches outside the range.
const PARTLY_OUTSIDE: u8 = 2;
/// Records were read from different files (or one from several): windows may overlap.
const MIXED_FILES: u8 = 4;
/// The group has other owners than `owner`, tallied in [`GroupExtras::owners`].
const MORE_OWNERS: u8 = 8;

/// What only some groups have, by group number.
#[derive(Default)]
struct GroupExtras {
    owners: HashMap<u32, Tally>,
    /// (group, website, hits, Apple flags the domain) of every record with a `context`.
    contexts: Vec<(u32, (Name, u64, bool))>,
}

/// What is summed per lower-cased domain.
#[derive(Default)]
struct DomainTotals {
    apps: Vec<Name>,
    hits: u64,
    hits_upper_bound: bool,
    flagged: bool,
    owners: Tally,
}

/// What is summed per website; apps and domains are collected with repeats and made
/// distinct once at the end.
#[derive(Default)]
struct WebsiteTotals {
    hits: u64,
    apps: Vec<Name>,
    domains: Vec<u32>,
    flagged: Vec<u32>,
}

/// Distinct lower-cased domains, numbered in the order first seen.
struct LowerDomains<'h> {
    texts: Vec<Cow<'h, str>>,
    numbers: HashMap<Cow<'h, str>, u32>,
    /// The number of each domain name as written, by [`Name`] (`u32::MAX`: not seen yet).
    by_name: Vec<u32>,
}

impl<'h> LowerDomains<'h> {
    fn new(names: &Names) -> LowerDomains<'h> {
        LowerDomains {
            texts: Vec::new(),
            numbers: HashMap::default(),
            by_name: vec![u32::MAX; names.len()],
        }
    }

    fn number(&mut self, domain: Name, names: &'h Names) -> u32 {
        let known = self.by_name[domain as usize];
        if known != u32::MAX {
            return known;
        }
        let text = names.text(domain);
        // Domains are nearly always written in lower case already: no copy then.
        let lower = if text
            .bytes()
            .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
        {
            Cow::Owned(text.to_lowercase())
        } else {
            Cow::Borrowed(text)
        };
        let next = self.texts.len() as u32;
        let number = *self.numbers.entry(lower.clone()).or_insert_with(|| {
            self.texts.push(lower);
            next
        });
        self.by_name[domain as usize] = number;
        number
    }
}

/// The network records in a range, summed per app × lower-cased domain.
struct Groups<'h> {
    totals: Vec<GroupTotals>,
    extras: GroupExtras,
    /// The number of each group by (app, domain number), packed in one word.
    numbers: HashMap<u64, u32>,
    lower: LowerDomains<'h>,
    /// The earliest and latest of the records' times in the range.
    span: TimeSpan,
}

impl<'h> Groups<'h> {
    /// Sums the records with a connection in `range` (at `firstTimeStamp` or at `timeStamp`).
    fn new(history: &'h History, range: LocalRange) -> Groups<'h> {
        let names = &history.names;
        let inside = |time: Timestamp| range.contains_local(time.local_ms());
        let mut groups = Groups {
            totals: Vec::new(),
            extras: GroupExtras::default(),
            numbers: HashMap::default(),
            lower: LowerDomains::new(names),
            span: TimeSpan::default(),
        };
        // The names records use for "none" and for the two initiators, if any record does.
        let empty = names.find("");
        let (app_initiated, website) = (names.find("AppInitiated"), names.find("NonAppInitiated"));
        for (record, files) in history.network.iter() {
            let (first_inside, last_inside) = (inside(record.first), inside(record.last));
            if !(first_inside || last_inside) {
                continue;
            }
            for (time, inside) in [(record.first, first_inside), (record.last, last_inside)] {
                if inside {
                    groups.span.saw(time);
                }
            }
            let domain = groups.lower.number(record.domain, names);
            let number = groups.number(record, domain, files);
            let group = &mut groups.totals[number as usize];
            let mixed = match files {
                [file] => *file != group.file,
                _ => true,
            };
            group.flags |= flag(mixed, MIXED_FILES)
                | flag(record.domain_type == 1, FLAGGED)
                | flag(!(first_inside && last_inside), PARTLY_OUTSIDE);
            group.hits = group.hits.saturating_add(record.hits);
            if Some(record.initiated_type) == app_initiated {
                group.app_initiated_hits = group.app_initiated_hits.saturating_add(record.hits);
            } else if Some(record.initiated_type) == website {
                group.website_hits = group.website_hits.saturating_add(record.hits);
            }
            group.first = group.first.min(record.first);
            group.last = group.last.max(record.last);
            if Some(record.owner) != empty {
                if group.owner_count == 0 {
                    group.owner = record.owner;
                }
                if group.owner == record.owner {
                    group.owner_count += 1;
                } else {
                    group.flags |= MORE_OWNERS;
                    groups
                        .extras
                        .owners
                        .entry(number)
                        .or_default()
                        .add(record.owner, 1);
                }
            }
            if Some(record.context) != empty {
                groups.extras.contexts.push((
                    number,
                    (record.context, record.hits, record.domain_type == 1),
                ));
            }
        }
        groups
    }

    /// The number of the group of `record`, added if new.
    fn number(&mut self, record: &NetworkRecord, domain: u32, files: &[FileIndex]) -> u32 {
        let next = self.totals.len() as u32;
        let number = *self
            .numbers
            .entry(u64::from(record.app) << 32 | u64::from(domain))
            .or_insert(next);
        if number == next {
            self.totals.push(GroupTotals {
                app: record.app,
                domain,
                file: files.first().copied().unwrap_or(FileIndex::MAX),
                flags: 0,
                owner: 0,
                owner_count: 0,
                hits: 0,
                app_initiated_hits: 0,
                website_hits: 0,
                first: record.first,
                last: record.last,
            });
        }
        number
    }

    /// The owners of group `number`, counted.
    fn owners(&self, number: u32) -> Tally {
        let group = &self.totals[number as usize];
        let mut tally = Tally::default();
        if group.owner_count > 0 {
            tally.add(group.owner, u64::from(group.owner_count));
        }
        if group.flags & MORE_OWNERS != 0 {
            for &(owner, count) in &self.extras.owners[&number].0 {
                tally.add(owner, count);
            }
        }
        tally
    }

    /// The groups (by number, sorted) read from different exports whose records' windows
    /// overlap (see [`windows_overlap_across_exports`]).
    fn overlapping_windows(&self, history: &History, range: LocalRange) -> Vec<u32> {
        if !self
            .totals
            .iter()
            .any(|group| group.flags & MIXED_FILES != 0)
        {
            return Vec::new();
        }
        let inside = |time: Timestamp| range.contains_local(time.local_ms());
        let mut members: BTreeMap<u32, Vec<ReadRecord<'_>>> = BTreeMap::new();
        for (record, files) in history.network.iter() {
            if !(inside(record.first) || inside(record.last)) {
                continue;
            }
            let domain = self.lower.by_name[record.domain as usize];
            let number = self.numbers[&(u64::from(record.app) << 32 | u64::from(domain))];
            if self.totals[number as usize].flags & MIXED_FILES != 0 {
                members.entry(number).or_default().push((record, files));
            }
        }
        members
            .into_iter()
            .filter(|(_, records)| windows_overlap_across_exports(records))
            .map(|(number, _)| number)
            .collect()
    }
}

fn flag(set: bool, bit: u8) -> u8 {
    if set {
        bit
    } else {
        0
    }
}

impl<'h> NetworkSummaries<'h> {
    /// The network records with a connection in `range` (at `firstTimeStamp` or at
    /// `timeStamp`), summarised. A record whose window reaches outside the range may count
    /// hits from outside it: its hits are then an upper bound.
    fn new(history: &'h History, range: LocalRange) -> NetworkSummaries<'h> {
        let names = &history.names;
        let mut groups = Groups::new(history, range);
        let overlapping = groups.overlapping_windows(history, range);

        let contexts = by_group(
            std::mem::take(&mut groups.extras.contexts),
            groups.totals.len(),
        );
        let mut websites: HashMap<Name, WebsiteTotals> = HashMap::default();
        let lower = &groups.lower.texts;
        let mut apps: BTreeMap<Name, AppNetwork> = BTreeMap::new();
        let mut domains: Vec<DomainTotals> =
            (0..lower.len()).map(|_| DomainTotals::default()).collect();
        // In the order of each app's domains in the report (most hits first), so that the
        // lists are built in order: sorting numbers is cheaper than sorting the lists' items.
        let mut order: Vec<u32> = (0..groups.totals.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| {
            let (a, b) = (&groups.totals[a as usize], &groups.totals[b as usize]);
            (a.app, Reverse(a.hits), &lower[a.domain as usize]).cmp(&(
                b.app,
                Reverse(b.hits),
                &lower[b.domain as usize],
            ))
        });
        for number in order {
            let group = &groups.totals[number as usize];
            let upper_bound =
                group.flags & PARTLY_OUTSIDE != 0 || overlapping.binary_search(&number).is_ok();
            let flagged = group.flags & FLAGGED != 0;
            let owners = groups.owners(number);
            let totals = &mut domains[group.domain as usize];
            for &(owner, count) in &owners.0 {
                totals.owners.add(owner, count);
            }
            totals.apps.push(group.app);
            totals.hits = totals.hits.saturating_add(group.hits);
            totals.hits_upper_bound |= upper_bound;
            totals.flagged |= flagged;

            let sites = contexts.group(number);
            for &(site, hits, flagged_here) in sites {
                let site = websites.entry(site).or_default();
                site.hits = site.hits.saturating_add(hits);
                site.apps.push(group.app);
                site.domains.push(group.domain);
                // As this record says: another record of the group may say otherwise.
                if flagged_here {
                    site.flagged.push(group.domain);
                }
            }
            let app_network = apps.entry(group.app).or_default();
            app_network.domains += 1;
            app_network.hits = app_network.hits.saturating_add(group.hits);
            app_network.hits_upper_bound |= upper_bound;
            app_network.app_initiated_hits = app_network
                .app_initiated_hits
                .saturating_add(group.app_initiated_hits);
            app_network.website_hits = app_network.website_hits.saturating_add(group.website_hits);
            app_network.flagged_domains += u64::from(flagged);
            app_network.by_domain.push(AppDomain {
                domain: lower[group.domain as usize].to_string(),
                hits: group.hits,
                hits_upper_bound: upper_bound,
                flagged,
                ownership: Ownership {
                    apple_owner: owners.most_frequent(names),
                    ..Ownership::default()
                },
                app_initiated_hits: group.app_initiated_hits,
                website_hits: group.website_hits,
                contexts: sorted_texts(sites.iter().map(|&(site, _, _)| site).collect(), |&site| {
                    names.text(site)
                }),
                first: group.first,
                last: group.last,
                party: "",
            });
        }
        // Domains are distinct here, and so are sites below: no ties, so unstable sorts.
        let mut order: Vec<u32> = (0..domains.len() as u32)
            .filter(|&number| !domains[number as usize].apps.is_empty())
            .collect();
        order.sort_unstable_by_key(|&number| {
            (
                Reverse(domains[number as usize].hits),
                &lower[number as usize],
            )
        });
        let mut websites: Vec<WebsiteSummary> = websites
            .into_iter()
            .map(|(site, totals)| {
                let mut flagged = totals.flagged;
                flagged.sort_unstable();
                flagged.dedup();
                WebsiteSummary {
                    site: names.text(site).to_owned(),
                    hits: totals.hits,
                    apps: sorted_texts(totals.apps, |&app| names.text(app)),
                    domains: sorted_texts(totals.domains, |&domain| &lower[domain as usize]),
                    flagged_domains: flagged.len() as u64,
                }
            })
            .collect();
        websites.sort_unstable_by(|a, b| b.hits.cmp(&a.hits).then_with(|| a.site.cmp(&b.site)));
        let mut lower = groups.lower.texts;
        let domains = order
            .into_iter()
            .map(|number| {
                let number = number as usize;
                (std::mem::take(&mut lower[number]), std::mem::take(&mut domains[number]))
            })
            .collect();
        NetworkSummaries {
            span: groups.span,
            apps,
            domains,
            websites,
        }
    }
}

/// One domain's summary from its sums.
fn domain_summary(domain: Cow<'_, str>, totals: DomainTotals, names: &Names) -> DomainSummary {
    DomainSummary {
        ip_literal: is_ip_literal(&domain),
        domain: domain.into_owned(),
        apps: sorted_texts(totals.apps, |&app| names.text(app)),
        hits: totals.hits,
        hits_upper_bound: totals.hits_upper_bound,
        flagged: totals.flagged,
        ownership: Ownership {
            apple_owner: totals.owners.most_frequent(names),
            ..Ownership::default()
        },
    }
}

/// Items of numbered groups, each group's items side by side.
struct ByGroup<T> {
    items: Vec<T>,
    /// Where each group's items start in `items`, and at the end `items.len()`.
    starts: Vec<u32>,
}

impl<T> ByGroup<T> {
    fn group(&self, number: u32) -> &[T] {
        let number = number as usize;
        &self.items[self.starts[number] as usize..self.starts[number + 1] as usize]
    }
}

/// `(group, item)` pairs for groups numbered below `groups`, placed by group in linear time
/// (a counting sort: a comparison sort of every record's pair cost more than the rest of
/// the network summary). Within a group, items keep their order.
fn by_group<T: Copy>(pairs: Vec<(u32, T)>, groups: usize) -> ByGroup<T> {
    let mut starts = vec![0u32; groups + 1];
    for &(number, _) in &pairs {
        starts[number as usize + 1] += 1;
    }
    for number in 0..groups {
        starts[number + 1] += starts[number];
    }
    // Every slot is written below; any item will do until then.
    let Some(&(_, filler)) = pairs.first() else {
        return ByGroup {
            items: Vec::new(),
            starts,
        };
    };
    let mut items = vec![filler; pairs.len()];
    let mut next = starts.clone();
    for (number, item) in pairs {
        let slot = &mut next[number as usize];
        items[*slot as usize] = item;
        *slot += 1;
    }
    ByGroup { items, starts }
}

/// The texts of `items` (each item standing for one text), sorted, without repeats.
fn sorted_texts<'n, T: Copy + Ord>(mut items: Vec<T>, text: impl Fn(&T) -> &'n str) -> Vec<String> {
    // Repeats go first, as numbers: a website's list holds one item per record.
    items.sort_unstable();
    items.dedup();
    let mut texts: Vec<&str> = items.iter().map(text).collect();
    texts.sort_unstable();
    texts.into_iter().map(str::to_owned).collect()
}

/// Whether `domain` is an IPv4 or IPv6 literal (an IPv6 zone such as `%en0` allowed).
pub fn is_ip_literal(domain: &str) -> bool {
    let bare = domain.trim_start_matches('[').trim_end_matches(']');
    let bare = bare.split_once('%').map_or(bare, |(address, _)| address);
    bare.parse::<IpAddr>().is_ok()
}

/// Whether two records' windows `[firstTimeStamp, timeStamp]` (instants, both ends
/// included) overlap while no export holds both: then their hits may count the same
/// connections twice.
///
/// A sweep over the records by start: the records still open are counted per file set, so
/// each record is compared with the distinct file sets open, not with every record.
fn windows_overlap_across_exports(records: &[ReadRecord<'_>]) -> bool {
    // Nearly every group was read from one single file: nothing to compare.
    if let [(_, [only]), rest @ ..] = records {
        if rest.iter().all(|(_, files)| *files == [*only]) {
            return false;
        }
    }
    let window = |record: &NetworkRecord| {
        let (first, last) = (record.first.utc_ms(), record.last.utc_ms());
        (first.min(last), first.max(last))
    };
    let mut order: Vec<(i64, i64, &[FileIndex])> = records
        .iter()
        .map(|(record, files)| {
            let (first, last) = window(record);
            (first, last, *files)
        })
        .collect();
    order.sort_unstable_by_key(|&(first, _, _)| first);
    let mut ending: BinaryHeap<Reverse<(i64, usize)>> = BinaryHeap::new();
    let mut open: HashMap<&[FileIndex], usize> = HashMap::default();
    for (index, &(first, last, files)) in order.iter().enumerate() {
        while let Some(&Reverse((end, done))) = ending.peek() {
            if end >= first {
                break;
            }
            ending.pop();
            let set = order[done].2;
            if let Some(count) = open.get_mut(set) {
                *count -= 1;
                if *count == 0 {
                    open.remove(set);
                }
            }
        }
        if open.keys().any(|set| !shares_a_file(set, files)) {
            return true;
        }
        ending.push(Reverse((last, index)));
        *open.entry(files).or_default() += 1;
    }
    false
}

fn shares_a_file(a: &[FileIndex], b: &[FileIndex]) -> bool {
    a.iter().any(|file| b.binary_search(file).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_ip_literals() {
        for literal in [
            "8.8.8.8",
            "2001:4860:4860::8888",
            "fe80::1%en0",
            "[::1]",
            "224.0.0.251",
        ] {
            assert!(is_ip_literal(literal), "{literal}");
        }
        for name in ["google.com", "1.2.3.4.mmbiz.qpic.cn", "", "999.1.1.1"] {
            assert!(!is_ip_literal(name), "{name}");
        }
    }
}
