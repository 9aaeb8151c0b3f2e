"""Vehicle-registration démarches end to end on the sandbox: the seller's déclaration de cession
whose code de cession feeds the buyer's changement de titulaire, address changes (free étiquette
and paid certificate), état civil and raison sociale changes, and the suivi. The citizen pays
with their own card; autopilot never types it."""

from __future__ import annotations

import hashlib
import subprocess
from datetime import date
from pathlib import Path

import pytest
from franceconnecting import FC_IDENTITY, FC_PASSWORD, citizen_at_the_desk
from paying import assert_card_not_kept, citizen_pays
from test_identite import only

from autopilot.engine.approver import Moment, ScriptedApprover
from autopilot.engine.runner import Outcome

TODAY = date(2026, 11, 15)

BERNARD_VEND = {  # Michel Bernard sells his Peugeot 208 to Camille Lefèvre
    "plaque": "ge415kl",
    "numero_formule": "2021 GE 41573",
    "acquereur_type": "personne",
    "acquereur": {"nom_naissance": "Lefèvre", "prenoms": "Camille, Louise", "sexe": "F",
                  "date_naissance": "14/07/1985", "commune_naissance": "Rennes"},
    "adresse_acquereur": {"voie": "12 avenue de la Libération", "code_postal": "35760", "commune": "Saint-Grégoire"},
    "date_cession": "14/11/2026",
    "heure_cession": "14h30",
    "kilometrage": "84 500 km",
    "destruction": "non",
}
CAMILLE_ACHETE = {
    "plaque": "GE-415-KL",
    "usager": BERNARD_VEND["acquereur"],
    "adresse": BERNARD_VEND["adresse_acquereur"],
    "contact": {"telephone_portable": "06 12 34 56 78", "courriel": "camille.lefevre@exemple.fr"},
    "piece_identite": "piece-identite.pdf",
    "justificatif_domicile": "justificatif-domicile.pdf",
    "mandat": "mandat.pdf",
}
CAMILLE_DEMENAGE = {
    "plaque": "DB 732 MN",
    "numero_formule": "2020DB73205",
    "adresse": {"voie": "4 rue de Brest", "complement": "Appartement 2", "code_postal": "35700", "commune": "Rennes"},
    "justificatif_domicile": "justificatif-domicile.pdf",
    "mandat": "mandat.pdf",
    "piece_identite": "piece-identite.pdf",
}


@pytest.fixture(autouse=True)
def fixed_date(sandbox):
    """The sandbox's « today »: the code de cession's 15 days and the CPI's month are counted from it."""
    sandbox.today = TODAY


def pdf_text(path: Path) -> str:
    """A downloaded document's text, on one line."""
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode()
    return " ".join(text.split())


def scanned(scans, name: str) -> dict:
    """What the administration must receive for a file of the scanner folder."""
    content = (scans / name).read_bytes()
    return {"nom": name, "taille": len(content), "sha256": hashlib.sha256(content).hexdigest()}


def payment_views(approver: ScriptedApprover) -> list:
    return [view for view in approver.seen if view.moment is Moment.MANUAL]


# What the sites must receive, written by hand from the citizens' data as typed (normalised as
# the mediator's form normalises it), not from the flows.
CESSION_RECEIVED = {
    "immatriculation": "GE-415-KL", "numero_formule": "2021GE41573", "date_certificat": "",
    "type_acquereur": "physique", "nom_naissance": "Lefèvre", "nom_usage": "", "prenoms": "Camille, Louise",
    "sexe": "F", "date_naissance": "14/07/1985", "commune_naissance": "Rennes", "raison_sociale": "", "siret": "",
    "voie": "12 avenue de la Libération", "complement": "", "code_postal": "35760", "commune": "Saint-Grégoire",
    "date_cession": "14/11/2026", "heure_cession": "14:30", "kilometrage": "84500", "destruction": "non",
    "certification": "oui",
}


