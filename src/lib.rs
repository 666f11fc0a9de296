//! Privacy Lens: what the apps on an iPhone did with photos, contacts, location, camera and
//! microphone, and which domains they contacted, from the iOS App Privacy Report.
//!
//! The core reads exports of every generation (iOS 15 beta 1 to iOS 18 and later) from
//! byte chunks of any size, merges several exports into one deduplicated history, pairs
//! access records into intervals, and computes a [`Report`]: summaries per app, category,
//! domain and website, and findings. It knows nothing of files or browsers; its front-ends
//! (the `privacy-lens` command, and the page through WebAssembly) feed it bytes.
//!
//! ```
//! use privacy_lens::{Analyzer, Options};
//!
//! let export = br#"{"accessor":{"identifier":"com.tencent.xin","identifierType":"bundleID"},"category":"photos","identifier":"6AF95C77-3A05-41D5-9F32-F0F0C12CE8FA","kind":"intervalBegin","timeStamp":"2021-10-11T02:13:05.120+08:00","type":"access"}
//! {"accessor":{"identifier":"com.tencent.xin","identifierType":"bundleID"},"category":"photos","identifier":"6AF95C77-3A05-41D5-9F32-F0F0C12CE8FA","kind":"intervalEnd","timeStamp":"2021-10-11T02:14:05.120+08:00","type":"access"}
//! "#;
//! let mut analyzer = Analyzer::new();
//! analyzer.start_file("App_Privacy_Report.ndjson");
//! for chunk in export.chunks(100) {
//!     analyzer.feed(chunk);
//! }
//! analyzer.finish_file();
//! let report = analyzer.report(&Options::default());
//! let photos = &report.apps[0].access[0];
//! assert_eq!((photos.intervals, photos.max_seconds, photos.quiet_hours), (1, 60.0, 1));
//! ```

#![deny(missing_docs)]

mod beta1;
mod compare;
mod coverage;
pub mod decode;
mod digest;
mod directory;
mod export;
mod findings;
#[doc(hidden)]
pub mod handoff; // public (hidden) for the fuzz target `decode`
mod hashing;
mod history;
mod identities;
mod lines;
mod network_table;
mod options;
#[cfg(not(target_arch = "wasm32"))]
mod parallel;
mod reader;
pub mod record;
mod report;
mod summary;
pub mod synthetic;
mod time;
#[doc(hidden)]
pub mod uuid; // public (hidden) for the fuzz target `decode`
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use crate::compare::*;
pub use crate::export::*;
pub use crate::findings::RULES;
pub use crate::hashing::seed_with;
pub use crate::options::{parse_local_time, LocalRange, Options, QuietHours};
pub use crate::report::*;
pub use crate::summary::is_ip_literal;
pub use crate::time::Timestamp;

use crate::directory::Directory;
use crate::history::History;
use crate::reader::FileReader;

/// Reads exports chunk by chunk into one merged history, and reports on it.
///
/// Files are read one after another: [`start_file`](Analyzer::start_file), any number of
/// [`feed`](Analyzer::feed)s, [`finish_file`](Analyzer::finish_file). The report can be
/// computed at any time, as often as wanted, with different [`Options`], without reading
/// the files again.
#[derive(Default)]
pub struct Analyzer {
    history: History,
    directory: Directory,
    current: Option<FileReader>,
    files: Vec<FileSummary>,
    /// Each export's window: its first and last record.
    windows: Vec<(Timestamp, Timestamp)>,
    unknown: u64,
    skipped: u64,
    /// Per export file: its index, listed diagnostics and how many more were not listed.
    diagnostics: Vec<(u32, Vec<Diagnostic>, u64)>,
}

impl Analyzer {
    /// An analyzer with nothing read.
    pub fn new() -> Analyzer {
        Analyzer::default()
    }

    /// Starts a new file (finishing the current one, if any).
    pub fn start_file(&mut self, name: &str) {
        self.finish_file();
        let index = u32::try_from(self.files.len()).unwrap_or(u32::MAX);
        self.current = Some(FileReader::new(index, name));
    }

    /// Tells the analyzer that about `bytes` more bytes of export are coming (e.g. the size
    /// of the file about to be read). Optional; it saves time on large files.
    pub fn expect_bytes(&mut self, bytes: u64) {
        self.history.reserve_for(bytes);
    }

    /// Reads the next chunk of the current file. Chunks may split lines and characters
    /// anywhere. Without a started file the chunk is read as a file named `input`.
    pub fn feed(&mut self, chunk: &[u8]) {
        let (reader, history) = self.reading();
        reader.feed(chunk, history);
    }

    /// Reads the next chunk of the current file, as [`Analyzer::feed`], with the digests
    /// of its whole lines made by [`handoff::digest_chunk`] (in another instance of the
    /// core, so that digesting runs beside reading). Digests that are not this chunk's are
    /// ignored: the result is always that of `feed`.
    pub fn feed_digested(&mut self, chunk: &[u8], digests: &[u8]) {
        let (reader, history) = self.reading();
        reader.feed_digested(chunk, digests, history);
    }

    /// The file being read (one named `input` if none was started), and the history.
    fn reading(&mut self) -> (&mut FileReader, &mut History) {
        let index = u32::try_from(self.files.len()).unwrap_or(u32::MAX);
        let reader = self
            .current
            .get_or_insert_with(|| FileReader::new(index, "input"));
        (reader, &mut self.history)
    }

