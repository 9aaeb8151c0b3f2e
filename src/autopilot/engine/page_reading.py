"""Reading what the site says: its error messages, the outputs it shows, field values."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Locator, Page

from autopilot.engine import dom
from autopilot.engine.failures import closed
from autopilot.engine.origins import Origins
from autopilot.engine.required import UNKNOWN_REQUIRED
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
# After filling, in one round trip per frame: the marked targets outlined, what each field holds,
# and (in the main frame) the site's errors and notices, for the review, and — for a page the step
# validates — the required controls the step does not fill (required.py).
_REVIEW = dom.script("""(dom, [selectors, main, known]) => {
  dom.highlight(document);
  const values = selectors.map((s) => dom.readBack(document.querySelector(s)));
  return [values, main ? [dom.siteErrors(document), dom.siteNotices(document)] : null,
          main && known ? (UNKNOWN_REQUIRED)(dom, known) : []];
}""".replace("UNKNOWN_REQUIRED", UNKNOWN_REQUIRED), locate=True)


def site_messages(page: Page) -> tuple[list[str], list[str]]:
    """In one round trip: the site's errors, and its warnings and infos (told to the mediator, never obeyed)."""
    errors, notices = dom.run(page, _MESSAGES)
    return errors, notices


def site_errors(page: Page) -> list[str]:
    """The site's own error messages currently shown, verbatim."""
    return dom.run(page, _SITE_ERRORS)


def text_after(page: Page, label: str, step: str) -> str:
    """The value printed right after `label` (« Numéro de pré-demande : AB12… »)."""
    values = [v for v in dom.run(page, _AFTER_TEXT, label) if v]
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


@dataclass(frozen=True)
class Review:
    """What the mediator reviews, read after filling: each field's value, the site's errors and notices,
    and the labels of the required controls the step does not fill (asked for a page it validates)."""

    values: list[str]
    errors: list[str]
    notices: list[str]
    unknown_required: list[str]


def read_for_review(page: Page, frames: list[Frame], frames_and_selectors: list[tuple[Frame, str]],
                    known: list[str] | None = None) -> Review:
    """Outline the marked targets, read back every marked field and the site's messages: one round trip
    per frame (`frames`: the page's same-origin ones, the main frame first). With `known` (the step's
    targets in the main document, for a page it validates), also the required controls they leave out."""
    by_frame: dict[Frame, list[int]] = {frame: [] for frame in frames}
    for index, (frame, _) in enumerate(frames_and_selectors):
        by_frame.setdefault(frame, []).append(index)
    values = [""] * len(frames_and_selectors)
    errors: list[str] = []
    notices: list[str] = []
    unknown: list[str] = []
    for frame, indexes in by_frame.items():
        selectors = [frames_and_selectors[i][1] for i in indexes]
        main = frame is page.main_frame
        try:
            read, messages, missing = dom.run(frame, _REVIEW, [selectors, main, known if main else None])
        except PlaywrightError:
            if main or indexes:
                raise
            continue  # a framed form going away, with nothing of ours in it, only loses its outline
        for index, value in zip(indexes, read, strict=True):
            values[index] = value
        if messages is not None:
            errors, notices = messages
            unknown = missing
    return Review(values, errors, notices, unknown)


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
        return bool(dom.run(page, _SHOWS, shows_script_arg(expect)))
    except PlaywrightError as error:
        if closed(error):
            raise
        return False  # the page was navigating; the caller checks again
