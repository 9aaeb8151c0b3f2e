"""The sandbox's identity démarches: the timbre fiscal, the CNI pré-demande and the suivi.

Driven over real HTTP (the stdlib client of test_sandbox) and, where a browser matters, with real
Chromium. "Today" is set through `Sandbox.today`, the sandbox's only clock.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from datetime import date
from html import unescape

import pytest
from test_sandbox import ADRESSE, ETAT_CIVIL, FILIATION, LOGIN, MOTIF, Client

from autopilot.sandbox import DEMO_ACCOUNT

PASSEPORT = "https://passeport.ants.gouv.fr/demarches-en-ligne/pre-demande-passeport"
CNI = "https://passeport.ants.gouv.fr/demarches-en-ligne/pre-demande-cni"
ESPACE_IDENTITE = "https://ants.gouv.fr/monespace/mon-espace-identite"
SUIVI = {
    "passeport": ESPACE_IDENTITE + "/suivi-passeport",
    "cni": ESPACE_IDENTITE + "/suivi-carte-identite",
}
TODAY = date(2026, 11, 15)
CARTE = {"numero_carte": "4111 1111 1111 1111", "date_expiration": "12/28", "cryptogramme": "737"}
ETAT_CIVIL_CNI = {k: v for k, v in ETAT_CIVIL.items() if k != "couleur_yeux"}
FORMAT_MESSAGE = ("Le numéro de demande ne doit contenir que des lettres, des chiffres et des tirets "
                  "(entre 6 et 30 caractères).")


@pytest.fixture
def logged_in(sandbox) -> Client:
    """A browser-like client logged in with the demo account."""
    user = Client(sandbox)
    assert user.login().status == 303
    return user


def _pages(start: str, etat_civil: dict, motif: dict = MOTIF) -> list[tuple[str, dict]]:
    return [(start, motif), (start + "/etat-civil", etat_civil), (start + "/adresse", ADRESSE),
            (start + "/filiation", FILIATION)]


def _fill(user: Client, pages: list[tuple[str, dict]]) -> None:
    for url, data in pages:
        reply = user.post(url, data)
        assert reply.status == 303, (url, reply.errors())


def _validate(user: Client, start: str):
    """Certify and validate the récapitulatif; returns the 303 to the confirmation."""
    recap = user.get(start + "/recapitulatif")
    assert recap.h1() == "Récapitulatif", recap.h1()
    jeton = re.search(r'name="jeton" value="([^"]+)"', recap.text).group(1)
    done = user.post(start + "/recapitulatif", {"jeton": jeton, "certification": "oui"})
    assert done.status == 303 and "/confirmation/" in done.location
    return done


def _born(day: str) -> dict:
    return {**ETAT_CIVIL, "date_naissance": day}


def _text(html: str) -> str:
    """The page's text, tags removed and spaces collapsed (what a reader sees, roughly)."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


# -- timbre fiscal on the passport pré-demande ---------------------------------------------------

AGES = [
    ("14/07/1985", 86, "Passeport, demandeur majeur"),
    ("15/11/2008", 86, "Passeport, demandeur majeur"),  # 18 today
    ("16/11/2008", 42, "Passeport, demandeur mineur de 15 à 17 ans"),  # 18 tomorrow
    ("15/11/2011", 42, "Passeport, demandeur mineur de 15 à 17 ans"),  # 15 today
    ("16/11/2011", 17, "Passeport, demandeur mineur de moins de 15 ans"),
    ("00/00/2012", 17, "Passeport, demandeur mineur de moins de 15 ans"),  # unknown day and month
]


@pytest.mark.parametrize(("date_naissance", "montant", "libelle"), AGES)
def test_timbre_page_shows_the_price_for_the_age_on_the_sandbox_date(logged_in, sandbox, date_naissance, montant,
                                                                       libelle):
    sandbox.today = TODAY
    _fill(logged_in, _pages(PASSEPORT, _born(date_naissance)))
    page = logged_in.get(PASSEPORT + "/timbre")
    assert page.h1() == "Timbre fiscal"
    text = _text(page.text)
    assert "Timbre fiscal Étape 5 sur 6" in text and "Étape suivante : Récapitulatif" in text
    assert f"Montant du timbre fiscal : {montant} € {libelle}." in text
    assert re.search(r'<legend class="fr-fieldset__legend fr-fieldset__legend--regular">Timbre fiscal</legend>',
                     page.text)
    assert ">J&#39;ai déjà un timbre fiscal électronique</label>" in page.text
    assert ">Je souhaite acheter un timbre fiscal électronique</label>" in page.text
    assert ('<label class="fr-label" for="numero_timbre">Numéro du timbre fiscal <span class="fr-hint-text">'
            "16 chiffres, par exemple 1234 5678 9012 3456</span></label>") in page.text


def test_the_clock_is_the_real_date_unless_set_and_reset_restores_it(sandbox):
    assert sandbox.today == date.today()
    sandbox.today = TODAY
    assert sandbox.today == TODAY
    sandbox.reset()
    assert sandbox.today == date.today()


