"""What the browser tests share: the API over HTTP, the headless browser, signing in, screenshots,
the accessibility check (axe-core from PyPI's selenium-axe-python, run on every key page) and the
layout check (every checkbox and radio button on one line with its label, right beside it) and the
words check (no raw code of the services in a page's text)."""
import json
import os
import re
import subprocess
import time
import urllib.parse
import urllib.request

import selenium_axe_python
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

BASE = os.environ.get("ECE_GATEWAY", "http://127.0.0.1:8080")
PASSWORD = os.environ.get("ECE_PASSWORD", "ece-demo-2027!")
SESSION = 2027
ARTIFACTS = os.environ.get("ECE_ARTIFACTS", "var/artifacts")
os.makedirs(ARTIFACTS, exist_ok=True)
AXE = open(os.path.join(os.path.dirname(selenium_axe_python.__file__), "axe-core", "axe.min.js"), encoding="utf-8").read()


def api(method, path, token=None, body=None, raw=None, content_type="application/json"):
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    request = urllib.request.Request(BASE + path, method=method, data=data)
    request.add_header("Content-Type", content_type)
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            data = response.read()
            return response.status, json.loads(data) if data else None
    except urllib.error.HTTPError as error:
        data = error.read()
        return error.code, json.loads(data) if data else None


def token(login):
    status, body = api("POST", "/api/auth/login", body={"login": login, "password": PASSWORD})
    assert status == 200, (login, status, body)
    return body["accessToken"]


def browser():
    options = Options()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1800"):
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait(driver, condition, timeout=20):
    # A form's submission reloads the page while the condition looks: Chromium may then answer
    # "node does not belong to the document" (a WebDriverException, not a stale element). Look
    # again; a condition never met still ends in a timeout.
    return WebDriverWait(driver, timeout, ignored_exceptions=(WebDriverException,)).until(condition)


def submit(driver, by, selector):
    """Clicks a form's button (or a link) and waits until the page the request leads to replaced
    this one: until then the old page, with its own message and fields, is still there to be read."""
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(by, selector).click()
    wait(driver, EC.staleness_of(page))


def shot(driver, name, check=True):
    """A screenshot of a key page (kept in ARTIFACTS), which must also pass the accessibility, layout
    and words checks."""
    driver.save_screenshot(os.path.join(ARTIFACTS, name + ".png"))
    if check:
        accessible(driver, name)
        aligned(driver, name)
        readable(driver, name)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def telecharger(driver, href):
    """The HTTP status, content type and bytes a link of the current page answers the signed-in
    browser (its cookies; a redirect, to the sign-in page say, is its 3xx, not followed)."""
    request = urllib.request.Request(urllib.parse.urljoin(driver.current_url, href))
    request.add_header("Cookie", "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies()))
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=60) as response:
            return response.status, response.headers.get("Content-Type"), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type"), error.read()


def fetch(driver, href):
    """The HTTP status and text a link of the current page answers the signed-in browser."""
    status, _, contenu = telecharger(driver, href)
    return status, contenu.decode("utf-8", "replace")


def pdf_texte(driver, href):
    """The text of the PDF a link of the current page answers (pdftotext), after checking it is one."""
    status, type_, contenu = telecharger(driver, href)
    assert status == 200 and type_ == "application/pdf", (href, status, type_)
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=contenu, capture_output=True, check=True).stdout.decode()


def page_status(driver, href):
    return fetch(driver, href)[0]


def links(driver):
    """The site's links in the page's main content."""
    return [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "main a[href]")
            if a.get_attribute("href").startswith(BASE)]


def sign_in(driver, login):
    driver.delete_all_cookies()
    driver.get(BASE + "/connexion")
    driver.find_element(By.ID, "login").send_keys(login)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    submit(driver, By.CSS_SELECTOR, "form button[type=submit]")
    wait(driver, EC.presence_of_element_located((By.XPATH, "//h1[starts-with(., 'Bonjour')]")))


def message(driver, text):
    wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "p.info"), text))


def write(name, content):
    path = os.path.abspath(os.path.join(ARTIFACTS, name))
    with open(path, "wb") as f:
        f.write(content)
    return path


def select_option(driver, select_id, containing):
    for option in driver.find_elements(By.CSS_SELECTOR, f"#{select_id} option"):
        if containing in option.text:
            option.click()
            return option.get_attribute("value")
    raise AssertionError(f"no option with {containing} in #{select_id}")


def type_into(driver, element_id, text):
    field = driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(text)


def mission_row(driver, login):
    return next(r for r in driver.find_elements(By.CSS_SELECTOR, "tbody tr") if f"({login})" in r.text)


def convocation_of(driver, login):
    """The convocation's id, from its print link on the missions page."""
    link = mission_row(driver, login).find_element(By.CSS_SELECTOR, "a[href*='/impression']").get_attribute("href")
    return link.split("/convocations/")[1].split("/")[0]


def convoke(driver, login):
    submit(driver, By.XPATH, f"//tr[td[contains(., '({login})')]]//button[starts-with(@id, 'convoquer-')]")
    message(driver, "Convocation émise")


def cancel(driver, convocation, motif):
    type_into(driver, f"motif-{convocation}", motif)
    submit(driver, By.ID, f"annuler-{convocation}")


