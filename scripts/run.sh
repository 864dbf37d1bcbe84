#!/usr/bin/env bash
# Builds PropDesk (release) and serves it on the embedded SQLite database at
# http://127.0.0.1:3000, migrated on first start, with the demo data set loaded.
# With --with-bridge, the reference bridge (propdesk-bridge-demo) runs beside it as its own
# process, playing the "Demo platform" on which the "Platform Challenge" runs its evaluation.
set -euo pipefail
cd "$(dirname "$0")/.."
with_bridge=0
args=()
for a in "$@"; do
  if [ "$a" = "--with-bridge" ]; then with_bridge=1; else args+=("$a"); fi
done
scripts/setup.sh
source scripts/env.sh
# --split: each area's screens in their own files, loaded when first opened (app/src/root.rs).
cargo leptos build --release --split
# A brotli and a zopfli gzip copy beside each file, which the server sends (server/src/precompress.rs);
# only the files the build changed.
target/release/propdesk precompress
if [ "$with_bridge" = 1 ]; then
  cargo build --release -p propdesk-bridge-demo
  target/release/propdesk seed-demo
  # Only its two lines: the log may share standard output.
  eval "$(target/release/propdesk seed-demo-bridge | grep -E '^BRIDGE_(NAME|SECRET)=')"
  mkdir -p data
  # The bridge keeps its platform in its own state file and stops with this script.
  BRIDGE_NAME="$BRIDGE_NAME" BRIDGE_SECRET="$BRIDGE_SECRET" \
    BRIDGE_STATE=data/bridge-demo-state.json target/release/propdesk-bridge-demo &
  bridge_pid=$!
  trap 'kill $bridge_pid 2>/dev/null || true' EXIT
  target/release/propdesk serve ${args[@]+"${args[@]}"}
else
  exec target/release/propdesk serve --demo ${args[@]+"${args[@]}"}
fi
