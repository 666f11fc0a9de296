//! The fast reader: one pass over a line, borrowing every string, allocating nothing.
//!
//! It validates the whole line as strictly as serde_json does, but only knows the plain
//! shapes iOS writes: strings without escapes, whole numbers, `true`/`false`/`null`, and
//! nesting up to `MAX_DEPTH` (32). On anything else (invalid UTF-8, escapes, fractions,
//! duplicate known keys, a record it would have to reject) it returns `None` and the line
//! goes to the reference decoder, so the two can never disagree on a line it accepts.

use std::borrow::Cow;

use crate::record::{Access, AccessKind, Line, Network};

/// Deeper nesting is left to the reference decoder.
const MAX_DEPTH: u32 = 32;
/// Longest whole number taken in a skipped value; longer ones could overflow i64/u64.
const MAX_SKIPPED_DIGITS: usize = 18;

/// Decodes a typed `access` or `networkActivity` line, or returns `None` to decline.
pub fn decode(line: &[u8]) -> Option<Line<'_>> {
    // Validating the line once lets every string be a slice of it.
    decode_text(std::str::from_utf8(line).ok()?)
}

/// [`decode`] of a line already known to be UTF-8.
pub fn decode_text(text: &str) -> Option<Line<'_>> {
    if let Some(decoded) = super::template::decode(text) {
        return Some(decoded);
    }
    let line = text.as_bytes();
    let mut cursor = Cursor {
        text,
        bytes: line,
        at: 0,
        quotes: Quotes::index(line)?,
    };
    let fields = cursor.top_level_object()?;
    cursor.skip_whitespace();
    if cursor.at != line.len() {
        return None;
    }
    fields.into_line()
}

/// The top-level keys the reference decoder looks at for typed records.
#[derive(Default)]
struct Fields<'a> {
    record_type: Option<&'a str>,
    accessor: Option<&'a str>,
    broadcaster: Option<&'a str>,
    category: Option<&'a str>,
    identifier: Option<&'a str>,
    kind: Option<&'a str>,
    time_stamp: Option<&'a str>,
    out_of_process: Option<bool>,
    access_count: Option<u64>,
    bundle_id: Option<&'a str>,
    domain: Option<&'a str>,
    context: Option<&'a str>,
    initiated_type: Option<&'a str>,
    domain_type: Option<u64>,
    domain_owner: Option<&'a str>,
    hits: Option<u64>,
    first_time_stamp: Option<&'a str>,
    domain_classification: Option<u64>,
    context_verification_type: Option<u64>,
}

impl<'a> Fields<'a> {
    fn into_line(self) -> Option<Line<'a>> {
        match self.record_type? {
            "access" => {
                let kind = match self.kind? {
                    "intervalBegin" => AccessKind::Begin,
                    "intervalEnd" => AccessKind::End,
                    _ => return None,
                };
                Some(Line::Access(Access {
                    accessor: Cow::Borrowed(self.accessor?),
                    category: Cow::Borrowed(self.category?),
                    identifier: Cow::Borrowed(self.identifier?),
                    kind,
                    time_stamp: Cow::Borrowed(self.time_stamp?),
                    out_of_process: self.out_of_process.unwrap_or(false),
                    access_count: self.access_count,
                    broadcaster: self.broadcaster.map(Cow::Borrowed),
                }))
            }
            "networkActivity" => {
                let time_stamp = self.time_stamp?;
                Some(Line::Network(Network {
                    bundle_id: Cow::Borrowed(self.bundle_id?),
                    domain: Cow::Borrowed(self.domain?),
                    context: Cow::Borrowed(self.context.unwrap_or("")),
                    initiated_type: Cow::Borrowed(self.initiated_type.unwrap_or("")),
                    domain_type: self.domain_type.unwrap_or(0),
                    domain_owner: Cow::Borrowed(self.domain_owner.unwrap_or("")),
                    hits: self.hits?,
                    first_time_stamp: Cow::Borrowed(self.first_time_stamp.unwrap_or(time_stamp)),
                    time_stamp: Cow::Borrowed(time_stamp),
                    domain_classification: self.domain_classification,
                    context_verification_type: self.context_verification_type,
                    typed: true,
                }))
            }
            _ => Some(Line::Unknown),
        }
    }
}

