//! The whole analysis on arbitrary bytes: it must not panic, and reading the input in
//! chunks (sizes taken from the input's first byte) must give the one-shot report.
#![no_main]

use libfuzzer_sys::fuzz_target;
use privacy_lens::{analyze, Analyzer, Options};

fuzz_target!(|data: &[u8]| {
    let Some((&seed, input)) = data.split_first() else { return };
    let options = Options::default();
    let whole = analyze([("fuzz.ndjson", input)], &options);
    let mut analyzer = Analyzer::new();
    analyzer.start_file("fuzz.ndjson");
    let (mut rest, mut size) = (input, usize::from(seed % 64) + 1);
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at(size.min(rest.len()));
        analyzer.feed(chunk);
        rest = tail;
        size = size * 7 % 61 + 1;
    }
    analyzer.finish_file();
    let chunked = analyzer.report(&options);
    let json = |report| serde_json::to_string(&report).expect("a report serializes");
    assert_eq!(json(whole), json(chunked));
});
