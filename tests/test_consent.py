"""The citizen's agreement (mandat), the month's counts on the launcher, and nothing left behind.

The console is driven as a mediator does (`Console` from test_console.py: `autopilot console` in
its own process, the test attached to its browser); what the journal holds is read back from its
file; the agreement's hash is recomputed here from the template file itself.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import os
import re
import subprocess
import tempfile
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from citizens import CAMILLE, CAMILLE_RECEIVED
from playwright.sync_api import expect
from test_console import FLOW, SCREENSHOTS, Console, pdf_text, reviews

from autopilot.errors import JournalError
from autopilot.flows.inputs import validate_inputs
from autopilot.journal import CONSENT, DEMARCHE, Entry, Journal, consent_entry
from autopilot.ui.catalogue import month_line
from autopilot.ui.consent import current_text
from autopilot.ui.desk import ConsentNeeded, Desk
from autopilot.ui.server import create_app

ROOT = Path(__file__).resolve().parents[1]
TEXT = ROOT / "src" / "autopilot" / "ui" / "templates" / "mandat" / "2026-11-29.html"
SUIVI = "cni-suivi"
NUMERO_CNI = "2026-CNI-424242"
SCOPE = "Démarches concernées par l'accord"


def text_hash() -> str:
    """The SHA-256 of the agreement's text as published, computed here, not by autopilot."""
    return hashlib.sha256(TEXT.read_bytes()).hexdigest()


def journal_of(home: Path) -> Journal:
    return Journal(home / "data" / "journal.sqlite3")


def this_month() -> str:
    return f"{datetime.now(UTC):%Y-%m}"


def card(page, title: str):
    return page.get_by_role("listitem").filter(has=page.get_by_role("link", name=title, exact=True))


def open_suivi(app: Console) -> None:
    """From the launcher: « Suivre une demande de carte d'identité », its numéro typed, « Commencer »."""
    app.page.get_by_role("link", name="Suivre une demande de carte d'identité", exact=True).click()
    numero = app.page.get_by_label("Numéro de demande")
    expect(numero).to_have_value("")  # nothing of an earlier form shows
    numero.fill(NUMERO_CNI)
    app.page.get_by_role("button", name="Commencer la démarche").click()


def suivi(app: Console, *, login: bool = False) -> None:
    """The suivi from the launcher, agreed to and approved to the console's result page."""
    open_suivi(app)
    app.agree()
    app.approve(([("Connexion", False)] if login else []) + [("Recherche de la demande", False)])
    app.see_result(timeout=20_000)
    expect(app.page.get_by_role("heading", name="Démarche terminée")).to_be_visible(timeout=20_000)


# --- in the console, as a mediator ---------------------------------------------------------