def test_a_birth_date_after_the_sandbox_date_is_refused(logged_in, sandbox):
    sandbox.today = date(2020, 1, 1)
    _fill(logged_in, _pages(PASSEPORT, ETAT_CIVIL)[:1])
    reply = logged_in.post(PASSEPORT + "/etat-civil", _born("02/01/2020"))
    assert reply.errors() == ["La date de naissance ne peut pas être postérieure à la date du jour."]


def test_timbre_deja_is_recorded_without_spaces_with_its_price(logged_in, sandbox):
    sandbox.today = TODAY
    _fill(logged_in, _pages(PASSEPORT, _born("01/01/2012")))
    reply = logged_in.post(PASSEPORT + "/timbre", {"timbre_choix": "deja", "numero_timbre": " 1111 2222 3333 4444 "})
    assert (reply.status, reply.location) == (303, logged_in.sandbox.url(PASSEPORT + "/recapitulatif"))
    recap = _text(logged_in.get(PASSEPORT + "/recapitulatif").text)
    assert ("Timbre fiscal Modifier : Timbre fiscal Timbre fiscal Timbre fiscal électronique déjà acheté "
            "Numéro du timbre fiscal 1111 2222 3333 4444 Montant 17 €") in recap
    _validate(logged_in, PASSEPORT)
    [record] = sandbox.received("passeport-pre-demande")
    assert {k: record["data"][k] for k in ("timbre_choix", "numero_timbre", "timbre_montant")} == {
        "timbre_choix": "deja", "numero_timbre": "1111222233334444", "timbre_montant": "17",
    }
    assert sandbox.received("timbre-achat") == []


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({}, "Veuillez sélectionner une option pour le timbre fiscal."),
        ({"timbre_choix": "autre"}, "La valeur sélectionnée pour une option pour le timbre fiscal n'est pas valide."),
        ({"timbre_choix": "deja", "numero_timbre": ""}, "Veuillez renseigner le numéro du timbre fiscal."),
        ({"timbre_choix": "deja", "numero_timbre": "1234 5678 9012 345"},
         "Le numéro du timbre fiscal doit comporter 16 chiffres."),
        ({"timbre_choix": "deja", "numero_timbre": "1234 5678 9012 34567"},
         "Le numéro du timbre fiscal doit comporter 16 chiffres."),
        ({"timbre_choix": "deja", "numero_timbre": "1234-5678-9012-3456"},
         "Le numéro du timbre fiscal doit comporter 16 chiffres."),
        ({"timbre_choix": "deja", "numero_timbre": "ABCD 5678 9012 3456"},
         "Le numéro du timbre fiscal doit comporter 16 chiffres."),
    ],
)
def test_bad_timbre_numbers_get_the_site_message(logged_in, sandbox, posted, message):
    _fill(logged_in, _pages(PASSEPORT, ETAT_CIVIL))
    reply = logged_in.post(PASSEPORT + "/timbre", posted)
    assert reply.status == 200
    assert reply.errors() == [message]
    assert "Le formulaire contient 1 erreur" in reply.text
    # Nothing kept: the récapitulatif still sends back to the timbre page.
    assert logged_in.get(PASSEPORT + "/recapitulatif", follow=False).location == sandbox.url(PASSEPORT + "/timbre")


def test_a_number_given_with_achat_is_ignored(logged_in, sandbox):
    _fill(logged_in, _pages(PASSEPORT, ETAT_CIVIL))
    reply = logged_in.post(PASSEPORT + "/timbre", {"timbre_choix": "achat", "numero_timbre": "n'importe quoi"})
    assert (reply.status, reply.location) == (303, sandbox.url(PASSEPORT + "/timbre/achat"))


def test_a_timbre_is_used_once_a_pre_demande_carrying_it_is_recorded(logged_in, sandbox):
    timbre = {"timbre_choix": "deja", "numero_timbre": "9999 8888 7777 6666"}
    _fill(logged_in, _pages(PASSEPORT, ETAT_CIVIL))
    assert logged_in.post(PASSEPORT + "/timbre", timbre).status == 303
    # A draft does not use it: another account may still enter it.
    sandbox.add_account("autre.mairie@ants.bac-a-sable.fr", "Autre-2026!")
    other = Client(sandbox)
    other.post(LOGIN, {"identifiant": "autre.mairie@ants.bac-a-sable.fr", "mot_de_passe": "Autre-2026!"})
    _fill(other, _pages(PASSEPORT, ETAT_CIVIL))
    assert other.post(PASSEPORT + "/timbre", {**timbre, "numero_timbre": "9999888877776666"}).status == 303

    _validate(logged_in, PASSEPORT)
    again = other.post(PASSEPORT + "/timbre", timbre)
    assert again.errors() == ["Ce timbre fiscal a déjà été utilisé."]
    # The same goes for the CNI: a timbre is not tied to a démarche.
    _fill(logged_in, _pages(CNI, ETAT_CIVIL_CNI, {"motif": "perte"}))
    assert logged_in.post(CNI + "/timbre", timbre).errors() == ["Ce timbre fiscal a déjà été utilisé."]


