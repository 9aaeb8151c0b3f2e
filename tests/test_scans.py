"""Documents from the mairie's scanner folder: picked in the panel when the citizen's data names
none, only ever taken from that folder, and sent to the site exactly as scanned."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml
from attached import attach, free_port
from conftest import SCANNED
from playwright.sync_api import expect
from test_identite import only
from test_permis import demande

from autopilot.engine.approver import Decision, Moment, ScriptedApprover
from autopilot.engine.runner import Outcome

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def fixed_date(sandbox):
    sandbox.today = date(2026, 11, 15)


def without_scans(motif: str = "deterioration") -> dict:
    data = demande(motif)
    del data["justificatif_domicile"], data["piece_identite"]
    return data


def sent(scans, name: str) -> dict:
    content = (scans / name).read_bytes()
    return {"nom": name, "taille": len(content), "sha256": hashlib.sha256(content).hexdigest()}


def test_the_mediator_picks_each_document_from_the_scanner_folder(run_demarche, sandbox, scans):
    approver = ScriptedApprover(scans={"Justificatif de domicile": "rib.pdf", "Pièce d'identité": "kbis.pdf"})
    result, approver, lines = run_demarche("permis-demande", without_scans(), approver)

    assert result.outcome is Outcome.COMPLETED, result.error
    picks = [v for v in approver.seen if v.moment is Moment.PICK]
    assert [v.pick_for for v in picks] == ["Justificatif de domicile", "Pièce d'identité"]
    assert sorted(picks[0].choices) == sorted(SCANNED)
    assert picks[0].allowed == {Decision.RESUME, Decision.SKIP, Decision.STOP}
    data = only(sandbox, "permis-demande")["data"]
    assert (data["justificatif_domicile"], data["piece_identite"]) == (sent(scans, "rib.pdf"), sent(scans, "kbis.pdf"))
    review = next(v for v in approver.seen if v.moment is Moment.REVIEW and v.title == "Justificatifs")
    assert [(f.label, f.value, f.source) for f in review.fields] == [
        ("Justificatif de domicile", "rib.pdf", "choisi par le médiateur"),
        ("Pièce d'identité", "kbis.pdf", "choisi par le médiateur"),
    ]
    assert "Étape 11/13 « Justificatifs » : document à choisir pour « Justificatif de domicile »." in lines


def test_a_document_scanned_while_the_panel_waits_is_listed_again(run_demarche, sandbox, scans):
    fresh = scans / "justificatif-rescanne.pdf"
    approver = ScriptedApprover(scans={"Pièce d'identité": "kbis.pdf"})
    asked: list[tuple[str, ...]] = []
    scripted = approver.pick

    def pick(view):
        if view.pick_for != "Justificatif de domicile":
            return scripted(view)
        asked.append(view.choices)
        if len(asked) == 1:
            fresh.write_bytes((scans / "rib.pdf").read_bytes())  # the mediator scans it now
            return Decision.RESUME  # « Actualiser la liste »
        return fresh.name

    approver.pick = pick
    try:
        result, _, _ = run_demarche("permis-demande", without_scans(), approver)
        assert result.outcome is Outcome.COMPLETED, result.error
        assert fresh.name not in asked[0] and asked[1][0] == fresh.name  # newest first
        assert only(sandbox, "permis-demande")["data"]["justificatif_domicile"] == sent(scans, fresh.name)
    finally:
        fresh.unlink()


def test_stopping_at_the_pick_sends_nothing(run_demarche, sandbox, scans):
    result, _approver, _ = run_demarche("permis-demande", without_scans(), ScriptedApprover())

    assert result.outcome is Outcome.STOPPED
    assert result.step == "Justificatifs"
    assert sandbox.received("permis-demande") == []


def test_a_document_skipped_leaves_the_field_empty_and_the_site_says_so(run_demarche, sandbox, scans):
    approver = ScriptedApprover(scans={"Justificatif de domicile": Decision.SKIP, "Pièce d'identité": "kbis.pdf"})
    result, approver, _ = run_demarche("permis-demande", without_scans(), approver)

    assert result.outcome is Outcome.STOPPED  # blocked by the site, then stopped by the script
    blocked = next(v for v in approver.seen if v.moment is Moment.BLOCKED)
    assert blocked.title == "Justificatifs" and blocked.site_errors
    assert sandbox.received("permis-demande") == []


def test_a_scan_removed_after_the_data_was_checked_blocks_the_step(run_demarche, sandbox, scans):
    gone = scans / "a-effacer.pdf"
    gone.write_bytes((scans / "rib.pdf").read_bytes())
    data = {**demande("deterioration"), "justificatif_domicile": "a-effacer.pdf"}

    approver = ScriptedApprover(plan={"Photo et signature": [Decision.APPROVE]})
    original = approver.decide

    def decide(view, poll=None):
        if view.title == "Photo et signature" and gone.exists():
            gone.unlink()  # deleted from the folder while the run goes on
        return original(view, poll)

    approver.decide = decide
    result, approver, _lines = run_demarche("permis-demande", data, approver)

    assert result.outcome is Outcome.STOPPED
    blocked = next(v for v in approver.seen if v.moment is Moment.BLOCKED)
    assert blocked.title == "Justificatifs"
    assert "« a-effacer.pdf » n'est pas dans le dossier des numérisations" in blocked.message
    assert sandbox.received("permis-demande") == []


REVIEWS = ["Connexion", "Mon espace", "Nouvelle demande", "Le permis de conduire", "Ma demande",
           "Motif du renouvellement", "Permis détérioré", "Permis de conduire", "État civil", "Adresse",
           "Photo et signature"]


def test_picking_a_scan_in_the_panel(browser_type, sandbox, scans, tmp_path):
    data_file = tmp_path / "usager.yaml"
    data_file.write_text(yaml.safe_dump(without_scans(), allow_unicode=True), encoding="utf-8")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "autopilot", "run", "permis-demande", "--data", str(data_file), "--headless",
         "--sandbox-url", sandbox.address, "--remote-debugging-port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    browser = attach(browser_type, port, process)
    panel = browser.contexts[0].pages[0].locator("autopilot-panel")

    def at(title: str) -> None:
        panel.get_by_role("heading", name=title, exact=True).wait_for(timeout=20_000)

    for title in REVIEWS:
        at(title)
        panel.get_by_role("button", name="Valider et continuer", exact=True).click(timeout=20_000)
    at("Justificatifs")
    documents = panel.get_by_role("region", name="Documents numérisés")
    assert sorted(documents.get_by_role("button").all_inner_texts()) == sorted(SCANNED)
    expect(panel.get_by_role("button", name="Ne joindre aucun document")).to_be_visible()
    documents.get_by_role("button", name="justificatif-domicile.pdf").click()
    panel.get_by_role("button", name="piece-identite.pdf").click(timeout=20_000)
    panel.get_by_role("cell", name="piece-identite.pdf").wait_for(timeout=20_000)  # the review shows it
    panel.get_by_role("button", name="Valider et continuer", exact=True).click()
    at("Récapitulatif")
    panel.get_by_role("button", name="Valider et continuer", exact=True).click()
    panel.get_by_role("button", name="Confirmer l'envoi", exact=True).click()
    _out, err = process.communicate(timeout=60)

    assert process.returncode == 0, err
    data = only(sandbox, "permis-demande")["data"]
    assert data["justificatif_domicile"] == sent(scans, "justificatif-domicile.pdf")
    assert data["piece_identite"] == sent(scans, "piece-identite.pdf")
