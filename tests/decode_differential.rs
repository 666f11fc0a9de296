//! The fast line reader (`decode::fast`) against the serde_json reference (`decode::reference`).
//!
//! The contract (src/decode/mod.rs): whenever the fast reader returns `Some(line)`, the
//! reference returns `Ok` of exactly that line; the fast reader may decline anything. The
//! composite `decode_line` must always give the reference's answer (`Ok` with the same value,
//! or `Err` with the same message).
//!
//! Inputs: every line of every fixture and of synthetic exports; systematic mutations of a
//! few real record lines; and proptest-generated JSON-ish byte strings. A coverage check makes
//! sure the fast reader really takes the typed record lines of real and synthetic exports, so
//! the comparison is not vacuous.

mod common;

use std::collections::BTreeMap;

use privacy_lens::decode::{decode_line, fast, reference};
use privacy_lens::record::Line;
use privacy_lens::synthetic::{Plan, SyntheticHistory};
use proptest::prelude::*;

/// iOS 18 access begin with `accessCount` and `broadcaster` (FORMAT.md §2 example).
const ACCESS_BROADCASTER: &str = r#"{"accessCount":0,"accessor":{"identifier":"com.apple.facetime","identifierType":"bundleID"},"broadcaster":{"identifier":"com.apple.facetime","identifierType":"bundleID"},"category":"screenRecording","identifier":"BE77C3FE-30F6-4205-AD33-A384C9DC9AE8","kind":"intervalBegin","timeStamp":"2025-02-11T13:34:34.775+01:00","type":"access"}"#;
/// Access end through a system picker.
const ACCESS_PICKER: &str = r#"{"accessor":{"identifier":"com.google.gemini","identifierType":"bundleID"},"category":"photos","identifier":"00000007-0000-4000-8000-000000000007","kind":"intervalEnd","outOfProcess":true,"timeStamp":"2025-03-30T12:00:45.000+02:00","type":"access"}"#;
/// Network record with all 12 keys of iOS 15.2+ (FORMAT.md §3 example).
const NETWORK_FULL: &str = r#"{"timeStamp":"2022-04-27T10:53:27.920-04:00","initiatedType":"NonAppInitiated","context":"youtube.com","domain":"google.com","contextVerificationType":2,"type":"networkActivity","domainType":1,"firstTimeStamp":"2022-04-27T10:52:03.021-04:00","bundleID":"com.google.chrome.ios","domainOwner":"Google LLC","hits":4,"domainClassification":1}"#;
/// iOS 15 beta-1 access event (no `type`).
const BETA_EVENT: &str = r#"{"stream":"com.apple.privacy.accounting.stream.tcc","accessor":{"identifier":"com.tencent.xin","identifierType":"bundleID"},"tccService":"kTCCServicePhotos","identifier":"B1","kind":"event","timestamp":"2021-06-21T18:03:07Z","version":3}"#;

const SAMPLES: [&str; 4] = [ACCESS_BROADCASTER, ACCESS_PICKER, NETWORK_FULL, BETA_EVENT];

/// Bytes that matter to a JSON reader or to UTF-8 validation.
const INTERESTING: [u8; 21] = [
    b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b' ', b'\t', b'0', b'-', b'.', b'e', b'n',
    b't', 0x00, 0x1F, 0x7F, 0xC3, 0xFF,
];

/// Every top-level key either reader looks at.
const KNOWN_KEYS: [&str; 26] = [
    "type",
    "accessor",
    "broadcaster",
    "category",
    "identifier",
    "kind",
    "timeStamp",
    "outOfProcess",
    "accessCount",
    "bundleID",
    "domain",
    "context",
    "initiatedType",
    "domainType",
    "domainOwner",
    "hits",
    "firstTimeStamp",
    "domainClassification",
    "contextVerificationType",
    "_marker",
    "stream",
    "tccService",
    "timestamp",
    "version",
    "recordType",
    "hasApp.bundleName",
];

/// Values put in place of each known key's value.
const ODD_VALUES: [&str; 24] = [
    "null",
    "true",
    "false",
    "1.5",
    "-1",
    "0",
    "-0",
    "1e3",
    "1E3",
    "01",
    "\"x\"",
    "\"\"",
    "[]",
    "{}",
    "18446744073709551615",
    "18446744073709551616",
    "{\"identifier\":\"x\"}",
    "{\"identifier\":null}",
    "{\"identifierType\":\"bundleID\"}",
    "[\"identifier\"]",
    "\"intervalBegin\"",
    "\"access\"",
    "\"networkActivity\"",
    "\"event\"",
];

