"""The driving-licence services without an account, end to end on the sandbox: the exam result
(the captcha solved by a person) and the points balance on Télépoints (the code confidentiel typed
by the citizen, never known to autopilot)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from autopilot.engine.approver import Decision, Moment, ScriptedApprover, StepView
from autopilot.engine.runner import Outcome
from autopilot.errors import DossierError
from autopilot.flows.inputs import validate_inputs
from autopilot.flows.template import parse
from autopilot.journal import Journal, run_entry

TODAY = date(2026, 11, 19)  # a Thursday


@pytest.fixture(autouse=True)
def fixed_date(sandbox):
    sandbox.today = TODAY


def only(sandbox, kind: str) -> dict:
    records = sandbox.received(kind)
    assert len(records) == 1, records
    return records[0]


def reviewed(approver: ScriptedApprover, title: str) -> dict[str, str]:
    """What autopilot filled at a step, as the mediator saw it: label -> value."""
    (view,) = [v for v in approver.seen if v.title == title and v.moment is Moment.REVIEW]
    return {f.label: f.value for f in view.fields}


# -- exam results -----------------------------------------------------------------------------


def candidate_solves_the_captcha(page):
    """The person at the desk reads the code in the image, ticks the box, clicks « Rechercher »."""

    def solve(view: StepView) -> None:
        assert view.title == "Vérification anti-robot" and view.fields == ()
        body = page.locator("body")
        code = "".join(body.locator(".fr-captcha__glyph").all_text_contents())
        body.get_by_label("Recopiez le code affiché").fill(code)
        body.get_by_label("Je ne suis pas un robot").check(force=True)
        body.get_by_role("button", name="Rechercher").click()

    return solve


@pytest.mark.parametrize("data, resultat, date_examen", [
    ({"neph": "210692 106990", "date_naissance": "12/04/2006", "categorie": "b"}, "Favorable", "12/11/2026"),
    ({"neph": "230133700482", "date_naissance": "28/02/2007", "categorie": "B"}, "Insuffisant", "16/11/2026"),
    ({"neph": "180869300127", "date_naissance": "00/00/1986", "categorie": "C"}, "Favorable", "05/11/2026"),
    ({"neph": "180869300127", "date_naissance": "00/00/1986", "categorie": "CE"}, "Insuffisant", "13/11/2026"),
    ({"neph": "240175100318", "date_naissance": "19/01/2008", "categorie": "AM"}, "En attente de publication",
     "18/11/2026"),
], ids=["B-favorable", "B-insuffisant", "C-date-inconnue-favorable", "CE-insuffisant", "AM-pas-encore-publie"])
def test_exam_result_read_after_the_captcha(run_demarche, sandbox, page, data, resultat, date_examen):
    approver = ScriptedApprover(human=candidate_solves_the_captcha(page))
    result, approver, _ = run_demarche("permis-resultats-examen", data, approver)

    assert result.outcome is Outcome.COMPLETED, result.error
    assert result.outputs == {"resultat": resultat, "date_examen": date_examen}
    neph = data["neph"].replace(" ", "")
    assert only(sandbox, "resultat-examen")["data"] == {
        "neph": neph, "date_naissance": data["date_naissance"], "categorie": data["categorie"].upper(),
    }
    assert reviewed(approver, "Identification du candidat") == {
        "Numéro NEPH": neph, "Date de naissance": data["date_naissance"], "Catégorie": data["categorie"].upper(),
    }
    manual = [v for v in approver.seen if v.moment is Moment.MANUAL]
    assert [v.title for v in manual] == ["Vérification anti-robot"]
    assert "recopiez le code affiché dans l'image" in manual[0].message
    assert approver.seen[-1].outputs == (("Résultat de l'examen", resultat), ("Date de l'examen", date_examen))


class MediatorStopsAfterTheTry(ScriptedApprover):
    """The citizen tries; the page shows the site's error; the mediator reads it and stops."""

    def decide(self, view: StepView, poll=None) -> Decision:
        if view.moment is Moment.MANUAL:
            self.seen.append(view)
            self.human(view)
            return Decision.STOP
        return super().decide(view, poll)


def test_an_unknown_candidate_leaves_the_run_on_the_sites_error(run_demarche, sandbox, page):
    solve = candidate_solves_the_captcha(page)

    def try_and_read(view: StepView) -> None:
        solve(view)
        page.get_by_role("alert").wait_for()

    data = {"neph": "210692106990", "date_naissance": "13/04/2006", "categorie": "B"}
    result, approver, _ = run_demarche("permis-resultats-examen", data, MediatorStopsAfterTheTry(human=try_and_read))

    assert result.outcome is Outcome.STOPPED
    assert approver.seen[-1].title == "Vérification anti-robot"
    assert result.outputs == {}
    assert page.get_by_role("alert").inner_text().startswith("Aucun résultat ne correspond aux informations saisies.")
    assert sandbox.received() == []


# -- Télépoints --------------------------------------------------------------------------------


def citizen_types_the_code(page, *codes: str):
    """The citizen types each code in turn (a wrong one first, maybe) and clicks « Accéder »."""

    def type_codes(view: StepView) -> None:
        assert view.title == "Code confidentiel" and view.fields == ()
        body = page.locator("body")
        for attempt, code in enumerate(codes, 1):
            body.get_by_label("Code confidentiel").fill(code)
            body.get_by_role("button", name="Accéder").click()
            if attempt < len(codes):
                page.get_by_role("alert").wait_for()

    return type_codes


