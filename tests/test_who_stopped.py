"""Who stopped a démarche, and why, said as it happened (issue 17): a manual step resumes on its
condition however early or late « Reprendre » is pressed; « Passer cette étape » says at once that
the mediator does the page; a step the engine could not do in an unattended run is the engine's
failure (exit 8), a site's refusal too, and only the mediator's own stop is « arrêtée par le
médiateur » (exit 10)."""

from __future__ import annotations

import time
from datetime import date

import pytest
from citizens import CAMILLE, citizen
from paying import citizen_pays
from test_cli import autopilot, camille_file  # noqa: F401 — camille_file: a fixture

from autopilot.engine.approver import ApproveAll, Decision, Moment, ScriptedApprover
from autopilot.engine.runner import Outcome, Timeouts

QUICK = Timeouts(page=2, response=10)  # the page wait the late citizen outlasts


@pytest.fixture(autouse=True)
def fixed_date(sandbox):
    sandbox.today = date(2026, 11, 15)


def paying_citizen(page, *, late_s: float = 0.0, plan: dict | None = None) -> ScriptedApprover:
    """The citizen pays at the payment step, `late_s` seconds after it is shown to them."""
    pays = citizen_pays(page).human

    def human(view):
        time.sleep(late_s)
        pays(view)

    return ScriptedApprover(plan=plan or {}, human=human)


def test_reprendre_before_the_citizen_has_paid_waits_for_the_payment(run_demarche, sandbox, page):
    # « Reprendre » at once, while the citizen still looks for their card; they pay well after the
    # engine's page wait (QUICK.page) would have run out.
    approver = paying_citizen(page, late_s=QUICK.page + 2, plan={"Paiement du timbre": [Decision.RESUME]})
    result, _, lines = run_demarche("passeport-pre-demande", citizen(CAMILLE, timbre=None), approver, QUICK)

    assert result.outcome is Outcome.COMPLETED, (result.error, lines)
    [purchase] = sandbox.received("timbre-achat")
    assert result.outputs["numero_timbre"].replace(" ", "") == purchase["numero_timbre"]
    payment = [v for v in approver.seen if v.title == "Paiement du timbre"]
    assert [v.moment for v in payment] == [Moment.MANUAL, Moment.MANUAL]
    assert payment[1].message.startswith("La page n'affiche pas encore « Paiement accepté » : autopilot reprendra"
                                         " dès qu'elle s'affichera.")
    assert not any(v.moment is Moment.BLOCKED for v in approver.seen)


def test_reprendre_long_after_the_citizen_has_paid_goes_on(run_demarche, sandbox, page):
    pays = citizen_pays(page).human

    def human(view):
        pays(view)
        page.get_by_role("heading", name="Paiement accepté").wait_for()
        time.sleep(QUICK.page + 1)  # the mediator turns back to the screen much later

    approver = ScriptedApprover(human=human)
    result, _, lines = run_demarche("passeport-pre-demande", citizen(CAMILLE, timbre=None), approver, QUICK)
    assert result.outcome is Outcome.COMPLETED, (result.error, lines)
    assert [v.moment for v in approver.seen if v.title == "Paiement du timbre"] == [Moment.MANUAL]


def test_skipping_a_step_says_at_once_that_the_mediator_does_the_page(run_demarche, sandbox, page):
    def mediator(view):
        assert view.title == "Adresse" and view.moment is Moment.MANUAL
        body = page.locator("body")
        body.get_by_label("Numéro et libellé de la voie").fill("3 place de la Mairie")
        body.get_by_label("Code postal").fill("35000")
        body.get_by_label("Commune").fill("Rennes")
        body.get_by_label("Numéro de téléphone portable").fill("0611223344")
        body.get_by_role("button", name="Suivant").click()

    approver = ScriptedApprover(plan={"Adresse": [Decision.SKIP]}, human=mediator)
    started = time.monotonic()
    result, _, lines = run_demarche("passeport-pre-demande", CAMILLE, approver, QUICK)

    assert result.outcome is Outcome.COMPLETED, (result.error, lines)
    [record] = sandbox.received("passeport-pre-demande")
    assert (record["data"]["voie"], record["data"]["telephone"]) == ("3 place de la Mairie", "0611223344")
    address = [v for v in approver.seen if v.title == "Adresse"]
    assert [v.moment for v in address] == [Moment.REVIEW, Moment.MANUAL]
    assert address[1].message.startswith("Étape passée : faites-la vous-même sur la page")
    assert "« Filiation »" in address[1].message
    assert not any(v.moment is Moment.BLOCKED for v in approver.seen)
    assert time.monotonic() - started < 60


