"""The training home page: every replica's start page linked, and exercise data that works.

The checks read the page as a trainee does: the links it shows, and the values of its « Données
d'exercice » tables, typed into the sites they are for. So the page cannot drift from the data.
"""

from __future__ import annotations

import json
import re
import urllib.request
from datetime import date
from html import unescape
from urllib.parse import urljoin

import pytest
from test_sandbox import LOGIN, Client, Reply
from test_sandbox_immatriculation import FilesClient

from autopilot.sandbox.kit.state import SandboxState
from autopilot.sandbox.kit.training import Link, Table
from autopilot.sandbox.replicas import REPLICAS
from autopilot.sandbox.server import create_app

TODAY = date(2026, 11, 19)
HISTOVEC_SEARCH = "https://histovec.interieur.gouv.fr/histovec/public/v1/report_by_data"
TIMBRES = "https://timbres.impots.gouv.fr"
JUSTICE = "https://www.timbre.justice.gouv.fr"
SMS = {"reception": "sms", "telephone": "0612345678", "courriel": ""}


@pytest.fixture(autouse=True)
def fixed_date(sandbox):
    sandbox.today = TODAY


@pytest.fixture
def user(sandbox) -> Client:
    return Client(sandbox)


@pytest.fixture
def mediator(user) -> Client:
    assert user.login().status == 303
    return user


# -- reading the page --------------------------------------------------------------------------


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def links(home: Reply) -> dict[str, tuple[str, str]]:
    """Each link of « Les sites reproduits »: title -> (local href, real URL shown beside it)."""
    found = re.findall(r'<li><a class="fr-link" href="([^"]+)">([^<]+)</a> '
                       r'<span class="fr-text--xs fr-text-mention">\(reproduit ([^)]+)\)</span></li>', home.text)
    return {unescape(title): (unescape(href), real) for href, title, real in found}


def tables(home: Reply) -> dict[str, list[dict[str, str]]]:
    """Each table of « Données d'exercice »: title -> rows, each a dict column -> value ("" for —)."""
    found = {}
    for title, body in re.findall(r'<h4[^>]*>([^<]+)</h4>\s*<table class="fr-table"[^>]*>(.*?)</table>',
                                  home.text, re.S):
        columns = [_text(th) for th in re.findall(r'<th scope="col">(.*?)</th>', body)]
        rows = re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>")[1], re.S)
        found[unescape(title)] = [
            {column: ("" if value == "—" else value)
             for column, value in zip(columns, (_text(td) for td in re.findall(r"<td[^>]*>(.*?)</td>", row)), strict=False)}
            for row in rows
        ]
    return found


@pytest.fixture
def home(user, sandbox) -> Reply:
    reply = user.get(sandbox.home_url)
    assert reply.status == 200
    return reply


def link(home: Reply, title: str) -> str:
    return links(home)[title][0]


def table(home: Reply, title: str) -> list[dict[str, str]]:
    rows = tables(home)[title]
    assert rows, title
    return rows


def status(reply: Reply) -> str:
    return unescape(re.search(r'<span id="statut">([^<]*)</span>', reply.text).group(1))


# -- the links ---------------------------------------------------------------------------------


def test_every_replica_has_a_start_page_linked_with_its_real_url(home, sandbox):
    shown = links(home)
    for title, (href, real) in shown.items():
        assert href == sandbox.url(real), title
    linked = {(re.sub(r"\.localhost:\d+$", "", href.split("/")[2]), "/" + href.split("/", 3)[3])
              for href, _ in shown.values()}
    rules = list(create_app(SandboxState(otp=False)).url_map.iter_rules())
    for replica in REPLICAS:
        if replica.blueprint is None:  # the test card: exercise data only
            continue
        served = {(rule.host, rule.rule) for rule in rules if rule.endpoint.startswith(replica.blueprint.name + ".")}
        assert linked & served, f"{replica.name}: no page of this replica is linked from the home page"


def test_every_link_answers_its_page_or_the_ants_login(home, sandbox):
    for title, (href, _) in links(home).items():
        reply = Client(sandbox).get(href, follow=False)
        assert reply.status == 200 or (
            reply.status in (302, 303) and reply.location.startswith(sandbox.url(LOGIN))
        ), (title, reply.status)


