"""Real ids for the hostile suite's generated requests (issue 26 item 5), read through the API
from the demo that scripts/hostile-test.sh loads (`ece-bench demo --academie`), and the account
that owns each operation: a generated request then reaches the operation's handler on a real
subject, commission, sheet or convocation instead of stopping at "forbidden" or "not found"."""
import json
import os
import re
import sys
import time

import requests

GATEWAY = os.environ.get("GATEWAY", "http://127.0.0.1:8080")
PASSWORD = os.environ.get("HOSTILE_PASSWORD", "ece-demo-2027!")
SESSION = 2027
CENTRE = "0251080N"  # the demo's centre d'épreuve account is centre.0251080N

# The first rule whose pattern matches "METHOD /path/template" names the account that may do it.
PROPRIETAIRES = [
    (r"^\S+ /api/referentiel/", "dsii.demo"),
    (r"^POST /api/inscriptions/sessions$", "admin"),
    (r"^PUT /api/inscriptions/academies/", "admin"),  # académies are national
    (r"^POST /api/missions/sessions/\{annee\}/reglementation$", "dsii.demo"),  # another regulation: the DSII only
    (r"^\S+ /api/(inscriptions|missions)/", "gestionnaire.besancon"),
    (r"^POST /api/correction/.*/reouverture$", "gestionnaire.besancon"),
    (r"^\S+ /api/correction/.*/recorrections$", "gestionnaire.besancon"),  # asking for a re-marking, the académie's list
    (r"^POST /api/correction/recorrections/\{id\}/notation$", "coordinateur.besancon"),
    (r"^POST /api/correction/groupes/\{id\}/deverrouillage$", "centre.0251080N"),
    (r"^\S+ /api/correction/(fiches|groupes|mes-lots|mes-secondes-lectures|sessions/\{annee\}/mes-statistiques)", "examinateur.demo"),
    (r"^GET /api/correction/sessions/\{annee\}/etablissements/", "etab.0251080N"),  # a school's pupils' convocations
    (r"^\S+ /api/correction/", "centre.0251080N"),
]


def proprietaire(methode, chemin):
    cle = f"{methode} {chemin}"
    return next((login for motif, login in PROPRIETAIRES if re.search(motif, cle)), "gestionnaire.besancon")


# HOSTILE_FIXTURES: the tokens and rows taken by `fixtures.py FILE` before the run, so that a run
# whose database is fingerprinted signs in (a write: a refresh token) and reads nothing during it.
_fichier = json.load(open(os.environ["HOSTILE_FIXTURES"])) if os.environ.get("HOSTILE_FIXTURES") else {}
_jetons = {login: tuple(pris) for login, pris in _fichier.get("jetons", {}).items()}


def jeton(login):
    """An access token for login, taken again before its 15 minutes run out: 840 s leaves a request
    sent just before (60 s timeout at most) time to be answered. Signing in writes a refresh token,
    so a fingerprinted run must not: a slow machine's negative phase took 11 minutes."""
    pris = _jetons.get(login)
    if pris is None or time.time() - pris[1] > 840:
        reponse = requests.post(f"{GATEWAY}/api/auth/login", json={"login": login, "password": PASSWORD}, timeout=30)
        reponse.raise_for_status()
        _jetons[login] = (reponse.json()["accessToken"], time.time())
    return _jetons[login][0]


def _lire(login, chemin):
    try:
        reponse = requests.get(f"{GATEWAY}{chemin}", headers={"Authorization": f"Bearer {jeton(login)}"}, timeout=60)
        return reponse.json() if reponse.status_code == 200 else {}
    except (requests.RequestException, ValueError):
        return {}


def _items(document):
    return document.get("items", []) if isinstance(document, dict) else []


def _dicts(valeur):
    """Every object inside a JSON document."""
    if isinstance(valeur, dict):
        yield valeur
        for v in valeur.values():
            yield from _dicts(v)
    elif isinstance(valeur, list):
        for v in valeur:
            yield from _dicts(v)


def _compte_du_run(ligne):
    """A designation or convocation of an account the run signs in as: withdrawing it would take
    that account's lots away before their own operations come (the run would only reach 404s)."""
    intervenant = ligne.get("intervenant")
    return isinstance(intervenant, dict) and intervenant.get("login") in {login for _, login in PROPRIETAIRES}


