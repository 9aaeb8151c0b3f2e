"""The cost simulator end to end: the flow runs on the replica through the engine, and its figures
are checked against figures computed BY HAND from docs/teleservices.md §9.2 (2026 rates, electric
cars) and §5 (Y4 11 €, Y5 2,76 €, each tax rounded to the nearest euro, half a regional tax from
10 years). The arithmetic is written beside each case; nothing here calls the replica's code.
The answers the replica received (its « Vos réponses ») are compared with the citizen's data."""

from __future__ import annotations

from datetime import date

import pytest

from autopilot.engine.runner import Outcome

VOITURE = {"demarche": "changement_titulaire", "provenance": "france", "type_vehicule": "voiture",
           "date_premiere_immatriculation": "01/02/2020", "puissance_fiscale": 5, "energie": "essence",
           "taux_co2": 120, "huit_places": "non", "personne_morale": "non", "poids": 1200}
ELECTRIQUE = {"demarche": "changement_titulaire", "provenance": "france", "type_vehicule": "voiture",
              "date_premiere_immatriculation": "10/06/2023", "puissance_fiscale": 8, "energie": "electrique"}
NOVEMBRE = date(2026, 11, 15)

# (day of the simulation, citizen's data, rate as the page prints it, Y1, total)
CASES = {
    # Île-de-France: 54,95 € until 28 Feb 2026; 5 × 54,95 = 274,75 -> 275; 275 + 11 + 2,76 = 288,76
    "idf-28-fevrier": (date(2026, 2, 28), {**VOITURE, "departement": "75"},
                       "54,95 € (Île-de-France, en vigueur le 28/02/2026)", "275 €", "288,76 €"),
    # 68,95 € from 1 Mar 2026; 5 × 68,95 = 344,75 -> 345; 345 + 13,76 = 358,76
    "idf-1er-mars": (date(2026, 3, 1), {**VOITURE, "departement": "93"},
                     "68,95 € (Île-de-France, en vigueur le 01/03/2026)", "345 €", "358,76 €"),
    # La Réunion: 57 € (from 1 Feb 2025) until 31 Jan 2026; 4 × 57 = 228; 228 + 13,76 = 241,76
    "reunion-31-janvier": (date(2026, 1, 31), {**VOITURE, "energie": "gazole", "puissance_fiscale": 4,
                                               "departement": "974"},
                           "57 € (La Réunion, en vigueur le 31/01/2026)", "228 €", "241,76 €"),
    # 60 € from 1 Feb 2026; 4 × 60 = 240; 253,76
    "reunion-1er-fevrier": (date(2026, 2, 1), {**VOITURE, "energie": "gazole", "puissance_fiscale": 4,
                                               "departement": "974"},
                            "60 € (La Réunion, en vigueur le 01/02/2026)", "240 €", "253,76 €"),
    # Nouvelle-Aquitaine: 53 € until 28 Feb 2026; 6 × 53 = 318; 331,76
    "nouvelle-aquitaine-28-fevrier": (date(2026, 2, 28), {**VOITURE, "puissance_fiscale": 6, "departement": "33"},
                                      "53 € (Nouvelle-Aquitaine, en vigueur le 28/02/2026)", "318 €", "331,76 €"),
    # 58 € from 1 Mar 2026; 6 × 58 = 348; 361,76
    "nouvelle-aquitaine-1er-mars": (date(2026, 3, 1), {**VOITURE, "puissance_fiscale": 6, "departement": "64"},
                                    "58 € (Nouvelle-Aquitaine, en vigueur le 01/03/2026)", "348 €", "361,76 €"),
    # Hauts-de-France: 42 € until 31 Mar 2026; 7 × 42 = 294; 307,76
    "hdf-31-mars": (date(2026, 3, 31), {**VOITURE, "puissance_fiscale": 7, "departement": "59"},
                    "42 € (Hauts-de-France, en vigueur le 31/03/2026)", "294 €", "307,76 €"),
    # 43 € from 1 Apr 2026; 7 × 43 = 301; 314,76
    "hdf-1er-avril": (date(2026, 4, 1), {**VOITURE, "puissance_fiscale": 7, "departement": "62"},
                      "43 € (Hauts-de-France, en vigueur le 01/04/2026)", "301 €", "314,76 €"),
    # An electric car in Bretagne (60 € since 2025): exempt until 30 Apr 2025 -> 0; 0 + 13,76
    "electrique-bretagne-30-avril-2025": (date(2025, 4, 30), {**ELECTRIQUE, "departement": "35"},
                                          "60 € (Bretagne, en vigueur le 30/04/2025)", "0 €", "13,76 €"),
    # taxed from 1 May 2025: 8 × 60 = 480; 493,76
    "electrique-bretagne-1er-mai-2025": (date(2025, 5, 1), {**ELECTRIQUE, "departement": "29"},
                                         "60 € (Bretagne, en vigueur le 01/05/2025)", "480 €", "493,76 €"),
    # … but not in Hauts-de-France (42 € since 1 Mar 2025): still 0 on 1 May 2025
    "electrique-hdf-1er-mai-2025": (date(2025, 5, 1), {**ELECTRIQUE, "departement": "80"},
                                    "42 € (Hauts-de-France, en vigueur le 01/05/2025)", "0 €", "13,76 €"),
    # … nor in November 2026 (43 €), while Grand Est (60 €) taxes it: 8 × 60 = 480
    "electrique-hdf-2026": (NOVEMBRE, {**ELECTRIQUE, "departement": "60"},
                            "43 € (Hauts-de-France, en vigueur le 15/11/2026)", "0 €", "13,76 €"),
    "electrique-grand-est-2026": (NOVEMBRE, {**ELECTRIQUE, "departement": "67"},
                                  "60 € (Grand Est, en vigueur le 15/11/2026)", "480 €", "493,76 €"),
    # Corse 53 €: Corse-du-Sud, first registered 01/01/2010 (16 years: half); 4 × 53 / 2 = 106; 119,76
    "corse-du-sud-vieille": (NOVEMBRE, {**VOITURE, "puissance_fiscale": 4,
                                        "date_premiere_immatriculation": "01/01/2010", "departement": "2A"},
                             "53 € (Corse, en vigueur le 15/11/2026)", "106 €", "119,76 €"),
    # Haute-Corse, gazole, 5 × 53 = 265; 278,76
    "haute-corse": (NOVEMBRE, {**VOITURE, "energie": "gazole", "departement": "2B"},
                    "53 € (Corse, en vigueur le 15/11/2026)", "265 €", "278,76 €"),
    # Guyane 42,50 €: 3 × 42,50 = 127,50 -> 128 (half rounded up); 141,76
    "guyane-arrondi": (NOVEMBRE, {**VOITURE, "puissance_fiscale": 3, "departement": "973"},
                       "42,50 € (Guyane, en vigueur le 15/11/2026)", "128 €", "141,76 €"),
    # Guadeloupe 41 €: 5 × 41 = 205; 218,76
    "guadeloupe": (NOVEMBRE, {**VOITURE, "departement": "971"},
                   "41 € (Guadeloupe, en vigueur le 15/11/2026)", "205 €", "218,76 €"),
    # Martinique 53 €, a hybrid: 5 × 53 = 265; 278,76
    "martinique-hybride": (NOVEMBRE, {**VOITURE, "energie": "hybride_essence", "departement": "972"},
                           "53 € (Martinique, en vigueur le 15/11/2026)", "265 €", "278,76 €"),
    # Mayotte 30 €: 6 × 30 = 180; 193,76
    "mayotte": (NOVEMBRE, {**VOITURE, "puissance_fiscale": 6, "departement": "976"},
                "30 € (Mayotte, en vigueur le 15/11/2026)", "180 €", "193,76 €"),
    # Occitanie 59,50 €: 3 × 59,50 = 178,50 -> 179; 192,76
    "occitanie-arrondi": (NOVEMBRE, {**VOITURE, "puissance_fiscale": 3, "departement": "34"},
                          "59,50 € (Occitanie, en vigueur le 15/11/2026)", "179 €", "192,76 €"),
    # Pays de la Loire 51 € [?]: 5 × 51 = 255; 268,76
    "pays-de-la-loire": (NOVEMBRE, {**VOITURE, "departement": "44"},
                         "51 € (Pays de la Loire, en vigueur le 15/11/2026)", "255 €", "268,76 €"),
    # 10 years to the day (15/11/2016 -> 15/11/2026): half. ARA 43 €: 5 × 43 / 2 = 107,50 -> 108; 121,76
    "dix-ans-pile": (NOVEMBRE, {**VOITURE, "date_premiere_immatriculation": "15/11/2016", "departement": "69"},
                     "43 € (Auvergne-Rhône-Alpes, en vigueur le 15/11/2026)", "108 €", "121,76 €"),
    # A camionnette pays Y2 34 €: ARA, 6 × 43 = 258; 258 + 34 + 11 + 2,76 = 305,76
    "camionnette": (NOVEMBRE, {**VOITURE, "type_vehicule": "camionnette", "puissance_fiscale": 6, "departement": "01"},
                    "43 € (Auvergne-Rhône-Alpes, en vigueur le 15/11/2026)", "258 €", "305,76 €"),
}


