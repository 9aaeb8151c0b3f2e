"""Vehicle services end to end on the sandbox: the certificat de situation administrative on
HistoVec and a garage's habilitation request with its scanned documents (the cost simulator:
test_simulateur.py)."""

from __future__ import annotations

import hashlib
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest

from autopilot.engine.runner import Outcome

TODAY = date(2026, 11, 15)


@pytest.fixture(autouse=True)
def fixed_date(sandbox):
    sandbox.today = TODAY


# -- the certificat de situation administrative (HistoVec, docs/teleservices.md §9.1) --------------

NOTHING = {"gages": "NON", "oppositions": "NON", "saisies": "NON", "suspensions": "NON", "vole": "NON",
           "donnees": "Datant du 15/11/2026"}


@pytest.mark.parametrize("data, received", [
    ({"plaque": "db 732 mn", "numero_formule": "2020 db 73205", "titulaire_nom": "Lefèvre",
      "titulaire_prenoms": "Camille, Louise"},
     {"type_immatriculation": "siv", "type_personne": "particulier", "nom": "Lefèvre", "prenoms": "Camille, Louise",
      "plaque": "DB-732-MN", "numero_formule": "2020DB73205"}),
    ({"plaque": "KL-789-MN", "numero_formule": "2020KL78902", "raison_sociale": "TRANSPORTS LEFÈVRE",
      "siren": "732 829 320"},
     {"type_immatriculation": "siv", "type_personne": "morale", "raison_sociale": "TRANSPORTS LEFÈVRE",
      "siren": "732829320", "plaque": "KL-789-MN", "numero_formule": "2020KL78902"}),
    ({"plaque": "852-bcd-69", "date_certificat": "2003-11-08", "titulaire_nom": "Garnier",
      "titulaire_prenoms": "Paul André"},
     {"type_immatriculation": "fni", "type_personne": "particulier", "nom_prenoms": "Garnier Paul André",
      "plaque": "852 BCD 69", "date_emission": "08/11/2003"}),
    ({"plaque": "4417 XM 33", "date_certificat": "21/02/2007", "raison_sociale": "Boulangerie Durand"},
     {"type_immatriculation": "fni", "type_personne": "morale", "raison_sociale": "Boulangerie Durand", "siren": "",
      "plaque": "4417 XM 33", "date_emission": "21/02/2007"}),
], ids=["siv-particulier", "siv-personne-morale", "fni-particulier", "fni-personne-morale"])
def test_non_gage_for_each_plate_and_holder(run_demarche, sandbox, data, received):
    result, approver, _ = run_demarche("immatriculation-non-gage", data)

    assert result.outcome is Outcome.COMPLETED, result.error
    (search,) = sandbox.received("histovec-recherche")
    assert search["data"] == received
    assert search["plaque"] == received["plaque"]
    certificat = Path(result.outputs.pop("certificat"))
    assert result.outputs == NOTHING
    assert ("Gages", "NON") in approver.seen[-1].outputs
    assert certificat.name == "certificat-situation-administrative.pdf"
    text = " ".join(subprocess.run(["pdftotext", str(certificat), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Certificat de situation administrative détaillé" in text
    assert "Certificat attestant la situation administrative au : 15/11/2026" in text
    assert f"Numéro d'immatriculation : {received['plaque']}" in text
    (csa,) = sandbox.received("histovec-csa")
    assert csa["rapport"] == search["rapport"]


def test_non_gage_of_a_gaged_vehicle_whose_data_comes_late(run_demarche, sandbox):
    # HistoVec shows « Rien à signaler » and « NON » under its loader for 3 s before this vehicle's data.
    started = time.monotonic()
    result, _, _ = run_demarche("immatriculation-non-gage", {
        "plaque": "HT-562-VB", "numero_formule": "2021HT56204", "titulaire_nom": "ROUSSEL",
        "titulaire_prenoms": "NADIA"})
    assert result.outcome is Outcome.COMPLETED, result.error
    assert time.monotonic() - started >= 3
    assert result.outputs["gages"] == "15/06/2021 - DIAC SA"
    assert result.outputs["oppositions"] == "NON"


def test_non_gage_of_a_stolen_vehicle(run_demarche):
    result, _, _ = run_demarche("immatriculation-non-gage", {
        "plaque": "EV-318-PA", "numero_formule": "2022EV31805", "titulaire_nom": "Petit", "titulaire_prenoms": "Thomas"})
    assert result.outcome is Outcome.COMPLETED, result.error
    assert result.outputs["vole"] == "OUI"  # « Déclaré volé », not « Déclaré volée » which starts with it


def test_non_gage_of_an_unknown_vehicle_ends_on_the_sites_words(run_demarche, sandbox):
    result, approver, lines = run_demarche("immatriculation-non-gage", {
        "plaque": "DB-732-MN", "numero_formule": "2020DB73205", "titulaire_nom": "Lefèvre",
        "titulaire_prenoms": "Camille"})
    assert result.outcome is not Outcome.COMPLETED
    assert result.outputs == {}
    said = " ".join(lines) + " " + approver.seen[-1].message
    assert "Page non trouvée" in said, said
    (search,) = sandbox.received("histovec-recherche")
    assert search["plaque"] is None and search["data"]["prenoms"] == "Camille"


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
    "date_kbis": "02/10/2026",
    "piece_identite": "piece-identite.pdf",
    "utilisateurs_siv": "1",
}


def _scanned(scans, name: str) -> dict:
    content = (scans / name).read_bytes()
    return {"nom": name, "taille": len(content), "sha256": hashlib.sha256(content).hexdigest()}


def test_habilitation_of_a_garage_with_the_id_of_each_siv_user(run_demarche, sandbox, scans):
    data = {**GARAGE, "utilisateurs_siv": "3", "identite_utilisateur_2": "mandat.pdf",
            "identite_utilisateur_3": "justificatif-domicile.pdf"}  # any scan stands for an ID here
    result, approver, _ = run_demarche("immatriculation-habilitation", data)

    assert result.outcome is Outcome.COMPLETED, result.error
    (record,) = sandbox.received("immatriculation-habilitation")
    assert result.outputs == {"numero_demande": record["numero_demande"]}
    assert record["data"] == {
        "raison_sociale": "Garage du Centre", "siret": "73282932000074", "date_creation": "01/03/2019",
        "voie": "3 rue du Moulin", "code_postal": "60000", "commune": "Beauvais",
        "activite_commerce": "oui", "agrement": "oui",
        "gerant_nom": "Lefèvre", "gerant_prenoms": "Paul", "telephone": "0612345678",
        "courriel": "garage.du.centre@example.fr",
        "kbis": _scanned(scans, "kbis.pdf"), "date_kbis": "02/10/2026",
        "piece_identite": _scanned(scans, "piece-identite.pdf"), "utilisateurs_siv": "3",
        "identite_utilisateur_2": _scanned(scans, "mandat.pdf"),
        "identite_utilisateur_3": _scanned(scans, "justificatif-domicile.pdf"),
        "certification": "oui",
    }
    assert [v.title for v in approver.seen if v.gate == "submit"][:1] == ["Récapitulatif"]


@pytest.mark.parametrize("activite, label", [
    ("operateur", "activite_operateur"), ("amenageur", "activite_amenageur"),
    ("reparateur", "activite_reparateur"), ("ventes", "activite_ventes"),
])
def test_the_activities_of_the_prefectures_pages(run_demarche, sandbox, scans, activite, label):
    result, _, _ = run_demarche("immatriculation-habilitation", {**GARAGE, "activite": activite})
    assert result.outcome is Outcome.COMPLETED, result.error
    received = sandbox.received("immatriculation-habilitation")[0]["data"]
    assert [key for key in received if key.startswith("activite_")] == [label]


def test_a_kbis_older_than_two_years_stops_on_the_sites_message(run_demarche, sandbox, scans):
    result, approver, _ = run_demarche("immatriculation-habilitation", {**GARAGE, "date_kbis": "14/11/2024"})
    assert result.outcome is Outcome.STOPPED
    assert approver.seen[-1].site_errors == ("L'extrait Kbis doit dater de moins de 2 ans.",)
    assert sandbox.received() == []


def test_habilitation_of_an_expert_without_agrement(run_demarche, sandbox, scans):
    data = {**GARAGE, "activite": "expert", "agrement": None}
    result, _, _ = run_demarche("immatriculation-habilitation", data)

    assert result.outcome is Outcome.COMPLETED, result.error
    received = sandbox.received("immatriculation-habilitation")[0]["data"]
    assert [key for key in received if key.startswith("activite_")] == ["activite_expert"]
    assert "agrement" not in received and "identite_utilisateur_2" not in received
