#!/usr/bin/env bash
# Runs every fuzz target for FUZZ_SECONDS (default 600) each and prints executions and crashes.
# A crash stops with a non-zero exit and leaves the input under fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-600}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.2

for target in $(cargo fuzz list --fuzz-dir fuzz); do
  corpus=fuzz/corpus/$target
  mkdir -p "$corpus"
  # Seed the corpus with the project's own fixtures (the real exports stay in ../shared).
  cp -n tests/fixtures/* "$corpus"/ 2>/dev/null || true
  log=$(mktemp)
  echo "fuzz: $target for ${seconds}s"
  if ! cargo fuzz run --fuzz-dir fuzz -s none --target-dir fuzz/target-none "$target" "$corpus" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 >"$log" 2>&1; then
    tail -n 40 "$log"
    echo "fuzz: $target FOUND A CRASH (input saved under fuzz/artifacts/$target/)" >&2
    exit 1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  echo "fuzz: $target: $runs executions, 0 crashes"
  rm -f "$log"
done
