#!/usr/bin/env bash
# The end-to-end suite: builds the site, serves it on a fresh SQLite file with the demo data,
# and drives it with Chromium. scripts/test.sh runs it; arguments go to Playwright
# (e.g. `scripts/e2e.sh tests/portal.spec.ts`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

# E2E_SITE_ROOT tests another build of the front end (docs/benchmarks.md measures the release one).
export PROPDESK_SITE_ROOT=${E2E_SITE_ROOT:-target/e2e-site}
# scripts/test.sh builds the front end beside the Rust tests and says so with E2E_FRONT_BUILT=1.
[ "${E2E_FRONT_BUILT:-}" = 1 ] || scripts/e2e-front.sh
# The server is the binary the Rust tests build (same packages and features as scripts/test.sh):
# cargo-leptos would build it with other features, which recompiles every dependency (14 minutes
# on a cold CI machine). After scripts/test.sh's tests this is a no-op. The reference bridge
# (bridge-demo/) is built too: tests/bridge_process.spec.ts runs it as its own process.
cargo test -q -p app -p server -p migration -p propdesk-bridge-demo --features app/ssr --no-run
# The splitter's loader rewritten shorter, as scripts/run.sh's precompress does for release
# (server/src/split_loader.rs), so that the suite loads the lazy areas through the loader users get.
target/debug/propdesk precompress --loader-only
e2e_data=end2end/.data
# Another server on the port would be tested instead of this build.
if curl -fsS http://127.0.0.1:3000/healthz >/dev/null 2>&1; then
  echo "Port 3000 already serves something: stop it, then run the tests again." >&2
  exit 1
fi
rm -rf "$e2e_data" && mkdir -p "$e2e_data"
export PROPDESK_OUTBOX_DIR="$PWD/$e2e_data/outbox" PROPDESK_UPLOAD_DIR="$PWD/$e2e_data/uploads"
# The tests play the firm's proxy, telling the server each visitor's country.
export PROPDESK_COUNTRY_HEADER=X-Test-Country
DATABASE_URL="sqlite://$e2e_data/e2e.db?mode=rwc" PROPDESK_LISTEN=127.0.0.1:3000 PROPDESK_LOG=warn \
  target/debug/propdesk serve --demo > "$e2e_data/server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -fsS http://127.0.0.1:3000/healthz >/dev/null 2>&1 && break
  kill -0 $server_pid 2>/dev/null || { cat "$e2e_data/server.log"; exit 1; }
  sleep 1
done
e2e_started=$(date +%s)
(cd end2end && npx playwright test "$@")
echo "End-to-end suite: $(( $(date +%s) - e2e_started )) s"
