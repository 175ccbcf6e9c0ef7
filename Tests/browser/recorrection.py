"""Re-marking after closing (issue 22 item 3), from the pages, run by gestion.py after its
coordinator step, on what parcours.py left: physique-chimie (T011B) reopened at the centre, NSI
(T010B) closed there with its four candidates at 10 / 20.

- the gestionnaire asks for a re-marking on the reopened exam from its grades page: refused, with the reason;
- the gestionnaire designates and convokes a coordinator of NSI, who activates their account with
  the printed code;
- the gestionnaire asks for one NSI candidate's re-marking from the grades page, with a reason;
- the coordinator finds it from their home page and re-marks the sheet on its grid (every
  criterion at its maximum);
- the grades page shows the new grade and, in the history, the old one with the reason; the other
  candidates are untouched.
"""
import time

from commun import *

P = os.environ["ECE_PREFIX"].upper()
CENTRE = os.environ["ECE_CENTRE"]
GESTIONNAIRE = os.environ.get("ECE_GESTIONNAIRE", "gestionnaire.besancon")
COORD = f"{P.lower()}.coordnsi"
EXAM = "T010B"
MOTIF = "Recours gracieux de la famille"


def notes(epreuve):
    return f"{BASE}/remontee/notes?epreuve={epreuve}&centre={CENTRE}"


def resultats(driver):
    """Number -> (grade in force, history) of the grades page's rows."""
    return {tr.find_elements(By.TAG_NAME, "td")[0].text: (tr.find_elements(By.TAG_NAME, "td")[4].text,
                                                          tr.find_elements(By.TAG_NAME, "td")[6].text)
            for tr in driver.find_elements(By.CSS_SELECTOR, "#notes tbody tr")}


def demander(driver, epreuve, numero):
    driver.get(notes(epreuve))
    select_option(driver, "r-candidat", numero)
    type_into(driver, "r-motif", MOTIF)
    submit(driver, By.ID, "demander-recorrection")


def coordinateur_nsi(driver):
    driver.get(BASE + "/inscriptions")
    select_option(driver, "g-role", "coordinateur")
    select_option(driver, "g-epreuve", EXAM)
    select_option(driver, "g-centre", "aucun")
    for field, text in (("g-login", COORD), ("g-nom", "Perrin"), ("g-prenom", "Anouk")):
        type_into(driver, field, text)
    submit(driver, By.ID, "designer")
    message(driver, "Désignation enregistrée")
    driver.get(BASE + "/missions")
    deadline = time.time() + 60
    while not any(f"({COORD})" in r.text for r in driver.find_elements(By.CSS_SELECTOR, "tbody tr")):
        assert time.time() < deadline, "the designation never became a mission's"
        submit(driver, By.ID, "ouvrir")
        message(driver, "Session ouverte")
    convoke(driver, COORD)
    activate(driver, COORD, printed_code(driver, COORD))


def road(driver):
    sign_in(driver, GESTIONNAIRE)
    # Physique-chimie was reopened: its sheets are the editor's again, no re-marking.
    demander(driver, "T011B", "")
    message(driver, "Demande refusée")
    assert "non close" in driver.find_element(By.CSS_SELECTOR, "p.info").text, driver.find_element(By.CSS_SELECTOR, "p.info").text
    coordinateur_nsi(driver)

    sign_in(driver, GESTIONNAIRE)
    driver.get(notes(EXAM))
    avant = resultats(driver)
    assert len(avant) == 4 and all(r == "10 / 20" for r, _ in avant.values()), avant
    numero = sorted(avant)[0]
    demander(driver, EXAM, numero)
    message(driver, "Recorrection demandée")
    assert numero in driver.find_element(By.ID, "recorrections").text and "à recorriger" in driver.find_element(By.ID, "recorrections").text
    shot(driver, "50-recorrection-demandee")

    sign_in(driver, COORD)
    submit(driver, By.LINK_TEXT, "Les recorrections demandées après clôture")
    # Santorin learns of the coordinator's convocation by event: look again until the request is theirs.
    deadline = time.time() + 30
    while not driver.find_elements(By.LINK_TEXT, f"Recorriger la fiche {numero}"):
        assert time.time() < deadline, driver.find_element(By.TAG_NAME, "main").text
        time.sleep(1)
        driver.refresh()
    shot(driver, "51-recorrections-du-coordinateur")
    submit(driver, By.LINK_TEXT, f"Recorriger la fiche {numero}")
    assert "10 / 20" in driver.find_element(By.TAG_NAME, "main").text and MOTIF in driver.find_element(By.TAG_NAME, "main").text
    shot(driver, "52-recorriger-la-fiche")
    for champ in driver.find_elements(By.CSS_SELECTOR, "input[id^=c-]"):
        champ.clear()
        champ.send_keys(champ.get_attribute("max"))
    submit(driver, By.ID, "recorriger")
    message(driver, f"Fiche {numero} recorrigée : 20 / 20")
    assert not driver.find_elements(By.LINK_TEXT, f"Recorriger la fiche {numero}"), "done once"

    # Cyclades has the new grade (by event) with the old one and the reason; the others unchanged.
    sign_in(driver, GESTIONNAIRE)
    deadline = time.time() + 30
    while True:
        driver.get(notes(EXAM))
        apres = resultats(driver)
        if apres[numero][0] == "20 / 20":
            break
        assert time.time() < deadline, apres
        time.sleep(1)
    assert "10 / 20, remplacée le" in apres[numero][1] and MOTIF in apres[numero][1], apres[numero]
    assert {n: r for n, r in apres.items() if n != numero} == {n: r for n, r in avant.items() if n != numero}, apres
    assert "recorrigée par" in driver.find_element(By.ID, "recorrections").text
    shot(driver, "53-historique-de-la-note")
