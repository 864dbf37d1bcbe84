#!/usr/bin/env bash
# The first visit in Chromium on the release build: the compressed bytes of wasm, js, css and
# translations a trader's first visit (sign-in page, then the dashboard) and the back office's first page
# download, and the sign-in page's time to interactive at 10 Mbit/s (median of RUNS, default 5).
# The trader's visit twice: in brotli as Chromium asks, and as a browser that takes only gzip.
# Builds the release front end and server as scripts/run.sh does (BENCH_BUILT=1 skips that).
# Usage: scripts/bench-front.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
if [ "${BENCH_BUILT:-}" != 1 ]; then
  cargo leptos build --release --split
fi
export PROPDESK_SITE_ROOT=${PROPDESK_SITE_ROOT:-target/site}
target/release/propdesk precompress
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
DATABASE_URL="sqlite://$work/bench.db?mode=rwc" PROPDESK_LISTEN=127.0.0.1:3902 PROPDESK_LOG=warn \
  PROPDESK_OUTBOX_DIR="$work/outbox" target/release/propdesk serve --demo > "$work/server.log" 2>&1 &
for _ in $(seq 1 60); do curl -fs http://127.0.0.1:3902/healthz >/dev/null && break; sleep 0.5; done
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(ls target/site/pkg | wc -l) files in pkg/"
(cd end2end && BASE_URL=http://127.0.0.1:3902 npx playwright test --config bench.config.ts)
