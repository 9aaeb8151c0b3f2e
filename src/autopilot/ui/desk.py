"""The mediator's desk: what the console shows, and the démarches it hands to the browser's thread.

The local web application (its own threads) and the main thread (Playwright's sync API, which
must stay on the thread that started it) share one Desk. The web application reads and changes
the visit and puts the démarche to start on `starts`; the main thread takes it from there, runs
it in the window and calls `finished`. One démarche runs at a time.

A démarche starts only within the citizen's agreement: the form's démarche waits in `pending`
while the console asks for it (`agree` / `refuse`). What needs the browser outside a démarche
(printing the attestation, a fresh browser context for the next citizen) is asked of the
`window` the console attaches, which does it on the main thread between démarches.
"""

from __future__ import annotations

import dataclasses
import queue
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from autopilot import scans
from autopilot.engine.runner import RunResult
from autopilot.flows import Flow, Library
from autopilot.ui.catalogue import Category, categories
from autopilot.ui.consent import Consent, current_text, widened
from autopilot.ui.visit import Attempt, Visit


class Busy(Exception):
    """A démarche is running: the console cannot start another one, nor end the visit."""


class ConsentNeeded(Exception):
    """The citizen's agreement does not cover this démarche (yet)."""


class Window(Protocol):
    """What the web application may ask of the browser's thread: between démarches, or for an unhurried
    chore while the panel waits for the mediator."""

    def print_pdf(self, html: str, path: Path, *, unhurried: bool = False) -> Future[Path]:
        """Render a document of the console's own as a PDF at `path`; `unhurried`: once the browser's
        thread has a quiet moment (the panel waiting for the mediator), not before what is queued."""

    def renew(self) -> None:
        """Replace the browser context by a fresh one: nothing of this visit for the next citizen."""

    def prepare(self) -> None:
        """Get ready, locally, what the start of a démarche needs (the PDF printer): nothing is sent to any site."""


def _no_counts() -> Mapping[str, Mapping[str, int]]:
    return {}


