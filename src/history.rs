//! The merged history of every export read so far: deduplicated records, stored compactly.
//!
//! Strings are interned once (an app's bundle ID is stored once, however many records name
//! it); record identifiers that are Apple's upper-case UUIDs are kept as 128-bit numbers.
//! Deduplication follows the pinned semantics (README, "Semantics"): access records by
//! (`identifier`, `kind`), keeping the copy with the earliest instant, then the smaller
//! canonical line; beta events by `identifier`, earliest instant, then app, category and
//! offset; network records when every field is equal.

use std::collections::hash_map::Entry;
use std::num::NonZeroU8;

use serde_json::json;

use crate::record::{Access, AccessKind, Event, Network};
use crate::time::Timestamp;

/// The hash map of every table here: std's map with foldhash, secretly seeded.
pub type HashMap<K, V> = std::collections::HashMap<K, V, crate::hashing::RandomState>;

/// Index of an interned string.
pub type Name = u32;
/// Index of a file in the order the files were read.
pub type FileIndex = u32;

/// Interned strings: each distinct string is stored once and named by its index.
pub struct Names {
    texts: Vec<Box<str>>,
    index: HashMap<Box<str>, Name>,
    /// Names interned lately, in slots chosen by the text's length and last byte: records
    /// repeat a few apps, categories and values, and comparing the text with the one name
    /// in its slot is cheaper than hashing it. `Name::MAX` is an empty slot.
    recent: [Name; RECENT_SLOTS],
}

const RECENT_SLOTS: usize = 32;

impl Default for Names {
    fn default() -> Self {
        Names { texts: Vec::new(), index: HashMap::default(), recent: [Name::MAX; RECENT_SLOTS] }
    }
}

impl Names {
    /// The name of `text`, adding it if it is new.
    pub fn intern(&mut self, text: &str) -> Name {
        let last = text.as_bytes().last().copied().unwrap_or(0);
        let slot = (text.len() * 7 + usize::from(last)) % RECENT_SLOTS;
        let recent = self.recent[slot];
        if self.texts.get(recent as usize).is_some_and(|known| **known == *text) {
            return recent;
        }
        let name = match self.index.get(text) {
            Some(&name) => name,
            None => {
                let name = self.texts.len() as Name;
                self.texts.push(text.into());
                self.index.insert(text.into(), name);
                name
            }
        };
        self.recent[slot] = name;
        name
    }

    /// The text of a name.
    pub fn text(&self, name: Name) -> &str {
        &self.texts[name as usize]
    }
}

/// Where a record was read: file and 1-based line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The file's index.
    pub file: FileIndex,
    /// The 1-based line number.
    pub line: u64,
}

/// One kept access record (one end of an interval), packed into 40 bytes because there
/// is one per access line: the history of a heavy year is millions of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccessEnd {
    utc_ms: i64,
    access_count: u64,
    /// `accessor.identifier`
    pub app: Name,
    /// `category`
    pub category: Name,
    broadcaster: Name,
    /// The 1-based line of the kept copy (saturating at `u32::MAX`).
    line: u32,
    offset_minutes: i16,
    file: FileIndex,
    /// Never zero ([`ALWAYS`] is set), so that `Option<AccessEnd>` needs no tag byte and an
    /// [`AccessPair`] takes 80 bytes, not 96.
    flags: NonZeroU8,
}

const OUT_OF_PROCESS: u8 = 1;
const HAS_ACCESS_COUNT: u8 = 2;
const HAS_BROADCASTER: u8 = 4;
const ALWAYS: u8 = 8;

impl AccessEnd {
    fn new(
        time: Timestamp,
        app: Name,
        category: Name,
        broadcaster: Option<Name>,
        access_count: Option<u64>,
        out_of_process: bool,
        origin: Origin,
    ) -> AccessEnd {
        let flag = |set: bool, bit: u8| if set { bit } else { 0 };
        AccessEnd {
            utc_ms: time.utc_ms(),
            access_count: access_count.unwrap_or(0),
            app,
            category,
            broadcaster: broadcaster.unwrap_or(0),
            line: u32::try_from(origin.line).unwrap_or(u32::MAX),
            offset_minutes: time.offset_minutes(),
            file: origin.file,
            flags: NonZeroU8::new(
                ALWAYS
                    | flag(out_of_process, OUT_OF_PROCESS)
                    | flag(access_count.is_some(), HAS_ACCESS_COUNT)
                    | flag(broadcaster.is_some(), HAS_BROADCASTER),
            )
            .expect("ALWAYS is set"),
        }
    }

