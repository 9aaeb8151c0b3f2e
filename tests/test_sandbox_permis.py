"""The sandbox's driving-licence request and its suivi in « Mon espace conduite », over real HTTP.

The way in and the pages follow docs/teleservices.md §9.3: « Mon espace » → « Nouvelle demande » →
« Le permis de conduire » → « Je commence la demande » → the request; a theft uploads the police
declaration, a loss is declared on the motif page, a deterioration uploads the copy of the damaged
licence, a change of civil status asks for the new one and its proof; a loss or a theft is paid
25 € by card at the end. Uploads are recorded by name, size and SHA-256.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import urllib.error
import urllib.request
from datetime import date

import pytest
from documents import pdf_lines, pdf_pages
from paying import assert_card_not_kept
from test_sandbox import Client, Reply
from test_sandbox_identite import _text

from autopilot.sandbox import DEMO_ACCOUNT

SPACE = "https://permisdeconduire.ants.gouv.fr/monespace/"
START = "https://permisdeconduire.ants.gouv.fr/monespace/demande-permis"
MOTIF = START + "/motif"
RECAP = START + "/recapitulatif"
ESPACE_CONDUITE = "https://ants.gouv.fr/monespace/mon-espace-conduite"
SUIVI = ESPACE_CONDUITE + "/suivi-permis"
TODAY = date(2026, 11, 15)

DOMICILE = ("facture-edf.pdf", b"%PDF-1.4 facture d'electricite\n")
IDENTITE = ("carte-identite.jpg", b"\xff\xd8\xff jpeg de la carte")
ACTE = ("acte-mariage.pdf", b"%PDF-1.4 acte de mariage\n")
DECLARATION_VOL = ("recepisse-vol.pdf", b"%PDF-1.4 recepisse de declaration de vol\n")
COPIE_PERMIS = ("permis-abime.jpg", b"\xff\xd8\xff recto et verso du permis")

DEMANDE = {"objet": "fabrication", "type_demande": "renouvellement"}
PERTE = {"date_perte": "28/10/2026", "circonstances": "Perdu au marché du samedi.", "declaration_honneur": "oui"}
NOUVEL_ETAT_CIVIL = {"nouveau_nom": "Durand", "nouveaux_prenoms": ""}
PERMIS = {"neph": "123456 789012"}
ETAT_CIVIL = {
    "nom_naissance": "Martin", "nom_usage": "", "prenoms": "Jeanne, Marie", "sexe": "F",
    "date_naissance": "14/07/1985", "pays_naissance": "France", "departement_naissance": "33",
    "commune_naissance": "Bordeaux",
}
ADRESSE = {"voie": "12 rue de la Mairie", "complement": "", "code_postal": "33000", "commune": "Bordeaux",
           "telephone": "06 12 34 56 78", "courriel": ""}
PHOTO = {"code_ephoto": "ab12-cd34-ef56-gh78-ij90-kl"}
CARD = {"numero_carte": "4111 1111 1111 1111", "date_expiration": "12/28", "cryptogramme": "737"}


def _file(name: str, content: bytes) -> dict:
    return {"nom": name, "taille": len(content), "sha256": hashlib.sha256(content).hexdigest()}


# What every demande records, whatever the motif: the common pages, identifiers normalised.
COMMON_RECEIVED = {
    **DEMANDE, "neph": "123456789012", **ETAT_CIVIL, **ADRESSE, "code_ephoto": "AB12CD34EF56GH78IJ90KL",
    "justificatif_domicile": _file(*DOMICILE), "piece_identite": _file(*IDENTITE), "certification": "oui",
}


class Uploader(Client):
    """The test client, able to post a multipart form with files like a browser."""

    def send(self, url: str, data: dict, files: dict[str, tuple[str, bytes]]) -> Reply:
        boundary = secrets.token_hex(16)
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                 for name, value in data.items()]
        parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                  f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n"
                  for name, (filename, content) in files.items()]
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        url = self.sandbox.url(url)
        request = urllib.request.Request(url, data=body,
                                         headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        try:
            with self._opener.open(request, timeout=10) as resp:
                return Reply(resp.status, url, resp.headers, resp.read().decode())
        except urllib.error.HTTPError as exc:
            return Reply(exc.code, url, exc.headers, exc.read().decode())

    def download(self, url: str) -> tuple[int, str, bytes]:
        """A document's status, type and bytes, fetched with this user's cookies."""
        url = url if url.startswith("http://") else self.sandbox.url(url)
        with self._opener.open(urllib.request.Request(url), timeout=10) as resp:
            return resp.status, resp.headers["Content-Type"], resp.read()


@pytest.fixture
def user(sandbox) -> Uploader:
    sandbox.today = TODAY
    client = Uploader(sandbox)
    assert client.login().status == 303
    return client


def _pages(motif: str) -> list[tuple[str, dict, dict]]:
    """(url, fields, files) of every page before the récapitulatif, for `motif`."""
    by_motif = {
        "vol": [(START + "/declaration-vol", {}, {"declaration_vol": DECLARATION_VOL})],
        "deterioration": [(START + "/permis-deteriore", {}, {"copie_permis": COPIE_PERMIS})],
        "changement_etat_civil": [(START + "/nouvel-etat-civil", NOUVEL_ETAT_CIVIL, {"justificatif_etat_civil": ACTE})],
    }
    return [
        (START, DEMANDE, {}), (MOTIF, {"motif": motif, **(PERTE if motif == "perte" else {})}, {}),
        *by_motif.get(motif, []),
        (START + "/permis", PERMIS, {}), (START + "/etat-civil", ETAT_CIVIL, {}), (START + "/adresse", ADRESSE, {}),
        (START + "/photo", PHOTO, {}),
        (START + "/justificatifs", {}, {"justificatif_domicile": DOMICILE, "piece_identite": IDENTITE}),
    ]


def _fill(user: Uploader, pages: list[tuple[str, dict, dict]]) -> None:
    for url, data, files in pages:
        reply = user.send(url, data, files)
        assert reply.status == 303, (url, reply.errors())


def _validate(user: Uploader) -> Reply:
    recap = user.get(RECAP)
    assert recap.h1() == "Récapitulatif", recap.h1()
    jeton = re.search(r'name="jeton" value="([^"]+)"', recap.text).group(1)
    done = user.send(RECAP, {"jeton": jeton, "certification": "oui"}, {})
    assert done.status == 303 and re.search(r"/(confirmation|paiement)/PC", done.location), done.errors()
    return done


def _validate_and_pay(user: Uploader) -> Reply:
    """Validate, and pay by card when the site asks (a loss or a theft): the confirmation's redirect."""
    done = _validate(user)
    if "/paiement/" in done.location:
        done = user.post(done.location, CARD)
        assert done.status == 303 and "/confirmation/" in done.location, done.errors()
    return done


