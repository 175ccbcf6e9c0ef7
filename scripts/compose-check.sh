#!/usr/bin/env bash
# docker-compose.yml as a deployment must find it (issue 18, item 5), checked without a Docker engine:
#   - it does not start without its credentials (no default password anywhere);
#   - with the ones scripts/compose-secrets.sh generates it is valid;
#   - only the gateway publishes a port, on loopback (Postgres, AMQP and management stay inside);
#   - every service has its own database role and broker user, and an https PUBLIC_URL.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
: >"$dir/empty.env"
if env -u POSTGRES_PASSWORD docker-compose --env-file "$dir/empty.env" -f docker-compose.yml config -q 2>"$dir/refused"; then
    echo "compose-check: docker-compose.yml is valid without any credential" >&2; exit 1
fi
grep -q "Missing mandatory value" "$dir/refused" || { cat "$dir/refused" >&2; exit 1; }
scripts/compose-secrets.sh "$dir" >/dev/null
echo "PUBLIC_URL=https://ece.example.fr" >>"$dir/.env"
SECRETS_DIR="$dir/secrets" docker-compose --env-file "$dir/.env" -f docker-compose.yml config -q
SECRETS_DIR="$dir/secrets" docker-compose --env-file "$dir/.env" -f docker-compose.yml config >"$dir/resolved.yml"
"${PYTHON:-python3}" - "$dir/resolved.yml" <<'PY'
import sys, yaml
config = yaml.safe_load(open(sys.argv[1]))
problems = []
for name, service in config["services"].items():
    ports = service.get("ports", [])
    if name != "gateway" and ports:
        problems.append(f"{name} publishes {ports}")
    for port in ports:
        host_ip = port.get("host_ip") if isinstance(port, dict) else str(port).split(":")[0]
        if host_ip != "127.0.0.1":
            problems.append(f"{name} publishes {port} beyond loopback")
    environment = service.get("environment") or {}
    if name in ("referentiel", "inscriptions", "missions", "correction", "gateway"):
        if not str(environment.get("AMQP_URL", "")).startswith(f"amqp://{name}:"):
            problems.append(f"{name} is not its own broker user")
        if not str(environment.get("DATABASE_URL", "")).startswith(f"postgres://{name}:"):
            problems.append(f"{name} is not its own database role")
        if not str(environment.get("PUBLIC_URL", "")).startswith("https://"):
            problems.append(f"{name} has no https PUBLIC_URL")
    for key, value in environment.items():
        if "guest" in str(value) or key.endswith("PASSWORD") and str(value) in ("", name, "postgres", "ece"):
            problems.append(f"{name}: {key} is a default credential")
if problems:
    print("compose-check:\n  " + "\n  ".join(problems), file=sys.stderr)
    sys.exit(1)
print("compose-check: docker-compose.yml needs its credentials, publishes only the gateway on loopback")
PY