def test_the_sellers_code_de_cession_feeds_the_buyers_changement_de_titulaire(run_demarche, sandbox, page, scans):
    sold, _, _ = run_demarche("immatriculation-cession", BERNARD_VEND)

    assert sold.outcome is Outcome.COMPLETED, sold.error
    cession = only(sandbox, "immatriculation-cession")
    assert cession["data"] == CESSION_RECEIVED
    sold.outputs.pop("accuse_enregistrement")  # its content: test_the_accuse_saved_by_a_run_holds_what_the_citizen_gave
    assert sold.outputs == {"numero_dossier": cession["numero_dossier"], "code_cession": cession["code_cession"]}

    bought, approver, _ = run_demarche(
        "immatriculation-changement-titulaire", {**CAMILLE_ACHETE, "code_cession": sold.outputs["code_cession"]},
        citizen_at_the_desk(page))

    assert bought.outcome is Outcome.COMPLETED, bought.error
    record = only(sandbox, "immatriculation-changement-titulaire")
    assert record["data"] == {
        "immatriculation": "GE-415-KL", "identification": "code", "code_cession": cession["code_cession"],
        "numero_formule": "", "date_certificat": "",
        "nom_naissance": "Lefèvre", "nom_usage": "", "prenoms": "Camille, Louise", "sexe": "F",
        "date_naissance": "14/07/1985", "commune_naissance": "Rennes",
        "telephone": "0612345678", "courriel": "camille.lefevre@exemple.fr",
        "voie": "12 AV DE LA LIBERATION", "complement": "", "code_postal": "35760", "commune": "ST GREGOIRE",
        "choix_adresse": "normalisee", "qualite": "mandataire",
        "piece_identite": scanned(scans, "piece-identite.pdf"),
        "justificatif_domicile": scanned(scans, "justificatif-domicile.pdf"),
        "mandat": scanned(scans, "mandat.pdf"),
        "piece_identite_titulaire": scanned(scans, "piece-identite.pdf"),
        "certification": "oui",
    }
    assert record["paiement"] == {"montant": "253,76", "carte_fin": "1111"}
    assert record["franceconnect"] == {**FC_IDENTITY, "fournisseur": "impots"}  # the buyer logged in themself
    documents = {name: Path(bought.outputs.pop(name)) for name in ("certificat_provisoire", "accuse_enregistrement")}
    assert bought.outputs == {"numero_dossier": record["numero_dossier"], "cpi_valable_jusqu_au": "15/12/2026"}
    cpi = pdf_text(documents["certificat_provisoire"])  # saved in the visit's folder, as the citizen keeps it
    assert documents["certificat_provisoire"].name == "certificat-provisoire-immatriculation.pdf"
    assert "Immatriculation : GE-415-KL" in cpi and "Valable jusqu'au : 15/12/2026" in cpi
    assert f"Numéro de dossier : {record['numero_dossier']}" in pdf_text(documents["accuse_enregistrement"])
    assert [v.title for v in payment_views(approver)] == ["Connexion FranceConnect de l'usager", "Paiement du certificat"]
    assert "il saisit lui-même les données de sa carte bancaire" in payment_views(approver)[1].message
    assert_card_not_kept(sandbox.received())  # the card is the citizen's business, never recorded
    assert FC_PASSWORD not in str(sandbox.received())


def test_a_sale_to_a_scrapyard_of_a_pre_2009_vehicle(run_demarche, sandbox):
    data = {**BERNARD_VEND, "plaque": "4521-tz-35", "numero_formule": None, "date_certificat": "18/03/2004",
            "acquereur_type": "societe", "acquereur": None, "raison_sociale": "Casse Auto 29",
            "siret": "732 829 320 00074", "destruction": "oui"}
    result, _, _ = run_demarche("immatriculation-cession", data)

    assert result.outcome is Outcome.COMPLETED, result.error
    record = only(sandbox, "immatriculation-cession")
    assert record["data"] == {
        **CESSION_RECEIVED, "immatriculation": "4521 TZ 35", "numero_formule": "", "date_certificat": "18/03/2004",
        "type_acquereur": "morale", "nom_naissance": "", "prenoms": "", "sexe": "", "date_naissance": "",
        "commune_naissance": "", "raison_sociale": "Casse Auto 29", "siret": "73282932000074", "destruction": "oui",
    }
    assert result.outputs["code_cession"] == record["code_cession"]


def test_the_buyer_without_code_gives_the_date_of_an_old_certificate(run_demarche, sandbox, page, scans):
    data = {**CAMILLE_ACHETE, "plaque": "4521 TZ 35", "date_certificat": "18/03/2004"}
    result, _, _ = run_demarche("immatriculation-changement-titulaire", data, citizen_at_the_desk(page))

    assert result.outcome is Outcome.COMPLETED, result.error
    record = only(sandbox, "immatriculation-changement-titulaire")
    assert {k: record["data"][k] for k in ("immatriculation", "identification", "date_certificat", "code_cession")} \
        == {"immatriculation": "4521 TZ 35", "identification": "date", "date_certificat": "18/03/2004",
            "code_cession": ""}
    assert record["paiement"]["montant"] == "163,76"


def test_an_expired_code_de_cession_stops_on_the_sites_message(run_demarche, sandbox, page, scans):
    sold, _, _ = run_demarche("immatriculation-cession", BERNARD_VEND)
    sandbox.today = date(2026, 12, 1)  # 16 days after the declaration
    result, approver, _ = run_demarche(
        "immatriculation-changement-titulaire", {**CAMILLE_ACHETE, "code_cession": sold.outputs["code_cession"]},
        citizen_at_the_desk(page))

    assert result.outcome is Outcome.STOPPED
    assert approver.seen[-1].site_errors == (
        "Ce code de cession a expiré : il était valable 15 jours après la déclaration de cession.",)
    assert sandbox.received("immatriculation-changement-titulaire") == []


