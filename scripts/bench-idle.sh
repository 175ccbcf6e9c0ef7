#!/usr/bin/env bash
# What an idle platform costs (issue 24, item 3): the CPU of each service, of PostgreSQL and of
# RabbitMQ while nobody uses the platform, with the outbox relays polling (OUTBOX_LISTEN=0, the
# baseline) and listening (the default), in the same run. Prints a Markdown table for BENCHMARKS.md.
#   scripts/bench-idle.sh [SECONDS]     (default 60 a mode; BIN_DIR, ECE_DATABASE, ECE_VHOST as services.sh)
# The infrastructure must run (scripts/infra.sh up); the platform's services are stopped first and after.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
SECONDS_PER_MODE="${1:-60}"
SERVICES=(Gateway Inscriptions Missions Referentiel Correction)
TICK="$(getconf CLK_TCK)"

# CPU ticks (user + system) of processes, by pid; a process gone meanwhile counts 0.
ticks() {
    local total=0 pid t
    for pid in "$@"; do
        t="$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null)" || t=0
        total=$((total + ${t:-0}))
    done
    echo "$total"
}

declare -A RESULT
measure() {
    local mode="$1" listen="$2" name
    OUTBOX_LISTEN="$listen" scripts/services.sh start >/dev/null
    sleep 15   # start-up, migrations and the first passes are not idle
    local -A before
    for name in "${SERVICES[@]}"; do before[$name]="$(ticks "$(cat "var/run/$name.pid")")"; done
    before[PostgreSQL]="$(ticks $(pgrep -x postgres))"
    before[RabbitMQ]="$(ticks $(pgrep -f beam.smp))"
    sleep "$SECONDS_PER_MODE"
    local -A after
    for name in "${SERVICES[@]}"; do after[$name]="$(ticks "$(cat "var/run/$name.pid")")"; done
    after[PostgreSQL]="$(ticks $(pgrep -x postgres))"
    after[RabbitMQ]="$(ticks $(pgrep -f beam.smp))"
    scripts/services.sh stop >/dev/null
    for name in "${SERVICES[@]}" PostgreSQL RabbitMQ; do
        RESULT[$mode,$name]="$(( ${after[$name]} - ${before[$name]} ))"
    done
}

scripts/services.sh stop >/dev/null
trap 'scripts/services.sh stop >/dev/null' EXIT
measure polling 0
measure listening 1

percent() { awk -v t="$1" -v hz="$TICK" -v s="$SECONDS_PER_MODE" 'BEGIN { printf "%.2f", 100 * t / hz / s }'; }
echo "| process | polling (OUTBOX_LISTEN=0), % of a core | listening, % of a core | listening / polling |"
echo "|---|---|---|---|"
for name in "${SERVICES[@]}" PostgreSQL RabbitMQ; do
    p="${RESULT[polling,$name]}" l="${RESULT[listening,$name]}"
    ratio="$(awk -v p="$p" -v l="$l" 'BEGIN { if (p > 0) printf "%.2f", l / p; else print "-" }')"
    echo "| $name | $(percent "$p") | $(percent "$l") | $ratio |"
done
echo "($SECONDS_PER_MODE s a mode after 15 s of start-up, binaries of ${BIN_DIR:-.build/debug}, $(nproc) cores)"
