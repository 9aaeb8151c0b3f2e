"""Fingerprints from a real run, on request (`autopilot run … --learn`, docs/adr/0014-fingerprints.md).

The mediator's approver decides everything as usual; this wrapper only looks, at each page it is
asked to approve, at the facts of the controls the step filled (`fingerprints.observe`). They are
written beside the flow only if the run completes: a run that stopped may have stopped on a page
that was not the right one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from autopilot.engine.approver import Approver, Decision, Moment, StepView
from autopilot.engine.fingerprints import Control, observe, step_targets
from autopilot.flows.model import Flow


@dataclass
class Learning:
    """An approver that lets `inner` decide and learns the fingerprints of each page shown for review."""

    inner: Approver
    flow: Flow
    values: dict[str, Any]
    page: Page
    learned: dict[str, dict[str, Control]] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:  # `unattended` and the like: the inner approver's
        return getattr(self.inner, name)

    def attach(self, page: Page) -> None:
        self.inner.attach(page)

    def decide(self, view: StepView, poll: Callable[[], bool] | None = None) -> Decision:
        if view.moment is Moment.REVIEW and view.flow_title == self.flow.title:
            step = next((s for s in self.flow.steps if s.title == view.title), None)
            if step is not None:
                try:
                    self.learned.setdefault(view.title, {}).update(observe(self.page, step_targets(step, self.values)))
                except PlaywrightError:
                    pass  # only a fingerprint: the run goes on
        return self.inner.decide(view, poll)

    def show(self, view: StepView) -> None:
        self.inner.show(view)

    def pick(self, view: StepView) -> str | Decision:
        return self.inner.pick(view)
