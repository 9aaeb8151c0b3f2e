"""Identity démarches end to end on the sandbox: CNI and passport pré-demandes for several
citizens (adult, minors, first demand, renewal, loss, theft), the timbre bought by the
citizen themselves, and the suivi of a demande read back from what the sandbox holds."""

from __future__ import annotations

from datetime import date

import pytest
from citizens import CAMILLE, CAMILLE_RECEIVED, citizen
from paying import assert_card_not_kept, citizen_pays

from autopilot.engine.approver import Moment
from autopilot.engine.runner import Outcome
from autopilot.errors import DossierError
from autopilot.flows.inputs import validate_inputs


@pytest.fixture(autouse=True)
def fixed_date(sandbox):
    """The sandbox's « today », so ages and prices do not move with the calendar."""
    sandbox.today = date(2026, 11, 15)


def only(sandbox, kind: str) -> dict:
    records = sandbox.received(kind)
    assert len(records) == 1, records
    return records[0]


def minor(born: str) -> dict:
    return citizen(CAMILLE, usager={**CAMILLE["usager"], "prenoms": "Léa", "date_naissance": born}, timbre=None)


@pytest.mark.parametrize("born, price", [("14/07/1985", 86), ("10/03/2010", 42), ("02/02/2014", 17)],
                         ids=["adulte", "15-17-ans", "moins-de-15-ans"])
def test_passport_with_a_timbre_bought_during_the_demarche(run_demarche, sandbox, page, born, price):
    data = minor(born) if price != 86 else citizen(CAMILLE, timbre=None)
    result, approver, _ = run_demarche("passeport-pre-demande", data, citizen_pays(page))

    assert result.outcome is Outcome.COMPLETED, result.error
    purchase = only(sandbox, "timbre-achat")
    assert (purchase["montant"], purchase["carte_fin"]) == (price, "1111")
    record = only(sandbox, "passeport-pre-demande")
    assert record["data"]["timbre_choix"] == "achat"
    assert record["data"]["numero_timbre"] == purchase["numero_timbre"]
    assert record["data"]["timbre_montant"] == str(price)
    assert result.outputs["numero_timbre"].replace(" ", "") == purchase["numero_timbre"]
    payment = [v for v in approver.seen if v.moment is Moment.MANUAL]
    assert [v.title for v in payment] == ["Paiement du timbre"]
    assert "il saisit lui-même les données de sa carte bancaire" in payment[0].message
    assert_card_not_kept(sandbox.received())  # the card is the citizen's business, never recorded


def test_passport_with_a_timbre_the_citizen_already_has(run_demarche, sandbox):
    result, _, _ = run_demarche("passeport-pre-demande", CAMILLE)
    assert result.outcome is Outcome.COMPLETED, result.error
    assert only(sandbox, "passeport-pre-demande")["data"] == CAMILLE_RECEIVED
    assert sandbox.received("timbre-achat") == []
    assert "numero_timbre" not in result.outputs


def test_a_timbre_already_used_is_refused_by_the_site(run_demarche, sandbox):
    run_demarche("passeport-pre-demande", CAMILLE)
    result, approver, _ = run_demarche("passeport-pre-demande", citizen(CAMILLE, motif="renouvellement"))

    assert result.outcome is Outcome.STOPPED
    assert approver.seen[-1].site_errors == ("Ce timbre fiscal a déjà été utilisé.",)
    assert len(sandbox.received("passeport-pre-demande")) == 1


CNI_FIRST = {key: value for key, value in CAMILLE_RECEIVED.items()
             if key not in ("couleur_yeux", "timbre_choix", "numero_timbre", "timbre_montant")}


def test_cni_first_demand_needs_no_timbre(run_demarche, sandbox):
    result, approver, _ = run_demarche("cni-pre-demande", citizen(CAMILLE, timbre=None))

    assert result.outcome is Outcome.COMPLETED, result.error
    record = only(sandbox, "cni-pre-demande")
    assert record["data"] == CNI_FIRST
    assert result.outputs == {"numero_predemande": record["numero_predemande"]}
    assert "Timbre fiscal" not in [v.title for v in approver.seen]


def test_cni_renewal(run_demarche, sandbox):
    result, _, _ = run_demarche("cni-pre-demande", citizen(CAMILLE, motif="renouvellement", timbre=None))
    assert result.outcome is Outcome.COMPLETED, result.error
    assert only(sandbox, "cni-pre-demande")["data"] == {**CNI_FIRST, "motif": "renouvellement"}


