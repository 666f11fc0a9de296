//! Who is who, offline: app names and companies from bundle IDs, and the owner, category and
//! tracker status of domains. Nothing is looked up on the network.
//!
//! Sources, in order of precedence:
//! - the project's own tables, compiled in (`data/apps.tsv`, `data/companies.tsv`,
//!   `data/domains.tsv`: written and sourced by hand, for what other lists miss or get wrong);
//! - Ghostery's tracker database, compiled by `make data` into a separate file under its own
//!   licence (CC BY-NC-SA 4.0) and handed over at run time ([`Directory::load_trackerdb`]);
//! - Apple's `domainOwner` in the records.
//!
//! Domains match on the host and each parent domain down to the registrable domain (the
//! public suffix list), most specific first: `a1.b2.graph.facebook.com` finds
//! `graph.facebook.com`, then `facebook.com`.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::summary::is_ip_literal;

const APPS: &str = include_str!("../data/apps.tsv");
const COMPANIES: &str = include_str!("../data/companies.tsv");
const DOMAINS: &str = include_str!("../data/domains.tsv");

/// Tracker database categories counted as tracking (`tracker: true`).
const TRACKING: [&str; 2] = ["advertising", "analytics"];

/// Ghostery's categories in this project's words.
const TRACKERDB_CATEGORIES: [(&str, &str); 11] = [
    ("advertising", "advertising"),
    ("pornvertising", "advertising"),
    ("site_analytics", "analytics"),
    ("social_media", "social"),
    ("hosting", "cdn"),
    ("audio_video_player", "media"),
    ("customer_interaction", "customer_interaction"),
    ("consent", "consent"),
    ("utilities", "utilities"),
    ("extensions", "misc"),
    ("misc", "misc"),
];

/// A company of the project's table.
#[derive(Debug)]
pub struct Company {
    /// Stable key, e.g. `tencent`.
    pub key: String,
    /// English name.
    pub name: String,
    /// Simplified Chinese name, if it has a usual one.
    pub name_zh: Option<String>,
    /// Its organization key in Ghostery's database, if any.
    ghostery: Option<String>,
}

/// What the directory knows about an app.
#[derive(Debug, Default)]
pub struct AppIdentity<'d> {
    /// Its name from the project's table.
    pub name: Option<&'d str>,
    /// Its Simplified Chinese name.
    pub name_zh: Option<&'d str>,
    /// Its company (from the table, or from the bundle ID's prefix).
    pub company: Option<&'d Company>,
}

/// Where a domain's owner comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnerSource {
    /// The project's own table.
    Project,
    /// Ghostery's tracker database.
    Trackerdb,
    /// Apple's `domainOwner`.
    Apple,
}

impl OwnerSource {
    /// The id used in the JSON report.
    pub fn as_str(self) -> &'static str {
        match self {
            OwnerSource::Project => "project",
            OwnerSource::Trackerdb => "trackerdb",
            OwnerSource::Apple => "apple",
        }
    }
}

/// What the directory knows about a domain.
#[derive(Clone, Debug, Default)]
pub struct DomainIdentity<'d> {
    /// The owner's name.
    pub owner: Option<&'d str>,
    /// The owner's Simplified Chinese name.
    pub owner_zh: Option<&'d str>,
    /// Where the owner comes from.
    pub source: Option<OwnerSource>,
    /// `advertising`, `analytics`, `crash_reporting`, `push`, `social`, `cdn`, `payments`,
    /// `maps`, `service` (a company's own service), `media`, … or `ip_address`.
    pub category: Option<&'d str>,
    /// Advertising or analytics by the project's table or the tracker database.
    pub tracker: bool,
    /// The owner as a company of the project's table, when it is one (for first party).
    company: Option<&'d Company>,
}

/// Whether a domain belongs to the app's own company.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Party {
    /// Owned by the app's company.
    First,
    /// Owned by another company.
    Third,
    /// The app's company or the domain's owner is not known.
    Unknown,
}

impl Party {
    /// The id used in the JSON report.
    pub fn as_str(self) -> &'static str {
        match self {
            Party::First => "first",
            Party::Third => "third",
            Party::Unknown => "unknown",
        }
    }
}

/// The look-ups: the project's tables and, once loaded, the tracker database.
pub struct Directory {
    tables: &'static ProjectTables,
    trackerdb: Option<Trackerdb>,
}

