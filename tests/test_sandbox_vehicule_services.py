"""The sandbox's vehicle services over real HTTP: the certificat de situation administrative
(HistoVec) and the professionals' habilitation (ANTS); the cost simulator is in test_sandbox_simulateur.py.

Driven with the stdlib client of test_sandbox; "today" is set through `Sandbox.today`.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from datetime import date
from html import unescape

import pytest
from test_sandbox import LOGIN, Client, Reply

from autopilot.sandbox.kit import dsfr

HABILITATION = "https://immatriculation.ants.gouv.fr/demarches-en-ligne/habilitation-professionnels"
TODAY = date(2026, 11, 15)


ENTREPRISE = {"raison_sociale": "Garage du Centre", "siret": "732 829 320 00074", "date_creation": "01/03/2019",
              "voie": "3 rue du Moulin", "code_postal": "60000", "commune": "Beauvais"}
ACTIVITES = {"activite_commerce": "oui", "activite_loueur": "oui"}
RESPONSABLE = {"gerant_nom": "Lefèvre", "gerant_prenoms": "Paul", "telephone": "03 44 12 34 56",
               "courriel": "garage@example.fr"}
KBIS, PIECE = b"%PDF-1.4 extrait Kbis", b"%PDF-1.4 carte d'identite"
PIECES = {"date_kbis": "02/10/2026", "utilisateurs_siv": "1"}


class Browser(Client):
    """The test client, plus what a browser also does: send files, download bytes."""

    def raw(self, url: str, body: bytes | None = None, headers: dict | None = None) -> tuple[int, dict, bytes]:
        request = urllib.request.Request(self.sandbox.url(url), data=body, headers=headers or {})
        try:
            with self._opener.open(request, timeout=10) as resp:
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def upload(self, url: str, files: dict[str, tuple[str, bytes]], fields: dict[str, str] | None = None) -> Reply:
        """POST multipart/form-data, as the browser sends a form with file inputs (and other fields)."""
        boundary = uuid.uuid4().hex
        body = b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in (fields or {}).items()
        ) + b"".join(
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


def _taxes(reply: Reply) -> dict[str, str]:
    """The result table: tax -> amount."""
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>(?:<strong>)?([^<]+)<', reply.text)
    return {unescape(label): amount for label, amount in rows}


def _options(reply: Reply, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', reply.text, re.DOTALL).group(1)
    return [unescape(o) for o in re.findall(r'<option value="([^"]*)"', select) if o]


# -- HistoVec (docs/teleservices.md §9.1): the page is built in the browser; its JSON API here -----------

HISTOVEC_SITE = "https://histovec.interieur.gouv.fr"
SEARCH = HISTOVEC_SITE + "/histovec/public/v1/report_by_data"
LEFEVRE = {"type_immatriculation": "siv", "type_personne": "particulier", "nom": "Lefèvre",
           "prenoms": "Camille, Louise", "plaque": "db-732-mn", "numero_formule": "2020DB73205"}


def _search(browser: Browser, body: dict | bytes) -> tuple[int, dict]:
    """POST a search as HistoVec's page does (JSON); the status and the JSON answer."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    status, _, answer = browser.raw(SEARCH, raw, {"Content-Type": "application/json"})
    return status, json.loads(answer)


@pytest.mark.parametrize("path", ["/histovec/proprietaire", "/histovec/rapport-vendeur", "/histovec/erreur-inattendue",
                                  "/histovec/?errorTitle=Page%20non%20trouv%C3%A9e"])
def test_every_route_is_the_one_page_the_browser_renders(browser, path):
    page = browser.get(HISTOVEC_SITE + path)
    assert page.status == 200
    assert '<main role="main" id="app"' in page.text and "/static/histovec/app.js" in page.text
    assert "<form" not in page.text and "<h1" not in page.text  # everything is built by the script
    stylesheet = "/static/dsfr/dsfr.min.css" if dsfr.dist_dir() else "/static/dsfr-bac-a-sable.css"
    assert f'<link rel="stylesheet" href="{stylesheet}">' in page.text
    assert "dsfr.module.min.js" not in page.text  # like vue-dsfr: the app's own behaviour, not the DSFR's script


def test_a_search_gets_the_report_and_is_recorded_as_received(browser):
    status, report = _search(browser, {**LEFEVRE, "uuid": "visite-1"})
    assert status == 200
    assert report["synthese"] == ["Rien à signaler"] and report["mis_a_jour_le"] == "15/11/2026"
    assert report["situation"] == {"Gages": ["NON"], "Oppositions": ["NON"], "Déclarations valant saisie": ["NON"],
                                   "Suspensions": ["NON"]}
    assert ["Titulaire", "LEFÈVRE CAMILLE LOUISE"] in report["titulaire"]
    (record,) = browser.sandbox.received("histovec-recherche")
    assert record["data"] == LEFEVRE and record["uuid"] == "visite-1"
    assert (record["plaque"], record["rapport"]) == ("DB-732-MN", report["rapport"])


