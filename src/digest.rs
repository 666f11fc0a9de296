//! Lines digested ahead of the history: matched to iOS's layouts, with their timestamps
//! and identifier parsed, and their strings kept as offsets into the line rather than
//! borrowed ([`crate::decode::template`]), so that digesting can run on another thread and
//! one buffer of digests serves every chunk.
//!
//! Only lines in iOS's exact layouts (nearly every line of an export) are digested, and only
//! when their timestamps parse; any other line is [`Content::Other`], and the reader decodes
//! it as it comes, as it would without digests.

use crate::decode::template::{self, AccessLayout, Layout, NetworkLayout};
use crate::lines::MAX_LINE;
use crate::time::Timestamp;

/// Lines digested together, handed to the reader.
pub struct Batch<'a, 'd> {
    /// Whole lines, each ending with `\n`.
    pub bytes: &'a [u8],
    /// The bytes as text, which the digests point into; `None` when they are not UTF-8.
    pub text: Option<&'a str>,
    /// The digest of each line.
    pub lines: &'d [DigestedLine],
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
    /// An access record, and its `timeStamp` (which parses).
    Access(AccessLayout, Timestamp),
    /// A network record, and its `firstTimeStamp` and `timeStamp` (which parse).
    Network(NetworkLayout, Timestamp, Timestamp),
    /// Anything else, and every line of a batch that is not UTF-8: the reader decodes it.
    Other,
}

/// Digests `batch`, whole lines each ending with `\n` (a `\r` before it is not part of the
/// line's record), into `lines`, one per line. Returns the batch as text, or `None` when it
/// is not UTF-8 (every line is then [`Content::Other`]).
#[cfg(not(target_arch = "wasm32"))]
pub fn digest_batch<'b>(batch: &'b [u8], lines: &mut Vec<DigestedLine>) -> Option<&'b str> {
    lines.clear();
    digest_lines(batch, |line| lines.push(line))
}

/// [`digest_batch`], handing each line to `take` as it is digested instead of keeping them.
pub fn digest_lines(batch: &[u8], mut take: impl FnMut(DigestedLine)) -> Option<&str> {
    // simdutf8 where it has SIMD code for the target; WebAssembly builds have no SIMD.
    #[cfg(not(target_arch = "wasm32"))]
    let text = simdutf8::basic::from_utf8(batch).ok();
    #[cfg(target_arch = "wasm32")]
    let text = std::str::from_utf8(batch).ok();
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', batch) {
        let content = match text {
            Some(text) => digest_line(&text[start..end]),
            None => Content::Other,
        };
        take(DigestedLine { end, content });
        start = end + 1;
    }
    text
}

/// Digests `line`, if it is in one of iOS's exact layouts (lines in other shapes are rare
/// enough to be read as they come).
pub fn digest_line(line: &str) -> Content {
    let line = line.strip_suffix('\r').unwrap_or(line);
    if line.len() > MAX_LINE {
        return Content::Other;
    }
    match template::layout(line) {
        Some(Layout::Access(access)) => match access.time {
            Some(time) => Content::Access(access, time),
            None => Content::Other,
        },
        Some(Layout::Network(network)) => match (network.first, network.last) {
            (Some(first), Some(last)) => Content::Network(network, first, last),
            _ => Content::Other,
        },
        None => Content::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode_line;
    use crate::record::Line;
    use crate::time::Timestamp;
    use crate::uuid::parse_uuid;

    #[test]
    fn digests_give_back_the_decoded_records_and_leave_the_rest_to_the_reader() {
        let access = r#"{"accessCount":0,"accessor":{"identifier":"com.例子.app","identifierType":"bundleID"},"broadcaster":{"identifier":"b","identifierType":"bundleID"},"category":"photos","identifier":"BE77C3FE-30F6-4205-AD33-A384C9DC9AE8","kind":"intervalBegin","timeStamp":"2025-02-11T13:34:34.775+01:00","type":"access"}"#;
        let network = r#"{"timeStamp":"2022-04-27T10:53:27.920-04:00","initiatedType":"NonAppInitiated","context":"youtube.com","domain":"google.com","contextVerificationType":2,"type":"networkActivity","domainType":1,"firstTimeStamp":"2022-04-27T14:52:03.021Z","bundleID":"com.google.chrome.ios","domainOwner":"Google LLC","hits":4,"domainClassification":1}"#;
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
        let Content::Access(digest, _) = &lines[0].content else {
            panic!("{:?}", lines[0])
        };
        assert_eq!(
            Ok(Line::Access(digest.borrowed(text))),
            decode_line(access.as_bytes())
        );
        let time = Timestamp::parse("2025-02-11T13:34:34.775+01:00");
        assert_eq!(
            (digest.uuid, digest.time),
            (parse_uuid(b"BE77C3FE-30F6-4205-AD33-A384C9DC9AE8"), time)
        );
        let Content::Network(digest, _, _) = &lines[1].content else {
            panic!("{:?}", lines[1])
        };
        let network_line = &text[lines[0].end + 1..lines[1].end];
        assert_eq!(
            Ok(Line::Network(digest.borrowed(network_line))),
            decode_line(network.as_bytes())
        );
        assert_eq!(
            (digest.first, digest.last),
            (
                Timestamp::parse("2022-04-27T14:52:03.021Z"),
                Timestamp::parse("2022-04-27T10:53:27.920-04:00")
            )
        );
        assert!(lines[2..]
            .iter()
            .all(|line| matches!(line.content, Content::Other)));
        assert_eq!(lines[0].end, access.len() + 1);
        assert_eq!(lines[1].end, access.len() + 2 + network.len());

        let mut bytes = batch.into_bytes();
        bytes.extend_from_slice(b"\xFF\n");
        assert_eq!(digest_batch(&bytes, &mut lines), None);
        assert!(lines
            .iter()
            .all(|line| matches!(line.content, Content::Other)));
    }
}
