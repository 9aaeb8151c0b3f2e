"""When a site changes: `autopilot check` names the flows that no longer match, sending nothing, and
a run proposes the renamed control first (never a substring trap), fills it once the mediator picks
it, and writes a patch that `flows check` accepts and that, applied, runs without a proposal."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import yaml
from citizens import CAMILLE, CAMILLE_RECEIVED
from conftest import FAST
from test_panel_run import Autopilot, approve_until

from autopilot import paths
from autopilot.cli import check_command, main, run_command
from autopilot.cli.environment import Environment
from autopilot.cli.run_command import sandbox_credentials
from autopilot.engine import fingerprints
from autopilot.engine.approver import Decision, Moment, ScriptedApprover, StepView
from autopilot.engine.drift import State, Verdict
from autopilot.engine.learning import Learning
from autopilot.engine.origins import Origins
from autopilot.engine.rehearsal import UpToTheFirstGate
from autopilot.engine.runner import Outcome
from autopilot.engine.session import Session
from autopilot.flows import Library
from autopilot.flows.inputs import validate_inputs
from autopilot.flows.loader import parse_flow
from autopilot.flows.patch import applied, changed_text, diff

ROOT = Path(__file__).resolve().parents[1]
PASSPORT = "passeport-pre-demande"
# The site renames « Commune » and adds « Commune déléguée » right after it: the trap contains the old label.
RENAMED = {"relabel": {"Commune": "Ville"}, "add_after": {"Commune": "Commune déléguée"}}
# The flows whose pages before the first gate show a field « Commune » (the sandbox's templates
# predemande/adresse.html, immatriculation/adresse.html — a new address, the acquéreur's —,
# permis/adresse.html and habilitation/entreprise.html).
WITH_A_COMMUNE = {"passeport-pre-demande", "cni-pre-demande", "immatriculation-changement-adresse",
                  "immatriculation-cession", "immatriculation-habilitation", "permis-demande"}
# Flows no knob of these tests touches: checked beside the changed ones, they must stay « à jour ».
UNTOUCHED = ("passeport-suivi", "timbre-remboursement")


def autopilot(*args: str, timeout: float = 1500) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autopilot", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=dict(os.environ))


def in_process(*args: str) -> tuple[int, str, str]:
    """`autopilot ARGS` in this process (for the commands that open no browser): status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    status = main(list(args), Environment(stdout=out, stderr=err))
    return status, out.getvalue(), err.getvalue()


def check(page, sandbox, library, flows) -> dict[str, Verdict]:
    """`autopilot check --sandbox FLOWS` in this process and this test's browser: the verdicts by flow."""
    secrets, accounts = sandbox_credentials()
    with check_command.exercise_date(sandbox.port) as folder:
        session = Session(page, library, UpToTheFirstGate(), origins=Origins(sandbox.port), secrets=secrets,
                          accounts=accounts, scans_folder=folder)
        session.repair = None
        verdicts = {name: check_command.check_one(session, library, library.find(name), True, False) for name in flows}
        session.close()
    return verdicts


@pytest.fixture(scope="module")
def clean_check(browser, browser_context_args, sandbox, library) -> dict[str, Verdict]:
    """Every flow of the library checked once on a clean sandbox (shared by the tests that read it)."""
    sandbox.reset()
    context = browser.new_context(**browser_context_args)
    try:
        return check(context.new_page(), sandbox, library, [e.flow.id for e in library.demarches])
    finally:
        context.close()
        sandbox.reset()


def test_check_says_every_flow_is_up_to_date_on_a_clean_sandbox(clean_check, library):
    assert set(clean_check) == {e.flow.id for e in library.demarches}
    assert all(v.state is State.UP_TO_DATE for v in clean_check.values()), [
        v.line() for v in clean_check.values() if v.state is not State.UP_TO_DATE]