/// Tally of one batch of checks.
#[derive(Default, Debug)]
struct Tally {
    checked: u64,
    fast_accepted: u64,
}

/// Checks one input: fast ⊆ reference, and `decode_line` ≡ reference. Returns whether the
/// fast reader accepted it.
fn check(line: &[u8]) -> bool {
    let expected = reference::decode(line);
    let quick = fast::decode(line);
    if let Some(quick) = &quick {
        match &expected {
            Ok(expected) => assert_eq!(
                quick,
                expected,
                "fast and reference decode differently: {}",
                show(line)
            ),
            Err(error) => panic!(
                "fast accepted a line the reference rejects ({error}): {}",
                show(line)
            ),
        }
    }
    match (decode_line(line), &expected) {
        (Ok(composite), Ok(expected)) => {
            assert_eq!(&composite, expected, "decode_line differs: {}", show(line))
        }
        (Err(composite), Err(expected)) => {
            assert_eq!(
                &composite,
                expected,
                "decode_line gives another error: {}",
                show(line)
            )
        }
        (composite, expected) => {
            panic!(
                "decode_line gives {composite:?}, the reference {expected:?}: {}",
                show(line)
            )
        }
    }
    quick.is_some()
}

fn check_all<B: AsRef<[u8]>>(lines: impl IntoIterator<Item = B>, tally: &mut Tally) {
    for line in lines {
        tally.checked += 1;
        tally.fast_accepted += u64::from(check(line.as_ref()));
    }
}

fn show(line: &[u8]) -> String {
    let text = String::from_utf8_lossy(line);
    if text.len() > 600 {
        format!(
            "{:?}… ({} bytes)",
            &text[..text.char_indices().nth(600).map_or(text.len(), |(i, _)| i)],
            line.len()
        )
    } else {
        format!("{text:?}")
    }
}

fn lines_of(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes.split(|&b| b == b'\n')
}

/// Whether the reference reads the line as a typed NDJSON record (access or networkActivity).
fn is_typed_record(line: &[u8]) -> bool {
    match reference::decode(line) {
        Ok(Line::Access(_)) => true,
        Ok(Line::Network(network)) => network.typed,
        _ => false,
    }
}

fn synthetic_exports() -> Vec<(String, Vec<u8>)> {
    let mut exports = Vec::new();
    for seed in [1u64, 2, 3, 17, 4242] {
        for ios18 in [true, false] {
            let offset_change = if seed % 2 == 0 {
                Some((50, 9 * 60))
            } else {
                None
            };
            let offset_minutes = if seed == 3 { -4 * 60 } else { 8 * 60 };
            let plan = Plan {
                seed,
                ios18,
                offset_minutes,
                offset_change,
                ..Plan::default()
            };
            let history = SyntheticHistory::generate(&plan);
            let mut bytes = Vec::new();
            history
                .write_export(history.window(), &mut bytes)
                .expect("writing to memory");
            exports.push((format!("synthetic seed {seed} ios18 {ios18}"), bytes));
        }
    }
    exports
}

#[test]
fn every_fixture_and_synthetic_line_decodes_alike_and_the_fast_reader_takes_typed_records() {
    let mut per_source: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut tally = Tally::default();
    let real_names: Vec<String> = common::real_fixtures()
        .unwrap_or_default()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    let mut sources = common::all_fixtures();
    sources.extend(synthetic_exports());
    for (name, bytes) in &sources {
        for raw in lines_of(bytes) {
            // As stored, and as the reader hands it over (BOM and `\r` stripped, trimmed).
            let stripped = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
            let stripped = stripped.strip_suffix(b"\r").unwrap_or(stripped);
            check_all([raw, stripped, stripped.trim_ascii()], &mut tally);
            let counted = real_names.contains(name) || name.starts_with("synthetic");
            if counted && is_typed_record(stripped) {
                let entry = per_source.entry(name.clone()).or_default();
                entry.0 += 1;
                entry.1 += u64::from(fast::decode(stripped).is_some());
            }
        }
    }
    println!(
        "checked {} lines, fast accepted {}",
        tally.checked, tally.fast_accepted
    );
    let (mut typed, mut taken) = (0, 0);
    for (name, (lines, accepted)) in &per_source {
        println!("{name}: fast reader takes {accepted} of {lines} typed record lines");
        typed += lines;
        taken += accepted;
    }
    assert!(
        typed > 10_000,
        "too few typed record lines to measure coverage: {typed}"
    );
    assert!(
        taken * 100 >= typed * 99,
        "the fast reader takes only {taken} of {typed} typed record lines; the differential test would be vacuous"
    );
}

