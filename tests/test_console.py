"""The mediator's console, used as a mediator does: `autopilot console` in its own process, the test
attached to the browser it opened (--remote-debugging-port), typing in the citizen's form and
clicking in the panel; what the sandbox received is compared with what the citizen gave.

With AUTOPILOT_SCREENSHOTS=docs/screenshots the journey also saves the README's screenshots.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from attached import attach, free_port, needs_display
from citizens import CAMILLE, CAMILLE_RECEIVED, citizen
from playwright.sync_api import expect

from autopilot.engine.runner import Outcome, RunResult, holds
from autopilot.flows.inputs import validate_inputs
from autopilot.journal import Journal
from autopilot.ui.desk import Desk
from autopilot.ui.server import create_app
from autopilot.ui.visit import Visit

ROOT = Path(__file__).resolve().parents[1]
FLOW = "passeport-pre-demande"
SCREENSHOTS = os.environ.get("AUTOPILOT_SCREENSHOTS")


class Console:
    """`autopilot console` in its own process, with the test at the mediator's place."""

    def __init__(self, browser_type, sandbox, home: Path, *, headless: bool = True, command: list[str] | None = None,
                 env: dict[str, str | None] | None = None):
        self.port = free_port()
        self.home = home
        command = command or ["console", "--sandbox-url", sandbox.address]
        args = [sys.executable, "-m", "autopilot", *command,
                "--remote-debugging-port", str(self.port)] + (["--headless"] if headless else [])
        environ = {**os.environ, "AUTOPILOT_HOME": str(home), **(env or {})}  # None: unset
        self.process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        env={name: value for name, value in environ.items() if value is not None})
        self.browser = attach(browser_type, self.port, self.process)
        context = self.browser.contexts[0]
        self.page = context.pages[0] if context.pages else context.wait_for_event("page")
        self.panel = self.page.locator("autopilot-panel")
        self.page.get_by_role("heading", name="Quelle démarche pour l'usager ?").wait_for(timeout=20_000)

    @property
    def visits(self) -> Path:
        return self.home / "cache" / "visites"

    def type_citizen(self, data: dict) -> None:
        """Type the citizen's data in the form's fields (named after the data: usager.nom_naissance)."""
        for name, value in data.items():
            for key, text in (value.items() if isinstance(value, dict) else [(None, value)]):
                named = f'[name="{name}.{key}"]' if key else f'[name="{name}"]'
                field = self.page.locator(named)
                kind = field.first.evaluate("(el) => el.type")
                if kind == "radio":
                    self.page.locator(f'{named}[value="{text}"]').check()
                elif kind == "select-one":
                    field.select_option(str(text))
                else:
                    field.fill(str(text))

    def field(self, section: str, label: str):
        """A field of the form as the mediator finds it: its label within its section."""
        return self.page.get_by_role("group", name=section, exact=True).get_by_label(label)

    def approve(self, steps: list[tuple[str, bool]], *, shots: dict[str, str] | None = None) -> None:
        """« Valider et continuer » at each step, and « Confirmer l'envoi » at the submit gate."""
        shots = shots or {}
        for title, gate in steps:
            self.panel.get_by_role("heading", name=title, exact=True).wait_for(timeout=20_000)
            button = self.panel.get_by_role("button", name="Valider et continuer", exact=True)
            expect(button).to_be_enabled()
            if title in shots:
                self.shot(shots[title])
            button.click()
            if gate:
                confirm = self.panel.get_by_role("button", name="Confirmer l'envoi", exact=True)
                expect(confirm).to_be_enabled()
                if f"{title} (confirmation)" in shots:
                    self.shot(shots[f"{title} (confirmation)"])
                confirm.click()

    def see_result(self, *, timeout: float = 20_000) -> None:
        """At the démarche's end, « Voir le résultat dans la console » in the panel: until then the window
        stays on the site's last page (its documents)."""
        self.panel.get_by_role("button", name="Voir le résultat dans la console", exact=True).click(timeout=timeout)

    def shot(self, name: str, *, height: int | None = None) -> None:
        """Save the README's screenshot `name` (the window, or its top `height` pixels of the page)."""
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            clip = {"x": 0, "y": 0, "width": 1400, "height": height} if height else None
            self.page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=bool(height), clip=clip)

    def run_to_the_end(self, library, data: dict, *, login: bool, consent: bool = False,
                       shots: dict[str, str] | None = None) -> None:
        """Start the démarche from its form (with the citizen's agreement first if `consent`) and approve
        it to the console's result page."""
        self.page.get_by_role("button", name="Commencer la démarche").click()
        if consent:
            self.agree()
        self.approve(reviews(library, data, login=login), shots=shots)
        self.see_result(timeout=20_000)
        expect(self.page.get_by_role("heading", name="Démarche terminée")).to_be_visible(timeout=20_000)

    def agree(self, *others: str) -> None:
        """On « Accord de l'usager »: tick the `others` categories too, then « L'usager donne son accord »."""
        self.page.get_by_role("heading", name="Accord de l'usager", level=1).wait_for()
        for category in others:
            group = self.page.get_by_role("group", name="Démarches concernées par l'accord")
            group.locator(f'input[value="{category}"]').check()  # its label also lists the démarches
        self.page.get_by_role("button", name="L'usager donne son accord").click()

    def follow_new_window(self, click) -> None:
        """`click()` ends the visit: the console goes on in a fresh browser context, on the launcher."""
        with self.page.context.expect_page() as opened:
            click()
        self.page = opened.value
        self.panel = self.page.locator("autopilot-panel")
        self.page.get_by_role("heading", name="Quelle démarche pour l'usager ?").wait_for(timeout=20_000)

    def close_window(self) -> tuple[int, str, str]:
        """The mediator closes the browser window; the console must exit by itself."""
        self.page.close()
        out, err = self.process.communicate(timeout=30)
        return self.process.returncode, out, err


