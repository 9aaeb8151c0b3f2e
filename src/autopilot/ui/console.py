"""The console's main loop: the launcher in the window, démarches in turn, until the window closes.

Threads. The local web application answers the mediator's clicks on the console's pages from its
own threads and only changes the `Desk`. This loop, on the main thread, owns the browser:
Playwright's sync API belongs to the thread that started it. Between démarches it waits for
`desk.starts` in short Playwright waits, so the browser's events (a closed window, the panel's
calls) are still handled.

One démarche: the form's answer (« en cours ») shows → `Session.run` in the same page under the
panel (the login happens once per console) → the last page saved as PDF in the visit's folder →
the console's result page. Closing the window ends everything: the run stops as « interrompue »
(nothing more is sent), the visit is forgotten, the program exits.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from autopilot.engine.browser import BrowserSettings
from autopilot.engine.panel import PanelApprover
from autopilot.engine.runner import Outcome
from autopilot.engine.session import Session
from autopilot.errors import AutopilotError, ExitStatus
from autopilot.ui.desk import Desk
from autopilot.ui.recapitulatif import save_pdf
from autopilot.ui.server import LocalServer
from autopilot.ui.visit import Demarche, forget_unfinished

TICK_MS = 100  # how often the idle console looks for a démarche to start
HANDOVER_MS = 5_000  # how long the form's answer may take to show before the site replaces it


@dataclass
class Console:
    desk: Desk
    session: Session
    panel: PanelApprover
    playwright: Playwright
    settings: BrowserSettings
    on_finished: Callable[[Demarche, float], None] = lambda demarche, seconds: None  # the journal
    say: Callable[[str], None] = print

    def serve(self) -> int:
        """Show the launcher and run démarches until the window is closed."""
        page = self.session.page
        forget_unfinished(self.desk.visit.root)
        interrupted = False
        with LocalServer(self.desk) as server:
            try:
                page.goto(server.url("/"))
                self.say("La console est ouverte dans le navigateur. Fermez la fenêtre pour quitter.")
                while (demarche := self._next_start(page)) is not None:
                    self._run(demarche, page, server)
                    if page.is_closed():
                        interrupted = demarche.result is not None and demarche.result.outcome is not Outcome.COMPLETED
                        break
            finally:
                self.desk.end_visit(force=True)
                if not page.is_closed():
                    self.session.close()
        self.say("Console fermée : les données de la visite ont été effacées de ce poste.")
        return ExitStatus.STOPPED if interrupted else ExitStatus.OK

    def _next_start(self, page: Page) -> Demarche | None:
        """The next démarche the mediator started, or None once the window is closed."""
        while True:
            try:
                return self.desk.starts.get_nowait()
            except queue.Empty:
                pass
            if page.is_closed():
                return None
            try:
                page.wait_for_timeout(TICK_MS)  # lets Playwright handle the browser's events
            except PlaywrightError:
                if page.is_closed():
                    return None
                raise

    def _run(self, demarche: Demarche, page: Page, server: LocalServer) -> None:
        flow = demarche.flow
        try:
            page.wait_for_url("**/en-cours", timeout=HANDOVER_MS)
        except PlaywrightTimeout:
            pass  # the site's page replaces whatever shows
        self.say(f"Démarche : {flow.title}.")
        started = time.monotonic()
        result = self.session.run(flow, demarche.values)
        pdf = problem = None
        if result.outcome is Outcome.COMPLETED and not page.is_closed():
            reference = next((result.outputs[n] for n in flow.outputs if n in result.outputs), str(demarche.number))
            try:
                pdf = save_pdf(page, self.desk.visit.folder() / f"{flow.id}-{reference}.pdf", self.playwright,
                               self.settings)
            except (PlaywrightError, AutopilotError) as error:
                problem = f"Le récapitulatif n'a pas pu être enregistré ({str(error).splitlines()[0][:120]})."
        self.desk.finished(demarche, result, pdf, problem)
        self.on_finished(demarche, time.monotonic() - started)
        self._report(demarche)
        self.panel.clear()  # the console's own pages show no panel
        if not page.is_closed():
            try:
                page.goto(server.url(f"/resultats/{demarche.number}"))
            except PlaywrightError:
                if not page.is_closed():
                    raise

    def _report(self, demarche: Demarche) -> None:
        result = demarche.result
        if result.outcome is Outcome.COMPLETED:
            self.say(f"Démarche terminée : {demarche.flow.title}.")
            for label, value in demarche.outputs:
                self.say(f"{label} : {value}")
        elif result.outcome is Outcome.STOPPED:
            self.say(f"Démarche interrompue à l'étape « {result.step} » : rien d'autre n'a été envoyé.")
        else:
            self.say(f"La démarche n'a pas pu aboutir : {result.error.message if result.error else result.step}")