def test_a_recap_validated_twice_records_the_timbre_twice(logged_in, sandbox):
    _fill(logged_in, _pages(PASSEPORT, ETAT_CIVIL))
    logged_in.post(PASSEPORT + "/timbre", {"timbre_choix": "deja", "numero_timbre": "5555666677778888"})
    recap = logged_in.get(PASSEPORT + "/recapitulatif")
    jeton = re.search(r'name="jeton" value="([^"]+)"', recap.text).group(1)
    for _ in range(2):
        assert logged_in.post(PASSEPORT + "/recapitulatif", {"jeton": jeton, "certification": "oui"}).status == 303
    first, second = sandbox.received("passeport-pre-demande")
    assert first["data"]["numero_timbre"] == second["data"]["numero_timbre"] == "5555666677778888"


# -- buying the timbre -------------------------------------------------------------------------------


@pytest.mark.parametrize(("date_naissance", "montant"), [("14/07/1985", 86), ("16/11/2008", 42), ("16/11/2011", 17)])
def test_timbre_bought_online_by_age(logged_in, sandbox, date_naissance, montant):
    sandbox.today = TODAY
    _fill(logged_in, _pages(PASSEPORT, _born(date_naissance)))
    choice = logged_in.post(PASSEPORT + "/timbre", {"timbre_choix": "achat"})
    assert (choice.status, choice.location) == (303, sandbox.url(PASSEPORT + "/timbre/achat"))
    achat = logged_in.get(choice.location)
    assert achat.h1() == "Achat du timbre fiscal"
    assert f"Montant à payer : {montant} €" in _text(achat.text)
    assert f'<button type="submit" class="fr-btn">Payer {montant} €</button>' in achat.text
    assert 'href="/demarches-en-ligne/pre-demande-passeport/timbre">Précédent</a>' in achat.text
    assert sandbox.received() == []

    paid = logged_in.post(PASSEPORT + "/timbre/achat", CARTE)
    assert (paid.status, paid.location) == (303, sandbox.url(PASSEPORT + "/timbre/paiement-accepte"))
    [achat_record] = sandbox.received("timbre-achat")
    numero = achat_record["numero_timbre"]
    assert re.fullmatch(r"\d{16}", numero)
    assert re.fullmatch(r"TF[A-Z0-9]{10}", achat_record["reference_transaction"])
    assert achat_record == {"kind": "timbre-achat", "numero_timbre": numero, "montant": montant, "carte_fin": "1111",
                            "reference_transaction": achat_record["reference_transaction"],
                            "date_achat": sandbox.today.isoformat(),
                            "received_at": achat_record["received_at"], "account": DEMO_ACCOUNT["identifiant"]}

    accepte = logged_in.get(paid.location)
    assert accepte.h1() == "Paiement accepté"
    grouped = " ".join(numero[i:i + 4] for i in range(0, 16, 4))
    text = _text(accepte.text)
    assert f"Numéro du timbre fiscal : {grouped}" in text and f"Montant : {montant} €" in text
    assert '<button type="submit" class="fr-btn">Continuer</button>' in accepte.text
    following = logged_in.post(paid.location, {})
    assert (following.status, following.location) == (303, sandbox.url(PASSEPORT + "/recapitulatif"))

    _validate(logged_in, PASSEPORT)
    [record] = sandbox.received("passeport-pre-demande")
    assert {k: record["data"][k] for k in ("timbre_choix", "numero_timbre", "timbre_montant")} == {
        "timbre_choix": "achat", "numero_timbre": numero, "timbre_montant": str(montant),
    }
    confirmation = _text(logged_in.get(sandbox.url(PASSEPORT + "/confirmation/" + record["numero_predemande"])).text)
    assert f"le numéro de votre timbre fiscal électronique ({grouped}, {montant} €)" in confirmation