def reviews(library, data: dict, *, login: bool) -> list[tuple[str, bool]]:
    """The steps the panel asks to approve, in order, each with whether it is the submit gate."""
    flow = library.find(FLOW).flow
    values = validate_inputs(flow, data)
    steps = [(s.title, s.gate == "submit") for s in flow.steps
             if holds(s.when, values) and not s.optional and (s.fill or s.next)]
    return ([("Connexion", False)] if login else []) + steps


def pdf_text(path: Path) -> str:
    """The text of a PDF, read by poppler's pdftotext (scripts/setup --test installs it)."""
    assert shutil.which("pdftotext"), "pdftotext is missing: run the tests with scripts/test"
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def test_a_visit_from_the_launcher_to_the_end(browser_type, sandbox, library, tmp_path):
    app = Console(browser_type, sandbox, tmp_path / "home")
    page = app.page
    expect(page.get_by_role("note")).to_have_text(
        "Bac à sable — formation : les démarches vont vers des copies locales des sites ;"
        " rien n'est envoyé à l'administration. Données d'exercice, boîte mail et téléphone de l'usager")
    expect(page.get_by_role("note").get_by_role("link")).to_have_attribute("href", sandbox.home_url)
    expect(page.get_by_text("Médiateur au bureau : Formation")).to_be_visible()

    # The launcher: found by search, with what the citizen must bring.
    search = page.get_by_label("Rechercher une démarche")
    card = page.get_by_role("listitem").filter(has=page.get_by_role("link", name="Pré-demande de passeport"))
    search.fill("permis de pêche")
    expect(page.get_by_text("Aucune démarche ne correspond à cette recherche.")).to_be_visible()
    expect(card).to_be_hidden()
    search.fill("passeport renouvellement")
    expect(card).to_be_visible()
    expect(card).to_contain_text("À apporter par l'usager : Ancien passeport ou carte d'identité")
    app.shot("lanceur")
    card.get_by_role("link", name="Pré-demande de passeport").click()

    # The citizen's form: wrong data refused field by field, nothing typed is lost.
    page.get_by_role("heading", name="Pré-demande de passeport", level=1).wait_for()
    wrong = citizen(CAMILLE, usager={**CAMILLE["usager"], "date_naissance": "31/02/1985"},
                    adresse={**CAMILLE["adresse"], "code_postal": "3500"})
    del wrong["motif"]
    app.type_citizen(wrong)
    app.field("Identité", "Nom de naissance").press("Enter")  # Enter in a field does not start anything
    expect(page.get_by_role("alert")).to_have_count(0)
    page.get_by_role("button", name="Commencer la démarche").click()
    expect(page.get_by_role("heading", name="3 informations à corriger")).to_be_visible()
    expect(page.get_by_role("group", name="Motif de la demande", exact=True)).to_have_accessible_description(
        "Ce champ est obligatoire.")
    expect(app.field("Identité", "Date de naissance")).to_have_accessible_description("Cette date n'existe pas.")
    expect(app.field("Adresse", "Code postal")).to_have_accessible_description("5 chiffres attendus (ex. 75001).")
    expect(app.field("Identité", "Nom de naissance")).not_to_have_accessible_description("Ce champ est obligatoire.")
    expect(page.get_by_role("alert")).to_contain_text("Identité — Date de naissance : cette date n'existe pas.")
    expect(app.field("Identité", "Nom de naissance")).to_have_value("Lefèvre")
    expect(app.field("Identité", "Date de naissance")).to_have_value("31/02/1985")
    app.shot("formulaire-erreurs", height=1500)

    app.type_citizen({"motif": "premiere_demande", "usager": {"date_naissance": "14/07/1985"},
                      "adresse": {"code_postal": "35000"}})

    # The démarche, approved step by step in the panel.
    app.run_to_the_end(library, CAMILLE, login=True,
                       consent=True,
                       shots={"État civil": "panneau-etat-civil", "Récapitulatif (confirmation)": "panneau-envoi"})
    [first] = sandbox.received(FLOW)
    assert first["data"] == CAMILLE_RECEIVED
    expect(page.get_by_text(first["numero_predemande"], exact=True)).to_be_visible()
    [folder] = app.visits.iterdir()
    [pdf] = folder.glob(f"{FLOW}-*.pdf")  # beside the attestation of the agreement
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert f"Numéro de pré-demande : {first['numero_predemande']}" in text
    assert "Valider et continuer" not in text  # the panel is not in the récapitulatif
    expect(page.get_by_role("link", name="Imprimer le récapitulatif")).to_be_visible()
    app.shot("fin-de-demarche")

    # A second démarche in the same visit: nothing is asked twice; « Modifier » reopens one input.
    page.get_by_role("link", name="Autre démarche pour cet usager").click()
    expect(page.get_by_role("region", name="Démarches de cette visite")).to_contain_text(
        f"Pré-demande de passeport — terminée, numéro de pré-demande {first['numero_predemande']}")
    page.get_by_role("link", name="Pré-demande de passeport", exact=True).click()
    expect(page.get_by_role("heading", name="Déjà saisi pendant cette visite")).to_be_visible()
    expect(page.locator("form").get_by_role("radio")).to_have_count(0)
    timbre = page.get_by_label("Numéro du timbre fiscal")  # a timbre serves once: asked again, empty
    expect(page.locator("form").get_by_role("textbox")).to_have_count(1)
    expect(timbre).to_have_value("")
    page.get_by_role("button", name="Modifier : Adresse").click()  # « Modifier » reopens one input, as typed
    expect(page.get_by_role("group", name="Adresse", exact=True).get_by_label("Code postal")).to_have_value("35000")
    page.get_by_label("Numéro du timbre fiscal").fill("6543 2109 8765 4321")
    app.run_to_the_end(library, CAMILLE, login=False)  # logged in once for the whole console
    again, second = sandbox.received(FLOW)
    assert again == first
    assert second["data"] == {**CAMILLE_RECEIVED, "numero_timbre": "6543210987654321"}
    assert second["numero_predemande"] != first["numero_predemande"]
    assert len(list(folder.glob(f"{FLOW}-*.pdf"))) == 2

    # « Terminer la visite » forgets everything, files included, and the browser context with them.
    page.get_by_role("button", name="Terminer la visite").click()  # then the confirmation
    app.follow_new_window(page.get_by_role("button", name="Oui, terminer la visite").click)
    page = app.page
    expect(page.get_by_role("status")).to_have_text(
        "Visite terminée : les données de l'usager ont été effacées de ce poste.")
    expect(page.get_by_role("region", name="Visite en cours")).to_have_count(0)
    assert list(app.visits.iterdir()) == []

    status, out, err = app.close_window()
    assert status == 0, err
    assert "Console fermée : les données de la visite ont été effacées de ce poste." in out
    assert len(sandbox.received()) == 2


