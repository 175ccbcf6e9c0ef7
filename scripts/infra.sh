#!/usr/bin/env bash
# Local infrastructure for the ECE platform: a private PostgreSQL 15 cluster and a private
# RabbitMQ node, both with their data under <repo>/var (git-ignored), on non-default ports so
# they never clash with a system-wide Postgres/RabbitMQ. No systemd and no Docker needed:
# both run as plain background processes.
#
#   scripts/infra.sh up|down|status
#   scripts/infra.sh rabbit-stop|rabbit-start|pg-stop|pg-start   (used by resilience tests)
#   scripts/infra.sh rabbitmqctl ARGS...                          (CLI bound to our node)
#   scripts/infra.sh pg2-up|pg2-down|pg2-start|pg2-fresh NAME   a second PostgreSQL cluster, 127.0.0.1:5434,
#       data var/pg2 (issue 23: a service's database on a server of its own, e.g. Correction's in
#       scripts/e2e-test.sh, pointed at by <SERVICE>_DATABASE_URL as scripts/services.sh reads it)
#
# Ports: Postgres 127.0.0.1:5433, AMQP 127.0.0.1:5673, management 127.0.0.1:15673,
#        Erlang distribution 25673, epmd 127.0.0.1:4370, SMTP mail capture 127.0.0.1:2525.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR="$ROOT/var"
LOG_DIR="$VAR/log"

PG_BIN=/usr/lib/postgresql/15/bin
PG_PORT=5433
PG_DIR="$VAR/pg"
PG_DATA="$PG_DIR/data"
PG_SOCK="$PG_DIR/sock"
PG_LOG="$LOG_DIR/postgres.log"
# Superuser password, set so pgbench and admin tools can log in over TCP. Local only.
PG_SUPERUSER_PASSWORD=postgres
PG_FRESH=0

RABBIT_BIN=/usr/lib/rabbitmq/bin
RABBIT_DIR="$VAR/rabbitmq"
AMQP_PORT=5673
RABBIT_MGMT_PORT=15673
RABBIT_DIST_PORT=25673
EPMD_PORT=4370

# A real SMTP server that captures mail (aiosmtpd from PyPI, in var/venv): every message the
# platform sends lands in the Maildir var/mail/new, nothing is delivered.
SMTP_PORT=2525
MAIL_DIR="$VAR/mail"
SMTP_PID="$VAR/smtp.pid"

# The second cluster: same roles and settings, its own port, folder and log.
use_second_cluster() {
    PG_PORT=5434
    PG_DIR="$VAR/pg2"
    PG_DATA="$PG_DIR/data"
    PG_SOCK="$PG_DIR/sock"
    PG_LOG="$LOG_DIR/postgres2.log"
}