def test_the_card_is_never_kept_nor_shown_again(logged_in, sandbox):
    _fill(logged_in, _pages(PASSEPORT, ETAT_CIVIL))
    logged_in.post(PASSEPORT + "/timbre", {"timbre_choix": "achat"})
    page = logged_in.get(PASSEPORT + "/timbre/achat")
    autocompletes = {"numero_carte": "cc-number", "date_expiration": "cc-exp", "cryptogramme": "cc-csc"}
    for name, autocomplete in autocompletes.items():
        assert re.search(rf'id="{name}" name="{name}"( value="")? autocomplete="{autocomplete}"', page.text), name
    for label in ("Numéro de carte", "Date d&#39;expiration (MM/AA)", "Cryptogramme visuel"):
        assert f'">{label}' in page.text

    refused = logged_in.post(PASSEPORT + "/timbre/achat", {**CARTE, "cryptogramme": "73"})
    assert refused.errors() == ["Le cryptogramme visuel doit comporter 3 chiffres."]
    assert not re.search(r'name="(numero_carte|cryptogramme)"[^>]* value=', refused.text)
    assert 'value="12/28"' in refused.text  # the expiry date may be shown again

    card = "5555 5555 5555 4444"
    logged_in.post(PASSEPORT + "/timbre/achat", {**CARTE, "numero_carte": card, "cryptogramme": "951"})
    _validate(logged_in, PASSEPORT)
    kept = json.dumps([sandbox.received(), sandbox.mailbox()]) + repr(vars(sandbox._state))
    for secret in ("5555555555554444", "5555 5555 5555 4444", "951", "737"):
        # as a value of its own: random tokens and timbre numbers may hold these digits by chance
        assert not re.search(rf"(?<![\w-]){secret}(?![\w-])", kept), secret
    assert sandbox.received("timbre-achat")[0]["carte_fin"] == "4444"


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"numero_carte": "", "date_expiration": "", "cryptogramme": ""},
         ["Veuillez renseigner le numéro de carte.", "Veuillez renseigner la date d'expiration.",
          "Veuillez renseigner le cryptogramme visuel."]),
        ({"numero_carte": "4111 1111 1111 1112"}, ["Le numéro de carte n'est pas valide."]),  # Luhn
        ({"numero_carte": "4111 1111 111"}, ["Le numéro de carte n'est pas valide."]),  # 11 digits
        ({"numero_carte": "3782 822463 10005"}, ["Les cartes American Express ne sont pas acceptées."]),
        ({"date_expiration": "1228"}, ["La date d'expiration doit être au format MM/AA."]),
        ({"date_expiration": "13/28"}, ["La date d'expiration doit être au format MM/AA."]),
        ({"date_expiration": "10/26"}, ["La date d'expiration de la carte est dépassée."]),
        ({"date_expiration": "11/26"}, []),  # valid until the end of the month
        ({"cryptogramme": "abc"}, ["Le cryptogramme visuel doit comporter 3 chiffres."]),
    ],
)
def test_card_checks(logged_in, sandbox, changes, errors):
    sandbox.today = TODAY
    _fill(logged_in, _pages(PASSEPORT, ETAT_CIVIL))
    logged_in.post(PASSEPORT + "/timbre", {"timbre_choix": "achat"})
    reply = logged_in.post(PASSEPORT + "/timbre/achat", {**CARTE, **changes})
    assert reply.errors() == errors
    assert len(sandbox.received("timbre-achat")) == (0 if errors else 1)


def test_pages_of_the_purchase_cannot_be_reached_early(logged_in, sandbox):
    _fill(logged_in, _pages(PASSEPORT, ETAT_CIVIL)[:2])
    for path in ("/timbre", "/timbre/achat", "/timbre/paiement-accepte"):
        assert logged_in.get(PASSEPORT + path, follow=False).location == sandbox.url(PASSEPORT + "/adresse"), path
    _fill(logged_in, _pages(PASSEPORT, ETAT_CIVIL)[2:])
    # No purchase yet: "Paiement accepté" sends back to the timbre page.
    assert logged_in.get(PASSEPORT + "/timbre/paiement-accepte", follow=False).location == sandbox.url(
        PASSEPORT + "/timbre")


def test_a_new_birth_date_that_changes_the_price_asks_for_the_timbre_again(logged_in, sandbox):
    sandbox.today = TODAY
    _fill(logged_in, _pages(PASSEPORT, _born("16/11/2008")))
    logged_in.post(PASSEPORT + "/timbre", {"timbre_choix": "achat"})
    logged_in.post(PASSEPORT + "/timbre/achat", CARTE)
    bought = sandbox.received("timbre-achat")[0]["numero_timbre"]
    assert logged_in.get(PASSEPORT + "/recapitulatif").h1() == "Récapitulatif"

    fixed = logged_in.post(PASSEPORT + "/etat-civil?retour=recapitulatif", _born("16/11/1990"))
    assert fixed.location == sandbox.url(PASSEPORT + "/recapitulatif")
    back = logged_in.get(fixed.location, follow=False)
    assert back.location == sandbox.url(PASSEPORT + "/timbre")  # 42 € bought, 86 € due
    page = logged_in.get(back.location)
    grouped = " ".join(bought[i:i + 4] for i in range(0, 16, 4))
    assert f"Un timbre fiscal a déjà été acheté pour cette pré-demande : n° {grouped} (42 €)." in _text(page.text)
    assert "Montant du timbre fiscal : 86 €" in _text(page.text)


