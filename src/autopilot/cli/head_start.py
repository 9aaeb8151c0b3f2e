"""A head start for the commands that open a browser: Playwright's driver starts while autopilot imports.

Playwright's driver is a Node.js process; starting it takes about a third of a second, almost all of
it spent waiting for Node (bench/RESULTS.md, « Start-up »). autopilot's own imports (the flows'
models, the engine, the journal) take as long again. Done one after the other, the mediator waits
for both before the first page; here the command's module is imported in a thread while the main
thread starts the driver, on the machine's other core. That thread then looks for the keyring, which
every such command's journal asks for first: keyring finds its backend among the installed packages'
entry points the first time, a fifth of a second on a loaded machine.

Nothing is opened early: no browser is launched and nothing is sent before the command has checked
its flow, the citizen's data and its options, as it always did. A command that stops on an error
only started the driver, which is stopped with it. This module imports nothing of autopilot, so
that the head start begins at once.
"""

from __future__ import annotations

import contextlib
import importlib
import threading
from collections.abc import Iterator
from types import ModuleType

from playwright.sync_api import Playwright, sync_playwright


@contextlib.contextmanager
def head_start(module: str) -> Iterator[tuple[Playwright, ModuleType]]:
    """Playwright's driver, started in this thread, and `module` imported meanwhile in another, which
    then looks for the keyring; the driver is stopped when the block ends. An import that fails is
    raised here, after the start."""
    imported: list[ModuleType] = []
    failure: list[BaseException] = []

    def load() -> None:
        try:
            imported.append(importlib.import_module(module))
        except BaseException as error:  # raised again in the main thread, where the command reports it
            failure.append(error)
            return
        with contextlib.suppress(Exception):  # a keyring problem is the journal's to report, in its words
            importlib.import_module("autopilot.credentials").keyring_available()

    loader = threading.Thread(target=load, name=f"import {module}", daemon=True)
    loader.start()
    with sync_playwright() as playwright:
        loader.join()
        if failure:
            raise failure[0]
        yield playwright, imported[0]