MOTIF_RECEIVED = {
    "vol": {"declaration_vol": _file(*DECLARATION_VOL)},
    "perte": PERTE,
    "deterioration": {"copie_permis": _file(*COPIE_PERMIS)},
    "expiration": {},
    "changement_etat_civil": {**NOUVEL_ETAT_CIVIL, "justificatif_etat_civil": _file(*ACTE)},
}


def test_the_way_in_leads_from_mon_espace_to_the_request(user, sandbox):
    page = user.get(SPACE)
    steps = [("Mon espace", "Nouvelle demande"), ("Nouvelle demande", "Le permis de conduire"),
             ("Le permis de conduire", "Je commence la demande")]
    for heading, link in steps:
        assert page.h1() == heading, page.h1()
        href = re.search(rf'href="([^"]+)">{re.escape(link)}</a>', page.text).group(1)
        page = user.get(href if href.startswith("http") else sandbox.url(SPACE).split("/monespace")[0] + href)
    assert page.h1() == "Ma demande" and "Étape 1 sur 8" in _text(page.text)
    text = _text(page.text)
    assert "Je demande la fabrication d'un titre de permis de conduire" in text and "Renouvellement de titre" in text
    assert user.get("https://permisdeconduire.ants.gouv.fr/", follow=False).location == sandbox.url(SPACE)