/// Stores `value` in `slot`, declining a duplicate key (serde_json keeps the last one).
fn set<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value);
    Some(())
}

/// Lines longer than this go to the reference decoder (real lines are under 500 bytes).
const MAX_FAST_LINE: usize = 64 * WORDS;
const WORDS: usize = 16;

/// The positions of every `"` in a line, as a bit set, built in one branch-free pass.
///
/// The pass also finds backslashes and control bytes; a line without them has only plain
/// strings, so its quotes pair up: each string runs from one quote to the next. That is
/// what makes the reader fast: no per-byte loop inside strings, no unpredictable exits.
struct Quotes {
    words: [u64; WORDS],
    /// The next quote to hand out: word index and the bits of that word not yet handed out.
    word: usize,
    bits: u64,
}

impl Quotes {
    /// Indexes `line`, or returns `None` when it has an escape or a control byte, or is long.
    fn index(line: &[u8]) -> Option<Quotes> {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        // The high bit of each byte that is zero; exact, unlike the borrow-based trick, so
        // every quote is found, not just the first of a word.
        let zero_bytes = |x: u64| !(((x & !HIGH).wrapping_add(!HIGH) | x) | !HIGH);
        if line.len() > MAX_FAST_LINE {
            return None;
        }
        let mut words = [0u64; WORDS];
        let mut unusual = 0u64;
        let mut add = |index: usize, word: u64| {
            let quotes = zero_bytes(word ^ (ONES * u64::from(b'"')));
            // Gather the eight high bits into one byte (bit i = byte i is a quote).
            let flags = ((quotes >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) & 0xFF;
            words[index / 8] |= flags << (8 * (index % 8));
            unusual |= (word.wrapping_sub(ONES * 0x20) & !word & HIGH)
                | zero_bytes(word ^ (ONES * u64::from(b'\\')));
        };
        let mut chunks = line.chunks_exact(8);
        for (index, chunk) in chunks.by_ref().enumerate() {
            add(
                index,
                u64::from_le_bytes(chunk.try_into().expect("eight bytes")),
            );
        }
        if !chunks.remainder().is_empty() {
            let mut last = [b' '; 8];
            last[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
            add(line.len() / 8, u64::from_le_bytes(last));
        }
        if unusual != 0 {
            return None;
        }
        Some(Quotes {
            words,
            word: 0,
            bits: words[0],
        })
    }

    /// The position of the next quote not handed out yet.
    fn next(&mut self) -> Option<usize> {
        while self.bits == 0 {
            self.word += 1;
            self.bits = *self.words.get(self.word)?;
        }
        let bit = self.bits.trailing_zeros() as usize;
        self.bits &= self.bits - 1;
        Some(self.word * 64 + bit)
    }
}

struct Cursor<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    quotes: Quotes,
}

impl<'a> Cursor<'a> {
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_whitespace();
        self.bytes.get(self.at).copied()
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// A string without escapes; the cursor is on its opening quote (after whitespace).
    fn string(&mut self) -> Option<&'a str> {
        self.peek()?;
        if self.quotes.next()? != self.at {
            return None;
        }
        let end = self.quotes.next()?;
        let start = self.at + 1;
        self.at = end + 1;
        // Both ends are ASCII quotes, so this slice of valid UTF-8 is on character boundaries.
        self.text.get(start..end)
    }