class Desk:
    """The state the console's pages show, shared by the web application and the main thread."""

    def __init__(self, library: Library, *, mediateur: str, sandbox: bool, mairie: str | None, visits: Path,
                 on_consent: Callable[[Consent, Mapping[str, Any]], int | None] = lambda consent, values: None,
                 month_counts: Callable[[], Mapping[str, Mapping[str, int]]] = _no_counts,
                 retention_months: int = 12, initials: bool = True, keep_scans_read: bool = False,
                 scans_folder: Path | None = None) -> None:
        self.library = library
        self.mediateur = mediateur
        self.sandbox = sandbox
        self.sandbox_home: str | None = None  # the training sandbox's home page (its sites, exercise data)
        self.mairie = mairie
        self.catalogue: list[Category] = categories(library)
        self.visit = Visit(visits)
        self.starts: queue.Queue[Attempt] = queue.Queue()
        self.running: Attempt | None = None
        self.pending: tuple[Flow, dict[str, Any]] | None = None  # the démarche waiting for the agreement
        self.notice: str | None = None  # said once on the next launcher page
        self.window: Window | None = None  # None: the web application alone (tests)
        self.on_consent = on_consent  # writes the journal's entry; returns its number
        self.month_counts = month_counts  # flow id → {outcome: count}, this month (the journal)
        self.retention_months = retention_months  # what the agreement's text says of the journal
        self.initials = initials
        self.not_journalled_count = 0  # démarches done on the site that the journal could not record
        self.scans_folder = scans_folder or scans.folder()  # the settings' scanner folder, given once
        self.scans_read = scans.Read(self.scans_folder, keep_by_default=keep_scans_read)  # « Lire un document numérisé »
        self.lock = threading.Lock()

    def prepare(self) -> None:
        """The mediator types a citizen's form: the browser's thread gets ready for the consent and the start
        meanwhile (local work only: nothing goes to a teleservice before the citizen agrees)."""
        if self.window is not None:
            self.window.prepare()

    def flow(self, flow_id: str) -> Flow | None:
        """A démarche of the library by its id (never a file path: the id comes from a URL)."""
        return next((e.flow for e in self.library.demarches if e.flow.id == flow_id), None)

    def start(self, flow: Flow, values: dict[str, Any]) -> Attempt:
        """Remember the citizen's data and hand the démarche to the main thread."""
        with self.lock:
            if self.running is not None:
                raise Busy
            if not self.visit.covers(flow):
                raise ConsentNeeded
            self.visit.remember(flow, values)
            demarche = self.running = self.visit.add(flow, values)
        self.starts.put(demarche)
        return demarche

    def finished(self, demarche: Attempt, result: RunResult, recapitulatif: Path | None,
                 problem: str | None = None) -> None:
        """The main thread is done with `demarche`."""
        with self.lock:
            demarche.result = result
            self.visit.remember_outputs(demarche.flow, result.outputs)
            demarche.recapitulatif = recapitulatif
            demarche.recapitulatif_problem = problem
            self.running = None

    def not_journalled(self, demarche: Attempt, error: Exception) -> None:
        """The journal could not record `demarche`, done on the site: its récapitulatif is kept, the page says so."""
        with self.lock:
            demarche.journal_problem = str(error)
            demarche.kept = demarche.recapitulatif is not None
            self.not_journalled_count += 1

    def download_path(self, suggested: str) -> Path:
        """Where to save a file the site gives; listed with the results of the démarche whose page shows
        (the running one, or the one just finished while the mediator is still on its last page)."""
        with self.lock:
            path = self.visit.download_path(suggested)
            current = self.running or (self.visit.demarches[-1] if self.visit.demarches else None)
            if current is not None:
                current.downloads.append(path)
        return path

    def keep(self, demarche: Attempt) -> None:
        """The mediator keeps this récapitulatif after the visit."""
        with self.lock:
            demarche.kept = demarche.recapitulatif is not None

    def end_visit(self, *, force: bool = False, keep_scans: list[str] | None = None) -> None:
        """« Terminer la visite »: forget the citizen; `force` at exit, even mid-run; the scans read
        are deleted except `keep_scans` (None: as the setting says)."""
        had_visit, kept = self._end_visit(force=force)
        deleted, scans_kept = self.scans_read.end(keep_scans)
        if had_visit or deleted or scans_kept:
            self.notice = "Visite terminée : les données de l'usager ont été effacées de ce poste."
            if kept:
                self.notice += " Fichier gardé : " + ", ".join(str(path) for path in kept) + "."
            if deleted:
                self.notice += " Documents numérisés effacés : " + ", ".join(deleted) + "."
            if scans_kept:
                self.notice += " Documents numérisés gardés : " + ", ".join(scans_kept) + "."

    def _end_visit(self, *, force: bool) -> tuple[bool, list[Path]]:
        """Forget the citizen; then (not at exit) a fresh browser context for the next one."""
        with self.lock:
            if self.running is not None and not force:
                raise Busy
            had_visit = self.visit.started or self.pending is not None
            kept = self.visit.end()
            self.pending = None
        if had_visit and self.window is not None and not force:
            self.window.renew()
        return had_visit, kept

    # --- the citizen's agreement ------------------------------------------------------

    def await_consent(self, flow: Flow, values: dict[str, Any]) -> None:
        """Hold the form's démarche until the citizen agrees to its category."""
        with self.lock:
            if self.running is not None:
                raise Busy
            self.pending = (flow, values)

    def scope_offered(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(categories already agreed or needed by the pending démarche — ticked and fixed, all categories)."""
        order = tuple(category.name for category in self.catalogue)
        agreed = self.visit.consent.scope if self.visit.consent else ()
        needed = (self.pending[0].category,) if self.pending else ()
        return widened(order, agreed, needed), order

    def agree(self, chosen: list[str]) -> Consent:
        """« L'usager donne son accord »: record it (journal first), for `chosen` and what must be in it."""
        with self.lock:
            if self.running is not None:
                raise Busy
            if self.pending is None:
                raise ConsentNeeded
            fixed, order = self.scope_offered()
            previous = self.visit.consent
            consent = Consent(number=previous.number + 1 if previous else 1, scope=widened(order, fixed, chosen),
                              text=current_text(), given_at=datetime.now(UTC))
            _, values = self.pending
            known = {name: value for name, (_, value) in self.visit.values.items()}
            entry = self.on_consent(consent, {**known, **values})  # a JournalError leaves nothing agreed
            consent = self.visit.consent = dataclasses.replace(consent, journal_entry=entry)
        return consent

    def attach_attestation(self, consent: Consent, html: str) -> None:
        """Have the attestation (`html`) printed in the visit's folder once the démarche's first step
        shows (the panel waiting for the mediator), so the consent's click starts the démarche at
        once; the visit's bar offers it from then on, or the console's notice says why not."""
        if self.window is None:
            return
        path = self.visit.folder() / f"attestation-{consent.number}.pdf"
        printing = self.window.print_pdf(html, path, unhurried=True)
        printing.add_done_callback(lambda printed: self._attestation_printed(consent, printed))

    def _attestation_printed(self, consent: Consent, printed: Future[Path]) -> None:
        error = printed.exception()
        with self.lock:
            if error is not None:  # the agreement stands (it is journalled): only its printable copy is missing
                said = (str(error).splitlines() or [type(error).__name__])[0][:120]
                self.notice = f"L'attestation n'a pas pu être enregistrée ({said})."
            elif self.visit.consent is not None and self.visit.consent.number == consent.number:
                self.visit.consent = dataclasses.replace(self.visit.consent, attestation=printed.result())

    def start_pending(self) -> Attempt:
        """The démarche that waited for the agreement, now started."""
        with self.lock:
            if self.pending is None:
                raise ConsentNeeded
            flow, values = self.pending
            self.pending = None
        return self.start(flow, values)

    def refuse(self) -> bool:
        """« L'usager refuse »: True if that ended the visit (a first agreement refused)."""
        with self.lock:
            if self.running is not None:
                raise Busy
            pending = self.pending
            first = self.visit.consent is None
            if not first:
                self.pending = None
        if first:
            self._end_visit(force=False)  # the data was typed in this browser context: it goes too
            self.scans_read.end()
            self.notice = ("L'usager n'a pas donné son accord : aucune démarche n'a été faite et les informations"
                           " saisies ont été effacées de ce poste.")
        elif pending is not None:
            self.notice = (f"L'usager n'a pas donné son accord pour « {pending[0].title} » : cette démarche n'a pas"
                           " été commencée.")
        return first
