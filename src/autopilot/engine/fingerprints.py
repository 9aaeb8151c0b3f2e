"""Fingerprints: what identifies a flow's target besides its label (docs/adr/0014-fingerprints.md).

For each field a flow fills, the facts of the control found there (`id`, `name`, `autocomplete`,
input type, place among the page's controls, fieldset legend, hint) are kept in a sidecar beside
the flow file (`pre-demande.fingerprints.json` beside `pre-demande.yaml`). They are never used to
fill: only to propose a control when the label is no longer found (`engine/repair.py`).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import asdict, dataclass, fields
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from autopilot.engine import dom
from autopilot.engine.locate import FieldTarget
from autopilot.flows.conditions import holds
from autopilot.flows.fill import Check, Choose, FillText, Upload
from autopilot.flows.model import Step

SUFFIX = ".fingerprints.json"
_tokens = itertools.count(1)


@dataclass(frozen=True)
class Control:
    """One control of a page, with the facts that identify it."""

    label: str
    id: str = ""
    name: str = ""
    autocomplete: str = ""
    type: str = ""
    place: int = -1
    legend: str = ""
    hint: str = ""

    @classmethod
    def of(cls, data: dict[str, Any]) -> Control:
        """From a JSON object (unknown keys ignored)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@cache
def _facts_script() -> str:
    text = resources.files("autopilot.engine").joinpath("fingerprints.js").read_text(encoding="utf-8").strip()
    return dom.script(text, locate=True)


def target_key(target: FieldTarget) -> str:
    """How a target is named in the sidecar: its kind, its section and its label."""
    return f"{target.kind}:{target.within or ''}:{target.text}"


def step_targets(step: Step, values: dict[str, Any] | None = None) -> list[FieldTarget]:
    """The fields a step fills (those whose `when` holds, when `values` are given), as targets."""
    targets = []
    for action in step.fill:
        if values is not None and not holds(action.when, values):
            continue
        if isinstance(action, FillText):
            targets.append(FieldTarget("text", action.label, action.within, css=action.css))
        elif isinstance(action, Choose):
            targets.append(FieldTarget("choose", action.choose, action.within, css=action.css))
        elif isinstance(action, Check):
            targets.append(FieldTarget("check", action.check, action.within, css=action.css))
        elif isinstance(action, Upload):
            targets.append(FieldTarget("upload", action.upload, action.within, css=action.css))
    return targets


def controls(page: Page, kind: str, marked: str | None = None) -> list[tuple[Control, bool]]:
    """Every visible control of `kind` in the page's main document, in page order; True for the one marked."""
    found = page.main_frame.evaluate(_facts_script(), [kind, marked])
    return [(Control.of(item), bool(item.get("marked"))) for item in found]


def locate_counts(page: Page, targets: list[FieldTarget]) -> tuple[str, list[int]]:
    """How many elements match each target in the main document (the unique ones marked with the token)."""
    token = f"f{next(_tokens)}"
    specs = [{"kind": t.kind, "text": t.text, "within": t.within, "option": None, "css": t.css} for t in targets]
    results = page.main_frame.evaluate(dom.script("(lib, arg) => lib.locate(arg)", locate=True), [specs, token])
    return token, [r["count"] if r["scopeCount"] == 1 else 0 for r in results]


def observe(page: Page, targets: list[FieldTarget]) -> dict[str, Control]:
    """The fingerprint of each target found exactly once on the page now (the others are left out)."""
    if not targets:
        return {}
    token, counts = locate_counts(page, targets)
    by_kind: dict[str, dict[str, FieldTarget]] = {}  # one look per kind of control, for all its targets
    for index, (target, count) in enumerate(zip(targets, counts, strict=True)):
        if count == 1 and not target.css:
            by_kind.setdefault(target.kind, {})[f"{token}-{index}"] = target
    found: dict[str, Control] = {}
    for kind, marks in by_kind.items():
        for item in page.main_frame.evaluate(_facts_script(), [kind, list(marks)]):
            if item.get("marked") in marks:
                found[item["marked"]] = Control.of(item)
    return {target_key(t): found[f"{token}-{i}"] for i, t in enumerate(targets) if f"{token}-{i}" in found}


def sidecar(flow_path: Path) -> Path:
    """The fingerprints file beside a flow file."""
    return flow_path.with_name(flow_path.stem + SUFFIX)


def load(flow_path: Path | None) -> dict[str, dict[str, Control]]:
    """The fingerprints of a flow, by step title then target key; empty when there are none."""
    if flow_path is None or not sidecar(flow_path).exists():
        return {}
    data = json.loads(sidecar(flow_path).read_text(encoding="utf-8"))
    return {step: {key: Control.of(facts) for key, facts in targets.items()}
            for step, targets in data.get("etapes", {}).items()}


def save(flow_path: Path, flow_id: str, learned: dict[str, dict[str, Control]]) -> Path:
    """Write (merge into) the sidecar of a flow; returns its path."""
    known = load(flow_path)
    for step, targets in learned.items():
        known.setdefault(step, {}).update(targets)
    data = {"flow": flow_id, "etapes": {step: {key: asdict(control) for key, control in targets.items()}
                                        for step, targets in known.items()}}
    path = sidecar(flow_path)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path