def test_every_flows_fingerprints_match_a_clean_sandbox(clean_check, library):
    for entry in library.demarches:
        learned = clean_check[entry.flow.id].learned
        known = fingerprints.load(entry.path)
        for step, targets in learned.items():
            for key, control in targets.items():
                assert known.get(step, {}).get(key) == control, (entry.flow.id, step, key, control)


def test_check_names_exactly_the_flows_where_a_commune_was_renamed(page, sandbox, library):
    sandbox.faults.update(RENAMED)
    verdicts = check(page, sandbox, library, [*sorted(WITH_A_COMMUNE), *UNTOUCHED])
    assert {name for name, v in verdicts.items() if v.state is State.CHANGED} == WITH_A_COMMUNE
    assert all(verdicts[name].state is State.UP_TO_DATE for name in UNTOUCHED)
    assert "libellé « Commune » introuvable, candidat « Ville » (même name=commune" in verdicts[PASSPORT].line()
    assert sandbox.received() == [] and sandbox.mailbox() == []


def test_check_names_a_moved_a_split_and_a_new_required_field_sending_nothing(sandbox):
    trainer_day = date(2026, 3, 2)
    sandbox.today = trainer_day
    sandbox.faults.update({"move": ["Commune"], "split": ["Date de naissance"],
                           "required_after": {"Adresse électronique": "Confirmation de l'adresse électronique"}})
    changed = autopilot("check", PASSPORT, "immatriculation-changement-adresse", "timbre-passeport", *UNTOUCHED,
                        "--sandbox-url", sandbox.address)
    assert changed.returncode == 11, changed.stdout + changed.stderr
    lines = {line.split(" : ")[0]: line for line in changed.stdout.splitlines() if " : " in line}
    assert "champ découpé en trois : « Date de naissance » → « Jour », « Mois », « Année »" in lines[PASSPORT]
    assert "champ déplacé : « Commune » (" in lines["immatriculation-changement-adresse"]
    assert "« Informations complémentaires »" in lines["immatriculation-changement-adresse"]
    assert "nouveau champ obligatoire : « Confirmation de l'adresse électronique »" in lines["timbre-passeport"]
    assert all(" : à jour " in lines[name] for name in UNTOUCHED), changed.stdout
    assert "3 changée(s)" in changed.stdout and "Rien n'a été envoyé" in changed.stdout
    assert sandbox.received() == [] and sandbox.mailbox() == []
    assert sandbox.today == trainer_day  # the trainer's date, not the exercise's nor the real one


@dataclass
class PicksTheFirst(ScriptedApprover):
    """Approves every page and picks the first proposal (the mediator's explicit click)."""

    proposals: list[StepView] | None = None

    def pick(self, view: StepView) -> str | Decision:
        if view.moment is not Moment.REPAIR:
            return super().pick(view)
        self.seen.append(view)
        return view.choices[0]


def _session(page, sandbox, library, approver, saved: Path) -> Session:
    secrets, accounts = sandbox_credentials()
    session = Session(page, library, approver, origins=Origins(sandbox.port), secrets=secrets, accounts=accounts,
                      timeouts=FAST)
    session.save_file = lambda name: saved / name
    return session


