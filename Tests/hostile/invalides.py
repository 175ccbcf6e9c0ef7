"""Invalid bodies on real resources, for every write that takes a body (issue 26 item 5).

  invalides.py GATEWAY

schemathesis' negative generation cannot build a case for some operations (those with a uuid in
the path: "failed to generate test cases"), so their handlers never saw a broken body. Here each
write with a JSON or CSV body is sent, as its owner and on a real row (`fixtures.py`), bodies of
the wrong shape: each must be refused with a 4xx problem+json (hooks.probleme), never accepted
(a body the schema allows after all — `{}` where every field is optional — is not sent).
Every answer goes to HOSTILE_REACH (mode "negative") for portee.py; the caller fingerprints the
database around this run, as around schemathesis' own negative run.
"""
import collections
import json
import sys

import jsonschema
import requests
import yaml

import fixtures
import hooks

CORPS = {
    "application/json": [b"[]", b"null", b"42", b'"texte"', b"{}", b'{"inconnu": true}', b"{", b'{"id": {"$ne": null}}'],
    # A CSV write's only negative form: schemathesis can break its path alone (a year out of range: 404).
    "text/csv": [b"", b"\xff\xfe\x00\x01" * 64, b'{"inconnu": true}', b'a;b\n"ouvert;x\n', b"role\n" + b";" * 5000 + b"\n"],
}


def conforme(document, schema, type_, corps):
    """Whether a JSON body is one the operation's schema allows after all: `{}` and unknown fields
    are valid where every field is optional (the automatic distribution's options), and an accepted
    valid request is no failure. Components are resolved against the document."""
    if type_ != "application/json" or not schema:
        return False
    try:
        valeur = json.loads(corps)
    except ValueError:
        return False
    racine = dict(schema, components=document.get("components", {}))
    return jsonschema.Draft202012Validator(racine).is_valid(valeur)


def main():
    gateway = sys.argv[1]
    document = yaml.safe_load(requests.get(f"{gateway}/openapi.yaml", timeout=30).text)
    echecs = 0
    for chemin, operations in document["paths"].items():
        if chemin.startswith("/api/auth/"):
            continue
        for methode, operation in operations.items():
            contenu = (operation.get("requestBody") or {}).get("content", {}) if isinstance(operation, dict) else {}
            types = [t for t in CORPS if t in contenu]
            if methode not in ("post", "put", "patch") or not types:
                continue
            cle = f"{methode.upper()} {chemin}"
            lignes = fixtures.lignes(chemin)
            if not lignes:
                continue
            url = gateway + chemin.format_map(collections.defaultdict(lambda: "x", lignes[0]))
            jeton = fixtures.jeton(fixtures.proprietaire(methode.upper(), chemin))
            for type_, corps in ((t, c) for t in types for c in CORPS[t]):
                if conforme(document, contenu[type_].get("schema"), type_, corps):
                    continue
                reponse = requests.request(methode.upper(), url, data=corps, timeout=30, headers={
                    "Authorization": f"Bearer {jeton}", "Content-Type": type_})
                hooks.ecrire(hooks.REACH, {"operation": cle, "mode": "negative", "statut": reponse.status_code, "corps": True})
                message = hooks.probleme(reponse)
                if reponse.status_code < 400:
                    message = f"accepted ({reponse.status_code})"
                if message:
                    echecs += 1
                    print(f"invalides: {cle} with {corps!r}: {message}")
    print(f"invalides: {echecs} failure(s)")
    return 1 if echecs else 0


if __name__ == "__main__":
    sys.exit(main())
