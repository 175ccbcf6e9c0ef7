#!/usr/bin/env python3
"""The event contract (issue 19, item 4): Shared/Contracts/asyncapi.yaml against the code and the wire.

  events.py                      checks the document: AsyncAPI 3 structure, every $ref resolves, every
                                 schema is a valid JSON Schema, and it agrees with the Swift code (the
                                 producer of each type = EventOwners.swift, the queues = PoisonEvents.swift)
  events.py --tap URL VHOST      declares the queue `contract.tap` bound to every event (before a run)
  events.py --check URL VHOST    takes what the tap holds (after a run) and validates every message against
                                 its type's schema, and its broker-validated user_id against the producer

URL is the management API with credentials, e.g. http://guest:guest@127.0.0.1:15673.
"""
import base64, json, re, sys, urllib.parse, urllib.request
from pathlib import Path

import jsonschema, yaml

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "Shared/Contracts/asyncapi.yaml"
TAP = "contract.tap"


def load():
    return yaml.safe_load(DOCUMENT.read_text())


def resolve(doc, ref):
    node = doc
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def swift_event_types():
    """Each Swift payload struct's event type."""
    types = {}
    for path in (ROOT / "Shared/Contracts").glob("*.swift"):
        for struct, body in re.findall(r"public struct (\w+): EventPayload[^{]*\{(.*?)\n\}", path.read_text(), re.S):
            match = re.search(r'static let eventType = "([\w.]+)"', body)
            if match:
                types[struct] = match.group(1)
    return types


def swift_owners():
    """EventOwners.byType, read from the Swift source: event type -> producer."""
    types = swift_event_types()
    owners = (ROOT / "Shared/Contracts/EventOwners.swift").read_text()
    return {types[s]: owner for s, owner in re.findall(r'(\w+)\.eventType: "(\w+)"', owners)}


def swift_queues():
    """PoisonEvents.consumers, read from the Swift source: queue -> event types."""
    text = (ROOT / "Tools/TestSupport/PoisonEvents.swift").read_text()
    owners = swift_owners()
    structs = swift_event_types()
    queues = {}
    for queue, types in re.findall(r'\("([\w.-]+)", \[([^\]]*)\]\)', text):
        queues[queue] = sorted(structs[t.strip().removesuffix(".eventType")] for t in types.split(","))
    assert set(t for ts in queues.values() for t in ts) <= set(owners), "PoisonEvents names an unknown type"
    return queues


def check_document(doc):
    problems = []
    if doc.get("asyncapi") != "3.0.0":
        problems.append("not an AsyncAPI 3.0.0 document")
    for key in ("info", "channels", "operations", "components"):
        if key not in doc:
            problems.append(f"no {key}")
    for ref in refs(doc):
        try:
            resolve(doc, ref)
        except (KeyError, TypeError):
            problems.append(f"unresolved $ref {ref}")
    for name, schema in doc["components"]["schemas"].items():
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as error:
            problems.append(f"schema {name}: {error.message}")
    producers, consumers = {}, {}
    for name, channel in doc["channels"].items():
        if channel.get("address") != name:
            problems.append(f"channel {name}: address {channel.get('address')} is not its routing key")
        producers[name] = channel.get("x-ece-producer")
        for queue in channel.get("x-ece-consumers", []):
            consumers.setdefault(queue, []).append(name)
        if len(channel.get("messages", {})) != 1:
            problems.append(f"channel {name}: one message per routing key")
    for name, operation in doc["operations"].items():
        if operation.get("action") not in ("send", "receive"):
            problems.append(f"operation {name}: action {operation.get('action')}")
        channel = resolve(doc, operation["channel"]["$ref"])
        tag = operation.get("tags", [{}])[0].get("name")
        if operation["action"] == "send" and producers.get(channel["address"]) != tag:
            problems.append(f"operation {name}: sent by {tag}, the channel's producer is {producers.get(channel['address'])}")
    owners, queues = swift_owners(), swift_queues()
    if producers != owners:
        problems.append(f"producers differ from EventOwners.swift: document {producers}, code {owners}")
    if {q: sorted(t) for q, t in consumers.items()} != queues:
        problems.append(f"consumers differ from the code: document {consumers}, code {queues}")
    return problems


def validator(doc, event_type):
    channel = doc["channels"].get(event_type)
    if channel is None:
        return None
    message = resolve(doc, next(iter(channel["messages"].values()))["$ref"])
    schema = {"$ref": message["payload"]["$ref"], "components": doc["components"]}
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def management(url, method, path, body=None):
    parts = urllib.parse.urlsplit(url)
    base = f"{parts.scheme}://{parts.hostname}:{parts.port}"
    request = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"content-type": "application/json"})
    credentials = f"{urllib.parse.unquote(parts.username or 'guest')}:{urllib.parse.unquote(parts.password or 'guest')}"
    request.add_header("authorization", "Basic " + base64.b64encode(credentials.encode()).decode())
    with urllib.request.urlopen(request, timeout=60) as response:
        text = response.read()
        return json.loads(text) if text else None


def tap(url, vhost):
    v = urllib.parse.quote(vhost or "/", safe="")
    management(url, "PUT", f"/api/queues/{v}/{TAP}", {"durable": False, "auto_delete": False,
                                                       "arguments": {"x-max-length": 200000}})
    management(url, "POST", f"/api/bindings/{v}/e/ece.events/q/{TAP}", {"routing_key": "#"})
    print(f"contract: {TAP} taps every event on vhost {vhost or '/'}")


def check_tap(url, vhost, doc):
    v = urllib.parse.quote(vhost or "/", safe="")
    messages = []
    while True:
        batch = management(url, "POST", f"/api/queues/{v}/{TAP}/get",
                           {"count": 5000, "ackmode": "ack_requeue_false", "encoding": "auto", "truncate": 64 << 20})
        messages += batch
        if len(batch) < 5000:
            break
    management(url, "DELETE", f"/api/queues/{v}/{TAP}")
    problems, seen = [], {}
    for m in messages:
        key = m["routing_key"]
        seen[key] = seen.get(key, 0) + 1
        check = validator(doc, key)
        if check is None:
            problems.append(f"{key}: not in the document")
            continue
        payload = m["payload"] if m.get("payload_encoding") == "string" else base64.b64decode(m["payload"]).decode()
        try:
            body = json.loads(payload)
        except ValueError:
            problems.append(f"{key}: body is not JSON")
            continue
        for error in list(check.iter_errors(body))[:3]:
            problems.append(f"{key} {body.get('id')}: {'/'.join(map(str, error.absolute_path))}: {error.message[:200]}")
        producer = doc["channels"][key]["x-ece-producer"]
        user = m.get("properties", {}).get("user_id")
        if user != producer:
            problems.append(f"{key} {body.get('id')}: published by broker user {user}, the producer is {producer}")
    print("contract: " + ", ".join(f"{n} {k}" for k, n in sorted(seen.items())) if seen else "contract: no event")
    if not messages:
        problems.append("the tap saw no event")
    return problems


def main(argv):
    doc = load()
    problems = check_document(doc)
    if len(argv) == 3 and argv[0] == "--tap":
        tap(argv[1], argv[2])
    elif len(argv) == 3 and argv[0] == "--check":
        problems += check_tap(argv[1], argv[2], doc)
    elif argv:
        print(__doc__, file=sys.stderr)
        return 2
    if problems:
        print("contract: FAILED\n  " + "\n  ".join(problems[:50]), file=sys.stderr)
        return 1
    print(f"contract: {DOCUMENT.relative_to(ROOT)} agrees" + (" and every event matched it" if argv else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
