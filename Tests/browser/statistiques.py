"""Browser steps of the examiners' statistics (issue 22 item 1), run from gestion.py after the
coordinator's activation, on the physique-chimie commission parcours.py graded:

- the gestionnaire also designates the coordinator on physique-chimie (parcours.py's exam) and
  convokes them, from the pages;
- the coordinator reads the statistics' « Examinateurs » section: the examiners of that commission
  named in the table, the chart named for assistive technologies, the method stated;
- the first examiner reads their own statistics against the others' anonymous mean, no other
  examiner named (or, with one colleague only on the same subjects, why it is not shown).
"""
import re
import time

from commun import *

P = os.environ["ECE_PREFIX"]
COORD = f"{P.lower()}.coord"
GESTIONNAIRE = os.environ.get("ECE_GESTIONNAIRE", "gestionnaire.besancon")
# parcours.py's physique-chimie examiners: the first one and the school's teacher who replaced the second.
EXAM1, EXAM3 = f"{P}.exam1", f"{P}.exam3"
NOMS = (f"Martin Camille ({EXAM1})", f"Fabre Sacha ({EXAM3})")


def coordonner_physique_chimie(driver):
    """The gestionnaire designates the coordinator on T011B too and convokes them on it."""
    sign_in(driver, GESTIONNAIRE)
    driver.get(BASE + "/inscriptions")
    select_option(driver, "g-role", "coordinateur")
    select_option(driver, "g-epreuve", "T011B")
    select_option(driver, "g-centre", "aucun")
    for field, text in (("g-login", COORD), ("g-nom", "Garnier"), ("g-prenom", "Maud")):
        type_into(driver, field, text)
    submit(driver, By.ID, "designer")
    message(driver, "Désignation enregistrée")
    driver.get(BASE + "/missions")
    bouton = f"//tr[td[1][contains(., 'T011B')] and td[contains(., '({COORD})')]]//button[starts-with(@id, 'convoquer-')]"
    deadline = time.time() + 60
    while not driver.find_elements(By.XPATH, bouton):
        assert time.time() < deadline, "the coordinator's T011B designation is not a mission's"
        submit(driver, By.ID, "ouvrir")
        message(driver, "Session ouverte")
    submit(driver, By.XPATH, bouton)
    message(driver, "Convocation émise")


def examinateurs(driver):
    coordonner_physique_chimie(driver)
    sign_in(driver, COORD)
    # Santorin learns of the convocation by event: the exam is offered once it has.
    deadline = time.time() + 30
    while True:
        driver.get(BASE + "/statistiques?epreuve=T011B")
        if driver.find_elements(By.XPATH, "//select[@id='epreuve']/option[@value='T011B' and @selected]"):
            break
        assert time.time() < deadline, "physique-chimie not offered to its coordinator"
        time.sleep(1)
    section = driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby='examinateurs']")
    assert section.find_element(By.TAG_NAME, "h2").text == "Examinateurs"
    lignes = {r.find_element(By.TAG_NAME, "th").text: [td.text for td in r.find_elements(By.TAG_NAME, "td")]
              for r in driver.find_elements(By.CSS_SELECTOR, "#table-examinateurs tbody tr")}
    for nom in NOMS:
        assert nom in lignes, (nom, lignes)
    # parcours.py: 7 sheets graded by the first (an eighth candidate absent), 8 by the teacher.
    martin, fabre = (lignes[nom] for nom in NOMS)
    assert fabre[0] == "8" and martin[0] == "7", lignes
    assert martin[-1] == "échantillon insuffisant", "under 8 sheets nobody is flagged"
    assert fabre[-1] in ("dans la norme", "indulgent", "sévère", "échantillon insuffisant"), fabre
    graphique = section.find_element(By.CSS_SELECTOR, "figure svg[role='img']")
    assert graphique.accessible_name == "Moyenne de chaque examinateur et moyenne des autres copies des mêmes sujets", graphique.accessible_name
    assert all(nom in graphique.find_element(By.TAG_NAME, "desc").get_attribute("textContent") for nom in NOMS)
    assert "z ≥ 3" in driver.find_element(By.ID, "methode").text
    assert driver.find_elements(By.CSS_SELECTOR, "#table-lots tbody tr") and driver.find_elements(By.CSS_SELECTOR, "#table-niveaux tbody tr")
    shot(driver, "50-statistiques-examinateurs")
    readable(driver, "statistiques des examinateurs")

    # The first examiner's own view: against the others' mean, never their names.
    sign_in(driver, EXAM1)
    driver.get(BASE + "/statistiques")
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Mes statistiques de correction")
    texte = driver.find_element(By.TAG_NAME, "main").text
    ligne = [td.text for td in driver.find_elements(By.CSS_SELECTOR, "table.comparaison tbody td")]
    if driver.find_elements(By.CSS_SELECTOR, "p.comparaison-masquee") and not ligne:
        # One colleague only on the same subjects (the security review's F3): their mean is not shown, and the page says why.
        assert "Moins de 2 autres examinateurs" in texte and "n'est donc pas montrée" in texte, texte
    else:
        assert ligne and re.fullmatch(r"\d+,\d\d", ligne[5]) and "moyenne anonyme" in texte, ("the others' national mean", ligne)
        assert driver.find_element(By.CSS_SELECTOR, "figure svg[role='img']").accessible_name
    assert "Fabre" not in texte and "Sacha" not in texte, texte
    shot(driver, "51-mes-statistiques-comparees")