// ---------------------------------------------------------------------------------------
// A tiny JSON scanner for building structured mutations of well-formed sample lines.

/// The end (exclusive) of the JSON value starting at `at` in well-formed `text`.
fn value_end(text: &[u8], mut at: usize) -> usize {
    while text[at].is_ascii_whitespace() {
        at += 1;
    }
    match text[at] {
        b'"' => string_end(text, at),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = at;
            loop {
                match text[i] {
                    b'"' => {
                        i = string_end(text, i);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let mut i = at;
            while i < text.len()
                && !matches!(text[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            {
                i += 1;
            }
            i
        }
    }
}

fn string_end(text: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while text[i] != b'"' {
        i += if text[i] == b'\\' { 2 } else { 1 };
    }
    i + 1
}

/// The members of a compact, well-formed JSON object as (raw key with quotes, raw value).
fn members(object: &str) -> Vec<(String, String)> {
    let text = object.as_bytes();
    assert_eq!(text[0], b'{');
    let mut out = Vec::new();
    let mut at = 1;
    while text[at] != b'}' {
        let key_end = string_end(text, at);
        let key = object[at..key_end].to_owned();
        assert_eq!(text[key_end], b':');
        let end = value_end(text, key_end + 1);
        out.push((key, object[key_end + 1..end].to_owned()));
        at = end;
        if text[at] == b',' {
            at += 1;
        }
    }
    out
}

fn object_of(members: &[(String, String)]) -> String {
    let inner: Vec<String> = members.iter().map(|(k, v)| format!("{k}:{v}")).collect();
    format!("{{{}}}", inner.join(","))
}

/// The tokens of well-formed JSON: strings, punctuation, and scalars.
fn tokens(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let end = match bytes[at] {
            b'"' => string_end(bytes, at),
            b'{' | b'}' | b'[' | b']' | b':' | b',' => at + 1,
            _ => value_end(bytes, at),
        };
        out.push(&text[at..end]);
        at = end;
    }
    out
}

/// `\uXXXX` escapes of every character of `text` (surrogate pairs beyond the BMP).
fn escaped(text: &str) -> String {
    let mut out = String::new();
    for unit in text.encode_utf16() {
        out.push_str(&format!("\\u{unit:04x}"));
    }
    out
}

fn nested_arrays(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}

fn nested_objects(depth: usize) -> String {
    format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth))
}

fn nested_mixed(depth: usize) -> String {
    let mut value = String::from("null");
    for level in 0..depth {
        value = if level % 2 == 0 {
            format!("[{value},\"s\",{level}]")
        } else {
            format!("{{\"k{level}\":{value},\"t\":true}}")
        };
    }
    value
}

/// Inserts `member` (raw `"key":value`) as the first, a middle and the last member.
fn with_member(sample: &str, member: &str) -> Vec<String> {
    let list = members(sample);
    let mut out = Vec::new();
    for position in [0, list.len() / 2, list.len()] {
        let mut parts: Vec<String> = list.iter().map(|(k, v)| format!("{k}:{v}")).collect();
        parts.insert(position, member.to_owned());
        out.push(format!("{{{}}}", parts.join(",")));
    }
    out
}

/// Structured mutations of one well-formed sample line.
fn structured_mutations(sample: &str) -> Vec<String> {
    let list = members(sample);
    let mut out = Vec::new();

    // Keys reordered: reversed, every rotation, every adjacent swap.
    let mut reversed = list.clone();
    reversed.reverse();
    out.push(object_of(&reversed));
    for shift in 1..list.len() {
        let mut rotated = list.clone();
        rotated.rotate_left(shift);
        out.push(object_of(&rotated));
    }
    for i in 0..list.len().saturating_sub(1) {
        let mut swapped = list.clone();
        swapped.swap(i, i + 1);
        out.push(object_of(&swapped));
    }

    // Duplicated keys: the same value, another value, first or last copy odd.
    for (i, (key, value)) in list.iter().enumerate() {
        let mut twice = list.clone();
        twice.push((key.clone(), value.clone()));
        out.push(object_of(&twice));
        let mut adjacent = list.clone();
        adjacent.insert(i, (key.clone(), value.clone()));
        out.push(object_of(&adjacent));
        for odd in ["\"other\"", "null", "7"] {
            let mut later = list.clone();
            later.push((key.clone(), odd.to_owned()));
            out.push(object_of(&later));
            let mut earlier = list.clone();
            earlier.insert(0, (key.clone(), odd.to_owned()));
            out.push(object_of(&earlier));
        }
        // Duplicate keys inside the accessor/broadcaster objects.
        if value.starts_with('{') {
            let inner = members(value);
            for (inner_key, inner_value) in &inner {
                let mut doubled = inner.clone();
                doubled.push((inner_key.clone(), inner_value.clone()));
                let mut outer = list.clone();
                outer[i].1 = object_of(&doubled);
                out.push(object_of(&outer));
                let mut changed = inner.clone();
                changed.push((inner_key.clone(), "\"zz\"".to_owned()));
                let mut outer = list.clone();
                outer[i].1 = object_of(&changed);
                out.push(object_of(&outer));
            }
        }
        // A member removed.
        let mut without = list.clone();
        without.remove(i);
        out.push(object_of(&without));
    }

    // Values replaced (or added, for keys the line does not have) for each known key.
    for key in KNOWN_KEYS {
        let quoted = format!("\"{key}\"");
        for odd in ODD_VALUES {
            let mut changed = list.clone();
            match changed.iter_mut().find(|(k, _)| *k == quoted) {
                Some(member) => member.1 = odd.to_owned(),
                None => changed.push((quoted.clone(), odd.to_owned())),
            }
            out.push(object_of(&changed));
        }
    }

    // Unicode escapes: in each string value, for each key, and for single characters.
    for (i, (key, value)) in list.iter().enumerate() {
        let bare_key = &key[1..key.len() - 1];
        let mut escaped_key = list.clone();
        escaped_key[i].0 = format!("\"{}\"", escaped(bare_key));
        out.push(object_of(&escaped_key));
        let mut one_char = list.clone();
        one_char[i].0 = format!("\"{}{}\"", escaped(&bare_key[..1]), &bare_key[1..]);
        out.push(object_of(&one_char));
        if value.starts_with('"') && value.len() > 2 {
            let bare = &value[1..value.len() - 1];
            for replacement in [
                format!("\"{}\"", escaped(bare)),
                format!("\"{}{}\"", escaped(&bare[..1]), &bare[1..]),
                format!("\"{bare}\\n\""),
                format!("\"{bare}\\/\\\\\\\"\""),
                format!("\"{bare}\\ud83d\\ude00\""),
                format!("\"{bare}\\ud800\""),
                format!("\"{bare}\\udc00x\""),
                format!("\"{bare}\\u00e9\""),
                format!("\"{bare}\\x\""),
                format!("\"{bare}\\u12\""),
                "\"微信\"".to_owned(),
                format!("\"{bare}.微信\""),
                "\"com.tencent.微信\"".to_owned(),
                "\"😀\"".to_owned(),
                "\"\u{7f}\"".to_owned(),
                "\"é\"".to_owned(),
                format!("\"{}\"", "x".repeat(10)),
                format!("\"{}\"", "x".repeat(700)),
                format!("\"{}\"", "长".repeat(400)),
                format!("\"{}\"", "x".repeat(100_000)),
            ] {
                let mut changed = list.clone();
                changed[i].1 = replacement;
                out.push(object_of(&changed));
            }
        }
    }

    // Deep nesting in an unknown key, near and beyond both readers' limits.
    for depth in [
        1, 2, 20, 29, 30, 31, 32, 33, 34, 40, 126, 127, 128, 129, 200,
    ] {
        for value in [
            nested_arrays(depth),
            nested_objects(depth),
            nested_mixed(depth),
        ] {
            out.extend(with_member(sample, &format!("\"futureKey\":{value}")));
            // Inside the accessor object too.
            if let Some(index) = list.iter().position(|(k, _)| k == "\"accessor\"") {
                let mut inner = members(&list[index].1);
                inner.push(("\"future\"".to_owned(), value.clone()));
                let mut changed = list.clone();
                changed[index].1 = object_of(&inner);
                out.push(object_of(&changed));
            }
        }
    }

    // Other shapes of unknown values: numbers at the edges, literals, empty containers.
    for value in [
        "123456789012345678",
        "1234567890123456789",
        "-123456789012345678",
        "-1234567890123456789",
        "99999999999999999999999",
        "-0",
        "0",
        "-",
        "1.",
        ".5",
        "1e",
        "1e+5",
        "-1.5E-3",
        "00",
        "true",
        "tru",
        "nul",
        "falsey",
        "[]",
        "{}",
        "[1,]",
        "{\"a\":1,}",
        "[,1]",
        "\"\"",
        "\"\\u0000\"",
        "NaN",
        "Infinity",
    ] {
        out.extend(with_member(sample, &format!("\"futureKey\":{value}")));
    }

    // Line lengths around the fast reader's 1024-byte limit, with ASCII and Chinese padding.
    for total in 1015usize..1035 {
        for pad in ["x", "长"] {
            let base = with_member(sample, "\"futureKey\":\"\"").remove(2);
            let missing = total.saturating_sub(base.len());
            let padding = pad.repeat(missing / pad.len() + 1);
            let mut cut = missing.min(padding.len());
            while !padding.is_char_boundary(cut) {
                cut -= 1;
            }
            out.extend(with_member(
                sample,
                &format!("\"futureKey\":\"{}\"", &padding[..cut]),
            ));
        }
    }

    // Whitespace between every token, and around the object.
    let toks = tokens(sample);
    for space in [
        " ", "  ", "\t", "\n", "\r", "\r\n", " \t\n\r ", "\u{a0}", "\u{b}", "\u{c}",
    ] {
        out.push(toks.join(space));
        out.push(format!("{space}{}{space}", toks.join(space)));
        out.push(format!("{space}{sample}"));
        out.push(format!("{sample}{space}"));
        // Whitespace between one pair of tokens only.
        for i in 1..toks.len() {
            let mut spaced = toks[..i].concat();
            spaced.push_str(space);
            spaced.push_str(&toks[i..].concat());
            out.push(spaced);
        }
    }

    // Trailing content after the object, and the object wrapped in something.
    for suffix in ["x", "{}", ",", "}", "]", "\u{0}", "//", "\u{feff}"] {
        out.push(format!("{sample}{suffix}"));
    }
    for (prefix, suffix) in [("[", "]"), ("\u{feff}", ""), ("{\"a\":", "}"), ("\"", "\"")] {
        out.push(format!("{prefix}{sample}{suffix}"));
    }
    out
}

/// Byte-level mutations: deletions, replacements, insertions, truncations.
fn byte_mutations(sample: &[u8], mut each: impl FnMut(&[u8])) {
    let mut buffer = Vec::with_capacity(sample.len() + 1);
    for at in 0..sample.len() {
        buffer.clear();
        buffer.extend_from_slice(&sample[..at]);
        buffer.extend_from_slice(&sample[at + 1..]);
        each(&buffer);
        for &byte in &INTERESTING {
            buffer.clear();
            buffer.extend_from_slice(sample);
            buffer[at] = byte;
            each(&buffer);
        }
    }
    for at in 0..=sample.len() {
        for &byte in &INTERESTING {
            buffer.clear();
            buffer.extend_from_slice(&sample[..at]);
            buffer.push(byte);
            buffer.extend_from_slice(&sample[at..]);
            each(&buffer);
        }
        each(&sample[..at]);
    }
}

#[test]
fn single_byte_deletions_replacements_insertions_and_truncations_decode_alike() {
    for sample in SAMPLES {
        let mut tally = Tally::default();
        assert_eq!(
            check(sample.as_bytes()),
            sample != BETA_EVENT,
            "fast reader on the unmutated sample {sample}"
        );
        byte_mutations(sample.as_bytes(), |line| check_all([line], &mut tally));
        println!(
            "{}…: {} byte mutations, fast accepted {}",
            &sample[..30],
            tally.checked,
            tally.fast_accepted
        );
        if sample != BETA_EVENT {
            assert!(
                tally.fast_accepted > 100,
                "the fast reader took almost no mutation: {tally:?}"
            );
        }
    }
}

#[test]
fn structured_mutations_decode_alike() {
    for sample in SAMPLES {
        let mut tally = Tally::default();
        let mutations = structured_mutations(sample);
        check_all(&mutations, &mut tally);
        // Every mutation also after the single-byte edits at its start and end.
        for line in &mutations {
            let bytes = line.as_bytes();
            if bytes.len() > 2 {
                check_all([&bytes[1..], &bytes[..bytes.len() - 1]], &mut tally);
            }
        }
        println!(
            "{}…: {} structured mutations, fast accepted {}",
            &sample[..30],
            tally.checked,
            tally.fast_accepted
        );
        if sample != BETA_EVENT {
            assert!(
                tally.fast_accepted > 50,
                "the fast reader took almost no mutation: {tally:?}"
            );
        }
    }
}

#[test]
fn fast_reader_takes_typed_records_whatever_their_key_order() {
    // FORMAT.md §1: "Don't depend on key order." The fast path should not quietly lose the
    // common case when a tool rewrites the keys in another order.
    for sample in [ACCESS_BROADCASTER, ACCESS_PICKER, NETWORK_FULL] {
        let list = members(sample);
        let expected = reference::decode(sample.as_bytes()).unwrap();
        for shift in 0..list.len() {
            for reverse in [false, true] {
                let mut reordered = list.clone();
                if reverse {
                    reordered.reverse();
                }
                reordered.rotate_left(shift);
                let line = object_of(&reordered);
                let decoded = fast::decode(line.as_bytes());
                assert_eq!(decoded.as_ref(), Some(&expected), "{line}");
            }
        }
        // Spaces between tokens are plain JSON too.
        let spaced = tokens(sample).join(" ");
        assert_eq!(
            fast::decode(spaced.as_bytes()).as_ref(),
            Some(&expected),
            "{spaced}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Generated inputs.

/// Pieces of JSON-ish text: punctuation, known keys and values, odd numbers and escapes.
const VOCABULARY: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    " ",
    "\t",
    "\n",
    "\"",
    "\\",
    "\"type\"",
    "\"access\"",
    "\"networkActivity\"",
    "\"accessor\"",
    "\"broadcaster\"",
    "\"identifier\"",
    "\"identifierType\"",
    "\"bundleID\"",
    "\"category\"",
    "\"photos\"",
    "\"kind\"",
    "\"intervalBegin\"",
    "\"intervalEnd\"",
    "\"event\"",
    "\"timeStamp\"",
    "\"timestamp\"",
    "\"2025-02-11T13:34:34.775+01:00\"",
    "\"outOfProcess\"",
    "\"accessCount\"",
    "\"domain\"",
    "\"context\"",
    "\"initiatedType\"",
    "\"domainType\"",
    "\"domainOwner\"",
    "\"hits\"",
    "\"firstTimeStamp\"",
    "\"domainClassification\"",
    "\"contextVerificationType\"",
    "\"_marker\"",
    "\"<metadata>\"",
    "\"x\"",
    "\"\"",
    "\"微信\"",
    "\"\\u0041\"",
    "\"\\ud83d\\ude00\"",
    "true",
    "false",
    "null",
    "0",
    "1",
    "-1",
    "4",
    "01",
    "1.5",
    "1e3",
    "-0",
    "18446744073709551615",
    "18446744073709551616",
    "\u{0}",
    "\u{1f}",
    "\u{7f}",
    "é",
    "\u{feff}",
];

fn vocabulary_text() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::sample::select(VOCABULARY), 0..60)
        .prop_map(|parts| parts.concat().into_bytes())
}

fn json_alphabet_bytes() -> impl Strategy<Value = Vec<u8>> {
    let alphabet: Vec<u8> = b"{}[]:,\" \\\t\n0123456789-+.eEtrufalsnx"
        .iter()
        .copied()
        .chain([0x00, 0x7F, 0xC3, 0xA9, 0xFF])
        .collect();
    prop::collection::vec(prop::sample::select(alphabet), 0..120)
}

/// A known key with a plausible or odd value.
fn member() -> impl Strategy<Value = String> {
    let key = prop::sample::select(KNOWN_KEYS.to_vec()).prop_map(|k| format!("\"{k}\""));
    let odd_key = prop::sample::select(vec![
        "\"futureKey\"",
        "\"\"",
        "\"typ\\u0065\"",
        "\"类型\"",
        "\"identifierType\"",
    ])
    .prop_map(str::to_owned);
    let value = prop_oneof![
        prop::sample::select(ODD_VALUES.to_vec()).prop_map(str::to_owned),
        prop::sample::select(vec![
            "\"access\"",
            "\"networkActivity\"",
            "\"intervalBegin\"",
            "\"intervalEnd\"",
            "\"2025-02-11T13:34:34.775+01:00\"",
            "\"com.tencent.xin\"",
            "{\"identifier\":\"com.a\",\"identifierType\":\"bundleID\"}",
            "{\"identifierType\":\"bundleID\",\"identifier\":\"微信\"}",
            "{\"identifier\":\"a\",\"identifier\":\"b\"}",
            "1",
            "2",
            "4",
        ])
        .prop_map(str::to_owned),
        (0u64..u64::MAX).prop_map(|n| n.to_string()),
        "[a-zA-Z0-9 .微\\\\\"]{0,8}".prop_map(|s| format!("\"{s}\"")),
    ];
    (
        prop_oneof![4 => key, 1 => odd_key],
        prop::sample::select(vec![":", " : ", ":\t"]),
        value,
    )
        .prop_map(|(k, colon, v)| format!("{k}{colon}{v}"))
}

/// A JSON-ish object of known keys, often a valid typed record.
fn record_object() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec(member(), 0..14),
        prop::sample::select(vec![",", ", ", " ,"]),
        any::<bool>(),
    )
        .prop_map(|(members, comma, typed)| {
            let mut members = members;
            if typed && !members.iter().any(|m| m.starts_with("\"type\"")) {
                members.push("\"type\":\"access\"".to_owned());
            }
            format!("{{{}}}", members.join(comma)).into_bytes()
        })
}

