//! Two reports side by side: what changed between two periods, or two sets of exports.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::report::{AppSummary, CategorySummary, Period, Report};

/// What changed from one report (`before`) to another (`after`); see "Comparing" in the README.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// The earlier side.
    pub before: Side,
    /// The later side.
    pub after: Side,
    /// Per app × category seen on either side, biggest change in accesses per day first.
    pub changes: Vec<CategoryChange>,
    /// Apps with records after but none before, by bundle ID.
    pub apps_appeared: Vec<AppRef>,
    /// Apps with records before but none after.
    pub apps_disappeared: Vec<AppRef>,
    /// Domains contacted after but not before, sorted.
    pub domains_appeared: Vec<String>,
    /// Domains contacted before but not after, sorted.
    pub domains_disappeared: Vec<String>,
    /// Per app seen on both sides, the third-party companies it contacted after and not before.
    pub new_third_parties: Vec<NewCompanies>,
}

/// One side of a comparison.
#[derive(Clone, Debug, Serialize)]
pub struct Side {
    /// First and last record of this side.
    pub period: Option<Period>,
    /// Local days some export covers on this side: the divisor of every per-day figure.
    pub days_covered: u64,
    /// The export files of this side (all files of the history when one history is split).
    pub files: Vec<String>,
    /// The part of the history, as in the report's `options` (`null` ends are open).
    pub from: Option<String>,
    /// See `from`.
    pub until: Option<String>,
}

/// An app, named.
#[derive(Clone, Debug, Serialize)]
pub struct AppRef {
    /// As written in the file.
    pub bundle_id: String,
    /// Its name (see the report's `apps[].name`).
    pub name: String,
}

/// One app × category on both sides.
#[derive(Clone, Debug, Serialize)]
pub struct CategoryChange {
    /// The app.
    pub bundle_id: String,
    /// Its name.
    pub name: String,
    /// The data category.
    pub category: String,
    /// `new` (no accesses before), `gone` (none after) or `both`.
    pub status: &'static str,
    /// The figures before (zero when the category was not seen before).
    pub before: Figures,
    /// The figures after.
    pub after: Figures,
    /// after − before, per figure.
    pub change: Change,
}

/// One side's figures for an app × category.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Figures {
    /// Complete intervals.
    pub intervals: u64,
    /// Intervals per covered day.
    pub per_day: f64,
    /// Intervals that began in quiet hours.
    pub quiet_hours: u64,
    /// Quiet-hours intervals as a share of all intervals, 0 to 1 (0 without intervals).
    pub quiet_share: f64,
    /// Longest interval in seconds.
    pub max_seconds: f64,
}

/// after − before.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    /// Intervals per covered day.
    pub per_day: f64,
    /// Quiet-hours share.
    pub quiet_share: f64,
    /// Longest interval in seconds.
    pub max_seconds: f64,
}

/// An app's third-party companies that are new on the later side.
#[derive(Clone, Debug, Serialize)]
pub struct NewCompanies {
    /// The app.
    pub bundle_id: String,
    /// Its name.
    pub name: String,
    /// The companies, sorted.
    pub companies: Vec<String>,
}

