"""The engine on a page that behaves like a real State front end (DESIGN §4c, ADR 0011), on the
official DSFR stylesheet: tests/assets/front-end.html, served at https://vehicule.test/ by routes."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, Route
from playwright.sync_api import Error as PlaywrightError

from autopilot.engine import dom
from autopilot.engine.approver import ApproveAll, ScriptedApprover
from autopilot.engine.failures import translate
from autopilot.engine.origins import Origins
from autopilot.engine.page_reading import site_errors
from autopilot.engine.runner import Outcome, Runner, Timeouts
from autopilot.flows.model import Flow
from autopilot.sandbox.kit import dsfr

ASSETS = Path(__file__).parent / "assets"
ORIGIN = "https://vehicule.test"
FAST = Timeouts(page=6, response=8)

FLOW = {
    "id": "front-end", "title": "Rapport", "category": "Test", "version": 1, "domains": ["vehicule.test"],
    "inputs": {"format": "texte", "titulaire": "texte", "nom": "texte", "siren": {"type": "texte", "required": False},
               "date": "texte"},
    "outputs": {"gage": {"label": "Gages"}, "vole": {"label": "Déclaré volé"}, "csa": {"label": "Certificat"}},
    "steps": [
        {"title": "Recherche", "goto": f"{ORIGIN}/front-end.html", "expect": {"heading": "Rassurez vos acheteurs"},
         "fill": [
             {"choose": "Type de plaque", "value": "{{ format }}",
              "options": {"siv": "Immatriculation depuis 2009", "fni": "Immatriculation avant 2009"}},
             {"choose": "Type de titulaire", "value": "{{ titulaire }}", "revealed": True,
              "options": {"particulier": "Particulier", "morale": "Personne morale"}},
             {"label": "Numéro SIREN", "value": "{{ siren }}", "revealed": True, "when": "siren"},
             {"label": "Nom de naissance", "value": "{{ nom }}"},
             {"label": "Date d'émission du certificat", "value": "{{ date }}"},
             {"check": "J'accepte les conditions"},
         ],
         "next": {"button": "Rechercher"}},
        {"title": "Rapport", "expect": {"heading": "Rapport de votre véhicule"},
         "extract": {"gage": {"after_text": "Gages"}, "vole": {"after_text": "Déclaré volé"}},
         "download": {"button": "Imprimer le CSA", "output": "csa", "name": "certificat-situation-administrative.pdf"}},
    ],
}


@pytest.fixture
def site(context: BrowserContext) -> str:
    """The page, the official DSFR files, and the site's data (« gagé » for the test's vehicle)."""
    official = dsfr.dist_dir()
    assert official is not None, "scripts/setup --test installs the official DSFR"

    def serve(route: Route) -> None:
        path = urlsplit(route.request.url).path
        if path.startswith("/dsfr/"):
            file = official / path.removeprefix("/dsfr/")
            kind = "text/css" if file.suffix == ".css" else "application/octet-stream"
        elif path == "/donnees":
            route.fulfill(status=200, body="15/06/2021 - DIAC SA", headers={"content-type": "text/plain"})
            return
        else:
            file = ASSETS / "front-end.html"
            kind = "text/html; charset=utf-8"
        route.fulfill(status=200, headers={"content-type": kind}, body=file.read_bytes())

    context.route(f"{ORIGIN}/**", serve)
    return ORIGIN


def _run(page: Page, values: dict, *, approver=None, flow: dict = FLOW, tmp_path: Path | None = None,
         origins: Origins | None = None):
    lines: list[str] = []
    saved = (lambda name: tmp_path / name) if tmp_path is not None else None
    runner = Runner(page, Flow.model_validate(flow), values, approver or ScriptedApprover(), origins=origins or Origins(),
                    report=lines.append, timeouts=FAST, save_file=saved)
    return runner.run(), lines


CITIZEN = {"format": "siv", "titulaire": "particulier", "nom": "Martin", "siren": "", "date": "14/07/2015"}


def test_a_real_front_end_is_filled_read_and_its_certificate_kept(site, page, tmp_path):
    page.set_default_timeout(5_000)
    result, lines = _run(page, CITIZEN, tmp_path=tmp_path)
    assert result.outcome is Outcome.COMPLETED, (result.error, lines)
    received = page.evaluate("() => JSON.parse(sessionStorage.getItem('received'))")
    assert received == {"format": "siv", "titulaire": "particulier", "nom": "Martin", "siren": "",
                        "date": "2015-07-14", "accepte": True}
    # the data came late under a loader: never the placeholder « Rien à signaler »
    assert result.outputs["gage"] == "15/06/2021 - DIAC SA"
    assert result.outputs["vole"] == "NON"  # « Déclaré volée » is another label
    kept = tmp_path / "certificat-situation-administrative.pdf"
    assert result.outputs["csa"] == str(kept) and kept.read_bytes() == b"%PDF-1.4 certificat"


def test_a_tab_and_a_label_with_zero_width_spaces(site, page, tmp_path):
    values = {**CITIZEN, "titulaire": "morale", "siren": "123456789", "nom": "Garage SA"}
    result, lines = _run(page, values, tmp_path=tmp_path)
    assert result.outcome is Outcome.COMPLETED, (result.error, lines)
    received = page.evaluate("() => JSON.parse(sessionStorage.getItem('received'))")
    assert (received["titulaire"], received["siren"], received["nom"]) == ("morale", "123456789", "Garage SA")


def test_late_data_under_a_loader_is_waited_for(site, page, tmp_path):
    flow = {**FLOW, "steps": [{**FLOW["steps"][0], "goto": f"{ORIGIN}/front-end.html?delai=2500"}, FLOW["steps"][1]]}
    result, lines = _run(page, CITIZEN, flow=flow, tmp_path=tmp_path)
    assert result.outcome is Outcome.COMPLETED, (result.error, lines)
    assert result.outputs["gage"] == "15/06/2021 - DIAC SA"


def test_a_loader_that_never_goes_is_a_clear_stop(site, page, tmp_path):
    flow = {**FLOW, "steps": [{**FLOW["steps"][0], "goto": f"{ORIGIN}/front-end.html?delai=60000"}, FLOW["steps"][1]]}
    result, _lines = _run(page, CITIZEN, flow=flow, approver=ApproveAll(), tmp_path=tmp_path)
    assert result.outcome is Outcome.FAILED
    assert result.error.code == "page-en-chargement"
    assert "toujours en cours de chargement (un indicateur de chargement est toujours affiché)" in result.error.message
    assert "gage" not in result.outputs


def test_near_labels_are_shown_cleaned(site, page):
    flow = {**FLOW, "steps": [{**FLOW["steps"][0], "fill": [
        FLOW["steps"][0]["fill"][0], {"label": "Nom de naissance du titulaire", "value": "x", "revealed": True}]}]}
    result, _ = _run(page, CITIZEN, flow=flow)
    assert result.outcome is Outcome.STOPPED
    assert "« Nom de naissance »" in result.error.message
    assert "Où le trouver" not in result.error.message and "*" not in result.error.message


def test_a_button_that_stays_disabled_is_named(site, page):
    flow = {**FLOW, "steps": [{**FLOW["steps"][0], "fill": FLOW["steps"][0]["fill"][:4]}, FLOW["steps"][1]]}
    result, _ = _run(page, CITIZEN, flow=flow, approver=ApproveAll())
    assert result.outcome is Outcome.FAILED
    assert result.error.code == "bouton-desactive"
    assert "bouton « Rechercher » est resté désactivé" in result.error.message


class _CrashingApprover(ScriptedApprover):
    """Approves, but the tab's renderer crashes first (chrome://crash): the fault of issue 21 item 8."""

    def __init__(self, page: Page) -> None:
        super().__init__()
        self.page = page

    def decide(self, view, poll=None):
        decision = super().decide(view, poll)
        try:
            self.page.goto("chrome://crash", timeout=5000)
        except PlaywrightError:
            pass  # the navigation is aborted by the crash itself
        return decision


