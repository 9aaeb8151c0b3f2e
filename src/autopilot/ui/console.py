"""The console's main loop: the launcher in the window, démarches in turn, until the window closes.

Threads. The local web application answers the mediator's clicks on the console's pages from its
own threads and only changes the `Desk`. This loop, on the main thread, owns the browser:
Playwright's sync API belongs to the thread that started it. Between démarches it waits for
`desk.starts` in short Playwright waits, so the browser's events (a closed window, the panel's
calls) are still handled; it also does the chores the web application asks of the browser
(`Desk.window`): print the attestation, renew the browser context, launch the headless printer
while the mediator types the citizen's form (`ui/printer.py`; nothing is sent to a site before the
consent, ADR 0016). The attestation is printed once the démarche's first step shows, while the
panel waits for the mediator, so the consent's click starts the démarche at once.

One visit, one browser context. When a visit ends, a fresh context (its own page, panel and
session, so the mairie's account logs in again) shows the launcher and the old one is closed
with everything it held: cookies, history, cache, form data. Files the site gives are saved in
the visit's folder only, listed with the démarche's results, and go with the visit.

One démarche: the form's answer (« en cours ») shows → `Session.run` in the same page under the
panel (the login happens once per visit) → the last page saved as PDF in the visit's folder →
the console's result page. Closing the window ends everything: the run stops as « interrompue »
(nothing more is sent), the visit is forgotten, the program exits.
"""

from __future__ import annotations

import contextlib
import queue
import re
import time
import unicodedata
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Download, Page, Playwright
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from autopilot.engine import downloads, endings
from autopilot.engine.approver import Decision, Moment, StepView
from autopilot.engine.browser import BrowserSettings
from autopilot.engine.panel import PanelApprover
from autopilot.engine.runner import Outcome
from autopilot.engine.session import Session
from autopilot.errors import AutopilotError, BrowserClosed, ExitStatus, JournalError, Terminated
from autopilot.flows.conditions import holds
from autopilot.ui.desk import Desk
from autopilot.ui.printer import Printer
from autopilot.ui.recapitulatif import offered_documents, print_document, save_document, save_pdf
from autopilot.ui.server import LocalServer
from autopilot.ui.visit import Attempt, forget_expired, forget_unfinished

TICK_MS = 100  # how often the idle console looks for a démarche to start
HANDOVER_MS = 5_000  # how long the form's answer may take to show before the site replaces it
HOLD_MESSAGE = ("La démarche est terminée. Les documents du site sont enregistrés dans le dossier de la visite ;"
                " téléchargez ou imprimez sur la page ce qu'il vous faut encore, puis « Voir le résultat dans la"
                " console ».")


Chores = queue.Queue[tuple[Callable[[], Any], Future[Any] | None]]
"""Work the web application's threads ask of the browser's thread; a future for its answer, if any."""

OpenTab = Callable[[], tuple[Session, PanelApprover]]
"""A page in a new browser context, with its panel attached and its session (not logged in)."""


