"""Browser test of the national and académie pages (issue 9), in headless Chromium through the real
platform, every key page checked for accessibility (and signing in with the keyboard alone):

- the DSII creates a subject, deposits its PDFs, builds its barème in the editor (live validation
  shows the wrong sum of weights beside the field, then "valide"), saves, validates and publishes it;
- the gestionnaire imports a candidates file with errors (the report lists line, column, reason,
  and nothing is imported), then a good one; delegates an exam to a school, assigns an individual
  candidate to a centre (a special case), designates an examiner, then two from a file (refused
  whole with each line's reason, then accepted; Missions then has them), and corrects one's name by
  a second file (Missions then shows the corrected name);
- the school assigns its own pupils with the suggestions, for the exam delegated to it;
- the gestionnaire publishes the assignments to Santorin;
- Imag'In (issue 20): the school designates its own teacher, the gestionnaire designates a
  coordinator, opens the session and convokes one designation from /missions, then everyone else
  the académie designated at once (« Convoquer tout le monde »: the school's teacher left to it); the
  school, from its own /missions, finds nothing to convoke or cancel on the académie's, convokes its
  teacher with « Convoquer tout le monde », is refused (with the reason) when its cancel form is aimed
  at the académie's or another school's convocation, cancels its own, convokes it again (one by one
  only, once cancelled), and the gestionnaire cancels that one;
- the coordinator activates their account with the code printed on their convocation, and every
  link of their home, and of the pages it leads to, answers 200;
- a re-marking after closing, from the pages (recorrection.py).
Needs: ECE_PREFIX (unique per run), ECE_PASSWORD.
"""
import time

import recorrection
from commun import *
import statistiques

P = os.environ["ECE_PREFIX"].upper()
CENTRE = os.environ["ECE_CENTRE"]  # the browser road map's centre, with its candidates
# The académie's gestionnaire: the one comptes.py created from the pages (the demo's, run alone).
GESTIONNAIRE = os.environ.get("ECE_GESTIONNAIRE", "gestionnaire.besancon")
SVT, PROF, COORD = (f"{P.lower()}.{x}" for x in ("svt", "prof", "coord"))
FICHIER = [f"{P.lower()}.fichier{n}" for n in (1, 2)]  # designated from a file
CORRIGE = "Noël-Vidal"  # the second one's name, corrected by a second file
SCHOOL = "0251080N"
EXAM = "T012B"










