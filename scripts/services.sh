#!/usr/bin/env bash
# Start/stop the five ECE services as plain background processes against the local
# infrastructure of scripts/infra.sh (Postgres 5433, RabbitMQ 5673).
#
#   BIN_DIR=$(swift build --show-bin-path) scripts/services.sh start|stop|status
#   CORRECTION_REPLICAS=2 scripts/services.sh start        # two Correction processes behind the gateway
#
# This file is the one place that documents the environment each service reads; the
# container equivalent is docker-compose.yml.
#
# Replicas: REPLICAS=N runs N processes of each of the four services behind the gateway,
# CORRECTION_REPLICAS=N (INSCRIPTIONS_, MISSIONS_, REFERENTIEL_) of one of them; the gateway gets
# their URLs, comma-separated, and balances over the healthy ones (docs/deployment.md, Replicas).
# Replica k > 1 is the instance <Service>-k (its own pid file and log) on the service's port + 10 (k - 1):
# Correction-2 listens on 8094. GATEWAY_REPLICAS=N runs N gateways (8080, 8090 …), each balancing on
# its own: their clients (a reverse proxy, the chaos bench) choose among them.
# PORT_OFFSET moves every port, RUN_DIR / LOG_DIR / KEY_DIR the pid files, logs and keys: the
# replicas test runs its own instances that way beside a running platform.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN_DIR="${BIN_DIR:-$ROOT/.build/debug}"
LOG_DIR="${LOG_DIR:-$ROOT/var/log}"
RUN_DIR="${RUN_DIR:-$ROOT/var/run}"
KEY_DIR="${KEY_DIR:-$ROOT/var/keys}"
PORT_OFFSET="${PORT_OFFSET:-0}"
HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-60}"   # seconds, for all services together

# The service an instance runs (Correction-2 → Correction), and which replica it is (2).
service_of() { echo "${1%-*}"; }
replica_of() { if [[ "$1" == *-* ]]; then echo "${1##*-}"; else echo 1; fi; }

# How many processes of a service: <SERVICE>_REPLICAS, else REPLICAS, else 1; the gateway
# GATEWAY_REPLICAS only (several gateways need something in front to choose among them).
replicas_of() {
    local var n
    var="$(echo "$1" | tr '[:lower:]' '[:upper:]')_REPLICAS"
    if [[ "$1" == Gateway ]]; then n="${!var:-1}"; else n="${!var:-${REPLICAS:-1}}"; fi
    [[ "$n" =~ ^[1-9]$ ]] || { echo "[services] ERROR: $var / REPLICAS must be 1 to 9, not '$n'" >&2; return 1; }
    echo "$n"
}

instances_of() {
    local n k
    n="$(replicas_of "$1")"
    echo "$1"
    for ((k = 2; k <= n; k++)); do echo "$1-$k"; done
}

# Start order: the gateway last, as it calls the others.
SERVICES=()
for service in Inscriptions Missions Referentiel Correction Gateway; do
    replicas_of "$service" >/dev/null || exit 2
    mapfile -t -O "${#SERVICES[@]}" SERVICES < <(instances_of "$service")
done

port_of() {
    local base
    case "$(service_of "$1")" in
        Inscriptions) base=8081 ;;
        Missions)     base=8082 ;;
        Referentiel)  base=8083 ;;
        Correction)   base=8084 ;;
        Gateway)      base=8080 ;;
        *) echo "unknown service $1" >&2; return 1 ;;
    esac
    echo $((base + PORT_OFFSET + 10 * ($(replica_of "$1") - 1)))
}

# The URLs of a service's replicas, comma-separated, as the gateway reads them.
urls_of() {
    local instance urls=()
    for instance in $(instances_of "$1"); do urls+=("http://127.0.0.1:$(port_of "$instance")"); done
    (IFS=,; echo "${urls[*]}")
}

# The database role (and schema) of each service is its lower-cased name.
role_of() { service_of "$1" | tr '[:upper:]' '[:lower:]'; }