def activate(driver, login, code):
    """Activates a convoked person's account with the code printed on their convocation (the
    account comes by event, once Missions has issued the convocation: look again until it is there)."""
    driver.delete_all_cookies()
    deadline = time.time() + 30
    while True:
        driver.get(BASE + "/activation")
        for field, text in (("login", login), ("code", code), ("password", PASSWORD)):
            type_into(driver, field, text)
        submit(driver, By.CSS_SELECTOR, "main form button[type=submit]")
        if driver.find_elements(By.CSS_SELECTOR, "p.succes"):
            return
        assert time.time() < deadline, driver.find_element(By.TAG_NAME, "main").text
        time.sleep(1)


def printed_code(driver, login):
    """The activation code on a person's convocation, printed from the missions page."""
    driver.get(mission_row(driver, login).find_element(By.CSS_SELECTOR, "a[href*='/impression']").get_attribute("href"))
    return driver.find_element(By.CSS_SELECTOR, ".code").text


CHECKED = []


def accessible(driver, name):
    """The page passes axe-core's WCAG 2.1 A and AA rules (RGAA's basis): no violation at all."""
    driver.execute_script(AXE)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        # Not into frames: the editor frames a subject's PDF, which has no HTML for axe to check.
        "axe.run(document, {iframes: false, runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.html)}))), e => done([{id: 'axe', help: String(e)}]));")
    assert not result, f"accessibility of {name}: " + json.dumps(result, ensure_ascii=False, indent=1)
    CHECKED.append(name)


# Where each visible checkbox or radio button is drawn, and where its label's text starts. A box is
# measured as the square the browser draws (the element may be wider: a stretched checkbox is drawn
# in the middle of its width). The text is the label's first non-blank text node, its first line.
LAYOUT = """
const distant = [];
for (const box of document.querySelectorAll('input[type=checkbox], input[type=radio]')) {
  const r = box.getBoundingClientRect();
  if (!r.width || !r.height) continue;
  const side = Math.min(r.width, r.height), cx = r.left + r.width / 2, cy = r.top + r.height / 2;
  const glyph = {left: cx - side / 2, right: cx + side / 2};
  const name = box.id || box.name + '=' + box.value;
  const label = box.labels && box.labels[0];
  const walker = label && document.createTreeWalker(label, NodeFilter.SHOW_TEXT,
    {acceptNode: n => n.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP});
  const text = walker && walker.nextNode();
  if (!text) { distant.push({box: name, why: 'no label text'}); continue; }
  const range = document.createRange();
  range.selectNodeContents(text);
  const t = Array.from(range.getClientRects()).find(x => x.width > 0);
  if (!t) { distant.push({box: name, why: 'label text not drawn'}); continue; }
  const gap = t.left >= glyph.right - 1 ? t.left - glyph.right : glyph.left - t.right;
  const offset = Math.abs((t.top + t.bottom) / 2 - cy);
  if (gap < -1 || gap > arguments[0] || offset > arguments[1])
    distant.push({box: name, label: text.textContent.trim().slice(0, 40), gap: Math.round(gap), offset: Math.round(offset)});
}
return distant;
"""
MAX_GAP, MAX_OFFSET = 16, 8
LAID_OUT = []


def aligned(driver, name):
    """Every checkbox and radio button of the page sits on its label's first line, within MAX_GAP
    pixels of its text (before or after it) and centred on it within MAX_OFFSET pixels."""
    distant = driver.execute_script(LAYOUT, MAX_GAP, MAX_OFFSET)
    assert not distant, f"layout of {name}: boxes away from their labels: " + json.dumps(distant, ensure_ascii=False, indent=1)
    LAID_OUT.append(name)


# Codes the services exchange that a page must say in words (Gateway/Web/Libelle.swift).
RAW_CODES = re.compile(r"\b(a_noter|notee|apres-midi|justifiee|injustifiee|publie|retire|close|ECE-PAR-CANDIDAT|ECE-FORFAIT-COORDINATION)\b")


def readable(driver, name):
    """No raw code in the text a person reads on the page."""
    found = sorted(set(RAW_CODES.findall(driver.find_element(By.TAG_NAME, "body").text)))
    assert not found, f"raw codes on {name}: {found}"


def run(name, road, summary):
    """Drives `road(driver)` in a fresh browser; a failure leaves a screenshot of where it stopped."""
    driver = browser()
    try:
        road(driver)
        print(f"accessibility (axe-core, WCAG 2.1 AA): {len(CHECKED)} pages without violation")
        print(f"layout: {len(LAID_OUT)} pages with every checkbox beside its label")
        print(summary)
    except Exception:
        shot(driver, "echec-" + name, check=False)
        raise
    finally:
        driver.quit()


def definir_centre(driver, capacite, demi_journees, epreuves, salles):
    """The school's directory page (open): made a centre d'épreuve as the gestionnaire does."""
    type_into(driver, "c-capacite", str(capacite))
    type_into(driver, "c-demi", str(demi_journees))
    for epreuve in epreuves:
        driver.find_element(By.XPATH, f"//input[@name='epreuve[]' and @value='{epreuve}']").click()
    type_into(driver, "c-salles", "\n".join(salles))
    submit(driver, By.ID, "enregistrer-centre")
    message(driver, "Centre d'épreuve enregistré")
