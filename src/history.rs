//! The merged history of every export read so far: deduplicated records, stored compactly.
//!
//! Strings are interned once (an app's bundle ID is stored once, however many records name
//! it); record identifiers that are Apple's upper-case UUIDs are kept as 128-bit numbers.
//! Deduplication follows the pinned semantics (README, "Semantics"): access records by
//! (`identifier`, `kind`), keeping the copy with the earliest instant, then the smaller
//! canonical line; beta events by `identifier`, earliest instant, then app, category and
//! offset; network records when every field is equal.

use std::hash::BuildHasher;

use hashbrown::{hash_table, HashTable};
use serde_json::json;

use crate::hashing::RandomState;
use crate::network_table::NetworkTable;
use crate::record::{Access, AccessKind, Event, Network};
use crate::time::Timestamp;
use crate::uuid::{parse_uuid, Uuid};

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
        Names {
            texts: Vec::new(),
            index: HashMap::default(),
            recent: [Name::MAX; RECENT_SLOTS],
        }
    }
}

impl Names {
    /// The name of `text`, adding it if it is new.
    // Inlined, with the look-up in the index apart: most calls find the name in `recent`,
    // and the call itself (saving and restoring registers) was a third of their cost.
    #[inline]
    pub fn intern(&mut self, text: &str) -> Name {
        let last = text.as_bytes().last().copied().unwrap_or(0);
        let slot = (text.len() * 7 + usize::from(last)) % RECENT_SLOTS;
        let recent = self.recent[slot];
        if self
            .texts
            .get(recent as usize)
            .is_some_and(|known| **known == *text)
        {
            return recent;
        }
        self.look_up(text, slot)
    }

    /// The name of `text` from the index, adding it if it is new; remembered in `slot`.
    #[inline(never)]
    fn look_up(&mut self, text: &str, slot: usize) -> Name {
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

    /// The name of `text`, if it has one.
    pub fn find(&self, text: &str) -> Option<Name> {
        self.index.get(text).copied()
    }

    /// How many names there are (names are `0..len`).
    pub fn len(&self) -> usize {
        self.texts.len()
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

/// One kept access record (one end of an interval), as the report needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccessEnd {
    /// `timeStamp`
    pub time: Timestamp,
    /// `accessor.identifier`
    pub app: Name,
    /// `category`
    pub category: Name,
    /// `outOfProcess`
    pub out_of_process: bool,
}

/// The records kept for one access `identifier`, as the report needs them.
#[derive(Clone, Copy, Debug)]
pub struct AccessPair {
    /// The `intervalBegin` record.
    pub begin: Option<AccessEnd>,
    /// The `intervalEnd` record.
    pub end: Option<AccessEnd>,
    /// Where the kept `intervalEnd` was read (pairing diagnostics point at the end).
    pub end_origin: Origin,
}

/// The records kept for one access identifier, packed into 48 bytes (plus 5 for its place
/// in the index) because there is one per identifier: a 1 GB history has 1.6 million.
///
/// Each end is one word: its [`Timestamp::to_bits`] (61 bits, never 0) and three flags
/// above them, or 0 when no record of that kind is kept. Both ends nearly always name the
/// same app and category, stored once; whatever a word cannot say (another app or category
/// than the slot's, a `broadcaster`, an `accessCount` other than 0) is in
/// [`AccessTable::unusual`], and the word says so.
#[derive(Clone, Copy, Default)]
pub struct AccessSlot {
    /// The identifier when it is a UUID (the index finds slots by it); (0, 0) otherwise.
    uuid: Uuid,
    begin: u64,
    end: u64,
    /// The app and category of every end stored without [`UNUSUAL`].
    app: Name,
    category: Name,
    /// The 1-based line of the kept end (saturating at `u32::MAX`), and its file.
    end_line: u32,
    end_file: FileIndex,
}

/// Flags of an end's word, above its 61 timestamp bits.
const TIME_BITS: u32 = 61;
const TIME_MASK: u64 = (1 << TIME_BITS) - 1;
const OUT_OF_PROCESS: u64 = 1 << 61;
/// `accessCount` is 0 (iOS 18 and later write it on every record, always 0 so far).
const ZERO_ACCESS_COUNT: u64 = 1 << 62;
/// App, category, broadcaster and access count are in [`AccessTable::unusual`].
const UNUSUAL: u64 = 1 << 63;

impl AccessSlot {
    fn word(&self, kind: AccessKind) -> u64 {
        match kind {
            AccessKind::Begin => self.begin,
            AccessKind::End => self.end,
        }
    }

    fn word_mut(&mut self, kind: AccessKind) -> &mut u64 {
        match kind {
            AccessKind::Begin => &mut self.begin,
            AccessKind::End => &mut self.end,
        }
    }
}

/// The timestamp of an end's (non-zero) word: its 61 low bits, sign-extended.
fn time_of(word: u64) -> Timestamp {
    Timestamp::from_bits(((word << (64 - TIME_BITS)) as i64) >> (64 - TIME_BITS))
}

/// What an end's word cannot hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct UnusualEnd {
    app: Name,
    category: Name,
    broadcaster: Option<Name>,
    access_count: Option<u64>,
}

/// The position of an identifier's slot in [`AccessTable::slots`]. 32 bits are enough:
/// 2^32 slots would take 128 GiB.
type SlotIndex = u32;

/// Every kept access record, by identifier.
#[derive(Default)]
pub struct AccessTable {
    /// Where each identifier's slot is.
    index: AccessIndex,
    /// The slots in the order their identifiers were first read. Exports are written in
    /// time order, so the report meets intervals nearly sorted (cheaper to sort) and walks
    /// memory in order, not the hash table's random order.
    slots: Vec<AccessSlot>,
    /// The few ends whose content does not fit their slot's word (see [`AccessSlot`]).
    unusual: HashMap<(SlotIndex, AccessKind), UnusualEnd>,
}

impl AccessTable {
    /// Every identifier's records, in the order the identifiers were first read.
    pub fn pairs(&self) -> impl Iterator<Item = AccessPair> + '_ {
        (0..).zip(&self.slots).map(|(key, slot): (SlotIndex, _)| {
            let end = |kind| match slot.word(kind) {
                0 => None,
                // Nearly every end: all it says is in the word and the slot.
                word if word & UNUSUAL == 0 => Some(AccessEnd {
                    time: time_of(word),
                    app: slot.app,
                    category: slot.category,
                    out_of_process: word & OUT_OF_PROCESS != 0,
                }),
                _ => kept_end(&self.unusual, key, slot, kind).map(|(end, _)| end),
            };
            AccessPair {
                begin: end(AccessKind::Begin),
                end: end(AccessKind::End),
                end_origin: Origin {
                    file: slot.end_file,
                    line: u64::from(slot.end_line),
                },
            }
        })
    }

