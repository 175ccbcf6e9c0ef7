#!/usr/bin/env bash
# A local three-node RabbitMQ cluster (issue 23 item 1), beside the single node of scripts/infra.sh:
# what the national deployment runs (a RabbitmqCluster of three, deploy/kubernetes/), on this
# machine, for the cluster tests and for an operator trying a node's loss.
#
#   scripts/broker-cluster.sh up [VHOST...]   start (or keep) the three nodes, clustered; each vhost with its
#                                             exchanges and the services' users (scripts/broker-users.sh)
#   scripts/broker-cluster.sh down            stop them (data kept under var/cluster)
#   scripts/broker-cluster.sh status          each node: running or not, and the cluster's members
#   scripts/broker-cluster.sh pids N          node N's server pids, booting or running (none: exit 1); no Erlang CLI, instant
#   scripts/broker-cluster.sh urls [VHOST]    the AMQP_URL a service is given: the three nodes, comma-separated
#   scripts/broker-cluster.sh kill N          SIGKILL node N (1-3): a machine lost, no goodbye
#   scripts/broker-cluster.sh start N         start node N again (it rejoins the cluster by itself)
#   scripts/broker-cluster.sh leader QUEUE [VHOST]   the number of the node leading a quorum queue
#   scripts/broker-cluster.sh ctl N ARGS...   rabbitmqctl bound to node N
#
# Node N: name ece-cN@localhost, AMQP 127.0.0.1:568N, management 1568N, Erlang distribution 2568N,
# data var/cluster/nodeN. Its own epmd (port 4371), so stopping the cluster never touches the
# single node's (4370). guest/guest (loopback only) is every vhost's administrator, as on the single node.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$ROOT/var/cluster"
LOG_DIR="$ROOT/var/log"
RABBIT_BIN=/usr/lib/rabbitmq/bin
EPMD_PORT=4371
NODES=(1 2 3)

log() { printf '[cluster] %s\n' "$*"; }
die() { printf '[cluster] ERROR: %s\n' "$*" >&2; exit 1; }
port_open() { timeout 1 bash -c ": </dev/tcp/127.0.0.1/$1" 2>/dev/null; }
amqp_port() { echo $((5680 + $1)); }

# Everything that makes node N itself: every server and CLI call for it goes through here.
node_env() {
    local n="$1"
    export HOME="$DIR/home"                        # the shared Erlang cookie
    export RABBITMQ_NODENAME="ece-c$n@localhost"
    export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    export RABBITMQ_NODE_PORT
    RABBITMQ_NODE_PORT="$(amqp_port "$n")"
    export RABBITMQ_DIST_PORT=$((25680 + n))
    export ERL_EPMD_PORT=$EPMD_PORT
    export ERL_EPMD_ADDRESS=127.0.0.1
    export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}'
    export RABBITMQ_CTL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}'
    export RABBITMQ_CONF_ENV_FILE="$DIR/node$n/rabbitmq-env.conf"
    export RABBITMQ_CONFIG_FILE="$DIR/node$n/rabbitmq.conf"
    export RABBITMQ_ADVANCED_CONFIG_FILE="$DIR/node$n/advanced.config"
    export RABBITMQ_ENABLED_PLUGINS_FILE="$DIR/node$n/enabled_plugins"
    export RABBITMQ_MNESIA_BASE="$DIR/node$n/mnesia"
    export RABBITMQ_LOG_BASE="$LOG_DIR/cluster-node$n"
    export RABBITMQ_PID_FILE="$DIR/node$n/rabbitmq.pid"
}

ctl() { local n="$1"; shift; ( node_env "$n"; "$RABBIT_BIN/rabbitmqctl" -q "$@" ); }