def test_every_link_opens_a_french_page_once_logged_in(home, mediator):
    for title, (href, _) in links(home).items():
        reply = mediator.get(href)
        assert reply.status == 200, title
        # A single-page application (HistoVec) builds its h1 in the browser (test_sandbox_histovec reads it
        # there); its HTML says, in French, that it needs JavaScript.
        built_in_browser = "<noscript>Pour fonctionner, HistoVec a besoin de JavaScript" in unescape(reply.text)
        assert '<html lang="fr">' in reply.text and (built_in_browser or reply.h1()), title


def test_links_and_tables_are_grouped_in_the_missions_order(home):
    titles = [unescape(t) for t in re.findall(r'<h3 class="[^"]*fr-home-category[^"]*">([^<]+)</h3>', home.text)]
    sites = titles[:titles.index("Paiement par carte bancaire")]
    assert sites == ["Compte ANTS de la mairie", "Carte d'identité", "Passeport", "Permis de conduire",
                     "Immatriculation", "Timbres fiscaux", "Exercice"]
    assert titles[len(sites):] == ["Paiement par carte bancaire", "Carte d'identité", "Passeport",
                                   "Permis de conduire", "Immatriculation", "Timbres fiscaux"]


def test_a_link_or_table_in_an_unknown_category_is_refused():
    with pytest.raises(ValueError, match="unknown category"):
        Link("Carte grise", "Demande", "ants.gouv.fr", "/")
    with pytest.raises(ValueError, match="does not fit"):
        Table("Passeport", "Demandes", ("Numéro", "Statut"), (("2026-PAS-000001",),))


# -- the exercise data works on its site --------------------------------------------------------


def _captcha(page: Reply) -> dict[str, str]:
    code = "".join(re.findall(r'class="fr-captcha__glyph"[^>]*>([^<])</text>', page.text))
    return {"captcha": code, "captcha_id": re.search(r'name="captcha_id" value="([^"]+)"', page.text).group(1)}


def test_each_exam_candidate_shown_finds_the_result_shown(home, user):
    search = link(home, "Résultats de l'examen du permis de conduire")
    for row in table(home, "Candidats à l'examen du permis de conduire"):
        data = {"neph": row["Numéro NEPH"], "date_naissance": row["Date de naissance"], "categorie": row["Catégorie"],
                "robot": "oui", **_captcha(user.get(search))}
        found = user.post(search, data)
        assert found.status == 303, (row, found.errors())
        result = user.get(found.location)
        assert re.search(r'<span id="resultat">([^<]*)</span>', result.text).group(1) == row["Résultat"]


def test_each_telepoints_code_shown_opens_the_balance_shown(home, sandbox):
    start = link(home, "Solde des points du permis de conduire (Télépoints)")
    connexion = urljoin(start, re.search(r'href="([^"]+)">Se connecter avec son code confidentiel Télépoints',
                                         Client(sandbox).get(start).text).group(1))
    for row in table(home, "Permis à consulter sur Télépoints"):
        citizen = Client(sandbox)
        neph = row["Numéro de dossier (NEPH)"]
        opened = citizen.post(connexion, {"input_numero_permis_1": neph[:4], "input_numero_permis_2": neph[4:8],
                                          "input_numero_permis_3": neph[8:], "code": row["Code confidentiel"]})
        assert opened.status == 303, (row, opened.errors())
        balance = citizen.get(opened.location)
        assert re.search(r'<span id="solde">([^<]*)</span>', balance.text).group(1) == row["Solde"]


def test_each_telepoints_mobile_shown_receives_the_forgotten_code(home, sandbox, user):
    start = link(home, "Solde des points du permis de conduire (Télépoints)")
    row = table(home, "Permis à consulter sur Télépoints")[0]
    connexion = urljoin(start, re.search(r'href="([^"]+)">Se connecter avec son code confidentiel Télépoints',
                                         user.get(start).text).group(1))
    forgotten = re.search(r'href="([^"]+)">Code confidentiel oublié', user.get(connexion).text).group(1)
    user.post(start.rsplit("/tlp/", 1)[0] + forgotten,
              {"neph": row["Numéro de dossier (NEPH)"], "telephone": row["Téléphone portable"]})
    assert [(m["to"], row["Code confidentiel"] in m["body"]) for m in sandbox.sms()] == [
        (row["Téléphone portable"].replace(" ", ""), True)]


