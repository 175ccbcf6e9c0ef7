"""The public API's document (the YAML inside Services/Gateway/API/OpenAPIDocument.swift) against
the OpenAPI 3.1 specification (openapi-spec-validator), and free of YAML's silent traps: an unquoted
comma in a flow mapping makes a key with no value (a parameter lost its name that way, and the
hostile run's schemathesis stopped on it)."""
import sys

import yaml
from openapi_spec_validator import validate

source = open("Services/Gateway/API/OpenAPIDocument.swift", encoding="utf-8").read()
document = yaml.safe_load(source[source.index('#"""') + 4:source.rindex('"""#')])
empty = []


def walk(value, path):
    if isinstance(value, dict):
        for key, item in value.items():
            if item is None:
                empty.append("/".join(map(str, path + [key])))
            walk(item, path + [key])
    elif isinstance(value, list):
        for i, item in enumerate(value):
            walk(item, path + [i])


walk(document, [])
if empty:
    print("openapi-check: keys without a value (an unquoted comma in a flow mapping?):\n  " + "\n  ".join(empty))
    sys.exit(1)
validate(document)
print(f"openapi-check: {len(document['paths'])} paths, valid OpenAPI {document['openapi']}")