/// A valid access or network record (random plausible values, keys in random order), with
/// up to two members replaced or added by odd ones and random spacing: mostly lines the fast
/// reader takes, next to lines it must decline.
fn near_valid_record() -> impl Strategy<Value = Vec<u8>> {
    let text = prop::sample::select(vec![
        "com.tencent.xin",
        "微信",
        "",
        "a b",
        "5Q4J53EFRC.com.sbb.ch",
        "x\u{7f}",
        "é",
    ]);
    let time = prop::sample::select(vec![
        "2025-02-11T13:34:34.775+01:00",
        "2021-06-21T17:03:07Z",
        "yesterday",
        "",
    ]);
    let number = prop_oneof![0u64..3, Just(u64::MAX), any::<u64>()];
    let access = (
        text.clone(),
        text.clone(),
        prop::sample::select(vec!["intervalBegin", "intervalEnd"]),
        time.clone(),
        prop::option::of(number.clone()),
        prop::option::of(text.clone()),
        prop::option::of(any::<bool>()),
        prop::sample::select(vec!["photos", "location", "screenRecording", "微"]),
    )
        .prop_map(|(app, id, kind, time, count, broadcaster, picker, category)| {
            let mut members = vec![
                format!("\"accessor\":{{\"identifier\":\"{app}\",\"identifierType\":\"bundleID\"}}"),
                format!("\"category\":\"{category}\""),
                format!("\"identifier\":\"{id}\""),
                format!("\"kind\":\"{kind}\""),
                format!("\"timeStamp\":\"{time}\""),
                "\"type\":\"access\"".to_owned(),
            ];
            if let Some(count) = count {
                members.push(format!("\"accessCount\":{count}"));
            }
            if let Some(b) = broadcaster {
                members.push(format!("\"broadcaster\":{{\"identifierType\":\"bundleID\",\"identifier\":\"{b}\"}}"));
            }
            if let Some(picker) = picker {
                members.push(format!("\"outOfProcess\":{picker}"));
            }
            members
        });
    let network = (
        (text.clone(), text.clone(), text.clone(), text.clone()),
        (time.clone(), prop::option::of(time)),
        (number.clone(), number.clone()),
        (prop::option::of(number.clone()), prop::option::of(number)),
    )
        .prop_map(
            |(
                (app, domain, context, owner),
                (last, first),
                (kind, hits),
                (class, verification),
            )| {
                let mut members = vec![
                    format!("\"bundleID\":\"{app}\""),
                    format!("\"domain\":\"{domain}\""),
                    format!("\"context\":\"{context}\""),
                    format!("\"domainOwner\":\"{owner}\""),
                    "\"initiatedType\":\"AppInitiated\"".to_owned(),
                    format!("\"timeStamp\":\"{last}\""),
                    format!("\"domainType\":{kind}"),
                    format!("\"hits\":{hits}"),
                    "\"type\":\"networkActivity\"".to_owned(),
                ];
                members.extend(first.map(|t| format!("\"firstTimeStamp\":\"{t}\"")));
                members.extend(class.map(|n| format!("\"domainClassification\":{n}")));
                members.extend(verification.map(|n| format!("\"contextVerificationType\":{n}")));
                members
            },
        );
    (
        prop_oneof![access, network],
        prop::collection::vec(
            (any::<prop::sample::Index>(), member(), any::<bool>()),
            0..3,
        ),
        any::<prop::sample::Index>(),
        prop::sample::select(vec![",", ", ", " , "]),
        any::<bool>(),
    )
        .prop_map(|(members, changes, order, comma, spaced)| {
            let mut members = members;
            for (at, replacement, add) in changes {
                if add {
                    members.insert(at.index(members.len() + 1), replacement);
                } else {
                    let at = at.index(members.len());
                    members[at] = replacement;
                }
            }
            let shift = order.index(members.len());
            members.rotate_left(shift);
            let pad = if spaced { " " } else { "" };
            format!("{pad}{{{pad}{}{pad}}}{pad}", members.join(comma)).into_bytes()
        })
}