@pytest.mark.parametrize("motif, total", [("vol", 9), ("perte", 8), ("deterioration", 9), ("expiration", 8),
                                          ("changement_etat_civil", 9)])
def test_each_motif_goes_through_its_own_pages_and_records_them(user, sandbox, motif, total):
    pages = _pages(motif)
    assert len(pages) + 1 == total
    first = user.get(START)
    assert first.h1() == "Ma demande" and "Étape 1 sur 8" in _text(first.text)
    for number, ((url, data, files), following) in enumerate(zip(pages, [p[0] for p in pages[1:]] + [RECAP], strict=True), 1):
        reply = user.send(url, data, files)
        assert (reply.status, reply.location) == (303, sandbox.url(following)), (url, reply.errors())
        known = total if number >= 2 else 8  # the number of pages is known once the motif is chosen
        assert f"Étape {number + 1} sur {known}" in _text(user.get(following).text)

    done = _validate_and_pay(user)
    [record] = sandbox.received("permis-demande")
    assert record["data"] == {"motif": motif, **MOTIF_RECEIVED[motif], **COMMON_RECEIVED}
    assert record["account"] == DEMO_ACCOUNT["identifiant"] and record["enregistree_le"] == "2026-11-15"
    assert re.fullmatch(r"PC26\d{8}", record["numero_dossier"])
    assert done.location.endswith("/confirmation/" + record["numero_dossier"])
    confirmation = user.get(done.location)
    assert confirmation.h1() == "Votre demande est enregistrée"
    assert f"Numéro de dossier : {record['numero_dossier']}" in _text(confirmation.text)
    assert ("Télécharger l'attestation de perte" in _text(confirmation.text)) == (motif == "perte")
    payments = sandbox.received("permis-paiement")
    assert [(p["numero_dossier"], p["montant"]) for p in payments] == (
        [(record["numero_dossier"], 25)] if motif in ("vol", "perte") else [])
    assert sandbox.sms()[-1]["to"] == "0612345678"
    assert record["numero_dossier"] in sandbox.sms()[-1]["body"]


def test_the_recap_shows_what_will_be_sent_and_the_files(user):
    _fill(user, _pages("vol"))
    recap = _text(user.get(RECAP).text)
    assert "Étape 9 sur 9" in recap
    assert "Motif Vol du permis" in recap
    assert "Déclaration de vol recepisse-vol.pdf (41 octets)" in recap
    assert "Numéro de permis (NEPH) 123456 789012" in recap
    assert "Justificatif de domicile facture-edf.pdf (31 octets)" in recap
    assert "Nouvel état civil" not in recap and "Date de la perte" not in recap and "timbre" not in recap.lower()


def test_a_theft_is_paid_at_the_end_by_card_and_the_card_is_not_kept(user, sandbox):
    _fill(user, _pages("vol"))
    done = _validate(user)
    [record] = sandbox.received("permis-demande")
    assert done.location == sandbox.url(START + "/paiement/" + record["numero_dossier"])
    # Unpaid: the confirmation sends back to the payment.
    assert user.get(START + "/confirmation/" + record["numero_dossier"], follow=False).location == done.location
    payment = user.get(done.location)
    assert payment.h1() == "Paiement du permis de conduire" and ">Payer 25 €</button>" in payment.text
    refused = user.post(done.location, {**CARD, "numero_carte": "4111 1111 1111 1112"})
    assert refused.status == 200 and refused.errors() and sandbox.received("permis-paiement") == []
    paid = user.post(done.location, CARD)
    assert paid.location == sandbox.url(START + "/confirmation/" + record["numero_dossier"])
    [payment] = sandbox.received("permis-paiement")
    assert (payment["numero_dossier"], payment["montant"], payment["carte_fin"]) == (record["numero_dossier"], 25, "1111")
    assert "Le paiement du nouveau permis (25 €) a été accepté." in _text(user.get(paid.location).text)
    # Paid once: the payment page now leads to the confirmation, not to a second payment.
    assert user.get(done.location, follow=False).location == paid.location
    assert_card_not_kept(sandbox.received(), cryptogramme="737")


