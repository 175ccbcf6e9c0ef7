"""Targeted hostile cases against the running platform (scripts/hostile-test.sh): each must get a
clear 4xx problem+json (or be stored exactly as sent, for strings that merely look dangerous),
change nothing when refused, and leave the gateway serving.

    python Tests/hostile/cibles.py http://127.0.0.1:8080 <demo password>
"""
import base64
import json
import socket
import sys
import uuid
from urllib.parse import urlparse

import requests

GATEWAY, PASSWORD = sys.argv[1], sys.argv[2]
HOST, PORT = urlparse(GATEWAY).hostname, urlparse(GATEWAY).port
failures = []


def check(name, condition, detail=""):
    print(("ok    " if condition else "FAIL  ") + name + ("" if condition else f"  — {detail}"))
    if not condition:
        failures.append(name)


def is_problem(response, *statuses):
    return (response.status_code in statuses
            and response.headers.get("Content-Type", "").startswith("application/problem+json")
            and response.json().get("status") == response.status_code)


def describe(response):
    return f"{response.status_code} {response.headers.get('Content-Type')} {response.text[:200]!r}"


def login(name):
    response = requests.post(f"{GATEWAY}/api/auth/login", json={"login": name, "password": PASSWORD}, timeout=30)
    response.raise_for_status()
    return response.json()


def bearer(tokens):
    return {"Authorization": f"Bearer {tokens['accessToken']}"}


def raw(data, shutdown=False, timeout=10):
    """Sends bytes on a fresh connection; returns what came back until close or timeout."""
    s = socket.create_connection((HOST, PORT))
    s.sendall(data)
    if shutdown:
        s.shutdown(socket.SHUT_WR)
    s.settimeout(timeout)
    received = b""
    try:
        while chunk := s.recv(65536):
            received += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    return received


def still_serving():
    return requests.get(f"{GATEWAY}/health", timeout=10).status_code == 200


dsii = bearer(login("dsii.demo"))
gestionnaire = bearer(login("gestionnaire.besancon"))
SUJETS = f"{GATEWAY}/api/referentiel/sujets"
IMPORT = f"{GATEWAY}/api/inscriptions/sessions/2027/import"
CANDIDATS = f"{GATEWAY}/api/inscriptions/sessions/2027/candidats"


def candidates():
    return requests.get(CANDIDATS, headers=gestionnaire, params={"perPage": 1}, timeout=30).json().get("total")


def subjects():
    return requests.get(SUJETS, headers=dsii, params={"perPage": 1}, timeout=30).json().get("total")


# Oversized and truncated bodies.
answer = raw(b"POST /api/referentiel/sujets HTTP/1.1\r\nHost: x\r\nAuthorization: " + dsii["Authorization"].encode()
             + b"\r\nContent-Type: application/json\r\nContent-Length: 70000000\r\n\r\n{\"a\":")
check("a body declared over the 64 MB limit is refused with 413 problem+json",
      answer.startswith(b"HTTP/1.1 413") and b"application/problem+json" in answer, answer[:200])
answer = raw(b"POST /api/referentiel/sujets HTTP/1.1\r\nHost: x\r\nAuthorization: " + dsii["Authorization"].encode()
             + b"\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"epreuve\":\"T0", shutdown=True)
check("a truncated body is not taken for a request, and the gateway keeps serving",
      not answer.startswith(b"HTTP/1.1 2") and still_serving(), answer[:200])
answer = raw(b"GET /api/referentiel/sujets HTTP/1.1\r\nHost: x\r\n" + b"X-Padding: " + b"a" * 200_000 + b"\r\n\r\n")
check("a 200 KB header is refused, and the gateway keeps serving",
      not answer.startswith(b"HTTP/1.1 2") and still_serving(), answer[:200])

# Malformed JSON, wrong types, wrong encodings, huge numbers.
before = subjects()
for name, body, content_type in [
    ("truncated JSON", b'{"epreuve":"T011B","session":2027,', "application/json"),
    ("JSON of the wrong type", b'{"epreuve":"T011B","session":"deux mille vingt-sept","code":"X","titre":"t"}', "application/json"),
    ("JSON in UTF-16", json.dumps({"epreuve": "T011B", "session": 2027, "code": "U16", "titre": "t"}).encode("utf-16"),
     "application/json"),
    ("invalid UTF-8 in a string", b'{"epreuve":"T011B","session":2027,"code":"BAD","titre":"\xff\xfe\xc3"}', "application/json"),
    ("a number past Double", b'{"epreuve":"T011B","session":1e400,"code":"HUGE","titre":"t"}', "application/json"),
    ("a number past Int64", b'{"epreuve":"T011B","session":99999999999999999999999,"code":"HUGE2","titre":"t"}',
     "application/json"),
    ("an array instead of an object", b'[1,2,3]', "application/json"),
    ("JSON nested 10,000 deep", b'{"a":' * 10000 + b'1' + b'}' * 10000, "application/json"),
]:
    response = requests.post(SUJETS, headers={**dsii, "Content-Type": content_type}, data=body, timeout=30)
    check(f"{name}: 400 or 422 problem+json", is_problem(response, 400, 422), describe(response))