def test_a_second_address_change_is_free_and_needs_no_payment(run_demarche, sandbox, scans):
    result, approver, _ = run_demarche("immatriculation-changement-adresse", CAMILLE_DEMENAGE)

    assert result.outcome is Outcome.COMPLETED, result.error
    record = only(sandbox, "immatriculation-changement-adresse")
    assert record["data"] == {
        "immatriculation": "DB-732-MN", "numero_formule": "2020DB73205", "date_certificat": "",
        "voie": "4 rue de Brest", "complement": "Appartement 2", "code_postal": "35700", "commune": "Rennes",
        "qualite": "mandataire", "justificatif_domicile": scanned(scans, "justificatif-domicile.pdf"),
        "mandat": scanned(scans, "mandat.pdf"), "piece_identite_titulaire": scanned(scans, "piece-identite.pdf"),
        "certification": "oui",
    }
    assert "paiement" not in record
    result.outputs.pop("accuse_enregistrement")
    assert result.outputs == {"numero_dossier": record["numero_dossier"]}
    assert payment_views(approver) == []


def test_the_fourth_address_change_is_paid_by_the_citizen(run_demarche, sandbox, page, scans):
    data = {**CAMILLE_DEMENAGE, "plaque": "FR-208-TX", "numero_formule": "2018FR20811"}
    result, approver, _ = run_demarche("immatriculation-changement-adresse", data, citizen_pays(page))

    assert result.outcome is Outcome.COMPLETED, result.error
    record = only(sandbox, "immatriculation-changement-adresse")
    assert record["paiement"] == {"montant": "13,76", "carte_fin": "1111"}
    assert [v.title for v in payment_views(approver)] == ["Paiement du nouveau certificat"]
    assert "Paiement accepté : 13,76 €" in pdf_text(Path(result.outputs.pop("accuse_enregistrement")))
    # a new certificate is made: its CPI, with which the citizen drives for a month, is kept too
    cpi = Path(result.outputs.pop("certificat_provisoire"))
    assert cpi.name == "certificat-provisoire-changement-adresse.pdf"
    text = pdf_text(cpi)
    assert text.startswith("Certificat provisoire d'immatriculation"), text[:200]
    assert f"Numéro de dossier : {record['numero_dossier']}" in text and "FR-208-TX" in text
    assert result.outputs == {"numero_dossier": record["numero_dossier"]}


def test_the_accuse_saved_by_a_run_holds_what_the_citizen_gave(run_demarche, sandbox, scans):
    """The cession and the changement d'adresse save their accusé d'enregistrement as the titulaire's does."""
    sold, _, _ = run_demarche("immatriculation-cession", BERNARD_VEND)
    moved, _, _ = run_demarche("immatriculation-changement-adresse", CAMILLE_DEMENAGE)

    assert (sold.outcome, moved.outcome) == (Outcome.COMPLETED, Outcome.COMPLETED), (sold.error, moved.error)
    cession = only(sandbox, "immatriculation-cession")
    saved = Path(sold.outputs["accuse_enregistrement"])  # in the visit's folder, as the citizen keeps it
    assert saved.name == "accuse-enregistrement-cession.pdf"  # not overwritten by the next démarche's
    accuse = pdf_text(saved)
    assert accuse.startswith("Accusé d'enregistrement Déclaration de cession d'un véhicule"), accuse[:200]
    assert f"Numéro de dossier : {cession['numero_dossier']}" in accuse
    assert "Immatriculation du véhicule : GE-415-KL" in accuse  # given as « ge415kl »
    assert "Nom de naissance : Lefèvre" in accuse and "Prénom(s) : Camille, Louise" in accuse  # the buyer
    assert "Commune : Saint-Grégoire" in accuse and "Kilométrage : 84500 km" in accuse
    assert cession["code_cession"] not in accuse  # shown once on the site, never printed

    adresse = only(sandbox, "immatriculation-changement-adresse")
    saved = Path(moved.outputs["accuse_enregistrement"])
    assert saved.name == "accuse-enregistrement-changement-adresse.pdf"
    accuse = pdf_text(saved)
    assert accuse.startswith("Accusé d'enregistrement Changement d'adresse sur le certificat d'immatriculation"), accuse[:200]
    assert f"Numéro de dossier : {adresse['numero_dossier']}" in accuse
    assert "Immatriculation du véhicule : DB-732-MN" in accuse  # given as « DB 732 MN »
    assert "Numéro et libellé de la voie : 4 rue de Brest" in accuse and "Commune : Rennes" in accuse