def test_a_loss_gives_an_attestation_valid_two_months_from_the_sandbox_date(user, sandbox):
    _fill(user, _pages("perte"))
    done = _validate_and_pay(user)
    assert "Valable jusqu'au : 15/01/2027" in _text(user.get(done.location).text)  # said on the confirmation
    status, kind, attestation = user.download(done.location + "/attestation-perte")  # a PDF, as the real site's
    assert (status, kind) == (200, "application/pdf") and pdf_pages(attestation) == 1
    lines = pdf_lines(attestation)
    assert lines[0] == "Attestation de perte du permis de conduire"
    for line in ("Déclaration de perte enregistrée le 15/11/2026. L'attestation est valable 2 mois.",
                 "Valable jusqu'au : 15/01/2027", "Date de la perte : 28/10/2026"):
        assert line in lines
    assert any("Martin" in line for line in lines)


def test_no_attestation_de_perte_for_another_motif(user):
    _fill(user, _pages("vol"))
    done = _validate_and_pay(user)
    assert user.get(done.location + "/attestation-perte").status == 404


@pytest.mark.parametrize("url, slug, files, message", [
    (START + "/declaration-vol", "vol", {}, "Veuillez joindre la déclaration de vol."),
    (START + "/declaration-vol", "vol", {"declaration_vol": ("plainte.docx", b"PK")},
     "La déclaration de vol doit être un fichier pdf, jpg ou png."),
    (START + "/permis-deteriore", "deterioration", {},
     "Veuillez joindre la copie recto-verso du permis détérioré."),
])
def test_theft_and_deterioration_need_their_document(user, url, slug, files, message):
    _fill(user, _pages(slug)[:2])
    reply = user.send(url, {}, files)
    assert (reply.status, reply.errors()) == (200, [message])


def test_the_loss_is_declared_on_the_motif_page_sworn_and_described(user, sandbox):
    user.send(START, DEMANDE, {})
    reply = user.send(MOTIF, {"motif": "perte", "date_perte": "01/11/2026", "circonstances": "x" * 501}, {})
    assert reply.errors() == ["Les circonstances de la perte ne doivent pas dépasser 500 caractères.",
                              "Vous devez déclarer sur l'honneur la perte de votre permis de conduire."]
    # Another motif ignores the loss fields, and does not record them.
    assert user.send(MOTIF, {"motif": "expiration", "date_perte": "", "circonstances": "x"}, {}).status == 303
    _fill(user, _pages("expiration")[2:])
    _validate(user)
    assert "circonstances" not in sandbox.received("permis-demande")[0]["data"]


def test_the_first_page_asks_for_the_fabrication_and_the_renouvellement(user):
    reply = user.send(START, {}, {})
    assert reply.errors() == ["Veuillez sélectionner l'objet de votre demande.",
                              "Veuillez sélectionner le type de demande."]


@pytest.mark.parametrize("neph, recorded", [("", ""), ("1234 5678 9012", "123456789012"), ("85ab31 0245", "85AB310245")])
def test_the_neph_is_optional_and_lenient_for_old_numbers(user, sandbox, neph, recorded):
    _fill(user, _pages("expiration")[:2])
    assert user.send(START + "/permis", {"neph": neph}, {}).status == 303
    pages = _pages("expiration")[3:]
    _fill(user, pages)
    _validate(user)
    assert sandbox.received("permis-demande")[0]["data"]["neph"] == recorded


