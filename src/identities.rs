//! Puts who is who into the summaries: app names and companies, domain owners, categories,
//! trackers and first or third party, and the companies view (see [`Directory`]).

use std::collections::{BTreeMap, BTreeSet};

use crate::history::HashMap;

use crate::directory::{tidy_name, Directory, DomainIdentity, Party};
use crate::report::{AppSummary, CompanySummary, DomainSummary, Ownership, Sources};

/// Fills the directory's fields of `apps` and `domains`; returns the companies that own
/// contacted domains, most apps first.
///
/// `domains` holds every domain of every app's `by_domain`, and `known` what
/// [`known_domains`] found of them. Each Apple owner is looked up once too: a report has
/// tens of thousands of app × domain pairs but far fewer distinct domains and owners.
pub fn identify<'d>(
    directory: &'d Directory,
    apps: &mut [AppSummary],
    domains: &mut [DomainSummary],
    known: Vec<Option<DomainIdentity<'d>>>,
) -> Vec<CompanySummary> {
    let position: HashMap<&str, usize> = domains
        .iter()
        .enumerate()
        .map(|(at, d)| (d.domain.as_str(), at))
        .collect();
    // Apple's owners, copied out of the summaries (which are filled in below) and looked up once.
    let apple_owners: Vec<String> = {
        let of_apps = apps
            .iter()
            .flat_map(|app| &app.network.by_domain)
            .map(|d| d.ownership.apple_owner.as_str());
        let of_domains = domains.iter().map(|d| d.ownership.apple_owner.as_str());
        let distinct: std::collections::HashSet<&str, crate::hashing::RandomState> =
            of_apps.chain(of_domains).collect();
        distinct.into_iter().map(str::to_owned).collect()
    };
    let by_apple_owner: HashMap<&str, DomainIdentity<'_>> = apple_owners
        .iter()
        .map(|owner| (owner.as_str(), directory.by_apple_owner(owner)))
        .collect();
    let by_owner = |apple_owner: &str| by_apple_owner.get(apple_owner).cloned().unwrap_or_default();
    // Companies by name; apps and domains by their index in `apps` and `domains`.
    let mut companies: BTreeMap<&str, CompanyTotals<'_>> = BTreeMap::new();
    for (app_index, app) in apps.iter_mut().enumerate() {
        let identity = directory.app(&app.bundle_id);
        app.name = identity
            .name
            .map_or_else(|| tidy_name(&app.bundle_id), str::to_owned);
        app.name_source = if identity.name.is_some() {
            "table"
        } else {
            "bundle_id"
        };
        app.name_zh = identity.name_zh.map(str::to_owned);
        app.company = identity.company.map(|c| c.name.clone());
        app.company_zh = identity.company.and_then(|c| c.name_zh.clone());
        let mut third_parties = BTreeSet::new();
        for domain in &mut app.network.by_domain {
            let domain_index = position.get(domain.domain.as_str()).copied();
            let known = match domain_index {
                Some(at) => known[at].clone(),
                None => directory.known_domain(&domain.domain),
            };
            let found = known.unwrap_or_else(|| by_owner(&domain.ownership.apple_owner));
            let party = directory.party(&identity, &found);
            describe(&mut domain.ownership, &found);
            domain.party = party.as_str();
            if let Some(owner) = found.owner {
                if party == Party::Third {
                    third_parties.insert(owner);
                }
                let totals = companies.entry(owner).or_default();
                totals.name_zh = found.owner_zh;
                totals.apps.insert(app_index);
                if party != Party::First {
                    totals.third_party_apps.insert(app_index);
                }
                if let Some(at) = domain_index {
                    totals.domains.insert(at);
                    if found.tracker {
                        totals.tracker_domains.insert(at);
                    }
                }
                totals.hits = totals.hits.saturating_add(domain.hits);
            }
        }
        app.network.tracker_domains = app
            .network
            .by_domain
            .iter()
            .filter(|d| d.ownership.tracker && d.party != Party::First.as_str())
            .count() as u64;
        app.network.third_party_companies = third_parties.into_iter().map(str::to_owned).collect();
    }
    let mut companies: Vec<CompanySummary> = companies
        .into_iter()
        .map(|(company, totals)| CompanySummary {
            company: company.to_owned(),
            company_zh: totals.name_zh.map(str::to_owned),
            third_party_apps: totals.third_party_apps.len() as u64,
            // Apps are sorted by bundle ID, so their indexes are too.
            apps: totals
                .apps
                .iter()
                .map(|&at| apps[at].bundle_id.clone())
                .collect(),
            domains: totals.domains.len() as u64,
            tracker_domains: totals.tracker_domains.len() as u64,
            hits: totals.hits,
        })
        .collect();
    for (domain, known) in domains.iter_mut().zip(known) {
        let found = known.unwrap_or_else(|| by_owner(&domain.ownership.apple_owner));
        describe(&mut domain.ownership, &found);
    }
    companies.sort_by(|a, b| {
        b.apps
            .len()
            .cmp(&a.apps.len())
            .then(b.hits.cmp(&a.hits))
            .then_with(|| a.company.cmp(&b.company))
    });
    companies
}

/// What the project's table or the tracker database says of each domain (see
/// [`Directory::known_domain`]), in the order of `domains`.
pub fn known_domains<'d>(
    directory: &'d Directory,
    domains: &[DomainSummary],
) -> Vec<Option<DomainIdentity<'d>>> {
    domains
        .iter()
        .map(|domain| directory.known_domain(&domain.domain))
        .collect()
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
        trackerdb_domains: directory
            .trackerdb()
            .map_or(0, |(_, domains)| domains as u64),
    }
}

/// One company's sums; apps and domains by index.
#[derive(Default)]
struct CompanyTotals<'d> {
    name_zh: Option<&'d str>,
    apps: BTreeSet<usize>,
    third_party_apps: BTreeSet<usize>,
    domains: BTreeSet<usize>,
    tracker_domains: BTreeSet<usize>,
    hits: u64,
}
