#!/usr/bin/env bash
# The end-to-end test (issue 10): the five services as separate processes, the road map's whole
# chronology through the gateway's HTTP API only (ece-bench e2e), on a centre and a school created
# for the run. Every figure is checked; any difference fails the run.
# On a database and vhost of its own, ece_e2e, made afresh on both PostgreSQL servers (below): the
# runs after it (the browser road maps on ece_test) must not find Referentiel's subjects already
# published to a Correction on another server, which they never reached.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
BIN_DIR="${BIN_DIR:-$(swift build --show-bin-path)}"
export BIN_DIR
export ECE_PASSWORD="ece-demo-2027!"

export ECE_DATABASE=ece_e2e ECE_VHOST=ece_e2e
E2E_DATABASE=ece_e2e
scripts/infra.sh fresh "$E2E_DATABASE" >/dev/null

# Every event of the run is tapped and, at the end, held to the AsyncAPI document (issue 19, item 4).
MANAGEMENT="http://guest:guest@127.0.0.1:15673"
python3 Tests/contract/events.py --tap "$MANAGEMENT" "$ECE_VHOST"

# A database per service (issue 23, item 3): Correction's schema on a PostgreSQL server of its own
# (scripts/infra.sh's second cluster, port 5434), the four others on the shared one. A service that
# read another's schema would find it empty or unreachable, and the run's figures would be wrong.
scripts/infra.sh pg2-up >/dev/null
scripts/infra.sh pg2-fresh "$E2E_DATABASE" >/dev/null
export CORRECTION_DATABASE_URL="postgres://correction:correction@127.0.0.1:5434/$E2E_DATABASE"
scripts/services.sh start
trap 'scripts/services.sh stop; scripts/infra.sh pg2-down >/dev/null' EXIT
scripts/services.sh seed >/dev/null

CENTRE=$(scripts/test-school.sh "Lycée de bout en bout" T011B T012B T010B T029B)
ECOLE=$(scripts/test-school.sh "Collège-lycée sans laboratoire")
P="e$(python3 -c 'import random; print(random.randrange(10**5, 10**6))')"
echo "e2e: centre $CENTRE, school $ECOLE, run $P"
"$BIN_DIR/ece-bench" e2e --centre "$CENTRE" --ecole "$ECOLE" --prefix "$P" --password "$ECE_PASSWORD" --database "$ECE_DATABASE"
python3 Tests/contract/events.py --check "$MANAGEMENT" "$ECE_VHOST"

# The operator's views of the run, as docs/operations.md shows them (scripts/docs-check.sh finds them here).
ece-ops() { "$BIN_DIR/ece-ops" "$@"; }
ece-ops queues
ece-ops dlq list
ece-ops dlq show missions.services-faits
ece-ops outbox