def test_the_agreement_comes_first_and_again_when_the_scope_widens(browser_type, sandbox, library, tmp_path):
    home = tmp_path / "home"
    journal = journal_of(home)
    month = this_month()
    for flow_id, outcome, sandboxed, when in [
        (FLOW, "terminée", True, f"{month}-01T09:00:00+00:00"),
        (FLOW, "terminée", True, f"{month}-01T10:00:00+00:00"),
        (FLOW, "interrompue", True, f"{month}-01T11:00:00+00:00"),
        (FLOW, "terminée", False, f"{month}-01T12:00:00+00:00"),  # on the real sites: not a training count
        (FLOW, "terminée", True, "2025-01-15T10:00:00+00:00"),  # another month
        ("cni-pre-demande", "échec", True, f"{month}-01T13:00:00+00:00"),
    ]:
        journal.append(Entry(DEMARCHE, created_at=when, flow_id=flow_id, flow_version=1, outcome=outcome,
                             sandbox=sandboxed))
    before = len(journal.entries())
    sandbox.add_demande(NUMERO_CNI, "cni", "Disponible en mairie")

    app = Console(browser_type, sandbox, home)
    page = app.page

    # The launcher: this month's démarches in the sandbox, discreetly, on their cards.
    expect(card(page, "Pré-demande de passeport")).to_contain_text("Ce mois-ci : 2 terminées, 1 interrompue")
    expect(card(page, "Pré-demande de carte d'identité")).to_contain_text("Ce mois-ci : 1 échec")
    expect(card(page, "Suivre une demande de carte d'identité")).not_to_contain_text("Ce mois-ci")
    app.shot("lanceur-compteurs", height=1400)

    # The first démarche of the visit: the agreement before anything is sent.
    page.get_by_role("link", name="Pré-demande de passeport", exact=True).click()
    app.type_citizen(CAMILLE)
    page.get_by_role("button", name="Commencer la démarche").click()
    expect(page.get_by_role("heading", name="Accord de l'usager", level=1)).to_be_visible()
    expect(page.get_by_text("Avant de commencer « Pré-demande de passeport », lisez ce texte avec l'usager"
                            " et demandez-lui s'il est d'accord.")).to_be_visible()
    agreement = page.get_by_role("region", name="Texte de l'accord")
    expect(agreement).to_contain_text("Pour cette visite seulement. Mon accord prend fin quand la visite se termine.")
    expect(agreement).to_contain_text("Il fait seulement les démarches de cet accord.")
    expect(agreement).to_contain_text("Je peux retirer mon accord à tout moment")
    expect(agreement).to_contain_text("Cette note est gardée 12 mois.")
    scope = page.get_by_role("group", name=SCOPE)
    expect(scope.get_by_role("checkbox", name=re.compile("^Passeport"))).to_be_checked()
    expect(scope.get_by_role("checkbox", name=re.compile("^Passeport"))).to_be_disabled()  # the chosen démarche's: always in it
    expect(scope.get_by_role("checkbox", name=re.compile("^Carte d.identité"))).not_to_be_checked()
    expect(page.get_by_text("Texte de l'accord : version du 2026-11-29.")).to_be_visible()
    app.shot("accord-usager", height=1500)
    assert sandbox.received() == [] and len(journal.entries()) == before  # nothing yet

    page.get_by_role("button", name="L'usager donne son accord").click()
    app.approve(reviews(library, CAMILLE, login=True))
    app.see_result(timeout=20_000)
    expect(page.get_by_role("heading", name="Démarche terminée")).to_be_visible(timeout=20_000)
    [passport] = sandbox.received(FLOW)
    assert passport["data"] == CAMILLE_RECEIVED

    consent, run = journal.entries()[before:]
    assert (consent.action, consent.mediateur, consent.usager, consent.sandbox) == (CONSENT, "Formation", "C.L. 1985",
                                                                                   True)
    assert consent.consent_hash == text_hash()
    assert consent.details == {"perimetre": ["Passeport"], "modele": "2026-11-29"}
    assert (run.action, run.flow_id, run.outcome, run.refs) == (DEMARCHE, FLOW, "terminée",
                                                                {"numero_predemande": passport["numero_predemande"]})
    assert run.consent_hash == text_hash()

    # The attestation: printable from the visit's bar, the text with the scope and places to sign.
    visit_bar = page.get_by_role("region", name="Visite en cours")
    expect(visit_bar).to_contain_text("Accord de l'usager : Passeport — Imprimer l'attestation")
    link = visit_bar.get_by_role("link", name="Imprimer l'attestation")
    served = page.request.get(link.evaluate("(a) => a.href"))
    [folder] = app.visits.iterdir()
    attestation = folder / "attestation-1.pdf"
    assert served.body() == attestation.read_bytes() and served.body().startswith(b"%PDF-")
    text = pdf_text(attestation)
    assert "Attestation d'accord de l'usager" in text
    assert "Passeport : Pré-demande de passeport, Suivre une demande de passeport" in text
    assert "Carte d'identité" not in text
    assert "L'usager : Camille Lefèvre" in text and "Le médiateur numérique : Formation" in text
    assert text.count("Signature") == 2
    assert f"journal de la mairie, entrée n° {consent.id}" in text
    assert f"empreinte SHA-256 {text_hash()}" in text
    if SCREENSHOTS:  # the README shows the attestation as printed
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(attestation),
                        str(Path(SCREENSHOTS) / "attestation")], check=True)

    # A démarche of another category: the agreement is asked again, for the wider scope.
    page.get_by_role("link", name="Autre démarche pour cet usager").click()
    open_suivi(app)
    expect(page.get_by_text("L'usager a donné son accord pour : Passeport. « Suivre une demande de carte"
                            " d'identité » n'en fait pas partie : demandez-lui s'il est d'accord pour l'ajouter."
                            )).to_be_visible()
    scope = page.get_by_role("group", name=SCOPE)
    expect(scope.get_by_role("checkbox", name=re.compile("^Passeport"))).to_have_accessible_description("Déjà accepté")
    expect(scope.get_by_role("checkbox", name=re.compile("^Carte d.identité"))).to_have_accessible_description("Pour cette démarche")
    expect(scope.get_by_role("checkbox", name=re.compile("^Carte d.identité"))).to_be_checked()

    # Refused, the démarche does not start; the visit goes on under the first agreement.
    page.get_by_role("button", name="L'usager refuse").click()
    expect(page.get_by_role("status")).to_have_text("L'usager n'a pas donné son accord pour « Suivre une demande de"
                                                    " carte d'identité » : cette démarche n'a pas été commencée.")
    expect(page.get_by_role("region", name="Visite en cours")).to_contain_text("Accord de l'usager : Passeport")
    assert len(journal.entries()) == before + 2 and sandbox.received() == [passport]

    # Asked again and given: a second entry, the wider scope, a second attestation.
    suivi(app)
    expect(page.get_by_role("region", name="Résultat de la démarche")).to_contain_text("Disponible en mairie")
    widened, status = journal.entries()[before + 2:]
    assert widened.action == CONSENT and widened.details["perimetre"] == ["Carte d'identité", "Passeport"]
    assert widened.consent_hash == status.consent_hash == text_hash()
    assert (status.flow_id, status.outcome, status.refs) == (SUIVI, "terminée", {"statut": "Disponible en mairie"})
    assert "Carte d'identité : Pré-demande de carte d'identité, Suivre une demande de carte d'identité" in pdf_text(
        folder / "attestation-2.pdf")

    # Every run left exactly one démarche entry; the next visit's launcher counts them.
    runs = [e for e in journal.entries()[before:] if e.action == DEMARCHE]
    assert [(e.flow_id, e.outcome) for e in runs] == [(FLOW, "terminée"), (SUIVI, "terminée")]
    assert journal.verify().ok
    page.get_by_role("button", name="Terminer la visite").click()  # then the confirmation
    app.follow_new_window(page.get_by_role("button", name="Oui, terminer la visite").click)
    expect(card(app.page, "Pré-demande de passeport")).to_contain_text("Ce mois-ci : 3 terminées, 1 interrompue")
    expect(card(app.page, "Suivre une demande de carte d'identité")).to_contain_text("Ce mois-ci : 1 terminée")
    assert list(app.visits.iterdir()) == []
    status, _, err = app.close_window()
    assert status == 0, err