def _ecrire(login, methode, chemin, corps):
    reponse = requests.request(methode, f"{GATEWAY}{chemin}", json=corps, timeout=30,
                               headers={"Authorization": f"Bearer {jeton(login)}"})
    return reponse.json() if reponse.status_code in (200, 201) else None


def _seconde_lecture(commission):
    """The demo grades nothing: one sheet graded by the demo's examiner (the draw, every level A)
    and a second look asked on it by the centre, so that settling one reaches its handler on a
    real look (an unread one: 409 from the handler). Once per database: a look already there is kept."""
    if _items(_lire("centre.0251080N", f"{commission}/secondes-lectures")):
        return
    fiches = [f for lot in _items(_lire("examinateur.demo", "/api/correction/mes-lots")) for f in lot.get("fiches", [])]
    for fiche in fiches:
        chemin = f"/api/correction/fiches/{fiche.get('id')}"
        tiree = _ecrire("examinateur.demo", "POST", f"{chemin}/tirage", {"version": fiche.get("version", 0)})
        if not tiree or not isinstance(tiree.get("bareme"), dict):
            continue
        evaluations = [{"code": c["code"], "evaluation": {"type": "niveau", "niveau": "A"}
                        if c.get("echelle", {}).get("type") == "niveaux" else {"type": "points", "demiPoints": 2 * c["poids"]}}
                       for c in tiree["bareme"].get("criteres", [])]
        grille = {"evaluations": evaluations, "appels": [], "aides": [], "commentaires": {}}
        if _ecrire("examinateur.demo", "PUT", chemin, {"version": tiree["version"], "grille": grille, "finaliser": True}):
            _ecrire("centre.0251080N", "POST", f"{commission}/secondes-lectures", {"fiches": [fiche["id"]]})
            return