def dsii(driver):
    driver.get(BASE + "/sujets")
    shot(driver, "20-banque-de-sujets")
    select_option(driver, "n-epreuve", EXAM)
    code = f"SVT-{P}"
    type_into(driver, "n-code", code)
    type_into(driver, "n-titre", "Respiration cellulaire et fermentation")
    type_into(driver, "n-materiel", "microscope\nlevures")
    submit(driver, By.ID, "creer-sujet")
    message(driver, "Sujet créé")

    # The PDFs, deposited from the page.
    pdf = write("sujet.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    for nature in ("sujet", "examinateur"):
        driver.find_element(By.ID, f"doc-{nature}").send_keys(pdf)
        submit(driver, By.CSS_SELECTOR, f"form.depot[data-nature='{nature}'] button")
        message(driver, "Document déposé")

    # The barème: one criterion of 20 is valid; 15 is not, and the editor says so beside the sum.
    wait(driver, EC.presence_of_element_located((By.ID, "bareme-valide")))
    poids = driver.find_element(By.CSS_SELECTOR, "[data-champ='criteres[0].poids']")
    poids.clear()
    poids.send_keys("15")
    wait(driver, EC.presence_of_element_located((By.ID, "bareme-invalide")))
    assert "15 / 20" in driver.find_element(By.ID, "somme").text
    assert "20" in driver.find_element(By.ID, "bareme-invalide").text
    valeur = driver.find_element(By.CSS_SELECTOR, "[data-champ='criteres[0].echelle.valeurs.B']")
    valeur.clear()
    valeur.send_keys("deux tiers")
    wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "[data-champ='criteres[0].echelle.valeurs.B']").get_attribute("aria-invalid") == "true")
    valeur.clear()
    valeur.send_keys("2/3")
    # Let the server's verdict land before clicking: it clears the errors above the button, which
    # moves it, and a click aimed at where the button was adds no criterion (stop 28's red CI).
    wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "[data-champ='criteres[0].echelle.valeurs.B']").get_attribute("aria-invalid") is None
         and d.find_elements(By.ID, "bareme-invalide"))
    driver.find_element(By.ID, "ajouter-critere").click()
    wait(driver, EC.presence_of_element_located((By.CSS_SELECTOR, "[data-champ='criteres[1].code']")))
    for field, text in (("code", "REA"), ("libelle", "Réaliser"), ("poids", "5")):
        element = driver.find_element(By.CSS_SELECTOR, f"[data-champ='criteres[1].{field}']")
        element.clear()
        element.send_keys(text)
    wait(driver, EC.presence_of_element_located((By.ID, "bareme-valide")))
    shot(driver, "21-editeur-de-bareme")
    driver.find_element(By.ID, "enregistrer-bareme").click()
    wait(driver, EC.presence_of_element_located((By.ID, "bareme-enregistre")))

    driver.refresh()
    submit(driver, By.ID, "valider")
    message(driver, "Sujet validé")
    # The barème's editor draws the frozen grid after the page loads, which moves the form below
    # it: a click before then lands on the date field above « Publier » (the fresh-clone CI on
    # 87bd0ee stopped there).
    wait(driver, EC.presence_of_element_located((By.ID, "bareme-valide")))
    driver.execute_script("document.getElementById('visible').value = '2026-09-01T08:00'")
    driver.execute_script("document.getElementById('publier').scrollIntoView({block: 'center'})")
    submit(driver, By.ID, "publier")
    message(driver, "Sujet publié")
    assert driver.find_element(By.ID, "statut").text == "publié"
    shot(driver, "22-sujet-publie")
    jeton = token("dsii.demo")
    status, page = api("GET", f"/api/referentiel/sujets?session={SESSION}&epreuve={EXAM}&statut=publie&perPage=200", jeton)
    sujet = next(s for s in page["items"] if s["code"] == code)
    status, detail = api("GET", f"/api/referentiel/sujets/{sujet['id']}", jeton)
    bareme = detail["baremes"][-1]["bareme"]
    assert [(c["code"], c["poids"]) for c in bareme["criteres"]] == [("APP", 15), ("REA", 5)], bareme
    assert {d["nature"] for d in detail["documents"]} == {"sujet", "examinateur"}


