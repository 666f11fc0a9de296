#!/usr/bin/env bash
# Every test layer: native unit, integration and doc tests (including the CLI); the
# WebAssembly interface in headless Chromium (wasm-bindgen-test); the page end to end in
# Chromium (playwright-core, node --test); then a 60-second fuzz smoke run per fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test

if [ ! -d ../shared/fixtures/real ]; then
  echo "NOTE: ../shared/fixtures/real is absent; tests that read the real exports will print SKIP." >&2
fi

echo "== native tests"
cargo test --profile ci

echo "== the site (make build)"
bash scripts/build.sh

echo "== WebAssembly interface in headless Chromium"
CHROMEDRIVER=/usr/bin/chromedriver cargo test --release --target wasm32-unknown-unknown --test web

echo "== the page end to end (Chromium)"
node --test --test-reporter=spec e2e/

echo "== fuzz smoke"
FUZZ_SECONDS=${FUZZ_SECONDS:-60} bash scripts/fuzz.sh
echo "make test: all layers passed"