/// Compares two reports: two sets of exports, or two ranges of one history.
pub fn compare(before: &Report, after: &Report) -> Comparison {
    let apps = |report: &Report| -> BTreeMap<String, AppSummary> {
        report
            .apps
            .iter()
            .filter(|app| has_records(app))
            .map(|app| (app.bundle_id.clone(), app.clone()))
            .collect()
    };
    let (apps_before, apps_after) = (apps(before), apps(after));
    let reference = |app: &AppSummary| AppRef {
        bundle_id: app.bundle_id.clone(),
        name: app.name.clone(),
    };
    let apps_appeared = apps_after
        .values()
        .filter(|app| !apps_before.contains_key(&app.bundle_id))
        .map(reference)
        .collect();
    let apps_disappeared = apps_before
        .values()
        .filter(|app| !apps_after.contains_key(&app.bundle_id))
        .map(reference)
        .collect();

    let days = (before.coverage.days, after.coverage.days);
    let mut changes = Vec::new();
    let mut keys: BTreeSet<(&str, &str)> = BTreeSet::new();
    for app in apps_before.values().chain(apps_after.values()) {
        keys.extend(
            app.access
                .iter()
                .filter(|c| c.intervals > 0)
                .map(|c| (app.bundle_id.as_str(), c.category.as_str())),
        );
    }
    for (bundle_id, category) in keys {
        let figures = |apps: &BTreeMap<String, AppSummary>, days: u64| {
            apps.get(bundle_id)
                .and_then(|app| app.access.iter().find(|c| c.category == category))
                .map_or_else(Figures::default, |c| figures(c, days))
        };
        let (mut was, mut now) = (figures(&apps_before, days.0), figures(&apps_after, days.1));
        let change = Change {
            per_day: round(now.per_day - was.per_day),
            quiet_share: round(now.quiet_share - was.quiet_share),
            // Milliseconds, as durations are everywhere.
            max_seconds: (1000.0 * (now.max_seconds - was.max_seconds)).round() / 1000.0,
        };
        for side in [&mut was, &mut now] {
            side.per_day = round(side.per_day);
            side.quiet_share = round(side.quiet_share);
        }
        let status = match (was.intervals, now.intervals) {
            (0, _) => "new",
            (_, 0) => "gone",
            _ => "both",
        };
        let name = apps_after
            .get(bundle_id)
            .or_else(|| apps_before.get(bundle_id))
            .map(|app| app.name.clone())
            .unwrap_or_default();
        changes.push(CategoryChange {
            bundle_id: bundle_id.to_owned(),
            name,
            category: category.to_owned(),
            status,
            change,
            before: was,
            after: now,
        });
    }
    // Biggest change in accesses per day first, then in quiet-hours share; names break ties.
    changes.sort_by(|a, b| {
        b.change
            .per_day
            .abs()
            .total_cmp(&a.change.per_day.abs())
            .then_with(|| {
                b.change
                    .quiet_share
                    .abs()
                    .total_cmp(&a.change.quiet_share.abs())
            })
            .then_with(|| (&a.bundle_id, &a.category).cmp(&(&b.bundle_id, &b.category)))
    });

    let domains = |report: &Report| -> BTreeSet<String> {
        let mut domains: BTreeSet<String> =
            report.domains.iter().map(|d| d.domain.clone()).collect();
        // A report without its `domains` part (the page's first view) still names them per app.
        domains.extend(
            report
                .apps
                .iter()
                .flat_map(|app| app.network.by_domain.iter().map(|d| d.domain.clone())),
        );
        domains
    };
    let (domains_before, domains_after) = (domains(before), domains(after));

    let new_third_parties = apps_after
        .values()
        .filter_map(|app| {
            let earlier = apps_before.get(&app.bundle_id)?;
            let companies: Vec<String> = app
                .network
                .third_party_companies
                .iter()
                .filter(|company| !earlier.network.third_party_companies.contains(company))
                .cloned()
                .collect();
            (!companies.is_empty()).then(|| NewCompanies {
                bundle_id: app.bundle_id.clone(),
                name: app.name.clone(),
                companies,
            })
        })
        .collect();

    Comparison {
        before: side(before),
        after: side(after),
        changes,
        apps_appeared,
        apps_disappeared,
        domains_appeared: domains_after.difference(&domains_before).cloned().collect(),
        domains_disappeared: domains_before.difference(&domains_after).cloned().collect(),
        new_third_parties,
    }
}

fn has_records(app: &AppSummary) -> bool {
    app.network.domains > 0
        || app
            .access
            .iter()
            .any(|c| c.intervals + c.open + c.orphan_ends + c.events + c.inverted > 0)
}

fn figures(category: &CategorySummary, days: u64) -> Figures {
    let share = if category.intervals == 0 {
        0.0
    } else {
        category.quiet_hours as f64 / category.intervals as f64
    };
    Figures {
        intervals: category.intervals,
        per_day: if days == 0 {
            0.0
        } else {
            category.intervals as f64 / days as f64
        },
        quiet_hours: category.quiet_hours,
        quiet_share: share,
        max_seconds: category.max_seconds,
    }
}

/// Rounds to 4 decimals (after the differences are taken), so that the JSON does not carry
/// float noise.
fn round(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

fn side(report: &Report) -> Side {
    Side {
        period: report.period.clone(),
        days_covered: report.coverage.days,
        files: report
            .files
            .iter()
            .filter(|f| f.error.is_none())
            .map(|f| f.name.clone())
            .collect(),
        from: report.options.from.clone(),
        until: report.options.until.clone(),
    }
}
