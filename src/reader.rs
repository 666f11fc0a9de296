//! Reads one file: lines → records into the [`History`], bad lines → diagnostics, and the
//! evidence for which format generation the file is.

use crate::beta1::{Beta1Block, BlockItem};
use crate::decode::{decode_line, reference::quoted};
use crate::digest::{digest_line, Batch, Content, DigestedLine};
use crate::handoff;
use crate::history::{FileIndex, History, Origin};
use crate::lines::{LineSplitter, Piece, MAX_LINE};
#[cfg(not(target_arch = "wasm32"))]
use crate::parallel::digest_on_two_threads;
use crate::record::{Access, Line, Marker, Network};
use crate::report::{Diagnostic, FileSummary, Generation};
use crate::time::Timestamp;
use crate::uuid::{parse_uuid, Uuid};

/// Chunks at least this large are read on two threads (not in WebAssembly).
#[cfg(not(target_arch = "wasm32"))]
const PARALLEL_CHUNK: usize = 256 << 10;

/// Diagnostics listed per file; the rest are counted.
pub const MAX_DIAGNOSTICS_PER_FILE: usize = 500;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What the keys seen so far say about the format generation.
#[derive(Default)]
struct Evidence {
    access_metadata_version: Option<u64>,
    /// A `<metadata>` or `<end-of-section>` marker.
    markers: bool,
    beta1_block: bool,
    events: bool,
    typed_access: bool,
    typed_network: bool,
    untyped_network: bool,
    access_count: bool,
    ios15_2_network_keys: bool,
}

impl Evidence {
    fn generation(&self) -> Option<Generation> {
        Some(
            if self.access_metadata_version == Some(2) || self.beta1_block {
                Generation::Ios15Beta1
            } else if self.markers || self.untyped_network || (self.events && !self.typed_access) {
                Generation::Ios15Beta2
            } else if self.access_count {
                Generation::Ios18
            } else if self.ios15_2_network_keys {
                Generation::Ios15_2
            } else if self.typed_network {
                Generation::Ios15_0
            } else if self.typed_access {
                Generation::Ios15To17
            } else {
                return None;
            },
        )
    }
}

/// The state of one file being read.
pub struct FileReader {
    index: FileIndex,
    name: String,
    lines: LineSplitter,
    /// Buffers for lines digested on two threads, kept from chunk to chunk.
    #[cfg(not(target_arch = "wasm32"))]
    digests: Vec<Vec<DigestedLine>>,
    /// The buffer for digests handed over by another instance ([`FileReader::feed_digested`]).
    handed: Vec<DigestedLine>,
    block: Option<(u64, Beta1Block)>,
    after_end_of_section: bool,
    evidence: Evidence,
    head: Vec<u8>,
    bytes: u64,
    line_count: u64,
    records: u64,
    unknown: u64,
    skipped: u64,
    first: Option<Timestamp>,
    last: Option<Timestamp>,
    diagnostics: Vec<Diagnostic>,
    diagnostics_omitted: u64,
    /// The largest line number among `diagnostics`, once the list is full.
    largest_listed: u64,
}

/// A finished file: its summary, and what it adds to the run's totals.
pub struct FinishedFile {
    /// The summary for `files[]`.
    pub summary: FileSummary,
    /// Objects of unknown record types.
    pub unknown: u64,
    /// Listed diagnostics.
    pub diagnostics: Vec<Diagnostic>,
    /// Diagnostics counted but not listed.
    pub diagnostics_omitted: u64,
}

impl FileReader {
    /// Starts reading the file `name`, which the history knows as `index`.
    pub fn new(index: FileIndex, name: &str) -> FileReader {
        FileReader {
            index,
            name: name.to_owned(),
            lines: LineSplitter::default(),
            #[cfg(not(target_arch = "wasm32"))]
            digests: Vec::new(),
            handed: Vec::new(),
            block: None,
            after_end_of_section: false,
            evidence: Evidence::default(),
            head: Vec::new(),
            bytes: 0,
            line_count: 0,
            records: 0,
            unknown: 0,
            skipped: 0,
            first: None,
            last: None,
            diagnostics: Vec::new(),
            diagnostics_omitted: 0,
            largest_listed: 0,
        }
    }

    /// Reads the next chunk of the file.
    pub fn feed(&mut self, chunk: &[u8], history: &mut History) {
        self.count(chunk);
        #[cfg(not(target_arch = "wasm32"))]
        if chunk.len() >= PARALLEL_CHUNK {
            self.feed_on_two_threads(chunk, history);
            return;
        }
        self.feed_lines(chunk, history);
    }

