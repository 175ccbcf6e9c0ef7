#!/usr/bin/env bash
# ece-bench national (issue 10): the platform on a database and broker vhost of its own
# (ece_bench, recreated each run), with release binaries, then the national session through the
# gateway. Arguments go to `ece-bench national`, e.g. --scale 0.25.
#   scripts/bench-national.sh [--scale S] [--concurrence N] [--cout N]
# --cout N: then, on the data the run made, what an examiner's lot list costs each process
# (`ece-bench cout`, N requests of each kind; BENCHMARKS.md).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$PATH:/opt/swift/usr/bin"
if [[ -z "${BIN_DIR:-}" ]]; then
    # Linked as the Dockerfile links what is deployed: the Swift runtime and Foundation inside the
    # binary, not mapped from shared libraries (4-5 MB less of each service's peak RSS; BENCHMARKS.md).
    swift build -c release --scratch-path .build-release --static-swift-stdlib
    BIN_DIR="$ROOT/.build-release/release"
fi
export BIN_DIR
source scripts/own-platform.sh
own_platform ece_bench
trap 'scripts/services.sh stop' EXIT
cout=0 scale=1 args=()
while (($#)); do
    case "$1" in
        --cout) cout="$2"; shift 2 ;;
        --scale) scale="$2"; args+=("$1" "$2"); shift 2 ;;
        --scale=*) scale="${1#--scale=}"; args+=("$1"); shift ;;
        *) args+=("$1"); shift ;;
    esac
done
"$BIN_DIR/ece-bench" national "${args[@]}"
if ((cout > 0)); then
    for requete in sante lots-vide lots-jeton-vu lots; do
        "$BIN_DIR/ece-bench" cout "$requete" --scale "$scale" --requetes "$cout"
    done
fi
