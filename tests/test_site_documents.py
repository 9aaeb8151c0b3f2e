"""The site's own documents at a démarche's end (issue 17): the console keeps the window on the site's
last page until the mediator asks for the result page, saves every document that page offers
(« Télécharger le certificat d'examen (CEPC) ») in the visit's folder, lists it for printing beside
the récapitulatif, and lists a file the mediator downloads meanwhile too."""

from __future__ import annotations

import time
from datetime import date

import pytest
from playwright.sync_api import expect
from test_consent import GIVE_FILE
from test_console import Console, pdf_text

CANDIDATE = {"neph": "210692106990", "date_naissance": "12/04/2006", "categorie": "B"}
EXAM = "Connaître le résultat de l'examen du permis de conduire"


@pytest.fixture(autouse=True)
def fixed_date(sandbox):
    sandbox.today = date(2026, 11, 20)


def solve_the_captcha(page) -> None:
    """The person at the desk reads the code in the image, ticks the box, clicks « Rechercher »."""
    body = page.locator("body")
    code = "".join(body.locator(".fr-captcha__glyph").all_text_contents())
    body.get_by_label("Recopiez le code affiché").fill(code)
    body.get_by_label("Je ne suis pas un robot").check(force=True)
    body.get_by_role("button", name="Rechercher").click()


def test_the_exams_cepc_is_kept_and_the_window_waits_for_the_mediator(browser_type, sandbox, tmp_path):
    app = Console(browser_type, sandbox, tmp_path / "home")
    page = app.page
    page.get_by_role("link", name=EXAM, exact=True).click()
    app.type_citizen(CANDIDATE)
    page.get_by_role("button", name="Commencer la démarche").click()
    app.agree()
    app.approve([("Identification du candidat", False)])
    app.panel.get_by_role("heading", name="Vérification anti-robot", exact=True).wait_for(timeout=20_000)
    solve_the_captcha(page)

    back = app.panel.get_by_role("button", name="Voir le résultat dans la console", exact=True)
    expect(back).to_be_visible(timeout=30_000)
    time.sleep(5)  # the console used to take the window back after 2–3 s
    expect(page.get_by_role("heading", name="Résultat de votre examen")).to_be_visible()
    expect(page.locator("body").get_by_role("link", name="Télécharger le certificat d'examen (CEPC)")).to_be_visible()
    app.shot("fin-de-demarche-documents")
    page.evaluate(GIVE_FILE)  # the mediator downloads something more from the site's page
    deadline = time.monotonic() + 10
    while not list(app.visits.glob("*/1-recu.txt")):  # saved as it arrives, the window still the site's
        assert time.monotonic() < deadline
        time.sleep(0.1)
    expect(back).to_be_enabled()
    back.click()

    expect(page.get_by_role("heading", name="Démarche terminée")).to_be_visible(timeout=20_000)
    files = page.get_by_role("region", name="Fichiers reçus du site")
    expect(files.get_by_role("link", name="1-certificat-d-examen-cepc.pdf", exact=True)).to_be_visible()
    expect(files.get_by_role("link", name="Imprimer 1-certificat-d-examen-cepc.pdf")).to_be_visible()
    expect(files.get_by_role("link", name="1-recu.txt", exact=True)).to_be_visible()
    app.shot("resultat-documents")
    [folder] = app.visits.iterdir()
    cepc = folder / "1-certificat-d-examen-cepc.pdf"
    saved = cepc.exists() and cepc.read_bytes()
    recu = (folder / "1-recu.txt").read_text(encoding="utf-8")
    text = pdf_text(cepc) if saved else ""

    status, out, err = app.close_window()
    assert status == 0, err
    assert saved and saved.startswith(b"%PDF-"), out + err
    assert recu.startswith("Reçu pour")
    assert "CEPC" in text and "210692106990" in text, text
