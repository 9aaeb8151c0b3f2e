"""The Approver seam: who decides, at each step, whether the run goes on.

The engine never acts on the site on its own authority. At each step it builds a
`StepView` (what the mediator should see) and asks an `Approver` for a `Decision`.
Two implementations exist: the in-page panel (`autopilot.engine.panel`, production)
and `ScriptedApprover` (tests and benchmarks). Only the approver and the clock may be
scripted in tests; the browser, the sandbox and the keyring are always real.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Protocol

from autopilot.errors import RunError

if TYPE_CHECKING:
    from playwright.sync_api import Page


class Decision(enum.StrEnum):
    """What the mediator chose; each maps to one panel button."""

    APPROVE = "approve"  # « Valider et continuer »
    SKIP = "skip"  # « Passer cette étape »
    TAKEOVER = "takeover"  # « Je prends la main »
    RESUME = "resume"  # « Reprendre »
    STOP = "stop"  # « Arrêter la démarche »


BUTTON_LABELS: Mapping[Decision, str] = {
    Decision.APPROVE: "Valider et continuer",
    Decision.SKIP: "Passer cette étape",
    Decision.TAKEOVER: "Je prends la main",
    Decision.RESUME: "Reprendre",
    Decision.STOP: "Arrêter la démarche",
}


class Moment(enum.StrEnum):
    """Why the run is waiting."""

    REVIEW = "review"  # the page is filled; approval acts (clicks « Suivant », submits…)
    MANUAL = "manual"  # a human must do something on the page (code, captcha, payment)
    BLOCKED = "blocked"  # the page is not the expected one, or the site refused the input
    TAKEOVER = "takeover"  # the mediator has the hand; « Reprendre » gives it back
    PICK = "pick"  # a document of the scanner folder must be chosen for an upload field
    REPAIR = "repair"  # a target is not found: the mediator may pick a proposed control (engine/proposals.py)
    DONE = "done"  # the démarche is over; outputs are shown


@dataclass(frozen=True)
class FieldView:
    """One field as the panel lists it."""

    label: str
    value: str  # what autopilot typed or chose; "••••••••" for a secret
    source: str  # where the value came from, in French: "usager.nom_naissance", "compte ants"
    actual: str | None = None  # what the page holds after filling (read back)
    secret: bool = False

    @property
    def differs(self) -> bool:
        return self.actual is not None and not self.secret and self.actual != self.value


@dataclass(frozen=True)
class StepView:
    """Everything the mediator needs to decide about one step."""

    flow_title: str
    index: int  # 1-based
    total: int
    title: str
    moment: Moment
    allowed: frozenset[Decision]
    gate: str | None = None  # None, "submit" or "payment"
    fields: tuple[FieldView, ...] = ()
    site_errors: tuple[str, ...] = ()  # the site's own messages, verbatim
    message: str | None = None  # French sentence for the mediator
    outputs: tuple[tuple[str, str], ...] = ()  # (label, value) pairs, shown at the end
    choices: tuple[str, ...] = ()  # PICK: the scans the mediator may choose from (file names); REPAIR: the proposals
    pick_for: str | None = None  # PICK: the upload field's label; REPAIR: the target's
    citizen: bool = False  # MANUAL: the citizen types their own secret (a login); nothing is shown or read


class Approver(Protocol):
    """Decides at each step. `poll` returns True when waiting may end by itself."""

    def attach(self, page: Page) -> None:
        """The page the run drives (where a panel shows)."""
        ...

    def decide(self, view: StepView, poll: Callable[[], bool] | None = None) -> Decision:
        """Return one of `view.allowed`; return RESUME as soon as `poll()` holds."""
        ...

    def show(self, view: StepView) -> None:
        """Display a view that asks for no decision (progress, the final outputs)."""
        ...

    def pick(self, view: StepView) -> str | Decision:
        """One of `view.choices` (a scan for `view.pick_for`), or RESUME (list the folder again),
        SKIP (leave the field empty) or STOP."""
        ...


@dataclass
class ScriptedApprover:
    """An approver that follows a script: for tests and benchmarks.

    `plan` maps a step title to the decisions to give, in order, for that step;
    anything not planned is approved. `human` plays the person at the desk for manual
    steps (typing a code, paying): it receives the view and returns when done.
    `scans` maps an upload field's label to the scan the mediator picks (unlisted: the run stops);
    repair proposals are never picked (the blocked page follows).
    `seen` keeps every view the engine presented, for assertions.
    """

    plan: dict[str, list[Decision]] = field(default_factory=dict)
    human: Callable[[StepView], None] | None = None
    scans: dict[str, str] = field(default_factory=dict)
    seen: list[StepView] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        """Nothing to show: the script decides."""

    def decide(self, view: StepView, poll: Callable[[], bool] | None = None) -> Decision:
        self.seen.append(view)
        planned = self.plan.get(view.title)
        if planned:
            decision = planned.pop(0)
        elif view.moment is Moment.MANUAL:
            if self.human is not None:
                self.human(view)
            if poll is not None:
                _wait_until(poll, view)
            decision = Decision.RESUME
        elif view.moment in (Moment.BLOCKED, Moment.TAKEOVER):
            decision = Decision.STOP
        else:
            decision = Decision.APPROVE
        if decision not in view.allowed:
            raise ValueError(f"scripted decision {decision} not allowed at « {view.title} »")
        return decision

    def show(self, view: StepView) -> None:
        self.seen.append(view)

    def pick(self, view: StepView) -> str | Decision:
        self.seen.append(view)
        if view.moment is Moment.REPAIR:
            return Decision.SKIP  # no proposal scripted: none is picked, the blocked page follows
        choice = self.scans.get(view.pick_for or "")
        if choice is None:
            return Decision.STOP
        if choice not in view.choices and choice != Decision.SKIP:
            raise ValueError(f"scripted scan « {choice} » not offered at « {view.title} »: {view.choices}")
        return choice


def _wait_until(poll: Callable[[], bool], view: StepView, seconds: float = 30.0) -> None:
    """Let the run resume by its own condition, as it does in the panel (tests only)."""
    deadline = time.monotonic() + seconds
    while not poll():
        if time.monotonic() > deadline:
            raise TimeoutError(f"« {view.title} » : la condition de reprise n'est jamais devenue vraie")
        time.sleep(0.1)


class Unattended(Exception):
    """`--approve-all` without a window met what only a person decides (a blocked page, a payment,
    a manual step, a document to pick): nobody is there, so the run fails there — the engine's stop,
    never the mediator's."""

    def __init__(self, view: StepView) -> None:
        super().__init__(view.title)
        self.view = view

    def failure(self, blocked_by: RunError | None) -> RunError:
        """The run's error: what blocked the step, or why a person was needed there."""
        view = self.view
        if view.moment is Moment.BLOCKED and blocked_by is not None:
            return blocked_by
        if view.moment is Moment.PICK:
            what = f"le document à joindre pour « {view.pick_for} » est à choisir par le médiateur"
        elif view.gate == "payment":
            what = "le paiement se fait par l'usager lui-même, au poste"
        else:
            what = "une action manuelle est nécessaire (code, vérification, paiement)"
        return RunError(f"Étape « {view.title} » : {what}, et personne n'est au poste (--approve-all sans fenêtre).",
                        "Relancez sans --headless : le panneau vous laissera faire cette étape.", step=view.title)


@dataclass
class ApproveAll:
    """`--approve-all` (sandbox only): approves reviews and submit gates by itself.

    Payments, manual steps and anything blocked go to `fallback` (the panel); without a
    fallback (headless), the run fails there (`Unattended`) rather than guess.
    """

    fallback: Approver | None = None
    unattended: ClassVar[bool] = True  # nobody checks the read-back: a value the page did not take stops the run

    def attach(self, page: Page) -> None:
        if self.fallback is not None:
            self.fallback.attach(page)

    def decide(self, view: StepView, poll: Callable[[], bool] | None = None) -> Decision:
        if view.moment is Moment.REVIEW and view.gate != "payment":
            if self.fallback is not None:
                self.fallback.show(view)
            return Decision.APPROVE
        if self.fallback is not None:
            return self.fallback.decide(view, poll)
        if view.moment is Moment.MANUAL and poll is not None and poll():
            return Decision.RESUME
        raise Unattended(view)

    def show(self, view: StepView) -> None:
        if self.fallback is not None:
            self.fallback.show(view)

    def pick(self, view: StepView) -> str | Decision:
        """Which document to attach is the mediator's choice, never guessed."""
        if self.fallback is None:
            raise Unattended(view)
        return self.fallback.pick(view)