def gestionnaire(driver):
    sign_in(driver, GESTIONNAIRE)
    driver.get(BASE + "/inscriptions")
    header = "numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve\n"
    wrong = header + f"{P}1;Martin;Léa;31/02/2008;scolaire;{SCHOOL};T1;BCG;{EXAM}\n{P}2;Durand;Hugo;02/02/2008;interne;{SCHOOL};T1;BCG;{EXAM}\n"
    driver.find_element(By.ID, "fichier").send_keys(write("candidats-faux.csv", wrong.encode()))
    driver.find_element(By.ID, "importer").click()
    wait(driver, EC.presence_of_element_located((By.CSS_SELECTOR, "#rapport table")))
    rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#rapport tbody tr")]
    assert any(r.startswith("2 naissance") for r in rows) and any(r.startswith("3 categorie") for r in rows), rows
    assert "rien n'a été importé" in driver.find_element(By.ID, "rapport").text
    shot(driver, "23-import-refuse")
    jeton = token(GESTIONNAIRE)
    status, body = api("GET", f"/api/inscriptions/sessions/{SESSION}/candidats/{P}1", jeton)
    assert status == 404, "a refused file imports nothing"

    good = header + "".join([
        f"{P}1;Martin;Léa;01/01/2008;scolaire;{SCHOOL};T1;BCG;{EXAM}\n",
        f"{P}2;Durand;Hugo;02/02/2008;scolaire;{SCHOOL};T1;BCG;{EXAM}\n",
        f"{P}3;Roux;Noé;04/04/2007;individuel;;;BCG;{EXAM}\n"])
    driver.find_element(By.ID, "fichier").send_keys(write("candidats.csv", good.encode()))
    driver.find_element(By.ID, "importer").click()
    wait(driver, EC.text_to_be_present_in_element((By.ID, "rapport"), "3 candidats"))

    driver.get(BASE + "/inscriptions")
    select_option(driver, "d-epreuve", EXAM)
    select_option(driver, "d-uai", SCHOOL)
    submit(driver, By.ID, "deleguer")
    wait(driver, EC.presence_of_element_located((By.CSS_SELECTOR, "p.info")))
    assert any(EXAM in r.text and SCHOOL in r.text for r in driver.find_elements(By.CSS_SELECTOR, "tbody tr"))

    # The individual candidate, a special case, to a centre hosting the exam.
    type_into(driver, "a-numero", f"{P}3")
    select_option(driver, "a-epreuve", EXAM)
    centre = select_option(driver, "a-centre", EXAM)
    submit(driver, By.ID, "affecter")
    message(driver, f"affecté au centre {centre}")

    select_option(driver, "g-epreuve", EXAM)
    select_option(driver, "g-centre", EXAM)
    for field, text in (("g-login", f"{P.lower()}.svt"), ("g-nom", "Durand"), ("g-prenom", "Alix"), ("g-uai", SCHOOL), ("g-divisions", "T1")):
        type_into(driver, field, text)
    submit(driver, By.ID, "designer")
    message(driver, "Désignation enregistrée")
    assert any(f"{P.lower()}.svt" in r.text for r in driver.find_elements(By.CSS_SELECTOR, "tbody tr"))
    designations_par_fichier(driver)
    driver.get(f"{BASE}/inscriptions?epreuve={EXAM}")
    shot(driver, "24-inscriptions-gestionnaire")
    row = next(r.text for r in driver.find_elements(By.CSS_SELECTOR, "tbody tr") if r.text.startswith(f"{P}3"))
    assert f"{EXAM} → {centre}" in row, row
    return centre


def designations_par_fichier(driver):
    """The gestionnaire designates a list from a file: refused whole (each line's reason in the
    report, nobody recorded), then accepted; the page then lists the people (Missions too, later)."""
    centre = select_option(driver, "g-centre", EXAM)
    header = "role;epreuve;centre;login;nom;prenom;email;uai;divisions\n"
    faux = header + (f"examinateur;{EXAM};{centre};{FICHIER[0]};Vidal;Inès;;0750654D;T3\n"
                     f"coordinateur;{EXAM};{centre};{FICHIER[1]};Noël;Jade;;;\n")
    driver.find_element(By.ID, "d-fichier").send_keys(write("designations-fausses.csv", faux.encode("cp1252")))
    driver.find_element(By.ID, "designer-fichier").click()
    wait(driver, EC.presence_of_element_located((By.CSS_SELECTOR, "#d-rapport table")))
    rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#d-rapport tbody tr")]
    assert len(rows) == 2 and rows[0].startswith("2 ligne") and "autre académie" in rows[0] and rows[1].startswith("3 centre"), rows
    assert "rien n'a été importé" in driver.find_element(By.ID, "d-rapport").text
    shot(driver, "24-designations-fichier-refuse")
    assert not any(login in r.text for login in FICHIER for r in driver.find_elements(By.CSS_SELECTOR, "tbody tr"))

    bon = header + (f"examinateur;{EXAM};{centre};{FICHIER[0]};Vidal;Inès;;{SCHOOL};T3 T4\n"
                    f"examinateur;{EXAM};{centre};{FICHIER[1]};Noël;Jade;jade.noel@ece.test;;\n")
    driver.find_element(By.ID, "d-fichier").send_keys(write("designations.csv", bon.encode("cp1252")))
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, "designer-fichier").click()
    wait(driver, EC.staleness_of(page))
    message(driver, "2 désignation(s) enregistrée(s)")
    assert "Windows-1252" in driver.find_element(By.CSS_SELECTOR, "p.info").text
    rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert all(any(f"({login})" in r and centre in r for r in rows) for login in FICHIER), rows

    # A person is corrected by designating them again (Cyclades' only way): the corrected name then
    # reaches Imag'In too (missions_gestionnaire waits for it on /missions).
    corrige = header + f"examinateur;{EXAM};{centre};{FICHIER[1]};{CORRIGE};Jade;;;\n"
    driver.find_element(By.ID, "d-fichier").send_keys(write("designations-corrigees.csv", corrige.encode()))
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, "designer-fichier").click()
    wait(driver, EC.staleness_of(page))
    message(driver, "1 désignation(s) enregistrée(s)")
    assert any(f"Jade {CORRIGE} ({FICHIER[1]})" in r.text for r in driver.find_elements(By.CSS_SELECTOR, "tbody tr"))


