"""Repair proposals during a run: a target not found (or found several times) on the expected page.

The runner calls `Repairer` before it gives the mediator the hand. When the flow has fingerprints
and the page shows controls that match them (`engine/repair.py`), the panel lists the proposals,
best first, with why, and outlines them on the page. A click on one is the mediator's explicit
choice, **for this run only**: the step is tried again with that control designated by CSS, its
fill read back and approved as usual. Each accepted choice writes a proposed patch of the flow
file in the visit's folder (`flows/patch.py`); the flow file itself is never changed here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.sync_api import Error as PlaywrightError

from autopilot import paths
from autopilot.engine import fingerprints
from autopilot.engine.approver import Decision, Moment, StepView
from autopilot.engine.page_reading import shows
from autopilot.engine.repair import Problem, Proposal, diagnose, split_labels
from autopilot.errors import AutopilotError, PageChanged
from autopilot.flows import patch
from autopilot.flows.fill import Check, Choose, FillText, Upload
from autopilot.flows.model import Step

if TYPE_CHECKING:
    from autopilot.engine.runner import Runner

_OUTLINE = """(selectors) => {
  document.querySelectorAll('[data-autopilot-proposal]').forEach((el) => {
    el.style.outline = ''; el.removeAttribute('data-autopilot-proposal');
  });
  selectors.forEach((selector, index) => {
    const el = document.querySelector(selector);
    if (!el) return;
    el.setAttribute('data-autopilot-proposal', String(index + 1));
    el.style.outline = index === 0 ? '3px dashed #000091' : '2px dashed #6a6af4';
    el.style.outlineOffset = '2px';
  });
}"""


_KINDS = {FillText: ("text", "label"), Choose: ("choose", "choose"), Check: ("check", "check"),
          Upload: ("upload", "upload")}


def _key(action) -> tuple[str, str, str | None] | None:
    """(kind, label, within) of a field action, as its target names it; None for a click."""
    kind = _KINDS.get(type(action))
    return None if kind is None else (kind[0], getattr(action, kind[1]), action.within)


@dataclass
class Repairer:
    """Proposes, for one run, a control for each target the page does not show exactly once.

    `flow_path(flow_id)` is the flow file (for its fingerprints and the patch); `root` is the folder
    the patch names files from (the library's parent, the repository)."""

    flow_path: Callable[[str], Path | None]
    root: Path | None = None
    patches: list[Path] = field(default_factory=list)

    def __call__(self, runner: Runner, step: Step, number: int) -> Step | Decision | PageChanged | None:
        """A step whose broken targets are designated by the mediator's picks; TAKEOVER when the mediator
        takes the hand; PageChanged for a field split in several inputs (nothing to pick: its blocked
        page says so); None otherwise (nothing to propose, or none chosen: the usual blocked page follows)."""
        flow_file = self.flow_path(runner.flow.id)
        known = fingerprints.load(flow_file).get(step.title, {})
        if step.expect is not None and not shows(runner.page, runner.origins, step.expect):
            return None
        try:
            problems = diagnose(runner.page, fingerprints.step_targets(step, dict(runner.values)), known)
        except PlaywrightError:
            return None
        split = [p for p in problems if p.parts]
        if split:  # no piece alone is the field: nothing is proposed, nothing on the page was filled
            return PageChanged(
                f"Étape « {step.title} » : champ découpé en plusieurs cases sur le site : "
                + " ; ".join(split_labels(p) for p in split)
                + ". autopilot ne le remplit pas, pour ne jamais saisir une date ou un numéro à moitié ;"
                " rien n'a été rempli sur cette page.",
                "Cliquez sur « Je prends la main », remplissez la page avec l'usager, puis « Reprendre » ;"
                " signalez le changement au responsable des démarches (`autopilot check`).",
                step=step.title,
            )
        if not known or not problems or not all(p.proposals for p in problems):
            return None
        chosen: list[tuple[Problem, Proposal]] = []
        for problem in problems:
            answer = self._ask(runner, step, number, problem)
            if isinstance(answer, Decision):
                self._outline(runner, [])
                # « Arrêter », confirmed once in the panel, stops here: never asked again on a blocked page
                return answer if answer in (Decision.TAKEOVER, Decision.STOP) else None
            chosen.append((problem, answer))
        self._outline(runner, [])
        repaired = self._designated(step, chosen)
        if flow_file is not None:
            self._write_patch(runner, flow_file, step, chosen)
        return repaired

    def _ask(self, runner: Runner, step: Step, number: int, problem: Problem) -> Proposal | Decision:
        self._outline(runner, [p.selector() for p in problem.proposals])
        texts = tuple(f"{rank}. {p.describe()}" for rank, p in enumerate(problem.proposals, 1))
        what = "introuvable" if problem.count == 0 else f"présent {problem.count} fois"
        view = StepView(
            flow_title=runner.flow.title, index=number, total=len(runner.steps), title=step.title,
            moment=Moment.REPAIR, allowed=frozenset({Decision.TAKEOVER, Decision.STOP}), pick_for=problem.target.label,
            choices=texts,
            message=(f"Le champ « {problem.target.label} » est {what} sur la page : le site a peut-être changé."
                     " Champs proposés, le plus probable d'abord (encadrés sur la page). Choisir l'un d'eux le remplit"
                     " pour cette démarche seulement ; le flow n'est pas modifié."),
        )
        answer = runner.approver.pick(view)
        if isinstance(answer, Decision):
            return answer
        return problem.proposals[texts.index(answer)]

    @staticmethod
    def _outline(runner: Runner, selectors: list[str]) -> None:
        try:
            runner.page.main_frame.evaluate(_OUTLINE, selectors)
        except PlaywrightError:
            pass  # only a highlight

    @staticmethod
    def _designated(step: Step, chosen: list[tuple[Problem, Proposal]]) -> Step:
        """The step with each repaired action pointing at the chosen control (its CSS)."""
        picks = {(p.target.kind, p.target.text, p.target.within): proposal.selector() for p, proposal in chosen}
        fill = []
        for action in step.fill:
            key = _key(action)
            fill.append(action.model_copy(update={"css": picks[key]}) if key in picks else action)
        return step.model_copy(update={"fill": tuple(fill)})

    def _write_patch(self, runner: Runner, flow_file: Path, step: Step, chosen: list[tuple[Problem, Proposal]]) -> None:
        try:
            before = flow_file.read_text(encoding="utf-8")
            after = before
            for problem, proposal in chosen:
                unique = problem.count == 0 and proposal.control.label
                after = patch.changed_text(after, step.title, problem.target.kind, problem.target.text,
                                           label=proposal.control.label if unique else None,
                                           css=None if unique else proposal.selector())
        except (OSError, AutopilotError) as error:
            runner.report(f"Correctif du flow non écrit : {getattr(error, 'message', error)}")
            return
        shown = flow_file.resolve().relative_to(self.root.resolve()) if self.root else flow_file
        name = f"correctif-{runner.flow.id}.diff"
        target = runner.save_file(name) if runner.save_file else _fallback(name)
        target.write_text(patch.diff(shown, before, after), encoding="utf-8")
        self.patches.append(target)
        runner.report(f"Correctif proposé pour le flow : {target} (à relire, puis `autopilot flows repair {target}`).")


def _fallback(name: str) -> Path:
    folder = paths.data_dir() / "correctifs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name