    /// Kept access records (each begin and each end counts one).
    pub fn records(&self) -> u64 {
        self.slots
            .iter()
            .map(|slot| u64::from(slot.begin != 0) + u64::from(slot.end != 0))
            .sum()
    }
}

/// Where each access identifier's slot is: a UUID's position in a table hashed by the
/// UUID its slot holds (4 bytes a place, where a map would hold the 16-byte UUID too),
/// other identifiers' by their name.
#[derive(Default)]
struct AccessIndex {
    uuids: HashTable<SlotIndex>,
    texts: HashMap<Name, SlotIndex>,
    hasher: RandomState,
}

impl AccessIndex {
    /// Makes room for `additional` more UUIDs, and their slots, if memory allows (a failed
    /// reservation only means the tables grow step by step).
    fn reserve(&mut self, additional: usize, slots: &mut Vec<AccessSlot>) {
        let hasher = &self.hasher;
        let _ = self
            .uuids
            .try_reserve(additional, |&at| hasher.hash_one(slots[at as usize].uuid));
        // As many slots as the index holds before it grows: the estimate is low on purpose
        // (see `History::reserve_for`), and a vector grown by doubling would waste more.
        let _ = slots.try_reserve_exact(self.uuids.capacity().saturating_sub(slots.len()));
    }

    /// The slot of `identifier` (whose UUID is `uuid`, see [`parse_uuid`]) and its index,
    /// added empty if the identifier is new.
    fn slot<'t>(
        &mut self,
        slots: &'t mut Vec<AccessSlot>,
        identifier: &str,
        uuid: Option<Uuid>,
        names: &mut Names,
    ) -> (SlotIndex, &'t mut AccessSlot) {
        debug_assert_eq!(uuid, parse_uuid(identifier.as_bytes()));
        let next = slots.len() as SlotIndex;
        let at = match uuid {
            Some(uuid) => {
                let hasher = &self.hasher;
                let entry = self.uuids.entry(
                    hasher.hash_one(uuid),
                    |&at| slots[at as usize].uuid == uuid,
                    |&at| hasher.hash_one(slots[at as usize].uuid),
                );
                match entry {
                    hash_table::Entry::Occupied(occupied) => *occupied.get(),
                    hash_table::Entry::Vacant(vacant) => {
                        vacant.insert(next);
                        slots.push(AccessSlot {
                            uuid,
                            ..AccessSlot::default()
                        });
                        next
                    }
                }
            }
            None => {
                let at = *self.texts.entry(names.intern(identifier)).or_insert(next);
                if at == next {
                    slots.push(AccessSlot::default());
                }
                at
            }
        };
        (at, &mut slots[at as usize])
    }
}