def test_buying_a_timbre_in_chromium(logged_in, page, sandbox):
    sandbox.today = TODAY
    # The first four pages over HTTP, then Chromium goes on in the same session.
    _fill(logged_in, _pages(PASSEPORT, _born("16/11/2011")))
    page.context.add_cookies([{"name": c.name, "value": c.value, "domain": c.domain, "path": "/"}
                              for c in logged_in.jar if c.name == "ants_session"])

    page.goto(sandbox.url(PASSEPORT + "/timbre"))
    assert page.get_by_role("heading", level=1).inner_text() == "Timbre fiscal"
    assert page.get_by_text("Montant du timbre fiscal : 17 €").is_visible()
    choice = page.get_by_role("group", name="Timbre fiscal")
    choice.get_by_label("Je souhaite acheter un timbre fiscal électronique").check(force=True)
    page.get_by_role("button", name="Suivant").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Achat du timbre fiscal"
    assert page.url == sandbox.url(PASSEPORT + "/timbre/achat")
    page.get_by_label("Numéro de carte").fill(CARTE["numero_carte"])
    page.get_by_label("Date d'expiration (MM/AA)").fill(CARTE["date_expiration"])
    page.get_by_label("Cryptogramme visuel").fill(CARTE["cryptogramme"])
    page.get_by_role("button", name="Payer 17 €", exact=True).click()

    assert page.get_by_role("heading", level=1).inner_text() == "Paiement accepté"
    [achat] = sandbox.received("timbre-achat")
    grouped = " ".join(achat["numero_timbre"][i:i + 4] for i in range(0, 16, 4))
    assert page.get_by_text("Numéro du timbre fiscal").inner_text() == f"Numéro du timbre fiscal : {grouped}"
    assert page.get_by_text("Montant :").inner_text() == "Montant : 17 €"
    page.get_by_role("button", name="Continuer").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Récapitulatif"
    page.get_by_label("Je certifie sur l'honneur l'exactitude des informations fournies").check(force=True)
    page.get_by_role("button", name="Valider ma pré-demande").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Votre pré-demande est enregistrée"
    [record] = sandbox.received("passeport-pre-demande")
    assert record["data"]["numero_timbre"] == achat["numero_timbre"] and record["data"]["timbre_montant"] == "17"


# -- the CNI pré-demande ------------------------------------------------------------------------------


def test_cni_premiere_demande_has_five_pages_no_eye_colour_and_no_timbre(logged_in, sandbox):
    first = logged_in.get(CNI)
    assert first.h1() == "Motif de la demande"
    assert "Étape 1 sur 5" in first.text and "Pré-demande de carte d&#39;identité" in first.text
    assert "munissez-vous de votre ancienne carte d&#39;identité" in first.text
    assert logged_in.post(CNI, {"motif": "premiere_demande"}).location == sandbox.url(CNI + "/etat-civil")
    etat_civil = logged_in.get(CNI + "/etat-civil")
    assert "Étape 2 sur 5" in etat_civil.text and "Couleur des yeux" not in etat_civil.text
    # A couleur_yeux posted anyway is not a field of this page: ignored.
    assert logged_in.post(CNI + "/etat-civil", {**ETAT_CIVIL_CNI, "couleur_yeux": "Bleus"}).status == 303
    assert "votre carte d&#39;identité sera disponible" in logged_in.get(CNI + "/adresse").text
    _fill(logged_in, _pages(CNI, ETAT_CIVIL_CNI, {"motif": "premiere_demande"})[2:3])
    filiation = logged_in.post(CNI + "/filiation", FILIATION)
    assert filiation.location == sandbox.url(CNI + "/recapitulatif")
    assert logged_in.get(CNI + "/timbre", follow=False).location == sandbox.url(CNI + "/recapitulatif")
    recap = logged_in.get(CNI + "/recapitulatif")
    assert "Étape 5 sur 5" in recap.text and "Timbre fiscal" not in recap.text
    assert "Couleur des yeux" not in recap.text

    done = _validate(logged_in, CNI)
    [record] = sandbox.received("cni-pre-demande")
    assert record["data"] == {"motif": "premiere_demande", **ETAT_CIVIL_CNI, **ADRESSE, **FILIATION,
                              "certification": "oui"}
    assert re.fullmatch(r"[A-Z0-9]{10}", record["numero_predemande"])
    assert done.location == sandbox.url(CNI + "/confirmation/" + record["numero_predemande"])
    confirmation = logged_in.get(done.location)
    assert confirmation.h1() == "Votre pré-demande est enregistrée"
    assert f'Numéro de pré-demande : <strong id="numero-predemande">{record["numero_predemande"]}</strong>' \
        in confirmation.text
    assert "Votre pré-demande de carte d&#39;identité a bien été enregistrée." in confirmation.text
    assert "timbre" not in _text(confirmation.text).lower().split("à apporter")[1]
    printable = logged_in.get(done.location + "/recapitulatif")
    assert "Récapitulatif de pré-demande de carte d&#39;identité" in printable.text
    assert sandbox.received("passeport-pre-demande") == []


