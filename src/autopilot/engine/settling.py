"""Reading only a settled page (DESIGN §4c, ADR 0011): `expect` and `extract` wait for it.

A page is settled when, in one look, nothing shows it is still loading — no `aria-busy="true"`
region, no visible loader (dom.js `LOADERS`: `.loader`, `.loader-container`, `.loading`, `.spinner`,
`.fr-spinner`, an indeterminate `[role=progressbar]`…) — no request of the page's own scripts
(fetch, XHR) is pending, and its text is the same as at the previous look (the looks are
`navigation.POLL_MS` apart). HistoVec shows its h1 and « Rien à signaler » under a loading overlay
before the data arrives: what is read then would be the worst wrong answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Request

from autopilot.engine import dom
from autopilot.engine.failures import closed
from autopilot.engine.origins import Origins
from autopilot.engine.page_reading import SHOWS, shows_script_arg
from autopilot.flows.model import Expect, Until

_STATE = dom.script("""(dom, [check, expected]) => {
  const text = dom.pageText(document);
  let hash = 0;
  for (let i = 0; i < text.length; i += 1) hash = (hash * 31 + text.charCodeAt(i)) | 0;
  return { busy: dom.busy(document), text: `${text.length}:${hash}`, shows: check ? SHOWS(dom, expected) : true };
}""".replace("SHOWS", f"({SHOWS})"))

WATCHED = frozenset({"fetch", "xhr"})  # the page's own scripts asking for data


class Traffic:
    """The page's pending fetch/XHR requests, followed from its events."""

    def __init__(self, page: Page) -> None:
        self.pending: set[Request] = set()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, request: Request) -> None:
        if request.resource_type in WATCHED:
            self.pending.add(request)

    def _ended(self, request: Request) -> None:
        self.pending.discard(request)

    @property
    def quiet(self) -> bool:
        return not self.pending


@dataclass(frozen=True)
class Look:
    """One look at the page: whether it is the expected one, what shows it loading, its text's digest."""

    shows: bool
    busy: str
    text: str


def look(page: Page, origins: Origins, expect: Expect | Until | None) -> Look:
    """One round trip: the expected page?, still loading?, and a digest of its text."""
    if expect is not None and expect.url and not origins.real_path(page.url).startswith(expect.url):
        return Look(False, "", "")
    check = expect is not None and bool(expect.heading or expect.text)
    try:
        state = page.evaluate(_STATE, [check, shows_script_arg(expect) if check else None])
    except PlaywrightError as error:
        if closed(error):
            raise
        return Look(False, "document", "")  # the page was navigating; look again
    return Look(bool(state["shows"]), state["busy"], state["text"])
