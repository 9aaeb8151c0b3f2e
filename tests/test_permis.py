"""Driving-licence démarches end to end on the sandbox: the demande for each of its five motifs
(each takes another path through the site), the timbre bought by the citizen themselves, the
scans attached from the scanner folder, and the suivi read back from what the sandbox holds."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from citizens import CAMILLE, citizen
from paying import assert_card_not_kept, citizen_pays
from test_identite import only

from autopilot.engine.approver import Moment
from autopilot.engine.runner import Outcome
from autopilot.errors import DossierError
from autopilot.flows.inputs import validate_inputs


@pytest.fixture(autouse=True)
def fixed_date(sandbox):
    """The sandbox's « today », so declaration dates and the attestation's end do not move."""
    sandbox.today = date(2026, 11, 15)


BASE = {
    **{key: CAMILLE[key] for key in ("usager", "adresse", "contact")},
    "neph": "123456 789012",
    "code_ephoto": "ab12 cd34 ef56 gh78 ij90 kl",
    "justificatif_domicile": "justificatif-domicile.pdf",
    "piece_identite": "piece-identite.pdf",
}
BY_MOTIF = {
    "vol": {"reference_plainte": "2026/001234", "date_plainte": "02/11/2026", "timbre": "1234 5678 9012 3456"},
    "perte": {"date_perte": "28/10/2026", "circonstances": "Perdu au marché du samedi."},
    "deterioration": {"neph": None},
    "expiration": {},
    "changement_etat_civil": {"nouveau_nom": "Durand", "justificatif_etat_civil": "acte-mariage.pdf"},
}


def demande(motif: str) -> dict:
    return citizen(BASE, motif=motif, **BY_MOTIF[motif])


def scanned(scans, name: str) -> dict:
    """What the administration must receive for a document of the scanner folder."""
    content = (scans / name).read_bytes()
    return {"nom": name, "taille": len(content), "sha256": hashlib.sha256(content).hexdigest()}


def received(scans, motif: str, **motif_fields) -> dict:
    """What the form must have sent for Camille, written by hand from the data as typed."""
    return {
        "motif": motif, **motif_fields,
        "neph": "123456789012", "nom_naissance": "Lefèvre", "nom_usage": "", "prenoms": "Camille, Louise",
        "sexe": "F", "date_naissance": "14/07/1985", "pays_naissance": "France", "departement_naissance": "35",
        "commune_naissance": "Rennes", "voie": "12 rue des Lilas", "complement": "", "code_postal": "35000",
        "commune": "Rennes", "telephone": "0612345678", "courriel": "", "code_ephoto": "AB12CD34EF56GH78IJ90KL",
        "justificatif_domicile": scanned(scans, "justificatif-domicile.pdf"),
        "piece_identite": scanned(scans, "piece-identite.pdf"), "certification": "oui",
    }


def test_theft_with_the_citizens_timbre(run_demarche, sandbox, scans):
    result, approver, _ = run_demarche("permis-demande", demande("vol"))

    assert result.outcome is Outcome.COMPLETED, result.error
    record = only(sandbox, "permis-demande")
    assert record["data"] == received(
        scans, "vol", reference_plainte="2026/001234", date_plainte="02/11/2026",
        timbre_choix="deja", numero_timbre="1234567890123456", timbre_montant="25",
    )
    assert result.outputs == {"numero_dossier": record["numero_dossier"]}
    titles = [v.title for v in approver.seen if v.moment is Moment.REVIEW]
    assert "Déclaration de vol" in titles and "Déclaration de perte" not in titles
    assert sandbox.received("timbre-achat") == []


def test_loss_declared_in_the_demande_with_a_timbre_bought_by_the_citizen(run_demarche, sandbox, scans, page):
    result, approver, _ = run_demarche("permis-demande", demande("perte"), citizen_pays(page))

    assert result.outcome is Outcome.COMPLETED, result.error
    purchase = only(sandbox, "timbre-achat")
    assert (purchase["montant"], purchase["carte_fin"]) == (25, "1111")
    record = only(sandbox, "permis-demande")
    assert record["data"] == received(
        scans, "perte", date_perte="28/10/2026", circonstances="Perdu au marché du samedi.",
        declaration_honneur="oui", timbre_choix="achat", numero_timbre=purchase["numero_timbre"],
        timbre_montant="25",
    )
    assert result.outputs == {
        "numero_dossier": record["numero_dossier"],
        "numero_timbre": " ".join(purchase["numero_timbre"][i:i + 4] for i in range(0, 16, 4)),
        "attestation_perte": "15/01/2027",
    }
    assert [v.title for v in approver.seen if v.moment is Moment.MANUAL] == ["Paiement du timbre"]
    assert page.get_by_role("heading", name="Attestation de perte du permis de conduire").is_visible()
    assert_card_not_kept(sandbox.received())


@pytest.mark.parametrize("motif", ["deterioration", "expiration"])
def test_deterioration_and_expiration_need_no_declaration_and_no_timbre(run_demarche, sandbox, scans, motif):
    result, approver, _ = run_demarche("permis-demande", demande(motif))

    assert result.outcome is Outcome.COMPLETED, result.error
    expected = received(scans, motif)
    if motif == "deterioration":  # the citizen does not know their NEPH: the field is left empty
        expected["neph"] = ""
    assert only(sandbox, "permis-demande")["data"] == expected
    titles = {v.title for v in approver.seen}
    assert not titles & {"Déclaration de vol", "Déclaration de perte", "Nouvel état civil", "Timbre fiscal"}


def test_changement_detat_civil_sends_the_new_name_and_its_proof(run_demarche, sandbox, scans):
    result, _, _ = run_demarche("permis-demande", demande("changement_etat_civil"))

    assert result.outcome is Outcome.COMPLETED, result.error
    assert only(sandbox, "permis-demande")["data"] == received(
        scans, "changement_etat_civil", nouveau_nom="Durand", nouveaux_prenoms="",
        justificatif_etat_civil=scanned(scans, "acte-mariage.pdf"),
    )
    assert sandbox.sms()[-1]["to"] == "0612345678"


def test_the_demande_just_recorded_is_found_by_the_suivi(run_demarche, sandbox, scans):
    first, _, _ = run_demarche("permis-demande", demande("expiration"))
    numero = first.outputs["numero_dossier"]
    result, approver, _ = run_demarche("permis-suivi", {"numero_dossier": numero.lower()})

    assert result.outcome is Outcome.COMPLETED, result.error
    assert result.outputs == {"statut": "Demande enregistrée"}
    assert approver.seen[-1].outputs == (("Statut de la demande", "Demande enregistrée"),)


@pytest.mark.parametrize("numero, statut", [
    ("PC2610004217", "En cours d'instruction"),
    ("PC2609003958", "En cours de fabrication"),
    ("PC 2608 001234", "Envoyé par courrier"),
])
def test_suivi_reads_the_status_the_sandbox_holds(run_demarche, numero, statut):
    result, _, _ = run_demarche("permis-suivi", {"numero_dossier": numero})
    assert result.outcome is Outcome.COMPLETED, result.error
    assert result.outputs == {"statut": statut}


def test_suivi_of_an_unknown_number_shows_the_sites_message(run_demarche):
    result, approver, _ = run_demarche("permis-suivi", {"numero_dossier": "PC2699999999"})
    assert result.outcome is Outcome.STOPPED
    assert approver.seen[-1].site_errors == ("Aucun dossier ne correspond à ce numéro.",)


@pytest.mark.parametrize("motif, missing", [
    ("vol", ["Référence de la déclaration de vol", "Date de la déclaration de vol"]),
    ("perte", ["Date de la perte", "Circonstances de la perte"]),
    ("changement_etat_civil", ["Nouveau nom de famille"]),  # a scan left open is picked in the panel
])
def test_what_a_motif_needs_is_asked_before_the_browser_opens(library, scans, motif, missing):
    data = {key: value for key, value in demande(motif).items() if key not in BY_MOTIF[motif]}
    with pytest.raises(DossierError) as caught:
        validate_inputs(library.find("permis-demande").flow, data)
    assert [label for label, _ in caught.value.problems] == missing