@pytest.mark.parametrize("motif", ["perte", "vol"])
def test_cni_lost_or_stolen_needs_a_25_euro_timbre(logged_in, sandbox, motif):
    _fill(logged_in, _pages(CNI, ETAT_CIVIL_CNI, {"motif": motif}))
    timbre = logged_in.get(CNI + "/timbre")
    assert timbre.h1() == "Timbre fiscal"
    assert "Étape 5 sur 6" in timbre.text
    assert "Montant du timbre fiscal : 25 € Carte d'identité perdue ou volée." in _text(timbre.text)
    logged_in.post(CNI + "/timbre", {"timbre_choix": "achat"})
    achat = logged_in.get(CNI + "/timbre/achat")
    assert '<button type="submit" class="fr-btn">Payer 25 €</button>' in achat.text
    assert logged_in.post(CNI + "/timbre/achat", CARTE).location == sandbox.url(CNI + "/timbre/paiement-accepte")
    assert "Montant : 25 €" in _text(logged_in.get(CNI + "/timbre/paiement-accepte").text)
    assert "Étape 6 sur 6" in logged_in.get(CNI + "/recapitulatif").text
    _validate(logged_in, CNI)
    [achat_record] = sandbox.received("timbre-achat")
    [record] = sandbox.received("cni-pre-demande")
    assert achat_record["montant"] == 25
    assert record["data"] == {"motif": motif, **ETAT_CIVIL_CNI, **ADRESSE, **FILIATION, "timbre_choix": "achat",
                              "numero_timbre": achat_record["numero_timbre"], "timbre_montant": "25",
                              "certification": "oui"}


def test_cni_motif_changed_from_perte_drops_the_timbre(logged_in, sandbox):
    _fill(logged_in, _pages(CNI, ETAT_CIVIL_CNI, {"motif": "perte"}))
    logged_in.post(CNI + "/timbre", {"timbre_choix": "deja", "numero_timbre": "1212121212121212"})
    changed = logged_in.post(CNI + "?retour=recapitulatif", {"motif": "renouvellement"})
    assert changed.location == sandbox.url(CNI + "/recapitulatif")
    assert "Étape 5 sur 5" in logged_in.get(CNI + "/recapitulatif").text
    _validate(logged_in, CNI)
    [record] = sandbox.received("cni-pre-demande")
    assert record["data"]["motif"] == "renouvellement" and "numero_timbre" not in record["data"]
    # ... and the other way round: a timbre page appears before the récapitulatif.
    _fill(logged_in, _pages(CNI, ETAT_CIVIL_CNI, {"motif": "premiere_demande"}))
    logged_in.post(CNI + "?retour=recapitulatif", {"motif": "vol"})
    assert logged_in.get(CNI + "/recapitulatif", follow=False).location == sandbox.url(CNI + "/timbre")


def test_cni_nationality_message_and_separate_drafts(logged_in, sandbox):
    _fill(logged_in, [(CNI, {"motif": "renouvellement"})])
    reply = logged_in.post(CNI + "/etat-civil", {**ETAT_CIVIL_CNI, "nationalite": "Belge"})
    assert reply.errors() == ["La carte nationale d'identité est délivrée aux personnes de nationalité française."]
    # The passport draft is another one.
    assert logged_in.get(PASSEPORT + "/etat-civil", follow=False).location == sandbox.url(PASSEPORT)


# -- Mon espace identité and the suivi -----------------------------------------------------------------


def test_identity_space_links_to_both_pre_demandes_and_both_suivis(logged_in, sandbox):
    page = logged_in.get(ESPACE_IDENTITE)
    for url, text in (
        (sandbox.url(CNI), "Réaliser une pré-demande de carte d'identité"),
        (sandbox.url(PASSEPORT), "Réaliser une pré-demande de passeport"),
        ("/monespace/mon-espace-identite/suivi-carte-identite", "Suivre ma demande de carte d'identité"),
        ("/monespace/mon-espace-identite/suivi-passeport", "Suivre ma demande de passeport"),
    ):
        assert f'href="{url}">{text}</a>' in page.text, text


def test_suivi_requires_login(sandbox):
    reply = Client(sandbox).get(SUIVI["passeport"], follow=False)
    assert reply.status == 303 and reply.location.startswith(sandbox.url(LOGIN))


