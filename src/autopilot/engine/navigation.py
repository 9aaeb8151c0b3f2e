"""Moving between the site's pages: opening a real URL (or its sandbox replica), and the one click
that leaves a page — made once, then waited on, never repeated (DESIGN §4.3)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from autopilot.engine import dom
from autopilot.engine.locate import Marked
from autopilot.engine.origins import Origins
from autopilot.engine.page_reading import SHOWS, closed, shows_script_arg, site_errors
from autopilot.errors import ButtonDisabled, NoResponse, PageMismatch, SiteRefused, SiteUnreachable
from autopilot.flows.model import Expect

POLL_MS = 25  # how often the outcome of a click or the expected page is looked for (one round trip each)


def open_page(page: Page, origins: Origins, real_url: str, timeout_s: float) -> None:
    """Open `real_url` (or its sandbox replica); SiteUnreachable, said in French, if it cannot."""
    try:
        page.goto(origins.local(real_url), wait_until="domcontentloaded", timeout=timeout_s * 1000)
    except PlaywrightError as error:
        if closed(error):
            raise
        host = real_url.split("/")[2]
        raise SiteUnreachable(
            f"Le site {host} est injoignable depuis ce poste ({_network_reason(error)}).",
            "Vérifiez la connexion Internet du poste. Pour vous entraîner sans Internet : --sandbox.",
        ) from None


@dataclass(frozen=True)
class Landed:
    """What the page showed once a click's outcome was there, read in the look that saw the outcome."""

    watched: bool  # the page `watch` describes (the account's login page: the session expired)
    following: bool  # the next step's page
    landing: bool  # the page `landing` describes (the account's space, after its login)


def click_once(page: Page, button: Marked, step: str, click_s: float, response_s: float, *, origins: Origins,
               name: str = "", following: Expect | None = None, watch: Expect | None = None,
               landing: Expect | None = None) -> Landed:
    """Click `button` once, then wait for the outcome; never click again. What the page shows once
    the outcome is there: `watch` (the account's login page; not looked at when `following` showed),
    `following`, `landing` — read in the same round trip, so that the caller need not look again.

    The outcome is a new document, the next page shown in this one (a client-side route: the
    address changed with no load and `following`, the next step's `expect`, holds), or the site's
    errors appearing (new ones, in the same document). PageMismatch
    if the button is no longer exactly one element (the page changed while the mediator was
    checking it), ButtonDisabled if it stays disabled (a form the site finds incomplete),
    NoResponse if nothing happens within `response_s`, SiteRefused with the site's own messages.
    """
    deadline = time.monotonic() + click_s
    while True:  # one round trip per look: still one element? enabled? the errors shown before the click
        count, disabled, before = dom.run(button.frame, _BEFORE_CLICK, button.selector)
        if count != 1:
            raise PageMismatch(
                f"Étape « {step} » : la page a changé pendant la vérification ; rien n'a été cliqué.",
                "Regardez où en est le site, puis « Reprendre » ou arrêtez la démarche.",
                step=step,
            )
        if not disabled:
            break
        if time.monotonic() > deadline:
            _stayed_disabled(page, step, name)
        page.wait_for_timeout(POLL_MS * 4)  # a site enables its button once its form is valid
    address = page.url
    button.locator.click(timeout=click_s * 1000)
    deadline = time.monotonic() + response_s
    arg = [before, _expected(following), _expected(watch), _expected(landing), WAIT_MS]
    while True:
        try:  # one round trip: waits in the page for the outcome, up to WAIT_MS, then tells what it saw
            seen = dom.run(page, _AFTER_CLICK, arg)
        except PlaywrightError as error:
            if closed(error):
                raise
            seen = None  # the document went away meanwhile: the next look is in the new one
        if seen is not None:
            moved = page.url != address
            if not seen["same"]:
                errors = seen["errors"]
                break
            if moved and _saw(seen, "arrived", origins, page, following):  # the next page, by the site's script
                return Landed(False, True, _saw(seen, "landing", origins, page, landing))
            errors = _new_errors(seen["errors"], before)
            if moved or errors:
                break  # another page by pushState (« Page non trouvée »): the next step's check says which
        if time.monotonic() > deadline:
            raise NoResponse(
                f"Étape « {step} » : le site n'a pas répondu au clic dans les {response_s:.0f} s.",
                "autopilot ne clique jamais une seconde fois : regardez la page, continuez à la main si"
                " besoin, puis « Reprendre ».",
                step=step,
            )
        if seen is None:
            page.wait_for_timeout(POLL_MS)
    if errors:
        quoted = " ".join(f"« {e} »" for e in errors)
        raise SiteRefused(f"Étape « {step} » : le site a refusé la saisie : {quoted}", errors, step=step)
    return Landed(_saw(seen, "watched", origins, page, watch), _saw(seen, "arrived", origins, page, following),
                  _saw(seen, "landing", origins, page, landing))


