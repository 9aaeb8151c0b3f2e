"""The console when the journal fails right after a submission: the numéro and the récapitulatif
are shown and kept, the failure is said as it is (issue 21, item 5)."""

from __future__ import annotations

import time

from citizens import CAMILLE
from playwright.sync_api import expect
from test_console import FLOW, Console, reviews


def test_a_journal_failure_after_the_submission_keeps_the_result(browser_type, sandbox, library, tmp_path):
    home = tmp_path / "home"
    app = Console(browser_type, sandbox, home)
    page = app.page
    page.get_by_role("link", name="Pré-demande de passeport", exact=True).click()
    app.type_citizen(CAMILLE)
    page.get_by_role("button", name="Commencer la démarche").click()
    app.agree()
    app.approve(reviews(library, CAMILLE, login=True))
    deadline = time.monotonic() + 60
    while not sandbox.received(FLOW):  # the administration has the pré-demande…
        assert time.monotonic() < deadline
        time.sleep(0.002)
    (home / "data").rename(home / "data-disparu")  # …and the journal's folder goes away
    (home / "data").write_text("")

    [record] = sandbox.received(FLOW)
    numero = record["numero_predemande"]
    expect(page.get_by_role("heading", name="Démarche terminée")).to_be_visible(timeout=20_000)
    expect(page.get_by_text(numero, exact=True)).to_be_visible()
    problem = page.get_by_role("alert").filter(has_text="Le journal n'a pas pu enregistrer cette démarche")
    expect(problem).to_contain_text("elle a bien été faite sur le site")
    expect(problem).to_contain_text("Notez le numéro")
    expect(page.get_by_text("Fichier gardé après la visite")).to_be_visible()

    status, out, err = app.close_window()
    assert f"Numéro de pré-demande : {numero}" in out
    assert "Aucune démarche ne commence" not in out + err
    assert "Le journal n'a pas pu enregistrer la démarche « Pré-demande de passeport »" in out + err
    assert status == 9, out + err
    [kept] = app.visits.rglob(f"{FLOW}-*.pdf")  # the récapitulatif outlives the visit
    assert kept.read_bytes().startswith(b"%PDF-")