log() { printf '[infra] %s\n' "$*"; }
die() { printf '[infra] ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# Packages

# Install only what is missing, so a second `up` does not touch apt (slow, needs network).
ensure_packages() {
    local wanted=(postgresql-15 postgresql-client-15 postgresql-contrib rabbitmq-server
                  librabbitmq-dev libpq-dev libssl-dev libhpdf-dev libqrencode-dev libzip-dev pkg-config poppler-utils unzip chromium chromium-driver python3-venv docker-compose curl openssl)
    local missing=() p
    for p in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$p")
    done
    if ((${#missing[@]} == 0)); then
        return 0
    fi
    [[ $(id -u) -eq 0 ]] || die "missing packages (${missing[*]}); run as root to install them"
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
}

# Is something accepting TCP connections on 127.0.0.1:$1?
port_open() { timeout 1 bash -c ": </dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# ---------------------------------------------------------------------------------------------
# PostgreSQL

# client_min_messages: hide the "already exists, skipping" notices of idempotent DDL.
as_postgres() { runuser -u postgres -- env PGOPTIONS='-c client_min_messages=warning' "$@"; }

# The server runs as `postgres`, so every directory above the data folder must be traversable
# by it. A clone under a mode-700 folder (mktemp -d, /root) is common: as root we grant the
# traverse bit only (o+x: no listing, no reading) on the folders that lack it, and say so.
check_traversable() {
    local d="" part
    local -a parts
    IFS=/ read -r -a parts <<<"${PG_DIR#/}"
    # From / downwards, so the first folder reported is the one to fix.
    for part in "${parts[@]:0:${#parts[@]}-1}"; do
        d="$d/$part"
        if ! as_postgres test -x "$d"; then
            [[ $(id -u) -eq 0 ]] || die "user postgres cannot traverse $d (chmod o+x it, or move the repo)"
            log "granting traverse (o+x) on $d so the postgres user reaches var/pg"
            chmod o+x "$d"
        fi
        as_postgres test -x "$d" \
            || die "user postgres cannot traverse $d (chmod o+x it, or move the repo)"
    done
}

pg_prepare_dirs() {
    mkdir -p "$LOG_DIR"
    install -d -o postgres -g postgres -m 0700 "$PG_DIR" "$PG_SOCK"
    check_traversable
    # pg_ctl opens the log as postgres; root-owned var/log stays writable by root only.
    touch "$PG_LOG"
    chown postgres:postgres "$PG_LOG"
}

# A live process (not a zombie: a killed server whose parent has not reaped it yet still
# answers kill -0, and then pg_ctl would believe the postmaster is up).
proc_alive() {
    local state
    state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
    [[ -n "$state" && "$state" != Z ]]
}

pg_pid() {
    local pid
    [[ -f "$PG_DATA/postmaster.pid" ]] || return 1
    pid="$(head -n 1 "$PG_DATA/postmaster.pid" | tr -dc '0-9')"
    [[ -n "$pid" ]] && proc_alive "$pid" && grep -q postgres "/proc/$pid/cmdline" 2>/dev/null || return 1
    echo "$pid"
}

pg_running() { pg_pid >/dev/null; }

pg_initdb() {
    [[ -f "$PG_DATA/PG_VERSION" ]] && return 1
    log "initialising PostgreSQL cluster in $PG_DATA"
    install -d -o postgres -g postgres -m 0700 "$PG_DATA"
    # Local socket = trust (only postgres/root can reach the 0700 socket folder);
    # TCP = password, like the services will use.
    as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    # Our settings live in an included file, rewritten on each start (see pg_write_conf),
    # so moving the repo or changing a value here needs no re-initdb.
    echo "include_if_exists = 'ece.conf'" >>"$PG_DATA/postgresql.conf"
    return 0
}

pg_write_conf() {
    cat >"$PG_DATA/ece.conf" <<EOF
# Written by scripts/infra.sh on every start; edit the script, not this file.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCK'
# Five services with their pools, integration tests and benchmarks connect at once.
max_connections = 300
shared_buffers = 256MB
logging_collector = off
# Per-statement figures for operators and benchmarks (SELECT * FROM pg_stat_statements).
shared_preload_libraries = 'pg_stat_statements'
# Santorin's sheets arrive by the hundred thousand within minutes and are distributed right after:
# the planner needs their statistics within seconds, not after autovacuum's default minute.
autovacuum_naptime = 10s
log_line_prefix = '%m [%p] %q%u@%d '
EOF
    chown postgres:postgres "$PG_DATA/ece.conf"
}

pg_start() {
    pg_prepare_dirs
    PG_FRESH=0
    if pg_initdb; then PG_FRESH=1; fi
    if pg_running; then
        log "PostgreSQL already running on 127.0.0.1:$PG_PORT"
    else
        # The server died without cleaning up (kill -9, machine reset): its lock file would make
        # the new postmaster refuse to start if the old pid is a zombie or was reused.
        rm -f "$PG_DATA/postmaster.pid" "$PG_SOCK/.s.PGSQL.$PG_PORT.lock"
        pg_write_conf
        log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
        # Retried: after a crash, orphaned backends can hold the old shared memory for a moment.
        local attempt
        for attempt in 1 2 3; do
            as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start >/dev/null 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- && break
            if ((attempt == 3)); then
                tail -n 15 "$PG_LOG" >&2
                die "PostgreSQL did not start (log: $PG_LOG)"
            fi
            sleep 2
        done
    fi
    local i
    for i in $(seq 1 60); do
        "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && break
        sleep 0.5
    done
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" || die "PostgreSQL is not accepting connections"
    # A brand-new cluster is useless without roles; provision it even from pg-start.
    if ((PG_FRESH)); then pg_provision; fi
}

pg_provision() {
    local db="${1:-ece}"
    log "provisioning database $db, roles and schemas"
    # Passwords: local development only (each role's password is its own name).
    as_postgres psql -X -q -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -v db="$db" \
        -v referentiel_password=referentiel -v inscriptions_password=inscriptions \
        -v missions_password=missions -v correction_password=correction \
        -v gateway_password=gateway -v ece_test_password=ece_test \
        -f - <"$ROOT/scripts/db-init.sql" >/dev/null
    # Via stdin, not -c: psql only interpolates :'pw' in scripts.
    as_postgres psql -X -q -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
        -v pw="$PG_SUPERUSER_PASSWORD" -f - >/dev/null <<<"ALTER ROLE postgres PASSWORD :'pw';"
    # The view over the preloaded library (below), for `SELECT * FROM pg_stat_statements` as postgres.
    as_postgres psql -X -q -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
        -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
}

pg_stop() {
    if pg_running; then
        log "stopping PostgreSQL"
        # fast = roll back open transactions and disconnect clients; immediate only if it hangs.
        as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null \
            || as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w -t 30 stop >/dev/null
    else
        log "PostgreSQL not running"
    fi
}

# ---------------------------------------------------------------------------------------------
# RabbitMQ

# The one place that defines our node: every server and CLI call goes through it, so the CLI
# always finds the same node, cookie and files. The /usr/sbin wrappers are avoided on purpose:
# they su to the rabbitmq user and reset HOME.
rabbit_env() {
    export HOME="$RABBIT_DIR/home"                # the Erlang cookie lives in $HOME
    export RABBITMQ_NODENAME=ece@localhost
    export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    export RABBITMQ_NODE_PORT=$AMQP_PORT
    export RABBITMQ_DIST_PORT=$RABBIT_DIST_PORT
    export ERL_EPMD_PORT=$EPMD_PORT
    export ERL_EPMD_ADDRESS=127.0.0.1
    # Erlang distribution (node <-> CLI) on loopback only; by default it listens on 0.0.0.0.
    export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}'
    export RABBITMQ_CTL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}'
    export RABBITMQ_CONF_ENV_FILE="$RABBIT_DIR/rabbitmq-env.conf"   # empty: ignore /etc's
    export RABBITMQ_CONFIG_FILE="$RABBIT_DIR/rabbitmq.conf"
    export RABBITMQ_ADVANCED_CONFIG_FILE="$RABBIT_DIR/advanced.config"
    export RABBITMQ_ENABLED_PLUGINS_FILE="$RABBIT_DIR/enabled_plugins"
    export RABBITMQ_MNESIA_BASE="$RABBIT_DIR/mnesia"
    export RABBITMQ_LOG_BASE="$LOG_DIR/rabbitmq"
    export RABBITMQ_PID_FILE="$RABBIT_DIR/rabbitmq.pid"
}

rabbit_pid() {
    local pid
    [[ -f "$RABBIT_DIR/rabbitmq.pid" ]] || return 1
    pid="$(tr -dc '0-9' <"$RABBIT_DIR/rabbitmq.pid")"
    # cmdline check: guard against a stale pid file whose number now belongs to another process.
    [[ -n "$pid" ]] && proc_alive "$pid" && grep -q beam "/proc/$pid/cmdline" 2>/dev/null || return 1
    echo "$pid"
}

rabbit_running() { rabbit_pid >/dev/null; }

rabbit_prepare() {
    rabbit_env
    mkdir -p "$HOME" "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE" "$LOG_DIR"
    : >"$RABBITMQ_CONF_ENV_FILE"
    cat >"$RABBITMQ_CONFIG_FILE" <<EOF
# Written by scripts/infra.sh; edit the script, not this file.
listeners.tcp.default = 127.0.0.1:$AMQP_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $RABBIT_MGMT_PORT
# guest/guest is kept: RabbitMQ only accepts it from loopback, which is all we listen on.
loopback_users.guest = true
log.file.level = info
log.console = false
EOF
    if ! grep -qs rabbitmq_management "$RABBITMQ_ENABLED_PLUGINS_FILE"; then
        "$RABBIT_BIN/rabbitmq-plugins" -q enable --offline rabbitmq_management >/dev/null
    fi
}

# Ready = the node says it booted AND the AMQP port takes connections (what clients need).
rabbit_wait() {
    rabbit_env
    "$RABBIT_BIN/rabbitmq-diagnostics" -q wait "$RABBITMQ_PID_FILE" --timeout 90 >/dev/null \
        || { tail -n 30 "$LOG_DIR/rabbitmq-server.out" >&2 || true; die "RabbitMQ did not start (logs: $LOG_DIR/rabbitmq*)"; }
    local i
    for i in $(seq 1 60); do
        port_open "$AMQP_PORT" && return 0
        sleep 0.5
    done
    die "RabbitMQ node is up but AMQP 127.0.0.1:$AMQP_PORT does not accept connections"
}

rabbit_start() {
    rabbit_prepare
    if rabbit_running; then
        log "RabbitMQ already running (node $RABBITMQ_NODENAME, AMQP 127.0.0.1:$AMQP_PORT)"
    else
        log "starting RabbitMQ node $RABBITMQ_NODENAME on 127.0.0.1:$AMQP_PORT"
        rm -f "$RABBITMQ_PID_FILE"
        # setsid: the node must outlive this script and not get the terminal's signals.
        # All output goes to a file so callers piping our output (make | tee) do not hang.
        # Descriptors 3-9 closed: a caller's lock (flock /tmp/ece-infra.lock, around a test that
        # restarts the broker) must not be held by the daemon for ever.
        setsid "$RABBIT_BIN/rabbitmq-server" >>"$LOG_DIR/rabbitmq-server.out" 2>&1 </dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
    fi
    rabbit_wait
}

rabbit_stop() {
    rabbit_env
    local pid i
    if pid="$(rabbit_pid)"; then
        log "stopping RabbitMQ"
        # shutdown waits until the OS process has exited; fall back to signals if the node
        # is wedged, because tests that restart the broker must not hang here.
        if ! timeout 60 "$RABBIT_BIN/rabbitmqctl" -q shutdown >/dev/null 2>&1; then
            kill -TERM "$pid" 2>/dev/null || true
            for i in $(seq 1 40); do proc_alive "$pid" || break; sleep 0.5; done
            kill -KILL "$pid" 2>/dev/null || true
        fi
        for i in $(seq 1 40); do proc_alive "$pid" || break; sleep 0.25; done
    else
        log "RabbitMQ not running"
    fi
    rm -f "$RABBITMQ_PID_FILE"
    # Wait for the listener to disappear so a quick rabbit-start cannot race the old one.
    for i in $(seq 1 40); do port_open "$AMQP_PORT" || break; sleep 0.25; done
}

# epmd is started by the first Erlang VM and outlives it; kill ours (port 4370) on `down` only,
# a broker restart reuses it.
epmd_stop() {
    rabbit_env
    if port_open "$EPMD_PORT"; then
        epmd -port "$EPMD_PORT" -kill >/dev/null 2>&1 || true
    fi
}

# guest (loopback only) is the local administrator: tests and ece-ops stand in for a service
# with it (impersonator: it may publish under another user_id). The services log in as their own
# users (scripts/broker-users.sh; local passwords = user names, like the database roles).
rabbit_users() {
    local vhost="$1" i
    rabbit_env
    for i in $(seq 1 60); do port_open "$RABBIT_MGMT_PORT" && break; sleep 0.5; done
    RABBITMQ_MANAGEMENT_URL="http://127.0.0.1:$RABBIT_MGMT_PORT" RABBITMQ_VHOST="$vhost" ECE_DEV_PASSWORDS=1 \
        "$ROOT/scripts/broker-users.sh" >/dev/null || die "could not create the services' broker users"
}

# ---------------------------------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------
# Mail capture

smtp_pid() {
    local pid
    [[ -f "$SMTP_PID" ]] || return 1
    pid="$(tr -dc '0-9' <"$SMTP_PID")"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

smtp_start() {
    if smtp_pid >/dev/null; then return; fi
    [[ -x "$VAR/venv/bin/python" ]] || python3 -m venv "$VAR/venv"
    "$VAR/venv/bin/python" -c 'import aiosmtpd' 2>/dev/null || "$VAR/venv/bin/pip" install --quiet 'aiosmtpd>=1.4,<2'
    mkdir -p "$MAIL_DIR/tmp" "$MAIL_DIR/new" "$MAIL_DIR/cur" "$LOG_DIR"
    # Descriptors 3-9 closed, as for RabbitMQ: a caller's lock (flock /tmp/ece-infra.lock) must not
    # be held by the daemon for ever (it was: every later test run on the machine waited).
    setsid "$VAR/venv/bin/python" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$MAIL_DIR" \
        >>"$LOG_DIR/smtp.log" 2>&1 </dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
    echo $! >"$SMTP_PID"
    for _ in $(seq 1 40); do port_open "$SMTP_PORT" && return; sleep 0.25; done
    die "the SMTP capture server did not start (log: $LOG_DIR/smtp.log)"
}

smtp_stop() {
    local pid
    if pid="$(smtp_pid)"; then kill "$pid"; fi
    rm -f "$SMTP_PID"
}

summary() {
    cat <<EOF

ECE local infrastructure
  PostgreSQL  127.0.0.1:$PG_PORT  database ece   (roles referentiel, inscriptions, missions,
              correction, gateway, ece_test; password = role name; postgres/postgres)
              e.g. psql "postgresql://correction:correction@127.0.0.1:$PG_PORT/ece"
              log: $PG_LOG
  RabbitMQ    amqp://guest:guest@127.0.0.1:$AMQP_PORT/   node ece@localhost
              management: http://127.0.0.1:$RABBIT_MGMT_PORT  (guest/guest)
              logs: $LOG_DIR/rabbitmq/ , $LOG_DIR/rabbitmq-server.out
  SMTP        smtp://127.0.0.1:$SMTP_PORT  (captures mail: $MAIL_DIR/new, log $LOG_DIR/smtp.log)
  Stop with: scripts/infra.sh down
EOF
}

status() {
    local rc=0 pid
    if pg_running && "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
        echo "postgres: running   127.0.0.1:$PG_PORT (data $PG_DATA)"
    else
        echo "postgres: stopped"; rc=1
    fi
    if pid="$(rabbit_pid)" && port_open "$AMQP_PORT"; then
        echo "rabbitmq: running   pid $pid, AMQP 127.0.0.1:$AMQP_PORT, management http://127.0.0.1:$RABBIT_MGMT_PORT"
    elif rabbit_running; then
        echo "rabbitmq: starting  (process up, AMQP port not open yet)"; rc=1
    else
        echo "rabbitmq: stopped"; rc=1
    fi
    if pid="$(smtp_pid)" && port_open "$SMTP_PORT"; then
        echo "smtp:     running   pid $pid, 127.0.0.1:$SMTP_PORT, mail in $MAIL_DIR/new"
    else
        echo "smtp:     stopped"; rc=1
    fi
    return $rc
}

main() {
    local cmd="${1:-}"
    case "$cmd" in
        up)
            ensure_packages
            pg_start
            # Re-run on an existing cluster too (idempotent): keeps roles and grants in line
            # with db-init.sql after it changes.
            if ((PG_FRESH == 0)); then pg_provision; fi
            rabbit_start
            rabbit_users /
            smtp_start
            summary
            ;;
        down)
            smtp_stop
            rabbit_stop
            epmd_stop
            pg_stop
            (use_second_cluster; if pg_running; then pg_stop; fi)
            ;;
        status)       status ;;
        rabbit-stop)  rabbit_stop ;;
        rabbit-start) rabbit_start ;;
        pg-stop)      pg_stop ;;
        pg-start)     pg_start ;;
        # A fresh database and broker vhost of that name (ece-bench national): dropped, then provisioned.
        fresh)
            local name="${2:?usage: $0 fresh <name>}"
            [[ "$name" =~ ^[a-z_][a-z0-9_]*$ && "$name" != ece ]] || die "fresh: a lower-case name other than ece"
            as_postgres psql -X -q -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
                -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null
            pg_provision "$name"
            rabbit_env
            "$RABBIT_BIN/rabbitmqctl" -q delete_vhost "$name" >/dev/null 2>&1 || true
            "$RABBIT_BIN/rabbitmqctl" -q add_vhost "$name" >/dev/null
            "$RABBIT_BIN/rabbitmqctl" -q set_permissions -p "$name" guest '.*' '.*' '.*' >/dev/null
            rabbit_users "$name"
            log "fresh database and vhost $name"
            ;;
        pg2-up)
            ensure_packages
            use_second_cluster
            pg_start
            if ((PG_FRESH == 0)); then pg_provision; fi
            log "second PostgreSQL cluster on 127.0.0.1:$PG_PORT (data $PG_DATA)"
            ;;
        pg2-down)     use_second_cluster; pg_stop ;;
        pg2-start)    use_second_cluster; pg_start ;;
        pg2-fresh)
            local db="${2:?usage: $0 pg2-fresh <name>}"
            [[ "$db" =~ ^[a-z_][a-z0-9_]*$ && "$db" != ece ]] || die "pg2-fresh: a lower-case name other than ece"
            use_second_cluster
            as_postgres psql -X -q -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
                -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
            pg_provision "$db"
            ;;
        # Convenience: run the CLI against our node, e.g. `scripts/infra.sh rabbitmqctl list_queues`.
        rabbitmqctl)  shift; rabbit_env; exec "$RABBIT_BIN/rabbitmqctl" "$@" ;;
        *)
            echo "usage: $0 up|down|status|rabbit-stop|rabbit-start|pg-stop|pg-start|fresh NAME|pg2-up|pg2-down|pg2-start|pg2-fresh NAME|rabbitmqctl ARGS" >&2
            exit 2
            ;;
    esac
}

main "$@"
