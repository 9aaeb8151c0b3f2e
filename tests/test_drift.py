"""When a site changes: `autopilot check` names the flows that no longer match, sending nothing, and
a run proposes the renamed control first (never a substring trap), fills it once the mediator picks
it, and writes a patch that `flows check` accepts and that, applied, runs without a proposal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from citizens import CAMILLE, CAMILLE_RECEIVED
from conftest import FAST
from test_panel_run import Autopilot, approve_until

from autopilot import paths
from autopilot.cli.run_command import sandbox_credentials
from autopilot.engine.approver import Decision, Moment, ScriptedApprover, StepView
from autopilot.engine.origins import Origins
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


def autopilot(*args: str, timeout: float = 1500) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autopilot", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=dict(os.environ))


def test_check_says_every_flow_is_up_to_date_then_names_exactly_the_changed_ones(sandbox):
    clean = autopilot("check", "--sandbox-url", sandbox.address, "--json")
    verdicts = json.loads(clean.stdout[clean.stdout.index("["):])
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert {v["flow"] for v in verdicts} == {e.flow.id for e in Library.load().demarches}
    assert all(v["etat"] == "à jour" for v in verdicts), [v for v in verdicts if v["etat"] != "à jour"]

    sandbox.faults.update(RENAMED)
    changed = autopilot("check", "--sandbox-url", sandbox.address)
    assert changed.returncode == 11, changed.stdout + changed.stderr
    lines = [line for line in changed.stdout.splitlines() if " : " in line and not line[0].isdigit()]
    named = {line.split(" : ")[0] for line in lines if " : changé : " in line}
    assert named == WITH_A_COMMUNE, changed.stdout
    passport = next(line for line in lines if line.startswith(PASSPORT + " : "))
    assert "libellé « Commune » introuvable, candidat « Ville » (même name=commune" in passport
    assert sandbox.received() == [] and sandbox.mailbox() == []


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
    checked = autopilot("flows", "check", str(patch), timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr

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
    checked = autopilot("flows", "check", str(tmp_path / f"correctif-{PASSPORT}.diff"), timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr


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
    for title in ("Adresse", "Filiation", "Timbre fiscal", "Récapitulatif"):
        run.at_step(title)
        run.click("Valider et continuer")
    run.click("Confirmer l'envoi")
    status, out, err = run.finish()

    assert status == 0, err
    assert sandbox.received(PASSPORT)[0]["data"] == CAMILLE_RECEIVED
    patch = paths.data_dir() / "correctifs" / f"correctif-{PASSPORT}.diff"
    assert '+      - {label: "Ville", value: "{{ adresse.commune }}"}' in patch.read_text(encoding="utf-8")
    assert str(patch) in out


def test_flows_repair_shows_and_validates_a_patch_and_refuses_a_stale_or_invalid_one(library, tmp_path):
    path = library.find(PASSPORT).path
    before = path.read_text(encoding="utf-8")
    renamed = changed_text(before, "Adresse", "text", "Commune", label="Ville")
    good = tmp_path / "correctif.diff"
    good.write_text(diff(path.relative_to(ROOT), before, renamed), encoding="utf-8")

    shown = autopilot("flows", "repair", str(good), timeout=120)
    assert shown.returncode == 0, shown.stderr
    assert "Le flow corrigé est valide (passeport-pre-demande" in shown.stdout and "Rien n'a été modifié" in shown.stdout
    assert path.read_text(encoding="utf-8") == before  # never without --apply

    stale = tmp_path / "ancien.diff"
    stale.write_text(good.read_text(encoding="utf-8").replace(' {label: "Numéro de téléphone portable"',
                                                              ' {label: "Téléphone"'), encoding="utf-8")
    refused = autopilot("flows", "check", str(stale), timeout=120)
    assert refused.returncode == 3 and "le correctif ne s'applique plus" in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr

    broken = tmp_path / "casse.diff"
    elsewhere = before.replace("    goto: https://passeport", "    goto: https://exemple.com/x", 1)
    broken.write_text(diff(path.relative_to(ROOT), before, elsewhere), encoding="utf-8")
    invalid = autopilot("flows", "check", str(broken), timeout=120)
    assert invalid.returncode == 3 and "exemple.com" in invalid.stderr, invalid.stderr


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


def test_a_moved_field_is_still_found_and_filled(page, sandbox, library, tmp_path):
    sandbox.faults.move.add("Commune")
    flow = library.find(PASSPORT).flow
    approver = PicksTheFirst()
    result = _session(page, sandbox, library, approver, tmp_path).run(flow, validate_inputs(flow, CAMILLE))

    assert result.outcome is Outcome.COMPLETED, result.error
    assert not [v for v in approver.seen if v.moment in (Moment.REPAIR, Moment.BLOCKED)]
    assert sandbox.received(PASSPORT)[0]["data"] == CAMILLE_RECEIVED


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

    def by_hand(page):
        seen_by_hand["commune"] = page.locator("#commune").input_value()  # filled by autopilot, not validated
        seen_by_hand["kept"] = sandbox.received()  # nothing sent
        page.locator("#commune_requis").fill("35238")

    approver = Mediator(page=page, by_hand=by_hand)
    result = _session(page, sandbox, library, approver, tmp_path).run(flow, validate_inputs(flow, CAMILLE))

    blocked = _blocked(approver)
    assert [v.title for v in blocked] == ["Adresse"]
    assert "nouveau champ obligatoire : « Code INSEE de la commune »" in blocked[0].message
    assert "Je prends la main" in blocked[0].message
    assert seen_by_hand == {"commune": "Rennes", "kept": []}
    assert result.outcome is Outcome.COMPLETED, result.error
    assert sandbox.received(PASSPORT)[0]["data"] == CAMILLE_RECEIVED


def test_without_the_mediator_a_new_required_field_is_never_submitted_empty(page, sandbox, library, tmp_path):
    sandbox.faults.required_after["Commune"] = "Code INSEE de la commune"
    flow = library.find(PASSPORT).flow
    approver = ScriptedApprover()  # stops at the blocked page
    result = _session(page, sandbox, library, approver, tmp_path).run(flow, validate_inputs(flow, CAMILLE))

    assert result.outcome is Outcome.STOPPED and result.step == "Adresse"
    assert page.get_by_role("heading", name="Adresse").is_visible()  # the page was never sent
    assert page.locator("#commune_requis").input_value() == ""
    assert sandbox.received() == []