def etablissement(driver):
    sign_in(driver, f"etab.{SCHOOL}")
    school_designates(driver)
    driver.get(f"{BASE}/inscriptions?epreuve={EXAM}")
    submit(driver, By.ID, "appliquer")
    message(driver, "affectés selon les suggestions")
    driver.get(f"{BASE}/inscriptions?epreuve={EXAM}")
    rows = {r.text.split()[0]: r.text for r in driver.find_elements(By.CSS_SELECTOR, "tbody tr") if r.text.startswith(P)}
    assert set(rows) == {f"{P}1", f"{P}2"}, f"the school sees its own pupils only: {rows}"
    assert all("non affecté" not in r for r in rows.values()), rows
    shot(driver, "25-inscriptions-etablissement")


def keyboard(driver):
    """Signing in with the keyboard alone: the skip link comes first, then the form, Enter submits."""
    from selenium.webdriver.common.keys import Keys
    driver.delete_all_cookies()
    driver.get(BASE + "/connexion")
    shot(driver, "19-connexion")
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    assert driver.switch_to.active_element.text == "Aller au contenu"
    focused = [driver.switch_to.active_element]
    while focused[-1].get_attribute("id") != "login":
        focused[-1].send_keys(Keys.TAB)
        focused.append(driver.switch_to.active_element)
        assert len(focused) < 10, "the sign-in field is reachable by keyboard"
    focused[-1].send_keys("dsii.demo" + Keys.TAB)
    driver.switch_to.active_element.send_keys(PASSWORD + Keys.ENTER)
    wait(driver, EC.presence_of_element_located((By.XPATH, "//h1[starts-with(., 'Bonjour')]")))










def school_designates(driver):
    """The school designates its own teacher to examine, from its designations form."""
    driver.get(f"{BASE}/inscriptions")
    select_option(driver, "g-epreuve", EXAM)
    select_option(driver, "g-centre", EXAM)
    for field, text in (("g-login", PROF), ("g-nom", "Lefèvre"), ("g-prenom", "Sacha"), ("g-divisions", "T2")):
        type_into(driver, field, text)
    submit(driver, By.ID, "designer")
    message(driver, "Désignation enregistrée")


