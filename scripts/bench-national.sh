#!/usr/bin/env bash
# ece-bench national (issue 10): the platform on a database and broker vhost of its own
# (ece_bench, recreated each run), with release binaries, then the national session through the
# gateway. Arguments go to `ece-bench national`, e.g. --scale 0.25.
#   scripts/bench-national.sh [--scale S] [--concurrence N]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$PATH:/opt/swift/usr/bin"
if [[ -z "${BIN_DIR:-}" ]]; then
    swift build -c release --scratch-path .build-release
    BIN_DIR="$ROOT/.build-release/release"
fi
export BIN_DIR
source scripts/own-platform.sh
own_platform ece_bench
trap 'scripts/services.sh stop' EXIT
"$BIN_DIR/ece-bench" national "$@"
