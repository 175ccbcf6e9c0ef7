"""Browser test of the road map on new data (issues 9 and 20), in headless Chromium through the real
platform, from the pages alone: no API call, SQL or ece-bench between the steps (the API is only read,
to check what a page did, and written once to play a second tablet editing the same sheet).

Starting from a school that is also a centre d'épreuve, with no candidate: the gestionnaire imports
the candidates, assigns some, delegates the rest to the school, which applies the suggestions;
examiners are designated (one by the school), the session opened, the académie's examiners convoked,
the school's teacher convoked, cancelled and convoked again, every account activated with the code
printed on its convocation. The centre creates its groups and half-day slots, places its candidates
and distributes them, reads the report and the subjects' material lists, changes a group, replaces an
ill examiner. Physique-chimie (the draw rule): an examiner grades in the editor (one sheet offline, one
absent — recorded by the centre from the slot's attendance sheet —, one override, one conflict, one paper subject recorded), locks their lot and reads their
statistics; the replacing examiner grades the other room on a shared tablet; the centre locks that
lot for its examiner, unlocks it with a reason, locks it again; before closing, a second look
(seconde_lecture.py): asked by the centre, read blind by the other room's examiner, settled with a
reason, its outcome on the first examiner's page; then the centre closes. NSI (points): a lot is
reassigned, graded in points, locked, closed. The gestionnaire reads the grades in Cyclades and
reopens the physique-chimie exam with a reason. Screenshots of the key pages go to var/artifacts/.
Needs: ECE_CENTRE (the school's UAI, a centre for T011B and T010B), ECE_PREFIX (unique per run),
ECE_PASSWORD.
"""
import re
import time

from selenium.webdriver.common.keys import Keys

from commun import *
from seconde_lecture import seconde_lecture

CENTRE, P = os.environ["ECE_CENTRE"], os.environ["ECE_PREFIX"]
# Each half-day's convocation time, as the centre types it and as the documents print it.
HEURES = {"matin": ("08:15", "8 h 15"), "après-midi": ("13:45", "13 h 45")}
# The académie's gestionnaire: the one comptes.py created from the pages (the demo's, run alone).
GESTIONNAIRE = os.environ.get("ECE_GESTIONNAIRE", "gestionnaire.besancon")
# Physique-chimie: two examiners of the académie, one teacher of the school itself (who replaces the
# second when they fall ill); NSI: two examiners of the académie.
EXAM1, EXAM2, EXAM3, NSI1, NSI2 = (f"{P}.{x}" for x in ("exam1", "exam2", "exam3", "nsi1", "nsi2"))
JULES_HAAG = "0251671F"
NOMS = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
        "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David"]
PRENOMS = ["Léa", "Hugo", "Chloé", "Louis", "Inès", "Gabriel", "Manon", "Jules"]


def grade_in_editor(driver, jeton, fiche_id, niveau="B"):
    """A sheet graded from the editor as an examiner does: the platform's draw, or the paper subject
    the candidate drew recorded, then a level for every criterion, then « Valider »."""
    open_sheet(driver, fiche_id)
    if driver.find_elements(By.ID, "tirer"):
        draw(driver)
    elif driver.find_elements(By.ID, "sujet-tire"):
        driver.find_element(By.CSS_SELECTOR, "#sujet-tire label").click()
        driver.find_element(By.ID, "enregistrer-sujet").click()
        wait(driver, EC.presence_of_element_located((By.CSS_SELECTOR, "button[data-niveau]")))
    click_levels(driver, niveau)
    driver.find_element(By.ID, "valider").click()
    wait(driver, lambda d: status_of(jeton, fiche_id) == "notee")


def status_of(jeton, fiche_id):
    return api("GET", f"/api/correction/fiches/{fiche_id}", jeton)[1]["statut"]


def open_sheet(driver, fiche_id):
    driver.get(f"{BASE}/correction/fiches/{fiche_id}")
    wait(driver, EC.presence_of_element_located((By.CSS_SELECTOR, "#editeur h1")))


def draw(driver):
    driver.find_element(By.ID, "tirer").click()
    wait(driver, EC.presence_of_element_located((By.CSS_SELECTOR, "button[data-niveau]")))


def click_levels(driver, niveau):
    codes = sorted({b.get_attribute("data-critere") for b in driver.find_elements(By.CSS_SELECTOR, "button[data-niveau]")})
    for code in codes:
        driver.find_element(By.CSS_SELECTOR, f"button[data-critere='{code}'][data-niveau='{niveau}']").click()
        wait(driver, EC.presence_of_element_located(
            (By.CSS_SELECTOR, f"button[data-critere='{code}'][data-niveau='{niveau}'][aria-pressed='true']")))


def filtrer(driver, commission, **champs):
    """The commission page's candidate filter, filled and sent as the centre does."""
    driver.get(commission)
    for champ in ("division", "origine", "nomDe", "nomA"):
        driver.find_element(By.ID, f"f-{champ}").send_keys(champs.get(champ, ""))
    if champs.get("sansCreneau"):
        driver.find_element(By.CSS_SELECTOR, "input[name=sansCreneau]").click()
    submit(driver, By.ID, "filtrer")


def choisir(driver, select, libelle):
    driver.find_element(By.XPATH, f"//select[@id='{select}']/option[normalize-space()='{libelle}']").click()


def placer(driver, attendu):
    wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "p.info"), attendu))


def placer_tous(driver, creneau, attendu):
    """« Placer tous ces candidats »: every candidate in no slot that the page's filter retains."""
    choisir(driver, "creneau-tous", creneau)
    submit(driver, By.ID, "placer-tous")
    placer(driver, attendu)


def creneaux(driver, heure=False):
    """The slots' table: per row day, half-day, subjects, candidates, capacity; with `heure`, the time
    the candidates are convoked (third column) instead."""
    lignes = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")] for tr in driver.find_elements(By.CSS_SELECTOR, "#creneaux tbody tr")]
    return [l[2] for l in lignes] if heure else [l[:2] + l[3:6] for l in lignes]


def numero(epreuve, i):
    return f"{P.upper()}{'P' if epreuve == 'T011B' else 'N'}{i:03d}"


