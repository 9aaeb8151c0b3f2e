"""The passport pré-demande written by hand with Playwright's sync API: the baseline.

What a careful script does, and no more: it fills each field by its label, picks radios and
options by their text, clicks buttons by their name and waits for the next page's heading.
It follows the pages it finds: when the site shows a « Timbre fiscal » page after « Filiation »
it fills it, otherwise it goes straight to « Récapitulatif ». The values are the demo
citizen's, typed as the page wants them (the same the engine types). It imports Playwright
and nothing else, as a script of its own would: its process is the baseline of the memory
measurement.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

from playwright.sync_api import Locator, Page

LOGIN_URL = "https://ants.gouv.fr/monespace/se-connecter"
START_URL = "https://passeport.ants.gouv.fr/demarches-en-ligne/pre-demande-passeport"
TIMEOUT_MS = 15_000
TIMBRE = "1234567890123456"
"""The timbre fiscal électronique number (16 digits) typed when the site asks for one."""
Tick = Callable[[Locator], None]
"""How the script ticks a radio or checkbox: `forced` (the baseline) or `as_a_person`."""


def sandbox_url(real_url: str, port: int) -> str:
    """`https://HOST/path` as the sandbox serves it: `http://HOST.localhost:PORT/path`."""
    parts = urlsplit(real_url)
    return urlunsplit(("http", f"{parts.hostname}.localhost:{port}", parts.path, parts.query, ""))


def _heading(page: Page, *names: str) -> str:
    """Wait for the page whose h1 is one of `names`; return which one it is."""
    pattern = re.compile("^(" + "|".join(re.escape(n) for n in names) + ")$")
    heading = page.get_by_role("heading", level=1, name=pattern)
    heading.wait_for(timeout=TIMEOUT_MS)
    return heading.inner_text().strip()


def forced(control: Locator) -> None:
    """Tick a radio or checkbox with `check(force=True)`: on the official DSFR the label draws the box and
    takes the pointer (ADR 0010), so the input itself never passes Playwright's checks; forced, they are skipped."""
    control.check(force=True)


def as_a_person(control: Locator) -> None:
    """Tick it where a person clicks, its label, with Playwright's checks before the click (the control holds
    still, nothing covers it), then check that it took: what the engine did before its own guard (ADR 0020)."""
    control.page.locator(f"label[for='{control.get_attribute('id')}']").click()
    if not control.is_checked():
        raise RuntimeError("the choice did not take")


def _motif(page: Page, tick: Tick) -> None:
    tick(page.get_by_role("group", name="Motif de la demande").get_by_label("Première demande", exact=True))


def _etat_civil(page: Page, tick: Tick) -> None:
    page.get_by_label("Nom de naissance").fill("Lefèvre")
    page.get_by_label("Prénom(s)").fill("Camille, Louise")
    tick(page.get_by_role("group", name="Sexe").get_by_label("Féminin", exact=True))
    page.get_by_label("Date de naissance").fill("14/07/1985")
    page.get_by_label("Pays de naissance").select_option(label="France")
    page.get_by_label("Département de naissance").fill("35")
    page.get_by_label("Commune de naissance").fill("Rennes")
    page.get_by_label("Nationalité").select_option(label="Française")
    page.get_by_label("Taille").fill("168")
    page.get_by_label("Couleur des yeux").select_option(label="Marron")


def _adresse(page: Page, tick: Tick) -> None:
    page.get_by_label("Numéro et libellé de la voie").fill("12 rue des Lilas")
    page.get_by_label("Code postal").fill("35000")
    page.get_by_label("Commune", exact=True).fill("Rennes")
    page.get_by_label("Numéro de téléphone portable").fill("0612345678")


def _filiation(page: Page, tick: Tick) -> None:
    parent1 = page.get_by_role("group", name="Parent 1")
    parent1.get_by_label("Nom de famille").fill("Lefèvre")
    parent1.get_by_label("Prénom(s)").fill("Jean")
    parent1.get_by_label("Date de naissance (facultatif)").fill("02/03/1955")
    parent1.get_by_label("Lieu de naissance (facultatif)").fill("Brest")
    parent2 = page.get_by_role("group", name="Parent 2")
    parent2.get_by_label("Nom de famille").fill("Morvan")
    parent2.get_by_label("Prénom(s)").fill("Anne")


def _timbre(page: Page, tick: Tick) -> None:
    tick(page.get_by_role("group", name="Timbre fiscal").get_by_label("J'ai déjà un timbre fiscal électronique",
                                                                     exact=True))
    page.get_by_label("Numéro du timbre fiscal").fill(TIMBRE)


def _recapitulatif(page: Page, tick: Tick) -> None:
    tick(page.get_by_label("Je certifie sur l'honneur l'exactitude des informations fournies"))


# heading -> (what to fill, the button that moves on, the headings that may follow)
PAGES: dict[str, tuple[Callable[[Page, Tick], None], str, tuple[str, ...]]] = {
    "Motif de la demande": (_motif, "Suivant", ("État civil",)),
    "État civil": (_etat_civil, "Suivant", ("Adresse",)),
    "Adresse": (_adresse, "Suivant", ("Filiation",)),
    "Filiation": (_filiation, "Suivant", ("Timbre fiscal", "Récapitulatif")),
    "Timbre fiscal": (_timbre, "Suivant", ("Récapitulatif",)),
    "Récapitulatif": (_recapitulatif, "Valider ma pré-demande", ("Votre pré-demande est enregistrée",)),
}
DONE = "Votre pré-demande est enregistrée"


def log_in(page: Page, port: int, account: dict[str, str]) -> None:
    """Open the mairie's ANTS session (`account`: identifiant, mot_de_passe)."""
    page.goto(sandbox_url(LOGIN_URL, port), wait_until="domcontentloaded")
    _heading(page, "Connexion à mon compte")
    page.get_by_label("Identifiant").fill(account["identifiant"])
    page.get_by_label("Mot de passe").fill(account["mot_de_passe"])
    page.get_by_role("button", name="Se connecter", exact=True).click()
    _heading(page, "Mon espace")


def pre_demande(page: Page, port: int, account: dict[str, str], tick: Tick = forced) -> str:
    """Log in, fill every page of the pré-demande, submit; return the numéro de pré-demande."""
    log_in(page, port, account)
    page.goto(sandbox_url(START_URL, port), wait_until="domcontentloaded")
    shown = _heading(page, "Motif de la demande")
    while shown != DONE:
        fill, button, following = PAGES[shown]
        fill(page, tick)
        page.get_by_role("button", name=button, exact=True).click()
        shown = _heading(page, *following)
    return page.locator("#numero-predemande").inner_text().strip()