def _answers(page) -> dict[str, str]:
    """The replica's « Vos réponses »: what it received, as it shows it."""
    rows = page.locator("#vos-reponses + dl .fr-summary__row")
    return {rows.nth(i).locator("dt").inner_text().strip(): rows.nth(i).locator("dd").inner_text().strip()
            for i in range(rows.count())}


ENERGIES = {"essence": "Essence (ES)", "gazole": "Gazole (GO), Biogazole B100 (BL)",
            "hybride_essence": "Essence/électricité - hybride non rechargeable (EH)",
            "electrique": "Électricité (EL), Hydrogène (H2) ou combinaison des 2 (HE, HH)"}
DEPARTEMENTS = {"75": "75 - Paris", "93": "93 - Seine-Saint-Denis", "974": "974 - La Réunion", "33": "33 - Gironde",
                "64": "64 - Pyrénées-Atlantiques", "59": "59 - Nord", "62": "62 - Pas-de-Calais",
                "35": "35 - Ille-et-Vilaine", "29": "29 - Finistère", "80": "80 - Somme", "60": "60 - Oise",
                "67": "67 - Bas-Rhin", "2A": "2A - Corse-du-Sud", "2B": "2B - Haute-Corse", "973": "973 - Guyane",
                "971": "971 - Guadeloupe", "972": "972 - Martinique", "976": "976 - Mayotte", "34": "34 - Hérault",
                "44": "44 - Loire-Atlantique", "69": "69 - Rhône", "01": "01 - Ain"}
