#!/usr/bin/env bash
# Hostile input (issue 11), against the platform as `make up` runs it:
#  1. schemathesis (PyPI, in var/venv) generates requests from the gateway's /openapi.yaml, sends
#     each as the account that owns the operation with real ids from the demo (stateful, so the
#     writes reach their handlers), then as every other role and anonymously: no server error,
#     every error problem+json (Tests/hostile/hooks.py, fixtures.py);
#  2. then requests that break the schema (negative data), as each operation's owner on real ids,
#     which must all be refused and change nothing: every table of the five schemas is
#     fingerprinted before and after (row count and row versions: a committed insert, update or
#     delete changes it, a rolled-back one does not); per operation, how many requests of each run
#     reached the handler (Tests/hostile/portee.py, var/log/hostile-reach.txt): every write must;
#  3. then targeted cases (Tests/hostile/cibles.py): oversized and truncated bodies, malformed JSON
#     and CSV, wrong encodings, injection-looking strings, huge numbers, unicode names, path
#     tricks in file names, replayed and tampered tokens;
#  4. then generated bodies, cookies, query strings and path segments on every web form and every
#     non-API route, anonymous and signed in as each role through the sign-in form
#     (Tests/hostile/formulaires.py): no answer may be a server error;
#  5. then `ece-bench poison`: 1,000 malformed events across every consumed queue, each found in
#     its dead-letter queue with its reason.
# Throughout, no service may die: their pids at the end must be the ones at the start.
# The number of requests is the gateway's own counter (ece_http_requests_total).
#   scripts/hostile-test.sh [examples per operation and role, default 20]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
BIN_DIR="${BIN_DIR:-$(swift build --show-bin-path)}"
export BIN_DIR
EXAMPLES="${1:-20}"
PASSWORD="ece-demo-2027!"
GATEWAY=http://127.0.0.1:8080

if [[ ! -x var/venv/bin/python ]]; then python3 -m venv var/venv; fi
# schemathesis 3.39 needs a hypothesis of its time (later ones dropped an API it uses).
var/venv/bin/python -c 'import schemathesis' 2>/dev/null || var/venv/bin/pip install --quiet 'schemathesis==3.39.16' 'hypothesis==6.115.0'

# Every request here comes from 127.0.0.1: the per-client sign-in throttle would soon answer the
# run's own sign-ins 429 (it has its own test, ResourceAbuseTests).
export LOGIN_BURST=1000000
# A database and vhost of its own (ece_hostile) with the demo in it: the generated requests use
# real ids from the pages (they withdraw subjects, close commissions…), never the development data.
source scripts/own-platform.sh
own_platform ece_hostile
trap 'scripts/services.sh stop' EXIT
scripts/services.sh seed >/dev/null
"$BIN_DIR/ece-bench" demo --academie >/dev/null
SERVICES=(Inscriptions Missions Referentiel Correction Gateway)
pids() { for s in "${SERVICES[@]}"; do printf '%s=%s ' "$s" "$(cat "var/run/$s.pid" 2>/dev/null)"; done; }
PIDS=$(pids)

served() { curl -sf -H "Authorization: Bearer $(cat var/keys/metrics-token)" "$GATEWAY/metrics" | awk '/^ece_http_requests_total/ {print $2}'; }
fingerprint() {
    runuser -u postgres -- psql -h "$ROOT/var/pg/sock" -p 5433 -d "${ECE_DATABASE:-ece}" -Atq <<'SQL'
DO $$ DECLARE t record; c bigint; h bigint; BEGIN
  CREATE TEMP TABLE IF NOT EXISTS empreinte (nom text, n bigint, h bigint);
  TRUNCATE empreinte;
  FOR t IN SELECT schemaname, tablename FROM pg_tables
           WHERE schemaname IN ('referentiel', 'inscriptions', 'missions', 'correction', 'gateway') LOOP
    -- A new-message notice is marked mailed by Missions' timer (AVIS_MESSAGES_SECONDS, 900 s after it
    -- came), whatever the requests: its rows by id, so an insert or a delete still shows (stop 45's CI).
    EXECUTE format('SELECT count(*), COALESCE(sum(hashtext(%s::text)::bigint), 0) FROM %I.%I',
                   CASE WHEN t.schemaname || '.' || t.tablename = 'missions.avis_messages' THEN 'id' ELSE 'xmin' END,
                   t.schemaname, t.tablename) INTO c, h;
    INSERT INTO empreinte VALUES (t.schemaname || '.' || t.tablename, c, h);
  END LOOP; END $$;
SELECT nom || ' ' || n || ' ' || h FROM empreinte ORDER BY nom;
SQL
}

# A run fails on a failed check. Operations schemathesis cannot generate for (no negative form of
# their input, say) are reported as errors by schemathesis and do not fail the run.
verdict() {
    local log="$1"
    if ! grep -aq "Performed checks:" "$log"; then echo "hostile: schemathesis did not run ($log):"; tail -30 "$log"; return 1; fi
    if grep -aE "^\s+\S+\s+[0-9]+ / [0-9]+ passed\s+FAILED" "$log"; then
        echo "hostile: failed checks ($log):"; grep -a -B2 -A25 "^_* .* _*$" "$log" | head -120; return 1
    fi
    grep -aE "^\s+(not_a_server_error|problem_json|negative_data_rejection)\s" "$log" | sed 's/^/  /'
}

