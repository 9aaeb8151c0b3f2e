"""The mediator's desk: what the console shows, and the démarches it hands to the browser's thread.

The local web application (its own threads) and the main thread (Playwright's sync API, which
must stay on the thread that started it) share one Desk. The web application reads and changes
the visit and puts the démarche to start on `starts`; the main thread takes it from there, runs
it in the window and calls `finished`. One démarche runs at a time.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Any

from autopilot.engine.runner import RunResult
from autopilot.flows import Flow, Library
from autopilot.ui.catalogue import Category, categories
from autopilot.ui.visit import Demarche, Visit


class Busy(Exception):
    """A démarche is running: the console cannot start another one, nor end the visit."""


class Desk:
    """The state the console's pages show, shared by the web application and the main thread."""

    def __init__(self, library: Library, *, mediateur: str, sandbox: bool, mairie: str | None, visits: Path) -> None:
        self.library = library
        self.mediateur = mediateur
        self.sandbox = sandbox
        self.mairie = mairie
        self.catalogue: list[Category] = categories(library)
        self.visit = Visit(visits)
        self.starts: queue.Queue[Demarche] = queue.Queue()
        self.running: Demarche | None = None
        self.notice: str | None = None  # said once on the next launcher page
        self.lock = threading.Lock()

    def flow(self, flow_id: str) -> Flow | None:
        """A démarche of the library by its id (never a file path: the id comes from a URL)."""
        return next((e.flow for e in self.library.demarches if e.flow.id == flow_id), None)

    def start(self, flow: Flow, values: dict[str, Any]) -> Demarche:
        """Remember the citizen's data and hand the démarche to the main thread."""
        with self.lock:
            if self.running is not None:
                raise Busy
            self.visit.remember(flow, values)
            demarche = self.running = self.visit.add(flow, values)
        self.starts.put(demarche)
        return demarche

    def finished(self, demarche: Demarche, result: RunResult, recapitulatif: Path | None,
                 problem: str | None = None) -> None:
        """The main thread is done with `demarche`."""
        with self.lock:
            demarche.result = result
            demarche.recapitulatif = recapitulatif
            demarche.recapitulatif_problem = problem
            self.running = None

    def keep(self, demarche: Demarche) -> None:
        """The mediator keeps this récapitulatif after the visit."""
        with self.lock:
            demarche.kept = demarche.recapitulatif is not None

    def end_visit(self, *, force: bool = False) -> None:
        """« Terminer la visite »: forget the citizen; `force` at exit, even mid-run."""
        with self.lock:
            if self.running is not None and not force:
                raise Busy
            had_visit = self.visit.started
            kept = self.visit.end()
        if not had_visit:
            return
        self.notice = "Visite terminée : les données de l'usager ont été effacées de ce poste."
        if kept:
            self.notice += " Fichier gardé : " + ", ".join(str(path) for path in kept) + "."