MORVAN_SE_MARIE = {  # Camille Lefèvre, married, puts her married name on her car's certificate
    "plaque": "DB-732-MN", "numero_formule": "2020DB73205", "nature": "etat_matrimonial",
    "usager": {**BERNARD_VEND["acquereur"], "nom_usage": "Morvan"},
    "justificatif_domicile": "justificatif-domicile.pdf", "cerfa_13750": "cerfa-13750.pdf",
    "certificat_actuel": "certificat-immatriculation.pdf", "justificatif": "acte-mariage.pdf",
    "mandat": "mandat.pdf", "piece_identite": "piece-identite.pdf",
}


def test_a_married_name_on_the_certificate_paid_13_76_by_the_citizen(run_demarche, sandbox, page, scans):
    result, approver, _ = run_demarche("immatriculation-changement-etat-civil", MORVAN_SE_MARIE,
                                       citizen_at_the_desk(page))

    assert result.outcome is Outcome.COMPLETED, result.error
    record = only(sandbox, "immatriculation-changement-etat-civil")
    assert record["data"] == {
        "immatriculation": "DB-732-MN", "numero_formule": "2020DB73205", "date_certificat": "",
        "nature": "etat_matrimonial", "nom_naissance": "Lefèvre", "nom_usage": "Morvan",
        "prenoms": "Camille, Louise", "raison_sociale": "", "qualite": "mandataire",
        "justificatif_domicile": scanned(scans, "justificatif-domicile.pdf"),
        "cerfa_13750": scanned(scans, "cerfa-13750.pdf"),
        "certificat_actuel": scanned(scans, "certificat-immatriculation.pdf"),
        "justificatif": scanned(scans, "acte-mariage.pdf"), "mandat": scanned(scans, "mandat.pdf"),
        "piece_identite_titulaire": scanned(scans, "piece-identite.pdf"), "certification": "oui",
    }
    assert record["paiement"] == {"montant": "13,76", "carte_fin": "1111"}  # docs/teleservices.md §9.4
    assert record["franceconnect"] == {**FC_IDENTITY, "fournisseur": "impots"}
    fc, paying = payment_views(approver)
    assert (fc.title, fc.citizen, paying.title, paying.citizen) == (
        "Connexion FranceConnect de l'usager", True, "Paiement du certificat", False)
    cpi = pdf_text(Path(result.outputs.pop("certificat_provisoire")))
    assert "Nom d'usage : Morvan" in cpi and "Valable jusqu'au : 15/12/2026" in cpi
    assert "Paiement accepté : 13,76 €" in pdf_text(Path(result.outputs.pop("accuse_enregistrement")))
    assert result.outputs == {"numero_dossier": record["numero_dossier"]}
    assert_card_not_kept(sandbox.received())


def test_a_new_raison_sociale_on_a_company_vehicle(run_demarche, sandbox, page, scans):
    data = {**MORVAN_SE_MARIE, "plaque": "CV-590-PA", "numero_formule": "2019CV59012", "nature": "raison_sociale",
            "usager": None, "raison_sociale": "Kervella et Fils", "justificatif": "kbis.pdf"}
    sandbox.franceconnect_required = False  # [?] where the mairie's account suffices, the step is skipped
    result, approver, _ = run_demarche("immatriculation-changement-etat-civil", data, citizen_pays(page))

    assert result.outcome is Outcome.COMPLETED, result.error
    record = only(sandbox, "immatriculation-changement-etat-civil")
    assert (record["data"]["nature"], record["data"]["raison_sociale"], record["data"]["nom_naissance"]) == (
        "raison_sociale", "Kervella et Fils", "")
    assert record["data"]["justificatif"] == scanned(scans, "kbis.pdf")
    assert record["paiement"]["montant"] == "13,76"
    assert "franceconnect" not in record
    assert [v.title for v in payment_views(approver)] == ["Paiement du certificat"]


def test_suivi_of_the_dossier_a_demarche_just_created(run_demarche, sandbox, scans):
    moved, _, _ = run_demarche("immatriculation-changement-adresse", CAMILLE_DEMENAGE)
    result, _, _ = run_demarche("immatriculation-suivi", {"numero_dossier": moved.outputs["numero_dossier"].lower()})

    assert result.outcome is Outcome.COMPLETED, result.error
    assert result.outputs == {"statut": "Étiquette envoyée"}


def test_suivi_of_a_seeded_dossier_and_of_an_unknown_one(run_demarche):
    found, _, _ = run_demarche("immatriculation-suivi", {"numero_dossier": "2026-IMM-000412"})
    assert found.outputs == {"statut": "Certificat en cours de fabrication"}
    unknown, approver, _ = run_demarche("immatriculation-suivi", {"numero_dossier": "2026-IMM-999999"})
    assert unknown.outcome is Outcome.STOPPED
    assert approver.seen[-1].site_errors == ("Aucun dossier ne correspond à ce numéro.",)
