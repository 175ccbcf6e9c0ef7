#!/usr/bin/env bash
# The chaos run (issues 11, 26): the platform on a database and broker vhost of its own (ece_chaos),
# a supervisor restarting whatever dies, and `ece-bench chaos` running a generated session from
# the import to the closing with faults in every phase (services killed, RabbitMQ and PostgreSQL
# restarted; a fault that does not strike or recover fails the run); then it checks that nothing
# was lost, duplicated or differs from the oracle's marks. The convocations are mailed meanwhile, to a
# slow capture server of the run's own (scripts/smtp-lent.py, Maildir var/mail-chaos), and Missions is
# killed at mails in flight; then scripts/chaos-courriels.py checks each convocation's mail arrived
# once with its PDF. Arguments go to `ece-bench chaos`.
#   scripts/chaos-test.sh                          # short (make test): 10 faults, 30 centres
#   scripts/chaos-test.sh --scale 0.03 --faults 21 # long
#   scripts/chaos-test.sh --cluster                # the cluster (issue 23 item 5, make test): three broker nodes
#       (scripts/broker-cluster.sh), two replicas of every service (the gateway's too: the bench spreads its calls
#       over both, as a load balancer would), Correction's database on a PostgreSQL server of its own
#       (scripts/infra.sh pg2-*); the faults are the queue leader's broker node, a replica of the gateway and of
#       Correction, and Correction's database server, each with the seconds until saves succeed again.
set -euo pipefail
CLUSTER=0
if [[ "${1:-}" == --cluster ]]; then CLUSTER=1; shift; fi
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$PATH:/opt/swift/usr/bin"
BIN_DIR="${BIN_DIR:-$(swift build --show-bin-path)}"
export BIN_DIR
MAIL_CHAOS="$ROOT/var/mail-chaos"
rm -rf "$MAIL_CHAOS"
mkdir -p var/log
# Descriptors 3-9 closed: the machine's test lock must not outlive the run in this server.
var/venv/bin/python scripts/smtp-lent.py 2526 "$MAIL_CHAOS" >>var/log/smtp-lent.log 2>&1 </dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
SMTP_LENT=$!
trap 'kill $SMTP_LENT' EXIT
# A mail stranded by a kill mid-conversation goes again after its lease (20 s, not 10 minutes).
export SMTP_URL=smtp://127.0.0.1:2526 MAIL_LEASE_SECONDS=20 MAIL_RETRY_SECONDS=1
BENCH=()
if ((CLUSTER)); then
    scripts/infra.sh up >/dev/null
    scripts/services.sh stop
    scripts/infra.sh fresh ece_chaos                  # the four others' schemas: the first PostgreSQL
    scripts/infra.sh pg2-up >/dev/null
    scripts/infra.sh pg2-fresh ece_chaos >/dev/null   # Correction's: the second
    scripts/broker-cluster.sh up ece_chaos
    export ECE_DATABASE=ece_chaos ECE_VHOST=ece_chaos LOG_LEVEL="${PLATFORM_LOG_LEVEL:-warning}"
    export CORRECTION_DATABASE_URL=postgres://correction:correction@127.0.0.1:5434/ece_chaos
    export ECE_BROKER_PORTS=5681,5682,5683 REPLICAS=2 GATEWAY_REPLICAS=2
    scripts/services.sh start
    BENCH=(--cluster --gateway http://127.0.0.1:8080,http://127.0.0.1:8090
           --health-ports 8080,8090,8081,8091,8082,8092,8083,8093,8084,8094)
    trap 'kill $SMTP_LENT; scripts/services.sh stop; scripts/broker-cluster.sh down >/dev/null; scripts/infra.sh pg2-down >/dev/null; scripts/infra.sh up >/dev/null' EXIT
else
    source scripts/own-platform.sh
    own_platform ece_chaos
    trap 'kill $SMTP_LENT; scripts/services.sh stop; scripts/infra.sh up >/dev/null' EXIT
fi
scripts/services.sh supervise >>var/log/supervisor.log 2>&1 &
status=0
"$BIN_DIR/ece-bench" chaos --database ece_chaos --vhost ece_chaos "${BENCH[@]}" "$@" | tee var/log/chaos-bench.log || status=$?
# A killed service's or broker node's CPU must not come off a phase's sum (ece-bench's CPUReading).
if grep -E 'CPU.*[[:alpha:]] -[0-9]' var/log/chaos-bench.log; then echo "chaos-test: a negative CPU figure above"; status=1; fi
# ece-bench drained missions.courriels (no en_attente left) before its verdict.
var/venv/bin/python scripts/chaos-courriels.py ece_chaos "$MAIL_CHAOS" || status=1
exit $status
