//! Throughput of parse + analyse on a generated 100 MB export (`make bench`).
//!
//! Criterion prints the throughput of each benchmark (`thrpt:`), in MiB/s or GiB/s. Two
//! lines are there for scale, measured in the same run on the same bytes: `reference`
//! decodes each line through serde_json only, and `newline_scan` only counts the lines
//! (the speed of reading the bytes, and a gauge of how fast this shared machine runs now).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use privacy_lens::decode::reference;
use privacy_lens::synthetic::{Plan, SyntheticHistory};
use privacy_lens::{Analyzer, Options};

const SIZE: u64 = 100 * 1000 * 1000;
const CHUNK: usize = 4 << 20;

fn input() -> Vec<u8> {
    let mut bytes = Vec::with_capacity(SIZE as usize + (4 << 20));
    SyntheticHistory::write_weekly_exports(&Plan::default(), SIZE, &mut bytes)
        .expect("writing to memory");
    bytes
}

fn throughput(c: &mut Criterion) {
    let input = input();
    let mut group = c.benchmark_group("export");
    group.throughput(Throughput::Bytes(input.len() as u64));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .warm_up_time(Duration::from_secs(2));
    group.bench_function("parse_and_analyze_100MB", |b| {
        b.iter(|| {
            let mut analyzer = Analyzer::new();
            analyzer.expect_bytes(input.len() as u64);
            analyzer.start_file("bench.ndjson");
            for chunk in input.chunks(CHUNK) {
                analyzer.feed(chunk);
            }
            analyzer.finish_file();
            black_box(analyzer.report(&Options::default()))
        })
    });
    group.bench_function("newline_scan_100MB", |b| {
        b.iter(|| memchr::memchr_iter(b'\n', black_box(&input)).count())
    });
    group.bench_function("reference_decode_only_100MB", |b| {
        b.iter(|| {
            input
                .split(|&byte| byte == b'\n')
                .filter(|line| reference::decode(line).is_ok())
                .count()
        })
    });
    group.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);
