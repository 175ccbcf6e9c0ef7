"""Browser test of an académie set up from the pages (issue 21), before the road map runs on it: the
national administrator creates the académie's new gestionnaire, who chooses a password through the
link mailed to them (read from the SMTP capture server's Maildir), imports the school directory
file, makes the new school a centre d'épreuve (capacity, exams, rooms) and creates the school's and
the centre's accounts, whose owners choose their passwords through their own links. The school's
account then forgets its password and resets it through a new link; the spent link is refused. The
school keeps its référents' accounts, and nobody else's. The road map (parcours.py, gestion.py) then
runs on this centre with these accounts.
Needs: ECE_CENTRE (a fresh UAI of académie 03, not yet in the directory), ECE_PREFIX (unique per
run), ECE_PASSWORD, ECE_MAILDIR (the capture server's Maildir, default var/mail).
"""
import email
import email.policy
import glob
import re

from commun import *

CENTRE, P = os.environ["ECE_CENTRE"], os.environ["ECE_PREFIX"]
MAILDIR = os.environ.get("ECE_MAILDIR", "var/mail")
GESTIONNAIRE = f"{P}.dec"


def mails(adresse, nombre):
    """The mails the capture server received for `adresse`, oldest first, once there are `nombre`."""
    trouves = []

    def arrives(_):
        trouves.clear()
        for chemin in sorted(glob.glob(os.path.join(MAILDIR, "new", "*")), key=os.path.getmtime):
            with open(chemin, "rb") as f:
                message = email.message_from_binary_file(f, policy=email.policy.default)
            if adresse in (message.get("X-RcptTo") or ""):
                trouves.append(message)
        return len(trouves) >= nombre
    WebDriverWait(None, 30, poll_frequency=0.3).until(arrives)
    return list(trouves)


def lien(message):
    """The single-use link of a mail: its text, decoded."""
    texte = message.get_body(preferencelist=("plain",)).get_content()
    trouve = re.search(r"https?://\S+/mot-de-passe\?jeton=[A-Za-z0-9_-]+", texte)
    assert trouve, texte
    return trouve.group(0)


def choisir_mot_de_passe(driver, url, login):
    """The owner opens the mailed link and chooses the password; the sign-in page says so."""
    driver.delete_all_cookies()
    driver.get(url)
    type_into(driver, "password", PASSWORD)
    type_into(driver, "confirmation", PASSWORD)
    submit(driver, By.ID, "choisir")
    wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "p.succes"), f"Mot de passe enregistré pour {login}"))


def creer_compte(driver, role, login, nom, adresse, **champs):
    select_option(driver, "n-role", role)
    type_into(driver, "n-login", login)
    type_into(driver, "n-nom", nom)
    type_into(driver, "n-email", adresse)
    for champ, valeur in champs.items():
        if champ == "academie":
            select_option(driver, "n-academie", valeur)
        else:
            type_into(driver, f"n-{champ}", valeur)
    submit(driver, By.ID, "creer-compte")
    message(driver, f"Compte {login} créé")
    assert adresse in driver.find_element(By.CSS_SELECTOR, "p.info").text