def test_a_refusal_ends_the_visit_and_keeps_nothing(browser_type, sandbox, tmp_path):
    home = tmp_path / "home"
    app = Console(browser_type, sandbox, home)
    app.page.get_by_role("link", name="Pré-demande de passeport", exact=True).click()
    app.type_citizen(CAMILLE)
    app.page.get_by_role("button", name="Commencer la démarche").click()
    app.page.get_by_role("heading", name="Accord de l'usager", level=1).wait_for()
    app.follow_new_window(app.page.get_by_role("button", name="L'usager refuse").click)
    expect(app.page.get_by_role("status")).to_have_text(
        "L'usager n'a pas donné son accord : aucune démarche n'a été faite et les informations saisies ont été"
        " effacées de ce poste.")
    expect(app.page.get_by_role("region", name="Visite en cours")).to_have_count(0)
    assert sandbox.received() == []
    assert journal_of(home).entries() == []  # a refusal is not journalled: nothing was done for anyone
    assert not app.visits.exists() or list(app.visits.iterdir()) == []
    status, out, err = app.close_window()
    assert status == 0, err
    assert "Démarche" not in out


# --- nothing left behind ---------------------------------------------------------------------


def needles(*numbers: str) -> dict[str, list[bytes]]:
    """What must not stay on the PC, each as the bytes it could be stored as."""
    usager = CAMILLE["usager"]
    texts = {
        "nom": ["Lefèvre", "Lefevre", "LEFÈVRE", "LEFEVRE"],
        "prénom": ["Camille"],
        "date de naissance": ["14/07/1985", "14071985", "1985-07-14", "14-07-1985"],
        "adresse": [CAMILLE["adresse"]["voie"], "Lilas"],
        "téléphone": ["0612345678", CAMILLE["contact"]["telephone_portable"]],
        "parent": [CAMILLE["parent2"]["nom"]],
        "timbre": ["1234567890123456", CAMILLE["timbre"]],
        **{f"référence {n}": [n, n.replace("-", "")] for n in numbers},
    }
    assert usager["nom_naissance"] in texts["nom"] and usager["date_naissance"] in texts["date de naissance"]
    found: dict[str, list[bytes]] = {}
    for what, variants in texts.items():
        forms = set()
        for variant in variants:
            for text in (variant, variant.lower()):
                forms.update({text.encode("utf-8"), text.encode("utf-16-le"), quote(text).encode("ascii")})
        found[what] = sorted(forms)
    return found