/// The project's own tables, parsed once per process.
struct ProjectTables {
    companies: Vec<Company>,
    /// By bundle ID: name, Chinese name, company.
    apps: HashMap<String, (String, Option<String>, usize)>,
    /// Bundle-ID prefixes (with their trailing dot) and their company, longest first.
    prefixes: Vec<(String, usize)>,
    /// By domain: company, category.
    domains: HashMap<String, (usize, String)>,
}

/// The compiled tracker database: organizations, and per domain its organization and
/// category (in this project's words).
struct Trackerdb {
    version: String,
    /// Key, name, and the project's company of the same organization.
    organizations: Vec<(String, String, Option<usize>)>,
    domains: HashMap<String, (usize, &'static str)>,
}

impl Default for Directory {
    fn default() -> Self {
        Directory::new()
    }
}

impl Directory {
    /// The project's own tables (compiled in); no tracker database yet.
    pub fn new() -> Directory {
        static TABLES: OnceLock<ProjectTables> = OnceLock::new();
        Directory {
            tables: TABLES.get_or_init(ProjectTables::parse),
            trackerdb: None,
        }
    }
}

impl ProjectTables {
    /// Parses the compiled-in tables; panics on a table that breaks its own format (a
    /// build error, caught by every test).
    fn parse() -> ProjectTables {
        let mut companies = Vec::new();
        let mut prefixes = Vec::new();
        for [key, name, name_zh, ghostery, bundle_prefixes, _source] in rows::<6>(COMPANIES) {
            for prefix in bundle_prefixes.split(',').filter(|p| !p.is_empty()) {
                prefixes.push((format!("{prefix}."), companies.len()));
            }
            companies.push(Company {
                key: key.to_owned(),
                name: name.to_owned(),
                name_zh: non_empty(name_zh),
                ghostery: non_empty(ghostery),
            });
        }
        prefixes.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        let company_index: HashMap<String, usize> = companies
            .iter()
            .enumerate()
            .map(|(index, company)| (company.key.clone(), index))
            .collect();
        let company = |key: &str| {
            *company_index
                .get(key)
                .unwrap_or_else(|| panic!("data: unknown company {key:?}"))
        };
        let apps = rows::<5>(APPS)
            .map(|[bundle_id, name, name_zh, key, _source]| {
                (
                    bundle_id.to_owned(),
                    (name.to_owned(), non_empty(name_zh), company(key)),
                )
            })
            .collect();
        let domains = rows::<4>(DOMAINS)
            .map(|[domain, key, category, _note]| {
                (domain.to_owned(), (company(key), category.to_owned()))
            })
            .collect();
        ProjectTables {
            companies,
            apps,
            prefixes,
            domains,
        }
    }
}

impl Directory {
    /// Loads the compiled tracker database (`www/data/trackerdb.tsv`, written by `make data`):
    /// a `#` comment line naming the version, then `domain<TAB>organization key<TAB>name<TAB>category`
    /// per line. Lines that do not have that shape are skipped. Returns how many domains
    /// were loaded.
    pub fn load_trackerdb(&mut self, bytes: &[u8]) -> usize {
        let text = String::from_utf8_lossy(bytes);
        let version = text
            .lines()
            .next()
            .and_then(|line| line.strip_prefix("# "))
            .unwrap_or("")
            .to_owned();
        let mut organizations: Vec<(String, String, Option<usize>)> = Vec::new();
        let mut organization_index: HashMap<String, usize> = HashMap::new();
        let mut domains = HashMap::new();
        for line in text.lines().filter(|line| !line.starts_with('#')) {
            let mut fields = line.split('\t');
            let (Some(domain), Some(key), Some(name), Some(category), None) = (
                fields.next(),
                fields.next(),
                fields.next(),
                fields.next(),
                fields.next(),
            ) else {
                continue;
            };
            let Some(&(_, category)) = TRACKERDB_CATEGORIES
                .iter()
                .find(|(theirs, _)| *theirs == category)
            else {
                continue;
            };
            let organization = *organization_index.entry(key.to_owned()).or_insert_with(|| {
                let ours = self
                    .tables
                    .companies
                    .iter()
                    .position(|c| c.ghostery.as_deref() == Some(key));
                organizations.push((key.to_owned(), name.to_owned(), ours));
                organizations.len() - 1
            });
            domains.insert(domain.to_ascii_lowercase(), (organization, category));
        }
        let loaded = domains.len();
        self.trackerdb = Some(Trackerdb {
            version,
            organizations,
            domains,
        });
        loaded
    }