log() { printf '[services] %s\n' "$*"; }

# A service's database: <SERVICE>_DATABASE_URL when its schema lives on a server of its own (as
# ece-ops reads it; scripts/e2e-test.sh puts Correction's on scripts/infra.sh's second cluster),
# else the shared local cluster.
database_url() {
    local role var
    role="$(role_of "$1")"
    var="${role^^}_DATABASE_URL"
    echo "${!var:-postgres://$role:$role@127.0.0.1:5433/${ECE_DATABASE:-ece}}"
}

# A service's broker: the local node, or each node of scripts/broker-cluster.sh when ECE_BROKER_PORTS
# lists their AMQP ports (5681,5682,5683): the service moves to the next one when it loses a node.
amqp_url() {
    local role port urls=()
    role="$(role_of "$1")"
    local ports="${ECE_BROKER_PORTS:-}"
    for port in ${ports//,/ }; do urls+=("amqp://$role:$role@127.0.0.1:$port/${ECE_VHOST:-}"); done
    ((${#urls[@]})) || urls=("amqp://$role:$role@127.0.0.1:5673/${ECE_VHOST:-}")
    (IFS=,; echo "${urls[*]}")
}

# Environment of one service, as NAME=value words for `env`.
# Credentials here are the local-dev ones created by scripts/infra.sh (password = role name).
# Also understood by the services (Shared/HTTP/ServiceConfiguration.swift), unset here:
# AMQP_CA_FILE (CA bundle for amqps:// URLs).
# ECE_DATABASE and ECE_VHOST put the whole platform on another database and broker vhost
# (ece-bench national runs on its own); BCRYPT_COST, LOGIN_BURST, LOGIN_RATE_PER_MINUTE and
# TRUSTED_PROXIES, when set, reach the gateway. /metrics needs the bearer METRICS_TOKEN
# (var/keys/metrics-token unless set): curl -H "Authorization: Bearer $(cat var/keys/metrics-token)".
service_env() {
    local name="$1" role port
    role="$(role_of "$name")"
    port="$(port_of "$name")"
    printf '%s\n' \
        "PORT=$port" \
        "HOST=127.0.0.1" \
        "DATABASE_URL=$(database_url "$name")" \
        "DATABASE_SCHEMA=$role" \
        "AMQP_URL=$(amqp_url "$name")" \
        "LOG_LEVEL=${LOG_LEVEL:-info}" \
        "ECE_DEVELOPMENT=1" \
        "MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}" \
        "JWT_PUBLIC_KEY_FILE=$KEY_DIR/jwt-public.pem" \
        "METRICS_TOKEN=${METRICS_TOKEN:-$(cat "$KEY_DIR/metrics-token" 2>/dev/null)}"
    # Mail goes to the capture server of scripts/infra.sh (var/mail/new), unless told otherwise.
    # The chaos run shortens the retry delay and the lease of a mail being sent (its kills strand some).
    if [[ "$role" == missions || "$role" == gateway ]]; then
        echo "SMTP_URL=${SMTP_URL:-smtp://127.0.0.1:2525}"
        local v
        for v in MAIL_RETRY_SECONDS MAIL_LEASE_SECONDS; do [[ -z "${!v:-}" ]] || echo "$v=${!v}"; done
    fi
    [[ -z "${ECE_RESTARTS:-}" ]] || echo "ECE_RESTARTS=$ECE_RESTARTS"
    if [[ "$(service_of "$name")" == Gateway ]]; then
        local v
        for v in BCRYPT_COST LOGIN_BURST LOGIN_RATE_PER_MINUTE TRUSTED_PROXIES; do
            [[ -z "${!v:-}" ]] || echo "$v=${!v}"
        done
        printf '%s\n' \
            "JWT_PRIVATE_KEY_FILE=$KEY_DIR/jwt-private.pem" \
            "INSCRIPTIONS_URL=$(urls_of Inscriptions)" \
            "MISSIONS_URL=$(urls_of Missions)" \
            "REFERENTIEL_URL=$(urls_of Referentiel)" \
            "CORRECTION_URL=$(urls_of Correction)"
    fi
}

# The pid file's process, if it lives, whatever it runs yet (the launcher's shell until it execs).
live_pid() {
    local pidfile="$RUN_DIR/$1.pid" pid state
    [[ -f "$pidfile" ]] || return 1
    pid="$(tr -dc '0-9' <"$pidfile")"
    [[ -n "$pid" ]] || return 1
    state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" || return 1
    [[ "$state" != Z ]] || return 1
    echo "$pid"
}

# Pid of the running service, if any. Checks /proc/<pid>/exe so a stale pid file whose number
# was reused by an unrelated process is not mistaken for the service (and never signalled).
running_pid() {
    local name="$1" pid exe
    pid="$(live_pid "$name")" || return 1
    exe="$(readlink "/proc/$pid/exe" 2>/dev/null)" || return 1
    [[ "$(basename "${exe% (deleted)}")" == "$(service_of "$name")" ]] || return 1
    echo "$pid"
}

# Alive, or not yet alive: until the launcher execs the binary its pid is a shell's (running_pid would
# call that an exit), and under load its pid file may not be written yet.
starting() { [[ -s "$RUN_DIR/$1.pid" ]] || return 0; live_pid "$1" >/dev/null; }

healthy() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$(port_of "$1")/health" 2>/dev/null; }

start_one() {
    local name="$1" bin pid
    bin="$BIN_DIR/$(service_of "$1")"
    if pid="$(running_pid "$name")"; then
        log "$name already running (pid $pid)"
        return 0
    fi
    [[ -x "$bin" ]] || { echo "[services] ERROR: $bin not found; run 'swift build' (or set BIN_DIR)" >&2; return 1; }
    local -a envs
    mapfile -t envs < <(service_env "$name")
    printf '\n===== %s starting %s =====\n' "$(date -u +%FT%TZ)" "$name" >>"$LOG_DIR/$name.log"
    rm -f "$RUN_DIR/$name.pid"   # a stale one would name a dead pid until the launcher writes its own
    # setsid: own session, so the service survives the calling terminal/make and a Ctrl-C there.
    # The inner shell writes its own pid then execs the binary, so the pid file names the service
    # itself (with `setsid cmd &`, $! can be setsid's short-lived fork instead).
    # Descriptors the caller left open are closed first: started under `flock /tmp/ece-infra.lock`,
    # a service would otherwise hold the machine's test lock for as long as it runs.
    setsid bash -c 'echo $$ >"$1"; shift; for fd in /proc/$$/fd/*; do n=${fd##*/}; if (( n > 2 )) && [[ -e $fd ]]; then eval "exec $n>&-"; fi; done
        exec nohup env "$@"' _ \
        "$RUN_DIR/$name.pid" "${envs[@]}" "$bin" \
        >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
    log "started $name on 127.0.0.1:$(port_of "$name") (log ${LOG_DIR#"$ROOT/"}/$name.log)"
}

fail_with_log() {
    local name="$1" why="$2"
    {
        echo "[services] ERROR: $name $why. Its log since this start ($LOG_DIR/$name.log):"
        # Only this run's lines: the log is appended to across starts.
        awk '/^===== .* starting /{buf=""} {buf = buf $0 "\n"} END{printf "%s", buf}' \
            "$LOG_DIR/$name.log" | tail -n 40 | sed 's/^/    /'
    } >&2
    exit 1
}

wait_healthy() {
    local deadline=$((SECONDS + HEALTH_TIMEOUT)) name pending
    local -a todo=("$@")
    while ((${#todo[@]})); do
        pending=()
        for name in "${todo[@]}"; do
            if healthy "$name"; then
                log "$name healthy"
            elif ! starting "$name"; then
                fail_with_log "$name" "exited during start-up"
            else
                pending+=("$name")
            fi
        done
        todo=("${pending[@]+"${pending[@]}"}")
        ((${#todo[@]})) || break
        if ((SECONDS >= deadline)); then
            for name in "${todo[@]}"; do
                echo "[services] ERROR: $name not healthy after ${HEALTH_TIMEOUT}s" >&2
            done
            fail_with_log "${todo[0]}" "did not answer GET /health within ${HEALTH_TIMEOUT}s"
        fi
        sleep 0.5
    done
}

# The access-token key pair (Ed25519) and the metrics token: made once, kept under var/keys.
# Every service reads the public key; only the gateway reads the private one.
ensure_keys() {
    mkdir -p "$KEY_DIR"
    if [[ ! -s "$KEY_DIR/jwt-private.pem" ]]; then
        log "generating the access-token key pair in $KEY_DIR"
        (umask 077 && openssl genpkey -algorithm ed25519 -out "$KEY_DIR/jwt-private.pem")
        openssl pkey -in "$KEY_DIR/jwt-private.pem" -pubout -out "$KEY_DIR/jwt-public.pem"
    fi
    # The operators' bearer for /metrics.
    [[ -s "$KEY_DIR/metrics-token" ]] || (umask 077 && openssl rand -hex 24 >"$KEY_DIR/metrics-token")
}

# Every instance, or only those named (`start Correction-2`: a replica back after a kill).
start() {
    mkdir -p "$LOG_DIR" "$RUN_DIR"
    ensure_keys
    local name
    local -a names=("${SERVICES[@]}")
    if (($#)); then names=("$@"); fi
    for name in "${names[@]}"; do
        [[ " ${SERVICES[*]} " == *" $name "* ]] || { echo "[services] ERROR: no instance $name (${SERVICES[*]})" >&2; exit 2; }
    done
    for name in "${names[@]}"; do start_one "$name"; done
    wait_healthy "${names[@]}"
    if (($#)); then log "healthy: $*"; else log "all services healthy; gateway: http://127.0.0.1:$(port_of Gateway)"; fi
}

stop_one() {
    local name="$1" pid i
    if ! pid="$(running_pid "$name")"; then
        rm -f "$RUN_DIR/$name.pid"
        return 0
    fi
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    # Graceful shutdown (service-lifecycle drains HTTP and the broker); 15 s then SIGKILL.
    for i in $(seq 1 30); do
        running_pid "$name" >/dev/null || break
        sleep 0.5
    done
    if running_pid "$name" >/dev/null; then
        log "$name ignored SIGTERM for 15 s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$RUN_DIR/$name.pid"
}

# Restarts any service that died, until stopped (`stop` stops it first). The first restart is
# immediate; a service that dies again waits 1, 2, 4 … 30 s (a crash loop must not spin), and the
# backoff starts over once it stayed up a minute. Each restart is logged and passed to the service
# as ECE_RESTARTS, which its /metrics exports (ece_process_restarts): a crash is never silent.
supervise() {
    # As for the services (start): no descriptor of the caller's, such as the test lock, held for good.
    local fd
    for fd in /proc/$$/fd/*; do if (( ${fd##*/} > 2 )) && [[ -e $fd ]]; then eval "exec ${fd##*/}>&-"; fi; done
    mkdir -p "$LOG_DIR" "$RUN_DIR"
    echo $$ >"$RUN_DIR/supervisor.pid"
    local name wait
    declare -A restarts=() backoff=() not_before=() started=()
    while true; do
        for name in "${SERVICES[@]}"; do
            if running_pid "$name" >/dev/null; then
                if ((${started[$name]:-0} && SECONDS - ${started[$name]:-0} >= 60)); then backoff[$name]=0; fi
                continue
            fi
            ((SECONDS >= ${not_before[$name]:-0})) || continue
            restarts[$name]=$((${restarts[$name]:-0} + 1))
            wait=${backoff[$name]:-0}
            log "$(date -u +%FT%TZ) $name is not running: restart ${restarts[$name]} (the next one waits ${wait} s)"
            ECE_RESTARTS=${restarts[$name]} start_one "$name" || true
            started[$name]=$SECONDS
            not_before[$name]=$((SECONDS + wait))
            backoff[$name]=$((wait == 0 ? 1 : (wait * 2 > 30 ? 30 : wait * 2)))
        done
        sleep 0.5
    done
}

# The supervisor in the background (make up), if it is not running already.
supervise_in_background() {
    local pid
    mkdir -p "$LOG_DIR" "$RUN_DIR"
    pid="$(tr -dc '0-9' 2>/dev/null <"$RUN_DIR/supervisor.pid")" || true
    if [[ -n "$pid" ]] && grep -q "services.sh" "/proc/$pid/cmdline" 2>/dev/null; then
        log "supervisor already running (pid $pid)"
        return 0
    fi
    setsid "$0" supervise >>"$LOG_DIR/supervisor.log" 2>&1 </dev/null &
    log "supervisor started: a service that dies is restarted (var/log/supervisor.log)"
}

stop_supervisor() {
    local pid
    [[ -f "$RUN_DIR/supervisor.pid" ]] || return 0
    pid="$(tr -dc '0-9' <"$RUN_DIR/supervisor.pid")"
    if [[ -n "$pid" ]] && grep -q "services.sh" "/proc/$pid/cmdline" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
    rm -f "$RUN_DIR/supervisor.pid"
}

stop() {
    local pidfile name
    local -a others=()
    stop_supervisor
    # Replicas started with another REPLICAS too: every instance that left a pid file.
    for pidfile in "$RUN_DIR"/*-[1-9].pid; do
        [[ -e "$pidfile" ]] || continue
        name="$(basename "$pidfile" .pid)"
        [[ " ${SERVICES[*]} " == *" $name "* ]] || others+=("$name")
    done
    # Gateways first (stop taking requests), then the rest, in parallel: each may take 15 s.
    for name in "${SERVICES[@]}" "${others[@]+"${others[@]}"}"; do
        [[ "$(service_of "$name")" != Gateway ]] || stop_one "$name" &
    done
    wait
    for name in "${SERVICES[@]}" "${others[@]+"${others[@]}"}"; do
        [[ "$(service_of "$name")" == Gateway ]] || stop_one "$name" &
    done
    wait
}

status() {
    local name pid rc=0 port
    for name in "${SERVICES[@]}"; do
        port="$(port_of "$name")"
        if pid="$(running_pid "$name")"; then
            if healthy "$name"; then
                printf '%-13s running  pid %-7s :%s  healthy\n' "$name" "$pid" "$port"
            else
                printf '%-13s running  pid %-7s :%s  NOT healthy\n' "$name" "$pid" "$port"; rc=1
            fi
        else
            printf '%-13s stopped\n' "$name"; rc=1
        fi
    done
    return $rc
}

case "${1:-}" in
    start)  shift; start "$@" ;;
    stop)   stop ;;
    status) status ;;
    supervise) supervise ;;
    supervise-background) supervise_in_background ;;
    env)    service_env "${2:?service name}" ;;   # print one instance's environment
    # Demo data: the demo accounts (printed); later issues add subjects, candidates, missions.
    seed)   mapfile -t envs < <(service_env Gateway); env "${envs[@]}" "$BIN_DIR/Gateway" seed-demo
            mapfile -t envs < <(service_env Referentiel); env "${envs[@]}" "$BIN_DIR/Referentiel" seed-demo
            mapfile -t envs < <(service_env Inscriptions); env "${envs[@]}" "$BIN_DIR/Inscriptions" seed-demo ;;
    *) echo "usage: $0 start [instance…]|stop|status|supervise|supervise-background|env <instance>|seed" >&2; exit 2 ;;
esac