def inscrire(driver):
    """Cyclades, from the pages: the gestionnaire imports the candidates (sixteen in physique-chimie,
    divisions T1 and T2 of the lycée Jules-Haag, which has no centre, and T3 and T4 of the school;
    four in NSI, of the school), assigns Jules-Haag's pupils to the centre one by one, delegates both
    exams to the school, which applies the suggestions (its own pupils, at home); the gestionnaire
    designates the académie's examiners, the school its own teacher; the gestionnaire publishes."""
    sign_in(driver, GESTIONNAIRE)
    driver.get(BASE + "/inscriptions")
    lignes = ["numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve"]
    for i in range(1, 17):
        uai = JULES_HAAG if i <= 8 else CENTRE
        lignes.append(f"{numero('T011B', i)};{NOMS[i - 1]};{PRENOMS[i % 8]};{i:02d}/03/2009;scolaire;{uai};T{1 + (i - 1) // 4};BCG;T011B")
    for i in range(1, 5):
        lignes.append(f"{numero('T010B', i)};{NOMS[-i]};{PRENOMS[i]};{i:02d}/04/2009;scolaire;{CENTRE};T5;BCG;T010B")
    # Two more of Jules-Haag's pupils, whom the gestionnaire handles one at a time (corrige, retire) below.
    for i in (17, 18):
        lignes.append(f"{numero('T011B', i)};Roux;Zoé;{i:02d}/05/2009;scolaire;{JULES_HAAG};T1;BCG;T011B")
    driver.find_element(By.ID, "fichier").send_keys(write("candidats-centre.csv", ("\n".join(lignes) + "\n").encode()))
    driver.find_element(By.ID, "importer").click()
    wait(driver, EC.text_to_be_present_in_element((By.ID, "rapport"), "22 candidats"))
    for i in range(1, 10):
        type_into(driver, "a-numero", numero("T011B", 17 if i == 9 else i))
        select_option(driver, "a-epreuve", "T011B")
        select_option(driver, "a-centre", CENTRE)
        submit(driver, By.ID, "affecter")
        message(driver, f"affecté au centre {CENTRE}")
    for epreuve in ("T011B", "T010B"):
        select_option(driver, "d-epreuve", epreuve)
        select_option(driver, "d-uai", CENTRE)
        submit(driver, By.ID, "deleguer")
        message(driver, "Affectation déléguée")
    for login, epreuve, nom, prenom, uai, divisions in (
            (EXAM1, "T011B", "Martin", "Camille", "0250007X", "T2"), (EXAM2, "T011B", "Lambert", "Yves", JULES_HAAG, "T1"),
            (NSI1, "T010B", "Perrin", "Lou", "0250007X", "T7"), (NSI2, "T010B", "Blanc", "Noa", "0250058C", "T8")):
        designer(driver, epreuve, login, nom, prenom, divisions, uai)
    un_candidat(driver)

    sign_in(driver, f"etab.{CENTRE}")
    for epreuve in ("T011B", "T010B"):
        driver.get(f"{BASE}/inscriptions?epreuve={epreuve}")
        submit(driver, By.ID, "appliquer")
        message(driver, "affectés selon les suggestions")
    designer(driver, "T011B", EXAM3, "Fabre", "Sacha", "T6")
    shot(driver, "00-inscriptions-centre")

    sign_in(driver, GESTIONNAIRE)
    driver.get(BASE + "/inscriptions")
    submit(driver, By.ID, "publier")
    message(driver, "Affectations publiées")
    driver.get(f"{BASE}/inscriptions?epreuve=T011B&origine={CENTRE}")
    # The candidates' table (the suggestions' table below lists the dispensé one, still unassigned).
    rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "tbody tr") if r.text.startswith(P.upper()) and "→" in r.text]
    assert len(rows) == 8 and all(f"T011B → {CENTRE}" in r for r in rows), rows
    # Before any grade, the remontée names the candidates still without a result.
    driver.get(BASE + "/remontee")
    attendus = next(r for r in driver.find_elements(By.CSS_SELECTOR, "#remontee tbody tr")
                    if r.text.startswith(CENTRE) and "T011B" in r.text).find_elements(By.TAG_NAME, "td")[6].text
    assert all(numero("T011B", i) in attendus for i in range(1, 17)) and numero("T011B", 17) not in attendus, attendus
    shot(driver, "00-remontee-candidats-attendus")


def un_candidat(driver):
    """One candidate at a time from their page (issue 21 item 6): the gestionnaire corrects an
    identity (a wrong name first: refused, nothing changed), sets a registration « dispensé », takes
    a candidate out of the centre and removes their registration."""
    retire, corrige = numero("T011B", 17), numero("T011B", 18)
    driver.get(f"{BASE}/inscriptions?epreuve=T011B&origine={JULES_HAAG}")
    submit(driver, By.CSS_SELECTOR, f"a[href='/inscriptions/candidats/{corrige}']")
    type_into(driver, "c-nom", "Roux3")
    submit(driver, By.ID, "corriger")
    message(driver, "Rien n'a changé, correction refusée")
    assert driver.find_element(By.ID, "c-nom").get_attribute("value") == "Roux"
    type_into(driver, "c-prenoms", "Zoé Anne")
    driver.execute_script("document.getElementById('c-naissance').value = '2009-05-19'")
    submit(driver, By.ID, "corriger")
    message(driver, f"Identité du candidat {corrige} corrigée")
    assert driver.find_element(By.ID, "c-prenoms").get_attribute("value") == "Zoé Anne"
    assert driver.find_element(By.ID, "c-naissance").get_attribute("value") == "2009-05-19"
    select_option(driver, "statut-T011B", "dispensé")
    submit(driver, By.ID, "statut-T011B-enregistrer")
    message(driver, "Inscription en T011B : dispensé")
    assert "dispensé" in driver.find_element(By.CSS_SELECTOR, "#inscriptions-candidat tbody tr").text
    shot(driver, "00-candidat-corrige")

    driver.get(f"{BASE}/inscriptions/candidats/{retire}")
    assert CENTRE in driver.find_element(By.CSS_SELECTOR, "#inscriptions-candidat tbody tr").text
    submit(driver, By.ID, "desaffecter-T011B")
    message(driver, "retiré de son centre d'épreuve")
    assert "non affecté" in driver.find_element(By.CSS_SELECTOR, "#inscriptions-candidat tbody tr").text
    submit(driver, By.ID, "desinscrire-T011B")
    message(driver, f"Inscription du candidat {retire} en T011B supprimée")
    assert fetch(driver, f"/inscriptions/candidats/{retire}")[0] == 404, "no registration left: no candidate"


def designer(driver, epreuve, login, nom, prenom, divisions, uai=None):
    """A designation from the Inscriptions page (the school's own teachers have its UAI)."""
    driver.get(BASE + "/inscriptions")
    select_option(driver, "g-epreuve", epreuve)
    select_option(driver, "g-centre", CENTRE)
    champs = [("g-login", login), ("g-nom", nom), ("g-prenom", prenom), ("g-divisions", divisions)]
    for field, text in champs + ([("g-uai", uai)] if uai else []):
        type_into(driver, field, text)
    submit(driver, By.ID, "designer")
    message(driver, "Désignation enregistrée")


def convoquer(driver):
    """Imag'In, from the pages: the gestionnaire sets the regulation and the missions' dates, opens
    the session and convokes the académie's examiners; the school convokes its teacher, cancels
    (the teacher is unavailable) and convokes again; each examiner activates their account with the
    code printed on their convocation."""
    sign_in(driver, GESTIONNAIRE)
    driver.get(BASE + "/missions")
    submit(driver, By.CSS_SELECTOR, "form[action='/missions/reglementation'] button")
    message(driver, "Réglementation rafraîchie")
    driver.execute_script("document.getElementById('debut').value = '2027-06-01'; document.getElementById('fin').value = '2027-06-12'")
    submit(driver, By.CSS_SELECTOR, "form[action='/missions/parametres'] button")
    message(driver, "Dates et observations enregistrées")
    deadline = time.time() + 60
    while True:
        submit(driver, By.ID, "ouvrir")
        message(driver, "Session ouverte")
        rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "tbody tr")]
        if all(any(f"({login})" in r for r in rows) for login in (EXAM1, EXAM2, EXAM3, NSI1, NSI2)):
            break
        assert time.time() < deadline, f"designations not in the missions: {rows}"
        time.sleep(1)
    for login in (EXAM1, EXAM2, NSI1, NSI2):
        convoke(driver, login)
    codes = {}
    for login in (EXAM1, EXAM2, NSI1, NSI2):
        driver.get(BASE + "/missions")
        codes[login] = printed_code(driver, login)

    sign_in(driver, f"etab.{CENTRE}")
    driver.get(BASE + "/missions")
    convoke(driver, EXAM3)
    cancel(driver, convocation_of(driver, EXAM3), "Enseignant indisponible ce jour-là")
    message(driver, "Convocation annulée")
    assert not mission_row(driver, EXAM3).find_elements(By.CSS_SELECTOR, "a[href*='/impression']")
    convoke(driver, EXAM3)
    shot(driver, "00-convocations-etablissement")
    codes[EXAM3] = printed_code(driver, EXAM3)
    for login, code in codes.items():
        activate(driver, login, code)