    /// A whole number without sign, fraction or exponent that fits in u64.
    fn whole_number(&mut self) -> Option<u64> {
        self.peek()?;
        let digits = self.digits()?;
        if matches!(self.bytes.get(self.at), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        digits.iter().try_fold(0u64, |acc, &d| {
            acc.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        })
    }

    /// A run of digits that JSON allows (no leading zero before other digits).
    fn digits(&mut self) -> Option<&'a [u8]> {
        let start = self.at;
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
        let digits = &self.bytes[start..self.at];
        // JSON allows "0" but no other number with a leading zero.
        let valid = digits == b"0" || digits.first().is_some_and(|&first| first != b'0');
        valid.then_some(digits)
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        self.peek()?;
        self.bytes
            .get(self.at..)?
            .starts_with(word)
            .then(|| self.at += word.len())
    }

    fn boolean(&mut self) -> Option<bool> {
        match self.peek()? {
            b't' => self.literal(b"true").map(|()| true),
            b'f' => self.literal(b"false").map(|()| false),
            _ => None,
        }
    }

    /// Walks `{ "key": value, … }`, handing each key to `on_key`, which must consume the value.
    fn object(&mut self, mut on_key: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.expect(b'{')?;
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(());
        }
        loop {
            let key = self.string()?;
            self.expect(b':')?;
            on_key(self, key)?;
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn top_level_object(&mut self) -> Option<Fields<'a>> {
        let mut fields = Fields::default();
        self.object(|cursor, key| match key {
            "type" => set(&mut fields.record_type, cursor.string()?),
            "accessor" => set(&mut fields.accessor, cursor.accessor()?),
            "broadcaster" => set(&mut fields.broadcaster, cursor.accessor()?),
            "category" => set(&mut fields.category, cursor.string()?),
            "identifier" => set(&mut fields.identifier, cursor.string()?),
            "kind" => set(&mut fields.kind, cursor.string()?),
            "timeStamp" => set(&mut fields.time_stamp, cursor.string()?),
            "outOfProcess" => set(&mut fields.out_of_process, cursor.boolean()?),
            "accessCount" => set(&mut fields.access_count, cursor.whole_number()?),
            "bundleID" => set(&mut fields.bundle_id, cursor.string()?),
            "domain" => set(&mut fields.domain, cursor.string()?),
            "context" => set(&mut fields.context, cursor.string()?),
            "initiatedType" => set(&mut fields.initiated_type, cursor.string()?),
            "domainType" => set(&mut fields.domain_type, cursor.whole_number()?),
            "domainOwner" => set(&mut fields.domain_owner, cursor.string()?),
            "hits" => set(&mut fields.hits, cursor.whole_number()?),
            "firstTimeStamp" => set(&mut fields.first_time_stamp, cursor.string()?),
            "domainClassification" => {
                set(&mut fields.domain_classification, cursor.whole_number()?)
            }
            "contextVerificationType" => set(
                &mut fields.context_verification_type,
                cursor.whole_number()?,
            ),
            _ => cursor.skip_value(1),
        })?;
        Some(fields)
    }

