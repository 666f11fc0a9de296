//! The core as WebAssembly, for the page's worker: the only file that knows wasm-bindgen.
//!
//! Bytes go in (`feed` takes the file's chunks as `Uint8Array`s) and JSON text comes out,
//! which the page parses with `JSON.parse`: faster than building JS objects field by field.

use wasm_bindgen::prelude::*;

use crate::synthetic::{Plan, SyntheticHistory};
use crate::{
    access_csv, apps_csv, blocklist, compare, domains_csv, intervals_csv, parse_local_time,
    Analyzer, AppDetails, Options, Report,
};

/// One analysis: files read one after another into one history, reported on any number of
/// times (with different quiet hours) without reading the files again.
#[wasm_bindgen]
pub struct Session {
    analyzer: Analyzer,
    /// The last report, and per app what the first view leaves out, kept so that `app` can
    /// answer without recomputing it.
    report: Option<(Report, Vec<AppDetails>)>,
}

#[wasm_bindgen]
impl Session {
    /// A session whose hash tables are seeded with `entropy`: random bits from
    /// `crypto.getRandomValues` (WebAssembly has no other source of randomness).
    #[wasm_bindgen(constructor)]
    pub fn new(entropy: u64) -> Session {
        crate::seed_with(entropy);
        Session {
            analyzer: Analyzer::new(),
            report: None,
        }
    }

    /// Loads the tracker database (`data/trackerdb.tsv` of the site, compiled by `make data`);
    /// returns how many domains it has.
    #[wasm_bindgen(js_name = loadTrackerdb)]
    pub fn load_trackerdb(&mut self, bytes: &[u8]) -> u32 {
        self.analyzer.load_trackerdb(bytes) as u32
    }

    /// Starts the next file; `size` is its length in bytes (it lets tables be sized once).
    #[wasm_bindgen(js_name = startFile)]
    pub fn start_file(&mut self, name: &str, size: f64) {
        self.analyzer.expect_bytes(size as u64);
        self.analyzer.start_file(name);
        self.report = None;
    }

    /// Reads the next chunk of the current file; chunks may split lines anywhere.
    pub fn feed(&mut self, chunk: &[u8]) {
        self.analyzer.feed(chunk);
    }

    /// Reads the next chunk of the current file as `feed` does, with `digests`, what
    /// `digest` made of the same chunk (in the reading worker's instance): digesting is
    /// most of the work of reading, and runs there on another core. Digests that are not
    /// this chunk's are ignored (the result is always `feed`'s).
    #[wasm_bindgen(js_name = feedDigested)]
    pub fn feed_digested(&mut self, chunk: &[u8], digests: &[u8]) {
        self.analyzer.feed_digested(chunk, digests);
    }

    /// Ends the current file; returns its summary as JSON (the report's `files[]` entry).
    #[wasm_bindgen(js_name = finishFile)]
    pub fn finish_file(&mut self) -> String {
        let summary = self.analyzer.finish_file();
        serde_json::to_string(&summary).unwrap_or_default()
    }

    /// Records read so far, counting copies (for the progress display).
    #[wasm_bindgen(js_name = recordsRead)]
    pub fn records_read(&self) -> f64 {
        self.analyzer.records_read() as f64
    }

    /// Whether at least one finished file was an export.
    #[wasm_bindgen(js_name = hasExport)]
    pub fn has_export(&self) -> bool {
        self.analyzer.has_export()
    }

    /// The report as JSON with quiet hours `HH:MM-HH:MM`, without `domains` (ask
    /// `domains`) and without each app's domains and per-interval lists (ask `app` for one
    /// app's): the parts come separately so that the page parses each in a short task.
    /// Errors when `quiet_hours` is not a valid window.
    pub fn report(&mut self, quiet_hours: &str) -> Result<String, JsError> {
        let mut report = self.analyzer.report(&options(quiet_hours)?);
        let details = report.take_app_details();
        let domains = std::mem::take(&mut report.domains);
        let summary = serde_json::to_string(&report);
        report.domains = domains;
        self.report = Some((report, details));
        Ok(summary?)
    }

    /// The last report's `domains` as JSON (`[]` before any report).
    pub fn domains(&self) -> String {
        self.report.as_ref().map_or_else(
            || "[]".to_owned(),
            |(report, _)| serde_json::to_string(&report.domains).unwrap_or_default(),
        )
    }

    /// A file made from the last report, as text: `intervals.csv`, `access.csv`,
    /// `apps.csv`, `domains.csv`, `report.json` (the whole report, as the CLI's `--json`
    /// prints it), `hosts.txt` or `adblock.txt` (blocklists). Errors before any report or for
    /// another name.
    pub fn export(&self, name: &str) -> Result<String, JsError> {
        let (report, details) = self
            .report
            .as_ref()
            .ok_or_else(|| JsError::new("there is no report yet"))?;
        let whole = || {
            report
                .apps
                .iter()
                .zip(details)
                .map(|(app, details)| app.with_details(details))
        };
        Ok(match name {
            "intervals.csv" => intervals_csv(
                whole(),
                report.options.quiet_hours.parse().unwrap_or_default(),
            ),
            "access.csv" => access_csv(report),
            "apps.csv" => apps_csv(report),
            "domains.csv" => domains_csv(&report.domains),
            "report.json" => {
                let complete = Report {
                    apps: whole().collect(),
                    ..report.clone()
                };
                serde_json::to_string(&complete)?
            }
            "hosts.txt" => blocklist(report, crate::BlocklistFormat::Hosts),
            "adblock.txt" => blocklist(report, crate::BlocklistFormat::Adblock),
            _ => return Err(JsError::new(&format!("no export named {name}"))),
        })
    }

