#!/usr/bin/env python3
"""After `ece-bench chaos` (scripts/chaos-test.sh): every convocation whose person has an address got
exactly one mail in the capture Maildir — matched by its Message-ID, the id of its row in
missions.courriels (Shared/Mail/Courriel.swift) — sent to that address, with its PDF attached (a PDF
whose title names the person); a person without an address got none. A row left `envoi` (Missions
died between the end of the data and the server's 250: maybe delivered, `ece-ops courriels list`)
is uncertain: 0 or 1 delivery is accepted for it only. Missions' other mails (notices) once each too.
Prints delivered once / duplicated / lost / uncertain / wrong; exits 1 on any fault.

    scripts/chaos-courriels.py DATABASE MAILDIR
"""
import collections
import email
import email.policy
import pathlib
import re
import subprocess
import sys


def rows(database, sql):
    out = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                          f"postgres://postgres:postgres@127.0.0.1:5433/{database}", "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def main():
    database, maildir = sys.argv[1], pathlib.Path(sys.argv[2])
    convocations = {c: (login, nom, email_) for c, login, nom, email_ in rows(database, """
        SELECT c.id, i.login, i.nom, coalesce(btrim(i.email), '') FROM missions.convocations c
        JOIN missions.intervenants i ON i.id = c.intervenant_id WHERE c.statut = 'emise'""")}
    courriels = {i: (objet, dest, statut) for i, objet, dest, statut in rows(database,
                 "SELECT id, coalesce(objet_id::text, ''), destinataire, statut FROM missions.courriels")}

    # The Maildir's messages by Message-ID (<id@domain>); others (the gateway's) are not Missions'.
    recus = collections.defaultdict(list)
    for path in sorted((maildir / "new").glob("*")) + sorted((maildir / "cur").glob("*")):
        with open(path, "rb") as f:
            message = email.message_from_binary_file(f, policy=email.policy.default)
        match = re.fullmatch(r"<([0-9a-f-]{36})@[^>]+>", (message["Message-ID"] or "").strip())
        if match and match.group(1) in courriels:
            recus[match.group(1)].append(message)

    counts = collections.Counter()
    problems = []

    def once(cid, statut, label):
        """Classifies one mail row by its deliveries; returns the kind."""
        n = len(recus.get(cid, []))
        if n > 1:
            kind = "duplicated"
        elif statut == "envoi":
            kind = "uncertain"
        elif statut == "envoye" and n == 1:
            kind = "once"
        elif statut == "annule" and n == 0:
            kind = "withdrawn"
        else:
            kind = "lost"
        if kind in ("duplicated", "lost"):
            problems.append(f"{label}: courriel {cid} {statut}, delivered {n} times")
        return kind

    par_convocation = collections.defaultdict(list)
    for cid, (objet, _, _) in courriels.items():
        if objet in convocations:
            par_convocation[objet].append(cid)
    sans_adresse = 0
    for conv, (login, nom, adresse) in convocations.items():
        mine = par_convocation.get(conv, [])
        if not adresse:
            sans_adresse += 1
            if mine:
                counts["unexpected"] += 1
                problems.append(f"{login}: no address, yet {len(mine)} mail(s)")
            continue
        if len(mine) != 1:
            counts["lost" if not mine else "duplicated"] += 1
            problems.append(f"{login}: {len(mine)} mail rows for its convocation")
            continue
        cid = mine[0]
        kind = once(cid, courriels[cid][2], login)
        counts[kind] += 1
        if kind == "uncertain":
            counts["uncertain delivered" if recus.get(cid) else "uncertain not delivered"] += 1
        for message in recus.get(cid, []):
            pieces = list(message.iter_attachments())
            pdf = pieces[0].get_content() if len(pieces) == 1 else b""
            to = message["To"].addresses[0].addr_spec if message["To"] and message["To"].addresses else ""
            if to != adresse or not pdf.startswith(b"%PDF") or nom.encode() not in pdf:
                counts["wrong"] += 1
                problems.append(f"{login}: mail to {to!r} (expected {adresse}), {len(pieces)} attachment(s), "
                                f"PDF {'ok' if pdf.startswith(b'%PDF') else 'missing'}, name {'found' if nom.encode() in pdf else 'missing'}")

    # Missions' other mails (notices to the same people): once each as well.
    autres = collections.Counter(once(cid, statut, "notice") for cid, (objet, _, statut) in courriels.items()
                                 if objet not in convocations)

    avec = len(convocations) - sans_adresse
    print(f"convocation mails ({avec} convocations with an address, {sans_adresse} without): delivered once {counts['once']} / "
          f"duplicated {counts['duplicated']} / lost {counts['lost']} / uncertain {counts['uncertain']} "
          f"(delivered {counts['uncertain delivered']}, not {counts['uncertain not delivered']}) / wrong {counts['wrong']} / "
          f"unexpected {counts['unexpected']}")
    print(f"Missions' other mails: {sum(autres.values())}, once {autres['once']} / duplicated {autres['duplicated']} / "
          f"lost {autres['lost']} / uncertain {autres['uncertain']} / withdrawn {autres['withdrawn']}")
    for p in problems[:20]:
        print("  " + p)
    clean = avec > 0 and not problems
    print("chaos mail: every convocation mailed once with its PDF" if clean else
          "chaos mail: FAILED" + ("" if avec else " (no convocation with an address)"))
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
