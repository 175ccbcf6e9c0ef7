#!/bin/sh
# One RabbitMQ user per service, allowed only what that service does (issue 18, item 5; DESIGN.md §5b):
# declare, bind and consume its own queues `<service>.*` (and their `.dlq`), read and write (not
# configure: nor delete) the two exchanges, publish on `ece.events` only the event types it owns and bind its queues only to the
# types it consumes (topic permissions: the broker refuses the others). Every service publishes with
# its user as `user_id`, which the broker validates, and every consumer accepts an event type only
# from its owner (Shared/Contracts/EventOwners.swift and asyncapi.yaml hold the same tables;
# BrokerTrustTests checks that the broker agrees with them).
#
# Idempotent, through the management HTTP API (curl only, so it runs in any container):
#   RABBITMQ_MANAGEMENT_URL  http://host:port            (default http://127.0.0.1:15673)
#   RABBITMQ_ADMIN_USER / RABBITMQ_ADMIN_PASSWORD        an administrator (default guest/guest, loopback only)
#   RABBITMQ_VHOST           the vhost                   (default /)
#   <SERVICE>_AMQP_PASSWORD  each service's password, e.g. CORRECTION_AMQP_PASSWORD; required unless
#                            ECE_DEV_PASSWORDS=1 (local development: password = user name).
set -eu

url="${RABBITMQ_MANAGEMENT_URL:-http://127.0.0.1:15673}"
admin="${RABBITMQ_ADMIN_USER:-guest}:${RABBITMQ_ADMIN_PASSWORD:-guest}"
vhost="${RABBITMQ_VHOST:-/}"
[ "$vhost" = "/" ] && vhost_path=%2F || vhost_path="$vhost"

# The event types each service alone publishes (as in EventOwners.swift).
owned() {
    case "$1" in
        referentiel)  echo 'sujet\.published|sujet\.withdrawn' ;;
        inscriptions) echo 'affectations\.published|intervenants\.exported|notes\.recorded' ;;
        missions)     echo 'convocation\.issued|convocation\.cancelled|missions\.imported' ;;
        correction)   echo 'epreuve\.closed|lot\.locked|lot\.unlocked|message\.posted' ;;
        gateway)      echo '' ;;
    esac
}

# The event types each service consumes (its queues' bindings, as in asyncapi.yaml): the only
# routing keys it may bind a queue to, so that no service can bind `#` and read everybody's events.
consumed() {
    case "$1" in
        referentiel)  echo '' ;;
        inscriptions) echo 'epreuve\.closed' ;;
        missions)     echo 'intervenants\.exported|epreuve\.closed|lot\.unlocked|message\.posted' ;;
        correction)   echo 'sujet\.published|sujet\.withdrawn|affectations\.published|convocation\.issued|convocation\.cancelled' ;;
        gateway)      echo 'convocation\.issued|convocation\.cancelled' ;;
    esac
}

put() {  # path json
    curl -fsS -o /dev/null -u "$admin" -X PUT -H 'content-type: application/json' --data "$2" "$url/api/$1" \
        || { echo "broker-users: PUT $1 failed" >&2; exit 1; }
}

# The administrator replays dead letters in their original publisher's name (ece-ops dlq replay):
# RabbitMQ lets only an `impersonator` publish a user_id other than its own.
case "$admin" in *'"'*|*'\'*) echo "broker-users: the administrator's credentials must not contain \" or \\" >&2; exit 1 ;; esac
put "users/${admin%%:*}" "{\"password\":\"${admin#*:}\",\"tags\":\"administrator,impersonator\"}"

# The two exchanges, declared here once: the services only check that they exist.
put "exchanges/$vhost_path/ece.events" '{"type":"topic","durable":true,"auto_delete":false,"internal":false,"arguments":{}}'
put "exchanges/$vhost_path/ece.dead" '{"type":"direct","durable":true,"auto_delete":false,"internal":false,"arguments":{}}'

for service in referentiel inscriptions missions correction gateway; do
    variable="$(echo "$service" | tr a-z A-Z)_AMQP_PASSWORD"
    password="$(eval "printf '%s' \"\${$variable:-}\"")"
    if [ -z "$password" ]; then
        [ "${ECE_DEV_PASSWORDS:-0}" = 1 ] || { echo "broker-users: $variable is required" >&2; exit 1; }
        password="$service"
    fi
    case "$password" in *'"'*|*'\'*) echo "broker-users: $variable must not contain \" or \\" >&2; exit 1 ;; esac
    own="^($service\\\\..+)\$"
    resources="^(ece\\\\.events|ece\\\\.dead|$service\\\\..+)\$"
    put "users/$service" "{\"password\":\"$password\",\"tags\":\"\"}"
    put "permissions/$vhost_path/$service" \
        "{\"configure\":\"$own\",\"write\":\"$resources\",\"read\":\"$resources\"}"
    publishes="$(owned "$service" | sed 's/\\/\\\\/g')"
    binds="$(consumed "$service" | sed 's/\\/\\\\/g')"
    put "topic-permissions/$vhost_path/$service" \
        "{\"exchange\":\"ece.events\",\"write\":\"^($publishes)\$\",\"read\":\"^($binds)\$\"}"
done
echo "broker-users: five service users on vhost $vhost"