def test_a_renderer_crash_is_a_clean_french_stop(site, page, tmp_path):
    result, lines = _run(page, CITIZEN, approver=_CrashingApprover(page), tmp_path=tmp_path)
    assert result.outcome is Outcome.FAILED
    assert result.error.code == "echec-navigateur" and result.error.exit_status == 8
    assert result.error.message == "Étape « Recherche » : la page du navigateur s'est arrêtée brutalement (plantage de l'onglet)."
    assert not any("Error" in line or "Target" in line or "crash" in line.lower().replace("plantage", "") for line in lines)


def _caught(action) -> PlaywrightError:
    try:
        action()
    except PlaywrightError as error:
        return error
    raise AssertionError("the browser did not fail")


def test_every_kind_of_browser_failure_is_said_in_french(site, context):
    """Real failures of a real Chromium, each through the one mapping (engine/failures.py)."""
    page = context.new_page()
    page.goto(f"{ORIGIN}/front-end.html")
    said = {}
    said["timeout"] = translate(_caught(lambda: page.click("#absent", timeout=200)), "Recherche")
    card = page.query_selector("label[for=siv]")
    page.evaluate("() => document.getElementById('app').replaceChildren()")
    said["detached"] = translate(_caught(lambda: card.click(timeout=1000)), "Recherche")
    page.route("**/abandon.html", lambda route: route.abort("aborted"))
    said["aborted"] = translate(_caught(lambda: page.goto(f"{ORIGIN}/abandon.html")), "Recherche")
    crashed = context.new_page()
    crashed.goto(f"{ORIGIN}/front-end.html")
    _caught(lambda: crashed.goto("chrome://crash", timeout=5000))
    said["crash"] = translate(_caught(lambda: crashed.evaluate("1")), "Recherche")
    page.close()
    said["closed"] = translate(_caught(lambda: page.evaluate("1")), "Recherche")
    assert {kind: (type(error).__name__, error.message) for kind, error in said.items()} == {
        "timeout": ("BrowserFailure", "Étape « Recherche » : le navigateur n'a pas pu agir sur la page à temps."),
        "detached": ("BrowserFailure", "Étape « Recherche » : un élément de la page a disparu pendant l'action"
                                       " (la page s'est modifiée)."),
        "aborted": ("BrowserFailure", "Étape « Recherche » : le chargement de la page a été interrompu."),
        "crash": ("BrowserFailure", "Étape « Recherche » : la page du navigateur s'est arrêtée brutalement"
                                    " (plantage de l'onglet)."),
        "closed": ("BrowserClosed", "La fenêtre du navigateur a été fermée : la démarche est interrompue."),
    }
    assert all(error.exit_status == 8 for error in said.values())