    /// `timeStamp`
    pub fn time(&self) -> Timestamp {
        Timestamp::from_parts(self.utc_ms, self.offset_minutes).expect("validated when parsed")
    }

    /// `broadcaster.identifier`, if any.
    pub fn broadcaster(&self) -> Option<Name> {
        (self.flags.get() & HAS_BROADCASTER != 0).then_some(self.broadcaster)
    }

    /// `accessCount`, if present.
    pub fn access_count(&self) -> Option<u64> {
        (self.flags.get() & HAS_ACCESS_COUNT != 0).then_some(self.access_count)
    }

    /// `outOfProcess`
    pub fn out_of_process(&self) -> bool {
        self.flags.get() & OUT_OF_PROCESS != 0
    }

    /// Where the kept copy was read.
    pub fn origin(&self) -> Origin {
        Origin { file: self.file, line: u64::from(self.line) }
    }
}

/// The records kept for one access `identifier`.
#[derive(Clone, Copy, Debug, Default)]
pub struct AccessPair {
    /// The `intervalBegin` record.
    pub begin: Option<AccessEnd>,
    /// The `intervalEnd` record.
    pub end: Option<AccessEnd>,
}

/// One kept beta access event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventRecord {
    /// `timestamp`
    pub time: Timestamp,
    /// `accessor.identifier`
    pub app: Name,
    /// The category (from `category` or `tccService`).
    pub category: Name,
    /// Where the kept copy was read.
    pub origin: Origin,
}

/// One kept network record; equal keys are exact duplicates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NetworkRecord {
    /// `bundleID`
    pub app: Name,
    /// `domain` as written.
    pub domain: Name,
    /// `context`
    pub context: Name,
    /// `initiatedType`
    pub initiated_type: Name,
    /// `domainType`
    pub domain_type: u64,
    /// `domainOwner`
    pub owner: Name,
    /// `hits`
    pub hits: u64,
    /// `firstTimeStamp`
    pub first: Timestamp,
    /// `timeStamp`
    pub last: Timestamp,
    /// `domainClassification`
    pub domain_classification: Option<u64>,
    /// `contextVerificationType`
    pub context_verification_type: Option<u64>,
}

/// The files a record was read from, sorted and without repeats: almost always one, which
/// is kept inline.
#[derive(Clone, Debug)]
pub enum Files {
    /// Read from one file.
    One(FileIndex),
    /// Read from several files.
    Many(Vec<FileIndex>),
}

impl Files {
    /// The files, sorted.
    pub fn as_slice(&self) -> &[FileIndex] {
        match self {
            Files::One(file) => std::slice::from_ref(file),
            Files::Many(files) => files,
        }
    }

    fn add(&mut self, file: FileIndex) {
        if let Err(at) = self.as_slice().binary_search(&file) {
            let mut files = self.as_slice().to_vec();
            files.insert(at, file);
            *self = Files::Many(files);
        }
    }
}

/// Records keyed by an access identifier: Apple's upper-case UUIDs as numbers, others as text.
pub struct ByIdentifier<V> {
    uuids: HashMap<u128, V>,
    texts: HashMap<Name, V>,
}

impl<V> Default for ByIdentifier<V> {
    fn default() -> Self {
        ByIdentifier { uuids: HashMap::default(), texts: HashMap::default() }
    }
}

impl<V: Default> ByIdentifier<V> {
    /// The value stored for `identifier`, created empty if there is none.
    fn slot(&mut self, identifier: &str, names: &mut Names) -> &mut V {
        match parse_uuid(identifier.as_bytes()) {
            Some(uuid) => self.uuids.entry(uuid).or_default(),
            None => self.texts.entry(names.intern(identifier)).or_default(),
        }
    }
}

