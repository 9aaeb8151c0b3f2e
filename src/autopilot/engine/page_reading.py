"""Reading what the site says: its error messages, the outputs it shows, field values."""

from __future__ import annotations

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Locator, Page

from autopilot.engine import dom
from autopilot.engine.failures import closed
from autopilot.engine.origins import Origins
from autopilot.errors import TargetAmbiguous, TargetNotFound
from autopilot.flows.model import Expect, Until

_SITE_ERRORS = dom.script("(dom) => dom.siteErrors(document)")
_MESSAGES = dom.script("(dom) => [dom.siteErrors(document), dom.siteNotices(document)]")

# Every visible element whose text starts with the label, as a whole label (« Déclaré volé » is
# not the start of « Déclaré volée »), the innermost only; the value is what follows it in that
# element, else the next element's text (dt → dd, th → td).
_AFTER_TEXT = dom.script("""(dom, label) => {
  const key = dom.norm(label);
  const starts = (el) => {
    const text = dom.clean(el.innerText).toLocaleLowerCase('fr');
    return text.startsWith(key) && !/[\\p{L}\\p{N}]/u.test(text.charAt(key.length));
  };
  const holders = [...document.body.querySelectorAll('*')].filter((el) =>
    dom.shown(el) && !dom.inPanel(el) && starts(el) && ![...el.children].some(starts));
  return holders.map((el) => {
    let rest = dom.clean(el.innerText).slice(key.length).replace(/^[\\s:：*]+/, '');
    if (!rest && el.nextElementSibling) rest = dom.clean(el.nextElementSibling.innerText);
    return rest;
  });
}""")

_READ_BACK = dom.script("(dom, el) => dom.readBack(el)")
_READ_BACK_ALL = dom.script("(dom, selectors) => selectors.map((s) => dom.readBack(document.querySelector(s)))")


def site_messages(page: Page) -> tuple[list[str], list[str]]:
    """In one round trip: the site's errors, and its warnings and infos (told to the mediator, never obeyed)."""
    errors, notices = page.evaluate(_MESSAGES)
    return errors, notices


def site_errors(page: Page) -> list[str]:
    """The site's own error messages currently shown, verbatim."""
    return page.evaluate(_SITE_ERRORS)


def text_after(page: Page, label: str, step: str) -> str:
    """The value printed right after `label` (« Numéro de pré-demande : AB12… »)."""
    values = [v for v in page.evaluate(_AFTER_TEXT, label) if v]
    if not values:
        raise TargetNotFound(f"Étape « {step} » : le texte « {label} » n'est pas sur la page.", step=step)
    if len(set(values)) > 1:
        raise TargetAmbiguous(
            f"Étape « {step} » : « {label} » apparaît {len(values)} fois avec des valeurs différentes.", step=step
        )
    return values[0]


def read_back(locator: Locator) -> str:
    """What a field holds now, as the page shows it."""
    return locator.evaluate(_READ_BACK)


def read_back_all(frames_and_selectors: list[tuple[Frame, str]]) -> list[str]:
    """What each marked field holds, read in one round trip per frame (not one per field)."""
    by_frame: dict[Frame, list[int]] = {}
    for index, (frame, _) in enumerate(frames_and_selectors):
        by_frame.setdefault(frame, []).append(index)
    values = [""] * len(frames_and_selectors)
    for frame, indexes in by_frame.items():
        selectors = [frames_and_selectors[i][1] for i in indexes]
        read = frame.evaluate(_READ_BACK_ALL, selectors)
        for index, value in zip(indexes, read, strict=True):
            values[index] = value
    return values


# Whether the page is the one `expect` describes: a heading's name (its text, or aria-label) equals
# the expected one, a text appears in the page (same normalisation as labels). The panel never counts.
SHOWS = """(dom, [heading, text]) => {
  const body = document.body;
  if (!body) return false;
  if (heading !== null) {
    const named = (el) => dom.norm(el.getAttribute('aria-label') || el.textContent);
    const headings = body.querySelectorAll('h1, h2, h3, h4, h5, h6, [role=heading]');
    if (![...headings].some((el) => !dom.inPanel(el) && named(el) === dom.norm(heading))) return false;
  }
  if (text !== null && !dom.norm(body.textContent).includes(dom.norm(text))) return false;
  return true;
}"""
_SHOWS = dom.script(SHOWS)


def shows_script_arg(expect: Expect | Until) -> list[str | None]:
    """The argument SHOWS takes for `expect`."""
    return [expect.heading, expect.text]


def shows(page: Page, origins: Origins, expect: Expect | Until) -> bool:
    """Whether the page is, right now, the one `expect` describes (all its checks hold).

    One round trip: a heading's name (its text, or aria-label) must equal the expected one;
    a text must appear in the page. The panel lives outside <body>, so it never counts.
    """
    if expect.url and not origins.real_path(page.url).startswith(expect.url):
        return False
    if not (expect.heading or expect.text):
        return True
    try:
        return bool(page.evaluate(_SHOWS, shows_script_arg(expect)))
    except PlaywrightError as error:
        if closed(error):
            raise
        return False  # the page was navigating; the caller checks again