    /// The history before local time `split_at` (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`)
    /// compared with the history from then on, as JSON (the CLI's `compare --json`).
    #[wasm_bindgen(js_name = compareSplit)]
    pub fn compare_split(&self, split_at: &str, quiet_hours: &str) -> Result<String, JsError> {
        let options = options(quiet_hours)?;
        let split_at = parse_local_time(split_at).map_err(|e| JsError::new(&e))?;
        Ok(serde_json::to_string(
            &self.analyzer.compare_split(split_at, &options),
        )?)
    }

    /// This session's files (before) compared with `after`'s, as JSON.
    #[wasm_bindgen(js_name = compareWith)]
    pub fn compare_with(&self, after: &Session, quiet_hours: &str) -> Result<String, JsError> {
        let options = options(quiet_hours)?;
        Ok(serde_json::to_string(&compare(
            &self.analyzer.report(&options),
            &after.analyzer.report(&options),
        ))?)
    }

    /// Runs a generated export of about `bytes` bytes through a throwaway analysis and
    /// report, so that the first real file meets warm code: browsers first compile
    /// WebAssembly quickly and poorly, recompile a function well only once it has run for a
    /// while, and a call that is already running (a report over a large history) finishes
    /// in the poor code.
    ///
    /// `entropy` seeds the hash tables, as for [`Session::new`].
    #[wasm_bindgen(js_name = warmUp)]
    pub fn warm_up(entropy: u64, bytes: u32) {
        crate::seed_with(entropy);
        let mut export = Vec::new();
        let _ = SyntheticHistory::write_weekly_exports(&Plan::default(), bytes.into(), &mut export);
        let mut analyzer = Analyzer::new();
        analyzer.expect_bytes(export.len() as u64);
        analyzer.start_file("warm-up");
        // Both ways of reading, with and without digests from the reading worker.
        for (number, chunk) in export.chunks(64 << 10).enumerate() {
            if number % 2 == 0 {
                analyzer.feed(chunk);
            } else {
                analyzer.feed_digested(chunk, &crate::handoff::digest_chunk(chunk));
            }
        }
        analyzer.finish_file();
        let mut report = analyzer.report(&Options::default());
        let details = report.take_app_details();
        let _ = serde_json::to_string(&report);
        if let Some(app) = report.apps.first() {
            let _ = serde_json::to_string(&app.with_details(&details[0]));
        }
    }

    /// One app of the last report as JSON, complete with its domains and intervals;
    /// `None` when there is no report yet or no such app.
    pub fn app(&self, bundle_id: &str) -> Option<String> {
        let (report, details) = self.report.as_ref()?;
        let index = report
            .apps
            .iter()
            .position(|app| app.bundle_id == bundle_id)?;
        serde_json::to_string(&report.apps[index].with_details(&details[index])).ok()
    }
}

/// Digests slices for `Session.feedDigested` in another instance (the reading worker's):
/// each slice can be digested on its own. The digests stay in this instance's memory until
/// the next slice, where the caller copies them into a buffer it reuses (a fresh buffer per
/// slice left hundreds of MB of garbage behind at 1 GB).
#[wasm_bindgen]
#[derive(Default)]
pub struct Digester {
    digests: Vec<u8>,
}

#[wasm_bindgen]
impl Digester {
    /// A digester with no digests yet.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Digester {
        Digester::default()
    }

    /// Digests the whole lines of `chunk`; returns the digests' length in bytes (they are at
    /// `digestsAt` in the instance's memory).
    pub fn digest(&mut self, chunk: &[u8]) -> usize {
        self.digests = crate::handoff::digest_chunk(chunk);
        self.digests.len()
    }

    /// Where the last digests are in the instance's memory.
    #[wasm_bindgen(js_name = digestsAt)]
    pub fn digests_at(&self) -> usize {
        self.digests.as_ptr() as usize
    }
}

impl Digester {
    /// The last digests (for tests: JavaScript reads them from the memory, see `digestsAt`).
    pub fn digests(&self) -> &[u8] {
        &self.digests
    }
}

/// Digests a generated export of about `bytes` bytes, so that the first real chunks meet
/// warm code (see `Session.warmUp`).
#[wasm_bindgen(js_name = warmUpDigest)]
pub fn warm_up_digest(bytes: u32) {
    let mut export = Vec::new();
    let _ = SyntheticHistory::write_weekly_exports(&Plan::default(), bytes.into(), &mut export);
    let mut digester = Digester::new();
    for chunk in export.chunks(256 << 10) {
        digester.digest(chunk);
    }
}

/// The default options with quiet hours `HH:MM-HH:MM`.
fn options(quiet_hours: &str) -> Result<Options, JsError> {
    let quiet_hours = quiet_hours.parse().map_err(|e: String| JsError::new(&e))?;
    Ok(Options {
        quiet_hours,
        ..Options::default()
    })
}
