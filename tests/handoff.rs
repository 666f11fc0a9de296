//! Digests handed over from another instance of the core (the page's reading worker):
//! feeding chunks with their digests gives exactly the report of feeding them alone, and
//! digests that are not the chunk's (another chunk's, cut short) are ignored. (Arbitrary
//! bytes as digests are fuzzed: fuzz/fuzz_targets/chunked.rs.)

mod common;

use privacy_lens::handoff::digest_chunk;
use privacy_lens::{analyze, Analyzer, Options};

/// The report of `bytes` fed in chunks of `size`, each with the digests `digests` gives.
fn with_digests(
    name: &str,
    bytes: &[u8],
    size: usize,
    digests: impl Fn(usize, &[u8]) -> Vec<u8>,
) -> String {
    let mut analyzer = Analyzer::new();
    analyzer.start_file(name);
    for (number, chunk) in bytes.chunks(size).enumerate() {
        analyzer.feed_digested(chunk, &digests(number, chunk));
    }
    analyzer.finish_file();
    common::json(&analyzer.report(&Options::default()))
}

fn one_shot(name: &str, bytes: &[u8]) -> String {
    common::json(&analyze([(name, bytes)], &Options::default()))
}

#[test]
fn chunks_fed_with_their_digests_give_the_one_shot_report() {
    let mut files = common::all_fixtures();
    files.push(("damaged.ndjson".into(), common::damaged_export(28)));
    for (name, bytes) in &files {
        let expected = one_shot(name, bytes);
        for size in [1, 7, 4096, 64 << 10, 300 << 10, bytes.len().max(1)] {
            let report = with_digests(name, bytes, size, |_, chunk| digest_chunk(chunk));
            assert_eq!(report, expected, "{name} in chunks of {size} bytes");
        }
    }
}

/// What a test hands over as the digests of chunk `n`.
type Digests<'a> = dyn Fn(usize, &[u8]) -> Vec<u8> + 'a;

#[test]
fn digests_that_are_not_the_chunks_are_ignored() {
    let bytes = common::damaged_export(28);
    let expected = one_shot("damaged.ndjson", &bytes);
    let size = 64 << 10;
    let chunks: Vec<&[u8]> = bytes.chunks(size).collect();
    let digests: Vec<Vec<u8>> = chunks.iter().map(|chunk| digest_chunk(chunk)).collect();
    assert!(
        digests.iter().any(|d| d.len() > 1000),
        "the chunks have digests to damage"
    );

    let damaged: [(&str, Box<Digests>); 4] = [
        ("none", Box::new(|_, _| Vec::new())),
        (
            "the next chunk's",
            Box::new(|n, _| digests[(n + 1) % digests.len()].clone()),
        ),
        (
            "cut short",
            Box::new(|n, _| digests[n][..digests[n].len() * 2 / 3].to_vec()),
        ),
        (
            "one byte longer",
            Box::new(|n, _| [&digests[n][..], &[0]].concat()),
        ),
    ];
    for (how, digests) in damaged {
        let report = with_digests("damaged.ndjson", &bytes, size, digests);
        assert_eq!(report, expected, "digests {how}");
    }
}
