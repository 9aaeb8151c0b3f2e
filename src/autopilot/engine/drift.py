"""Whether a flow still matches its site (`autopilot check`), without sending anything.

Two ways to look: a **visit** opens each page the flow reaches by its own `goto` (a GET, never a
form sent, never a login) and looks for the targets that page always shows; a **rehearsal**
(sandbox only) runs the whole flow with exercise data up to its first gate (`engine/rehearsal.py`).
Either ends in a `Verdict`: « à jour », « changé » (what is missing, with the best proposal of
`engine/repair.py`; a field split in several inputs; a field found elsewhere than its fingerprint
says; a new required field the flow does not know), or « injoignable ».
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from autopilot.engine.failures import translate
from autopilot.engine.fingerprints import Control, step_targets
from autopilot.engine.navigation import open_page
from autopilot.engine.origins import Origins
from autopilot.engine.page_reading import shows
from autopilot.engine.rehearsal import UpToTheFirstGate
from autopilot.engine.repair import Problem, diagnose
from autopilot.engine.runner import Outcome
from autopilot.engine.session import Session
from autopilot.engine.settling import prepare_page, wait_settled
from autopilot.errors import AutopilotError, SiteUnreachable
from autopilot.flows.model import Expect, Flow, Step


class State(enum.StrEnum):
    """What `autopilot check` says of a flow."""

    UP_TO_DATE = "à jour"
    CHANGED = "changé"
    UNREACHABLE = "injoignable"


@dataclass
class Verdict:
    """One flow's result: its state, where it changed and how, what was looked at."""

    flow: str
    state: State = State.UP_TO_DATE
    step: str | None = None
    problems: list[Problem] = field(default_factory=list)
    message: str | None = None
    pages: int = 0  # pages looked at
    learned: dict[str, dict[str, Control]] = field(default_factory=dict, repr=False)  # a rehearsal's fingerprints

    def line(self) -> str:
        """The verdict in one French line."""
        if self.state is State.UP_TO_DATE:
            return f"{self.flow} : à jour ({self.pages} page(s) vérifiée(s))"
        what = " ; ".join(p.describe() for p in self.problems) or self.message or ""
        where = f"étape « {self.step} » : " if self.step and not what.startswith(f"Étape « {self.step} »") else ""
        return f"{self.flow} : {self.state.value} : {where}{what}"

    def to_json(self) -> dict[str, Any]:
        """For `--json`."""
        return {
            "flow": self.flow, "etat": self.state.value, "etape": self.step, "message": self.message,
            "pages": self.pages,
            "problemes": [{"libelle": p.target.text, "nature": p.target.kind, "trouves": p.count,
                           "candidats": [{"libelle": c.control.label, "score": c.score, "raisons": list(c.reasons)}
                                         for c in p.proposals]} for p in self.problems],
        }


def rehearse(session: Session, flow: Flow, values: dict[str, Any], known: dict[str, dict[str, Control]]) -> tuple[
        Verdict, UpToTheFirstGate]:
    """Run `flow` up to its first gate in the session's page; the verdict and the approver (what it learned)."""
    approver = UpToTheFirstGate(flow=flow, values=dict(values), page=session.page, origins=session.origins,
                                known=known)
    session.approver = approver
    result = session.run(flow, values)
    verdict = Verdict(flow.id, pages=len(approver.learned), learned=approver.learned)
    if result.outcome is Outcome.COMPLETED or approver.reached_the_gate():
        if approver.moved:  # every field found, but not where it was: the flow still runs, the page changed
            verdict.state, verdict.step = State.CHANGED, next(iter(approver.moved))
            verdict.message = " ; ".join(approver.moved[verdict.step])
        return verdict, approver
    verdict.step = result.step
    if isinstance(result.error, SiteUnreachable):
        verdict.state, verdict.message = State.UNREACHABLE, result.error.message
        return verdict, approver
    verdict.state, verdict.problems = State.CHANGED, approver.problems
    if result.error is not None:
        verdict.message = result.error.message
    return verdict, approver


def visit(page: Page, origins: Origins, flow: Flow, known: dict[str, dict[str, Control]],
          login_page: Expect | None, timeout_s: float = 15.0) -> Verdict:
    """Open each `goto` page of `flow` and look for the targets it always shows; nothing is sent."""
    verdict = Verdict(flow.id)
    prepare_page(page)
    for step in flow.steps:
        if step.goto is None or step.when:
            continue
        try:
            open_page(page, origins, step.goto, timeout_s)
            if login_page is not None and shows(page, origins, login_page):
                continue  # behind the account's login: looked at only by a rehearsal
            wait_settled(page, origins, step.expect, step.title, timeout_s)
            problems = diagnose(page, _always_shown(step), known.get(step.title, {}))
        except SiteUnreachable as error:
            return Verdict(flow.id, State.UNREACHABLE, step.title, message=error.message, pages=verdict.pages)
        except PlaywrightError as error:
            failure = translate(error, step.title)
            return Verdict(flow.id, State.UNREACHABLE, step.title, message=failure.message, pages=verdict.pages)
        except AutopilotError as error:  # the page is not the expected one: the site changed
            return Verdict(flow.id, State.CHANGED, step.title, message=error.message, pages=verdict.pages)
        verdict.pages += 1
        if problems:
            verdict.state, verdict.step, verdict.problems = State.CHANGED, step.title, problems
            return verdict
    return verdict


def _always_shown(step: Step):
    """The step's targets that do not depend on the citizen's data or on an earlier action."""
    conditional = {id(a) for a in step.fill if a.when or a.revealed}
    kept = [a for a in step.fill if id(a) not in conditional]
    return step_targets(step.model_copy(update={"fill": tuple(kept)}))
