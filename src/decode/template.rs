//! The fastest path: a line in exactly the layout iOS writes, matched piece by piece.
//!
//! iOS writes access lines with their keys in alphabetical order and network lines in one
//! fixed order per version, all without spaces. A line that is exactly such a layout (fixed
//! key text, plain strings, whole numbers) is valid JSON by construction, with every key
//! once, so reading it is a handful of prefix comparisons and quote searches. Anything else
//! is left to the general fast reader ([`super::fast`]).
//!
//! The match works on bytes and says where each string is ([`Layout`]): borrowed, that is
//! the decoded line ([`decode`]); as offsets, a digest that outlives the line's buffer
//! (`crate::digest`). Slicing the text at every step instead (each slice checking that it
//! falls between characters) was the larger part of this reader's cost. It also reads the
//! values the history keys and orders records by: an identifier that is an upper-case UUID,
//! and timestamps in iOS's shape, are read where they stand, their width known, which
//! spares the search for their closing quote.

use std::borrow::Cow;

use crate::record::{Access, AccessKind, Line, Network};
use crate::time::Timestamp;
use crate::uuid::{parse_uuid, Uuid};

/// Where a string is in its line, in bytes (lines longer than 4 GiB are not matched).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    start: u32,
    end: u32,
}

impl Span {
    /// The span from byte `start` to byte `end` of a line.
    pub(crate) fn new(start: u32, end: u32) -> Span {
        Span { start, end }
    }

    /// Where the span starts and ends in its line.
    pub(crate) fn bounds(self) -> (u32, u32) {
        (self.start, self.end)
    }

    /// The string in `line`, the line matched.
    pub fn text(self, line: &str) -> &str {
        &line[self.start as usize..self.end as usize]
    }

    /// The string in `line`, the line matched, borrowed.
    fn borrowed(self, line: &str) -> Cow<'_, str> {
        Cow::Borrowed(self.text(line))
    }
}

/// An access line in iOS's layout: where its strings are, and its values.
#[derive(Debug)]
pub struct AccessLayout {
    pub accessor: Span,
    pub broadcaster: Option<Span>,
    pub category: Span,
    pub identifier: Span,
    pub time_stamp: Span,
    pub kind: AccessKind,
    pub out_of_process: bool,
    pub access_count: Option<u64>,
    /// [`parse_uuid`] of the identifier.
    pub uuid: Option<Uuid>,
    /// [`Timestamp::parse`] of `timeStamp`.
    pub time: Option<Timestamp>,
}

/// A network line in iOS's layout: where its strings are, and its values.
#[derive(Debug)]
pub struct NetworkLayout {
    pub time_stamp: Span,
    pub initiated_type: Span,
    pub context: Span,
    pub domain: Span,
    pub first_time_stamp: Span,
    pub bundle_id: Span,
    pub domain_owner: Span,
    pub context_verification_type: u64,
    pub domain_type: u64,
    pub hits: u64,
    pub domain_classification: u64,
    /// [`Timestamp::parse`] of `firstTimeStamp` and of `timeStamp`.
    pub first: Option<Timestamp>,
    pub last: Option<Timestamp>,
}

/// A line in one of iOS's exact layouts.
#[derive(Debug)]
pub enum Layout {
    Access(AccessLayout),
    Network(NetworkLayout),
}

/// Matches `line` against iOS's layouts. Each span lies between ASCII quotes, so on
/// character boundaries of the (UTF-8) line.
pub fn layout(line: &str) -> Option<Layout> {
    let bytes = line.as_bytes();
    u32::try_from(bytes.len()).ok()?;
    if bytes.starts_with(br#"{"a"#) {
        access(bytes).map(Layout::Access)
    } else if bytes.starts_with(br#"{"timeStamp":"#) {
        network_15_2(bytes).map(Layout::Network)
    } else {
        None
    }
}

/// Decodes `line` if it is in one of iOS's exact layouts.
pub fn decode(line: &str) -> Option<Line<'_>> {
    Some(match layout(line)? {
        Layout::Access(access) => Line::Access(access.borrowed(line)),
        Layout::Network(network) => Line::Network(network.borrowed(line)),
    })
}

