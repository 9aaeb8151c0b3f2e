"""The button or link a step clicks is found by the page's own script (dom.js `named`), and by
Playwright's role selector only when that script is not sure (ADR 0018). Whatever the markup, the
answer must be Playwright's own: the same element, or the same « none » or « several ». Each case
below is checked against `get_by_role(…, exact=True)` on the same page, filtered as the engine
filters (shown, outside the panel), which is the oracle."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from autopilot.engine import dom
from autopilot.engine.locate import resolve_click
from autopilot.errors import TargetAmbiguous, TargetNotFound
from autopilot.flows.fill import Click

SHADOW = """<div id="hote"></div><script>
  const root = document.getElementById('hote').attachShadow({mode: 'open'});
  root.innerHTML = '<button data-id="ombre">Suivant</button>';
</script>"""

CASES = {  # id: (markup, role, name)
    "plain": ('<button data-id="a">Suivant</button><button>Précédent</button>', "button", "Suivant"),
    "aria-label over the text": ('<button data-id="a" aria-label="Suivant"><span aria-hidden="true">→</span></button>',
                                 "button", "Suivant"),
    "two of the same name": ('<button>Suivant</button><button>Suivant</button>', "button", "Suivant"),
    "a longer name beside": ('<button data-id="a">Valider</button><button>Valider la demande</button>',
                             "button", "Valider"),
    "only the longer one": ('<button>Valider la demande</button>', "button", "Valider"),
    "a link": ('<a data-id="a" href="/accueil">Accueil</a><button>Accueil</button>', "link", "Accueil"),
    "a link without href is no link": ('<a>Accueil</a>', "link", "Accueil"),
    "an ARIA button": ('<div data-id="a" role="button" tabindex="0">Continuer</div>', "button", "Continuer"),
    "a button made a tab": ('<button role="tab">Suivant</button><button data-id="a">Suivant</button>', "button",
                            "Suivant"),
    "a submit input": ('<form><input data-id="a" type="submit" value="Envoyer"></form>', "button", "Envoyer"),
    "screen-reader text is in the name": (
        '<button data-id="a">Suivant <span class="fr-sr-only">étape 3 sur 5</span></button>', "button",
        "Suivant étape 3 sur 5"),
    "a hidden twin": ('<button hidden>Suivant</button><button data-id="a">Suivant</button>', "button", "Suivant"),
    "hidden from assistive technologies": ('<button aria-hidden="true">Suivant</button>', "button", "Suivant"),
    "another apostrophe": ('<button>Je m’inscris</button>', "button", "Je m'inscris"),
    "an image's alt": ('<button data-id="a"><img alt="Imprimer" src="data:,"></button>', "button", "Imprimer"),
    "labelled by another element": ('<span id="lib">Télécharger le CSA</span>'
                                    '<button data-id="a" aria-labelledby="lib">PDF</button>', "button",
                                    "Télécharger le CSA"),
    "one in a shadow root, one outside": (f'<button>Suivant</button>{SHADOW}', "button", "Suivant"),
    "only in a shadow root": (SHADOW, "button", "Suivant"),
    "in the shadow root of a host hidden from assistive technologies": (
        SHADOW.replace('<div id="hote">', '<div id="hote" aria-hidden="true">'), "button", "Suivant"),
    "the case differs": ('<button>suivant</button>', "button", "Suivant"),
    "spaces inside": ('<button data-id="a">  Étape\n   suivante </button>', "button", "Étape suivante"),
}

# Where the page's own script must answer by itself (the usual markup of the State's sites): in the
# other cases it must say it is not sure, and Playwright's selector answers.
SURE = {"plain", "aria-label over the text", "a link", "an ARIA button", "a button made a tab", "a submit input",
        "screen-reader text is in the name", "a hidden twin", "an image's alt", "labelled by another element",
        "only in a shadow root", "spaces inside"}
_NAMED = dom.script("""(dom, [role, name]) => {
  const found = dom.named(document, role, name);
  return found === null ? null : found.map((el) => el.getAttribute('data-id') || '?');
}""")


def oracle(page: Page, role: str, name: str) -> str | int:
    """What Playwright's role selector finds, as the engine filters it: the one element's data-id, or the count."""
    found = page.get_by_role(role, name=name, exact=True).evaluate_all(
        "els => els.filter((el) => { const box = el.getBoundingClientRect(); return box.width > 0 && box.height > 0; })"
        ".map((el) => el.getAttribute('data-id') || '?')")
    return found[0] if len(found) == 1 else len(found)


def engine(page: Page, role: str, name: str) -> str | int:
    """What the engine finds for the same click: the marked element's data-id, 0 for none, 2 for several."""
    try:
        marked = resolve_click(page, Click(**{role: name}), "Essai")
    except TargetNotFound:
        return 0
    except TargetAmbiguous:
        return 2
    return marked.locator.get_attribute("data-id") or "?"


@pytest.mark.parametrize("case", list(CASES))
def test_the_engine_finds_the_button_playwright_finds(page: Page, case: str):
    markup, role, name = CASES[case]
    page.set_content(f"<!doctype html><html lang='fr'><body><main>{markup}</main></body></html>")
    expected = oracle(page, role, name)
    assert engine(page, role, name) == (min(expected, 2) if isinstance(expected, int) else expected)
    sure = page.evaluate(_NAMED, [role, name])
    assert sure == ([expected] if case in SURE else None)
