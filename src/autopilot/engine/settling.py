"""Reading only a settled page (DESIGN §4c, ADR 0011): `expect` and `extract` wait for it.

A page is settled when, in one look, nothing shows it is still loading — no `aria-busy="true"`
region, no visible loader (dom.js `LOADERS`: `.loader`, `.loader-container`, `.loading`, `.spinner`,
`.fr-spinner`, an indeterminate `[role=progressbar]`…), no frame of its own origin still loading
its document, no request of the page's own scripts (fetch, XHR) pending (counted inside the page by
requests.js) — and its text holds still across a short pause inside the page (`STABLE_MS`, within
the same round trip). HistoVec shows its h1 and « Rien à signaler » under a loading overlay before
the data arrives: what is read then would be the worst wrong answer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from importlib import resources

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from autopilot.engine import dom
from autopilot.engine.failures import closed
from autopilot.engine.locate import PROBE, Probe, same_origin_frames
from autopilot.engine.navigation import POLL_MS
from autopilot.engine.origins import Origins
from autopilot.engine.page_reading import SHOWS, shows_script_arg
from autopilot.errors import PageBusy, PageMismatch
from autopilot.flows.model import Expect, Until

# One look, one round trip: the expected page?, still loading?, and its text unchanged across a
# short pause inside the page (STABLE_MS: a framework still rendering changes it meanwhile); once
# all say settled, the step's targets are probed in the same round trip (locate.py's PROBE, `els`
# being what its click's CSS selector matched, if it has one); otherwise it waits POLL_MS in the
# page before answering, so that looking again costs one round trip, not two.
STABLE_MS = 10
_LOOK = """async (dom, els, [check, expected, pause, probe]) => {
  const first = dom.pageText(document);
  await new Promise((done) => setTimeout(done, pause));
  const busy = dom.busy(document);
  const stable = dom.pageText(document) === first;
  const shows = check ? SHOWS(dom, expected) : true;
  if (!(shows && !busy && stable)) await new Promise((done) => setTimeout(done, POLL));  // the next look's wait
  return { busy, stable, shows, probe: shows && !busy && stable && probe ? PROBE(dom, els, probe) : null };
}""".replace("SHOWS", f"({SHOWS})").replace("PROBE", f"({PROBE})").replace("POLL", str(POLL_MS))
_LOOK_ALL = dom.script(_LOOK, locate=True)
_LOOK_PAGE = dom.script(f"(lib, arg) => ({_LOOK})(lib, [], arg)", locate=True)

# The page's own requests for data (fetch, XHR) are counted inside the page by requests.js, given
# to each document before its own scripts; dom.js `busy` reads the count ("requests"). Counting them
# from Playwright's request events made the driver send every request of the page (stylesheets,
# fonts, images) to Python, and Python build an object for each (ADR 0011). The engine's library
# comes to each document the same way (dom.py `installer`).
_REQUESTS = resources.files("autopilot.engine").joinpath("requests.js").read_text(encoding="utf-8")
_PREPARED_FLAG = "_autopilot_prepared"


def prepare_page(page: Page) -> None:
    """Give each next document of the page the engine's library and the count of its fetch/XHR, and the
    document it shows too (once per page)."""
    if getattr(page, _PREPARED_FLAG, False):
        return
    script = _REQUESTS + "\n" + dom.installer()
    page.add_init_script(script=script)
    if page.url != "about:blank":  # documents already shown (the console's page, its frames): from now on
        for frame in same_origin_frames(page):
            try:
                frame.evaluate(script)
            except PlaywrightError as error:
                if closed(error):
                    raise
                # the document went away meanwhile: the next one gets the script before its own
    setattr(page, _PREPARED_FLAG, True)


@dataclass(frozen=True)
class Look:
    """One look at the page: whether it is the expected one, what shows it loading, whether its text held still,
    and the main frame's answer to the probe when it was settled."""

    shows: bool
    busy: str
    stable: bool
    probe: list | None = None
    waited: bool = True  # the look waited POLL_MS in the page before answering


def look(page: Page, origins: Origins, expect: Expect | Until | None, probe: Probe | None = None) -> Look:
    """One round trip: the expected page?, still loading?, its text still? (and, settled, the probe's answer)."""
    if expect is not None and expect.url and not origins.real_path(page.url).startswith(expect.url):
        return Look(False, "", False, waited=False)
    check = expect is not None and bool(expect.heading or expect.text)
    arg = [check, shows_script_arg(expect) if check else None, STABLE_MS, probe.arg if probe else None]
    candidates = probe.candidates(page.main_frame) if probe is not None and probe.by_selector else None
    try:
        state = dom.run(page, _LOOK_PAGE, arg) if candidates is None else dom.run_all(candidates, _LOOK_ALL, arg)
    except PlaywrightError as error:
        if closed(error):
            raise
        return Look(False, "document", False, waited=False)  # the page was navigating; look again
    return Look(bool(state["shows"]), state["busy"], bool(state["stable"]), state["probe"])


def wait_settled(page: Page, origins: Origins, expect: Expect | None, step: str, bound_s: float,
                 probe: Probe | None = None) -> list | None:
    """Wait until the page is the one `expect` describes and settled; PageMismatch or PageBusy past `bound_s`.

    With a `probe`, the main frame's answer to it, given by the look that found the page settled
    (no round trip of its own). The page's requests are counted once `prepare_page` was called on it."""
    deadline = time.monotonic() + bound_s
    while True:
        seen = look(page, origins, expect, probe)
        if seen.shows and not seen.busy and seen.stable and (probe is None or seen.probe):
            return seen.probe
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
            why = {"frame": "un cadre de la page charge encore son contenu",
                   "requests": "le site attend encore des données",
                   "": "son contenu change encore"}.get(seen.busy, "un indicateur de chargement est toujours affiché")
            raise PageBusy(
                f"Étape « {step} » : la page est toujours en cours de chargement ({why}) après {bound_s:.0f} s ;"
                " rien n'y a été lu ni rempli.",
                "Attendez que la page soit complète, puis « Reprendre ».",
                step=step,
            )
        if not seen.waited or (seen.shows and not seen.busy and seen.stable):  # no look, or the look did not wait
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
