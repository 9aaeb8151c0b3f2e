"""The sandbox's vehicle services over real HTTP: the certificat de situation administrative
(HistoVec) and the professionals' habilitation (ANTS); the cost simulator is in test_sandbox_simulateur.py.

Driven with the stdlib client of test_sandbox; "today" is set through `Sandbox.today`.
"""

from __future__ import annotations

import hashlib
import re
import urllib.error
import urllib.request
import uuid
from datetime import date
from html import unescape

import pytest
from documents import pdf_text
from test_sandbox import LOGIN, Client, Reply

HISTOVEC = "https://histovec.interieur.gouv.fr/histovec/proprietaire"
HABILITATION = "https://immatriculation.ants.gouv.fr/demarches-en-ligne/habilitation-professionnels"
TODAY = date(2026, 11, 15)

CLEAN = "La situation administrative du véhicule ne fait apparaître aucune particularité."
NOT_FOUND = ("Aucun véhicule ne correspond aux informations saisies. Vérifiez qu'elles sont identiques "
             "à celles figurant sur le certificat d'immatriculation du véhicule.")
MARTIN = {  # as printed on the seeded certificate of AB-123-CD: « MARTIN JEANNE MARIE »
    "titulaire": "particulier", "nom": "Martin", "prenoms": "Jeanne, Marie", "raison_sociale": "", "siren": "",
    "plaque": "ab 123 cd", "date_premiere_immatriculation": "15/03/2018", "date_certificat": "02/06/2021",
}

ENTREPRISE = {"raison_sociale": "Garage du Centre", "siret": "732 829 320 00074", "date_creation": "01/03/2019",
              "voie": "3 rue du Moulin", "code_postal": "60000", "commune": "Beauvais"}
ACTIVITES = {"activite_commerce": "oui", "activite_loueur": "oui"}
RESPONSABLE = {"gerant_nom": "Lefèvre", "gerant_prenoms": "Paul", "telephone": "03 44 12 34 56",
               "courriel": "garage@example.fr"}
KBIS, PIECE = b"%PDF-1.4 extrait Kbis", b"%PDF-1.4 carte d'identite"


