"""The step runner on the real sandbox, with the scripted approver: what the administration
received is compared with what the citizen gave; drift and ambiguity stop before filling."""

from __future__ import annotations

from citizens import CAMILLE, CAMILLE_RECEIVED, YANNICK, YANNICK_RECEIVED, citizen

from autopilot.engine.approver import Decision, Moment, ScriptedApprover
from autopilot.engine.runner import Outcome
from autopilot.errors import BrowserClosed

PASSPORT = "passeport-pre-demande"


def only_record(sandbox) -> dict:
    records = sandbox.received("passeport-pre-demande")
    assert len(records) == 1, f"{len(records)} dossiers reçus au lieu d'un"
    return records[0]


def test_passport_pre_demande_sends_exactly_what_the_citizen_gave(run_demarche, sandbox, page):
    result, approver, _ = run_demarche(PASSPORT, CAMILLE)

    assert result.outcome is Outcome.COMPLETED, result.error
    record = only_record(sandbox)
    assert record["data"] == CAMILLE_RECEIVED
    assert result.outputs == {"numero_predemande": record["numero_predemande"]}
    assert approver.seen[-1].moment is Moment.DONE
    assert approver.seen[-1].outputs == (("Numéro de pré-demande", record["numero_predemande"]),)


def test_a_renewal_without_second_parent(run_demarche, sandbox):
    result, _, _ = run_demarche(PASSPORT, YANNICK)

    assert result.outcome is Outcome.COMPLETED, result.error
    assert only_record(sandbox)["data"] == YANNICK_RECEIVED


def test_loss_motif(run_demarche, sandbox):
    result, _, _ = run_demarche(PASSPORT, citizen(CAMILLE, motif="perte"))

    assert result.outcome is Outcome.COMPLETED, result.error
    assert only_record(sandbox)["data"] == {**CAMILLE_RECEIVED, "motif": "perte"}


def test_every_step_shows_what_was_filled_and_what_the_page_holds(run_demarche):
    _, approver, _ = run_demarche(PASSPORT, CAMILLE)

    reviews = {v.title: v for v in approver.seen if v.moment is Moment.REVIEW}
    assert list(reviews) == ["Connexion", "Motif de la demande", "État civil", "Adresse", "Filiation",
                             "Timbre fiscal", "Récapitulatif"]
    etat_civil = reviews["État civil"]
    assert (etat_civil.index, etat_civil.total) == (2, 7)
    assert [(f.label, f.value, f.source, f.actual) for f in etat_civil.fields][:4] == [
        ("Nom de naissance", "Lefèvre", "Identité — Nom de naissance", "Lefèvre"),
        ("Prénom(s)", "Camille, Louise", "Identité — Prénom(s)", "Camille, Louise"),
        ("Sexe", "Féminin", "Identité — Sexe", "Féminin"),
        ("Date de naissance", "14/07/1985", "Identité — Date de naissance", "14/07/1985"),
    ]
    assert not any(f.differs for v in reviews.values() for f in v.fields)
    assert [f.label for f in reviews["Filiation"].fields][:2] == ["Parent 1 — Nom de famille", "Parent 1 — Prénom(s)"]
    login = reviews["Connexion"].fields
    assert [(f.label, f.value, f.secret, f.actual) for f in login][1] == ("Mot de passe", "••••••••", True, None)
    assert reviews["Récapitulatif"].gate == "submit"


def test_stopping_at_the_submit_gate_sends_nothing(run_demarche, sandbox, page):
    approver = ScriptedApprover(plan={"Récapitulatif": [Decision.STOP]})
    result, _, lines = run_demarche(PASSPORT, CAMILLE, approver)

    assert result.outcome is Outcome.STOPPED
    assert result.step == "Récapitulatif"
    assert sandbox.received() == []
    assert page.get_by_role("heading", name="Récapitulatif", exact=True).is_visible()
    assert lines[-1] == "Démarche arrêtée par le médiateur."