def test_the_final_submission_cannot_be_skipped(run_demarche, sandbox):
    recap = ScriptedApprover(plan={"Récapitulatif": [Decision.STOP]})
    run_demarche("passeport-pre-demande", CAMILLE, recap, QUICK)
    [review] = [v for v in recap.seen if v.title == "Récapitulatif"]
    assert review.gate == "submit" and Decision.SKIP not in review.allowed
    assert Decision.SKIP in next(v for v in recap.seen if v.title == "Adresse").allowed
    assert sandbox.received("passeport-pre-demande") == []


def test_an_unattended_step_the_engine_could_not_do_is_its_failure(run_demarche, sandbox):
    sandbox.faults.relabel["Nom de naissance"] = "Nom à la naissance"
    result, _, lines = run_demarche("passeport-pre-demande", CAMILLE, ApproveAll(), QUICK)
    assert result.outcome is Outcome.FAILED
    assert result.error.code == "cible-introuvable" and result.error.exit_status == 8
    assert "Démarche arrêtée par le médiateur." not in lines


def test_exit_statuses_follow_who_stopped(sandbox, camille_file):  # noqa: F811 — the fixture
    command = ["run", "passeport-pre-demande", "--data", str(camille_file), "--headless", "--approve-all",
               "--sandbox-url", sandbox.address]
    sandbox.faults.relabel["Nom de naissance"] = "Nom à la naissance"  # the engine cannot find a field
    done = autopilot(*command)
    assert done.returncode == 8, done.stdout + done.stderr
    assert "arrêtée par le médiateur" not in done.stdout + done.stderr
    assert "Démarche interrompue" not in done.stdout
    assert done.stderr.startswith("Erreur : Étape « État civil » :")
    assert "« Nom de naissance »" in done.stderr

    sandbox.reset()
    sandbox.today = date(1980, 1, 1)  # the site finds the birth date in its future: it refuses the page
    done = autopilot(*command)
    assert done.returncode == 8, done.stdout + done.stderr
    assert "arrêtée par le médiateur" not in done.stdout + done.stderr
    assert "Erreur : " in done.stderr and "le site a refusé" in done.stderr.lower()
    assert sandbox.received("passeport-pre-demande") == []


class MediatorCorrects(ScriptedApprover):
    """At « Je prends la main », the mediator corrects what the site refused (here: the site's clock
    put back, so the same birth date is accepted), then « Reprendre »."""

    def __init__(self, sandbox, **kwargs) -> None:
        super().__init__(**kwargs)
        self.sandbox = sandbox

    def decide(self, view, poll=None):
        if view.moment is Moment.TAKEOVER:
            self.sandbox.today = date(2026, 11, 15)
        return super().decide(view, poll)


def test_after_a_correction_the_sites_old_message_is_not_shown_as_current(run_demarche, sandbox):
    sandbox.today = date(1980, 1, 1)  # the site finds the birth date in its future
    approver = MediatorCorrects(sandbox, plan={"État civil": [Decision.APPROVE, Decision.TAKEOVER, Decision.RESUME]})
    result, _, lines = run_demarche("passeport-pre-demande", CAMILLE, approver, QUICK)

    assert result.outcome is Outcome.COMPLETED, (result.error, lines)
    civil = [v for v in approver.seen if v.title == "État civil"]
    assert [v.moment for v in civil] == [Moment.REVIEW, Moment.BLOCKED, Moment.TAKEOVER, Moment.REVIEW]
    refused = civil[1].site_errors
    assert refused and all(message not in civil[3].site_errors for message in refused)
    assert "Le site signale" not in civil[3].message
    assert f"Avant votre correction, le site signalait : « {refused[0]} »" in civil[3].message
    assert "il vérifiera de nouveau quand vous validerez" in civil[3].message