class Browser(Client):
    """The test client, plus what a browser also does: send files, download bytes."""

    def raw(self, url: str, body: bytes | None = None, headers: dict | None = None) -> tuple[int, dict, bytes]:
        request = urllib.request.Request(self.sandbox.url(url), data=body, headers=headers or {})
        try:
            with self._opener.open(request, timeout=10) as resp:
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def upload(self, url: str, files: dict[str, tuple[str, bytes]]) -> Reply:
        """POST multipart/form-data, as the browser sends a form with file inputs."""
        boundary = uuid.uuid4().hex
        body = b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: application/pdf\r\n\r\n".encode() + content + b"\r\n"
            for name, (filename, content) in files.items()
        ) + f"--{boundary}--\r\n".encode()
        status, headers, text = self.raw(url, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        return Reply(status, self.sandbox.url(url), headers, text.decode())


@pytest.fixture(autouse=True)
def fixed_date(sandbox):
    sandbox.today = TODAY


@pytest.fixture
def browser(sandbox) -> Browser:
    return Browser(sandbox)


@pytest.fixture
def logged_in(browser) -> Browser:
    assert browser.login().status == 303
    return browser


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


# -- HistoVec -----------------------------------------------------------------------------------


def test_csa_of_a_clean_vehicle_is_recorded_and_downloadable(browser):
    sent = browser.post(HISTOVEC, MARTIN)
    assert sent.status == 303
    rapport = browser.get(sent.location)
    assert rapport.h1() == "Certificat de situation administrative"
    text = _text(rapport.text)
    assert f"Situation administrative {CLEAN}" in text
    assert "Date d'édition 15/11/2026 Valable pour une vente jusqu'au 30/11/2026" in text
    assert "Titulaire MARTIN JEANNE MARIE" in text and "Numéro d'immatriculation AB-123-CD" in text
    (record,) = browser.sandbox.received("histovec-csa")
    assert (record["plaque"], record["edite_le"], record["situation"]) == ("AB-123-CD", "15/11/2026", [CLEAN])
    assert record["data"] == MARTIN

    pdf_url = re.search(r'href="([^"]+\.pdf)"', rapport.text).group(1)
    status, headers, pdf = browser.raw("https://histovec.interieur.gouv.fr" + pdf_url)
    assert (status, headers["Content-Type"]) == (200, "application/pdf")
    assert 'filename="CSA-AB-123-CD-20261115.pdf"' in headers["Content-Disposition"]
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    extracted = pdf_text(pdf)  # a real reader finds the text
    assert CLEAN in extracted and "Date d'édition : 15/11/2026" in extracted


@pytest.mark.parametrize("posted, mentions", [
    ({"nom": "DUPONT", "prenoms": "KARIM", "plaque": "FG-456-HJ", "date_premiere_immatriculation": "20/09/2019",
      "date_certificat": "20/09/2019"}, ["Gage inscrit le 12/01/2024 au profit de CRÉDIT AUTO EXEMPLE."]),
    ({"nom": "moreau", "prenoms": "lucien", "plaque": "123ab75", "date_premiere_immatriculation": "12/05/1999",
      "date_certificat": "10/10/2005"},
     ["Opposition au transfert du certificat d'immatriculation (OTCI) inscrite le 03/02/2025 par le Trésor public."]),
    ({"titulaire": "societe", "raison_sociale": "Transports Lefevre", "siren": "732 829 320", "plaque": "KL 789 MN",
      "date_premiere_immatriculation": "04/07/2020", "date_certificat": "04/07/2020"}, [CLEAN]),
], ids=["gage", "otci-fni", "societe"])
def test_csa_mentions(browser, posted, mentions):
    rapport = browser.get(browser.post(HISTOVEC, {"titulaire": "particulier", **posted}).location)
    assert rapport.h1() == "Certificat de situation administrative"
    assert all(unescape(m) in unescape(rapport.text) for m in mentions)
    assert browser.sandbox.received("histovec-csa")[0]["situation"] == mentions


@pytest.mark.parametrize("changes", [
    {"nom": "Martine"}, {"prenoms": "Jeanne"}, {"date_certificat": "03/06/2021"}, {"plaque": "AB-123-CE"},
    {"titulaire": "societe", "raison_sociale": "MARTIN JEANNE MARIE", "siren": "732829320"},
])
def test_csa_needs_the_certificate_exactly(browser, changes):
    reply = browser.post(HISTOVEC, {**MARTIN, **changes})
    assert reply.status == 200
    assert NOT_FOUND in unescape(reply.text) and 'class="fr-alert fr-alert--error" role="alert"' in reply.text
    assert browser.sandbox.received("histovec-csa") == []


def test_csa_form_messages(browser):
    reply = browser.post(HISTOVEC, {**MARTIN, "titulaire": "societe", "raison_sociale": "", "siren": "732829321",
                                    "plaque": "SS-123-AB", "date_certificat": "01/01/2017"})
    assert reply.errors() == [
        "Veuillez renseigner la raison sociale.",
        "Le numéro SIREN n'est pas valide.",
        "Le numéro d'immatriculation n'est pas valide (exemples : AB-123-CD ou 123 AB 01).",
        "La date du certificat d'immatriculation ne peut pas être antérieure à la date de première immatriculation.",
    ]
    empty = browser.post(HISTOVEC, {})
    assert empty.errors()[0] == "Veuillez sélectionner le type de titulaire."


def test_each_csa_asked_is_recorded_again(browser):
    browser.post(HISTOVEC, MARTIN)
    browser.post(HISTOVEC, MARTIN)
    assert len(browser.sandbox.received("histovec-csa")) == 2


# -- the professionals' habilitation ------------------------------------------------------------


def _fill_habilitation(user: Browser, entreprise: dict = ENTREPRISE) -> None:
    for url, data in ((HABILITATION, entreprise), (HABILITATION + "/activites", ACTIVITES),
                      (HABILITATION + "/responsable", RESPONSABLE)):
        reply = user.post(url, data)
        assert reply.status == 303, (url, reply.errors())
    pieces = user.upload(HABILITATION + "/pieces", {"kbis": ("kbis.pdf", KBIS), "piece_identite": ("cni.pdf", PIECE)})
    assert pieces.status == 303, pieces.errors()


def _jeton(reply: Reply) -> str:
    return re.search(r'name="jeton" value="([^"]+)"', reply.text).group(1)


def test_habilitation_needs_the_ants_login(browser):
    reply = browser.get(HABILITATION, follow=False)
    assert reply.status == 303 and reply.location.startswith(browser.sandbox.url(LOGIN))


def test_habilitation_is_recorded_with_its_files_and_twice_if_sent_twice(logged_in, sandbox):
    _fill_habilitation(logged_in)
    recap = logged_in.get(HABILITATION + "/recapitulatif")
    assert recap.h1() == "Récapitulatif" and "Étape 5 sur 5" in recap.text
    text = _text(recap.text)
    assert "Activités exercées Commerce de l'automobile, Location de véhicules" in text
    assert "Extrait Kbis kbis.pdf" in text and "moins de 2 ans" not in text
    assert logged_in.post(HABILITATION + "/recapitulatif", {"jeton": _jeton(recap)}).errors() == [
        "Vous devez certifier l'exactitude des informations fournies pour envoyer votre demande."]

    first = logged_in.post(HABILITATION + "/recapitulatif", {"jeton": _jeton(recap), "certification": "oui"})
    again = logged_in.post(HABILITATION + "/recapitulatif", {"jeton": _jeton(recap), "certification": "oui"})
    assert first.status == again.status == 303
    records = sandbox.received("immatriculation-habilitation")
    assert len(records) == 2 and records[0]["data"] == records[1]["data"]
    record = records[0]
    assert record["account"] == "mairie.demo@ants.bac-a-sable.fr"
    assert record["data"] == {
        **ENTREPRISE, "siret": "73282932000074", **ACTIVITES, **RESPONSABLE, "certification": "oui",
        "kbis": {"nom": "kbis.pdf", "taille": len(KBIS), "sha256": hashlib.sha256(KBIS).hexdigest()},
        "piece_identite": {"nom": "cni.pdf", "taille": len(PIECE), "sha256": hashlib.sha256(PIECE).hexdigest()},
    }
    confirmation = logged_in.get(first.location)
    assert confirmation.h1() == "Votre demande d'habilitation est enregistrée"
    assert f"Numéro de demande : {record['numero_demande']}" in _text(confirmation.text)
    assert "La préfecture instruit votre demande" in confirmation.text


def test_habilitation_pages_cannot_be_skipped_and_files_are_required(logged_in):
    reply = logged_in.get(HABILITATION + "/pieces", follow=False)
    assert reply.status == 303 and reply.location.endswith("/habilitation-professionnels")
    assert logged_in.post(HABILITATION, ENTREPRISE).status == 303
    assert logged_in.post(HABILITATION + "/activites", {}).errors() == ["Veuillez cocher au moins une activité."]
    logged_in.post(HABILITATION + "/activites", ACTIVITES)
    logged_in.post(HABILITATION + "/responsable", RESPONSABLE)
    missing = logged_in.upload(HABILITATION + "/pieces", {"kbis": ("kbis.docx", KBIS)})
    assert missing.errors() == ["Le fichier doit être au format pdf, jpg ou png.",
                                "Veuillez joindre la pièce d'identité du gérant."]


INVALID_SIRET = "Le numéro SIRET n'est pas valide. Vérifiez-le sur l'extrait Kbis."


@pytest.mark.parametrize("siret, message", [
    ("7328293200007", "Le numéro SIRET doit comporter 14 chiffres."),
    ("73282932000075", INVALID_SIRET),
    ("35600000012344", INVALID_SIRET),  # La Poste: neither Luhn nor digits adding up to a multiple of 5
    ("35600000012346", None),  # La Poste establishment: digits add up to 30, not Luhn-valid
    ("35600000000048", None),  # La Poste's head office: Luhn-valid, digits add up to 26
])
def test_siret_checks_with_la_poste_exception(logged_in, siret, message):
    reply = logged_in.post(HABILITATION, {**ENTREPRISE, "siret": siret})
    if message:
        assert reply.errors() == [message]
    else:
        assert reply.status == 303


def test_a_company_younger_than_two_years_gets_a_warning_not_a_refusal(logged_in):
    _fill_habilitation(logged_in, {**ENTREPRISE, "date_creation": "01/12/2024"})
    recap = logged_in.get(HABILITATION + "/recapitulatif")
    assert "Votre entreprise a été créée il y a moins de 2 ans." in unescape(recap.text)
    assert 'fr-alert--warning' in recap.text and 'role="alert"' not in recap.text
    done = logged_in.post(HABILITATION + "/recapitulatif", {"jeton": _jeton(recap), "certification": "oui"})
    assert done.status == 303
