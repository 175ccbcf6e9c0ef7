#!/usr/bin/env bash
# The chaos run (issues 11, 26): the platform on a database and broker vhost of its own (ece_chaos),
# a supervisor restarting whatever dies, and `ece-bench chaos` running a generated session from
# the import to the closing with faults in every phase (services killed, RabbitMQ and PostgreSQL
# restarted; a fault that does not strike or recover fails the run); then it checks that nothing
# was lost, duplicated or differs from the oracle's marks. Arguments go to `ece-bench chaos`.
#   scripts/chaos-test.sh                          # short (make test): 10 faults, 30 centres
#   scripts/chaos-test.sh --scale 0.03 --faults 21 # long
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$PATH:/opt/swift/usr/bin"
BIN_DIR="${BIN_DIR:-$(swift build --show-bin-path)}"
export BIN_DIR
source scripts/own-platform.sh
own_platform ece_chaos
scripts/services.sh supervise >>var/log/supervisor.log 2>&1 &
trap 'scripts/services.sh stop; scripts/infra.sh up >/dev/null' EXIT
"$BIN_DIR/ece-bench" chaos --database ece_chaos --vhost ece_chaos "$@"
