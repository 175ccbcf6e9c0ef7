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
set -euo pipefail
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
source scripts/own-platform.sh
own_platform ece_chaos
scripts/services.sh supervise >>var/log/supervisor.log 2>&1 &
trap 'kill $SMTP_LENT; scripts/services.sh stop; scripts/infra.sh up >/dev/null' EXIT
status=0
"$BIN_DIR/ece-bench" chaos --database ece_chaos --vhost ece_chaos "$@" || status=$?
# ece-bench drained missions.courriels (no en_attente left) before its verdict.
var/venv/bin/python scripts/chaos-courriels.py ece_chaos "$MAIL_CHAOS" || status=1
exit $status