    /// The tracker database's version line and domain count, if one is loaded.
    pub fn trackerdb(&self) -> Option<(&str, usize)> {
        self.trackerdb
            .as_ref()
            .map(|db| (db.version.as_str(), db.domains.len()))
    }

    /// Rows in the project's tables: apps, companies, domains.
    pub fn sizes(&self) -> (usize, usize, usize) {
        (
            self.tables.apps.len(),
            self.tables.companies.len(),
            self.tables.domains.len(),
        )
    }

    /// What is known of an app. A team-ID prefix (`5Q4J53EFRC.com.sbb.ch`) is ignored.
    pub fn app(&self, bundle_id: &str) -> AppIdentity<'_> {
        let bundle_id = without_team_id(bundle_id);
        if let Some((name, name_zh, company)) = self.tables.apps.get(bundle_id) {
            return AppIdentity {
                name: Some(name),
                name_zh: name_zh.as_deref(),
                company: Some(&self.tables.companies[*company]),
            };
        }
        let company = self
            .tables
            .prefixes
            .iter()
            .find(|(prefix, _)| bundle_id.starts_with(prefix.as_str()));
        AppIdentity {
            company: company.map(|&(_, index)| &self.tables.companies[index]),
            ..AppIdentity::default()
        }
    }

    /// What the project's table or the tracker database says of a (lower-cased) domain, or
    /// that it is an IP literal; `None` when neither knows it.
    pub fn known_domain(&self, domain: &str) -> Option<DomainIdentity<'_>> {
        if is_ip_literal(domain) {
            return Some(DomainIdentity {
                category: Some("ip_address"),
                ..DomainIdentity::default()
            });
        }
        let candidates = candidates(domain);
        if let Some((company, category)) = candidates
            .iter()
            .find_map(|candidate| self.tables.domains.get(*candidate))
        {
            let company = &self.tables.companies[*company];
            return Some(DomainIdentity {
                owner: Some(&company.name),
                owner_zh: company.name_zh.as_deref(),
                source: Some(OwnerSource::Project),
                category: Some(category),
                tracker: TRACKING.contains(&category.as_str()),
                company: Some(company),
            });
        }
        let db = self.trackerdb.as_ref()?;
        let &(organization, category) = candidates
            .iter()
            .find_map(|candidate| db.domains.get(*candidate))?;
        let (_, name, ours) = &db.organizations[organization];
        let company = ours.map(|index| &self.tables.companies[index]);
        Some(DomainIdentity {
            owner: Some(company.map_or(name.as_str(), |c| c.name.as_str())),
            owner_zh: company.and_then(|c| c.name_zh.as_deref()),
            source: Some(OwnerSource::Trackerdb),
            category: Some(category),
            tracker: TRACKING.contains(&category),
            company,
        })
    }

    /// A domain known only by Apple's `domainOwner` (may be empty: then nothing is known).
    pub fn by_apple_owner<'d>(&'d self, apple_owner: &'d str) -> DomainIdentity<'d> {
        if apple_owner.is_empty() {
            return DomainIdentity::default();
        }
        let company = self
            .tables
            .companies
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(apple_owner));
        DomainIdentity {
            owner: Some(company.map_or(apple_owner, |c| c.name.as_str())),
            owner_zh: company.and_then(|c| c.name_zh.as_deref()),
            source: Some(OwnerSource::Apple),
            company,
            ..DomainIdentity::default()
        }
    }

    /// Whether `domain` belongs to the app's own company.
    pub fn party(&self, app: &AppIdentity<'_>, domain: &DomainIdentity<'_>) -> Party {
        match (app.company, domain.company, domain.owner) {
            (Some(ours), Some(theirs), _) if std::ptr::eq(ours, theirs) => Party::First,
            (Some(_), _, Some(_)) => Party::Third,
            _ => Party::Unknown,
        }
    }
}

