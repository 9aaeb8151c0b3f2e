"""The cost simulator's replica (service-public) over real HTTP and in Chromium: the real page's
ids and order (docs/teleservices.md §9.2), the départements offered on a given day, the French
messages, the malus questions hidden for electric cars, the rates page.

Driven with the stdlib client of test_sandbox; "today" is set through `Sandbox.today`.
"""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from test_sandbox import Client, Reply

SIMULATEUR = "https://www.service-public.fr/simulateur/calcul/cout-certificat-immatriculation"
PRIX_CV = "https://www.service-public.fr/simulateur/calcul/PrixCV"
TODAY = date(2026, 11, 15)
ESSENCE = {"demarche": "2", "franceOuImport": "1", "typeVehicule": "1", "dateMiseEnCirculation": "2020-02-01",
           "PuissanceAdmSaisie": "5", "energie": "1", "TauxCO2Saisi": "120", "vehicule_8Places": "2",
           "personneMorale": "2", "poidsSaisi": "1200", "departement": "75"}


@pytest.fixture(autouse=True)
def fixed_date(sandbox):
    sandbox.today = TODAY


@pytest.fixture
def client(sandbox) -> Client:
    return Client(sandbox)


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _options(reply: Reply, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', reply.text, re.DOTALL).group(1)
    return [unescape(o) for o in re.findall(r'<option value="([^"]*)"', select) if o]


def _taxes(reply: Reply) -> dict[str, str]:
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>(?:<strong>)?([^<]+)<', reply.text)
    return {unescape(label): amount for label, amount in rows}


def test_the_questions_come_with_the_real_ids_in_the_real_order(client):
    form = client.get(SIMULATEUR)
    assert form.h1() == "Calculer le coût du certificat d'immatriculation"
    assert "Service-Public.fr" in form.text
    ids = re.findall(r'<(?:select|input|button)[^>]*\bid="([^"]+)"', form.text)
    assert ids == ["demarche", "franceOuImport_1", "franceOuImport_2", "typeVehicule", "dateMiseEnCirculation",
                   "PuissanceAdmSaisie", "energie", "TauxCO2Saisi", "vehicule_8Places_1", "vehicule_8Places_2",
                   "personneMorale_1", "personneMorale_2", "poidsSaisi", "departement", "btn_g6k_"]
    assert 'type="date" id="dateMiseEnCirculation"' in form.text
    assert 'for="franceOuImport_2">Importé en France après avoir été immatriculé dans un autre pays<' in form.text


def test_every_departement_is_offered_with_corsica_and_the_five_overseas_regions(client):
    codes = _options(client.get(SIMULATEUR), "departement")
    assert len(codes) == 101  # 96 in metropolitan France (2A and 2B instead of 20), 971-974 and 976
    assert {"2A", "2B", "971", "972", "973", "974", "976"} <= set(codes) and "20" not in codes and "975" not in codes


def test_only_departements_whose_region_has_a_rate_that_day(client, sandbox):
    sandbox.today = date(2025, 1, 31)  # La Réunion's first known rate starts on 1 Feb 2025, the other
    codes = _options(client.get(SIMULATEUR), "departement")  # overseas régions' on 1 Jan 2026
    assert not {"971", "972", "973", "974", "976"} & set(codes) and len(codes) == 96
    sandbox.today = date(2025, 2, 1)
    assert "974" in _options(client.get(SIMULATEUR), "departement")


def test_the_result_lists_each_tax_after_a_303(client):
    sent = client.post(SIMULATEUR, {**ESSENCE, "typeVehicule": "2"})
    assert sent.status == 303 and "/resultat/" in sent.location
    result = client.get(sent.location)
    assert result.h1() == "Coût de votre certificat d'immatriculation"
    assert _taxes(result) == {  # 68,95 × 5 = 344,75 -> 345; camionnette: Y2 34 €; 345 + 34 + 11 + 2,76
        "Taxe régionale": "345 €",
        "Taxe pour la formation professionnelle dans les transports": "34 €",
        "Taxe sur les véhicules polluants": "0 €",
        "Taxe fixe": "11 €",
        "Redevance d'acheminement": "2,76 €",
        "Montant total": "392,76 €",
    }
    assert re.search(r'<p class="sp-blue">[^<]*<strong>392,76 €</strong>', result.text)


def test_the_rate_is_the_one_of_the_day_the_form_was_sent(client, sandbox):
    sandbox.today = date(2026, 2, 28)
    sent = client.post(SIMULATEUR, ESSENCE)
    sandbox.today = date(2026, 3, 1)  # looked at again after the change: the figure stays
    assert _taxes(client.get(sent.location))["Taxe régionale"] == "275 €"  # 54,95 × 5


def test_messages_in_french(client):
    reply = client.post(SIMULATEUR, {"demarche": "9", "franceOuImport": "", "typeVehicule": "1",
                                      "dateMiseEnCirculation": "01/02/2020", "PuissanceAdmSaisie": "0",
                                      "energie": "1", "TauxCO2Saisi": "beaucoup", "vehicule_8Places": "2",
                                      "personneMorale": "", "poidsSaisi": "", "departement": "20"})
    assert reply.status == 200
    assert reply.errors() == [
        "La valeur sélectionnée pour la démarche n'est pas valide.",
        "Veuillez sélectionner la provenance du véhicule.",
        "La date de première mise en circulation n'est pas une date valide.",
        "La puissance administrative doit être un nombre entier de chevaux fiscaux entre 1 et 100.",
        "Le taux de CO₂ doit être un nombre entier de grammes par kilomètre entre 0 et 999.",
        "Veuillez sélectionner si le titulaire est une personne morale.",
        "Veuillez renseigner le poids du véhicule.",
        "La valeur sélectionnée pour le département n'est pas valide.",
    ]
    future = client.post(SIMULATEUR, {**ESSENCE, "dateMiseEnCirculation": "2026-11-16"})
    assert future.errors() == [
        "La date de première mise en circulation doit être comprise entre 1900 et la date du jour."]


def test_an_electric_car_is_not_asked_the_malus_questions(client):
    electric = {key: value for key, value in ESSENCE.items()
                if key not in ("TauxCO2Saisi", "vehicule_8Places", "personneMorale", "poidsSaisi")}
    sent = client.post(SIMULATEUR, {**electric, "energie": "8"})
    assert sent.status == 303
    result = client.get(sent.location)
    assert "Taux de CO₂" not in result.text  # nothing received, nothing shown
    assert _taxes(result)["Taxe régionale"] == "345 €"  # Île-de-France taxes it in 2026: 68,95 × 5 = 344,75 -> 345


def test_the_script_hides_and_disables_the_malus_questions_for_an_electric_car(page, sandbox):
    page.goto(sandbox.url(SIMULATEUR))
    assert page.locator("#TauxCO2Saisi").is_visible()
    page.select_option("#energie", label="Électricité (EL), Hydrogène (H2) ou combinaison des 2 (HE, HH)")
    assert not page.locator("#TauxCO2Saisi").is_visible() and page.locator("#poidsSaisi").is_disabled()
    page.select_option("#energie", label="Essence/électricité - hybride non rechargeable (EH)")
    assert page.locator("#poidsSaisi").is_visible() and page.locator("#poidsSaisi").is_enabled()


def test_prix_cv_lists_the_rates_in_force(client, sandbox):
    sandbox.today = date(2026, 3, 1)
    reply = client.get(PRIX_CV)
    assert reply.h1() == "Prix du cheval fiscal"
    text = _text(reply.text)
    assert "Île-de-France 68,95 € 01/03/2026 taxés" in text
    assert "Hauts-de-France 42 € 01/01/2026 exonérés" in text
    assert "La Réunion 60 € 01/02/2026 taxés" in text and "Guyane 42,50 € 01/01/2026 taxés" in text
    assert client.get(SIMULATEUR + "/resultat/inconnu").status == 404


def test_the_reductions_are_explained(client, sandbox):
    old = client.get(client.post(SIMULATEUR, {**ESSENCE, "dateMiseEnCirculation": "2016-11-15"}).location)
    assert _taxes(old)["Taxe régionale"] == "172 €"  # 10 years to the day: 68,95 × 5 / 2 = 172,375 -> 172
    assert "Véhicule de 10 ans ou plus : réduction de 50 %." in old.text
    electric = {key: value for key, value in ESSENCE.items() if key not in ("TauxCO2Saisi", "poidsSaisi")}
    hdf = client.get(client.post(SIMULATEUR, {**electric, "energie": "8", "departement": "02"}).location)
    assert _taxes(hdf)["Taxe régionale"] == "0 €"
    assert "Véhicule électrique : exonéré de la taxe régionale en Hauts-de-France à cette date." in hdf.text
