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

# The browser suite's front end (wasm, in cargo-leptos's own target folder) builds in the
# background while the Rust tests build and run: on 2 cores each build fills the other's stretches
# of one crate at a time. It starts before the lint settings below, which are for the native build.
front_log=$(mktemp)
setsid scripts/e2e-front.sh > "$front_log" 2>&1 &
front_pid=$!
trap 'kill -- -$front_pid 2>/dev/null || true' EXIT

# Lints ride on the test build: clippy-driver compiles the workspace's crates with clippy's lints
# as errors, so the dependencies build once, not once for `cargo clippy` and again for the tests
# (12 minutes on a cold machine). The layering rules (docs/architecture.md) are a test:
# app/tests/suite/layering.rs.
RUSTC_WORKSPACE_WRAPPER=$(command -v clippy-driver)
CLIPPY_ARGS=-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__
export RUSTC_WORKSPACE_WRAPPER CLIPPY_ARGS
log=$(mktemp)
cargo test -p app -p server -p migration -p propdesk-bridge-demo --features app/ssr 2>&1 | tee "$log"
rust_passed=$(awk '/^test result:/ {n += $4} END {print n+0}' "$log")

wait $front_pid || { cat "$front_log"; echo "The front end did not build."; exit 1; }
tail -n 3 "$front_log"

# A full disk fails the browser tests somewhere odd (a screenshot, the server's database): say
# what is left.
echo "Disk free before the browser tests: $(df -h --output=avail . | tail -n1 | tr -d ' ')"
# End to end, in its own script so that it can be run alone.
E2E_FRONT_BUILT=1 scripts/e2e.sh 2>&1 | tee "$log"
e2e_passed=$(awk '/^ *[0-9]+ passed/ {print $1}' "$log" | tail -n1)
echo "Rust tests: $rust_passed passed; end-to-end: ${e2e_passed:-0} passed"
echo "$((rust_passed + ${e2e_passed:-0})) passed, 0 failed"