/// The host and each parent domain down to its registrable domain, most specific first
/// (at least the last two labels when the public suffix list does not know the host).
fn candidates(domain: &str) -> Vec<&str> {
    let registrable = psl::domain_str(domain).unwrap_or_else(|| {
        let cut = domain
            .rmatch_indices('.')
            .nth(1)
            .map_or(0, |(at, _)| at + 1);
        &domain[cut..]
    });
    let mut candidates = vec![domain];
    let mut rest = domain;
    while rest.len() > registrable.len() {
        match rest.split_once('.') {
            Some((_, parent)) => {
                rest = parent;
                candidates.push(rest);
            }
            None => break,
        }
    }
    candidates
}

/// The bundle ID without an Apple team-ID prefix (ten upper-case letters or digits and a dot).
pub fn without_team_id(bundle_id: &str) -> &str {
    match bundle_id.split_once('.') {
        Some((team, rest))
            if team.len() == 10
                && team
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                && rest.contains('.') =>
        {
            rest
        }
        _ => bundle_id,
    }
}

/// A readable name made from a bundle ID when the table has none: its last meaningful part
/// (`com.audible.iphone` → `Audible`, `com.example.FitnessTracker` → `Fitness Tracker`).
pub fn tidy_name(bundle_id: &str) -> String {
    const GENERIC: [&str; 10] = [
        "iphone",
        "ios",
        "app",
        "apps",
        "client",
        "mobile",
        "ipad",
        "iphoneapp",
        "main",
        "prod",
    ];
    let parts: Vec<&str> = without_team_id(bundle_id)
        .split('.')
        .filter(|p| !p.is_empty())
        .collect();
    // The last part that is neither generic nor a country or one-letter code.
    let meaningful = parts
        .iter()
        .skip(1)
        .rev()
        .find(|p| p.len() > 2 && !GENERIC.contains(&p.to_ascii_lowercase().as_str()));
    let part = meaningful.or(parts.last()).copied().unwrap_or(bundle_id);
    // Short lower-case parts are usually initials (`sbb` → `SBB`).
    if part.len() <= 3 && part.bytes().all(|b| b.is_ascii_lowercase()) {
        return part.to_ascii_uppercase();
    }
    let mut name = String::new();
    let mut previous: Option<char> = None;
    for c in part.chars() {
        let boundary = c.is_uppercase() && previous.is_some_and(|p| p.is_lowercase());
        if (c == '_' || c == '-' || boundary) && !name.ends_with(' ') && !name.is_empty() {
            name.push(' ');
        }
        if c != '_' && c != '-' {
            if name.is_empty() || name.ends_with(' ') {
                name.extend(c.to_uppercase());
            } else {
                name.push(c);
            }
        }
        previous = Some(c);
    }
    name.trim().to_owned()
}

/// The data rows of a tab-separated table with a header line; every row has `N` fields.
fn rows<const N: usize>(table: &'static str) -> impl Iterator<Item = [&'static str; N]> {
    table
        .lines()
        .skip(1)
        .filter(|line| !line.is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            fields.try_into().unwrap_or_else(|fields: Vec<&str>| {
                panic!("data: {N} fields expected, not {}: {line:?}", fields.len())
            })
        })
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_domains_are_tried_down_to_the_registrable_one() {
        assert_eq!(
            candidates("a1.b2.graph.facebook.com"),
            [
                "a1.b2.graph.facebook.com",
                "b2.graph.facebook.com",
                "graph.facebook.com",
                "facebook.com"
            ]
        );
        assert_eq!(
            candidates("news.bbc.co.uk"),
            ["news.bbc.co.uk", "bbc.co.uk"]
        );
        assert_eq!(candidates("localhost"), ["localhost"]);
    }

    #[test]
    fn team_id_prefixes_are_ignored() {
        assert_eq!(without_team_id("5Q4J53EFRC.com.sbb.ch"), "com.sbb.ch");
        assert_eq!(without_team_id("com.tencent.xin"), "com.tencent.xin");
        assert_eq!(without_team_id("ABCDEFGHIJ.app"), "ABCDEFGHIJ.app");
    }

    #[test]
    fn tidy_names_come_from_the_meaningful_part() {
        assert_eq!(tidy_name("com.audible.iphone"), "Audible");
        assert_eq!(tidy_name("com.example.FitnessTracker"), "Fitness Tracker");
        assert_eq!(tidy_name("5Q4J53EFRC.com.sbb.ch"), "SBB");
        assert_eq!(tidy_name("com.weibai.scanner"), "Scanner");
        assert_eq!(tidy_name("single"), "Single");
    }
}