@pytest.mark.headed
def test_a_visible_window_closed_in_the_middle_of_a_demarche(browser_type, sandbox, library, tmp_path):
    needs_display()
    app = Console(browser_type, sandbox, tmp_path / "home", headless=False)
    page = app.page
    page.get_by_role("link", name="Pré-demande de passeport", exact=True).click()
    app.type_citizen(CAMILLE)
    app.run_to_the_end(library, CAMILLE, login=True, consent=True)
    [first] = sandbox.received()
    [pdf] = app.visits.glob(f"*/{FLOW}-*.pdf")  # printed by a headless copy: a window cannot print to PDF
    assert f"Numéro de pré-demande : {first['numero_predemande']}" in pdf_text(pdf)

    # A second démarche; the mediator closes the window while the panel waits at « État civil ».
    page.get_by_role("link", name="Autre démarche pour cet usager").click()
    page.get_by_role("link", name="Pré-demande de passeport", exact=True).click()
    page.get_by_role("button", name="Commencer la démarche").click()
    app.approve([("Motif de la demande", False)])
    app.panel.get_by_role("heading", name="État civil", exact=True).wait_for()
    page.locator("body").get_by_label("Commune de naissance").press("Enter")  # the site's form, not the panel
    page.wait_for_load_state()

    status, out, err = app.close_window()
    assert status == 10, err
    assert "Démarche interrompue à l'étape « État civil » : rien d'autre n'a été envoyé." in out
    assert "Traceback" not in err
    assert sandbox.received() == [first]
    assert list(app.visits.iterdir()) == []


