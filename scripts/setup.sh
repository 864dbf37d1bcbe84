#!/usr/bin/env bash
# Installs what PropDesk needs to build and test, skipping whatever is already there.
# Usage: scripts/setup.sh [--test]   (--test also installs PostgreSQL, Chromium and wrk)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1
# 0.3.10: the first whose wasm splitter (`--split`) agrees with wasm-bindgen 0.2.130 in release;
# 0.3.5's left wasm-bindgen's describe imports in the main module (the page never hydrated).
# 0.3.11 needs a newer rustc than this machine's 1.95.
CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/,"",$3); print $3; exit}' Cargo.lock)
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi
# The test command lints with clippy-driver and checks formatting with rustfmt.
if [ $want_test = 1 ] && ! { command -v clippy-driver && command -v rustfmt; } >/dev/null; then
  say "adding clippy and rustfmt"
  rustup component add clippy rustfmt
fi
if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 15 minutes, once)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (the version Cargo.lock names)"
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --force
fi

apt_missing=()
command -v node >/dev/null || apt_missing+=(nodejs npm)
if [ $want_test = 1 ]; then
  command -v chromium >/dev/null || apt_missing+=(chromium)
  [ -x /usr/lib/postgresql/15/bin/postgres ] || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || apt_missing+=(postgresql)
  command -v wrk >/dev/null || apt_missing+=(wrk)
fi
if [ ${#apt_missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${apt_missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_missing[@]}" >/dev/null
fi

# npm packages: Playwright (driving Debian's Chromium) and binaryen's wasm-opt for release builds.
if [ ! -d end2end/node_modules ] || [ end2end/package-lock.json -nt end2end/node_modules ]; then
  say "installing npm packages in end2end/"
  (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
  touch end2end/node_modules
fi
