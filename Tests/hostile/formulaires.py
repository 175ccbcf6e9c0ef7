"""Hostile bodies on every web form and every non-API route of the gateway (scripts/hostile-test.sh).

Issue 18: `POST /connexion` with the body `=` stopped the gateway, and the schemathesis run never
saw it because it only knows the JSON API. This run takes the routes from the gateway's own
registrations (`router.get/post("…")` in Services/Gateway/Web), signs in through the sign-in form as
anonymous and as every demo role, gathers the real forms (field names) and links (path values) the
pages show each of them, then sends generated requests to every route: form bodies made of known and
unknown fields with hostile values, raw bytes, wrong content types, hostile cookies and query
strings, hostile path segments. Every answer must be below 500; any failure to answer counts too.

    python Tests/hostile/formulaires.py http://127.0.0.1:8080 <demo password> [requests per route and identity]
"""
import random
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urljoin, urlparse

import requests

GATEWAY, PASSWORD = sys.argv[1], sys.argv[2]
PER_ROUTE = int(sys.argv[3]) if len(sys.argv) > 3 else 12
ROOT = Path(__file__).resolve().parents[2]
ROLES = ["admin", "dsii.demo", "gestionnaire.besancon", "coordinateur.besancon", "etab.0251080N", "centre.0251080N",
         "referent.0251080N", "examinateur.demo"]
rng = random.Random(2027)
failures = []
sent = 0


def routes():
    """(method, path template) of every route the web controller registers, /api/ aside."""
    found = set()
    for source in sorted((ROOT / "Services/Gateway/Web").glob("*.swift")):
        for method, path in re.findall(r'router\.(get|post|put|delete)\("(/[^"]*)"', source.read_text()):
            if not path.startswith("/api/"):
                found.add((method.upper(), path))
    for path in ["/health", "/metrics", "/openapi.yaml"]:
        found.add(("GET", path))
    return sorted(found)


class Page(HTMLParser):
    """The links and the forms (action, method, field names and values) of one page."""

    def __init__(self):
        super().__init__()
        self.links, self.forms, self.form = [], [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"])
        elif tag == "form":
            self.form = {"action": a.get("action") or "", "method": (a.get("method") or "get").upper(), "fields": {}}
            self.forms.append(self.form)
        elif tag in ("input", "select", "textarea", "button") and self.form is not None and a.get("name"):
            self.form["fields"].setdefault(a["name"], a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None


def sign_in(login):
    """A browser's session, by the sign-in form."""
    session = requests.Session()
    session.headers["Sec-Fetch-Site"] = "same-origin"
    if login:
        response = session.post(f"{GATEWAY}/connexion", data={"login": login, "password": PASSWORD}, allow_redirects=False,
                                timeout=30)
        assert response.status_code == 303, f"sign-in of {login}: {response.status_code}"
    return session


def crawl(session, limit=60):
    """The pages a person reaches from the home page: their links and forms."""
    seen, todo, forms = set(), ["/"], []
    while todo and len(seen) < limit:
        path = todo.pop(0)
        if path in seen or path.startswith(("/api/", "/assets/")) or "deconnexion" in path:
            continue
        seen.add(path)
        response = session.get(GATEWAY + path, timeout=30)
        if not response.headers.get("Content-Type", "").startswith("text/html"):
            continue
        page = Page()
        page.feed(response.text)
        forms += page.forms
        todo += [urljoin(path, link).split("#")[0] for link in page.links]
    return seen, forms


HOSTILE_VALUES = ["", "=", "&", "%", "%zz", "%ff%fe", "%00", "+", "a" * 5000, "é" * 300, "\u202e\u0000\ufffd", "-1", "0",
                  "99999999999999999999999", "1e400", "NaN", "2027-02-30", "../../etc/passwd", "//ailleurs.example",
                  "<script>alert(1)</script>", "' OR 1=1 --", "00000000-0000-0000-0000-000000000000", "T011B", "0251080N",
                  "matin", "true", "[]", "{}", "\r\nSet-Cookie: x=1"]
HOSTILE_SEGMENTS = ["", "x", "%2e%2e", "%00", "-1", "99999999999999999999", "%ff", "é", "a" * 300,
                    "00000000-0000-0000-0000-000000000000", "2027", "T011B", "0251080N", ";", "%25"]
HOSTILE_COOKIES = ["=", ";;;", "ece_jeton=", "ece_jeton==;=", "ece_jeton=a.b.c", "ece_renouvellement=%%%; ece_jeton",
                   "ece_renouvellement=" + "a" * 4000, "\x7f=\x7f"]


def value():
    return rng.choice(HOSTILE_VALUES) if rng.random() < 0.7 else "".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randrange(0, 40)))