# --- without a browser: the web application and the visit ---------------------------------


@pytest.fixture
def desk(library, tmp_path) -> Desk:
    return Desk(library, mediateur="Camille Martin", sandbox=False, mairie="Mairie de Saint-Exemple",
                visits=tmp_path / "visites")


def test_the_console_answers_only_its_own_pages(desk):
    client = create_app(desk, "jeton", "http://127.0.0.1:5555").test_client()
    here = {"Host": "127.0.0.1:5555"}
    page = client.get("/jeton/", headers=here)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "Bac à sable" not in page.text
    assert "Médiateur au bureau : <strong>Camille Martin</strong>" in page.text
    assert client.get("/autre/", headers=here).status_code == 404  # without the token
    assert client.get("/jeton/", headers={"Host": "attaquant.example:5555"}).status_code == 404  # DNS rebinding
    refused = client.post("/jeton/demarches/passeport-pre-demande", data={"action": "commencer"},
                          headers={**here, "Origin": "http://localhost:8000"})
    assert refused.status_code == 403
    assert desk.starts.empty()
    assert client.get("/jeton/demarches/..%2Fetc%2Fpasswd", headers=here).status_code == 404


def test_a_kept_recapitulatif_outlives_the_visit(desk, library):
    client = create_app(desk, "jeton", "http://127.0.0.1:5555").test_client()
    here = {"Host": "127.0.0.1:5555", "Origin": "http://127.0.0.1:5555"}
    flow = library.find(FLOW).flow
    desk.await_consent(flow, validate_inputs(flow, CAMILLE))
    desk.agree([])  # « L'usager donne son accord » (tests/test_consent.py)
    demarche = desk.start_pending()
    assert desk.starts.get_nowait() is demarche
    assert client.post("/jeton/visite/terminer", headers=here).status_code == 409  # not while it runs
    pdf = desk.visit.folder() / "recapitulatif.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    desk.finished(demarche, RunResult(Outcome.COMPLETED, {"numero_predemande": "AB12CD34EF"}), pdf)

    page = client.get("/jeton/resultats/1", headers=here).text
    assert "AB12CD34EF" in page and "Garder le fichier" in page
    assert client.get("/jeton/resultats/1/recapitulatif.pdf", headers=here).data == b"%PDF-1.4"
    kept = client.post("/jeton/resultats/1/garder", headers=here, follow_redirects=True).text
    assert f"Fichier gardé après la visite : <code class=\"path\">{pdf}</code>" in kept
    asked = client.post("/jeton/visite/terminer", headers=here).text  # the first click asks the second
    assert "Oui, terminer la visite" in asked and desk.visit.values != {}
    client.post("/jeton/visite/terminer", data={"confirme": "oui"}, headers=here)
    assert pdf.read_bytes() == b"%PDF-1.4"
    assert desk.visit.values == {}
    assert f"Fichier gardé : {pdf}." in client.get("/jeton/", headers=here).text


