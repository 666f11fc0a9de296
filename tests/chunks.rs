//! Streaming: any chunking of the input gives exactly the one-shot report.
//!
//! Small files are cut at every byte (two chunks); larger ones are fed in random chunk
//! sizes from a seeded generator (set CHUNK_SEED to reproduce a failure), including
//! one-byte chunks, so lines, UTF-8 characters and the BOM are split everywhere.

mod common;

use privacy_lens::synthetic::{Plan, SyntheticHistory};
use privacy_lens::{analyze, Options};

fn one_shot(name: &str, bytes: &[u8]) -> String {
    common::json(&analyze([(name, bytes)], &Options::default()))
}

fn random_chunks<'a>(bytes: &'a [u8], rng: &mut fastrand::Rng, largest: usize) -> Vec<&'a [u8]> {
    let mut chunks = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let size = rng.usize(1..=largest).min(rest.len());
        let (chunk, tail) = rest.split_at(size);
        chunks.push(chunk);
        rest = tail;
    }
    chunks
}

fn seed() -> u64 {
    std::env::var("CHUNK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed)
}

#[test]
fn small_files_split_at_every_byte_give_the_one_shot_report() {
    let small: Vec<(String, Vec<u8>)> = common::all_fixtures()
        .into_iter()
        .filter(|(_, b)| b.len() <= 32 * 1024)
        .collect();
    assert!(
        small.len() >= 4,
        "the own fixtures and at least one real one"
    );
    for (name, bytes) in &small {
        let expected = one_shot(name, bytes);
        for split in 0..=bytes.len() {
            let (head, tail) = bytes.split_at(split);
            let report =
                common::analyze_chunks([(name.as_str(), vec![head, tail])], &Options::default());
            assert_eq!(
                common::json(&report),
                expected,
                "{name} split at byte {split}"
            );
        }
    }
}

#[test]
fn every_fixture_in_random_chunks_gives_the_one_shot_report() {
    let mut rng = fastrand::Rng::with_seed(seed());
    for (name, bytes) in common::all_fixtures() {
        let expected = one_shot(&name, &bytes);
        for largest in [1, 2, 3, 7, 64, 4096] {
            let chunks = random_chunks(&bytes, &mut rng, largest);
            let report = common::analyze_chunks([(name.as_str(), chunks)], &Options::default());
            assert_eq!(
                common::json(&report),
                expected,
                "{name}, chunks up to {largest} bytes, CHUNK_SEED={}",
                seed()
            );
        }
    }
}

#[test]
fn generated_exports_with_chinese_names_in_random_chunks_give_the_one_shot_report() {
    let history = SyntheticHistory::generate(&Plan {
        days: 2,
        ..Plan::default()
    });
    let mut bytes = Vec::new();
    history.write_export(history.window(), &mut bytes).unwrap();
    // Multi-byte characters in every string position: bundle IDs, domains, owners.
    let text = String::from_utf8(bytes)
        .unwrap()
        .replace("com.tencent.xin", "com.腾讯.微信")
        .replace("Google LLC", "谷歌 LLC");
    let bytes = text.into_bytes();
    let expected = one_shot("微信.ndjson", &bytes);
    assert!(expected.contains("com.腾讯.微信"));
    let mut rng = fastrand::Rng::with_seed(seed());
    for largest in [1, 2, 5, 100, 65536] {
        let chunks = random_chunks(&bytes, &mut rng, largest);
        let report = common::analyze_chunks([("微信.ndjson", chunks)], &Options::default());
        assert_eq!(
            common::json(&report),
            expected,
            "chunks up to {largest}, CHUNK_SEED={}",
            seed()
        );
    }
}

#[test]
fn large_chunks_read_on_two_threads_give_the_small_chunk_report() {
    // Chunks of 256 KiB and more are decoded on two threads; small ones on one.
    let bytes = common::damaged_export(28);
    assert!(
        bytes.len() > 3 << 20,
        "large enough for several two-thread chunks"
    );
    let small: Vec<&[u8]> = bytes.chunks(4096).collect();
    let expected = common::json(&common::analyze_chunks(
        [("big.ndjson", small)],
        &Options::default(),
    ));
    for size in [256 << 10, 1 << 20, 3 << 20, bytes.len()] {
        let chunks: Vec<&[u8]> = bytes.chunks(size).collect();
        let report = common::analyze_chunks([("big.ndjson", chunks)], &Options::default());
        assert_eq!(common::json(&report), expected, "chunks of {size} bytes");
    }
}

#[test]
fn fixtures_inside_large_chunks_read_on_two_threads_give_the_small_chunk_report() {
    // Every fixture after 400 KiB of access lines in iOS's layout, so that its lines (beta
    // markers, a beta-1 block, quirks) are read from digested batches, in large chunks.
    let mut lead = Vec::new();
    for i in 0..1600u32 {
        for (kind, second) in [("intervalBegin", 10), ("intervalEnd", 40)] {
            let line = format!(
                r#"{{"accessCount":0,"accessor":{{"identifier":"com.example.app{}","identifierType":"bundleID"}},"category":"photos","identifier":"{i:08X}-3A05-41D5-9F32-F0F0C12CE8FA","kind":"{kind}","timeStamp":"2025-03-27T{:02}:{:02}:{second}.000+08:00","type":"access"}}"#,
                i % 7,
                (i / 60) % 24,
                i % 60
            );
            lead.extend_from_slice(line.as_bytes());
            lead.push(b'\n');
        }
    }
    assert!(lead.len() > 400 << 10);
    // Beta-1 network sections holding a line in iOS's network layout: read by the block
    // (as one of an app's records, and as a stray object it reports).
    let network = r#"{"timeStamp":"2021-06-21T17:03:07.000+08:00","initiatedType":"AppInitiated","context":"","domain":"a.example","contextVerificationType":0,"type":"networkActivity","domainType":2,"firstTimeStamp":"2021-06-21T15:47:32.000+08:00","bundleID":"com.tencent.xin","domainOwner":"","hits":3,"domainClassification":1}"#;
    let block = format!("{{\"_marker\": \"<end-of-section>\"}}\n{{\n\"com.tencent.xin\" : [\n{network}\n]\n}}\n{network}\n{{\"_marker\": \"<end-of-section>\"}}\n{{\n{network}\n}}\n");
    let mut fixtures = common::all_fixtures();
    fixtures.push(("block.ndjson".into(), block.into_bytes()));
    for (name, fixture) in fixtures {
        let mut bytes = lead.clone();
        bytes.extend_from_slice(&fixture);
        let small: Vec<&[u8]> = bytes.chunks(4096).collect();
        let expected = common::json(&common::analyze_chunks(
            [(name.as_str(), small)],
            &Options::default(),
        ));
        for size in [300 << 10, bytes.len()] {
            let chunks: Vec<&[u8]> = bytes.chunks(size).collect();
            let report = common::analyze_chunks([(name.as_str(), chunks)], &Options::default());
            assert_eq!(
                common::json(&report),
                expected,
                "{name} after the lead, chunks of {size} bytes"
            );
        }
    }
}