def main():
    driver = browser()
    try:
        # The administrator: a new gestionnaire for académie 03; its owner chooses the password.
        sign_in(driver, "admin")
        submit(driver, By.PARTIAL_LINK_TEXT, "Les comptes de la plateforme")
        shot(driver, "40-comptes-admin")
        adresse_dec = f"{P}.dec@ac-besancon.test"
        creer_compte(driver, "gestionnaire", GESTIONNAIRE, f"DEC {P}", adresse_dec, academie="03")
        choisir_mot_de_passe(driver, lien(mails(adresse_dec, 1)[0]), GESTIONNAIRE)

        # The gestionnaire: the directory file with the new school, made a centre d'épreuve.
        sign_in(driver, GESTIONNAIRE)
        submit(driver, By.PARTIAL_LINK_TEXT, "Les établissements et les centres d'épreuve")
        n = int(CENTRE[:7])
        voisin = f"{n + 1:07d}" + "ABCDEFGHJKLMNPRSTUVWXYZ"[(n + 1) % 23]
        annuaire = (f"uai;nom;commune;academie;autonome\n{CENTRE};Lycée du test navigateur;Besançon;03;oui\n"
                    f"{voisin};Collège {P};Besançon;03;non\n")
        driver.find_element(By.ID, "fichier").send_keys(write("annuaire-du-parcours.csv", annuaire.encode("utf-8")))
        driver.find_element(By.ID, "importer").click()
        wait(driver, EC.text_to_be_present_in_element((By.ID, "rapport"), "2 établissement(s) créé(s)"))
        driver.get(f"{BASE}/etablissements/{CENTRE}")
        definir_centre(driver, 40, 10, ("T011B", "T010B"), ("Salle 1", "Salle 2"))

        # Its accounts, from its directory entry: the school's, the centre's.
        comptes = {}
        for role, lien_page, login in (("établissement", "compte-etablissement", f"etab.{CENTRE}"),
                                       ("centre d'épreuve", "compte-centre", f"centre.{CENTRE}")):
            driver.get(f"{BASE}/etablissements/{CENTRE}")
            submit(driver, By.ID, lien_page)
            assert driver.find_element(By.ID, "n-login").get_attribute("value") == login
            assert driver.find_element(By.ID, "n-uai").get_attribute("value") == CENTRE
            comptes[login] = f"{login.split('.')[0]}.{CENTRE.lower()}@ac-besancon.test"
            creer_compte(driver, role, login, f"Lycée du test navigateur ({role})", comptes[login])
        shot(driver, "41-comptes-academie")
        # Another académie's school is not the gestionnaire's to give an account to.
        select_option(driver, "n-role", "établissement")
        type_into(driver, "n-login", f"etab.{P}.paris")
        type_into(driver, "n-nom", "Lycée parisien")
        type_into(driver, "n-email", f"{P}.paris@ac-paris.test")
        type_into(driver, "n-uai", "0750654D")
        submit(driver, By.ID, "creer-compte")
        message(driver, "Refusé")
        for login, adresse in comptes.items():
            choisir_mot_de_passe(driver, lien(mails(adresse, 1)[0]), login)

        # The school forgets its password: a new link, from the sign-in page; the spent one is refused.
        etab = f"etab.{CENTRE}"
        driver.delete_all_cookies()
        driver.get(BASE + "/connexion")
        submit(driver, By.LINK_TEXT, "Mot de passe oublié ?")
        type_into(driver, "login", etab)
        submit(driver, By.ID, "envoyer-lien")
        assert "un courriel" in driver.find_element(By.ID, "avis").text
        shot(driver, "42-mot-de-passe-oublie")
        premier, second = (lien(m) for m in mails(comptes[etab], 2)[:2])
        driver.get(premier)
        type_into(driver, "password", "un autre mot de passe")
        type_into(driver, "confirmation", "un autre mot de passe")
        submit(driver, By.ID, "choisir")
        assert "lien invalide" in driver.find_element(By.CSS_SELECTOR, "p.alerte").text
        assert not driver.find_elements(By.ID, "password"), "a spent link offers no form"
        choisir_mot_de_passe(driver, second, etab)
        shot(driver, "43-mot-de-passe-choisi")

        # The school keeps its référents' accounts only.
        sign_in(driver, etab)
        submit(driver, By.PARTIAL_LINK_TEXT, "Les comptes de vos référents")
        referent = f"{P}.referent"
        creer_compte(driver, "référent", referent, "Référente de correction", f"{referent}@ac-besancon.test")
        lignes = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#comptes tbody tr")]
        assert len(lignes) == 1 and lignes[0].startswith(referent), lignes
        shot(driver, "44-comptes-etablissement")

        # The gestionnaire sees the school's last sign-in, and disables then enables the référent.
        sign_in(driver, GESTIONNAIRE)
        driver.get(f"{BASE}/comptes?q={CENTRE}")
        lignes = {r.find_element(By.TAG_NAME, "a").text: r.text for r in driver.find_elements(By.CSS_SELECTOR, "#comptes tbody tr")}
        assert set(lignes) == {etab, f"centre.{CENTRE}", referent}, lignes
        assert "jamais" not in lignes[etab] and "actif" in lignes[etab], lignes[etab]
        assert "mot de passe à choisir" in lignes[referent], lignes[referent]
        submit(driver, By.LINK_TEXT, referent)
        submit(driver, By.ID, "changer-etat")
        message(driver, "désactivé")
        shot(driver, "45-compte")
        submit(driver, By.ID, "changer-etat")
        message(driver, "mot de passe à choisir")
        print(f"comptes: académie 03 set up from the pages: {GESTIONNAIRE}, {CENTRE} and its accounts; a password reset")
    finally:
        driver.quit()


main()