@pytest.mark.parametrize(
    ("titre", "numero", "titre_label", "statut", "etapes"),
    [
        ("passeport", "2026-PAS-004217", "Passeport", "En cours d'instruction",
         [("Pré-demande enregistrée", "le 05/10/2026"), ("Demande déposée en mairie", "le 14/10/2026"),
          ("En cours d'instruction", "le 15/10/2026"), ("En cours de fabrication", "À venir"),
          ("Disponible en mairie", "À venir"), ("Remis au demandeur", "À venir")]),
        ("passeport", "2026-PAS-003958", "Passeport", "Disponible en mairie", None),
        ("cni", "2026-CNI-000123", "Carte nationale d'identité", "Demande déposée en mairie", None),
        ("cni", "2026-CNI-000087", "Carte nationale d'identité", "En cours de fabrication",
         [("Demande déposée en mairie", "le 06/10/2026"), ("En cours d'instruction", "le 07/10/2026"),
          ("En cours de fabrication", "le 21/10/2026"), ("Disponible en mairie", "À venir"),
          ("Remis au demandeur", "À venir")]),
        ("cni", "2025-CNI-009912", "Carte nationale d'identité", "Remis au demandeur", None),
    ],
)
def test_suivi_of_the_seeded_demandes(logged_in, sandbox, titre, numero, titre_label, statut, etapes):
    form = logged_in.get(SUIVI[titre])
    assert form.h1() == {"passeport": "Suivre ma demande de passeport",
                         "cni": "Suivre ma demande de carte d'identité"}[titre]
    assert ('<label class="fr-label" for="numero_demande">Numéro de demande <span class="fr-hint-text">'
            "Il figure sur le récépissé remis par la mairie lors du dépôt de votre demande</span></label>") in form.text
    assert '<button type="submit" class="fr-btn">Rechercher</button>' in form.text
    found = logged_in.post(SUIVI[titre], {"numero_demande": numero})
    assert (found.status, found.location) == (303, sandbox.url(f"{SUIVI[titre]}/{numero}"))
    result = logged_in.get(found.location)
    assert result.h1() == "Suivi de votre demande"
    text = _text(result.text)
    assert f"Numéro de demande : {numero} Titre : {titre_label} Statut : {statut}" in text
    listed = re.findall(r'<span class="fr-suivi__statut">([^<]+)</span>\s*<span class="fr-suivi__date">([^<]+)</span>',
                        result.text)
    listed = [(s.replace("&#39;", "'"), d) for s, d in listed]
    if etapes:
        assert listed == etapes
    assert [s for s, d in listed if d != "À venir"][-1] == statut
    assert f'aria-current="step">\n        <span class="fr-suivi__statut">{statut.replace(chr(39), "&#39;")}' \
        in result.text


def test_suivi_numbers_are_found_whatever_the_case_spaces_and_dashes(logged_in, sandbox):
    for typed in ("2026-pas-004217", " 2026 PAS 004217 ", "2026PAS004217"):
        reply = logged_in.post(SUIVI["passeport"], {"numero_demande": typed})
        assert reply.location == sandbox.url(SUIVI["passeport"] + "/2026-PAS-004217"), typed


@pytest.mark.parametrize(
    ("titre", "typed", "message"),
    [
        ("passeport", "", "Veuillez renseigner le numéro de demande."),
        ("passeport", "PAS-1", FORMAT_MESSAGE),
        ("passeport", "2026/PAS/004217", FORMAT_MESSAGE),
        ("passeport", "X" * 31, FORMAT_MESSAGE),
        ("passeport", "2026-PAS-999999", "Aucune demande ne correspond à ce numéro."),
        ("passeport", "2026-CNI-000123", "Aucune demande ne correspond à ce numéro."),  # a CNI, not a passport
        ("cni", "2026-PAS-004217", "Aucune demande ne correspond à ce numéro."),
    ],
)
def test_unknown_and_malformed_numbers(logged_in, titre, typed, message):
    reply = logged_in.post(SUIVI[titre], {"numero_demande": typed})
    assert reply.status == 200
    assert reply.errors() == [message]
    assert re.search(r'fr-alert--error" role="alert">\s*<h2 class="fr-alert__title">Le formulaire contient 1 erreur',
                     reply.text)
    assert 'class="fr-input-group fr-input-group--error"' in reply.text
    assert f'value="{typed}"' in reply.text


def test_a_result_url_for_an_unknown_number_is_a_404(logged_in):
    assert logged_in.get(SUIVI["cni"] + "/2026-PAS-004217").status == 404
    assert logged_in.get(SUIVI["cni"] + "/INCONNU-1").status == 404


def test_added_demandes_are_found_until_reset(logged_in, sandbox):
    sandbox.today = TODAY
    sandbox.add_demande("2026-cni-777777", "cni", "En cours de fabrication")
    sandbox.add_demande("2026-PAS-000001", "passeport", "Demande déposée en mairie",
                        [("Demande déposée en mairie", "2026-11-02")])
    added = {d["numero"]: d for d in sandbox.demandes()}
    assert added["2026-CNI-777777"] == {
        "numero": "2026-CNI-777777", "titre": "cni", "statut": "En cours de fabrication",
        "historique": [("Pré-demande enregistrée", "2026-10-25"), ("Demande déposée en mairie", "2026-11-02"),
                       ("En cours d'instruction", "2026-11-03"), ("En cours de fabrication", "2026-11-15")],
    }
    result = logged_in.get(logged_in.post(SUIVI["cni"], {"numero_demande": "2026-CNI-777777"}).location)
    assert "Statut : En cours de fabrication" in _text(result.text)
    assert "le 15/11/2026" in result.text
    result = _text(logged_in.get(SUIVI["passeport"] + "/2026-PAS-000001").text)
    assert "Statut : Demande déposée en mairie" in result and "Pré-demande enregistrée" not in result

    # Adding the same number again moves the demande on.
    sandbox.add_demande("2026-CNI-777777", "cni", "Disponible en mairie")
    assert "Statut : Disponible en mairie" in _text(logged_in.get(SUIVI["cni"] + "/2026-CNI-777777").text)
    assert len(sandbox.demandes()) == 7

    sandbox.reset()
    assert [d["numero"] for d in sandbox.demandes()] == [
        "2026-PAS-004217", "2026-PAS-003958", "2026-CNI-000123", "2026-CNI-000087", "2025-CNI-009912",
    ]


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (("CNI-1", "cni", "En cours de fabrication"), "numéro de demande"),
        (("2026-CNI-000001", "titre-de-sejour", "En cours de fabrication"), "titre"),
        (("2026-CNI-000001", "cni", "Perdue"), "statut"),
        (("2026-CNI-000001", "cni", "En cours de fabrication", [("En cours d'instruction", "2026-10-01")]),
         "must end with the current statut"),
        (("2026-CNI-000001", "cni", "En cours de fabrication",
          [("En cours de fabrication", "2026-10-01"), ("En cours de fabrication", "2026-10-02")]), "order"),
        (("2026-CNI-000001", "cni", "En cours de fabrication",
          [("En cours d'instruction", "2026-10-09"), ("En cours de fabrication", "2026-10-02")]), "order"),
        (("2026-CNI-000001", "cni", "En cours de fabrication", [("En cours de fabrication", "02/10/2026")]),
         "AAAA-MM-JJ"),
    ],
)
def test_add_demande_refuses_what_the_suivi_could_not_show(sandbox, args, complaint):
    with pytest.raises(ValueError, match=complaint):
        sandbox.add_demande(*args)
    assert len(sandbox.demandes()) == 5


