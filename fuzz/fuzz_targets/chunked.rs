//! The whole analysis on arbitrary bytes: it must not panic, and reading the input in
//! chunks (sizes taken from the input's first byte) must give the one-shot report, every
//! other chunk fed with its digests (as the page's reading worker hands them over), and
//! the chunks in between with the chunk's own bytes given as digests (which must be
//! ignored, or read without a panic).
#![no_main]

use libfuzzer_sys::fuzz_target;
use privacy_lens::handoff::digest_chunk;
use privacy_lens::{analyze, Analyzer, Options};

fuzz_target!(|data: &[u8]| {
    let Some((&seed, input)) = data.split_first() else { return };
    let options = Options::default();
    let whole = analyze([("fuzz.ndjson", input)], &options);
    let mut analyzer = Analyzer::new();
    analyzer.start_file("fuzz.ndjson");
    let (mut rest, mut size) = (input, usize::from(seed % 64) + 1);
    let mut digested = seed & 64 != 0;
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at(size.min(rest.len()));
        if digested {
            analyzer.feed_digested(chunk, &digest_chunk(chunk));
        } else {
            analyzer.feed(chunk);
        }
        digested = !digested;
        rest = tail;
        size = size * 7 % 61 + 1;
    }
    analyzer.finish_file();
    let chunked = analyzer.report(&options);
    let json = |report| serde_json::to_string(&report).expect("a report serializes");
    assert_eq!(json(whole), json(chunked));

    // The input as the digests of its own second half: never a panic.
    let (digests, chunk) = input.split_at(input.len() / 2);
    let mut analyzer = Analyzer::new();
    analyzer.feed_digested(chunk, digests);
    let _ = analyzer.report(&options);
});