@pytest.mark.parametrize("url, data, message", [
    (START + "/permis", {"neph": "12345"}, ("Le numéro de permis (NEPH) comporte 12 chiffres ; un ancien numéro peut "
                                           "aussi contenir des lettres (entre 6 et 15 caractères).")),
    (START + "/photo", {"code_ephoto": ""}, "Veuillez renseigner le code photo-signature numérique."),
    (START + "/photo", {"code_ephoto": "AB12 CD34"}, ("Le code photo-signature numérique se compose de lettres et de "
                                                     "chiffres (22 caractères en général), tel qu'il figure sur la "
                                                     "planche photo.")),
])
def test_identifiers_are_checked_loosely_with_the_sites_messages(user, url, data, message):
    _fill(user, _pages("deterioration")[:6])
    assert user.send(url, data, {}).errors() == [message]


def test_justificatifs_must_be_attached_as_pdf_jpg_or_png(user, sandbox):
    _fill(user, _pages("deterioration")[:7])
    url = START + "/justificatifs"
    assert user.send(url, {}, {}).errors() == ["Veuillez joindre le justificatif de domicile.",
                                               "Veuillez joindre la pièce d'identité."]
    reply = user.send(url, {}, {"justificatif_domicile": ("facture.docx", b"PK"), "piece_identite": ("vide.pdf", b"")})
    assert reply.errors() == ["Le justificatif de domicile doit être un fichier pdf, jpg ou png.",
                              "La pièce d'identité doit être un fichier non vide de 5 Mo au plus."]
    assert user.send(url, {}, {"justificatif_domicile": DOMICILE, "piece_identite": IDENTITE}).status == 303
    page = user.get(url)
    assert "Fichier transmis : facture-edf.pdf (31 octets)." in page.text
    # Posted again without files (the mediator came back to check): the files already sent are kept.
    assert user.send(url, {}, {}).status == 303
    _validate(user)
    data = sandbox.received("permis-demande")[0]["data"]
    assert (data["justificatif_domicile"], data["piece_identite"]) == (_file(*DOMICILE), _file(*IDENTITE))


def test_the_changement_detat_civil_needs_the_new_name_and_its_proof(user):
    _fill(user, _pages("changement_etat_civil")[:2])
    reply = user.send(START + "/nouvel-etat-civil", {"nouveau_nom": "", "nouveaux_prenoms": "Léa1"}, {})
    assert reply.errors() == [
        "Veuillez renseigner le nouveau nom de famille.",
        ("Le ou les nouveaux prénoms ne doit contenir que des lettres, des espaces, des tirets, des apostrophes et "
        "des virgules."),
        "Veuillez joindre le justificatif du changement d'état civil.",
    ]


def test_pages_cannot_be_skipped_and_a_page_of_another_motif_leads_to_the_recap(user, sandbox):
    _fill(user, _pages("deterioration")[:2])
    skipped = user.get(START + "/photo", follow=False)
    assert (skipped.status, skipped.location) == (303, sandbox.url(START + "/permis-deteriore"))
    _fill(user, _pages("deterioration")[2:])
    assert user.get(START + "/declaration-vol", follow=False).location == sandbox.url(RECAP)


def test_changing_the_motif_to_a_theft_asks_for_the_declaration(user, sandbox):
    _fill(user, _pages("expiration"))
    assert user.send(MOTIF + "?retour=recapitulatif", {"motif": "vol"}, {}).location == sandbox.url(RECAP)
    assert user.get(RECAP).h1() == "Déclaration de vol"  # sent to the first page the new motif needs
    user.send(START + "/declaration-vol?retour=recapitulatif", {}, {"declaration_vol": DECLARATION_VOL})
    assert user.get(RECAP).h1() == "Récapitulatif"