check("none of them created a subject", subjects() == before, f"{before} → {subjects()}")
response = requests.get(f"{GATEWAY}/api/inscriptions/sessions/99999999999999999999999/candidats", headers=gestionnaire, timeout=30)
check("a year past Int64 in the path: 4xx problem+json", is_problem(response, 400, 404, 422), describe(response))
response = requests.put(f"{GATEWAY}/api/correction/fiches/{uuid.uuid4()}", headers=dsii, json={"version": 10**30}, timeout=30)
check("a version of 10^30 on a sheet: 4xx problem+json", is_problem(response, 400, 403, 404, 422), describe(response))

# Malformed CSV, refused whole: nothing imported.
before = candidates()
for name, body in [
    ("an unclosed quote", b'numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve\n"0301;Dupont;Jean\n'),
    ("a line with too few columns", b'numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve\n0302;Dupont\n'),
    ("the file in UTF-16", 'numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve\n0303;Zoé;A\n'.encode("utf-16")),
    ("binary bytes", bytes(range(256)) * 4),
    ("an empty file", b""),
]:
    response = requests.post(IMPORT, headers={**gestionnaire, "Content-Type": "text/csv"}, data=body, timeout=60)
    check(f"CSV with {name}: 4xx problem+json", is_problem(response, 400, 415, 422), describe(response))
check("no candidate imported by them", candidates() == before, f"{before} → {candidates()}")

# A designations file (a school's or an académie's list) likewise: refused whole, nobody designated.
DESIGNATIONS = f"{GATEWAY}/api/inscriptions/sessions/2027/designations"


def designated():
    return len(requests.get(DESIGNATIONS, headers=gestionnaire, timeout=30).json().get("items", []))


before = designated()
entete = b"role;epreuve;centre;login;nom;prenom\n"
for name, body in [
    ("an unclosed quote", entete + b'"examinateur;T011B;0251080N;x.q;Roux;Anne\n'),
    ("a line with too few columns", entete + b"examinateur;T011B\n"),
    ("the file in UTF-16", (entete.decode() + "examinateur;T011B;0251080N;x.u;Zoé;Anne\n").encode("utf-16")),
    ("binary bytes", bytes(range(256)) * 4),
    ("an empty file", b""),
    ("a login that looks like SQL", entete + b"examinateur;T011B;0251080N;x');DROP TABLE inscriptions.designations;--;Roux;Anne\n"),
    ("a good line, then one past the 10,000 lines",
     entete + b"".join(b"examinateur;T011B;0251080N;x.n%d;Roux;Anne\n" % n for n in range(10_001))),
]:
    response = requests.post(f"{DESIGNATIONS}/import", headers={**gestionnaire, "Content-Type": "text/csv"}, data=body, timeout=120)
    check(f"designations CSV with {name}: 4xx problem+json", is_problem(response, 400, 415, 422), describe(response))
check("nobody designated by them", designated() == before, f"{before} → {designated()}")

# Strings that look dangerous are data: stored and given back exactly.
code = f"INJ-{uuid.uuid4().hex[:8]}"
title = "Robert'); DROP TABLE referentiel.sujets;-- <script>alert(1)</script> ${jndi:ldap://x} Titrage — 滴定 🧪 Ærø"
response = requests.post(SUJETS, headers=dsii, json={"epreuve": "T011B", "session": 2027, "code": code, "titre": title,
                                                     "dominante": "chimie", "materiel": ["burette 25 mL", "NaOH 0,1 mol·L⁻¹"]},
                         timeout=30)
