"""Vehicle services end to end on the sandbox: the certificat de situation administrative on
HistoVec and a garage's habilitation request with its scanned documents (the cost simulator:
test_simulateur.py)."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from autopilot.engine.runner import Outcome

TODAY = date(2026, 11, 15)
CLEAN = "La situation administrative du véhicule ne fait apparaître aucune particularité."


@pytest.fixture(autouse=True)
def fixed_date(sandbox):
    sandbox.today = TODAY


# -- the certificat de situation administrative (HistoVec) -----------------------------------------


def test_non_gage_of_a_clean_vehicle(run_demarche, sandbox):
    data = {"plaque": "ab 123 cd", "date_premiere_immatriculation": "15/03/2018", "date_certificat": "2021-06-02",
            "titulaire_nom": "MARTIN", "titulaire_prenoms": "JEANNE MARIE"}
    result, approver, _ = run_demarche("immatriculation-non-gage", data)

    assert result.outcome is Outcome.COMPLETED, result.error
    assert result.outputs == {"situation": CLEAN, "date_edition": "15/11/2026"}
    (record,) = sandbox.received("histovec-csa")
    assert record["plaque"] == "AB-123-CD" and record["edite_le"] == "15/11/2026"
    assert record["data"] == {
        "titulaire": "particulier", "nom": "MARTIN", "prenoms": "JEANNE MARIE", "raison_sociale": "", "siren": "",
        "plaque": "AB-123-CD", "date_premiere_immatriculation": "15/03/2018", "date_certificat": "02/06/2021",
    }
    assert approver.seen[-1].outputs == (("Situation administrative", CLEAN),
                                         ("Date d'édition du certificat", "15/11/2026"))


def test_non_gage_of_a_pledged_vehicle_shows_the_gage(run_demarche):
    result, _, _ = run_demarche("immatriculation-non-gage", {
        "plaque": "FG-456-HJ", "date_premiere_immatriculation": "20/09/2019", "date_certificat": "20/09/2019",
        "titulaire_nom": "Dupont", "titulaire_prenoms": "Karim"})
    assert result.outcome is Outcome.COMPLETED, result.error
    assert result.outputs["situation"] == "Gage inscrit le 12/01/2024 au profit de CRÉDIT AUTO EXEMPLE."


def test_non_gage_for_a_company(run_demarche, sandbox):
    result, _, _ = run_demarche("immatriculation-non-gage", {
        "plaque": "KL-789-MN", "date_premiere_immatriculation": "04/07/2020", "date_certificat": "04/07/2020",
        "raison_sociale": "TRANSPORTS LEFÈVRE", "siren": "732829320"})
    assert result.outcome is Outcome.COMPLETED, result.error
    assert sandbox.received("histovec-csa")[0]["data"]["titulaire"] == "societe"


def test_non_gage_with_a_name_not_as_printed_stops_on_the_sites_message(run_demarche, sandbox):
    result, approver, _ = run_demarche("immatriculation-non-gage", {
        "plaque": "AB-123-CD", "date_premiere_immatriculation": "15/03/2018", "date_certificat": "02/06/2021",
        "titulaire_nom": "MARTIN", "titulaire_prenoms": "JEANNE"})
    assert result.outcome is Outcome.STOPPED
    assert approver.seen[-1].site_errors == (
        ("Aucun véhicule ne correspond aux informations saisies. Vérifiez qu'elles sont identiques "
        "à celles figurant sur le certificat d'immatriculation du véhicule."),)
    assert sandbox.received("histovec-csa") == []


# -- the professionals' habilitation ---------------------------------------------------------------

GARAGE = {
    "raison_sociale": "Garage du Centre",
    "siret": "732 829 320 00074",
    "date_creation": "01/03/2019",
    "etablissement": {"voie": "3 rue du Moulin", "code_postal": "60000", "commune": "Beauvais"},
    "activite": "commerce",
    "agrement": True,
    "gerant_nom": "Lefèvre",
    "gerant_prenoms": "Paul",
    "telephone": "06 12 34 56 78",
    "courriel": "garage.du.centre@example.fr",
    "kbis": "kbis.pdf",
    "piece_identite": "piece-identite.pdf",
}


def _scanned(scans, name: str) -> dict:
    content = (scans / name).read_bytes()
    return {"nom": name, "taille": len(content), "sha256": hashlib.sha256(content).hexdigest()}


def test_habilitation_of_a_garage_with_its_scans(run_demarche, sandbox, scans):
    result, approver, _ = run_demarche("immatriculation-habilitation",
                                       {**GARAGE, "casier_judiciaire": "casier-judiciaire.pdf"})

    assert result.outcome is Outcome.COMPLETED, result.error
    (record,) = sandbox.received("immatriculation-habilitation")
    assert result.outputs == {"numero_demande": record["numero_demande"]}
    assert record["data"] == {
        "raison_sociale": "Garage du Centre", "siret": "73282932000074", "date_creation": "01/03/2019",
        "voie": "3 rue du Moulin", "code_postal": "60000", "commune": "Beauvais",
        "activite_commerce": "oui", "agrement": "oui",
        "gerant_nom": "Lefèvre", "gerant_prenoms": "Paul", "telephone": "0612345678",
        "courriel": "garage.du.centre@example.fr",
        "kbis": _scanned(scans, "kbis.pdf"), "piece_identite": _scanned(scans, "piece-identite.pdf"),
        "casier_judiciaire": _scanned(scans, "casier-judiciaire.pdf"),
        "certification": "oui",
    }
    assert [v.title for v in approver.seen if v.gate == "submit"][:1] == ["Récapitulatif"]


def test_habilitation_of_an_expert_without_agrement_nor_casier(run_demarche, sandbox, scans):
    data = {**GARAGE, "activite": "expert", "agrement": None}
    result, _, _ = run_demarche("immatriculation-habilitation", data)

    assert result.outcome is Outcome.COMPLETED, result.error
    received = sandbox.received("immatriculation-habilitation")[0]["data"]
    assert [key for key in received if key.startswith("activite_")] == ["activite_expert"]
    assert "agrement" not in received and "casier_judiciaire" not in received
