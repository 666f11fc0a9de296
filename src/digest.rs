//! Lines digested ahead of the history: decoded by the template reader, with their timestamps
//! and identifier parsed, and their strings kept as offsets into the text rather than
//! borrowed, so that digesting can run on another thread and one buffer of digests serves
//! every chunk.
//!
//! Only lines in iOS's exact layouts (nearly every line of an export; see
//! [`crate::decode::template`]) are digested, and only when their timestamps parse; any
//! other line is [`Content::Other`], and the reader decodes it as it comes, as it would
//! without digests.

use std::borrow::Cow;
use std::ops::Range;

use crate::decode::template::{self, AccessLayout, Layout, NetworkLayout};
use crate::lines::MAX_LINE;
use crate::record::{Access, AccessKind, Network};
use crate::time::Timestamp;
use crate::uuid::{parse_uuid, Uuid};

/// Where a string is in the digested text, in bytes. 32 bits are enough: digested lines
/// start within the first [`MAX_BATCH_START`] bytes of their batch and are at most
/// [`MAX_LINE`] long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    start: u32,
    end: u32,
}

/// Lines of a batch that start further into it are not digested.
const MAX_BATCH_START: usize = 1 << 30;

impl Span {
    /// `range` of the line that starts at `at`.
    fn of(at: usize, range: &Range<usize>) -> Option<Span> {
        Some(Span { start: u32::try_from(at + range.start).ok()?, end: u32::try_from(at + range.end).ok()? })
    }

    /// The string in `text`, the text digested.
    fn text(self, text: &str) -> &str {
        &text[self.start as usize..self.end as usize]
    }
}

/// One line of a digested batch.
#[derive(Debug)]
pub struct DigestedLine {
    /// Where the line ends in the batch: the position of its `\n`.
    pub end: usize,
    /// What the line holds.
    pub content: Content,
}

/// What a digested line holds.
#[derive(Debug)]
pub enum Content {
    /// An access record whose `timeStamp` parses.
    Access(AccessDigest),
    /// A network record whose timestamps parse.
    Network(NetworkDigest),
    /// Anything else, and every line of a batch that is not UTF-8: the reader decodes it.
    Other,
}

/// An access record, digested.
#[derive(Debug)]
pub struct AccessDigest {
    accessor: Span,
    category: Span,
    identifier: Span,
    time_stamp: Span,
    broadcaster: Option<Span>,
    access_count: Option<u64>,
    kind: AccessKind,
    out_of_process: bool,
    /// The identifier as an upper-case UUID, if it is one ([`parse_uuid`]).
    pub uuid: Option<Uuid>,
    /// The parsed `timeStamp`.
    pub time: Timestamp,
}

impl AccessDigest {
    /// Digests the access line `text[at..]` laid out as `layout` says.
    fn of(text: &str, at: usize, layout: &AccessLayout) -> Option<AccessDigest> {
        let span = |range: &Range<usize>| Span::of(at, range);
        let identifier = &text[at + layout.identifier.start..at + layout.identifier.end];
        Some(AccessDigest {
            accessor: span(&layout.accessor)?,
            category: span(&layout.category)?,
            identifier: span(&layout.identifier)?,
            time_stamp: span(&layout.time_stamp)?,
            broadcaster: match &layout.broadcaster {
                Some(broadcaster) => Some(span(broadcaster)?),
                None => None,
            },
            access_count: layout.access_count,
            kind: layout.kind,
            out_of_process: layout.out_of_process,
            uuid: parse_uuid(identifier.as_bytes()),
            time: Timestamp::parse(&text[at + layout.time_stamp.start..at + layout.time_stamp.end])?,
        })
    }

    /// The record, its strings borrowed from `text`, the text digested.
    pub fn access<'t>(&self, text: &'t str) -> Access<'t> {
        Access {
            accessor: Cow::Borrowed(self.accessor.text(text)),
            category: Cow::Borrowed(self.category.text(text)),
            identifier: Cow::Borrowed(self.identifier.text(text)),
            kind: self.kind,
            time_stamp: Cow::Borrowed(self.time_stamp.text(text)),
            out_of_process: self.out_of_process,
            access_count: self.access_count,
            broadcaster: self.broadcaster.map(|span| Cow::Borrowed(span.text(text))),
        }
    }
}

/// A network record, digested.
#[derive(Debug)]
pub struct NetworkDigest {
    bundle_id: Span,
    domain: Span,
    context: Span,
    initiated_type: Span,
    domain_owner: Span,
    first_time_stamp: Span,
    time_stamp: Span,
    domain_type: u64,
    hits: u64,
    domain_classification: u64,
    context_verification_type: u64,
    /// The parsed `firstTimeStamp`.
    pub first: Timestamp,
    /// The parsed `timeStamp`.
    pub last: Timestamp,
}

impl NetworkDigest {
    /// Digests the network line `text[at..]` laid out as `layout` says.
    fn of(text: &str, at: usize, layout: &NetworkLayout) -> Option<NetworkDigest> {
        let span = |range: &Range<usize>| Span::of(at, range);
        let time = |range: &Range<usize>| Timestamp::parse(&text[at + range.start..at + range.end]);
        Some(NetworkDigest {
            bundle_id: span(&layout.bundle_id)?,
            domain: span(&layout.domain)?,
            context: span(&layout.context)?,
            initiated_type: span(&layout.initiated_type)?,
            domain_owner: span(&layout.domain_owner)?,
            first_time_stamp: span(&layout.first_time_stamp)?,
            time_stamp: span(&layout.time_stamp)?,
            domain_type: layout.domain_type,
            hits: layout.hits,
            domain_classification: layout.domain_classification,
            context_verification_type: layout.context_verification_type,
            first: time(&layout.first_time_stamp)?,
            last: time(&layout.time_stamp)?,
        })
    }

