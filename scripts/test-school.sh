#!/usr/bin/env bash
# A school of académie 03 for one test run only (a fresh valid UAI each time, so runs never collide
# in a developer's database), with its accounts. Reference data, like the seed: the run itself then
# goes through the gateway only.
#   scripts/test-school.sh <name> [exams hosted as a centre d'épreuve, e.g. "T011B T012B"]
# Prints the UAI. Needs BIN_DIR and the password in ECE_PASSWORD.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
NAME="$1"; shift
EXAMS="${*:-}"
UAI=$(python3 -c 'import random; n = 2500000 + random.randrange(10000, 99999); print(f"{n:07d}" + "ABCDEFGHJKLMNPRSTUVWXYZ"[n % 23])')
{
    # A centre d'épreuve has its laboratory (autonome); a school without one sends its pupils elsewhere.
    echo "INSERT INTO inscriptions.etablissements VALUES ('$UAI', '$NAME', '03', 'Besançon', $([[ -n $EXAMS ]] && echo true || echo false), NULL, NULL);"
    if [[ -n $EXAMS ]]; then
        echo "INSERT INTO inscriptions.centres VALUES ('$UAI', 40);"
        for exam in $EXAMS; do echo "INSERT INTO inscriptions.centre_epreuves VALUES ('$UAI', '$exam');"; done
    fi
} | psql "postgresql://inscriptions:inscriptions@127.0.0.1:5433/${ECE_DATABASE:-ece}" -q -v ON_ERROR_STOP=1 >/dev/null
mapfile -t envs < <(scripts/services.sh env Gateway)
roles=(etablissement)
[[ -n $EXAMS ]] && roles+=(centre)
for role in "${roles[@]}"; do
    prefix=$([[ $role == etablissement ]] && echo etab || echo centre)
    env "${envs[@]}" "$BIN_DIR/Gateway" account create --login "$prefix.$UAI" --name "$NAME ($role)" \
        --role "$role" --scope "uai:$UAI" --academie 03 >/dev/null
done
echo "$UAI"