impl<V> ByIdentifier<V> {
    /// Every value, in no particular order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.uuids.values().chain(self.texts.values())
    }
}

/// Everything kept from the exports read so far.
#[derive(Default)]
pub struct History {
    /// Interned strings of every kept record.
    pub names: Names,
    /// Access records by identifier.
    pub access: ByIdentifier<AccessPair>,
    /// Beta access events by identifier.
    pub events: ByIdentifier<Option<EventRecord>>,
    /// Network records, each with the files it was read from.
    pub network: HashMap<NetworkRecord, Files>,
    /// Copies dropped by deduplication, of all record types.
    pub duplicates: u64,
    /// Identifiers to make room for at the next access record (see `reserve_for`).
    reserve: usize,
}

impl History {
    /// Makes room for the access records of about `bytes` more bytes of export, so that the
    /// table is not rebuilt again and again as it grows: one identifier per 680 bytes (two
    /// access lines of about 265 bytes, and network lines are a fifth of all lines). Not
    /// more: the table's size is rounded up to a power of two anyway, and every slot of a
    /// table filled at random is soon in memory (1 GB: 700 MB of WebAssembly memory with
    /// one per 500 bytes, 520 MB with one per 680).
    ///
    /// The room is taken when the first access record arrives (so a file that is not an
    /// export costs nothing), at most for 2 million identifiers, and only if memory allows.
    pub fn reserve_for(&mut self, bytes: u64) {
        self.reserve = (bytes / 680).min(1 << 21) as usize;
    }

    /// The earliest and the latest time of any kept record (network records by their
    /// `firstTimeStamp` and `timeStamp`); `None` when nothing is kept.
    pub fn span(&self) -> Option<(Timestamp, Timestamp)> {
        let access = self.access.values().flat_map(|pair| [pair.begin, pair.end]).flatten().map(|end| end.time());
        let events = self.events.values().flatten().map(|event| event.time);
        let network = self.network.keys().flat_map(|record| [record.first, record.last]);
        // Timestamps order by instant, then offset: the span does not depend on map order.
        access.chain(events).chain(network).fold(None, |span, t| match span {
            None => Some((t, t)),
            Some((first, last)) => Some((first.min(t), last.max(t))),
        })
    }

    /// Adds one access record whose `timeStamp` parsed as `time`.
    pub fn add_access(&mut self, access: &Access<'_>, time: Timestamp, origin: Origin) {
        if self.reserve > 0 {
            // Best effort: a failed reservation only means the table grows step by step.
            let _ = self.access.uuids.try_reserve(std::mem::take(&mut self.reserve));
        }
        let names = &mut self.names;
        let pair = self.access.slot(&access.identifier, names);
        let slot = match access.kind {
            AccessKind::Begin => &mut pair.begin,
            AccessKind::End => &mut pair.end,
        };
        let new = AccessContent {
            app: &access.accessor,
            category: &access.category,
            broadcaster: access.broadcaster.as_deref(),
            access_count: access.access_count,
            out_of_process: access.out_of_process,
            time,
        };
        if let Some(kept) = slot {
            self.duplicates += 1;
            // Names are interned only for a copy that is kept, so dropped copies cost nothing.
            if !new.replaces(&AccessContent::of(kept, names), &access.identifier, access.kind) {
                return;
            }
        }
        *slot = Some(AccessEnd::new(
            time,
            names.intern(new.app),
            names.intern(new.category),
            new.broadcaster.map(|name| names.intern(name)),
            new.access_count,
            new.out_of_process,
            origin,
        ));
    }

    /// Adds one beta access event whose time parsed as `time`.
    pub fn add_event(&mut self, event: &Event<'_>, time: Timestamp, origin: Origin) {
        let names = &mut self.names;
        let slot = self.events.slot(&event.identifier, names);
        // Copies are ordered by instant, then app, category and offset (all as text).
        let key = (time.utc_ms(), event.accessor.as_ref(), event.category.as_ref(), time.offset_minutes());
        if let Some(kept) = slot {
            self.duplicates += 1;
            let kept_key =
                (kept.time.utc_ms(), names.text(kept.app), names.text(kept.category), kept.time.offset_minutes());
            if key >= kept_key {
                return;
            }
        }
        *slot = Some(EventRecord {
            time,
            app: names.intern(&event.accessor),
            category: names.intern(&event.category),
            origin,
        });
    }

