"""The sandbox: a real server on a free port, driven over real HTTP and with real Chromium."""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html import unescape

import pytest

from autopilot.sandbox import DEMO_ACCOUNT, Sandbox

LOGIN = "https://ants.gouv.fr/monespace/se-connecter"
ESPACE = "https://ants.gouv.fr/monespace/mon-espace"
START = "https://passeport.ants.gouv.fr/demarches-en-ligne/pre-demande-passeport"
RECAP = START + "/recapitulatif"

MOTIF = {"motif": "renouvellement"}
ETAT_CIVIL = {
    "nom_naissance": "Martin",
    "nom_usage": "Durand",
    "prenoms": "Jeanne, Marie",
    "sexe": "F",
    "date_naissance": "14/07/1985",
    "pays_naissance": "France",
    "departement_naissance": "33",
    "commune_naissance": "Bordeaux",
    "nationalite": "Française",
    "taille": "168",
    "couleur_yeux": "Marron",
}
ADRESSE = {
    "voie": "12 rue de la Mairie",
    "complement": "",
    "code_postal": "33000",
    "commune": "Bordeaux",
    "telephone": "06 12 34 56 78",
    "courriel": "",
}
FILIATION = {
    "parent1_nom": "Martin",
    "parent1_prenoms": "Paul",
    "parent1_date_naissance": "00/00/1950",
    "parent1_lieu_naissance": "Lyon",
    "parent2_nom": "",
    "parent2_prenoms": "",
    "parent2_date_naissance": "",
    "parent2_lieu_naissance": "",
    "parent2_inconnu": "oui",
}
TIMBRE = {"timbre_choix": "deja", "numero_timbre": "1234 5678 9012 3456"}
# What the timbre page records: the number without its spaces, the price for an adult.
TIMBRE_RECEIVED = {"timbre_choix": "deja", "numero_timbre": "1234567890123456", "timbre_montant": "86"}
PAGES = [(START, MOTIF), (START + "/etat-civil", ETAT_CIVIL), (START + "/adresse", ADRESSE),
         (START + "/filiation", FILIATION), (START + "/timbre", TIMBRE)]
RECEIVED = {**MOTIF, **ETAT_CIVIL, **ADRESSE, **FILIATION, **TIMBRE_RECEIVED, "certification": "oui"}


# -- a stdlib client: every *.localhost name goes to 127.0.0.1 (as Chromium does) -----------


class _LoopbackConnection(http.client.HTTPConnection):
    def connect(self) -> None:
        self.sock = socket.create_connection(("127.0.0.1", self.port), self.timeout)


class _LoopbackHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_LoopbackConnection, req)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Reply:
    status: int
    url: str
    headers: http.client.HTTPMessage
    text: str

    @property
    def location(self) -> str:
        return urllib.parse.urljoin(self.url, self.headers["Location"])

    def errors(self) -> list[str]:
        """The texts of the `fr-error-text` paragraphs, in page order."""
        return [unescape(m) for m in re.findall(r'<p id="[^"]+" class="fr-error-text">([^<]*)</p>', self.text)]

    def h1(self) -> str:
        return unescape(re.search(r"<h1[^>]*>(.*?)</h1>", self.text, re.S).group(1).strip())