def _with_formule(value: str) -> dict:
    search = FLOW["steps"][0]
    return {**FLOW, "steps": [{**search, "fill": [*search["fill"], {"label": "Numéro de formule", "value": value}]},
                              FLOW["steps"][1]]}


def test_a_value_the_page_rewrote_stops_an_unattended_run(site, page, tmp_path):
    result, lines = _run(page, CITIZEN, flow=_with_formule("2013bz80335"), approver=ApproveAll(), tmp_path=tmp_path)
    assert result.outcome is Outcome.FAILED
    assert result.error.code == "valeur-differente"
    assert result.error.message == ("Étape « Recherche » : la page n'affiche pas la valeur prévue pour"
                                    " « Numéro de formule » ; rien n'a été validé.")
    assert "2013" not in " ".join(lines)  # labels only, never the citizen's values
    assert page.evaluate("() => window.received") is None  # nothing was sent


def test_the_same_difference_is_shown_to_a_mediator_who_decides(site, page, tmp_path):
    approver = ScriptedApprover()
    result, _ = _run(page, CITIZEN, flow=_with_formule("2013bz80335"), approver=approver, tmp_path=tmp_path)
    assert result.outcome is Outcome.COMPLETED
    review = next(v for v in approver.seen if v.title == "Recherche")
    formule = next(f for f in review.fields if f.label == "Numéro de formule")
    assert (formule.value, formule.actual, formule.differs) == ("2013bz80335", "2013BZ80335", True)
    date = next(f for f in review.fields if f.label == "Date d'émission du certificat")
    assert (date.value, date.actual, date.differs) == ("14/07/2015", "14/07/2015", False)  # typed ISO, read as planned