def test_ending_a_visit_keeps_only_the_files_the_mediator_kept(library, tmp_path):
    visit = Visit(tmp_path / "visites")
    flow = library.find(FLOW).flow
    visit.remember(flow, validate_inputs(flow, CAMILLE))
    kept, dropped = visit.add(flow, {}), visit.add(flow, {})
    for demarche in (kept, dropped):
        demarche.result = RunResult(Outcome.COMPLETED, {"numero_predemande": f"N{demarche.number}"})
        demarche.recapitulatif = visit.folder() / f"{demarche.number}.pdf"
        demarche.recapitulatif.write_bytes(b"%PDF-")
    kept.kept = True

    assert visit.end() == [kept.recapitulatif]
    assert sorted(p.name for p in kept.recapitulatif.parent.iterdir()) == ["1.pdf"]
    assert visit.values == {} and visit.demarches == [] and visit.citizen is None


def test_the_demo_opens_the_console_with_the_fictitious_citizen(browser_type, library, tmp_path):
    """`autopilot demo` with a window: a newcomer only clicks what the screen offers."""
    needs_display()
    app = Console(browser_type, None, tmp_path / "home", headless=False, command=["demo"],
                  env={"AUTOPILOT_SCANS": None})  # the demo's own example scans
    page = app.page
    page.get_by_role("link", name="Pré-demande de passeport", exact=True).click()
    # the citizen's data is already known: nothing to type, only to start
    expect(page.get_by_role("textbox")).to_have_count(0)
    app.run_to_the_end(library, {**CAMILLE, "timbre": "1234 5678 9012 3456"}, login=True, consent=True)
    numero = page.locator("main").get_by_text("Numéro de pré-demande").locator("xpath=..").inner_text()

    # Another démarche of the mission: the citizen's identity, NEPH and ePhoto code are known too;
    # the scans are picked in the panel among the demo's example documents.
    page.get_by_role("link", name="Autre démarche pour cet usager").click()
    page.get_by_role("link", name="Demande de permis de conduire", exact=True).click()
    expect(page.get_by_role("textbox")).to_have_count(0)
    page.get_by_label("Motif de la demande", exact=True).select_option(label="Détérioration du permis")
    page.get_by_role("button", name="Commencer la démarche").click()
    app.agree()
    app.approve([(title, False) for title in
                 ("Mon espace", "Nouvelle demande", "Le permis de conduire", "Ma demande", "Motif du renouvellement")])
    app.panel.get_by_role("button", name="permis-deteriore-exemple.pdf").click(timeout=20_000)
    app.approve([(title, False) for title in
                 ("Permis détérioré", "Permis de conduire", "État civil", "Adresse", "Photo et signature")])
    for document in ("justificatif-domicile-exemple.pdf", "piece-identite-exemple.pdf"):
        app.panel.get_by_role("button", name=document).click(timeout=20_000)
    app.approve([("Justificatifs", False), ("Récapitulatif", True)])
    app.see_result(timeout=20_000)
    expect(page.get_by_role("heading", name="Démarche terminée")).to_be_visible(timeout=20_000)

    # A vehicle démarche: her car is known to the sandbox's sites, so nothing is to be typed.
    page.get_by_role("link", name="Autre démarche pour cet usager").click()
    page.get_by_role("link", name="Certificat de non-gage (situation administrative)", exact=True).click()
    page.get_by_role("button", name="Commencer la démarche").click()
    app.agree()
    app.approve([("Le véhicule et son titulaire", False), ("Rapport du véhicule", False)])
    app.see_result(timeout=20_000)
    expect(page.get_by_role("heading", name="Démarche terminée")).to_be_visible(timeout=20_000)
    outputs = page.get_by_role("region", name="Résultat de la démarche")
    expect(outputs).to_contain_text("Gages")  # her car has no gage: HistoVec's « NON », read once settled
    expect(outputs).to_contain_text("Datant du")
    status, out, _ = app.close_window()
    assert status == 0
    assert "Démarche terminée : Pré-demande de passeport." in out
    shown = out.split("Numéro de pré-demande : ")[1].split()[0]
    assert len(shown) == 10 and shown in numero
    assert "Démarche terminée : Demande de permis de conduire." in out
    assert f"Documents numérisés d'exemple : {tmp_path / 'home' / 'cache' / 'numerisations-exemple'}" in out