def test_a_renamed_label_stops_the_step_before_anything_is_filled(run_demarche, sandbox, page):
    sandbox.faults.relabel["Nom de naissance"] = "Nom à la naissance"
    result, approver, _ = run_demarche(PASSPORT, CAMILLE)

    assert result.outcome is Outcome.STOPPED
    assert result.step == "État civil"
    blocked = approver.seen[-1]
    assert blocked.moment is Moment.BLOCKED and blocked.title == "État civil"
    assert blocked.allowed == {Decision.TAKEOVER, Decision.STOP}
    assert blocked.message.startswith(
        "Étape « État civil » : introuvable sur la page : champ « Nom de naissance » ; libellés proches : "
        "« Nom à la naissance »."
    )
    assert "Rien n'a été rempli sur cette page." in blocked.message
    values = page.locator("main input:not([type=radio]):not([type=hidden]), main select").evaluate_all(
        "els => els.map(e => e.tagName === 'SELECT' ? e.selectedIndex : e.value)"
    )
    assert values and all(v in ("", 0) for v in values), values
    assert not page.locator("main input[type=radio]:checked").count()
    assert sandbox.received() == []


def test_two_fields_with_one_label_are_refused_with_the_count(run_demarche, sandbox, page):
    sandbox.faults.duplicate_label.add("Commune de naissance")
    result, approver, _ = run_demarche(PASSPORT, CAMILLE)

    assert result.step == "État civil"
    assert approver.seen[-1].message.startswith(
        "Étape « État civil » : plusieurs éléments pour champ « Commune de naissance » : 2 éléments correspondent."
    )
    assert page.locator("main input[name=nom_naissance]").input_value() == ""
    assert sandbox.received() == []


def test_the_site_refusal_is_shown_and_never_retried(run_demarche, sandbox, page):
    # « Bretagne » passes the mediator's loose check but the site wants a département number.
    data = citizen(CAMILLE, usager={**CAMILLE["usager"], "departement_naissance": "Bretagne"})
    result, approver, lines = run_demarche(PASSPORT, data)

    blocked = approver.seen[-1]
    assert blocked.moment is Moment.BLOCKED and blocked.title == "État civil"
    assert any("Département de naissance" in e or "département" in e.lower() for e in blocked.site_errors)
    assert result.outcome is Outcome.STOPPED
    assert sum("« État civil » : validée" in line for line in lines) == 0
    assert sandbox.received() == []


def test_taking_over_after_a_refusal_then_resuming(run_demarche, sandbox, page):
    data = citizen(CAMILLE, usager={**CAMILLE["usager"], "departement_naissance": "Bretagne"})

    def mediator_fixes_the_page(view):
        # The mediator corrects the field the site refused and clicks « Suivant » by hand.
        page.get_by_label("Département de naissance").fill("35")
        page.get_by_role("button", name="Suivant", exact=True).click()
        page.get_by_role("heading", name="Adresse", exact=True).wait_for()

    class Mediator(ScriptedApprover):
        def decide(self, view, poll=None):
            if view.moment is Moment.BLOCKED:
                self.seen.append(view)
                return Decision.TAKEOVER
            if view.moment is Moment.TAKEOVER:
                self.seen.append(view)
                mediator_fixes_the_page(view)
                return Decision.RESUME
            return super().decide(view, poll)

    result, approver, _ = run_demarche(PASSPORT, data, Mediator())

    assert result.outcome is Outcome.COMPLETED, result.error
    assert only_record(sandbox)["data"] == CAMILLE_RECEIVED
    assert [v.moment for v in approver.seen if v.title == "État civil"] == [
        Moment.REVIEW, Moment.BLOCKED, Moment.TAKEOVER
    ]


def test_skipping_a_step_leaves_its_page_to_the_mediator(run_demarche, sandbox):
    approver = ScriptedApprover(plan={"Adresse": [Decision.SKIP, Decision.STOP]})
    result, approver, _ = run_demarche(PASSPORT, CAMILLE, approver)

    # « Suivant » was not clicked: the panel says at once that the page is the mediator's to do,
    # and waits for the next one (here the mediator stops instead).
    assert (result.outcome, result.step) == (Outcome.STOPPED, "Adresse")
    assert approver.seen[-1].moment is Moment.MANUAL
    assert approver.seen[-1].message.startswith("Étape passée : faites-la vous-même sur la page")
    assert sandbox.received() == []


def test_closing_the_window_mid_run_interrupts_cleanly(run_demarche, sandbox, page):
    class ClosesTheWindow(ScriptedApprover):
        def decide(self, view, poll=None):
            if view.title == "Adresse":
                page.close()  # the mediator closes the browser while the citizen hesitates
            return super().decide(view, poll)

    result, _, _ = run_demarche(PASSPORT, CAMILLE, ClosesTheWindow())

    assert result.outcome is Outcome.STOPPED
    assert result.step == "Adresse"
    assert isinstance(result.error, BrowserClosed)
    assert sandbox.received() == []
