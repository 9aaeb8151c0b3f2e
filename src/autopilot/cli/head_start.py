"""A head start for the commands that open a browser: Playwright's driver starts while autopilot imports.

Playwright's driver is a Node.js process; starting it takes about a third of a second, almost all of
it spent waiting for Node (bench/RESULTS.md, « Start-up »). autopilot's own imports (the flows'
models, the engine, the journal) take as long again. Done one after the other, the mediator waits
for both before the first page; here the command's module is imported in a thread while the main
thread starts the driver, on the machine's other core. That thread then looks for the keyring, which
every such command's journal asks for first: keyring finds its backend the first time (ADR 0019). The
command's preparation goes in that thread too, between the two: loading the flows' library, which
every such command does first (60 ms), while the driver is still starting.

The cyclic garbage collector is paused meanwhile: importing builds about a hundred thousand objects
(pydantic's validators, the flows' models), and the collector went through them again and again, a
tenth of the start-up's CPU (ADR 0019). What was built is then set apart (`gc.freeze`), as it lives as
long as the process, and the collector resumes for the run.

Nothing is opened early: no browser is launched and nothing is sent before the command has checked
its flow, the citizen's data and its options, as it always did. A command that stops on an error
only started the driver, which is stopped with it. This module imports nothing of autopilot, so
that the head start begins at once.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import threading
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

from playwright.sync_api import Playwright, sync_playwright


@contextlib.contextmanager
def head_start(module: str, prepare: Callable[[], Any] | None = None) -> Iterator[tuple[Playwright, ModuleType, Any]]:
    """Playwright's driver, started in this thread, and meanwhile in another: `module` imported, then
    `prepare()` called (None: nothing), then the keyring looked for. Yields the driver, the module and
    what `prepare` returned; the driver is stopped when the block ends. An import or a preparation that
    fails is raised here, after the start, as the command would have raised it."""
    done: list[Any] = []
    failure: list[BaseException] = []

    def load() -> None:
        try:
            done.append(importlib.import_module(module))
            done.append(prepare() if prepare is not None else None)
        except BaseException as error:  # raised again in the main thread, where the command reports it
            failure.append(error)
            return
        with contextlib.suppress(Exception):  # a keyring problem is the journal's to report, in its words
            importlib.import_module("autopilot.credentials").keyring_available()

    loader = threading.Thread(target=load, name=f"import {module}", daemon=True)
    collecting = gc.isenabled()
    gc.disable()
    try:
        loader.start()
        with sync_playwright() as playwright:
            loader.join()
            if failure:
                raise failure[0]
            gc.freeze()  # the modules, the models and the flows: kept until the process ends
            if collecting:
                gc.enable()
            yield playwright, done[0], done[1]
    finally:
        if collecting:
            gc.enable()
