//! Digests as bytes, so that one instance of the core can digest the lines another records:
//! the page's reading worker digests each slice it reads, with its own WebAssembly instance
//! on another core, and hands the digests over with the slice
//! ([`crate::Analyzer::feed_digested`]). WebAssembly here has one thread per instance, so
//! this is how the page reads on two cores, as the native build does on two threads
//! (`parallel.rs`).
//!
//! Both ends are the same build, but the bytes cross a message channel, so decoding checks
//! everything the reader relies on: digests that do not fit their chunk are ignored and the
//! chunk is read as if none had come.

use crate::decode::template::{AccessLayout, NetworkLayout, Span};
use crate::digest::{digest_lines, Content, DigestedLine};
use crate::record::AccessKind;
use crate::time::Timestamp;

/// Changes whenever the layout below does.
const VERSION: u32 = 1;

const OTHER: u8 = 0;
const ACCESS: u8 = 1;
const NETWORK: u8 = 2;

/// The bytes before the lines: version, length of the lines, UTF-8 or not, line count.
const HEADER: usize = 4 + 4 + 1 + 4;

/// The bytes of an access record's digest and of a network record's: fixed, so that each
/// is written and read in one piece.
const ACCESS_BYTES: usize = 4 * 8 + 1 + 8 + 3 + 8 + 1 + 16 + 8;
const NETWORK_BYTES: usize = 7 * 8 + 4 * 8 + 2 * 8;

/// A chunk cut for digesting: the bytes up to and including its first line end, which may
/// end a line begun in an earlier chunk; its whole lines; and the unfinished rest. `None`
/// when the chunk has no line end.
pub fn split_chunk(chunk: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let first = memchr::memchr(b'\n', chunk)?;
    let last = memchr::memrchr(b'\n', chunk)?;
    let (head, rest) = chunk.split_at(first + 1);
    let (whole, tail) = rest.split_at(last - first);
    Some((head, whole, tail))
}

/// Digests the whole lines of `chunk` (see [`split_chunk`]) into bytes for
/// [`decode`]. The digests are not tied to what came before the chunk: any worker can
/// digest any chunk.
pub fn digest_chunk(chunk: &[u8]) -> Vec<u8> {
    let whole = split_chunk(chunk).map_or(&[][..], |(_, whole, _)| whole);
    // The digests of iOS's lines take about a third of their bytes.
    let mut out = Vec::with_capacity(HEADER + whole.len() / 3);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&(whole.len() as u32).to_le_bytes());
    // Whether the lines are UTF-8, and how many there are: known at the end.
    out.extend_from_slice(&[0; 5]);
    // Each line is written as it is digested: a list of the digests first took more memory
    // than the digests themselves (and WebAssembly memory never shrinks).
    let mut count = 0u32;
    let text = digest_lines(whole, |line| {
        count += 1;
        out.extend_from_slice(&(line.end as u32).to_le_bytes());
        match &line.content {
            Content::Access(layout, time) => {
                out.push(ACCESS);
                out.extend_from_slice(&access_bytes(layout, *time));
            }
            Content::Network(layout, first, last) => {
                out.push(NETWORK);
                out.extend_from_slice(&network_bytes(layout, *first, *last));
            }
            Content::Other => out.push(OTHER),
        }
    });
    if text.is_some() {
        out[8] = 1;
        out[9..HEADER].copy_from_slice(&count.to_le_bytes());
    } else {
        // Lines that are not UTF-8 have nothing to hand over: they are read as they come.
        out.truncate(HEADER);
    }
    out
}

