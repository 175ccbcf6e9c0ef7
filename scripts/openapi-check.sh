#!/usr/bin/env bash
# The OpenAPI document against the specification (scripts/openapi-check.py), in make test.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
if [[ ! -x var/venv/bin/python ]]; then python3 -m venv var/venv; fi
var/venv/bin/python -c 'import openapi_spec_validator, yaml' 2>/dev/null \
    || var/venv/bin/pip install --quiet 'openapi-spec-validator==0.7.1' 'PyYAML>=6,<7'
var/venv/bin/python scripts/openapi-check.py
