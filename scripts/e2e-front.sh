#!/usr/bin/env bash
# Builds the front end the browser suite tests (the wasm-dev profile) into target/e2e-site, never
# into target/site, which scripts/run.sh builds in release and serves. cargo-leptos builds the
# wasm in its own target folder (target/front), so this can run beside a native cargo build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
export LEPTOS_SITE_ROOT=target/e2e-site
# --split: each area's pages in their own files, loaded when first opened (root.rs), as in release.
cargo leptos build --frontend-only --split
wasm="$LEPTOS_SITE_ROOT/pkg/propdesk.wasm"
printf 'Front end (wasm-dev profile, as tested): %s bytes, %s gzipped (-9)\n' \
  "$(stat -c %s "$wasm")" "$(gzip -9c "$wasm" | wc -c)"
