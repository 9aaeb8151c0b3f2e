"""A rehearsal: a flow run on the sandbox with exercise data up to its first gate, nothing sent.

The approver approves every page and stops at the first submission, payment, manual step or
document pick: what a person would have to confirm is never done. Given the flow, it also stops
before a consultation (a search whose next page gives the outputs): the site would record it. On the way it can observe the
fingerprints of every field it fills (`flows learn`), notes a field found elsewhere than its
fingerprint says (`moved`), and when a page does not show a target exactly once it diagnoses it:
the ranked proposals of `engine/repair.py` (`autopilot check`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Page

from autopilot.engine.approver import Decision, Moment, ScriptedApprover, StepView
from autopilot.engine.fingerprints import Control, observe, step_targets
from autopilot.engine.origins import Origins
from autopilot.engine.page_reading import shows
from autopilot.engine.repair import Problem, diagnose, moved
from autopilot.flows.conditions import holds
from autopilot.flows.model import Flow, Step


def at_first_gate(view: StepView) -> bool:
    """Whether a view is where a rehearsal stops: a person would have to confirm what comes next."""
    return view.moment in (Moment.MANUAL, Moment.PICK) or (view.moment is Moment.REVIEW and view.gate is not None)


@dataclass
class UpToTheFirstGate(ScriptedApprover):
    """Approves every page, stops at the first submission, payment, manual step or pick.

    With a `flow` and the `page`, it also learns the fingerprints of the fields of each page it
    approves (`learned`) and diagnoses a page that blocks the run (`problems`, `blocked`)."""

    flow: Flow | None = None
    values: dict[str, Any] = field(default_factory=dict)
    page: Page | None = None
    origins: Origins = field(default_factory=Origins)
    known: dict[str, dict[str, Control]] = field(default_factory=dict)
    learned: dict[str, dict[str, Control]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    moved: dict[str, list[str]] = field(default_factory=dict)  # step title -> the fields found elsewhere
    blocked: StepView | None = None
    stopped: bool = False  # stopped by itself, before a gate or a consultation

    def attach(self, page: Page) -> None:
        self.page = page

    def decide(self, view: StepView, poll=None) -> Decision:
        step = self._step(view.title)
        if view.moment is Moment.REVIEW and step is not None and self.page is not None:
            seen = observe(self.page, step_targets(step, self.values))
            self.learned.setdefault(view.title, {}).update(seen)
            if elsewhere := moved(self.known.get(view.title, {}), seen):
                self.moved[view.title] = elsewhere
        if view.moment is Moment.BLOCKED and self.blocked is None:
            self.blocked = view
            if step is not None and self.page is not None and (step.expect is None
                                                               or shows(self.page, self.origins, step.expect)):
                self.problems = diagnose(self.page, step_targets(step, self.values), self.known.get(view.title, {}))
        if at_first_gate(view) or (view.moment is Moment.REVIEW and self._consults(step)):
            self.seen.append(view)
            self.stopped = True
            return Decision.STOP
        return super().decide(view, poll)

    def _consults(self, step: Step | None) -> bool:
        """Whether approving `step` asks the site for a record (its next page gives outputs: a HistoVec
        report, an exam result): the citizen's data would be sent, so a rehearsal stops before."""
        if step is None or self.flow is None or step.next is None:
            return False
        following = [s for s in self.flow.steps[self.flow.steps.index(step) + 1:] if holds(s.when, self.values)]
        return bool(following) and bool(following[0].extract or following[0].download)

    def pick(self, view: StepView) -> str | Decision:
        self.seen.append(view)
        return Decision.STOP

    def reached_the_gate(self) -> bool:
        """Whether the rehearsal ended at its first gate (not blocked before it)."""
        return self.stopped or (bool(self.seen) and at_first_gate(self.seen[-1]))

    def _step(self, title: str) -> Step | None:
        if self.flow is None:
            return None
        return next((s for s in self.flow.steps if s.title == title), None)