def test_the_same_form_posted_twice_is_recorded_twice(user, sandbox):
    _fill(user, _pages("expiration"))
    recap = user.get(RECAP)
    jeton = re.search(r'name="jeton" value="([^"]+)"', recap.text).group(1)
    for _ in range(2):
        assert user.send(RECAP, {"jeton": jeton, "certification": "oui"}, {}).status == 303
    first, second = sandbox.received("permis-demande")
    assert first["data"] == second["data"] and first["numero_dossier"] != second["numero_dossier"]


def test_the_recap_requires_the_certification(user, sandbox):
    _fill(user, _pages("expiration"))
    recap = user.get(RECAP)
    jeton = re.search(r'name="jeton" value="([^"]+)"', recap.text).group(1)
    reply = user.send(RECAP, {"jeton": jeton}, {})
    assert reply.errors() == ["Vous devez certifier l'exactitude des informations fournies pour valider votre demande."]
    assert sandbox.received("permis-demande") == []


# -- Mon espace conduite and the suivi ------------------------------------------------------


def test_the_pages_need_the_ants_login(client_anonymous):
    for url in (SPACE, START, ESPACE_CONDUITE, SUIVI):
        reply = client_anonymous.get(url, follow=False)
        assert reply.status == 303 and "/monespace/se-connecter?next=" in reply.location


@pytest.fixture
def client_anonymous(sandbox) -> Client:
    return Client(sandbox)


def test_mon_espace_conduite_links_the_demande_and_the_suivi(user, sandbox):
    space = user.get("https://ants.gouv.fr/monespace/mon-espace")
    assert 'href="/monespace/mon-espace-conduite"' in space.text
    page = user.get(ESPACE_CONDUITE)
    assert page.h1() == "Mon espace conduite"
    assert f'href="{sandbox.url(SPACE)}">Faire une demande de permis de conduire</a>' in page.text
    assert 'href="/monespace/mon-espace-conduite/suivi-permis">Suivre ma demande de permis de conduire</a>' in page.text


@pytest.mark.parametrize("numero, statut, etapes", [
    ("PC2610004217", "En cours d'instruction",
     "Demande enregistrée le 05/10/2026 En cours d'instruction le 09/10/2026 En cours de fabrication À venir"),
    ("pc 2609 003958", "En cours de fabrication", "En cours de fabrication le 21/09/2026 Envoyé par courrier À venir"),
    ("PC2608001234", "Envoyé par courrier", "Envoyé par courrier le 08/09/2026"),
])
def test_the_suivi_shows_the_seeded_dossiers(user, sandbox, numero, statut, etapes):
    reply = user.send(SUIVI, {"numero_dossier": numero}, {})
    assert reply.status == 303
    result = user.get(reply.location)
    assert result.h1() == "Suivi de votre demande"
    text = _text(result.text)
    assert f"Statut : {statut}" in text and etapes in text


def test_a_recorded_demande_is_found_as_enregistree(user, sandbox):
    _fill(user, _pages("vol"))
    _validate_and_pay(user)
    numero = sandbox.received("permis-demande")[0]["numero_dossier"]
    result = user.get(user.send(SUIVI, {"numero_dossier": numero.lower()}, {}).location)
    text = _text(result.text)
    assert f"Numéro de dossier : {numero}" in text and "motif : Vol du permis" in text
    assert "Statut : Demande enregistrée" in text and "Demande enregistrée le 15/11/2026" in text


@pytest.mark.parametrize("numero, message", [
    ("", "Veuillez renseigner le numéro de dossier."),
    ("PC?26", ("Le numéro de dossier ne doit contenir que des lettres, des chiffres et des tirets "
              "(entre 6 et 30 caractères).")),
    ("PC2699999999", "Aucun dossier ne correspond à ce numéro."),
])
def test_the_suivi_refuses_with_the_sites_messages(user, numero, message):
    reply = user.send(SUIVI, {"numero_dossier": numero}, {})
    assert (reply.status, reply.errors()) == (200, [message])