# Node N's server, booting or running: its pids (the launcher script and its Erlang VM), found by their
# environment, for the pid file is written only some way into the boot.
node_pids() {
    local pid pids=()
    for pid in $(pgrep -f -- 'rabbitmq-server|-s rabbit boot'); do
        grep -qxz "RABBITMQ_NODENAME=ece-c$1@localhost" "/proc/$pid/environ" 2>/dev/null && pids+=("$pid")
    done
    ((${#pids[@]})) && echo "${pids[*]}"
}

prepare() {
    local n="$1"
    node_env "$n"
    mkdir -p "$HOME" "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
    # One cookie for the three nodes and their CLI (the first node's boot would write its own).
    [[ -f "$HOME/.erlang.cookie" ]] || { head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$HOME/.erlang.cookie"; chmod 400 "$HOME/.erlang.cookie"; }
    : >"$RABBITMQ_CONF_ENV_FILE"
    cat >"$RABBITMQ_CONFIG_FILE" <<EOF
# Written by scripts/broker-cluster.sh; edit the script, not this file.
listeners.tcp.default = 127.0.0.1:$RABBITMQ_NODE_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $((15680 + n))
loopback_users.guest = true
# The three nodes find each other from this list at their first boot (later boots remember).
cluster_formation.peer_discovery_backend = classic_config
cluster_formation.classic_config.nodes.1 = ece-c1@localhost
cluster_formation.classic_config.nodes.2 = ece-c2@localhost
cluster_formation.classic_config.nodes.3 = ece-c3@localhost
# Keep the queues of a node that comes back: it rejoins, it never resets.
cluster_partition_handling = pause_minority
log.file.level = info
log.console = false
EOF
    grep -qs rabbitmq_management "$RABBITMQ_ENABLED_PLUGINS_FILE" \
        || "$RABBIT_BIN/rabbitmq-plugins" -q enable --offline rabbitmq_management >/dev/null
}

start_node() {
    local n="$1"
    if node_pids "$n" >/dev/null; then return; fi
    ( prepare "$n"
      # Where this boot's output starts in the node's log (boot_output).
      stat -c %s "$LOG_DIR/cluster-node$n.out" 2>/dev/null >"$DIR/node$n/boot-offset" || echo 0 >"$DIR/node$n/boot-offset"
      log "starting ece-c$n@localhost on 127.0.0.1:$RABBITMQ_NODE_PORT"
      # As in infra.sh: a session of its own, output to a file — and every other descriptor
      # closed, not only 3-9: a caller's lock, and the descriptor by which Foundation's Process
      # (a Swift test running this script) learns that its child has ended, whatever its number.
      setsid python3 -c 'import os, sys; os.closerange(3, 65536); os.execv(sys.argv[1], sys.argv[1:])' \
          "$RABBIT_BIN/rabbitmq-server" >>"$LOG_DIR/cluster-node$n.out" 2>&1 </dev/null & )
}

# Waits for nodes "$@" together, starting again (up to three times each) a node whose server has ended.
# Nodes restarted at once wait at their boot for the one that stopped last, and RabbitMQ 3.10 stops a boot
# that meets a peer still booting ({incompatible_feature_flags, {badmap, undefined}}, or Mnesia not
# reaching the peers: both seen in CI): once the peers are further on, the same boot succeeds. Waited for
# one by one, node 1 waited for a node 3 that had failed and that nobody started again (stop 42's CI).
wait_nodes() {
    local n i boot pending=("$@") left=() deadline=$((SECONDS + 300)) tries=()
    while ((${#pending[@]})); do
        sleep 1   # first: a node just started has its launcher exec'd, so node_pids finds it
        left=()
        for n in "${pending[@]}"; do
            if node_pids "$n" >/dev/null; then
                if ( node_env "$n"; "$RABBIT_BIN/rabbitmq-diagnostics" -q check_running >/dev/null 2>&1 ); then
                    for i in $(seq 1 120); do port_open "$(amqp_port "$n")" && continue 2; sleep 0.5; done
                    die "node $n is up but its AMQP port does not accept connections"
                fi
            else
                boot="$(boot_output "$n" || true)"
                if (( ${tries[n]:-0} >= 3 )); then
                    tail -n 30 <<<"$boot" >&2
                    die "node $n did not start (logs: $LOG_DIR/cluster-node$n*)"
                fi
                tries[n]=$(( ${tries[n]:-0} + 1 ))
                log "node $n ended at its boot ($(grep -m1 -o 'Error during startup: .*' <<<"$boot" || echo 'see its log')): starting it again"
                start_node "$n"
            fi
            left+=("$n")
        done
        pending=("${left[@]}")
        if ((${#pending[@]} && SECONDS > deadline)); then
            for n in "${pending[@]}"; do boot_output "$n" | tail -n 30 >&2 || true; done
            die "node(s) ${pending[*]} did not start within 5 minutes (logs: $LOG_DIR/cluster-node*)"
        fi
    done
}

# What node N printed since its last start.
boot_output() { tail -c +"$(( $(cat "$DIR/node$1/boot-offset" 2>/dev/null || echo 0) + 1 ))" "$LOG_DIR/cluster-node$1.out" 2>/dev/null; }

members() { ctl "${1:-1}" cluster_status --formatter json 2>/dev/null | python3 -c '
import json, sys
status = json.load(sys.stdin)
print(" ".join(sorted(status.get("running_nodes", []))))'; }

up() {
    mkdir -p "$DIR" "$LOG_DIR"
    local n
    if [[ -d "$DIR/node1/mnesia" ]]; then
        # A cluster that ran before: all at once, for each node waits at its boot for the node that
        # stopped last (node by node, the first would wait minutes for a node not yet started).
        for n in "${NODES[@]}"; do start_node "$n"; done
        wait_nodes "${NODES[@]}"
    else
        # Its first boot: node 1 first, the others join it (at once, two could form two clusters).
        for n in "${NODES[@]}"; do start_node "$n"; wait_nodes "$n"; done
    fi
    local i running=""
    for i in $(seq 1 120); do
        running="$(members 1 || true)"
        [[ "$(wc -w <<<"$running")" == 3 ]] && break
        # A node that ended just after its boot (seen in CI: killed as it finished booting) is started
        # again, as one that ended during it: `up` brings back the three.
        for n in "${NODES[@]}"; do
            node_pids "$n" >/dev/null || { log "node $n ended after its boot: starting it again"; start_node "$n"; wait_nodes "$n"; }
        done
        sleep 0.5
    done
    [[ "$(wc -w <<<"$running")" == 3 ]] || die "the nodes did not form one cluster (running: $running)"
    # Each vhost as on the single node: the two exchanges and the services' own users
    # (local passwords = user names), guest its administrator.
    # broker-users.sh speaks to node 1's management API, which listens a little after AMQP.
    for i in $(seq 1 120); do port_open 15681 && break; sleep 0.5; done
    port_open 15681 || die "node 1's management API (127.0.0.1:15681) does not answer"
    local vhost
    for vhost in "$@"; do
        ctl 1 add_vhost "$vhost" >/dev/null 2>&1 || true
        ctl 1 set_permissions -p "$vhost" guest '.*' '.*' '.*'
        # On a cluster just formed, a new vhost reaches every node a moment later: its exchanges
        # may be refused at first, so the (idempotent) script is run again.
        for i in $(seq 1 15); do
            RABBITMQ_MANAGEMENT_URL="http://127.0.0.1:15681" RABBITMQ_VHOST="$vhost" ECE_DEV_PASSWORDS=1 \
                "$ROOT/scripts/broker-users.sh" >/dev/null 2>&1 && continue 2
            sleep 2
        done
        die "could not set up vhost $vhost"
    done
    log "three nodes running: $running"
}

# SIGKILL to node N, again until none of its processes is left: a booting node's launcher may fork
# (rabbitmq-env) or start its VM meanwhile.
kill_node() {
    local pids
    for _ in $(seq 1 40); do
        pids="$(node_pids "$1")" || return 0
        kill -KILL $pids 2>/dev/null || true
        sleep 0.25
    done
    node_pids "$1" >/dev/null && die "node $1 still running after SIGKILL"
    return 0
}

down() {
    local n i
    for n in "${NODES[@]}"; do
        if node_pids "$n" >/dev/null; then
            log "stopping node $n"
            if ( node_env "$n"; timeout 60 "$RABBIT_BIN/rabbitmqctl" -q shutdown >/dev/null 2>&1 ); then
                for i in $(seq 1 40); do node_pids "$n" >/dev/null || break; sleep 0.25; done
            fi
            kill_node "$n"
        fi
    done
    port_open "$EPMD_PORT" && epmd -port "$EPMD_PORT" -kill >/dev/null 2>&1 || true
}

urls() {
    local vhost="${1:-}" n list=()
    for n in "${NODES[@]}"; do list+=("amqp://guest:guest@127.0.0.1:$(amqp_port "$n")/$vhost"); done
    (IFS=,; echo "${list[*]}")
}

leader() {
    local queue="$1" vhost="${2:-/}" n
    for n in "${NODES[@]}"; do
        node_pids "$n" >/dev/null || continue
        ctl "$n" list_queues -p "$vhost" name leader --formatter json | python3 -c '
import json, sys
queue = sys.argv[1]
for q in json.load(sys.stdin):
    if q["name"] == queue:
        print(q["leader"].split("@")[0].removeprefix("ece-c")); break
else:
    sys.exit("no quorum queue " + queue)' "$queue"
        return
    done
    die "no node running"
}

case "${1:-}" in
    up) shift; up "$@" ;;
    down) down ;;
    status)
        for n in "${NODES[@]}"; do
            if pids="$(node_pids "$n")"; then echo "node $n: running   pids $pids, AMQP 127.0.0.1:$(amqp_port "$n")"; else echo "node $n: stopped"; fi
        done
        for n in "${NODES[@]}"; do node_pids "$n" >/dev/null && { echo "members: $(members "$n")"; break; }; done
        true ;;   # no node running is an answer, not a failure
    urls) shift; urls "$@" ;;
    pids) node_pids "$2" ;;
    kill) node_pids "$2" >/dev/null || die "node $2 is not running"
          kill_node "$2"
          for _ in $(seq 1 40); do port_open "$(amqp_port "$2")" || break; sleep 0.25; done ;;
    start) start_node "$2"; wait_nodes "$2" ;;
    leader) shift; leader "$@" ;;
    ctl) shift; n="$1"; shift; ctl "$n" "$@" ;;
    *) sed -n '2,19p' "$0"; exit 2 ;;
esac