#[derive(Clone, Debug)]
enum Edit {
    Delete(usize),
    Replace(usize, u8),
    Insert(usize, Vec<u8>),
    Truncate(usize),
    Swap(usize, usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let byte = prop_oneof![prop::sample::select(INTERESTING.to_vec()), any::<u8>()];
    let piece = prop_oneof![
        prop::sample::select(VOCABULARY).prop_map(|s| s.as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 1..4),
    ];
    prop_oneof![
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), byte).prop_map(|(at, b)| Edit::Replace(at, b)),
        (any::<usize>(), piece).prop_map(|(at, p)| Edit::Insert(at, p)),
        any::<usize>().prop_map(Edit::Truncate),
        (any::<usize>(), any::<usize>(), 1usize..20).prop_map(|(a, b, n)| Edit::Swap(a, b, n)),
    ]
}

fn apply(line: &mut Vec<u8>, edit: &Edit) {
    let len = line.len();
    match edit {
        Edit::Delete(at) if len > 0 => {
            line.remove(at % len);
        }
        Edit::Replace(at, byte) if len > 0 => line[at % len] = *byte,
        Edit::Insert(at, piece) => {
            let at = at % (len + 1);
            line.splice(at..at, piece.iter().copied());
        }
        Edit::Truncate(at) => line.truncate(at % (len + 1)),
        Edit::Swap(a, b, n) if len > 0 => {
            // Swap two (possibly overlapping) runs by copying: enough to move keys around.
            let (a, b) = (a % len, b % len);
            let n = (*n).min(len - a).min(len - b);
            let first = line[a..a + n].to_vec();
            let second = line[b..b + n].to_vec();
            line[b..b + n].copy_from_slice(&first);
            line[a..a + n].copy_from_slice(&second);
        }
        _ => {}
    }
}