ROLES=(admin dsii.demo gestionnaire.besancon coordinateur.besancon etab.0251080N centre.0251080N referent.0251080N examinateur.demo)
export SCHEMATHESIS_HOOKS=hooks PYTHONPATH="$ROOT/Tests/hostile" GATEWAY HOSTILE_PASSWORD="$PASSWORD"
export HOSTILE_REACH=var/log/hostile-reach.jsonl HOSTILE_FAILURES=var/log/hostile-failures.jsonl
rm -f "$HOSTILE_REACH" "$HOSTILE_FAILURES"
START=$(served)
status=0
# Stateful: each operation is sent as the account that owns it, on the demo's real ids
# (Tests/hostile/fixtures.py), then the same request as every other role and anonymously
# (hooks.py: the generation, the costly part, is done once for all identities).
echo "hostile: schemathesis, $EXAMPLES examples per operation, each sent as its owner, as every role and anonymously"
var/venv/bin/python Tests/hostile/fixtures.py var/log/hostile-fixtures.json
HOSTILE_FIXTURES=var/log/hostile-fixtures.json HOSTILE_ROLES="${ROLES[*]}" \
    var/venv/bin/st run --experimental=openapi-3.1 "$GATEWAY/openapi.yaml" \
    --checks not_a_server_error,problem_json --hypothesis-max-examples "$EXAMPLES" --hypothesis-seed 2027 \
    --hypothesis-suppress-health-check all --generation-codec utf-8 --exclude-path-regex '^/api/auth/' \
    --no-color >var/log/hostile-positive.log 2>&1 || true
verdict var/log/hostile-positive.log || status=1
if [[ -s "$HOSTILE_FAILURES" ]]; then
    echo "hostile: the same requests as other identities broke the contract ($(wc -l <"$HOSTILE_FAILURES")):"
    head -20 "$HOSTILE_FAILURES"; status=1
fi

echo "hostile: requests that break the schema, as each operation's owner on real ids, must be refused and change nothing"
# The tokens and ids are taken before the first fingerprint (signing in writes a refresh token).
var/venv/bin/python Tests/hostile/fixtures.py var/log/hostile-fixtures.json >/dev/null
before=$(fingerprint)
HOSTILE_FIXTURES=var/log/hostile-fixtures.json HOSTILE_MODE=negative \
    var/venv/bin/st run --experimental=openapi-3.1 "$GATEWAY/openapi.yaml" -D negative \
    --checks not_a_server_error,problem_json,negative_data_rejection --hypothesis-max-examples 5 --hypothesis-seed 2027 \
    --hypothesis-suppress-health-check all --exclude-path-regex '^/api/auth/' --exclude-method GET \
    --no-color >var/log/hostile-negative.log 2>&1 || true
verdict var/log/hostile-negative.log || status=1
unchanged() {
    local after; after=$(fingerprint)
    if [[ "$before" != "$after" ]]; then
        echo "hostile: refused requests changed the database ($1):"; diff <(echo "$before") <(echo "$after") || true
        status=1
    fi
}
unchanged schemathesis
# Broken bodies on real rows for the writes schemathesis cannot build a negative case for, with
# tokens taken again first: each fingerprinted window starts with fresh ones, so none signs in.
var/venv/bin/python Tests/hostile/fixtures.py var/log/hostile-fixtures.json >/dev/null
before=$(fingerprint)
HOSTILE_FIXTURES=var/log/hostile-fixtures.json var/venv/bin/python Tests/hostile/invalides.py "$GATEWAY" || status=1
unchanged invalides.py
# Per operation: how many generated requests reached the handler; every write must have been.
var/venv/bin/python Tests/hostile/portee.py "$HOSTILE_REACH" | tee var/log/hostile-reach.txt || status=1

var/venv/bin/python Tests/hostile/cibles.py "$GATEWAY" "$PASSWORD" || status=1
var/venv/bin/python Tests/hostile/formulaires.py "$GATEWAY" "$PASSWORD" || status=1

# Malformed events (bad envelopes, payloads, chunk ranges, versions) on every consumed queue: each
# one must reach its dead-letter queue with its reason while the consumers keep consuming
# (PoisonEventTests also checks, per consumer, that they change nothing in the database).
echo "hostile: 1,000 malformed events across every consumed queue"
AMQP_URL="amqp://guest:guest@127.0.0.1:5673/${ECE_VHOST:-}" "$BIN_DIR/ece-bench" poison --count 1000 || status=1

# A service that died (and was restarted, or not) fails the run, whatever the answers were.
for s in "${SERVICES[@]}"; do
    pid=$(cat "var/run/$s.pid" 2>/dev/null || true)
    if [[ -z "$pid" ]] || ! kill -0 "$pid" 2>/dev/null; then echo "hostile: $s is not running any more"; status=1; fi
done
if [[ "$(pids)" != "$PIDS" ]]; then echo "hostile: a service restarted: $PIDS -> $(pids)"; status=1; fi

TOTAL=$(( $(served) - START ))
echo "hostile: $TOTAL requests served by the gateway"
if (( TOTAL < 10000 )); then echo "hostile: fewer than 10,000 requests"; status=1; fi
exit $status
