"""Documents to upload from the scanner folder (ADR 0006): the mediator picks, when its step comes,
the scan for an upload field the citizen's data left open; the file is only ever taken from there."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from autopilot import scans
from autopilot.engine.actions import Planned
from autopilot.engine.approver import Approver, Decision, Moment, StepView
from autopilot.engine.locate import FieldTarget
from autopilot.engine.outcomes import Stop
from autopilot.errors import DossierError, RunError
from autopilot.flows.fill import Upload
from autopilot.flows.model import Flow, Step


class ScanChoice:
    """The scans picked during one run, one per (step, upload field), asked once."""

    def __init__(self, flow: Flow, approver: Approver, report: Callable[[str], None],
                 view: Callable[..., StepView], total: int, folder: Path) -> None:
        self.flow = flow
        self.folder = folder  # the scanner folder: the only place uploads are taken from
        self.approver = approver
        self.report = report
        self.view = view  # the runner's view of a step: (step, number, moment, allowed, **extra)
        self.total = total
        self.picked: dict[tuple[str, str], str | None] = {}  # (step, upload label) → the scan chosen

    def scan_input(self, action: Upload) -> str | None:
        """The `scan` input an upload takes its file from, if it names one."""
        for placeholder in action.file.placeholders:
            spec = self.flow.inputs.get(placeholder.path[0])
            if spec is not None and spec.type == "scan":
                return placeholder.path[0]
        return None

    def will_ask(self, step: Step, applies: Callable[[Upload], bool], left_open: Callable[[Upload], bool]) -> bool:
        """Whether planning `step` asks the mediator for a scan not picked yet."""
        return any(isinstance(a, Upload) and (step.title, a.upload) not in self.picked and applies(a)
                   and left_open(a) and self.scan_input(a) is not None for a in step.fill)

    def pick(self, action: Upload, step: Step, number: int) -> Planned | None:
        """Ask the mediator which scan goes in `action`'s field (if a `scan` input is its file);
        « Actualiser la liste » (RESUME) lists the folder again, after a new scan."""
        if self.scan_input(action) is None:
            return None
        key = (step.title, action.upload)
        if key not in self.picked:
            self.report(f"Étape {number}/{self.total} « {step.title} » : document à choisir pour"
                        f" « {action.upload} ».")
            answer: str | Decision = Decision.RESUME
            while answer is Decision.RESUME:
                choices = tuple(scans.available(self.folder))
                message = (f"Choisissez le document numérisé à joindre pour « {action.upload} »." if choices else
                           f"Aucun document dans le dossier des numérisations ({self.folder}) : numérisez"
                           f" « {action.upload} », puis « Actualiser la liste ».")
                answer = self.approver.pick(self.view(
                    step, number, Moment.PICK, {Decision.RESUME, Decision.SKIP, Decision.STOP},
                    message=message, choices=choices, pick_for=action.upload))
            if answer is Decision.STOP:
                raise Stop
            self.picked[key] = None if answer is Decision.SKIP else str(answer)
        name = self.picked[key]
        if name is None:
            return None
        return Planned(FieldTarget("upload", action.upload, action.within, css=action.css), action, name, name,
                       "choisi par le médiateur")


def scan_path(item: Planned, folder: Path) -> Path:
    """The file of an upload, only ever taken from the scanner folder."""
    try:
        return scans.find(item.value, label=item.target.label, where=folder)
    except DossierError as error:
        raise RunError(f"« {item.target.label} » : {error.problems[0][1]}", scans.HINT) from None