def attendre_examinateurs(driver, commission, logins):
    """The centre's page once Santorin has these examiners' convocations."""
    deadline = time.time() + 60
    while not all(driver.find_elements(By.XPATH, f"//label[contains(., '({m})')]/input[@name='membre[]']") for m in logins):
        assert time.time() < deadline, f"examiners {logins} not at the centre"
        time.sleep(1)
        driver.get(commission)


def salles(driver):
    """Each group on the centre's page and the logins of its examiners (its ticked boxes)."""
    result = {}
    for form in driver.find_elements(By.XPATH, "//form[.//legend[starts-with(normalize-space(), 'Groupe ')]]"):
        nom = form.find_element(By.TAG_NAME, "legend").text.strip().removeprefix("Groupe ")
        result[nom] = sorted(box.find_element(By.XPATH, "./..").text.rsplit("(", 1)[1].rstrip(")")
                             for box in form.find_elements(By.CSS_SELECTOR, "input[name='membre[]']:checked"))
    return result


def organiser(driver, commission, groupes, creneaux_a_creer, un_par_examinateur=()):
    """The centre's page: groups of the convoked examiners (once Santorin has their convocations),
    then the half-day slots with the subjects they offer; a slot's optional fifth item fills « Y
    placer les candidats sans créneau » (field id → value) and the sixth is how many it places."""
    driver.get(commission)
    if un_par_examinateur:
        # « Un groupe par examinateur »: a room each for these examiners, in one click.
        attendre_examinateurs(driver, commission, un_par_examinateur)
        submit(driver, By.ID, "groupes-par-examinateur")
        message(driver, f"Un groupe par examinateur : {len(un_par_examinateur)} groupe(s) créé(s)")
        assert not driver.find_elements(By.ID, "groupes-par-examinateur"), "everyone has a room: the button is gone"
    for nom, membres in groupes:
        attendre_examinateurs(driver, commission, membres)
        type_into(driver, "nom-groupe", nom)
        for m in membres:
            driver.find_element(By.XPATH, f"//form[contains(@action, '/groupes') and .//input[@id='nom-groupe']]"
                                          f"//label[contains(., '({m})')]/input").click()
        submit(driver, By.XPATH, "//button[normalize-space()='Créer le groupe']")
        message(driver, "Groupe créé")
    for jour, demi, codes, choix, *placement in creneaux_a_creer:
        deadline = time.time() + 60
        while not all(driver.find_elements(By.XPATH, f"//input[@name='sujet[]']/parent::label[starts-with(normalize-space(), '{c}')]") for c in codes):
            assert time.time() < deadline, f"subjects {codes} not offered at the centre"
            time.sleep(1)
            driver.get(commission)
        driver.execute_script("document.getElementById('jour').value = arguments[0]", jour)
        choisir(driver, "demi", demi)
        # The time the candidates are convoked, printed on their convocations and the attendance sheet.
        driver.execute_script("document.getElementById('heure').value = arguments[0]", HEURES[demi][0])
        for code in codes:
            driver.find_element(By.XPATH, f"//input[@name='sujet[]']/parent::label[starts-with(normalize-space(), '{code}')]").click()
        if choix:
            driver.find_element(By.ID, "choix-creneau").click()
        if placement:
            champs, places = placement
            driver.find_element(By.ID, "placer-creneau").click()
            for champ, valeur in champs.items():
                type_into(driver, champ, valeur)
        submit(driver, By.XPATH, "//button[normalize-space()='Créer le créneau']")
        message(driver, f"Créneau créé. {placement[1]} candidat(s) placé(s) dans le créneau." if placement else "Créneau créé")


def place_and_distribute(driver, commission):
    """The centre places its sixteen candidates in the two half-day slots from its page (by division,
    by hand, by school and name range, then all the rest), is refused a ninth candidate in a slot of
    two examiners, moves one out and back, then distributes automatically and reads the report."""
    driver.get(commission)
    slots = creneaux(driver)
    assert [s[4] for s in slots] == ["8", "8"] and [s[3] for s in slots] == ["0", "0"], slots
    assert all("PC-" in s[2] for s in slots), slots
    assert creneaux(driver, heure=True) == [HEURES["matin"][1], HEURES["après-midi"][1]], creneaux(driver, heure=True)
    matin, apres_midi = f"{slots[0][0]}, matin", f"{slots[1][0]}, après-midi"
    assert slots[1][1] == "après-midi", slots
    shot(driver, "00-creneaux-vides")

    # Division T1, all at once, in the morning.
    filtrer(driver, commission, division="T1", sansCreneau=True)
    assert len(driver.find_elements(By.CSS_SELECTOR, "input[name='fiche[]']")) == 4
    placer_tous(driver, matin, "4 candidat(s) placé(s) dans le créneau")
    # Division T2, ticked by hand.
    filtrer(driver, commission, division="T2", sansCreneau=True)
    for box in driver.find_elements(By.CSS_SELECTOR, "input[name='fiche[]']"):
        box.click()
    choisir(driver, "vers-creneau", matin)
    submit(driver, By.ID, "placer")
    placer(driver, "4 candidat(s) placé(s) dans le créneau")
    # A ninth in the morning: two examiners, four each.
    filtrer(driver, commission, sansCreneau=True)
    placer_tous(driver, matin, "Placement refusé")
    assert "créneau complet" in driver.find_element(By.CSS_SELECTOR, "p.info").text
    shot(driver, "00-creneau-complet")
    # The school's own pupils from A to K, then every one left, in the afternoon.
    filtrer(driver, commission, origine=CENTRE, nomDe="A", nomA="K", sansCreneau=True)
    noms = [b.find_element(By.XPATH, "./..").text for b in driver.find_elements(By.CSS_SELECTOR, "input[name='fiche[]']")]
    assert sorted(n.split()[0].upper() for n in noms) == ["DAVID", "GARCIA"], noms
    placer_tous(driver, apres_midi, "2 candidat(s) placé(s)")
    filtrer(driver, commission, sansCreneau=True)
    placer_tous(driver, apres_midi, "6 candidat(s) placé(s)")
    # One morning candidate out of the slots, then back.
    filtrer(driver, commission, division="T2")
    driver.find_element(By.CSS_SELECTOR, "input[name='fiche[]']").click()
    driver.find_element(By.XPATH, "//select[@id='vers-creneau']/option[@value='']").click()
    submit(driver, By.ID, "placer")
    placer(driver, "1 candidat(s) retiré(s) de leur créneau")
    filtrer(driver, commission, sansCreneau=True)
    boxes = driver.find_elements(By.CSS_SELECTOR, "input[name='fiche[]']")
    assert len(boxes) == 1, len(boxes)
    boxes[0].click()
    choisir(driver, "vers-creneau", matin)
    submit(driver, By.ID, "placer")
    placer(driver, "1 candidat(s) placé(s)")
    slots = creneaux(driver)
    assert [s[3] for s in slots] == ["8 (complet)", "8 (complet)"], slots
    shot(driver, "00-creneaux-pleins")

    # The automatic distribution, divisions kept together: everyone placed, the report says where.
    assert driver.find_element(By.ID, "garder-divisions").is_selected()
    submit(driver, By.ID, "distribuer")
    wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "p.info"), "16 candidat(s) distribué(s)"))
    lignes = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")] for tr in driver.find_elements(By.CSS_SELECTOR, "#placements tbody tr")]
    assert len(lignes) == 16 and {l[2] for l in lignes} == {"Salle 1", "Salle 2"} and all(l[3] for l in lignes), lignes
    assert not driver.find_elements(By.ID, "non-places")
    shot(driver, "00-rapport-distribution")
    # Run again: nobody is left, and the page says so.
    driver.get(commission)
    submit(driver, By.ID, "distribuer")
    wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "p.info"), "Aucun candidat distribué."))
    assert "Distribution faite" not in driver.page_source
    shot(driver, "00-rapport-personne")

    # The groups, once distributed: Salle 2's lot may not go to Salle 1 (eight a half-day for one
    # examiner); Salle 2 is renamed from its form and back; unticking its only examiner is refused.
    driver.get(commission)
    formulaire = "//form[.//legend[normalize-space()='Groupe Salle 2']]"
    gid = driver.find_element(By.XPATH, formulaire).get_attribute("action").rsplit("/", 1)[1]
    choisir(driver, f"vers-{gid}", "Salle 1")
    submit(driver, By.ID, f"reaffecter-{gid}")
    wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "p.info"), "Réaffectation refusée"))
    for nom in ("Salle 2 bis", "Salle 2"):
        champ = driver.find_element(By.ID, f"nom-{gid}")
        champ.clear()
        champ.send_keys(nom)
        submit(driver, By.ID, f"modifier-{gid}")
        wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "p.info"), "Groupe modifié."))
        assert driver.find_elements(By.XPATH, f"//legend[normalize-space()='Groupe {nom}']"), nom
        if nom == "Salle 2 bis":
            shot(driver, "00-groupe-renomme")
    driver.find_element(By.XPATH, f"//form[.//legend[normalize-space()='Groupe Salle 2']]//input[@name='membre[]' and @checked]").click()
    submit(driver, By.ID, f"modifier-{gid}")
    wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "p.info"), "Modification refusée"))