fn mutated_sample() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select(SAMPLES.to_vec()),
        prop::collection::vec(edit(), 1..4),
    )
        .prop_map(|(sample, edits)| {
            let mut line = sample.as_bytes().to_vec();
            for edit in &edits {
                apply(&mut line, edit);
            }
            line
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn json_alphabet_byte_strings_decode_alike(line in json_alphabet_bytes()) {
        check(&line);
    }

    #[test]
    fn vocabulary_sequences_decode_alike(line in vocabulary_text()) {
        check(&line);
    }

    #[test]
    fn generated_record_objects_decode_alike(line in record_object()) {
        check(&line);
    }

    #[test]
    fn randomly_mutated_sample_lines_decode_alike(line in mutated_sample()) {
        check(&line);
    }

    #[test]
    fn near_valid_records_decode_alike(line in near_valid_record()) {
        check(&line);
    }

    #[test]
    fn arbitrary_bytes_decode_alike(line in prop::collection::vec(any::<u8>(), 0..64)) {
        check(&line);
    }
}

#[test]
fn generated_inputs_reach_the_fast_reader() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut count = |name: &str, strategy: &dyn Fn(&mut TestRunner) -> Vec<u8>| {
        let accepted = (0..2000)
            .filter(|_| fast::decode(&strategy(&mut runner)).is_some())
            .count();
        println!("{name}: the fast reader takes {accepted} of 2000");
        accepted
    };
    let near = count("near-valid records", &|r| {
        near_valid_record().new_tree(r).unwrap().current()
    });
    let mutated = count("mutated samples", &|r| {
        mutated_sample().new_tree(r).unwrap().current()
    });
    assert!(
        near >= 400,
        "near-valid records rarely reach the fast reader: {near}"
    );
    assert!(
        mutated >= 50,
        "mutated samples rarely reach the fast reader: {mutated}"
    );
}
