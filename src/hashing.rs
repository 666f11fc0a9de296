//! The hasher of every table keyed by file content: foldhash with a secret random seed.
//!
//! The keys (identifiers, names, domains) come from the file, so a fixed hash would let a
//! crafted file make every insert collide (quadratic time). foldhash seeds itself from
//! address-space randomization and the clock, which WebAssembly has neither of; there the
//! host passes real randomness (`crypto.getRandomValues`) to [`seed_with`] first.

use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use foldhash::fast::{FoldHasher, SeedableRandomState};
use foldhash::SharedSeed;

static HOST_SEED: OnceLock<SharedSeed> = OnceLock::new();
static TABLES: AtomicU64 = AtomicU64::new(0);

/// Seeds every table created from now on with `entropy` (random bits from the host).
/// Only the first call counts; without one, foldhash's own random seed is used.
pub fn seed_with(entropy: u64) {
    let _ = HOST_SEED.set(SharedSeed::from_u64(entropy));
}

/// The [`BuildHasher`] of the crate's hash tables.
#[derive(Clone, Debug)]
pub struct RandomState(SeedableRandomState);

impl Default for RandomState {
    fn default() -> Self {
        match HOST_SEED.get() {
            // The shared seed is the secret; the per-table seed only keeps tables apart.
            Some(shared) => RandomState(SeedableRandomState::with_seed(
                TABLES.fetch_add(1, Ordering::Relaxed),
                shared,
            )),
            None => RandomState(SeedableRandomState::random()),
        }
    }
}

impl BuildHasher for RandomState {
    type Hasher = FoldHasher<'static>;

    fn build_hasher(&self) -> Self::Hasher {
        self.0.build_hasher()
    }
}