def test_each_demande_shown_is_found_by_its_suivi(home, mediator):
    for suivi, demandes in (("Suivre une demande de carte d'identité", "Demandes de carte d'identité à suivre"),
                            ("Suivre une demande de passeport", "Demandes de passeport à suivre"),
                            ("Suivre une demande de permis de conduire", "Demandes de permis de conduire à suivre"),
                            ("Suivre une demande d'immatriculation", "Dossiers d'immatriculation à suivre")):
        for row in table(home, demandes):
            numero = row.get("Numéro de demande") or row["Numéro de dossier"]
            field = "numero_demande" if "Numéro de demande" in row else "numero_dossier"
            found = mediator.post(link(home, suivi), {field: numero})
            assert found.status == 303, (suivi, numero, found.errors())
            assert status(mediator.get(found.location)) == row["Statut"]


def test_a_demande_added_to_the_suivi_is_shown(sandbox, user):
    sandbox.add_demande("2026-CNI-424242", "cni", "Disponible en mairie")
    rows = table(user.get(sandbox.home_url), "Demandes de carte d'identité à suivre")
    assert {"Numéro de demande": "2026-CNI-424242", "Statut": "Disponible en mairie"} in rows


@pytest.mark.parametrize("demarche", ["Déclaration de cession d'un véhicule",
                                      "Changement d'adresse sur le certificat d'immatriculation"])
def test_each_vehicle_shown_is_identified_by_the_vehicle_demarches(home, mediator, demarche):
    start = link(home, demarche)
    for row in table(home, "Véhicules immatriculés"):
        identified = mediator.post(start, {"immatriculation": row["Immatriculation du véhicule"],
                                           "numero_formule": row["Numéro de formule"],
                                           "date_certificat": row["Date du certificat d'immatriculation"]
                                           if not row["Numéro de formule"] else ""})
        assert identified.status == 303, (row, identified.errors())
        if demarche.startswith("Changement d'adresse"):  # the next page starts from the certificate's address
            voie = row["Adresse du titulaire"].split(", ")[0]
            assert f'value="{voie}"' in unescape(mediator.get(identified.location).text), row


def test_the_vehicles_shown_follow_what_the_site_records(home, sandbox):
    mediator = FilesClient(sandbox)
    assert mediator.login().status == 303
    row = table(home, "Véhicules immatriculés")[0]
    # The real URL shown: `post_files` maps it to the sandbox.
    start = links(home)["Changement d'adresse sur le certificat d'immatriculation"][1]
    nouvelle = {"voie": "4 rue Neuve", "complement": "", "code_postal": "35000", "commune": "Rennes"}
    for url, data in [(start, {"immatriculation": row["Immatriculation du véhicule"],
                               "numero_formule": row["Numéro de formule"],
                               "date_certificat": row["Date du certificat d'immatriculation"]
                               if not row["Numéro de formule"] else ""}),
                      (start + "/nouvelle-adresse", nouvelle)]:
        assert mediator.post(url, data).status == 303, url
    pieces = mediator.post_files(start + "/pieces", {"qualite": "titulaire"},
                                 {"justificatif_domicile": ("domicile.pdf", b"%PDF-1.4 domicile")})
    assert pieces.status == 303, pieces.errors()
    recap = mediator.get(start + "/recapitulatif")
    jeton = re.search(r'name="jeton" value="([^"]+)"', recap.text).group(1)
    done = mediator.post(start + "/recapitulatif", {"jeton": jeton, "certification": "oui"})
    if "/paiement" in done.location:  # a new certificate: paid with the test card shown
        card = table(home, "Carte bancaire de test")[0]
        jeton = re.search(r'name="jeton" value="([^"]+)"', mediator.get(done.location).text).group(1)
        done = mediator.post(done.location, {"jeton": jeton, "numero_carte": card["Numéro de carte"],
                                             "date_expiration": card["Date d'expiration"],
                                             "cryptogramme": card["Cryptogramme visuel"]})
    assert done.status == 303 and "/confirmation/" in done.location, done.errors()
    [after] = [r for r in table(mediator.get(sandbox.home_url), "Véhicules immatriculés")
               if r["Immatriculation du véhicule"] == row["Immatriculation du véhicule"]]
    assert after["Adresse du titulaire"] == "4 rue Neuve, 35000 Rennes" != row["Adresse du titulaire"]
    [numero] = [r["numero_dossier"] for r in sandbox.received("immatriculation-changement-adresse")]
    assert numero in [d["Numéro de dossier"] for d in table(mediator.get(sandbox.home_url),
                                                            "Dossiers d'immatriculation à suivre")]