def scan(roots: list[Path], wanted: dict[str, list[bytes]]) -> list[tuple[Path, str]]:
    """(file, what) for every file under `roots` holding one of `wanted` (PDFs read as text too)."""
    hits = []
    for root in roots:
        for path in sorted(root.rglob("*")) if root.exists() else []:
            if not path.is_file() or path.is_symlink():
                continue
            try:
                data = path.read_bytes()
            except OSError:
                continue  # vanished meanwhile (the browser's own files come and go)
            if data.startswith(b"%PDF-"):
                data += pdf_text(path).encode("utf-8")
            lowered = data.lower()
            hits.extend((path, what) for what, forms in wanted.items()
                        if any(form in data or form.lower() in lowered for form in forms))
    return hits


GIVE_FILE = """() => {  // what a site's « Télécharger le reçu » does
  const link = document.createElement('a');
  link.href = 'data:text/plain;charset=utf-8,' + encodeURIComponent('Reçu pour Camille Lefèvre, née le 14/07/1985');
  link.download = 'recu.txt';
  document.body.append(link);
  link.click();
  link.remove();
}"""


@pytest.fixture
def short_tmp():
    """A folder with a short path: the browser's sockets live in its profile, and a socket's path is
    limited to 108 bytes — pytest's tmp_path is too deep for it."""
    with tempfile.TemporaryDirectory(prefix="ap-") as folder:
        yield Path(folder)


@pytest.mark.headed
def test_nothing_is_left_behind_after_a_full_visit(browser_type, sandbox, library, short_tmp):
    if not os.environ.get("DISPLAY"):
        if os.environ.get("CI"):
            pytest.fail("CI must run the tests under xvfb-run (scripts/test does)")
        pytest.skip("no display: run under xvfb-run, as scripts/test does")
    home, os_home, temp = short_tmp / "autopilot", short_tmp / "os-home", short_tmp / "tmp"
    for folder in (os_home, temp):
        folder.mkdir()
    # The run's own temp folder (the browser's profile is made there) and OS home (its crash reports).
    isolated = {"TMPDIR": str(temp), "HOME": str(os_home), "XDG_CONFIG_HOME": str(os_home / ".config"),
                "XDG_CACHE_HOME": str(os_home / ".cache"), "XDG_DATA_HOME": str(os_home / ".local" / "share")}
    sandbox.add_demande(NUMERO_CNI, "cni", "En cours de fabrication")
    app = Console(browser_type, sandbox, home, headless=False, env=isolated)
    page = app.page
    page.get_by_role("link", name="Pré-demande de passeport", exact=True).click()
    app.type_citizen(CAMILLE)
    page.get_by_role("button", name="Commencer la démarche").click()
    app.agree()
    steps = reviews(library, CAMILLE, login=True)
    app.approve(steps[:2])
    # The site gives a file during the démarche: it goes to the visit's folder, and is listed at the end.
    app.panel.get_by_role("heading", name=steps[2][0], exact=True).wait_for()
    page.evaluate(GIVE_FILE)
    app.approve(steps[2:])
    app.see_result(timeout=20_000)
    expect(page.get_by_role("heading", name="Démarche terminée")).to_be_visible(timeout=20_000)
    files = page.get_by_role("region", name="Fichiers reçus du site")
    # the file given during the démarche, and the site's own récapitulatif its last page offers
    expect(files.get_by_role("link")).to_have_text(["1-recu.txt", "1-recapitulatif.pdf", "Imprimer"])
    [given] = app.visits.glob("*/1-recu.txt")
    assert given.read_text(encoding="utf-8") == "Reçu pour Camille Lefèvre, née le 14/07/1985"
    assert list(temp.glob("playwright-artifacts-*/*")) == []  # the browser's own copy is gone
    page.get_by_role("link", name="Autre démarche pour cet usager").click()
    suivi(app)
    [passport] = sandbox.received(FLOW)
    numero = passport["numero_predemande"]
    wanted = needles(numero, NUMERO_CNI)
    roots = [home, temp, os_home]
    profiles = list(temp.glob("playwright_chromiumdev_profile-*"))
    assert profiles, "the browser's profile should be in the run's temp folder"

    # During the visit the scan does find the citizen: in the visit's récapitulatif and attestation.
    during = scan(roots, wanted)
    assert {what for path, what in during if path.parent.parent == app.visits} >= {
        "nom", "prénom", "date de naissance", "timbre", f"référence {numero}"}

    # « Terminer la visite »: a fresh window; the browser still runs, for the next citizen.
    page.get_by_role("button", name="Terminer la visite").click()  # then the confirmation
    app.follow_new_window(page.get_by_role("button", name="Oui, terminer la visite").click)
    assert app.page.evaluate("history.length") == 2  # the new tab's about:blank, the launcher: no visit page
    left = scan(roots, wanted)
    journal_file = home / "data" / "journal.sqlite3"
    assert [(path, what) for path, what in left if path != journal_file] == []
    assert {what for _, what in left} <= {f"référence {numero}"}  # the journal's refs, below

    # The journal: the references in `refs`, the pseudonym « C.L. 1985 », nothing else of the citizen.
    entries = journal_of(home).entries()
    assert [(e.action, e.flow_id, e.outcome) for e in entries] == [
        (CONSENT, None, None), (DEMARCHE, FLOW, "terminée"), (CONSENT, None, None), (DEMARCHE, SUIVI, "terminée")]
    assert entries[1].refs == {"numero_predemande": numero}
    for entry in entries:
        assert entry.usager == "C.L. 1985"
        stored = repr({**dataclasses.asdict(entry), "refs": None, "usager": None}).encode("utf-8")
        assert not [what for what, forms in wanted.items() if any(form in stored for form in forms)], entry

    # The next citizen: the form is empty, and the mairie's account logs in again in the new context.
    suivi(app, login=True)

    status, _, err = app.close_window()
    assert status == 0, err
    assert scan(roots, {k: v for k, v in wanted.items() if k != f"référence {numero}"}) == []
    # The profiles went with the browsers: not one file left in the run's temp folder. (Empty folders
    # stay from the launch attempts of Chrome and Edge, which this machine does not have.)
    assert [path for path in temp.rglob("*") if not path.is_dir()] == []