def missions_gestionnaire(driver):
    """The gestionnaire designates a coordinator, opens the session until every designation is a
    mission's, and convokes the académie's own: the examiner and the coordinator."""
    driver.get(BASE + "/inscriptions")
    select_option(driver, "g-role", "coordinateur")
    select_option(driver, "g-epreuve", EXAM)
    select_option(driver, "g-centre", "aucun")
    for field, text in (("g-login", COORD), ("g-nom", "Garnier"), ("g-prenom", "Maud")):
        type_into(driver, field, text)
    submit(driver, By.ID, "designer")
    message(driver, "Désignation enregistrée")
    driver.get(BASE + "/missions")
    deadline = time.time() + 60
    while True:
        submit(driver, By.ID, "ouvrir")
        message(driver, "Session ouverte")
        rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "tbody tr")]
        if all(any(f"({login})" in r for r in rows) for login in (SVT, PROF, COORD, *FICHIER)) \
                and any(f"Jade {CORRIGE} ({FICHIER[1]})" in r for r in rows):
            break
        assert time.time() < deadline, f"designations not in the missions: {rows}"
        time.sleep(1)
    convoke(driver, SVT)
    # Everyone else the académie designated, at once: the coordinator and the file's two (one has an
    # address: mailed; the others' printed copies are named); the school's teacher stays the school's.
    assert mission_row(driver, PROF).find_elements(By.CSS_SELECTOR, "button[id^=convoquer-]"), "the gestionnaire may, one by one"
    submit(driver, By.ID, "convoquer-tout")
    message(driver, "Convoquer tout le monde :")
    avis = driver.find_element(By.CSS_SELECTOR, "p.info").text
    assert "par courriel" in avis and "à qui remettre la convocation imprimée" in avis, avis
    for login in (COORD, *FICHIER):
        convocation_of(driver, login)
    assert not mission_row(driver, PROF).find_elements(By.CSS_SELECTOR, "a[href*='/impression']"), "the school's designation: the school's"
    assert not driver.find_elements(By.ID, "convoquer-tout"), "nobody the académie designated is left"
    shot(driver, "26-missions-et-services-faits")
    # The closing (parcours.py) paid the second reader's sheet on a line of its own (issue 22 item 4).
    services = [[td.text for td in r.find_elements(By.TAG_NAME, "td")]
                for r in driver.find_elements(By.XPATH, "//h2[.='5. Services faits']/following-sibling::table[1]/tbody/tr")]
    relecture = [l for l in services if f"({P.lower()}.exam3)" in l[2] and l[3] == "seconde lecture"]
    assert len(relecture) == 1 and relecture[0][4] == "1" and relecture[0][6] == "5,00 €", services
    # Another school's teacher's convocation (the demo's examiner at the test centre).
    return convocation_of(driver, f"{P.lower()}.exam1")


def school_convokes(driver, foreign):
    sign_in(driver, f"etab.{SCHOOL}")
    submit(driver, By.LINK_TEXT, "Les convocations de vos enseignants (Imag'In)")
    assert "Services faits" not in driver.page_source, "the services faits are the gestionnaire's"
    svt = mission_row(driver, SVT)
    assert not svt.find_elements(By.TAG_NAME, "button"), "the académie's designation and convocation: nothing for the school to do"
    academie = convocation_of(driver, SVT)
    shot(driver, "27-convocations-etablissement")
    # Its own designation, with « Convoquer tout le monde »: the printed copy to hand over.
    assert driver.find_element(By.ID, "convoquer-tout").find_element(By.XPATH, "..").text.startswith("Une personne que vous avez désignée")
    submit(driver, By.ID, "convoquer-tout")
    message(driver, f"Convoquer tout le monde : 1 personne convoquée, 0 par courriel. Sans adresse électronique, à qui remettre la "
                    f"convocation imprimée (lien « imprimer » du tableau) : Sacha Lefèvre ({PROF}).")
    own = convocation_of(driver, PROF)
    shot(driver, "28-convocation-emise")
    # The page's cancel form aimed at a convocation the school did not issue: refused, with the reason.
    for target, reason in ((academie, "émise par l'académie"), (foreign, "dans votre périmètre")):
        driver.execute_script("document.getElementById('annuler-' + arguments[0]).form.elements['convocation'].value = arguments[1]",
                              own, target)
        cancel(driver, own, "Essai")
        message(driver, "Annulation refusée")
        assert reason in driver.find_element(By.CSS_SELECTOR, "p.info").text, driver.find_element(By.CSS_SELECTOR, "p.info").text
    assert convocation_of(driver, SVT) == academie and convocation_of(driver, PROF) == own, "nothing was cancelled"
    cancel(driver, own, "Enseignant indisponible")
    message(driver, "Convocation annulée")
    prof = mission_row(driver, PROF)
    assert not prof.find_elements(By.CSS_SELECTOR, "a[href*='/impression']") and prof.find_elements(By.CSS_SELECTOR, "button[id^=convoquer-]")
    assert not driver.find_elements(By.ID, "convoquer-tout"), "a cancelled convocation is issued again one by one only"
    convoke(driver, PROF)
    return convocation_of(driver, PROF)