def test_a_warning_with_role_alert_is_not_a_refusal_nor_an_untouched_invalid_field(site, page):
    page.goto(f"{ORIGIN}/front-end.html")
    page.get_by_text("Immatriculation depuis 2009").click()
    assert site_errors(page) == []  # « Fraîcheur des données » (warning, role=alert), aria-invalid on an empty field
    assert page.evaluate(dom.script("(dom) => dom.siteNotices(document)")) == [
        "Fraîcheur des données : seul le certificat fait foi."]
    page.evaluate("""() => { const m = document.createElement('p'); m.className = 'fr-message fr-message--error';
        m.textContent = 'Le nom est obligatoire.'; const g = document.createElement('div'); g.className = 'fr-messages-group';
        g.append(m); document.getElementById('nom').after(g); }""")
    assert site_errors(page) == ["Le nom est obligatoire."]  # DSFR 1.15's field error


def test_the_sites_warning_is_told_to_the_mediator_at_the_review(site, page, tmp_path):
    approver = ScriptedApprover()
    result, _ = _run(page, CITIZEN, approver=approver, tmp_path=tmp_path)
    assert result.outcome is Outcome.COMPLETED
    review = next(v for v in approver.seen if v.title == "Recherche")
    assert review.message.endswith(" Le site signale : « Fraîcheur des données : seul le certificat fait foi. »")


# A page of the site's own origin embedded in a frame (ADR 0005), whose document arrives after the
# page: the page shows its heading, its own requests are done, and the frame is still empty. Its
# document is held by the route until the page's timer asks `/suite` (800 ms), as a slow server
# would send it.
FRAMED_PAGE = ('<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Quotient</title></head><body>'
               '<h1>Calcul du quotient</h1><iframe title="Calcul" src="/cadre"></iframe>'
               '<script>setTimeout(() => fetch("/suite"), 800)</script></body></html>')
FRAME_DOCUMENT = ('<!doctype html><html lang="fr"><head><meta charset="utf-8"></head><body>'
                  '<label for="qf">Quotient familial</label><input id="qf" name="qf"></body></html>')
FRAMED_FLOW = {
    "id": "cadre", "title": "Cadre", "category": "Test", "version": 1, "domains": ["vehicule.test"],
    "inputs": {"quotient": "texte"},
    "steps": [{"title": "Quotient", "goto": f"{ORIGIN}/quotient", "expect": {"heading": "Calcul du quotient"},
               "fill": [{"label": "Quotient familial", "value": "{{ quotient }}"}]}],
}


def test_a_frame_of_the_site_still_loading_is_waited_for_before_its_fields_are_looked_for(context, page):
    held: list[Route] = []

    def serve(route: Route) -> None:
        path = urlsplit(route.request.url).path
        html = {"headers": {"content-type": "text/html; charset=utf-8"}, "status": 200}
        if path == "/cadre":
            held.append(route)  # answered when the page asks for the rest
        elif path == "/suite":
            for late in held:
                late.fulfill(body=FRAME_DOCUMENT, **html)
            route.fulfill(status=204)
        else:
            route.fulfill(body=FRAMED_PAGE, **html)

    context.route(f"{ORIGIN}/**", serve)
    result, lines = _run(page, {"quotient": "780"}, approver=ApproveAll(), flow=FRAMED_FLOW)

    assert result.outcome is Outcome.COMPLETED, (result.error, lines)
    assert page.frame_locator("iframe").get_by_label("Quotient familial").input_value() == "780"