    fn feed_lines(&mut self, chunk: &[u8], history: &mut History) {
        let mut lines = std::mem::take(&mut self.lines);
        lines.feed(chunk, |piece| self.piece(piece, history));
        self.lines = lines;
    }

    /// Reads the whole lines of `chunk` on two threads (see [`crate::parallel`]); the first
    /// line, which may end one begun in the last chunk, and the unfinished last one go
    /// through the line splitter as usual.
    #[cfg(not(target_arch = "wasm32"))]
    fn feed_on_two_threads(&mut self, chunk: &[u8], history: &mut History) {
        let Some((head, whole, tail)) = handoff::split_chunk(chunk) else {
            self.feed_lines(chunk, history);
            return;
        };
        self.feed_lines(head, history);
        if !whole.is_empty() {
            let mut digests = std::mem::take(&mut self.digests);
            digest_on_two_threads(whole, &mut digests, |batch| self.batch(batch, history));
            self.digests = digests;
        }
        self.feed_lines(tail, history);
    }

    /// Reads the next chunk of the file with `digests` of its whole lines, made by
    /// [`handoff::digest_chunk`] (in another instance of the core): as [`FileReader::feed`]
    /// would, without digesting. Digests that are not those of this chunk are ignored.
    pub fn feed_digested(&mut self, chunk: &[u8], digests: &[u8], history: &mut History) {
        self.count(chunk);
        let Some((head, whole, tail)) = handoff::split_chunk(chunk) else {
            self.feed_lines(chunk, history);
            return;
        };
        self.feed_lines(head, history);
        let mut lines = std::mem::take(&mut self.handed);
        match handoff::decode(digests, whole, &mut lines) {
            Some(text) => self.batch(
                Batch {
                    bytes: whole,
                    text: Some(text),
                    lines: &lines,
                },
                history,
            ),
            None => self.feed_lines(whole, history),
        }
        self.handed = lines;
        self.feed_lines(tail, history);
    }

