"""The steps a person does on the page while the run waits: manual steps, and steps the mediator skips.

A manual step (`manual:`: a captcha, a card payment, the citizen's own login) and a step skipped
with « Passer cette étape » both leave the page to a person; the run waits for the page it expects
next (`until`, or the following step's `expect`): a « Reprendre » pressed before that page shows
does not end the wait. `Runner` gets these from `PersonSteps`; they use its page, approver, steps
and report.
"""

from __future__ import annotations

from collections.abc import Callable

from autopilot.engine.approver import Approver, Decision, Moment
from autopilot.engine.outcomes import PAID, Stop
from autopilot.flows.model import Expect, Step, Until


class PersonSteps:
    """What `Runner` does while a person acts on the page (mixed into it)."""

    approver: Approver
    steps: list[Step]
    done: list[tuple[str, str]]
    report: Callable[[str], None]
    # and Runner's `_view`, `_shows` and `_on_flow_site`

    def _manual(self, step: Step, number: int) -> None:
        self.report(f"Étape {number}/{len(self.steps)} « {step.title} » : action manuelle — {step.manual.instruction}")
        self._by_hand(step, number, step.manual.instruction, step.manual.until, citizen=step.manual.by == "usager")
        if step.gate == "payment" and (PAID, step.title) not in self.done:
            self.done.append((PAID, step.title))

    def _by_hand(self, step: Step, number: int, instruction: str, until: Expect | Until | None, *,
                 citizen: bool = False) -> None:
        """Wait for a person to act on the page. With `until`, the run resumes on it alone: a
        « Reprendre » pressed before it holds (the citizen has not paid yet) waits on, however long.
        `citizen`: the citizen logs in themself; no script runs in their login pages (FranceConnect)."""
        message = instruction
        ready = (lambda: self._shows(until)) if until else None
        if citizen and until:
            ready = lambda: self._on_flow_site() and self._shows(until)  # noqa: E731
        while True:
            decision = self.approver.decide(
                self._view(step, number, Moment.MANUAL, {Decision.RESUME, Decision.STOP}, message=message,
                           citizen=citizen),
                poll=ready,
            )
            if decision is Decision.STOP:
                raise Stop
            if ready is None or ready():
                return
            message = (f"La page n'affiche pas encore {_described(until)} : autopilot reprendra dès qu'elle"
                       f" s'affichera. {instruction}")

    def _skipped(self, step: Step, number: int, following: Step) -> None:
        """« Passer cette étape »: the mediator does the page themself; the run resumes at the next page."""
        self.report(f"Étape {number}/{len(self.steps)} « {step.title} » : passée, le médiateur la fait lui-même.")
        self._by_hand(step, number, f"Étape passée : faites-la vous-même sur la page (remplissez-la avec l'usager,"
                      f" puis cliquez sur le bouton du site pour continuer). autopilot reprend à « {following.title} »"
                      " dès que sa page s'affiche.", following.expect)

    def _skippable(self, step: Step, number: int) -> Step | None:
        """The step the run resumes at when `step` is skipped; None where skipping cannot work: the
        final submission, or no next page autopilot can recognise."""
        following = self.steps[number] if number < len(self.steps) else None
        if step.gate == "submit" or following is None or following.expect is None or following.optional:
            return None
        return following


def _described(until: Expect | Until) -> str:
    """« « Paiement accepté » »: what a waited-for page shows, as the mediator reads it."""
    if until.heading or until.text:
        return f"« {until.heading or until.text} »"
    return "la page attendue"