check("a subject whose title looks like SQL, HTML and unicode is created", response.status_code == 201, describe(response))
if response.status_code == 201:
    created = response.json()
    again = requests.get(f"{SUJETS}/{created['id']}", headers=dsii, timeout=30).json()
    check("and read back exactly as sent", again.get("titre") == title, again.get("titre"))
    search = requests.get(SUJETS, headers=dsii, params={"epreuve": "' OR 1=1 --"}, timeout=30)
    check("a filter that looks like SQL finds nothing or is refused", search.status_code == 422
          or (search.status_code == 200 and search.json().get("total") == 0), describe(search))

    # File names: plain names only, whatever the path or header tricks.
    pdf = b"%PDF-1.4\n%%EOF\n"
    for nom in ["../../etc/passwd", "..\\..\\boot.ini", ".htaccess", "a\r\nSet-Cookie: x=1.pdf", "a" * 201]:
        response = requests.put(f"{SUJETS}/{created['id']}/documents/sujet", headers={**dsii, "Content-Type": "application/pdf"},
                                params={"nom": nom}, data=pdf, timeout=30)
        check(f"document named {nom[:24]!r}: 422 problem+json", is_problem(response, 422), describe(response))
    response = requests.put(f"{SUJETS}/{created['id']}/documents/sujet", headers={**dsii, "Content-Type": "application/pdf"},
                            params={"nom": "sujet-été «final».pdf"}, data=pdf, timeout=30)
    check("a unicode file name is accepted", response.status_code == 200, describe(response))
    response = requests.get(f"{SUJETS}/{created['id']}/documents/sujet", headers=dsii, timeout=30)
    disposition = response.headers.get("Content-Disposition", "")
    check("and given back in a header that is plain ASCII", response.status_code == 200 and disposition.isascii()
          and "\r" not in disposition and "\n" not in disposition, disposition)
    response = requests.put(f"{SUJETS}/{created['id']}/documents/sujet", headers={**dsii, "Content-Type": "application/pdf"},
                            data=b"MZ\x90\x00 not a pdf", timeout=30)
    check("a file that is not a PDF (magic bytes): 422 problem+json", is_problem(response, 422), describe(response))

# Sent raw: an HTTP library would remove the dot segments itself.
for path in [b"/api/referentiel/../inscriptions/academies", b"/api/referentiel/./../../etc/passwd"]:
    answer = raw(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nAuthorization: " + dsii["Authorization"].encode()
                 + b"\r\nConnection: close\r\n\r\n")
    check(f"raw path {path.decode()!r}: 4xx problem+json", answer.split(b" ")[1:2] in ([b"400"], [b"404"])
          and b"application/problem+json" in answer, answer[:200])
for path in ["/api/referentiel/sujets/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
             "/api/..%2f..%2fetc/passwd", "/api/referentiel/sujets/00000000-0000-0000-0000-000000000000%00"]:
    response = requests.get(GATEWAY + path, headers=dsii, timeout=30)
    check(f"path {path[:40]!r}: 4xx problem+json", is_problem(response, 400, 404, 422), describe(response))

# Tokens: tampered, forged, replayed.
tokens = login("dsii.demo")
header, payload, signature = tokens["accessToken"].split(".")
flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
claims["role"] = "admin"
promoted = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
none = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
for name, token in [("a flipped signature", f"{header}.{payload}.{flipped}"),
                    ("a promoted role with the old signature", f"{header}.{promoted}.{signature}"),
                    ("alg none", f"{none}.{promoted}."), ("garbage", "not.a.token"), ("an empty token", "")]:
    response = requests.get(SUJETS, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    check(f"token with {name}: 401 problem+json", is_problem(response, 401), describe(response))
    response = requests.get(f"{GATEWAY}/api/referentiel/me", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    check(f"token with {name}, straight to a service route: 401", is_problem(response, 401), describe(response))

renewed = requests.post(f"{GATEWAY}/api/auth/refresh", json={"refreshToken": tokens["refreshToken"]}, timeout=30)
check("a refresh token renews once", renewed.status_code == 200, describe(renewed))
# Within 30 s of its use, a page's few concurrent requests may present it again (four at most).
grace = [requests.post(f"{GATEWAY}/api/auth/refresh", json={"refreshToken": tokens["refreshToken"]}, timeout=30).status_code
         for _ in range(4)]
check("within the grace, a page's concurrent requests renew too (four)", grace == [200] * 4, grace)
replayed = requests.post(f"{GATEWAY}/api/auth/refresh", json={"refreshToken": tokens["refreshToken"]}, timeout=30)
check("the same refresh token replayed once more: 401 problem+json", is_problem(replayed, 401), describe(replayed))
if renewed.status_code == 200:
    after = requests.post(f"{GATEWAY}/api/auth/refresh", json={"refreshToken": renewed.json()["refreshToken"]}, timeout=30)
    check("and the replay revoked the whole family (the renewed token is refused too)", is_problem(after, 401), describe(after))

check("the gateway still serves after all of it", still_serving())
print(f"cibles: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
