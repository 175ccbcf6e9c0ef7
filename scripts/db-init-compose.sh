#!/bin/sh
# docker-compose.yml runs this once, on an empty volume, from postgres:15's /docker-entrypoint-initdb.d:
# scripts/db-init.sql with the services' database passwords from the environment (all required:
# a deployment has no default password). ece_test, the integration tests' role, gets a random one.
set -eu
for service in referentiel inscriptions missions correction gateway; do
    variable="$(echo "$service" | tr a-z A-Z)_DB_PASSWORD"
    [ -n "$(eval "printf '%s' \"\${$variable:-}\"")" ] || { echo "db-init: $variable is required" >&2; exit 1; }
done
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v referentiel_password="$REFERENTIEL_DB_PASSWORD" -v inscriptions_password="$INSCRIPTIONS_DB_PASSWORD" \
    -v missions_password="$MISSIONS_DB_PASSWORD" -v correction_password="$CORRECTION_DB_PASSWORD" \
    -v gateway_password="$GATEWAY_DB_PASSWORD" -v ece_test_password="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
    -f /ece/db-init.sql
