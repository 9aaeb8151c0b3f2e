"""The headless browser that prints the console's PDFs, launched before it is needed.

Chrome and Edge print to PDF only when headless (`ui/recapitulatif.py`). A headless console prints
with its own browser; a visible one used to launch a headless browser for each PDF, the
attestation first, between the click on « L'usager donne son accord » and the démarche's first page
(most of that wait, bench/RESULTS.md §6). So the console asks for it while the mediator types the
citizen's form (`Desk.prepare`), and keeps it until it closes.

Launching it is local work: it opens no page and sends nothing to any site, the teleservice
included; it holds no cookie (each PDF is printed in a context of its own, closed after).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator

from playwright.sync_api import Browser, Playwright

from autopilot.engine.browser import BrowserSettings, launch


class Printer:
    """A headless browser for PDFs: the window's own when it is headless, else one kept for the console's life."""

    def __init__(self, playwright: Playwright, settings: BrowserSettings) -> None:
        self.playwright = playwright
        self.settings = settings
        self._kept: Browser | None = None

    def prepare(self) -> None:
        """Launch the headless browser now if printing will need one (a visible window) and none runs (main thread)."""
        if not self.settings.headless:
            self._launch()

    @contextlib.contextmanager
    def browser(self, window: Browser | None) -> Iterator[Browser]:
        """The browser to print with: the window's when it is headless, else the kept one."""
        if self.settings.headless and window is not None:
            yield window
            return
        yield self._launch()

    def _launch(self) -> Browser:
        if self._kept is None or not self._kept.is_connected():
            self._kept = launch(self.playwright, dataclasses.replace(self.settings, headless=True, debugging_port=None))
        return self._kept

    def close(self) -> None:
        """Close the kept browser, if any."""
        if self._kept is not None:
            with contextlib.suppress(Exception):  # already gone with the driver at exit: nothing to close
                self._kept.close()
            self._kept = None
