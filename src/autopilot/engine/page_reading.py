"""Reading what the site says: its error messages, the outputs it shows, field values."""

from __future__ import annotations

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Locator, Page

from autopilot.engine.origins import Origins
from autopilot.errors import TargetAmbiguous, TargetNotFound
from autopilot.flows.model import Expect, Until

_SITE_ERRORS = """() => {
  // Field errors first; an alert is kept only when it says more than a summary of them.
  const norm = (s) => (s || '').replace(/\\s+/g, ' ').trim();
  const shown = (el) => { const b = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return b.width > 0 && b.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const visible = (selector) => [...document.querySelectorAll(selector)]
    .filter((el) => shown(el) && !el.closest('[data-autopilot-panel]'));
  const found = [];
  for (const el of visible('.fr-error-text')) {
    const text = norm(el.innerText);
    if (text && !found.includes(text)) found.push(text);
  }
  const fieldErrors = [...found];
  for (const el of visible('.fr-alert--error, [role=alert]')) {
    if (el.parentElement && el.parentElement.closest('.fr-alert--error, [role=alert]')) continue;
    const text = norm(el.innerText);
    if (!text || found.includes(text)) continue;
    if (fieldErrors.some((e) => text.includes(e))) continue;  // « Le formulaire contient 2 erreurs : … »
    found.push(text);
  }
  return found;
}"""

_AFTER_TEXT = """(label) => {
  const norm = (s) => (s || '').replace(/\\s+/g, ' ').trim();
  const key = norm(label).toLocaleLowerCase('fr');
  const shown = (el) => { const b = el.getBoundingClientRect(); return b.width > 0 && b.height > 0; };
  const holders = [...document.body.querySelectorAll('*')].filter((el) =>
    shown(el) && !el.closest('[data-autopilot-panel]') &&
    norm(el.innerText).toLocaleLowerCase('fr').startsWith(key) &&
    ![...el.children].some((c) => norm(c.innerText).toLocaleLowerCase('fr').startsWith(key)));
  return holders.map((el) => {
    let rest = norm(el.innerText).slice(key.length).replace(/^[\\s:：]+/, '');
    if (!rest && el.nextElementSibling) rest = norm(el.nextElementSibling.innerText);
    return rest;
  });
}"""

_READ_BACK = """(el) => {
  if (el.tagName === 'SELECT') return el.selectedOptions.length ? el.selectedOptions[0].textContent.trim() : '';
  if (el.type === 'checkbox') return el.checked ? 'oui' : 'non';
  if (el.type === 'file') return [...el.files].map((f) => f.name).join(', ');
  if (el.querySelectorAll) {
    const radios = el.matches('input') ? [] : [...el.querySelectorAll('input[type=radio]')];
    if (radios.length) {
      const on = radios.find((r) => r.checked);
      if (!on) return '';
      const label = on.labels && on.labels[0];
      if (!label) return on.value;
      const copy = label.cloneNode(true);
      copy.querySelectorAll('.fr-hint-text').forEach((n) => n.remove());
      return copy.textContent.replace(/\\s+/g, ' ').trim();
    }
  }
  return el.value;
}"""


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
        read = frame.evaluate(f"(selectors) => selectors.map((s) => ({_READ_BACK})(document.querySelector(s)))",
                              selectors)
        for index, value in zip(indexes, read, strict=True):
            values[index] = value
    return values


_SHOWS = """([heading, text]) => {
  const norm = (s) => (s || '').replace(/\\s+/g, ' ').trim();
  const body = document.body;
  if (!body) return false;
  if (heading !== null) {
    const named = (el) => norm(el.getAttribute('aria-label') || el.textContent);
    const headings = body.querySelectorAll('h1, h2, h3, h4, h5, h6, [role=heading]');
    if (![...headings].some((el) => named(el) === norm(heading))) return false;
  }
  if (text !== null && !norm(body.textContent).toLowerCase().includes(norm(text).toLowerCase())) return false;
  return true;
}"""


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
        return bool(page.evaluate(_SHOWS, [expect.heading, expect.text]))
    except PlaywrightError as error:
        if closed(error):
            raise
        return False  # the page was navigating; the caller checks again


def closed(error: PlaywrightError) -> bool:
    """Whether a Playwright error means the page, context or browser is gone."""
    text = str(error)
    return "has been closed" in text or "Target closed" in text or "Browser closed" in text
