"""Driving-licence démarches end to end on the sandbox: the demande for each of its five motifs
(each takes another path through the site, docs/teleservices.md §9.3), the 25 € paid by the
citizen themselves at the end for a loss or a theft, the scans attached from the scanner folder,
and the suivi read back from what the sandbox holds."""

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
    "vol": {"declaration_vol": "declaration-vol.pdf"},
    "perte": {"date_perte": "28/10/2026", "circonstances": "Perdu au marché du samedi."},
    "deterioration": {"neph": None, "copie_permis": "permis-deteriore.pdf"},
    "expiration": {},
    "changement_etat_civil": {"nouveau_nom": "Durand", "justificatif_etat_civil": "acte-mariage.pdf"},
}
WAY_IN = ["Mon espace", "Nouvelle demande", "Le permis de conduire", "Ma demande", "Motif du renouvellement"]
"""The way in of docs/teleservices.md §9.3, as the mediator sees it step by step."""


def demande(motif: str) -> dict:
    return citizen(BASE, motif=motif, **BY_MOTIF[motif])


def scanned(scans, name: str) -> dict:
    """What the administration must receive for a document of the scanner folder."""
    content = (scans / name).read_bytes()
    return {"nom": name, "taille": len(content), "sha256": hashlib.sha256(content).hexdigest()}


def received(scans, motif: str, **motif_fields) -> dict:
    """What the form must have sent for Camille, written by hand from the data as typed."""
    return {
        "objet": "fabrication", "type_demande": "renouvellement", "motif": motif, **motif_fields,
        "neph": "123456789012", "nom_naissance": "Lefèvre", "nom_usage": "", "prenoms": "Camille, Louise",
        "sexe": "F", "date_naissance": "14/07/1985", "pays_naissance": "France", "departement_naissance": "35",
        "commune_naissance": "Rennes", "voie": "12 rue des Lilas", "complement": "", "code_postal": "35000",
        "commune": "Rennes", "telephone": "0612345678", "courriel": "", "code_ephoto": "AB12CD34EF56GH78IJ90KL",
        "justificatif_domicile": scanned(scans, "justificatif-domicile.pdf"),
        "piece_identite": scanned(scans, "piece-identite.pdf"), "certification": "oui",
    }


def demarche_titles(approver) -> list[str]:
    """The steps the mediator reviewed, from the démarche's first one (the login before it left out)."""
    titles = [v.title for v in approver.seen if v.moment is Moment.REVIEW]
    return titles[titles.index(WAY_IN[0]):]


def paid(sandbox, numero: str) -> dict:
    """The one payment the sandbox received for this dossier."""
    [payment] = [p for p in sandbox.received("permis-paiement") if p["numero_dossier"] == numero]
    return payment


def test_theft_uploads_the_declaration_and_the_citizen_pays_at_the_end(run_demarche, sandbox, scans, page):
    result, approver, _ = run_demarche("permis-demande", demande("vol"), citizen_pays(page))

    assert result.outcome is Outcome.COMPLETED, result.error
    record = only(sandbox, "permis-demande")
    assert record["data"] == received(scans, "vol", declaration_vol=scanned(scans, "declaration-vol.pdf"))
    payment = paid(sandbox, record["numero_dossier"])
    assert (payment["montant"], payment["carte_fin"]) == (25, "1111")
    assert result.outputs == {"numero_dossier": record["numero_dossier"]}
    titles = demarche_titles(approver)
    assert titles[:6] == [*WAY_IN, "Déclaration de vol"]
    # The payment comes after the submission: the last thing the citizen does on the site.
    assert [v.title for v in approver.seen if v.moment is Moment.MANUAL] == ["Paiement du permis"]
    everything = [v.title for v in approver.seen]
    assert everything.index("Récapitulatif") < everything.index("Paiement du permis")
    assert sandbox.received("timbre-achat") == []
    assert_card_not_kept(sandbox.received())


def test_loss_declared_on_the_motif_page_then_paid_by_the_citizen(run_demarche, sandbox, scans, page):
    result, approver, _ = run_demarche("permis-demande", demande("perte"), citizen_pays(page))

    assert result.outcome is Outcome.COMPLETED, result.error
    record = only(sandbox, "permis-demande")
    assert record["data"] == received(
        scans, "perte", date_perte="28/10/2026", circonstances="Perdu au marché du samedi.",
        declaration_honneur="oui",
    )
    assert paid(sandbox, record["numero_dossier"])["montant"] == 25
    assert result.outputs == {"numero_dossier": record["numero_dossier"], "attestation_perte": "15/01/2027"}
    titles = demarche_titles(approver)
    assert titles[:6] == [*WAY_IN, "Permis de conduire"]  # no page of its own: declared with the motif
    assert [v.title for v in approver.seen if v.moment is Moment.MANUAL] == ["Paiement du permis"]
    # The attestation is a PDF the console keeps (« Télécharger … »): the run ends on the confirmation.
    assert page.get_by_role("heading", name="Votre demande est enregistrée").is_visible()
    assert page.get_by_role("link", name="Télécharger l'attestation de perte").is_visible()
    assert_card_not_kept(sandbox.received())


def test_deterioration_uploads_the_copy_of_the_damaged_licence_and_pays_nothing(run_demarche, sandbox, scans):
    result, approver, _ = run_demarche("permis-demande", demande("deterioration"))

    assert result.outcome is Outcome.COMPLETED, result.error
    expected = received(scans, "deterioration", copie_permis=scanned(scans, "permis-deteriore.pdf"))
    expected["neph"] = ""  # the citizen does not know their NEPH: the field is left empty
    assert only(sandbox, "permis-demande")["data"] == expected
    assert sandbox.received("permis-paiement") == []
    titles = {v.title for v in approver.seen}
    assert "Permis détérioré" in titles and not titles & {"Déclaration de vol", "Paiement du permis"}


def test_expiration_needs_no_declaration_and_no_payment(run_demarche, sandbox, scans):
    result, approver, _ = run_demarche("permis-demande", demande("expiration"))

    assert result.outcome is Outcome.COMPLETED, result.error
    assert only(sandbox, "permis-demande")["data"] == received(scans, "expiration")
    assert sandbox.received("permis-paiement") == []
    titles = {v.title for v in approver.seen}
    assert not titles & {"Déclaration de vol", "Permis détérioré", "Nouvel état civil", "Paiement du permis"}


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
    ("perte", ["Date de la perte", "Circonstances de la perte"]),
    ("changement_etat_civil", ["Nouveau nom de famille"]),  # a scan left open is picked in the panel
])
def test_what_a_motif_needs_is_asked_before_the_browser_opens(library, scans, motif, missing):
    data = {key: value for key, value in demande(motif).items() if key not in BY_MOTIF[motif]}
    with pytest.raises(DossierError) as caught:
        validate_inputs(library.find("permis-demande").flow, data)
    assert [label for label, _ in caught.value.problems] == missing