    /// Adds one network record whose timestamps parsed as `first` and `last`.
    pub fn add_network(&mut self, network: &Network<'_>, first: Timestamp, last: Timestamp, file: FileIndex) {
        let record = NetworkRecord {
            app: self.names.intern(&network.bundle_id),
            domain: self.names.intern(&network.domain),
            context: self.names.intern(&network.context),
            initiated_type: self.names.intern(&network.initiated_type),
            domain_type: network.domain_type,
            owner: self.names.intern(&network.domain_owner),
            hits: network.hits,
            first,
            last,
            domain_classification: network.domain_classification,
            context_verification_type: network.context_verification_type,
        };
        match self.network.entry(record) {
            Entry::Vacant(entry) => {
                entry.insert(Files::One(file));
            }
            Entry::Occupied(mut entry) => {
                self.duplicates += 1;
                entry.get_mut().add(file);
            }
        }
    }
}

/// What an access record says, whether just read or kept (by name).
#[derive(PartialEq, Eq)]
struct AccessContent<'t> {
    app: &'t str,
    category: &'t str,
    broadcaster: Option<&'t str>,
    access_count: Option<u64>,
    out_of_process: bool,
    time: Timestamp,
}

impl<'t> AccessContent<'t> {
    fn of(kept: &AccessEnd, names: &'t Names) -> AccessContent<'t> {
        AccessContent {
            app: names.text(kept.app),
            category: names.text(kept.category),
            broadcaster: kept.broadcaster().map(|name| names.text(name)),
            access_count: kept.access_count(),
            out_of_process: kept.out_of_process(),
            time: kept.time(),
        }
    }

    /// Whether this copy replaces the kept one: the earlier instant wins, then the smaller
    /// canonical line; a copy with the same content keeps the first one read.
    fn replaces(&self, kept: &AccessContent<'_>, identifier: &str, kind: AccessKind) -> bool {
        if self == kept {
            return false;
        }
        // The instant decides; the offset a copy was written in does not (the canonical line does).
        match self.time.utc_ms().cmp(&kept.time.utc_ms()) {
            std::cmp::Ordering::Less => true,
            std::cmp::Ordering::Greater => false,
            std::cmp::Ordering::Equal => self.canonical_line(identifier, kind) < kept.canonical_line(identifier, kind),
        }
    }

    /// The record as iOS writes it: compact JSON with its keys in alphabetical order.
    fn canonical_line(&self, identifier: &str, kind: AccessKind) -> String {
        let mut line = json!({
            "accessor": {"identifier": self.app, "identifierType": "bundleID"},
            "category": self.category,
            "identifier": identifier,
            "kind": match kind { AccessKind::Begin => "intervalBegin", AccessKind::End => "intervalEnd" },
            "timeStamp": self.time.to_rfc3339(),
            "type": "access",
        });
        if let Some(count) = self.access_count {
            line["accessCount"] = json!(count);
        }
        if let Some(broadcaster) = self.broadcaster {
            line["broadcaster"] = json!({"identifier": broadcaster, "identifierType": "bundleID"});
        }
        if self.out_of_process {
            line["outOfProcess"] = json!(true);
        }
        line.to_string()
    }
}

/// Parses `XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX` with upper-case hex digits only, so that
/// the number stands for exactly one spelling. It runs once per access line, so the digits
/// are read eight at a time.
fn parse_uuid(text: &[u8]) -> Option<u128> {
    let text: &[u8; 36] = text.try_into().ok()?;
    if [text[8], text[13], text[18], text[23]] != [b'-'; 4] {
        return None;
    }
    let group = |parts: [&[u8]; 2]| {
        let mut bytes = [0u8; 8];
        bytes[..parts[0].len()].copy_from_slice(parts[0]);
        bytes[parts[0].len()..].copy_from_slice(parts[1]);
        hex8(u64::from_be_bytes(bytes))
    };
    let groups = [
        group([&text[0..8], &[]])?,
        group([&text[9..13], &text[14..18]])?,
        group([&text[19..23], &text[24..28]])?,
        group([&text[28..36], &[]])?,
    ];
    Some(groups.iter().fold(0u128, |value, &group| (value << 32) | u128::from(group)))
}

/// Eight upper-case hex digits, the first in the highest byte of `word`, as a number.
fn hex8(word: u64) -> Option<u32> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const fn each(byte: u8) -> u64 {
        0x0101_0101_0101_0101 * byte as u64
    }
    if word & HIGH != 0 {
        return None;
    }
    // Every byte is below 0x80, so adding 0x80 - n sets a byte's high bit exactly when the
    // byte is at least n, and never carries into the next byte.
    let at_least = |n: u8| word.wrapping_add(each(0x80 - n)) & HIGH;
    let digit = at_least(b'0') & !at_least(b'9' + 1);
    let letter = at_least(b'A') & !at_least(b'F' + 1);
    if digit | letter != HIGH {
        return None;
    }
    // The low four bits are the value of '0'..='9', and the value minus 9 of 'A'..='F'.
    let nibbles = (word & each(0x0F)) + (letter >> 7) * 9;
    // Pack the eight nibbles (one per byte) into 32 bits: pairs into bytes, then bytes.
    let bytes = (nibbles | nibbles >> 4) & 0x00FF_00FF_00FF_00FF;
    let halves = (bytes | bytes >> 8) & 0x0000_FFFF_0000_FFFF;
    Some(((halves | halves >> 16) & 0xFFFF_FFFF) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_access_entry_stays_small() {
        // One per access line of a year of exports: the size is a memory budget.
        assert_eq!(std::mem::size_of::<AccessEnd>(), 40);
        assert_eq!(std::mem::size_of::<AccessPair>(), 80);
    }

    #[test]
    fn only_upper_case_uuids_become_numbers() {
        assert!(parse_uuid(b"6AF95C77-3A05-41D5-9F32-F0F0C12CE8FA").is_some());
        assert!(parse_uuid(b"6af95c77-3a05-41d5-9f32-f0f0c12ce8fa").is_none());
        assert!(parse_uuid(b"6AF95C77-3A05-41D5-9F32-F0F0C12CE8F").is_none());
        assert!(parse_uuid(b"6AF95C77+3A05-41D5-9F32-F0F0C12CE8FA").is_none());
        assert_eq!(parse_uuid(b"6AF95C77-3A05-41D5-9F32-F0F0C12CE8FA"), Some(0x6AF95C77_3A05_41D5_9F32_F0F0C12CE8FA));
    }

    /// The byte-by-byte definition that `parse_uuid` computes eight digits at a time.
    fn parse_uuid_bytewise(text: &[u8]) -> Option<u128> {
        if text.len() != 36 {
            return None;
        }
        let mut value: u128 = 0;
        for (position, &byte) in text.iter().enumerate() {
            let dash = matches!(position, 8 | 13 | 18 | 23);
            let digit = match byte {
                b'-' if dash => continue,
                b'0'..=b'9' if !dash => byte - b'0',
                b'A'..=b'F' if !dash => byte - b'A' + 10,
                _ => return None,
            };
            value = (value << 4) | u128::from(digit);
        }
        Some(value)
    }

    #[test]
    fn uuid_parsing_agrees_with_the_bytewise_definition_on_every_byte_at_every_position() {
        for valid in [b"6AF95C77-3A05-41D5-9F32-F0F0C12CE8FA", b"00000000-0000-0000-0000-000000000000", b"FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", b"01234567-89AB-CDEF-0123-456789ABCDEF"] {
            for position in 0..36 {
                for byte in 0..=255u8 {
                    let mut text = *valid;
                    text[position] = byte;
                    assert_eq!(parse_uuid(&text), parse_uuid_bytewise(&text), "{}", String::from_utf8_lossy(&text));
                }
            }
        }
    }
}