# --- without a browser: the web application, the desk, the text ------------------------------


@pytest.fixture
def journal(tmp_path) -> Journal:
    return Journal(tmp_path / "journal.sqlite3")


@pytest.fixture
def desk(library, journal, tmp_path) -> Desk:
    def consented(consent, values):
        return journal.append(consent_entry(consent.scope, consent.text.version, consent.text.sha256, values,
                                            mediateur="Camille Martin", sandbox=False)).id

    return Desk(library, mediateur="Camille Martin", sandbox=False, mairie="Mairie de Saint-Exemple",
                visits=tmp_path / "visites", on_consent=consented)


HERE = {"Host": "127.0.0.1:5555", "Origin": "http://127.0.0.1:5555"}


def post_form(client, data: dict):
    form = {}
    for name, value in data.items():
        for key, text in (value.items() if isinstance(value, dict) else [(None, value)]):
            form[f"{name}.{key}" if key else name] = str(text)
    return client.post(f"/jeton/demarches/{FLOW}", data={**form, "action": "commencer"}, headers=HERE)


def test_no_demarche_starts_outside_the_agreement(desk, journal, library):
    client = create_app(desk, "jeton", "http://127.0.0.1:5555").test_client()
    flow = library.find(FLOW).flow
    with pytest.raises(ConsentNeeded):
        desk.start(flow, validate_inputs(flow, CAMILLE))

    answer = post_form(client, CAMILLE)
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/jeton/accord")
    assert desk.starts.empty() and desk.visit.values == {}  # held, not yet remembered
    page = client.get("/jeton/accord", headers=HERE).text
    assert "Je demande à <strong>Mairie de Saint-Exemple</strong>" in page
    assert 'value="Passeport"\n             checked disabled' in page

    given = client.post("/jeton/accord", data={"accord": "oui", "perimetre": ["Carte d'identité", "Inconnue"]},
                        headers=HERE)
    assert given.headers["Location"].endswith("/jeton/en-cours")
    demarche = desk.starts.get_nowait()
    [entry] = journal.entries()
    assert entry.details == {"perimetre": ["Carte d'identité", "Passeport"], "modele": "2026-11-29"}
    assert entry.consent_hash == demarche.consent_hash == text_hash()
    assert entry.usager == "C.L. 1985"
    assert desk.visit.consent.journal_entry == entry.id