@pytest.mark.parametrize("search, synthese, situation", [
    ({"nom": "DUPONT", "prenoms": "KARIM", "plaque": "FG-456-HJ", "numero_formule": "2019fg45601"},
     ["Le véhicule est gagé (12/01/2024 - CRÉDIT AUTO EXEMPLE)."], {"Gages": ["12/01/2024 - CRÉDIT AUTO EXEMPLE"]}),
    ({"type_immatriculation": "fni", "nom_prenoms": "moreau lucien", "plaque": "123ab75", "date_emission": "10/10/2005"},
     ["Le véhicule fait l'objet d'une opposition (03/02/2025 - TRÉSOR PUBLIC (OTCI))."],
     {"Oppositions": ["03/02/2025 - TRÉSOR PUBLIC (OTCI)"]}),
    ({"type_personne": "morale", "raison_sociale": "Transports Lefevre", "siren": "732 829 320", "plaque": "KL 789 MN",
      "numero_formule": "2020KL78902"}, ["Rien à signaler"], {}),
    ({"type_immatriculation": "fni", "type_personne": "morale", "raison_sociale": "Boulangerie Durand",
      "plaque": "4417-XM-33", "date_emission": "21/02/2007"}, ["Rien à signaler"], {}),
    ({"nom": "Petit", "prenoms": "Thomas", "plaque": "EV-318-PA", "numero_formule": "2022EV31805"},
     ["Le véhicule est déclaré volé."], {}),
], ids=["gage", "opposition-fni", "personne-morale", "personne-morale-fni", "vole"])
def test_what_the_report_says(browser, search, synthese, situation):
    status, report = _search(browser, {"type_immatriculation": "siv", "type_personne": "particulier", **search})
    assert status == 200, report
    assert report["synthese"] == synthese
    assert report["vole"] is (synthese == ["Le véhicule est déclaré volé."])
    assert {name: lines for name, lines in report["situation"].items() if lines != ["NON"]} == situation


@pytest.mark.parametrize("changes", [
    {"nom": "Lefèvres"}, {"prenoms": "Camille"}, {"numero_formule": "2020DB73206"}, {"plaque": "DB-732-MP"},
    {"type_immatriculation": "fni", "date_emission": "17/09/2020"},
    {"type_personne": "morale", "raison_sociale": "LEFÈVRE CAMILLE LOUISE"},
    {"type_personne": "morale", "raison_sociale": "Transports Lefèvre", "plaque": "KL-789-MN",
     "numero_formule": "2020KL78902", "siren": "732829321"},  # a SIREN, when given, must be the holder's
])
def test_a_search_needs_the_certificate_exactly(browser, changes):
    status, answer = _search(browser, {**LEFEVRE, **changes})
    assert (status, answer) == (404, {"message": "Ce véhicule est inconnu d'HistoVec"})
    (record,) = browser.sandbox.received("histovec-recherche")
    assert record["plaque"] is None and record["data"] == {**LEFEVRE, **changes}


@pytest.mark.parametrize("body", [b"plaque=DB-732-MN", b"[]", json.dumps({**LEFEVRE, "date_premiere": "1"}).encode(),
                                  json.dumps({**LEFEVRE, "plaque": 12}).encode()])
def test_a_malformed_search_is_refused(browser, body):
    status, _ = _search(browser, body)
    assert status == 400
    assert browser.sandbox.received() == []


def test_the_data_delay_knob_and_a_vehicles_own_delay(browser):
    browser.sandbox.faults.data_delay_s = 0.6
    started = time.monotonic()
    assert _search(browser, LEFEVRE)[0] == 200
    assert time.monotonic() - started >= 0.6
    browser.sandbox.faults.data_delay_s = 0
    started = time.monotonic()
    status, report = _search(browser, {**LEFEVRE, "nom": "Roussel", "prenoms": "Nadia", "plaque": "HT-562-VB",
                                       "numero_formule": "2021HT56204"})
    assert status == 200 and report["synthese"] == ["Le véhicule est gagé (15/06/2021 - DIAC SA)."]
    assert time.monotonic() - started >= 3


def test_the_csa_is_a_pdf_download_dated_today_and_valid_15_days(browser):
    _, report = _search(browser, {**LEFEVRE, "nom": "Dupont", "prenoms": "Karim", "plaque": "FG-456-HJ",
                                  "numero_formule": "2019FG45601"})
    status, headers, pdf = browser.raw(f"{HISTOVEC_SITE}/histovec/public/v1/csa/{report['rapport']}")
    assert (status, headers["Content-Type"]) == (200, "application/pdf")
    assert headers["Content-Disposition"] == 'attachment; filename="rapport.pdf"'
    assert pdf.startswith(b"%PDF-")
    assert shutil.which("pdftotext"), "pdftotext is missing: run the tests with scripts/test"
    text = " ".join(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
                    .stdout.decode().split())
    assert "Certificat de situation administrative détaillé" in text
    assert "Certificat attestant la situation administrative au : 15/11/2026" in text
    assert "Valable 15 jours, jusqu'au 30/11/2026" in text
    assert "Gages : 12/01/2024 - CRÉDIT AUTO EXEMPLE" in text and "Numéro d'immatriculation : FG-456-HJ" in text
    (record,) = browser.sandbox.received("histovec-csa")
    assert (record["rapport"], record["plaque"], record["edite_le"]) == (report["rapport"], "FG-456-HJ", "15/11/2026")
    assert browser.raw(f"{HISTOVEC_SITE}/histovec/public/v1/csa/inconnu")[0] == 404


