//! The merged history of every export read so far: deduplicated records, stored compactly.
//!
//! Strings are interned once (an app's bundle ID is stored once, however many records name
//! it); record identifiers that are Apple's upper-case UUIDs are kept as 128-bit numbers.
//! Deduplication follows the pinned semantics (README, "Semantics"): access and event
//! records by (`identifier`, `kind`), keeping the copy with the earliest `timeStamp`, then
//! the smaller canonical line; network records when every field is equal.

use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap;
use serde_json::json;

use crate::record::{Access, AccessKind, Event, Network};
use crate::time::Timestamp;

/// Index of an interned string.
pub type Name = u32;
/// Index of a file in the order the files were read.
pub type FileIndex = u16;

/// Interned strings: each distinct string is stored once and named by its index.
#[derive(Default)]
pub struct Names {
    texts: Vec<Box<str>>,
    index: FxHashMap<Box<str>, Name>,
}

impl Names {
    /// The name of `text`, adding it if it is new.
    pub fn intern(&mut self, text: &str) -> Name {
        if let Some(&name) = self.index.get(text) {
            return name;
        }
        let name = self.texts.len() as Name;
        self.texts.push(text.into());
        self.index.insert(text.into(), name);
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
    flags: u8,
}

const OUT_OF_PROCESS: u8 = 1;
const HAS_ACCESS_COUNT: u8 = 2;
const HAS_BROADCASTER: u8 = 4;

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
            flags: flag(out_of_process, OUT_OF_PROCESS)
                | flag(access_count.is_some(), HAS_ACCESS_COUNT)
                | flag(broadcaster.is_some(), HAS_BROADCASTER),
        }
    }

    /// `timeStamp`
    pub fn time(&self) -> Timestamp {
        Timestamp::from_parts(self.utc_ms, self.offset_minutes).expect("validated when parsed")
    }

    /// `broadcaster.identifier`, if any.
    pub fn broadcaster(&self) -> Option<Name> {
        (self.flags & HAS_BROADCASTER != 0).then_some(self.broadcaster)
    }

    /// `accessCount`, if present.
    pub fn access_count(&self) -> Option<u64> {
        (self.flags & HAS_ACCESS_COUNT != 0).then_some(self.access_count)
    }

    /// `outOfProcess`
    pub fn out_of_process(&self) -> bool {
        self.flags & OUT_OF_PROCESS != 0
    }

    /// Where the kept copy was read.
    pub fn origin(&self) -> Origin {
        Origin { file: self.file, line: u64::from(self.line) }
    }

    /// Equal but for where it was read.
    fn same_content(&self, other: &AccessEnd) -> bool {
        AccessEnd { file: other.file, line: other.line, ..*self } == *other
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
        let mut files = self.as_slice().to_vec();
        if let Err(at) = files.binary_search(&file) {
            files.insert(at, file);
            *self = Files::Many(files);
        }
    }
}

/// Records keyed by an access identifier: Apple's upper-case UUIDs as numbers, others as text.
pub struct ByIdentifier<V> {
    uuids: FxHashMap<u128, V>,
    texts: FxHashMap<Name, V>,
}

impl<V> Default for ByIdentifier<V> {
    fn default() -> Self {
        ByIdentifier { uuids: FxHashMap::default(), texts: FxHashMap::default() }
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
    pub network: FxHashMap<NetworkRecord, Files>,
    /// Copies dropped by deduplication, of all record types.
    pub duplicates: u64,
}

impl History {
    /// Makes room for the access records of about `bytes` more bytes of export, so that the
    /// table is not rebuilt again and again as it grows (about 720 bytes per identifier:
    /// two lines of about 280 bytes, and a fifth of the lines are network records).
    pub fn reserve_for(&mut self, bytes: u64) {
        let identifiers = (bytes / 720).min(1 << 26) as usize;
        self.access.uuids.reserve(identifiers);
    }

