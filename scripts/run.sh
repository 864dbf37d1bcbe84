#!/usr/bin/env bash
# Builds PropDesk (release) and serves it on the embedded SQLite database at
# http://127.0.0.1:3000, migrated on first start, with the demo data set loaded.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
# --split: each area's screens in their own files, loaded when first opened (app/src/root.rs).
cargo leptos build --release --split
exec target/release/propdesk serve --demo "$@"