impl AccessLayout {
    /// The record, its strings borrowed from `line`, the line matched.
    pub fn borrowed<'a>(&self, line: &'a str) -> Access<'a> {
        Access {
            accessor: self.accessor.borrowed(line),
            category: self.category.borrowed(line),
            identifier: self.identifier.borrowed(line),
            kind: self.kind,
            time_stamp: self.time_stamp.borrowed(line),
            out_of_process: self.out_of_process,
            access_count: self.access_count,
            broadcaster: self.broadcaster.map(|span| span.borrowed(line)),
        }
    }
}

impl NetworkLayout {
    /// The record, its strings borrowed from `line`, the line matched.
    pub fn borrowed<'a>(&self, line: &'a str) -> Network<'a> {
        Network {
            bundle_id: self.bundle_id.borrowed(line),
            domain: self.domain.borrowed(line),
            context: self.context.borrowed(line),
            initiated_type: self.initiated_type.borrowed(line),
            domain_type: self.domain_type,
            domain_owner: self.domain_owner.borrowed(line),
            hits: self.hits,
            first_time_stamp: self.first_time_stamp.borrowed(line),
            time_stamp: self.time_stamp.borrowed(line),
            domain_classification: Some(self.domain_classification),
            context_verification_type: Some(self.context_verification_type),
            typed: true,
        }
    }
}

/// The bytes still to match, and the length of the whole line (for offsets).
struct Rest<'a> {
    rest: &'a [u8],
    /// At most `u32::MAX` (see [`layout`]).
    line_len: usize,
}

