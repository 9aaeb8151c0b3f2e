"""How a run in the terminal ends, whatever ends it: one journal entry, the site's answer first.

A run that opened a browser leaves exactly one entry — completed, stopped by the mediator, failed
on the site, its account's login page unreachable, or stopped by the system (SIGTERM). What the
site gave (the references) is said before the journal is written; a journal that cannot be
written then is reported as what it is — the démarche went through, the entry is missing — never
as « nothing started » (issue 21, items 5 and 9).
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Iterator
from typing import Any

from playwright.sync_api import Error as PlaywrightError

from autopilot.engine.runner import Outcome, RunResult
from autopilot.engine.session import Session
from autopilot.errors import AutopilotError, JournalError, Terminated
from autopilot.flows import Flow
from autopilot.journal import Entry, Journal


@contextlib.contextmanager
def stop_on_sigterm() -> Iterator[Callable[[], None]]:
    """Within the block, SIGTERM stops the run like « Arrêter la démarche » (once), instead of killing
    the process before the journal is written. Calling the yielded `disarm` turns later signals into
    nothing until the block ends (the entry is being written); then the previous handler is back."""
    armed = True

    def stop(signum: int, frame: Any) -> None:
        nonlocal armed
        if armed:
            armed = False
            raise Terminated("Interrompu : le système a demandé l'arrêt d'autopilot pendant la démarche.",
                             "Si l'étape en cours envoyait la demande, vérifiez sur le site qu'elle est partie"
                             " avant d'en faire une autre.")

    def disarm() -> None:
        nonlocal armed
        armed = False

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield disarm
    finally:
        signal.signal(signal.SIGTERM, previous)


def journalled(journal: Journal, entry: Entry) -> JournalError | None:
    """Write the run's entry; the problem, if it could not be written (said after the site's answer)."""
    try:
        journal.append(entry)
    except JournalError as error:
        return error
    return None


def not_journalled(problem: JournalError, flow: Flow, result: RunResult) -> JournalError:
    """The error for a run that went to its end on the site but is missing from the journal."""
    references = ", ".join(f"{flow.outputs[name].label} : {value}" for name, value in result.outputs.items()
                           if name in flow.outputs)
    if result.outcome is Outcome.COMPLETED:
        what = "La démarche a été envoyée" + (f" ({references})" if references else "")
    else:
        what = f"La démarche « {flow.title} » s'est terminée ({result.outcome})"
    return JournalError(
        f"{what}, mais le journal n'a pas pu l'enregistrer. {problem.message}",
        ("Notez ce numéro et la démarche dans le registre de la mairie : son entrée manque au journal. "
         if references else "Notez la démarche dans le registre de la mairie : son entrée manque au journal. ")
        + "Libérez de la place sur le disque ou rendez le dossier du journal accessible en écriture, puis"
          " signalez-le au responsable de la mairie. Ne refaites pas la démarche.",
    )


def close_quietly(session: Session) -> None:
    """Log out if the browser still answers; a browser already gone is not a new error."""
    try:
        session.close()
    except (PlaywrightError, AutopilotError):
        pass
