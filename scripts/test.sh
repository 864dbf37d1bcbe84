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
# The layering rules (docs/architecture.md) are a test: app/tests/layering.rs.
cargo clippy -q -p app -p server -p migration --features app/ssr --all-targets -- -D warnings
log=$(mktemp)
cargo test -p app -p server -p migration --features app/ssr 2>&1 | tee "$log"
rust_passed=$(awk '/^test result:/ {n += $4} END {print n+0}' "$log")

# End to end, in its own script so that it can be run alone.
scripts/e2e.sh 2>&1 | tee "$log"
e2e_passed=$(awk '/^ *[0-9]+ passed/ {print $1}' "$log" | tail -n1)
echo "Rust tests: $rust_passed passed; end-to-end: ${e2e_passed:-0} passed"
echo "$((rust_passed + ${e2e_passed:-0})) passed, 0 failed"
