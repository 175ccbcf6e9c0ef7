#!/usr/bin/env bash
# deploy/kubernetes/ as an orchestrator must find it (issue 23, item 4), checked without a cluster:
#   1. every Kubernetes resource against the Kubernetes schemas (kubernetes-validate from PyPI,
#      which ships them: no network at run time), strictly (an unknown field fails);
#   2. the operators' resources (RabbitmqCluster, CloudNativePG Cluster) against the JSON Schemas the
#      project wrote from their documented fields (deploy/kubernetes/schemas/);
#   3. docker-compose.yml and the Deployments set the same variables for each service, every Secret
#      and ConfigMap named exists with the key asked for, Secrets hold placeholders only, and each
#      service has its replicas, probes, limits, PDB, HPA and NetworkPolicy (who may reach it);
#   4. then the check itself: each broken copy of Tests/deploy/k8s-broken.tsv must fail it, for the
#      reason it was broken (a check that lets a typo through fails make test).
#   scripts/k8s-check.sh [manifests folder [compose file]]   (defaults: deploy/kubernetes docker-compose.yml)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ ! -x var/venv/bin/python ]]; then python3 -m venv var/venv; fi
var/venv/bin/python -c 'from importlib.metadata import version as v; assert v("kubernetes-validate") == "1.34.1" and v("jsonschema") == "4.26.0"' 2>/dev/null \
    || var/venv/bin/pip install --quiet 'kubernetes-validate==1.34.1' 'jsonschema==4.26.0'
var/venv/bin/python scripts/k8s-check.py "${1:-deploy/kubernetes}" "${2:-docker-compose.yml}" Tests/deploy/k8s-broken.tsv