def test_the_timbre_bought_first_goes_into_the_pre_demande(browser_type, sandbox, library, tmp_path):
    """« Acheter un timbre fiscal pour un passeport d'abord »: the pré-demande's form waits as typed,
    the citizen pays the timbre, and its number comes back into the pré-demande."""
    app = Console(browser_type, sandbox, tmp_path / "home")
    page = app.page
    page.get_by_role("link", name="Pré-demande de passeport", exact=True).click()
    typed = citizen(CAMILLE, timbre=None)
    del typed["timbre"]
    app.type_citizen(typed)
    page.get_by_role("button", name="Acheter un timbre fiscal pour un passeport d'abord").scroll_into_view_if_needed()
    app.shot("formulaire-timbre-dabord")
    page.get_by_role("button", name="Acheter un timbre fiscal pour un passeport d'abord").click()

    page.get_by_role("heading", name="Acheter un timbre fiscal pour un passeport", level=1).wait_for()
    app.type_citizen({"demandeur": "majeur", "reception": "sms", "telephone": "06 12 34 56 78"})
    page.get_by_role("button", name="Commencer la démarche").click()
    app.agree("Passeport")
    app.approve([("Acheter un timbre électronique", False), ("Choix du timbre", False),
                 ("Questions du timbre passeport", False), ("Timbre ajouté au panier", False),
                 ("Validation du panier", False), ("Moyen de paiement", False)])
    app.panel.get_by_role("heading", name="Paiement du timbre", exact=True).wait_for(timeout=20_000)
    page.get_by_label("Numéro de carte").fill("4111 1111 1111 1111")  # the citizen, not autopilot
    page.get_by_label("Date d'expiration (MM/AA)").fill("12/30")
    page.get_by_label("Cryptogramme visuel").fill("123")
    page.locator("body").get_by_role("button", name="Valider", exact=True).click()
    app.see_result(timeout=20_000)
    expect(page.get_by_role("heading", name="Démarche terminée")).to_be_visible(timeout=20_000)
    [sold] = sandbox.received("timbres-achat")
    expect(page.get_by_text(" ".join(sold["numero_timbre"][i:i + 4] for i in range(0, 16, 4)))).to_be_visible()

    app.shot("timbre-achete")
    page.get_by_role("link", name="Revenir à « Pré-demande de passeport »").click()
    expect(page.get_by_role("heading", name="Déjà saisi pendant cette visite")).to_be_visible()
    expect(page.get_by_text("Obtenu pendant cette visite : Acheter un timbre fiscal pour un passeport.")).to_be_visible()
    expect(app.field("Identité", "Nom de naissance")).to_have_value("Lefèvre")  # the form as it was left
    app.run_to_the_end(library, CAMILLE, login=True)

    [record] = sandbox.received(FLOW)
    assert record["data"] == {**CAMILLE_RECEIVED, "numero_timbre": sold["numero_timbre"]}
    assert sandbox.received("timbre-achat") == []  # not bought twice
    # the timbre's number and reference are journaled as references, beside the pseudonym only
    entries = [e for e in Journal(app.home / "data" / "journal.sqlite3").entries() if e.flow_id]
    assert [(e.flow_id, e.outcome) for e in entries] == [("timbre-passeport", "terminée"), (FLOW, "terminée")]
    assert entries[0].refs == {"numero_timbre": " ".join(sold["numero_timbre"][i:i + 4] for i in range(0, 16, 4)),
                               "reference_transaction": sold["reference_transaction"], "montant": "86 €"}
    assert entries[1].usager == "C.L. 1985"  # the purchase asks no identity, so it carries no pseudonym


def test_a_timbre_goes_only_into_the_demarche_waiting_for_it_and_pays_once(library, tmp_path):
    visit = Visit(tmp_path)
    predemande = library.find("passeport-pre-demande").flow
    visit.remember_outputs(library.find("timbre-passeport").flow, {
        "numero_timbre": "1234 5678 9012 3456", "reference_transaction": "ABCDEF12", "montant": "86 €"})
    assert visit.known(predemande)["timbre"] == "1234567890123456"
    assert "timbre" not in visit.known(library.find("permis-demande").flow)  # a passport timbre, not a permis one
    assert "timbre" not in visit.known(library.find("cni-pre-demande").flow)
    visit.remember(predemande, {"timbre": "1234567890123456"})
    assert "timbre" not in visit.known(predemande)  # given once: asked again for another pré-demande