/// The digests `bytes` made by [`digest_chunk`] for `whole`, the whole lines of a chunk
/// (see [`split_chunk`]), into `lines`; and `whole` as text. `None` when they are not the
/// digests of these lines (or the lines are not UTF-8, when there is nothing to gain).
pub fn decode<'w>(bytes: &[u8], whole: &'w [u8], lines: &mut Vec<DigestedLine>) -> Option<&'w str> {
    lines.clear();
    let mut input = Reader(bytes);
    if input.u32()? != VERSION || input.u32()? as usize != whole.len() || input.u8()? != 1 {
        return None;
    }
    let text = std::str::from_utf8(whole).ok()?;
    let count = input.u32()? as usize;
    let mut start = 0;
    for _ in 0..count {
        // Line ends in order, up to the last byte. (Whether a line holds another `\n` is not
        // checked: a scan of every byte again cost a sixth of reading with digests, and the
        // digests of another chunk fail the checks here long before.)
        let end = input.u32()? as usize;
        if end < start || whole.get(end) != Some(&b'\n') {
            return None;
        }
        let line = &text[start..end];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let content = match input.u8()? {
            ACCESS => read_access(&mut Reader(&input.take::<ACCESS_BYTES>()?), line)?,
            NETWORK => read_network(&mut Reader(&input.take::<NETWORK_BYTES>()?), line)?,
            OTHER => Content::Other,
            _ => return None,
        };
        lines.push(DigestedLine { end, content });
        start = end + 1;
    }
    (start == whole.len() && input.0.is_empty()).then_some(text)
}

fn access_bytes(layout: &AccessLayout, time: Timestamp) -> [u8; ACCESS_BYTES] {
    let mut out = Writer::<ACCESS_BYTES>::new();
    for span in [
        layout.accessor,
        layout.category,
        layout.identifier,
        layout.time_stamp,
    ] {
        out.span(span);
    }
    out.u8(u8::from(layout.broadcaster.is_some()));
    out.span(layout.broadcaster.unwrap_or_default());
    out.u8(match layout.kind {
        AccessKind::Begin => 0,
        AccessKind::End => 1,
    });
    out.u8(u8::from(layout.out_of_process));
    out.u8(u8::from(layout.access_count.is_some()));
    out.u64(layout.access_count.unwrap_or_default());
    out.u8(u8::from(layout.uuid.is_some()));
    let (high, low) = layout.uuid.unwrap_or_default();
    out.u64(high);
    out.u64(low);
    out.u64(time.to_bits() as u64);
    out.done()
}

fn read_access(input: &mut Reader, line: &str) -> Option<Content> {
    let [accessor, category, identifier, time_stamp] = [(); 4].map(|()| input.span(line));
    let has_broadcaster = input.flag()?;
    let broadcaster = input.span(line)?;
    let kind = match input.u8()? {
        0 => AccessKind::Begin,
        1 => AccessKind::End,
        _ => return None,
    };
    let out_of_process = input.flag()?;
    let has_count = input.flag()?;
    let count = input.u64()?;
    let has_uuid = input.flag()?;
    let uuid = (input.u64()?, input.u64()?);
    let time = input.timestamp()?;
    let layout = AccessLayout {
        accessor: accessor?,
        broadcaster: has_broadcaster.then_some(broadcaster),
        category: category?,
        identifier: identifier?,
        time_stamp: time_stamp?,
        kind,
        out_of_process,
        access_count: has_count.then_some(count),
        uuid: has_uuid.then_some(uuid),
        time: Some(time),
    };
    Some(Content::Access(layout, time))
}

fn network_bytes(layout: &NetworkLayout, first: Timestamp, last: Timestamp) -> [u8; NETWORK_BYTES] {
    let mut out = Writer::<NETWORK_BYTES>::new();
    for span in [
        layout.time_stamp,
        layout.initiated_type,
        layout.context,
        layout.domain,
        layout.first_time_stamp,
        layout.bundle_id,
        layout.domain_owner,
    ] {
        out.span(span);
    }
    for number in [
        layout.context_verification_type,
        layout.domain_type,
        layout.hits,
        layout.domain_classification,
    ] {
        out.u64(number);
    }
    out.u64(first.to_bits() as u64);
    out.u64(last.to_bits() as u64);
    out.done()
}

fn read_network(input: &mut Reader, line: &str) -> Option<Content> {
    let [time_stamp, initiated_type, context, domain, first_time_stamp, bundle_id, domain_owner] =
        [(); 7].map(|()| input.span(line));
    let [context_verification_type, domain_type, hits, domain_classification] =
        [(); 4].map(|()| input.u64());
    let (first, last) = (input.timestamp()?, input.timestamp()?);
    let layout = NetworkLayout {
        time_stamp: time_stamp?,
        initiated_type: initiated_type?,
        context: context?,
        domain: domain?,
        first_time_stamp: first_time_stamp?,
        bundle_id: bundle_id?,
        domain_owner: domain_owner?,
        context_verification_type: context_verification_type?,
        domain_type: domain_type?,
        hits: hits?,
        domain_classification: domain_classification?,
        first: Some(first),
        last: Some(last),
    };
    Some(Content::Network(layout, first, last))
}

