#!/usr/bin/env bash
# `make big`: a generated 1 GB export through the CLI and through the page (headless
# Chromium), printing time and peak memory of each. Figures only; nothing is asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
bash scripts/build.sh >/dev/null
file=${TMPDIR:-/tmp}/privacy-lens-bench-1G.ndjson
[ -f "$file" ] || target/release/privacy-lens generate --size 1G -o "$file"
echo "CLI, $(du -h "$file" | cut -f1) generated export:"
/usr/bin/time -f "  %e s wall, peak memory %M KB" target/release/privacy-lens analyze --json "$file" >/dev/null
echo "The page:"
BENCH_RUNS=1 node e2e/bench/bench.mjs 1G
