//! The kept network records: each distinct record once, with the files it was read from.
//!
//! A 1 GB history holds about 900 000 of them, so they are stored compactly: the records
//! side by side in the order first read, and a hash index of their positions (4 bytes a
//! slot) instead of a map holding whole records in its slots, half of them empty.

use std::hash::BuildHasher;

use hashbrown::hash_table::Entry;
use hashbrown::HashTable;

use crate::hashing::RandomState;
use crate::history::{FileIndex, HashMap, NetworkRecord};

/// In [`NetworkTable::files`]: the record was read from several files, listed in
/// [`NetworkTable::several`]. No run reads 2^32 − 1 files.
const SEVERAL: FileIndex = FileIndex::MAX;

/// Network records, each once (equal records are exact duplicates).
#[derive(Default)]
pub struct NetworkTable {
    /// The records in the order first read.
    records: Vec<NetworkRecord>,
    /// The file each record was read from, or [`SEVERAL`].
    files: Vec<FileIndex>,
    /// The files, sorted, of each record read from more than one (by position).
    several: HashMap<u32, Vec<FileIndex>>,
    /// The position of each record in `records`, hashed by the record.
    index: HashTable<u32>,
    hasher: RandomState,
}

impl NetworkTable {
    /// How many distinct records there are.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Makes room for `additional` more records if memory allows (a failed reservation only
    /// means the table grows step by step).
    pub fn reserve(&mut self, additional: usize) {
        let Self {
            records,
            index,
            hasher,
            ..
        } = self;
        let _ = index.try_reserve(additional, |&at| hasher.hash_one(records[at as usize]));
        // As many records as the index holds before it grows: a vector grown by doubling
        // would waste more.
        let room = index.capacity().saturating_sub(records.len());
        let _ = records.try_reserve_exact(room);
        let _ = self.files.try_reserve_exact(room);
    }

    /// Adds `record`, read from `file`; returns false when it was already kept (a copy).
    pub fn add(&mut self, record: NetworkRecord, file: FileIndex) -> bool {
        let Self {
            records,
            files,
            several,
            index,
            hasher,
        } = self;
        let hash = hasher.hash_one(record);
        let entry = index.entry(
            hash,
            |&at| records[at as usize] == record,
            |&at| hasher.hash_one(records[at as usize]),
        );
        match entry {
            Entry::Vacant(vacant) => {
                vacant.insert(records.len() as u32);
                records.push(record);
                files.push(file);
                true
            }
            Entry::Occupied(occupied) => {
                let at = *occupied.get();
                let first = &mut files[at as usize];
                if *first == SEVERAL {
                    let read_from = several.get_mut(&at).expect("listed when marked");
                    if let Err(place) = read_from.binary_search(&file) {
                        read_from.insert(place, file);
                    }
                } else if *first != file {
                    let mut read_from = vec![*first, file];
                    read_from.sort_unstable();
                    several.insert(at, read_from);
                    *first = SEVERAL;
                }
                false
            }
        }
    }

    /// Every record with the files it was read from (sorted), in the order first read.
    pub fn iter(&self) -> impl Iterator<Item = (&NetworkRecord, &[FileIndex])> {
        (0u32..)
            .zip(&self.records)
            .zip(&self.files)
            .map(|((at, record), file)| {
                let files = if *file == SEVERAL {
                    self.several[&at].as_slice()
                } else {
                    std::slice::from_ref(file)
                };
                (record, files)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Timestamp;

    fn record(app: u32, hits: u64) -> NetworkRecord {
        let time = Timestamp::parse("2021-09-01T00:00:00Z").expect("a timestamp");
        NetworkRecord {
            app,
            domain: 1,
            context: 2,
            initiated_type: 3,
            owner: 4,
            classes: 0,
            domain_type: 2,
            hits,
            first: time,
            last: time,
        }
    }

    #[test]
    fn each_record_is_kept_once_with_every_file_it_was_read_from() {
        let mut table = NetworkTable::default();
        table.reserve(2);
        assert!(table.add(record(7, 10), 2));
        assert!(
            table.add(record(7, 11), 0),
            "another hit count is another record"
        );
        assert!(!table.add(record(7, 10), 2), "a copy from the same file");
        assert!(!table.add(record(7, 10), 0));
        assert!(!table.add(record(7, 10), 1));
        assert!(!table.add(record(7, 10), 0));
        // More records than reserved: the table grows and still finds the first ones.
        for hits in 100..1100 {
            assert!(table.add(record(8, hits), 3));
        }
        assert!(!table.add(record(7, 11), 0));
        assert_eq!(table.len(), 1002);
        let kept: Vec<(u32, u64, Vec<FileIndex>)> = table
            .iter()
            .take(3)
            .map(|(record, files)| (record.app, record.hits, files.to_vec()))
            .collect();
        assert_eq!(
            kept,
            vec![(7, 10, vec![0, 1, 2]), (7, 11, vec![0]), (8, 100, vec![3])]
        );
    }
}
