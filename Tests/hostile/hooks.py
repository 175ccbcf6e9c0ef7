"""Schemathesis hooks for scripts/hostile-test.sh.

Checks: every error the platform answers is application/problem+json (RFC 9457) with its status,
and no answer is a server error.

Stateful fuzzing (issue 26 item 5): random ids only ever reach "not found", so each operation is
sent as the role that owns it (`proprietaire`) with real ids from the demo (`Tests/hostile/
fixtures.py`) in place of most generated path values; every answer is written to HOSTILE_REACH
(one JSON line per request) for `portee.py`'s per-operation report. With HOSTILE_ROLES, the same
generated request is then sent again as each of those roles and anonymously (`rejouer`): one
generation (the costly part) for every identity, each answer checked the same way, failures
written to HOSTILE_FAILURES.
"""
import json
import os
import re
import zlib

import requests
import schemathesis

import fixtures

GATEWAY = os.environ.get("GATEWAY", "http://127.0.0.1:8080")
MODE = os.environ.get("HOSTILE_MODE", "positive")
REACH = os.environ.get("HOSTILE_REACH")
FAILURES = os.environ.get("HOSTILE_FAILURES")
ROLES = [r for r in os.environ.get("HOSTILE_ROLES", "").split() if r]


def probleme(reponse):
    """Why an answer (a requests.Response) breaks the platform's error contract, or None."""
    status, content_type = reponse.status_code, reponse.headers.get("Content-Type", "")
    try:
        body = reponse.json() if status >= 400 else None
    except ValueError:
        body = None
    if status >= 500:
        return f"server error {status}"
    if status < 400:
        return None
    if not content_type.startswith("application/problem+json"):
        return f"{status} answered as {content_type!r}, not application/problem+json"
    if not (isinstance(body, dict) and body.get("status") == status and body.get("title")):
        return f"problem+json without title or matching status: {body!r}"
    return None


# Control characters in a header value (a NUL…) make the message itself invalid HTTP (RFC 9110
# §5.5): the server's HTTP parser answers a bare 400 and closes, before any of our code runs.
_CONTROLE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def http_invalide(headers, status):
    return status == 400 and any(_CONTROLE.search(str(v)) for v in (headers or {}).values())


@schemathesis.check
def problem_json(response, case):
    if http_invalide(case.headers, response.status_code):
        return None
    message = probleme(response)
    assert message is None, message
    return None


# --- the operation's owner and real ids -------------------------------------------------------

def _cle(operation):
    return f"{operation.method.upper()} {operation.path}"


@schemathesis.hook
def map_case(context, case):
    """Three generated path values in four become a real row of the operation's own resource
    (chosen by the generated values, so the examples spread over the rows); the fourth stays
    random. Path values generated to break the schema (negative runs) are kept as they are."""
    negatif = case.meta is not None and case.meta.path_parameters is not None and case.meta.path_parameters.is_negative
    if not case.path_parameters or negatif:
        return case
    lignes = fixtures.lignes(case.operation.path)
    graine = zlib.crc32(json.dumps(case.path_parameters, sort_keys=True, default=str).encode())
    if lignes and graine % 4:
        ligne = lignes[graine % len(lignes)]
        case.path_parameters = {nom: ligne.get(nom, valeur) for nom, valeur in case.path_parameters.items()}
    return case


@schemathesis.hook
def before_call(context, case):
    login = fixtures.proprietaire(case.operation.method.upper(), case.operation.path)
    case.headers = dict(case.headers or {})
    case.headers["Authorization"] = f"Bearer {fixtures.jeton(login)}"


def ecrire(chemin, ligne):
    if chemin:
        with open(chemin, "a", encoding="utf-8") as sortie:
            sortie.write(json.dumps(ligne, ensure_ascii=False) + "\n")


_session = requests.Session()


def rejouer(case):
    """The same request as every other identity: no server error, every error problem+json."""
    kwargs = case.as_requests_kwargs(base_url=GATEWAY)
    for login in ROLES + [None]:
        headers = dict(kwargs.get("headers") or {})
        headers.pop("Authorization", None)
        if login:
            headers["Authorization"] = f"Bearer {fixtures.jeton(login)}"
        reponse = _session.request(**{**kwargs, "headers": headers, "timeout": 30})
        message = probleme(reponse)
        if message and not http_invalide(headers, reponse.status_code):
            ecrire(FAILURES, {"operation": _cle(case.operation), "identite": login or "anonyme",
                               "requete": f"{kwargs['method']} {kwargs['url']}", "erreur": message})


@schemathesis.hook
def after_call(context, case, response):
    ecrire(REACH, {"operation": _cle(case.operation), "mode": MODE, "statut": response.status_code,
                    "corps": bool(case.operation.body)})
    if ROLES:
        rejouer(case)


def _raw(value):
    """Generated bodies for the non-JSON media types: sent as they are (bytes) or as UTF-8."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    data = getattr(value, "data", None)  # schemathesis' Binary
    if isinstance(data, (bytes, bytearray)):
        return bytes(data)
    return str(value).encode("utf-8", "surrogatepass")


class RawSerializer:
    def as_requests(self, context, value):
        return {"data": _raw(value)}

    def as_werkzeug(self, context, value):
        return {"data": _raw(value)}


schemathesis.serializer("text/csv")(RawSerializer)
schemathesis.serializer("application/pdf")(RawSerializer)