def test_demandes_and_clock_over_http_for_other_processes(sandbox):
    def control(path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(sandbox.home_url + path.lstrip("/"), data=data,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as resp:
                return resp.status, json.load(resp)
        except urllib.error.HTTPError as exc:
            return exc.code, json.load(exc)

    assert control("/_sandbox/today", {"today": "2026-11-15"}) == (200, {"today": "2026-11-15", "fixed": "2026-11-15"})
    assert sandbox.today == TODAY
    status, listed = control("/_sandbox/demandes", {"numero": "2026-PAS-123456", "titre": "passeport",
                                                    "statut": "Disponible en mairie"})
    assert status == 200 and listed[-1]["numero"] == "2026-PAS-123456"
    assert listed[-1]["historique"][-1] == ["Disponible en mairie", "2026-11-15"]
    assert control("/_sandbox/demandes")[1] == json.loads(json.dumps(sandbox.demandes()))
    status, error = control("/_sandbox/demandes", {"numero": "2026-PAS-123456", "titre": "passeport", "statut": "?"})
    assert status == 400 and "statut" in error["error"]
    assert control("/_sandbox/today", {"today": None})[1] == {"today": date.today().isoformat(), "fixed": None}
    assert control("/_sandbox/today", {"today": "15/11/2026"})[0] == 400


def test_training_home_lists_the_identity_demarches_and_the_demandes(sandbox):
    home = Client(sandbox).get(sandbox.home_url)
    for url in (CNI, PASSEPORT, SUIVI["cni"], SUIVI["passeport"]):
        assert f'href="{sandbox.url(url)}"' in home.text, url
    text = _text(home.text)
    for title in ("Pré-demande de carte d'identité", "Pré-demande de passeport (avec le timbre fiscal)",
                  "Suivre une demande de carte d'identité", "Suivre une demande de passeport"):
        assert title in text
    assert "Demandes de passeport à suivre Numéro de demande Statut 2026-PAS-004217 En cours d'instruction" in text
    assert "2025-CNI-009912 Remis au demandeur" in text.split("Demandes de carte d'identité à suivre")[1]


def test_suivi_from_mon_espace_identite_in_chromium(page, sandbox):
    sandbox.add_demande("2026-CNI-424242", "cni", "Disponible en mairie")
    page.goto(sandbox.url(ESPACE_IDENTITE))
    page.get_by_label("Identifiant").fill(DEMO_ACCOUNT["identifiant"])
    page.get_by_label("Mot de passe").fill(DEMO_ACCOUNT["mot_de_passe"])
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Suivre ma demande de carte d'identité").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Suivre ma demande de carte d'identité"

    page.get_by_label("Numéro de demande").fill("2026-CNI-000000")
    page.get_by_role("button", name="Rechercher").click()
    assert page.locator(".fr-error-text").inner_text() == "Aucune demande ne correspond à ce numéro."

    page.get_by_label("Numéro de demande").fill("2026-CNI-424242")
    page.get_by_role("button", name="Rechercher").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Suivi de votre demande"
    assert page.get_by_text("Statut :").inner_text() == "Statut : Disponible en mairie"
    assert page.get_by_text("Titre :").inner_text() == "Titre : Carte nationale d'identité"
    assert page.get_by_text("Numéro de demande :").inner_text() == "Numéro de demande : 2026-CNI-424242"
    steps = page.get_by_role("list").filter(has_text="Remis au demandeur").get_by_role("listitem")
    assert steps.count() == 6

    page.goto(sandbox.url(ESPACE_IDENTITE))
    page.get_by_role("link", name="Réaliser une pré-demande de carte d'identité").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Motif de la demande"
    assert page.get_by_text("Étape 1 sur 5").is_visible()
