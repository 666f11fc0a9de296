#!/usr/bin/env bash
# Installs what the build and the tests need, and only what is missing (safe to run every
# time). `setup.sh` alone: what `make build`/`make serve` need. `setup.sh --test`: also the
# browsers and the fuzzer for `make test`. Everything comes from package registries
# (crates.io, npm, Debian); nothing downloads a browser or a binary from elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
for_tests=false
[ "${1:-}" = --test ] && for_tests=true

command -v cargo >/dev/null || { echo "setup: cargo is missing; install Rust from https://rustup.rs" >&2; exit 1; }
command -v npm >/dev/null || { echo "setup: npm is missing; install Node.js 20 or later" >&2; exit 1; }
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

# wasm-bindgen must be exactly the version in Cargo.lock. No --locked: the registry mirror
# lacks a dependency its lock file pins. --no-default-features --debug builds in half the
# time (the default features only add https downloads) and gives byte-identical output.
wb_version=$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p}' Cargo.lock)
[ -n "$wb_version" ] || { echo "setup: wasm-bindgen not found in Cargo.lock" >&2; exit 1; }
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  echo "setup: installing wasm-bindgen-cli $wb_version (about 5 minutes, once)"
  cargo install wasm-bindgen-cli --version "$wb_version" --no-default-features --debug --force
fi

# npm packages (ECharts for the page; playwright-core and binaryen for building and testing),
# at the versions in package-lock.json.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

if $for_tests; then
  apt_missing=()
  [ -x /usr/bin/chromium ] || apt_missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || apt_missing+=(chromium-driver)
  # Chinese glyphs in screenshots (users' devices have their own fonts; the page loads none).
  [ -d /usr/share/fonts/truetype/wqy ] || apt_missing+=(fonts-wqy-zenhei)
  # WebKit (Safari's engine) and Firefox for e2e/engines.test.mjs. WebKitGTK has no headless
  # mode, so it runs under Xvfb (xauth for its display); see shared/TOOLCHAIN.md.
  [ -x /usr/bin/WebKitWebDriver ] || apt_missing+=(webkit2gtk-driver)
  [ -x /usr/bin/Xvfb ] || apt_missing+=(xvfb)
  [ -x /usr/bin/xauth ] || apt_missing+=(xauth)
  [ -x /usr/bin/firefox-esr ] || apt_missing+=(firefox-esr)
  if [ ${#apt_missing[@]} -gt 0 ]; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${apt_missing[@]}"
  fi
  # cargo-fuzz for the fuzz smoke test (stable Rust, no sanitizer; see shared/TOOLCHAIN.md).
  command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.2
  # geckodriver from crates.io (Debian 12 has none, and its prebuilt binaries download from
  # elsewhere). A debug build: about 2 minutes instead of 7, and speed does not matter for a proxy.
  geckodriver_version=0.37.1
  if [ "$(geckodriver --version 2>/dev/null | awk 'NR==1{print $2}')" != "$geckodriver_version" ]; then
    cargo install geckodriver --locked --debug --version "$geckodriver_version"
  fi
fi

echo "setup ok: $(cargo --version), wasm-bindgen $wb_version, node $(node --version)$($for_tests && echo ", $(/usr/bin/chromium --version 2>/dev/null | head -1)")"
