//! Files made from a report for people to take elsewhere: CSV tables for spreadsheets and
//! blocklists for Pi-hole and AdGuard. The CLI writes them to disk, the page offers them as
//! downloads; both call these functions, so the two give the same bytes.

use std::borrow::Borrow;

use crate::options::QuietHours;
use crate::report::{AppSummary, DomainSummary, Report};
use crate::summary::is_ip_literal;
use crate::time::Timestamp;

/// The CSV tables, by file name.
pub const CSV_TABLES: [&str; 4] = ["intervals.csv", "access.csv", "apps.csv", "domains.csv"];

/// Spreadsheets run a cell that begins with one of these as a formula; a text from the file
/// (an app or company name) must never become one. Such a cell gets a leading `'`, the
/// usual way to say "text" in a spreadsheet.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell: as written, but never a formula.
fn text(value: &str) -> String {
    if value.starts_with(FORMULA_STARTS) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

/// A CSV table written row by row into memory (rows are not collected first: an intervals
/// table can have millions).
struct Table(csv::Writer<Vec<u8>>);

impl Table {
    fn new(header: &[&str]) -> Table {
        let mut table = Table(csv::Writer::from_writer(Vec::new()));
        // Writing to memory cannot fail.
        table.0.write_record(header).expect("writing CSV to memory");
        table
    }

    /// One row; every row of a table has the header's length.
    fn row<const N: usize>(&mut self, cells: [String; N]) {
        self.0.write_record(&cells).expect("writing CSV to memory");
    }

    fn into_text(self) -> String {
        String::from_utf8(self.0.into_inner().expect("writing CSV to memory"))
            .expect("the cells are UTF-8")
    }
}

/// One row per interval: `intervals.csv`. `apps` must carry their timelines (a report as
/// [`crate::Analyzer::report`] returns it, or apps put back together with
/// [`AppSummary::with_details`]). Times are RFC 3339 in the record's offset and in UTC.
pub fn intervals_csv<A: Borrow<AppSummary>>(
    apps: impl IntoIterator<Item = A>,
    quiet_hours: QuietHours,
) -> String {
    let mut table = Table::new(&[
        "bundle_id",
        "app",
        "category",
        "begin_local",
        "end_local",
        "begin_utc",
        "end_utc",
        "seconds",
        "quiet_hours",
    ]);
    for app in apps {
        let app = app.borrow();
        for category in &app.access {
            for interval in &category.timeline {
                let (begin, end) = (interval.begin, interval.end);
                let utc = |t: Timestamp| {
                    Timestamp::from_parts(t.utc_ms(), 0)
                        .map(Timestamp::to_rfc3339)
                        .unwrap_or_default()
                };
                table.row([
                    text(&app.bundle_id),
                    text(&app.name),
                    text(&category.category),
                    begin.to_rfc3339(),
                    end.to_rfc3339(),
                    utc(begin),
                    utc(end),
                    seconds(interval.seconds()),
                    quiet_hours
                        .contains(begin.local_minute_of_day())
                        .to_string(),
                ]);
            }
        }
    }
    table.into_text()
}

/// One row per app × data category: `access.csv`.
pub fn access_csv(report: &Report) -> String {
    let mut table = Table::new(&[
        "bundle_id",
        "app",
        "category",
        "intervals",
        "open",
        "orphan_ends",
        "events",
        "total_seconds",
        "max_seconds",
        "quiet_hours",
        "out_of_process",
        "first",
        "last",
    ]);
    for app in &report.apps {
        for c in &app.access {
            table.row([
                text(&app.bundle_id),
                text(&app.name),
                text(&c.category),
                c.intervals.to_string(),
                c.open.to_string(),
                c.orphan_ends.to_string(),
                c.events.to_string(),
                seconds(c.total_seconds),
                seconds(c.max_seconds),
                c.quiet_hours.to_string(),
                c.out_of_process.to_string(),
                c.first.clone().unwrap_or_default(),
                c.last.clone().unwrap_or_default(),
            ]);
        }
    }
    table.into_text()
}

/// One row per app: `apps.csv`. Accesses are summed over categories; `longest_seconds` is
/// the longest of any category.
pub fn apps_csv(report: &Report) -> String {
    let mut table = Table::new(&[
        "bundle_id",
        "app",
        "app_zh",
        "company",
        "categories",
        "intervals",
        "quiet_hours",
        "events",
        "open",
        "longest_seconds",
        "total_seconds",
        "domains",
        "hits",
        "hits_upper_bound",
        "flagged_domains",
        "tracker_domains",
        "third_party_companies",
    ]);
    for app in &report.apps {
        let sum = |field: fn(&crate::CategorySummary) -> u64| {
            app.access.iter().map(field).sum::<u64>().to_string()
        };
        let categories: Vec<&str> = app.access.iter().map(|c| c.category.as_str()).collect();
        table.row([
            text(&app.bundle_id),
            text(&app.name),
            text(app.name_zh.as_deref().unwrap_or("")),
            text(app.company.as_deref().unwrap_or("")),
            text(&categories.join("; ")),
            sum(|c| c.intervals),
            sum(|c| c.quiet_hours),
            sum(|c| c.events),
            sum(|c| c.open),
            seconds(app.access.iter().map(|c| c.max_seconds).fold(0.0, f64::max)),
            // A fold from +0.0: an empty `sum` of floats is -0.0.
            seconds(
                app.access
                    .iter()
                    .map(|c| c.total_seconds)
                    .fold(0.0, |total, s| total + s),
            ),
            app.network.domains.to_string(),
            app.network.hits.to_string(),
            app.network.hits_upper_bound.to_string(),
            app.network.flagged_domains.to_string(),
            app.network.tracker_domains.to_string(),
            text(&app.network.third_party_companies.join("; ")),
        ]);
    }
    table.into_text()
}

/// One row per domain: `domains.csv`.
pub fn domains_csv(domains: &[DomainSummary]) -> String {
    let mut table = Table::new(&[
        "domain",
        "hits",
        "hits_upper_bound",
        "apps",
        "flagged",
        "tracker",
        "owner",
        "owner_zh",
        "owner_source",
        "apple_owner",
        "category",
        "ip_literal",
    ]);
    for d in domains {
        table.row([
            text(&d.domain),
            d.hits.to_string(),
            d.hits_upper_bound.to_string(),
            text(&d.apps.join("; ")),
            d.flagged.to_string(),
            d.ownership.tracker.to_string(),
            text(d.ownership.owner.as_deref().unwrap_or("")),
            text(d.ownership.owner_zh.as_deref().unwrap_or("")),
            d.ownership.owner_source.unwrap_or("").to_owned(),
            text(&d.ownership.apple_owner),
            d.ownership.category.clone().unwrap_or_default(),
            d.ip_literal.to_string(),
        ]);
    }
    table.into_text()
}

/// Seconds as written in the report (milliseconds at most).
fn seconds(value: f64) -> String {
    value.to_string()
}

/// The two blocklist formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlocklistFormat {
    /// `0.0.0.0 domain` lines, for Pi-hole and hosts files.
    Hosts,
    /// `||domain^` rules, for AdGuard and uBlock-style blockers.
    Adblock,
}