/// The kept end of `kind` of `slot` (at `key`), with its broadcaster and access count.
fn kept_end(
    unusual: &HashMap<(SlotIndex, AccessKind), UnusualEnd>,
    key: SlotIndex,
    slot: &AccessSlot,
    kind: AccessKind,
) -> Option<(AccessEnd, UnusualEnd)> {
    let word = slot.word(kind);
    if word == 0 {
        return None;
    }
    let time = time_of(word);
    let content = if word & UNUSUAL != 0 {
        unusual[&(key, kind)]
    } else {
        let access_count = (word & ZERO_ACCESS_COUNT != 0).then_some(0);
        UnusualEnd {
            app: slot.app,
            category: slot.category,
            broadcaster: None,
            access_count,
        }
    };
    let end = AccessEnd {
        time,
        app: content.app,
        category: content.category,
        out_of_process: word & OUT_OF_PROCESS != 0,
    };
    Some((end, content))
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
    /// `domainOwner`
    pub owner: Name,
    /// `domainClassification` and `contextVerificationType`, which only deduplication
    /// reads: numbered in [`History::network_classes`] (one per distinct pair, a handful),
    /// to keep the record small.
    pub(crate) classes: u32,
    /// `domainType`
    pub domain_type: u64,
    /// `hits`
    pub hits: u64,
    /// `firstTimeStamp`
    pub first: Timestamp,
    /// `timeStamp`
    pub last: Timestamp,
}

/// Values numbered in the order first seen.
struct Numbered<T> {
    numbers: HashMap<T, u32>,
    /// The value numbered last: records repeat it far more often than not.
    last: Option<(T, u32)>,
}

impl<T> Default for Numbered<T> {
    fn default() -> Self {
        Numbered {
            numbers: HashMap::default(),
            last: None,
        }
    }
}

impl<T: Copy + Eq + std::hash::Hash> Numbered<T> {
    /// The number of `value`, giving it the next one if it is new.
    fn number(&mut self, value: T) -> u32 {
        match self.last {
            Some((last, number)) if last == value => number,
            _ => {
                let next = self.numbers.len() as u32;
                let number = *self.numbers.entry(value).or_insert(next);
                self.last = Some((value, number));
                number
            }
        }
    }
}

/// Records keyed by an access identifier: Apple's upper-case UUIDs as numbers, others as text.
pub struct ByIdentifier<V> {
    uuids: HashMap<Uuid, V>,
    texts: HashMap<Name, V>,
}

impl<V> Default for ByIdentifier<V> {
    fn default() -> Self {
        ByIdentifier {
            uuids: HashMap::default(),
            texts: HashMap::default(),
        }
    }
}