def _collecter():
    s = f"/api/inscriptions/sessions/{SESSION}"
    gestion = "gestionnaire.besancon"
    table = {"annee": [{"annee": SESSION}]}
    table["sujets"] = [{"id": d["id"]} for d in _items(_lire("dsii.demo", "/api/referentiel/sujets?perPage=200"))]
    table["candidats"] = [{"annee": SESSION, "numero": c["numero"], "epreuve": e}
                          for c in _items(_lire(gestion, f"{s}/candidats?perPage=1000"))
                          for e in (c.get("epreuves") or [None]) if e and c.get("numero")]
    table["etablissements"] = [{"annee": SESSION, "uai": e["uai"]} for e in _items(_lire(gestion, "/api/inscriptions/etablissements?academie=03"))
                               if "uai" in e]
    table["delegations"] = [{"annee": SESSION, "epreuve": d["epreuve"], "uai": d["uai"]}
                            for d in _items(_lire(gestion, f"{s}/delegations")) if "epreuve" in d and "uai" in d]
    table["designations"] = [{"id": d["id"]} for d in _items(_lire(gestion, f"{s}/designations"))
                             if "id" in d and not _compte_du_run(d)]
    m = f"/api/missions/sessions/{SESSION}"
    table["missions"] = [{"id": d["mission"]["id"]} for d in _items(_lire(gestion, f"{m}/missions"))
                         if isinstance(d.get("mission"), dict) and "id" in d["mission"]]
    table["convocations"] = [{"id": d["id"]} for d in _items(_lire(gestion, f"{m}/convocations"))
                             if "id" in d and not _compte_du_run(d)]
    suivi = _lire(gestion, f"/api/correction/sessions/{SESSION}/suivi")
    commissions = sorted({(d["epreuve"], d["centre"]) for d in _dicts(suivi)
                          if isinstance(d.get("epreuve"), str) and d.get("centre") == CENTRE})
    table["commissions"], table["creneaux"], table["groupes"], table["fiches"] = [], [], [], []
    table["groupes_commission"], table["secondes_lectures"] = [], []
    if ("T011B", CENTRE) in commissions:
        _seconde_lecture(f"/api/correction/sessions/{SESSION}/epreuves/T011B/centres/{CENTRE}")
    for epreuve, centre in commissions:
        c = f"/api/correction/sessions/{SESSION}/epreuves/{epreuve}/centres/{centre}"
        vue = _lire("centre.0251080N", c)
        table["commissions"].append({"annee": SESSION, "epreuve": epreuve, "centre": centre})
        table["creneaux"] += [{"annee": SESSION, "epreuve": epreuve, "centre": centre, "creneau": k["id"]}
                              for k in vue.get("creneaux", []) if "id" in k]
        table["groupes_commission"] += [{"annee": SESSION, "epreuve": epreuve, "centre": centre, "groupe": g["id"]}
                                        for g in vue.get("groupes", []) if "id" in g]
        table["secondes_lectures"] += [{"annee": SESSION, "epreuve": epreuve, "centre": centre, "lecture": l["id"]}
                                       for l in _items(_lire("centre.0251080N", f"{c}/secondes-lectures")) if "id" in l]
    lots = _lire("examinateur.demo", "/api/correction/mes-lots")
    for d in _dicts(lots):
        if "fiches" in d and "groupeId" in d:
            table["groupes"].append({"id": d["groupeId"]})
        elif "id" in d and ("statut" in d or "candidatId" in d):
            table["fiches"].append({"id": d["id"]})
    table["recorrections"] = [{"id": d["id"]} for d in _items(_lire(gestion, f"/api/correction/sessions/{SESSION}/recorrections"))
                              if "id" in d]
    fils = f"/api/correction/sessions/{SESSION}/fils"
    if not _items(_lire("centre.0251080N", fils)) and commissions:
        # The demo has no thread: one made through the API, so that posting a message is reached.
        epreuve, centre = commissions[0]
        requests.post(f"{GATEWAY}{fils}", headers={"Authorization": f"Bearer {jeton('centre.0251080N')}"}, timeout=30,
                      json={"epreuve": epreuve, "centre": centre, "titre": "Fil du test hostile", "texte": "Premier message"})
    table["fils"] = [{"id": d["id"]} for d in _items(_lire("centre.0251080N", fils)) if "id" in d]
    # Accounts of the académie, the run's own aside: disabling one would end the run's sessions.
    du_run = set(ROLES) | {login for _, login in PROPRIETAIRES}
    table["comptes"] = [{"id": c["id"]} for c in _items(_lire(gestion, "/api/comptes?perPage=200"))
                        if "id" in c and c.get("login") not in du_run]
    return table


_table = _fichier.get("table")


def table():
    global _table
    if _table is None:
        _table = _collecter()
    return _table


def lignes(chemin):
    """The real rows for a path template: the resource named before `{id}`, else the most
    specific set of parameters it has."""
    t = table()
    if "{id}" in chemin:
        ressource = re.search(r"/([^/{]+)/\{id\}", chemin).group(1)
        return [{"annee": SESSION, **ligne} for ligne in t.get(ressource, [])]
    if "{creneau}" in chemin:
        return t["creneaux"]
    if "{lecture}" in chemin:
        return t["secondes_lectures"] or t["commissions"]
    if "{groupe}" in chemin:
        return t["groupes_commission"]
    if "{centre}" in chemin:
        return t["commissions"]
    if "/etablissements/{uai}" in chemin:
        return t["etablissements"]
    if "{uai}" in chemin:
        return t["delegations"]
    if "{code}" in chemin:
        return [{"code": "G9"}]  # a regroupement of centres abroad of the hostile run's own
    if "{numero}" in chemin:
        return t["candidats"]
    return t["annee"]


ROLES = ["admin", "dsii.demo", "gestionnaire.besancon", "coordinateur.besancon", "etab.0251080N",
         "centre.0251080N", "referent.0251080N", "examinateur.demo"]

if __name__ == "__main__":
    # fixtures.py FILE: every role's token and the rows, for HOSTILE_FIXTURES; one line per resource.
    for login in ROLES:
        jeton(login)
    json.dump({"jetons": _jetons, "table": table()}, open(sys.argv[1], "w"))
    for nom, rangs in table().items():
        print(f"  {nom:14} {len(rangs):5} real rows")