    /// Counts the chunk's bytes, and keeps the file's first bytes (to say what a file that
    /// is not an export looks like).
    fn count(&mut self, chunk: &[u8]) {
        self.bytes += chunk.len() as u64;
        if self.head.len() < 16 {
            let wanted = (16 - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..wanted]);
        }
    }

    /// Reads a digested batch of whole lines: its records go to the history as they are,
    /// and any other line is read as it would be without the digest.
    fn batch(&mut self, batch: Batch<'_, '_>, history: &mut History) {
        let mut start = 0;
        for digested in batch.lines {
            let piece = self.lines.whole_line(&batch.bytes[start..digested.end]);
            match (piece, batch.text) {
                // A record's line is not blank nor `{`, so all `line` would do first is
                // this, unless it is in a beta-1 block (which the block reads).
                (Piece::Line(line, _), Some(text))
                    if self.block.is_none() && !matches!(digested.content, Content::Other) =>
                {
                    self.line_count = line;
                    self.after_end_of_section = false;
                    self.digested(&digested.content, &text[start..digested.end], line, history);
                }
                (piece, _) => self.piece(piece, history),
            }
            start = digested.end + 1;
        }
    }

    /// Records the line `text`, digested as `content` (not [`Content::Other`]).
    fn digested(&mut self, content: &Content, text: &str, line: u64, history: &mut History) {
        match content {
            Content::Access(layout, time) => {
                let access = layout.borrowed(text);
                self.access_evidence(&access);
                self.add_access(&access, layout.uuid, *time, line, history);
            }
            Content::Network(layout, first, last) => {
                let network = layout.borrowed(text);
                self.network_evidence(&network);
                self.add_network(&network, *first, *last, history);
            }
            Content::Other => unreachable!("only records are digested"),
        }
    }

    /// Records read so far, for progress reports.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Ends the file.
    pub fn finish(mut self, history: &mut History) -> FinishedFile {
        let mut lines = std::mem::take(&mut self.lines);
        lines.finish(|piece| self.piece(piece, history));
        if let Some((start, _)) = self.block.take() {
            self.skip(start, "the beta-1 network section never closes".into());
        }
        let generation = self.evidence.generation();
        let error = generation.is_none().then(|| self.not_an_export());
        let time = |t: Option<Timestamp>| t.map(Timestamp::to_rfc3339);
        FinishedFile {
            summary: FileSummary {
                name: self.name,
                generation,
                first: time(self.first),
                last: time(self.last),
                bytes: self.bytes,
                lines: self.line_count,
                records: self.records,
                skipped: self.skipped,
                error,
            },
            unknown: self.unknown,
            diagnostics: self.diagnostics,
            diagnostics_omitted: self.diagnostics_omitted,
        }
    }

    fn not_an_export(&self) -> String {
        const EXPECTED: &str = "expected an App Privacy Report export (the .ndjson file from Settings › Privacy & Security › App Privacy Report › Export App Privacy Report)";
        let name = &self.name;
        let looks_like = match self.head.as_slice() {
            [] => return format!("{name} is empty; {EXPECTED}"),
            [0x89, b'P', b'N', b'G', ..] => Some("a PNG image"),
            [0xFF, 0xD8, 0xFF, ..] => Some("a JPEG image"),
            [_, _, _, _, b'f', b't', b'y', b'p', ..] => Some("a HEIC image or MP4/MOV video"),
            [b'%', b'P', b'D', b'F', ..] => Some("a PDF document"),
            [b'P', b'K', 3, 4, ..] => Some("a zip archive"),
            [b'G', b'I', b'F', b'8', ..] => Some("a GIF image"),
            _ => None,
        };
        let lines = match self.line_count {
            1 => "its one line is not".to_owned(),
            n => format!("none of its {n} lines is"),
        };
        // The first reason a line was refused often says what is wrong with the file.
        let first = match self.diagnostics.iter().min_by_key(|d| d.line) {
            Some(d) => format!(" (line {}: {})", d.line, d.message),
            None => String::new(),
        };
        match looks_like {
            Some(kind) => format!("{name} looks like {kind}, not an export; {EXPECTED}"),
            None if self.unknown > 0 => {
                format!("{name} holds JSON, but {lines} an access or network activity record{first}; {EXPECTED}")
            }
            None => format!("{name} is not an export: {lines} an access or network activity record{first}; {EXPECTED}"),
        }
    }

    fn piece(&mut self, piece: Piece<'_>, history: &mut History) {
        match piece {
            Piece::TooLong(line, length) => {
                self.line_count = line;
                self.skip(
                    line,
                    format!("the line is {length} bytes long, more than the {MAX_LINE}-byte limit"),
                );
            }
            Piece::Line(line, bytes) => {
                self.line_count = line;
                self.line(line, bytes, history);
            }
        }
    }

    fn line(&mut self, line: u64, mut bytes: &[u8], history: &mut History) {
        if line == 1 {
            bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
        }
        bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        if let Some((_, block)) = &mut self.block {
            let mut items = Vec::new();
            block.read_line(line, bytes, |item| items.push(item));
            for item in items {
                self.block_item(item, history);
            }
            return;
        }
        let trimmed = bytes.trim_ascii();
        if trimmed.is_empty() {
            return;
        }
        // Only the line right after `<end-of-section>` may open the beta-1 network section
        // (pretty-printed, or compacted onto one line).
        let may_open_block =
            std::mem::take(&mut self.after_end_of_section) && trimmed.starts_with(b"{");
        if may_open_block && trimmed == b"{" {
            self.open_block(line, bytes, history);
            return;
        }
        // Lines in iOS's layouts, nearly all, are read from their layout.
        if let Ok(text) = std::str::from_utf8(bytes) {
            let content = digest_line(text);
            if !matches!(content, Content::Other) {
                self.digested(&content, text, line, history);
                return;
            }
        }
        match decode_line(bytes) {
            Ok(Line::Unknown) if may_open_block => self.open_block(line, bytes, history),
            Ok(record) => self.record(&record, line, history),
            Err(error) => self.skip(line, error.0),
        }
    }

    fn open_block(&mut self, line: u64, bytes: &[u8], history: &mut History) {
        self.evidence.beta1_block = true;
        self.block = Some((line, Beta1Block::default()));
        self.line(line, bytes, history);
    }

    fn block_item(&mut self, item: BlockItem, history: &mut History) {
        match item {
            BlockItem::End => self.block = None,
            BlockItem::Record {
                line,
                result: Ok(network),
            } => self.record(&Line::Network(network), line, history),
            BlockItem::Record {
                line,
                result: Err(error),
            } => self.skip(line, error.0),
        }
    }

    fn record(&mut self, record: &Line<'_>, line: u64, history: &mut History) {
        match record {
            Line::Access(access) => {
                self.access_evidence(access);
                let Some(time) = self.time(line, "timeStamp", &access.time_stamp) else {
                    return;
                };
                self.add_access(
                    access,
                    parse_uuid(access.identifier.as_bytes()),
                    time,
                    line,
                    history,
                );
            }
            Line::Network(network) => {
                self.network_evidence(network);
                let Some(last) = self.time(line, "timeStamp", &network.time_stamp) else {
                    return;
                };
                let Some(first) = self.time(line, "firstTimeStamp", &network.first_time_stamp)
                else {
                    return;
                };
                self.add_network(network, first, last, history);
            }
            Line::Event(event) => {
                self.evidence.events = true;
                let Some(time) = self.time(line, "timestamp", &event.time_stamp) else {
                    return;
                };
                history.add_event(
                    event,
                    time,
                    Origin {
                        file: self.index,
                        line,
                    },
                );
                self.counted(time, time);
            }
            &Line::Marker(Marker::AccessMetadata { version }) => {
                self.evidence.markers = true;
                // The first access metadata describes the file (beta 2 repeats markers).
                self.evidence.access_metadata_version =
                    self.evidence.access_metadata_version.or(version);
            }
            Line::Marker(Marker::NetworkMetadata) => self.evidence.markers = true,
            Line::Marker(Marker::EndOfSection) => {
                self.evidence.markers = true;
                self.after_end_of_section = true;
            }
            Line::Marker(Marker::Other) | Line::Unknown => self.unknown += 1,
        }
    }

    fn access_evidence(&mut self, access: &Access<'_>) {
        self.evidence.typed_access = true;
        self.evidence.access_count |= access.access_count.is_some();
    }

    fn network_evidence(&mut self, network: &Network<'_>) {
        if network.typed {
            self.evidence.typed_network = true;
        } else if !self.evidence.beta1_block {
            self.evidence.untyped_network = true;
        }
        self.evidence.ios15_2_network_keys |=
            network.domain_classification.is_some() || network.context_verification_type.is_some();
    }

    /// Adds an access record whose time parsed as `time` and identifier as `uuid`.
    fn add_access(
        &mut self,
        access: &Access<'_>,
        uuid: Option<Uuid>,
        time: Timestamp,
        line: u64,
        history: &mut History,
    ) {
        history.add_access(
            access,
            uuid,
            time,
            Origin {
                file: self.index,
                line,
            },
        );
        self.counted(time, time);
    }

    /// Adds a network record whose timestamps parsed as `first` and `last`.
    fn add_network(
        &mut self,
        network: &Network<'_>,
        first: Timestamp,
        last: Timestamp,
        history: &mut History,
    ) {
        history.add_network(network, first, last, self.index);
        self.counted(first.min(last), first.max(last));
    }

    fn time(&mut self, line: u64, key: &str, text: &str) -> Option<Timestamp> {
        let time = Timestamp::parse(text);
        if time.is_none() {
            self.skip(
                line,
                format!("{key} {} is not an RFC 3339 time", quoted(text)),
            );
        }
        time
    }

    fn counted(&mut self, first: Timestamp, last: Timestamp) {
        self.records += 1;
        self.first = Some(self.first.map_or(first, |t| t.min(first)));
        self.last = Some(self.last.map_or(last, |t| t.max(last)));
    }

    /// Counts a skipped line and lists it if it is among the first lines with a problem (lines
    /// arrive in order but for beta-1 dictionaries, which are reported where they begin).
    fn skip(&mut self, line: u64, message: String) {
        self.skipped += 1;
        let diagnostic = Diagnostic {
            file: self.name.clone(),
            line,
            message,
        };
        if self.diagnostics.len() < MAX_DIAGNOSTICS_PER_FILE {
            self.diagnostics.push(diagnostic);
            if self.diagnostics.len() == MAX_DIAGNOSTICS_PER_FILE {
                self.largest_listed = self.diagnostics.iter().map(|d| d.line).max().unwrap_or(0);
            }
            return;
        }
        self.diagnostics_omitted += 1;
        if line < self.largest_listed {
            let largest = self
                .diagnostics
                .iter()
                .rposition(|d| d.line == self.largest_listed)
                .expect("listed");
            self.diagnostics[largest] = diagnostic;
            self.largest_listed = self.diagnostics.iter().map(|d| d.line).max().unwrap_or(0);
        }
    }
}
