//! Reading a run of whole lines on two threads: both digest batches of lines
//! ([`digest_batch`]), and this thread also records the digested batches, in order.
//!
//! Whichever thread is free takes the next batch to digest, and this thread records a
//! digested batch as soon as it is its turn, so the work splits about evenly however much
//! recording costs next to digesting (a fixed split left this thread doing 60 % of the work).

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use crate::digest::{digest_batch, Batch, DigestedLine};

/// Batches end at the first line end after this many bytes: a batch takes far longer to
/// digest than to take, and neither thread waits long for the other at the end of a run.
const BATCH: usize = 64 << 10;
/// Batches taken but not yet recorded, at most: bounds the memory of the digests (about
/// 30 KiB per batch) whatever the length of the run.
const AHEAD: usize = 32;

struct Digested<'a> {
    bytes: &'a [u8],
    text: Option<&'a str>,
    lines: Vec<DigestedLine>,
}

/// A batch taken by a thread, to digest.
struct Taken<'a> {
    number: usize,
    bytes: &'a [u8],
    buffer: Vec<DigestedLine>,
}

impl<'a> Taken<'a> {
    fn digest(mut self) -> (usize, Digested<'a>) {
        let text = digest_batch(self.bytes, &mut self.buffer);
        (
            self.number,
            Digested {
                bytes: self.bytes,
                text,
                lines: self.buffer,
            },
        )
    }
}

/// What the two threads share.
struct Queue<'a> {
    /// The lines no thread has taken yet.
    rest: &'a [u8],
    /// Batches taken, and batches recorded, so far.
    taken: usize,
    recorded: usize,
    /// Batches digested and not yet recorded, at their number modulo [`AHEAD`].
    digested: Vec<Option<Digested<'a>>>,
    /// Digest buffers to reuse.
    spare: Vec<Vec<DigestedLine>>,
    /// Threads waiting for the other.
    waiting: u32,
    /// A thread has stopped (see [`Leaving`]).
    stopped: bool,
}

impl<'a> Queue<'a> {
    /// The next batch to digest, if there is one and room for its digests.
    fn take(&mut self) -> Option<Taken<'a>> {
        if self.rest.is_empty() || self.taken == self.recorded + AHEAD {
            return None;
        }
        let end = if self.rest.len() > BATCH {
            // `rest` ends with a line end, so there is one at or after BATCH - 1.
            BATCH + memchr::memchr(b'\n', &self.rest[BATCH - 1..]).expect("whole lines")
        } else {
            self.rest.len()
        };
        let (bytes, rest) = self.rest.split_at(end);
        self.rest = rest;
        let number = self.taken;
        self.taken += 1;
        Some(Taken {
            number,
            bytes,
            buffer: self.spare.pop().unwrap_or_default(),
        })
    }

    fn put(&mut self, (number, digested): (usize, Digested<'a>)) {
        self.digested[number % AHEAD] = Some(digested);
    }
}

struct Shared<'a> {
    queue: Mutex<Queue<'a>>,
    changed: Condvar,
}

impl<'a> Shared<'a> {
    fn lock(&self) -> MutexGuard<'_, Queue<'a>> {
        // The queue is consistent between any two statements, so a panic elsewhere leaves
        // it usable; `Leaving` then ends the run.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'g>(&self, mut queue: MutexGuard<'g, Queue<'a>>) -> MutexGuard<'g, Queue<'a>> {
        queue.waiting += 1;
        let mut queue = self
            .changed
            .wait(queue)
            .unwrap_or_else(PoisonError::into_inner);
        queue.waiting -= 1;
        queue
    }

    /// Wakes the other thread if it waits (a wake-up is a system call).
    fn wake(&self, queue: &Queue<'a>) {
        if queue.waiting > 0 {
            self.changed.notify_all();
        }
    }
}

/// Marks the run stopped when a thread leaves it, even by a panic: no batch is taken
/// any more, and the other thread is woken, so that it never waits for this one forever.
struct Leaving<'s, 'a>(&'s Shared<'a>);

