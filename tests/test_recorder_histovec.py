"""`autopilot record` on a real front end: the HistoVec replica (docs/teleservices.md §9.1) — card
radios, a tab list, labels holding « * », a help button and a hint, a button created by the card
and disabled until the form is valid, the report reached by pushState. The author demonstrates the
non-gage for one vehicle; the written flow must read as a maintainer would write it, and replay
for ANOTHER vehicle: what HistoVec received must be that vehicle's holder and certificate."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from test_recorder import Recording, home  # noqa: F401  (the fixture)

from autopilot.engine.approver import ScriptedApprover
from autopilot.engine.origins import Origins
from autopilot.engine.runner import Outcome
from autopilot.engine.session import Session
from autopilot.flows import load_flow
from autopilot.flows.inputs import validate_inputs

OWNER = "https://histovec.interieur.gouv.fr/histovec/proprietaire"
CARDS = "Sélectionner le type de votre plaque d'immatriculation :"


def describe_vehicle(body) -> None:
    """The author picks the plate's card and types the holder and the certificate of the recorded vehicle."""
    body.locator("label", has_text="Immatriculation depuis 2009").click()  # a card: its input is 0×0
    for name, value in (("Nom de naissance", "Lefèvre"), ("Prénom(s)", "Camille, Louise"),
                        ("Numéro d'immatriculation", "DB-732-MN"), ("Numéro de formule", "2020DB73205")):
        body.get_by_role("textbox", name=re.compile("^" + re.escape(name))).fill(value)


@pytest.mark.headed
def test_a_recording_on_histovec_gives_a_typed_flow_that_replays(browser_type, sandbox, library, page, tmp_path, home):  # noqa: F811
    out = tmp_path / "non-gage.yaml"
    rec = Recording(browser_type, sandbox, OWNER, out, home, "--title", "Non-gage (enregistré)")
    body = rec.body
    rec.at("Rassurez vos acheteurs potentiels")
    describe_vehicle(body)
    body.get_by_role("button", name="Rechercher").click()
    rec.at("Rapport de votre véhicule")  # pushState: the same document
    expect(body.locator(".loader-container")).to_have_count(0, timeout=10_000)
    body.get_by_role("tab", name="Situation administrative").click()
    rec.click_panel("Terminer l'enregistrement")
    status, _stdout, stderr = rec.finish()

    assert status == 0, stderr
    text = out.read_text(encoding="utf-8")
    assert "Lefèvre" not in text and "2020DB73205" not in text  # values stay out without --examples
    flow = load_flow(out)
    owner, report = flow.steps
    assert (owner.goto, owner.expect.heading, owner.next.button) == (OWNER, "Rassurez vos acheteurs potentiels",
                                                                     "Rechercher")
    # The labels as a person reads them: no « * », no « Où le trouver », no hint.
    assert [(type(a).__name__, a.target) for a in owner.fill] == [
        ("Choose", CARDS), ("FillText", "Nom de naissance"), ("FillText", "Prénom(s)"),
        ("FillText", "Numéro d'immatriculation"), ("FillText", "Numéro de formule")]
    card = owner.fill[0]
    assert card.options == {"siv": "Immatriculation depuis 2009", "fni": "Immatriculation avant 2009",
                            "ancienne": "Immatriculation avant 1995"}
    # Named and typed from the cleaned labels and hints; required as the page's « * » says, once the card shows them.
    assert {name: spec.type for name, spec in flow.inputs.items()} == {
        "selectionner_type_plaque_immatriculation": "choice", "nom_naissance": "texte", "prenoms": "texte",
        "numero_immatriculation": "plaque", "numero_formule": "numero_formule"}
    shown_by_card = [c.values for c in flow.inputs["nom_naissance"].conditions]
    assert shown_by_card == [("siv",)]
    assert all(flow.inputs[n].conditions == flow.inputs["nom_naissance"].conditions
               for n in ("prenoms", "numero_immatriculation", "numero_formule"))
    assert all(a.revealed for a in owner.fill[1:])
    # The client-side route is a step of its own, checked by its heading; its values are offered as outputs.
    assert (report.goto, report.expect.heading) == (None, "Rapport de votre véhicule")
    assert [(a.target, a.value.source) for a in report.fill] == [("Rapport du véhicule", "Situation administrative")]
    assert {"gages", "oppositions", "declarations_valant_saisie", "suspensions", "declare_vole",
            "informations_ministere_interieur"} <= set(flow.outputs)
    assert all(not spec.journal for spec in flow.outputs.values())
    assert report.extract["declare_vole"].after_text == "Déclaré volé"

    # Replayed for another vehicle and holder.
    lines: list[str] = []
    session = Session(page, library, ScriptedApprover(), origins=Origins(sandbox.port), secrets={}.__getitem__,
                      accounts={}, report=lines.append)
    result = session.run(flow, validate_inputs(flow, {
        "selectionner_type_plaque_immatriculation": "siv", "nom_naissance": "Dupont", "prenoms": "Karim",
        "numero_immatriculation": "fg 456 hj", "numero_formule": "2019FG45601"}))

    assert result.outcome is Outcome.COMPLETED, (result.error, lines)
    recorded, replayed = sandbox.received("histovec-recherche")
    assert recorded["data"]["plaque"] == "DB-732-MN"
    assert replayed["data"] == {"type_immatriculation": "siv", "type_personne": "particulier", "nom": "Dupont",
                                "prenoms": "Karim", "plaque": "FG-456-HJ", "numero_formule": "2019FG45601"}
    assert result.outputs["gages"] == "12/01/2024 - CRÉDIT AUTO EXEMPLE"
    assert result.outputs["declare_vole"] == "NON"
    assert result.outputs["informations_ministere_interieur"].startswith("Datant du ")


@pytest.mark.headed
def test_a_page_whose_timers_do_not_run_still_gets_its_route_before_what_is_done_on_it(browser_type, sandbox, tmp_path, home):  # noqa: F811
    """The recorder notices a client-side route on a 200 ms timer, which Chromium throttles in a window
    behind another and a page's script can stop. Played here by stopping every timer of the page:
    the click that changes the route must still be the step's way out, and the action on the report
    an action of the report's own step."""
    out = tmp_path / "non-gage.yaml"
    rec = Recording(browser_type, sandbox, OWNER, out, home, "--title", "Non-gage (minuteries arrêtées)")
    body = rec.body
    rec.at("Rassurez vos acheteurs potentiels")
    describe_vehicle(body)
    rec.page.evaluate("() => { const last = setTimeout(() => {}, 0); for (let id = 0; id <= last; id++) clearInterval(id); }")
    body.get_by_role("button", name="Rechercher").click()
    rec.at("Rapport de votre véhicule")
    expect(body.locator(".loader-container")).to_have_count(0, timeout=10_000)
    body.get_by_role("tab", name="Situation administrative").click()
    rec.click_panel("Terminer l'enregistrement")
    status, _stdout, stderr = rec.finish()

    assert status == 0, stderr
    owner, report = load_flow(out).steps
    assert (owner.next.button, owner.fill[-1].label) == ("Rechercher", "Numéro de formule")
    assert (report.goto, report.expect.heading) == (None, "Rapport de votre véhicule")
    assert [(a.target, a.value.source, a.revealed) for a in report.fill] == [
        ("Rapport du véhicule", "Situation administrative", False)]
