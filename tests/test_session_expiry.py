"""A session that expires right after an accepted submission (issue 21, item 7): the
administration has the démarche, so after logging in again the run says so, with its reference,
and never invites a second submission."""

from __future__ import annotations

from citizens import CAMILLE, CAMILLE_RECEIVED

from autopilot.engine.approver import Moment, ScriptedApprover
from autopilot.engine.runner import Outcome


def test_expiry_right_after_the_submission_is_reported_as_sent(sandbox, run_demarche):
    sandbox.faults.update({"expire_after_submission": True})

    result, approver, lines = run_demarche("passeport-pre-demande", CAMILLE, ScriptedApprover())

    [record] = sandbox.received()  # sent once, never twice
    assert record["data"] == CAMILLE_RECEIVED
    assert result.outcome is Outcome.COMPLETED, result.error
    assert result.outputs["numero_predemande"] == record["numero_predemande"]
    assert "La session du compte a expiré : nouvelle connexion." in lines
    assert any("la demande avait bien été reçue" in line for line in lines), lines
    gates = [v for v in approver.seen if v.title == "Récapitulatif" and v.moment is Moment.REVIEW]
    assert len(gates) == 1  # the submit gate was never offered again


def test_expiry_at_the_submission_without_a_confirmation_never_invites_a_second_one(sandbox, run_demarche):
    """The site refused the submission (the session expired before it): after the login, the
    confirmation is not there — the run stops and says to check the account first."""
    class ExpiresAtTheGate(ScriptedApprover):
        def decide(self, view, poll=None):
            if view.title == "Récapitulatif" and view.moment is Moment.REVIEW:
                sandbox.faults.expire_sessions()  # between the approval and the click
            return super().decide(view, poll)

    result, approver, _ = run_demarche("passeport-pre-demande", CAMILLE, ExpiresAtTheGate())

    assert sandbox.received() == []
    assert result.outcome is Outcome.FAILED
    assert result.error.message.startswith("La session du compte a expiré pendant l'envoi de « Récapitulatif »")
    assert "Ne refaites pas la démarche avant d'avoir vérifié" in result.error.hint
    assert [v.title for v in approver.seen if v.moment is Moment.REVIEW].count("Récapitulatif") == 1