    /// The record, its strings borrowed from `text`, the text digested.
    pub fn network<'t>(&self, text: &'t str) -> Network<'t> {
        Network {
            bundle_id: Cow::Borrowed(self.bundle_id.text(text)),
            domain: Cow::Borrowed(self.domain.text(text)),
            context: Cow::Borrowed(self.context.text(text)),
            initiated_type: Cow::Borrowed(self.initiated_type.text(text)),
            domain_type: self.domain_type,
            domain_owner: Cow::Borrowed(self.domain_owner.text(text)),
            hits: self.hits,
            first_time_stamp: Cow::Borrowed(self.first_time_stamp.text(text)),
            time_stamp: Cow::Borrowed(self.time_stamp.text(text)),
            domain_classification: Some(self.domain_classification),
            context_verification_type: Some(self.context_verification_type),
            typed: true,
        }
    }
}

/// Digests `batch`, whole lines each ending with `\n` (a `\r` before it is not part of the
/// line's record), into `lines`, one per line. Returns the batch as text, which the digests
/// point into, or `None` when it is not UTF-8 (every line is then [`Content::Other`]).
pub fn digest_batch<'b>(batch: &'b [u8], lines: &mut Vec<DigestedLine>) -> Option<&'b str> {
    lines.clear();
    let text = simdutf8::basic::from_utf8(batch).ok();
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', batch) {
        let content = match text {
            Some(text) if start <= MAX_BATCH_START => digest_line(text, start, end),
            _ => Content::Other,
        };
        lines.push(DigestedLine { end, content });
        start = end + 1;
    }
    text
}

/// Digests the line `text[start..end]`, if it is in one of iOS's exact layouts (lines in
/// other shapes are rare enough to be read as they come).
fn digest_line(text: &str, start: usize, end: usize) -> Content {
    let line = &text[start..end];
    let line = line.strip_suffix('\r').unwrap_or(line);
    if line.len() > MAX_LINE {
        return Content::Other;
    }
    let digest = match template::layout(line) {
        Some(Layout::Access(access)) => AccessDigest::of(text, start, &access).map(Content::Access),
        Some(Layout::Network(network)) => NetworkDigest::of(text, start, &network).map(Content::Network),
        None => None,
    };
    digest.unwrap_or(Content::Other)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode_line;
    use crate::record::Line;

    #[test]
    fn digests_give_back_the_decoded_records_and_leave_the_rest_to_the_reader() {
        let access = r#"{"accessCount":0,"accessor":{"identifier":"com.例子.app","identifierType":"bundleID"},"broadcaster":{"identifier":"b","identifierType":"bundleID"},"category":"photos","identifier":"BE77C3FE-30F6-4205-AD33-A384C9DC9AE8","kind":"intervalBegin","timeStamp":"2025-02-11T13:34:34.775+01:00","type":"access"}"#;
        let network = r#"{"timeStamp":"2022-04-27T10:53:27.920-04:00","initiatedType":"NonAppInitiated","context":"youtube.com","domain":"google.com","contextVerificationType":2,"type":"networkActivity","domainType":1,"firstTimeStamp":"2022-04-27T10:53:27.920-04:00","bundleID":"com.google.chrome.ios","domainOwner":"Google LLC","hits":4,"domainClassification":1}"#;
        // Records off iOS's layouts (which the general fast reader takes), other lines, and
        // a record whose time does not parse.
        let others = [
            r#"{ "type":"networkActivity","timeStamp":"2022-04-27T10:53:27.920-04:00","domain":"google.com","bundleID":"com.google.chrome.ios","hits":4}"#,
            "",
            "{",
            r#"{"type":"other"}"#,
            r#"{"accessor":{"identifier":"a\"b","identifierType":"bundleID"},"category":"photos","identifier":"X","kind":"intervalEnd","timeStamp":"2025-02-11T13:34:34.775+01:00","type":"access"}"#,
            r#"{"accessor":{"identifier":"a","identifierType":"bundleID"},"category":"photos","identifier":"X","kind":"intervalEnd","timeStamp":"yesterday","type":"access"}"#,
        ];
        let mut batch = format!("{access}\r\n{network}\n");
        for other in others {
            batch.push_str(other);
            batch.push('\n');
        }
        let mut lines = Vec::new();
        let text = digest_batch(batch.as_bytes(), &mut lines).expect("UTF-8");
        assert_eq!(lines.len(), 2 + others.len());
        let Content::Access(digest) = &lines[0].content else { panic!("{:?}", lines[0]) };
        assert_eq!(Ok(Line::Access(digest.access(text))), decode_line(access.as_bytes()));
        assert_eq!((digest.uuid, digest.time), (parse_uuid(b"BE77C3FE-30F6-4205-AD33-A384C9DC9AE8"), Timestamp::parse("2025-02-11T13:34:34.775+01:00").unwrap()));
        let Content::Network(digest) = &lines[1].content else { panic!("{:?}", lines[1]) };
        assert_eq!(Ok(Line::Network(digest.network(text))), decode_line(network.as_bytes()));
        assert_eq!(digest.first, digest.last);
        assert!(lines[2..].iter().all(|line| matches!(line.content, Content::Other)));
        assert_eq!(lines[0].end, access.len() + 1);
        assert_eq!(lines[1].end, access.len() + 2 + network.len());

        let mut bytes = batch.into_bytes();
        bytes.extend_from_slice(b"\xFF\n");
        assert_eq!(digest_batch(&bytes, &mut lines), None);
        assert!(lines.iter().all(|line| matches!(line.content, Content::Other)));
    }
}
