"""The browser the mediator sees speaks French: its own words, not only the page's.

Chromium's interface words (print dialog, form validation bubbles, file picker) come from its
locale files; on Linux the language is taken from the environment, not from `--lang`. A form's
built-in validation message is drawn from the same files as the print dialog, so it shows which
language the browser itself speaks.
"""

from __future__ import annotations

from autopilot.engine.browser import BrowserSettings, launch

_BROWSER_WORDS = """() => {
    const input = document.createElement("input");
    input.required = true;
    return {language: navigator.language, missing: input.validationMessage};
}"""


def test_the_browser_autopilot_launches_speaks_french(playwright):
    browser = launch(playwright, BrowserSettings(headless=True))  # the test session's driver, a browser of its own
    try:
        page = browser.new_context().new_page()  # no locale given: the browser's own
        words = page.evaluate(_BROWSER_WORDS)
    finally:
        browser.close()
    assert words == {"language": "fr-FR", "missing": "Veuillez renseigner ce champ."}