def test_a_renamed_field_is_proposed_first_filled_once_picked_and_patched(page, sandbox, library, tmp_path):
    sandbox.faults.update(RENAMED)
    flow = library.find(PASSPORT).flow
    approver = PicksTheFirst()
    result = _session(page, sandbox, library, approver, tmp_path).run(flow, validate_inputs(flow, CAMILLE))

    assert result.outcome is Outcome.COMPLETED, result.error
    proposal = next(v for v in approver.seen if v.moment is Moment.REPAIR)
    assert proposal.title == "Adresse" and proposal.pick_for == "Commune"
    assert proposal.choices[0].startswith("1. « Ville » (même name=commune, même id=commune")
    trap = [c for c in proposal.choices if "Commune déléguée" in c]
    assert all(proposal.choices.index(c) > 0 for c in trap)
    review = next(v for v in approver.seen if v.moment is Moment.REVIEW and v.title == "Adresse")
    commune = next(f for f in review.fields if f.label == "Commune")
    assert (commune.value, commune.actual) == ("Rennes", "Rennes")
    record = sandbox.received(PASSPORT)[0]
    assert record["data"] == CAMILLE_RECEIVED  # the right field got the commune, the trap nothing

    patch = tmp_path / f"correctif-{PASSPORT}.diff"
    text = patch.read_text(encoding="utf-8")
    assert '-      - {label: "Commune", value: "{{ adresse.commune }}"}' in text
    assert '+      - {label: "Ville", value: "{{ adresse.commune }}"}' in text
    status, out, err = in_process("flows", "check", str(patch))
    assert status == 0, out + err

    sandbox.reset()
    sandbox.faults.update(RENAMED)
    path, corrected = applied(text, ROOT)
    assert path == library.find(PASSPORT).path
    repaired = parse_flow(corrected, str(path), Library.trust_of())
    again = ScriptedApprover()
    page.context.clear_cookies()
    result = _session(page, sandbox, library, again, tmp_path).run(repaired, validate_inputs(repaired, CAMILLE))
    assert result.outcome is Outcome.COMPLETED, result.error
    assert not [v for v in again.seen if v.moment is Moment.REPAIR]
    assert sandbox.received(PASSPORT)[0]["data"] == CAMILLE_RECEIVED


def test_a_duplicated_label_proposes_the_original_control_and_patches_a_css_fallback(page, sandbox, library,
                                                                                      tmp_path):
    sandbox.faults.duplicate_label.add("Commune")
    flow = library.find(PASSPORT).flow
    approver = PicksTheFirst()
    result = _session(page, sandbox, library, approver, tmp_path).run(flow, validate_inputs(flow, CAMILLE))

    assert result.outcome is Outcome.COMPLETED, result.error
    proposal = next(v for v in approver.seen if v.moment is Moment.REPAIR)
    assert proposal.choices[0].startswith("1. « Commune » (même name=commune, même id=commune")
    assert sandbox.received(PASSPORT)[0]["data"] == CAMILLE_RECEIVED
    text = (tmp_path / f"correctif-{PASSPORT}.diff").read_text(encoding="utf-8")
    assert '+      - {css: "#commune", label: "Commune", value: "{{ adresse.commune }}"}' in text
    status, out, err = in_process("flows", "check", str(tmp_path / f"correctif-{PASSPORT}.diff"))
    assert status == 0, out + err


def test_stopping_at_the_proposals_stops_the_run_without_asking_again(page, sandbox, library, tmp_path):
    sandbox.faults.update(RENAMED)

    @dataclass
    class StopsAtTheProposals(ScriptedApprover):
        def pick(self, view: StepView) -> str | Decision:
            self.seen.append(view)
            return Decision.STOP if view.moment is Moment.REPAIR else super().pick(view)

    approver = StopsAtTheProposals()
    flow = library.find(PASSPORT).flow
    result = _session(page, sandbox, library, approver, tmp_path).run(flow, validate_inputs(flow, CAMILLE))

    assert result.outcome is Outcome.STOPPED and result.step == "Adresse"
    assert [v.moment for v in approver.seen if v.title == "Adresse"] == [Moment.REPAIR]  # asked once, no blocked page
    assert sandbox.received() == []