def test_each_search_is_recorded_again(browser):
    _search(browser, LEFEVRE)
    _search(browser, LEFEVRE)
    assert len(browser.sandbox.received("histovec-recherche")) == 2


# -- the professionals' habilitation ------------------------------------------------------------


def _fill_habilitation(user: Browser, entreprise: dict = ENTREPRISE) -> None:
    for url, data in ((HABILITATION, entreprise), (HABILITATION + "/activites", ACTIVITES),
                      (HABILITATION + "/responsable", RESPONSABLE)):
        reply = user.post(url, data)
        assert reply.status == 303, (url, reply.errors())
    pieces = user.upload(HABILITATION + "/pieces", {"kbis": ("kbis.pdf", KBIS), "piece_identite": ("cni.pdf", PIECE)},
                         PIECES)
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
        **ENTREPRISE, "siret": "73282932000074", **ACTIVITES, **RESPONSABLE, **PIECES, "certification": "oui",
        "kbis": {"nom": "kbis.pdf", "taille": len(KBIS), "sha256": hashlib.sha256(KBIS).hexdigest()},
        "piece_identite": {"nom": "cni.pdf", "taille": len(PIECE), "sha256": hashlib.sha256(PIECE).hexdigest()},
    }
    confirmation = logged_in.get(first.location)
    assert confirmation.h1() == "Votre pré-demande d'habilitation est enregistrée"
    assert f"Numéro de demande : {record['numero_demande']}" in _text(confirmation.text)
    assert "Envoyez votre dossier au service SIV de la préfecture (adresse de la forme pref-siv@…" in \
        unescape(confirmation.text)
    assert "La préfecture demande elle-même le bulletin n° 2 du casier judiciaire du gérant." in \
        unescape(confirmation.text)


def test_habilitation_pages_cannot_be_skipped_and_files_are_required(logged_in):
    reply = logged_in.get(HABILITATION + "/pieces", follow=False)
    assert reply.status == 303 and reply.location.endswith("/habilitation-professionnels")
    assert logged_in.post(HABILITATION, ENTREPRISE).status == 303
    assert logged_in.post(HABILITATION + "/activites", {}).errors() == ["Veuillez cocher au moins une activité."]
    logged_in.post(HABILITATION + "/activites", ACTIVITES)
    logged_in.post(HABILITATION + "/responsable", RESPONSABLE)
    missing = logged_in.upload(HABILITATION + "/pieces", {"kbis": ("kbis.docx", KBIS)}, PIECES)
    assert missing.errors() == ["Le fichier doit être au format pdf, jpg ou png.",
                                "Veuillez joindre la pièce d'identité du gérant."]
    users = logged_in.upload(HABILITATION + "/pieces", {"kbis": ("kbis.pdf", KBIS), "piece_identite": ("cni.pdf", PIECE)},
                             {**PIECES, "utilisateurs_siv": "3"})
    assert users.errors() == ["Veuillez joindre la pièce d'identité de l'utilisateur n° 2 du SIV.",
                              "Veuillez joindre la pièce d'identité de l'utilisateur n° 3 du SIV."]


@pytest.mark.parametrize("date_kbis, refused, warned", [
    ("15/05/2026", False, False),  # 6 months to the day before the sandbox's 15/11/2026: no warning
    ("14/05/2026", False, True),   # older than 6 months (the Hérault's rule) [?]: a warning
    ("15/11/2024", False, True),   # 2 years to the day: still accepted (Ille-et-Vilaine's rule) [?]
    ("14/11/2024", True, False),   # older than 2 years: refused
])
def test_the_kbis_age_is_a_dated_rule(logged_in, date_kbis, refused, warned):
    for url, data in ((HABILITATION, ENTREPRISE), (HABILITATION + "/activites", ACTIVITES),
                      (HABILITATION + "/responsable", RESPONSABLE)):
        logged_in.post(url, data)
    sent = logged_in.upload(HABILITATION + "/pieces", {"kbis": ("kbis.pdf", KBIS), "piece_identite": ("cni.pdf", PIECE)},
                            {**PIECES, "date_kbis": date_kbis})
    assert sent.errors() == (["L'extrait Kbis doit dater de moins de 2 ans."] if refused else [])
    if not refused:
        recap = unescape(logged_in.get(HABILITATION + "/recapitulatif").text)
        assert ("Votre extrait Kbis date de plus de 6 mois" in recap) == warned


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
