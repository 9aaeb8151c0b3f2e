"""What a run gives back and how long it waits for the site: the runner's public records."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from autopilot.errors import AutopilotError, RunError


class Outcome(enum.StrEnum):
    """How a run ended, in the journal's words."""

    COMPLETED = "terminée"
    STOPPED = "interrompue"
    FAILED = "échec"


@dataclass
class RunResult:
    outcome: Outcome
    outputs: dict[str, str] = field(default_factory=dict)
    step: str | None = None  # the step where the run ended
    error: AutopilotError | None = None
    done: tuple[tuple[str, str], ...] = ()  # what is done on the site for good: (PAID or SENT, the step's title)


PAID = "paiement"  # a payment step the citizen went through (its condition held)
SENT = "envoi"  # a submit gate's click, confirmed by the mediator


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for the site; a human is never timed out."""

    page: float = 15.0  # the expected page to show
    response: float = 30.0  # the outcome of a click


class Stop(Exception):
    """The mediator chose « Arrêter la démarche »."""


class ExpiredAfterSubmit(RunError):
    """The login page showed right after a submit gate's click: the site may have the démarche."""