@dataclass
class Console:
    desk: Desk
    open_tab: OpenTab
    playwright: Playwright
    settings: BrowserSettings
    on_finished: Callable[[Attempt, float], None] = lambda demarche, seconds: None  # the journal
    say: Callable[[str], None] = print
    session: Session = field(init=False)
    panel: PanelApprover = field(init=False)
    _chores: Chores = field(default_factory=queue.Queue)
    _unhurried: Chores = field(default_factory=queue.Queue)  # done while the panel waits for the mediator
    _server: LocalServer = field(init=False)
    _printer: Printer = field(init=False)

    def serve(self) -> int:
        """Show the launcher and run démarches until the window is closed."""
        self._printer = Printer(self.playwright, self.settings)
        self._open_tab()
        forget_unfinished(self.desk.visit.root)
        forget_expired(self.desk.visit.root, months=self.desk.retention_months)
        interrupted = False
        self.desk.window = self
        with LocalServer(self.desk) as server:
            self._server = server
            try:
                self.session.page.goto(server.url("/"))
                self.say("La console est ouverte dans le navigateur. Fermez la fenêtre pour quitter.")
                while (demarche := self._next_start()) is not None:
                    page = self.session.page
                    self._run(demarche, page, server)
                    if isinstance(demarche.result.error, Terminated):
                        raise demarche.result.error  # SIGTERM: journalled, now the console quits
                    if page.is_closed():
                        interrupted = demarche.result is not None and demarche.result.outcome is not Outcome.COMPLETED
                        break
            finally:
                self.desk.window = None
                self.desk.end_visit(force=True)
                if not self.session.page.is_closed():
                    self.session.close()
                self._printer.close()
        self.say("Console fermée : les données de la visite ont été effacées de ce poste.")
        if self.desk.not_journalled_count:
            self.say(f"{self.desk.not_journalled_count} démarche(s) manquent au journal : notez-les dans le registre"
                     " de la mairie et signalez-le au responsable de la mairie.")
            return ExitStatus.JOURNAL
        return ExitStatus.STOPPED if interrupted else ExitStatus.OK

    # --- what the web application asks of the browser (`Desk.window`), from its threads ---

    def print_pdf(self, html: str, path: Path, *, unhurried: bool = False) -> Future[Path]:
        done: Future[Path] = Future()
        chore = (lambda: print_document(html, path, self._printer, self.session.page.context.browser), done)
        (self._unhurried if unhurried else self._chores).put(chore)
        return done

    def prepare(self) -> None:
        self._chores.put((self._prepare_printer, None))

    def _prepare_printer(self) -> None:
        """The printer launched ahead (ADR 0016); if it cannot be, the print that needs it says so in French."""
        with contextlib.suppress(PlaywrightError, AutopilotError):
            self._printer.prepare()

    def renew(self) -> None:
        self._chores.put((self._renew, None))  # a failure stops the console: the old context must not stay

    def _renew(self) -> None:
        """A fresh context for the next citizen; the old one closes with all it held."""
        old = self.session
        if old.page.is_closed():
            return  # the mediator closed the window: the console is quitting
        old.close()  # logs out if the site still shows the account's session
        self._open_tab()
        self.session.page.goto(self._server.url("/"))
        old.page.context.close()

    def _open_tab(self) -> None:
        self.session, self.panel = self.open_tab()
        self.panel.while_waiting = self._do_unhurried
        self.session.page.on("download", self._save_download)
        self.session.save_file = self.desk.download_path  # a flow's `download:` output, listed with the results

    def _save_download(self, download: Download) -> None:
        """A file the site gives goes to the visit's folder, and nowhere else (the browser's copy is deleted)."""
        if downloads.claimed(self.session.page):
            return  # a flow's `download:` output: the engine saves it under the flow's name
        try:
            download.save_as(self.desk.download_path(download.suggested_filename))
        except PlaywrightError as error:
            self.say(f"Le fichier « {download.suggested_filename} » n'a pas pu être enregistré"
                     f" ({error.message[:120]}).")
        finally:
            download.delete()

    def _do_chores(self, chores: Chores | None = None) -> None:
        """What the web application asked of the browser, done here on the main thread."""
        chores = self._chores if chores is None else chores
        while True:
            try:
                chore, done = chores.get_nowait()
            except queue.Empty:
                return
            if done is None:
                chore()
            elif done.set_running_or_notify_cancel():
                try:
                    done.set_result(chore())
                except Exception as error:  # told to the page that asked, which says it; the console goes on
                    done.set_exception(error)

    def _do_unhurried(self) -> None:
        """The chores that waited for a quiet moment (the attestation's PDF): while the panel waits."""
        self._do_chores(self._unhurried)

    def _next_start(self) -> Attempt | None:
        """The next démarche the mediator started, or None once the window is closed."""
        while True:
            self._do_chores()
            try:
                return self.desk.starts.get_nowait()
            except queue.Empty:
                pass
            self._do_unhurried()
            page = self.session.page
            if page.is_closed():
                return None
            try:
                page.wait_for_timeout(TICK_MS)  # lets Playwright handle the browser's events
            except PlaywrightError:
                if page.is_closed():
                    return None
                raise

    def _run(self, demarche: Attempt, page: Page, server: LocalServer) -> None:
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
            # A reference kept by the journal names the file; a result about the person (journal: false) never does.
            reference = next((result.outputs[n] for n, spec in flow.outputs.items() if spec.journal and n in result.outputs),
                             str(demarche.number))
            reference = re.sub(r"[^A-Za-z0-9]+", "-", reference).strip("-") or str(demarche.number)
            try:
                pdf = save_pdf(page, self.desk.visit.folder() / f"{flow.id}-{reference}.pdf", self._printer)
            except (PlaywrightError, AutopilotError) as error:
                problem = f"Le récapitulatif n'a pas pu être enregistré ({str(error).splitlines()[0][:120]})."
        self.desk.finished(demarche, result, pdf, problem)
        self._report(demarche)  # what the site gave, said before anything that can fail
        try:
            self.on_finished(demarche, time.monotonic() - started)
        except JournalError as error:  # the démarche is done on the site: its result stays, the failure is said
            self.desk.not_journalled(demarche, error)
            self.say(f"Le journal n'a pas pu enregistrer la démarche « {demarche.flow.title} » : {error.message}")
        if result.outcome is Outcome.COMPLETED and not page.is_closed():
            self._keep_documents(demarche, page)
            self._hold(demarche)
        self.panel.clear()  # the console's own pages show no panel
        if not page.is_closed():
            try:
                page.goto(server.url(f"/resultats/{demarche.number}"))
            except PlaywrightError:
                if not page.is_closed():
                    raise

    def _keep_documents(self, demarche: Attempt, page: Page) -> None:
        """Save in the visit's folder every document the last page offers (« Télécharger … ») that the
        flow did not already download, listed with the démarche's files for printing."""
        declared = {step.download.link or step.download.button for step in demarche.flow.steps if step.download}
        for text, url in offered_documents(page):
            if text in declared:
                continue
            try:
                save_document(page, url, self.desk.download_path(_document_name(text)), self._printer)
            except (PlaywrightError, AutopilotError, OSError) as error:
                self.say(f"Le document « {text} » n'a pas pu être enregistré ({str(error).splitlines()[0][:120]}).")

    def _hold(self, demarche: Attempt) -> None:
        """Leave the site's last page to the mediator (its documents, its print button) until they ask for
        the console's result page; the files the site gives meanwhile go with the démarche."""
        values = demarche.values
        steps = [step for step in demarche.flow.steps if holds(step.when, values)]
        view = StepView(flow_title=demarche.flow.title, index=len(steps), total=len(steps),
                        title=demarche.result.step or demarche.flow.title, moment=Moment.DONE,
                        allowed=frozenset({Decision.RESUME}), message=HOLD_MESSAGE, outputs=tuple(demarche.outputs))
        try:
            self.panel.decide(view)
        except BrowserClosed:
            pass  # the window is gone: the console quits, the visit with it

    def _report(self, demarche: Attempt) -> None:
        result = demarche.result
        if result.outcome is Outcome.COMPLETED:
            self.say(f"Démarche terminée : {demarche.flow.title}.")
            for label, value in demarche.outputs:
                self.say(f"{label} : {value}")
            return
        if result.outcome is Outcome.STOPPED:
            self.say(endings.stopped_sentence(result))
        else:
            self.say(f"La démarche n'a pas pu aboutir : {result.error.message if result.error else result.step}")
        for line in endings.unfinished_lines(demarche.flow, result):  # what is paid or sent, what the site gave
            self.say(line)


def _document_name(link: str) -> str:
    """« Télécharger le certificat d'examen (CEPC) » → « certificat-d-examen-cepc.pdf »."""
    words = re.sub(r"^Télécharger\s+(l['’]|les?\s+|la\s+|un\s+|une\s+)?", "", link, flags=re.IGNORECASE)
    plain = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode()
    return (re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "document") + ".pdf"
