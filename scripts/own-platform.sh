# Sourced by the runs that need the platform on a database and broker vhost of their own
# (scripts/bench-national.sh, scripts/chaos-test.sh): `own_platform NAME` stops the development
# platform (it uses the same ports), recreates NAME with scripts/infra.sh fresh, and starts the
# five services on it; ECE_DATABASE and ECE_VHOST stay exported for the services.sh calls after.
own_platform() {
    local name="$1"
    scripts/infra.sh up >/dev/null
    scripts/services.sh stop
    scripts/infra.sh fresh "$name"
    export ECE_DATABASE="$name" ECE_VHOST="$name" LOG_LEVEL="${PLATFORM_LOG_LEVEL:-warning}"
    scripts/services.sh start
}
