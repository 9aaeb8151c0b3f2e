"""What the console says, through its web app: the documents a démarche asks, a scanner folder
with nothing to offer, a result's kind, and « Terminer la visite » asking a second click."""

from __future__ import annotations

import html

import pytest
from citizens import CAMILLE

from autopilot.engine.runner import Outcome, RunResult
from autopilot.flows.inputs import validate_inputs
from autopilot.ui.desk import Desk
from autopilot.ui.server import create_app

HERE = {"Host": "127.0.0.1:5555", "Origin": "http://127.0.0.1:5555"}


@pytest.fixture
def desk(library, tmp_path) -> Desk:
    return Desk(library, mediateur="Camille Martin", sandbox=False, mairie=None, visits=tmp_path / "visites")


@pytest.fixture
def client(desk):
    return create_app(desk, "jeton", "http://127.0.0.1:5555").test_client()


def page(client, path: str) -> str:
    return html.unescape(client.get(f"/jeton{path}", headers=HERE).text)


def test_the_changement_de_titulaire_asks_every_document_the_site_asks(client, library, scans):
    form = page(client, "/demarches/immatriculation-changement-titulaire")
    flow = library.find("immatriculation-changement-titulaire").flow
    uploads = [action.upload for step in flow.steps for action in step.fill if hasattr(action, "upload")]
    assert len(uploads) == 4 and "Pièce d'identité du titulaire" in uploads
    for document in uploads:  # each one the site asks is named in the form (the ID twice: one scan)
        assert document in form, document


def test_without_a_scanner_folder_the_form_says_how_to_set_one(library, tmp_path, autopilot_home):
    def client(folder):
        desk = Desk(library, mediateur="Camille Martin", sandbox=False, mairie=None, visits=tmp_path / "visites",
                    scans_folder=folder)
        return create_app(desk, "jeton", "http://127.0.0.1:5555").test_client()

    missing = tmp_path / "pas-de-scanner"
    form = page(client(missing), "/demarches/immatriculation-changement-titulaire")
    assert f"Le dossier des numérisations ({missing}) n'existe pas" in form
    assert "« numerisations: /chemin/du/dossier » dans le fichier de réglages" in form
    assert "AUTOPILOT_SCANS=/chemin/du/dossier" in form

    empty = tmp_path / "vide"
    empty.mkdir()
    reading = page(client(empty), "/demarches/passeport-pre-demande")
    assert f"Aucun document dans le dossier des numérisations ({empty}). Numérisez-y le document" in reading


def _finished(desk, library, flow_id: str, data: dict, outputs: dict) -> int:
    flow = library.find(flow_id).flow
    desk.await_consent(flow, validate_inputs(flow, data))
    desk.agree([])
    demarche = desk.start_pending()
    desk.starts.get_nowait()
    desk.finished(demarche, RunResult(Outcome.COMPLETED, outputs), None)
    return demarche.number


def test_a_sentence_result_is_not_a_number_to_note(client, desk, library):
    number = _finished(desk, library, "passeport-pre-demande", CAMILLE, {"numero_predemande": "AB12CD34EF"})
    shown = page(client, f"/resultats/{number}")
    assert 'output-reference" aria-labelledby="sortie-1">AB12CD34EF' in shown
    assert "Notez ce numéro" in shown

    number = _finished(desk, library, "permis-solde-points", {"neph": "210692106990"}, {"solde": "12 points"})
    shown = page(client, f"/resultats/{number}")
    assert 'output-sentence" aria-labelledby="sortie-1">12 points' in shown
    assert "Notez ce numéro" not in shown


def test_ending_the_visit_asks_a_second_click(client, desk, library):
    _finished(desk, library, "passeport-pre-demande", CAMILLE, {"numero_predemande": "AB12CD34EF"})
    asked = html.unescape(client.post("/jeton/visite/terminer", headers=HERE).text)
    assert "Terminer la visite de" in asked and "Oui, terminer la visite" in asked and "Non, revenir" in asked
    assert desk.visit.values != {}  # nothing erased yet
    client.post("/jeton/visite/terminer", data={"confirme": "oui"}, headers=HERE)
    assert desk.visit.values == {}