class Client:
    """One browser-like user: a cookie jar, redirects followed only on request."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.jar = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            _LoopbackHandler, _NoRedirect, urllib.request.HTTPCookieProcessor(self.jar)
        )

    def _open(self, url: str, data: dict | None = None, *, follow: bool) -> Reply:
        url = url if url.startswith("http://") else self.sandbox.url(url)
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self._opener.open(urllib.request.Request(url, data=body), timeout=10) as resp:
                reply = Reply(resp.status, url, resp.headers, resp.read().decode())
        except urllib.error.HTTPError as exc:
            reply = Reply(exc.code, url, exc.headers, exc.read().decode())
        if follow and reply.status in (301, 302, 303):
            return self._open(reply.location, follow=True)
        return reply

    def get(self, url: str, *, follow: bool = True) -> Reply:
        return self._open(url, follow=follow)

    def post(self, url: str, data: dict, *, follow: bool = False) -> Reply:
        return self._open(url, data, follow=follow)

    def login(self, next_url: str = "") -> Reply:
        data = {**DEMO_ACCOUNT, "next": next_url}
        return self.post(LOGIN, data)


@pytest.fixture
def client(sandbox):
    return Client(sandbox)


@pytest.fixture
def logged_in(client):
    assert client.login().status == 303
    return client


def _jeton(reply: Reply) -> str:
    return re.search(r'name="jeton" value="([^"]+)"', reply.text).group(1)


def _fill_pages(client: Client, pages=PAGES) -> None:
    for url, data in pages:
        assert client.post(url, data).status == 303, url


# -- hosts and the control host ---------------------------------------------------------------


def test_real_urls_map_to_localhost_subdomains_on_the_port(sandbox):
    assert sandbox.url("https://passeport.ants.gouv.fr/x?y=1") == (
        f"http://passeport.ants.gouv.fr.localhost:{sandbox.port}/x?y=1"
    )
    assert sandbox.home_url == f"http://localhost:{sandbox.port}/"


def test_training_home_page_is_french_and_links_every_site(client, sandbox):
    reply = client.get(sandbox.home_url)
    assert reply.status == 200
    assert '<html lang="fr">' in reply.text
    assert reply.h1() == "Bac à sable autopilot — formation"
    assert "Rien n&#39;est envoyé à l&#39;administration" in reply.text
    assert sandbox.url(LOGIN) in reply.text and sandbox.url(START) in reply.text
    assert DEMO_ACCOUNT["identifiant"] in reply.text


def test_unknown_host_and_unknown_path_answer_a_french_404(client, sandbox):
    unknown_host = client.get(f"http://impots.gouv.fr.localhost:{sandbox.port}/")
    unknown_path = client.get("https://ants.gouv.fr/nulle-part")
    for reply in (unknown_host, unknown_path):
        assert reply.status == 404
        assert reply.h1() == "Page non trouvée"
        assert '<html lang="fr">' in reply.text


# -- the ANTS account -------------------------------------------------------------------------


def test_login_opens_mon_espace_with_the_account_in_the_header(client):
    reply = client.login()
    assert (reply.status, reply.headers["Location"]) == (303, "/monespace/mon-espace")
    espace = client.get(reply.location)
    assert espace.h1() == "Mon espace"
    for card in ("Mon espace identité", "Mon espace conduite", "Mon espace véhicule"):
        assert f">{card}</a>" in espace.text
    assert DEMO_ACCOUNT["identifiant"] in espace.text
    assert ">Se déconnecter</button>" in espace.text
    identite = client.get("https://ants.gouv.fr/monespace/mon-espace-identite")
    assert identite.h1() == "Mon espace identité"
    assert f'href="{client.sandbox.url(START)}">Réaliser une pré-demande de passeport</a>' in identite.text


def test_login_page_markup(client):
    page = client.get(LOGIN)
    assert page.h1() == "Connexion à mon compte"
    assert re.search(r'<label class="fr-label" for="identifiant">Identifiant <span class="fr-hint-text">'
                     r'Adresse électronique</span></label>', page.text)
    assert re.search(r'type="email" id="identifiant" name="identifiant"', page.text)
    assert re.search(r'type="password" id="mot_de_passe" name="mot_de_passe" autocomplete="current-password"',
                     page.text)
    assert "S'identifier avec" in page.text
    fc = client.get("https://ants.gouv.fr/monespace/franceconnect")
    assert "pas disponibles dans le bac à sable" in fc.text


def test_wrong_password_is_refused_with_the_site_message(client):
    reply = client.post(LOGIN, {"identifiant": DEMO_ACCOUNT["identifiant"], "mot_de_passe": "faux"})
    assert reply.status == 200
    assert re.search(r'fr-alert--error" role="alert">\s*<p>Identifiant ou mot de passe incorrect.</p>', reply.text)
    assert client.get(ESPACE, follow=False).status == 303


def test_five_failures_lock_the_account_even_for_the_right_password(client):
    bad = {"identifiant": DEMO_ACCOUNT["identifiant"], "mot_de_passe": "faux"}
    locked = ("Votre compte est temporairement bloqué suite à plusieurs tentatives infructueuses. "
              "Réessayez dans 15 minutes.")
    for _ in range(4):
        assert "Identifiant ou mot de passe incorrect." in client.post(LOGIN, bad).text
    assert locked in client.post(LOGIN, bad).text
    right = client.post(LOGIN, dict(DEMO_ACCOUNT))
    assert right.status == 200 and locked in right.text


def test_empty_login_fields_get_field_errors(client):
    reply = client.post(LOGIN, {"identifiant": "", "mot_de_passe": ""})
    assert reply.errors() == ["Veuillez renseigner votre identifiant.", "Veuillez renseigner votre mot de passe."]


def test_protected_pages_redirect_to_login_with_next(client, sandbox):
    espace = client.get(ESPACE, follow=False)
    assert espace.status == 303
    assert espace.location == sandbox.url(LOGIN) + "?next=%2Fmonespace%2Fmon-espace"

    passeport = client.get(START + "/etat-civil", follow=False)
    assert passeport.status == 303
    assert passeport.location == sandbox.url(LOGIN) + "?next=" + urllib.parse.quote(
        sandbox.url(START + "/etat-civil"), safe=""
    )
    back = client.login(next_url=sandbox.url(START))
    assert (back.status, back.location) == (303, sandbox.url(START))
    real = client.login(next_url=START + "/adresse")  # a real URL is mapped to its replica
    assert real.location == sandbox.url(START + "/adresse")


def test_next_outside_ants_is_not_honoured(client, sandbox):
    for foreign in ("https://evil.example/", f"http://evil.localhost:{sandbox.port}/", "//evil.example/x"):
        reply = client.login(next_url=foreign)
        assert reply.headers["Location"] == "/monespace/mon-espace", foreign


def test_logout_then_login_page_says_so(logged_in):
    reply = logged_in.post("https://ants.gouv.fr/monespace/se-deconnecter", {})
    assert reply.status == 303
    page = logged_in.get(reply.location)
    assert page.h1() == "Connexion à mon compte"
    assert "Vous êtes déconnecté." in page.text
    assert logged_in.get(ESPACE, follow=False).status == 303


def test_one_time_code_from_the_mailbox_on_a_new_browser(client, sandbox):
    sandbox.otp = True
    reply = client.login(next_url="/monespace/mon-espace-identite")
    assert (reply.status, reply.headers["Location"]) == (303, "/monespace/verification")
    page = client.get(reply.location)
    assert page.h1() == "Vérification de votre identité"
    assert 'autocomplete="one-time-code"' in page.text
    [mail] = sandbox.mailbox()
    code = re.fullmatch(r"Votre code de vérification ANTS : (\d{6})", mail["body"]).group(1)
    assert mail["to"] == DEMO_ACCOUNT["identifiant"]
    assert f"Votre code de vérification ANTS : {code}" in client.get(sandbox.home_url + "boite-mail").text

    wrong = client.post("https://ants.gouv.fr/monespace/verification", {"code": "000000" if code != "000000" else "111111"})
    assert wrong.errors() == ["Le code de vérification est incorrect. Vérifiez le dernier code reçu et réessayez."]
    right = client.post("https://ants.gouv.fr/monespace/verification", {"code": code})
    assert (right.status, right.headers["Location"]) == (303, "/monespace/mon-espace-identite")
    assert client.get(right.location).h1() == "Mon espace identité"

    # The browser is now an "appareil reconnu": no new code on the next login.
    client.post("https://ants.gouv.fr/monespace/se-deconnecter", {})
    assert client.login().headers["Location"] == "/monespace/mon-espace"
    assert len(sandbox.mailbox()) == 1
    # Another browser is asked again.
    assert Client(sandbox).login().headers["Location"] == "/monespace/verification"
    assert len(sandbox.mailbox()) == 2


def test_session_cookie_is_shared_with_the_passport_site_in_chromium(page, sandbox):
    page.goto(sandbox.url(LOGIN))
    page.get_by_label("Identifiant").fill(DEMO_ACCOUNT["identifiant"])
    page.get_by_label("Mot de passe").fill(DEMO_ACCOUNT["mot_de_passe"])
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Mon espace"

    page.goto(sandbox.url(START))
    assert page.url == sandbox.url(START)  # not sent to the login page
    assert page.get_by_role("heading", level=1).inner_text() == "Motif de la demande"
    assert page.get_by_text(DEMO_ACCOUNT["identifiant"]).is_visible()

    page.get_by_role("button", name="Se déconnecter").click()
    assert page.get_by_text("Vous êtes déconnecté.").is_visible()
    page.goto(sandbox.url(START))
    assert page.get_by_role("heading", level=1).inner_text() == "Connexion à mon compte"


# -- the passport pré-demande -----------------------------------------------------------------


def test_full_pre_demande_records_exactly_what_was_posted(logged_in, sandbox):
    first = logged_in.get(START)
    assert first.h1() == "Motif de la demande"
    assert "Étape 1 sur 6" in first.text
    for (url, data), next_url in zip(PAGES, [p[0] for p in PAGES[1:]] + [RECAP], strict=False):
        reply = logged_in.post(url, data)
        assert (reply.status, reply.location) == (303, sandbox.url(next_url))
    recap = logged_in.get(RECAP)
    assert recap.h1() == "Récapitulatif"
    assert "Étape 6 sur 6" in recap.text and "Jeanne, Marie" in recap.text
    assert "1234 5678 9012 3456" in recap.text
    assert sandbox.received() == []

    done = logged_in.post(RECAP, {"jeton": _jeton(recap), "certification": "oui"})
    assert done.status == 303
    [record] = sandbox.received("passeport-pre-demande")
    assert record["kind"] == "passeport-pre-demande"
    assert record["account"] == DEMO_ACCOUNT["identifiant"]
    assert re.fullmatch(r"[A-Z0-9]{10}", record["numero_predemande"])
    assert record["data"] == RECEIVED
    assert done.location.endswith("/confirmation/" + record["numero_predemande"])

    confirmation = logged_in.get(done.location)
    assert confirmation.h1() == "Votre pré-demande est enregistrée"
    assert f"Numéro de pré-demande : <strong id=\"numero-predemande\">{record['numero_predemande']}</strong>" in confirmation.text
    assert "valable 1 an" in confirmation.text
    assert ">Télécharger le récapitulatif</a>" in confirmation.text
    qr = logged_in.get(done.location + "/qr-code.svg")
    assert qr.status == 200 and qr.headers["Content-Type"].startswith("image/svg+xml")
    printable = logged_in.get(done.location + "/recapitulatif")
    assert record["numero_predemande"] in printable.text and "Bordeaux" in printable.text

    # The draft is gone: the récapitulatif URL sends back to the start, nothing more recorded.
    again = logged_in.get(RECAP, follow=False)
    assert (again.status, again.location) == (303, sandbox.url(START))
    assert len(sandbox.received()) == 1


def test_the_same_form_posted_twice_is_recorded_twice(logged_in, sandbox):
    _fill_pages(logged_in)
    jeton = _jeton(logged_in.get(RECAP))
    first = logged_in.post(RECAP, {"jeton": jeton, "certification": "oui"})
    second = logged_in.post(RECAP, {"jeton": jeton, "certification": "oui"})
    assert first.status == second.status == 303
    records = sandbox.received()
    assert len(records) == 2
    assert records[0]["data"] == records[1]["data"]
    assert records[0]["numero_predemande"] != records[1]["numero_predemande"]


def test_recap_requires_the_certification(logged_in, sandbox):
    _fill_pages(logged_in)
    reply = logged_in.post(RECAP, {"jeton": _jeton(logged_in.get(RECAP))})
    assert reply.status == 200
    assert reply.errors() == [
        "Vous devez certifier l'exactitude des informations fournies pour valider votre pré-demande."
    ]
    assert sandbox.received() == []


def test_invalid_etat_civil_is_shown_again_with_french_errors(logged_in, sandbox):
    _fill_pages(logged_in, PAGES[:1])
    bad = {**ETAT_CIVIL, "nom_naissance": "", "prenoms": "Jeanne2", "sexe": "", "date_naissance": "31/02/1985",
           "departement_naissance": "", "nationalite": "Belge", "taille": "12", "couleur_yeux": ""}
    reply = logged_in.post(START + "/etat-civil", bad)
    assert reply.status == 200
    assert reply.errors() == [
        "Veuillez renseigner le nom de naissance.",
        "Le ou les prénoms ne doit contenir que des lettres, des espaces, des tirets, des apostrophes et des virgules.",
        "Veuillez sélectionner le sexe.",
        "La date de naissance n'est pas une date valide.",
        "Veuillez renseigner le département de naissance (obligatoire pour une naissance en France).",
        "Le passeport français est délivré aux personnes de nationalité française.",
        "La taille doit être un nombre entier de centimètres entre 30 et 250.",
        "Veuillez sélectionner la couleur des yeux.",
    ]
    assert re.search(r'<div class="fr-input-group fr-input-group--error">\s*<label class="fr-label" for="nom_naissance">',
                     reply.text)
    assert "Le formulaire contient 8 erreurs" in reply.text
    assert 'value="Jeanne2"' in reply.text  # what was typed is shown again
    # Nothing was kept: the next page still sends back here.
    assert logged_in.get(START + "/adresse", follow=False).location == sandbox.url(START + "/etat-civil")


@pytest.mark.parametrize(
    ("date_naissance", "message"),
    [
        ("00/00/1950", None),
        ("00/05/1950", None),
        ("29/02/2000", None),
        ("29/02/2001", "La date de naissance n'est pas une date valide."),
        ("05/00/1950", "La date de naissance n'est pas une date valide."),
        ("1/2/1950", "La date de naissance doit être au format JJ/MM/AAAA."),
        ("1950-02-01", "La date de naissance doit être au format JJ/MM/AAAA."),
        ("01/01/2999", "La date de naissance ne peut pas être postérieure à la date du jour."),
    ],
)
def test_birth_dates_follow_the_jj_mm_aaaa_rules(logged_in, date_naissance, message):
    _fill_pages(logged_in, PAGES[:1])
    reply = logged_in.post(START + "/etat-civil", {**ETAT_CIVIL, "date_naissance": date_naissance})
    assert reply.errors() == ([message] if message else [])


def test_departement_is_only_required_for_a_birth_in_france(logged_in):
    _fill_pages(logged_in, PAGES[:1])
    abroad = {**ETAT_CIVIL, "pays_naissance": "Maroc", "departement_naissance": "", "commune_naissance": "Rabat"}
    assert logged_in.post(START + "/etat-civil", abroad).status == 303
    wrong = logged_in.post(START + "/etat-civil", {**ETAT_CIVIL, "departement_naissance": "99"})
    assert wrong.errors() == ["Le département de naissance n'est pas valide (exemple : 33, 2A ou 971)."]


def test_invalid_address_and_filiation(logged_in):
    _fill_pages(logged_in, PAGES[:2])
    adresse = logged_in.post(START + "/adresse", {**ADRESSE, "code_postal": "3300", "telephone": "01 23 45 67 89",
                                                   "courriel": "pas-une-adresse"})
    assert adresse.errors() == [
        "Le code postal doit comporter 5 chiffres.",
        "Le numéro de téléphone portable doit commencer par 06 ou 07 et comporter 10 chiffres.",
        "L'adresse électronique n'est pas valide (exemple : nom@domaine.fr).",
    ]
    assert logged_in.post(START + "/adresse", {**ADRESSE, "telephone": "0712345678"}).status == 303
    filiation = logged_in.post(START + "/filiation", {**FILIATION, "parent2_inconnu": "", "parent1_date_naissance": "13/13/1950"})
    assert filiation.errors() == [
        "La date de naissance du parent 1 n'est pas une date valide.",
        "Veuillez renseigner le nom de famille du parent 2.",
        "Veuillez renseigner le ou les prénoms du parent 2.",
    ]


def test_pages_cannot_be_skipped(logged_in, sandbox):
    reply = logged_in.get(START + "/filiation", follow=False)
    assert (reply.status, reply.location) == (303, sandbox.url(START))
    assert logged_in.get(RECAP, follow=False).location == sandbox.url(START)


def test_modifier_from_the_recap_comes_back_to_the_recap(logged_in, sandbox):
    _fill_pages(logged_in)
    recap = logged_in.get(RECAP)
    assert 'href="/demarches-en-ligne/pre-demande-passeport/adresse?retour=recapitulatif">Modifier' in recap.text
    reply = logged_in.post(START + "/adresse?retour=recapitulatif", {**ADRESSE, "commune": "Talence"})
    assert reply.location == sandbox.url(RECAP)
    assert "Talence" in logged_in.get(RECAP).text


def test_the_whole_pre_demande_in_chromium_by_label(page, sandbox):
    page.goto(sandbox.url(START))
    page.get_by_label("Identifiant").fill(DEMO_ACCOUNT["identifiant"])
    page.get_by_label("Mot de passe").fill(DEMO_ACCOUNT["mot_de_passe"])
    page.get_by_role("button", name="Se connecter").click()

    assert page.get_by_text("Étape 1 sur 6").is_visible()
    page.get_by_role("group", name="Motif de la demande").get_by_label("Renouvellement").check(force=True)
    page.get_by_role("button", name="Suivant").click()

    assert page.get_by_role("heading", level=1).inner_text() == "État civil"
    page.get_by_label("Nom de naissance").fill("Martin")
    page.get_by_label("Nom d'usage (facultatif)").fill("Durand")
    page.get_by_label("Prénom(s)").fill("Jeanne, Marie")
    page.get_by_role("group", name="Sexe").get_by_label("Féminin").check(force=True)
    # The hint is part of the accessible name, as on the real DSFR pages.
    page.get_by_label("Date de naissance Format attendu : JJ/MM/AAAA", exact=True).fill("14/07/1985")
    page.get_by_label("Pays de naissance").select_option("France")
    page.get_by_label("Département de naissance").fill("33")
    page.get_by_label("Commune de naissance").fill("Bordeaux")
    page.get_by_label("Nationalité").select_option("Française")
    page.get_by_label("Taille").fill("168")
    page.get_by_label("Couleur des yeux").select_option("Marron")
    page.get_by_role("button", name="Suivant").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Adresse"
    page.get_by_label("Numéro et libellé de la voie").fill("12 rue de la Mairie")
    page.get_by_label("Code postal").fill("33000")
    page.get_by_label("Commune", exact=True).fill("Bordeaux")
    page.get_by_label("Numéro de téléphone portable").fill("06 12 34 56 78")
    page.get_by_role("button", name="Suivant").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Filiation"
    assert page.get_by_label("Nom de famille").count() == 2  # same labels in both fieldsets, on purpose
    parent1 = page.get_by_role("group", name="Parent 1")
    parent1.get_by_label("Nom de famille").fill("Martin")
    parent1.get_by_label("Prénom(s)").fill("Paul")
    parent1.get_by_label("Date de naissance (facultatif)").fill("00/00/1950")
    parent1.get_by_label("Lieu de naissance (facultatif)").fill("Lyon")
    page.get_by_role("group", name="Parent 2").get_by_label("Filiation inconnue").check(force=True)
    page.get_by_role("button", name="Suivant").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Timbre fiscal"
    page.get_by_role("group", name="Timbre fiscal").get_by_label("J'ai déjà un timbre fiscal électronique").check(force=True)
    page.get_by_label("Numéro du timbre fiscal").fill("1234 5678 9012 3456")
    page.get_by_role("button", name="Suivant").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Récapitulatif"
    page.get_by_label("Je certifie sur l'honneur l'exactitude des informations fournies").check(force=True)
    page.get_by_role("button", name="Valider ma pré-demande").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Votre pré-demande est enregistrée"
    [record] = sandbox.received()
    assert page.get_by_text("Numéro de pré-demande").inner_text() == (
        f"Numéro de pré-demande : {record['numero_predemande']}"
    )
    assert record["data"] == RECEIVED


# -- fault knobs --------------------------------------------------------------------------------


def test_relabel_renames_a_label_wherever_it_is_shown(logged_in, sandbox):
    _fill_pages(logged_in, PAGES[:1])
    sandbox.faults.relabel["Nom de naissance"] = "Nom de famille de naissance"
    page = logged_in.get(START + "/etat-civil")
    assert 'for="nom_naissance">Nom de famille de naissance <span' in page.text
    assert ">Nom de naissance <span" not in page.text


def test_duplicate_label_renders_a_second_ignored_field(logged_in, sandbox):
    _fill_pages(logged_in, PAGES[:1])
    sandbox.faults.duplicate_label.update({"Nom de naissance", "Sexe"})
    page = logged_in.get(START + "/etat-civil")
    assert len(re.findall(r'<label class="fr-label" for="nom_naissance(_bis)?">Nom de naissance ', page.text)) == 2
    assert 'name="nom_naissance_bis"' in page.text and 'name="sexe_bis"' in page.text
    reply = logged_in.post(START + "/etat-civil", {**ETAT_CIVIL, "nom_naissance_bis": "Intrus", "sexe_bis": "M"})
    assert reply.status == 303
    _fill_pages(logged_in, PAGES[2:])
    logged_in.post(RECAP, {"jeton": _jeton(logged_in.get(RECAP)), "certification": "oui"})
    [record] = sandbox.received()
    assert "nom_naissance_bis" not in record["data"] and record["data"]["nom_naissance"] == "Martin"


def test_latency_delays_site_responses_only(client, sandbox):
    sandbox.faults.latency_ms = 300
    started = time.monotonic()
    client.get(LOGIN)
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    client.get(sandbox.home_url)
    assert time.monotonic() - started < 0.3


def test_server_error_paths_answer_a_french_500(logged_in, sandbox):
    sandbox.faults.server_error_paths.add("/demarches-en-ligne/pre-demande-passeport/etat-civil")
    reply = logged_in.get(START + "/etat-civil")
    assert reply.status == 500
    assert reply.h1() == "Service momentanément indisponible"
    assert 'class="fr-header"' in reply.text
    assert logged_in.get(START).status == 200


def test_expired_sessions_keep_the_draft_of_the_account(logged_in, sandbox):
    _fill_pages(logged_in, PAGES[:2])
    sandbox.faults.expire_sessions()
    reply = logged_in.get(START + "/adresse", follow=False)
    assert reply.status == 303 and reply.location.startswith(sandbox.url(LOGIN))
    login_page = logged_in.get(reply.location)
    assert "Votre session a expiré. Veuillez vous reconnecter." in login_page.text
    next_url = urllib.parse.parse_qs(urllib.parse.urlsplit(reply.location).query)["next"][0]
    back = logged_in.login(next_url=next_url)
    assert back.location == sandbox.url(START + "/adresse")
    assert logged_in.get(back.location).h1() == "Adresse"
    assert 'value="Jeanne, Marie"' in logged_in.get(START + "/etat-civil").text


def test_faults_and_records_over_http_for_other_processes(client, logged_in, sandbox):
    def control(path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(sandbox.home_url + path.lstrip("/"), data=data,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as resp:
            return json.load(resp)

    knobs = control("/_sandbox/faults", {"latency_ms": 0, "relabel": {"Taille": "Taille (cm)"},
                                         "duplicate_label": ["Commune"], "server_error_paths": ["/x"],
                                         "expire_sessions": True})
    assert knobs["relabel"] == {"Taille": "Taille (cm)"} and knobs["duplicate_label"] == ["Commune"]
    assert sandbox.faults.server_error_paths == {"/x"}
    assert logged_in.get(ESPACE, follow=False).status == 303  # sessions expired

    logged_in.login()
    _fill_pages(logged_in)
    logged_in.post(RECAP, {"jeton": _jeton(logged_in.get(RECAP)), "certification": "oui"})
    assert control("/_sandbox/received?kind=passeport-pre-demande") == sandbox.received()
    assert control("/_sandbox/received?kind=autre") == []
    assert control("/_sandbox/mailbox") == []
    assert control("/_sandbox/reset", {}) == {"reset": True}
    assert sandbox.received() == [] and sandbox.faults.relabel == {}


def test_reset_forgets_everything(logged_in, sandbox):
    _fill_pages(logged_in)
    logged_in.post(RECAP, {"jeton": _jeton(logged_in.get(RECAP)), "certification": "oui"})
    _fill_pages(logged_in, PAGES[:2])
    sandbox.faults.latency_ms = 50
    sandbox.faults.duplicate_label.add("Taille")
    sandbox.otp = True
    Client(sandbox).login()
    assert sandbox.received() and sandbox.mailbox()

    sandbox.reset()
    assert sandbox.received() == [] and sandbox.mailbox() == []
    assert sandbox.faults.latency_ms == 0 and not sandbox.faults.duplicate_label
    assert sandbox.otp is False
    assert logged_in.get(ESPACE, follow=False).status == 303  # sessions forgotten
    logged_in.login()
    assert logged_in.get(START + "/adresse", follow=False).location == sandbox.url(START)  # draft forgotten


def test_otp_constructor_value_survives_reset():
    with Sandbox(otp=True) as other:
        other.otp = False
        other.reset()
        assert other.otp is True
        assert Client(other).login().headers["Location"] == "/monespace/verification"
