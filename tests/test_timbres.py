"""Timbres fiscaux end to end on the sandbox: buying one as a basket on timbres.impots.gouv.fr for a
passport or a foreigner's title, or on the Justice's site for an appeal (the citizen pays: autopilot never
fills the card), sent to the mairie's mailbox or the citizen's mobile; the passport timbre then carried by
the pré-demande; and the refunds, through their screens, refused outside their window with the site's own
message."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from citizens import CAMILLE, citizen
from paying import assert_card_not_kept, citizen_pays
from test_sandbox_timbres import EARLY, LATE, NOT_FOUND

from autopilot.engine.approver import Moment
from autopilot.engine.runner import Outcome
from autopilot.errors import DossierError
from autopilot.flows.inputs import validate_inputs

TODAY = date(2026, 11, 15)
MAIRIE = "mairie.demo@ants.bac-a-sable.fr"
BY_SMS = {"reception": "sms", "telephone": "06 12 34 56 78"}  # typed with spaces, sent as 0612345678
BY_MAIL = {"reception": "courriel", "courriel": MAIRIE}


@pytest.fixture(autouse=True)
def fixed_date(sandbox):
    sandbox.today = TODAY


def citizen_pays_on_an_empty_form(page):
    """The citizen pays; before they type, the card fields are empty: autopilot filled nothing."""
    citizen = citizen_pays(page)
    pay = citizen.human

    def check_then_pay(view):
        body = page.locator("body")
        for label in ("Numéro de carte", "Date d'expiration (MM/AA)", "Cryptogramme visuel"):
            assert body.get_by_label(label).input_value() == "", label
        pay(view)

    citizen.human = check_then_pay
    return citizen


def bought(sandbox, kind: str = "timbres-achat") -> dict:
    records = sandbox.received(kind)
    assert len(records) == 1, records
    return records[0]


def stamp(purchase) -> dict[str, str]:
    """What the refund asks of a purchase's outputs (its PDFs stay in the visit's folder)."""
    return {k: purchase.outputs[k] for k in ("numero_timbre", "reference_transaction", "montant")}


def pdf_text(path: str) -> str:
    """What a downloaded PDF says (poppler's pdftotext), spaces collapsed."""
    assert Path(path).is_file(), path
    done = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


def assert_outputs_are_the_timbre(result, approver, sold: dict, documents: dict[str, str]) -> None:
    """The stamp read on the page, and each PDF kept (output -> file name) naming it."""
    grouped = " ".join(sold["numero_timbre"][i:i + 4] for i in range(0, 16, 4))
    read = {"numero_timbre": grouped, "reference_transaction": sold["reference_transaction"],
            "montant": f"{sold['montant']} €"}
    assert {k: v for k, v in result.outputs.items() if k not in documents} == read
    assert {k: Path(result.outputs[k]).name for k in documents} == documents
    assert approver.seen[-1].outputs[:3] == (("Numéro du timbre fiscal", grouped),
                                             ("Référence de la transaction", sold["reference_transaction"]),
                                             ("Montant du timbre", f"{sold['montant']} €"))
    assert grouped in pdf_text(result.outputs[next(iter(documents))])


@pytest.mark.parametrize("demandeur, montant", [("majeur", 86), ("mineur_15_17", 42), ("mineur_moins_15", 17)])
def test_passport_timbre_sent_by_sms(run_demarche, sandbox, page, demandeur, montant):
    result, approver, _ = run_demarche("timbre-passeport", {**BY_SMS, "demandeur": demandeur},
                                       citizen_pays_on_an_empty_form(page))

    assert result.outcome is Outcome.COMPLETED, result.error
    sold = bought(sandbox)
    assert (sold["usage"], sold["montant"], sold["destinataire"]) == (f"passeport_{demandeur}", montant, "0612345678")
    assert_outputs_are_the_timbre(result, approver, sold, {"documents": "timbre-passeport.pdf"})
    assert f"Justificatif de paiement Référence de la transaction : {sold['reference_transaction']}" \
        in pdf_text(result.outputs["documents"])
    assert [v.title for v in approver.seen if v.moment is Moment.REVIEW][:3] == [
        "Acheter un timbre électronique", "Choix du timbre", "Questions du timbre passeport"]
    (sms,) = sandbox.sms()
    assert sms["to"] == "0612345678" and result.outputs["numero_timbre"] in sms["body"]
    payment = [v for v in approver.seen if v.moment is Moment.MANUAL]
    assert [(v.title, v.gate) for v in payment] == [("Paiement du timbre", "payment")]
    assert_card_not_kept(sandbox.received())


@pytest.mark.parametrize("montant", ["300", "50"])
def test_foreigners_timbre_of_the_amount_given_sent_to_the_mairies_mailbox(run_demarche, sandbox, page, montant):
    result, approver, _ = run_demarche("timbre-ofii", {**BY_MAIL, "montant": montant},
                                       citizen_pays_on_an_empty_form(page))

    assert result.outcome is Outcome.COMPLETED, result.error
    sold = bought(sandbox)
    assert (sold["usage"], sold["montant"], sold["reception"]) == ("etrangers", int(montant), "courriel")
    assert_outputs_are_the_timbre(result, approver, sold, {"documents": "timbre-titre-etranger.pdf"})
    (mail,) = sandbox.mailbox()
    assert mail["to"] == MAIRIE and result.outputs["numero_timbre"] in mail["body"]
    assert sandbox.sms() == []


def test_an_amount_the_site_does_not_sell_stops_before_the_basket(run_demarche, sandbox, page):
    result, approver, _ = run_demarche("timbre-ofii", {**BY_SMS, "montant": "225"}, citizen_pays(page))

    assert result.outcome is Outcome.STOPPED
    assert approver.seen[-1].site_errors == ("Ce montant ne correspond à aucun timbre pour étrangers. Saisissez le "
                                             "montant indiqué par la préfecture ou l'OFII.",)
    assert sandbox.received() == []


@pytest.mark.parametrize("data, sms, mail", [
    ({"telephone": "06 12 34 56 78", "courriel": MAIRIE}, ["0612345678"], [MAIRIE]),
    ({"telephone": "07 98 76 54 32"}, ["0798765432"], []),
    ({}, [], []),
])
def test_appeal_timbre_of_225_euros_is_bought_on_the_justice_site(run_demarche, sandbox, page, data, sms, mail):
    result, approver, _ = run_demarche("timbre-appel-justice", data, citizen_pays_on_an_empty_form(page))

    assert result.outcome is Outcome.COMPLETED, result.error
    assert sandbox.received("timbres-achat") == []  # not sold by timbres.impots.gouv.fr
    sold = bought(sandbox, "timbre-justice-achat")
    assert (sold["montant"], sold["telephone"], sold["courriel"]) == (225, "".join(sms), "".join(mail))
    assert_outputs_are_the_timbre(result, approver, sold, {"timbre": "timbre-appel.pdf",
                                                           "justificatif_paiement": "justificatif-paiement-appel.pdf"})
    assert f"Référence de la transaction : {sold['reference_transaction']}" \
        in pdf_text(result.outputs["justificatif_paiement"])
    assert [m["to"] for m in sandbox.sms()] == sms and [m["to"] for m in sandbox.mailbox()] == mail
    assert page.url.startswith(f"http://www.timbre.justice.gouv.fr.localhost:{sandbox.port}/pages/achat/telechargement.jsp")
    assert_card_not_kept(sandbox.received())


def test_appeal_timbre_refunded_on_the_justice_site(run_demarche, sandbox, page):
    bought_it, _, _ = run_demarche("timbre-appel-justice", {"telephone": "0612345678"}, citizen_pays(page))
    sold = bought(sandbox, "timbre-justice-achat")
    sandbox.today = TODAY + timedelta(days=3)
    result, approver, _ = run_demarche("timbre-remboursement-justice", {**stamp(bought_it), "date_achat": "15/11/2026"})

    assert result.outcome is Outcome.COMPLETED, result.error
    (record,) = sandbox.received("timbre-justice-remboursement")
    assert (record["numero_timbre"], record["reference_transaction"], record["montant"], record["carte_fin"]) == (
        sold["numero_timbre"], sold["reference_transaction"], 225, "1111")
    justificatif = result.outputs.pop("justificatif")
    assert result.outputs == {"numero_remboursement": record["numero_remboursement"], "montant_rembourse": "225 €"}
    assert Path(justificatif).name == "justificatif-remboursement.pdf"
    assert f"Numéro de la demande de remboursement : {record['numero_remboursement']}" in pdf_text(justificatif)
    assert sandbox.received("timbres-remboursement") == []
    assert [v.title for v in approver.seen if v.gate == "submit"] == ["Confirmer le timbre à rembourser"]


def test_an_appeal_timbre_is_not_found_by_timbres_impots(run_demarche, sandbox, page):
    """A refund on the wrong site finds nothing: the Justice's stamps are refunded by the Justice."""
    bought_it, _, _ = run_demarche("timbre-appel-justice", {}, citizen_pays(page))
    sandbox.today = TODAY + timedelta(days=5)
    outputs = {**stamp(bought_it), "montant": "86"}  # the impots flow only takes CNI/passport amounts
    result, approver, _ = run_demarche("timbre-remboursement", {**outputs, "date_achat": "15/11/2026"})
    assert result.outcome is Outcome.STOPPED
    assert approver.seen[-1].site_errors == (NOT_FOUND,)


@pytest.mark.parametrize("reception, missing", [("courriel", "Adresse électronique de la mairie"),
                                                ("sms", "Téléphone portable de l'usager")])
def test_the_address_of_the_chosen_reception_is_asked_before_the_browser_opens(library, reception, missing):
    flow = library.find("timbre-passeport").flow
    with pytest.raises(DossierError) as refused:
        validate_inputs(flow, {"reception": reception, "demandeur": "majeur"})
    assert refused.value.problems == [(missing, f"obligatoire quand « Réception du timbre » est {reception}.")]


def test_the_passport_timbre_feeds_the_pre_demande_then_cannot_be_refunded(run_demarche, sandbox, page):
    bought_it, _, _ = run_demarche("timbre-passeport", {**BY_SMS, "demandeur": "majeur"}, citizen_pays(page))
    sold = bought(sandbox)
    predemande, _, _ = run_demarche("passeport-pre-demande", citizen(CAMILLE, timbre=bought_it.outputs["numero_timbre"]))

    assert predemande.outcome is Outcome.COMPLETED, predemande.error
    (record,) = sandbox.received("passeport-pre-demande")
    assert (record["data"]["numero_timbre"], record["data"]["timbre_montant"]) == (sold["numero_timbre"], "86")
    sandbox.today = TODAY + timedelta(days=5)
    refund, approver, _ = run_demarche("timbre-remboursement", {**stamp(bought_it), "date_achat": "15/11/2026"})
    assert refund.outcome is Outcome.STOPPED
    assert approver.seen[-1].site_errors == ("Ce timbre a déjà été utilisé : il ne peut pas être remboursé.",)
    assert sandbox.received("timbres-remboursement") == []


def test_refund_of_an_unused_passport_timbre(run_demarche, sandbox, page):
    bought_it, _, _ = run_demarche("timbre-passeport", {**BY_SMS, "demandeur": "mineur_15_17"}, citizen_pays(page))
    sold = bought(sandbox)
    sandbox.today = TODAY + timedelta(days=3)
    result, approver, _ = run_demarche("timbre-remboursement", {**stamp(bought_it), "date_achat": "15/11/2026"})

    assert result.outcome is Outcome.COMPLETED, result.error
    assert [v.title for v in approver.seen if v.moment is Moment.REVIEW][:4] == [
        "Demander le remboursement", "Timbre acheté ni sur le site de l'OFII ni sur celui de la Justice",
        "Vous êtes un usager", "Timbre acheté en ligne"]
    (record,) = sandbox.received("timbres-remboursement")
    assert (record["numero_timbre"], record["reference_transaction"], record["montant"], record["carte_fin"]) == (
        sold["numero_timbre"], sold["reference_transaction"], 42, "1111")
    justificatif = result.outputs.pop("justificatif")
    assert result.outputs == {"numero_remboursement": record["numero_remboursement"], "montant_rembourse": "42 €"}
    assert Path(justificatif).name == "justificatif-remboursement.pdf"
    assert f"Numéro de la demande de remboursement : {record['numero_remboursement']}" in pdf_text(justificatif)
    assert "Montant remboursé : 42 €" in pdf_text(justificatif)
    gates = [v.title for v in approver.seen if v.gate == "submit"]
    assert gates == ["Confirmer le timbre à rembourser"]
    assert page.get_by_role("link", name="Télécharger le justificatif de remboursement").count() == 1


@pytest.mark.parametrize("today, message", [
    (TODAY + timedelta(days=2), EARLY.format("18/11/2026")), (date(2028, 5, 16), LATE),
])
def test_refund_outside_its_window_is_refused_with_the_sites_message(run_demarche, sandbox, page, today, message):
    bought_it, _, _ = run_demarche("timbre-passeport", {**BY_SMS, "demandeur": "majeur"}, citizen_pays(page))
    sandbox.today = today
    result, approver, _ = run_demarche("timbre-remboursement", {**stamp(bought_it), "date_achat": "15/11/2026"})

    assert result.outcome is Outcome.STOPPED
    assert approver.seen[-1].site_errors == (message,)
    assert sandbox.received("timbres-remboursement") == []