def test_the_panel_lists_the_proposals_and_the_mediator_picks_one(browser_type, sandbox, tmp_path):
    camille_file = tmp_path / "camille.yaml"
    camille_file.write_text(yaml.safe_dump(CAMILLE, allow_unicode=True), encoding="utf-8")
    sandbox.faults.update(RENAMED)
    run = Autopilot(browser_type, sandbox, camille_file)
    approve_until(run, "Adresse")
    run.panel.get_by_role("heading", name="Champs proposés").wait_for(timeout=20_000)
    proposals = run.panel.locator("ul.scans button")
    texts = proposals.all_inner_texts()
    assert texts[0].startswith("1. « Ville » (même name=commune"), texts
    assert run.page.locator("#commune").get_attribute("data-autopilot-proposal") == "1"
    proposals.first.click()
    run.panel.get_by_role("button", name="Valider et continuer", exact=True).wait_for(timeout=20_000)
    # The pick filled the control picked (the run goes on as any run: tests above follow it to the site).
    assert run.page.locator("#commune").input_value() == "Rennes"
    assert run.page.locator("#commune_ajout").input_value() == ""  # the trap got nothing
    run.click("Arrêter la démarche")
    run.click("Oui, arrêter la démarche")
    status, out, err = run.finish()

    assert status == 10, err
    assert sandbox.received() == []
    patch = paths.data_dir() / "correctifs" / f"correctif-{PASSPORT}.diff"
    assert '+      - {label: "Ville", value: "{{ adresse.commune }}"}' in patch.read_text(encoding="utf-8")
    assert str(patch) in out


def test_flows_repair_shows_and_validates_a_patch_and_refuses_a_stale_or_invalid_one(library, tmp_path):
    path = library.find(PASSPORT).path
    before = path.read_text(encoding="utf-8")
    renamed = changed_text(before, "Adresse", "text", "Commune", label="Ville")
    good = tmp_path / "correctif.diff"
    good.write_text(diff(path.relative_to(ROOT), before, renamed), encoding="utf-8")

    status, out, err = in_process("flows", "repair", str(good))
    assert status == 0, err
    assert "Le flow corrigé est valide (passeport-pre-demande" in out and "Rien n'a été modifié" in out
    assert path.read_text(encoding="utf-8") == before  # never without --apply

    stale = tmp_path / "ancien.diff"
    stale.write_text(good.read_text(encoding="utf-8").replace(' {label: "Numéro de téléphone portable"',
                                                              ' {label: "Téléphone"'), encoding="utf-8")
    status, out, err = in_process("flows", "check", str(stale))
    assert status == 3 and "le correctif ne s'applique plus" in err, err
    assert "Traceback" not in err

    broken = tmp_path / "casse.diff"
    elsewhere = before.replace("    goto: https://passeport", "    goto: https://exemple.com/x", 1)
    broken.write_text(diff(path.relative_to(ROOT), before, elsewhere), encoding="utf-8")
    status, out, err = in_process("flows", "check", str(broken))
    assert status == 3 and "exemple.com" in err, err


@dataclass
class Mediator(ScriptedApprover):
    """Takes the hand when a step is blocked, does `by_hand` on the page, then « Reprendre »."""

    page: object = None
    by_hand: object = None

    def decide(self, view: StepView, poll=None) -> Decision:
        if view.moment is Moment.BLOCKED:
            self.seen.append(view)
            return Decision.TAKEOVER
        if view.moment is Moment.TAKEOVER:
            self.seen.append(view)
            self.by_hand(self.page)
            return Decision.RESUME
        return super().decide(view, poll)


def _blocked(approver: ScriptedApprover) -> list[StepView]:
    return [v for v in approver.seen if v.moment is Moment.BLOCKED]


def test_a_moved_field_is_still_found_and_filled_and_a_run_can_learn_where_it_went(page, sandbox, library, tmp_path):
    sandbox.faults.move.add("Commune")
    entry = library.find(PASSPORT)
    values = validate_inputs(entry.flow, CAMILLE)
    approver = PicksTheFirst()
    learning = Learning(approver, entry.flow, values, page)  # `autopilot run … --learn`
    result = _session(page, sandbox, library, learning, tmp_path).run(entry.flow, values)

    assert result.outcome is Outcome.COMPLETED, result.error
    assert not [v for v in approver.seen if v.moment in (Moment.REPAIR, Moment.BLOCKED)]
    assert sandbox.received(PASSPORT)[0]["data"] == CAMILLE_RECEIVED

    copy = tmp_path / entry.path.name
    copy.write_text(entry.path.read_text(encoding="utf-8"), encoding="utf-8")
    env = Environment(stdout=io.StringIO())
    run_command._learned(learning, entry.flow, copy, result, env)
    assert "écrite(s) dans" in env.stdout.getvalue()
    written, known = fingerprints.load(copy)["Adresse"], fingerprints.load(entry.path)["Adresse"]
    assert (written["text::Commune"].name, written["text::Commune"].legend) == ("commune", "Informations complémentaires")
    for before in ("text::Numéro et libellé de la voie", "text::Code postal"):  # above it: unchanged
        assert written[before] == known[before]


