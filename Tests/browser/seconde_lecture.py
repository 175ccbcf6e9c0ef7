"""Harmonisation before closing (issue 22 item 2) on the road map's physique-chimie commission, from
the pages alone: the centre asks a second look on one of the first examiner's graded sheets; the
closing waits for it; the other room's examiner finds it on their page and grades it blind in the
editor (the first mark, levels and comment not shown); the centre reads the flagged gap and settles
the mark with a reason; the first examiner reads the outcome on their page.
Called by parcours.py signed in as the centre, both lots locked; leaves the centre signed in."""
from commun import *


def note(demi_points):
    """A mark as the pages write it: 6,5 / 13."""
    return f"{demi_points // 2}" + (",5" if demi_points % 2 else "")


def seconde_lecture(driver, commission, centre, premier, second):
    from parcours import click_levels  # the road map's own way of grading a grid
    jeton1, jeton2 = token(premier), token(second)
    page = commission + "/secondes-lectures"
    driver.get(commission)
    submit(driver, By.ID, "secondes-lectures")
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Secondes lectures")

    # One of the first examiner's sheets (Salle 1), not the one whose override the road map checks later.
    def cellules(ligne):
        return [td.text for td in ligne.find_elements(By.TAG_NAME, "td")]
    ligne = next(l for l in driver.find_elements(By.CSS_SELECTOR, "#fiches-notees tbody tr")
                 if cellules(l)[2] == "Salle 1" and cellules(l)[3] != "14 / 20")
    numero, premiere = cellules(ligne)[0], cellules(ligne)[3]
    bouton = ligne.find_element(By.CSS_SELECTOR, "button[id^='demander-']").get_attribute("id")
    fiche = bouton[len("demander-"):]
    submit(driver, By.ID, bouton)
    message(driver, "Seconde lecture demandée")
    lecture = driver.find_element(By.XPATH, f"//table[@id='lectures']//tr[td[1][normalize-space()='{numero}']]")
    assert "demandée" in lecture.text and not driver.find_elements(By.ID, bouton), lecture.text
    shot(driver, "40-seconde-lecture-demandee")

    # The closing waits for it.
    driver.get(commission)
    submit(driver, By.ID, "cloturer")
    message(driver, "seconde lecture en cours")

    # The other room's examiner finds it on their page and grades it blind.
    sign_in(driver, second)
    driver.get(BASE + "/examinateur")
    submit(driver, By.ID, f"relire-{fiche}")
    wait(driver, EC.presence_of_element_located((By.CSS_SELECTOR, "button[data-niveau]")))
    editeur = driver.find_element(By.ID, "editeur")
    assert "aveugle" in driver.find_element(By.ID, "seconde-lecture").text
    assert not editeur.find_elements(By.CSS_SELECTOR, "button[aria-pressed='true']"), "no level of the first examiner"
    assert driver.find_element(By.ID, "commentaire").get_attribute("value") == "" and "statut : à noter" in editeur.text
    assert driver.find_element(By.ID, "suggestion").text == "—", "no mark shown"
    assert not driver.find_elements(By.ID, "ajustement") and not driver.find_elements(By.ID, "fiche-pdf")
    shot(driver, "41-seconde-lecture-aveugle")
    click_levels(driver, "C")
    driver.find_element(By.ID, "valider").click()
    wait(driver, EC.text_to_be_present_in_element((By.ID, "editeur"), "statut : notée"))
    # Checked on the API: the second reading is theirs, the sheet keeps its first mark.
    seconde = api("GET", f"/api/correction/fiches/{fiche}/seconde-lecture", jeton2)[1]["noteFinale"]
    assert seconde is not None and note(api("GET", f"/api/correction/fiches/{fiche}", jeton1)[1]["noteFinale"]) == premiere.split(" ")[0]

    # The centre reads the gap, flagged, and settles with a reason: the second mark.
    sign_in(driver, f"centre.{centre}")
    driver.get(page)
    lecture = driver.find_element(By.XPATH, f"//table[@id='lectures']//tr[td[1][normalize-space()='{numero}']]")
    assert "lue, à trancher" in lecture.text and "écart signalé" in lecture.text, lecture.text
    identifiant = lecture.get_attribute("id")[len("lecture-"):]
    driver.find_element(By.ID, f"seconde-{identifiant}").click()
    driver.find_element(By.ID, f"motif-{identifiant}").send_keys("Harmonisation : protocole incomplet")
    shot(driver, "42-seconde-lecture-a-trancher")
    submit(driver, By.ID, f"trancher-{identifiant}")
    message(driver, "Seconde lecture tranchée")
    lecture = driver.find_element(By.ID, f"lecture-{identifiant}")
    assert f"note modifiée : {premiere.split(' ')[0]} → {note(seconde)} / 20" in lecture.text and "protocole incomplet" in lecture.text, lecture.text
    assert api("GET", f"/api/correction/fiches/{fiche}", jeton1)[1]["noteFinale"] == seconde, "the settled mark is the sheet's"

    # The first examiner reads the outcome on their page.
    sign_in(driver, premier)
    driver.get(BASE + "/examinateur")
    issue = driver.find_element(By.XPATH, f"//table[@id='issues-secondes-lectures']//tr[td[1][normalize-space()='{numero}']]").text
    assert "seconde lecture : note modifiée" in issue and f"{note(seconde)} / 20" in issue and "protocole incomplet" in issue, issue
    shot(driver, "43-seconde-lecture-issue")
    sign_in(driver, f"centre.{centre}")