    /// `{"identifier": "…", …}`: the identifier of an accessor or broadcaster object.
    fn accessor(&mut self) -> Option<&'a str> {
        let mut identifier = None;
        self.object(|cursor, key| match key {
            "identifier" => set(&mut identifier, cursor.string()?),
            _ => cursor.skip_value(2),
        })?;
        identifier
    }

    /// Validates and skips any value of the plain shapes.
    fn skip_value(&mut self, depth: u32) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' => self.object(|cursor, _| cursor.skip_value(depth + 1)),
            b'[' => {
                self.at += 1;
                if self.peek()? == b']' {
                    self.at += 1;
                    return Some(());
                }
                loop {
                    self.skip_value(depth + 1)?;
                    match self.peek()? {
                        b',' => self.at += 1,
                        b']' => {
                            self.at += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' => {
                self.at += 1;
                self.skipped_whole_number()
            }
            b'0'..=b'9' => self.skipped_whole_number(),
            _ => None,
        }
    }

    fn skipped_whole_number(&mut self) -> Option<()> {
        let digits = self.digits()?;
        let plain = digits.len() <= MAX_SKIPPED_DIGITS
            && !matches!(self.bytes.get(self.at), Some(b'.' | b'e' | b'E'));
        plain.then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::reference;

    const ACCESS: &str = r#"{"accessCount":0,"accessor":{"identifier":"com.apple.facetime","identifierType":"bundleID"},"broadcaster":{"identifier":"com.apple.facetime","identifierType":"bundleID"},"category":"screenRecording","identifier":"BE77C3FE-30F6-4205-AD33-A384C9DC9AE8","kind":"intervalBegin","timeStamp":"2025-02-11T13:34:34.775+01:00","type":"access"}"#;
    const NETWORK: &str = r#"{"timeStamp":"2022-04-27T10:53:27.920-04:00","initiatedType":"NonAppInitiated","context":"youtube.com","domain":"google.com","contextVerificationType":2,"type":"networkActivity","domainType":1,"firstTimeStamp":"2022-04-27T10:52:03.021-04:00","bundleID":"com.google.chrome.ios","domainOwner":"Google LLC","hits":4,"domainClassification":1}"#;

    #[test]
    fn takes_the_export_shapes_and_agrees_with_the_reference() {
        for line in [ACCESS, NETWORK] {
            let fast = decode(line.as_bytes()).expect("fast path should take this line");
            assert_eq!(fast, reference::decode(line.as_bytes()).unwrap());
        }
    }

    #[test]
    fn indexes_every_quote_and_refuses_escapes_and_control_bytes() {
        for length in 0..200 {
            let mut line = vec![b'a'; length];
            line.extend_from_slice(b"\"\"x\"");
            let mut quotes = Quotes::index(&line).unwrap();
            assert_eq!(
                [quotes.next(), quotes.next(), quotes.next(), quotes.next()],
                [Some(length), Some(length + 1), Some(length + 3), None]
            );
            for odd in [b'\\', 0x00, 0x1F, b'\t'] {
                let mut line = vec![b'a'; length];
                line.push(odd);
                assert!(Quotes::index(&line).is_none(), "{length} {odd}");
            }
        }
        assert!(Quotes::index(&vec![b'a'; MAX_FAST_LINE + 1]).is_none());
        for pattern in 0u32..1024 {
            for offset in 0..9 {
                let mut line = vec![b'x'; offset];
                line.extend((0..10).map(|bit| if pattern >> bit & 1 == 1 { b'"' } else { b'y' }));
                let expected: Vec<usize> = (0..line.len()).filter(|&i| line[i] == b'"').collect();
                let mut quotes = Quotes::index(&line).unwrap();
                let found: Vec<usize> = std::iter::from_fn(|| quotes.next()).collect();
                assert_eq!(found, expected, "{pattern:b} at {offset}");
            }
        }
        assert!(Quotes::index("\"微信\"".as_bytes()).is_some());
    }

    #[test]
    fn declines_what_the_reference_must_decide() {
        for line in [
            r#"{"type":"access","kind":"event"}"#,
            r#"{"type":"networkActivity","bundleID":"a","domain":"b","timeStamp":"t","hits":1.0}"#,
            r#"{"type":"networkActivity","bundleID":"a","domain":"b\u0041","timeStamp":"t","hits":1}"#,
            r#"{"type":"networkActivity","type":"networkActivity","bundleID":"a","domain":"b","timeStamp":"t","hits":1}"#,
            r#"{"type":"networkActivity","bundleID":"a","domain":"b","timeStamp":"t","hits":01}"#,
            r#"{"type":"networkActivity","bundleID":"a","domain":"b","timeStamp":"t","hits":1,"x":1e999}"#,
            r#"{"type":"networkActivity","bundleID":"a","domain":"b","timeStamp":"t\u0000","hits":1}"#,
            r#"{"type":"networkActivity","bundleID":"a","domain":"b","timeStamp":"t","hits":1,}"#,
            r#"{"type":"networkActivity","bundleID":"a","domain":"b","timeStamp":"t","hits":1} x"#,
            r#"{"_marker":"<end-of-section>"}"#,
        ] {
            assert_eq!(decode(line.as_bytes()), None, "{line}");
        }
    }
}
