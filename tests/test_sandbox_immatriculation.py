"""The sandbox's vehicle-registration démarches (immatriculation.ants.gouv.fr), over real HTTP.

Declaration of a sale, the buyer's changement de titulaire with the seller's code de cession,
address changes (free étiquette, then a paid certificate), état civil and raison sociale changes,
and the suivi by numéro de dossier. "Today" is the sandbox's clock.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import urllib.error
import urllib.request
import uuid
from datetime import date, timedelta
from html import unescape
from pathlib import Path

import pytest
from paying import assert_card_not_kept
from test_sandbox import Client, Reply

IMMAT = "https://immatriculation.ants.gouv.fr/demarches-en-ligne"
CESSION = IMMAT + "/declaration-cession"
TITULAIRE = IMMAT + "/changement-titulaire"
ADRESSE = IMMAT + "/changement-adresse"
ETAT_CIVIL = IMMAT + "/changement-etat-civil"
SUIVI = IMMAT + "/suivre-ma-demande"
ESPACE = "https://ants.gouv.fr/monespace/mon-espace-vehicule"
TODAY = date(2026, 11, 15)
CARTE = {"numero_carte": "4111 1111 1111 1111", "date_expiration": "12/28", "cryptogramme": "737"}

VENDEUR_VEHICULE = {"immatriculation": "ge 415 kl", "numero_formule": "2021 ge 41573", "date_certificat": ""}
ACQUEREUR = {"type_acquereur": "physique", "nom_naissance": "Lefèvre", "nom_usage": "", "prenoms": "Camille, Louise",
             "sexe": "F", "date_naissance": "14/07/1985", "commune_naissance": "Rennes", "raison_sociale": "",
             "siret": ""}
ADRESSE_ACQUEREUR = {"voie": "12 avenue de la Libération", "complement": "", "code_postal": "35000",
                     "commune": "Saint-Grégoire"}
INFOS_CESSION = {"date_cession": "14/11/2026", "heure_cession": "9h05", "kilometrage": "84 500",
                 "destruction": "non"}
PDF = {name: f"%PDF-1.4 {name}".encode() for name in ("identite", "domicile", "mandat", "identite-titulaire",
                                                         "acte", "cerfa", "carte")}


class FilesClient(Client):
    """The stdlib client, able to post a multipart form (a page with file fields)."""

    def post_files(self, url: str, data: dict, files: dict[str, tuple[str, bytes]]) -> Reply:
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                 for k, v in data.items()]
        parts += [(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; filename="{name}"\r\n'
                   "Content-Type: application/pdf\r\n\r\n").encode() + content + b"\r\n"
                  for k, (name, content) in files.items()]
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(self.sandbox.url(url), data=body, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}"})
        try:
            with self._opener.open(request, timeout=10) as resp:
                return Reply(resp.status, request.full_url, resp.headers, resp.read().decode())
        except urllib.error.HTTPError as exc:
            return Reply(exc.code, request.full_url, exc.headers, exc.read().decode())


@pytest.fixture
def user(sandbox) -> FilesClient:
    sandbox.today = TODAY
    sandbox.franceconnect_required = False  # the citizen's own login is tested in test_franceconnect.py
    client = FilesClient(sandbox)
    assert client.login().status == 303
    return client


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def _pdf(user: FilesClient, url: str) -> tuple[str, str]:
    """A document the site hands out as a PDF download: its text (pdftotext) and its file name."""
    with user._opener.open(url, timeout=10) as resp:
        assert resp.headers["Content-Type"] == "application/pdf"
        filename = re.search(r'filename="([^"]+)"', resp.headers["Content-Disposition"]).group(1)
        content = resp.read()
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return " ".join(text.split()), filename


def _fill(user: FilesClient, pages: list[tuple[str, dict]]) -> None:
    for url, data in pages:
        reply = user.post(url, data)
        assert reply.status == 303, (url, reply.errors())


def _jeton(reply: Reply) -> str:
    return re.search(r'name="jeton" value="([^"]+)"', reply.text).group(1)


def _certify(user: FilesClient, start: str) -> Reply:
    recap = user.get(start + "/recapitulatif")
    assert recap.h1() == "Récapitulatif", recap.errors()
    return user.post(start + "/recapitulatif", {"jeton": _jeton(recap), "certification": "oui"})


def _received(file_key: str, name: str) -> dict:
    content = PDF[file_key]
    return {"nom": name, "taille": len(content), "sha256": hashlib.sha256(content).hexdigest()}


def _declare_sale(user: FilesClient) -> tuple[Reply, dict]:
    _fill(user, [(CESSION, VENDEUR_VEHICULE), (CESSION + "/acquereur", ACQUEREUR),
                 (CESSION + "/adresse-acquereur", ADRESSE_ACQUEREUR), (CESSION + "/cession", INFOS_CESSION)])
    done = _certify(user, CESSION)
    assert done.status == 303 and "/confirmation/" in done.location
    [record] = user.sandbox.received("immatriculation-cession")
    return done, record


# -- Mon espace véhicule ------------------------------------------------------------------------------


def test_mon_espace_vehicule_lists_the_demarches_and_the_habilitation(user, sandbox):
    page = user.get(ESPACE)
    assert page.h1() == "Mon espace véhicule"
    assert "<h2 class=\"fr-mt-4w\">Je souhaite faire une autre demande</h2>" in page.text
    for title, url in [("Vendre ou donner mon véhicule", CESSION),
                       ("J&#39;achète ou je reçois un véhicule d&#39;occasion", TITULAIRE),
                       ("Je change d&#39;adresse", ADRESSE), ("Suivre ma demande d&#39;immatriculation", SUIVI),
                       ("Je modifie mon état civil, ma raison sociale ou mon état matrimonial", ETAT_CIVIL),
                       ("Demander une habilitation professionnelle", IMMAT + "/habilitation-professionnels")]:
        assert f'href="{sandbox.url(url)}">{title}</a>' in page.text, title


def test_the_pages_need_the_ants_account(sandbox):
    anonymous = Client(sandbox)
    for url in (ESPACE, CESSION, TITULAIRE + "/recapitulatif", SUIVI):
        reply = anonymous.get(url, follow=False)
        assert reply.status == 303 and "/monespace/se-connecter?next=" in reply.location, url


def test_the_account_space_is_under_monespace_and_the_old_paths_lead_there(sandbox):
    user = Client(sandbox)
    old = user.get("https://ants.gouv.fr/moncompte/se-connecter?next=%2Fmonespace%2Fmon-espace-vehicule", follow=False)
    assert old.status == 308
    assert old.location == sandbox.url("https://ants.gouv.fr/monespace/se-connecter?next=%2Fmonespace%2Fmon-espace-vehicule")
    assert user.login().status == 303
    moved = user.get("https://ants.gouv.fr/moncompte/mon-espace-vehicule", follow=False)
    assert moved.status == 308 and user.get(moved.location).h1() == "Mon espace véhicule"


def test_no_flow_uses_the_old_account_paths():
    flows = Path(__file__).resolve().parents[1] / "flows"
    assert [p.name for p in flows.rglob("*.yaml") if "/moncompte/" in p.read_text(encoding="utf-8")] == []


# -- déclaration de cession ---------------------------------------------------------------------------


def test_a_sale_is_recorded_normalised_and_its_code_shown_once(user, sandbox):
    done, record = _declare_sale(user)
    assert record["data"] == {
        "immatriculation": "GE-415-KL", "numero_formule": "2021GE41573", "date_certificat": "",
        **ACQUEREUR, **ADRESSE_ACQUEREUR, "date_cession": "14/11/2026", "heure_cession": "09:05",
        "kilometrage": "84500", "destruction": "non", "certification": "oui",
    }
    assert re.fullmatch(r"[A-Z0-9]{4,12}", record["code_cession"])
    assert re.fullmatch(r"\d{4}-IMM-\d{6}", record["numero_dossier"])
    assert record["account"] == "mairie.demo@ants.bac-a-sable.fr"

    first = user.get(done.location)
    assert first.h1() == "Votre déclaration de cession est enregistrée"
    text = _text(first.text)
    assert f"Numéro de dossier : {record['numero_dossier']}" in text
    assert (f"Code de cession : {record['code_cession']} Remettez ce code à l'acquéreur : il lui permet "
            "d'immatriculer le véhicule à son nom. Il est valable 15 jours, jusqu'au 30/11/2026.") in text
    again = user.get(done.location)
    assert record["code_cession"] not in again.text
    assert "Le code de cession a déjà été affiché" in _text(again.text)
    accuse, filename = _pdf(user, done.location + "/accuse-enregistrement")
    assert accuse.startswith("Accusé d'enregistrement Déclaration de cession d'un véhicule")
    assert f"Numéro de dossier : {record['numero_dossier']}" in accuse and record["code_cession"] not in accuse
    assert filename == f"accuse-enregistrement-{record['numero_dossier']}.pdf"
    assert user.get(done.location + "/certificat-provisoire").status == 404


def test_a_sale_to_a_company_for_destruction(user, sandbox):
    company = {**dict.fromkeys(ACQUEREUR, ""), "type_acquereur": "morale", "raison_sociale": "Casse Auto 29",
               "siret": "732 829 320 00074"}
    _fill(user, [(CESSION, VENDEUR_VEHICULE), (CESSION + "/acquereur", company),
                 (CESSION + "/adresse-acquereur", ADRESSE_ACQUEREUR),
                 (CESSION + "/cession", {**INFOS_CESSION, "destruction": "oui"})])
    _certify(user, CESSION)
    data = sandbox.received("immatriculation-cession")[0]["data"]
    assert (data["raison_sociale"], data["siret"], data["nom_naissance"], data["destruction"]) == (
        "Casse Auto 29", "73282932000074", "", "oui")


@pytest.mark.parametrize(("url", "posted", "errors"), [
    (CESSION, {**VENDEUR_VEHICULE, "immatriculation": "AB-12-CD"},
     ["Le numéro d'immatriculation doit être au format AA-123-AA (ou 123 AB 01 pour un numéro attribué avant 2009)."]),
    (CESSION, {**VENDEUR_VEHICULE, "immatriculation": "SS-123-AB"},
     ["Le numéro d'immatriculation doit être au format AA-123-AA (ou 123 AB 01 pour un numéro attribué avant 2009)."]),
    (CESSION, {**VENDEUR_VEHICULE, "numero_formule": "2021GE4157"},
     ["Le numéro de formule comporte 11 caractères : 4 chiffres, 2 lettres et 5 chiffres (par exemple 2021AB12345)."]),
    (CESSION, {**VENDEUR_VEHICULE, "numero_formule": "2021GE41574"},
     ["Aucun véhicule ne correspond à ce numéro d'immatriculation et à ce numéro de formule."]),
    (CESSION, {"immatriculation": "4521 TZ 35", "numero_formule": "", "date_certificat": ""},
     ["Veuillez renseigner la date du certificat d'immatriculation."]),
    (CESSION, {"immatriculation": "4521TZ35", "numero_formule": "", "date_certificat": "18/03/2005"},
     ["Aucun véhicule ne correspond à ce numéro d'immatriculation et à cette date de certificat."]),
    (CESSION, {"immatriculation": "GE-415-KL", "numero_formule": "", "date_certificat": "03/05/2021"},
     ["Ce véhicule a un numéro attribué depuis 2009 : indiquez le numéro de formule."]),
])
def test_the_vehicle_must_be_found_from_its_certificate(user, url, posted, errors):
    reply = user.post(url, posted)
    assert (reply.status, reply.errors()) == (200, errors)


def test_cession_checks_hour_mileage_and_destruction(user):
    _fill(user, [(CESSION, VENDEUR_VEHICULE), (CESSION + "/acquereur", ACQUEREUR),
                 (CESSION + "/adresse-acquereur", ADRESSE_ACQUEREUR)])
    reply = user.post(CESSION + "/cession", {"date_cession": "16/11/2026", "heure_cession": "25:00",
                                             "kilometrage": "84,5", "destruction": "oui"})
    assert reply.errors() == [
        "La date de cession ne peut pas être postérieure à la date du jour.",
        "L'heure de cession doit être au format HH:MM (par exemple 14:30).",
        "Le kilométrage doit être un nombre entier de kilomètres, sans décimale.",
        "Une cession pour destruction se fait au profit d'un centre VHU agréé (personne morale).",
    ]


def test_a_vehicle_already_declared_sold_cannot_be_declared_again(user):
    _declare_sale(user)
    reply = user.post(CESSION, VENDEUR_VEHICULE)
    assert reply.errors() == ["Une déclaration de cession a déjà été enregistrée pour ce véhicule."]


# -- changement de titulaire ---------------------------------------------------------------------------

NOUVEAU_TITULAIRE = {k: v for k, v in ACQUEREUR.items() if k not in ("type_acquereur", "raison_sociale", "siret")}
NOUVEAU_TITULAIRE |= {"telephone": "06 12 34 56 78", "courriel": ""}
PIECES_TITULAIRE = {"piece_identite": ("piece-identite.pdf", PDF["identite"]),
                    "justificatif_domicile": ("justificatif-domicile.pdf", PDF["domicile"]),
                    "mandat": ("mandat.pdf", PDF["mandat"]),
                    "piece_identite_titulaire": ("piece-identite-titulaire.pdf", PDF["identite-titulaire"])}


def _buy(user: FilesClient, identification: dict, choix: str = "normalisee") -> Reply:
    _fill(user, [(TITULAIRE, identification), (TITULAIRE + "/titulaire", NOUVEAU_TITULAIRE),
                 (TITULAIRE + "/adresse", ADRESSE_ACQUEREUR),
                 (TITULAIRE + "/adresse-normalisee", {"choix_adresse": choix})])
    reply = user.post_files(TITULAIRE + "/pieces", {"qualite": "mandataire"}, PIECES_TITULAIRE)
    assert reply.status == 303, reply.errors()
    return reply


def test_the_buyer_uses_the_code_accepts_the_normalised_address_and_pays(user, sandbox):
    _, cession = _declare_sale(user)
    user.get(TITULAIRE)
    proposal = user.post(TITULAIRE, {"immatriculation": "GE-415-KL", "identification": "code",
                                     "code_cession": cession["code_cession"].lower()})
    assert proposal.status == 303
    _fill(user, [(TITULAIRE + "/titulaire", NOUVEAU_TITULAIRE), (TITULAIRE + "/adresse", ADRESSE_ACQUEREUR)])
    page = user.get(TITULAIRE + "/adresse-normalisee")
    assert page.h1() == "Adresse normalisée"
    text = _text(page.text)
    assert "Adresse saisie 12 avenue de la Libération 35000 Saint-Grégoire" in text
    assert "Adresse normalisée proposée 12 AV DE LA LIBERATION 35000 ST GREGOIRE" in text
    _buy(user, {"immatriculation": "GE-415-KL", "identification": "code", "code_cession": cession["code_cession"]})

    recap = user.get(TITULAIRE + "/recapitulatif")
    assert ("Coût du certificat d'immatriculation Taxe régionale (Y1) 240 € Taxe fixe (Y4) 11 € "
            "Redevance d'acheminement (Y5) 2,76 € Montant total 253,76 €") in _text(recap.text)
    to_payment = user.post(TITULAIRE + "/recapitulatif", {"jeton": _jeton(recap), "certification": "oui"})
    assert to_payment.location == sandbox.url(TITULAIRE + "/paiement")
    assert sandbox.received("immatriculation-changement-titulaire") == []  # nothing before the payment
    payment = user.get(to_payment.location)
    assert payment.h1() == "Paiement par carte bancaire" and ">Payer 253,76 €</button>" in payment.text
    done = user.post(TITULAIRE + "/paiement", {"jeton": _jeton(payment), **CARTE})
    assert done.status == 303 and "/confirmation/" in done.location

    [record] = sandbox.received("immatriculation-changement-titulaire")
    assert record["paiement"] == {"montant": "253,76", "carte_fin": "1111"}
    assert_card_not_kept(sandbox.received(), cryptogramme=CARTE["cryptogramme"])
    assert record["data"] == {
        "immatriculation": "GE-415-KL", "identification": "code", "code_cession": cession["code_cession"],
        "numero_formule": "", "date_certificat": "",
        **{k: v for k, v in NOUVEAU_TITULAIRE.items() if k != "telephone"}, "telephone": "0612345678",
        "voie": "12 AV DE LA LIBERATION", "complement": "", "code_postal": "35000", "commune": "ST GREGOIRE",
        "choix_adresse": "normalisee", "qualite": "mandataire",
        "piece_identite": _received("identite", "piece-identite.pdf"),
        "justificatif_domicile": _received("domicile", "justificatif-domicile.pdf"),
        "mandat": _received("mandat", "mandat.pdf"),
        "piece_identite_titulaire": _received("identite-titulaire", "piece-identite-titulaire.pdf"),
        "certification": "oui",
    }
    confirmation = _text(user.get(done.location).text)
    assert f"Numéro de dossier : {record['numero_dossier']}" in confirmation
    assert "pendant 1 mois, jusqu'au 15/12/2026" in confirmation
    cpi, filename = _pdf(user, done.location + "/certificat-provisoire")
    assert cpi.startswith("Certificat provisoire d'immatriculation Immatriculation : GE-415-KL")
    assert "Valable jusqu'au : 15/12/2026" in cpi and "Nom de naissance : Lefèvre" in cpi
    assert filename == f"certificat-provisoire-{record['numero_dossier']}.pdf"

    reused = user.post(TITULAIRE, {"immatriculation": "GE-415-KL", "identification": "code",
                                   "code_cession": cession["code_cession"]})
    assert reused.errors() == ["Ce code de cession a déjà été utilisé."]


def test_a_payment_posted_twice_is_recorded_twice(user, sandbox):
    _buy(user, {"immatriculation": "4521 TZ 35", "identification": "date", "date_certificat": "18/03/2004"},
         choix="saisie")
    _certify(user, TITULAIRE)
    jeton = _jeton(user.get(TITULAIRE + "/paiement"))
    for _ in range(2):
        assert user.post(TITULAIRE + "/paiement", {"jeton": jeton, **CARTE}).status == 303
    records = sandbox.received("immatriculation-changement-titulaire")
    assert len(records) == 2 and records[0]["numero_dossier"] != records[1]["numero_dossier"]
    assert records[0]["data"]["voie"] == "12 avenue de la Libération"  # the address as typed, kept
    assert records[0]["paiement"]["montant"] == "163,76"


def test_card_errors_keep_nothing_of_the_card(user, sandbox):
    _buy(user, {"immatriculation": "GE-415-KL", "identification": "formule", "numero_formule": "2021GE41573"})
    _certify(user, TITULAIRE)
    jeton = _jeton(user.get(TITULAIRE + "/paiement"))
    reply = user.post(TITULAIRE + "/paiement", {"jeton": jeton, **CARTE, "numero_carte": "4111 1111 1111 1112"})
    assert reply.errors() == ["Le numéro de carte n'est pas valide."]
    assert "4111 1111 1111 1112" not in reply.text
    assert sandbox.received("immatriculation-changement-titulaire") == []


@pytest.mark.parametrize(("identification", "days", "error"), [
    ({"immatriculation": "DB-732-MN"}, 0, "Ce code de cession ne correspond pas à ce véhicule."),
    ({"code_cession": "ZZZZ9"}, 0, "Ce code de cession ne correspond pas à ce véhicule."),
    ({"code_cession": "AB"}, 0, "Le code de cession ne doit contenir que des lettres et des chiffres (4 à 12 caractères)."),
    ({}, 16, "Ce code de cession a expiré : il était valable 15 jours après la déclaration de cession."),
])
def test_a_code_de_cession_must_match_the_vehicle_and_be_recent(user, sandbox, identification, days, error):
    _, cession = _declare_sale(user)
    sandbox.today = TODAY + timedelta(days=days)
    posted = {"immatriculation": "GE-415-KL", "identification": "code", "code_cession": cession["code_cession"],
              **identification}
    assert user.post(TITULAIRE, posted).errors() == [error]


def test_the_mandate_is_needed_when_acting_for_the_titulaire(user):
    _fill(user, [(TITULAIRE, {"immatriculation": "GE-415-KL", "identification": "formule",
                              "numero_formule": "2021GE41573"}),
                 (TITULAIRE + "/titulaire", NOUVEAU_TITULAIRE), (TITULAIRE + "/adresse", ADRESSE_ACQUEREUR),
                 (TITULAIRE + "/adresse-normalisee", {"choix_adresse": "normalisee"})])
    files = {k: v for k, v in PIECES_TITULAIRE.items() if k != "mandat"}
    files["justificatif_domicile"] = ("domicile.docx", b"PK...")
    reply = user.post_files(TITULAIRE + "/pieces", {"qualite": "mandataire"}, files)
    assert reply.errors() == ["Le fichier doit être au format pdf, jpg ou png.",
                              "Veuillez joindre le mandat d'immatriculation signé (Cerfa 13757)."]


# -- changement d'adresse -----------------------------------------------------------------------------

NOUVELLE_ADRESSE = {"voie": "4 rue de Brest", "complement": "Appartement 2", "code_postal": "35700",
                    "commune": "Rennes"}
PIECES_ADRESSE = {"justificatif_domicile": ("justificatif-domicile.pdf", PDF["domicile"]),
                  "mandat": ("mandat.pdf", PDF["mandat"]),
                  "piece_identite_titulaire": ("piece-identite.pdf", PDF["identite"])}


def _move(user: FilesClient, vehicule: dict) -> Reply:
    _fill(user, [(ADRESSE, vehicule), (ADRESSE + "/nouvelle-adresse", NOUVELLE_ADRESSE)])
    assert user.post_files(ADRESSE + "/pieces", {"qualite": "mandataire"}, PIECES_ADRESSE).status == 303
    return user.get(ADRESSE + "/recapitulatif")


def test_the_second_address_change_is_a_free_etiquette(user, sandbox):
    form = user.get(ADRESSE + "/nouvelle-adresse", follow=True)
    assert form.h1() == "Identification du véhicule"  # the vehicle first
    _fill(user, [(ADRESSE, {"immatriculation": "DB-732-MN", "numero_formule": "2020DB73205"})])
    prefilled = user.get(ADRESSE + "/nouvelle-adresse")
    assert prefilled.h1() == "Votre nouvelle adresse"
    assert 'id="voie" name="voie" value="12 rue des Lilas"' in prefilled.text
    recap = _move(user, {"immatriculation": "DB-732-MN", "numero_formule": "2020DB73205"})
    assert "Ce changement d'adresse est gratuit : une étiquette autocollante" in _text(recap.text)
    assert "Ancienne adresse 12 rue des Lilas, 35000 Rennes" in _text(recap.text)
    done = user.post(ADRESSE + "/recapitulatif", {"jeton": _jeton(recap), "certification": "oui"})
    assert "/confirmation/" in done.location
    [record] = sandbox.received("immatriculation-changement-adresse")
    assert "paiement" not in record
    assert record["data"] == {
        "immatriculation": "DB-732-MN", "numero_formule": "2020DB73205", "date_certificat": "",
        **NOUVELLE_ADRESSE, "qualite": "mandataire",
        "justificatif_domicile": _received("domicile", "justificatif-domicile.pdf"),
        "mandat": _received("mandat", "mandat.pdf"),
        "piece_identite_titulaire": _received("identite", "piece-identite.pdf"), "certification": "oui",
    }
    confirmation = _text(user.get(done.location).text)
    assert "Étiquette de changement d'adresse" in confirmation and "Certificat provisoire" not in confirmation


@pytest.mark.parametrize("vehicule", [
    {"immatriculation": "FR-208-TX", "numero_formule": "2018FR20811"},  # three changes already made
    {"immatriculation": "4521 TZ 35", "numero_formule": "", "date_certificat": "18/03/2004"},  # FNI
], ids=["4e-changement", "ancien-numero"])
def test_a_new_certificate_is_paid_from_the_fourth_change_and_for_an_fni_plate(user, sandbox, vehicule):
    recap = _move(user, vehicule)
    assert "Taxe fixe (Y4) 11 € Redevance d'acheminement (Y5) 2,76 € Montant total 13,76 €" in _text(recap.text)
    to_payment = user.post(ADRESSE + "/recapitulatif", {"jeton": _jeton(recap), "certification": "oui"})
    assert to_payment.location == sandbox.url(ADRESSE + "/paiement")
    payment = user.get(ADRESSE + "/paiement")
    done = user.post(ADRESSE + "/paiement", {"jeton": _jeton(payment), **CARTE})
    [record] = sandbox.received("immatriculation-changement-adresse")
    assert record["paiement"] == {"montant": "13,76", "carte_fin": "1111"}
    assert "Certificat provisoire d'immatriculation" in _text(user.get(done.location).text)


def test_after_three_free_changes_the_fourth_one_is_paid(user, sandbox):
    vehicule = {"immatriculation": "DB-732-MN", "numero_formule": "2020DB73205"}
    for number, voie in enumerate(("1 rue A", "2 rue B", "3 rue C"), start=2):
        _fill(user, [(ADRESSE, vehicule), (ADRESSE + "/nouvelle-adresse", {**NOUVELLE_ADRESSE, "voie": voie})])
        user.post_files(ADRESSE + "/pieces", {"qualite": "mandataire"}, PIECES_ADRESSE)
        recap = _text(user.get(ADRESSE + "/recapitulatif").text)
        assert ("Montant total" in recap) == (number == 4), number
        _certify(user, ADRESSE)


def test_the_same_address_is_refused(user):
    _fill(user, [(ADRESSE, {"immatriculation": "DB-732-MN", "numero_formule": "2020DB73205"})])
    reply = user.post(ADRESSE + "/nouvelle-adresse", {"voie": "12 RUE DES LILAS", "complement": "",
                                                      "code_postal": "35000", "commune": "rennes"})
    assert reply.errors() == ["La nouvelle adresse est identique à celle du certificat d'immatriculation."]


# -- changement d'état civil, de raison sociale ----------------------------------------------------------


PIECES_ETAT_CIVIL = {  # docs/teleservices.md §9.4: F16876's pieces
    "justificatif_domicile": ("justificatif-domicile.pdf", PDF["domicile"]),
    "cerfa_13750": ("cerfa-13750.pdf", PDF["cerfa"]),
    "certificat_actuel": ("carte-grise.pdf", PDF["carte"]),
    "justificatif": ("acte-mariage.pdf", PDF["acte"]),
}


def test_a_name_change_after_marriage_is_paid_13_76(user, sandbox):
    _fill(user, [(ETAT_CIVIL, {"immatriculation": "DB-732-MN", "numero_formule": "2020DB73205"}),
                 (ETAT_CIVIL + "/nature", {"nature": "etat_matrimonial", "nom_naissance": "Lefèvre",
                                           "nom_usage": "Morvan", "prenoms": "Camille, Louise",
                                           "raison_sociale": ""})])
    reply = user.post_files(ETAT_CIVIL + "/pieces", {"qualite": "titulaire"}, PIECES_ETAT_CIVIL)
    assert reply.status == 303, reply.errors()
    recap = _text(user.get(ETAT_CIVIL + "/recapitulatif").text)
    assert "Montant total 13,76 €" in recap
    to_payment = _certify(user, ETAT_CIVIL)
    assert to_payment.location == sandbox.url(ETAT_CIVIL + "/paiement")
    assert sandbox.received() == []  # nothing is recorded before the card is accepted
    done = user.post(ETAT_CIVIL + "/paiement", {"jeton": _jeton(user.get(ETAT_CIVIL + "/paiement")), **CARTE})
    [record] = sandbox.received("immatriculation-changement-etat-civil")
    assert record["data"] == {
        "immatriculation": "DB-732-MN", "numero_formule": "2020DB73205", "date_certificat": "",
        "nature": "etat_matrimonial", "nom_naissance": "Lefèvre", "nom_usage": "Morvan",
        "prenoms": "Camille, Louise", "raison_sociale": "", "qualite": "titulaire",
        "justificatif_domicile": _received("domicile", "justificatif-domicile.pdf"),
        "cerfa_13750": _received("cerfa", "cerfa-13750.pdf"),
        "certificat_actuel": _received("carte", "carte-grise.pdf"),
        "justificatif": _received("acte", "acte-mariage.pdf"), "certification": "oui",
    }
    assert record["paiement"] == {"montant": "13,76", "carte_fin": "1111"}
    assert f"Numéro de dossier : {record['numero_dossier']}" in _text(user.get(done.location).text)


def test_each_piece_of_the_etat_civil_change_is_required(user):
    _fill(user, [(ETAT_CIVIL, {"immatriculation": "DB-732-MN", "numero_formule": "2020DB73205"}),
                 (ETAT_CIVIL + "/nature", {"nature": "etat_civil", "nom_naissance": "Lefèvre",
                                           "prenoms": "Camille", "nom_usage": "", "raison_sociale": ""})])
    reply = user.post_files(ETAT_CIVIL + "/pieces", {"qualite": "titulaire"},
                            {"justificatif": ("acte.pdf", PDF["acte"])})
    assert reply.status == 200
    assert len(reply.errors()) == 3, reply.errors()


@pytest.mark.parametrize(("vehicule", "nature", "error"), [
    ({"immatriculation": "DB-732-MN", "numero_formule": "2020DB73205"}, "raison_sociale",
     "Le titulaire de ce certificat est une personne physique : le changement de raison sociale ne s'applique pas."),
    ({"immatriculation": "CV-590-PA", "numero_formule": "2019CV59012"}, "etat_civil",
     "Le titulaire de ce certificat est une personne morale : choisissez un changement de raison sociale."),
])
def test_the_kind_of_change_must_fit_the_titulaire(user, vehicule, nature, error):
    _fill(user, [(ETAT_CIVIL, vehicule)])
    reply = user.post(ETAT_CIVIL + "/nature", {"nature": nature, "nom_naissance": "Kervella", "prenoms": "Anne",
                                               "raison_sociale": "Kervella et Fils"})
    assert reply.errors()[0] == error


# -- suivi ----------------------------------------------------------------------------------------------


def test_suivi_of_a_seeded_dossier_and_of_one_just_made(user):
    found = user.post(SUIVI, {"numero_dossier": " 2026-imm-000398 "})
    assert found.location == user.sandbox.url(SUIVI + "/2026-IMM-000398")
    result = _text(user.get(found.location).text)
    assert "Démarche : Changement d'adresse Véhicule : BT-904-LC Statut : Certificat envoyé" in result
    _, record = _declare_sale(user)
    mine = user.post(SUIVI, {"numero_dossier": record["numero_dossier"]}, follow=True)
    assert "Statut : Déclaration de cession enregistrée" in _text(mine.text)
    assert "le 15/11/2026" in _text(mine.text)


@pytest.mark.parametrize(("numero", "error"), [
    ("", "Veuillez renseigner le numéro de dossier."),
    ("2026/IMM", "Le numéro de dossier ne doit contenir que des lettres, des chiffres et des tirets."),
    ("2026-IMM-999999", "Aucun dossier ne correspond à ce numéro."),
])
def test_suivi_errors(user, numero, error):
    assert user.post(SUIVI, {"numero_dossier": numero}).errors() == [error]


def test_reset_brings_the_vehicles_back(user, sandbox):
    _declare_sale(user)
    sandbox.reset()
    sandbox.today = TODAY
    again = FilesClient(sandbox)
    again.login()
    assert again.post(CESSION, VENDEUR_VEHICULE).status == 303