/// Little-endian numbers, written in turn into a record of `N` bytes.
struct Writer<const N: usize> {
    bytes: [u8; N],
    at: usize,
}

impl<const N: usize> Writer<N> {
    fn new() -> Writer<N> {
        Writer {
            bytes: [0; N],
            at: 0,
        }
    }

    fn put<const W: usize>(&mut self, word: [u8; W]) {
        // The writers write exactly `N` bytes (`done` checks it in debug builds, and the
        // tests decode every kind of line), so this is in bounds; the offsets are
        // constants, so no check is left to run.
        self.bytes[self.at..self.at + W].copy_from_slice(&word);
        self.at += W;
    }

    fn u8(&mut self, value: u8) {
        self.put([value]);
    }

    fn u32(&mut self, value: u32) {
        self.put(value.to_le_bytes());
    }

    fn u64(&mut self, value: u64) {
        self.put(value.to_le_bytes());
    }

    fn span(&mut self, span: Span) {
        let (start, end) = span.bounds();
        self.u32(start);
        self.u32(end);
    }

    fn done(self) -> [u8; N] {
        debug_assert_eq!(self.at, N, "the record's size");
        self.bytes
    }
}

/// What [`Writer`] wrote, read back; `None` past the end or for a value that cannot be.
struct Reader<'b>(&'b [u8]);

impl Reader<'_> {
    /// The next `N` bytes. Read from a record of known size, the checks fold away.
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (taken, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*taken)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take::<1>().map(|[byte]| byte)
    }

    fn flag(&mut self) -> Option<bool> {
        match self.u8()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    fn u32(&mut self) -> Option<u32> {
        self.take().map(u32::from_le_bytes)
    }

    fn u64(&mut self) -> Option<u64> {
        self.take().map(u64::from_le_bytes)
    }

    fn timestamp(&mut self) -> Option<Timestamp> {
        Timestamp::checked_from_bits(self.u64()? as i64)
    }

    /// A span, which must lie on character boundaries of `line`.
    fn span(&mut self, line: &str) -> Option<Span> {
        let (start, end) = (self.u32()?, self.u32()?);
        let fits = start <= end && line.get(start as usize..end as usize).is_some();
        fits.then(|| Span::new(start, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::digest_batch;
    use crate::synthetic::{Plan, SyntheticHistory};

    #[test]
    fn decoded_digests_are_the_digests_of_the_chunks_whole_lines() {
        let mut export = Vec::new();
        let plan = Plan {
            days: 3,
            ..Plan::default()
        };
        SyntheticHistory::write_weekly_exports(&plan, 300 << 10, &mut export).unwrap();
        // Every kind of line: iOS's layouts, a CRLF line, one off the layouts, a blank one.
        export.splice(0..0, *b"{\"type\":\"other\"}\r\n\n");
        for chunk in export.chunks(100 << 10) {
            let (_, whole, _) = split_chunk(chunk).unwrap();
            let mut direct = Vec::new();
            let direct_text = digest_batch(whole, &mut direct);
            let mut decoded = Vec::new();
            let decoded_text = decode(&digest_chunk(chunk), whole, &mut decoded);
            assert_eq!(
                (decoded_text, format!("{decoded:?}")),
                (direct_text, format!("{direct:?}"))
            );
            let records = decoded
                .iter()
                .filter(|line| !matches!(line.content, Content::Other))
                .count();
            assert!(
                records * 10 > decoded.len() * 9,
                "{records} of {} lines digested",
                decoded.len()
            );
        }
    }

    #[test]
    fn lines_that_are_not_utf8_have_no_digests() {
        let chunk = b"x\n{\"a\":\"\xFF\"}\n{}\n";
        let (_, whole, _) = split_chunk(chunk).unwrap();
        assert_eq!(decode(&digest_chunk(chunk), whole, &mut Vec::new()), None);
    }
}