def test_cni_loss_with_the_citizens_timbre(run_demarche, sandbox):
    result, _, _ = run_demarche("cni-pre-demande", citizen(CAMILLE, motif="perte"))
    assert result.outcome is Outcome.COMPLETED, result.error
    assert only(sandbox, "cni-pre-demande")["data"] == {
        **CNI_FIRST, "motif": "perte", "timbre_choix": "deja", "numero_timbre": "1234567890123456",
        "timbre_montant": "25",
    }


def test_cni_theft_buys_the_25_euro_timbre(run_demarche, sandbox, page):
    result, _, _ = run_demarche("cni-pre-demande", citizen(CAMILLE, motif="vol", timbre=None), citizen_pays(page))
    assert result.outcome is Outcome.COMPLETED, result.error
    purchase = only(sandbox, "timbre-achat")
    assert purchase["montant"] == 25
    assert only(sandbox, "cni-pre-demande")["data"]["numero_timbre"] == purchase["numero_timbre"]


@pytest.mark.parametrize("flow, numero, statut", [
    ("passeport-suivi", "2026-PAS-004217", "En cours d'instruction"),
    ("passeport-suivi", "2026-PAS-003958", "Disponible en mairie"),
    ("cni-suivi", "2026-CNI-000087", "En cours de fabrication"),
])
def test_suivi_reads_the_status_the_sandbox_holds(run_demarche, sandbox, flow, numero, statut):
    held = next(d for d in sandbox.demandes() if d["numero"] == numero)
    assert held["statut"] == statut
    result, approver, _ = run_demarche(flow, {"numero_demande": numero})

    assert result.outcome is Outcome.COMPLETED, result.error
    assert result.outputs == {"statut": statut}
    assert approver.seen[-1].outputs == (("Statut de la demande", statut),)


def test_suivi_of_a_demande_that_just_became_available(run_demarche, sandbox):
    sandbox.add_demande("2026-CNI-004455", "cni", "Disponible en mairie")
    result, _, _ = run_demarche("cni-suivi", {"numero_demande": "2026 CNI 004455"})
    assert result.outputs == {"statut": "Disponible en mairie"}


def test_suivi_of_an_unknown_number_shows_the_sites_message(run_demarche):
    result, approver, _ = run_demarche("passeport-suivi", {"numero_demande": "2026-PAS-999999"})
    assert result.outcome is Outcome.STOPPED
    assert approver.seen[-1].site_errors == ("Aucune demande ne correspond à ce numéro.",)


@pytest.mark.parametrize("flow, data, problem", [
    ("passeport-pre-demande", citizen(CAMILLE, timbre="1234 5678"),
     ("Numéro du timbre fiscal", "le numéro du timbre fiscal compte 16 chiffres (les espaces sont acceptés).")),
    ("cni-pre-demande", citizen(CAMILLE, motif="duplicata"),
     ("Motif de la demande", "valeur non reconnue ; valeurs possibles : premiere_demande, renouvellement, perte, vol.")),
    ("passeport-suivi", {"numero_demande": "N°?"},
     ("Numéro de demande", "numéro de demande attendu : 6 à 30 lettres, chiffres ou tirets.")),
    ("cni-suivi", {},
     ("Numéro de demande", "ce champ est obligatoire.")),
])
def test_invalid_input_is_refused_before_the_browser_opens(library, flow, data, problem):
    with pytest.raises(DossierError) as caught:
        validate_inputs(library.find(flow).flow, data)
    assert caught.value.problems == [problem]


def test_each_problem_carries_the_path_of_its_field(library):
    """The label is for the mediator; the path (`usager.date_naissance`) is what the form places it by."""
    from autopilot.ui import form

    flow = library.find("passeport-pre-demande").flow
    data = citizen(CAMILLE, timbre="1234 5678")
    data["usager"] = {**data["usager"], "date_naissance": "31/02/1985"}
    data["adresse"] = {**data["adresse"], "code_postal": "350"}
    with pytest.raises(DossierError) as caught:
        validate_inputs(flow, data)
    assert [(problem.path, problem.label) for problem in caught.value.problems] == [
        ("usager.date_naissance", "Identité — Date de naissance"),
        ("adresse.code_postal", "Adresse — Code postal"),
        ("timbre", "Numéro du timbre fiscal"),
    ]
    values, problems = form.check(flow, data)
    assert values is None
    assert problems.by_field == {"usager.date_naissance": "Cette date n'existe pas.",
                                 "adresse.code_postal": "5 chiffres attendus (ex. 75001).",
                                 "timbre": caught.value.problems[2].message.capitalize()}