def journalled(library, data: dict, result) -> None:
    """Write the run's journal entry, as `autopilot run` does after every run."""
    flow = library.find("permis-solde-points").flow
    Journal().append(run_entry(flow, validate_inputs(flow, data), result, mediateur="Médiateur de test",
                               sandbox=True, duration_s=1.0))


def nothing_written_holds(code: str, lines: list[str], approver: ScriptedApprover, home) -> None:
    """The code is in no report line, no view the mediator saw, no file of autopilot's folders."""
    assert not [line for line in lines if code in line]
    assert not [view for view in approver.seen if code in repr(view)]
    files = [path for path in home.rglob("*") if path.is_file()]
    assert any(path.name == "journal.sqlite3" for path in files)
    for path in files:
        assert code.encode() not in path.read_bytes(), path


@pytest.mark.parametrize("neph, code, solde", [
    ("120575300418", "K7Q2MZ", "12 points"),
    ("250133500872", "P4W8TN", "6 points"),
    ("230833200541", "H3R6XB", "8 points"),
    ("150469 300227", "Z9C5LD", "9 points"),
], ids=["12-points", "probatoire-6", "probatoire-8", "perte-recente"])
def test_points_balance_with_the_code_typed_by_the_citizen(run_demarche, library, sandbox, page, autopilot_home,
                                                           neph, code, solde):
    approver = ScriptedApprover(human=citizen_types_the_code(page, code))
    result, approver, lines = run_demarche("permis-solde-points", {"neph": neph}, approver)
    journalled(library, {"neph": neph}, result)

    assert result.outcome is Outcome.COMPLETED, result.error
    assert result.outputs == {"solde": solde}
    assert only(sandbox, "telepoints-consultation")["data"] == {"neph": neph.replace(" ", "")}
    compact = neph.replace(" ", "")  # typed in three boxes, a third in each (the real split is not known)
    assert reviewed(approver, "Numéro de permis") == {
        "Numéro de permis, partie 1": compact[:4], "Numéro de permis, partie 2": compact[4:8],
        "Numéro de permis, partie 3": compact[8:],
    }
    manual = [v for v in approver.seen if v.moment is Moment.MANUAL]
    assert [v.title for v in manual] == ["Code confidentiel"]
    assert "il tape lui-même son code confidentiel" in manual[0].message
    assert code not in str(sandbox.received())
    nothing_written_holds(code, lines, approver, autopilot_home)
    [entry] = [e for e in Journal().entries() if e.flow_id == "permis-solde-points"][-1:]
    assert entry.refs == {}  # the balance is shown to the mediator, never kept


@pytest.mark.parametrize("neph, thirds", [
    ("120575300418", ("1205", "7530", "0418")),
    ("150469 300227", ("1504", "6930", "0227")),  # as printed, two groups of 6
    ("85AB310245", ("85AB", "310", "245")),  # an old number: the first boxes take the extra characters
])
def test_the_licence_number_is_cut_in_three_for_the_three_boxes(neph, thirds):
    template = parse("{{ neph | tiers_1 }}|{{ neph | tiers_2 }}|{{ neph | tiers_3 }}")
    assert tuple(template.render({"neph": neph}).split("|")) == thirds


def test_a_wrong_code_first_then_the_right_one(run_demarche, library, sandbox, page, autopilot_home):
    approver = ScriptedApprover(human=citizen_types_the_code(page, "P4W8TX", "P4W8TN"))
    result, approver, lines = run_demarche("permis-solde-points", {"neph": "250133500872"}, approver)
    journalled(library, {"neph": "250133500872"}, result)

    assert result.outcome is Outcome.COMPLETED, result.error
    assert result.outputs == {"solde": "6 points"}
    assert len(sandbox.received("telepoints-consultation")) == 1
    for code in ("P4W8TX", "P4W8TN"):
        nothing_written_holds(code, lines, approver, autopilot_home)


# -- the citizen's data, checked before the browser opens --------------------------------------

NEPH_PROBLEM = ("numéro de permis (NEPH) attendu : 12 chiffres, souvent écrits en deux groupes de 6 "
                "(ex. 210692 106990) ; un ancien numéro peut contenir des lettres.")


@pytest.mark.parametrize("flow, data, problems", [
    ("permis-resultats-examen", {"neph": "2106921069", "date_naissance": "12/04/2006", "categorie": "B"},
     [("Numéro NEPH", NEPH_PROBLEM)]),
    ("permis-resultats-examen", {"neph": "210692106990", "date_naissance": "12/04/2006", "categorie": "VL"},
     [("Catégorie de l'examen", ("catégorie de permis non reconnue ; catégories possibles : "
                                "AM, A1, A2, A, B1, B, BE, C1, C1E, C, CE, D1, D1E, D, DE."))]),
    ("permis-resultats-examen", {"neph": "210692106990", "date_naissance": "31/02/2006"},
     [("Date de naissance", "cette date n'existe pas."), ("Catégorie de l'examen", "ce champ est obligatoire.")]),
    ("permis-solde-points", {"neph": "1234 5678"}, [("Numéro de dossier (NEPH)", NEPH_PROBLEM)]),
    ("permis-solde-points", {}, [("Numéro de dossier (NEPH)", "ce champ est obligatoire.")]),
])
def test_invalid_data_is_refused_before_the_browser_opens(library, flow, data, problems):
    with pytest.raises(DossierError) as caught:
        validate_inputs(library.find(flow).flow, data)
    assert caught.value.problems == problems


def test_the_code_confidentiel_is_no_input_of_the_flow(library):
    flow = library.find("permis-solde-points").flow
    assert list(flow.inputs) == ["neph"]
    assert not [a for s in flow.steps for a in s.fill if re.search("code", getattr(a, "label", ""), re.IGNORECASE)]