def coordinator(driver):
    """The coordinator activates their account with their convocation's code, then every link of
    their home and of the pages it leads to answers 200."""
    sign_in(driver, GESTIONNAIRE)
    driver.get(BASE + "/missions")
    activate(driver, COORD, printed_code(driver, COORD))
    sign_in(driver, COORD)
    assert driver.find_element(By.ID, f"mission-{EXAM}").text.startswith(EXAM)
    assert not [h for h in links(driver) if h.endswith("/examinateur")], "no lots for a coordinator"
    assert f"{BASE}/messages?epreuve={EXAM}" in links(driver), "the mission's messaging link keeps to its exam"
    shot(driver, "29-accueil-coordinateur")
    home = driver.current_url
    visited = set()
    for number, page in enumerate(list(dict.fromkeys(links(driver)))):
        # Santorin learns of the convocation by event: give the perimeter a moment to be there.
        deadline = time.time() + 30
        while page_status(driver, page) != 200:
            assert time.time() < deadline, f"{page}: {page_status(driver, page)}"
            time.sleep(1)
        if "/api/" in page or page.endswith(".yaml"):
            continue
        driver.get(page)
        shot(driver, f"30-coordinateur-{number}")
        for link in links(driver):
            if link not in visited:
                visited.add(link)
                assert page_status(driver, link) == 200, f"{link} (from {page}): {page_status(driver, link)}"
        driver.get(home)
    assert any("/centre/" in link for link in visited), f"the follow-up leads to the commissions: {visited}"
    driver.get(BASE + f"/messages?epreuve={EXAM}")
    assert driver.find_element(By.TAG_NAME, "h1").text == f"Messagerie — {EXAM}", "the mission's messaging: its exam's threads"
    assert driver.find_element(By.ID, "epreuve").get_attribute("value") == EXAM
    shot(driver, "31-messagerie-de-l-epreuve")


