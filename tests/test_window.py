"""The visible window uses the screen: it fills the work area, and beside the docked panel the
site keeps DSFR's large layout (≥ 992 px), so an ANTS title stays on one line."""

from __future__ import annotations

import pytest
from attached import needs_display

from autopilot.cli.browsing import fresh_page
from autopilot.engine.approver import Decision, Moment, StepView
from autopilot.engine.origins import Origins
from autopilot.engine.panel import PanelApprover

VIEW = StepView("Pré-demande de passeport", 1, 6, "Connexion", Moment.REVIEW, frozenset({Decision.APPROVE}))
MEASURE = """() => {
  const title = document.querySelector('main h1');
  const lines = Math.round(title.getBoundingClientRect().height / parseFloat(getComputedStyle(title).lineHeight));
  return {outer: outerWidth, screen: screen.availWidth, outerHeight, screenHeight: screen.availHeight,
          site: document.body.getBoundingClientRect().width, lines};
}"""


@pytest.fixture
def visible(browser_type, browser_type_launch_args):
    needs_display()
    browser = browser_type.launch(**{**browser_type_launch_args, "headless": False})
    yield browser
    browser.close()


def test_the_window_fills_the_screen_and_the_site_keeps_its_width(visible, sandbox):
    page = fresh_page(visible, headless=False)
    panel = PanelApprover(page.context)
    page.goto(Origins(sandbox.port).local("https://passeport.ants.gouv.fr/demarches-en-ligne/pre-demande-passeport"))
    panel.attach(page)
    panel.show(VIEW)
    page.locator("autopilot-panel").get_by_role("complementary").wait_for()
    seen = page.evaluate(MEASURE)
    assert seen["outer"] >= seen["screen"] - 2 and seen["outerHeight"] >= seen["screenHeight"] - 2, seen
    assert seen["site"] >= 992, seen  # the panel beside DSFR's large layout
    assert seen["lines"] == 1, seen  # « Connexion à mon compte » wrapped over 3 lines in 1050 px


def test_a_narrow_window_narrows_the_panel_before_the_site(visible, sandbox):
    page = fresh_page(visible, headless=False)
    panel = PanelApprover(page.context)
    page.set_viewport_size({"width": 1300, "height": 900})
    page.goto(Origins(sandbox.port).local("https://passeport.ants.gouv.fr/demarches-en-ligne/pre-demande-passeport"))
    panel.attach(page)
    panel.show(VIEW)
    page.locator("autopilot-panel").get_by_role("complementary").wait_for()
    reserved = page.evaluate("parseFloat(getComputedStyle(document.documentElement).marginRight)")
    assert reserved == 1300 - 992  # 308 px: the site keeps 992 px
    page.set_viewport_size({"width": 1100, "height": 900})
    page.wait_for_function("parseFloat(getComputedStyle(document.documentElement).marginRight) === 300")