def test_a_date_split_in_three_is_never_half_filled_and_the_mediator_types_it(page, sandbox, library, tmp_path):
    sandbox.faults.split.add("Date de naissance")
    flow = library.find(PASSPORT).flow
    page_state = {}

    def by_hand(page):  # the mediator types the page with the citizen, the date in its three boxes
        page_state["jour"] = page.locator("#date_naissance_jour").input_value()
        page_state["nom"] = page.locator("#nom_naissance").input_value()
        usager = CAMILLE["usager"]
        for part, value in zip(("jour", "mois", "annee"), usager["date_naissance"].split("/"), strict=True):
            page.locator(f"#date_naissance_{part}").fill(value)
        for name in ("nom_naissance", "prenoms", "commune_naissance", "departement_naissance", "taille"):
            page.locator(f"#{name}").fill(str(usager[name]))
        page.locator(f"label[for=sexe-{usager['sexe']}]").click()
        for name in ("pays_naissance", "nationalite", "couleur_yeux"):
            page.locator(f"#{name}").select_option(usager[name])
        page.get_by_role("button", name="Suivant").click()
        page.get_by_role("heading", name="Adresse").wait_for()

    approver = Mediator(page=page, by_hand=by_hand)
    result = _session(page, sandbox, library, approver, tmp_path).run(flow, validate_inputs(flow, CAMILLE))

    blocked = _blocked(approver)
    assert [v.title for v in blocked] == ["État civil"]
    assert "champ découpé en plusieurs cases" in blocked[0].message and "« Jour », « Mois », « Année »" in blocked[0].message
    assert "Je prends la main" in blocked[0].message and "rien n'a été rempli" in blocked[0].message
    assert not [v for v in approver.seen if v.moment is Moment.REPAIR]  # no piece is proposed for the whole date
    assert page_state == {"jour": "", "nom": ""}  # nothing of the page was filled before the mediator
    assert result.outcome is Outcome.COMPLETED, result.error
    assert sandbox.received(PASSPORT)[0]["data"] == CAMILLE_RECEIVED


def test_a_new_required_field_stops_the_step_until_the_mediator_fills_it(page, sandbox, library, tmp_path):
    sandbox.faults.required_after["Commune"] = "Code INSEE de la commune"
    flow = library.find(PASSPORT).flow
    seen_by_hand = {}

    def by_hand(page):  # the page as the mediator finds it: filled by autopilot, never sent, the new field empty
        seen_by_hand["heading"] = page.get_by_role("heading", level=1).inner_text()
        seen_by_hand["commune"] = page.locator("#commune").input_value()
        seen_by_hand["nouveau"] = page.locator("#commune_requis").input_value()
        seen_by_hand["kept"] = sandbox.received()
        page.locator("#commune_requis").fill("35238")

    approver = Mediator(page=page, by_hand=by_hand)
    result = _session(page, sandbox, library, approver, tmp_path).run(flow, validate_inputs(flow, CAMILLE))

    blocked = _blocked(approver)
    assert [v.title for v in blocked] == ["Adresse"]
    assert "nouveau champ obligatoire : « Code INSEE de la commune »" in blocked[0].message
    assert "Je prends la main" in blocked[0].message
    assert seen_by_hand == {"heading": "Adresse", "commune": "Rennes", "nouveau": "", "kept": []}
    assert result.outcome is Outcome.COMPLETED, result.error
    assert sandbox.received(PASSPORT)[0]["data"] == CAMILLE_RECEIVED
