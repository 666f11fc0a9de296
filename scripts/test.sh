#!/usr/bin/env bash
# Every test layer: native unit, integration and doc tests (including the CLI), then a
# 60-second fuzz smoke run per fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

if [ ! -d ../shared/fixtures/real ]; then
  echo "NOTE: ../shared/fixtures/real is absent; tests that read the real exports will print SKIP." >&2
fi

cargo test --profile ci
FUZZ_SECONDS=${FUZZ_SECONDS:-60} bash scripts/fuzz.sh
echo "make test: all layers passed"