def body(fields):
    """A generated request body and its content type."""
    kind = rng.random()
    if kind < 0.55:
        names = list(fields) + ["", "=", "x", "fiche[]", "membre[]", "sujet[]", "x[0]", "x[a]", "x[]", "%"]
        pairs = [(rng.choice(names), value()) for _ in range(rng.randrange(0, 8))]
        encoded = "&".join((quote(n, safe="") if rng.random() < 0.7 else n) + ("=" if rng.random() < 0.9 else "")
                           + (quote(v, safe="") if rng.random() < 0.7 else v) for n, v in pairs)
        return encoded.encode("utf-8", "surrogatepass"), "application/x-www-form-urlencoded"
    if kind < 0.75:
        return rng.choice([b"=", b"&=&", b"==", b"%", b"&&", b"=&", b"a=%", b"%=%", b"=" * 5000]), \
            "application/x-www-form-urlencoded"
    if kind < 0.9:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(0, 600))), \
            rng.choice(["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None])
    return rng.choice([b'{"login":', b"[]", b"\xff\xfe", b"--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"]), \
        rng.choice(["application/json", "multipart/form-data; boundary=x", "text/plain"])


def path_for(template, known):
    """The route's path with real values (seen in the pages) or hostile ones in its parameters."""
    parts = template.split("/")
    real = [p.split("/") for p in known if len(p.split("/")) == len(parts)
            and all(a.startswith(":") or a == b for a, b in zip(parts, p.split("/")))]
    if real and rng.random() < 0.6:
        parts = rng.choice(real)
    for i, part in enumerate(template.split("/")):
        if part.startswith(":") and (parts[i].startswith(":") or rng.random() < 0.3):
            parts[i] = quote(rng.choice(HOSTILE_SEGMENTS), safe="%")
    names = ["message", "retour", "epreuve", "division", "nomDe", "groupe", "page", "", "="]
    query = "" if rng.random() < 0.5 else "?" + "&".join(
        f"{rng.choice(names)}={quote(value(), safe='%=&')}" for _ in range(rng.randrange(1, 4)))
    return "/".join(parts) + query


def send(session, method, path, identity, data=None, content_type=None):
    global sent
    headers = {}
    if content_type:
        headers["Content-Type"] = content_type
    if rng.random() < 0.15:
        headers["Cookie"] = rng.choice(HOSTILE_COOKIES)
    if rng.random() < 0.1:
        headers["Origin"] = rng.choice(["null", "https://ailleurs.example", "http://[::1", "\u00e9"])
    sent += 1
    try:
        response = session.request(method, GATEWAY + path, data=data, headers=headers, allow_redirects=False, timeout=30)
    except requests.RequestException as error:
        failures.append(f"{identity} {method} {path[:120]!r}: no answer ({error})")
        return
    if response.status_code >= 500:
        failures.append(f"{identity} {method} {path[:120]!r} {data[:80] if data else b''!r}: {response.status_code} "
                        f"{response.text[:200]!r}")


def main():
    templates = routes()
    print(f"formulaires: {len(templates)} web routes, {PER_ROUTE} requests per route and identity")
    for identity in [None] + ROLES:
        name = identity or "anonyme"
        session = sign_in(identity)
        pages, forms = crawl(session)
        fields = {}
        for form in forms:
            fields.setdefault(urlparse(form["action"]).path, {}).update(form["fields"])
        known = pages | {urlparse(f["action"]).path for f in forms}
        before = len(failures)
        for method, template in templates:
            if template == "/deconnexion" and identity:
                continue  # signing out here would end the session the rest of the run uses
            for _ in range(PER_ROUTE):
                path = path_for(template, known)
                if method == "GET":
                    send(session, "GET", path, name)
                else:
                    data, content_type = body(fields.get(path.split("?")[0], {}))
                    send(session, method, path, name, data, content_type)
        print(f"formulaires: {name}: {len(pages)} pages, {len(forms)} forms seen; {len(failures) - before} failure(s)")
    for failure in failures[:40]:
        print("FAIL  " + failure)
    print(f"formulaires: {sent} requests, {len(failures)} failure(s)")
    sys.exit(1 if failures or sent < len(templates) * PER_ROUTE else 0)


main()