impl<'a> Rest<'a> {
    fn new(line: &'a [u8]) -> Rest<'a> {
        Rest {
            rest: line,
            line_len: line.len(),
        }
    }

    /// Consumes `expected` exactly.
    // A fixed-size comparison compiles to a few word compares; `strip_prefix` called
    // `memcmp` a dozen times per line.
    #[inline(always)]
    fn literal<const N: usize>(&mut self, expected: &[u8; N]) -> Option<()> {
        let (first, rest) = self.rest.split_first_chunk::<N>()?;
        if first != expected {
            return None;
        }
        self.rest = rest;
        Some(())
    }

    /// Consumes `expected` if it is next.
    #[inline(always)]
    fn optional<const N: usize>(&mut self, expected: &[u8; N]) -> bool {
        self.literal(expected).is_some()
    }

    /// Where a string's contents are, up to its closing quote (the opening one is already
    /// consumed); they must hold no backslash and no control character.
    // Called six times per line: inlined, the calls no longer cost a fifth of the search.
    #[inline(always)]
    fn string(&mut self) -> Option<Span> {
        let end = string_end(self.rest)?;
        let rest = self.rest[end..].strip_prefix(b"\"")?;
        Some(self.take(end, rest))
    }

    /// The span of the next `length` bytes, then `rest` is what remains.
    #[inline(always)]
    fn take(&mut self, length: usize, rest: &'a [u8]) -> Span {
        let start = (self.line_len - self.rest.len()) as u32;
        self.rest = rest;
        Span {
            start,
            end: start + length as u32,
        }
    }

    /// A string of `N` bytes that `read` accepts, followed by its closing quote, read by
    /// `read` without searching for the quote; or any other string, read by `read_any`.
    /// `read` must accept only bytes that end no string (no quote, backslash or control
    /// byte), and give what `read_any` gives for the same text.
    #[inline(always)]
    fn sized_string<const N: usize, T>(
        &mut self,
        read: impl FnOnce(&[u8; N]) -> Option<T>,
        read_any: impl FnOnce(&[u8]) -> Option<T>,
    ) -> Option<(Span, Option<T>)> {
        if let Some((text, [b'"', rest @ ..])) = self.rest.split_first_chunk::<N>() {
            if let Some(value) = read(text) {
                return Some((self.take(N, rest), Some(value)));
            }
        }
        let before = self.rest;
        let span = self.string()?;
        Some((span, read_any(&before[..(span.end - span.start) as usize])))
    }

    /// An access identifier, and its [`parse_uuid`] (an upper-case UUID is 36 characters).
    fn identifier(&mut self) -> Option<(Span, Option<Uuid>)> {
        self.sized_string::<36, _>(|text| parse_uuid(text), parse_uuid)
    }

    /// A timestamp, and its [`Timestamp::parse`] (the shape iOS writes is 29 characters).
    fn timestamp(&mut self) -> Option<(Span, Option<Timestamp>)> {
        self.sized_string::<29, _>(Timestamp::parse_ios_shape, |text| {
            // Within a valid line, so UTF-8.
            Timestamp::parse(std::str::from_utf8(text).ok()?)
        })
    }

    /// A whole number as JSON writes it (no sign, no leading zero, no fraction) that fits
    /// in u64, followed by `,` or `}`.
    fn number(&mut self) -> Option<u64> {
        let digits = self
            .rest
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count();
        let (text, rest) = self.rest.split_at(digits);
        if digits == 0
            || (digits > 1 && text[0] == b'0')
            || !matches!(rest.first(), Some(b',' | b'}'))
        {
            return None;
        }
        self.rest = rest;
        // What `str::parse::<u64>` gives for plain digits, without its generic checks.
        text.iter().try_fold(0u64, |value, &digit| {
            value.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
        })
    }

    /// `{"identifier":"…","identifierType":"…"},` (an accessor or broadcaster): the identifier.
    fn identified(&mut self) -> Option<Span> {
        self.literal(br#"{"identifier":""#)?;
        let identifier = self.string()?;
        // Every identifier type seen so far is `bundleID`: matched whole, not searched.
        if !self.optional(br#","identifierType":"bundleID"},"#) {
            self.literal(br#","identifierType":""#)?;
            self.string()?;
            self.literal(b"},")?;
        }
        Some(identifier)
    }

    fn end(&self) -> Option<()> {
        self.rest.is_empty().then_some(())
    }
}

/// The position of the first `"`, `\` or control byte in `bytes`, found eight bytes at a
/// time (a byte-by-byte search was the largest cost of this reader).
fn string_end(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut words = bytes.chunks_exact(8);
    for (index, chunk) in words.by_ref().enumerate() {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // The high bit of each byte that is zero, below 0x20, or a quote or backslash once
        // xored; bytes above the first such byte may be flagged wrongly (borrows), but the
        // lowest flag is exact, and only it is used.
        let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
        let found = zero(word ^ (ONES * u64::from(b'"')))
            | zero(word ^ (ONES * u64::from(b'\\')))
            | (word.wrapping_sub(ONES * 0x20) & !word & HIGH);
        if found != 0 {
            return Some(index * 8 + (found.trailing_zeros() / 8) as usize);
        }
    }
    let tail = words.remainder();
    let at = bytes.len() - tail.len();
    tail.iter()
        .position(|&byte| byte == b'"' || byte == b'\\' || byte < 0x20)
        .map(|position| at + position)
}

/// `{"accessCount":N,"accessor":{…},"broadcaster":{…},"category":…,"identifier":…,
/// "kind":…,"outOfProcess":B,"timeStamp":…,"type":"access"}`, the optional keys optional.
fn access(line: &[u8]) -> Option<AccessLayout> {
    let mut rest = Rest::new(line);
    rest.literal(b"{")?;
    let access_count = if rest.optional(br#""accessCount":"#) {
        let count = rest.number()?;
        rest.literal(b",")?;
        Some(count)
    } else {
        None
    };
    rest.literal(br#""accessor":"#)?;
    let accessor = rest.identified()?;
    let broadcaster = if rest.optional(br#""broadcaster":"#) {
        Some(rest.identified()?)
    } else {
        None
    };
    rest.literal(br#""category":""#)?;
    let category = rest.string()?;
    rest.literal(br#","identifier":""#)?;
    let (identifier, uuid) = rest.identifier()?;
    rest.literal(br#","kind":""#)?;
    // The only kinds of this layout, matched whole with their closing quote.
    let kind = if rest.optional(br#"intervalBegin","#) {
        AccessKind::Begin
    } else {
        rest.literal(br#"intervalEnd","#)?;
        AccessKind::End
    };
    let out_of_process = if rest.optional(br#""outOfProcess":true,"#) {
        true
    } else {
        rest.optional(br#""outOfProcess":false,"#);
        false
    };
    rest.literal(br#""timeStamp":""#)?;
    let (time_stamp, time) = rest.timestamp()?;
    rest.literal(br#","type":"access"}"#)?;
    rest.end()?;
    Some(AccessLayout {
        accessor,
        broadcaster,
        category,
        identifier,
        time_stamp,
        kind,
        out_of_process,
        access_count,
        uuid,
        time,
    })
}

/// The iOS 15.2+ network layout: `{"timeStamp":…,"initiatedType":…,"context":…,"domain":…,
/// "contextVerificationType":N,"type":"networkActivity","domainType":N,"firstTimeStamp":…,
/// "bundleID":…,"domainOwner":…,"hits":N,"domainClassification":N}`.
fn network_15_2(line: &[u8]) -> Option<NetworkLayout> {
    let mut rest = Rest::new(line);
    rest.literal(br#"{"timeStamp":""#)?;
    let (time_stamp, last) = rest.timestamp()?;
    rest.literal(br#","initiatedType":""#)?;
    let initiated_type = rest.string()?;
    rest.literal(br#","context":""#)?;
    let context = rest.string()?;
    rest.literal(br#","domain":""#)?;
    let domain = rest.string()?;
    rest.literal(br#","contextVerificationType":"#)?;
    let context_verification_type = rest.number()?;
    rest.literal(br#","type":"networkActivity","domainType":"#)?;
    let domain_type = rest.number()?;
    rest.literal(br#","firstTimeStamp":""#)?;
    let (first_time_stamp, first) = rest.timestamp()?;
    rest.literal(br#","bundleID":""#)?;
    let bundle_id = rest.string()?;
    rest.literal(br#","domainOwner":""#)?;
    let domain_owner = rest.string()?;
    rest.literal(br#","hits":"#)?;
    let hits = rest.number()?;
    rest.literal(br#","domainClassification":"#)?;
    let domain_classification = rest.number()?;
    rest.literal(b"}")?;
    rest.end()?;
    Some(NetworkLayout {
        time_stamp,
        initiated_type,
        context,
        domain,
        first_time_stamp,
        bundle_id,
        domain_owner,
        context_verification_type,
        domain_type,
        hits,
        domain_classification,
        first,
        last,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::reference;

    #[test]
    fn takes_the_ios_layouts_and_agrees_with_the_reference() {
        for line in [
            r#"{"accessCount":0,"accessor":{"identifier":"com.apple.facetime","identifierType":"bundleID"},"broadcaster":{"identifier":"com.apple.facetime","identifierType":"bundleID"},"category":"screenRecording","identifier":"BE77C3FE-30F6-4205-AD33-A384C9DC9AE8","kind":"intervalBegin","timeStamp":"2025-02-11T13:34:34.775+01:00","type":"access"}"#,
            r#"{"accessor":{"identifier":"com.例子.app","identifierType":"bundleID"},"category":"photos","identifier":"X","kind":"intervalEnd","outOfProcess":true,"timeStamp":"2025-02-11T13:34:34.775+01:00","type":"access"}"#,
            r#"{"timeStamp":"2022-04-27T10:53:27.920-04:00","initiatedType":"NonAppInitiated","context":"youtube.com","domain":"google.com","contextVerificationType":2,"type":"networkActivity","domainType":1,"firstTimeStamp":"2022-04-27T10:52:03.021-04:00","bundleID":"com.google.chrome.ios","domainOwner":"Google LLC","hits":4,"domainClassification":1}"#,
        ] {
            let fast = decode(line).expect("an iOS layout");
            assert_eq!(fast, reference::decode(line.as_bytes()).unwrap());
        }
    }

    #[test]
    fn identifiers_and_timestamps_read_by_width_are_what_the_search_and_the_parsers_give() {
        let identifiers = [
            "BE77C3FE-30F6-4205-AD33-A384C9DC9AE8",
            "be77c3fe-30f6-4205-ad33-a384c9dc9ae8",
            "BE77C3FE-30F6-4205-AD33-A384C9DC9AE8X",
            "BE77C3FE-30F6-4205-AD33-A384C9DC9AE",
            "X",
            "",
        ];
        let times = [
            "2025-02-11T13:34:34.775+01:00",
            "2016-12-31T23:59:60.000+00:00",
            "2025-02-30T13:34:34.775+01:00",
            "2025-02-11T13:34:34.775Z",
            "2025-02-11T13:34:34.775+01:001",
            "2025-02-11T13:34:34.775 01:00",
            "",
        ];
        for identifier in identifiers {
            for time in times {
                let line = format!(
                    r#"{{"accessor":{{"identifier":"a","identifierType":"bundleID"}},"category":"photos","identifier":"{identifier}","kind":"intervalEnd","timeStamp":"{time}","type":"access"}}"#
                );
                let Some(Layout::Access(access)) = layout(&line) else {
                    panic!("{line}")
                };
                assert_eq!(
                    (access.identifier.text(&line), access.time_stamp.text(&line)),
                    (identifier, time)
                );
                assert_eq!(
                    (access.uuid, access.time),
                    (parse_uuid(identifier.as_bytes()), Timestamp::parse(time)),
                    "{line}"
                );
            }
        }
    }

    #[test]
    fn string_end_finds_the_first_quote_backslash_or_control_byte() {
        for length in 0..40 {
            for stop in [b'"', b'\\', 0x00, 0x1F, b'\n'] {
                for after in [b'"', b'a', 0x00, 0xFF] {
                    // Bytes next to the limits of each test (0x20, 0x21, 0x80), before and after the stop.
                    let mut bytes: Vec<u8> = (0..length)
                        .map(|i| [b'a', 0x20, 0x21, 0x80, b'#', b']'][i % 6])
                        .collect();
                    bytes.push(stop);
                    bytes.extend([after; 9]);
                    assert_eq!(string_end(&bytes), Some(length), "{length} {stop} {after}");
                }
            }
            let plain: Vec<u8> = (0..length)
                .map(|i| [b'a', 0x20, 0x7F, 0x80, 0xFF][i % 5])
                .collect();
            assert_eq!(string_end(&plain), None, "{length}");
        }
    }

    #[test]
    fn declines_anything_off_the_layout() {
        for line in [
            r#"{"accessCount":01,"accessor":{"identifier":"a","identifierType":"bundleID"},"category":"photos","identifier":"X","kind":"intervalEnd","timeStamp":"t","type":"access"}"#,
            r#"{"accessor":{"identifier":"a\"b","identifierType":"bundleID"},"category":"photos","identifier":"X","kind":"intervalEnd","timeStamp":"t","type":"access"}"#,
            r#"{"accessor":{"identifier":"a","identifierType":"bundleID"},"category":"photos","identifier":"X","kind":"event","timeStamp":"t","type":"access"}"#,
            r#"{"accessor":{"identifier":"a","identifierType":"bundleID"},"category":"photos","identifier":"X","kind":"intervalEnd","timeStamp":"t","type":"access"} "#,
            r#"{"accessor":{"identifier":"a","identifierType":"bundleID"},"category":"photos","identifier":"X","kind":"intervalEnd","timeStamp":"t","type":"access","x":1}"#,
            r#"{"timeStamp":"t","initiatedType":"A","context":"","domain":"d","contextVerificationType":0,"type":"networkActivity","domainType":1.5,"firstTimeStamp":"t","bundleID":"b","domainOwner":"","hits":4,"domainClassification":1}"#,
            r#"{"timeStamp":"t","initiatedType":"A","context":"","domain":"d","contextVerificationType":0,"type":"networkActivity","domainType":1,"firstTimeStamp":"t","bundleID":"b","domainOwner":"","hits":99999999999999999999,"domainClassification":1}"#,
        ] {
            assert_eq!(decode(line), None, "{line}");
        }
    }
}
