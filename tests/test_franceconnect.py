"""The citizen's own FranceConnect login in a vehicle démarche (docs/teleservices.md §9.4): the replica
over real HTTP, then a whole `autopilot run` in its panel where the citizen types their login during
the manual step handed to them, and a scan of everything the run wrote for their password."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml
from attached import attach, free_port
from franceconnecting import FC_IDENTITY, FC_LOGIN, FC_PASSWORD, log_in_with_franceconnect
from paying import TEST_CARD
from test_immatriculation import MORVAN_SE_MARIE
from test_sandbox import Client

from autopilot.engine.approver import Moment, StepView
from autopilot.engine.panel import CITIZEN_BY_HAND, panel_state

ROOT = Path(__file__).resolve().parents[1]
ETAT_CIVIL = "https://immatriculation.ants.gouv.fr/demarches-en-ligne/changement-etat-civil"
IDENTIFICATION = "https://immatriculation.ants.gouv.fr/demarches-en-ligne/identification-franceconnect"
AUTHORIZE = "https://app.franceconnect.gouv.fr/api/v1/authorize"


def _logged_in(sandbox) -> Client:
    user = Client(sandbox)
    assert user.login().status == 303
    return user


def _to_franceconnect(user: Client) -> tuple[str, str]:
    """The démarche's start → the identification page; its form's redirect_uri and state."""
    start = user.get(ETAT_CIVIL, follow=False)
    assert start.status == 303 and urlsplit(start.location).path == urlsplit(IDENTIFICATION).path
    page = user.get(start.location)
    assert page.h1() == "Identification de l'usager avec FranceConnect"
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page.text))
    return unescape(hidden["redirect_uri"]), hidden["state"]


# -- the replica ----------------------------------------------------------------------------------


def test_the_demarche_asks_for_the_citizens_franceconnect_with_the_dsfr_button(sandbox):
    user = _logged_in(sandbox)
    _to_franceconnect(user)
    page = user.get(IDENTIFICATION + "?next=/demarches-en-ligne/changement-etat-civil")
    assert re.search(r'<div class="fr-connect-group">\s*<button class="fr-connect" type="submit">\s*'
                     r'<span class="fr-connect__login">S’identifier avec</span>\s*'
                     r'<span class="fr-connect__brand">FranceConnect</span>', page.text)


def test_the_citizen_logs_in_at_a_provider_and_the_demarche_opens(sandbox):
    user = _logged_in(sandbox)
    redirect_uri, state = _to_franceconnect(user)
    choice = user.get(f"{AUTHORIZE}?redirect_uri={redirect_uri}&state={state}")
    assert choice.h1() == "Je choisis un compte pour me connecter"
    provider = re.search(r'href="([^"]+)">impots.gouv.fr</a>', choice.text).group(1)
    login_url = sandbox.url("https://app.franceconnect.gouv.fr" + unescape(provider))
    form = {"redirect_uri": redirect_uri, "state": state, "identifiant": FC_LOGIN}

    refused = user.post(login_url, {**form, "mot_de_passe": "pas-le-bon"})
    assert "Identifiant ou mot de passe incorrect." in refused.text
    assert "pas-le-bon" not in refused.text  # never written back
    accepted = user.post(login_url, {**form, "mot_de_passe": FC_PASSWORD})
    assert accepted.status == 303
    back = urlsplit(accepted.location)
    assert back.path == "/demarches-en-ligne/franceconnect/retour" and parse_qs(back.query)["state"] == [state]
    opened = user.get(accepted.location)
    assert opened.h1() == "Identification du véhicule"
    again = user.get(accepted.location, follow=False)
    assert again.status == 400  # a code is used once


def test_franceconnect_only_sends_back_to_an_ants_site(sandbox):
    user = Client(sandbox)
    assert user.get(f"{AUTHORIZE}?redirect_uri=https://exemple.fr/vol&state=x").status == 400
    assert user.get(f"{AUTHORIZE}?redirect_uri=https://immatriculation.ants.gouv.fr/x&state=x").status == 200


def test_where_the_mairies_account_suffices_no_franceconnect_is_asked(sandbox):
    sandbox.franceconnect_required = False
    user = _logged_in(sandbox)
    assert user.get(ETAT_CIVIL).h1() == "Identification du véhicule"


def test_the_panel_tells_the_citizen_logs_in_themself_and_shows_nothing():
    view = StepView("Changer le nom", 3, 9, "Connexion FranceConnect de l'usager", Moment.MANUAL, frozenset(),
                    message="Tournez l'écran vers l'usager", citizen=True)
    state = panel_state(view, seq=1, token="t", decidable=True, collapsed=False)
    assert state["notice"] == CITIZEN_BY_HAND and state["fields"] == []


# -- a whole run, in the panel --------------------------------------------------------------------


class Run:
    """`autopilot run FLOW` in its own process, the test attached to its browser as mediator and citizen."""

    def __init__(self, browser_type, sandbox, flow_id: str, data_file: Path) -> None:
        port = free_port()
        args = [sys.executable, "-m", "autopilot", "run", flow_id, "--data", str(data_file), "--sandbox-url",
                sandbox.address, "--remote-debugging-port", str(port), "--headless"]
        self.process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.page = attach(browser_type, port, self.process).contexts[0].pages[0]
        self.panel = self.page.locator("autopilot-panel")

    def approve(self, title: str) -> None:
        self.panel.get_by_role("heading", name=title, exact=True).wait_for(timeout=30_000)
        self.panel.get_by_role("button", name="Valider et continuer", exact=True).click(timeout=20_000)

    def at_step(self, title: str) -> None:
        self.panel.get_by_role("heading", name=title, exact=True).wait_for(timeout=30_000)

    def finish(self) -> tuple[int, str, str]:
        out, err = self.process.communicate(timeout=90)
        return self.process.returncode, out, err


def test_the_citizens_franceconnect_password_is_nowhere_autopilot_writes(browser_type, sandbox, tmp_path,
                                                                          autopilot_home, scans):
    sandbox.today = date(2026, 11, 15)
    data = tmp_path / "morvan.yaml"
    data.write_text(yaml.safe_dump(MORVAN_SE_MARIE, allow_unicode=True), encoding="utf-8")
    run = Run(browser_type, sandbox, "immatriculation-changement-etat-civil", data)

    run.approve("Connexion")
    run.at_step("Connexion FranceConnect de l'usager")
    run.panel.get_by_text(CITIZEN_BY_HAND).wait_for()
    log_in_with_franceconnect(run.page)  # the citizen, at the keyboard; nobody clicks « Reprendre »
    for title in ("Identification du véhicule", "Nature du changement", "Pièces justificatives", "Récapitulatif"):
        run.approve(title)
    run.panel.get_by_role("button", name="Confirmer l'envoi").click()
    run.at_step("Paiement du certificat")
    body = run.page.locator("body")
    body.get_by_label("Numéro de carte").fill(TEST_CARD)
    body.get_by_label("Date d'expiration (MM/AA)").fill("12/30")
    body.get_by_label("Cryptogramme visuel").fill("123")
    body.get_by_role("button", name="Payer 13,76 €").click()
    status, out, err = run.finish()

    assert status == 0, err
    [record] = sandbox.received("immatriculation-changement-etat-civil")
    assert record["franceconnect"] == {**FC_IDENTITY, "fournisseur": "impots"}
    assert record["data"]["nom_usage"] == "Morvan"
    written = [p for p in Path(autopilot_home).rglob("*") if p.is_file()]
    written += [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "journal.sqlite3" for p in written), "the scan must look at the journal"
    for secret in (FC_PASSWORD, FC_LOGIN):
        assert secret not in out and secret not in err, secret
        for path in written:
            assert secret.encode() not in path.read_bytes(), f"{secret!r} found in {path}"