def annuaire(driver):
    """Cyclades' directory from its pages: the administrator adds a regroupement of centres abroad;
    the gestionnaire imports the académie's school directory (refused with its errors located, then
    accepted, then again: nothing changes), finds a school, makes it a centre d'épreuve (capacity,
    exams, rooms), and is refused when a centre would stop hosting the exam its candidates are
    assigned to (the browser road map's centre)."""
    sign_in(driver, "admin")
    driver.get(BASE + "/etablissements")
    code = "G" + str(int(P[1:]) % 90 + 10)[:2]
    type_into(driver, "a-code", code)
    type_into(driver, "a-nom", f"Centres étrangers {P}")
    select_option(driver, "a-nature", "regroupement")
    submit(driver, By.ID, "enregistrer-academie")
    message(driver, "Académie enregistrée")
    assert any(code in r.text and "regroupement de centres étrangers" in r.text
               for r in driver.find_elements(By.CSS_SELECTOR, "#academies tbody tr"))

    sign_in(driver, GESTIONNAIRE)
    driver.get(BASE + "/")
    submit(driver, By.PARTIAL_LINK_TEXT, "Les établissements et les centres d'épreuve")
    shot(driver, "32-annuaire")
    n = 3_500_000 + int(P[1:]) % 400_000
    lettres = "ABCDEFGHJKLMNPRSTUVWXYZ"
    a, b = (f"{x:07d}" + lettres[x % 23] for x in (n, n + 1))
    mauvais = b[:7] + lettres[(n + 2) % 23]  # not its check letter
    faux = f"uai;nom;commune;academie;autonome;latitude;longitude\n{a};Lycée {P} Nord;Dole;03;oui;47,09;5,49\n{mauvais};Lycée {P} Sud;Dole;01;peut-être;;\n"
    driver.find_element(By.ID, "fichier").send_keys(write("annuaire-faux.csv", faux.encode("cp1252")))
    driver.find_element(By.ID, "importer").click()
    wait(driver, EC.presence_of_element_located((By.CSS_SELECTOR, "#rapport table")))
    rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#rapport tbody tr")]
    assert any(r.startswith("3 uai") for r in rows) and any(r.startswith("3 academie") for r in rows) \
        and any(r.startswith("3 autonome") for r in rows), rows
    assert "rien n'a été importé" in driver.find_element(By.ID, "rapport").text
    bon = faux.replace(f"{mauvais};Lycée {P} Sud;Dole;01;peut-être", f"{b};Lycée {P} Sud;Dole;03;non")
    for attendu in ("2 établissement(s) créé(s)", "0 établissement(s) créé(s), 0 modifié(s), 2 inchangé(s)"):
        driver.get(BASE + "/etablissements")
        driver.find_element(By.ID, "fichier").send_keys(write("annuaire.csv", bon.encode("cp1252")))
        driver.find_element(By.ID, "importer").click()
        wait(driver, EC.text_to_be_present_in_element((By.ID, "rapport"), attendu))
    shot(driver, "33-annuaire-importe")

    type_into(driver, "r-q", f"{P} nord")
    submit(driver, By.ID, "rechercher")
    rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#etablissements tbody tr")]
    assert len(rows) == 1 and rows[0].startswith(a) and "Dole" in rows[0], rows
    submit(driver, By.LINK_TEXT, a)
    definir_centre(driver, 12, 4, ("T011B", "T010B"), ("Laboratoire 1", "Laboratoire 2"))
    assert driver.find_element(By.ID, "c-salles").get_attribute("value") == "Laboratoire 1\nLaboratoire 2"
    shot(driver, "34-centre-d-epreuve")
    driver.get(f"{BASE}/etablissements?centres=oui&q={a}")
    assert "12 places par demi-journée — T010B, T011B" in driver.find_element(By.ID, "etablissements").text

    # The road map's centre has its physique-chimie candidates: it may not stop hosting the exam.
    driver.get(f"{BASE}/etablissements/{CENTRE}")
    driver.find_element(By.XPATH, "//input[@name='epreuve[]' and @value='T011B']").click()
    submit(driver, By.ID, "enregistrer-centre")
    message(driver, "Centre refusé")
    assert "ne peut cesser" in driver.find_element(By.CSS_SELECTOR, "p.info").text
    assert driver.find_element(By.XPATH, "//input[@name='epreuve[]' and @value='T011B']").is_selected(), "nothing changed"
    # Another académie's school is not the gestionnaire's to open.
    assert page_status(driver, f"{BASE}/etablissements/0750654D") == 403


def road(driver):
    keyboard(driver)
    dsii(driver)
    gestionnaire(driver)
    etablissement(driver)
    sign_in(driver, GESTIONNAIRE)
    driver.get(BASE + "/inscriptions")
    submit(driver, By.ID, "publier")
    message(driver, "Affectations publiées")
    foreign = missions_gestionnaire(driver)
    again = school_convokes(driver, foreign)
    # The gestionnaire cancels the school's convocation from the same page.
    sign_in(driver, GESTIONNAIRE)
    driver.get(BASE + "/missions")
    cancel(driver, again, "Remplacé par l'académie")
    message(driver, "Convocation annulée")
    assert not mission_row(driver, PROF).find_elements(By.CSS_SELECTOR, "a[href*='/impression']")
    coordinator(driver)
    statistiques.examinateurs(driver)
    recorrection.road(driver)
    annuaire(driver)


if __name__ == "__main__":
    run("gestion", road, "browser pages: subject and barème published by the DSII; import refused then accepted, delegation, "
        "special case, designation, the school's assignments, publication to Santorin; the gestionnaire convokes one, then everyone "
        "it designated at once; the school convokes and cancels, convokes everyone it designated, "
        "refused on the académie's and another school's; the gestionnaire cancels; the coordinator's home and its links; "
        "the examiners' statistics (table, chart, indicator) read by physique-chimie's coordinator and an examiner's own against the anonymous mean; "
        "a re-marking after closing asked for by the gestionnaire (refused on a reopened exam) and done by NSI's coordinator; "
        "the directory: a regroupement of centres abroad added by the administrator, a school directory refused then imported "
        "twice (nothing changed), a school found and made a centre d'épreuve, a centre refused to stop hosting its candidates' exam")
