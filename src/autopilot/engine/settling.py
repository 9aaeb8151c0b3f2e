"""Reading only a settled page (DESIGN §4c, ADR 0011): `expect` and `extract` wait for it.

A page is settled when, in one look, nothing shows it is still loading — no `aria-busy="true"`
region, no visible loader (dom.js `LOADERS`: `.loader`, `.loader-container`, `.loading`, `.spinner`,
`.fr-spinner`, an indeterminate `[role=progressbar]`…) — no request of the page's own scripts
(fetch, XHR) is pending, and its text holds still across a short pause inside the page
(`STABLE_MS`, within the same round trip). HistoVec shows its h1 and « Rien à signaler » under a loading overlay
before the data arrives: what is read then would be the worst wrong answer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Request

from autopilot.engine import dom
from autopilot.engine.failures import closed
from autopilot.engine.navigation import POLL_MS
from autopilot.engine.origins import Origins
from autopilot.engine.page_reading import SHOWS, shows_script_arg
from autopilot.errors import PageBusy, PageMismatch
from autopilot.flows.model import Expect, Until

# One look, one round trip: the expected page?, still loading?, and its text unchanged across a
# short pause inside the page (STABLE_MS: a framework still rendering changes it meanwhile).
STABLE_MS = 10
_STATE = dom.script("""async (dom, [check, expected, pause]) => {
  const first = dom.pageText(document);
  await new Promise((done) => setTimeout(done, pause));
  const busy = dom.busy(document);
  return { busy, stable: dom.pageText(document) === first, shows: check ? SHOWS(dom, expected) : true };
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
    """One look at the page: whether it is the expected one, what shows it loading, whether its text held still."""

    shows: bool
    busy: str
    stable: bool


def look(page: Page, origins: Origins, expect: Expect | Until | None) -> Look:
    """One round trip: the expected page?, still loading?, its text still?"""
    if expect is not None and expect.url and not origins.real_path(page.url).startswith(expect.url):
        return Look(False, "", False)
    check = expect is not None and bool(expect.heading or expect.text)
    try:
        state = page.evaluate(_STATE, [check, shows_script_arg(expect) if check else None, STABLE_MS])
    except PlaywrightError as error:
        if closed(error):
            raise
        return Look(False, "document", False)  # the page was navigating; look again
    return Look(bool(state["shows"]), state["busy"], bool(state["stable"]))


def wait_settled(page: Page, origins: Origins, traffic: Traffic, expect: Expect | None, step: str,
                 bound_s: float) -> None:
    """Wait until the page is the one `expect` describes and settled; PageMismatch or PageBusy past `bound_s`."""
    deadline = time.monotonic() + bound_s
    while True:
        seen = look(page, origins, expect)
        if seen.shows and not seen.busy and traffic.quiet and seen.stable:
            return
        if time.monotonic() > deadline:
            if not seen.shows:
                shown = _heading(page)
                raise PageMismatch(
                    f"Étape « {step} » : la page affichée n'est pas celle attendue ({_describe(expect)})."
                    + (f" Titre de la page : « {shown} »." if shown else ""),
                    "Le site a peut-être changé, ou la page précédente n'a pas été validée."
                    " Rien n'a été rempli sur cette page.",
                    step=step,
                )
            why = ("un indicateur de chargement est toujours affiché" if seen.busy
                   else "le site attend encore des données" if not traffic.quiet else "son contenu change encore")
            raise PageBusy(
                f"Étape « {step} » : la page est toujours en cours de chargement ({why}) après {bound_s:.0f} s ;"
                " rien n'y a été lu ni rempli.",
                "Attendez que la page soit complète, puis « Reprendre ».",
                step=step,
            )
        page.wait_for_timeout(POLL_MS)


def _heading(page: Page) -> str:
    try:
        heading = page.locator("h1").first
        return heading.inner_text(timeout=500).strip() if heading.count() else ""
    except PlaywrightError:
        return ""


def _describe(expect: Expect | Until | None) -> str:
    parts = []
    if expect is not None and expect.heading:
        parts.append(f"titre « {expect.heading} »")
    if expect is not None and expect.url:
        parts.append(f"adresse {expect.url}")
    if expect is not None and expect.text:
        parts.append(f"texte « {expect.text} »")
    return ", ".join(parts)
