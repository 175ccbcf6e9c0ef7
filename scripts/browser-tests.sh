#!/usr/bin/env bash
# The browser tests (Tests/browser): the platform as `make up` runs it, on a centre of their own,
# driven by headless Chromium through Python selenium (from PyPI, in var/venv). On the database and
# vhost ECE_DATABASE / ECE_VHOST, as scripts/e2e-test.sh (`make test`: ece_test).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
BIN_DIR="${BIN_DIR:-$(swift build --show-bin-path)}"
export BIN_DIR
PASSWORD="ece-demo-2027!"

if [[ ! -x var/venv/bin/python ]]; then
    python3 -m venv var/venv
fi
# selenium drives Chromium; selenium-axe-python brings axe-core 4.9 for the accessibility checks.
var/venv/bin/python -c 'import selenium, selenium_axe_python' 2>/dev/null \
    || var/venv/bin/pip install --quiet 'selenium>=4.10,<5' 'selenium-axe-python==2.2.0'

scripts/services.sh start
trap 'scripts/services.sh stop' EXIT
scripts/services.sh seed >/dev/null

# A school of académie 03 for this run only, not yet in the directory (a fresh valid UAI: runs never
# collide in a developer's database). From the pages (comptes.py): the administrator creates the
# académie's gestionnaire, who loads the directory with it, makes it a centre d'épreuve for
# physique-chimie and NSI and creates its accounts; every password is chosen through the link mailed
# to the SMTP capture server. The road map then does every step from the pages, on that centre.
UAI=$(python3 -c 'import random; n = 2500000 + random.randrange(10000, 99999); print(f"{n:07d}" + "ABCDEFGHJKLMNPRSTUVWXYZ"[n % 23])')
P="b$(python3 -c 'import random; print(random.randrange(10**5, 10**6))')"
export ECE_CENTRE="$UAI" ECE_PREFIX="$P" ECE_PASSWORD="$PASSWORD" ECE_ARTIFACTS="$ROOT/var/artifacts" \
    ECE_MAILDIR="${ECE_TEST_MAILDIR:-$ROOT/var/mail}" ECE_GESTIONNAIRE="$P.dec"
var/venv/bin/python Tests/browser/comptes.py
var/venv/bin/python Tests/browser/parcours.py

# The national and académie pages: subjects and barèmes, imports, delegations, assignments, designations.
var/venv/bin/python Tests/browser/gestion.py
