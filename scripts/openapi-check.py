"""The public API's document (Services/Gateway/API/openapi.yaml) against the OpenAPI 3.1 specification
(openapi-spec-validator), free of YAML's silent traps (an unquoted comma in a flow mapping makes a key
with no value: a parameter lost its name that way, and the hostile run's schemathesis stopped on it),
in the shape the generated code needs (one camelCase operationId and one service tag per operation,
every request and response object a named schema), and the generated code made from this very file
(its SHA-256 in each generated file's header: scripts/openapi-generate.sh after any change)."""
import glob
import hashlib
import re
import sys

import yaml
from openapi_spec_validator import validate

DOCUMENT = "Services/Gateway/API/openapi.yaml"
GENERATED = ["OpenAPI/ECEAPI/*.swift", "OpenAPI/ECEAPIClient/*.swift", "Services/*/API/Generated/*.swift"]
SERVICES = {"gateway", "inscriptions", "missions", "referentiel", "correction"}
raw = open(DOCUMENT, "rb").read()
document = yaml.safe_load(raw)
problems = []


def walk(value, path):
    if isinstance(value, dict):
        for key, item in value.items():
            if item is None:
                problems.append("no value (an unquoted comma in a flow mapping?): " + "/".join(map(str, path + [key])))
            walk(item, path + [key])
    elif isinstance(value, list):
        for i, item in enumerate(value):
            walk(item, path + [i])


def anonymous(schema):
    """An object schema written in place (the generator would name it after its position)."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return False
    if schema.get("type") == "array":
        return anonymous(schema.get("items"))
    return schema.get("type") == "object" or "properties" in schema


walk(document, [])
validate(document)
ids = {}
for path, item in document["paths"].items():
    # The service a path belongs to: the gateway's own (/health, /openapi.yaml, auth, comptes) or /api/<service>/.
    part = path.split("/")[2] if path.startswith("/api/") else ""
    service = part if part in SERVICES else "gateway"
    for method, operation in item.items():
        if method not in ("get", "put", "post", "patch", "delete"):
            continue
        where = f"{method.upper()} {path}"
        oid = operation.get("operationId", "")
        if not re.fullmatch(r"[a-z][A-Za-z0-9]*", oid):
            problems.append(f"{where}: operationId {oid!r} is not camelCase ASCII")
        elif oid in ids:
            problems.append(f"{where}: operationId {oid} already names {ids[oid]}")
        ids[oid] = where
        if operation.get("tags") != [service]:
            problems.append(f"{where}: tags {operation.get('tags')} instead of [{service}]")
        bodies = [("request", c) for c in operation.get("requestBody", {}).get("content", {}).values()]
        bodies += [(status, c) for status, r in operation.get("responses", {}).items() for c in (r.get("content") or {}).values()]
        for status, content in bodies:
            if anonymous(content.get("schema")):
                problems.append(f"{where} {status}: an object schema in place, not under components/schemas")
for name, schema in document["components"]["schemas"].items():
    for prop, value in (schema.get("properties") or {}).items():
        if anonymous(value) and value.get("properties", value.get("items", {}).get("properties")):
            problems.append(f"components/schemas/{name}/{prop}: an object schema in place, not named")

checksum = "openapi.yaml sha256: " + hashlib.sha256(raw).hexdigest()
files = sorted(f for pattern in GENERATED for f in glob.glob(pattern))
if not files:
    problems.append("no generated code (scripts/openapi-generate.sh)")
stale = [f for f in files if checksum not in open(f, encoding="utf-8").read(400)]
if stale:
    problems.append(f"generated from another version of {DOCUMENT} (run scripts/openapi-generate.sh): " + ", ".join(stale))
if problems:
    print("openapi-check:\n  " + "\n  ".join(problems))
    sys.exit(1)
print(f"openapi-check: {len(document['paths'])} paths, {len(ids)} operations, valid OpenAPI {document['openapi']}; "
      f"{len(files)} generated files from this document")