def nsi(driver):
    """NSI, graded in points: the centre organises its commission (two rooms, one slot made with
    its four candidates) and distributes them, then hands one room's lot to the other room (« Réaffecter »,
    four for one examiner: allowed); that examiner grades the four in points in the editor and locks
    the lot; the centre closes."""
    commission = f"{BASE}/centre/{SESSION}/T010B/{CENTRE}"
    sign_in(driver, f"centre.{CENTRE}")
    # A room per examiner in one click, and the slot made with its candidates: all four in one step
    # (two rooms: eight places).
    organiser(driver, commission, [], [("2027-06-03", "matin", ["NSI-24-01", "NSI-24-02"], False, {"c-max": "10"}, 4)],
              un_par_examinateur=[NSI1, NSI2])
    assert [s[3] for s in creneaux(driver)] == ["4"], creneaux(driver)
    rooms = salles(driver)
    assert sorted(rooms.values()) == sorted([[NSI1], [NSI2]]), rooms
    submit(driver, By.ID, "distribuer")
    message(driver, "4 candidat(s) distribué(s)")
    driver.get(commission)
    lots = {tr.find_element(By.TAG_NAME, "td").text: int(tr.find_elements(By.TAG_NAME, "td")[1].text)
            for tr in driver.find_elements(By.CSS_SELECTOR, "#lots tbody tr")}
    assert sum(lots.values()) == 4, lots
    source = next(nom for nom, n in lots.items() if n)
    cible = next(nom for nom in rooms if nom != source)
    bouton = driver.find_element(By.XPATH, f"//table[@id='lots']//tr[td[1][normalize-space()='{source}']]//button[starts-with(@id, 'reaffecter-')]")
    gid = bouton.get_attribute("id").removeprefix("reaffecter-")
    choisir(driver, f"vers-{gid}", cible)
    submit(driver, By.ID, f"reaffecter-{gid}")
    message(driver, f"Lot réaffecté : {lots[source]} candidats déplacés.")
    lots = {tr.find_element(By.TAG_NAME, "td").text: tr.find_elements(By.TAG_NAME, "td")[1].text
            for tr in driver.find_elements(By.CSS_SELECTOR, "#lots tbody tr")}
    assert lots == {cible: "4", source: "0"}, lots
    shot(driver, "24-nsi-lot-reaffecte")

    examinateur = rooms[cible][0]
    jeton = token(examinateur)
    sign_in(driver, examinateur)
    lot = next(l for l in api("GET", "/api/correction/mes-lots", jeton)[1]["items"] if l["epreuve"] == "T010B")
    assert len(lot["fiches"]) == 4, lot
    for fiche in lot["fiches"]:
        open_sheet(driver, fiche["id"])
        if driver.find_elements(By.ID, "tirer"):
            driver.find_element(By.ID, "tirer").click()
        # Each change re-renders the grid: the fields are found again by id, one by one.
        champs = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "input[id^=points-]"))
        for champ, maximum in [(c.get_attribute("id"), int(c.get_attribute("max"))) for c in champs]:
            driver.find_element(By.ID, champ).send_keys(str(maximum // 2), Keys.TAB)
            wait(driver, lambda d: d.find_element(By.ID, champ).get_attribute("value") == str(maximum // 2))
        driver.find_element(By.ID, "valider").click()
        wait(driver, lambda d: status_of(jeton, fiche["id"]) == "notee")
    shot(driver, "25-nsi-editeur-points")
    note = api("GET", f"/api/correction/fiches/{lot['fiches'][0]['id']}", jeton)[1]["noteFinale"]
    assert note == 20, f"half the points of every criterion: 10 / 20, in half-points: {note}"
    driver.get(BASE + "/examinateur")
    submit(driver, By.XPATH, f"//button[@id='verrouiller-{lot['groupeId'].lower()}']")
    message(driver, "Lot verrouillé")

    sign_in(driver, f"centre.{CENTRE}")
    driver.get(commission)
    submit(driver, By.ID, "cloturer")
    message(driver, "clôturée")


def perimetres(driver):
    """Every page of the road map answers 200 to the actors it names and, to the others, 403 with a
    French explanation (a centre's commission to another school's référent, an examiner's lots to a
    centre, the gestionnaire's imports to an examiner...)."""
    pc, info = f"/centre/{SESSION}/T011B/{CENTRE}", f"/centre/{SESSION}/T010B/{CENTRE}"
    notes = f"/remontee/notes?epreuve=T011B&centre={CENTRE}"
    pages = ["/examinateur", "/centre", pc, info, "/statistiques", "/messages?epreuve=T011B", "/missions", "/remontee", "/inscriptions",
             "/sujets", notes, "/etablissements", f"/etablissements/{CENTRE}", f"/inscriptions/candidats/{numero('T011B', 9)}", "/convocations"]
    attendus = {
        GESTIONNAIRE: [403, 200, 200, 200, 200, 200, 200, 200, 200, 403, 200, 200, 200, 200, 403],
        f"centre.{CENTRE}":      [403, 200, 200, 200, 200, 200, 403, 200, 403, 403, 403, 403, 403, 403, 403],
        f"etab.{CENTRE}":        [403, 403, 403, 403, 403, 403, 200, 200, 200, 403, 200, 403, 403, 403, 200],
        EXAM1:                   [200, 403, 200, 403, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403],
        NSI1:                    [200, 403, 403, 200, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403],
        "referent.0251080N":     [403, 200, 403, 403, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403],
    }
    for acteur, statuts in attendus.items():
        sign_in(driver, acteur)
        for page, attendu in zip(pages, statuts):
            statut, texte = fetch(driver, page)
            assert statut == attendu, f"{acteur} on {page}: {statut}, not {attendu}"
            if statut == 403:
                assert "Accès refusé" in texte and re.search(r'<p class="alerte">[^<]{10,}', texte), (acteur, page, texte[-600:])
    statut, texte = fetch(driver, "/messages?epreuve=T999Z")
    assert statut == 400 and "épreuve inconnue" in texte, (statut, texte[-400:])


def road(driver):
    inscrire(driver)
    convoquer(driver)
    jeton1, jeton3 = token(EXAM1), token(EXAM3)
    sign_in(driver, f"centre.{CENTRE}")
    shot(driver, "12-accueil")
    commission = f"{BASE}/centre/{SESSION}/T011B/{CENTRE}"
    # Two rooms of one examiner each; the morning's subjects drawn by the platform, the afternoon's
    # drawn on paper by the candidates.
    organiser(driver, commission, [("Salle 1", [EXAM1]), ("Salle 2", [EXAM2])],
              [("2027-06-01", "matin", ["PC-201", "PC-202", "PC-301", "PC-302"], False),
               ("2027-06-01", "après-midi", ["PC-202", "PC-203", "PC-301", "PC-302"], True)])
    # Preparing the laboratory: the commission lists the exam's subjects; a subject's material list
    # opens from it and, the demo's subjects being visible, its documents too.
    driver.get(commission)
    ligne = "//table[@id='sujets']//tr[td[starts-with(normalize-space(), 'PC-201')]]"
    document = driver.find_element(By.XPATH, ligne + "//a[contains(., '(PDF)')]").get_attribute("href")
    assert page_status(driver, document) == 200, document
    submit(driver, By.XPATH, ligne + "//a[starts-with(normalize-space(), 'Liste du matériel')]")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Liste du matériel — sujet PC-201"
    assert "spectrophotomètre" in [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#materiel li")]
    documents = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "#documents a")]
    assert documents and all(page_status(driver, d) == 200 for d in documents), documents
    shot(driver, "19-liste-du-materiel")
    place_and_distribute(driver, commission)
    # A slot where candidates draw a paper subject, which the examiner records: from the slot form.
    driver.get(commission)
    driver.execute_script("document.getElementById('jour').value = '2027-06-02'")
    driver.execute_script("document.getElementById('heure').value = arguments[0]", HEURES["matin"][0])
    for code in ("PC-201", "PC-203", "PC-301", "PC-302"):
        driver.find_element(By.XPATH, f"//input[@name='sujet[]']/parent::label[starts-with(normalize-space(), '{code}')]").click()
    driver.find_element(By.ID, "choix-creneau").click()
    submit(driver, By.XPATH, "//button[normalize-space()='Créer le créneau']")
    wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "p.info"), "Créneau créé"))
    slots = creneaux(driver)
    assert any(c[0] == "2 juin 2027" and c[1] == "matin" and "Sujet tiré sur papier" in c[2] for c in slots), slots
    # The centre's manual distribution: filter, take a candidate out of their lot, put them back.
    driver.get(commission + "?nonDistribues=true")
    assert not driver.find_elements(By.CSS_SELECTOR, "input[name='fiche[]']"), "the distribution placed everyone"
    driver.get(commission)
    first = driver.find_element(By.CSS_SELECTOR, "input[name='fiche[]']")
    lot = first.find_element(By.XPATH, "./ancestor::tr/td[last()]").text
    first.click()
    driver.find_element(By.XPATH, "//select[@id='vers-groupe']/option[@value='']").click()
    submit(driver, By.ID, "repartir")
    wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "p.info"), "retirés de leur lot"))
    assert "1 non distribués" in driver.page_source, "one candidate out of the lots"
    driver.get(commission + "?nonDistribues=true")
    boxes = driver.find_elements(By.CSS_SELECTOR, "input[name='fiche[]']")
    assert len(boxes) == 1, len(boxes)
    boxes[0].click()
    driver.find_element(By.XPATH, f"//select[@id='vers-groupe']/option[normalize-space()='{lot}']").click()
    submit(driver, By.ID, "repartir")
    wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "p.info"), "placés dans le lot"))
    assert "0 non distribués" in driver.page_source
    shot(driver, "00-distribution-manuelle")

    # The second examiner falls ill: the school's teacher replaces them in Salle 2 (unticked, ticked),
    # and Salle 2's lot is theirs.
    driver.get(commission)
    salle2 = "//form[.//legend[normalize-space()='Groupe Salle 2']]"
    driver.find_element(By.XPATH, f"{salle2}//label[contains(., '({EXAM2})')]/input").click()
    driver.find_element(By.XPATH, f"{salle2}//label[contains(., '({EXAM3})')]/input").click()
    submit(driver, By.XPATH, f"{salle2}//button[starts-with(@id, 'modifier-')]")
    message(driver, "Groupe modifié.")
    assert driver.find_element(By.XPATH, f"{salle2}//label[contains(., '({EXAM3})')]/input").is_selected()
    assert not driver.find_element(By.XPATH, f"{salle2}//label[contains(., '({EXAM2})')]/input").is_selected()
    shot(driver, "00-examinateur-remplace")
    assert not api("GET", "/api/correction/mes-lots", token(EXAM2))[1]["items"], "the ill examiner has no lot left"

    # The first examiner's lot (read from the API, to know its sheets).
    status, lots = api("GET", "/api/correction/mes-lots", jeton1)
    lot = next(l for l in lots["items"] if l["centre"] == CENTRE)
    # The morning's subjects are drawn by the platform, the afternoon's drawn on paper (the demo's slots).
    offres = {f["id"]: api("GET", f"/api/correction/fiches/{f['id']}/offre", jeton1)[1] for f in lot["fiches"]}
    tirees = [i for i, o in offres.items() if not o["enregistrement"]]
    papier = [i for i, o in offres.items() if o["enregistrement"]]
    assert len(tirees) >= 4 and len(papier) >= 2, offres
    fiches = tirees[:2] + papier[:1] + tirees[2:4] + papier[1:] + tirees[4:]

    # Exam day: the centre prints the afternoon slot's attendance sheet (its candidates in alphabetical
    # order) and, sheet in hand after the half-day, records from its page that one of them (the
    # examiner's third sheet) was absent.
    driver.get(commission)
    absent = fiches[2].lower()
    formulaire = driver.find_element(By.XPATH, f"//form[.//input[@id='absent-{absent}']]")
    creneau = formulaire.get_attribute("action").split("/creneaux/")[1].split("/")[0]
    noms = [l.text.split(" ")[0].upper() for l in formulaire.find_elements(By.CSS_SELECTOR, "label.choix") if "(n°" in l.text]
    feuille = pdf_texte(driver, driver.find_element(By.ID, f"emargement-{creneau}").get_attribute("href"))
    places = [feuille.find(nom) for nom in noms]
    assert "FEUILLE D'ÉMARGEMENT" in feuille and len(noms) >= 4 and -1 not in places and places == sorted(places), (noms, feuille)
    assert any(h in feuille for _, h in HEURES.values()) and f"({CENTRE})" in feuille, feuille[:600]
    driver.find_element(By.ID, f"absent-{absent}").click()
    submit(driver, By.ID, f"relever-{creneau}")
    message(driver, "1 absence(s) non justifiée(s) enregistrée(s).")
    assert status_of(jeton1, absent) == "absent"
    case = driver.find_element(By.ID, f"absent-{absent}")
    assert case.is_selected() and not case.is_enabled(), "recorded: ticked, no longer to tick"
    shot(driver, "32-emargement-absences-relevees")

    # The examiner's lots.
    sign_in(driver, EXAM1)
    driver.get(BASE + "/examinateur")
    wait(driver, EC.presence_of_element_located((By.CSS_SELECTOR, "table tbody tr")))
    missions = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "main ul li")]
    assert any(m.startswith("T011B") and CENTRE in m for m in missions), missions
    shot(driver, "01-mes-lots")

    # 1: drawn and graded A everywhere.
    open_sheet(driver, fiches[0])
    draw(driver)
    click_levels(driver, "A")
    driver.find_element(By.ID, "valider").click()
    wait(driver, lambda d: status_of(jeton1, fiches[0]) == "notee")
    shot(driver, "02-editeur-note")

    # 2: the network is cut while grading; the change waits in the browser, then goes.
    open_sheet(driver, fiches[1])
    draw(driver)
    driver.set_network_conditions(offline=True, latency=5, download_throughput=500 * 1024, upload_throughput=500 * 1024)
    click_levels(driver, "B")
    driver.find_element(By.ID, "valider").click()
    wait(driver, EC.text_to_be_present_in_element((By.ID, "etat-reseau"), "Hors ligne"))
    driver.execute_script("window.scrollTo(0, 0)")
    shot(driver, "03-editeur-hors-ligne")
    assert status_of(jeton1, fiches[1]) != "notee", "nothing reached the server while offline"
    driver.set_network_conditions(offline=False, latency=0, download_throughput=-1, upload_throughput=-1)
    wait(driver, lambda d: status_of(jeton1, fiches[1]) == "notee", timeout=30)
    wait(driver, EC.text_to_be_present_in_element((By.ID, "etat-reseau"), "Enregistré"), timeout=30)
    shot(driver, "04-editeur-reconnecte")

    # 3: absent, as the centre recorded it from the attendance sheet.
    open_sheet(driver, fiches[2])
    wait(driver, EC.text_to_be_present_in_element((By.ID, "editeur"), "statut : absent (absence non justifiée)"))
    shot(driver, "23-editeur-absent")

    # 4: an override with its reason.
    open_sheet(driver, fiches[3])
    draw(driver)
    click_levels(driver, "C")
    driver.find_element(By.ID, "ajustement").send_keys("14")
    driver.find_element(By.ID, "motif").send_keys("Démarche expérimentale remarquable")
    driver.find_element(By.ID, "valider").click()
    wait(driver, lambda d: status_of(jeton1, fiches[3]) == "notee")
    assert api("GET", f"/api/correction/fiches/{fiches[3]}", jeton1)[1]["noteFinale"] == 28

    # 5: a concurrent edit elsewhere (the API, as from another tablet): the editor shows both
    # versions and the examiner keeps theirs; nothing is overwritten silently.
    open_sheet(driver, fiches[4])
    draw(driver)
    fiche = api("GET", f"/api/correction/fiches/{fiches[4]}", jeton1)[1]
    status, _ = api("PUT", f"/api/correction/fiches/{fiches[4]}", jeton1,
                    {"version": fiche["version"], "grille": {"commentaire": "Saisi sur une autre tablette"}})
    assert status == 200
    click_levels(driver, "A")
    wait(driver, EC.presence_of_element_located((By.ID, "conflit")))
    assert "autre tablette" in driver.find_element(By.ID, "conflit").text
    shot(driver, "05-conflit")
    driver.find_element(By.XPATH, "//div[@id='conflit']//button[1]").click()
    wait(driver, lambda d: api("GET", f"/api/correction/fiches/{fiches[4]}", jeton1)[1]["grille"]["evaluations"] != [])

    # 6: an afternoon candidate drew a paper subject: no draw forced; the examiner ticks the subject
    # drawn and records it; its document shows beside the grid (viewer and link), and the grid is
    # one column on a tablet under 800 px.
    open_sheet(driver, papier[1])
    wait(driver, EC.presence_of_element_located((By.ID, "sujet-tire")))
    assert not driver.find_elements(By.ID, "tirer"), "no draw forced on a paper subject"
    assert not driver.find_element(By.ID, "document-support").is_displayed(), "no document before the subject"
    shot(driver, "20-editeur-sujet-papier")
    driver.find_element(By.XPATH, "//fieldset[@id='sujet-tire']//label[starts-with(normalize-space(), 'PC-203')]").click()
    driver.find_element(By.ID, "enregistrer-sujet").click()
    wait(driver, EC.presence_of_element_located((By.CSS_SELECTOR, "button[data-niveau]")))
    fiche = api("GET", f"/api/correction/fiches/{papier[1]}", jeton1)[1]
    assert fiche["sujet"]["code"] == "PC-203" and fiche["sujetMode"] == "choix", fiche
    lien = wait(driver, EC.visibility_of_element_located((By.ID, "lien-document")))
    assert driver.find_element(By.ID, "visionneuse").get_attribute("src") == lien.get_attribute("href")
    assert page_status(driver, lien.get_attribute("href")) == 200
    assert page_status(driver, driver.find_element(By.ID, "fiche-pdf").get_attribute("href")) == 200, "the sheet's PDF"
    cadres = "return ['editeur', 'document-support'].map(i => document.getElementById(i).getBoundingClientRect().toJSON())"
    grille, support = driver.execute_script(cadres)
    assert support["left"] >= grille["right"], ("side by side on a wide screen", grille, support)
    shot(driver, "21-editeur-document-support")
    driver.set_window_size(768, 1800)
    assert driver.execute_script("return innerWidth") < 800
    grille, support = driver.execute_script(cadres)
    assert support["top"] >= grille["bottom"] - 1 and abs(support["left"] - grille["left"]) < 2, ("one column", grille, support)
    petites = driver.execute_script(
        "return [...document.querySelectorAll('main button, main input:not([type=radio]), main textarea, main a, main label.choix')]"
        ".map(e => [e.id || e.textContent.trim().slice(0, 30), e.getBoundingClientRect()])"
        ".filter(([n, r]) => r.height && Math.min(r.width, r.height) < 44).map(([n, r]) => [n, Math.round(r.width), Math.round(r.height)])")
    assert not petites, ("touch targets under 44 px", petites)
    shot(driver, "22-editeur-tablette")
    driver.set_window_size(1280, 1800)
    click_levels(driver, "A")
    driver.find_element(By.ID, "valider").click()
    wait(driver, lambda d: status_of(jeton1, papier[1]) == "notee")
    wait(driver, EC.text_to_be_present_in_element((By.ID, "editeur"), "statut : notée"))
    # Their own statistics, from the editor.
    submit(driver, By.ID, "mes-statistiques")
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Mes statistiques de correction")

    # The rest of this lot, from the editor, then the lock from the page.
    for fiche_id in fiches[4:]:
        if status_of(jeton1, fiche_id) != "notee":
            grade_in_editor(driver, jeton1, fiche_id)
    driver.get(BASE + "/examinateur")
    submit(driver, By.CSS_SELECTOR, "button[id^=verrouiller-]")
    wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "p.info"), "Lot verrouillé"))
    shot(driver, "06-lot-verrouille")
    # Their own statistics, from their home: every sheet of the lot graded but the absent one.
    driver.get(BASE + "/")
    submit(driver, By.LINK_TEXT, "Mes statistiques de correction")
    assert driver.find_element(By.ID, "stat-T011B").text.startswith("T011B")
    assert f"{len(fiches) - 1} candidats notés" in driver.find_element(By.TAG_NAME, "main").text, driver.find_element(By.TAG_NAME, "main").text
    shot(driver, "15-mes-statistiques")

    # Messaging: the examiner writes to the commission; the centre has it unread.
    driver.get(BASE + "/messages")
    driver.find_element(By.ID, "epreuve").send_keys("T011B")
    driver.find_element(By.ID, "centre").send_keys(CENTRE)
    driver.find_element(By.ID, "titre").send_keys("Salle 1")
    driver.find_element(By.ID, "texte").send_keys("Lot verrouillé, tout est noté.")
    submit(driver, By.CSS_SELECTOR, "form[action='/messages'] button")
    wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "p.info"), "Fil ouvert"))
    shot(driver, "13-fils")

    # A shared tablet: the replacing examiner signs in here. The first one's sheets stay in the first
    # one's store; the API refuses the sheet to the second, and the editor shows nothing of it. They
    # grade Salle 2's lot here. Signing out leaves no store behind (Clear-Site-Data).
    stores = "indexedDB.databases().then(d => arguments[0](d.map(x => x.name)))"
    assert f"ece-editeur-{EXAM1}" in driver.execute_async_script(stores)
    sign_in(driver, EXAM3)
    driver.get(f"{BASE}/correction/fiches/{fiches[0]}")
    wait(driver, EC.text_to_be_present_in_element((By.ID, "editeur"), "Fiche inaccessible"))
    status, lots2 = api("GET", "/api/correction/mes-lots", jeton3)
    lot2 = next(l for l in lots2["items"] if l["centre"] == CENTRE)
    assert len(lot2["fiches"]) == 8, lot2
    for fiche in lot2["fiches"]:
        grade_in_editor(driver, jeton3, fiche["id"])
    submit(driver, By.CSS_SELECTOR, "form[action='/deconnexion'] button")
    left = driver.execute_async_script(stores)
    assert not [name for name in left if name.startswith("ece-editeur-")], left

    # Following the correction: the second room's lot is complete; the centre locks it for its
    # examiner from its page, unlocks it with a reason (the audit shows who and why), locks it again.
    sign_in(driver, f"centre.{CENTRE}")
    driver.get(commission)
    lot2_id = lot2["groupeId"].lower()

    def lot2_state():
        return driver.find_element(By.XPATH, f"//button[@id='verrouiller-{lot2_id}' or @id='deverrouiller-{lot2_id}']"
                                             "/ancestor::tr/td[6]").text

    assert lot2_state() == "ouvert"
    submit(driver, By.ID, f"verrouiller-{lot2_id}")
    wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "p.info"), "Lot verrouillé pour son examinateur"))
    assert lot2_state() == "verrouillé" and not driver.find_elements(By.ID, f"verrouiller-{lot2_id}")
    journal = driver.find_element(By.CSS_SELECTOR, "#journal tbody tr").text
    assert f"centre.{CENTRE}" in journal and "lot verrouillé" in journal, journal
    shot(driver, "16-lot-verrouille-par-le-centre")
    driver.find_element(By.ID, f"motif-{lot2_id}").send_keys("Absence à vérifier")
    submit(driver, By.ID, f"deverrouiller-{lot2_id}")
    wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "p.info"), "Lot déverrouillé"))
    assert lot2_state() == "ouvert"
    journal = driver.find_element(By.CSS_SELECTOR, "#journal tbody tr").text
    assert f"centre.{CENTRE}" in journal and "lot déverrouillé" in journal and "Absence à vérifier" in journal, journal
    shot(driver, "17-lot-deverrouille-avec-motif")
    submit(driver, By.ID, f"verrouiller-{lot2_id}")
    wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "p.info"), "Lot verrouillé"))

    seconde_lecture(driver, commission, CENTRE, EXAM1, EXAM3)
    # The centre closes from its page.
    driver.get(f"{BASE}/centre/{SESSION}/T011B/{CENTRE}")
    submit(driver, By.ID, "cloturer")
    wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "p.info"), "clôturée"))
    shot(driver, "07-centre-cloture")

    driver.get(BASE + "/messages")
    assert driver.find_element(By.CSS_SELECTOR, "tbody tr td strong").text == "1", "one unread message"
    submit(driver, By.LINK_TEXT, "Salle 1")
    wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "ol.messages"), "tout est noté"))
    shot(driver, "08-messagerie")
    driver.get(BASE + "/statistiques?epreuve=T011B")
    assert driver.find_element(By.CSS_SELECTOR, "figure svg rect") is not None
    assert "16 notes" not in driver.page_source and "15 notes" in driver.page_source, "15 graded, 1 absent"
    shot(driver, "09-statistiques")

    nsi(driver)

    # The grades in Cyclades: the gestionnaire's remontée page.
    sign_in(driver, GESTIONNAIRE)
    # The académie's follow-up: the closed commission, its centre named, its state in words.
    driver.get(BASE + "/centre")
    rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "tbody tr") if CENTRE in r.text]
    assert len(rows) == 2 and all("Lycée du test navigateur" in r and r.endswith("clôturée") for r in rows), rows
    shot(driver, "14-suivi-academie")
    # Imag'In from the gestionnaire's page: refreshing the regulation and reopening the session
    # change nothing; the examiners' convocations are there to print.
    driver.get(BASE + "/missions")
    submit(driver, By.CSS_SELECTOR, "form[action='/missions/reglementation'] button")
    wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "p.info"), "Réglementation rafraîchie"))
    submit(driver, By.ID, "ouvrir")
    wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "p.info"), "Session ouverte"))
    rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "tbody tr") if EXAM1 in r.text]
    assert rows and "imprimer" in rows[0], rows
    shot(driver, "10-missions")
    deadline = time.time() + 60
    while True:
        driver.get(BASE + "/remontee")
        rows = [[td.text for td in r.find_elements(By.TAG_NAME, "td")] for r in driver.find_elements(By.CSS_SELECTOR, "tbody tr")]
        rows = {r[1]: r for r in rows if r and r[0].startswith(CENTRE)}
        if set(rows) == {"T011B", "T010B"} and all(r[5] == "0" for r in rows.values()):  # nothing missing
            break
        assert time.time() < deadline, f"remontée incomplete: {rows}"
        time.sleep(1)
    assert rows["T011B"][0] == f"{CENTRE} — Lycée du test navigateur", "the centre's name beside its UAI"
    assert rows["T011B"][2:5] == ["16", "15", "1"] and rows["T010B"][2:5] == ["4", "4", "0"], rows
    shot(driver, "11-remontee")
    # Each candidate's grade for the jury, and the same in the CSV file.
    submit(driver, By.XPATH, f"//tr[td[2][normalize-space()='T011B'] and td[1][starts-with(normalize-space(), '{CENTRE}')]]"
                             "//a[starts-with(normalize-space(), 'Notes des candidats')]")
    resultats = [tr.find_elements(By.TAG_NAME, "td")[4].text for tr in driver.find_elements(By.CSS_SELECTOR, "#notes tbody tr")]
    assert len(resultats) == 16 and resultats.count("absent (absence non justifiée) — 0 / 20") == 1 and "14 / 20" in resultats, resultats
    shot(driver, "11-notes-des-candidats")
    statut, fichier = fetch(driver, driver.find_element(By.LINK_TEXT, "Exporter ces notes (CSV)").get_attribute("href"))
    lignes = fichier.lstrip("\ufeff").splitlines()
    assert statut == 200 and lignes[0] == "numero;nom;prenoms;epreuve;centre;resultat;note_sur_20;version_cloture;notes_remplacees;historique" \
        and len(lignes) == 17, fichier[:300]
    assert sum(l.endswith(";absent_injustifie;0;1;0;") for l in lignes) == 1 and sum(l.endswith(";note;14;1;0;") for l in lignes) == 1, lignes
    assert all(t.find_elements(By.TAG_NAME, "td")[5].text == "clôture n° 1" for t in driver.find_elements(By.CSS_SELECTOR, "#notes tbody tr"))
    # The candidates with their centre and half-day slot, from the remontée page.
    driver.get(BASE + "/remontee")
    assert next(r for r in driver.find_elements(By.CSS_SELECTOR, "#remontee tbody tr")
                if r.text.startswith(CENTRE) and "T011B" in r.text).find_elements(By.TAG_NAME, "td")[6].text == "aucun"
    statut, fichier = fetch(driver, driver.find_element(By.ID, "export-candidats").get_attribute("href"))
    lignes = fichier.splitlines()
    nos = [l.split(";") for l in lignes if l.startswith(P.upper())]
    assert statut == 200 and fichier.startswith("\ufeffnumero;nom;prenoms;etablissement_origine;epreuve;centre;jour;demi_journee"), fichier[:200]
    assert len(nos) == 20 and all(l[5] == CENTRE and re.fullmatch(r"\d{4}-\d{2}-\d{2}", l[6]) and l[7] in ("matin", "apres-midi") for l in nos), nos

    # The school reads its own pupils' grades (the eight of physique-chimie and the four of NSI), not Jules-Haag's.
    sign_in(driver, f"etab.{CENTRE}")
    driver.get(BASE + "/")
    submit(driver, By.LINK_TEXT, "Les notes de vos élèves")
    eleves = [tr.find_elements(By.TAG_NAME, "td") for tr in driver.find_elements(By.CSS_SELECTOR, "#notes tbody tr")]
    eleves = {tds[0].text: tds for tds in eleves if tds[0].text.startswith(P.upper())}
    assert set(eleves) == {numero("T011B", i) for i in range(9, 17)} | {numero("T010B", i) for i in range(1, 5)}, sorted(eleves)
    assert all(tds[5].text == "clôture n° 1" and tds[6].text == "aucune" for tds in eleves.values()), "version, no replaced grade"
    select_option(driver, "n-epreuve", "T010B")
    submit(driver, By.ID, "afficher-notes")
    assert len([tr for tr in driver.find_elements(By.CSS_SELECTOR, "#notes tbody tr") if tr.text.startswith(P.upper())]) == 4
    shot(driver, "11-notes-des-eleves")
    # Its pupils' convocations: day, half-day, centre and room, one by one and all in one PDF.
    driver.get(BASE + "/")
    submit(driver, By.LINK_TEXT, "Les convocations de vos élèves aux épreuves (PDF)")
    convocations = {tr.find_elements(By.TAG_NAME, "td")[0].text: tr for tr in driver.find_elements(By.CSS_SELECTOR, "#convocations tbody tr")}
    nos = {numero("T011B", i) for i in range(9, 17)} | {numero("T010B", i) for i in range(1, 5)}
    assert nos <= set(convocations) and not any(numero("T011B", i) in convocations for i in range(1, 9)), sorted(convocations)
    shot(driver, "33-convocations-des-eleves")
    une = convocations[numero("T011B", 9)]
    lettre = pdf_texte(driver, une.find_element(By.TAG_NAME, "a").get_attribute("href"))
    jour, salle = une.find_elements(By.TAG_NAME, "td")[4].text.split(",")[0], une.find_elements(By.TAG_NAME, "td")[5].text
    assert "CONVOCATION" in lettre and numero("T011B", 9) in lettre and jour in lettre and salle in lettre, (jour, salle, lettre)
    # The time the centre gave the slot, on the school's list and the letter; the centre by its name, its UAI beside.
    heure = next(h for _, h in HEURES.values() if h in une.text)
    assert heure in lettre and f"({CENTRE})" in lettre, (heure, lettre)
    toutes = pdf_texte(driver, driver.find_element(By.ID, "toutes-convocations").get_attribute("href"))
    assert all(n in toutes for n in nos), toutes[:500]
    sign_in(driver, GESTIONNAIRE)

    # The gestionnaire reopens the closed exam at the centre from its page, with a reason: the
    # commission is open again, its lots can be unlocked, the audit says who and why.
    driver.get(commission)
    driver.find_element(By.ID, "motif-reouverture").send_keys("Copie retrouvée après la clôture")
    submit(driver, By.ID, "rouvrir")
    wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "p.info"), "Épreuve rouverte"))
    assert "État : ouverte" in driver.find_element(By.TAG_NAME, "main").text
    assert not driver.find_elements(By.ID, "rouvrir") and driver.find_elements(By.ID, f"deverrouiller-{lot2_id}")
    journal = driver.find_element(By.CSS_SELECTOR, "#journal tbody tr").text
    assert GESTIONNAIRE in journal and "épreuve rouverte" in journal and "Copie retrouvée après la clôture" in journal, journal
    shot(driver, "18-epreuve-rouverte")
    perimetres(driver)


if __name__ == "__main__":
    run("parcours", road, "browser road map on new data, from the pages alone: 22 candidates imported, assigned (8 by the "
        "gestionnaire, 12 by the school's suggestions), one corrected and set « dispensé », one taken out of its centre and removed "
        "from its candidate page, 5 examiners designated (1 by the school), convoked (the school's cancelled "
        "and convoked again) and activated with their printed codes; groups and slots created; 16 physique-chimie candidates placed in slots from the centre's page (a 9th refused), "
        "automatic distribution and its report, manual distribution; a slot's attendance sheet printed and 1 absence recorded from it "
        "by the centre; 5 sheets in the editor (1 offline, 1 absent, 1 override, "
        "1 conflict kept, 1 paper subject recorded beside its document), subjects' material lists, a slot with a paper draw, lots locked (one by the centre, unlocked with a reason, relocked), a second look asked by the centre, read blind, "
        "flagged and settled with a reason (the closing waited for it), closed, 16 results in Cyclades, "
        "an examiner replaced in a group, each candidate's grade and the jury's CSV, the school's pupils' convocations (PDF), reopened by the gestionnaire; NSI: a room per examiner in one click, a slot made with its 4 candidates from its form, distributed, a lot "
        "reassigned, graded in points, locked, closed")
