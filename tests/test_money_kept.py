"""Money and results are never lost (issue 17): a passport stopped after the citizen paid their timbre
shows the timbre's number and says that the payment was made — in the console's result page, the
terminal and the journal — whether the mediator stopped it or closed the window."""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from citizens import CAMILLE, citizen
from paying import TEST_CARD
from playwright.sync_api import expect
from test_console import FLOW, Console
from test_panel_run import Autopilot

from autopilot.journal import Journal

UNPAID = citizen(CAMILLE, timbre=None)
BEFORE_PAYMENT = ["Connexion", "Motif de la demande", "État civil", "Adresse", "Filiation", "Timbre fiscal"]


@pytest.fixture(autouse=True)
def fixed_date(sandbox):
    sandbox.today = date(2026, 11, 15)  # the adult price: 86 €


def pay_on_the_page(page) -> None:
    """The citizen types their own card on the site's payment page."""
    body = page.locator("body")
    body.get_by_label("Numéro de carte").fill(TEST_CARD)
    body.get_by_label("Date d'expiration (MM/AA)").fill("12/30")
    body.get_by_label("Cryptogramme visuel").fill("123")
    body.get_by_role("button", name="Payer 86 €").click()


def grouped(numero: str) -> str:
    return " ".join(numero[i:i + 4] for i in range(0, len(numero), 4))


def test_a_console_demarche_stopped_after_the_payment_shows_the_timbre(browser_type, sandbox, library, tmp_path):
    home = tmp_path / "home"
    app = Console(browser_type, sandbox, home)
    page = app.page
    page.get_by_role("link", name="Pré-demande de passeport", exact=True).click()
    typed = dict(UNPAID)
    del typed["timbre"]
    app.type_citizen(typed)
    page.get_by_role("button", name="Commencer la démarche").click()
    app.agree()
    app.approve([(title, False) for title in BEFORE_PAYMENT])
    app.panel.get_by_role("heading", name="Paiement du timbre", exact=True).wait_for(timeout=20_000)
    pay_on_the_page(page)
    app.panel.get_by_role("heading", name="Timbre acheté", exact=True).wait_for(timeout=20_000)
    app.approve([("Timbre acheté", False)])
    app.panel.get_by_role("heading", name="Récapitulatif", exact=True).wait_for(timeout=20_000)
    app.panel.get_by_role("button", name="Arrêter la démarche", exact=True).click()
    app.panel.get_by_role("button", name="Oui, arrêter la démarche", exact=True).click()  # its confirmation

    [purchase] = sandbox.received("timbre-achat")
    numero = grouped(purchase["numero_timbre"])
    expect(page.get_by_role("heading", name="Démarche interrompue")).to_be_visible(timeout=20_000)
    result = page.get_by_role("region", name="Résultat de la démarche")
    expect(result.get_by_text(numero, exact=True)).to_be_visible()
    expect(result.get_by_text("Numéro du timbre fiscal acheté")).to_be_visible()
    expect(page.get_by_text("Déjà fait sur le site : le paiement (étape « Paiement du timbre »).")).to_be_visible()
    expect(page.get_by_text("rien d'autre n'a été envoyé.")).to_have_count(0)
    app.shot("demarche-interrompue-apres-paiement")

    _, out, err = app.close_window()
    assert f"Numéro du timbre fiscal acheté : {numero}" in out, out + err
    assert "Déjà fait sur le site : le paiement (étape « Paiement du timbre »)." in out
    assert sandbox.received(FLOW) == []
    [entry] = [e for e in Journal(home / "data" / "journal.sqlite3").entries() if e.flow_id]
    assert (entry.outcome, entry.step, entry.refs) == ("interrompue", "Récapitulatif", {"numero_timbre": numero})


def test_a_window_closed_after_the_payment_still_shows_the_timbre_in_the_terminal(browser_type, sandbox, tmp_path):
    data = tmp_path / "usager.yaml"
    data.write_text(yaml.safe_dump(UNPAID, allow_unicode=True), encoding="utf-8")
    run = Autopilot(browser_type, sandbox, data)
    for title in BEFORE_PAYMENT:
        run.at_step(title)
        run.click("Valider et continuer")
    run.at_step("Paiement du timbre")
    pay_on_the_page(run.page)
    run.at_step("Timbre acheté")
    run.click("Valider et continuer")
    run.at_step("Récapitulatif")
    run.page.close()  # the mediator closes the window
    status, out, err = run.finish()

    [purchase] = sandbox.received("timbre-achat")
    numero = grouped(purchase["numero_timbre"])
    assert status == 10, out + err
    assert f"Numéro du timbre fiscal acheté : {numero}" in out, out + err
    assert "Déjà fait sur le site : le paiement (étape « Paiement du timbre »)." in out
    assert "rien d'autre n'a été envoyé" not in out