impl std::str::FromStr for BlocklistFormat {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "hosts" => Ok(BlocklistFormat::Hosts),
            "adblock" | "adguard" => Ok(BlocklistFormat::Adblock),
            _ => Err(format!(
                "{text:?} is not a blocklist format: use hosts or adblock"
            )),
        }
    }
}

/// The domains a blocklist holds: every contacted domain that our look-up marks as a
/// tracker or that Apple flags (`domainType` 1), sorted; IP literals and names that are not
/// valid host names are left out (counted in the second number, so the list can say so).
pub fn blocklist_domains(domains: &[DomainSummary]) -> (Vec<&str>, usize) {
    let wanted = domains.iter().filter(|d| d.ownership.tracker || d.flagged);
    let (mut valid, mut invalid) = (Vec::new(), 0);
    for domain in wanted {
        if is_host_name(&domain.domain) {
            valid.push(domain.domain.as_str());
        } else {
            invalid += 1;
        }
    }
    valid.sort_unstable();
    valid.dedup();
    (valid, invalid)
}

/// A DNS host name a blocker can use: labels of letters, digits, `-` and `_`, at least two,
/// 253 characters at most; not an IP literal. Anything else from a file (spaces, newlines,
/// `#`, `!`, `^`) could change the list's meaning, so it never gets in.
fn is_host_name(domain: &str) -> bool {
    domain.len() <= 253
        && !is_ip_literal(domain)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// The blocklist of `report`'s tracker and flagged domains, with a comment header.
pub fn blocklist(report: &Report, format: BlocklistFormat) -> String {
    let (domains, invalid) = blocklist_domains(&report.domains);
    let comment = match format {
        BlocklistFormat::Hosts => "#",
        BlocklistFormat::Adblock => "!",
    };
    let mut text = String::new();
    if format == BlocklistFormat::Adblock {
        text.push_str("[Adblock Plus 2.0]\n");
    }
    let period = report
        .period
        .as_ref()
        .map_or_else(String::new, |p| format!(" from {} to {}", p.first, p.last));
    let lines = [
        "Title: Privacy Lens: trackers seen in my App Privacy Report".to_owned(),
        format!("{} domains that Privacy Lens marks as trackers or that Apple flags (domainType 1), contacted{period}.", domains.len()),
        "Blocking a domain an app needs can break the app; review the list before you use it.".to_owned(),
    ];
    for line in lines {
        text.push_str(&format!("{comment} {line}\n"));
    }
    if invalid > 0 {
        text.push_str(&format!("{comment} {invalid} flagged names were left out: IP addresses or not valid host names.\n"));
    }
    for domain in domains {
        match format {
            BlocklistFormat::Hosts => text.push_str(&format!("0.0.0.0 {domain}\n")),
            BlocklistFormat::Adblock => text.push_str(&format!("||{domain}^\n")),
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_only() {
        for name in ["graph.facebook.com", "a1_b.x-y.cn", "xn--fiqs8s.com"] {
            assert!(is_host_name(name), "{name}");
        }
        for name in [
            "8.8.8.8",
            "localhost",
            "evil.com\n0.0.0.0 x",
            "a b.com",
            "-x.com",
            "x..com",
            "Ads.com",
            "||x^.com",
            "#.com",
        ] {
            assert!(!is_host_name(name), "{name:?}");
        }
    }

    #[test]
    fn formulas_become_text() {
        assert_eq!(text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text("-1+2"), "'-1+2");
        assert_eq!(text("WeChat"), "WeChat");
    }
}
