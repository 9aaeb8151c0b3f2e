"""A renderer crash mid-démarche (issue 21, item 8): a French stop that names the step, exit status 8,
nothing more sent, and the session's close after it does not fail either."""

from __future__ import annotations

from citizens import CAMILLE, citizen
from playwright.sync_api import Error as PlaywrightError

from autopilot.cli.run_command import sandbox_credentials
from autopilot.engine.approver import Moment, ScriptedApprover
from autopilot.engine.origins import Origins
from autopilot.engine.runner import Outcome, Timeouts
from autopilot.engine.session import Session
from autopilot.flows.inputs import validate_inputs


class _CrashAt(ScriptedApprover):
    """Approves every step; at the review of `title` the tab's renderer crashes (chrome://crash) first."""

    def __init__(self, page, title: str) -> None:
        super().__init__()
        self.page, self.title = page, title

    def decide(self, view, poll=None):
        decision = super().decide(view, poll)
        if view.title == self.title and view.moment is Moment.REVIEW:
            try:
                self.page.goto("chrome://crash", timeout=5000)
            except PlaywrightError:
                pass  # the crash aborts this navigation itself
        return decision


def test_a_renderer_crash_mid_demarche_is_a_clean_stop(page, sandbox, library):
    flow = library.find("passeport-pre-demande").flow
    secrets, accounts = sandbox_credentials()
    lines: list[str] = []
    session = Session(page, library, _CrashAt(page, "État civil"), origins=Origins(sandbox.port), secrets=secrets,
                      accounts=accounts, report=lines.append, timeouts=Timeouts(page=5, response=10))
    result = session.run(flow, validate_inputs(flow, citizen(CAMILLE)))
    assert result.outcome is Outcome.FAILED and result.step == "État civil"
    assert result.error.exit_status == 8
    assert result.error.message == "Étape « État civil » : la page du navigateur s'est arrêtée brutalement (plantage de l'onglet)."
    session.close()  # the CLI closes the session after a failed run: no Playwright error escapes
    assert not any("Target" in line or "Error" in line for line in lines)
    assert sandbox.received() == []  # the crash came before « Suivant »: nothing of this page was sent