    /// Adds one access record whose `timeStamp` parsed as `time`.
    pub fn add_access(&mut self, access: &Access<'_>, time: Timestamp, origin: Origin) {
        let record = AccessEnd::new(
            time,
            self.names.intern(&access.accessor),
            self.names.intern(&access.category),
            access.broadcaster.as_deref().map(|name| self.names.intern(name)),
            access.access_count,
            access.out_of_process,
            origin,
        );
        let pair = self.access.slot(&access.identifier, &mut self.names);
        let slot = match access.kind {
            AccessKind::Begin => &mut pair.begin,
            AccessKind::End => &mut pair.end,
        };
        match slot {
            None => *slot = Some(record),
            Some(kept) => {
                self.duplicates += 1;
                if access_wins(&self.names, &record, kept, &access.identifier, access.kind) {
                    *slot = Some(record);
                }
            }
        }
    }

    /// Adds one beta access event whose time parsed as `time`.
    pub fn add_event(&mut self, event: &Event<'_>, time: Timestamp, origin: Origin) {
        let record = EventRecord {
            time,
            app: self.names.intern(&event.accessor),
            category: self.names.intern(&event.category),
            origin,
        };
        let slot = self.events.slot(&event.identifier, &mut self.names);
        match slot {
            None => *slot = Some(record),
            Some(kept) => {
                self.duplicates += 1;
                let key = |r: &EventRecord| {
                    (r.time.utc_ms(), self.names.text(r.app), self.names.text(r.category), r.time.offset_minutes())
                };
                if key(&record) < key(kept) {
                    *slot = Some(record);
                }
            }
        }
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

/// Whether `new` replaces `kept`: the earlier time wins, then the smaller canonical line;
/// a copy with the same content keeps the first one read.
fn access_wins(names: &Names, new: &AccessEnd, kept: &AccessEnd, identifier: &str, kind: AccessKind) -> bool {
    if new.same_content(kept) {
        return false;
    }
    // The instant decides; the offset a copy was written in does not (the canonical line does).
    match new.time().utc_ms().cmp(&kept.time().utc_ms()) {
        std::cmp::Ordering::Less => true,
        std::cmp::Ordering::Greater => false,
        std::cmp::Ordering::Equal => {
            canonical_line(names, new, identifier, kind) < canonical_line(names, kept, identifier, kind)
        }
    }
}

/// The record as iOS writes it: compact JSON with its keys in alphabetical order.
fn canonical_line(names: &Names, record: &AccessEnd, identifier: &str, kind: AccessKind) -> String {
    let mut line = json!({
        "accessor": {"identifier": names.text(record.app), "identifierType": "bundleID"},
        "category": names.text(record.category),
        "identifier": identifier,
        "kind": match kind { AccessKind::Begin => "intervalBegin", AccessKind::End => "intervalEnd" },
        "timeStamp": record.time().to_rfc3339(),
        "type": "access",
    });
    if let Some(count) = record.access_count() {
        line["accessCount"] = json!(count);
    }
    if let Some(broadcaster) = record.broadcaster() {
        line["broadcaster"] = json!({"identifier": names.text(broadcaster), "identifierType": "bundleID"});
    }
    if record.out_of_process() {
        line["outOfProcess"] = json!(true);
    }
    line.to_string()
}

/// Parses `XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX` with upper-case hex digits only, so that
/// the number stands for exactly one spelling.
fn parse_uuid(text: &[u8]) -> Option<u128> {
    if text.len() != 36 {
        return None;
    }
    let mut value: u128 = 0;
    for (position, &byte) in text.iter().enumerate() {
        let digit = match byte {
            b'-' if matches!(position, 8 | 13 | 18 | 23) => continue,
            b'0'..=b'9' if !matches!(position, 8 | 13 | 18 | 23) => byte - b'0',
            b'A'..=b'F' if !matches!(position, 8 | 13 | 18 | 23) => byte - b'A' + 10,
            _ => return None,
        };
        value = (value << 4) | u128::from(digit);
    }
    Some(value)
}