def _expected(expect: Expect | None) -> list | None:
    """SHOWS's argument for `expect`, or None when it says nothing the page's content must hold."""
    return shows_script_arg(expect) if expect is not None and (expect.heading or expect.text) else None


def _saw(seen: dict, key: str, origins: Origins, page: Page, expect: Expect | None) -> bool:
    """Whether the after-click look found `expect`'s content (its answer under `key`) at `expect`'s address."""
    return bool(seen[key]) and _at(origins, page, expect)


def _at(origins: Origins, page: Page, expect: Expect | None) -> bool:
    """Whether the address is the one `expect` asks for (its content is checked in the page)."""
    return expect is not None and (not expect.url or origins.real_path(page.url).startswith(expect.url))


WAIT_MS = 500  # how long one look after a click waits in the page for something to change

# After the click, in one round trip: a new document (the flag set before the click is gone) is read
# once parsed; in the same document the page is watched, inside it, until its address or its errors
# change or WAIT_MS pass. Then its errors, and whether the next page and the watched page show.
_AFTER_CLICK = dom.script("""async (dom, [before, following, watch, landing, wait]) => {
  const pause = (ms) => new Promise((done) => setTimeout(done, ms));
  const same = window.__autopilotClicked === true;
  if (!same && document.readyState === 'loading') {
    await Promise.race([new Promise((done) => document.addEventListener('DOMContentLoaded', done, { once: true })),
                        pause(wait * 20)]);
  }
  if (same) {
    const start = location.href;
    const end = Date.now() + wait;
    const changed = () => JSON.stringify(dom.siteErrors(document)) !== JSON.stringify(before)
      && dom.siteErrors(document).length > 0;
    while (Date.now() < end && location.href === start && !changed()) await pause(POLL);
  }
  return { same, errors: dom.siteErrors(document), arrived: following ? SHOWS(dom, following) : true,
           watched: watch ? SHOWS(dom, watch) : true, landing: landing ? SHOWS(dom, landing) : true };
}""".replace("SHOWS", f"({SHOWS})").replace("POLL", str(POLL_MS)))


def _new_errors(now: list[str], before: list[str]) -> list[str]:
    """The errors shown after a click in the same document: all of them when they changed, else none."""
    return now if now and now != before else []


def _stayed_disabled(page: Page, step: str, name: str) -> None:
    """Stop clearly: the button stayed disabled (the site finds its form incomplete), with the errors shown."""
    errors = site_errors(page)
    shown = (" Erreurs affichées : " + " ".join(f"« {e} »" for e in errors) + ".") if errors else ""
    raise ButtonDisabled(
        f"Étape « {step} » : le {name or 'bouton'} est resté désactivé : le site trouve le formulaire"
        f" incomplet ; rien n'a été envoyé.{shown}",
        "Complétez ou corrigez les champs signalés sur la page, puis « Reprendre ».",
        step=step,
    )


# Before the click, in one round trip (a frame evaluate: no selector of Playwright's, ADR 0018): how
# many elements the mark finds, whether the one is disabled, the site's errors already shown; and
# the flag that tells a new document from the same one.
_BEFORE_CLICK = dom.script("""(dom, selector) => {
  const els = dom.deepAll(document, selector);
  const one = els.length === 1 ? els[0] : null;
  const disabled = one !== null && (one.disabled === true || one.getAttribute('aria-disabled') === 'true');
  let top = window;
  try { top = window.top.document ? window.top : window; } catch (error) { top = window; }  // a same-origin frame's button
  top.__autopilotClicked = true;
  return [els.length, disabled, dom.siteErrors(top.document)];
}""")


def _network_reason(error: PlaywrightError) -> str:
    text = str(error)
    for code, reason in (
        ("ERR_NAME_NOT_RESOLVED", "nom de domaine introuvable"),
        ("ERR_INTERNET_DISCONNECTED", "pas de connexion Internet"),
        ("ERR_CONNECTION_REFUSED", "connexion refusée"),
        ("ERR_CONNECTION_TIMED_OUT", "délai de connexion dépassé"),
        ("ERR_ADDRESS_UNREACHABLE", "adresse injoignable"),
        ("Timeout", "délai dépassé"),
    ):
        if code in text:
            return reason
    return text.splitlines()[0][:100]
