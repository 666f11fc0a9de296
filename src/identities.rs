//! Puts who is who into the summaries: app names and companies, domain owners, categories,
//! trackers and first or third party, and the companies view (see [`Directory`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::directory::{tidy_name, Directory, DomainIdentity, Party};
use crate::report::{AppSummary, CompanySummary, DomainSummary, Ownership, Sources};

/// Fills the directory's fields of `apps` and `domains`; returns the companies that own
/// contacted domains, most apps first.
pub fn identify(directory: &Directory, apps: &mut [AppSummary], domains: &mut [DomainSummary]) -> Vec<CompanySummary> {
    let mut companies: BTreeMap<String, CompanyTotals> = BTreeMap::new();
    // Many apps contact the same domains: each is looked up in the tables once.
    let mut known: HashMap<String, Option<DomainIdentity<'_>>> = HashMap::new();
    let mut known_domain = |domain: &str| known.entry(domain.to_owned()).or_insert_with(|| directory.known_domain(domain)).clone();
    for app in apps.iter_mut() {
        let identity = directory.app(&app.bundle_id);
        app.name = identity.name.map_or_else(|| tidy_name(&app.bundle_id), str::to_owned);
        app.name_source = if identity.name.is_some() { "table" } else { "bundle_id" };
        app.name_zh = identity.name_zh.map(str::to_owned);
        app.company = identity.company.map(|c| c.name.clone());
        app.company_zh = identity.company.and_then(|c| c.name_zh.clone());
        let mut third_parties = BTreeSet::new();
        for domain in &mut app.network.by_domain {
            let apple_owner = domain.ownership.apple_owner.clone();
            let found = known_domain(&domain.domain).unwrap_or_else(|| directory.by_apple_owner(&apple_owner));
            let party = directory.party(&identity, &found);
            describe(&mut domain.ownership, &found);
            domain.party = party.as_str();
            if let Some(owner) = found.owner {
                if party == Party::Third {
                    third_parties.insert(owner.to_owned());
                }
                let totals = companies.entry(owner.to_owned()).or_default();
                totals.name_zh = found.owner_zh.map(str::to_owned);
                totals.apps.insert(app.bundle_id.clone());
                if party != Party::First {
                    totals.third_party_apps.insert(app.bundle_id.clone());
                }
                totals.domains.insert(domain.domain.clone());
                if found.tracker {
                    totals.tracker_domains.insert(domain.domain.clone());
                }
                totals.hits = totals.hits.saturating_add(domain.hits);
            }
        }
        app.network.tracker_domains =
            app.network.by_domain.iter().filter(|d| d.ownership.tracker && d.party != Party::First.as_str()).count() as u64;
        app.network.third_party_companies = third_parties.into_iter().collect();
    }
    for domain in domains.iter_mut() {
        let apple_owner = domain.ownership.apple_owner.clone();
        let found = known_domain(&domain.domain).unwrap_or_else(|| directory.by_apple_owner(&apple_owner));
        describe(&mut domain.ownership, &found);
    }
    let mut companies: Vec<CompanySummary> = companies
        .into_iter()
        .map(|(company, totals)| CompanySummary {
            company,
            company_zh: totals.name_zh,
            third_party_apps: totals.third_party_apps.len() as u64,
            apps: totals.apps.into_iter().collect(),
            domains: totals.domains.len() as u64,
            tracker_domains: totals.tracker_domains.len() as u64,
            hits: totals.hits,
        })
        .collect();
    companies.sort_by(|a, b| b.apps.len().cmp(&a.apps.len()).then(b.hits.cmp(&a.hits)).then_with(|| a.company.cmp(&b.company)));
    companies
}

/// Fills `ownership` (all but Apple's owner, which the summary set) from what was found.
fn describe(ownership: &mut Ownership, found: &DomainIdentity<'_>) {
    ownership.owner = found.owner.map(str::to_owned);
    ownership.owner_zh = found.owner_zh.map(str::to_owned);
    ownership.owner_source = found.source.map(|s| s.as_str());
    ownership.category = found.category.map(str::to_owned);
    ownership.tracker = found.tracker;
}

/// The sources behind the names, for the report's `sources`.
pub fn sources(directory: &Directory) -> Sources {
    let (apps, companies, domains) = directory.sizes();
    Sources {
        project_apps: apps as u64,
        project_companies: companies as u64,
        project_domains: domains as u64,
        trackerdb: directory.trackerdb().map(|(version, _)| version.to_owned()),
        trackerdb_domains: directory.trackerdb().map_or(0, |(_, domains)| domains as u64),
    }
}

#[derive(Default)]
struct CompanyTotals {
    name_zh: Option<String>,
    apps: BTreeSet<String>,
    third_party_apps: BTreeSet<String>,
    domains: BTreeSet<String>,
    tracker_domains: BTreeSet<String>,
    hits: u64,
}
