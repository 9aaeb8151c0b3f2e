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
import threading
import time
from collections.abc import Callable, Iterator
from types import FrameType

import greenlet
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
    nothing until the block ends (the entry is being written); then the previous handler is back.

    Python runs a signal's handler in the main thread wherever that thread is. Playwright's sync API
    runs asyncio's loop there too, in a greenlet of its own: while the loop waits for the driver, an
    exception from the handler reaches the engine's call (Playwright supports that, for Ctrl+C); raised
    inside the loop's callbacks — a message from the driver being read or written — it kills the
    connection, and the run neither stops nor gets another answer. So the stop is raised only where it
    is safe, and otherwise sent again to the main thread a few milliseconds later until it is."""
    armed = True
    redelivery: threading.Thread | None = None
    main_thread = threading.main_thread().ident

    def send_again() -> None:
        while armed:
            time.sleep(_REDELIVERY_S)
            if armed:
                signal.pthread_kill(main_thread, signal.SIGTERM)

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal armed, redelivery
        if not armed:
            return
        if not _safe_to_raise(frame):
            if redelivery is None:
                redelivery = threading.Thread(target=send_again, name="sigterm-redelivery", daemon=True)
                redelivery.start()
            return
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
        armed = False
        if redelivery is not None:
            redelivery.join()  # no signal of ours comes after the previous handler is back
        signal.signal(signal.SIGTERM, previous)


_REDELIVERY_S = 0.005
_LOOP_MODULES = ("asyncio", "playwright", "greenlet", "pyee", "selectors")


def _safe_to_raise(frame: FrameType | None) -> bool:
    """Whether an exception raised at `frame` (where the main thread was when the signal came) reaches
    the engine without breaking Playwright's connection: in the thread's own code, outside the loop's
    machinery, or in Playwright's dispatcher while its loop is waiting for the driver."""
    if frame is None:
        return True
    module = frame.f_globals.get("__name__", "")
    if greenlet.getcurrent().parent is None:  # the thread's own greenlet: autopilot's code
        return not module.startswith(_LOOP_MODULES)
    return module == "selectors" and frame.f_code.co_name == "select"


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
