"""The guard on a choice's click (engine/acting.py, dom.js `guardNextPress`, ADR 0020).

The engine finds where to click a radio or checkbox, then clicks there without Playwright's waits:
between the two, a page's script can put something under the pointer, or change the box. The page
here (tests/assets/piege.html, on the official DSFR) acts at the mousemove a click sends just before
its press, the last moment it can: a « Supprimer ma demande » button comes over the label, for
400 ms or for good; the box gets ticked, or disabled for 400 ms; its label is drawn again. What the site receives must be
what the citizen gave, and the button never clicked. Each case runs with the checkbox first (its point and guard come with
the step's probe) and last (from their own round trip, after the other fields). Three pages are written
against the guard itself: they listen first, call the engine's library, or make the DOM's primitives lie.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import routed_site
from playwright.sync_api import BrowserContext, Page

from autopilot.engine.approver import ApproveAll
from autopilot.engine.origins import Origins
from autopilot.engine.runner import Outcome, Runner, Timeouts
from autopilot.flows.model import Flow

ASSETS = Path(__file__).parent / "assets"
ORIGIN = "https://piege.test"
FAST = Timeouts(page=6, response=8)
CITIZEN = {"nom": "Lefèvre", "motif": "premiere", "conditions": "oui"}
FIELDS = {
    "nom": {"label": "Nom", "value": "{{ nom }}"},
    "motif": {"choose": "Motif", "value": "{{ motif }}",
              "options": {"premiere": "Première demande", "renouvellement": "Renouvellement"}},
    "conditions": {"check": "J'accepte les conditions d'utilisation", "value": "{{ conditions }}"},
}
ORDERS = {"checkbox first": ["conditions", "nom", "motif"], "checkbox last": ["nom", "motif", "conditions"]}


def _flow(mode: str, order: list[str]) -> dict:
    return {
        "id": "piege", "title": "Piège", "category": "Test", "version": 1, "domains": ["piege.test"],
        "inputs": dict.fromkeys(FIELDS, "texte"),
        "steps": [
            {"title": "Demande", "goto": f"{ORIGIN}/demande.html?{mode}", "expect": {"heading": "Votre demande"},
             "fill": [FIELDS[name] for name in order], "next": {"button": "Envoyer"}},
            {"title": "Envoyée", "expect": {"heading": "Demande envoyée"}},
        ],
    }


@pytest.fixture
def received(context: BrowserContext) -> list[dict]:
    """What the site receives: each posted body, as sent."""
    return routed_site.serve(context, ORIGIN, lambda path: (ASSETS / "piege.html").read_bytes())


def _run(page: Page, mode: str, order: list[str], flow: dict | None = None):
    lines: list[str] = []
    runner = Runner(page, Flow.model_validate(flow or _flow(mode, order)), dict(CITIZEN), ApproveAll(), origins=Origins(), report=lines.append,
                    timeouts=FAST)
    return runner.run(), lines


@pytest.mark.parametrize("order", ORDERS.values(), ids=ORDERS.keys())
def test_a_button_put_under_the_pointer_for_a_moment_is_not_clicked(page, received, order):
    result, lines = _run(page, "bouton", order)
    assert result.outcome is Outcome.COMPLETED, (result.error, lines)
    assert page.evaluate("() => window.trapClicks") == 0
    assert received == [{"nom": "Lefèvre", "motif": "premiere", "conditions": True}]


@pytest.mark.parametrize("order", ORDERS.values(), ids=ORDERS.keys())
def test_a_button_left_under_the_pointer_stops_the_run_with_nothing_sent(page, received, order):
    result, lines = _run(page, "bouton-reste", order)
    assert result.outcome is Outcome.FAILED, lines
    assert result.error.message == ("Étape « Demande » : « J'accepte les conditions d'utilisation » ne peut pas être"
                                    " cliqué : ni la case ni son libellé ne sont visibles sous le pointeur.")
    assert page.evaluate("() => window.trapClicks") == 0
    assert page.locator("#conditions").is_checked() is False
    assert received == []


@pytest.mark.parametrize("order", ORDERS.values(), ids=ORDERS.keys())
def test_a_box_the_page_ticks_just_before_the_press_stays_ticked(page, received, order):
    result, lines = _run(page, "coche", order)
    assert result.outcome is Outcome.COMPLETED, (result.error, lines)
    assert received == [{"nom": "Lefèvre", "motif": "premiere", "conditions": True}]


@pytest.mark.parametrize("order", ORDERS.values(), ids=ORDERS.keys())
def test_a_box_disabled_for_a_moment_is_ticked_once_it_is_enabled(page, received, order):
    result, lines = _run(page, "grise", order)
    assert result.outcome is Outcome.COMPLETED, (result.error, lines)
    assert received == [{"nom": "Lefèvre", "motif": "premiere", "conditions": True}]


@pytest.mark.parametrize("order", ORDERS.values(), ids=ORDERS.keys())
def test_a_label_drawn_again_under_the_pointer_is_clicked_again(page, received, order):
    result, lines = _run(page, "redessine", order)
    assert result.outcome is Outcome.COMPLETED, (result.error, lines)
    assert received == [{"nom": "Lefèvre", "motif": "premiere", "conditions": True}]


HOSTILE = {"listening first": "avant", "lifting the guard": "leurre", "lying primitives": "faux"}


@pytest.mark.parametrize("order", ORDERS.values(), ids=ORDERS.keys())
@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_page_written_against_the_guard_does_not_get_the_click(page, received, hostile, order):
    # the button comes over the label for good, and the page does what it can so that the guard lets the
    # press through: the engine's forced click must never become a click on the page's button
    result, lines = _run(page, f"bouton-reste&{hostile}", order)
    assert page.evaluate("() => window.trapClicks") == 0
    assert received == []
    assert result.outcome is Outcome.FAILED, lines
    assert result.error.message == ("Étape « Demande » : « J'accepte les conditions d'utilisation » ne peut pas être"
                                    " cliqué : ni la case ni son libellé ne sont visibles sous le pointeur.")
    assert page.locator("#conditions").is_checked() is False


def test_the_mediator_s_clicks_go_through_once_the_engine_has_clicked(page, received):
    # the step stops for review (no `next`): the page is the mediator's, whatever the engine armed
    flow = _flow("", ORDERS["checkbox first"])
    flow["steps"] = [{key: value for key, value in flow["steps"][0].items() if key != "next"}]
    result, lines = _run(page, "", [], flow)
    assert result.outcome is Outcome.COMPLETED, (result.error, lines)
    page.get_by_text("Renouvellement", exact=True).click()
    page.get_by_text("J'accepte les conditions d'utilisation").click()
    page.get_by_role("button", name="Envoyer").click()
    page.get_by_role("heading", name="Demande envoyée").wait_for()
    assert received == [{"nom": "Lefèvre", "motif": "renouvellement", "conditions": False}]
