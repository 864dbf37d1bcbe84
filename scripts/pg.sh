#!/usr/bin/env bash
# Starts the machine's PostgreSQL (Debian's cluster) and makes sure the test role exists.
# Prints the URL the service tests use as TEST_DATABASE_URL: the only line on stdout, since
# callers capture it (everything else goes to stderr).
set -euo pipefail
ver=$(ls /usr/lib/postgresql | sort -V | tail -n1)
pg_lsclusters -h 2>/dev/null | grep -q "^$ver main" || pg_createcluster "$ver" main >&2
# pg_ctl gives up waiting after a minute, but a cluster recovering from a crash may need longer:
# the loop below decides whether it came up.
pg_lsclusters -h | grep -q "^$ver main .* online" || pg_ctlcluster "$ver" main start >&2 || true
for _ in $(seq 1 300); do
  su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -qAtc \"select 1 from pg_roles where rolname='propdesk'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"create role propdesk login superuser password 'propdesk'\"" >&2
port=$(pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main" {print $3}')
echo "postgres://propdesk:propdesk@127.0.0.1:${port}/postgres"
