#!/usr/bin/env bash
# Runs every test: formatting and lints, unit tests, service tests on SQLite and on PostgreSQL
# (started here), HTTP tests against the real router, and end-to-end tests in headless Chromium
# against the running server.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
source scripts/env.sh

TEST_DATABASE_URL=$(scripts/pg.sh | tail -n1)
case "$TEST_DATABASE_URL" in postgres://*) ;; *) echo "scripts/pg.sh gave no URL"; exit 1 ;; esac
export TEST_DATABASE_URL
echo "PostgreSQL for service tests: ${TEST_DATABASE_URL%%@*}@…"

cargo fmt --all -- --check
# Layering rule: the pure domain never imports the framework or the database.
if grep -rnE '^\s*use (leptos|sea_orm|tokio|axum)' app/src/domain; then
  echo "app/src/domain must stay pure"; exit 1
fi
cargo clippy -q -p app -p server -p migration --features app/ssr --all-targets -- -D warnings
log=$(mktemp)
cargo test -p app -p server -p migration --features app/ssr 2>&1 | tee "$log"
rust_passed=$(awk '/^test result:/ {n += $4} END {print n+0}' "$log")

# End to end: build the site, serve it on a fresh SQLite file, drive it with Chromium. The test
# build goes to its own site folder, so it never replaces the release site `scripts/run.sh` serves.
export LEPTOS_SITE_ROOT=target/e2e-site PROPDESK_SITE_ROOT=target/e2e-site
cargo leptos build
wasm="$LEPTOS_SITE_ROOT/pkg/propdesk.wasm"
printf 'Front end (wasm-dev profile, as tested): %s bytes, %s gzipped (-9)\n' \
  "$(stat -c %s "$wasm")" "$(gzip -9c "$wasm" | wc -c)"
e2e_data=end2end/.data
# Another server on the port would be tested instead of this build.
if curl -fsS http://127.0.0.1:3000/healthz >/dev/null 2>&1; then
  echo "Port 3000 already serves something: stop it, then run the tests again." >&2
  exit 1
fi
rm -rf "$e2e_data" && mkdir -p "$e2e_data"
export PROPDESK_OUTBOX_DIR="$PWD/$e2e_data/outbox" PROPDESK_UPLOAD_DIR="$PWD/$e2e_data/uploads"
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
(cd end2end && npx playwright test) 2>&1 | tee "$log"
e2e_passed=$(awk '/^ *[0-9]+ passed/ {print $1}' "$log" | tail -n1)
echo "End-to-end suite: $(( $(date +%s) - e2e_started )) s"
echo "Rust tests: $rust_passed passed; end-to-end: ${e2e_passed:-0} passed"
echo "$((rust_passed + ${e2e_passed:-0})) passed, 0 failed"