def test_each_histovec_vehicle_shown_gets_its_report(home, user):
    def search(body: dict) -> dict:
        request = urllib.request.Request(user.sandbox.url(HISTOVEC_SEARCH), data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        with user._opener.open(request, timeout=10) as answer:
            return json.load(answer)

    def rows(dates: str, holder: str) -> list[dict[str, str]]:
        return table(home, f"Véhicules connus de HistoVec : immatriculation {dates}, {holder}")

    searches = [({"type_immatriculation": "siv", "type_personne": "particulier", "nom": row["Nom de naissance"],
                  "prenoms": row["Prénom(s)"], "numero_formule": row["Numéro de formule"]}, row)
                for row in rows("depuis 2009", "particulier")]
    searches += [({"type_immatriculation": "siv", "type_personne": "morale", "raison_sociale": row["Raison sociale"],
                   "siren": row["Numéro SIREN"], "numero_formule": row["Numéro de formule"]}, row)
                 for row in rows("depuis 2009", "personne morale")]
    searches += [({"type_immatriculation": "fni", "type_personne": "particulier",
                   "nom_prenoms": row["Nom de naissance et prénom(s)"],
                   "date_emission": row["Date d'émission du certificat d'immatriculation"]}, row)
                 for row in rows("avant 2009", "particulier")]
    searches += [({"type_immatriculation": "fni", "type_personne": "morale", "raison_sociale": row["Raison sociale"],
                   "siren": row["Numéro SIREN"], "date_emission": row["Date d'émission du certificat d'immatriculation"]},
                  row) for row in rows("avant 2009", "personne morale")]
    assert len(searches) == 10
    for body, row in searches:
        report = search({**body, "plaque": row["Numéro d'immatriculation"]})
        assert " ".join(report["synthese"]) == row["Situation"], row


def test_the_siret_shown_passes_the_habilitation(home, mediator):
    row = table(home, "Entreprise fictive pour la demande d'habilitation")[0]
    sent = mediator.post(link(home, "Demande d'habilitation des professionnels de l'automobile"), {
        "raison_sociale": row["Raison sociale"], "siret": row["Numéro SIRET"], "date_creation": "01/03/2019",
        "voie": "3 rue du Moulin", "code_postal": "60000", "commune": "Beauvais"})
    assert sent.status == 303, sent.errors()


def test_the_test_card_shown_pays_a_timbre(home, user, sandbox):
    card = table(home, "Carte bancaire de test")[0]
    assert link(home, "Acheter un timbre fiscal électronique") == sandbox.url(TIMBRES + "/")
    for path, data in [("/pages/achat/choixTimbre.jsp?demarche=cni", {}), ("/pages/achat/panier.jsp", SMS),
                       ("/pages/achat/paiement.jsp", {"moyen": "carte"})]:
        assert user.post(TIMBRES + path, data).status == 303, path
    paid = user.post(TIMBRES + "/pages/paiement/carte.jsp", {"numero_carte": card["Numéro de carte"],
                                                            "date_expiration": card["Date d'expiration"],
                                                            "cryptogramme": card["Cryptogramme visuel"]})
    assert paid.status == 303, paid.errors()
    assert [r["carte_fin"] for r in sandbox.received("timbres-achat")] == [card["Numéro de carte"][-4:]]


def test_the_justice_site_is_linked_and_its_stamp_shown_is_refunded(home, user, sandbox):
    assert links(home)["Acheter un timbre pour une procédure d'appel (Justice)"] == (
        sandbox.url(JUSTICE + "/"), JUSTICE + "/")
    search = link(home, "Demander le remboursement d'un timbre pour une procédure d'appel (Justice)")
    assert search == sandbox.url(JUSTICE + "/pages/remboursement/rechercheTimbre.jsp")
    (row,) = table(home, "Timbre pour une procédure d'appel déjà acheté (Justice)")
    assert row["Date d'achat"] == "09/11/2026"  # 10 days before the sandbox's today
    found = user.post(search, {"numero_timbre": row["Numéro du timbre"], "montant": row["Montant du timbre"],
                               "reference_transaction": row["Référence de la transaction"],
                               "date_achat": row["Date d'achat"]})
    assert (found.status, found.headers["Location"]) == (303, "/pages/remboursement/confirmation.jsp"), found.errors()
    confirm = user.get(found.location)
    jeton = re.search(r'name="jeton" value="([^"]+)"', confirm.text).group(1)
    assert user.post(found.location, {"jeton": jeton}).status == 303
    (refund,) = sandbox.received("timbre-justice-remboursement")
    assert (refund["numero_timbre"], refund["montant"]) == ("".join(row["Numéro du timbre"].split()), 225)