def test_a_consent_that_cannot_be_journalled_starts_nothing(desk, library):
    def unwritable(consent, values):
        raise JournalError("Le journal (journal.sqlite3) ne peut pas être écrit : disk I/O error.",
                           "Vérifiez que le disque n'est pas plein.")

    desk.on_consent = unwritable
    client = create_app(desk, "jeton", "http://127.0.0.1:5555").test_client()
    post_form(client, CAMILLE)
    refused = client.post("/jeton/accord", data={"accord": "oui"}, headers=HERE)
    assert refused.status_code == 503
    assert "L'accord n'a pas pu être enregistré" in refused.text and "disk I/O error" in refused.text
    assert desk.starts.empty() and desk.visit.consent is None


def test_a_first_refusal_forgets_everything(desk, journal):
    client = create_app(desk, "jeton", "http://127.0.0.1:5555").test_client()
    post_form(client, CAMILLE)
    answer = client.post("/jeton/accord", data={"accord": "non"}, headers=HERE)
    assert answer.headers["Location"].endswith("/jeton/")  # no browser here to renew
    assert desk.pending is None and not desk.visit.started and desk.starts.empty()
    assert journal.entries() == []
    assert "L'usager n'a pas donné son accord" in html.unescape(client.get("/jeton/", headers=HERE).text)


def test_the_latest_version_of_the_text_is_used(tmp_path):
    for name in ("2026-11-29.html", "2027-03-01.html", "2026-12-31.html"):
        (tmp_path / name).write_text(f"texte {name}", encoding="utf-8")
    text = current_text(tmp_path)
    assert (text.version, text.template) == ("2027-03-01", "mandat/2027-03-01.html")
    assert text.sha256 == hashlib.sha256(b"texte 2027-03-01.html").hexdigest()
    assert current_text().path == TEXT  # the one shipped


def test_month_line():
    assert month_line({"terminée": 1}) == "Ce mois-ci : 1 terminée"
    assert month_line({"échec": 2, "terminée": 3, "interrompue": 1}) == \
        "Ce mois-ci : 3 terminées, 1 interrompue, 2 échecs"
    assert month_line({}) is None and month_line(None) is None


class PrintLater:
    """The browser's thread as the web application sees it (`Desk.window`): it prints when told to,
    as the console does once the démarche's first step shows and the panel waits."""

    def __init__(self):
        self.queued: list[tuple[str, Path, Future]] = []

    def print_pdf(self, html: str, path: Path, *, unhurried: bool = False) -> Future:
        assert unhurried  # the consent's answer never waits for the attestation
        done = Future()
        self.queued.append((html, path, done))
        return done

    def renew(self) -> None:
        pass

    def prepare(self) -> None:
        pass


def test_the_agreement_starts_the_demarche_before_its_attestation_is_printed(desk, journal):
    window = desk.window = PrintLater()
    client = create_app(desk, "jeton", "http://127.0.0.1:5555").test_client()
    post_form(client, CAMILLE)
    given = client.post("/jeton/accord", data={"accord": "oui"}, headers=HERE)
    assert given.headers["Location"].endswith("/jeton/en-cours")
    assert desk.starts.get_nowait().flow.id == FLOW  # started, the attestation not printed yet
    [(text, path, printing)] = window.queued
    assert "Attestation d'accord de l'usager" in html.unescape(text) and path.name == "attestation-1.pdf"
    assert desk.visit.consent.attestation is None
    assert "Imprimer l'attestation" not in client.get("/jeton/en-cours", headers=HERE).text

    path.write_bytes(b"%PDF-1.4 attestation")
    printing.set_result(path)  # the browser's thread printed it while the panel waited
    assert desk.visit.consent.attestation == path
    assert "Imprimer l'attestation" in client.get("/jeton/en-cours", headers=HERE).text


def test_an_attestation_that_cannot_be_printed_is_said_and_the_agreement_stands(desk, journal):
    window = desk.window = PrintLater()
    client = create_app(desk, "jeton", "http://127.0.0.1:5555").test_client()
    post_form(client, CAMILLE)
    client.post("/jeton/accord", data={"accord": "oui"}, headers=HERE)
    [(_, _, printing)] = window.queued
    printing.set_exception(OSError(28, "No space left on device"))
    assert desk.visit.consent.attestation is None and len(journal.entries()) == 1
    assert desk.notice.startswith("L'attestation n'a pas pu être enregistrée")
    assert not desk.starts.empty()
