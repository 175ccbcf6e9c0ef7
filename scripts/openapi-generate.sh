#!/usr/bin/env bash
# Regenerates every file generated from Services/Gateway/API/openapi.yaml, with the generator built from
# Tools/OpenAPIGenerate (its own package: the main package and CI never build it): ECEAPI's types, the
# client, and each service's server stubs filtered by its tag. Each generated file names the YAML's
# SHA-256 in its header; scripts/openapi-check.sh (make test) fails when the YAML changed since.
# Commit the output with the YAML.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
if ! command -v swift >/dev/null 2>&1; then export PATH="$PATH:/opt/swift/usr/bin"; fi
DOC=Services/Gateway/API/openapi.yaml
SUM="$(sha256sum "$DOC" | cut -d' ' -f1)"
TOOL=Tools/OpenAPIGenerate
# OPENAPI_GENERATOR names an already built generator (another checkout's) instead of building one here.
if [[ -z "${OPENAPI_GENERATOR:-}" ]]; then
    swift build --package-path "$TOOL" --product swift-openapi-generator
    OPENAPI_GENERATOR="$(swift build --package-path "$TOOL" --show-bin-path)/swift-openapi-generator"
fi
GENERATOR="$OPENAPI_GENERATOR"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# generate CONFIG OUTPUT-DIRECTORY: the config with the checksum as each file's header comment.
generate() {
    { cat "$TOOL/config/$1.yaml"; echo "additionalFileComments: [\"openapi.yaml sha256: $SUM\"]"; } > "$WORK/$1.yaml"
    rm -rf "$2" && mkdir -p "$2"
    # The generator prints its configuration on stderr: shown only when it fails.
    "$GENERATOR" generate "$DOC" --config "$WORK/$1.yaml" --output-directory "$2" >"$WORK/log" 2>&1 \
        || { cat "$WORK/log" >&2; exit 1; }
}
generate types OpenAPI/ECEAPI
generate client OpenAPI/ECEAPIClient
for service in Gateway Inscriptions Missions Referentiel Correction; do
    generate "server-$(tr '[:upper:]' '[:lower:]' <<<"$service")" "Services/$service/API/Generated"
done
echo "openapi-generate: $(grep -rl "openapi.yaml sha256: $SUM" OpenAPI Services/*/API/Generated | wc -l) files from $DOC ($SUM)"
