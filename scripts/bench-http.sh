#!/usr/bin/env bash
# HTTP benchmark: wrk at 64 connections against the sign-in page, an authenticated server
# function, and a bare axum handler (the baseline), all in one run on this machine.
# Usage: scripts/bench-http.sh [seconds-per-run] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
secs=${1:-10}
runs=${2:-3}
command -v wrk >/dev/null || { echo "wrk is missing: scripts/setup.sh --test installs it"; exit 1; }
cargo build --release -q -p server --bin propdesk --example bare_axum
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
DATABASE_URL="sqlite://$work/bench.db?mode=rwc" PROPDESK_LISTEN=127.0.0.1:3900 PROPDESK_LOG=warn \
  PROPDESK_OUTBOX_DIR="$work/outbox" target/release/propdesk serve --demo > "$work/server.log" 2>&1 &
target/release/examples/bare_axum 127.0.0.1:3901 &
for _ in $(seq 1 60); do curl -fs http://127.0.0.1:3900/healthz >/dev/null && break; sleep 0.5; done
cookie=$(curl -s -D - -o /dev/null -X POST -d 'email=trader@propdesk.test&password=Trader-demo-2026' \
  http://127.0.0.1:3900/api/auth/login | awk -F'[ ;]' 'tolower($1)=="set-cookie:" {print $2}')
[ -n "$cookie" ] || { echo "could not sign in"; cat "$work/server.log"; exit 1; }
cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Cookie"] = "$cookie"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
LUA
bench() { # name url [wrk args...]
  local name=$1 url=$2; shift 2
  for r in $(seq 1 "$runs"); do
    wrk -t2 -c64 -d"${secs}s" --latency "$@" "$url" > "$work/out" 2>&1
    rps=$(awk '/^Requests\/sec/ {print $2}' "$work/out")
    p50=$(awk '$1=="50%" {print $2}' "$work/out")
    p99=$(awk '$1=="99%" {print $2}' "$work/out")
    errs=$(awk '/Non-2xx|Socket errors/ {print}' "$work/out" | tr '\n' ' ')
    printf '%-28s run %d  %10s req/s  p50 %-9s p99 %-9s %s\n' "$name" "$r" "$rps" "$p50" "$p99" "$errs"
  done
}
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); wrk -t2 -c64 -d${secs}s"
bench "bare axum (baseline)" http://127.0.0.1:3901/
bench "GET /login (SSR page)" http://127.0.0.1:3900/login
bench "POST /api/notifications/feed" http://127.0.0.1:3900/api/notifications/feed -s "$work/post.lua"
