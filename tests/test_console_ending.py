"""The console's last second: when the journal fails right after a submission, the numéro and the
récapitulatif are shown and kept and the failure is said as it is; a SIGTERM mid-démarche leaves
its journal entry (issue 21, items 5 and 9)."""

from __future__ import annotations

import signal
import time
from datetime import date

from citizens import CAMILLE
from playwright.sync_api import expect
from test_console import FLOW, Console, reviews

from autopilot.journal import Journal
from autopilot.ui.visit import forget_expired


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
    app.see_result(timeout=20_000)
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


def test_sigterm_during_a_demarche_leaves_its_journal_entry(browser_type, sandbox, library, tmp_path):
    home = tmp_path / "home"
    app = Console(browser_type, sandbox, home)
    page = app.page
    page.get_by_role("link", name="Pré-demande de passeport", exact=True).click()
    app.type_citizen(CAMILLE)
    page.get_by_role("button", name="Commencer la démarche").click()
    app.agree()
    app.approve([("Connexion", False)])
    app.panel.get_by_role("heading", name="Motif de la demande", exact=True).wait_for(timeout=20_000)
    app.process.send_signal(signal.SIGTERM)  # the session closes, the PC shuts down
    out, err = app.process.communicate(timeout=60)

    assert app.process.returncode == 10, out + err
    assert "Traceback" not in err and "Erreur interne" not in err
    entries = [e for e in Journal(home / "data" / "journal.sqlite3").entries() if e.flow_id]
    assert [(e.flow_id, e.outcome, e.step, e.details) for e in entries] == [
        (FLOW, "interrompue", "Motif de la demande", {"erreur": "arret-du-programme"})]
    assert list(app.visits.iterdir()) == []  # the visit's data went with it


def test_kept_recapitulatifs_go_after_the_retention_period(tmp_path):
    old = tmp_path / "2025-10-02-101500-a1b2c3"
    recent = tmp_path / "2026-11-15-090000-d4e5f6"
    for folder in (old, recent):
        folder.mkdir()
        (folder / "passeport-pre-demande-AB12CD34EF.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "notes.txt").write_text("pas une visite")  # only visits' folders are touched

    forget_expired(tmp_path, months=12, today=date(2026, 12, 6))

    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-11-15-090000-d4e5f6", "notes.txt"]