impl Drop for Leaving<'_, '_> {
    fn drop(&mut self) {
        let mut queue = self.0.lock();
        queue.rest = &[];
        queue.stopped = true;
        self.0.changed.notify_all();
    }
}

/// Digests `lines`, whole lines each ending with `\n`, on this thread and one more, and
/// hands every digested batch to `record`, in order, on this thread. `buffers` keeps the
/// digest buffers from one call to the next.
pub fn digest_on_two_threads<'a>(
    lines: &'a [u8],
    buffers: &mut Vec<Vec<DigestedLine>>,
    mut record: impl FnMut(Batch<'a, '_>),
) {
    debug_assert_eq!(lines.last(), Some(&b'\n'));
    let queue = Queue {
        rest: lines,
        taken: 0,
        recorded: 0,
        digested: (0..AHEAD).map(|_| None).collect(),
        spare: std::mem::take(buffers),
        waiting: 0,
        stopped: false,
    };
    let shared = Shared {
        queue: Mutex::new(queue),
        changed: Condvar::new(),
    };
    std::thread::scope(|scope| {
        scope.spawn(|| help(&shared));
        let _leaving = Leaving(&shared);
        let mut queue = shared.lock();
        loop {
            let turn = queue.recorded % AHEAD;
            if let Some(digested) = queue.digested[turn].take() {
                drop(queue);
                record(Batch {
                    bytes: digested.bytes,
                    text: digested.text,
                    lines: &digested.lines,
                });
                queue = shared.lock();
                queue.recorded += 1;
                queue.spare.push(digested.lines);
                shared.wake(&queue);
            } else if let Some(taken) = queue.take() {
                drop(queue);
                let digested = taken.digest();
                queue = shared.lock();
                queue.put(digested);
            } else if queue.rest.is_empty() && queue.recorded == queue.taken {
                break;
            } else {
                // The batch whose turn it is is the helper's, still being digested.
                assert!(!queue.stopped, "the digesting thread stopped");
                queue = shared.wait(queue);
            }
        }
    });
    *buffers = shared
        .queue
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .spare;
}

/// The helping thread: digests batches while there are any and room for them.
fn help(shared: &Shared<'_>) {
    let _leaving = Leaving(shared);
    let mut queue = shared.lock();
    loop {
        if let Some(taken) = queue.take() {
            drop(queue);
            let digested = taken.digest();
            queue = shared.lock();
            queue.put(digested);
            shared.wake(&queue);
        } else if queue.rest.is_empty() {
            return;
        } else {
            queue = shared.wait(queue);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_is_recorded_once_in_order_with_room_for_a_bounded_number_of_batches() {
        // Lines of many lengths, some longer than a batch.
        let lines: Vec<String> = (0..20_000)
            .map(|i| format!("{i}{}", "x".repeat((i * 7919) % 300 + (i % 997) * 100)))
            .collect();
        let bytes: Vec<u8> = lines
            .iter()
            .flat_map(|line| line.bytes().chain([b'\n']))
            .collect();
        let mut buffers = Vec::new();
        for _ in 0..2 {
            let mut seen = Vec::new();
            digest_on_two_threads(&bytes, &mut buffers, |batch| {
                let text = batch.text.expect("UTF-8");
                let mut start = 0;
                for line in batch.lines {
                    seen.push(&text[start..line.end]);
                    start = line.end + 1;
                }
                assert_eq!(start, text.len());
            });
            assert_eq!(seen, lines);
            assert!(
                (1..=AHEAD).contains(&buffers.len()),
                "{} buffers",
                buffers.len()
            );
        }
    }

    #[test]
    #[should_panic(expected = "recording failed")]
    fn a_panic_while_recording_ends_the_run_and_is_passed_on() {
        let bytes = "line\n".repeat(1 << 20);
        digest_on_two_threads(bytes.as_bytes(), &mut Vec::new(), |_| {
            panic!("recording failed")
        });
    }
}
