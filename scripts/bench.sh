#!/usr/bin/env bash
# Criterion benchmark of parse + analyse on a generated 100 MB export; prints MB/s.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --bench throughput -- --noplot "$@"