def test_a_frame_of_the_site_that_never_arrives_is_a_clear_stop_and_another_sites_is_not_waited_for(context, page):
    held: list[Route] = []  # never answered: a server that does not send the frame, a widget blocked on the way

    def serve(route: Route) -> None:
        path = urlsplit(route.request.url).path
        if path in ("/cadre", "/chat"):
            held.append(route)
        elif path == "/suite":
            route.fulfill(status=204)
        else:
            route.fulfill(status=200, headers={"content-type": "text/html; charset=utf-8"}, body=FRAMED_PAGE)

    context.route(f"{ORIGIN}/**", serve)
    context.route("https://widget.test/**", serve)
    result, _ = _run(page, {"quotient": "780"}, approver=ApproveAll(), flow=FRAMED_FLOW)

    assert result.outcome is Outcome.FAILED
    assert result.error.message == ("Étape « Quotient » : la page est toujours en cours de chargement (un cadre de la"
                                    " page charge encore son contenu) après 6 s ; rien n'y a été lu ni rempli.")

    # the other site's frame never arrives either, but holds no field of the flow: the page is read
    own = FRAME_DOCUMENT.replace("<body>", "<body><h1>Calcul du quotient</h1>")
    step = {**FRAMED_FLOW["steps"][0], "goto": f"{ORIGIN}/avec-widget"}
    page.route(f"{ORIGIN}/avec-widget", lambda route: route.fulfill(
        status=200, headers={"content-type": "text/html; charset=utf-8"},
        body=own.replace("</body>", '<iframe title="Widget" src="https://widget.test/chat"></iframe></body>')))
    result, lines = _run(page, {"quotient": "780"}, approver=ApproveAll(), flow={**FRAMED_FLOW, "steps": [step]})

    assert result.outcome is Outcome.COMPLETED, (result.error, lines)
    assert page.get_by_label("Quotient familial").input_value() == "780"


