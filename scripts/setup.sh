#!/usr/bin/env bash
# Installs what the build and the tests need, and only what is missing (safe to run every time).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v cargo >/dev/null || { echo "setup: cargo is missing; install Rust from https://rustup.rs" >&2; exit 1; }

# cargo-fuzz for the fuzz smoke test (stable Rust, no sanitizer; see shared/TOOLCHAIN.md).
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.2

echo "setup ok: $(cargo --version), $(cargo fuzz --version 2>/dev/null)"