TYPES = {"voiture": "Véhicule de tourisme (VT ou M1) ex-Voiture particulière (VP)",
         "camionnette": "Camionnette, Utilitaire pour le transport de marchandises jusqu'à 3,5 tonnnes (CTTE, N1)"}


def _expected_answers(data: dict, rate: str) -> dict[str, str]:
    expected = {
        "Démarche": "Immatriculation d’un véhicule d’occasion (changement de titulaire du certificat)",
        "Le véhicule est": "Acheté en France",
        "Type de véhicule": TYPES[data["type_vehicule"]],
        "Date de première mise en circulation": data["date_premiere_immatriculation"],
        "Puissance administrative": f"{data['puissance_fiscale']} CV",
        "Énergie": ENERGIES[data["energie"]],
    }
    if data["energie"] != "electrique":  # the malus questions are not asked for an electric car
        expected |= {"Taux de CO₂": f"{data['taux_co2']} g/km", "8 places assises ou plus": "Non",
                     "Personne morale": "Non", "Poids du véhicule": f"{data['poids']} kg"}
    return expected | {"Département": DEPARTEMENTS[data["departement"]], "Prix du cheval fiscal": rate}


@pytest.mark.parametrize("today, data, rate, taxe_regionale, total", CASES.values(), ids=CASES.keys())
def test_simulator_figure_matches_the_hand_computed_one(run_demarche, sandbox, page, today, data, rate,
                                                        taxe_regionale, total):
    sandbox.today = today
    result, _, _ = run_demarche("immatriculation-simulateur", data)

    assert result.outcome is Outcome.COMPLETED, result.error
    assert result.outputs == {"taxe_regionale": taxe_regionale, "montant_total": total}
    assert _answers(page) == _expected_answers(data, rate)
    assert sandbox.received() == []  # a simulation sends nothing to the administration


def test_an_imported_vehicle_gets_no_malus_estimate_and_says_so(run_demarche, sandbox, page):
    sandbox.today = NOVEMBRE
    result, _, _ = run_demarche("immatriculation-simulateur", {**VOITURE, "provenance": "importe", "departement": "13"})

    assert result.outcome is Outcome.COMPLETED, result.error
    # PACA 60 €: 5 × 60 = 300; the malus is not estimated: 300 + 11 + 2,76 = 313,76
    assert result.outputs == {"taxe_regionale": "300 €", "montant_total": "313,76 €"}
    assert _answers(page)["Le véhicule est"] == "Importé en France après avoir été immatriculé dans un autre pays"
    warning = page.locator(".fr-alert--warning").inner_text()
    assert "Le malus (taxe sur les véhicules polluants) n'est pas estimé" in warning


def test_the_malus_questions_are_needed_unless_the_car_is_electric(library):
    from autopilot.errors import DossierError
    from autopilot.flows.inputs import validate_inputs

    flow = library.find("immatriculation-simulateur").flow
    without = {key: value for key, value in VOITURE.items() if key not in ("taux_co2", "poids")} | {"departement": "75"}
    with pytest.raises(DossierError) as error:
        validate_inputs(flow, without)
    assert [label for label, _ in error.value.problems] == ["Taux de CO₂ (g/km)", "Poids du véhicule (kg)"]
    values = validate_inputs(flow, {**ELECTRIQUE, "departement": "75", "taux_co2": 0})
    assert values["taux_co2"] is None  # typed for another énergie: not used, not sent
