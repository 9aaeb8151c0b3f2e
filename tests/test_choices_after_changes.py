"""Choices the page changes between the step's probe and their click (engine/acting.py, ADR 0015).

The probe says, when it finds the targets, whether each choice is already as wanted and where a
person clicks it; the click comes after the step's earlier actions, which the page's own scripts
answer: a « Tout accepter » ticks the consents, « pas d'adresse électronique » switches the contact
mode and moves the rest of the form up, typing an address draws a checkbox's label again. What the
site receives must be what the citizen gave, whatever the probe saw. tests/assets/choix.html, on
the official DSFR, served at https://contact.test/ by routes; what it posts is kept by the test.
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
ORIGIN = "https://contact.test"
FAST = Timeouts(page=6, response=8)
# the form embedded from the site itself (ADR 0005): its targets are probed in the frame
FRAMED = ('<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Demande</title></head><body>'
          '<h1>Demande de contact</h1><iframe id="cadre" src="/choix.html" style="width: 100%; height: 1600px">'
          '</iframe></body></html>')

FLOW = {
    "id": "contact", "title": "Contact", "category": "Test", "version": 1, "domains": ["contact.test"],
    "inputs": {"sans_courriel": "texte", "courriel": {"type": "texte", "required": False}, "avis": "texte",
               "contact": "texte", "tout": "texte", "conditions": "texte", "recontact": "texte"},
    "steps": [
        {"title": "Contact", "goto": f"{ORIGIN}/choix.html", "expect": {"heading": "Préférences de contact"},
         "fill": [
             {"check": "Je n'ai pas d'adresse électronique", "value": "{{ sans_courriel }}"},
             {"label": "Adresse électronique", "value": "{{ courriel }}", "when": "courriel"},
             {"check": "Recevoir les avis par courriel", "value": "{{ avis }}", "when": "courriel"},
             {"choose": "Être contacté par", "value": "{{ contact }}",
              "options": {"courriel": "Courriel", "telephone": "Téléphone", "courrier": "Courrier"}},
             {"check": "Tout accepter", "value": "{{ tout }}"},
             {"check": "J'accepte les conditions d'utilisation", "value": "{{ conditions }}"},
             {"check": "J'accepte d'être recontacté", "value": "{{ recontact }}"},
         ],
         "next": {"button": "Envoyer"}},
        {"title": "Envoyée", "expect": {"heading": "Demande envoyée"}},
    ],
}


@pytest.fixture
def received(context: BrowserContext) -> list[dict]:
    """What the site receives: each posted form, as sent."""
    return routed_site.serve(
        context, ORIGIN, lambda path: FRAMED if path == "/cadre.html" else (ASSETS / "choix.html").read_bytes())


def _run(page: Page, values: dict, flow: dict = FLOW):
    lines: list[str] = []
    runner = Runner(page, Flow.model_validate(flow), values, ApproveAll(), origins=Origins(), report=lines.append,
                    timeouts=FAST)
    return runner.run(), lines


def test_choices_an_earlier_action_changed_are_set_as_the_citizen_said(page, received):
    # the probe sees « Téléphone » already chosen and both consents unticked; ticking « pas d'adresse »
    # then switches the contact to « Courrier » and « Tout accepter » ticks both consents
    citizen = {"sans_courriel": "oui", "courriel": "", "avis": "non", "contact": "telephone", "tout": "oui",
               "conditions": "oui", "recontact": "non"}
    result, lines = _run(page, citizen)
    assert result.outcome is Outcome.COMPLETED, (result.error, lines)
    assert received == [{"sans_courriel": True, "courriel": "", "avis": False, "contact": "telephone", "tout": True,
                         "conditions": True, "recontact": False}]


def test_a_choice_whose_label_the_page_drew_again_is_still_clicked(page, received):
    # typing the address replaces the label the probe marked as where to click « Recevoir les avis »
    citizen = {"sans_courriel": "non", "courriel": "camille@example.org", "avis": "oui", "contact": "courriel",
               "tout": "non", "conditions": "oui", "recontact": "oui"}
    result, lines = _run(page, citizen)
    assert result.outcome is Outcome.COMPLETED, (result.error, lines)
    assert received == [{"sans_courriel": False, "courriel": "camille@example.org", "avis": True,
                         "contact": "courriel", "tout": False, "conditions": True, "recontact": True}]


def test_choices_in_a_same_origin_frame_are_set_there(page, received):
    # one step, no `next`: the engine fills the framed form, then the test sends it as the mediator would
    step = {**FLOW["steps"][0], "goto": f"{ORIGIN}/cadre.html", "expect": {"heading": "Demande de contact"}}
    del step["next"]
    citizen = {"sans_courriel": "oui", "courriel": "", "avis": "non", "contact": "telephone", "tout": "oui",
               "conditions": "oui", "recontact": "non"}
    result, lines = _run(page, citizen, {**FLOW, "steps": [step]})
    assert result.outcome is Outcome.COMPLETED, (result.error, lines)
    page.frame_locator("#cadre").get_by_role("button", name="Envoyer").click()
    page.frame_locator("#cadre").get_by_role("heading", name="Demande envoyée").wait_for()
    assert received == [{"sans_courriel": True, "courriel": "", "avis": False, "contact": "telephone", "tout": True,
                         "conditions": True, "recontact": False}]


def test_a_choice_the_page_refuses_is_clicked_once_and_stops_an_unattended_run(page, received):
    step = {**FLOW["steps"][0], "goto": f"{ORIGIN}/choix.html?refus"}
    citizen = {"sans_courriel": "non", "courriel": "", "avis": "non", "contact": "courriel", "tout": "non",
               "conditions": "oui", "recontact": "oui"}
    result, _ = _run(page, citizen, {**FLOW, "steps": [step, FLOW["steps"][1]]})
    assert result.outcome is Outcome.FAILED
    assert result.error.code == "valeur-differente"
    assert result.error.message == ("Étape « Contact » : la page n'affiche pas la valeur prévue pour"
                                    " « J'accepte d'être recontacté » ; rien n'a été validé.")
    assert page.evaluate("() => window.recontactClicks") == 1  # as a person would: once, not again
    assert received == []
