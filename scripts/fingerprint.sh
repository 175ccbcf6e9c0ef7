#!/usr/bin/env bash
# A fingerprint of a database and broker vhost of the local infrastructure (issue 25): per table of
# every schema, its row count and an md5 of its rows (order-independent); per vhost, its queues and
# exchanges. `make test` takes the development platform's (ece, /) before the tests and checks it
# after: the tests run on their own (ece_test), so the demo `make up` made must come out unchanged.
#   scripts/fingerprint.sh [DATABASE [VHOST]]                 print it (default: ece /)
#   scripts/fingerprint.sh --check FILE [DATABASE [VHOST]]    compare with FILE; names what changed
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

check=""
if [[ "${1:-}" == --check ]]; then check="${2:?usage: $0 --check FILE [DATABASE [VHOST]]}"; shift 2; fi
database="${1:-ece}"
vhost="${2:-/}"

fingerprint() {
    # As the superuser over TCP (scripts/infra.sh sets its password), so no role's grants hide a table.
    # One query per table (\gexec); md5 of the sorted md5s of its rows, so the physical order does not count.
    PGPASSWORD=postgres psql -X -q -At -F ' ' -h 127.0.0.1 -p 5433 -U postgres -d "$database" -v ON_ERROR_STOP=1 <<'SQL'
SELECT 'schema ' || nspname FROM pg_namespace
 WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema' ORDER BY 1;
SELECT format('SELECT %L, count(*), md5(coalesce(string_agg(h, '''' ORDER BY h), '''')) FROM (SELECT md5(t::text) AS h FROM %I.%I t) r',
              'table ' || schemaname || '.' || tablename, schemaname, tablename)
  FROM pg_tables WHERE schemaname NOT LIKE 'pg\_%' AND schemaname <> 'information_schema'
 ORDER BY schemaname, tablename
\gexec
SQL
    # Queue and exchange names only: message counts move by themselves (retry queues' TTLs).
    local path
    path="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$vhost")"
    for kind in queues exchanges; do
        curl -fsS -u guest:guest "http://127.0.0.1:15673/api/$kind/$path?columns=name" \
            | python3 -c 'import json, sys; [print(sys.argv[1], q["name"]) for q in json.load(sys.stdin) if q["name"]]' "${kind%s}" \
            | sort
    done
}

if [[ -z "$check" ]]; then
    fingerprint
    exit 0
fi
now="$(fingerprint)"
if [[ "$now" == "$(cat "$check")" ]]; then
    echo "fingerprint: database $database and vhost $vhost unchanged ($(grep -c '^table ' <<<"$now") tables)"
    exit 0
fi
echo "fingerprint: database $database / vhost $vhost changed since $check was taken (by make test: the tests wrote into them):" >&2
# What changed, by name: "table <schema.table> <rows> <md5>", "schema <name>", "queue <name>"…
NOW="$now" python3 - "$check" >&2 <<'PY'
import os, sys
def read(lines):
    return {" ".join(l.split()[:2]): " ".join(l.split()[2:]) for l in lines if l.strip()}
before, after = read(open(sys.argv[1])), read(os.environ["NOW"].splitlines())
for name in sorted(before.keys() | after.keys()):
    if name not in after:
        print(f"  {name}: gone")
    elif name not in before:
        print(f"  {name}: new")
    elif before[name] != after[name]:
        print(f"  {name}: rows and md5 {before[name]} -> {after[name]}")
PY
exit 1