class SlowData:
    """A site whose report page asks for its data after it shows (fetch or XHR), and whose server sends
    that data late: the whole answer after `DELAY_S`, or its headers at once and its body after `DELAY_S`
    (a slow back end streaming its answer). Served for real on 127.0.0.1, as the sandbox serves a site:
    https://donnees.test/ at http://donnees.test.localhost:PORT/."""

    DELAY_S = 0.8
    DATA = "15/06/2021 - DIAC SA"
    ASK: ClassVar[dict[str, str]] = {  # how the page asks for its data
        "fetch": 'fetch("/donnees").then((r) => r.text()).then(show)',
        "fetch-late-body": 'fetch("/donnees-corps").then((r) => r.text()).then(show)',
        "fetch-never": 'fetch("/jamais").then((r) => r.text()).then(show)',
        "xhr": ('const x = new XMLHttpRequest(); x.open("GET", "/donnees");'
                ' x.onload = () => show(x.responseText); x.send()'),
        # asked when the mediator's click shows the report, by a client-side route (pushState)
        "button": ('document.querySelector("button").addEventListener("click", () => {'
                   ' history.pushState({}, "", "/rapport/resultat");'
                   ' document.querySelector("h1").textContent = "Résultat de la recherche";'
                   ' fetch("/donnees").then((r) => r.text()).then(show); })'),
        # a first request given up by opening the XHR again (no event is fired for it), then the real one
        "xhr-reopened": ('const x = new XMLHttpRequest(); x.open("GET", "/jamais"); x.send();'
                         ' x.open("GET", "/donnees"); x.onload = () => show(x.responseText); x.send()'),
    }

    def __init__(self) -> None:
        import contextlib
        import http.server
        import threading
        import time

        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path, _, query = self.path.partition("?")
                if path == "/rapport":
                    ask = site.ASK[query]
                    body = ('<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Rapport</title></head>'
                            '<body><h1>Rapport de votre véhicule</h1><button type="button">Afficher le rapport</button>'
                            '<dl><dt>Gages</dt><dd id="gage">Rien à signaler'
                            '</dd></dl><script>const show = (text) => { document.getElementById("gage").textContent'
                            f' = text; }}; {ask};</script></body></html>').encode()
                    return self._send(body, "text/html; charset=utf-8")
                if path == "/jamais":
                    time.sleep(30)  # never answered while the test runs
                    return None
                late_body = path == "/donnees-corps"
                if not late_body:
                    time.sleep(site.DELAY_S)
                return self._send(site.DATA.encode(), "text/plain; charset=utf-8", late_body=late_body)

            def _send(self, body: bytes, kind: str, *, late_body: bool = False) -> None:
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.flush()
                if late_body:
                    time.sleep(site.DELAY_S)
                self.wfile.write(body)

            def handle(self) -> None:
                with contextlib.suppress(ConnectionError):  # the page went on without this answer
                    super().handle()

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.origins = Origins(sandbox_port=self.server.server_address[1])
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def flow(self, ask: str) -> dict:
        return {
            "id": "rapport", "title": "Rapport", "category": "Test", "version": 1, "domains": ["donnees.test"],
            "inputs": {}, "outputs": {"gage": {"label": "Gages"}},
            "steps": [{"title": "Rapport", "goto": f"https://donnees.test/rapport?{ask}",
                       "expect": {"heading": "Rapport de votre véhicule"}, "extract": {"gage": {"after_text": "Gages"}}}],
        }

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def slow_data():
    site = SlowData()
    yield site
    site.close()


# The page shows its heading and a placeholder at once, with no loader, while its own script waits
# for the data: what is read then would be the worst wrong answer (« Rien à signaler » for a
# pledged car). The data's request is what shows the page is not done.
@pytest.mark.parametrize("ask", ["fetch", "xhr", "xhr-reopened", "fetch-late-body"])
def test_the_data_the_page_asks_for_is_waited_for_before_it_is_read(slow_data, page, ask):
    result, lines = _run(page, {}, approver=ApproveAll(), flow=slow_data.flow(ask), origins=slow_data.origins)

    assert result.outcome is Outcome.COMPLETED, (result.error, lines)
    assert result.outputs["gage"] == SlowData.DATA


def test_data_that_never_comes_is_a_clear_stop(slow_data, page):
    result, _ = _run(page, {}, approver=ApproveAll(), flow=slow_data.flow("fetch-never"),
                     origins=slow_data.origins)

    assert result.outcome is Outcome.FAILED
    assert result.error.message == ("Étape « Rapport » : la page est toujours en cours de chargement (le site attend"
                                    " encore des données) après 6 s ; rien n'y a été lu ni rempli.")
    assert "gage" not in result.outputs


def test_the_data_asked_for_by_the_page_already_shown_is_waited_for(slow_data, page):
    # the page was open before the run (the console's page, a démarche started where the mediator is):
    # its requests are counted from the run's start, not only in the documents that come after
    page.goto(slow_data.origins.local("https://donnees.test/rapport?button"))
    steps = [{"title": "Recherche", "expect": {"heading": "Rapport de votre véhicule"},
              "next": {"button": "Afficher le rapport"}},
             {"title": "Rapport", "expect": {"heading": "Résultat de la recherche"},
              "extract": {"gage": {"after_text": "Gages"}}}]
    result, lines = _run(page, {}, approver=ApproveAll(), flow={**slow_data.flow("button"), "steps": steps},
                         origins=slow_data.origins)

    assert result.outcome is Outcome.COMPLETED, (result.error, lines)
    assert result.outputs["gage"] == SlowData.DATA