    /// Ends the current file and returns its summary (`error` is set when it is not an
    /// export). Returns `None` when no file was started.
    pub fn finish_file(&mut self) -> Option<&FileSummary> {
        let finished = self.current.take()?.finish(&mut self.history);
        if finished.summary.error.is_none() {
            let parsed = |time: &Option<String>| time.as_deref().and_then(Timestamp::parse);
            if let (Some(first), Some(last)) = (
                parsed(&finished.summary.first),
                parsed(&finished.summary.last),
            ) {
                self.windows.push((first, last));
            }
            self.unknown += finished.unknown;
            self.skipped += finished.summary.skipped;
            let index = u32::try_from(self.files.len()).unwrap_or(u32::MAX);
            self.diagnostics
                .push((index, finished.diagnostics, finished.diagnostics_omitted));
        }
        self.files.push(finished.summary);
        self.files.last()
    }

    /// Loads the tracker database compiled by `make data` (`www/data/trackerdb.tsv`) for
    /// owners and trackers of domains the project's own table does not know; returns how
    /// many domains it has.
    pub fn load_trackerdb(&mut self, bytes: &[u8]) -> usize {
        self.directory.load_trackerdb(bytes)
    }

    /// Records read so far in all files, counting copies; for progress displays.
    pub fn records_read(&self) -> u64 {
        self.files.iter().map(|f| f.records).sum::<u64>()
            + self.current.as_ref().map_or(0, FileReader::records)
    }

    /// Whether at least one finished file was an export.
    pub fn has_export(&self) -> bool {
        self.files.iter().any(|f| f.error.is_none())
    }

    /// The report over everything read so far. A file still being read contributes the
    /// records read from it, but appears in `files` (and its diagnostics) once finished.
    pub fn report(&self, options: &Options) -> Report {
        let (mut summaries, known) = summary::summarize(&self.history, options, |domains| {
            identities::known_domains(&self.directory, domains)
        });
        let companies = identities::identify(
            &self.directory,
            &mut summaries.apps,
            &mut summaries.domains,
            known,
        );
        let period = summaries.span.0.map(|(first, last)| Period {
            first: first.to_rfc3339(),
            last: last.to_rfc3339(),
            days: (last.local_day() - first.local_day() + 1).max(1) as u64,
        });
        let coverage = coverage::coverage(&self.windows, options.range);
        // Averages per day are over the days some export covers: a gap between weekly
        // exports is missing data, not a quiet week.
        let days = coverage.days.max(1);
        let findings = findings::find(&summaries.apps, days, options);
        let access = self.history.access.records();
        let (diagnostics, diagnostics_omitted) = self.diagnostics(&summaries.pairing_diagnostics);
        Report {
            records: RecordCounts {
                access,
                network: self.history.network.len() as u64,
                events: self.history.events.values().flatten().count() as u64,
                unknown: self.unknown,
                duplicates: self.history.duplicates,
                skipped: self.skipped,
            },
            files: self.files.clone(),
            period,
            coverage,
            options: OptionsUsed {
                quiet_hours: options.quiet_hours.to_string(),
                from: options.range.from.map(options::format_local_time),
                until: options.range.until.map(options::format_local_time),
                thresholds: options.thresholds,
            },
            apps: summaries.apps,
            domains: summaries.domains,
            websites: summaries.websites,
            companies,
            sources: identities::sources(&self.directory),
            findings,
            diagnostics,
            diagnostics_omitted,
        }
    }

    /// Compares the history before local time `split_at` (local milliseconds, see
    /// [`parse_local_time`]) with the history from then on.
    pub fn compare_split(&self, split_at: i64, options: &Options) -> Comparison {
        let (before, after) = LocalRange::split_at(split_at);
        compare(
            &self.report(&Options {
                range: before,
                ..*options
            }),
            &self.report(&Options {
                range: after,
                ..*options
            }),
        )
    }

    /// Reading and pairing diagnostics together: per file in the order read, by line, at
    /// most [`reader::MAX_DIAGNOSTICS_PER_FILE`] per file; returns them and how many more
    /// there were.
    fn diagnostics(&self, pairing: &[(u32, u64, &'static str)]) -> (Vec<Diagnostic>, u64) {
        let (mut listed, mut omitted) = (Vec::new(), 0);
        for (index, reading, reading_omitted) in &self.diagnostics {
            let name = &self.files[*index as usize].name;
            let mut file: Vec<Diagnostic> = reading.clone();
            file.extend(pairing.iter().filter(|(f, _, _)| f == index).map(
                |&(_, line, message)| Diagnostic {
                    file: name.clone(),
                    line,
                    message: message.to_owned(),
                },
            ));
            file.sort_by_key(|d| d.line);
            omitted += reading_omitted
                + file.len().saturating_sub(reader::MAX_DIAGNOSTICS_PER_FILE) as u64;
            file.truncate(reader::MAX_DIAGNOSTICS_PER_FILE);
            listed.extend(file);
        }
        (listed, omitted)
    }
}

/// Reads whole files given as `(name, bytes)` and reports on them in one call.
pub fn analyze<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    options: &Options,
) -> Report {
    let mut analyzer = Analyzer::new();
    for (name, bytes) in files {
        analyzer.start_file(name);
        analyzer.feed(bytes);
        analyzer.finish_file();
    }
    analyzer.report(options)
}