impl<V> ByIdentifier<V> {
    /// The value stored for `identifier`, set to `new` if there is none; `uuid` is
    /// [`parse_uuid`] of `identifier`.
    fn slot_or(
        &mut self,
        identifier: &str,
        uuid: Option<Uuid>,
        names: &mut Names,
        new: V,
    ) -> &mut V {
        debug_assert_eq!(uuid, parse_uuid(identifier.as_bytes()));
        match uuid {
            Some(uuid) => self.uuids.entry(uuid).or_insert(new),
            None => self.texts.entry(names.intern(identifier)).or_insert(new),
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
    pub access: AccessTable,
    /// Beta access events by identifier.
    pub events: ByIdentifier<Option<EventRecord>>,
    /// Network records, each with the files it was read from.
    pub network: NetworkTable,
    /// The (`domainClassification`, `contextVerificationType`) pairs of network records.
    network_classes: Numbered<(Option<u64>, Option<u64>)>,
    /// Copies dropped by deduplication, of all record types.
    pub duplicates: u64,
    /// Identifiers to make room for at the next access record (see `reserve_for`).
    reserve: usize,
    /// Network records to make room for at the next network record (see `reserve_for`).
    reserve_network: usize,
}

impl History {
    /// Makes room for the records of about `bytes` more bytes of export, so that the tables
    /// are not rebuilt again and again as they grow (in WebAssembly every table left behind
    /// stays in memory, which never shrinks): one access identifier per 680 bytes (two
    /// access lines of about 265 bytes, and network lines are a fifth of all lines), one
    /// network record per 1 220 bytes. Not more: a table's size is rounded up to a power of
    /// two anyway, and every slot of a table filled at random is soon in memory.
    ///
    /// Each table's room is taken when its first record arrives (so a file that is not an
    /// export costs nothing), at most for 2 million identifiers and 1 million network
    /// records, and only if memory allows.
    pub fn reserve_for(&mut self, bytes: u64) {
        self.reserve = (bytes / 680).min(1 << 21) as usize;
        self.reserve_network = (bytes / 1220).min(1 << 20) as usize;
    }

    /// Adds one access record whose `timeStamp` parsed as `time` and whose `identifier`
    /// parsed as `uuid` ([`parse_uuid`]: the caller parses, so that it can be done ahead).
    pub fn add_access(
        &mut self,
        access: &Access<'_>,
        uuid: Option<Uuid>,
        time: Timestamp,
        origin: Origin,
    ) {
        if self.reserve > 0 {
            let AccessTable { index, slots, .. } = &mut self.access;
            index.reserve(std::mem::take(&mut self.reserve), slots);
        }
        let names = &mut self.names;
        let AccessTable {
            index,
            slots,
            unusual,
        } = &mut self.access;
        let (key, slot) = index.slot(slots, &access.identifier, uuid, names);
        let new = AccessContent {
            app: &access.accessor,
            category: &access.category,
            broadcaster: access.broadcaster.as_deref(),
            access_count: access.access_count,
            out_of_process: access.out_of_process,
            time,
        };
        let kind = access.kind;
        if let Some((kept, kept_content)) = kept_end(unusual, key, slot, kind) {
            self.duplicates += 1;
            // Names are interned only for a copy that is kept, so dropped copies cost nothing.
            let kept = AccessContent::of(&kept, &kept_content, names);
            if !new.replaces(&kept, &access.identifier, kind) {
                return;
            }
        }
        let content = UnusualEnd {
            app: names.intern(new.app),
            category: names.intern(new.category),
            broadcaster: new.broadcaster.map(|name| names.intern(name)),
            access_count: new.access_count,
        };
        let other = slot.word(match kind {
            AccessKind::Begin => AccessKind::End,
            AccessKind::End => AccessKind::Begin,
        });
        // The slot's app and category are free to take this end's unless the other end
        // is stored by them.
        if other == 0 || other & UNUSUAL != 0 {
            (slot.app, slot.category) = (content.app, content.category);
        }
        let usual = (content.app, content.category) == (slot.app, slot.category)
            && content.broadcaster.is_none()
            && matches!(content.access_count, None | Some(0));
        let flag = |set: bool, bit: u64| if set { bit } else { 0 };
        let word = slot.word_mut(kind);
        let was_unusual = *word & UNUSUAL != 0;
        *word = (time.to_bits() as u64 & TIME_MASK)
            | flag(new.out_of_process, OUT_OF_PROCESS)
            | flag(content.access_count == Some(0), ZERO_ACCESS_COUNT)
            | flag(!usual, UNUSUAL);
        if kind == AccessKind::End {
            slot.end_line = u32::try_from(origin.line).unwrap_or(u32::MAX);
            slot.end_file = origin.file;
        }
        if !usual {
            unusual.insert((key, kind), content);
        } else if was_unusual {
            unusual.remove(&(key, kind));
        }
    }

    /// Adds one beta access event whose time parsed as `time`.
    pub fn add_event(&mut self, event: &Event<'_>, time: Timestamp, origin: Origin) {
        let names = &mut self.names;
        let slot = self.events.slot_or(
            &event.identifier,
            parse_uuid(event.identifier.as_bytes()),
            names,
            None,
        );
        // Copies are ordered by instant, then app, category and offset (all as text).
        let key = (
            time.utc_ms(),
            event.accessor.as_ref(),
            event.category.as_ref(),
            time.offset_minutes(),
        );
        if let Some(kept) = slot {
            self.duplicates += 1;
            let kept_key = (
                kept.time.utc_ms(),
                names.text(kept.app),
                names.text(kept.category),
                kept.time.offset_minutes(),
            );
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
    pub fn add_network(
        &mut self,
        network: &Network<'_>,
        first: Timestamp,
        last: Timestamp,
        file: FileIndex,
    ) {
        if self.reserve_network > 0 {
            self.network
                .reserve(std::mem::take(&mut self.reserve_network));
        }
        let record = NetworkRecord {
            app: self.names.intern(&network.bundle_id),
            domain: self.names.intern(&network.domain),
            context: self.names.intern(&network.context),
            initiated_type: self.names.intern(&network.initiated_type),
            owner: self.names.intern(&network.domain_owner),
            classes: self.network_classes.number((
                network.domain_classification,
                network.context_verification_type,
            )),
            domain_type: network.domain_type,
            hits: network.hits,
            first,
            last,
        };
        if !self.network.add(record, file) {
            self.duplicates += 1;
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
    fn of(kept: &AccessEnd, content: &UnusualEnd, names: &'t Names) -> AccessContent<'t> {
        AccessContent {
            app: names.text(content.app),
            category: names.text(content.category),
            broadcaster: content.broadcaster.map(|name| names.text(name)),
            access_count: content.access_count,
            out_of_process: kept.out_of_process,
            time: kept.time,
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
            std::cmp::Ordering::Equal => {
                self.canonical_line(identifier, kind) < kept.canonical_line(identifier, kind)
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_access_slot_stays_small() {
        // One per access identifier of a year of exports (plus a u32 in the index): the size
        // is a memory budget.
        assert_eq!(std::mem::size_of::<AccessSlot>(), 48);
        // One per distinct network record (plus a u32 for its file and one in the index).
        assert_eq!(std::mem::size_of::<NetworkRecord>(), 56);
    }

    /// Adds the access line with the given parts to `history`.
    fn add(history: &mut History, app: &str, kind: &str, time: &str, extra: &str, line: u64) {
        let text = format!(
            r#"{{{extra}"accessor":{{"identifier":"{app}","identifierType":"bundleID"}},"category":"photos","identifier":"6AF95C77-3A05-41D5-9F32-F0F0C12CE8FA","kind":"{kind}","timeStamp":"{time}","type":"access"}}"#
        );
        let Ok(crate::record::Line::Access(access)) = crate::decode::decode_line(text.as_bytes())
        else {
            panic!("{text}")
        };
        let uuid = parse_uuid(access.identifier.as_bytes());
        history.add_access(
            &access,
            uuid,
            Timestamp::parse(&access.time_stamp).unwrap(),
            Origin { file: 0, line },
        );
    }

    #[test]
    fn ends_that_do_not_fit_their_slot_are_kept_aside_until_replaced() {
        let mut history = History::default();
        add(
            &mut history,
            "com.a",
            "intervalBegin",
            "2025-03-27T00:00:00.000Z",
            r#""accessCount":0,"#,
            1,
        );
        // Another app, a broadcaster and a count other than 0: all kept beside the slot.
        let unusual =
            r#""accessCount":5,"broadcaster":{"identifier":"com.c","identifierType":"bundleID"},"#;
        add(
            &mut history,
            "com.b",
            "intervalEnd",
            "2025-03-27T01:01:00.000+01:00",
            unusual,
            2,
        );
        let pair = history.access.pairs().next().unwrap();
        let (begin, end) = (pair.begin.unwrap(), pair.end.unwrap());
        assert_eq!(
            (history.names.text(begin.app), history.names.text(end.app)),
            ("com.a", "com.b")
        );
        assert_eq!(
            (end.time.offset_minutes(), pair.end_origin),
            (60, Origin { file: 0, line: 2 })
        );
        assert_eq!(history.access.unusual.len(), 1);
        // An earlier copy of the end replaces it and fits the slot again.
        add(
            &mut history,
            "com.a",
            "intervalEnd",
            "2025-03-27T00:00:30.000Z",
            r#""outOfProcess":true,"#,
            3,
        );
        let pair = history.access.pairs().next().unwrap();
        let end = pair.end.unwrap();
        assert_eq!(
            (
                history.names.text(end.app),
                end.out_of_process,
                pair.end_origin.line
            ),
            ("com.a", true, 3)
        );
        assert!(history.access.unusual.is_empty());
        assert_eq!((history.access.records(), history.duplicates), (2, 1));
    }
}
